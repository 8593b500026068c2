"""The OAuth stored procedures CData's Sage 200 driver offers, over SageAuth.

The seed lists the three procedures by name only; their parameters follow the CData
convention shared by its OAuth drivers (docs/decisions/0503-oauth-procedures.md):

- GetOAuthAuthorizationURL(CallbackUrl, Scope, State) → URL
- GetOAuthAccessToken(AuthMode, Verifier, CallbackUrl, Scope, State) → the sign-in's status
- RefreshOAuthAccessToken(OAuthRefreshToken) → the sign-in's status

Tokens obtained here are saved to the data source's token store, so the views use them
straight away. They are never returned to SQL: the token store is shared by every
connection of the data source, so a token handed to one login would let it bypass the
read-only SQL surface and rotate the credentials under everyone else (decision 0961).
The results report status instead (who signed in, scopes, expiry). The two procedures
that change the stored credentials are privileged: superusers only.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Mapping
from typing import Any

from pgserver.errors import INVALID_PARAMETER_VALUE, PgError
from pgserver.provider import ProcedureParameter, ProcedureSpec, ScanContext
from providers.sage200.data_source import SageSession
from providers.sage200.model import EDITIONS
from providers.sage200.tokens import StoredToken

_P = ProcedureParameter

_STATUS_RESULT = (
    _P("Status", "text", "What happened: 'signed in' or 'refreshed'.", direction="OUT"),
    _P("SignedInAs", "text", "The Sage ID user the tokens belong to (from the id_token), if known.",
       direction="OUT"),
    _P("Scope", "text", "The scopes granted.", direction="OUT"),
    _P("ExpiresAt", "timestamp with time zone", "When the access token expires.", direction="OUT"),
    _P("ExpiresIn", "integer", "The remaining lifetime of the access token, in seconds.", direction="OUT"),
    _P("HasRefreshToken", "boolean", "Whether a refresh token is stored, so the access token renews itself.",
       direction="OUT"),
)


def _text(arguments: Mapping[str, Any], name: str) -> str | None:
    for key, value in arguments.items():
        if key.lower() == name.lower() and value is not None and str(value) != "":
            return str(value)
    return None


def _status_row(status: str, token: StoredToken) -> list[tuple[Any, ...]]:
    """What a sign-in or refresh reports: never a token value."""
    expires_in = None if token.expires_at is None else max(0, int(token.expires_at - time.time()))
    expires_at = None if token.expires_at is None else dt.datetime.fromtimestamp(token.expires_at, dt.UTC)
    return [(status, token.signed_in_as, token.scope, expires_at, expires_in, bool(token.refresh_token))]


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
            "Signs in to Sage ID and stores the tokens for this data source (superusers only); reports "
            "the sign-in's status, never the tokens.",
            (
                _P("AuthMode", "text", "APP: sign in without a browser where the authorization server "
                   "allows it; WEB: exchange the Verifier code from GetOAuthAuthorizationURL."),
                _P("Verifier", "text", "The code Sage ID sent to the callback URL (AuthMode=WEB)."),
                _P("CallbackUrl", "text", "The callback URL used for GetOAuthAuthorizationURL."),
                _P("Scope", "text", "Space-separated scopes."),
                _P("State", "text", "The state used for GetOAuthAuthorizationURL."),
                *_STATUS_RESULT,
            ),
            privileged=True,
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
        return _status_row("signed in", token)


class RefreshOAuthAccessToken:
    def __init__(self, schema: str, session: SageSession) -> None:
        self.session = session
        self.spec = ProcedureSpec(
            schema,
            "RefreshOAuthAccessToken",
            "Refreshes the OAuth access token (superusers only); the rotated refresh token replaces the "
            "stored one. Reports the status, never the tokens.",
            (
                _P("OAuthRefreshToken", "text", "The refresh token (default: the stored one)."),
                *_STATUS_RESULT,
            ),
            privileged=True,
        )

    async def call(self, arguments: Mapping[str, Any], ctx: ScanContext) -> list[tuple[Any, ...]]:
        token = await self.session.auth(ctx).refresh(_text(arguments, "OAuthRefreshToken"))
        return _status_row("refreshed", token)


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
