"""`pgserver init` writes a config `serve` accepts as it is; `pgserver check` says what is wrong, and how to fix it."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest

from providers.sage200.tokens import StoredToken, TokenStore
from tests.commands.conftest import PSQL, Tenant, pgserver, psql, serving


@pytest.mark.skipif(PSQL is None, reason="psql is not installed")
def test_init_then_serve_then_psql_with_no_edits(tmp_path: Path) -> None:
    done = pgserver("init", cwd=tmp_path)  # stdin is not a terminal and empty: a password is generated
    assert done.returncode == 0, done.stderr
    config = tmp_path / "pgserver.toml"
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    password = re.search(r"generated password for sage: (\S+)", done.stdout).group(1)  # type: ignore[union-attr]
    assert password not in config.read_text()  # only its SCRAM verifier is kept
    text = config.read_text()
    assert "# MaxRows = -1" in text and "# metrics = " in text and "# redirect_uri = " in text
    # the file as written; `--port 0` because another server on this machine may hold 5433
    with serving(config, "--port", "0") as port:
        answer = psql(port, 'SELECT "Name" FROM "Customers" WHERE "Id" = 27825', user="sage", password=password)
    assert (answer.returncode, answer.stdout.strip()) == (0, "A1 Design Services"), answer.stderr


def test_init_refuses_to_overwrite(tmp_path: Path) -> None:
    config = tmp_path / "pgserver.toml"
    config.write_text("# mine\n")
    done = pgserver("init", cwd=tmp_path, stdin="pw\n")
    assert done.returncode == 1 and "already exists" in done.stderr
    assert config.read_text() == "# mine\n"


def test_init_for_a_real_tenant_then_check_says_to_log_in(tmp_path: Path) -> None:
    done = pgserver("init", "live.toml", "--api-base-url", "https://api.columbus.sage.com", "--client-id", "my-app",
                    "--database", "acme", "--edition", "ProfessionalUK", cwd=tmp_path, stdin="a password\n")
    assert done.returncode == 0, done.stderr
    assert "pgserver login --config live.toml" in done.stdout
    checked = pgserver("check", "--config", "live.toml", cwd=tmp_path)
    assert checked.returncode == 1
    assert "database acme: ProfessionalUK on https://api.columbus.sage.com" in checked.stdout
    assert "not signed in to Sage 200: no OAuth token is stored" in checked.stdout
    assert "run `pgserver login acme`" in checked.stdout


def _store_tokens(tenant: Tenant, **overrides: object) -> None:
    answer = {**tenant.state.sage_id.mint(), **overrides}
    TokenStore(tenant.tokens).save(StoredToken.from_response(answer))


def test_check_names_an_unknown_company_and_lists_the_real_ones(tenant: Tenant) -> None:
    tenant.write_config('CompanyId = "7"')
    _store_tokens(tenant)
    checked = pgserver("check", "--config", str(tenant.config), cwd=tenant.config.parent)
    assert checked.returncode == 1
    assert "StandardUK: FAILED: unknown CompanyId 7" in checked.stdout
    assert "Available companies: 1 (Stationery & Computer Mart UK), 2 (Computer Mart Services Ltd)" in checked.stdout


@pytest.mark.parametrize(("initiate", "reason"), [
    ("REFRESH", "Sage 200 rejected the access token, and no refresh token is stored to renew it"),
    ("GETANDREFRESH", "Sage ID needs an interactive sign-in (login_required)"),  # the browserless retry fails too
])
def test_check_with_a_rejected_token_says_to_log_in_again(tenant: Tenant, initiate: str, reason: str) -> None:
    tenant.write_config(f'InitiateOAuth = "{initiate}"')
    _store_tokens(tenant, access_token="revoked-token", refresh_token=None)
    checked = pgserver("check", "--config", str(tenant.config), cwd=tenant.config.parent)
    assert checked.returncode == 1, checked.stdout
    assert f"StandardUK: FAILED: {reason}" in checked.stdout
    assert "run `pgserver login sage200`" in checked.stdout and "signed in" not in checked.stdout
    assert "revoked-token" not in checked.stdout + checked.stderr


def test_check_with_good_tokens_counts_every_view_of_both_editions(tenant: Tenant) -> None:
    _store_tokens(tenant)
    checked = pgserver("check", "sage200", "--config", str(tenant.config), cwd=tenant.config.parent)
    assert checked.returncode == 0, checked.stdout
    for edition in ("StandardUK", "ProfessionalUK"):
        assert f"{edition} views in company 1 (Stationery & Computer Mart UK): 39 of 39 answer" in checked.stdout
    assert re.search(r"SalesOrderLines +1,133 rows", checked.stdout)
    assert re.search(r"CompanyDetails +1 row\n", checked.stdout)


def test_check_reports_config_errors_by_key_never_by_secret(tmp_path: Path) -> None:
    config = tmp_path / "pgserver.toml"
    config.write_text('[server]\nprot = 5\n[[users]]\nname = "a"\npassword = "hunter2"\n[databases.d]\n'
                      'client_secret = "sekrit-value"\n')
    checked = pgserver("check", "--config", str(config), cwd=tmp_path)
    assert checked.returncode == 2
    assert "unknown key(s) in [server]: prot" in checked.stderr
    config.write_text('[[users]]\nname = "a"\npassword = "hunter2"\n[databases.d]\nclient_secret = "sekrit-value"\n'
                      '[databases.d.properties]\nTimeout = "soon"\nProxyPassword = "proxy-secret"\n')
    checked = pgserver("check", "--config", str(config), cwd=tmp_path)
    assert checked.returncode == 2 and '[databases.d.properties]: invalid value for connection property "Timeout"' \
        in checked.stderr
    for secret in ("hunter2", "sekrit-value", "proxy-secret"):
        assert secret not in checked.stdout + checked.stderr
    assert pgserver("check", "nosuch", "--config", str(config), cwd=tmp_path).returncode == 2


def test_check_without_a_config_checks_the_demo(tmp_path: Path) -> None:
    checked = pgserver("check", cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout
    assert "checking the demo configuration" in checked.stdout and "check passed" in checked.stdout


def test_check_loads_the_tls_certificate(tmp_path: Path) -> None:
    (tmp_path / "server.crt").write_text("-----BEGIN CERTIFICATE-----\nnot one\n-----END CERTIFICATE-----\n")
    (tmp_path / "server.key").write_text("not a key\n")
    config = tmp_path / "pgserver.toml"
    config.write_text('[server]\ntls_cert = "server.crt"\ntls_key = "server.key"\n'
                      '[[users]]\nname = "a"\npassword = "p"\n[databases.d]\n')
    checked = pgserver("check", "--config", str(config), cwd=tmp_path)
    assert checked.returncode == 2 and "server.tls_cert / server.tls_key cannot be used" in checked.stdout


def test_each_failure_kind_has_its_remedy() -> None:
    from pgserver.check import remedy
    from pgserver.errors import PgError

    assert "pgserver login acme" in remedy(PgError("28000", "rejected"), "acme")
    assert "no access" in remedy(PgError("42501", "Sage 200 denied access: Forbidden"), "acme")
    assert "Proxy" in remedy(PgError("HV00N", "cannot reach the Sage 200 API"), "acme")
    assert remedy(PgError("22023", "unknown CompanyId 7", detail="Available companies: 1 (A)"), "acme") == \
        "Available companies: 1 (A)"
