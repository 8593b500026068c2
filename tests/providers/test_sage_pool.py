"""ShardedTransport: requests spread over small pools, connections reused, slots given back."""

from __future__ import annotations

import asyncio

import anyio
import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from providers.sage200.pool import ShardedTransport
from sage_sandbox import serve_in_thread

pytestmark = pytest.mark.anyio
CONCURRENT = 24


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def barrier_app() -> Starlette:
    """Answers /wait once CONCURRENT requests are waiting at the same time; /echo at once."""
    arrived: list[int] = []
    everyone: list[asyncio.Event] = []

    async def wait(request: Request) -> PlainTextResponse:
        if not everyone:
            everyone.append(asyncio.Event())
        arrived.append(request.client.port if request.client else 0)
        if len(arrived) == CONCURRENT:
            everyone[0].set()
        await everyone[0].wait()
        return PlainTextResponse(f"{request.query_params['n']}:{request.client.port if request.client else 0}")

    async def echo(request: Request) -> PlainTextResponse:
        return PlainTextResponse(f"{request.query_params['n']}:{request.client.port if request.client else 0}")

    return Starlette(routes=[Route("/wait", wait), Route("/echo", echo)])


async def test_concurrent_requests_use_every_shard_and_give_their_slots_back() -> None:
    transport = ShardedTransport(max_connections=CONCURRENT, per_shard=4)
    assert len(transport.shards) == 6
    with serve_in_thread(barrier_app()) as url:
        async with httpx.AsyncClient(base_url=url, transport=transport) as client:
            answers: dict[int, str] = {}

            async def one(n: int) -> None:
                response = await client.get("/wait", params={"n": n})
                answers[n] = response.text

            with anyio.fail_after(30):  # all 24 must be in flight at once, or the barrier never opens
                async with anyio.create_task_group() as tg:
                    for n in range(CONCURRENT):
                        tg.start_soon(one, n)
            assert sorted(answers) == list(range(CONCURRENT))
            assert all(text.startswith(f"{n}:") for n, text in answers.items())
            ports = {text.split(":")[1] for text in answers.values()}
            assert len(ports) == CONCURRENT  # one connection per request …
            assert [len(shard._pool.connections) for shard in transport.shards] == [4] * 6  # … 4 per shard
            assert transport.busy == [0] * 6

            for n in range(10):  # one at a time: the least busy shard is always the first, kept alive
                response = await client.get("/echo", params={"n": n})
                assert response.text.split(":")[1] in ports
            assert transport.busy == [0] * 6


async def test_a_failed_request_gives_its_slot_back() -> None:
    transport = ShardedTransport(max_connections=8, per_shard=4)
    async with httpx.AsyncClient(transport=transport) as client:
        with pytest.raises(httpx.ConnectError):
            await client.get("http://127.0.0.1:9/nothing-listens-here")
    assert transport.busy == [0, 0]
