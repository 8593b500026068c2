"""Real psql 15 against the server (fake engine): SCRAM, TLS on and off, simple queries, errors."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from pgproto_server import RunningServer, make_config, running_server

pytestmark = pytest.mark.skipif(shutil.which("psql") is None, reason="psql is not installed")


def psql(dsn: str, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    return subprocess.run(["psql", dsn, "-X", "-q", "-A", "-t", "-v", "VERBOSITY=verbose", *args], input=stdin,
                          capture_output=True, text=True, env=env, timeout=60)


def test_scram_login_and_query_without_tls(pg_server: RunningServer) -> None:
    result = psql(pg_server.dsn(), "-F", "|", "-c", "SELECT 2")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "1|row 1|0.25|2024-01-03 03:04:05.5+00|f|0.3333333333333333|2024-01-02|{t1,NULL,\"a b\"}|\\x01ff|1099511627777",
        "2|row 2|0.5|2024-01-04 03:04:05.5+00|t|0.6666666666666666|2024-01-03|{t2,NULL,\"a b\"}|\\x02ff|1099511627778",
    ]


@pytest.mark.parametrize("binding", ["require", "disable"])
def test_tls_with_and_without_channel_binding(pg_server: RunningServer, binding: str) -> None:
    result = psql(pg_server.dsn(sslmode="require", channel_binding=binding), "-c", "SELECT 1",
                  "-c", "\\conninfo")
    assert result.returncode == 0, result.stderr
    assert "SSL connection (protocol: TLSv1.3" in result.stdout


def test_wrong_password_is_refused(pg_server: RunningServer) -> None:
    result = psql(pg_server.dsn().replace("password=demo", "password=nope"), "-c", "SELECT 1")
    assert result.returncode == 2
    assert 'password authentication failed for user "demo"' in result.stderr
    unknown = psql(pg_server.dsn(user="nobody"), "-c", "SELECT 1")
    assert 'password authentication failed for user "nobody"' in unknown.stderr


def test_cleartext_password_user(pg_server: RunningServer) -> None:
    assert psql(pg_server.dsn(user="clear", sslmode="require"), "-c", "SELECT 1").returncode == 0
    bad = psql(pg_server.dsn(user="clear").replace("clear-pw", "wrong"), "-c", "SELECT 1")
    assert 'password authentication failed for user "clear"' in bad.stderr


def test_unknown_database(pg_server: RunningServer) -> None:
    result = psql(pg_server.dsn(dbname="nodb"), "-c", "SELECT 1")
    assert result.returncode == 2
    assert 'database "nodb" does not exist' in result.stderr


def test_several_statements_in_one_query_and_errors_keep_the_session(pg_server: RunningServer) -> None:
    script = "SELECT 1; SELECT 1;\nFAIL 42P01 relation \"x\" does not exist;\nNOTICE hello there;\nSELECT 1;\n"
    result = psql(pg_server.dsn(), "-F", "|", "-f", "-", stdin=script)
    lines = [line.split("|")[0] for line in result.stdout.splitlines()]
    assert lines == ["1", "1", "1"]
    assert 'ERROR:  42P01: relation "x" does not exist' in result.stderr
    assert "NOTICE:  00000: hello there" in result.stderr


def test_error_stops_the_rest_of_a_multi_statement_query(pg_server: RunningServer) -> None:
    result = psql(pg_server.dsn(), "-c", "SELECT 1; BREAK 2; SELECT 1")
    assert result.returncode == 1
    assert "22012: division by zero" in result.stderr
    assert len(result.stdout.splitlines()) == 1  # the first SELECT; not the broken result, not the third
    assert pg_server.factory.engines[-1].statements == ["SELECT 1", "BREAK 2"]


def test_transaction_status_and_set(pg_server: RunningServer) -> None:
    script = "BEGIN;\nFAIL 22000 oops;\nSELECT 1;\nROLLBACK;\nSET application_name = 'probe';\n\\echo :AUTOCOMMIT\nSELECT 1;\n"
    result = psql(pg_server.dsn(), "-f", "-", stdin=script)
    assert "current transaction is aborted" in result.stderr
    assert result.stdout.count("row 1") == 1


def test_internal_errors_are_reported_without_details(pg_server: RunningServer) -> None:
    result = psql(pg_server.dsn(), "-f", "-", stdin="BOOM;\nSELECT 1;\n")
    assert "XX000: internal error" in result.stderr
    assert "hunter2" not in result.stderr and "Traceback" not in result.stderr
    assert "row 1" in result.stdout


def test_empty_query(pg_server: RunningServer) -> None:
    result = psql(pg_server.dsn(), "-c", ";")
    assert result.returncode == 0 and result.stdout == ""


def test_server_without_tls_refuses_ssl(tmp_path: object) -> None:
    with running_server(make_config(None)) as plain:
        assert psql(plain.dsn(sslmode="prefer"), "-c", "SELECT 1").returncode == 0
        refused = psql(plain.dsn(sslmode="require"), "-c", "SELECT 1")
        assert refused.returncode == 2
        assert "server does not support SSL" in refused.stderr


def test_require_tls_refuses_plain_connections(tmp_path: Path) -> None:
    with running_server(make_config(tmp_path, require_tls=True)) as strict:
        refused = psql(strict.dsn(sslmode="disable"), "-c", "SELECT 1")
        assert refused.returncode == 2 and "requires SSL/TLS" in refused.stderr
        assert psql(strict.dsn(sslmode="prefer"), "-c", "SELECT 1").returncode == 0
