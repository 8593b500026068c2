"""GET requests to the Sage 200 API: per-request timeout, bounded retries, error mapping.

Transient failures — 429 (honouring Retry-After), 500/502/503/504, connection errors, read
timeouts, truncated or invalid JSON, and pages the caller's validator rejects (short pages,
duplicate keys) — are retried with exponential backoff and full jitter, a bounded number of
times; then the request fails with a PgError (SQLSTATE choice: docs/decisions/0502-sage-errors.md).
A 401 refreshes the access token once. Other 4xx answers fail at once with the API's own
message. Request headers (bearer token, subscription key) never reach logs or errors.
"""

from __future__ import annotations

import email.utils
import json
import logging
import math
import random
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import anyio
import httpx

from pgserver.errors import (
    FDW_ERROR,
    FDW_UNABLE_TO_ESTABLISH_CONNECTION,
    INSUFFICIENT_PRIVILEGE,
    INVALID_AUTHORIZATION_SPECIFICATION,
    QUERY_CANCELED,
    PgError,
)
from providers.sage200.odata import encode_query, readable_query

log = logging.getLogger(__name__)

RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently a request is retried."""

    attempts: int = 5  # tries in total, the first included
    base_delay: float = 0.5  # seconds; doubled per retry, full jitter
    max_delay: float = 20.0
    max_retry_after: float = 120.0  # a longer Retry-After is capped to this
    sleep: Callable[[float], Awaitable[None]] = anyio.sleep  # tests record the waits instead

    def backoff(self, retry: int) -> float:
        """Delay before retry number `retry` (1-based): uniform in [0, min(max, base·2^(n-1))]."""
        return random.uniform(0, min(self.max_delay, self.base_delay * 2 ** (retry - 1)))


class TransientError(Exception):
    """A failure worth retrying; `retry_after` is the server's requested wait, if any."""

    def __init__(self, reason: str, *, retry_after: float | None = None, kind: str = "remote") -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after
        self.kind = kind  # "remote", "connect", "timeout"


class InvalidPage(TransientError):
    """A 200 answer whose content cannot be right (short page, duplicate keys …)."""


AuthHeaders = Callable[[dict[str, str] | None], Awaitable[dict[str, str]]]  # rejected headers -> headers


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or HTTP-date); None if absent/bad."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
        return max(0.0, seconds) if math.isfinite(seconds) else None
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def api_message(response: httpx.Response) -> str:
    """The API's error text: `[{"$message": …}]`, `{"message": …}` or the plain body."""
    try:
        body = response.json()
    except ValueError:
        text = response.text.strip()
        return text[:300] if text else response.reason_phrase
    items = body if isinstance(body, list) else [body]
    messages: list[str] = []
    for item in items:
        if isinstance(item, dict):
            for key in ("$message", "message", "Message", "error_description", "error"):
                if isinstance(item.get(key), str):
                    messages.append(item[key])
                    break
    return "; ".join(messages)[:300] if messages else response.reason_phrase


def parse_json(content: bytes) -> Any:
    """The body as JSON with decimals kept exact; TransientError if truncated or invalid."""
    try:
        return json.loads(content, parse_float=Decimal)
    except (ValueError, UnicodeDecodeError):
        raise TransientError(f"invalid or truncated JSON body ({len(content)} bytes)") from None


class SageHttp:
    """The data source's shared httpx client, used for every GET of every scan."""

    def __init__(self, client: httpx.AsyncClient, policy: RetryPolicy) -> None:
        self.client = client
        self.policy = policy

    async def _attempt(self, url: str, headers: dict[str, str], timeout: float | None) -> httpx.Response:
        try:
            if timeout:
                with anyio.fail_after(timeout):
                    return await self.client.get(url, headers=headers, timeout=timeout, auth=None)
            return await self.client.get(url, headers=headers, timeout=None, auth=None)
        except (TimeoutError, httpx.TimeoutException):
            limit = f"within {timeout:g} s" if timeout else "(transport timeout)"
            raise TransientError(f"no answer {limit}", kind="timeout") from None
        except httpx.ConnectError as exc:
            raise TransientError(f"cannot connect ({type(exc).__name__})", kind="connect") from None
        except httpx.TransportError as exc:  # dropped mid-answer, bad framing …: the API was reached
            raise TransientError(f"the connection broke ({type(exc).__name__})") from None

    async def get_json(
        self,
        path: str,
        params: Sequence[tuple[str, str]],
        *,
        auth_headers: AuthHeaders,
        timeout: float | None,
        validate: Callable[[Any], Any] | None = None,
        parse: Callable[[bytes], Any] = parse_json,
    ) -> Any:
        """GET path?params → parsed JSON (through `validate`, which may raise InvalidPage).
        `parse` turns the body into the value `validate` sees (a TransientError is retried)."""
        url = path + ("?" + encode_query(params) if params else "")
        shown = path + ("?" + readable_query(params) if params else "")
        rejected: dict[str, str] | None = None
        failures = 0
        while True:
            headers = await auth_headers(rejected)
            try:
                response = await self._attempt(url, headers, timeout)
                if response.status_code == 401 and rejected is None:
                    rejected = headers  # the token may have been revoked early: renew it once
                    continue
                self._raise_for_status(response, shown)
                value = parse(response.content)
                return validate(value) if validate is not None else value
            except TransientError as exc:
                failures += 1
                if failures >= self.policy.attempts:
                    raise self._give_up(exc, shown, failures) from None
                delay = self.policy.backoff(failures)
                if exc.retry_after is not None:
                    delay = max(delay, min(exc.retry_after, self.policy.max_retry_after))
                log.info("Sage 200 GET %s: %s; retry %d in %.2f s", shown, exc.reason, failures, delay)
                await self.policy.sleep(delay)

    def _raise_for_status(self, response: httpx.Response, shown: str) -> None:
        status = response.status_code
        if status < 400:
            return
        if status in RETRYABLE_STATUS:
            retry_after = parse_retry_after(response.headers.get("retry-after")) if status == 429 else None
            said = api_message(response)  # the API's own words, if its body has any
            reason = f"HTTP {status} {response.reason_phrase}" + (f": {said}" if said != response.reason_phrase else "")
            raise TransientError(reason, retry_after=retry_after)
        message = api_message(response)
        if status == 401:
            raise PgError(
                INVALID_AUTHORIZATION_SPECIFICATION,
                f"Sage 200 rejected the access token: {message}",
                hint="Sign in again (GetOAuthAccessToken) or check CompanyId.",
            )
        if status == 403:
            raise PgError(INSUFFICIENT_PRIVILEGE, f"Sage 200 denied access: {message}", detail=f"GET {shown}")
        raise PgError(FDW_ERROR, f"Sage 200 API error {status}: {message}", detail=f"GET {shown}")

    def _give_up(self, exc: TransientError, shown: str, failures: int) -> PgError:
        detail = f"GET {shown}"
        if exc.kind == "timeout":
            return PgError(
                QUERY_CANCELED,
                f"Sage 200 API request timed out {failures} times ({exc.reason})",
                detail=detail,
                hint="Raise the Timeout connection property (0 disables it).",
            )
        if exc.kind == "connect":
            return PgError(
                FDW_UNABLE_TO_ESTABLISH_CONNECTION,
                f"cannot reach the Sage 200 API after {failures} attempts: {exc.reason}",
                detail=detail,
            )
        return PgError(
            FDW_ERROR, f"Sage 200 API request failed after {failures} attempts: {exc.reason}", detail=detail
        )
