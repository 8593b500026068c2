"""What an operator sees (issue 13): the Prometheus endpoint, one log line per statement, progress NOTICEs.

A server of its own with `[server] metrics` on, over a sandbox on a real HTTP port whose clock the tests move
(to expire the access token and make the server refresh it). Every count is checked against what the sandbox
saw, not against a hard-coded figure.
"""

from __future__ import annotations

import logging
import os
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import psycopg
import pytest
from prometheus_client.parser import text_string_to_metric_families

from pgserver.config import DatabaseConfig, ServerConfig, UserConfig
from pgserver.embedded import serve_in_thread
from pgserver.protocol.scram import make_verifier
from sage_sandbox.app import create_app
from sage_sandbox.config import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, SandboxConfig
from sage_sandbox.server import serve_in_thread as sandbox_in_thread
from sage_sandbox.state import SandboxState

from .conftest import PSQL

PASSWORD = "obs-pw"
CUSTOMERS = "/uk/sage200/accounts/v1/customers"


class Clock:
    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset


@dataclass
class Observed:
    port: int
    metrics_port: int
    sandbox: SandboxState
    clock: Clock
    tokens: Path

    def connect(self, password: str = PASSWORD, **options: str) -> psycopg.Connection:
        extra = " ".join(f"-c {k}={v}" for k, v in options.items())
        return psycopg.connect(f"host=127.0.0.1 port={self.port} user=watcher password={password} dbname=sage200",
                               autocommit=True, options=extra)

    def scrape(self) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.metrics_port}/metrics", timeout=10) as answer:
            self.last_text = answer.read().decode()
        return {(s.name, tuple(sorted(s.labels.items()))): s.value
                for family in text_string_to_metric_families(self.last_text) for s in family.samples}


@pytest.fixture(scope="module")
def observed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Observed]:
    clock = Clock()
    app = create_app(SandboxConfig(scale=1, seed=200, token_lifetime=600, clock=clock))
    tokens = tmp_path_factory.mktemp("obs") / "tokens.json"
    with sandbox_in_thread(app) as url:
        database = DatabaseConfig("sage200", api_base_url=url, client_id=DEMO_CLIENT_ID,
                                  client_secret=DEMO_CLIENT_SECRET, token_store=str(tokens),
                                  properties=MappingProxyType({"Timeout": 20, "CacheMode": "LIVE"}))
        config = ServerConfig(host="127.0.0.1", port=0, metrics=("127.0.0.1", 0), cache_dir="",
                              users=(UserConfig("watcher", make_verifier(PASSWORD), superuser=True),),
                              databases=MappingProxyType({"sage200": database}))
        with serve_in_thread(config) as server:
            assert server.port and server.metrics_port
            yield Observed(server.port, server.metrics_port, app.state.sandbox, clock, tokens)


def _delta(before: dict, after: dict, name: str, **labels: str) -> float:
    key = (name, tuple(sorted(labels.items())))
    return after.get(key, 0.0) - before.get(key, 0.0)


def _wait_for(condition, seconds: float = 5.0) -> None:  # noqa: ANN001
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.05)


def test_metrics_move_by_what_the_queries_did(observed: Observed) -> None:
    with observed.connect() as warm:  # sign-in and /sites happen once; they are not what is measured here
        warm.execute('SELECT count(*) FROM "Customers"').fetchall()
    _wait_for(lambda: observed.scrape().get(("pgserver_sessions", ()), 1) == 0)
    before = observed.scrape()
    observed.sandbox.clear()
    with observed.connect() as conn:
        conn.execute("SET PageSize = 50")
        assert len(conn.execute('SELECT "Id" FROM "Customers"').fetchall()) == 120
        assert conn.execute("SELECT 1").fetchall() == [(1,)]
        with pytest.raises(psycopg.errors.UndefinedTable):
            conn.execute("SELECT * FROM nosuch")
        with pytest.raises(psycopg.errors.DivisionByZero):
            conn.execute("SELECT 1 / 0").fetchall()
        during = observed.scrape()
    with pytest.raises(psycopg.OperationalError):
        observed.connect(password="wrong")
    _wait_for(lambda: observed.scrape().get(("pgserver_sessions", ()), 1) == 0)
    after = observed.scrape()
    seen = [r for r in observed.sandbox.requests if r.path == CUSTOMERS]
    assert len(seen) >= 3  # first page, $count, the remaining pages, the recount

    assert _delta(before, during, "pgserver_sessions") == 1
    assert _delta(before, after, "pgserver_connections_total") == 2
    assert _delta(before, after, "pgserver_logins_total") == 1
    assert _delta(before, after, "pgserver_login_failures_total", sqlstate="28P01") == 1
    assert _delta(before, after, "pgserver_statements_total", outcome="ok", sqlstate_class="00") == 3
    assert _delta(before, after, "pgserver_statements_total", outcome="error", sqlstate_class="42") == 1
    assert _delta(before, after, "pgserver_statements_total", outcome="error", sqlstate_class="22") == 1
    assert _delta(before, after, "pgserver_statement_duration_seconds_count") == 5
    assert _delta(before, after, "pgserver_rows_returned_total") == 121
    assert _delta(before, after, "pgserver_api_requests_total", resource="customers", status="200",
                  retry="false") == len(seen)
    assert _delta(before, after, "pgserver_api_request_duration_seconds_count", resource="customers") == len(seen)
    assert _delta(before, after, "pgserver_api_rows_total") == 120
    assert _delta(before, after, "pgserver_api_response_bytes_total", resource="customers") > 120 * 10


def test_retries_and_token_refreshes_are_counted(observed: Observed) -> None:
    from sage_sandbox.faults import FaultInjector, parse_fault_spec

    with observed.connect() as conn:
        conn.execute('SELECT count(*) FROM "Currencies"').fetchall()
        before = observed.scrape()
        observed.sandbox.faults = FaultInjector(parse_fault_spec("503:count=1:path=*/tax_codes"), 1)
        observed.sandbox.clear()
        try:
            assert conn.execute('SELECT count(*) FROM "TaxCodes"').fetchone() == (9,)
        finally:
            observed.sandbox.faults = FaultInjector(parse_fault_spec(""), 1)
        observed.clock.offset += 3600  # the sandbox now deems the access token expired: a 401, then a refresh
        assert conn.execute('SELECT count(*) FROM "Banks"').fetchone() == (4,)
        after = observed.scrape()
    assert _delta(before, after, "pgserver_api_requests_total", resource="tax_codes", status="503", retry="false") == 1
    assert _delta(before, after, "pgserver_api_requests_total", resource="tax_codes", status="200", retry="true") == 1
    assert _delta(before, after, "pgserver_api_requests_total", resource="banks", status="401", retry="false") == 1
    assert _delta(before, after, "pgserver_api_requests_total", resource="banks", status="200", retry="true") == 1
    assert _delta(before, after, "pgserver_token_requests_total", grant="refresh_token", outcome="ok") == 1
    assert [r.path for r in observed.sandbox.requests].count("/oauth/token") == 1


def test_mirror_reads_are_counted_by_the_refresh_before_them(observed: Observed,
                                                             caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="pgserver.statement")
    with observed.connect(CacheMode="VERIFY") as conn:
        before = observed.scrape()
        caplog.clear()
        first = conn.execute('SELECT count(*) FROM "Suppliers"').fetchone()
        second = conn.execute('SELECT count(*) FROM "Suppliers"').fetchone()
        after = observed.scrape()
    assert first == second == (60,)
    assert _delta(before, after, "pgserver_mirror_reads_total", refresh="fill") == 1
    assert _delta(before, after, "pgserver_mirror_reads_total", refresh="delta") == 1
    assert _delta(before, after, "pgserver_mirror_rows_upserted_total") >= 60
    lines = [r.getMessage() for r in caplog.records if r.name == "pgserver.statement"]
    assert "mirror: fill" in lines[0] and "mirror: delta" in lines[1], lines


def test_the_endpoint_shows_no_secret_no_sql_and_no_query_parameter(observed: Observed) -> None:
    with observed.connect() as conn:
        conn.execute("SELECT \"Name\" FROM \"Customers\" WHERE \"Reference\" = 'A1D001'").fetchall()
    observed.scrape()
    text = observed.last_text
    stored = observed.tokens.read_text()
    import json

    token = json.loads(stored)
    for secret in (DEMO_CLIENT_SECRET, PASSWORD, token["access_token"], token["refresh_token"], "A1D001",
                   "$filter", "reference", "SELECT", "watcher"):
        assert secret not in text, secret
    assert "pgserver_api_requests_total" in text and "process_resident_memory_bytes" in text


def test_one_log_line_per_statement_with_its_api_requests(observed: Observed, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="pgserver.statement")
    with observed.connect() as conn:
        conn.execute("SET PageSize = 50")
        observed.sandbox.clear()
        caplog.clear()
        conn.execute('SELECT "Id" FROM "Customers"').fetchall()
        # every API request of the statement: its pages, and the sites lookup when this session is the first to ask
        requests = len([r for r in observed.sandbox.requests if "/accounts/v1/" in r.path])
        conn.execute("SET OAuthClientSecret = 'a-new-client-secret'")
        with pytest.raises(psycopg.Error):
            conn.execute("CALL GetOAuthAccessToken('WEB', 'pretend-sign-in-code')")
    lines = [r.getMessage() for r in caplog.records if r.name == "pgserver.statement"]
    assert len(lines) == 3, lines
    scan, setting, call = lines
    assert "rows: 120" in scan and f"api: {requests} requests, " in scan and "pid=" in scan
    assert scan.endswith('statement: SELECT "Id" FROM "Customers"')
    assert setting.endswith("statement: SET OAuthClientSecret …") and "api: 0 requests" in setting
    assert "error: 28000" in call and call.endswith("statement: CALL GetOAuthAccessToken('…', '…')")
    text = "\n".join(lines)
    assert "a-new-client-secret" not in text and "pretend-sign-in-code" not in text


def test_the_log_line_of_copy_to_stdout_counts_the_rows_copied(observed: Observed,
                                                               caplog: pytest.LogCaptureFixture) -> None:
    """COPY … TO STDOUT's line is written when its rows have gone out (it said `rows: 0` at the start before)."""
    caplog.set_level(logging.INFO, logger="pgserver.statement")
    with observed.connect() as conn:
        caplog.clear()
        with conn.cursor().copy('COPY (SELECT "Id" FROM "Customers" ORDER BY 1 LIMIT 7) TO STDOUT') as copy:
            copied = list(copy)
    lines = [r.getMessage() for r in caplog.records if r.name == "pgserver.statement"]
    assert len(copied) == 7 and len(lines) == 1, lines
    assert "rows: 7 " in lines[0] and "statement: COPY" in lines[0]


@pytest.mark.skipif(PSQL is None, reason="psql is not installed")
def test_psql_sees_progress_notices_on_a_slow_scan(observed: Observed) -> None:
    observed.sandbox.config.latency_ms = 200
    try:
        def run(options: str) -> subprocess.CompletedProcess[str]:
            env = {**{k: v for k, v in os.environ.items() if not k.startswith("PG")}, "PGPASSWORD": PASSWORD,
                   "PGOPTIONS": f"-c PageSize=50 -c MaxThreads=1 {options}"}
            return subprocess.run([PSQL, "-X", "-A", "-t", "-h", "127.0.0.1", "-p", str(observed.port), "-U", "watcher",
                                   "-d", "sage200", "-c", 'SELECT count(*) FROM "SalesOrderLines"'],
                                  capture_output=True, text=True, timeout=120, env=env)

        shown = run("-c ProgressInterval=1")
        quiet = run("-c ProgressInterval=1 -c client_min_messages=warning")
        default = run("")
    finally:
        observed.sandbox.config.latency_ms = 0
    assert shown.returncode == 0 and shown.stdout.strip() == "1133", shown.stderr
    notices = [line for line in shown.stderr.splitlines() if line.startswith("NOTICE:")]
    assert len(notices) >= 2, shown.stderr
    assert all("StandardUK.SalesOrderLines: " in n and "read from the Sage 200 API in" in n for n in notices)
    assert "of 1,133 rows" in notices[-1]
    rows = [int(n.split(" pages, ")[1].split(" ")[0].replace(",", "")) for n in notices if " pages, " in n]
    assert rows == sorted(rows) and len(set(rows)) == len(rows)
    assert quiet.returncode == 0 and "NOTICE" not in quiet.stderr
    assert default.returncode == 0 and "NOTICE" not in default.stderr


def test_progress_notices_arrive_while_the_query_runs(observed: Observed) -> None:
    arrivals: list[float] = []
    observed.sandbox.config.latency_ms = 200
    try:
        with observed.connect(PageSize="50", MaxThreads="1", ProgressInterval="1") as conn:
            conn.add_notice_handler(lambda notice: arrivals.append(time.monotonic()))
            started = time.monotonic()
            assert conn.execute('SELECT count(*) FROM "SalesOrderLines"').fetchone() == (1133,)
            ended = time.monotonic()
    finally:
        observed.sandbox.config.latency_ms = 0
    assert len(arrivals) >= 2
    assert started + 0.9 <= arrivals[0] < ended - 0.3  # the first after ProgressInterval, well before the end
