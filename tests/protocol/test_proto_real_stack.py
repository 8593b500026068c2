"""The server in front of the real SQL engine and the in-process Sage sandbox (the default config):
what a user gets from `pgserver serve`, driven through asyncpg and psycopg."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Iterator

import asyncpg
import psycopg
import pytest
from anyio.from_thread import start_blocking_portal

from pgserver.app import build_engine_factory
from pgserver.config import default_config
from pgserver.server import PgServer


@pytest.fixture(scope="module")
def real_port() -> Iterator[int]:
    config = dataclasses.replace(default_config(), port=0)
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
