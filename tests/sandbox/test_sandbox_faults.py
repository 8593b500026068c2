"""Fault injection (spec grammar, determinism, every kind over real HTTP), latency, request log."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from sage_sandbox import SandboxConfig, create_app, serve_in_thread
from sage_sandbox.faults import FaultSpecError, parse_fault_spec

from .conftest import PRO


def test_spec_grammar() -> None:
    rules = parse_fault_spec("429:0.1, 500:p=0.05:path=*/customers*, hang:count=1, drop:0.01:after=3,"
                             "truncate:0.01,503:count=2:retry_after=9,504")
    assert [r.kind for r in rules] == ["429", "500", "hang", "drop", "truncate", "503", "504"]
    assert rules[0].probability == 0.1 and rules[0].count is None
    assert rules[1].path == "*/customers*" and rules[1].probability == 0.05
    assert rules[2].count == 1 and rules[2].probability is None
    assert rules[3].after == 3
    assert rules[6].probability is None and rules[6].count is None  # always fires
    assert parse_fault_spec("") == []


@pytest.mark.parametrize("spec, fragment", [
    ("418:0.1", "unknown fault kind"), ("429:1.5", "within 0..1"), ("429:count=x", "bad value"),
    ("500:colour=red", "unknown option"),
])
def test_spec_errors(spec: str, fragment: str) -> None:
    with pytest.raises(FaultSpecError, match=fragment):
        parse_fault_spec(spec)


async def _statuses(seed: int, spec: str, n: int = 40) -> list[int]:
    app = create_app(SandboxConfig(seed=seed, faults=spec))
    headers = app.state.sandbox.auth_headers()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://sandbox") as client:
        return [(await client.get(f"{PRO}/tax_codes", headers=headers)).status_code for _ in range(n)]


def test_faults_are_deterministic_under_a_seed() -> None:
    spec = "429:0.2,500:0.1,503:0.1"
    first = asyncio.run(_statuses(7, spec))
    assert first == asyncio.run(_statuses(7, spec))
    assert {429, 500, 503, 200} <= set(first)
    assert first != asyncio.run(_statuses(8, spec))


def test_count_after_and_path_limits() -> None:
    assert asyncio.run(_statuses(1, "500:count=2", 5)) == [500, 500, 200, 200, 200]
    assert asyncio.run(_statuses(1, "503:count=1:after=2", 5)) == [200, 200, 503, 200, 200]
    assert asyncio.run(_statuses(1, "500:path=*/customers*", 3)) == [200, 200, 200]
    assert asyncio.run(_statuses(1, "504:path=*/tax_codes", 2)) == [504, 504]


async def _count_then_rows(spec: str) -> list[int]:
    app = create_app(SandboxConfig(seed=1, faults=spec))
    headers = app.state.sandbox.auth_headers()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://sandbox") as client:
        return [(await client.get(f"{PRO}/tax_codes", params=params, headers=headers)).status_code
                for params in ({"$count": "true"}, {"$filter": "code eq 1"}, {"$count": "true"})]


def test_query_limits_to_matching_query_strings() -> None:
    """query= matches the decoded query string: a $count alone can be held up while the pages go through."""
    assert asyncio.run(_count_then_rows("503:query=*$count=true*")) == [503, 200, 503]
    assert asyncio.run(_count_then_rows("503:query=*code eq 1*")) == [200, 503, 200]


@pytest.fixture(scope="module")
def faulty():  # noqa: ANN201 - yields (base_url, state)
    app = create_app(SandboxConfig(faults="429:count=1:path=*/currencies:retry_after=7,"
                                          "hang:count=1:path=*/departments,"
                                          "drop:count=1:path=*/cost_centres,"
                                          "truncate:count=1:path=*/sop_orders",
                                   hang_seconds=30))
    with serve_in_thread(app) as base_url:
        yield base_url, app.state.sandbox


def test_429_then_success_over_http(faulty) -> None:  # noqa: ANN001
    base_url, state = faulty
    with httpx.Client(base_url=base_url, headers=state.auth_headers()) as client:
        first = client.get(f"{PRO}/currencies")
        assert first.status_code == 429 and first.headers["retry-after"] == "7"
        assert first.json()[0]["$dataCode"] == "TooManyRequests"
        assert client.get(f"{PRO}/currencies").status_code == 200


def test_hang_outlasts_the_client_timeout(faulty) -> None:  # noqa: ANN001
    base_url, state = faulty
    with httpx.Client(base_url=base_url, headers=state.auth_headers(), timeout=0.5) as client:
        with pytest.raises(httpx.ReadTimeout):
            client.get(f"{PRO}/departments")
        assert client.get(f"{PRO}/departments").status_code == 200


def test_drop_closes_the_connection_without_a_response(faulty) -> None:  # noqa: ANN001
    base_url, state = faulty
    with httpx.Client(base_url=base_url, headers=state.auth_headers()) as client:
        with pytest.raises(httpx.RemoteProtocolError):
            client.get(f"{PRO}/cost_centres")
        assert client.get(f"{PRO}/cost_centres").status_code == 200
    assert any(r.fault == "drop" and r.status == 0 for r in state.requests)


def test_drop_reply_applies_the_write_and_loses_the_answer() -> None:
    app = create_app(SandboxConfig(faults="drop_reply:count=1:path=*/customers"))
    state = app.state.sandbox
    with serve_in_thread(app) as base_url, httpx.Client(base_url=base_url, headers=state.auth_headers()) as client:
        with pytest.raises(httpx.RemoteProtocolError):
            client.post(f"{PRO}/customers", json={"name": "Lost Answer Ltd", "reference": "LOST001"})
        found = client.get(f"{PRO}/customers", params={"$filter": "reference eq 'LOST001'"}).json()
        assert [c["name"] for c in found] == ["Lost Answer Ltd"]  # the create happened
    assert any(r.fault == "drop_reply" and r.method == "POST" for r in state.requests)


def test_truncated_body(faulty) -> None:  # noqa: ANN001
    base_url, state = faulty
    with httpx.Client(base_url=base_url, headers=state.auth_headers()) as client:
        with pytest.raises(httpx.RemoteProtocolError):
            client.get(f"{PRO}/sop_orders")
        assert len(client.get(f"{PRO}/sop_orders").json()) == 300


def test_drop_in_process_surfaces_as_transport_error() -> None:
    async def run() -> None:
        app = create_app(SandboxConfig(faults="drop"))
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://x") as client:
            with pytest.raises(httpx.TransportError):
                await client.get(f"{PRO}/tax_codes", headers=app.state.sandbox.auth_headers())

    asyncio.run(run())


def test_request_log_and_latency() -> None:
    async def run() -> None:
        app = create_app(SandboxConfig(latency_ms=30, jitter_ms=10))
        state = app.state.sandbox
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://x") as client:
            await client.get(f"{PRO}/tax_codes", params={"$filter": "code eq 1"}, headers=state.auth_headers())
            await client.get(f"{PRO}/tax_codes")
        first, second = state.requests
        assert (first.method, first.path, first.status, first.fault) == ("GET", f"{PRO}/tax_codes", 200, None)
        assert first.query == "%24filter=code+eq+1"
        assert second.status == 401
        assert first.duration_ms >= 30 and second.duration_ms >= 30  # the fixed part of the latency
        state.clear()
        assert state.requests == []

    asyncio.run(run())


def test_request_log_redacts_credentials() -> None:
    from sage_sandbox.middleware import redact

    assert redact("client_id=a&client_secret=s3cret&code=xyz&state=1") == "client_id=a&client_secret=***&code=***&state=1"
    assert redact("") == ""
