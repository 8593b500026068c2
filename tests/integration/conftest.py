"""The whole product over real sockets: a sandbox on a loopback HTTP port, a pgserver on another.

Session-scoped: one sandbox (scale 1, seed 200) and one server for all integration tests.
Tests that change the sandbox (faults, latency) restore it; tests reading the request log
clear it first.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import pytest

from pgserver.config import DatabaseConfig, ServerConfig, UserConfig
from pgserver.embedded import serve_in_thread
from pgserver.protocol.scram import make_verifier
from sage_sandbox.app import create_app
from sage_sandbox.config import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, SandboxConfig
from sage_sandbox.server import serve_in_thread as sandbox_in_thread
from sage_sandbox.state import SandboxState

USER = "demo"
PASSWORD = "demo-secret"


@dataclass
class Stack:
    port: int
    sandbox: SandboxState
    sandbox_url: str

    def dsn(self, database: str = "sage200", **params: str) -> str:
        extra = "".join(f" {k}={v}" for k, v in params.items())
        return f"host=127.0.0.1 port={self.port} user={USER} password={PASSWORD} dbname={database}{extra}"

    def url(self, database: str = "sage200") -> str:
        return f"postgresql://{USER}:{PASSWORD}@127.0.0.1:{self.port}/{database}"

    def psql(self, *sql: str, options: str | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run real psql (-X, unaligned, tuples only) with each -c in order."""
        env = {**os.environ, "PGPASSWORD": PASSWORD, "PGCONNECT_TIMEOUT": "10"}
        if options:
            env["PGOPTIONS"] = options
        args = [PSQL, "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", str(self.port),
                "-U", USER, "-d", "sage200"]
        for statement in sql:
            args += ["-c", statement]
        return subprocess.run(args, env=env, capture_output=True, text=True, timeout=120, check=check)


PSQL = shutil.which("psql") or "psql"


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    app = create_app(SandboxConfig(scale=1, seed=200))
    tokens: Path = tmp_path_factory.mktemp("tokens") / "tokens.json"
    with sandbox_in_thread(app) as sandbox_url:
        database = DatabaseConfig(
            "sage200", edition="StandardUK", api_base_url=sandbox_url, client_id=DEMO_CLIENT_ID,
            client_secret=DEMO_CLIENT_SECRET, token_store=str(tokens),
            # These tests are about the API path (pushdown, paging, faults): the mirror is tested on its own
            # (tests/integration/test_mirror.py, tests/providers/test_sage_mirror.py).
            properties=MappingProxyType({"Timeout": 10, "CacheMode": "LIVE"}),
        )
        config = ServerConfig(host="127.0.0.1", port=0, users=(UserConfig(USER, make_verifier(PASSWORD), superuser=True),),
                              databases=MappingProxyType({"sage200": database}))
        with serve_in_thread(config) as server:
            assert server.port
            yield Stack(server.port, app.state.sandbox, sandbox_url)


@pytest.fixture
def sandbox(stack: Stack) -> Iterator[SandboxState]:
    """The sandbox with a clean request log; fault/latency knobs restored afterwards."""
    state = stack.sandbox
    state.clear()
    yield state


@pytest.fixture
def faults(stack: Stack) -> Iterator[object]:
    """Set sandbox faults/latency for one test: `faults("500:0.3", latency_ms=5)`; cleared afterwards."""
    from sage_sandbox.faults import FaultInjector, parse_fault_spec

    state = stack.sandbox
    original_faults, original_latency = state.faults, state.config.latency_ms

    def apply(spec: str = "", latency_ms: float = 0.0, seed: int = 7) -> None:
        state.faults = FaultInjector(parse_fault_spec(spec), seed)
        state.config.latency_ms = latency_ms

    yield apply
    state.faults, state.config.latency_ms = original_faults, original_latency
