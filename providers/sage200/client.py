"""GET requests to the Sage 200 API: a time budget per request, bounded retries, error mapping.

The connection's `Timeout` bounds the whole of one logical request — every attempt, every wait between attempts,
a token refresh on the way — as the spec describes it ("the value in seconds until the timeout error is
thrown"); per-attempt limits are internal (`RequestBudget`). Transient failures — 500/502/503/504, connection
errors, truncated or invalid JSON, and pages the caller's validator rejects (short pages, duplicate keys) — are
retried with exponential backoff and full jitter, a bounded number of times. HTTP 429 (rate limit) is not a
failure of the request: it waits as long as Retry-After asks (or backs off) and tries again for as long as the
budget allows, without spending an attempt — and it slows the whole data source down: `RequestGate` (one per
data source, shared by all its connections) holds every request back until the Retry-After has passed and halves
how many may be in flight (docs/decisions/0971-request-budget-per-data-source.md). Then the request fails with a
PgError (SQLSTATE choice:
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
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
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


class RequestGate:
    """One data source's allowance of API requests, shared by all its connections (decision 0971).

    - At most `allowance` requests are in flight at once — `limit` (the database's `max_api_requests`) until the
      API rate-limits us; each connection's MaxThreads still bounds its own requests within it.
    - A 429 closes the gate: the request that met it waits out its Retry-After (RequestBudget.next_wait) holding
      the gate closed, and every other request of the data source waits for the gate to open before it is sent
      (within its own Timeout budget) — the data source slows down, not only the one request. The allowance
      halves, once per 429 episode (a 429 answering a request sent before the last cut does not cut again), and
      grows back by one after each allowance's worth of answers without one (additive increase, multiplicative
      decrease, as TCP does it).
    """

    def __init__(self, limit: int) -> None:
        if limit < 1:
            raise ValueError("a request gate needs room for at least one request")
        self.limit = limit
        self.allowance = limit
        self._slots = anyio.CapacityLimiter(limit)
        self._holds = 0  # requests waiting out a 429 (the gate is closed while there is one)
        self._open = anyio.Event()
        self._open.set()
        self.reopens_at = 0.0  # anyio.current_time() when the last hold is expected to end
        self._episode = 0  # bumped at every cut of the allowance
        self._answered = 0  # answers since the last change of the allowance
        self.rate_limits = 0  # 429 answers seen

    @property
    def is_open(self) -> bool:
        return self._open.is_set()

    @property
    def episode(self) -> int:
        """Bumped at every cut of the allowance (a request remembers the one it was sent in)."""
        return self._episode

    async def wait_open(self, budget: RequestBudget) -> None:
        """Return when no request of the data source is waiting out a rate limit. Fails at once (kind "paused")
        when the pause outlasts the request's budget, as a Retry-After longer than the budget does."""
        while not self._open.is_set():
            left = budget.remaining()
            pause = self.reopens_at - anyio.current_time()
            if left is not None and pause >= left:
                raise TransientError("the data source is waiting out a rate limit (HTTP 429)", kind="paused",
                                     retry_after=pause)
            event = self._open
            with _within(budget):
                await event.wait()

    @contextlib.asynccontextmanager
    async def slot(self, budget: RequestBudget) -> AsyncIterator[int]:
        """Room for one request in flight (waiting for it counts against the request's budget); yields the
        episode the request was sent in, for `settle`."""
        with _within(budget):
            await self._slots.acquire()
        try:
            yield self._episode
        finally:
            self._slots.release()

    def settle(self, episode: int, status: int) -> None:
        """Count an answer: a 429 cuts the allowance (once per episode); other answers below 400 let it grow."""
        if status == 429:
            self.rate_limits += 1
            self._answered = 0
            if episode == self._episode:
                self._episode += 1
                self._resize(max(1, self.allowance // 2))
        elif status < 400:
            self._answered += 1
            if self.allowance < self.limit and self._answered >= self.allowance:
                self._resize(self.allowance + 1)

    @contextlib.asynccontextmanager
    async def hold(self, seconds: float) -> AsyncIterator[None]:
        """Keep the gate closed while the request that met a 429 waits `seconds` before trying again."""
        if self._holds == 0:
            self._open = anyio.Event()
            self.reopens_at = 0.0
        self._holds += 1
        self.reopens_at = max(self.reopens_at, anyio.current_time() + seconds)
        try:
            yield
        finally:
            self._holds -= 1
            if self._holds == 0:
                self._open.set()

    def _resize(self, allowance: int) -> None:
        if allowance < self.allowance:
            log.warning("Sage 200 answered HTTP 429: this data source now sends at most %d requests at once "
                        "(was %d)", allowance, self.allowance)
        self.allowance = allowance
        self._answered = 0
        self._slots.total_tokens = allowance


class TransientError(Exception):
    """A failure worth retrying; `retry_after` is the server's requested wait, if any."""

    def __init__(self, reason: str, *, retry_after: float | None = None, kind: str = "remote") -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after
        self.kind = kind  # "remote", "connect", "timeout", "rate limit" (a 429), "paused" (the gate outlasts the budget)


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

    def __init__(self, client: httpx.AsyncClient, policy: RetryPolicy, gate: RequestGate,
                 observer: ScanObserver = UNOBSERVED, table: str = "") -> None:
        self.client = client
        self.policy = policy
        self.gate = gate  # the data source's allowance, shared by every connection
        self.observer = observer
        self.table = table  # the view the requests are made for (RemoteRequest.table)

    async def _observed(self, attempt: Awaitable[httpx.Response], resource: str, retry: bool) -> httpx.Response:
        """One attempt, reported to the observer (status 0 when no answer came)."""
        started = time.perf_counter()
        status = size = 0
        try:
            response = await attempt
            status, size = response.status_code, len(response.content)
            return response
        finally:
            self.observer.request_done(RemoteRequest(resource, status, time.perf_counter() - started, size, retry,
                                                       self.table))

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
                await self.gate.wait_open(budget)
                with _within(budget):
                    headers = await auth_headers(rejected)
                attempts += 1
                async with self.gate.slot(budget) as episode:
                    response = await self._observed(self._attempt(url, headers, budget.attempt_timeout()),
                                                    resource, attempts > 1)
                self.gate.settle(episode, response.status_code)
                if response.status_code == 401 and rejected is None:
                    rejected = headers  # the token may have been revoked early: renew it once
                    continue
                self._raise_for_status(response, shown)
                value = parse(response.content)
                return validate(value) if validate is not None else value
            except TransientError as exc:
                await self._wait_to_retry(exc, budget, f"GET {shown}")

    async def _wait_to_retry(self, exc: TransientError, budget: RequestBudget, shown: str) -> None:
        """Sleep before the next attempt, or raise the PgError when the budget is spent. A 429 keeps the data
        source's gate closed meanwhile, so that every connection slows down."""
        delay = budget.next_wait(exc.kind in ("rate limit", "paused"), exc.retry_after)
        if delay is None:
            raise self._give_up(exc, shown, budget) from None
        log.info("Sage 200 %s: %s; retry in %.2f s", shown, exc.reason, delay)
        if exc.kind == "rate limit":
            async with self.gate.hold(delay):
                await self.policy.sleep(delay)
        else:
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

    def _give_up(self, exc: TransientError, request: str, budget: RequestBudget) -> PgError:
        detail = request  # "GET /path?query", "POST /path"
        tries = budget.failures + budget.rate_limited
        if exc.kind == "timeout" or budget.out_of_time:
            return timeout_error(budget.timeout, f"{exc.reason} after {tries} attempt(s)", detail)
        if exc.kind in ("rate limit", "paused"):
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
                await self.gate.wait_open(budget)
                with _within(budget):
                    headers = await auth_headers(rejected)
                attempts += 1
                async with self.gate.slot(budget) as episode:
                    response = await self._observed(self._send(method, path, content, {**headers, **headers_extra},
                                                               budget.attempt_timeout(), idempotent),
                                                    resource, attempts > 1)
                self.gate.settle(episode, response.status_code)
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
                await self._wait_to_retry(exc, budget, shown)

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
