"""The OAuth token store: one JSON file, readable by its owner only (0600).

Writes go to a temporary file created 0600 in the same directory and are renamed over
the old one, so a crash never leaves a half-written token and the secret is never
world-readable, not even for a moment. Sage rotates refresh tokens: every refresh
replaces the stored one.
"""

from __future__ import annotations

import base64
import json
import os
import stat
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio

from pgserver.errors import INVALID_AUTHORIZATION_SPECIFICATION, PgError


@dataclass(frozen=True)
class StoredToken:
    """The parts of a token response worth keeping."""

    access_token: str
    refresh_token: str | None
    expires_at: float | None  # epoch seconds
    token_type: str = "Bearer"
    scope: str | None = None
    lifetime: float | None = None  # the expires_in it was issued with, in seconds
    signed_in_as: str | None = None  # who signed in (the id_token's email or name claim), for status reports

    @classmethod
    def from_response(cls, token: dict[str, Any], previous_refresh: str | None = None,
                      previous_identity: str | None = None) -> StoredToken:
        """From an OAuth token response; keeps the previous refresh token (and identity) if none came back."""
        expires_at: float | None = None
        lifetime = float(token["expires_in"]) if token.get("expires_in") is not None else None
        if lifetime is not None:
            expires_at = time.time() + lifetime
        elif token.get("expires_at") is not None:
            expires_at = float(token["expires_at"])
        return cls(
            access_token=str(token["access_token"]),
            refresh_token=token.get("refresh_token") or previous_refresh,
            expires_at=expires_at,
            token_type=str(token.get("token_type") or "Bearer"),
            scope=token.get("scope"),
            lifetime=lifetime,
            signed_in_as=_identity(token.get("id_token")) or previous_identity,
        )

    def as_authlib(self) -> dict[str, Any]:
        """The dict authlib's clients expect."""
        out: dict[str, Any] = {"access_token": self.access_token, "token_type": self.token_type}
        if self.refresh_token:
            out["refresh_token"] = self.refresh_token
        if self.expires_at is not None:
            out["expires_at"] = int(self.expires_at)
        if self.scope:
            out["scope"] = self.scope
        return out

    def expires_within(self, seconds: float) -> bool:
        return self.expires_at is not None and self.expires_at - time.time() <= seconds

    def needs_refresh(self, leeway: float) -> bool:
        """Expiring within `leeway`, shortened to half the lifetime for short-lived tokens
        (a 30 s token must not be refreshed on every request)."""
        if self.lifetime is not None:
            leeway = min(leeway, self.lifetime / 2)
        return self.expires_within(leeway)

    def __repr__(self) -> str:  # never print the secrets
        return f"StoredToken(expires_at={self.expires_at!r}, has_refresh={self.refresh_token is not None})"


def _identity(id_token: Any) -> str | None:
    """The signed-in user named by an OpenID id_token (email, else name, else subject), for display only:
    the claims are read, not verified — nothing is decided on them."""
    if not isinstance(id_token, str) or id_token.count(".") != 2:
        return None
    payload = id_token.split(".")[1]
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(claims, dict):
        return None
    for key in ("email", "name", "sub"):
        if isinstance(claims.get(key), str) and claims[key]:
            return claims[key][:200]
    return None


class TokenStore:
    """Load and save one token at `path` (None: keep it in memory only)."""

    def __init__(self, path: str | os.PathLike[str] | None) -> None:
        self.path = Path(path) if path is not None else None
        self._memory: StoredToken | None = None
        self.lock = anyio.Lock()  # one refresh at a time per store: refresh tokens are single-use

    def load(self) -> StoredToken | None:
        if self.path is None:
            return self._memory
        try:
            with self.path.open(encoding="utf-8") as fh:
                data = json.load(fh)
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            raise PgError(
                INVALID_AUTHORIZATION_SPECIFICATION,
                f"the OAuth token store {self.path} is unreadable",
                hint="Delete it and sign in again.",
            ) from None
        if not isinstance(data, dict) or not isinstance(data.get("access_token"), str):
            return None
        return StoredToken(
            access_token=data["access_token"],
            refresh_token=data.get("refresh_token"),
            expires_at=data.get("expires_at"),
            token_type=data.get("token_type") or "Bearer",
            scope=data.get("scope"),
            lifetime=data.get("lifetime"),
            signed_in_as=data.get("signed_in_as"),
        )

    def save(self, token: StoredToken) -> None:
        if self.path is None:
            self._memory = token
            return
        data = {
            "access_token": token.access_token,
            "refresh_token": token.refresh_token,
            "expires_at": token.expires_at,
            "token_type": token.token_type,
            "scope": token.scope,
            "lifetime": token.lifetime,
            "signed_in_as": token.signed_in_as,
        }
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # a new directory: its owner only
        fd, tmp = tempfile.mkstemp(prefix=".tokens-", dir=self.path.parent)  # mkstemp creates 0600
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, stat.S_IRUSR | stat.S_IWUSR)
            os.replace(tmp, self.path)
        except BaseException:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
            raise

    def clear(self) -> None:
        if self.path is None:
            self._memory = None
            return
        try:
            self.path.unlink()
        except FileNotFoundError:
            pass
