"""Config parsing and the `pgserver` command line (passwd, serve against the real SQL stack)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from pgserver.config import DEFAULT_PORT, ConfigError, default_config, load_config, parse_config
from pgserver.protocol.scram import parse_verifier, verify_password


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "pgserver.toml"
    path.write_text(text)
    return path


def test_default_config() -> None:
    config = default_config()
    assert (config.host, config.port, config.tls_enabled) == ("127.0.0.1", DEFAULT_PORT, False)
    demo = config.user("demo")
    assert demo is not None and verify_password(demo.verifier, "demo")
    assert list(config.databases) == ["sage200"] and config.databases["sage200"].uses_sandbox


def test_full_config_file(tmp_path: Path) -> None:
    (tmp_path / "certs").mkdir()
    (tmp_path / "certs/server.crt").write_text("x")
    (tmp_path / "certs/server.key").write_text("x")
    verifier = "SCRAM-SHA-256$4096:qnF22D4+j4AELgzGCsow9Q==$qnEpYf3mgloeEp7zBb32nPacZOjFaTvLpugFmuv1Mjw=:pIsTfrUrt/BsOeTludB0eOj3Z4WXoywOitDMF/Sifpw="
    path = _write(tmp_path, f'''
[server]
host = "0.0.0.0"
port = 6543
tls_cert = "certs/server.crt"
tls_key = "certs/server.key"

[[users]]
name = "alice"
scram = "{verifier}"

[[users]]
name = "bob"
password = "builder"
password_cleartext = true

[databases.live]
edition = "standarduk"
api_base_url = "https://api.columbus.sage.com"
client_id = "abc"
client_secret = "top-secret"
token_store = "tokens.json"

[databases.live.properties]
Timeout = 30
CompanyId = "2"
OAuthClientSecret = "prop-secret"
''')
    config = load_config(path)
    assert (config.host, config.port) == ("0.0.0.0", 6543)
    assert config.tls_cert == tmp_path / "certs/server.crt" and config.tls_enabled
    assert verify_password(config.user("alice").verifier, "secret")
    assert config.user("bob").password_cleartext and verify_password(config.user("bob").verifier, "builder")
    live = config.databases["live"]
    assert (live.edition, live.uses_sandbox, live.token_store) == ("StandardUK", False, str(tmp_path / "tokens.json"))
    assert dict(live.properties) == {"Timeout": 30, "CompanyId": "2", "OAuthClientSecret": "prop-secret"}
    assert not any(secret in repr(config) for secret in ("top-secret", "builder", "prop-secret"))


@pytest.mark.parametrize(("document", "complaint"), [
    ({"server": {"port": "x"}, "users": [], "databases": {}}, "server.port must be a int"),
    ({"server": {"port": 70000}}, "between 0 and 65535"),
    ({"server": {"tls_cert": "a"}}, "must be set together"),
    ({"server": {"tls_cert": "/nonexistent.crt", "tls_key": "/nonexistent.key"}}, "no such file: /nonexistent.crt"),
    ({"users": [{"name": "a"}], "databases": {"d": {}}}, "neither scram nor password"),
    ({"users": [{"name": "a", "scram": "md5xyz"}], "databases": {"d": {}}}, "not a SCRAM-SHA-256 verifier"),
    ({"users": [{"name": "a", "password": "p"}], "databases": {"d": {"edition": "Gold"}}}, "edition must be"),
    ({"users": [{"name": "a", "password": "p"}], "databases": {"d": {"api_base_url": "ftp://x"}}}, "api_base_url"),
    ({"users": [{"name": "a", "password": "p"}], "databases": {}}, "no [databases.<name>]"),
    ({"users": [{"name": "a", "password": "p"}, {"name": "a", "password": "q"}], "databases": {"d": {}}}, "unique"),
    ({"srever": {}}, "unknown key(s) in the config file: srever"),
    ({"server": {"require_tls": True}}, "require_tls needs server.tls_cert"),
    ({"users": [{"name": "a", "password": "p"}], "databases": {"d": {"client_secret": 5}}}, "client_secret"),
    ({"users": [{"name": "a", "password": "p"}], "databases": {"d": {"max_api_requests": 0}}},
     "[databases.d] max_api_requests must be at least 1"),
    ({"users": [{"name": "a", "password": "p"}], "databases": {"d": {"max_api_requests": "10"}}},
     "max_api_requests must be a int"),
])
def test_config_errors_name_the_problem(document: dict[str, object], complaint: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(document)
    assert complaint in str(info.value)


def test_the_request_budget_of_a_database_reaches_its_data_source() -> None:
    from pgserver.app import build_sage_source

    config = parse_config({"users": [{"name": "a", "password": "p"}],
                           "databases": {"d": {"max_api_requests": 7}, "e": {"api_base_url": "https://x.test"}}})
    assert config.databases["d"].max_api_requests == 7
    assert build_sage_source(config.databases["d"]).max_requests == 7
    assert build_sage_source(config.databases["e"]).max_requests == 50  # the default (decision 0971)


def test_unreadable_and_invalid_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "missing.toml")
    with pytest.raises(ConfigError, match="invalid TOML"):
        load_config(_write(tmp_path, "[server\n"))


def _cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pgserver", *args], input=stdin, capture_output=True, text=True,
                          timeout=60)


def test_passwd_prints_a_usable_users_entry(tmp_path: Path) -> None:
    result = _cli("passwd", "carol", stdin="p@ss word\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith('[[users]]\nname = "carol"\nscram = "SCRAM-SHA-256$4096:')
    config = load_config(_write(tmp_path, result.stdout + '\n[databases.d]\n'))
    assert verify_password(config.user("carol").verifier, "p@ss word")
    assert parse_verifier(str(config.user("carol").verifier))
    assert _cli("passwd", stdin="\n").returncode == 2


def test_bad_property_defaults_are_reported_at_start(tmp_path: Path) -> None:
    config = _write(tmp_path, '[[users]]\nname = "a"\npassword = "p"\n[databases.d.properties]\nTimeout = "soon"\n')
    result = _cli("serve", "--config", str(config), "--port", "0")
    assert result.returncode == 2 and "[databases.d.properties]" in result.stderr and "Timeout" in result.stderr


def test_sandbox_command_is_delegated() -> None:
    result = _cli("sandbox", "--help")
    assert result.returncode == 0 and "pgserver sandbox" in result.stdout and "--faults" in result.stdout


def test_bad_config_file_exits_with_a_message(tmp_path: Path) -> None:
    result = _cli("serve", "--config", str(_write(tmp_path, "[server]\nport = 'x'\n")))
    assert result.returncode == 2 and "server.port must be a int" in result.stderr


@pytest.mark.skipif(shutil.which("psql") is None, reason="psql is not installed")
def test_serve_runs_the_real_stack_and_prints_a_psql_line() -> None:
    proc = subprocess.Popen([sys.executable, "-m", "pgserver", "serve", "--port", "0", "--log-level", "warning"],
                            stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stderr is not None
        line = ""
        while "connect with:" not in line:
            line = proc.stderr.readline()
            assert line, "the server exited before listening"
        command = line.split("connect with: ", 1)[1].strip()
        assert command.startswith("PGPASSWORD=demo psql 'host=127.0.0.1 port=")
        conninfo = command.split("'")[1]
        env = {**{k: v for k, v in os.environ.items() if not k.startswith("PG")}, "PGPASSWORD": "demo"}
        result = subprocess.run(["psql", conninfo, "-XAtc", "SELECT 40 + 2"], capture_output=True, text=True,
                                env=env, timeout=60)
        assert (result.returncode, result.stdout.strip()) == (0, "42"), result.stderr
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
