"""Constants in WHERE are typed exactly as PostgreSQL 15 types them (pgserver/sql/pushdown/quals.py).

Two differential checks against a real PostgreSQL 15:

- a quoted literal compared with a column is read by the column type's input function: every value
  we produce equals PostgreSQL's `'text'::type`, and wherever PostgreSQL rejects the text we produce
  none (NotPushable: DuckDB then reports the error). The literals include every date/time spelling of
  the CData spec's examples;
- a typed constant (a cast, as bound parameters arrive) compared with a date/time column of another
  type is rewritten into a comparison with a value of the column's type: on a set of column values
  around midnights and DST changes, the rewritten comparison selects exactly the values PostgreSQL's
  `col op constant` selects, under several TimeZone settings.
"""

from __future__ import annotations

import datetime as dt
import decimal
import operator
from typing import Any

import pytest
from sqlglot import parse_one

from pgserver.provider import Column, Comparison, TableSpec
from pgserver.sql.bind.constants import NotPushable, read_text
from pgserver.sql.pushdown.quals import to_quals
from pgserver.types import FormatContext

LITERALS: list[tuple[str, str]] = [
    # the spec's spellings
    ("2017-12-31T01:00:00.000+01:00", "date"), ("2017-12-31T01:00:00.000+01:00", "timestamp"),
    ("2017-09-13T02:00:00.000+02:00", "date"), ("2018-02-28T15:23:46.467+01:00", "timestamp"),
    ("2018-02-28T15:23:46.467+01:00", "timestamptz"), ("2019-10-02T11:46:53Z", "timestamp"),
    ("2019-10-02T11:46:53Z", "date"), ("2019-10-02T11:46:53Z", "timestamptz"),
    ("0000000001", "bigint"), ("Sample", "numeric(18,6)"), ("-6511.96", "numeric(18,2)"), ("abc", "text"),
    ("true", "boolean"), ("346345654564565", "bigint"), ("150", "integer"), ("123.3", "numeric(18,2)"),
    # PostgreSQL's other rules
    ("  12 ", "integer"), ("+5", "smallint"), ("1e3", "integer"), ("1.5", "bigint"), ("40000", "smallint"),
    ("1e3", "numeric"), (" 1.50 ", "numeric(18,2)"), ("NaN", "numeric"), ("yes", "boolean"), ("of", "boolean"),
    ("t", "boolean"), ("0", "boolean"), ("maybe", "boolean"), ("2024-02-30", "date"), ("2024-2-3", "date"),
    ("01/02/2024", "date"), ("2024-01-02 10:00:00.1234567", "timestamp"), ("2017-12-31 23:59:59.9999995", "timestamp"),
    ("2024-01-02T10:00:00-05:00", "timestamptz"), ("2024-01-02 10:00", "timestamptz"),
    ("2024-07-02 10:00:00 +05:30", "timestamp"), ("epoch", "date"), ("today", "date"), ("Dec 31 2017", "date"),
    ("20171231", "date"), ("2017-12-31 24:00:00", "timestamp"), ("x", "varchar(60)"), ("", "text"),
    ("2024-01-02 10:00:00 UTC", "timestamptz"), ("2024-01-02", "timestamp"), ("2024-01-02 10:00:00Z", "date"),
]
SETTINGS = [FormatContext(time_zone="UTC"), FormatContext(date_style="ISO, DMY", time_zone="Europe/London"),
            FormatContext(time_zone="America/New_York")]


@pytest.fixture(scope="module")
def postgres(real_postgres: Any) -> Any:
    return real_postgres


def pg_settings(conn: Any, ctx: FormatContext) -> None:
    conn.execute(f"SET TimeZone = '{ctx.time_zone}'")
    conn.execute(f"SET DateStyle = '{ctx.date_style}'")


def test_quoted_literals_read_as_postgresql_reads_them(postgres: Any) -> None:
    import psycopg

    mismatches, kept_local = [], []
    for ctx in SETTINGS:
        pg_settings(postgres, ctx)
        for text, pg_type in LITERALS:
            try:
                expected: Any = postgres.execute(f"SELECT %s::{pg_type}", (text,)).fetchone()[0]
            except psycopg.Error as exc:
                expected = exc
            try:
                ours: Any = read_text(text, pg_type, ctx)
            except NotPushable:
                if not isinstance(expected, Exception):
                    kept_local.append((text, pg_type))
                continue
            if isinstance(expected, Exception):
                mismatches.append(f"{text!r}::{pg_type} under {ctx}: PostgreSQL says {expected}, we read {ours!r}")
            elif isinstance(ours, decimal.Decimal) and ours.is_nan():
                continue  # never pushed (NaN has no OData literal)
            elif ours != expected or type(ours) is not type(expected):
                mismatches.append(f"{text!r}::{pg_type} under {ctx}: PostgreSQL {expected!r}, we {ours!r}")
    assert not mismatches, "\n".join(mismatches)
    # Only spellings our input functions do not know stay local (DuckDB or an error then decides).
    assert {t for t, _ in kept_local} <= {"epoch", "today", "Dec 31 2017", "20171231", "2017-12-31 24:00:00", "NaN"}


def _moments() -> list[dt.datetime]:
    out = []
    for day in (dt.datetime(2024, 3, 30), dt.datetime(2024, 3, 31), dt.datetime(2024, 10, 27),
                dt.datetime(2024, 3, 10), dt.datetime(2024, 7, 1), dt.datetime(2024, 1, 15)):
        out += [day + dt.timedelta(minutes=30 * k) for k in range(0, 8)] + [day + dt.timedelta(hours=23, minutes=59)]
    return sorted(set(out))


CONSTANTS = [
    "CAST('2024-03-31 01:30:00+00' AS timestamptz)", "CAST('2024-07-01 01:00:00+00' AS timestamptz)",
    "CAST('2024-07-01 00:00:00' AS timestamp)", "CAST('2024-07-01 10:00:00' AS timestamp)",
    "CAST('2024-01-15' AS date)", "CAST('2024-10-27 01:30:00+01' AS timestamptz)",
    "CAST('2024-03-10 07:30:00+00' AS timestamptz)", "CAST('2024-01-15 12:00:00-05' AS timestamptz)",
]
OPS = {"=": operator.eq, "<>": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


def _ours(column_type: str, op: str, constant: str, ctx: FormatContext) -> Comparison | None:
    spec = TableSpec("s", "v", (Column("x", column_type, source="x"),))
    try:
        (qual,) = to_quals(parse_one(f"v.x {op} {constant}", dialect="postgres"), "v", spec, ctx)
    except NotPushable:
        return None
    assert isinstance(qual, Comparison)
    return qual


@pytest.mark.parametrize("column_type", ["date", "timestamp", "timestamptz"])
def test_typed_constants_against_date_time_columns(postgres: Any, column_type: str) -> None:
    moments = _moments()
    values: list[Any] = sorted({m.date() for m in moments}) if column_type == "date" else moments
    if column_type == "timestamptz":
        values = [m.replace(tzinfo=dt.UTC) for m in moments]
    postgres.execute("DROP TABLE IF EXISTS v")
    postgres.execute(f"CREATE TEMP TABLE v (x {column_type})")
    with postgres.cursor() as cur:
        cur.executemany("INSERT INTO v VALUES (%s)", [(v,) for v in values])
    problems, pushed = [], 0
    for ctx in SETTINGS:
        pg_settings(postgres, ctx)
        for constant in CONSTANTS:
            for op in OPS:
                rows = postgres.execute(f"SELECT x FROM v WHERE x {op} {constant}").fetchall()
                # in UTC before they meet in a set: same-zone datetimes compare ignoring `fold`
                expected = {r[0].astimezone(dt.UTC) if column_type == "timestamptz" else r[0] for r in rows}
                qual = _ours(column_type, op, constant, ctx)
                if qual is None:
                    continue
                pushed += 1
                ours = {v for v in values if OPS[qual.op.value](v, qual.value)}
                if ours != expected:
                    problems.append(f"x {op} {constant} ({column_type}, {ctx.time_zone}): PostgreSQL "
                                    f"{len(expected)} values, ours ({qual.op.value} {qual.value!r}) {len(ours)}")
    assert not problems, "\n".join(problems)
    assert pushed >= len(SETTINGS) * len(CONSTANTS) * 3  # most of them do become quals
