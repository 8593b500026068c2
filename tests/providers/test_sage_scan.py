"""Paging, concurrency, retries and failures of SageViewProvider.scan over httpx.MockTransport."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import anyio
import pyarrow as pa
import pytest
from fake_sage import BASE, FakeSage, customer, json_bytes
from fake_sage import Ctx as Ctx

from pgserver.errors import PgError
from pgserver.provider import Comparison, Op, ScanRequest, arrow_schema
from providers.paging import PagePipeline, PageRequest, remaining_pages
from providers.sage200.client import RetryPolicy
from providers.sage200.data_source import SageDataSource, SageSession
from providers.sage200.model import views_for_schema
from providers.sage200.provider import SageViewProvider

pytestmark = pytest.mark.anyio

CUSTOMERS = next(v for v in views_for_schema("StandardUK") if v.name == "Customers")
COLUMNS = ["Id", "Name", "Balance", "OnHold", "MainAddress_1", "Contacts", "DateTimeUpdated"]
SELECT = "$select=id,name,balance,on_hold,main_address,contacts,date_time_updated&$expand=main_address,contacts"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


class Sleeps:
    """Records backoff waits instead of sleeping (no timing in tests)."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        await anyio.sleep(0)


def setup(fake: FakeSage, tmp_path: Path, sleeps: Sleeps | None = None, attempts: int = 4,
          split_from: float = 10.0) -> SageViewProvider:
    source = SageDataSource(
        "http://sage.test",
        "demo-client",
        "demo-secret",
        redirect_uri="http://localhost/cb",
        token_store_path=str(tmp_path / "tokens.json"),
        transport=fake.transport(),
        retry=RetryPolicy(attempts=attempts, base_delay=0.01, sleep=sleeps or Sleeps(), split_from=split_from),
    )
    return SageViewProvider(CUSTOMERS, SageSession(source))


async def run(provider: SageViewProvider, request: ScanRequest, **props: Any) -> tuple[pa.Table, Any]:
    ctx = Ctx(**props)
    plan = provider.plan(request, ctx)
    batches = [b async for b in provider.scan(plan, ctx)]
    schema = arrow_schema(provider.spec, request.columns)
    return pa.Table.from_batches(batches, schema=schema), plan


async def test_where_id_makes_one_request(tmp_path: Path) -> None:
    fake = FakeSage([customer(i) for i in range(1, 50)])
    table, plan = await run(setup(fake, tmp_path), ScanRequest(COLUMNS, [Comparison("Id", Op.EQ, 5)]))
    assert plan.pushed_quals == [Comparison("Id", Op.EQ, 5)] and plan.residual_quals == []
    assert fake.data_requests() == [f"{BASE}/customers?$filter=id eq 5&{SELECT}&$orderby=id asc&$top=500&$skip=0"]
    row = table.to_pylist()[0]
    assert row == {
        "Id": 5,
        "Name": "Customer 5",
        "Balance": Decimal("5.25"),
        "OnHold": False,
        "MainAddress_1": "5 High St",
        "Contacts": '[{"id":50,"name":"Ann"}]',
        "DateTimeUpdated": dt.datetime(2025, 2, 6, 14, 3, 57, 600000),
    }
    # the token came from the auto-approved sign-in, X-Company is the first company
    page_request = fake.requests[-1]
    assert page_request.headers["x-company"] == "101" and page_request.headers["authorization"] == "Bearer access-1"


async def test_limit_reads_one_page(tmp_path: Path) -> None:
    fake = FakeSage([customer(i) for i in range(1, 2000)])
    table, plan = await run(setup(fake, tmp_path), ScanRequest(["Id"], limit=10))
    assert plan.limit_pushed and table.column("Id").to_pylist() == list(range(1, 11))
    assert fake.data_requests() == [f"{BASE}/customers?$select=id&$orderby=id asc&$top=10&$skip=0"]


async def test_multi_page_scan_is_exact_and_counted(tmp_path: Path) -> None:
    fake = FakeSage([customer(i) for i in range(1, 26)])
    table, _ = await run(setup(fake, tmp_path), ScanRequest(["Id"]), PageSize=10, MaxThreads=2)
    assert table.column("Id").to_pylist() == list(range(1, 26))
    assert fake.data_requests() == [
        f"{BASE}/customers?$select=id&$orderby=id asc&$top=10&$skip=0",
        f"{BASE}/customers?$count=true",
        f"{BASE}/customers?$select=id&$orderby=id asc&$top=10&$skip=10",
        f"{BASE}/customers?$select=id&$orderby=id asc&$top=5&$skip=20",
        f"{BASE}/customers?$count=true",
    ]


async def test_max_threads_bounds_requests_in_flight(tmp_path: Path) -> None:
    fake = FakeSage([customer(i) for i in range(1, 101)], delay=0.02)
    table, _ = await run(setup(fake, tmp_path), ScanRequest(["Id"]), PageSize=5, MaxThreads=4)
    assert table.column("Id").to_pylist() == list(range(1, 101))
    assert fake.max_in_flight == 4
    pages = [r for r in fake.data_requests() if "$top" in r]
    assert len(pages) == len(set(pages)) == 20  # no page fetched twice


async def test_retries_honour_retry_after_and_recover(tmp_path: Path) -> None:
    sleeps = Sleeps()
    fake = FakeSage([customer(i) for i in range(1, 26)], faults=["429:7", "503", "ok", "ok", "truncate", "short", "dup"])
    table, _ = await run(setup(fake, tmp_path, sleeps, attempts=5), ScanRequest(["Id"]), PageSize=10, MaxThreads=1)
    assert table.column("Id").to_pylist() == list(range(1, 26))
    assert sleeps.waits[0] >= 7  # Retry-After honoured
    assert len(sleeps.waits) == 5


async def test_a_hang_is_retried_within_the_timeout(tmp_path: Path) -> None:
    """While enough of the budget remains, an attempt may use only half of it: a hang leaves time for a retry."""
    fake = FakeSage([customer(i) for i in range(1, 4)], faults=["hang"])
    table, _ = await run(setup(fake, tmp_path, split_from=0.5), ScanRequest(["Id"]), Timeout=1)
    assert table.column("Id").to_pylist() == [1, 2, 3]
    assert fake.cancelled == 1


async def test_timeout_bounds_the_whole_request_retries_included(tmp_path: Path) -> None:
    """Timeout is the whole wait on the API for a request (spec: 'until the timeout error is thrown'), not per
    attempt: a frozen API fails within Timeout, whatever the number of attempts allowed."""
    fake = FakeSage([customer(1)], faults=["hang"] * 20)
    started = anyio.current_time()
    with pytest.raises(PgError) as err:
        await run(setup(fake, tmp_path, attempts=20, split_from=0.2), ScanRequest(["Id"]), Timeout=2)
    elapsed = anyio.current_time() - started
    assert err.value.sqlstate == "57014" and "within Timeout (2 s)" in err.value.message
    assert 1.9 <= elapsed < 2.2  # Timeout + 10% (issue 8)
    assert fake.cancelled >= 2  # retried inside the budget


async def test_rate_limits_slow_down_without_spending_attempts(tmp_path: Path) -> None:
    """429 with Retry-After is waited out and does not count as a failed attempt: with 2 attempts allowed, ten
    rate-limited answers in a row still end in the rows."""
    sleeps = Sleeps()
    fake = FakeSage([customer(i) for i in range(1, 4)], faults=["429:1"] * 10)
    table, _ = await run(setup(fake, tmp_path, sleeps, attempts=2), ScanRequest(["Id"]), Timeout=0)
    assert table.column("Id").to_pylist() == [1, 2, 3]
    assert len(sleeps.waits) == 10 and all(w >= 1 for w in sleeps.waits)


async def test_a_rate_limit_longer_than_the_budget_fails_clearly(tmp_path: Path) -> None:
    sleeps = Sleeps()
    fake = FakeSage([customer(1)], faults=["429:30"])
    with pytest.raises(PgError) as err:
        await run(setup(fake, tmp_path, sleeps), ScanRequest(["Id"]), Timeout=5)
    assert err.value.sqlstate == "57014" and "within Timeout (5 s)" in err.value.message
    assert sleeps.waits == []  # it did not wait 30 s only to fail


async def test_fails_clearly_after_bounded_retries(tmp_path: Path) -> None:
    fake = FakeSage([customer(1)], faults=["503"] * 10)
    with pytest.raises(PgError) as err:
        await run(setup(fake, tmp_path, attempts=3), ScanRequest(["Id"]))
    assert err.value.sqlstate == "HV000"
    assert "after 3 attempts" in err.value.message and "503" in err.value.message
    assert len(fake.data_requests()) == 3


async def test_persistent_timeouts_fail_with_57014(tmp_path: Path) -> None:
    fake = FakeSage([customer(1)], faults=["hang"] * 2)
    with pytest.raises(PgError) as err:
        await run(setup(fake, tmp_path, attempts=2), ScanRequest(["Id"]), Timeout=1)
    assert err.value.sqlstate == "57014" and "Timeout" in (err.value.hint or "")


async def test_api_4xx_fails_with_its_message_at_once(tmp_path: Path) -> None:
    fake = FakeSage([customer(1)], faults=["400"])
    with pytest.raises(PgError) as err:
        await run(setup(fake, tmp_path), ScanRequest(["Id"]))
    assert err.value.sqlstate == "HV000" and "Unknown field 'nope'" in err.value.message
    assert len(fake.data_requests()) == 1


async def test_duplicate_keys_never_pass(tmp_path: Path) -> None:
    fake = FakeSage([customer(i) for i in range(1, 26)], faults=["ok", "ok"] + ["dup"] * 10)
    with pytest.raises(PgError) as err:
        await run(setup(fake, tmp_path, attempts=3), ScanRequest(["Id"]), PageSize=10, MaxThreads=1)
    assert err.value.sqlstate == "HV000" and "repeated or out of order" in err.value.message


async def test_rows_changing_during_scan_fail(tmp_path: Path) -> None:
    fake = FakeSage([customer(i) for i in range(1, 26)])
    provider = setup(fake, tmp_path)
    ctx = Ctx(PageSize=10, MaxThreads=1)
    plan = provider.plan(ScanRequest(["Id"]), ctx)
    seen: list[int] = []
    with pytest.raises(PgError) as err:
        async for batch in provider.scan(plan, ctx):
            seen += batch.column(0).to_pylist()
            fake.rows.append(customer(1000 + len(seen)))  # someone adds a customer meanwhile
    assert err.value.sqlstate == "HV000" and "changed while it was being read" in err.value.message


async def test_closing_the_scan_early_stops_paging(tmp_path: Path) -> None:
    fake = FakeSage([customer(i) for i in range(1, 101)])
    provider = setup(fake, tmp_path)
    ctx = Ctx(PageSize=10, MaxThreads=3)
    scan = provider.scan(provider.plan(ScanRequest(["Id"]), ctx), ctx)
    first = await scan.__anext__()
    assert first.num_rows == 10
    await scan.aclose()
    assert len(fake.data_requests()) == 1


async def test_cancelling_the_consumer_cancels_requests_in_flight(tmp_path: Path) -> None:
    fake = FakeSage([customer(i) for i in range(1, 101)], faults=["ok", "ok"] + ["hang"] * 2)
    provider = setup(fake, tmp_path)
    ctx = Ctx(PageSize=10, MaxThreads=5)
    scan = provider.scan(provider.plan(ScanRequest(["Id"]), ctx), ctx)
    assert (await scan.__anext__()).num_rows == 10
    async with anyio.create_task_group() as tg:
        tg.start_soon(scan.__anext__)  # page 0 done, $count done, then a first window of 2 that hangs
        while fake.in_flight < 2:
            await anyio.sleep(0.001)
        tg.cancel_scope.cancel()
    assert fake.cancelled == 2 and fake.in_flight == 0
    await scan.aclose()


async def test_count_only_scan_yields_row_counts(tmp_path: Path) -> None:
    fake = FakeSage([customer(i) for i in range(1, 8)])
    table, _ = await run(setup(fake, tmp_path), ScanRequest([]))
    assert table.num_rows == 7 and table.num_columns == 0
    assert fake.data_requests() == [f"{BASE}/customers?$select=id&$orderby=id asc&$top=500&$skip=0"]


async def test_unknown_company_is_a_clear_error(tmp_path: Path) -> None:
    fake = FakeSage([customer(1)])
    with pytest.raises(PgError) as err:
        await run(setup(fake, tmp_path), ScanRequest(["Id"]), CompanyId="999")
    assert err.value.sqlstate == "22023" and "unknown CompanyId 999" in err.value.message
    assert "101 (Co 101)" in (err.value.detail or "")
    table, _ = await run(setup(fake, tmp_path), ScanRequest(["Id"]), CompanyId="202")
    assert fake.requests[-1].headers["x-company"] == "202" and table.num_rows == 1


async def test_subscription_key_header(tmp_path: Path) -> None:
    fake = FakeSage([customer(1)])
    await run(setup(fake, tmp_path), ScanRequest(["Id"]), SubscriptionKey="sub-123")
    assert fake.requests[-1].headers["ocp-apim-subscription-key"] == "sub-123"


async def test_pushed_limit_and_offset_span_pages(tmp_path: Path) -> None:
    fake = FakeSage([customer(i) for i in range(1, 101)])
    table, plan = await run(setup(fake, tmp_path), ScanRequest(["Id"], limit=25, offset=5), PageSize=10, MaxThreads=4)
    assert plan.limit_pushed and table.column("Id").to_pylist() == list(range(6, 31))
    assert fake.data_requests() == [
        f"{BASE}/customers?$select=id&$orderby=id asc&$top=10&$skip=5",
        f"{BASE}/customers?$count=true",
        f"{BASE}/customers?$select=id&$orderby=id asc&$top=10&$skip=15",
        f"{BASE}/customers?$select=id&$orderby=id asc&$top=5&$skip=25",
        f"{BASE}/customers?$count=true",
    ]


async def test_invalid_property_values_are_rejected(tmp_path: Path) -> None:
    provider = setup(FakeSage([customer(1)]), tmp_path)
    with pytest.raises(PgError) as err:
        provider.plan(ScanRequest(["Id"]), Ctx(PageSize=6000))
    assert err.value.sqlstate == "22023" and "PageSize" in err.value.message
    with pytest.raises(PgError) as err:
        await run(provider, ScanRequest(["Id"]), MaxThreads="lots")
    assert err.value.sqlstate == "22023" and "MaxThreads" in err.value.message


async def test_max_threads_is_shared_by_the_scans_of_one_connection(tmp_path: Path) -> None:
    fake = FakeSage([customer(i) for i in range(1, 101)], delay=0.02)
    provider = setup(fake, tmp_path)
    ctx = Ctx(PageSize=5, MaxThreads=3)
    plan = provider.plan(ScanRequest(["Id"]), ctx)
    counts: list[int] = []

    async def consume() -> None:
        counts.append(sum([b.num_rows async for b in provider.scan(plan, ctx)]))

    async with anyio.create_task_group() as tg:  # e.g. a self-join reads the view twice at once
        tg.start_soon(consume)
        tg.start_soon(consume)
    assert counts == [100, 100] and fake.max_in_flight == 3


class ScriptedPages:
    """A fetch whose pages finish only when the test says so; records starts and cancellations."""

    def __init__(self) -> None:
        self.started: list[int] = []
        self.cancelled: list[int] = []
        self.release: dict[int, anyio.Event] = {}
        self.fail: set[int] = set()

    def finish(self, *indexes: int) -> None:
        for index in indexes:
            self.release.setdefault(index, anyio.Event()).set()

    async def __call__(self, page: PageRequest) -> str:
        self.started.append(page.index)
        try:
            await self.release.setdefault(page.index, anyio.Event()).wait()
        except BaseException:
            self.cancelled.append(page.index)
            raise
        if page.index in self.fail:
            raise RuntimeError(f"page {page.index} failed")
        return f"rows of page {page.index}"


async def settle() -> None:
    for _ in range(10):
        await anyio.sleep(0)


async def test_pipeline_yields_in_page_order_while_later_pages_finish_first() -> None:
    fetch = ScriptedPages()
    pipeline = PagePipeline(fetch, remaining_pages(0, 0, 60, 10), limit=6, first=6)
    pipeline.start()
    fetch.finish(5, 4, 3, 2, 1)  # everything but the head is done
    await settle()
    assert sorted(fetch.started) == [0, 1, 2, 3, 4, 5]
    fetch.finish(0)
    got = [await pipeline.next() for _ in range(6)]
    assert [(page.index, result) for page, result in got] == [(i, f"rows of page {i}") for i in range(6)]  # type: ignore[misc]
    assert await pipeline.next() is None


async def test_pipeline_slides_instead_of_waiting_for_a_whole_window() -> None:
    fetch = ScriptedPages()
    pipeline = PagePipeline(fetch, remaining_pages(0, 0, 200, 10), limit=4, first=2)
    pipeline.start()
    await settle()
    assert fetch.started == [0, 1]  # slow start: two pages before the consumer took any
    fetch.finish(0)
    page, _ = await pipeline.next()  # type: ignore[misc]
    assert page.index == 0
    await settle()
    assert fetch.started == [0, 1, 2, 3]  # page 1 still running, yet two more started (no barrier)
    fetch.finish(1, 2, 3)
    for expected in (1, 2, 3):
        page, _ = await pipeline.next()  # type: ignore[misc]
        assert page.index == expected
        await settle()
        taken = expected + 1
        assert len(fetch.started) - taken <= 4  # outstanding (in flight or waiting) never exceeds the limit
    await pipeline.aclose()
    assert fetch.cancelled and set(fetch.cancelled) == set(fetch.started) - {0, 1, 2, 3}


async def test_pipeline_raises_a_later_failure_at_once_and_cancels_the_rest() -> None:
    fetch = ScriptedPages()
    fetch.fail.add(2)
    pipeline = PagePipeline(fetch, remaining_pages(0, 0, 100, 10), limit=4, first=4)
    pipeline.start()
    fetch.finish(2)  # page 2 fails while page 0 is still running
    with pytest.raises(RuntimeError, match="page 2 failed"):
        await pipeline.next()
    assert sorted(fetch.cancelled) == [0, 1, 3]
    assert await pipeline.next() is None


async def test_pipeline_cancelled_consumer_cancels_every_request() -> None:
    fetch = ScriptedPages()
    pipeline = PagePipeline(fetch, remaining_pages(0, 0, 100, 10), limit=3, first=3)
    async with anyio.create_task_group() as tg:
        tg.start_soon(pipeline.next)
        await settle()
        tg.cancel_scope.cancel()
    assert sorted(fetch.cancelled) == [0, 1, 2]


async def test_money_comes_back_exactly_whatever_its_digits(tmp_path: Path) -> None:
    balances = [Decimal("1234567.89"), Decimal("1234567890123456.78"), Decimal("0.10"), Decimal("-0.01")]
    rows = [{**customer(i), "balance": b} for i, b in enumerate(balances * 30, start=1)]
    fake = FakeSage(rows)
    assert b'"balance": 1234567890123456.78,' in json_bytes(rows[:2])  # a JSON number with all its digits
    table, _ = await run(setup(fake, tmp_path), ScanRequest(["Id", "Balance"]), PageSize=8, MaxThreads=3)
    assert table.column("Balance").to_pylist() == balances * 30
