"""asyncpg and psycopg 3 against the server: extended protocol, binary formats, cursors, cancel, TLS."""

from __future__ import annotations

import asyncio
import datetime as dt
import decimal
import ssl
import threading
import uuid

import asyncpg
import psycopg
import pytest
from pgproto_fake_engine import BASE_TIME
from pgproto_server import RunningServer


def _client_ssl() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


async def _connect(server: RunningServer, **kwargs: object) -> asyncpg.Connection:
    kwargs.setdefault("ssl", False)
    return await asyncpg.connect(host="127.0.0.1", port=server.port, user="demo", password="demo",
                                 database="sage200", **kwargs)


def test_asyncpg_binary_results(pg_server: RunningServer) -> None:
    async def main() -> list[asyncpg.Record]:
        conn = await _connect(pg_server)
        try:
            return await conn.fetch("SELECT 3")
        finally:
            await conn.close()

    rows = asyncio.run(main())
    assert len(rows) == 3
    first = rows[0]
    assert first["n"] == 1 and first["label"] == "row 1" and first["price"] == decimal.Decimal("0.25")
    assert first["at"] == BASE_TIME + dt.timedelta(days=1)
    assert first["ok"] is False and first["ratio"] == pytest.approx(1 / 3)
    assert first["day"] == dt.date(2024, 1, 2) and first["tags"] == ["t1", None, "a b"]
    assert first["raw"] == b"\x01\xff" and first["big"] == 2**40 + 1


def test_asyncpg_prepared_statement_with_binary_params(pg_server: RunningServer) -> None:
    values = (7, "x y", decimal.Decimal("-12.50"), dt.datetime(2024, 5, 6, 7, 8, 9, tzinfo=dt.UTC), True,
              dt.date(1999, 12, 31), ["a", None, "b c"], uuid.UUID(int=5), dt.timedelta(days=2, seconds=5))

    async def main() -> tuple[asyncpg.Record, asyncpg.Record, list[int]]:
        conn = await _connect(pg_server)
        try:
            stmt = await conn.prepare("SELECT $1::int4, $2::text, $3::numeric, $4::timestamptz, $5::bool, "
                                      "$6::date, $7::text[], $8::uuid, $9::interval")
            types = [p.oid for p in stmt.get_parameters()]
            first = await stmt.fetchrow(*values)
            again = await stmt.fetchrow(*values)  # the named statement is reused
            return first, again, types
        finally:
            await conn.close()

    first, again, param_oids = asyncio.run(main())
    assert param_oids == [23, 25, 1700, 1184, 16, 1082, 1009, 2950, 1186]
    assert tuple(first) == values and tuple(again) == values


def test_asyncpg_cursor_with_row_limit_uses_portal_suspension(pg_server: RunningServer) -> None:
    async def main() -> tuple[list[int], list[int]]:
        conn = await _connect(pg_server)
        try:
            async with conn.transaction():
                prefetched = [r["n"] async for r in conn.cursor("SELECT 25", prefetch=10)]
                cur = await conn.cursor("SELECT 9")
                chunks = [len(await cur.fetch(4)), len(await cur.fetch(4)), len(await cur.fetch(4))]
            return prefetched, chunks
        finally:
            await conn.close()

    prefetched, chunks = asyncio.run(main())
    assert prefetched == list(range(1, 26))
    assert chunks == [4, 4, 1]


def test_asyncpg_errors_keep_the_connection_usable(pg_server: RunningServer) -> None:
    async def main() -> int:
        conn = await _connect(pg_server)
        try:
            with pytest.raises(asyncpg.PostgresError) as info:
                await conn.fetch("FAIL 42P01 no such table")
            assert info.value.sqlstate == "42P01"
            with pytest.raises(asyncpg.PostgresError) as info:
                await conn.fetch("BREAK 3")
            assert info.value.sqlstate == "22012"
            with pytest.raises(asyncpg.PostgresError) as info:
                await conn.fetch("BOOM")
            assert info.value.sqlstate == "XX000" and "hunter2" not in str(info.value)
            return len(await conn.fetch("SELECT 2"))
        finally:
            await conn.close()

    assert asyncio.run(main()) == 2


def test_asyncpg_cancel_stops_a_running_query(pg_server: RunningServer) -> None:
    async def main() -> int:
        conn = await _connect(pg_server)
        try:
            task = asyncio.create_task(conn.fetch("SLEEP 600"))
            engine = pg_server.factory.engines[-1]
            await asyncio.get_running_loop().run_in_executor(None, engine.sleeping.wait, 30)
            task.cancel()  # asyncpg sends a CancelRequest on a second connection
            with pytest.raises(asyncio.CancelledError):
                await task
            return len(await conn.fetch("SELECT 1"))
        finally:
            await conn.close()

    assert asyncio.run(main()) == 1


def test_asyncpg_over_tls(pg_server: RunningServer) -> None:
    async def main() -> int:
        conn = await _connect(pg_server, ssl=_client_ssl())
        try:
            assert conn.get_server_version().major == 15
            return len(await conn.fetch("SELECT 4"))
        finally:
            await conn.close()

    assert asyncio.run(main()) == 4


def test_psycopg_binary_params_and_results(pg_server: RunningServer) -> None:
    with psycopg.connect(pg_server.dsn()) as conn:
        row = conn.execute("SELECT %b, %b, %b, %b", [42, "héllo", decimal.Decimal("1.25"), dt.date(2024, 2, 29)],
                           binary=True).fetchone()
        assert row == (42, "héllo", decimal.Decimal("1.25"), dt.date(2024, 2, 29))
        text_row = conn.execute("SELECT %s::int8, %s::text", [5, None]).fetchone()
        assert text_row == (5, None)
        rows = conn.execute("SELECT 3", binary=True).fetchall()
        assert [r[0] for r in rows] == [1, 2, 3] and rows[2][7] == ["t3", None, "a b"]
        assert conn.info.parameter_status("server_version") == "15.6 (pgserver fake)"


def test_psycopg_set_reports_parameter_status_and_notices(pg_server: RunningServer) -> None:
    notices: list[str] = []
    with psycopg.connect(pg_server.dsn(application_name="start")) as conn:
        conn.add_notice_handler(lambda diag: notices.append(diag.message_primary or ""))
        assert conn.info.parameter_status("application_name") == "start"
        conn.execute("SET application_name = 'changed'")
        assert conn.info.parameter_status("application_name") == "changed"
        conn.execute("NOTICE look here")
    assert notices == ["look here"]


def test_psycopg_cancel_stops_a_running_query(pg_server: RunningServer) -> None:
    with psycopg.connect(pg_server.dsn(), autocommit=True) as conn:
        outcome: dict[str, BaseException] = {}

        def run() -> None:
            try:
                conn.execute("SLEEP 600")
            except psycopg.Error as exc:
                outcome["error"] = exc

        worker = threading.Thread(target=run)
        engine_count = len(pg_server.factory.engines)
        worker.start()
        engine = pg_server.factory.engines[engine_count - 1]
        assert engine.sleeping.wait(30)
        conn.cancel_safe()
        worker.join(60)
        assert isinstance(outcome.get("error"), psycopg.errors.QueryCanceled)
        assert conn.execute("SELECT 1").fetchone()[0] == 1


def test_psycopg_pipeline_error_skips_until_sync(pg_server: RunningServer) -> None:
    with psycopg.connect(pg_server.dsn(), autocommit=True) as conn:
        with pytest.raises(psycopg.errors.DivisionByZero):
            with conn.pipeline():
                conn.execute("SELECT 1")
                conn.execute("BREAK 1")
                conn.execute("SELECT 2")
        assert conn.execute("SELECT 1").fetchone()[0] == 1
        seen = pg_server.factory.engines[-1].statements
        assert seen == ["SELECT 1", "BREAK 1", "SELECT 1"]  # SELECT 2 was skipped until Sync


def test_many_concurrent_connections_do_not_interfere(pg_server: RunningServer) -> None:
    async def one(i: int) -> list[int]:
        conn = await _connect(pg_server)
        try:
            rows = await conn.fetch(f"SELECT {i}")
            if i % 3 == 0:
                with pytest.raises(asyncpg.PostgresError):
                    await conn.fetch("BREAK 2")
            return [r["n"] for r in rows] + [len(await conn.fetch("SELECT 2"))]
        finally:
            await conn.close()

    async def main() -> list[list[int]]:
        return await asyncio.gather(*(one(i) for i in range(1, 25)))

    results = asyncio.run(main())
    assert results == [list(range(1, i + 1)) + [2] for i in range(1, 25)]
