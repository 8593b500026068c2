"""The mirror (providers/sage200/mirror.py) against the sandbox over real HTTP: exact under churn, cheap when
nothing changed, atomic under faults, persistent across restarts, shared by concurrent queries."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anyio
import pyarrow as pa
import pytest
from fake_sage import Ctx
from test_sage_sandbox_integration import data_requests, no_sleep, source, view

from pgserver.errors import PgError
from pgserver.provider import Comparison, Op, ScanRequest, SortKey, arrow_schema
from providers.sage200.client import RetryPolicy
from providers.sage200.provider import SageViewProvider, sage_providers, session_of
from sage_sandbox import SandboxConfig, create_app, serve_in_thread
from sage_sandbox.churn import ChurnRound
from sage_sandbox.faults import FaultInjector, parse_fault_spec

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


class Clock:
    def __init__(self) -> None:
        self.now = 1_767_225_600.0

    def __call__(self) -> float:
        self.now += 0.001
        return self.now


async def rows(provider: SageViewProvider, mode: str, request: ScanRequest | None = None, **props: Any) -> list:
    """Every row (sorted), read in this CacheMode."""
    request = request or ScanRequest([c.name for c in provider.spec.columns])
    ctx = Ctx(CacheMode=mode, **props)
    plan = provider.plan(request, ctx)
    batches = [b async for b in provider.scan(plan, ctx)]
    table = pa.Table.from_batches(batches, schema=arrow_schema(provider.spec, request.columns))
    return sorted(table.to_pylist(), key=lambda r: tuple((v is None, str(v)) for v in r.values()))


@pytest.fixture
def world(tmp_path: Path):  # type: ignore[no-untyped-def]
    app = create_app(SandboxConfig(scale=1, seed=200, clock=Clock()))
    with serve_in_thread(app) as origin:
        yield app, origin, tmp_path


def providers_for(origin: str, tmp_path: Path, **kw: Any) -> list[SageViewProvider]:
    src = source(tmp_path, origin, cache_dir=tmp_path / "cache",
                 retry=RetryPolicy(attempts=6, sleep=no_sleep, split_from=1.0), **kw)
    return sage_providers(src)[0]  # type: ignore[return-value]


@pytest.mark.slow
async def test_every_view_matches_live_under_churn(world) -> None:  # type: ignore[no-untyped-def]
    """Seeded churn rounds (edits, header edits, inserts, deletes, and edits of records other views copy fields
    from); after each, every view of both editions read from the mirror equals the live read."""
    app, origin, tmp_path = world
    providers = providers_for(origin, tmp_path)
    try:
        for round_number in range(4):
            if round_number:
                app.state.sandbox.churn(ChurnRound(edits=40, header_edits=6, inserts=8, deletes=6))
            for provider in providers:
                live = await rows(provider, "LIVE")
                mirrored = await rows(provider, "VERIFY")
                assert mirrored == live, f"round {round_number}: {provider.spec.schema}.{provider.spec.name}"
    finally:
        await session_of(providers).aclose()  # type: ignore[union-attr]


async def test_a_repeat_query_on_unchanged_data_costs_a_few_requests(world) -> None:  # type: ignore[no-untyped-def]
    app, origin, tmp_path = world
    providers = providers_for(origin, tmp_path)
    customers = view(providers, "StandardUK", "Customers")
    lines = view(providers, "StandardUK", "SalesOrderLines")
    kept = ScanRequest(list(customers.mirror_layout.view_columns))  # all but Contacts (embedded: read live)
    try:
        await rows(customers, "VERIFY", kept)
        await rows(lines, "VERIFY")
        app.state.sandbox.clear()
        assert await rows(customers, "VERIFY", kept) == await rows(customers, "VERIFY", kept)
        assert len(data_requests(app)) == 4  # twice: the delta (empty) and $count
        app.state.sandbox.clear()
        app.state.sandbox.config.latency_ms = 200  # (every answer takes this long: the requests' spans show overlap)
        try:
            await rows(lines, "VERIFY")
        finally:
            app.state.sandbox.config.latency_ms = 0
        deps = len(lines.mirror_layout.dependencies)
        assert deps >= 4  # customers, products, warehouses, tax codes (and the header currency)
        made = data_requests(app)
        assert len(made) == 2 + deps  # plus one question per resource it copies fields from …
        assert max(r.started for r in made) < min(r.started + r.duration_ms / 1000 for r in made)  # … all at once
    finally:
        await session_of(providers).aclose()  # type: ignore[union-attr]


async def test_filters_order_and_limit_run_in_the_mirror(world) -> None:  # type: ignore[no-untyped-def]
    app, origin, tmp_path = world
    providers = providers_for(origin, tmp_path)
    customers = view(providers, "StandardUK", "Customers")
    try:
        everything = await rows(customers, "VERIFY", ScanRequest(list(customers.mirror_layout.view_columns)))
        request = ScanRequest(["Id", "Name"], [Comparison("Id", Op.GT, everything[10]["Id"])],
                              order_by=[SortKey("Name", descending=True)], limit=3)
        ctx = Ctx(CacheMode="VERIFY")
        plan = customers.plan(request, ctx)
        assert plan.pushed_quals == request.quals and plan.order_pushed and plan.limit_pushed
        got = [r for b in [b async for b in customers.scan(plan, ctx)] for r in b.to_pylist()]
        wanted = sorted((r for r in everything if r["Id"] > everything[10]["Id"]), key=lambda r: r["Name"],
                        reverse=True)[:3]
        assert got == [{"Id": r["Id"], "Name": r["Name"]} for r in wanted]
        assert any("Mirror StandardUK.Customers (CacheMode=VERIFY)" in line for line in plan.description)
    finally:
        await session_of(providers).aclose()  # type: ignore[union-attr]


async def test_a_failed_refresh_leaves_the_mirror_as_it_was(world) -> None:  # type: ignore[no-untyped-def]
    app, origin, tmp_path = world
    providers = providers_for(origin, tmp_path)
    lines = view(providers, "StandardUK", "SalesOrderLines")
    try:
        before = await rows(lines, "VERIFY")
        app.state.sandbox.churn(ChurnRound(edits=0, header_edits=20, inserts=0, deletes=10))
        state = app.state.sandbox
        state.faults = FaultInjector(parse_fault_spec("500:1.0:after=1"), 1)  # the delta starts, then fails
        with pytest.raises(PgError) as err:
            await rows(lines, "VERIFY")
        assert err.value.sqlstate == "HV000"
        state.faults = FaultInjector(parse_fault_spec(""), 1)
        assert await rows(lines, "TOLERANT", CacheTolerance=3600) == before  # nothing half applied
        assert await rows(lines, "VERIFY") == await rows(lines, "LIVE")  # and the next refresh catches up
    finally:
        await session_of(providers).aclose()  # type: ignore[union-attr]


async def test_faults_during_refresh_give_exact_rows_or_a_clear_error(world) -> None:  # type: ignore[no-untyped-def]
    app, origin, tmp_path = world
    providers = providers_for(origin, tmp_path)
    lines = view(providers, "StandardUK", "SalesOrderLines")
    try:
        for attempt in range(4):
            app.state.sandbox.churn(ChurnRound(edits=30, header_edits=5, inserts=5, deletes=5))
            app.state.sandbox.faults = FaultInjector(parse_fault_spec(
                "429:0.1:retry_after=0,500:0.1,503:0.05,truncate:0.05,drop:0.05"), attempt)
            try:
                mirrored = await rows(lines, "VERIFY", PageSize=100)
            except PgError as exc:
                assert exc.sqlstate in ("HV000", "HV00N", "57014")
                continue
            finally:
                app.state.sandbox.faults = FaultInjector(parse_fault_spec(""), 1)
            assert mirrored == await rows(lines, "LIVE")
    finally:
        await session_of(providers).aclose()  # type: ignore[union-attr]


async def test_the_mirror_survives_a_restart_and_a_broken_file_is_rebuilt(world) -> None:  # type: ignore[no-untyped-def]
    app, origin, tmp_path = world
    first = providers_for(origin, tmp_path)
    customers = view(first, "StandardUK", "Customers")
    kept = ScanRequest(list(customers.mirror_layout.view_columns))
    expected = await rows(customers, "VERIFY", kept)
    await session_of(first).aclose()  # type: ignore[union-attr]
    files = list((tmp_path / "cache").glob("mirror-*.duckdb"))
    assert len(files) == 1

    again = providers_for(origin, tmp_path)
    app.state.sandbox.clear()
    assert await rows(view(again, "StandardUK", "Customers"), "VERIFY", kept) == expected
    assert len(data_requests(app)) == 2  # no new fill: delta and $count
    await session_of(again).aclose()  # type: ignore[union-attr]

    data = files[0].read_bytes()
    files[0].write_bytes(data[: len(data) // 3])  # a truncated store
    rebuilt = providers_for(origin, tmp_path)
    app.state.sandbox.clear()
    assert await rows(view(rebuilt, "StandardUK", "Customers"), "VERIFY", kept) == expected
    refill = data_requests(app)
    assert refill and "$filter" not in refill[0].query  # filled again, not served from the broken file
    assert list((tmp_path / "cache").glob("mirror-*.broken-*"))
    await session_of(rebuilt).aclose()  # type: ignore[union-attr]


async def test_concurrent_queries_share_one_refresh(world) -> None:  # type: ignore[no-untyped-def]
    app, origin, tmp_path = world
    providers = providers_for(origin, tmp_path)
    lines = view(providers, "StandardUK", "SalesOrderLines")
    try:
        await rows(lines, "VERIFY")
        app.state.sandbox.churn(ChurnRound(edits=10, header_edits=3, inserts=2, deletes=2,
                                           resources=("sop_order_line_views", "sop_orders")))
        app.state.sandbox.clear()
        app.state.sandbox.config.latency_ms = 20  # so that the queries really overlap
        results: list[list] = []

        async def one() -> None:
            results.append(await rows(lines, "VERIFY"))

        async with anyio.create_task_group() as group:
            for _ in range(50):
                group.start_soon(one)
        app.state.sandbox.config.latency_ms = 0
        counts = [r for r in data_requests(app) if "$count" in r.query]
        assert len(counts) == 1  # one refresh, whose $count ends the delta
        assert all(r == results[0] for r in results) and results[0] == await rows(lines, "LIVE")
    finally:
        await session_of(providers).aclose()  # type: ignore[union-attr]
