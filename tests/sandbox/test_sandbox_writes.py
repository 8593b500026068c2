"""POST/PUT/DELETE /customers: validation, visibility to later reads, date_time_updated."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from sage_sandbox import SandboxConfig, create_app

from .conftest import PRO


class Clock:
    def __init__(self) -> None:
        self.now = 1_767_225_600.0  # 2026-01-01T00:00:00Z

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def api() -> Iterator[tuple[httpx.Client, Clock]]:
    """A private sandbox (writes must not leak into other tests), in-process."""
    clock = Clock()
    app = create_app(SandboxConfig(clock=clock))
    headers = app.state.sandbox.auth_headers(lifetime=10**8)  # the test moves the clock
    transport = httpx.ASGITransport(app=app)
    with httpx.Client(transport=_SyncASGI(transport), base_url="http://sandbox", headers=headers) as client:
        yield client, clock


class _SyncASGI(httpx.BaseTransport):
    """Drive the async ASGI transport from a sync client (one event loop per request)."""

    def __init__(self, inner: httpx.ASGITransport) -> None:
        self.inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        import anyio

        async def run() -> httpx.Response:
            body = request.read()
            async_request = httpx.Request(request.method, request.url, headers=request.headers, content=body)
            response = await self.inner.handle_async_request(async_request)
            content = await response.aread()
            return httpx.Response(response.status_code, headers=response.headers, content=content)

        return anyio.run(run)


def test_create_read_update_delete(api: tuple[httpx.Client, Clock]) -> None:
    client, clock = api
    created = client.post(f"{PRO}/customers", json={
        "reference": "ZYNK001", "name": "Zynk Software Ltd.", "short_name": "Zynk", "credit_limit": 10000,
        "telephone_country_code": "+44", "telephone_area_code": "191", "telephone_subscriber_number": "303 7279",
        "vat_number": "796 5763 59", "analysis_code_1": "North",
        "main_address": {"address_1": "i6", "address_2": "6 - 8 Charlotte Square", "city": "Newcastle",
                         "county": "Tyne and Wear", "postcode": "NE1 4XF"}})
    assert created.status_code == 200, created.text
    body = created.json()
    new_id = body["id"]
    assert body["reference"] == "ZYNK001" and body["credit_limit"] == 10000.0
    assert body["date_time_created"] == body["date_time_updated"] == "2026-01-01T00:00:00Z"
    assert body["main_address"]["postcode"] == "NE1 4XF"

    found = client.get(f"{PRO}/customers", params={"$filter": "reference eq 'zynk001'", "$expand": "main_address"})
    assert [c["id"] for c in found.json()] == [new_id]
    assert found.json()[0]["main_address"]["city"] == "Newcastle"

    clock.now += 3600.25
    updated = client.put(f"{PRO}/customers/{new_id}", json={"name": "Zynk Software Limited", "on_hold": True,
                                                           "main_address": {"city": "Gateshead"}})
    assert updated.status_code == 200, updated.text
    again = client.get(f"{PRO}/customers/{new_id}", params={"$expand": "main_address"}).json()
    assert (again["name"], again["on_hold"], again["main_address"]["city"]) == ("Zynk Software Limited", True,
                                                                                "Gateshead")
    assert again["date_time_updated"] == "2026-01-01T01:00:00.25Z"
    assert again["date_time_created"] == "2026-01-01T00:00:00Z"
    newer = client.get(f"{PRO}/customers", params={"$filter": "date_time_updated gt 2026-01-01T00:30:00Z"}).json()
    assert [c["id"] for c in newer] == [new_id]

    assert client.delete(f"{PRO}/customers/{new_id}").status_code == 200
    assert client.get(f"{PRO}/customers/{new_id}").status_code == 404
    assert client.delete(f"{PRO}/customers/{new_id}").status_code == 404


def test_update_shows_in_views(api: tuple[httpx.Client, Clock]) -> None:
    client, _ = api
    line = client.get(f"{PRO}/sop_order_line_views", params={"$top": "1"}).json()[0]
    customer_id = line["customer_id"]
    by_name = {"$filter": "customer_name eq 'Renamed Customer Ltd'", "$orderby": "sop_order_line_id"}
    assert client.get(f"{PRO}/sop_order_line_views", params=by_name).json() == []  # cached empty result
    assert client.put(f"{PRO}/customers/{customer_id}", json={"name": "Renamed Customer Ltd"}).status_code == 200
    lines = client.get(f"{PRO}/sop_order_line_views", params={"$filter": f"customer_id eq {customer_id}"}).json()
    assert lines and {row["customer_name"] for row in lines} == {"Renamed Customer Ltd"}
    renamed = client.get(f"{PRO}/sop_order_line_views", params=by_name).json()
    assert sorted(r["sop_order_line_id"] for r in lines) == [r["sop_order_line_id"] for r in renamed]


def test_reference_generated_when_missing(api: tuple[httpx.Client, Clock]) -> None:
    client, _ = api
    first = client.post(f"{PRO}/customers", json={"name": "Acme Widgets"}).json()
    second = client.post(f"{PRO}/customers", json={"name": "Acme Gadgets"}).json()
    assert first["reference"] == "ACM001" and second["reference"] == "ACM002"


@pytest.mark.parametrize("body, fragment", [
    ({}, "'name' is required"),
    ({"name": "   "}, "'name' is required"),
    ({"name": "x" * 61}, "at most 60 characters"),
    ({"name": "ok", "reference": "TOOLONG12"}, "at most 8 characters"),
    ({"name": "ok", "short_name": "123456789"}, "at most 8 characters"),
    ({"name": "ok", "vat_number": "9" * 31}, "at most 30 characters"),
    ({"name": "ok", "telephone_country_code": "+44444"}, "at most 5 characters"),
    ({"name": "ok", "analysis_code_3": "a" * 61}, "at most 60"),
    ({"name": "ok", "account_status_type": "Closed"}, "must be one of"),
    ({"name": "ok", "on_hold": "yes"}, "true or false"),
    ({"name": "ok", "credit_limit": "lots"}, "must be a number"),
    ({"name": "ok", "currency_id": 1}, "existing record"),
    ({"name": "ok", "favourite_colour": "blue"}, "unknown or read-only field"),
    ({"name": "ok", "main_address": {"postcode": "TOO LONG 123"}}, "main_address.postcode"),
    ({"name": "ok", "reference": "a1d001"}, "already exists"),
    (["not", "an", "object"], "JSON object"),
])
def test_validation_errors_are_400(api: tuple[httpx.Client, Clock], body: object, fragment: str) -> None:
    client, _ = api
    response = client.post(f"{PRO}/customers", json=body)
    assert response.status_code == 400
    assert fragment in response.json()[0]["$message"]


def test_invalid_json_and_unknown_ids(api: tuple[httpx.Client, Clock]) -> None:
    client, _ = api
    bad = client.post(f"{PRO}/customers", content=b"{not json", headers={"Content-Type": "application/json"})
    assert bad.status_code == 400 and "not valid JSON" in bad.json()[0]["$message"]
    assert client.put(f"{PRO}/customers/1", json={"name": "x"}).status_code == 404
    assert client.delete(f"{PRO}/customers/1").status_code == 404
    assert client.put(f"{PRO}/customers/27825", json={"reference": "a1d001", "name": "A1 Design"}).status_code == 200


def test_customer_with_transactions_cannot_be_deleted(api: tuple[httpx.Client, Clock]) -> None:
    client, _ = api
    response = client.delete(f"{PRO}/customers/27825")
    assert response.status_code == 400 and response.json()[0]["$dataCode"] == "RecordInUse"
    assert client.get(f"{PRO}/customers/27825").status_code == 200
