"""GET requests to the Sage 200 API: a time budget per request, bounded retries, error mapping.

The connection's `Timeout` bounds the whole of one logical request — every attempt, every wait between attempts,
a token refresh on the way — as the spec describes it ("the value in seconds until the timeout error is
thrown"); per-attempt limits are internal (`RequestBudget`). Transient failures — 500/502/503/504, connection
errors, truncated or invalid JSON, and pages the caller's validator rejects (short pages, duplicate keys) — are
retried with exponential backoff and full jitter, a bounded number of times. HTTP 429 (rate limit) is not a
failure of the request: it waits as long as Retry-After asks (or backs off) and tries again for as long as the
budget allows, without spending an attempt. Then the request fails with a PgError (SQLSTATE choice:
docs/decisions/0502-sage-errors.md). A 401 refreshes the access token once. Other 4xx answers fail at once with
the API's own message. Request headers (bearer token, subscription key) never reach logs or errors. Every
attempt is reported to the scan's ScanObserver (pgserver.provider.RemoteRequest: resource, status, time, size —
never the query), for the statement log and the metrics.
"""

from __future__ import annotations

import contextlib
import email.utils
import json
import logging
import math
import random
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
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
from pgserver.provider import UNOBSERVED, RemoteRequest, ScanObserver
from providers.sage200.convert import dump_json
from providers.sage200.odata import encode_query, readable_query

log = logging.getLogger(__name__)

RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently a request is retried."""

    attempts: int = 5  # tries in total, the first included (rate-limited tries do not count)
    base_delay: float = 0.5  # seconds; doubled per retry, full jitter
    max_delay: float = 20.0
    max_retry_after: float = 120.0  # a longer Retry-After is capped to this
    rate_limited_retries: int = 100  # without a Timeout, how many 429s in a row a request waits out
    split_from: float = 10.0  # while this much time remains, an attempt may use only half of it (a hang is retried)
    sleep: Callable[[float], Awaitable[None]] = anyio.sleep  # tests record the waits instead

    def backoff(self, retry: int) -> float:
        """Delay before retry number `retry` (1-based): uniform in [0, min(max, base·2^(n-1))]."""
        return random.uniform(0, min(self.max_delay, self.base_delay * 2 ** (retry - 1)))


class RequestBudget:
    """The time and tries one logical request may spend: `timeout` seconds in all (None: unbounded)."""

    def __init__(self, policy: RetryPolicy, timeout: float | None) -> None:
        self.policy = policy
        self.timeout = timeout
        self.deadline = None if not timeout else anyio.current_time() + timeout
        self.failures = 0  # attempts that failed for another reason than a rate limit
        self.rate_limited = 0
        self.out_of_time = False  # the last failure came too close to the deadline for another try

    def remaining(self) -> float | None:
        return None if self.deadline is None else self.deadline - anyio.current_time()

    def attempt_timeout(self) -> float | None:
        """The limit for the next attempt: half of what remains while that is long (`split_from`), so that an
        attempt that hangs leaves time to send the request again; the rest when it is short."""
        left = self.remaining()
        if left is None:
            return None
        return max(0.001, left / 2 if left >= self.policy.split_from else left)

    def next_wait(self, rate_limited: bool, retry_after: float | None) -> float | None:
        """Count a failed attempt; the delay before the next one, or None when the budget is spent."""
        if rate_limited:
            self.rate_limited += 1
            if self.deadline is None and self.rate_limited > self.policy.rate_limited_retries:
                return None
            delay = self.policy.backoff(self.rate_limited)
        else:
            self.failures += 1
            if self.failures >= self.policy.attempts:
                return None
            delay = self.policy.backoff(self.failures)
        if retry_after is not None:
            delay = max(delay, min(retry_after, self.policy.max_retry_after))
        left = self.remaining()
        if left is not None and delay >= left:
            self.out_of_time = True  # the answer could not come in time
            return None
        return delay


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


def resource_label(path: str) -> str:
    """The resource a request path names, ids replaced (bounded label values for metrics):
    /uk/sage200/accounts/v1/customers/27825/customer_contacts → customers/{id}/customer_contacts."""
    tail = path.split("/accounts/v1/", 1)[1] if "/accounts/v1/" in path else path
    return "/".join("{id}" if part.isdigit() else part for part in tail.split("/") if part)


class SageHttp:
    """The data source's shared httpx client, used for every GET of every scan."""

    def __init__(self, client: httpx.AsyncClient, policy: RetryPolicy, observer: ScanObserver = UNOBSERVED) -> None:
        self.client = client
        self.policy = policy
        self.observer = observer

    async def _observed(self, attempt: Awaitable[httpx.Response], resource: str, retry: bool) -> httpx.Response:
        """One attempt, reported to the observer (status 0 when no answer came)."""
        started = time.perf_counter()
        status = size = 0
        try:
            response = await attempt
            status, size = response.status_code, len(response.content)
            return response
        finally:
            self.observer.request_done(RemoteRequest(resource, status, time.perf_counter() - started, size, retry))

    async def _attempt(self, url: str, headers: dict[str, str], timeout: float | None) -> httpx.Response:
        try:
            if timeout:
                with anyio.fail_after(timeout):
                    return await self.client.get(url, headers=headers, timeout=timeout, auth=None)
            return await self.client.get(url, headers=headers, timeout=None, auth=None)
        except (TimeoutError, httpx.TimeoutException):
            raise TransientError("no answer in time", kind="timeout") from None
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
        """GET path?params → parsed JSON (through `validate`, which may raise InvalidPage), all within
        `timeout` seconds (None: no bound). `parse` turns the body into the value `validate` sees (a
        TransientError is retried)."""
        url = path + ("?" + encode_query(params) if params else "")
        shown = path + ("?" + readable_query(params) if params else "")
        rejected: dict[str, str] | None = None
        budget = RequestBudget(self.policy, timeout)
        resource = resource_label(path)
        attempts = 0
        while True:
            try:
                with _within(budget):
                    headers = await auth_headers(rejected)
                attempts += 1
                response = await self._observed(self._attempt(url, headers, budget.attempt_timeout()), resource,
                                                attempts > 1)
                if response.status_code == 401 and rejected is None:
                    rejected = headers  # the token may have been revoked early: renew it once
                    continue
                self._raise_for_status(response, shown)
                value = parse(response.content)
                return validate(value) if validate is not None else value
            except TransientError as exc:
                delay = budget.next_wait(exc.kind == "rate limit", exc.retry_after)
                if delay is None:
                    raise self._give_up(exc, shown, budget) from None
                log.info("Sage 200 GET %s: %s; retry in %.2f s", shown, exc.reason, delay)
                await self.policy.sleep(delay)

    def _raise_for_status(self, response: httpx.Response, shown: str) -> None:
        status = response.status_code
        if status < 400:
            return
        if status == 429:
            raise TransientError(f"HTTP 429 {response.reason_phrase}", kind="rate limit",
                                 retry_after=parse_retry_after(response.headers.get("retry-after")))
        if status in RETRYABLE_STATUS:
            said = api_message(response)  # the API's own words, if its body has any
            raise TransientError(f"HTTP {status} {response.reason_phrase}"
                                 + (f": {said}" if said != response.reason_phrase else ""))
        message = api_message(response)
        if status == 401:
            raise PgError(
                INVALID_AUTHORIZATION_SPECIFICATION,
                f"Sage 200 rejected the access token: {message}",
                hint="Sign in again with `pgserver login`, or check CompanyId.",
            )
        if status == 403:
            raise PgError(INSUFFICIENT_PRIVILEGE, f"Sage 200 denied access: {message}", detail=f"GET {shown}")
        raise PgError(FDW_ERROR, f"Sage 200 API error {status}: {message}", detail=f"GET {shown}")

    def _give_up(self, exc: TransientError, shown: str, budget: RequestBudget) -> PgError:
        detail = f"GET {shown}"
        tries = budget.failures + budget.rate_limited
        if exc.kind == "timeout" or budget.out_of_time:
            return timeout_error(budget.timeout, f"{exc.reason} after {tries} attempt(s)", detail)
        if exc.kind == "rate limit":
            limit = f"within Timeout ({budget.timeout:g} s)" if budget.timeout else f"after {tries} attempts"
            return PgError(
                FDW_ERROR, f"the Sage 200 API kept refusing for its rate limit (HTTP 429) {limit}", detail=detail,
                hint="Try again later, lower MaxThreads, or raise the Timeout connection property.",
            )
        if exc.kind == "connect":
            return PgError(
                FDW_UNABLE_TO_ESTABLISH_CONNECTION,
                f"cannot reach the Sage 200 API after {tries} attempts: {exc.reason}",
                detail=detail,
            )
        return PgError(FDW_ERROR, f"Sage 200 API request failed after {tries} attempts: {exc.reason}", detail=detail)


    # -- writes ------------------------------------------------------------------------------

    async def send_json(
        self,
        method: str,
        path: str,
        body: Any,
        *,
        auth_headers: AuthHeaders,
        timeout: float | None,
        idempotent: bool,
    ) -> Any:
        """POST/PUT/DELETE `body` as JSON → the parsed answer (None for an empty body).

        Sent again only when the API cannot have applied it (no connection, 401 before a token refresh, 429,
        503) or when sending it again is harmless (`idempotent`: PUT, DELETE). When a non-idempotent write
        may have been applied but its answer was lost (the connection broke after sending, no answer in
        time, 500/502/504, a truncated answer), AmbiguousWrite is raised at once: the caller finds out by
        reading. A refusal (other 4xx) is ApiRejection with the API's own words."""
        content = None if body is None else dump_json(body).encode()
        headers_extra = {"Content-Type": "application/json"} if content is not None else {}
        shown = f"{method} {path}"
        rejected: dict[str, str] | None = None
        budget = RequestBudget(self.policy, timeout)
        resource = resource_label(path)
        attempts = 0
        while True:
            try:
                with _within(budget):
                    headers = await auth_headers(rejected)
                attempts += 1
                response = await self._observed(self._send(method, path, content, {**headers, **headers_extra},
                                                           budget.attempt_timeout(), idempotent),
                                                resource, attempts > 1)
                if response.status_code == 401 and rejected is None:
                    rejected = headers
                    continue
                status = response.status_code
                if status == 429:
                    raise TransientError(f"HTTP 429 {response.reason_phrase}", kind="rate limit",
                                         retry_after=parse_retry_after(response.headers.get("retry-after")))
                if status == 503:
                    raise TransientError(f"HTTP 503 {response.reason_phrase}")
                if status in RETRYABLE_STATUS:
                    if not idempotent:
                        raise AmbiguousWrite(f"HTTP {status} {response.reason_phrase}")
                    raise TransientError(f"HTTP {status} {response.reason_phrase}")
                if status >= 400:
                    raise ApiRejection(status, api_data_code(response), api_message(response), shown)
                if not response.content.strip():
                    return None
                try:
                    return parse_json(response.content)
                except TransientError as exc:
                    if not idempotent:
                        raise AmbiguousWrite(exc.reason) from None
                    raise
            except TransientError as exc:
                delay = budget.next_wait(exc.kind == "rate limit", exc.retry_after)
                if delay is None:
                    raise self._give_up(exc, shown, budget) from None
                log.info("Sage 200 %s: %s; retry in %.2f s", shown, exc.reason, delay)
                await self.policy.sleep(delay)

    async def _send(self, method: str, path: str, content: bytes | None, headers: dict[str, str],
                    timeout: float | None, idempotent: bool) -> httpx.Response:
        try:
            with anyio.fail_after(timeout) if timeout else contextlib.nullcontext():
                return await self.client.request(method, path, content=content, headers=headers,
                                                 timeout=timeout, auth=None)
        except httpx.ConnectError as exc:  # nothing was sent
            raise TransientError(f"cannot connect ({type(exc).__name__})", kind="connect") from None
        except (TimeoutError, httpx.TimeoutException, httpx.TransportError) as exc:
            reason = "no answer in time" if isinstance(exc, TimeoutError | httpx.TimeoutException) else \
                f"the connection broke ({type(exc).__name__})"
            if not idempotent:
                raise AmbiguousWrite(reason) from None
            raise TransientError(reason, kind="sent") from None


class AmbiguousWrite(Exception):
    """A write was sent and may have been applied, but its answer never arrived."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ApiRejection(Exception):
    """The API refused a write (4xx): nothing was applied."""

    def __init__(self, status: int, data_code: str | None, message: str, request: str) -> None:
        super().__init__(message)
        self.status = status
        self.data_code = data_code
        self.message = message
        self.request = request


def api_data_code(response: httpx.Response) -> str | None:
    """The `$dataCode` of the gateway-style error body (`[{"$dataCode": …}]`), if any."""
    try:
        body = response.json()
    except ValueError:
        return None
    first = body[0] if isinstance(body, list) and body else body
    code = first.get("$dataCode") if isinstance(first, dict) else None
    return code if isinstance(code, str) else None


def timeout_error(timeout: float | None, what: str, detail: str | None = None) -> PgError:
    """The Timeout connection property ran out: 57014, as a statement timeout is in PostgreSQL."""
    within = f"within Timeout ({timeout:g} s)" if timeout else "in time"
    return PgError(QUERY_CANCELED, f"the Sage 200 API did not answer {within}: {what}", detail=detail,
                   hint="Raise the Timeout connection property (0 disables it).")


@contextlib.contextmanager
def _within(budget: RequestBudget) -> Iterator[None]:
    """Bound a step of a request (a token refresh before the GET) by the request's remaining budget."""
    left = budget.remaining()
    if left is None:
        yield
        return
    try:
        with anyio.fail_after(max(0.001, left)):
            yield
    except TimeoutError:
        raise TransientError("no answer in time", kind="timeout") from None
