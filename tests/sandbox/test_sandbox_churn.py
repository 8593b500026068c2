"""Churn rounds (sage_sandbox/churn.py): deterministic changes that polling by date_time_updated can follow,
header edits seen through line views, deletes that only show as missing records."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest

from sage_sandbox import SandboxConfig, create_app, serve_in_thread
from sage_sandbox.churn import ChurnRound
from sage_sandbox.cli import parse_churn

from .conftest import STD

START = 1_767_225_600.0  # 2026-01-01T00:00:00Z


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> float:
        self.now += 0.0005
        return self.now


def _sandbox():  # type: ignore[no-untyped-def]
    return create_app(SandboxConfig(seed=200, clock=Clock()))


def test_rounds_are_deterministic() -> None:
    first, second = _sandbox().state.sandbox, _sandbox().state.sandbox
    for _ in range(3):
        a, b = first.churn(), second.churn()
        assert {c: (r.edited, r.inserted, r.deleted) for c, r in a.items()} == \
               {c: (r.edited, r.inserted, r.deleted) for c, r in b.items()}
    assert sum(r.changes for r in a.values()) > 40


def _get_all(client: httpx.Client, headers: dict[str, str], resource: str, **params: str) -> list[dict]:
    out: list[dict] = []
    skip = 0
    while True:
        page = client.get(f"{STD}/{resource}", headers=headers,
                          params={**params, "$orderby": "id", "$top": "500", "$skip": str(skip)}).json()
        out += page
        if len(page) < 500:
            return out
        skip += 500


def _iso(value: dt.datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def test_changes_are_visible_to_polling_by_date_time_updated() -> None:
    app = _sandbox()
    state = app.state.sandbox
    with serve_in_thread(app) as base, httpx.Client(base_url=base, timeout=30) as client:
        headers = state.auth_headers(1, lifetime=10**8)
        before = {c["id"]: c for c in _get_all(client, headers, "customers")}
        watermark = max(dt.datetime.fromisoformat(c["date_time_updated"].rstrip("Z")) for c in before.values())
        reports = [state.churn(ChurnRound(edits=8, header_edits=0, inserts=3, deletes=2,
                                                  resources=("customers",)))[1] for _ in range(3)]
        after = {c["id"]: c for c in _get_all(client, headers, "customers")}
        changed = _get_all(client, headers, "customers", **{"$filter": f"date_time_updated gt {_iso(watermark)}"})
        edited = {k for r in reports for k in r.edited.get("customers", [])}
        inserted = {k for r in reports for k in r.inserted.get("customers", [])}
        deleted = {k for r in reports for k in r.deleted.get("customers", [])}
        assert edited and inserted  # the rounds really touched customers
        assert {c["id"] for c in changed} == (edited | inserted) - deleted  # exactly the edits and inserts
        assert set(after) == (set(before) | inserted) - deleted  # deletes only show as missing records
        for key in edited - deleted - inserted:
            assert after[key] != before[key]
        count = client.get(f"{STD}/customers", headers=headers, params={"$count": "true"}).json()
        assert count == len(after)


def test_header_edits_show_on_every_line_of_the_order() -> None:
    app = _sandbox()
    state = app.state.sandbox
    with serve_in_thread(app) as base, httpx.Client(base_url=base, timeout=30) as client:
        headers = state.auth_headers(1, lifetime=10**8)
        report = state.churn(ChurnRound(edits=0, header_edits=10, inserts=0, deletes=0))[1]
        order_id = next(k for k in report.edited.get("sop_orders", [])
                        if client.get(f"{STD}/sop_order_line_views", headers=headers,
                                      params={"$filter": f"sop_order_id eq {k}"}).json())
        order = client.get(f"{STD}/sop_orders/{order_id}", headers=headers).json()
        lines = client.get(f"{STD}/sop_order_line_views", headers=headers,
                           params={"$filter": f"sop_order_id eq {order_id}"}).json()
        assert lines and all(line["sop_order_date_time_updated"] == order["date_time_updated"] for line in lines)
        assert order["date_time_updated"] > "2026-01-01"  # the round's stamp, after every generated one


@pytest.mark.parametrize("text, error", [("every=0", "every must be positive"), ("edits=x", "must be a number"),
                                         ("bogus=1", "expected name=value"), ("deletes=-1", "must not be negative")])
def test_churn_option_errors(text: str, error: str) -> None:
    with pytest.raises(ValueError, match=error):
        parse_churn(text)


def test_churn_option_parses() -> None:
    assert parse_churn("") is None
    assert parse_churn("every=2.5,edits=7,deletes=0") == (2.5, ChurnRound(edits=7, deletes=0))
