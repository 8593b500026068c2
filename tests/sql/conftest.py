"""Fixtures for the SQL-layer tests: an engine over in-memory providers, driven directly (no sockets)."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from sql_helpers import World, make_world  # noqa: E402

from pgserver.sql import SqlEngine  # noqa: E402
from scripts import realpg  # noqa: E402


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def world() -> World:
    return make_world()


@pytest.fixture
async def engine(world: World) -> AsyncIterator[SqlEngine]:
    engine = await world.factory.connect("demo", "sage200", {})
    yield engine
    await engine.close()


@pytest.fixture(scope="module")
def real_postgres() -> Iterator[Any]:
    """A connection (autocommit) to a throwaway PostgreSQL 15, one per test module; skipped without one."""
    psycopg = pytest.importorskip("psycopg")
    if not realpg.available():
        pytest.skip("PostgreSQL 15 server binaries are not installed")
    with realpg.throwaway_postgres() as pg, psycopg.connect(pg.conninfo, autocommit=True) as conn:
        yield conn
