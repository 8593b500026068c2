"""The README's run command works in a bare virtualenv holding nothing but the project (issue 7).

A new virtualenv (no system site-packages, no test extras) gets `pip install` of a copy of the checkout; from
it, `pgserver serve` must start and answer the README's example query through psql, `pgserver passwd` must
print a verifier that a configured server accepts, and `pgserver sandbox` must serve the API with a sign-in.
Anything imported at run time but not declared in `[project] dependencies` fails here loudly.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
README_QUERY = """SELECT c."Name", count(*) AS orders, sum(l."LineTotalValue") AS total
  FROM "SalesOrderLines" l JOIN "Customers" c ON c."Id" = l."CustomerId"
 GROUP BY 1 ORDER BY 3 DESC LIMIT 3;"""

pytestmark = pytest.mark.slow


def _clean_env(venv: Path) -> dict[str, str]:
    """An environment that reaches nothing of the surrounding Python: only the venv's bin on PATH first."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTHON", "VIRTUAL_ENV", "PIP_", "PG"))}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(venv)
    env["PYTHONNOUSERSITE"] = "1"
    return env


def _source_copy(dest: Path) -> Path:
    """The checkout as it stands (working tree), without tests, VCS data or build output."""
    skip = shutil.ignore_patterns(".git", "tests", "bench", "build", "*.egg-info", "__pycache__",
                                  "node_modules", ".ruff_cache", ".pytest_cache")
    shutil.copytree(ROOT, dest, ignore=skip)
    return dest


@pytest.fixture(scope="module")
def bare_venv(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    base = tmp_path_factory.mktemp("fresh")
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    env = _clean_env(venv)
    source = _source_copy(base / "src")
    install = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q",
                              "--disable-pip-version-check", str(source)],
                             env=env, capture_output=True, text=True, timeout=900)
    assert install.returncode == 0, f"pip install . failed:\n{install.stdout}\n{install.stderr}"
    # The venv really is bare: no test extra, nothing from the surrounding environment.
    probe = subprocess.run([str(venv / "bin" / "python"), "-c",
                            "import importlib.util as u; print([m for m in ('pandas','asyncpg','psycopg','sniffio',"
                            "'pytest') if u.find_spec(m)])"], env=env, capture_output=True, text=True, check=True)
    assert probe.stdout.strip() == "[]", probe.stdout
    return venv, env


class _Process:
    """A command of the venv started in the background; its stderr is collected in a file."""

    def __init__(self, args: list[str], env: dict[str, str], cwd: Path, log: Path) -> None:
        self.log = log
        self._err = open(log, "w")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(args, env=env, cwd=cwd, stdout=self._err, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)

    def wait_for(self, pattern: str, timeout: float = 60) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self.log.read_text()
            if match := re.search(pattern, text):
                return match
            if self.proc.poll() is not None:
                pytest.fail(f"{self.proc.args[0]} exited with {self.proc.returncode} before {pattern!r}:\n{text}")
            time.sleep(0.1)
        pytest.fail(f"no {pattern!r} within {timeout} s:\n{self.log.read_text()}")

    def stop(self) -> str:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._err.close()
        return self.log.read_text()


def _psql(port: int, user: str, password: str, sql: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.environ["PATH"], "PGPASSWORD": password, "PGCONNECT_TIMEOUT": "10"}
    return subprocess.run(["psql", f"host=127.0.0.1 port={port} user={user} dbname=sage200", "-X", "-A", "-t",
                           "-F", "|", "-v", "ON_ERROR_STOP=1", "-c", sql],
                          env=env, capture_output=True, text=True, timeout=120)


def test_readme_run_command_answers_the_example_query(bare_venv, tmp_path):
    venv, env = bare_venv
    server = _Process([str(venv / "bin" / "pgserver"), "serve", "--port", "0"], env, tmp_path,
                      tmp_path / "serve.log")
    try:
        port = int(server.wait_for(r"listening on 127\.0\.0\.1:(\d+)").group(1))
        hint = server.wait_for(r"connect with: (.*)").group(1)
        assert "user=demo" in hint and "dbname=sage200" in hint
        result = _psql(port, "demo", "demo", README_QUERY)
        assert result.returncode == 0, result.stderr
        rows = [line.split("|") for line in result.stdout.splitlines() if line]
        assert len(rows) == 3, result.stdout
        totals = [float(total) for _, _, total in rows]
        assert totals == sorted(totals, reverse=True) and all(int(n) > 0 for _, n, _ in rows)
    finally:
        log = server.stop()
    assert "Traceback" not in log, log


def test_passwd_verifier_logs_in_to_a_configured_server(bare_venv, tmp_path):
    venv, env = bare_venv
    made = subprocess.run([str(venv / "bin" / "pgserver", ), "passwd", "alice"], input="s3cret-pw\n",
                          env=env, capture_output=True, text=True, timeout=60)
    assert made.returncode == 0, made.stderr
    assert re.fullmatch(r'\[\[users\]\]\nname = "alice"\nscram = "SCRAM-SHA-256\$4096:[^"]+"\n', made.stdout)
    config = tmp_path / "pgserver.toml"
    config.write_text(f'[server]\nhost = "127.0.0.1"\nport = 0\n\n{made.stdout}\n'
                      '[databases.sage200]\napi_base_url = "sandbox"\n')
    server = _Process([str(venv / "bin" / "pgserver"), "serve", "--config", str(config)], env, tmp_path,
                      tmp_path / "serve.log")
    try:
        port = int(server.wait_for(r"listening on 127\.0\.0\.1:(\d+)").group(1))
        ok = _psql(port, "alice", "s3cret-pw", 'SELECT count(*) FROM "Customers" WHERE "Id" = 27825')
        assert ok.returncode == 0 and ok.stdout.strip() == "1", ok.stderr + ok.stdout
        wrong = _psql(port, "alice", "not-it", "SELECT 1")
        assert wrong.returncode != 0 and "password authentication failed" in wrong.stderr
    finally:
        server.stop()


def test_sandbox_serves_sign_in_and_api(bare_venv, tmp_path):
    venv, env = bare_venv
    with __import__("socket").socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    sandbox = _Process([str(venv / "bin" / "pgserver"), "sandbox", "--port", str(port)], env, tmp_path,
                       tmp_path / "sandbox.log")
    try:
        sandbox.wait_for(r"Uvicorn running on|Application startup complete")
        base = f"http://127.0.0.1:{port}"
        redirect = "http://127.0.0.1:1/callback"
        answer = httpx.get(f"{base}/authorize", params={"client_id": "sandbox-client", "response_type": "code",
                                                        "redirect_uri": redirect, "state": "xyz"})
        assert answer.status_code in (302, 303, 307), answer.text
        query = parse_qs(urlsplit(answer.headers["location"]).query)
        assert query["state"] == ["xyz"]
        token = httpx.post(f"{base}/oauth/token", data={
            "grant_type": "authorization_code", "code": query["code"][0], "redirect_uri": redirect,
            "client_id": "sandbox-client", "client_secret": "sandbox-secret"}).json()
        sites = httpx.get(f"{base}/uk/sage200/accounts/v1/sites",
                          headers={"Authorization": f"Bearer {token['access_token']}"})
        assert sites.status_code == 200, sites.text
        site = sites.json()[0]["site_id"]
        customers = httpx.get(f"{base}/uk/sage200/accounts/v1/customers", params={"$filter": "id eq 27825"},
                              headers={"Authorization": f"Bearer {token['access_token']}", "X-Site": site,
                                       "X-Company": "1"})
        assert customers.status_code == 200 and [c["id"] for c in customers.json()] == [27825]
    finally:
        sandbox.stop()


def test_init_check_and_serve_with_metrics(bare_venv, tmp_path):
    """The README's commands for a real tenant, from a bare install: init writes a file serve accepts, check
    passes on it, and the metrics endpoint (prometheus_client, a declared dependency) answers."""
    venv, env = bare_venv
    pgserver = str(venv / "bin" / "pgserver")
    made = subprocess.run([pgserver, "init"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60,
                          stdin=subprocess.DEVNULL)
    assert made.returncode == 0, made.stderr
    password = re.search(r"generated password for sage: (\S+)", made.stdout).group(1)
    checked = subprocess.run([pgserver, "check"], cwd=tmp_path, env=env, capture_output=True, text=True,
                             timeout=120)
    assert checked.returncode == 0 and "check passed" in checked.stdout, checked.stdout + checked.stderr
    config = tmp_path / "pgserver.toml"
    config.write_text(config.read_text().replace('# metrics = "127.0.0.1:9187"', 'metrics = "127.0.0.1:0"'))
    server = _Process([pgserver, "serve", "--port", "0"], env, tmp_path, tmp_path / "serve.log")
    try:
        port = int(server.wait_for(r"listening on 127\.0\.0\.1:(\d+)").group(1))
        metrics = server.wait_for(r"metrics at (http://\S+)").group(1)
        ok = _psql(port, "sage", password, 'SELECT count(*) FROM "Customers"')
        assert ok.returncode == 0 and ok.stdout.strip() == "120", ok.stderr + ok.stdout
        scraped = httpx.get(metrics, timeout=10).text
        assert 'pgserver_statements_total{outcome="ok",sqlstate_class="00"} 1.0' in scraped
    finally:
        log = server.stop()
    assert "Traceback" not in log and "statement: SELECT count(*)" in log, log
