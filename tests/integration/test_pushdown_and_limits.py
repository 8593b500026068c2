"""Pushdown and connection limits, asserted on the requests the sandbox logged."""

from __future__ import annotations

import asyncio
import time
from urllib.parse import parse_qs

import asyncpg
import pytest

from sage_sandbox.state import SandboxState
from tests.integration.conftest import PASSWORD, USER, Stack


def data_requests(sandbox: SandboxState, resource: str) -> list[dict[str, str]]:
    """The logged GETs of one resource, as decoded query dicts."""
    found = []
    for r in sandbox.requests:
        if r.method == "GET" and r.path.endswith("/" + resource):
            found.append({k: v[0] for k, v in parse_qs(r.query, keep_blank_values=True).items()})
    return found


def test_where_id_makes_one_request(stack: Stack, sandbox: SandboxState) -> None:
    out = stack.psql("SELECT Reference FROM Customers WHERE Id = 27825").stdout.split()
    assert out == ["A1D001"]
    calls = data_requests(sandbox, "customers")
    assert len(calls) == 1
    assert calls[0]["$filter"] == "id eq 27825"


def test_limit_10_reads_one_page(stack: Stack, sandbox: SandboxState) -> None:
    out = stack.psql("SELECT LineId FROM SalesOrderLines LIMIT 10").stdout.split()
    assert len(out) == 10
    calls = data_requests(sandbox, "sop_order_line_views")
    assert len(calls) == 1
    assert calls[0]["$top"] == "10"


def test_string_filter_is_sent_and_rechecked(stack: Stack, sandbox: SandboxState) -> None:
    # The API compares case-insensitively; PostgreSQL does not: 'a1d001' must not match 'A1D001'.
    out = stack.psql("SELECT count(*) FROM Customers WHERE Reference = 'a1d001'",
                     "SELECT count(*) FROM Customers WHERE Reference LIKE 'A1D%'").stdout.split()
    assert out == ["0", "1"]
    filters = [c.get("$filter") for c in data_requests(sandbox, "customers")]
    assert "reference eq 'a1d001'" in filters
    assert "startswith(reference,'A1D')" in filters


def test_hostile_string_cannot_change_the_filter(stack: Stack, sandbox: SandboxState) -> None:
    out = stack.psql("SELECT count(*) FROM Customers WHERE Name = 'x'' or id gt 0 or name eq ''y'").stdout.split()
    assert out == ["0"]
    assert data_requests(sandbox, "customers")[0]["$filter"] == "name eq 'x'' or id gt 0 or name eq ''y'"


def test_or_in_between_are_pushed(stack: Stack, sandbox: SandboxState) -> None:
    out = stack.psql("SELECT count(*) FROM Customers WHERE Id IN (27825, 27826) OR Id BETWEEN 27830 AND 27831")
    assert out.stdout.split() == ["4"]
    (call,) = data_requests(sandbox, "customers")
    assert "27825" in call["$filter"] and "27830" in call["$filter"] and " or " in call["$filter"]


def test_order_and_limit_pushed_only_when_safe(stack: Stack, sandbox: SandboxState) -> None:
    out = stack.psql("SELECT Id FROM Customers ORDER BY Id DESC LIMIT 3").stdout.split()
    assert out == sorted(out, reverse=True) and len(out) == 3
    (call,) = data_requests(sandbox, "customers")
    assert call["$top"] == "3" and call["$orderby"] == "id desc"
    sandbox.clear()
    # A residual (client-side) filter means the API's first 3 rows may not qualify: no $top=3.
    stack.psql("SELECT Id FROM Customers WHERE MainAddressCity LIKE '%o%' ORDER BY Name LIMIT 3")
    assert all(c.get("$top") != "3" for c in data_requests(sandbox, "customers"))


def test_maxrows_caps_plain_queries_but_not_aggregates(stack: Stack) -> None:
    out = stack.psql("SELECT LineId FROM SalesOrderLines", "SELECT count(*) FROM SalesOrderLines",
                     "SELECT LineId FROM SalesOrderLines LIMIT 7", options="-c MaxRows=4").stdout.split()
    assert len(out) == 4 + 1 + 7
    assert int(out[4]) > 100  # the aggregate saw every row
    out = stack.psql("SET MaxRows = 2", "SHOW MaxRows", "SELECT Id FROM Customers").stdout.split()
    assert out[0] == "SET" and out[1] == "2" and len(out) == 4


def test_bad_connection_property_value(stack: Stack) -> None:
    result = stack.psql("SET MaxThreads = 'many'", check=False)
    assert result.returncode != 0
    assert "MaxThreads" in result.stderr
    result = stack.psql("SELECT 1", options="-c MaxRows=abc", check=False)
    assert result.returncode != 0 and "MaxRows" in result.stderr


def test_maxthreads_bounds_requests_in_flight(stack: Stack, sandbox: SandboxState, faults) -> None:  # noqa: ANN001
    faults("", latency_ms=30)
    out = stack.psql("SELECT count(*) FROM (SELECT LineId FROM SalesOrderLines) t", options="-c MaxThreads=2 -c PageSize=100"
                     ).stdout.split()
    assert int(out[0]) > 100
    pages = [r for r in sandbox.requests if r.path.endswith("/sop_order_line_views") and "%24count" not in r.query
             and "$count" not in r.query]
    assert len(pages) >= 3
    # Requests overlap at most MaxThreads at a time: check with the logged durations and order.
    assert max_overlap(sandbox, "sop_order_line_views") <= 2


def max_overlap(sandbox: SandboxState, resource: str) -> int:
    spans = [(r.started, r.started + r.duration_ms / 1000) for r in sandbox.requests
             if r.path.endswith("/" + resource)]
    return max(sum(1 for s, e in spans if s <= t < e) for t, _ in spans)


def test_timeout_fails_a_hanging_request_clearly(stack: Stack, faults) -> None:  # noqa: ANN001
    faults("hang:count=10:path=*/banks")
    result = stack.psql("SELECT * FROM Banks", options="-c Timeout=1", check=False)
    assert result.returncode != 0
    assert "time" in result.stderr.lower()
    # The connection's other queries still work afterwards.
    faults("")
    assert stack.psql("SELECT count(*) FROM Banks").stdout.strip().isdigit()


def test_cancel_stops_a_running_query(stack: Stack, sandbox: SandboxState, faults) -> None:  # noqa: ANN001
    # 1,133 lines in pages of 50, one request at a time, 200 ms each: the scan needs ~5 s; cancel after 0.8 s.
    stack.psql("SELECT count(*) FROM Currencies")  # sign-in and site discovery done before the clock matters
    faults("", latency_ms=200)
    sandbox.clear()

    async def run() -> str:
        conn = await asyncpg.connect(host="127.0.0.1", port=stack.port, user=USER, password=PASSWORD,
                                     database="sage200",
                                     server_settings={"options": "-c PageSize=50 -c MaxThreads=1"})
        try:
            task = asyncio.create_task(conn.fetch("SELECT * FROM SalesOrderLines", timeout=None))
            await asyncio.sleep(0.8)
            task.cancel()  # asyncpg sends a CancelRequest
            with pytest.raises(asyncio.CancelledError):
                await task
            return str(await conn.fetchval("SELECT 'still usable'"))
        finally:
            await conn.close()

    assert asyncio.run(run()) == "still usable"
    time.sleep(0.5)  # a request in flight at the cancel finishes (and is logged) within the latency
    settled = len(sandbox.requests)
    time.sleep(1.0)
    assert len(sandbox.requests) == settled  # no new page requests after the cancel: paging stopped
    pages = [r for r in sandbox.requests if r.path.endswith("/sop_order_line_views")]
    assert 1 <= len(pages) < 10  # the scan was cut short (it needs 23 pages and a count)


def test_high_fault_rate_returns_every_row_once_or_fails(stack: Stack, faults) -> None:  # noqa: ANN001
    expected = stack.psql("SELECT count(*), count(DISTINCT LineId) FROM SalesOrderLines", options="-c PageSize=50")
    faults("500:0.2,503:0.1,429:0.1:retry_after=0,truncate:0.05,drop:0.05")
    got = stack.psql("SELECT count(*), count(DISTINCT LineId) FROM SalesOrderLines", options="-c PageSize=50",
                     check=False)
    if got.returncode == 0:
        assert got.stdout == expected.stdout
    else:
        assert "ERROR" in got.stderr and ("retr" in got.stderr.lower() or "sage" in got.stderr.lower())


def test_errors_keep_the_connection_usable(stack: Stack) -> None:
    async def run() -> list[str]:
        conn = await asyncpg.connect(host="127.0.0.1", port=stack.port, user=USER, password=PASSWORD,
                                     database="sage200")
        states = []
        try:
            for sql in ["SELECT * FROM NoSuchView", "SELECT NoSuchColumn FROM Customers", "SELEC 1",
                        "INSERT INTO Banks (Id) VALUES (1)", "DELETE FROM Customers"]:
                try:
                    await conn.fetch(sql)
                except asyncpg.PostgresError as exc:
                    states.append(exc.sqlstate)
            states.append(str(await conn.fetchval("SELECT count(*) FROM Currencies") > 0))
        finally:
            await conn.close()
        return states

    states = asyncio.run(run())
    assert states[:3] == ["42P01", "42703", "42601"]
    assert all(s not in ("XX000", None) for s in states[3:5])
    assert states[5] == "True"
