"""The per-session catalog objects are created by the first statement that needs them (decision 0850)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from pgserver.app import catalog_seam_factory
from pgserver.sql import DataSource, SqlEngine
from pgserver.sql.factory import SqlEngineFactory
from tests.catalog.conftest import DATABASE, sample_procedures, sample_tables


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
def factory() -> SqlEngineFactory:
    seams = catalog_seam_factory(sample_tables(), sample_procedures(), DATABASE)
    return SqlEngineFactory({DATABASE: DataSource.build([], catalog=seams)})


@pytest.fixture
async def engine(factory: SqlEngineFactory) -> AsyncIterator[SqlEngine]:
    engine = await factory.connect("alice", DATABASE, {})
    yield engine
    await engine.close()


async def rows(engine: SqlEngine, sql: str) -> list[tuple[Any, ...]]:
    cursor = await engine.execute(await engine.prepare(sql, []), [])
    try:
        return await cursor.fetch(None)
    finally:
        await cursor.close()


def catalog_udfs(engine: SqlEngine) -> int:
    found = engine.duck.execute("SELECT count(*) FROM duckdb_functions() WHERE function_name LIKE 'pgcat\\_%' "
                                "ESCAPE '\\'").fetchall()
    return int(found[0][0])


@pytest.mark.anyio
async def test_plain_statements_leave_the_session_part_uninstalled(engine: SqlEngine) -> None:
    assert await rows(engine, "SELECT 1, upper('a') || $$b$$") == [(1, "Ab")]
    assert catalog_udfs(engine) == 0
    assert await rows(engine, "SELECT current_user") == [("alice",)]  # a catalog function: now installed
    assert catalog_udfs(engine) > 50


@pytest.mark.anyio
@pytest.mark.parametrize(("first", "expected"), [
    ("SELECT format_type(23, -1)", "integer"),  # a catalog UDF
    ("SELECT rolname FROM pg_roles WHERE oid = 10", "alice"),  # a per-session table
    ("SELECT tableowner FROM pg_tables WHERE tablename = 'Customers'", "alice"),  # a per-session view
    ("SELECT setting FROM pg_settings WHERE name = 'application_name'", ""),
])
async def test_the_first_catalog_statement_installs_it(engine: SqlEngine, first: str, expected: str) -> None:
    assert await rows(engine, first) == [(expected,)]
    assert catalog_udfs(engine) > 50
    # Later statements of any kind keep working, and nothing is installed twice.
    assert await rows(engine, "SELECT pg_catalog.format_type(25, NULL), pg_backend_pid() > 0") == [("text", True)]
    assert await rows(engine, "SELECT usename FROM pg_user") == [("alice",)]
