"""Fixtures of the protocol tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pgproto_realpg import real_postgres
from pgproto_server import RunningServer, make_config, running_server


@pytest.fixture(scope="session")
def real_pg_url() -> Iterator[str]:
    try:
        with real_postgres() as url:
            yield url
    except FileNotFoundError as exc:
        pytest.skip(str(exc))


@pytest.fixture(scope="session")
def pg_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """A TLS-capable server with the fake engine: users demo/demo (SCRAM) and clear/clear-pw (cleartext)."""
    with running_server(make_config(tmp_path_factory.mktemp("tls"))) as running:
        yield running
