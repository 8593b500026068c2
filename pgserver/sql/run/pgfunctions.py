"""PostgreSQL-compatible functions, installed once into each data source's shared DuckDB database.

DuckDB has its own version(), current_database(), current_setting() … with DuckDB
answers; PostgreSQL clients probe these at connect time, so we shadow them with DuckDB
macros (macros may shadow built-ins, Python UDFs may not). What belongs to the session reads the
connection's DuckDB session values (user, database, backend_pid — pgserver.catalog.catalog_session.session_value);
what changes during the session (settings, the default schema) goes through Python UDFs that find the
session by the `pg_session` variable (SessionHooks).
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import json
import os
import re
from collections.abc import Callable
from typing import Protocol

import duckdb
import pyarrow as pa

from pgserver.catalog.catalog_session import session_value
from pgserver.errors import (
    CHARACTER_NOT_IN_REPERTOIRE,
    FEATURE_NOT_SUPPORTED,
    INVALID_PARAMETER_VALUE,
    INVALID_REGULAR_EXPRESSION,
    INVALID_TEXT_REPRESENTATION,
    NULL_VALUE_NOT_ALLOWED,
    UNTRANSLATABLE_CHARACTER,
    PgError,
)
from pgserver.sql.run import jsonb_operators
from pgserver.sql.run.pg_templates import format_datetime, format_number, parse_datetime
from pgserver.types import format_type
from pgserver.types.array import format_array
from pgserver.types.arrow import pg_type_of_duckdb
from pgserver.types.datetime import format_interval, make_interval
from pgserver.types.string import parse_bytea


def sql_string(value: str) -> str:
    """A SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


class SessionHooks(Protocol):
    """What the functions need of a session (pgserver.sql.sql_engine.SqlEngine)."""

    def signal_backend(self, pid: int, terminate: bool) -> bool: ...


def install_pg_functions(duck: duckdb.DuckDBPyConnection, session: Callable[[int], SessionHooks]) -> None:
    """Create the macros and UDFs once per database; `session(id)` finds the session of a `pg_session` id."""
    varchar, bigint = duckdb.sqltype("VARCHAR"), duckdb.sqltype("BIGINT")
    integer, boolean = duckdb.sqltype("INTEGER"), duckdb.sqltype("BOOLEAN")

    jsonb_operators.install(duck)
    duck.create_function("__pg_to_char", _to_char, [varchar, varchar, varchar], varchar)
    duck.create_function("__pg_to_timestamp", _to_timestamp, [varchar, varchar], duckdb.sqltype("TIMESTAMP"))
    duck.create_function("__pg_signal_backend", lambda sid, pid, terminate: session(sid).signal_backend(pid, terminate),
                         [bigint, integer, boolean], boolean, side_effects=True)
    duck.create_function("__pg_format", pg_format, [varchar, duckdb.list_type(varchar)], varchar,
                         null_handling="special")
    duck.create_function("__pg_type_name", pg_type_name, [varchar], varchar)
    duck.create_function("__pg_type_oid", pg_type_oid, [varchar], duckdb.sqltype("UINTEGER"))
    duck.create_function("__pg_clock_epoch", lambda: dt.datetime.now(dt.UTC).timestamp(), [], duckdb.sqltype("DOUBLE"),
                         side_effects=True)
    duck.create_function("__pg_json_object", json_object_text, [duckdb.list_type(varchar), duckdb.list_type(varchar)],
                         varchar, null_handling="special")
    duck.create_function("__pg_json_array", json_array_text, [duckdb.list_type(varchar)], varchar,
                         null_handling="special")
    duck.create_function("__pg_chr", pg_chr, [integer], varchar)
    duck.create_function("__pg_string_to_array", string_to_array, [varchar, varchar, varchar],
                         duckdb.list_type(varchar), null_handling="special")
    duck.create_function("__pg_array_text", array_text, [duckdb.list_type(varchar), varchar], varchar)
    interval, double = duckdb.sqltype("INTERVAL"), duckdb.sqltype("DOUBLE")
    duck.create_function("justify_hours", _interval_udf(justify_hours), [interval], interval, type="arrow")
    duck.create_function("justify_days", _interval_udf(justify_days), [interval], interval, type="arrow")
    duck.create_function("justify_interval", _interval_udf(lambda v: justify_hours(justify_days(v))),
                         [interval], interval, type="arrow")
    duck.create_function("__pg_interval_scale", _interval_scale, [interval, double, boolean], interval, type="arrow")
    duck.create_function("__pg_interval_text", interval_text, [duckdb.sqltype("INTERVAL")], varchar, type="arrow")
    duck.create_function("__pg_regexp_match", regexp_match, [varchar, varchar, varchar], duckdb.list_type(varchar),
                         null_handling="special")
    duck.create_function("__pg_regexp_matches", regexp_matches, [varchar, varchar, varchar],
                         duckdb.list_type(duckdb.list_type(varchar)), null_handling="special")
    blob = duckdb.sqltype("BLOB")
    duck.create_function("__pg_encode", pg_encode, [blob, varchar], varchar)
    duck.create_function("__pg_decode", pg_decode, [varchar, varchar], blob)
    duck.create_function("__pg_convert_to", convert_to, [varchar, varchar], blob)
    duck.create_function("__pg_convert_from", convert_from, [blob, varchar], varchar)
    macros = {
        "pg_backend_pid()": session_value("backend_pid"),
        "pg_cancel_backend(pid)": f"__pg_signal_backend({session_value('session')}, pid, false)",
        # PostgreSQL 14+: an optional timeout (ms) to wait for the end; the session ends at once here.
        "pg_terminate_backend(pid, timeout := 0)": f"__pg_signal_backend({session_value('session')}, pid, true)",
        "to_char(v, f)": "__pg_to_char(CAST(v AS VARCHAR), f, typeof(v))",
        "to_date(s, f)": "CAST(__pg_to_timestamp(s, f) AS DATE)",
        "to_timestamp(sec)": "timezone('UTC', make_timestamp(CAST(sec * 1000000 AS BIGINT))), "
                             "(s, f) AS CAST(__pg_to_timestamp(s, f) AS TIMESTAMPTZ)",
        "quote_literal(s)": "chr(39) || replace(CAST(s AS VARCHAR), chr(39), chr(39) || chr(39)) || chr(39)",
        "quote_nullable(s)": "coalesce(quote_literal(s), 'NULL')",
        "regexp_match(s, p)": "__pg_regexp_match(s, p, ''), (s, p, f) AS __pg_regexp_match(s, p, f)",
        "regexp_extract_or_null(s, p, g)": "CASE WHEN regexp_matches(s, p) THEN regexp_extract(s, p, g) END",
        # numeric scale and buckets (PostgreSQL 15's numeric functions DuckDB lacks)
        "scale(x)": "CASE WHEN x IS NOT NULL THEN CAST(coalesce(nullif(regexp_extract(typeof(x), "
                    "'DECIMAL\\(\\d+,(\\d+)\\)', 1), ''), '0') AS INTEGER) END",
        "width_bucket(op, low, high, n)": "CAST(CASE WHEN low < high THEN (CASE WHEN op < low THEN 0 "
                                          "WHEN op >= high THEN n + 1 ELSE floor(CAST(op - low AS DOUBLE) * n "
                                          "/ CAST(high - low AS DOUBLE)) + 1 END) ELSE (CASE WHEN op > low THEN 0 "
                                          "WHEN op <= high THEN n + 1 ELSE floor(CAST(low - op AS DOUBLE) * n "
                                          "/ CAST(low - high AS DOUBLE)) + 1 END) END AS INTEGER)",
        # one-dimensional arrays (DuckDB lists): PostgreSQL answers NULL for an empty array
        "array_ndims(a)": "CASE WHEN len(a) > 0 THEN CAST((length(typeof(a)) - length(replace(typeof(a), '[]', '')))"
                          " // 2 AS INTEGER) END",
        "array_dims(a)": "CASE WHEN len(a) > 0 THEN '[1:' || len(a) || ']' END",
        # json: DuckDB's json_type names as PostgreSQL's json_typeof does
        "array_length(a, d)": "CASE WHEN d = 1 AND len(a) > 0 THEN CAST(len(a) AS INTEGER) END",
        "array_fill(v, d)": "CASE WHEN len(d) = 1 THEN list_transform(range(d[1]), lambda i: v) END",
        "every(v)": "bool_and(v)",  # the SQL standard's name for bool_and
        "json_typeof(j)": "CASE json_type(CAST(j AS JSON)) WHEN 'OBJECT' THEN 'object' WHEN 'ARRAY' THEN 'array' "
                          "WHEN 'VARCHAR' THEN 'string' WHEN 'BOOLEAN' THEN 'boolean' WHEN 'NULL' THEN 'null' "
                          "ELSE 'number' END",
        "jsonb_typeof(j)": "json_typeof(j)",
        "jsonb_array_length(j)": "CAST(json_array_length(CAST(j AS JSON)) AS INTEGER)",
        "inet_server_port()": "NULL::INTEGER",
        "inet_server_addr()": "NULL::VARCHAR",
        # PostgreSQL's AdjustTimestampForTypmod: a timestamp(p) keeps p fractional digits, rounded half away from
        # zero from its 2000-01-01 epoch (u = 10^(6-p) microseconds); infinities stay (dialect._rounded_timestamp)
        "__pg_round_timestamp(x, u)": "CASE WHEN isfinite(x) THEN x + to_microseconds(CASE WHEN epoch_us(x) >= "
                                      "946684800000000 THEN (epoch_us(x) - 946684800000000 + u // 2) // u * u "
                                      "ELSE -((946684800000000 - epoch_us(x) + u // 2) // u * u) END "
                                      "- (epoch_us(x) - 946684800000000)) ELSE x END",
        # Each statement is a DuckDB transaction of its own: its start is the statement's (decision 1022)
        "statement_timestamp()": "get_current_timestamp()",
        "clock_timestamp()": "to_timestamp(__pg_clock_epoch())",  # the time of the call, row by row
        "pg_advisory_unlock_all()": "NULL",  # no advisory locks exist here (Npgsql's connection reset)
    }
    for signature, body in macros.items():
        duck.execute(f"CREATE OR REPLACE MACRO {signature} AS {body}")


def pg_type_name(duck_type: str) -> str:
    """pg_typeof() of a value whose type only DuckDB knows: its PostgreSQL type's name (regtype output)."""
    return format_type(pg_type_of_duckdb(duck_type).oid)


def pg_type_oid(duck_type: str) -> int:
    """pg_typeof() compared as the regtype it is (an OID): of a value whose type only DuckDB knows."""
    return pg_type_of_duckdb(duck_type).oid


_USECS_PER_DAY, _DAYS_PER_MONTH = 86_400_000_000, 30
Interval = tuple[int, int, int]  # PostgreSQL's (months, days, microseconds)


def justify_hours(value: Interval) -> Interval:
    """interval_justify_hours: whole days of the time part move into days, signs made to agree."""
    months, days, usecs = value
    days, usecs = _carry(days, usecs, _USECS_PER_DAY)
    return months, days, usecs


def justify_days(value: Interval) -> Interval:
    """interval_justify_days: each 30 days become a month, signs made to agree."""
    months, days, usecs = value
    months, days = _carry(months, days, _DAYS_PER_MONTH)
    return months, days, usecs


def _carry(high: int, low: int, unit: int) -> tuple[int, int]:
    """Whole units of `low` carried into `high` (truncating toward zero), then the signs made to agree."""
    whole = int(low / unit)
    high, low = high + whole, low - whole * unit
    if high > 0 and low < 0:
        low, high = low + unit, high - 1
    elif high < 0 and low > 0:
        low, high = low - unit, high + 1
    return high, low


def scale_interval(value: Interval, factor: float, divide: bool) -> Interval:
    """interval_mul / interval_div: fractions of months cascade into days (30 a month), of days into time."""
    months, days, usecs = value

    def apply(x: float) -> float:
        return x / factor if divide else x * factor

    if divide and factor == 0:
        raise PgError("22012", "division by zero")
    result_months = int(apply(months))
    month_remainder_days = (apply(months) - result_months) * _DAYS_PER_MONTH
    result_days = int(apply(days))
    seconds = round((apply(days) - result_days + month_remainder_days - int(month_remainder_days)) * 86_400, 6)
    if abs(seconds) >= 86_400:
        result_days += int(seconds / 86_400)
        seconds -= int(seconds / 86_400) * 86_400
    result_days += int(month_remainder_days)
    return result_months, result_days, round(apply(usecs) + seconds * 1_000_000)


def _intervals_in(values: pa.Array) -> list[Interval | None]:
    return [None if v is None else (v.months, v.days, v.nanoseconds // 1000) for v in values.to_pylist()]


def _intervals_out(values: list[Interval | None]) -> pa.Array:
    return pa.array([None if v is None else pa.MonthDayNano([v[0], v[1], v[2] * 1000]) for v in values],
                    pa.month_day_nano_interval())


def _interval_udf(function: Callable[[Interval], Interval]) -> Callable[[pa.Array], pa.Array]:
    return lambda values: _intervals_out([None if v is None else function(v) for v in _intervals_in(values)])


def _interval_scale(values: pa.Array, factors: pa.Array, divide: pa.Array) -> pa.Array:
    return _intervals_out([None if v is None or f is None else scale_interval(v, f, d)
                           for v, f, d in zip(_intervals_in(values), factors.to_pylist(), divide.to_pylist(),
                                              strict=True)])


def interval_text(values: pa.Array) -> pa.Array:
    """interval_out (IntervalStyle postgres) of DuckDB intervals, read as Arrow month-day-nano values."""
    out = []
    for value in values.to_pylist():
        out.append(None if value is None else format_interval(make_interval(value.months, value.days,
                                                                            value.nanoseconds // 1000)))
    return pa.array(out, pa.string())


def pg_chr(code: int) -> str:
    """chr(n): the character with that code point (UTF-8); 0 and negative codes are errors, as in PostgreSQL."""
    if code == 0:
        raise PgError("54000", "null character not permitted")
    if code < 0:
        raise PgError(INVALID_PARAMETER_VALUE, "character number must be positive")
    if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        raise PgError(INVALID_PARAMETER_VALUE, f"requested character not valid for encoding: {code}")
    return chr(code)


def string_to_array(text: str | None, delimiter: str | None, null_string: str | None) -> list[str | None] | None:
    """string_to_array(text, delimiter [, null_string]): '' is the empty array, a NULL delimiter splits into
    characters, an empty one keeps the whole string; fields equal to null_string are NULL."""
    if text is None:
        return None
    if text == "":
        return []
    if delimiter is None:
        fields = list(text)
    elif delimiter == "":
        fields = [text]
    else:
        fields = text.split(delimiter)
    return [None if null_string is not None and f == null_string else f for f in fields]


def json_object_text(keys: list[str | None], values: list[str | None]) -> str:
    """json_build_object's text: `{"a" : 1, "b" : null}` (values arrive as their JSON text, NULL as None)."""
    if any(k is None for k in keys):
        raise PgError(NULL_VALUE_NOT_ALLOWED, "null value not allowed for object key")
    pairs = [f"{json.dumps(k, ensure_ascii=False)} : {'null' if v is None else v}" for k, v in zip(keys, values, strict=True)]
    return "{" + ", ".join(pairs) + "}"


def json_array_text(values: list[str | None]) -> str:
    """json_build_array's text: `[1, "x", null, true]`."""
    return "[" + ", ".join("null" if v is None else v for v in values) + "]"


def array_text(values: list[str | None], duck_type: str) -> str:
    """A one-dimensional array's text form (array_out: '{1,2,NULL}', quoting as PostgreSQL does); its elements
    arrive as DuckDB's text of them, booleans printed t/f as boolout does."""
    boolean = duck_type.upper().startswith("BOOLEAN")
    items = [v if v is None or not boolean else ("t" if v == "true" else "f") for v in values]
    return format_array(items, str)


_FORMAT_SPEC = re.compile(r"%(?:(\d+)\$)?(-)?(\*(?:\d+\$)?|\d+)?([sIL%])")


def pg_format(template: str | None, values: list[str | None] | None) -> str | None:
    """format(formatstr, args…) as PostgreSQL's text_format(): %s (NULL is empty), %I (quote_ident, NULL is an
    error), %L (quote_literal, NULL unquoted), %% ; n$ positions, - and widths (also *)."""
    if template is None:
        return None
    args = list(values or [])
    position = 0
    out: list[str] = []
    last = 0
    for match in _FORMAT_SPEC.finditer(template):
        out.append(template[last:match.start()])
        last = match.end()
        index, minus, width, kind = match.groups()
        if kind == "%":
            out.append("%")
            continue
        size = 0
        if width is not None and width.startswith("*"):
            star = width[1:-1]
            take = int(star) - 1 if star else position
            if not star:
                position += 1
            size = int(args[take]) if take < len(args) and args[take] is not None else 0
        elif width is not None:
            size = int(width)
        if index is not None:
            position = int(index) - 1
        if position >= len(args):
            raise PgError(INVALID_PARAMETER_VALUE, "too few arguments for format()")
        value = args[position]
        position += 1
        if kind == "s":
            text = "" if value is None else value
        elif kind == "I":
            if value is None:
                raise PgError(NULL_VALUE_NOT_ALLOWED, "null values cannot be formatted as an SQL identifier")
            text = value if re.fullmatch(r"[a-z_][a-z0-9_$]*", value) else '"' + value.replace('"', '""') + '"'
        else:
            text = "NULL" if value is None else _quote_literal(value)
        if size < 0:
            minus, size = "-", -size
        out.append(text.ljust(size) if minus else text.rjust(size))
    out.append(template[last:])
    rest = "".join(out)
    if match := re.search(r"%(?:\d+\$)?-?(?:\*(?:\d+\$)?|\d+)?(.?)", template[last:]):
        if match[1]:
            raise PgError(INVALID_PARAMETER_VALUE, f'unrecognized format() type specifier "{match[1]}"',
                          hint="For a single \"%\" use \"%%\".")
        raise PgError(INVALID_PARAMETER_VALUE, "unterminated format() type specifier",
                      hint="For a single \"%\" use \"%%\".")
    return rest


def _quote_literal(value: str) -> str:
    if "\\" in value:
        return "E'" + value.replace("\\", "\\\\").replace("'", "''") + "'"
    return "'" + value.replace("'", "''") + "'"


_REGEX_FLAGS = {"i": re.IGNORECASE, "x": re.VERBOSE, "s": re.DOTALL, "n": re.MULTILINE, "m": re.MULTILINE,
                "p": 0, "w": re.MULTILINE, "c": 0, "t": 0, "q": 0}


def regexp_match(text: str | None, pattern: str | None, flags: str | None = "") -> list[str | None] | None:
    """regexp_match(string, pattern [, flags]): the first match's subexpressions (or the whole match)."""
    if text is None or pattern is None or flags is None:
        return None
    match = _regex(pattern, flags, "regexp_match", allow_global=False)[0].search(text)
    if match is None:
        return None
    return list(match.groups()) if match.re.groups else [match.group(0)]


def _regex(pattern: str, flags: str, function: str, allow_global: bool) -> tuple[re.Pattern[str], bool]:
    """The compiled pattern of a regexp_* call with PostgreSQL's flags, and whether 'g' was given."""
    options, global_ = re.DOTALL, False
    for flag in flags:
        if flag == "g" and allow_global:
            global_ = True
            continue
        if flag == "g":
            raise PgError(INVALID_PARAMETER_VALUE, f'{function}() does not support the "global" option',
                          hint="Use the regexp_matches function instead.")
        if flag not in _REGEX_FLAGS:
            raise PgError(INVALID_PARAMETER_VALUE, f'invalid regular expression option: "{flag}"')
        options |= _REGEX_FLAGS[flag]
    if "n" in flags or "p" in flags or "w" in flags:
        options &= ~re.DOTALL
    try:
        return re.compile(pattern if "q" not in flags else re.escape(pattern), options), global_
    except re.error as err:
        raise PgError(INVALID_REGULAR_EXPRESSION, f"invalid regular expression: {err}") from None


def regexp_matches(text: str | None, pattern: str | None, flags: str | None) -> list[list[str | None]] | None:
    """regexp_matches(string, pattern [, flags]): a text[] per match — its subexpressions, or the whole match — the
    first match only unless flags hold 'g' (the SQL wraps the list in UNNEST: one row per match)."""
    if text is None or pattern is None or flags is None:
        return []
    compiled, global_ = _regex(pattern, flags, "regexp_matches", allow_global=True)
    found = []
    for match in compiled.finditer(text):
        found.append(list(match.groups()) if compiled.groups else [match.group(0)])
        if not global_:
            break
    return found


def pg_encode(data: bytes, format_: str) -> str:
    """encode(bytea, format): base64 (lines of 76 characters, as PostgreSQL writes them), hex or escape."""
    kind = format_.lower()
    if kind == "base64":
        return base64.encodebytes(data).decode("ascii").rstrip("\n")
    if kind == "hex":
        return data.hex()
    if kind == "escape":
        return "".join("\\\\" if b == 0x5C else chr(b) if 0 < b < 0x80 else f"\\{b:03o}" for b in data)
    raise PgError(INVALID_PARAMETER_VALUE, f'unrecognized encoding: "{format_}"')


def pg_decode(text: str, format_: str) -> bytes:
    """decode(text, format): the inverse of encode, with PostgreSQL's errors for malformed input."""
    kind = format_.lower()
    if kind == "base64":
        compact = "".join(text.split())
        if bad := re.search(r"[^A-Za-z0-9+/=]", compact):
            raise PgError(INVALID_PARAMETER_VALUE, f'invalid symbol "{bad[0]}" found while decoding base64 sequence')
        if len(compact) % 4:
            raise PgError(INVALID_PARAMETER_VALUE, "invalid base64 end sequence",
                          hint="Input data is missing padding, is truncated, or is otherwise corrupted.")
        return base64.b64decode(compact)
    if kind == "hex":  # bytea input's hex form, without its \\x
        return parse_bytea("\\x" + text)
    if kind == "escape":  # bytea input's escape form
        if text.startswith("\\x"):
            raise PgError(INVALID_TEXT_REPRESENTATION, "invalid input syntax for type bytea")
        return parse_bytea(text)
    raise PgError(INVALID_PARAMETER_VALUE, f'unrecognized encoding: "{format_}"')


# PostgreSQL's encoding names (pg_encoding_to_char) and their Python codecs
_ENCODINGS = {"UTF8": "utf-8", "UNICODE": "utf-8", "SQL_ASCII": "ascii", "LATIN1": "latin-1", "LATIN2": "iso8859-2",
              "LATIN9": "iso8859-15", "WIN1250": "cp1250", "WIN1251": "cp1251", "WIN1252": "cp1252",
              "ISO_8859_5": "iso8859-5", "KOI8R": "koi8-r", "EUC_JP": "euc-jp", "SJIS": "shift-jis",
              "GBK": "gbk", "BIG5": "big5", "UHC": "cp949"}


def _codec(name: str, role: str) -> str:
    """The codec of an encoding name, matched as PostgreSQL matches them: case and punctuation aside ('utf-8')."""
    def key(text: str) -> str:
        return re.sub(r"[^A-Z0-9]", "", text.upper())

    codec = next((c for n, c in _ENCODINGS.items() if key(n) == key(name)), None)
    if codec is None:
        raise PgError(INVALID_PARAMETER_VALUE, f'invalid {role} encoding name "{name}"')
    return codec


def convert_to(text: str, encoding: str) -> bytes:
    """convert_to(text, encoding): the text's bytes in that encoding (the database's is UTF8)."""
    codec = _codec(encoding, "destination")
    try:
        return text.encode(codec)
    except UnicodeEncodeError as err:
        char = text[err.start]
        raise PgError(UNTRANSLATABLE_CHARACTER, f'character with byte sequence {_bytes_shown(char.encode())} in '
                                                f'encoding "UTF8" has no equivalent in encoding "{encoding.upper()}"') from None


def convert_from(data: bytes, encoding: str) -> str:
    """convert_from(bytea, encoding): the bytes read in that encoding, as the database's text."""
    codec = _codec(encoding, "source")
    try:
        return data.decode(codec)
    except UnicodeDecodeError as err:
        raise PgError(CHARACTER_NOT_IN_REPERTOIRE, f'invalid byte sequence for encoding "{encoding.upper()}": '
                                                   f'{_bytes_shown(data[err.start:err.start + 1])}') from None


def _bytes_shown(data: bytes) -> str:
    return " ".join(f"0x{b:02x}" for b in data)


def _to_char(text: str, template: str, type_name: str) -> str:
    """to_char(value, template) for dates, timestamps and numbers (value arrives as text; a
    timestamptz as DuckDB printed it in the statement's TimeZone, offset included)."""
    kind = type_name.upper()
    if kind.startswith("INTERVAL") or kind.startswith("TIME") and not kind.startswith("TIMESTAMP"):
        raise PgError(FEATURE_NOT_SUPPORTED, f"to_char({'interval' if kind.startswith('INTERVAL') else 'time'}, "
                                             "text) is not supported here")
    try:
        if kind == "DATE":
            return format_datetime(dt.date.fromisoformat(text), template)
        if kind.startswith("TIMESTAMP"):
            return format_datetime(dt.datetime.fromisoformat(text), template, zone_name=_zone_of(text))
        return format_number(decimal.Decimal(text), template)
    except decimal.InvalidOperation:
        raise ValueError(f'invalid value for to_char: "{text}"') from None
    except ValueError as err:
        raise ValueError(f"invalid value for to_char: {err}") from None


def _zone_of(text: str) -> str | None:
    """'+01' style offset of a printed timestamptz, for the TZ/OF patterns."""
    if len(text) > 19 and text[-3] in "+-":
        return text[-3:]
    if len(text) > 19 and len(text) >= 6 and text[-6] in "+-":
        return text[-6:]
    return None


def _to_timestamp(text: str, template: str) -> dt.datetime:
    try:
        return parse_datetime(text, template)
    except ValueError as err:
        if "must be in" in str(err) or "out of range" in str(err):  # month 99, day 31 of February …
            raise PgError("22008", f'date/time field value out of range: "{text}"') from None
        raise


def backend_pid() -> int:
    """A per-process base for backend ids (PostgreSQL clients only display it)."""
    return os.getpid()
