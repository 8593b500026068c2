"""Date/time input by PostgreSQL's datetime.c rules and ±infinity on output, through the real SQL engine:
what PostgreSQL 15 answers (each expectation below was read from a PostgreSQL 15.18 server)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import struct
from collections.abc import Iterator

import psycopg
import pytest
from anyio.from_thread import start_blocking_portal

from pgserver.app import build_engine_factory
from pgserver.config import default_config
from pgserver.server import PgServer


@pytest.fixture(scope="module")
def dsn() -> Iterator[str]:
    config = dataclasses.replace(default_config(), port=0)
    server = PgServer(config, build_engine_factory(config))
    with start_blocking_portal() as portal:
        future, port = portal.start_task(server.serve)
        try:
            yield f"host=127.0.0.1 port={port} user=demo password=demo dbname=sage200"
        finally:
            future.cancel()


@pytest.mark.parametrize(("sql", "sqlstate", "message"), [
    ("SELECT CAST('42' AS date)", "22008", 'date/time field value out of range: "42"'),
    ("SELECT CAST(' 42 ' AS date)", "22008", 'date/time field value out of range: " 42 "'),
    ("SELECT CAST('1_000' AS date)", "22008", 'date/time field value out of range: "1_000"'),
    ("SELECT CAST('-42' AS date)", "22009", 'time zone displacement out of range: "-42"'),
    ("SELECT CAST('-42' AS time)", "22009", 'time zone displacement out of range: "-42"'),
    ("SELECT '2024-02-30'::date", "22008", 'date/time field value out of range: "2024-02-30"'),
    ("SELECT '13/01/2024'::date", "22008", 'date/time field value out of range: "13/01/2024"'),
    ("SELECT '2024-02-29 25:00'::timestamp", "22008", 'date/time field value out of range: "2024-02-29 25:00"'),
    ("SELECT 'abc'::date", "22007", 'invalid input syntax for type date: "abc"'),
])
def test_date_time_input_errors_are_postgresqls(dsn: str, sql: str, sqlstate: str, message: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        with pytest.raises(psycopg.Error) as caught:
            conn.execute(sql)
        assert (caught.value.sqlstate, caught.value.diag.message_primary) == (sqlstate, message)
        assert conn.execute("SELECT 1").fetchone() == (1,)  # the connection stays usable


@pytest.mark.parametrize(("sql", "value"), [
    ("SELECT CAST('{1,2,3}' AS date)", dt.date(2003, 1, 2)),  # punctuation only separates fields: 1/2/03
    ("SELECT 'epoch'::date", dt.date(1970, 1, 1)),
    ("SELECT '1999.008'::date", dt.date(1999, 1, 8)),
    ("SELECT 'J2451187'::date", dt.date(1999, 1, 8)),
    ("SELECT '08-Jan-99'::date", dt.date(1999, 1, 8)),
    ("SELECT 'Feb 10 5:32PM 1997'::timestamp", dt.datetime(1997, 2, 10, 17, 32)),
])
def test_date_time_input_values_are_postgresqls(dsn: str, sql: str, value: object) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        assert conn.execute(sql).fetchone() == (value,)


INT32_MAX, INT32_MIN, INT64_MAX, INT64_MIN = 2**31 - 1, -(2**31), 2**63 - 1, -(2**63)


def _raw(conn: psycopg.Connection, sql: str, result_format: int) -> list[list[bytes | None]]:
    result = conn.pgconn.exec_params(sql.encode(), [], result_format=result_format)
    assert result.error_message == b"", result.error_message
    return [[result.get_value(r, c) for c in range(result.nfields)] for r in range(result.ntuples)]


def test_infinite_dates_and_timestamps_in_text_and_binary(dsn: str) -> None:
    sql = ("SELECT 'infinity'::date, '-infinity'::date, 'infinity'::timestamp, '-infinity'::timestamp, "
           "'infinity'::timestamptz, '-infinity'::timestamptz, CAST('Infinity' AS date), DATE '2024-02-29'")
    with psycopg.connect(dsn, autocommit=True) as conn:
        assert _raw(conn, sql, 0) == [[b"infinity", b"-infinity", b"infinity", b"-infinity", b"infinity",
                                       b"-infinity", b"infinity", b"2024-02-29"]]
        binary = _raw(conn, sql, 1)[0]
        assert [struct.unpack(">i", v)[0] for v in (binary[0], binary[1], binary[6])] == [INT32_MAX, INT32_MIN,
                                                                                           INT32_MAX]
        assert [struct.unpack(">q", v)[0] for v in binary[2:6]] == [INT64_MAX, INT64_MIN, INT64_MAX, INT64_MIN]
        assert struct.unpack(">i", binary[7])[0] == 8825  # days from 2000-01-01


def test_infinities_in_a_large_batch_take_every_output_path(dsn: str) -> None:
    """More rows than the per-value threshold: the column kernels' batch, with infinities and NULLs."""
    sql = ("SELECT CASE WHEN i % 3 = 0 THEN '-infinity'::timestamptz WHEN i % 3 = 1 THEN NULL "
           "ELSE TIMESTAMPTZ '2024-01-01 00:00:00+00' END, "
           "CASE WHEN i % 2 = 0 THEN 'infinity'::date ELSE DATE '2024-01-01' END FROM generate_series(1, 40) t(i)")
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("SET TimeZone = 'UTC'")
        text = _raw(conn, sql, 0)
        binary = _raw(conn, sql, 1)
    assert len(text) == 40
    for i, (row, raw) in enumerate(zip(text, binary, strict=True), start=1):
        stamp, day = ((b"-infinity", INT64_MIN), (None, None), (b"2024-01-01 00:00:00+00", 757_382_400_000_000))[i % 3]
        assert row[0] == stamp and (raw[0] if raw[0] is None else struct.unpack(">q", raw[0])[0]) == day
        date_text, days = (b"infinity", INT32_MAX) if i % 2 == 0 else (b"2024-01-01", 8766)
        assert row[1] == date_text and struct.unpack(">i", raw[1])[0] == days


def test_psycopg_reads_minus_infinity_timestamptz_in_binary_and_text(dsn: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        for binary in (False, True):
            cur = conn.cursor(binary=binary)
            with pytest.raises(psycopg.DataError, match="timestamp too small"):  # psycopg's own refusal: PG's too
                cur.execute("SELECT '-infinity'::timestamptz").fetchone()


def test_copy_to_stdout_sends_infinities(dsn: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn, conn.cursor() as cur:
        with cur.copy("COPY (SELECT 'infinity'::date, '-infinity'::timestamp) TO STDOUT") as copy:
            data = b"".join(bytes(chunk) for chunk in copy)
    assert data == b"infinity\t-infinity\n"
