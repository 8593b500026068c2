"""The mirror stays coherent with writes through us (decision 0972): after a customer is created, updated or
deleted through the Customers view, the next read of every view showing it returns the written values in every
CacheMode — TOLERANT included, and even when a refresh that began before the write was still under way."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anyio
import pytest
from fake_sage import Ctx
from test_sage_mirror import Clock, providers_for, rows
from test_sage_sandbox_integration import data_requests, view

from pgserver.provider import (
    DeleteRequest,
    InsertRequest,
    RowChange,
    ScanRequest,
    UpdateRequest,
    WriteOutcome,
)
from providers.sage200.customer_writer import SageCustomersProvider
from providers.sage200.provider import SageViewProvider, session_of
from sage_sandbox import SandboxConfig, create_app, serve_in_thread
from sage_sandbox.faults import FaultInjector, parse_fault_spec

pytestmark = pytest.mark.anyio

TOLERANT = {"CacheTolerance": 3600}


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def world(tmp_path: Path):  # type: ignore[no-untyped-def]
    app = create_app(SandboxConfig(scale=1, seed=200, clock=Clock()))
    with serve_in_thread(app) as origin:
        yield app, origin, tmp_path


def kept(provider: SageViewProvider) -> ScanRequest:
    return ScanRequest(list(provider.mirror_layout.view_columns))  # (Customers.Contacts is read live)


def by_id(table: list[dict[str, Any]]) -> dict[Any, dict[str, Any]]:
    return {r["Id"]: r for r in table}


async def test_writes_are_read_back_in_every_cache_mode(world) -> None:  # type: ignore[no-untyped-def]
    app, origin, tmp_path = world
    providers = providers_for(origin, tmp_path)
    customers = view(providers, "StandardUK", "Customers")
    lines = view(providers, "StandardUK", "SalesOrderLines")
    assert isinstance(customers, SageCustomersProvider)
    try:
        before = by_id(await rows(customers, "VERIFY", kept(customers)))
        old_lines = await rows(lines, "VERIFY")
        target = next(r["CustomerId"] for r in old_lines if r["CustomerId"] in before)
        app.state.sandbox.clear()
        assert by_id(await rows(customers, "TOLERANT", kept(customers), **TOLERANT)) == before
        assert data_requests(app) == []  # verified a moment ago: TOLERANT makes no request at all

        # an update: the customer and the order lines that repeat its name
        changed = await customers.update(UpdateRequest([RowChange({"Id": target}, {"Name": "Renamed Through Us"})]),
                                         Ctx())
        assert changed.rows[0].outcome is WriteOutcome.UPDATED
        tolerant = by_id(await rows(customers, "TOLERANT", kept(customers), **TOLERANT))
        assert tolerant[target]["Name"] == "Renamed Through Us"
        assert tolerant == by_id(await rows(customers, "LIVE", kept(customers)))
        tolerant_lines = await rows(lines, "TOLERANT", **TOLERANT)
        assert {r["CustomerName"] for r in tolerant_lines if r["CustomerId"] == target} == {"Renamed Through Us"}
        assert tolerant_lines == await rows(lines, "LIVE")

        # a create
        made = await customers.insert(InsertRequest([{"Name": "Made Through Us", "Reference": "MADE01"}]), Ctx())
        assert made.rows[0].outcome is WriteOutcome.CREATED
        new_id = made.rows[0].key["Id"]  # type: ignore[index]
        assert by_id(await rows(customers, "TOLERANT", kept(customers), **TOLERANT))[new_id]["Name"] == "Made Through Us"

        # a delete: the row leaves the mirror at once (no key reconcile needed to notice)
        gone = await customers.delete(DeleteRequest([{"Id": new_id}]), Ctx())
        assert gone.rows[0].outcome is WriteOutcome.DELETED
        app.state.sandbox.clear()
        after = by_id(await rows(customers, "TOLERANT", kept(customers), **TOLERANT))
        assert new_id not in after and after == by_id(await rows(customers, "LIVE", kept(customers)))
        assert not any("$top=5000" in r.query for r in data_requests(app))  # $count agreed: no key reconcile
    finally:
        await session_of(providers).aclose()  # type: ignore[union-attr]


async def test_a_write_during_a_refresh_is_not_lost(world) -> None:  # type: ignore[no-untyped-def]
    """A refresh reads the delta and (held up) its $count, asked at once; meanwhile a write renames a customer. That refresh
    ends without the new name — neither a TOLERANT read after it nor a query that waited for it may answer with
    what it read."""
    app, origin, tmp_path = world
    providers = providers_for(origin, tmp_path)
    customers = view(providers, "StandardUK", "Customers")
    assert isinstance(customers, SageCustomersProvider)
    state = app.state.sandbox
    try:
        before = by_id(await rows(customers, "VERIFY", kept(customers)))
        target = next(iter(before))
        state.config.hang_seconds = 1.0
        state.faults = FaultInjector(parse_fault_spec("hang:count=1:method=GET:path=*/customers:query=*$count=true*"), 1)
        state.clear()
        results: dict[str, Any] = {}

        async def refresh() -> None:
            results["refresh"] = by_id(await rows(customers, "VERIFY", kept(customers)))

        async def waiter() -> None:
            results["waiter"] = by_id(await rows(customers, "VERIFY", kept(customers)))

        async with anyio.create_task_group() as group:
            group.start_soon(refresh)
            with anyio.fail_after(30):  # until the delta has been answered (the $count now hangs)
                while not [r for r in data_requests(app) if r.path.endswith("/customers") and "filter" in r.query]:
                    await anyio.sleep(0.01)
            changed = await customers.update(UpdateRequest([RowChange({"Id": target}, {"Name": "Renamed Meanwhile"})]),
                                             Ctx())
            assert changed.rows[0].outcome is WriteOutcome.UPDATED
            group.start_soon(waiter)  # asks while the old refresh is still under way
        assert state.faults.rules[0].fired == 1  # the $count did hang: the write came in the middle of the refresh
        assert results["refresh"][target]["Name"] != "Renamed Meanwhile"  # it read before the write
        assert results["waiter"][target]["Name"] == "Renamed Meanwhile"  # did not share the older refresh
        tolerant = by_id(await rows(customers, "TOLERANT", kept(customers), **TOLERANT))
        assert tolerant[target]["Name"] == "Renamed Meanwhile"
    finally:
        state.faults = FaultInjector([], 1)
        await session_of(providers).aclose()  # type: ignore[union-attr]


async def test_a_write_marks_the_other_editions_mirror_too(world) -> None:  # type: ignore[no-untyped-def]
    """Both editions read the same company: a StandardUK write is seen by a ProfessionalUK TOLERANT read — also
    when that edition's mirror is on disk but not yet opened by this process (after a restart)."""
    app, origin, tmp_path = world
    first = providers_for(origin, tmp_path)
    professional = view(first, "ProfessionalUK", "Customers")
    before = by_id(await rows(professional, "VERIFY", kept(professional)))
    await session_of(first).aclose()  # type: ignore[union-attr]

    again = providers_for(origin, tmp_path)  # a restart: the ProfessionalUK store is not open yet
    standard = view(again, "StandardUK", "Customers")
    assert isinstance(standard, SageCustomersProvider)
    try:
        target = next(iter(before))
        await standard.update(UpdateRequest([RowChange({"Id": target}, {"Name": "Renamed In Standard"})]), Ctx())
        professional = view(again, "ProfessionalUK", "Customers")
        seen = by_id(await rows(professional, "TOLERANT", kept(professional), **TOLERANT))
        assert seen[target]["Name"] == "Renamed In Standard"
    finally:
        await session_of(again).aclose()  # type: ignore[union-attr]
