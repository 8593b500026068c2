"""Sage ID OAuth 2.0 (authorization-code grant) through authlib's AsyncOAuth2Client.

`SageAuth.access_token()` is what scans call: it loads the stored token, refreshes it
shortly before it expires (honouring expires_in), persists the rotated refresh token,
and — when nothing is stored and auto-authorisation is enabled (the sandbox, whose
/authorize approves at once) — runs the authorization-code flow without a browser by
following the redirect to read the code (with `prompt=none`: a server that needs a person
answers `login_required`). `begin_sign_in()` / `finish_sign_in()` are the interactive flow
`pgserver login` drives (PKCE S256, state checked; pgserver/login.py owns the browser and the
loopback listener). Secrets (client secret, tokens, codes, the PKCE verifier) are never logged
nor put into error messages.
"""

from __future__ import annotations

import logging
import secrets
import warnings
from collections.abc import Awaitable, Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import parse_qs, urljoin, urlsplit

import anyio
import httpx
from authlib.common.security import generate_token
from authlib.integrations.base_client import OAuthError
from authlib.oauth2.rfc7636 import create_s256_code_challenge

with warnings.catch_warnings():
    # authlib 1.9 prefers the httpx2 fork and warns once when it falls back to httpx,
    # which is the HTTP library this project standardises on.
    warnings.simplefilter("ignore")
    from authlib.integrations.httpx_client import AsyncOAuth2Client

from pgserver.errors import (
    FDW_ERROR,
    FDW_UNABLE_TO_ESTABLISH_CONNECTION,
    INVALID_AUTHORIZATION_SPECIFICATION,
    PgError,
)
from pgserver.provider import UNOBSERVED, ScanObserver
from providers.sage200.client import RETRYABLE_STATUS, RetryPolicy
from providers.sage200.tokens import StoredToken, TokenStore

log = logging.getLogger(__name__)
T = TypeVar("T")

DEFAULT_SCOPE = "openid profile email offline_access"
SIGN_IN_HINT = ("Run `pgserver login` to sign in (or, as a superuser, CALL GetOAuthAuthorizationURL() "
                "then GetOAuthAccessToken('WEB', '<code>')).")
# OpenID Connect's answers to prompt=none when a person must act
INTERACTION_REQUIRED = frozenset({"login_required", "consent_required", "interaction_required",
                                  "account_selection_required"})
SAGE_AUDIENCE = "s200ukipd/sage200"


@dataclass(frozen=True)
class OAuthSettings:
    """Where and as whom to ask Sage ID for tokens."""

    client_id: str
    client_secret: str | None
    authorize_url: str  # e.g. https://id.sage.com/authorize
    token_url: str  # e.g. https://id.sage.com/oauth/token
    redirect_uri: str
    scope: str = DEFAULT_SCOPE
    audience: str | None = SAGE_AUDIENCE
    auto_authorize: bool = False  # run the code flow without a browser (sandbox auto-approves)
    refresh_leeway: float = 60.0  # refresh this many seconds before expiry

    def __repr__(self) -> str:  # the secret stays out of reprs and tracebacks
        return f"OAuthSettings(client_id={self.client_id!r}, token_url={self.token_url!r})"


@dataclass(frozen=True)
class SignInRequest:
    """One interactive sign-in under way: the URL for the browser, and what its answer must match."""

    url: str
    state: str
    redirect_uri: str
    code_verifier: str = field(repr=False)  # PKCE (RFC 7636): proves the code's redeemer started the sign-in


def _oauth_failure(action: str, exc: BaseException) -> PgError:
    if isinstance(exc, PgError):
        return exc
    if isinstance(exc, OAuthError):
        reason = exc.error or "error"
        description = (exc.description or "")[:200]
        text = f"{reason}: {description}" if description else reason
        return PgError(
            INVALID_AUTHORIZATION_SPECIFICATION,
            f"Sage ID refused to {action} ({text})",
            hint=SIGN_IN_HINT,
        )
    if isinstance(exc, httpx.HTTPStatusError):
        return PgError(FDW_ERROR, f"Sage ID failed to {action} (HTTP {exc.response.status_code})")
    if isinstance(exc, (httpx.HTTPError, TimeoutError)):
        return PgError(
            FDW_UNABLE_TO_ESTABLISH_CONNECTION, f"cannot reach Sage ID to {action} ({type(exc).__name__})"
        )
    return PgError(INVALID_AUTHORIZATION_SPECIFICATION, f"Sage ID answered badly when asked to {action}")


def _transient(exc: BaseException) -> bool:
    """Worth another try: gateway errors, rate limits, lost connections, garbled bodies."""
    if isinstance(exc, httpx.HTTPStatusError):
        return exc.response.status_code in RETRYABLE_STATUS
    return isinstance(exc, (httpx.TransportError, TimeoutError, ValueError))


class SageAuth:
    """Tokens for one data source: obtain, refresh, rotate, persist."""

    def __init__(
        self,
        settings: OAuthSettings,
        store: TokenStore,
        client: AsyncOAuth2Client,
        may_refresh: bool = True,
        policy: RetryPolicy | None = None,
        timeout: float | None = 60.0,
    ) -> None:
        self.settings = settings
        self.may_refresh = may_refresh  # InitiateOAuth=OFF: use the stored token as it is
        self.store = store
        self.client = client  # the data source's shared client (tokens go in explicit headers)
        self.policy = policy or RetryPolicy()
        self.timeout = timeout
        self._token: StoredToken | None = None

    async def _retrying(self, action: str, call: Callable[[], Awaitable[T]]) -> T:
        """`call()` with the per-request timeout, retried like data requests on transient failures."""
        attempt = 0
        while True:
            attempt += 1
            try:
                with anyio.fail_after(self.timeout) if self.timeout else nullcontext():
                    return await call()
            except (OAuthError, PgError) as exc:
                raise _oauth_failure(action, exc) from None
            except (httpx.HTTPError, TimeoutError, ValueError, KeyError) as exc:
                if not _transient(exc) or attempt >= self.policy.attempts:
                    raise _oauth_failure(action, exc) from None
                log.info("Sage ID: %s failed (%s); retry %d", action, type(exc).__name__, attempt)
                await self.policy.sleep(self.policy.backoff(attempt))

    # -- the three OAuth steps -------------------------------------------------

    def authorization_url(
        self, redirect_uri: str | None = None, scope: str | None = None, state: str | None = None,
        prompt: str | None = None,
    ) -> tuple[str, str]:
        """The Sage ID sign-in URL and the state it carries."""
        state = state or secrets.token_urlsafe(24)
        extra: dict[str, Any] = {"audience": self.settings.audience} if self.settings.audience else {}
        if prompt:
            extra["prompt"] = prompt
        url, state = self.client.create_authorization_url(
            self.settings.authorize_url,
            state=state,
            redirect_uri=redirect_uri or self.settings.redirect_uri,
            scope=scope or self.settings.scope,
            **extra,
        )
        return url, state

    def begin_sign_in(self, redirect_uri: str | None = None, prompt: str | None = "login") -> SignInRequest:
        """An interactive sign-in: the URL to open (with a PKCE S256 challenge and a fresh state) and what
        `finish_sign_in` needs. `prompt=login` asks Sage ID to let the person choose who signs in."""
        verifier = generate_token(64)
        extra: dict[str, Any] = {"code_challenge": create_s256_code_challenge(verifier),
                                 "code_challenge_method": "S256"}
        if prompt:
            extra["prompt"] = prompt
        if self.settings.audience:
            extra["audience"] = self.settings.audience
        redirect = redirect_uri or self.settings.redirect_uri
        url, state = self.client.create_authorization_url(
            self.settings.authorize_url, state=secrets.token_urlsafe(24), redirect_uri=redirect,
            scope=self.settings.scope, **extra,
        )
        return SignInRequest(url, state, redirect, verifier)

    async def finish_sign_in(self, request: SignInRequest, callback_url: str) -> StoredToken:
        """The browser came back to `callback_url`: check its state, trade the code (with the PKCE verifier)
        for tokens, and store them."""
        code = self._code_from_redirect(callback_url, request.state)
        response = await self._retrying(
            "exchange the authorization code",
            lambda: self._fetch_code_token(code, request.redirect_uri, request.code_verifier),
        )
        return self._keep(response, None)

    async def _fetch_code_token(self, code: str, redirect_uri: str | None,
                                code_verifier: str | None = None) -> dict[str, Any]:
        extra = {"code_verifier": code_verifier} if code_verifier else {}
        return await self.client.fetch_token(
            self.settings.token_url,
            grant_type="authorization_code",
            code=code,
            redirect_uri=redirect_uri or self.settings.redirect_uri,
            **extra,
        )

    async def exchange_code(self, code: str, redirect_uri: str | None = None) -> StoredToken:
        """Trade an authorization code for tokens, and store them."""
        response = await self._retrying(
            "exchange the authorization code", lambda: self._fetch_code_token(code, redirect_uri)
        )
        return self._keep(response, None)

    async def refresh(self, refresh_token: str | None = None) -> StoredToken:
        """Use a refresh token (the stored one by default); the rotated one replaces it."""
        current = self._token or self.store.load()
        refresh_token = refresh_token or (current.refresh_token if current else None)
        if not refresh_token:
            raise PgError(INVALID_AUTHORIZATION_SPECIFICATION, "no OAuth refresh token is stored",
                          hint=SIGN_IN_HINT)
        response = await self._retrying(
            "refresh the access token",
            lambda: self.client.refresh_token(self.settings.token_url, refresh_token=refresh_token),
        )
        log.info("Sage ID access token refreshed")
        return self._keep(response, refresh_token)

    async def authorize_without_browser(self) -> StoredToken:
        """The code flow for an authorization server that approves at once (the sandbox).
        A transient failure anywhere restarts the whole flow (codes are single-use)."""
        return self._keep(await self._retrying("sign in", self._browserless_flow), None)

    async def _browserless_flow(self) -> dict[str, Any]:
        url, state = self.authorization_url(prompt="none")
        for _ in range(5):  # a few hops at most: /authorize → (login?) → redirect_uri
            response = await self.client.get(url, follow_redirects=False, auth=None)
            if response.status_code in RETRYABLE_STATUS:
                response.raise_for_status()
            location = response.headers.get("location")
            if response.status_code not in (301, 302, 303, 307, 308) or not location:
                break
            url = urljoin(url, location)
            if url.startswith(self.settings.redirect_uri.split("?")[0]):
                return await self._fetch_code_token(self._code_from_redirect(url, state), None)
        raise PgError(INVALID_AUTHORIZATION_SPECIFICATION, "Sage ID needs an interactive sign-in",
                      hint=SIGN_IN_HINT)

    @staticmethod
    def _code_from_redirect(url: str, state: str) -> str:
        query = parse_qs(urlsplit(url).query)
        if query.get("state", [None])[0] != state:
            raise PgError(INVALID_AUTHORIZATION_SPECIFICATION, "Sage ID sign-in returned a mismatched state",
                          hint="Start the sign-in again; use the address of the latest attempt only.")
        if "error" in query:
            error = query["error"][0][:100]
            if error in INTERACTION_REQUIRED:
                raise PgError(INVALID_AUTHORIZATION_SPECIFICATION,
                              f"Sage ID needs an interactive sign-in ({error})", hint=SIGN_IN_HINT)
            description = query.get("error_description", [""])[0][:200]
            raise PgError(
                INVALID_AUTHORIZATION_SPECIFICATION,
                f"Sage ID sign-in failed: {error}" + (f" ({description})" if description else ""),
            )
        code = query.get("code", [None])[0]
        if not code:
            raise PgError(INVALID_AUTHORIZATION_SPECIFICATION, "Sage ID sign-in returned no code")
        return code

    def current_token(self) -> StoredToken | None:
        """The token in use (for status reports): this process's latest, else the stored one."""
        return self._token or self.store.load()

    # -- what scans use ----------------------------------------------------------

    @staticmethod
    async def _counted(observer: ScanObserver, grant: str, call: Awaitable[StoredToken]) -> str:
        """Await a token request, reporting its outcome (metrics: token refreshes and sign-ins)."""
        try:
            token = await call
        except PgError:
            observer.token_request(grant, False)
            raise
        observer.token_request(grant, True)
        return token.access_token

    async def access_token(self, rejected: str | None = None, observer: ScanObserver = UNOBSERVED) -> str:
        """A valid access token, refreshed ahead of expiry; one refresh at a time.

        `rejected` is a token the API just answered 401 to: it is renewed even if its expiry lies ahead (unless
        another task has already replaced it). InitiateOAuth decides what may happen (CData's meaning):
        OFF uses the stored token as it is — never refreshed, never replaced; REFRESH refreshes it but never
        starts a sign-in; GETANDREFRESH also signs in where that needs no browser (the sandbox)."""
        token = self._token
        if token is not None and token.access_token != rejected and not token.needs_refresh(
            self.settings.refresh_leeway
        ):
            return token.access_token
        async with self.store.lock:
            # Another session on the same store may have rotated the token: the file wins.
            token = self.store.load() or self._token
            if (
                token is not None
                and token.access_token != rejected
                and not token.needs_refresh(self.settings.refresh_leeway)
            ):
                self._token = token
                return token.access_token
            if not self.may_refresh:
                return self._stored_as_it_is(token, rejected)
            if token is not None and token.refresh_token:
                try:
                    return await self._counted(observer, "refresh_token", self.refresh(token.refresh_token))
                except PgError as exc:
                    # A refused grant (e.g. the sandbox restarted) can be replaced by a new
                    # sign-in where that needs no browser; otherwise the refusal stands.
                    if exc.sqlstate != INVALID_AUTHORIZATION_SPECIFICATION or not self.settings.auto_authorize:
                        raise
                    log.info("Sage ID refused the stored refresh token; signing in again")
                    return await self._counted(observer, "authorization_code", self.authorize_without_browser())
            if self.settings.auto_authorize:
                return await self._counted(observer, "authorization_code", self.authorize_without_browser())
            if token is None:
                reason = "not signed in to Sage 200: no OAuth token is stored"
            elif token.access_token == rejected:
                reason = "Sage 200 rejected the access token, and no refresh token is stored to renew it"
            else:
                reason = "the Sage 200 access token expired, and no refresh token is stored to renew it"
            raise PgError(INVALID_AUTHORIZATION_SPECIFICATION, reason, hint=SIGN_IN_HINT)

    def _stored_as_it_is(self, token: StoredToken | None, rejected: str | None) -> str:
        """InitiateOAuth=OFF: the stored token while it works; the real reason when it does not."""
        if token is None:
            reason = "no OAuth access token is stored, and InitiateOAuth is OFF"
        elif token.access_token == rejected:
            reason = "Sage 200 rejected the stored access token (InitiateOAuth is OFF, so it is not refreshed)"
        elif token.expires_within(0):
            reason = "the stored Sage 200 access token expired (InitiateOAuth is OFF, so it is not refreshed)"
        else:
            self._token = token  # close to expiry, but still valid: used as it is
            return token.access_token
        raise PgError(INVALID_AUTHORIZATION_SPECIFICATION, reason,
                      hint="Sign in again with `pgserver login`, or set InitiateOAuth to REFRESH or GETANDREFRESH.")

    def _keep(self, response: dict[str, Any], previous_refresh: str | None) -> StoredToken:
        if not isinstance(response, dict) or not response.get("access_token"):
            raise PgError(INVALID_AUTHORIZATION_SPECIFICATION, "Sage ID returned no access token")
        previous = self._token.signed_in_as if self._token is not None else None
        token = StoredToken.from_response(dict(response), previous_refresh, previous)
        self.store.save(token)
        self._token = token
        return token
