"""The OAuth stored procedures CData's Sage 200 driver offers, over SageAuth.

The seed lists the three procedures by name only; their parameters follow the CData
convention shared by its OAuth drivers (docs/decisions/0503-oauth-procedures.md):

- GetOAuthAuthorizationURL(CallbackUrl, Scope, State) → URL
- GetOAuthAccessToken(AuthMode, Verifier, CallbackUrl, Scope, State)
  → OAuthAccessToken, OAuthRefreshToken, ExpiresIn
- RefreshOAuthAccessToken(OAuthRefreshToken) → OAuthAccessToken, OAuthRefreshToken, ExpiresIn

Tokens obtained here are also saved to the data source's token store, so the views can
use them straight away. The results carry tokens because returning them is the purpose
of these procedures; they are never logged.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from pgserver.errors import INVALID_PARAMETER_VALUE, PgError
from pgserver.provider import ProcedureParameter, ProcedureSpec, ScanContext
from providers.sage200.model import EDITIONS
from providers.sage200.session import SageSession
from providers.sage200.tokens import StoredToken

_P = ProcedureParameter

_TOKEN_RESULT = (
    _P("OAuthAccessToken", "text", "The access token used for communication with Sage 200.", direction="OUT"),
    _P("OAuthRefreshToken", "text", "The refresh token used to renew the access token.", direction="OUT"),
    _P("ExpiresIn", "integer", "The remaining lifetime of the access token, in seconds.", direction="OUT"),
)


def _text(arguments: Mapping[str, Any], name: str) -> str | None:
    for key, value in arguments.items():
        if key.lower() == name.lower() and value is not None and str(value) != "":
            return str(value)
    return None


def _token_row(token: StoredToken) -> list[tuple[Any, ...]]:
    expires_in = None if token.expires_at is None else max(0, int(token.expires_at - time.time()))
    return [(token.access_token, token.refresh_token, expires_in)]


class GetOAuthAuthorizationURL:
    def __init__(self, schema: str, session: SageSession) -> None:
        self.session = session
        self.spec = ProcedureSpec(
            schema,
            "GetOAuthAuthorizationURL",
            "Gets the Sage ID authorization URL. Open it in a browser; the code Sage ID sends to the "
            "callback URL is the Verifier for GetOAuthAccessToken.",
            (
                _P("CallbackUrl", "text", "The URL Sage ID redirects to after sign-in (default: the "
                   "data source's redirect URI)."),
                _P("Scope", "text", "Space-separated scopes (default: openid profile email offline_access)."),
                _P("State", "text", "A value returned unchanged to the callback URL (default: random)."),
                _P("URL", "text", "The authorization URL.", direction="OUT"),
            ),
        )

    async def call(self, arguments: Mapping[str, Any], ctx: ScanContext) -> list[tuple[Any, ...]]:
        url, _ = self.session.auth(ctx).authorization_url(
            _text(arguments, "CallbackUrl"), _text(arguments, "Scope"), _text(arguments, "State")
        )
        return [(url,)]


class GetOAuthAccessToken:
    def __init__(self, schema: str, session: SageSession) -> None:
        self.session = session
        self.spec = ProcedureSpec(
            schema,
            "GetOAuthAccessToken",
            "Gets an OAuth access token from Sage ID and stores it for this data source.",
            (
                _P("AuthMode", "text", "APP: sign in without a browser where the authorization server "
                   "allows it; WEB: exchange the Verifier code from GetOAuthAuthorizationURL."),
                _P("Verifier", "text", "The code Sage ID sent to the callback URL (AuthMode=WEB)."),
                _P("CallbackUrl", "text", "The callback URL used for GetOAuthAuthorizationURL."),
                _P("Scope", "text", "Space-separated scopes."),
                _P("State", "text", "The state used for GetOAuthAuthorizationURL."),
                *_TOKEN_RESULT,
            ),
        )

    async def call(self, arguments: Mapping[str, Any], ctx: ScanContext) -> list[tuple[Any, ...]]:
        auth = self.session.auth(ctx)
        mode = (_text(arguments, "AuthMode") or ("WEB" if _text(arguments, "Verifier") else "APP")).upper()
        if mode == "WEB":
            verifier = _text(arguments, "Verifier")
            if verifier is None:
                raise PgError(INVALID_PARAMETER_VALUE, "GetOAuthAccessToken with AuthMode WEB needs a Verifier")
            token = await auth.exchange_code(verifier, _text(arguments, "CallbackUrl"))
        elif mode == "APP":
            token = await auth.authorize_without_browser()
        else:
            raise PgError(INVALID_PARAMETER_VALUE, f"AuthMode must be APP or WEB, not {mode[:20]!r}")
        return _token_row(token)


class RefreshOAuthAccessToken:
    def __init__(self, schema: str, session: SageSession) -> None:
        self.session = session
        self.spec = ProcedureSpec(
            schema,
            "RefreshOAuthAccessToken",
            "Refreshes the OAuth access token; the rotated refresh token replaces the stored one.",
            (
                _P("OAuthRefreshToken", "text", "The refresh token (default: the stored one)."),
                *_TOKEN_RESULT,
            ),
        )

    async def call(self, arguments: Mapping[str, Any], ctx: ScanContext) -> list[tuple[Any, ...]]:
        token = await self.session.auth(ctx).refresh(_text(arguments, "OAuthRefreshToken"))
        return _token_row(token)


def oauth_procedures(session: SageSession) -> list[GetOAuthAuthorizationURL | GetOAuthAccessToken | RefreshOAuthAccessToken]:
    """The three procedures in each edition's schema."""
    out: list[GetOAuthAuthorizationURL | GetOAuthAccessToken | RefreshOAuthAccessToken] = []
    for schema in EDITIONS:
        out += [
            GetOAuthAuthorizationURL(schema, session),
            GetOAuthAccessToken(schema, session),
            RefreshOAuthAccessToken(schema, session),
        ]
    return out
