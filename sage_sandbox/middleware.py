"""ASGI middleware in front of every route: request log, simulated latency, injected faults.

Faults act at the HTTP level, as a flaky gateway would: an error status with the gateway
body, a request that never answers (held until the client gives up), a connection closed
without a response, or a response whose body stops half way. Closing the connection needs
the transport, which `sage_sandbox.server.SandboxH11Protocol` puts into the scope; without
it (e.g. httpx.ASGITransport) a drop surfaces as httpx.RemoteProtocolError.
"""

from __future__ import annotations

import random
import time
import urllib.parse
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import anyio
import httpx

from .errors import ApiError
from .faults import FaultRule
from .state import RequestRecord, SandboxState

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
ABORT_KEY = "sage_sandbox.abort"  # scope key: a callable that closes the TCP connection at once

_STATUS_FAULTS = {
    "429": ("TooManyRequests", "Rate limit is exceeded. Try again later."),
    "500": ("InternalServerError", "An unexpected error occurred."),
    "503": ("ServiceUnavailable", "The service is temporarily unavailable."),
    "504": ("GatewayTimeout", "The site did not respond in time."),
}


class SandboxMiddleware:
    def __init__(self, app: ASGIApp, state: SandboxState) -> None:
        self.app = app
        self.state = state
        self._latency_rng = random.Random(f"latency/{state.config.seed}")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = {"code": 0}
        recorded = False

        def record() -> None:
            nonlocal recorded
            if not recorded:
                recorded = True
                self.state.record(RequestRecord(
                    method=scope["method"], path=scope["path"],
                    query=redact(scope.get("query_string", b"").decode("latin-1")), status=status["code"],
                    duration_ms=(time.perf_counter() - started) * 1000, fault=rule.kind if rule else None,
                    started=started))

        async def send_logged(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            elif message["type"] == "http.response.body" and not message.get("more_body", False):
                record()  # before the client can have the whole answer: the log never lags behind it
            await send(message)

        config = self.state.config
        delay = config.latency_ms + (self._latency_rng.uniform(0, config.jitter_ms) if config.jitter_ms else 0.0)
        query = urllib.parse.unquote_plus(scope.get("query_string", b"").decode("latin-1"))
        rule = self.state.faults.choose(scope["path"], scope["method"], query)
        try:
            if delay > 0:
                await anyio.sleep(delay / 1000)
            if rule is None:
                await self.app(scope, receive, send_logged)
            else:
                await self._inject(rule, scope, receive, send_logged)
        finally:
            record()

    async def _inject(self, rule: FaultRule, scope: Scope, receive: Receive, send: Send) -> None:
        if rule.kind in _STATUS_FAULTS:
            code, message = _STATUS_FAULTS[rule.kind]
            headers = {"Retry-After": str(rule.retry_after)} if rule.kind == "429" else None
            response = ApiError(int(rule.kind), code, message, "gateway").response(headers)
            await response(scope, receive, send)
        elif rule.kind == "hang":
            await self._hang(scope, receive, send)
        elif rule.kind == "drop":
            await _drop(scope)
        elif rule.kind == "drop_reply":
            await self._drop_reply(scope, receive)
        elif rule.kind == "truncate":
            await self._truncate(scope, receive, send)

    async def _hang(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Hold the request until the client disconnects or hang_seconds pass (then 504)."""
        with anyio.move_on_after(self.state.config.hang_seconds):
            while (await receive())["type"] != "http.disconnect":
                pass
            return
        response = ApiError(504, "GatewayTimeout", "The site did not respond in time.", "gateway").response()
        await response(scope, receive, send)

    async def _drop_reply(self, scope: Scope, receive: Receive) -> None:
        """Serve the request (a write is applied), then close the connection without any answer."""

        async def discard(message: Message) -> None:
            pass

        await self.app(scope, receive, discard)
        await _drop(scope)

    async def _truncate(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the request, then send the headers and only half of the body, and close."""
        messages: list[Message] = []

        async def capture(message: Message) -> None:
            messages.append(message)

        await self.app(scope, receive, capture)
        start = next(m for m in messages if m["type"] == "http.response.start")
        body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
        await send(start)
        await send({"type": "http.response.body", "body": body[: len(body) // 2], "more_body": True})
        abort = scope.get(ABORT_KEY)
        if abort is not None:
            abort()
            await anyio.sleep(0)
        # without a transport (in-process) the client simply receives the half body


SECRET_PARAMETERS = frozenset({"client_secret", "refresh_token", "access_token", "code_verifier", "code",
                               "id_token"})


def redact(query: str) -> str:
    """The query string with the values of credential parameters replaced, for the request log."""
    parts = []
    for part in query.split("&") if query else []:
        name, sep, _ = part.partition("=")
        parts.append(f"{name}=***" if sep and name.lower() in SECRET_PARAMETERS else part)
    return "&".join(parts)


async def _drop(scope: Scope) -> None:
    abort = scope.get(ABORT_KEY)
    if abort is None:
        raise httpx.RemoteProtocolError("Server disconnected without sending a response.")
    abort()
    await anyio.sleep(0)
