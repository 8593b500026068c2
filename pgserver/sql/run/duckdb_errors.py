"""DuckDB exceptions as PostgreSQL errors.

DuckDB reports binder/catalog/conversion problems in its own words; clients need the
SQLSTATE PostgreSQL would use and, where we can find it, the position of the offending
name in the *client's* query text (DuckDB's positions refer to the transpiled SQL).
"""

from __future__ import annotations

import re

import duckdb

from pgserver import errors as e
from pgserver.catalog.errors import pg_error_from_duckdb
from pgserver.errors import PgError
from pgserver.types.datetime import input_error

GROUPING_ERROR = "42803"
CARDINALITY_VIOLATION = "21000"
_DATETIME_INPUT = re.compile(r'(?:invalid (date|timestamp) field format|(date|time|timestamp) field value out of range): '
                             r'"([^"]*)"')


def translate(error: Exception, sql: str) -> PgError:
    """The PgError a client should see for a DuckDB exception raised by a query over `sql`."""
    raised = pg_error_from_duckdb(error)  # a catalog UDF's own PgError ('x'::regclass …), SQLSTATE kept
    if raised is not None:
        return raised
    message = next((line for line in str(error).split("\n") if line.strip() and not line.strip().endswith("Error:")),
                   str(error).strip())
    text = re.sub(r"^[A-Za-z ]+ Error: ", "", message)
    if isinstance(error, duckdb.InterruptException):
        return PgError(e.QUERY_CANCELED, "canceling statement due to user request")
    if match := re.search(r'Referenced column "([^"]+)" not found', text):
        return PgError(e.UNDEFINED_COLUMN, f'column "{as_written(sql, match[1])}" does not exist',
                       position=find_name(sql, match[1]))
    if match := re.search(r'Column "([^"]+)" referenced that exists in the SELECT clause', text):
        return PgError(e.UNDEFINED_COLUMN, f'column "{as_written(sql, match[1])}" does not exist',
                       position=find_name(sql, match[1]))
    if match := re.search(r'(?:Values list|Table) "([^"]+)" does not have a column named "([^"]+)"', text):
        return PgError(e.UNDEFINED_COLUMN, f"column {match[1]}.{as_written(sql, match[2])} does not exist",
                       position=find_name(sql, match[2]))
    if match := re.search(r'column "([^"]+)" must appear in the GROUP BY clause', text):
        return PgError(GROUPING_ERROR, f'column "{match[1]}" must appear in the GROUP BY clause '
                       "or be used in an aggregate function", position=find_name(sql, match[1]))
    if match := re.search(r"Type with name (\S+) does not exist", text):
        name = match[1].rstrip("!")
        return PgError(e.UNDEFINED_OBJECT, f'type "{name}" does not exist', position=find_name(sql, name))
    if isinstance(error, duckdb.ConversionException) and (match := _DATETIME_INPUT.search(text)):
        read = input_error(match[1] or match[2], match[3])  # DuckDB refused the text: PostgreSQL's reading
        if read is not None:  # of it decides the error ('-42'::date is 22009, a zone displacement)
            return read
    if match := re.search(r'invalid date field format: "([^"]*)"', text):
        return PgError(e.INVALID_DATETIME_FORMAT, f'invalid input syntax for type date: "{match[1]}"')
    if match := re.search(r'Referenced table "([^"]+)" not found', text):
        return PgError(e.UNDEFINED_TABLE, f'missing FROM-clause entry for table "{match[1]}"',
                       position=find_name(sql, match[1]))
    if match := re.search(r"Cannot extract field '([^']+)' from expression \"([^\"]+)\"", text):
        return PgError(e.UNDEFINED_COLUMN, f"column {match[2]}.{match[1]} does not exist",
                       position=find_name(sql, match[2]))
    if match := re.search(r'Ambiguous reference to column name "([^"]+)"', text):
        return PgError(e.AMBIGUOUS_COLUMN, f'column reference "{match[1]}" is ambiguous',
                       position=find_name(sql, match[1]))
    if match := re.search(r"Table with name (\S+) does not exist", text):
        name = match[1].rstrip("!")
        return PgError(e.UNDEFINED_TABLE, f'relation "{name}" does not exist', position=find_name(sql, name))
    if match := re.search(r"(?:Scalar|Aggregate|Table) Function with name (\S+) does not exist", text):
        name = match[1].rstrip("!")
        return PgError(e.UNDEFINED_FUNCTION, f"function {name} does not exist",
                       hint=e.NO_MATCH_HINT, position=find_name(sql, name))
    if match := re.search(r'Could not choose a best candidate function for the function call "([^"]+)"', text):
        return PgError(e.AMBIGUOUS_FUNCTION, f"function {pg_words(match[1])} is not unique",
                       hint="Could not choose a best candidate function. You might need to add explicit type casts.")
    if match := re.search(r"No function matches the given name and argument types '(.+?)\((.*?)\)'", text):
        return _no_such_function(match[1], pg_words(match[2]))
    if "No function matches" in text or "Could not choose a best candidate function" in text:
        return PgError(e.UNDEFINED_FUNCTION, _first_sentence(text),
                       hint="You might need to add explicit type casts.")
    if match := re.search(r'(invalid value "[^"]*" for "[^"]+"|invalid value for to_char: .*)', text):
        return PgError(e.INVALID_DATETIME_FORMAT, match[1])
    for message, state in _FUNCTION_DOMAIN_ERRORS.items():  # raised by the SQL we write (dialect._domain_checked)
        if message in text:
            return PgError(state, message)
    if "More than one row returned by a subquery used as an expression" in text:
        return PgError(CARDINALITY_VIOLATION, "more than one row returned by a subquery used as an expression")
    if "Invalid escape string" in text:
        return PgError("22025", "invalid escape string", hint="Escape string must be empty or one character.")
    if "division by zero" in text.lower() or "Division by zero" in text:
        return PgError(e.DIVISION_BY_ZERO, "division by zero")
    if match := re.search(r"Date out of range: (-?\d+)-(\d+)-(\d+)", text):  # make_date(2023, 2, 29)
        return PgError(e.DATETIME_FIELD_OVERFLOW,
                       f"date field value out of range: {int(match[1]):04d}-{int(match[2]):02d}-{int(match[3]):02d}")
    if match := re.search(r"Overflow in (?:addition|subtraction|multiplication|division|negation) of "
                          r"(INT16|INT32|INT64|smallint|integer|bigint)\b", text):  # 32767::int2 + 1::int2
        return PgError(e.NUMERIC_VALUE_OUT_OF_RANGE, f"{_INTEGER_NAMES[match[1].upper()]} out of range")
    if re.search(r"Overflow in division of -9223372036854775808 / -1", text):
        return PgError(e.NUMERIC_VALUE_OUT_OF_RANGE, "bigint out of range")
    if match := re.search(r"Type (INT16|INT32|INT64|INT128) with value \S+ can't be cast because the value is out of "
                          r"range for the destination type (INT16|INT32|INT64)", text):  # -(-2147483648)
        return PgError(e.NUMERIC_VALUE_OUT_OF_RANGE, f"{_INTEGER_NAMES[match[2]]} out of range")
    if match := re.search(r"Failed to cast decimal value \S+ to type (\w+)", text):  # 1e10::int
        name = _INTEGER_NAMES.get(match[1].upper())
        if name is not None:
            return PgError(e.NUMERIC_VALUE_OUT_OF_RANGE, f"{name} out of range")
    if re.search(r"Could not cast value \S+ to DECIMAL", text) and isinstance(error, duckdb.ConversionException):
        return PgError(e.NUMERIC_VALUE_OUT_OF_RANGE, "numeric field overflow")
    if isinstance(error, duckdb.ConversionException):
        if match := re.search(r"Could not convert string '([^']*)' to (\w+)", text):
            kind = _pg_type_name(match[2])  # PostgreSQL's date/time input errors are 22007
            return PgError(e.INVALID_DATETIME_FORMAT if kind in _DATETIME_TYPES else e.INVALID_TEXT_REPRESENTATION,
                           f'invalid input syntax for type {kind}: "{match[1]}"')
        if match := re.search(r'(time|timestamp) field value out of range: "([^"]*)", expected format', text):
            return PgError(e.INVALID_DATETIME_FORMAT, f'invalid input syntax for type {match[1]}: "{match[2]}"')
        if match := re.search(r'timestamp field value out of range: "([^"]*)"', text):
            return PgError(e.DATETIME_FIELD_OVERFLOW, f'date/time field value out of range: "{match[1]}"')
        if match := re.search(r'date field value out of range: "([^"]*)"', text):
            return PgError(e.DATETIME_FIELD_OVERFLOW, f'date/time field value out of range: "{match[1]}"')
        if "out of range" in text:
            return PgError(e.INVALID_DATETIME_FORMAT if "date" in text.lower() else e.NUMERIC_VALUE_OUT_OF_RANGE,
                           _first_sentence(text))
        return PgError(e.INVALID_TEXT_REPRESENTATION, _first_sentence(text))
    if isinstance(error, duckdb.OutOfRangeException):
        return PgError(e.NUMERIC_VALUE_OUT_OF_RANGE, _first_sentence(text))
    if isinstance(error, duckdb.PermissionException):
        return PgError(e.INSUFFICIENT_PRIVILEGE, "permission denied: this server does not read or write files",
                       hint="Only the Sage 200 views, system tables and built-in functions are available.")
    if isinstance(error, duckdb.ParserException):
        return PgError(e.SYNTAX_ERROR, _first_sentence(text))
    if isinstance(error, duckdb.BinderException):
        return PgError(e.DATATYPE_MISMATCH if "type" in text.lower() else e.SYNTAX_ERROR, _first_sentence(text))
    if isinstance(error, duckdb.CatalogException):
        return PgError(e.UNDEFINED_OBJECT, _first_sentence(text))
    if isinstance(error, duckdb.NotImplementedException):
        return PgError(e.FEATURE_NOT_SUPPORTED, _first_sentence(text))
    if isinstance(error, duckdb.InvalidInputException):
        return PgError(e.DATA_EXCEPTION, _first_sentence(text))
    return PgError(e.INTERNAL_ERROR, f"query execution failed: {_first_sentence(text)}")


_FUNCTION_DOMAIN_ERRORS = {"cannot take square root of a negative number": "2201F",
                           "cannot take logarithm of zero": "2201E",
                           "cannot take logarithm of a negative number": "2201E",
                           "step size cannot equal zero": "22023"}


def as_written(sql: str, name: str) -> str:
    """A name as PostgreSQL would report it: as quoted in the client's SQL, else folded to lower case
    (identifiers reach DuckDB lower-cased, so its messages cannot tell)."""
    position = find_name(sql, name)
    if position is None or sql[position - 1] != '"':
        return name.lower()
    end = sql.find('"', position)
    return sql[position:end] if end > 0 else name


def find_name(sql: str, name: str) -> int | None:
    """1-based position of `name` as a whole word (quoted or not) in the client's SQL."""
    match = re.search(r'(?<![\w"])"?' + re.escape(name) + r'"?(?![\w"])', sql, flags=re.IGNORECASE)
    return match.start() + 1 if match else None


_DUCK_TO_PG = {"UINT32": "oid", "UINTEGER": "oid", "INT32": "integer", "INT64": "bigint", "INT16": "smallint", "INT8": "smallint", "DOUBLE": "double precision",
               "FLOAT": "real", "BOOL": "boolean", "DATE": "date", "TIMESTAMP": "timestamp without time zone",
               "DECIMAL": "numeric", "UUID": "uuid", "INTERVAL": "interval", "TIME": "time without time zone",
               "TIMESTAMPTZ": "timestamp with time zone", "TIMESTAMP WITH TIME ZONE": "timestamp with time zone"}


_DATETIME_TYPES = {"date", "time without time zone", "timestamp without time zone", "interval", "time", "timestamp",
                   "timestamp with time zone", "time with time zone"}


def _pg_type_name(duck: str) -> str:
    return _DUCK_TO_PG.get(duck.upper(), duck.lower())


# DuckDB's spellings of types and our internal function names, as a PostgreSQL user knows them
_WORDS = [
    (re.compile(r"\bpgcat_([a-z_]+?)_\d+\b"), r"\1"), (re.compile(r"\b__pg_([a-z_]+)\b"), r"\1"),
    (re.compile(r"\bDECIMAL\(\d+,\s*\d+\)"), "numeric"), (re.compile(r"\bVARCHAR\(\d+\)"), "character varying"),
    (re.compile(r"\b(UINT32|UINTEGER)\b", re.IGNORECASE), "oid"), (re.compile(r"\bINTEGER_LITERAL\b"), "integer"),
    (re.compile(r"\bSTRING_LITERAL\b"), "unknown"), (re.compile(r"\b(INT32|INTEGER)\b"), "integer"),
    (re.compile(r"\b(INT64|BIGINT|HUGEINT)\b"), "bigint"), (re.compile(r"\b(INT16|SMALLINT)\b"), "smallint"),
    (re.compile(r"\bDOUBLE\b"), "double precision"), (re.compile(r"\bFLOAT\b"), "real"),
    (re.compile(r"\bVARCHAR\b"), "text"), (re.compile(r"\bBLOB\b"), "bytea"), (re.compile(r"\bDECIMAL\b"), "numeric"),
    (re.compile(r"\bBOOLEAN\b"), "boolean"), (re.compile(r"\bTIMESTAMP WITH TIME ZONE\b"), "timestamp with time zone"),
    (re.compile(r"\bTIMESTAMP\b"), "timestamp without time zone"), (re.compile(r"\bDATE\b"), "date"),
    (re.compile(r"\bINTERVAL\b"), "interval"), (re.compile(r"\bTIME\b"), "time without time zone"),
]


def pg_words(text: str) -> str:
    """A DuckDB message with DuckDB's type names and our internal function names in PostgreSQL's words."""
    for pattern, replacement in _WORDS:
        text = pattern.sub(replacement, text)
    return text


_INTEGER_NAMES = {"INT16": "smallint", "INT32": "integer", "INT64": "bigint", "SMALLINT": "smallint",
                  "INTEGER": "integer", "BIGINT": "bigint"}


def _no_such_function(name: str, arguments: str) -> PgError:
    """PostgreSQL's words for a call no function or operator takes: `operator does not exist: text - integer`,
    `function upper(integer, integer) does not exist` (DuckDB lists its argument types with ", ")."""
    if re.match(r"\w", name):
        return PgError(e.UNDEFINED_FUNCTION, f"function {pg_words(name)}({arguments}) does not exist",
                       hint="No function matches the given name and argument types. You might need to add explicit "
                            "type casts.")
    operands = arguments.split(", ")
    if len(operands) == 2:
        return PgError(e.UNDEFINED_FUNCTION, f"operator does not exist: {operands[0]} {name} {operands[1]}",
                       hint="No operator matches the given name and argument types. You might need to add explicit "
                            "type casts.")
    return PgError(e.UNDEFINED_FUNCTION, f"operator does not exist: {name} {arguments}",
                   hint="No operator matches the given name and argument type. You might need to add an explicit "
                        "type cast.")


def _first_sentence(text: str) -> str:
    return pg_words(text.strip().rstrip("!"))
