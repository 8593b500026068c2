"""Fixtures for the SQL-layer tests: an engine over in-memory providers, driven directly (no sockets)."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from sql_helpers import World, make_world  # noqa: E402

from pgserver.sql import SqlEngine  # noqa: E402


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
