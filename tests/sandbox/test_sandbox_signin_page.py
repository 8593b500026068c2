"""The sandbox's Sage ID sign-in page: shown when a prompt asks for it (or consent_page is set), approved or
declined through its form; the redirect-at-once path stays as it was for requests without a prompt."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from sage_sandbox import DEMO_CLIENT_ID, SandboxConfig, create_app, serve_in_thread

REDIRECT = "http://127.0.0.1:45678/callback"
VERIFIER = "a-long-enough-pkce-verifier-0123456789-abcdefghijklmnop"
CHALLENGE = base64.urlsafe_b64encode(hashlib.sha256(VERIFIER.encode()).digest()).rstrip(b"=").decode()


def _params(**extra: str) -> dict[str, str]:
    return {"client_id": DEMO_CLIENT_ID, "response_type": "code", "redirect_uri": REDIRECT, "state": "st-1",
            "scope": "openid email offline_access", "code_challenge": CHALLENGE, "code_challenge_method": "S256",
            **extra}


def _client(config: SandboxConfig) -> Iterator[httpx.Client]:
    with serve_in_thread(create_app(config)) as base_url, httpx.Client(base_url=base_url, timeout=30) as client:
        yield client


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    yield from _client(SandboxConfig())


@pytest.fixture
def consent_client() -> Iterator[httpx.Client]:
    yield from _client(SandboxConfig(consent_page=True))


def _transaction(page: httpx.Response) -> str:
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert page.headers["cache-control"] == "no-store"
    match = re.search(r'name="transaction" value="([^"]+)"', page.text)
    assert match, page.text
    return match.group(1)


def _redirect_query(response: httpx.Response) -> dict[str, list[str]]:
    location = urlsplit(response.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT
    return parse_qs(location.query)


def test_without_a_prompt_it_still_approves_at_once(client: httpx.Client) -> None:
    response = client.get("/authorize", params=_params())
    assert response.status_code == 302 and "code" in _redirect_query(response)


@pytest.mark.parametrize("prompt", ["login", "consent", "select_account"])
def test_a_prompt_shows_the_page_and_approve_returns_a_code(client: httpx.Client, prompt: str) -> None:
    page = client.get("/authorize", params=_params(prompt=prompt))
    assert "Approve" in page.text and "Deny" in page.text and "demo.user@example.co.uk" in page.text
    decided = client.post("/authorize/decision", data={"transaction": _transaction(page), "decision": "approve"})
    assert decided.status_code == 303
    query = _redirect_query(decided)
    assert query["state"] == ["st-1"]
    token = client.post("/oauth/token", data={"grant_type": "authorization_code", "client_id": DEMO_CLIENT_ID,
                                              "code": query["code"][0], "redirect_uri": REDIRECT,
                                              "code_verifier": VERIFIER})
    assert token.status_code == 200 and token.json()["refresh_token"]


def test_deny_redirects_with_access_denied_and_each_page_answers_once(client: httpx.Client) -> None:
    transaction = _transaction(client.get("/authorize", params=_params(prompt="login")))
    denied = client.post("/authorize/decision", data={"transaction": transaction, "decision": "deny"})
    assert denied.status_code == 303
    assert _redirect_query(denied)["error"] == ["access_denied"] and "code" not in _redirect_query(denied)
    again = client.post("/authorize/decision", data={"transaction": transaction, "decision": "approve"})
    assert again.status_code == 400 and again.json()["error"] == "invalid_request"


def test_bad_requests_are_refused_before_any_page(client: httpx.Client) -> None:
    response = client.get("/authorize", params=_params(prompt="login", client_id="someone-else"))
    assert response.status_code == 400 and response.json()["error"] == "unauthorized_client"


def test_the_page_escapes_what_the_request_carries(client: httpx.Client) -> None:
    page = client.get("/authorize", params=_params(prompt="login", scope="openid <script>alert(1)</script>"))
    assert "<script>" not in page.text and "&lt;script&gt;" in page.text


def test_consent_page_config_shows_it_always_and_prompt_none_gets_login_required(consent_client: httpx.Client) -> None:
    page = consent_client.get("/authorize", params=_params())
    assert _transaction(page)
    silent = consent_client.get("/authorize", params=_params(prompt="none"))
    assert silent.status_code == 302
    query = _redirect_query(silent)
    assert query["error"] == ["login_required"] and query["state"] == ["st-1"]
