"""Sessions seen and signalled as in PostgreSQL (issue 8): pg_stat_activity lists every session, pg_cancel_backend
and pg_terminate_backend follow PostgreSQL's permission rules, and a client that vanishes mid-statement stops
costing API requests (client_connection_check_interval).

The stack's `demo` login is a superuser; a second server here adds plain logins to check the rules.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Iterator
from types import MappingProxyType

import psycopg
import pytest

from pgserver.config import DatabaseConfig, ServerConfig, UserConfig
from pgserver.embedded import serve_in_thread
from pgserver.protocol.scram import make_verifier
from sage_sandbox.config import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET

from .conftest import PSQL, Stack

SLOW_SCAN = 'SELECT count(*) FROM "SalesOrderLines"'


@pytest.fixture(scope="module")
def roles_port(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """A second server on the same sandbox with logins boss (superuser), ann and bob (plain)."""
    database = DatabaseConfig("sage200", api_base_url=stack.sandbox_url, client_id=DEMO_CLIENT_ID,
                              client_secret=DEMO_CLIENT_SECRET,
                              token_store=str(tmp_path_factory.mktemp("roles") / "tokens.json"))
    users = (UserConfig("boss", make_verifier("pw"), superuser=True), UserConfig("ann", make_verifier("pw")),
             UserConfig("bob", make_verifier("pw")))
    config = ServerConfig(host="127.0.0.1", port=0, users=users, databases=MappingProxyType({"sage200": database}))
    with serve_in_thread(config) as server:
        yield server.port


def _connect(port: int, user: str, **kw: str) -> psycopg.Connection:
    return psycopg.connect(f"host=127.0.0.1 port={port} user={user} password=pw dbname=sage200", autocommit=True,
                           **kw)


def _slow(conn: psycopg.Connection) -> None:
    conn.execute("SET PageSize = 5")
    conn.execute("SET MaxThreads = 1")


def test_pg_stat_activity_lists_every_session(stack: Stack, roles_port: int) -> None:
    with _connect(roles_port, "ann", application_name="ann-app") as ann, \
            _connect(roles_port, "boss") as boss, _connect(roles_port, "bob") as bob:
        ann.execute("SELECT 42 AS answer")
        ann_pid = ann.info.backend_pid
        rows = boss.execute("SELECT pid, usename, datname, application_name, state, query, backend_type, "
                            "client_addr IS NOT NULL, backend_start <= now(), wait_event_type "
                            "FROM pg_stat_activity ORDER BY pid").fetchall()
        by_pid = {r[0]: r for r in rows}
        assert {ann_pid, boss.info.backend_pid, bob.info.backend_pid} <= set(by_pid)
        assert by_pid[ann_pid][1:7] == ("ann", "sage200", "ann-app", "idle", "SELECT 42 AS answer",
                                        "client backend")
        assert by_pid[ann_pid][7:] == (True, True, "Client")
        mine = by_pid[boss.info.backend_pid]
        assert mine[4] == "active" and "pg_stat_activity" in mine[5]  # the asking session, while it asks
        # A plain login sees its own query, not another role's (PostgreSQL's <insufficient privilege>).
        seen = dict(bob.execute("SELECT pid, query FROM pg_stat_activity").fetchall())
        assert seen[ann_pid] == "<insufficient privilege>" and "pg_stat_activity" in seen[bob.info.backend_pid]
        ann.execute("BEGIN")
        ann.execute("SELECT 1")
        state = boss.execute("SELECT state, xact_start IS NOT NULL FROM pg_stat_activity WHERE pid = %s",
                             (ann_pid,)).fetchone()
        assert state == ("idle in transaction", True)


def _run_in_thread(conn: psycopg.Connection, sql: str) -> tuple[threading.Thread, dict[str, BaseException]]:
    outcome: dict[str, BaseException] = {}

    def run() -> None:
        try:
            conn.execute(sql).fetchall()
        except BaseException as exc:  # noqa: BLE001 - reported to the test
            outcome["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, outcome


def _wait_active(observer: psycopg.Connection, pid: int) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        row = observer.execute("SELECT state, query FROM pg_stat_activity WHERE pid = %s", (pid,)).fetchone()
        if row and row[0] == "active" and "SalesOrderLines" in row[1]:
            return
        time.sleep(0.05)
    raise AssertionError(f"backend {pid} never became active")


def test_cancel_and_terminate_backend(stack: Stack, roles_port: int, faults) -> None:
    faults("", latency_ms=100)
    with _connect(roles_port, "ann") as ann, _connect(roles_port, "ann") as ann2, _connect(roles_port, "boss") as boss:
        _slow(ann)
        thread, outcome = _run_in_thread(ann, SLOW_SCAN)
        _wait_active(ann2, ann.info.backend_pid)
        assert ann2.execute("SELECT pg_cancel_backend(%s)", (ann.info.backend_pid,)).fetchone() == (True,)
        thread.join(20)
        assert isinstance(outcome.get("error"), psycopg.errors.QueryCanceled)
        assert ann.execute("SELECT 1").fetchone() == (1,)  # cancel keeps the session

        thread, outcome = _run_in_thread(ann, SLOW_SCAN)
        _wait_active(boss, ann.info.backend_pid)
        assert boss.execute("SELECT pg_terminate_backend(%s)", (ann.info.backend_pid,)).fetchone() == (True,)
        thread.join(20)
        error = outcome.get("error")
        assert isinstance(error, psycopg.errors.AdminShutdown | psycopg.OperationalError), error
        assert "terminating connection due to administrator command" in str(error)
        assert ann.closed or ann.broken
        gone = boss.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", (ann.info.backend_pid,))
        assert gone.fetchone() == (0,)


def test_signal_permissions_and_unknown_pid(roles_port: int) -> None:
    with _connect(roles_port, "ann") as ann, _connect(roles_port, "bob") as bob, _connect(roles_port, "boss") as boss:
        with pytest.raises(psycopg.errors.InsufficientPrivilege) as denied:
            bob.execute("SELECT pg_cancel_backend(%s)", (ann.info.backend_pid,))
        assert str(denied.value).startswith("permission denied to cancel query")
        with pytest.raises(psycopg.errors.InsufficientPrivilege) as denied:
            ann.execute("SELECT pg_terminate_backend(%s)", (boss.info.backend_pid,))
        assert str(denied.value).startswith("permission denied to terminate process")
        notices: list[str] = []
        ann.add_notice_handler(lambda d: notices.append(f"{d.severity}: {d.message_primary}"))
        assert ann.execute("SELECT pg_cancel_backend(1)").fetchone() == (False,)
        assert notices == ["WARNING: PID 1 is not a PostgreSQL backend process"]


def test_a_vanished_client_stops_paging_within_two_seconds(stack: Stack, sandbox, faults) -> None:
    """Kill psql during count(*) over a slow API: the server notices without writing anything and stops."""
    faults("", latency_ms=150)
    env = {**os.environ, "PGPASSWORD": "demo-secret", "PGOPTIONS": "-c PageSize=5 -c MaxThreads=1"}
    psql = subprocess.Popen([PSQL, "-X", "-h", "127.0.0.1", "-p", str(stack.port), "-U", "demo", "-d", "sage200",
                             "-c", SLOW_SCAN], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while sum("sop_order_line_views" in r.path for r in list(sandbox.requests)) < 5:
        assert time.monotonic() < deadline and psql.poll() is None
        time.sleep(0.05)
    psql.kill()
    psql.wait()
    killed = time.perf_counter()
    time.sleep(4)
    pages = [r for r in list(sandbox.requests) if "sop_order_line_views" in r.path]
    late = [r for r in pages if r.started > killed + 2.0]
    assert pages and not late, f"{len(late)} of {len(pages)} page requests started more than 2 s after the kill"
    assert len(pages) < 50  # far from the ~230 pages the whole scan needs
