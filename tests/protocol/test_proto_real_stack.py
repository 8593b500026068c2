"""The server in front of the real SQL engine and the in-process Sage sandbox (the default config):
what a user gets from `pgserver serve`, driven through asyncpg and psycopg."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Iterator

import asyncpg
import pgproto_wire as w
import psycopg
import pytest
from anyio.from_thread import start_blocking_portal
from pgproto_server import PASSWORDS
from test_proto_raw import RawClient, _codes

from pgserver.app import build_engine_factory
from pgserver.config import default_config, parse_config
from pgserver.server import PgServer


@pytest.fixture(scope="module")
def real_port() -> Iterator[int]:
    config = dataclasses.replace(default_config(), port=0, users=(
        *default_config().users, parse_config({"users": [{"name": "clear", "password": PASSWORDS["clear"],
                                                          "password_cleartext": True}],
                                               "databases": {"sage200": {}}}).users[0]))
    server = PgServer(config, build_engine_factory(config))
    with start_blocking_portal() as portal:
        future, port = portal.start_task(server.serve)
        try:
            yield port
        finally:
            future.cancel()


def test_asyncpg_binary_results_parameters_and_portal_suspension(real_port: int) -> None:
    async def main() -> None:
        conn = await asyncpg.connect(host="127.0.0.1", port=real_port, user="demo", password="demo",
                                     database="sage200", ssl=False)
        try:
            first = await conn.fetch('SELECT "Id", "Name" FROM "Customers" ORDER BY "Id" LIMIT 3')
            assert len(first) == 3 and all(isinstance(r["Id"], int) and r["Name"] for r in first)
            again = await conn.fetchrow('SELECT "Id", "Name" FROM "Customers" WHERE "Id" = $1', first[1]["Id"])
            assert tuple(again) == tuple(first[1])
            total = await conn.fetchval('SELECT count(*) FROM "Customers"')
            async with conn.transaction():
                ids = [r["Id"] async for r in conn.cursor('SELECT "Id" FROM "Customers"', prefetch=7)]
            assert len(ids) == total > 7
            assert await conn.fetchval("SELECT 1.5::float8 / 3") == 0.5
        finally:
            await conn.close()

    asyncio.run(main())


def test_psycopg_text_parameters_and_session_settings(real_port: int) -> None:
    with psycopg.connect(f"host=127.0.0.1 port={real_port} user=demo password=demo dbname=sage200") as conn:
        first_id = conn.execute('SELECT min("Id") FROM "Customers"').fetchone()[0]
        row = conn.execute('SELECT "Id" FROM "Customers" WHERE "Id" = %s', [first_id]).fetchone()
        assert row == (first_id,)
        conn.execute("SET extra_float_digits = 0")
        cur = conn.execute("SELECT 1::float8 / 3")
        assert cur.pgresult is not None and cur.pgresult.get_value(0, 0) == b"0.333333333333333"  # raw DataRow text
        conn.execute("SET TimeZone = 'Asia/Kolkata'")
        assert conn.info.parameter_status("TimeZone") == "Asia/Kolkata"
        with pytest.raises(psycopg.errors.UndefinedTable):
            conn.execute("SELECT * FROM no_such_table")
        conn.rollback()
        assert conn.execute("SELECT 1").fetchone() == (1,)


def test_npgsql4_start_up_and_batched_statements(real_port: int) -> None:
    """Npgsql 4 (Power BI): extra start-up parameters, then Parse/Bind/Describe/Execute per statement, one Sync."""
    client = RawClient(real_port)
    try:
        client.send(w.startup({"user": "clear", "client_encoding": "UTF8", "database": "sage200",
                               "ssl_renegotiation_limit": "0", "application_name": "PowerBI"}))
        assert client.read()[0] == b"R"
        client.send(w.msg(b"p", w.cstr(PASSWORDS["clear"])))
        assert _codes(client.until_ready())[-1] == "Z"
        batch = b""
        for sql in ("SELECT 1", "SELECT version()", 'SELECT "Id" FROM "Customers" LIMIT 2'):
            batch += w.parse("", sql, []) + w.bind("", "", [], [], []) + w.describe("P", "") + w.execute("", 0)
        client.send(batch + w.sync())
        codes = _codes(client.until_ready())
    finally:
        client.close()
    assert codes == ["1", "2", "T", "D", "C"] * 2 + ["1", "2", "T", "D", "D", "C", "Z"]


@pytest.mark.parametrize("binary", [False, True], ids=["text", "binary"])
def test_psycopg_server_side_cursors(real_port: int, binary: bool) -> None:
    """psycopg's named cursors DECLARE, Describe the portal of that name, then FETCH FORWARD n."""
    with psycopg.connect(f"host=127.0.0.1 port={real_port} user=demo password=demo dbname=sage200") as conn:
        with conn.cursor(name="srv", binary=binary) as cursor:
            cursor.execute('SELECT "Id", "Name" FROM "Customers" WHERE "Id" > %s ORDER BY "Id"', (0,))
            assert [d.name for d in cursor.description] == ["Id", "Name"]
            first = cursor.fetchmany(3)
            rest = cursor.fetchall()
        everything = conn.execute('SELECT "Id", "Name" FROM "Customers" ORDER BY "Id"').fetchall()
        assert first + rest == everything and len(first) == 3
        with conn.cursor(name="big", withhold=True) as cursor:
            cursor.itersize = 250
            cursor.execute("SELECT i FROM generate_series(1, 1000) AS g(i)")
            assert sum(row[0] for row in cursor) == 500500
        with pytest.raises(psycopg.errors.InvalidCursorName):
            conn.execute('FETCH 1 FROM "srv"')  # closed with the psycopg cursor


IMPLICIT_TRANSACTION_SCRIPT = [
    "SET application_name = 'a'",
    "SET application_name = 'b'; SET DateStyle = 'SQL, DMY'; SELECT 1/0",  # fails: both SETs undone
    "SET application_name = 'c'; COMMIT; SELECT 1/0",  # COMMIT ends the implicit transaction: 'c' stays
    "SET application_name = 'd'; BEGIN; SELECT 1/0",  # BEGIN takes the SET into the (now failed) block
    "ROLLBACK",
    "SET application_name = 'e'; ROLLBACK; SET DateStyle = 'German'",  # ROLLBACK undoes 'e' only
    "RESET DateStyle",
]


def _implicit_transaction_trace(conninfo: str) -> list[tuple[str, str, str]]:
    trace = []
    with psycopg.connect(conninfo, autocommit=True) as conn:
        for script in IMPLICIT_TRANSACTION_SCRIPT:
            try:
                conn.execute(script.encode())  # bytes: sent as one simple Query
                outcome = "ok"
            except psycopg.Error as error:
                outcome = error.sqlstate or "?"
            status = conn.info.transaction_status.name
            if status == "IDLE":
                shown = conn.execute("SHOW application_name").fetchone()[0] + "/" + \
                    conn.execute("SHOW DateStyle").fetchone()[0]
            else:
                shown = "-"
            trace.append((outcome, status, shown))
    return trace


def test_statements_of_one_query_run_as_one_implicit_transaction(real_port: int, real_pg_url: str) -> None:
    ours = _implicit_transaction_trace(f"host=127.0.0.1 port={real_port} user=demo password=demo dbname=sage200")
    theirs = _implicit_transaction_trace(real_pg_url)
    assert ours == theirs
    assert [shown for _, _, shown in ours] == ["a/ISO, MDY", "a/ISO, MDY", "c/ISO, MDY", "-", "c/ISO, MDY",
                                             "c/German, DMY", "c/ISO, MDY"]


def test_protocol_statements_share_the_sql_prepare_namespace(real_port: int) -> None:
    """psqlODBC frees a Parse'd statement with `DEALLOCATE "_PLAN…"`; EXECUTE reaches it too (PostgreSQL)."""
    client = RawClient(real_port)
    try:
        client.send(w.startup({"user": "clear", "database": "sage200"}))
        assert client.read()[0] == b"R"
        client.send(w.msg(b"p", w.cstr(PASSWORDS["clear"])))
        assert _codes(client.until_ready())[-1] == "Z"
        client.send(w.parse("_PLAN1", "SELECT 41 + 1", []) + w.sync())
        assert _codes(client.until_ready()) == ["1", "Z"]
        client.send(w.query('EXECUTE "_PLAN1"'))
        assert _codes(client.until_ready()) == ["T", "D", "C", "Z"]
        client.send(w.query('DEALLOCATE "_PLAN1"'))
        assert _codes(client.until_ready()) == ["C", "Z"]
        client.send(w.parse("_PLAN1", "SELECT 2", []) + w.sync())  # the name is free again
        assert _codes(client.until_ready()) == ["1", "Z"]
        client.send(w.query('PREPARE "_PLAN1" AS SELECT 3'))
        assert _codes(client.until_ready()) == ["E", "Z"]  # 42P05: one namespace
    finally:
        client.close()


def test_a_failure_inside_the_sandbox_is_an_api_error(real_port: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """The in-process sandbox answers its own failures as a 500 with a body, as over a socket; the client
    reports the API's message (HV000 after the retries), never an internal error (XX000)."""
    from sage_sandbox import api

    def broken(request: object, dataset: object) -> object:
        raise RuntimeError("the sandbox broke")

    monkeypatch.setattr(api, "resource_table", broken)
    with psycopg.connect(f"host=127.0.0.1 port={real_port} user=demo password=demo dbname=sage200") as conn:
        with pytest.raises(psycopg.Error) as err:
            conn.execute('SELECT "Id" FROM "Banks"')
    assert err.value.sqlstate == "HV000"
    assert "HTTP 500" in str(err.value) and "RuntimeError: the sandbox broke" in str(err.value)


def test_a_kept_constant_result_is_encoded_per_result_shape(real_port: int) -> None:
    """A constant statement's rows are kept with their DataRows per (columns, formats, settings): the same
    statement asked in text, in binary, under another extra_float_digits, and in a row-limited Execute (then
    one more, which must find the rows gone) answers each correctly."""
    sql = "SELECT 1.5::float8 AS x, 'a' AS t"  # constant (BoundQuery.constant): one SELECT of literals
    with psycopg.connect(f"host=127.0.0.1 port={real_port} user=demo password=demo dbname=sage200",
                         autocommit=True) as conn:
        for _ in range(2):
            assert conn.execute(sql, prepare=False).fetchall() == [(1.5, "a")]  # simple, text
            assert conn.execute(sql, binary=True).fetchall() == [(1.5, "a")]  # extended, binary
        with conn.cursor() as cur:  # the text the client receives follows the session's settings
            cur.execute("SET extra_float_digits = -3", prepare=False)
            cur.execute("SELECT 0.1::float8 + 0.2::float8 AS v", prepare=False)
            assert cur.pgresult.get_value(0, 0) == b"0.3"
            cur.execute("SET extra_float_digits = 1", prepare=False)
            cur.execute("SELECT 0.1::float8 + 0.2::float8 AS v", prepare=False)
            assert cur.pgresult.get_value(0, 0) == b"0.30000000000000004"

    async def row_limited() -> list[tuple[object, ...]]:  # Execute with max_rows 1 (suspended), then the end
        conn = await asyncpg.connect(host="127.0.0.1", port=real_port, user="demo", password="demo",
                                     database="sage200", ssl=False)
        try:
            await conn.fetch(sql)  # kept (and encoded whole) first
            async with conn.transaction():
                return [tuple(r) async for r in conn.cursor(sql, prefetch=1)]
        finally:
            await conn.close()

    assert asyncio.run(row_limited()) == [(1.5, "a")]
