"""Sage ID emulation: the OAuth 2.0 authorization-code grant with rotating refresh tokens.

Served on the sandbox's own origin (docs/decisions/0202-sandbox-sage-id.md):
`GET /authorize` approves at once (no login page) and redirects to `redirect_uri` with
`code` and `state` — unless the request asks for a prompt (`prompt=login|consent|select_account`)
or the sandbox is configured with `consent_page`: then it answers a sign-in page whose Approve /
Deny buttons post to `/authorize/decision` (decision 0964). `prompt=none` never shows a page: where
one would be needed it redirects with `error=login_required`. `POST /oauth/token` exchanges a code
or a refresh token. Refresh
tokens rotate: using one invalidates it, and a second use answers `invalid_grant`.
Access tokens are opaque random strings checked against this store; they expire after
`SandboxConfig.token_lifetime` seconds of the configurable clock.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit, urlunsplit

from .config import DEMO_AUDIENCE, SandboxConfig

DEFAULT_SCOPE = "openid profile email offline_access"
INTERACTIVE_PROMPTS = frozenset({"login", "consent", "select_account"})  # OpenID Connect's prompt values
SANDBOX_USER = {"sub": "auth0|sandbox-user-0001", "email": "demo.user@example.co.uk", "name": "Demo User"}


class OAuthError(Exception):
    """An RFC 6749 error answer: JSON {"error", "error_description"} with `status`."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(f"{error}: {description}")
        self.error = error
        self.description = description
        self.status = status


@dataclass
class _Code:
    client_id: str
    redirect_uri: str
    scope: str
    expires_at: float
    nonce: str | None
    challenge: str | None
    challenge_method: str


@dataclass
class _Pending:
    """An authorization request waiting on the sign-in page's decision."""

    params: dict[str, str]
    expires_at: float


@dataclass
class _Grant:
    client_id: str
    scope: str
    expires_at: float


class SageId:
    """Codes and tokens of one sandbox (thread-safe; all state in memory)."""

    def __init__(self, config: SandboxConfig) -> None:
        self.config = config
        self._codes: dict[str, _Code] = {}
        self._access: dict[str, _Grant] = {}
        self._refresh: dict[str, _Grant] = {}
        self._pending: dict[str, _Pending] = {}
        self._lock = threading.Lock()

    # -- /authorize -----------------------------------------------------------------------

    def authorize(self, params: dict[str, str]) -> str:
        """The URL to redirect the browser to (code + state appended to redirect_uri)."""
        self.validate(params)
        return self._approve(params)

    def needs_page(self, params: dict[str, str]) -> bool:
        """Whether /authorize answers the sign-in page rather than redirecting at once (validate first)."""
        prompts = set(params.get("prompt", "").split())
        return bool(prompts & INTERACTIVE_PROMPTS) or (self.config.consent_page and "none" not in prompts)

    def refuse_silently(self, params: dict[str, str]) -> str | None:
        """prompt=none where a page would be needed: the error redirect OpenID Connect prescribes, else None."""
        if "none" in params.get("prompt", "").split() and self.config.consent_page:
            return _redirect(params, {"error": "login_required",
                                      "error_description": "the user must sign in interactively"})
        return None

    def begin_page(self, params: dict[str, str]) -> str:
        """Remember a validated request for the sign-in page; the id its form posts back."""
        transaction = secrets.token_urlsafe(18)
        with self._lock:
            now = self.config.clock()
            self._pending = {k: v for k, v in self._pending.items() if v.expires_at > now}
            self._pending[transaction] = _Pending(dict(params), now + self.config.code_lifetime)
        return transaction

    def decide(self, transaction: str, approve: bool) -> str:
        """The sign-in page's answer: the redirect with a code (Approve) or error=access_denied (Deny)."""
        with self._lock:
            pending = self._pending.pop(transaction, None)
        if pending is None or pending.expires_at <= self.config.clock():
            raise OAuthError("invalid_request", "the sign-in page expired or was already answered; start again")
        if not approve:
            return _redirect(pending.params, {"error": "access_denied",
                                              "error_description": "the user declined the sign-in"})
        return self._approve(pending.params)

    def validate(self, params: dict[str, str]) -> None:
        """OAuthError unless `params` are an acceptable authorization request."""
        client_id = params.get("client_id", "")
        redirect_uri = params.get("redirect_uri", "")
        if client_id != self.config.client_id:
            raise OAuthError("unauthorized_client", "unknown client_id")
        if not redirect_uri or urlsplit(redirect_uri).scheme not in ("http", "https"):
            raise OAuthError("invalid_request", "redirect_uri must be an absolute http(s) URL")
        if self.config.redirect_uris and redirect_uri not in self.config.redirect_uris:
            raise OAuthError("invalid_request", "redirect_uri is not registered for this client")
        if params.get("response_type", "code") != "code":
            raise OAuthError("unsupported_response_type", "only response_type=code is supported")
        audience = params.get("audience")
        if audience is not None and audience != DEMO_AUDIENCE:
            raise OAuthError("invalid_request", f"unknown audience (expected {DEMO_AUDIENCE})")
        if params.get("code_challenge_method", "plain") not in ("plain", "S256"):
            raise OAuthError("invalid_request", "code_challenge_method must be S256 or plain")

    def _approve(self, params: dict[str, str]) -> str:
        code = secrets.token_urlsafe(24)
        with self._lock:
            self._codes[code] = _Code(params["client_id"], params["redirect_uri"], params.get("scope") or DEFAULT_SCOPE,
                                      self.config.clock() + self.config.code_lifetime, params.get("nonce"),
                                      params.get("code_challenge"), params.get("code_challenge_method", "plain"))
        return _redirect(params, {"code": code})

    # -- /oauth/token ---------------------------------------------------------------------

    def token(self, form: dict[str, str], basic: tuple[str, str] | None = None) -> dict[str, object]:
        """Answer a token request (form fields; client credentials in the body or HTTP Basic)."""
        client_id, secret = basic if basic else (form.get("client_id", ""), form.get("client_secret"))
        if client_id != self.config.client_id:
            raise OAuthError("invalid_client", "unknown client_id", 401)
        grant_type = form.get("grant_type", "")
        if grant_type == "authorization_code":
            return self._exchange_code(form, secret)
        if grant_type == "refresh_token":
            self._check_secret(secret)
            return self._refresh_grant(form)
        raise OAuthError("unsupported_grant_type", "grant_type must be authorization_code or refresh_token")

    def _check_secret(self, secret: str | None) -> None:
        if secret is None or not hmac.compare_digest(secret, self.config.client_secret):
            raise OAuthError("invalid_client", "client authentication failed", 401)

    def _exchange_code(self, form: dict[str, str], secret: str | None) -> dict[str, object]:
        with self._lock:
            code = self._codes.pop(form.get("code", ""), None)
        if code is None or code.expires_at <= self.config.clock():
            raise OAuthError("invalid_grant", "authorization code is invalid, expired or already used")
        if code.challenge is None:
            self._check_secret(secret)
        elif not _pkce_ok(code.challenge, code.challenge_method, form.get("code_verifier", "")):
            raise OAuthError("invalid_grant", "code_verifier does not match the code_challenge")
        if form.get("redirect_uri", "") != code.redirect_uri:
            raise OAuthError("invalid_grant", "redirect_uri does not match the authorization request")
        return self._issue(code.client_id, code.scope, code.nonce)

    def _refresh_grant(self, form: dict[str, str]) -> dict[str, object]:
        with self._lock:
            grant = self._refresh.pop(form.get("refresh_token", ""), None)  # rotation: single use
        if grant is None or grant.expires_at <= self.config.clock():
            raise OAuthError("invalid_grant", "refresh token is invalid, expired or already used")
        return self._issue(grant.client_id, grant.scope, None)

    def _issue(self, client_id: str, scope: str, nonce: str | None,
               lifetime: int | None = None) -> dict[str, object]:
        now = self.config.clock()
        lifetime = self.config.token_lifetime if lifetime is None else lifetime
        access = secrets.token_urlsafe(32)
        refresh = secrets.token_urlsafe(32)
        with self._lock:
            self._access[access] = _Grant(client_id, scope, now + lifetime)
            if "offline_access" in scope.split():
                self._refresh[refresh] = _Grant(client_id, scope, now + self.config.refresh_token_lifetime)
        answer: dict[str, object] = {"access_token": access, "expires_in": lifetime, "token_type": "Bearer",
                                     "scope": scope}
        if "offline_access" in scope.split():
            answer["refresh_token"] = refresh
        if "openid" in scope.split():
            answer["id_token"] = self._id_token(client_id, now, lifetime, nonce)
        return answer

    def _id_token(self, client_id: str, now: float, lifetime: int, nonce: str | None) -> str:
        claims: dict[str, object] = {"iss": self.config.issuer, "aud": client_id, "iat": int(now),
                                     "exp": int(now + lifetime), **SANDBOX_USER}
        if nonce:
            claims["nonce"] = nonce
        return _jwt_hs256(claims, self.config.client_secret)

    # -- for the API routes and in-process users -------------------------------------------

    def mint(self, lifetime: int | None = None, scope: str = DEFAULT_SCOPE) -> dict[str, object]:
        """Issue tokens directly (no browser round trip), as /oauth/token would answer."""
        return self._issue(self.config.client_id, scope, None, lifetime)

    def access_status(self, token: str) -> str:
        """"valid", "expired" or "unknown" for a bearer token."""
        with self._lock:
            grant = self._access.get(token)
        if grant is None:
            return "unknown"
        return "valid" if grant.expires_at > self.config.clock() else "expired"


def _redirect(params: dict[str, str], answer: dict[str, str]) -> str:
    """redirect_uri with the answer (and the request's state) added to its query."""
    query = dict(answer)
    if "state" in params:
        query["state"] = params["state"]
    parts = urlsplit(params["redirect_uri"])
    joined = f"{parts.query}&{urlencode(query)}" if parts.query else urlencode(query)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, joined, parts.fragment))


def _pkce_ok(challenge: str, method: str, verifier: str) -> bool:
    if method == "S256":
        digest = hashlib.sha256(verifier.encode()).digest()
        computed = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
        return hmac.compare_digest(computed, challenge)
    return hmac.compare_digest(verifier, challenge)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _jwt_hs256(claims: dict[str, object], key: str) -> str:
    """A compact JWS (HS256) — what Sage ID's id_token looks like to a client that only decodes it."""
    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    payload = _b64(json.dumps(claims, separators=(",", ":")).encode())
    signature = hmac.new(key.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{_b64(signature)}"
