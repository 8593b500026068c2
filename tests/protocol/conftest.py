"""Fixtures of the protocol tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pgproto_realpg import real_postgres


@pytest.fixture(scope="session")
def real_pg_url() -> Iterator[str]:
    try:
        with real_postgres() as url:
            yield url
    except FileNotFoundError as exc:
        pytest.skip(str(exc))
