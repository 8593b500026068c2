"""Many small httpx connection pools instead of one big one (docs/decisions/0703-sharded-http-pool.md).

httpcore's pool re-examines every connection whenever a request starts or ends: each idle
connection is polled for readability (`has_expired`) and counted again per idle connection,
which is quadratic in the pool size. With MaxThreads=50 that bookkeeping cost more CPU than
parsing the pages. `ShardedTransport` spreads requests over several ordinary
`httpx.AsyncHTTPTransport`s of a few connections each, sending each request to the shard
with the fewest requests in progress; a request counts as in progress until its response
is closed, so a connection is never oversubscribed.
"""

from __future__ import annotations

import math
import ssl
from collections.abc import AsyncIterator
from typing import Any

import httpx

CONNECTIONS_PER_SHARD = 8


class _CountedStream(httpx.AsyncByteStream):
    """A response body that gives its shard's slot back when closed."""

    def __init__(self, inner: httpx.AsyncByteStream, release: Any) -> None:
        self._inner = inner
        self._release = release

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._inner:
            yield chunk

    async def aclose(self) -> None:
        try:
            await self._inner.aclose()
        finally:
            self._release()


class ShardedTransport(httpx.AsyncBaseTransport):
    """`max_connections` connections as ceil(max / per_shard) independent httpx pools."""

    def __init__(self, max_connections: int = 100, per_shard: int = CONNECTIONS_PER_SHARD,
                 **transport_options: Any) -> None:
        count = max(1, math.ceil(max_connections / per_shard))
        limits = httpx.Limits(max_connections=per_shard, max_keepalive_connections=per_shard)
        verify = transport_options.pop("verify", True)
        if not isinstance(verify, ssl.SSLContext):  # one context for all shards (loading CAs takes ~30 ms)
            verify = httpx.create_ssl_context(verify=verify, trust_env=False)
        self.shards = [httpx.AsyncHTTPTransport(limits=limits, verify=verify, **transport_options)
                       for _ in range(count)]
        self.busy = [0] * count

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        index = min(range(len(self.shards)), key=self.busy.__getitem__)
        self.busy[index] += 1
        released = False

        def release() -> None:
            nonlocal released
            if not released:
                released = True
                self.busy[index] -= 1

        try:
            response = await self.shards[index].handle_async_request(request)
        except BaseException:
            release()
            raise
        assert isinstance(response.stream, httpx.AsyncByteStream)
        response.stream = _CountedStream(response.stream, release)
        return response

    async def aclose(self) -> None:
        for shard in self.shards:
            await shard.aclose()
