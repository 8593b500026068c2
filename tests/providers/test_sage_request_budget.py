"""One request budget per data source (decision 0971): every connection of a data source draws from one
allowance of API requests in flight, and a 429 with Retry-After holds all of them back, not only the request
that met it. Against the sandbox over real HTTP; the proofs are read from the sandbox's request log."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anyio
import pyarrow as pa
import pytest
from fake_sage import Ctx
from test_sage_sandbox_integration import source, view

from pgserver.errors import PgError
from pgserver.provider import ScanRequest, arrow_schema
from providers.sage200.client import RequestGate, RetryPolicy
from providers.sage200.provider import SageViewProvider, sage_providers, session_of
from sage_sandbox import SandboxConfig, create_app, serve_in_thread
from sage_sandbox.faults import FaultInjector, parse_fault_spec
from sage_sandbox.state import RequestRecord

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def sandbox():  # type: ignore[no-untyped-def]
    app = create_app(SandboxConfig(scale=1, seed=200))
    with serve_in_thread(app) as origin:
        yield app, origin


def data_log(state: Any) -> list[RequestRecord]:
    return [r for r in list(state.requests) if "/accounts/v1/" in r.path and not r.path.endswith("/sites")]


def most_in_flight(records: list[RequestRecord]) -> int:
    """The most requests the sandbox was serving at one moment. A request's time at the sandbox lies inside the
    time our client held its place for it, so this never exceeds what the client let out at once."""
    events = sorted([(r.started, 1) for r in records] + [(r.started + r.duration_ms / 1000, -1) for r in records],
                    key=lambda e: (e[0], e[1]))
    most = now = 0
    for _, step in events:
        now += step
        most = max(most, now)
    return most


async def read(provider: SageViewProvider, ctx: Ctx) -> list[dict[str, Any]]:
    request = ScanRequest(["Id"] if provider.spec.column("Id") else [provider.spec.columns[0].name])
    plan = provider.plan(request, ctx)
    batches = [b async for b in provider.scan(plan, ctx)]
    return pa.Table.from_batches(batches, schema=arrow_schema(provider.spec, request.columns)).to_pylist()


async def two_connections(providers: list[SageViewProvider], **props: Any) -> dict[str, list[dict[str, Any]]]:
    """Customers on one connection and SalesOrderLines on another, at the same time (small pages: many
    requests)."""
    out: dict[str, list[dict[str, Any]]] = {}

    async def one(name: str) -> None:
        out[name] = await read(view(providers, "StandardUK", name), Ctx(PageSize=10, **props))

    async with anyio.create_task_group() as group:
        group.start_soon(one, "Customers")
        group.start_soon(one, "SalesOrderLines")
    return out


async def test_connections_share_one_request_budget(sandbox, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    app, origin = sandbox
    app.state.sandbox.config.latency_ms = 20  # so that requests overlap
    shared = sage_providers(source(tmp_path, origin, max_requests=3))[0]
    roomy = sage_providers(source(tmp_path, origin))[0]  # the default budget (50)
    try:
        app.state.sandbox.clear()
        budgeted = await two_connections(shared, MaxThreads=4)
        log = data_log(app.state.sandbox)
        assert most_in_flight(log) <= 3  # two connections of MaxThreads 4, one budget of 3
        assert len(log) > 40

        app.state.sandbox.clear()
        assert await two_connections(roomy, MaxThreads=4) == budgeted
        log = data_log(app.state.sandbox)
        assert most_in_flight(log) > 3  # without the small budget they do overlap more: the bound above is real
        for path in ("/customers", "/sop_order_line_views"):  # and each connection's MaxThreads still holds
            assert most_in_flight([r for r in log if r.path.endswith(path)]) <= 4
    finally:
        app.state.sandbox.config.latency_ms = 0
        for providers in (shared, roomy):
            await session_of(providers).aclose()  # type: ignore[union-attr]


async def test_a_rate_limit_holds_back_every_connection(sandbox, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A 429 with Retry-After: 1 on the Customers connection; the SalesOrderLines connection sends nothing until
    the second has passed, and both still read every row."""
    app, origin = sandbox
    providers = sage_providers(source(tmp_path, origin))[0]
    state = app.state.sandbox
    try:
        expected = await two_connections(providers, MaxThreads=4)
        state.config.latency_ms = 10
        state.faults = FaultInjector(parse_fault_spec("429:count=1:after=3:retry_after=1:path=*/customers"), 1)
        state.clear()
        assert await two_connections(providers, MaxThreads=4) == expected
        log = data_log(state)
        limited = [r for r in log if r.status == 429]
        assert len(limited) == 1
        answered = limited[0].started + limited[0].duration_ms / 1000  # when the sandbox sent the 429
        others = [r for r in log if r.path.endswith("/sop_order_line_views")]
        before = [r for r in others if r.started < answered]
        held = [r for r in others if answered + 0.25 < r.started < answered + 1.0]  # 0.25 s: already on the way
        after = [r for r in others if r.started >= answered + 1.0]
        assert before and after, "the other connection was not reading on both sides of the 429"
        assert held == [], f"{len(held)} requests of another connection were sent during the Retry-After"
        assert session_of(providers).gate().rate_limits == 1  # type: ignore[union-attr]
    finally:
        state.config.latency_ms = 0
        state.faults = FaultInjector([], 1)
        await session_of(providers).aclose()  # type: ignore[union-attr]


async def test_a_pause_longer_than_the_budget_fails_at_once(sandbox, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """While one request waits out a long Retry-After, another connection's request with a shorter Timeout fails
    at once with 57014 (decision 0963's rule, now for the whole data source), and one without a Timeout waits:
    neither reaches the API while the gate is closed."""
    app, origin = sandbox
    released = anyio.Event()

    async def held_sleep(seconds: float) -> None:  # the 429's wait lasts until the test says
        await released.wait()

    providers = sage_providers(source(tmp_path, origin, retry=RetryPolicy(sleep=held_sleep)))[0]
    session = session_of(providers)
    assert session is not None
    state = app.state.sandbox
    state.faults = FaultInjector(parse_fault_spec("429:count=1:retry_after=30:path=*/customers"), 1)
    results: dict[str, Any] = {}
    try:
        async with anyio.create_task_group() as group:
            async def customers() -> None:
                results["customers"] = await read(view(providers, "StandardUK", "Customers"), Ctx(Timeout=0))

            async def banks() -> None:
                results["banks"] = await read(view(providers, "StandardUK", "Banks"), Ctx(Timeout=0))

            group.start_soon(customers)
            with anyio.fail_after(30):
                while session.gate().is_open:
                    await anyio.sleep(0.01)
            with pytest.raises(PgError) as err:
                await read(view(providers, "StandardUK", "Banks"), Ctx(Timeout=5))
            assert err.value.sqlstate == "57014" and "within Timeout (5 s)" in err.value.message
            group.start_soon(banks)
            await anyio.sleep(0.5)
            assert not [r for r in data_log(state) if r.path.endswith("/banks")]  # held back, not sent
            released.set()
        assert results["banks"] and results["customers"]
        assert [r for r in data_log(state) if r.path.endswith("/banks")]
    finally:
        state.faults = FaultInjector([], 1)
        await session.aclose()


async def test_the_allowance_halves_once_per_episode_and_grows_back() -> None:
    gate = RequestGate(8)
    sent_before = gate.episode
    gate.settle(sent_before, 429)
    gate.settle(sent_before, 429)  # a second 429 to a request sent before the cut: no second cut
    assert gate.allowance == 4
    gate.settle(gate.episode, 429)  # a 429 to a request sent after it: cut again
    assert gate.allowance == 2
    for _ in range(2):
        gate.settle(gate.episode, 200)
    assert gate.allowance == 3  # one more after an allowance's worth of answers
    for _ in range(3 + 4 + 5 + 6):
        gate.settle(gate.episode, 200)
    assert gate.allowance == 7
    for _ in range(50):
        gate.settle(gate.episode, 200)
    assert gate.allowance == 8  # never above the configured limit
