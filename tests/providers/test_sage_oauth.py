"""OAuth: sign-in without a browser, refresh before expiry, rotation, the 0600 token store,
the stored procedures, and secrets kept out of errors."""

from __future__ import annotations

import json
import logging
import os
import stat
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fake_sage import FakeSage, customer
from test_sage_scan import CUSTOMERS, Ctx, Sleeps

from pgserver.errors import PgError
from pgserver.provider import ScanRequest
from providers.sage200.client import RetryPolicy
from providers.sage200.data_source import SageDataSource, SageSession
from providers.sage200.procedures import oauth_procedures
from providers.sage200.provider import SageViewProvider
from providers.sage200.tokens import StoredToken, TokenStore

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def session(fake: FakeSage, tmp_path: Path, secret: str = "demo-secret", **kw: object) -> SageSession:
    return SageSession(
        SageDataSource(
            "http://sage.test",
            "demo-client",
            secret,
            redirect_uri="http://localhost/cb",
            token_store_path=str(tmp_path / "state" / "tokens.json"),
            transport=fake.transport(),
            retry=RetryPolicy(attempts=2, sleep=Sleeps()),
            **kw,  # type: ignore[arg-type]
        )
    )


def file_mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


async def test_sign_in_without_browser_stores_token_0600(tmp_path: Path) -> None:
    fake = FakeSage([customer(1)])
    s = session(fake, tmp_path)
    assert await s.auth().access_token() == "access-1"
    store = tmp_path / "state" / "tokens.json"
    assert file_mode(store) == 0o600
    saved = json.loads(store.read_text())
    assert saved["refresh_token"] == "refresh-1" and saved["expires_at"] > time.time() + 3000
    # the authorization request carried Sage's audience and the redirect URI
    authorize = next(r for r in fake.requests if r.url.path == "/authorize")
    q = parse_qs(urlsplit(str(authorize.url)).query)
    assert q["audience"] == ["s200ukipd/sage200"] and q["redirect_uri"] == ["http://localhost/cb"]
    assert q["response_type"] == ["code"] and q["scope"] == ["openid profile email offline_access"]


async def test_refresh_before_expiry_rotates_refresh_token(tmp_path: Path) -> None:
    fake = FakeSage([customer(1)])
    assert await session(fake, tmp_path).auth().access_token() == "access-1"
    store = TokenStore(tmp_path / "state" / "tokens.json")
    stored = store.load()
    assert stored is not None and stored.lifetime == 3600
    # 30 s before expiry (inside the 60 s leeway) a restarted server refreshes at first use
    store.save(StoredToken(stored.access_token, stored.refresh_token, time.time() + 30, lifetime=3600))
    s = session(fake, tmp_path)
    assert await s.auth().access_token() == "access-2"
    assert fake.token_posts[-1]["grant_type"] == "refresh_token"
    assert fake.token_posts[-1]["refresh_token"] == "refresh-1"
    path = tmp_path / "state" / "tokens.json"
    saved = json.loads(path.read_text())
    assert saved["refresh_token"] == "refresh-2" and "refresh-1" not in path.read_text()
    assert file_mode(path) == 0o600
    assert await s.auth().access_token() == "access-2"  # fresh now: no further token call
    assert len(fake.token_posts) == 2


async def test_short_lived_tokens_are_not_refreshed_on_every_use(tmp_path: Path) -> None:
    fake = FakeSage([customer(1)], expires_in=30)  # shorter than the 60 s leeway
    s = session(fake, tmp_path)
    assert await s.auth().access_token() == "access-1"
    assert await s.auth().access_token() == "access-1"
    assert len(fake.token_posts) == 1


async def test_concurrent_requests_share_one_refresh(tmp_path: Path) -> None:
    fake = FakeSage([customer(i) for i in range(1, 60)])
    s = session(fake, tmp_path)
    provider = SageViewProvider(CUSTOMERS, s)
    ctx = Ctx(PageSize=5, MaxThreads=10)
    plan = provider.plan(ScanRequest(["Id"]), ctx)
    assert sum([b.num_rows async for b in provider.scan(plan, ctx)]) == 59
    # first page, $count and 6 pages succeed; then every request in flight (the window has grown) gets 401
    fake.faults = ["ok"] * 8 + ["revoke"]
    before = len(fake.requests)
    assert sum([b.num_rows async for b in provider.scan(plan, ctx)]) == 59
    assert [p["grant_type"] for p in fake.token_posts] == ["authorization_code", "refresh_token"]
    rejected = [r for r in fake.requests[before:] if r.headers.get("authorization") == "Bearer access-1"]
    assert len(rejected) >= 4  # several requests were refused at once, yet one refresh served them all


async def test_revoked_access_token_is_refreshed_once_on_401(tmp_path: Path) -> None:
    fake = FakeSage([customer(1), customer(2)])
    provider = SageViewProvider(CUSTOMERS, session(fake, tmp_path))
    ctx = Ctx()
    plan = provider.plan(ScanRequest(["Id"]), ctx)
    assert sum([b.num_rows async for b in provider.scan(plan, ctx)]) == 2
    fake.revoke_all()
    assert sum([b.num_rows async for b in provider.scan(plan, ctx)]) == 2
    assert [p["grant_type"] for p in fake.token_posts] == ["authorization_code", "refresh_token"]


async def test_bad_client_secret_never_leaks(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    fake = FakeSage([customer(1)])
    s = session(fake, tmp_path, secret="s3cr3t-value")
    with pytest.raises(PgError) as err:
        await s.auth().access_token()
    assert err.value.sqlstate == "28000" and "invalid_client" in err.value.message
    text = " ".join(filter(None, [err.value.message, err.value.detail, err.value.hint, caplog.text]))
    assert "s3cr3t-value" not in text and "s3cr3t-value" not in repr(s.source)


async def test_no_token_and_no_auto_sign_in_asks_for_procedures(tmp_path: Path) -> None:
    s = session(FakeSage([]), tmp_path, auto_authorize=False)
    with pytest.raises(PgError) as err:
        await s.auth().access_token()
    assert err.value.sqlstate == "28000" and "GetOAuthAuthorizationURL" in (err.value.hint or "")


async def test_procedures_web_flow_and_refresh(tmp_path: Path) -> None:
    fake = FakeSage([customer(1)])
    s = session(fake, tmp_path, auto_authorize=False)
    procs = {p.spec.name: p for p in oauth_procedures(s) if p.spec.schema == "StandardUK"}
    assert set(procs) == {"GetOAuthAuthorizationURL", "GetOAuthAccessToken", "RefreshOAuthAccessToken"}
    [(url,)] = await procs["GetOAuthAuthorizationURL"].call({"State": "xyz"}, Ctx())
    assert url.startswith("http://sage.test/authorize?") and "state=xyz" in url
    # the user opens the URL and signs in; Sage ID redirects to the callback with a code
    redirect = (await fake.handle(httpx.Request("GET", url))).headers["location"]
    code = parse_qs(urlsplit(redirect).query)["code"][0]
    [row] = await procs["GetOAuthAccessToken"].call({"AuthMode": "WEB", "Verifier": code}, Ctx())
    status, _who, _scope, expires_at, expires_in, has_refresh = row
    assert status == "signed in" and has_refresh and 3500 < expires_in <= 3600
    assert expires_at.tzinfo is not None
    assert not {"access-1", "refresh-1"} & {str(v) for v in row}  # status only, never a token (0961)
    assert await s.auth().access_token() == "access-1"  # stored for the views
    [row] = await procs["RefreshOAuthAccessToken"].call({}, Ctx())  # the stored refresh token
    assert row[0] == "refreshed" and not {"access-2", "refresh-2"} & {str(v) for v in row}
    assert await s.auth().access_token() == "access-2"
    with pytest.raises(PgError) as err:  # the rotated-out refresh token is dead
        await procs["RefreshOAuthAccessToken"].call({"OAuthRefreshToken": "refresh-1"}, Ctx())
    assert err.value.sqlstate == "28000" and "refresh-1" not in err.value.message
    with pytest.raises(PgError):
        await procs["GetOAuthAccessToken"].call({"AuthMode": "WEB"}, Ctx())


def test_token_store_atomic_and_private(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    store = TokenStore(path)
    assert store.load() is None
    store.save(StoredToken("a", "r", 123.0))
    store.save(StoredToken("b", "r2", 456.0))
    assert store.load() == StoredToken("b", "r2", 456.0)
    assert file_mode(path) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["t.json"]  # no temporary files left behind
    assert "r2" not in repr(store.load())
    path.write_text("{not json")
    with pytest.raises(PgError):
        store.load()


async def test_initiate_oauth_off_uses_the_stored_token_only(tmp_path: Path) -> None:
    fake = FakeSage([customer(1)])
    s = session(fake, tmp_path)
    assert await s.auth().access_token() == "access-1"
    store = TokenStore(tmp_path / "state" / "tokens.json")
    stored = store.load()
    assert stored is not None
    store.save(StoredToken(stored.access_token, stored.refresh_token, time.time() + 30))  # nearly expired
    # inside the refresh leeway but not expired: used as it is, no token request
    assert await session(fake, tmp_path).auth(Ctx(InitiateOAuth="OFF")).access_token() == "access-1"
    assert len(fake.token_posts) == 1
    store.save(StoredToken(stored.access_token, stored.refresh_token, time.time() - 5))  # expired
    with pytest.raises(PgError) as err:
        await session(fake, tmp_path).auth(Ctx(InitiateOAuth="OFF")).access_token()
    assert err.value.sqlstate == "28000" and "expired" in err.value.message
    assert len(fake.token_posts) == 1


async def test_initiate_oauth_off_never_refreshes_after_a_401(tmp_path: Path) -> None:
    """A revoked token under InitiateOAuth=OFF: the scan fails naming the rejection; Sage ID is not asked."""
    fake = FakeSage([customer(1)])
    assert await session(fake, tmp_path).auth().access_token() == "access-1"
    posts = len(fake.token_posts)
    fake.revoke_all()
    off = SageViewProvider(CUSTOMERS, session(fake, tmp_path))
    ctx = Ctx(InitiateOAuth="OFF")
    with pytest.raises(PgError) as err:
        async for _ in off.scan(off.plan(ScanRequest(["Id"]), ctx), ctx):
            pass
    assert err.value.sqlstate == "28000"
    assert err.value.message == "Sage 200 rejected the stored access token (InitiateOAuth is OFF, so it is not refreshed)"
    assert len(fake.token_posts) == posts  # the stored refresh token was never sent


async def test_the_error_names_the_real_cause(tmp_path: Path) -> None:
    fake = FakeSage([customer(1)])
    with pytest.raises(PgError) as err:  # nothing stored, OFF
        await session(fake, tmp_path).auth(Ctx(InitiateOAuth="OFF")).access_token()
    assert err.value.message == "no OAuth access token is stored, and InitiateOAuth is OFF"
    with pytest.raises(PgError) as err:  # nothing stored, REFRESH: never a sign-in
        await session(fake, tmp_path).auth(Ctx(InitiateOAuth="REFRESH")).access_token()
    assert err.value.message == "not signed in to Sage 200: no OAuth token is stored"
    assert fake.token_posts == [] and not any(r.url.path == "/authorize" for r in fake.requests)
    store = TokenStore(tmp_path / "state" / "tokens.json")
    store.save(StoredToken("access-x", None, time.time() + 3600))  # a token without a refresh token
    auth = session(fake, tmp_path).auth(Ctx(InitiateOAuth="REFRESH"))
    with pytest.raises(PgError) as err:  # the API rejected it: not "expired"
        await auth.access_token(rejected="access-x")
    assert err.value.message == "Sage 200 rejected the access token, and no refresh token is stored to renew it"
