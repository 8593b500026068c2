"""No SQL login can obtain the data source's OAuth tokens or change them unless it is a superuser (issue 8).

A server of its own (a sandbox over real HTTP, a token store file, two logins: `admin` is a superuser,
`clerk` is not) is driven through psql. Every SQL path that shows text — the OAuth procedures (CALL and
FROM), catalog and system tables, settings, EXPLAIN, error messages — is collected and scanned for the
values actually stored in the token store and for the client secret.
"""

from __future__ import annotations

import json
import os
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

from .conftest import PSQL


@dataclass
class Server:
    port: int
    tokens: Path

    def psql(self, user: str, *sql: str, options: str = "") -> subprocess.CompletedProcess[str]:
        """Each statement through real psql as `user`; never stops at an error (the output is what matters)."""
        env = {**os.environ, "PGPASSWORD": f"{user}-pw", "PGCONNECT_TIMEOUT": "10", "PGOPTIONS": options}
        args = [PSQL, "-X", "-A", "-h", "127.0.0.1", "-p", str(self.port), "-U", user, "-d", "sage200"]
        for statement in sql:
            args += ["-c", statement]
        return subprocess.run(args, env=env, capture_output=True, text=True, timeout=120)

    def stored_secrets(self) -> set[str]:
        data = json.loads(self.tokens.read_text())
        return {data["access_token"], data["refresh_token"], DEMO_CLIENT_SECRET}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tokens = tmp_path_factory.mktemp("tokens") / "tokens.json"
    app = create_app(SandboxConfig(scale=1, seed=200))
    with sandbox_in_thread(app) as sandbox_url:
        database = DatabaseConfig("sage200", api_base_url=sandbox_url, client_id=DEMO_CLIENT_ID,
                                  client_secret=DEMO_CLIENT_SECRET, token_store=str(tokens))
        users = (UserConfig("admin", make_verifier("admin-pw"), superuser=True),
                 UserConfig("clerk", make_verifier("clerk-pw")))
        config = ServerConfig(host="127.0.0.1", port=0, users=users, databases=MappingProxyType({"sage200": database}))
        with serve_in_thread(config) as running:
            yield Server(running.port, tokens)


EVERY_PATH = [
    "CALL GetOAuthAccessToken('APP')",
    "SELECT * FROM GetOAuthAccessToken('APP')",
    "CALL RefreshOAuthAccessToken()",
    "SELECT * FROM StandardUK.RefreshOAuthAccessToken()",
    "CALL GetOAuthAuthorizationURL()",
    'SELECT count(*) FROM "Customers"',
    "SHOW ALL",
    "SELECT name, setting, reset_val, boot_val FROM pg_settings",
    "SELECT * FROM sys_connection_props",
    "SELECT * FROM sys_procedures",
    "SELECT * FROM sys_procedureparameters",
    "SELECT proname, prosrc, probin, proconfig FROM pg_proc WHERE proname ILIKE '%oauth%'",
    "SELECT * FROM pg_roles",
    "SELECT * FROM pg_stat_activity",
    "SELECT current_setting('OAuthClientSecret'), current_setting('OAuthSettingsLocation')",
    "EXPLAIN SELECT * FROM \"Customers\" WHERE \"Id\" = 27825",
    "SET OAuthClientSecret = 'x'",
    "SET InitiateOAuth = 'OFF'",
    "CALL RefreshOAuthAccessToken('not-a-token')",
    "SELECT * FROM \"NoSuchView\"",
]


@pytest.mark.parametrize("user", ["admin", "clerk"])
def test_no_sql_path_yields_a_token(server: Server, user: str) -> None:
    signed_in = server.psql("admin", "CALL GetOAuthAccessToken('APP')")  # makes sure tokens are stored
    assert signed_in.returncode == 0, signed_in.stderr
    out = server.psql(user, *EVERY_PATH)
    seen = out.stdout + out.stderr
    secrets = server.stored_secrets()
    assert all(len(s) >= 12 for s in secrets)
    leaked = [s[:6] + "…" for s in secrets if s in seen]
    assert not leaked, f"{len(leaked)} stored secret(s) reached SQL output"
    assert "Customers" in seen or "count" in seen  # the statements really ran


def test_procedures_report_status_for_a_superuser(server: Server) -> None:
    out = server.psql("admin", "CALL GetOAuthAccessToken('APP')", "CALL RefreshOAuthAccessToken()")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "Status|SignedInAs|Scope|ExpiresAt|ExpiresIn|HasRefreshToken"
    signed_in = lines[1].split("|")
    assert signed_in[0] == "signed in" and "@" in signed_in[1] and "offline_access" in signed_in[2]
    assert 3500 <= int(signed_in[4]) <= 3600 and signed_in[5] == "t"
    assert any(line.startswith("refreshed|") for line in lines[2:])


def test_a_plain_login_cannot_change_credentials(server: Server) -> None:
    before = server.tokens.read_text() if server.tokens.exists() else None
    for statement in ("CALL GetOAuthAccessToken('APP')", "CALL RefreshOAuthAccessToken()",
                      "SELECT * FROM RefreshOAuthAccessToken()"):
        out = server.psql("clerk", statement)
        assert out.returncode != 0
        assert "ERROR:  permission denied for procedure" in out.stderr, out.stderr
    assert (server.tokens.read_text() if server.tokens.exists() else None) == before  # nothing rotated
    url = server.psql("clerk", "CALL GetOAuthAuthorizationURL()")  # harmless: a URL carries no credential
    assert url.returncode == 0 and "/authorize?" in url.stdout


@pytest.mark.parametrize("name, value", [("OAuthSettingsLocation", "/tmp/elsewhere.json"),
                                         ("ProxyServer", "attacker.example"), ("SSLServerCert", "*"),
                                         ("OAuthClientSecret", "mine"), ("InitiateOAuth", "OFF")])
def test_credential_properties_are_superuser_only(server: Server, name: str, value: str) -> None:
    out = server.psql("clerk", f"SET {name} = '{value}'")
    assert out.returncode != 0 and f'ERROR:  permission denied to set parameter "{name}"' in out.stderr
    startup = server.psql("clerk", "SELECT 1", options=f"-c {name}={value}")
    assert startup.returncode != 0 and f'permission denied to set parameter "{name}"' in startup.stderr
    assert server.psql("admin", f"SET {name} = '{value}'", "SELECT 1").returncode == 0
    plain = server.psql("clerk", "SET MaxRows = 5", "SHOW MaxRows", "SHOW is_superuser")
    assert plain.returncode == 0 and plain.stdout.split() == ["SET", "MaxRows", "5", "(1", "row)",
                                                             "is_superuser", "off", "(1", "row)"]
