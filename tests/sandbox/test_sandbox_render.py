"""Page rendering: column-at-a-time JSON equals the per-row renderer; the row cache never serves stale rows."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from decimal import Decimal

import httpx
import pytest

from sage_sandbox import SandboxConfig, create_app
from sage_sandbox.api import DEFAULT_SORT, edition_table
from sage_sandbox.data.dataset import Dataset
from sage_sandbox.jsonfmt import format_timestamp
from sage_sandbox.odata.options import OrderKey, parse_options
from sage_sandbox.query import Renderer, select_positions
from sage_sandbox.row_cache import RowCache

from .conftest import PRO, STD
from .test_sandbox_writes import _SyncASGI


def _reference_json(renderer: Renderer, positions: list[int]) -> bytes:
    """The page as the json module writes the per-row render (the encoding before orjson)."""

    def default(value: object) -> str:
        return format_timestamp(value)  # type: ignore[arg-type]

    rows = [renderer.render(p) for p in positions]
    return json.dumps(rows, default=default, ensure_ascii=False, separators=(",", ":")).encode()


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return create_app(SandboxConfig(seed=200)).state.sandbox.companies[1]


@pytest.mark.parametrize(("resource", "params", "edition"), [
    ("sop_order_line_views", {}, "StandardUK"),
    ("sop_order_line_views", {}, "ProfessionalUK"),
    ("sop_order_line_views", {"$select": "sop_order_id,sop_order_line_cost_price,sop_order_document_date"},
     "StandardUK"),
    ("customers", {"$expand": "main_address,currency"}, "StandardUK"),
    ("customers", {"$expand": "main_address", "$select": "id,name,main_address.city"}, "ProfessionalUK"),
    ("sop_orders", {"$expand": "lines"}, "ProfessionalUK"),
    ("nominal_codes", {}, "StandardUK"),
    ("product_price_views", {}, "StandardUK"),
])
def test_page_json_is_byte_identical_to_the_per_row_render(dataset: Dataset, resource: str,
                                                           params: dict[str, str], edition: str) -> None:
    table = dataset.table(resource)
    options = parse_options(params)
    positions = select_positions(table, options, DEFAULT_SORT.get(resource, [OrderKey(table.key)]),
                                 dataset.positions, dataset)[:300]
    renderer = Renderer(dataset, table, options, edition_table(table, edition))
    expected = _reference_json(renderer, positions)
    assert renderer.render_json(positions) == expected
    cache = RowCache()
    assert renderer.render_json(positions, cache) == expected  # filling
    assert cache.used_bytes == len(expected) - 2 - (len(positions) - 1)  # every row kept: brackets, commas
    assert renderer.render_json(positions, cache) == expected  # from the cache
    assert renderer.render_json(positions[::-1], cache) == _reference_json(renderer, positions[::-1])


def test_decimals_keep_their_digits_and_timestamps_the_api_format(dataset: Dataset) -> None:
    table = dataset.table("sop_order_line_views")
    renderer = Renderer(dataset, table, parse_options({}), edition_table(table, "StandardUK"))
    text = renderer.render_json(list(range(300))).decode()
    rows = json.loads(text)
    tokens = re.findall(r'"sop_order_line_cost_price":([-0-9.eE+]+)', text)
    assert len(tokens) == len(rows)
    assert any(-Decimal(t).as_tuple().exponent == 5 for t in tokens)  # 5 dp cost prices are present
    for token, row in zip(tokens, rows, strict=True):
        assert Decimal(token) == Decimal(repr(row["sop_order_line_cost_price"]))
        assert -Decimal(token).as_tuple().exponent <= 5
    stamps = [r["sop_order_date_time_updated"] for r in rows] + [r["sop_order_document_date"] for r in rows]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d*[1-9])?Z", s) for s in stamps)
    assert any("." in s for s in stamps) and any(s.endswith("T00:00:00Z") for s in stamps)


def test_budget_bounds_the_cache_without_changing_answers(dataset: Dataset) -> None:
    table = dataset.table("sop_order_line_views")
    renderer = Renderer(dataset, table, parse_options({}), edition_table(table, "StandardUK"))
    one_row = len(renderer.render_json([0])) - 2
    cache = RowCache(budget_bytes=one_row * 150)
    first, second = list(range(100)), list(range(100, 200))
    expected = _reference_json(renderer, first), _reference_json(renderer, second)
    assert renderer.render_json(first, cache) == expected[0]
    kept = cache.used_bytes
    assert 0 < kept <= one_row * 150 * 1.2
    assert renderer.render_json(second, cache) == expected[1]  # over budget: rendered, not kept
    assert cache.used_bytes == kept
    assert renderer.render_json(second, cache) == expected[1]


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    app = create_app(SandboxConfig(seed=200))
    headers = app.state.sandbox.auth_headers(lifetime=10**8)
    with httpx.Client(transport=_SyncASGI(httpx.ASGITransport(app=app)), base_url="http://sandbox",
                      headers=headers) as client:
        yield client


def test_a_write_is_visible_in_views_read_before_it(client: httpx.Client) -> None:
    params = {"$orderby": "sop_order_id,sop_order_line_id", "$top": "5000", "$skip": "0",
              "$select": "sop_order_id,sop_order_line_id,customer_id,customer_name"}
    before = client.get(f"{STD}/sop_order_line_views", params=params).json()
    assert client.get(f"{STD}/sop_order_line_views", params=params).json() == before  # now cached
    customer_id = before[0]["customer_id"]
    answer = client.put(f"{PRO}/customers/{customer_id}", json={"name": "Renamed After Caching Ltd"})
    assert answer.status_code == 200, answer.text
    after = client.get(f"{STD}/sop_order_line_views", params=params).json()
    changed = [r for r in after if r["customer_id"] == customer_id]
    assert changed and all(r["customer_name"] == "Renamed After Caching Ltd" for r in changed)
    assert [r for r in after if r["customer_id"] != customer_id] == [
        r for r in before if r["customer_id"] != customer_id]
