"""`pgserver warm` (pgserver/warm.py): the real command fills the mirror of a sandbox database over HTTP; a server
started afterwards on the same cache_dir answers repeat queries at the cost decision 0970 documents."""

from __future__ import annotations

import dataclasses
import io
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from pgserver.config import default_config, load_config
from pgserver.warm import run_warm
from sage_sandbox.app import create_app
from sage_sandbox.config import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, SandboxConfig
from sage_sandbox.server import serve_in_thread as sandbox_in_thread
from sage_sandbox.state import SandboxState

from .conftest import PSQL

VIEWS_PER_EDITION = 39


@dataclass
class Setup:
    config_file: Path
    cache: Path
    sandbox: SandboxState

    def warm(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "pgserver", "warm", "--config", str(self.config_file), *args],
                              capture_output=True, text=True, timeout=300)

    def data_requests(self) -> list:
        return [r for r in list(self.sandbox.requests) if "/accounts/v1/" in r.path and not r.path.endswith("/sites")]


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Setup]:
    app = create_app(SandboxConfig(scale=1, seed=200))
    tmp = tmp_path_factory.mktemp("warm")
    with sandbox_in_thread(app) as url:
        config = tmp / "pgserver.toml"
        config.write_text(f'[server]\nhost = "127.0.0.1"\nport = 0\ncache_dir = "cache"\nsecret_file = "secret"\n\n'
                          f'[[users]]\nname = "u"\npassword = "pw"\n\n'
                          f'[databases.sage200]\napi_base_url = "{url}"\nclient_id = "{DEMO_CLIENT_ID}"\n'
                          f'client_secret = "{DEMO_CLIENT_SECRET}"\ntoken_store = "tokens.json"\n')
        yield Setup(config, tmp / "cache", app.state.sandbox)


@contextmanager
def served(config_file: Path) -> Iterator[int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "pgserver", "serve", "--config", str(config_file), "--port",
                               str(port), "--log-level", "warning"], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert server.poll() is None and time.monotonic() < deadline, "pgserver serve did not start"
            time.sleep(0.1)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def psql(port: int, sql: str, options: str = "") -> str:
    env = {**os.environ, "PGPASSWORD": "pw", "PGOPTIONS": options}
    done = subprocess.run([PSQL, "-X", "-A", "-t", "-h", "127.0.0.1", "-p", str(port), "-U", "u", "-d", "sage200",
                           "-c", sql], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_warm_fills_every_view_and_a_server_then_answers_at_the_documented_cost(setup: Setup) -> None:
    filled = setup.warm()
    assert filled.returncode == 0, filled.stderr
    lines = filled.stdout.splitlines()
    assert len(lines) == VIEWS_PER_EDITION + 1
    assert all(line.startswith("StandardUK.") and ": fill, " in line for line in lines[:-1]), lines
    assert lines[-1].startswith(f"warmed {VIEWS_PER_EDITION} of {VIEWS_PER_EDITION} views "
                                f"({VIEWS_PER_EDITION} filled, 0 refreshed)")
    assert list(setup.cache.glob("mirror-standard-1-*.duckdb"))

    with served(setup.config_file) as port:  # `pgserver serve`, as deployed: its own process
        for view, documented in (("Customers", 2), ("SalesOrderLines", 7), ("Banks", 2)):  # decision 0970
            sql = f'SELECT count(*), max("{"Id" if view != "SalesOrderLines" else "LineId"}") FROM "{view}"'
            setup.sandbox.clear()
            answer = psql(port, sql)
            requests = setup.data_requests()
            assert len(requests) <= documented, (view, [(r.path, r.query) for r in requests])
            own = [r for r in requests if r.path.endswith(("/customers", "/banks", "/sop_order_line_views"))]
            assert own and all("$filter" in r.query or r.query == "$count=true" for r in own)  # no full read
            assert answer == psql(port, sql, options="-c CacheMode=LIVE")  # and it is the live answer

        # while the server holds the mirror file, warm says so and leaves the file alone
        busy = setup.warm("Customers")
        assert busy.returncode == 2 and "is in use by another process" in busy.stderr, busy.stderr
        assert not list(setup.cache.glob("*.broken-*"))

    again = setup.warm("Customers", "salesorderlines", "ProfessionalUK.Banks")
    assert again.returncode == 0, again.stderr
    *views, total = again.stdout.splitlines()
    kinds = dict(line.split(", ")[0].split(": ") for line in views)  # (in the order they finished)
    assert kinds == {"StandardUK.Customers": "delta", "StandardUK.SalesOrderLines": "delta",
                     "ProfessionalUK.Banks": "fill"}
    assert total.startswith("warmed 3 of 3 views (1 filled, 2 refreshed)")


def test_warm_refuses_what_it_cannot_do(setup: Setup, tmp_path: Path) -> None:
    unknown = setup.warm("Customers", "NoSuchView", "Gold.Customers")
    assert unknown.returncode == 2 and "no such view: NoSuchView, Gold.Customers" in unknown.stderr
    err = io.StringIO()
    in_memory = dataclasses.replace(load_config(setup.config_file), cache_dir="")
    assert run_warm(in_memory, [], None, err=err) == 2 and "kept in memory" in err.getvalue()
    err = io.StringIO()
    sandbox = dataclasses.replace(default_config(), cache_dir=tmp_path)
    assert run_warm(sandbox, [], None, err=err) == 2 and "in-process sandbox" in err.getvalue()
    err = io.StringIO()
    assert run_warm(load_config(setup.config_file), [], "nope", err=err) == 2 and "no database 'nope'" in err.getvalue()
