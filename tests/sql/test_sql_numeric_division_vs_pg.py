"""numeric division (`__pg_numeric_div`, pgserver/sql/bind/pg_numeric.py) against a real PostgreSQL 15.

Random and edge pairs — signs, zero dividends, tiny and huge magnitudes, scales 0..20, integer/numeric mixes,
typed numeric(p,s) operands, NULLs — are divided by PostgreSQL and by our engine; the text PostgreSQL sends must
be the text we send, byte for byte, and the column type numeric on both sides. Division by zero is 22012 with
PostgreSQL's message on both sides.
"""

from __future__ import annotations

import random
from typing import Any

import pytest
from sql_helpers import as_texts, error_in_new_session, make_world, result_in_new_session, run

from pgserver import types as pgtypes

pytestmark = pytest.mark.anyio
GENERATOR = random.Random(20261207)
COLUMNS_PER_QUERY = 60


def _literal(digits: int, scale: int, negative: bool) -> str:
    """A numeric constant with `digits` significant digits and `scale` places, as a query would write it."""
    mantissa = GENERATOR.randint(10 ** (digits - 1), 10**digits - 1) if digits else 0
    text = str(mantissa).rjust(scale + 1, "0")
    text = f"{text[:-scale]}.{text[-scale:]}" if scale else text
    return f"-{text}" if negative and mantissa else text


def _operand(nonzero: bool = False) -> str:
    kind = GENERATOR.random()
    if kind < 0.15:  # an integer constant (int4 or int8)
        return str(GENERATOR.choice([1, 2, 3, 7, 10, 100, 9999, 10000, 10001, 123456789, 2**40 + 3]))
    scale = GENERATOR.randint(0, 20)
    digits = GENERATOR.randint(1 if nonzero else 0, min(18, scale + 12))
    literal = _literal(digits, scale, GENERATOR.random() < 0.4)
    if kind < 0.3:  # a typed column-like operand: numeric(p, s) keeps its scale
        precision = max(len(literal.lstrip("-").replace(".", "")), scale + 1, 1)
        return f"CAST({literal} AS numeric({min(precision, 38)}, {scale}))"
    if kind < 0.4:
        return f"CAST({literal} AS numeric)"
    return f"({literal})" if literal.startswith("-") else literal


EDGES = [
    ("1", "3"), ("2", "3"), ("-2", "3"), ("0", "7.5"), ("0.000", "3"), ("-0.00", "-7"), ("1", "9999"),
    ("1", "10000"), ("9999", "1"), ("10000", "9999"), ("1.5", "1.2"), ("1.2", "1.5"), ("0.0001", "3"),
    ("123456789012345678", "0.000000000000000001"), ("0.000000000000000001", "123456789012345678"),
    ("99999999999999999999", "3"), ("1", "99999999999999999999"), ("5", "2"), ("-5", "2"), ("0.5", "1"),
    ("2.50", "2"), ("1e3", "7"), ("7", "2.5"), ("7::bigint", "0.3"), ("(-7)::smallint", "0.25"),
    ("NULL::numeric", "2"), ("2.5", "NULL::numeric"), ("CAST(NULL AS numeric(10,2))", "NULL::int"),
    ("0.00000000000000000005", "1"), ("0.00000000000000000004", "1"), ("1", "0.00000000000000000003"),
    ("123456789012345678.12345678901234567890", "1.1"), ("4.5", "CAST(1.5 AS numeric(10,4))"),
    ("CAST(2 AS numeric(5,0))", "CAST(3 AS numeric(5,0))"), ("1.0000000000000000005", "1"),
]


def _pairs() -> list[tuple[str, str]]:
    pairs = list(EDGES)
    while len(pairs) < 1200:
        pairs.append((_operand(), _operand(nonzero=True)))
    return pairs


def _pg_texts(conn: Any, sql: str) -> tuple[list[str | None], list[str]]:
    cursor = conn.execute(sql)
    names = [pgtypes.find_by_oid(d.type_code).sql_name for d in cursor.description]
    row = cursor.fetchone()
    texts = [None if v is None else pgtypes.encode_text(d.type_code, v).decode()
             for v, d in zip(row, cursor.description, strict=True)]
    return texts, names


async def test_numeric_division_prints_what_postgresql_prints(real_postgres: Any) -> None:
    pairs = _pairs()
    world = make_world()
    engine = await world.factory.connect("demo", "sage200", {})
    mismatches = []
    try:
        for start in range(0, len(pairs), COLUMNS_PER_QUERY):
            chunk = pairs[start:start + COLUMNS_PER_QUERY]
            sql = "SELECT " + ", ".join(f"{a} / {b}" for a, b in chunk)
            theirs, their_types = _pg_texts(real_postgres, sql)
            result = await run(engine, sql)
            ours = [None if v is None else pgtypes.encode_text(c.type_oid, v).decode()
                    for v, c in zip(result.rows[0], result.columns, strict=True)]
            our_types = [pgtypes.find_by_oid(c.type_oid).sql_name for c in result.columns]
            for (a, b), want, got, want_type, got_type in zip(chunk, theirs, ours, their_types, our_types, strict=True):
                if (want, want_type) != (got, got_type):
                    mismatches.append(f"{a} / {b}: PostgreSQL {want!r} {want_type}, ours {got!r} {got_type}")
    finally:
        await engine.close()
    assert mismatches == [], f"{len(mismatches)} of {len(pairs)} differ:\n" + "\n".join(mismatches[:40])


@pytest.mark.parametrize("sql", ["SELECT 1.5 / 0", "SELECT 0::numeric / 0.00", "SELECT -3 / 0.0",
                                 "SELECT CAST(2 AS numeric(10,2)) / CAST(0 AS numeric(4,1))"])
async def test_numeric_division_by_zero_is_22012_as_postgresql_says(real_postgres: Any, sql: str) -> None:
    import psycopg

    with pytest.raises(psycopg.errors.DivisionByZero) as expected:
        real_postgres.execute(sql)
    error = await error_in_new_session(sql)
    assert (error.sqlstate, error.message) == ("22012", expected.value.diag.message_primary)


async def test_numeric_division_over_many_rows_matches_postgresql(real_postgres: Any) -> None:
    """Columns of many rows: pairs that differ row by row, one divisor for the whole column, repeats and NULLs
    (the UDF's paired and per-divisor paths over DuckDB's 2048-row vectors)."""
    rows = []
    for i in range(3000):  # more than one of DuckDB's 2048-row vectors
        a = _literal(GENERATOR.randint(0, 9), 3, GENERATOR.random() < 0.3) if i % 11 else "NULL"
        b = _literal(GENERATOR.randint(1, 8), 2, GENERATOR.random() < 0.3) if i % 13 else "NULL"
        rows.append(f"({i}, CAST({a} AS numeric(12,3)), CAST({b} AS numeric(10,2)))")
    sql = ("SELECT a / b, a / 7, a / 0.25, 100 / b FROM (VALUES " + ", ".join(rows) + ") AS t(i, a, b) "
           "WHERE i >= 0")
    cursor = real_postgres.execute(sql + " ORDER BY i")
    theirs = [tuple(None if v is None else pgtypes.encode_text(d.type_code, v).decode()
                    for v, d in zip(row, cursor.description, strict=True)) for row in cursor.fetchall()]
    world = make_world()
    engine = await world.factory.connect("demo", "sage200", {})
    try:
        result = await run(engine, sql)  # (no ORDER BY: an ordered result column stays a number, 0800)
    finally:
        await engine.close()
    ours = [tuple(None if v is None else pgtypes.encode_text(c.type_oid, v).decode()
                  for v, c in zip(row, result.columns, strict=True)) for row in result.rows]
    assert len(ours) == len(theirs)
    differing = [(i, t, o) for i, (t, o) in enumerate(zip(theirs, ours, strict=True)) if t != o]
    assert differing == [], differing[:10]


@pytest.mark.parametrize("sql", [
    # integer expressions whose type only the query's scopes tell (pg_numeric.type_numeric_casts)
    "SELECT (i % 1000)::numeric / 100, i::numeric + 1, (i * 2)::numeric, sum(i::numeric) OVER () "
    "FROM generate_series(1, 3) AS g(i)",
    "SELECT i::numeric, (i::numeric * 2) / 3, (i * 1000)::numeric / 7 "
    "FROM generate_series(1000000000000000::bigint, 1000000000000002) AS i",
    "WITH t AS (SELECT x FROM (VALUES (1), (2)) AS v(x)) SELECT x::numeric + 0.5, (x + 1)::numeric * 2 FROM t",
    "SELECT s.n::numeric - 1 FROM (SELECT 5::smallint * 3 AS n) AS s",
    # avg() OVER (…) of integers and numerics: PostgreSQL's numeric division of the window's sum by its count
    "SELECT avg(i) OVER (), avg(i::numeric) OVER (ORDER BY i), avg(i * 1.5) OVER (PARTITION BY i % 2) "
    "FROM generate_series(1, 5) AS g(i) ORDER BY i",
    "SELECT i, avg(i) OVER (ORDER BY i ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM generate_series(1, 4) AS i "
    "ORDER BY i",
])
async def test_numeric_scales_of_integer_expressions_and_window_averages(real_postgres: Any, sql: str) -> None:
    """DuckDB's unconstrained DECIMAL is (18, 3): an integer read as numeric printed 2.000 for 2, and failed with
    an overflow from 10^15 on; PostgreSQL's value has scale 0. A window's avg() was DuckDB's double (1.5 for
    PostgreSQL's 1.5000000000000000, reported as float8)."""
    cursor = real_postgres.execute(sql)
    theirs = as_texts(cursor.fetchall(), [d.type_code for d in cursor.description])
    result = await result_in_new_session(sql)
    assert as_texts(result.rows, [c.type_oid for c in result.columns]) == theirs


@pytest.mark.parametrize("sql", [
    "SELECT coalesce(NULL, 1, 2.5), coalesce(2, 1.5), coalesce(1.25, 2), coalesce(NULL::numeric, 3)",
    "SELECT coalesce(x, 7), coalesce(7, x) FROM (VALUES (1.5), (NULL)) AS v(x)",
    "SELECT CASE WHEN true THEN 1 ELSE 2.5 END, greatest(1, 0.5), least(2, 2.75)",
])
async def test_a_value_picked_from_numeric_operands_keeps_its_own_scale(real_postgres: Any, sql: str) -> None:
    """COALESCE, CASE, greatest and least return one operand's value: PostgreSQL prints it with that value's own
    scale (coalesce(2, 1.5) is 2), where DuckDB's common DECIMAL(2, 1) printed 2.0."""
    cursor = real_postgres.execute(sql)
    theirs = as_texts(cursor.fetchall(), [d.type_code for d in cursor.description])
    result = await result_in_new_session(sql)
    assert [c.type_oid for c in result.columns] == [d.type_code for d in cursor.description]
    assert as_texts(result.rows, [c.type_oid for c in result.columns]) == theirs


async def test_a_declared_integer_column_cast_to_numeric_has_scale_zero() -> None:
    """A provider's bigint/integer column read as numeric ("Id"::numeric): 27825, not DuckDB's 27825.000."""
    result = await result_in_new_session(
        "SELECT id::numeric, id::numeric + 1, creditlimit::numeric * 2 FROM customers ORDER BY id LIMIT 3")
    texts = as_texts(result.rows, [c.type_oid for c in result.columns])
    assert texts and all(v is None or "." not in v for row in texts for v in row), texts
    assert [c.type_oid for c in result.columns] == [pgtypes.NUMERIC] * 3
