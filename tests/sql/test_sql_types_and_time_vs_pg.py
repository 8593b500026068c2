"""Against a real PostgreSQL 15: pg_typeof() is a regtype — printed, its name; compared, its OID (PostgreSQL has
only oid = oid for it; type_resolution._pg_typeof) — and the time functions and timestamp(p) casts (decision
1022)."""

from __future__ import annotations

from typing import Any

import pytest
from sql_helpers import error_in_new_session, result_in_new_session, result_in_new_session_after

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize("sql", [
    "SELECT pg_typeof(now()) = 'timestamptz'::regtype, pg_typeof(1) = 'int4'::regtype",
    "SELECT pg_typeof(1) <> 'bigint'::regtype, 'integer'::regtype = pg_typeof(1)",
    "SELECT pg_typeof(1) IN ('int4'::regtype, 'text'::regtype), pg_typeof('a') = 'unknown'::regtype",
    "SELECT pg_typeof(1) = pg_typeof(2), pg_typeof(1) = pg_typeof(2::bigint), pg_typeof(1)::text = 'integer'",
    "SELECT pg_typeof(x) = 'numeric'::regtype, pg_typeof(x) FROM (VALUES (1.5)) AS v(x)",
    "SELECT count(*) FROM generate_series(1, 3) AS g(i) WHERE pg_typeof(i) = 'integer'::regtype",
    "SELECT pg_typeof(1), pg_typeof(1)::text || '!'",
    # the time functions, typed and ordered as PostgreSQL's (clock_timestamp() moves row by row)
    "SELECT statement_timestamp() <= clock_timestamp(), pg_typeof(clock_timestamp()), pg_typeof(statement_timestamp()),"
    " count(DISTINCT clock_timestamp()) > 1, transaction_timestamp() <= clock_timestamp() FROM generate_series(1, 500)",
    "SELECT pg_typeof(current_timestamp(2)), pg_typeof(localtimestamp(0)), length(localtimestamp(0)::text),"
    " current_timestamp(0) <= now() + interval '1 second'",
    # timestamp(p): rounded half away from zero from PostgreSQL's 2000-01-01 epoch (1990 and 1969 round down)
    "SELECT '2024-01-01 10:00:00.123456+00'::timestamptz(2)::text, '2024-01-01 10:00:00.125'::timestamp(2)::text,"
    " '2024-01-01 10:00:00.999999'::timestamp(0)::text, '1990-01-01 10:00:00.125'::timestamp(2)::text,"
    " '1969-12-31 23:59:59.995'::timestamp(2)::text, '1999-12-31 23:59:59.5'::timestamp(0)::text,"
    " 'infinity'::timestamp(3)::text, '-infinity'::timestamptz(1)::text, NULL::timestamp(2)::text",
])
async def test_pg_typeof_prints_and_compares_as_postgresql(real_postgres: Any, sql: str) -> None:
    cursor = real_postgres.execute(sql)  # booleans, counts, and regtype / text names (psycopg reads both as str)
    theirs = [tuple(row) for row in cursor.fetchall()]
    result = await result_in_new_session(sql)
    assert [c.type_oid for c in result.columns] == [d.type_code for d in cursor.description]
    assert [tuple(row) for row in result.rows] == theirs


async def test_pg_typeof_compared_with_a_plain_string_reads_it_as_an_oid(real_postgres: Any) -> None:
    import psycopg

    sql = "SELECT pg_typeof(1) = 'integer'"
    with pytest.raises(psycopg.Error) as expected:
        real_postgres.execute(sql)
    error = await error_in_new_session(sql)
    assert (error.sqlstate, error.message) == (expected.value.sqlstate, expected.value.diag.message_primary)


@pytest.mark.parametrize("sql", [
    # to_timestamp(double) is an instant: its macro read the epoch as a wall clock in the session's zone
    "SELECT to_timestamp(0), to_timestamp(1.5), to_timestamp(-86400.25), to_timestamp('2024-01-02 10:00', "
    "'YYYY-MM-DD HH24:MI')",
    "SELECT abs(extract(epoch FROM clock_timestamp()) - extract(epoch FROM now())) < 60",
    # bare localtimestamp / localtime bound to their own result alias in DuckDB (42703); timestamptz::time had no cast
    "SELECT localtimestamp = now()::timestamp, localtime = now()::time, current_date = now()::date, "
    "pg_typeof(localtimestamp), pg_typeof(localtime)",
    "SELECT localtimestamp - now()::timestamp = interval '0', localtime = now()::time, now()::time = current_timestamp::time",
    "SELECT localtimestamp::date = current_date, '2024-06-01 23:30:00+00'::timestamptz::time",
    # timetz keeps its offset (DuckDB's Arrow export dropped it: 10:00+02 came out as 10:00+00)
    "SELECT '10:00:00+02'::timetz, '23:59:59.5-03:30'::timetz, NULL::timetz, current_time = now()::timetz, "
    "pg_typeof(current_time)",
])
async def test_time_functions_in_a_zone_other_than_utc_answer_as_postgresql(real_postgres: Any, sql: str) -> None:
    real_postgres.execute("SET TimeZone = 'Asia/Kolkata'")
    try:
        cursor = real_postgres.execute(sql)
        theirs = [tuple(row) for row in cursor.fetchall()]
    finally:
        real_postgres.execute("RESET TimeZone")
    result = await result_in_new_session_after("SET TimeZone = 'Asia/Kolkata'", sql)
    assert [c.type_oid for c in result.columns] == [d.type_code for d in cursor.description]
    assert [tuple(row) for row in result.rows] == theirs
