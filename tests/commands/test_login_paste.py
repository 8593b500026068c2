"""`pgserver login --no-browser` on a machine without a browser: the user opens the printed URL elsewhere and
pastes back the address the browser ended on. Also: what login refuses, and the answers it does not accept."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import httpx

from tests.commands.conftest import Tenant, environment, pgserver


def _start_login(tenant: Tenant, tmp_path: Path) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen([sys.executable, "-m", "pgserver", "login", "--config", str(tenant.config),
                             "--no-browser", "--timeout", "60"], cwd=tmp_path, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment())
    assert proc.stdout is not None
    url = ""
    while not url:
        line = proc.stdout.readline()
        assert line, proc.stderr.read() if proc.stderr else "login exited"
        if line.strip().startswith("http"):
            url = line.strip()
    return proc, url


def _approve_elsewhere(url: str, decision: str = "approve") -> str:
    """A browser on another machine: the sign-in page, a click, and the address it is sent back to."""
    with httpx.Client(timeout=30) as browser:
        page = browser.get(url)
        transaction = re.search(r'name="transaction" value="([^"]+)"', page.text)
        assert transaction, page.text
        decided = browser.post(url.split("/authorize")[0] + "/authorize/decision",
                               data={"transaction": transaction.group(1), "decision": decision})
        assert decided.status_code == 303
        return decided.headers["location"]


def test_the_pasted_address_completes_the_sign_in(tenant: Tenant, tmp_path: Path) -> None:
    proc, url = _start_login(tenant, tmp_path)
    landed = _approve_elsewhere(url)
    assert "code=" in landed
    out, err = proc.communicate("not an address\n" + landed + "\n", timeout=60)
    assert proc.returncode == 0, out + err
    assert "That is not the address the browser was sent to" in out
    assert "Signed in as demo.user@example.co.uk" in out and "company 2" in out
    assert json.loads(tenant.tokens.read_text())["refresh_token"]
    code = re.search(r"code=([^&]+)", landed).group(1)  # type: ignore[union-attr]
    assert code not in out + err  # the code is used, never shown


def test_an_address_from_another_sign_in_is_refused(tenant: Tenant, tmp_path: Path) -> None:
    proc, url = _start_login(tenant, tmp_path)
    landed = _approve_elsewhere(url)
    forged = re.sub(r"state=[^&]+", "state=someone-elses", landed)
    out, err = proc.communicate(forged + "\n", timeout=60)
    assert proc.returncode == 1
    assert "mismatched state" in err and "Traceback" not in err and not tenant.tokens.exists()


def test_login_refuses_the_in_process_sandbox_and_a_missing_token_store(tmp_path: Path) -> None:
    config = tmp_path / "pgserver.toml"
    config.write_text('[[users]]\nname = "a"\npassword = "p"\n[databases.demo]\napi_base_url = "sandbox"\n')
    done = pgserver("login", "--config", str(config), "--no-browser", cwd=tmp_path)
    assert done.returncode == 1 and "in-process sandbox signs in by itself" in done.stderr
    config.write_text('[[users]]\nname = "a"\npassword = "p"\n[databases.live]\n'
                      'api_base_url = "https://api.columbus.sage.com"\nclient_id = "x"\n')
    done = pgserver("login", "--config", str(config), "--no-browser", cwd=tmp_path)
    assert done.returncode == 1 and "[databases.live] has no token_store" in done.stderr
    done = pgserver("login", "nosuch", "--config", str(config), cwd=tmp_path)
    assert done.returncode == 1 and "no database 'nosuch'" in done.stderr
    config.write_text('[[users]]\nname = "a"\npassword = "p"\n[databases.live]\nclient_id = "x"\n'
                      'api_base_url = "https://api.columbus.sage.com"\ntoken_store = "t.json"\n'
                      'redirect_uri = "https://example.com/callback"\n')
    done = pgserver("login", "--config", str(config), cwd=tmp_path)
    assert done.returncode == 1 and "not a loopback http:// address" in done.stderr


def test_without_a_config_login_says_how_to_make_one(tmp_path: Path) -> None:
    done = pgserver("login", cwd=tmp_path)
    assert done.returncode == 1 and "pgserver init" in done.stderr


def test_without_an_answer_login_gives_up_after_its_timeout(tenant: Tenant, tmp_path: Path) -> None:
    done = pgserver("login", "--config", str(tenant.config), "--no-browser", "--timeout", "1", cwd=tmp_path)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "no answer from the browser within 1 s" in done.stderr and not tenant.tokens.exists()
