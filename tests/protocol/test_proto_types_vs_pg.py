"""The type registry against a real PostgreSQL 15: PG's own text output and *_send bytes are the oracle.

For each literal, PostgreSQL gives us `value::text` and `<typsend>(value)`; our decode_binary of
those bytes, re-encoded with encode_text, must print exactly PG's text; encode_binary must give
back PG's bytes; decode_text of PG's text must give the same Python value.
"""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest

from pgserver import types as t
from pgserver.errors import PgError

CASES = [
    ("true", "bool"), ("false", "bool"),
    ("0", "int2"), ("-32768", "int2"), ("32767", "int2"),
    ("-2147483648", "int4"), ("42", "int4"), ("9223372036854775807", "int8"), ("-9223372036854775808", "int8"),
    ("4294967295", "oid"), ("1259", "oid"),
    ("0.1", "float8"), ("1e20", "float8"), ("1e15", "float8"), ("1e14", "float8"), ("123456789012345678", "float8"),
    ("0.0001", "float8"), ("0.00001", "float8"), ("-0", "float8"), ("'NaN'", "float8"), ("'-Infinity'", "float8"),
    ("'Infinity'", "float8"), ("1e-320", "float8"), ("1.7976931348623157e308", "float8"), ("2.5", "float8"),
    ("1e6", "float4"), ("123456", "float4"), ("0.1", "float4"), ("1.5e-7", "float4"), ("3.4e38", "float4"),
    ("'NaN'", "float4"), ("16777217", "float4"), ("1234567.9", "float4"),
    ("12.3400", "numeric"), ("1e20", "numeric"), ("'NaN'", "numeric"), ("'Infinity'", "numeric"),
    ("'-Infinity'", "numeric"), ("-0.0", "numeric"), ("0.000001", "numeric"), ("0", "numeric"),
    ("-123456789.000000001", "numeric"), ("99999999999999999999999999999999999999.5", "numeric"),
    ("0.00010000", "numeric"), ("10000", "numeric"), ("1e-30", "numeric"),
    ("'hello'", "text"), ("''", "text"), ("'é ü 日本'", "text"), ("'abc'", "varchar(10)"), ("'ab'", "char(4)"),
    ("'pg_class'", "name"), ("'x'", '"char"'),
    ("'\\x00ff10'", "bytea"), ("''", "bytea"),
    ("'2024-01-02'", "date"), ("'0001-01-01'", "date"), ("'9999-12-31'", "date"), ("'1999-12-31'", "date"),
    ("'03:04:05'", "time"), ("'23:59:59.999999'", "time"), ("'00:00:00.5'", "time"),
    ("'12:00+05:30'", "timetz"), ("'01:02:03.25-08'", "timetz"),
    ("'2024-01-02 03:04:05.5'", "timestamp"), ("'2024-01-02 03:04:05.120'", "timestamp"),
    ("'1970-01-01'", "timestamp"), ("'1850-06-30 12:00:00.000001'", "timestamp"),
    ("'2024-01-02 03:04:05.5+00'", "timestamptz"), ("'2024-07-01 12:00:00+02'", "timestamptz"),
    ("'1890-01-01 12:00:00+00'", "timestamptz"),
    ("'1 year 2 months 3 days 04:05:06.5'", "interval"), ("'-1 day'", "interval"), ("'-1 day 02:00'", "interval"),
    ("'1 day -02:00'", "interval"), ("'-1 year -2 mons +3 days -04:05'", "interval"), ("'0'", "interval"),
    ("'-0.5 sec'", "interval"), ("'13 months'", "interval"), ("'23:59:59'", "interval"),
    ("'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'", "uuid"),
    ("'{\"b\":1,\"a\":[1,2.50], \"aa\":null, \"s\":\"x\\\"y\"}'", "jsonb"), ("'[1, \"a\", {}]'", "jsonb"),
    ("'{\"b\": 1,   \"a\":2}'", "json"),
    ("123.45", "money"), ("-1234567.89", "money"),
    ("'1 2 3'", "int2vector"), ("'26 23'", "oidvector"),
    ("array['a b', NULL, '', 'NULL', 'x\"y', 'c\\\\d', '{}', 'null2']", "text[]"),
    ("'{{1,2},{3,4}}'", "int4[]"), ("'{}'", "int4[]"), ("'{1,NULL,3}'", "int8[]"), ("'{t,f}'", "bool[]"),
    ("'{1.5,NaN,-0}'", "float8[]"), ("'{1.10,2}'", "numeric[]"), ("'{2024-01-02,1999-01-01}'", "date[]"),
    ("'{\"2024-01-02 03:04:05\"}'", "timestamp[]"), ("'{\"2024-01-02 03:04:05+00\"}'", "timestamptz[]"),
    ("'{a,b}'", "varchar[]"), ("'{pg_class}'", "name[]"), ("'{1,2}'", "oid[]"), ("'{x,y}'", '"char"[]'),
]
ZONES = ["UTC", "Europe/London", "Asia/Kolkata", "America/New_York"]


@pytest.fixture(scope="module")
def pg(real_pg_url: str) -> Iterator[psycopg.Connection]:
    with psycopg.connect(real_pg_url, autocommit=True) as conn:
        yield conn


def _oracle(pg: psycopg.Connection, literal: str, type_sql: str) -> tuple[int, str, bytes]:
    oid, out, send = pg.execute(
        f"SELECT t.oid::int, t.typoutput::text, t.typsend::text FROM pg_type t WHERE t.oid = '{type_sql}'::regtype"
    ).fetchone()
    text, binary = pg.execute(f"SELECT {out}(x)::text, {send}(x) FROM (SELECT ({literal})::{type_sql} AS x) s").fetchone()
    return oid, text, bytes(binary)


def _mismatches(pg: psycopg.Connection, ctx: t.FormatContext, cases: list[tuple[str, str]],
                check_decode: bool) -> list[str]:
    found = []
    for literal, type_sql in cases:
        oid, pg_text, pg_binary = _oracle(pg, literal, type_sql)
        value = t.decode_binary(oid, pg_binary)
        ours = t.encode_text(oid, value, ctx)
        if ours != pg_text.encode():
            found.append(f"text {literal}::{type_sql}: ours {ours!r} pg {pg_text!r}")
        if t.text_encoder(oid, ctx)(value) != ours or t.binary_encoder(oid)(value) != t.encode_binary(oid, value):
            found.append(f"per-column encoders disagree on {literal}::{type_sql}")
        if t.encode_binary(oid, value) != pg_binary:
            found.append(f"binary {literal}::{type_sql}: ours {t.encode_binary(oid, value)!r} pg {pg_binary!r}")
        if check_decode:
            from_text = t.decode_text(oid, pg_text, ctx)
            if not _same(from_text, value):
                found.append(f"decode_text {literal}::{type_sql}: {from_text!r} != {value!r}")
    return found


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize("float_digits", [1, 0, 3, -2])
def test_text_and_binary_match_postgres(pg: psycopg.Connection, zone: str, float_digits: int) -> None:
    pg.execute(f"SET TimeZone = '{zone}'")
    pg.execute(f"SET extra_float_digits = {float_digits}")
    ctx = t.FormatContext(time_zone=zone, extra_float_digits=float_digits)
    # fewer float digits do not round-trip (PG itself rejects its own 1.79769313486232e+308)
    mismatches = _mismatches(pg, ctx, CASES, check_decode=float_digits > 0)
    pg.execute("RESET extra_float_digits")
    assert not mismatches, "\n".join(mismatches)


DATETIME_CASES = [c for c in CASES if c[1].split("[")[0] in
                  ("date", "time", "timetz", "timestamp", "timestamptz", "interval")]


@pytest.mark.parametrize("date_style", ["SQL, DMY", "SQL, MDY", "Postgres, MDY", "Postgres, DMY", "German",
                                        "ISO, DMY"])
@pytest.mark.parametrize("zone", ["UTC", "Asia/Kolkata", "+3", "+05:30", "America/Caracas", "Europe/London"])
def test_date_styles_match_postgres(pg: psycopg.Connection, date_style: str, zone: str) -> None:
    pg.execute(f"SET DateStyle = '{date_style}'")
    pg.execute(f"SET TimeZone = '{zone}'")
    try:
        shown = pg.execute("SHOW DateStyle").fetchone()[0]
        ctx = t.FormatContext(date_style=shown, time_zone=zone)
        mismatches = _mismatches(pg, ctx, DATETIME_CASES, check_decode=False)
        if not date_style.startswith("Postgres"):  # dates and timestamps read back in the same style
            readable = [c for c in DATETIME_CASES if c[1] in ("date", "timestamp", "date[]", "timestamp[]")]
            mismatches += _mismatches(pg, ctx, readable, check_decode=True)
    finally:
        pg.execute("RESET DateStyle")
    assert not mismatches, "\n".join(mismatches)


INTERVALS = ["1 year 2 months 3 days 04:05:06.5", "-1 day", "-1 day +02:00", "1 day -02:00",
             "-1 year -2 mons +3 days -04:05", "0", "-0.5 sec", "13 months", "23:59:59", "-1 year -2 months",
             "-3 days -04:00", "1 sec", "-1 sec", "5 min -1 sec", "100 hours", "1 day 0.000001 sec",
             "-1 mon 1 day", "2 years -1 sec", "1 min 1.5 sec ago"]


@pytest.mark.parametrize("style", ["sql_standard", "iso_8601", "postgres_verbose", "postgres"])
def test_interval_styles_match_postgres(pg: psycopg.Connection, style: str) -> None:
    pg.execute("CREATE TEMP TABLE IF NOT EXISTS intervals (n int, i interval)")
    pg.execute("TRUNCATE intervals")
    for n, text in enumerate(INTERVALS):  # parsed in the default style, printed in `style`
        pg.execute("INSERT INTO intervals VALUES (%s, %s::interval)", [n, text])
    pg.execute(f"SET IntervalStyle = '{style}'")
    try:
        rows = pg.execute("SELECT interval_out(i)::text, interval_send(i) FROM intervals ORDER BY n").fetchall()
    finally:
        pg.execute("RESET IntervalStyle")
    ctx = t.FormatContext(interval_style=style)
    mismatches = []
    for pg_text, binary in rows:
        value = t.decode_binary(t.INTERVAL, bytes(binary))
        ours = t.encode_text(t.INTERVAL, value, ctx).decode()
        if ours != pg_text:
            mismatches.append(f"{style}: ours {ours!r} pg {pg_text!r}")
        if style in ("postgres", "iso_8601", "postgres_verbose") and not _same(t.decode_text(t.INTERVAL, pg_text), value):
            mismatches.append(f"decode_text {pg_text!r}: {t.decode_text(t.INTERVAL, pg_text)!r} != {value!r}")
    assert not mismatches, "\n".join(mismatches)


def _same(a: object, b: object) -> bool:
    """Equality where NaN equals NaN (element-wise for arrays)."""
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return a == b or (a != a and b != b)


def test_bytea_escape_output_matches_postgres(pg: psycopg.Connection) -> None:
    pg.execute("SET bytea_output = 'escape'")
    try:
        text = pg.execute("SELECT '\\x00415c7f80ff20'::bytea::text").fetchone()[0]
    finally:
        pg.execute("RESET bytea_output")
    ctx = t.FormatContext(bytea_output="escape")
    assert t.encode_text(t.BYTEA, b"\x00A\\\x7f\x80\xff ", ctx) == text.encode()
    assert t.decode_text(t.BYTEA, text) == b"\x00A\\\x7f\x80\xff "


def test_type_table_matches_pg_type(pg: psycopg.Connection) -> None:
    rows = pg.execute(
        "SELECT typname, oid::int, typarray::int, typlen, typcategory, typelem::int, format_type(oid, NULL)"
        " FROM pg_type t WHERE typnamespace = 11 AND typrelid = 0"
        " AND (typelem = 0 OR (SELECT e.typrelid FROM pg_type e WHERE e.oid = t.typelem) = 0)"
    ).fetchall()
    for name, oid, array_oid, typlen, category, elem, sql_name in rows:
        ours = t.by_oid(oid)
        assert (ours.name, ours.array_oid, ours.typlen, ours.category, ours.elem_oid, ours.sql_name) == (
            name, array_oid, typlen, category, elem, sql_name)
    assert len(rows) == len(t.TYPES_BY_OID)


@pytest.mark.parametrize("spelling", [
    "bigint", "varchar(60)", "character varying(60)", "numeric(18,2)", "numeric(10)", "timestamp",
    "timestamp without time zone", "timestamp(3) with time zone", "text", "double precision", "integer",
    "int[]", "char", "character(5)", '"char"', "float(10)", "decimal(5,1)", "time(2)", "interval(3)",
    "bool", "real", "smallint", "varchar", "bpchar", "jsonb", "text[][]", "uuid", "int8", "serial",
])
def test_type_for_sql_matches_postgres(pg: psycopg.Connection, spelling: str) -> None:
    pg_spelling = "integer" if spelling == "serial" else spelling
    pg.execute("DROP TABLE IF EXISTS typmods")
    pg.execute(f"CREATE TEMP TABLE typmods (c {pg_spelling})")
    oid, typmod, shown = pg.execute(
        "SELECT atttypid::int, atttypmod, format_type(atttypid, atttypmod) FROM pg_attribute"
        " WHERE attrelid = 'typmods'::regclass AND attname = 'c'"
    ).fetchone()
    ours, our_typmod = t.type_for_sql(spelling)
    assert (ours.oid, our_typmod, t.format_type(ours.oid, our_typmod)) == (oid, typmod, shown)


INPUTS = [
    (" 42 ", "int4"), ("+5", "int2"), ("-9223372036854775808", "int8"), ("4294967295", "oid"),
    ("yes", "bool"), ("ON", "bool"), ("1", "bool"), (" f ", "bool"), ("tr", "bool"), ("of", "bool"),
    ("1e3", "float8"), (" 3.5 ", "float8"), ("-Infinity", "float8"), ("inf", "float4"), (".5", "float4"),
    ("1e3", "numeric"), ("-0.00", "numeric"), ("  12.50  ", "numeric"), ("NaN", "numeric"), ("-inf", "numeric"),
    ("2024-1-2", "date"), ("2024-01-02 +01", "date"), ("01/02/2024", "date"), ("2024-01-02 03:04:05", "date"),
    ("2024-01-02T03:04:05Z", "timestamp"), ("2024-01-02 03:04:05.1234567", "timestamp"),
    ("2024-01-02 03:04", "timestamp"), ("2024-01-02", "timestamp"), ("2024-01-02 03:04:05+05:30", "timestamp"),
    ("2024-01-02T03:04:05Z", "timestamptz"), ("2024-07-02 03:04:05", "timestamptz"),
    ("2024-01-02 03:04:05.5-08", "timestamptz"), ("2024-03-31 01:30:00", "timestamptz"),
    ("2024-01-02 03:04:05+0530", "timestamptz"), ("2024-01-02 03:04:05.999999999+00", "timestamptz"),
    ("03:04", "time"), ("03:04:05.5", "time"), ("03:04:05.5+02", "timetz"),
    ("1 day 02:00:00", "interval"), ("P1DT2H", "interval"), ("3 hours", "interval"), ("1.5 days", "interval"),
    ("-1 day", "interval"), ("@ 1 day ago", "interval"), ("00:00:01.5", "interval"), ("1 year 2 mons", "interval"),
    ("2 weeks", "interval"), ("1.5 months", "interval"), ("-1 day +02:00", "interval"), ("90 min", "interval"),
    ("P1Y2M3DT4H5M6.5S", "interval"), ("10", "interval"), ("1 hour 30 minutes ago", "interval"),
    ("{A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11}", "uuid"), ("a0eebc999c0b4ef8bb6d6bb9bd380a11", "uuid"),
    ("\\x4142", "bytea"), ("a\\000b\\\\", "bytea"), ("\\x 41 42", "bytea"),
    ('{"a": [1, 2]}', "jsonb"), ("[1,2]", "json"),
    ("{1, 2 ,3}", "int4[]"), ('{"a,b",c, " d "}', "text[]"), ("{{1},{2}}", "int8[]"), ("{NULL,null,\"NULL\"}", "text[]"),
    ("[0:1]={5,6}", "int4[]"), ("{}", "text[]"), ("{2024-01-02, 2024-02-03}", "date[]"), ('{"a\\"b"}', "text[]"),
    ("$1,234.56", "money"), ("12", "money"),
]


@pytest.mark.parametrize("zone", ["UTC", "Europe/London"])
def test_parameter_text_input_matches_postgres(pg: psycopg.Connection, zone: str) -> None:
    """What drivers send as text Bind parameters must mean what PostgreSQL's input functions make of it."""
    pg.execute(f"SET TimeZone = '{zone}'")
    ctx = t.FormatContext(time_zone=zone)
    mismatches = []
    for text, type_sql in INPUTS:
        oid, send = pg.execute(f"SELECT t.oid::int, t.typsend::text FROM pg_type t WHERE t.oid = '{type_sql}'::regtype"
                               ).fetchone()
        binary = pg.execute(f"SELECT {send}(%s::{type_sql})", [text]).fetchone()[0]
        expected = t.decode_binary(oid, bytes(binary))
        ours = t.decode_text(oid, text, ctx)
        if not _same(ours, expected) or type(ours) is not type(expected):
            mismatches.append(f"{text!r}::{type_sql}: ours {ours!r} pg {expected!r}")
    assert not mismatches, "\n".join(mismatches)


@pytest.mark.parametrize(("text", "type_sql", "sqlstate"), [
    ("abc", "int4", "22P02"), ("2147483648", "int4", "22003"), ("1_000", "int4", "22P02"), ("1.5", "int8", "22P02"),
    ("maybe", "bool", "22P02"), ("1e400", "float8", "22003"), ("1e39", "float4", "22003"), ("1_0", "float8", "22P02"),
    ("12a", "numeric", "22P02"), ("2024-02-30", "date", "22008"), ("yesterday-ish", "date", "22007"),
    ("25:00", "time", "22008"), ("2024-01-02 03:04:05 nowhere", "timestamptz", "22007"), ("1 fortnight", "interval", "22007"),
    ("not-a-uuid", "uuid", "22P02"), ("\\xZZ", "bytea", "22023"), ("\\x123", "bytea", "22023"), ("{{1},{2,3}}", "int4[]", "22P02"), ("{bad", "json", "22P02"),
    ("{1,2", "int4[]", "22P02"), ("{{1},2}", "int4[]", "22P02"), ("{a}", "int4[]", "22P02"), ("1,2", "text[]", "22P02"),
])
def test_bad_parameter_text_is_rejected_like_postgres(pg: psycopg.Connection, text: str, type_sql: str,
                                                      sqlstate: str) -> None:
    with pytest.raises(psycopg.Error) as theirs:
        pg.execute(f"SELECT %s::{type_sql}", [text])
    assert theirs.value.sqlstate == sqlstate
    oid = t.type_for_sql(type_sql)[0].oid
    with pytest.raises(PgError) as ours:
        t.decode_text(oid, text)
    assert ours.value.sqlstate == sqlstate
