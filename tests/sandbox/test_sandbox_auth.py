"""Headers on data calls, and the Sage ID authorization-code flow with rotating refresh tokens."""

from __future__ import annotations

import base64
import hashlib
import json
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from sage_sandbox import (
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    DEMO_SITE_ID,
    SandboxConfig,
    create_app,
    serve_in_thread,
)

from .conftest import PRO, STD, Running

REDIRECT = "http://localhost:33333/callback"


def _error(response: httpx.Response) -> str:
    return response.json()[0]["$dataCode"]


def test_missing_or_bad_bearer_is_401(sandbox: Running) -> None:
    headers = sandbox.state.auth_headers()
    for auth in (None, "Bearer", "Bearer not-a-token", "Basic abc"):
        h = {k: v for k, v in headers.items() if k != "Authorization"}
        if auth:
            h["Authorization"] = auth
        response = sandbox.client.get(f"{PRO}/customers", headers=h)
        assert response.status_code == 401, auth
        assert response.headers["www-authenticate"].startswith("Bearer")


def test_site_and_company_headers(sandbox: Running) -> None:
    good = sandbox.state.auth_headers()
    for missing in ("X-Site", "X-Company"):
        h = {k: v for k, v in good.items() if k != missing}
        response = sandbox.client.get(f"{PRO}/customers", headers=h)
        assert response.status_code == 401 and _error(response) == "HeaderNotFound"
        assert missing in response.json()[0]["$message"]
    unknown_site = sandbox.client.get(f"{PRO}/customers", headers={**good, "X-Site": "00000000-0000-0000-0000-0"})
    assert unknown_site.status_code == 401 and _error(unknown_site) == "SiteNotFound"
    unknown_company = sandbox.client.get(f"{PRO}/customers", headers={**good, "X-Company": "99"})
    assert unknown_company.status_code == 404 and _error(unknown_company) == "CompanyNotFound"
    bad_company = sandbox.client.get(f"{PRO}/customers", headers={**good, "X-Company": "one"})
    assert bad_company.status_code == 400


def test_subscription_key_is_accepted_and_ignored(sandbox: Running) -> None:
    headers = {**sandbox.state.auth_headers(), "ocp-apim-subscription-key": "whatever"}
    assert sandbox.client.get(f"{PRO}/tax_codes", headers=headers).status_code == 200


def test_sites_needs_only_the_bearer(sandbox: Running) -> None:
    token = sandbox.state.mint_token()
    response = sandbox.client.get(f"{STD}/sites", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    sites = response.json()
    assert [s["company_id"] for s in sites] == [1, 2]
    assert {s["site_id"] for s in sites} == {DEMO_SITE_ID}
    assert set(sites[0]) == {"company_id", "company_name", "site_id", "site_name", "site_short_name"}
    assert sandbox.client.get(f"{STD}/sites").status_code == 401


def test_companies_hold_different_data(sandbox: Running) -> None:
    one = sandbox.get(f"{PRO}/customers", company=1, **{"$top": "5000"}).json()
    two = sandbox.get(f"{PRO}/customers", company=2, **{"$top": "5000"}).json()
    assert len(two) < len(one)
    assert not {c["id"] for c in one} & {c["id"] for c in two}
    details = sandbox.get(f"{PRO}/company_details", company=2).json()
    assert details[0]["name"] == "Computer Mart Services Ltd"


# ---------------------------------------------------------------------------
# OAuth
# ---------------------------------------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_750_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def oauth_server():  # noqa: ANN201 - yields (client, clock)
    clock = FakeClock()
    app = create_app(SandboxConfig(token_lifetime=60, clock=clock))
    with serve_in_thread(app) as base_url, httpx.Client(base_url=base_url, timeout=30) as client:
        yield client, clock


def _authorize(client: httpx.Client, **extra: str) -> str:
    params = {"client_id": DEMO_CLIENT_ID, "response_type": "code", "redirect_uri": REDIRECT,
              "scope": "openid profile email offline_access", "state": "xyz-42", "audience": "s200ukipd/sage200",
              **extra}
    response = client.get("/authorize", params=params)
    assert response.status_code == 302
    location = urlsplit(response.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT
    query = parse_qs(location.query)
    assert query["state"] == ["xyz-42"]
    return query["code"][0]


def _token(client: httpx.Client, **form: str) -> httpx.Response:
    return client.post("/oauth/token", data={"client_id": DEMO_CLIENT_ID, "client_secret": DEMO_CLIENT_SECRET,
                                             **form})


def test_code_flow_refresh_rotation_and_expiry(oauth_server) -> None:  # noqa: ANN001
    client, clock = oauth_server
    code = _authorize(client)
    answer = _token(client, grant_type="authorization_code", code=code, redirect_uri=REDIRECT).json()
    assert answer["token_type"] == "Bearer" and answer["expires_in"] == 60
    assert {"access_token", "refresh_token", "id_token", "scope"} <= set(answer)
    claims = json.loads(base64.urlsafe_b64decode(answer["id_token"].split(".")[1] + "=="))
    assert claims["aud"] == DEMO_CLIENT_ID and claims["exp"] - claims["iat"] == 60
    headers = {"Authorization": f"Bearer {answer['access_token']}", "X-Site": DEMO_SITE_ID, "X-Company": "1"}
    assert client.get(f"{PRO}/tax_codes", headers=headers).status_code == 200
    # the code is single-use
    again = _token(client, grant_type="authorization_code", code=code, redirect_uri=REDIRECT)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"
    # the access token expires
    clock.now += 61
    expired = client.get(f"{PRO}/tax_codes", headers=headers)
    assert expired.status_code == 401 and expired.json()[0]["$dataCode"] == "TokenExpired"
    # refresh: new tokens, the old refresh token is spent
    refreshed = _token(client, grant_type="refresh_token", refresh_token=answer["refresh_token"]).json()
    assert refreshed["refresh_token"] != answer["refresh_token"]
    headers["Authorization"] = f"Bearer {refreshed['access_token']}"
    assert client.get(f"{PRO}/tax_codes", headers=headers).status_code == 200
    reused = _token(client, grant_type="refresh_token", refresh_token=answer["refresh_token"])
    assert reused.status_code == 400 and reused.json()["error"] == "invalid_grant"
    # the rotated one still works once
    assert _token(client, grant_type="refresh_token", refresh_token=refreshed["refresh_token"]).status_code == 200


def test_token_endpoint_errors(oauth_server) -> None:  # noqa: ANN001
    client, clock = oauth_server
    code = _authorize(client)
    wrong_secret = client.post("/oauth/token", data={"grant_type": "authorization_code", "code": code,
                                                     "redirect_uri": REDIRECT, "client_id": DEMO_CLIENT_ID,
                                                     "client_secret": "nope"})
    assert wrong_secret.status_code == 401 and wrong_secret.json()["error"] == "invalid_client"
    assert "nope" not in wrong_secret.text
    code = _authorize(client)
    wrong_redirect = _token(client, grant_type="authorization_code", code=code, redirect_uri="http://evil/cb")
    assert wrong_redirect.json()["error"] == "invalid_grant"
    code = _authorize(client)
    clock.now += 601  # codes live 10 minutes
    assert _token(client, grant_type="authorization_code", code=code, redirect_uri=REDIRECT).json()["error"] == \
        "invalid_grant"
    assert _token(client, grant_type="password").json()["error"] == "unsupported_grant_type"
    assert _token(client, grant_type="refresh_token", refresh_token="made-up").json()["error"] == "invalid_grant"
    basic = base64.b64encode(f"{DEMO_CLIENT_ID}:{DEMO_CLIENT_SECRET}".encode()).decode()
    code = _authorize(client)
    via_basic = client.post("/oauth/token", headers={"Authorization": f"Basic {basic}"},
                            data={"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT})
    assert via_basic.status_code == 200


def test_authorize_validates_client_and_audience(oauth_server) -> None:  # noqa: ANN001
    client, _ = oauth_server
    base = {"client_id": DEMO_CLIENT_ID, "response_type": "code", "redirect_uri": REDIRECT}
    assert client.get("/authorize", params={**base, "client_id": "other"}).json()["error"] == "unauthorized_client"
    assert client.get("/authorize", params={**base, "audience": "other"}).status_code == 400
    assert client.get("/authorize", params={**base, "redirect_uri": "not a url"}).status_code == 400
    assert client.get("/oauth/authorize", params=base).status_code == 302  # alias; audience optional


def test_pkce_public_client(oauth_server) -> None:  # noqa: ANN001
    client, _ = oauth_server
    verifier = "v" * 50
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    code = _authorize(client, code_challenge=challenge, code_challenge_method="S256")
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "client_id": DEMO_CLIENT_ID}
    assert client.post("/oauth/token", data={**form, "code_verifier": "wrong"}).json()["error"] == "invalid_grant"
    code = _authorize(client, code_challenge=challenge, code_challenge_method="S256")
    form["code"] = code
    assert client.post("/oauth/token", data={**form, "code_verifier": verifier}).status_code == 200
