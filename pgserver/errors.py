"""PostgreSQL errors: one exception type carrying a SQLSTATE, turned into an ErrorResponse.

Every layer raises `PgError` (or a subclass) for anything the client should see; the
connection loop turns it into an ErrorResponse and keeps the connection usable.
Anything else that escapes is a bug: the loop reports it as XX000 without a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class PgError(Exception):
    """An error reported to the client as an ErrorResponse (or NoticeResponse)."""

    sqlstate: str
    message: str
    detail: str | None = None
    hint: str | None = None
    position: int | None = None  # 1-based character offset into the query text
    severity: str = "ERROR"

    def __str__(self) -> str:
        return f"{self.sqlstate}: {self.message}"


# The SQLSTATEs this server uses, named as PostgreSQL's errcodes.txt names them.
SUCCESSFUL_COMPLETION = "00000"
WARNING = "01000"
CONNECTION_EXCEPTION = "08000"
CONNECTION_FAILURE = "08006"
PROTOCOL_VIOLATION = "08P01"
FEATURE_NOT_SUPPORTED = "0A000"
INVALID_PARAMETER_VALUE = "22023"
NULL_VALUE_NOT_ALLOWED = "22004"
DATA_EXCEPTION = "22000"
NUMERIC_VALUE_OUT_OF_RANGE = "22003"
INVALID_TEXT_REPRESENTATION = "22P02"
CHARACTER_NOT_IN_REPERTOIRE = "22021"
INVALID_REGULAR_EXPRESSION = "2201B"
UNTRANSLATABLE_CHARACTER = "22P05"
INVALID_DATETIME_FORMAT = "22007"
DATETIME_FIELD_OVERFLOW = "22008"
STRING_DATA_RIGHT_TRUNCATION = "22001"
NOT_NULL_VIOLATION = "23502"
FOREIGN_KEY_VIOLATION = "23503"
UNIQUE_VIOLATION = "23505"
CHECK_VIOLATION = "23514"
GENERATED_ALWAYS = "428C9"
DIVISION_BY_ZERO = "22012"
INVALID_CURSOR_STATE = "24000"
INVALID_TRANSACTION_STATE = "25000"
ACTIVE_SQL_TRANSACTION = "25001"
NO_ACTIVE_SQL_TRANSACTION = "25P01"
IN_FAILED_SQL_TRANSACTION = "25P02"
READ_ONLY_SQL_TRANSACTION = "25006"
INVALID_AUTHORIZATION_SPECIFICATION = "28000"
INVALID_PASSWORD = "28P01"
INVALID_CURSOR_NAME = "34000"
INVALID_SQL_STATEMENT_NAME = "26000"
INVALID_CATALOG_NAME = "3D000"
INVALID_SCHEMA_NAME = "3F000"
SYNTAX_ERROR = "42601"
INSUFFICIENT_PRIVILEGE = "42501"
UNDEFINED_COLUMN = "42703"
UNDEFINED_FUNCTION = "42883"
# PostgreSQL's hint on 42883 when no function/operator matches the argument types (parse_func.c)
NO_MATCH_HINT = "No function matches the given name and argument types. You might need to add explicit type casts."
AMBIGUOUS_FUNCTION = "42725"
UNDEFINED_TABLE = "42P01"
UNDEFINED_OBJECT = "42704"
UNDEFINED_PARAMETER = "42P02"
AMBIGUOUS_COLUMN = "42702"
DUPLICATE_CURSOR = "42P03"
DUPLICATE_PREPARED_STATEMENT = "42P05"
DATATYPE_MISMATCH = "42804"
CANNOT_COERCE = "42846"
WRONG_OBJECT_TYPE = "42809"
CANT_CHANGE_RUNTIME_PARAM = "55P02"
OBJECT_NOT_IN_PREREQUISITE_STATE = "55000"
OBJECT_IN_USE = "55006"
QUERY_CANCELED = "57014"
ADMIN_SHUTDOWN = "57P01"
TOO_MANY_CONNECTIONS = "53300"
PROGRAM_LIMIT_EXCEEDED = "54000"
INTERNAL_ERROR = "XX000"
# Foreign-data-wrapper class (HV): errors of the remote Sage 200 service.
FDW_ERROR = "HV000"
FDW_UNABLE_TO_ESTABLISH_CONNECTION = "HV00N"
FDW_REPLY_HANDLE = "HV00K"


def feature_not_supported(message: str, hint: str | None = None) -> PgError:
    return PgError(FEATURE_NOT_SUPPORTED, message, hint=hint)
