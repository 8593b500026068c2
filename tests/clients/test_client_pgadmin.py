"""pgAdmin 4 (the real one, from PyPI) driven in headless Chromium with playwright-core (tests/clients/node/pgadmin.js).

pgAdmin runs in its own virtualenv (scripts/test.sh makes it: its pinned dependencies must not move ours), in
desktop mode with a fresh configuration database, our server registered as its only server. The browser
connects (password dialog), expands the object tree down to a table's columns, opens the table's Properties
and runs a query in the Query Tool; every catalog query pgAdmin sends on the way must succeed.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.clients.conftest import DATABASE, SageCustomer
from tests.integration.conftest import PASSWORD, USER, Stack

NODE_DIR = Path(__file__).with_name("node")
PGADMIN_VENV = Path(os.environ.get("PGADMIN_VENV", Path.home() / ".cache" / "sage200-pgserver" / "pgadmin4-venv"))
PGADMIN_PYTHON = PGADMIN_VENV / "bin" / "python"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(600),
    pytest.mark.skipif(not PGADMIN_PYTHON.exists(), reason=f"pgAdmin 4 virtualenv missing at {PGADMIN_VENV} "
                                                          "(scripts/test.sh installs it)"),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium"),
    pytest.mark.skipif(not (NODE_DIR / "node_modules" / "playwright-core").is_dir(),
                       reason="needs `npm install` in tests/clients/node (playwright-core)"),
]


def _pgadmin_dir() -> Path:
    """Where the pgadmin4 wheel put pgAdmin4.py and setup.py (a directory, not an importable package)."""
    done = subprocess.run([str(PGADMIN_PYTHON), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True)
    return Path(done.stdout.strip()) / "pgadmin4"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def pgadmin(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh pgAdmin 4 in desktop mode on a free port, with our server registered (no saved password)."""
    home = tmp_path_factory.mktemp("pgadmin")
    port = _free_port()
    config = home / "config_test.py"
    config.write_text(
        "SERVER_MODE = False\nMASTER_PASSWORD_REQUIRED = False\nUPGRADE_CHECK_ENABLED = False\n"
        f"DATA_DIR = {str(home)!r}\nLOG_FILE = {str(home / 'pgadmin4.log')!r}\n"
        f"SQLITE_PATH = {str(home / 'pgadmin4.db')!r}\nSESSION_DB_PATH = {str(home / 'sessions')!r}\n"
        f"STORAGE_DIR = {str(home / 'storage')!r}\nAZURE_CREDENTIAL_CACHE_DIR = {str(home / 'azure')!r}\n"
        f"KERBEROS_CCACHE_DIR = {str(home / 'kerberos')!r}\nDEFAULT_SERVER_PORT = {port}\nCONSOLE_LOG_LEVEL = 40\n")
    servers = home / "servers.json"
    servers.write_text(json.dumps({"Servers": {"1": {
        "Name": "sage", "Group": "Servers", "Host": "127.0.0.1", "Port": stack.port, "MaintenanceDB": DATABASE,
        "Username": USER, "SSLMode": "prefer"}}}))
    env = {k: v for k, v in os.environ.items() if k != "PGADMIN_INT_KEY"}  # no desktop-runtime key
    env["CONFIG_DISTRO_FILE_PATH"] = str(config)
    root = _pgadmin_dir()
    for command in (["setup-db"], ["load-servers", str(servers)]):
        subprocess.run([str(PGADMIN_PYTHON), str(root / "setup.py"), *command], env=env, cwd=home,
                       check=True, capture_output=True, timeout=180)
    log = (home / "stdout.log").open("w")
    process = subprocess.Popen([str(PGADMIN_PYTHON), str(root / "pgAdmin4.py")], env=env, cwd=home,
                               stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{url}/browser/", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"pgAdmin did not start: {(home / 'stdout.log').read_text()[-2000:]}")
            time.sleep(0.5)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture(scope="module")
def steps(pgadmin: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    shots = tmp_path_factory.mktemp("pgadmin-screens")
    done = subprocess.run(["node", "pgadmin.js", pgadmin, "sage", PASSWORD, DATABASE, "StandardUK", "Customers",
                           "Name", str(shots)], cwd=NODE_DIR, env={**os.environ, "CHROMIUM": CHROMIUM},
                          capture_output=True, text=True, timeout=500)
    results = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    failed = [r for r in results if not r["ok"]]
    assert done.returncode == 0 and not failed, f"pgAdmin failed: {failed or done.stderr[-3000:]} (screens in {shots})"
    return {r["step"]: r for r in results}


def test_pgadmin_connects_and_browses_to_the_columns(steps: dict[str, Any]) -> None:
    assert {"open", "connect", "tree"} <= set(steps)
    assert steps["tree"]["entries"] > 40  # the tree shows the schema's tables and the table's columns


def test_pgadmin_properties_show_the_table(steps: dict[str, Any]) -> None:
    values = steps["properties"]["values"]  # the form's filled inputs, in order: name, OID, owner …
    at = values.index("Customers")
    assert values[at + 1].isdigit() and values[at + 2] == USER


def test_pgadmin_query_tool_runs_a_query(steps: dict[str, Any], customers: list[SageCustomer]) -> None:
    cells = steps["query_tool"]["cells"]
    assert [c.name for c in customers[:3]] == [c for c in cells if c in {x.name for x in customers}][:3]
    toasts = steps["alerts"]["problems"]
    assert any(t.startswith("Successfully run.") for t in toasts)
    assert all(t.startswith("Successfully run.") for t in toasts), toasts  # no error on the way
