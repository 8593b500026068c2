"""`pgserver login` as a user runs it: a real headless browser (Debian chromium driven by playwright-core) clicks
through the sandbox's Sage ID sign-in page; then `pgserver check` passes and `pgserver serve` answers psql with
the stored tokens, without another sign-in. Without the tokens, `check` fails and says to run `pgserver login`."""

from __future__ import annotations

import json
import shutil
import stat
from pathlib import Path

import pytest

from tests.commands.conftest import PSQL, Tenant, environment, pgserver, psql, serving

NODE_DIR = Path(__file__).resolve().parents[1] / "clients" / "node"  # playwright-core, shared with pgAdmin's test
CHROMIUM = shutil.which("chromium")

pytestmark = pytest.mark.skipif(
    CHROMIUM is None or shutil.which("node") is None or not (NODE_DIR / "node_modules" / "playwright-core").is_dir(),
    reason="needs Debian chromium, node and `npm install` in tests/clients/node (scripts/test.sh does both)")


def _login_with_browser(tenant: Tenant, tmp_path: Path, choice: str = "approve") -> tuple[object, dict[str, str]]:
    result = tmp_path / "browser.json"
    env = environment(BROWSER=f"node {NODE_DIR / 'login_approve.mjs'} %s {choice}", LOGIN_BROWSER_RESULT=str(result),
                      CHROMIUM=str(CHROMIUM))
    done = pgserver("login", "--config", str(tenant.config), "--timeout", "90", cwd=tmp_path, env=env, timeout=150)
    return done, json.loads(result.read_text()) if result.exists() else {}


@pytest.mark.skipif(PSQL is None, reason="psql is not installed")
def test_login_in_a_browser_then_check_and_serve_use_the_stored_tokens(tenant: Tenant, tmp_path: Path) -> None:
    done, browser = _login_with_browser(tenant, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    # the browser saw Sage ID's page (the demo user), then pgserver's own page on the loopback listener
    assert browser["user"] == "demo.user@example.co.uk"
    assert browser["title"] == "Signed in" and "demo.user@example.co.uk" in browser["message"]
    assert browser["landed"].startswith("http://127.0.0.1:") and browser["landed"].endswith("/callback")
    # the terminal: who signed in, where the tokens went, the companies they reach
    assert "Signed in as demo.user@example.co.uk" in done.stdout
    assert "company 1" in done.stdout and "Stationery & Computer Mart UK" in done.stdout
    assert "Computer Mart Services Ltd" in done.stdout
    # the sign-in URL used PKCE and asked for the sign-in page; the stored tokens are the owner's only
    authorize = [r for r in tenant.state.requests if r.path == "/authorize"]
    assert len(authorize) == 1 and "code_challenge_method=S256" in authorize[0].query
    assert "prompt=login" in authorize[0].query
    assert stat.S_IMODE(tenant.tokens.stat().st_mode) == 0o600
    stored = json.loads(tenant.tokens.read_text())
    assert stored["refresh_token"] and stored["signed_in_as"] == "demo.user@example.co.uk"
    assert stored["access_token"] not in done.stdout + done.stderr and stored["refresh_token"] not in done.stdout

    tenant.state.clear()
    checked = pgserver("check", "--config", str(tenant.config), cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "signed in as demo.user@example.co.uk" in checked.stdout and "check passed" in checked.stdout
    assert "StandardUK views in company 1 (Stationery & Computer Mart UK): 39 of 39 answer" in checked.stdout
    assert "Customers                                 120 rows" in checked.stdout

    with serving(tenant.config) as port:
        answer = psql(port, 'SELECT count(*) FROM "Customers"')
    assert (answer.returncode, answer.stdout.strip()) == (0, "120"), answer.stderr
    # neither check nor serve started another sign-in: both used the stored tokens
    assert not [r for r in tenant.state.requests if r.path in ("/authorize", "/authorize/decision")]
    assert not [r for r in tenant.state.requests if r.status == 401]


def test_without_the_tokens_check_fails_and_says_to_run_login(tenant: Tenant, tmp_path: Path) -> None:
    done, _ = _login_with_browser(tenant, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    tenant.tokens.unlink()
    checked = pgserver("check", "--config", str(tenant.config), cwd=tmp_path)
    assert checked.returncode == 1, checked.stdout + checked.stderr
    assert "FAILED to sign in" in checked.stdout
    assert "run `pgserver login sage200`" in checked.stdout
    assert "check FAILED" in checked.stdout


def test_deny_in_the_browser_fails_the_login_and_stores_nothing(tenant: Tenant, tmp_path: Path) -> None:
    done, browser = _login_with_browser(tenant, tmp_path, choice="deny")
    assert done.returncode == 1
    assert "access_denied" in done.stderr and "Traceback" not in done.stderr
    assert browser["title"] == "Sign-in failed" and "access_denied" in browser["message"]
    assert not tenant.tokens.exists()
