"""Fixtures for the sign-in commands: a sandbox over HTTP whose /authorize shows the sign-in page (a person must
approve, as at Sage ID), a config file pointing at it, and the `pgserver` command run as a user runs it."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from sage_sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, SandboxConfig, create_app, serve_in_thread
from sage_sandbox.state import SandboxState

ROOT = Path(__file__).resolve().parents[2]
PSQL = shutil.which("psql")
USER, PASSWORD = "analyst", "s3cret-pw"


@dataclass
class Tenant:
    """A sandbox standing in for Sage ID + the Sage 200 API, and a pgserver.toml that points at it."""

    url: str
    state: SandboxState
    config: Path
    tokens: Path

    def write_config(self, properties: str = "") -> None:
        self.config.write_text(f'''
[server]
host = "127.0.0.1"
port = 0
cache_dir = ""

[[users]]
name = "{USER}"
password = "{PASSWORD}"

[databases.sage200]
api_base_url = "{self.url}"
client_id = "{DEMO_CLIENT_ID}"
client_secret = "{DEMO_CLIENT_SECRET}"
redirect_uri = "http://127.0.0.1:0/callback"
token_store = "{self.tokens.name}"

[databases.sage200.properties]
Timeout = 20
{properties}
''')


@pytest.fixture
def tenant(tmp_path: Path) -> Iterator[Tenant]:
    app = create_app(SandboxConfig(consent_page=True))
    with serve_in_thread(app) as url:
        tenant = Tenant(url, app.state.sandbox, tmp_path / "pgserver.toml", tmp_path / "tokens.json")
        tenant.write_config()
        yield tenant


def environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG") and k != "BROWSER"}
    return {**env, "PYTHONPATH": str(ROOT), **extra}


def pgserver(*args: str, cwd: Path, env: dict[str, str] | None = None, stdin: str | None = None,
             timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run `pgserver ARGS` as a user would (this checkout's code, no PG* variables, no $BROWSER unless given)."""
    return subprocess.run([sys.executable, "-m", "pgserver", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, env=env or environment(), input=stdin,
                          stdin=subprocess.DEVNULL if stdin is None else None)


@contextmanager
def serving(config: Path, *options: str) -> Iterator[int]:
    """`pgserver serve --config FILE [OPTIONS]` in a subprocess; yields its port."""
    proc = subprocess.Popen([sys.executable, "-m", "pgserver", "serve", "--config", str(config), "--log-level",
                             "warning", *options], cwd=config.parent, stderr=subprocess.PIPE, text=True,
                            env=environment())
    try:
        assert proc.stderr is not None
        line = ""
        while "connect with:" not in line:
            line = proc.stderr.readline()
            assert line, "the server exited before listening"
        match = re.search(r"port=(\d+)", line)
        assert match, line
        yield int(match.group(1))
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def psql(port: int, sql: str, user: str = USER, password: str = PASSWORD) -> subprocess.CompletedProcess[str]:
    assert PSQL is not None
    return subprocess.run([PSQL, "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", str(port),
                           "-U", user, "-d", "sage200", "-c", sql], capture_output=True, text=True, timeout=60,
                          env=environment(PGPASSWORD=password))
