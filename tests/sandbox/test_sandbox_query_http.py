"""Query options over real HTTP (uvicorn on a loopback port): results and 400s."""

from __future__ import annotations

import re

import pytest

from .conftest import PRO, STD, Running

TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d*[1-9])?Z$")


def test_collection_is_a_bare_array_with_default_top_500(sandbox: Running) -> None:
    response = sandbox.get(f"{PRO}/sop_order_line_views")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    rows = response.json()
    assert isinstance(rows, list) and len(rows) == 500
    # default sort of the line view: sop_order_id, sop_order_line_id descending
    keys = [(r["sop_order_id"], r["sop_order_line_id"]) for r in rows]
    assert keys == sorted(keys, reverse=True)


def test_get_by_id_and_unknown_id(sandbox: Running) -> None:
    customer = sandbox.get(f"{PRO}/customers/27825").json()
    assert (customer["reference"], customer["name"]) == ("A1D001", "A1 Design Services")
    assert sandbox.get(f"{PRO}/customers/1").status_code == 404
    assert sandbox.get(f"{PRO}/customers/abc").status_code == 404
    assert sandbox.get(f"{PRO}/no_such_resource").status_code == 404


def test_value_formats(sandbox: Running) -> None:
    rows = sandbox.get(f"{PRO}/sop_orders", **{"$top": "50"}).json()
    for row in rows:
        assert TIMESTAMP.match(row["date_time_updated"]), row["date_time_updated"]
        assert row["document_date"].endswith("T00:00:00Z")
        assert isinstance(row["total_gross_value"], (int, float))
        assert round(row["total_gross_value"], 2) == row["total_gross_value"]
    assert any("." in r["date_time_updated"] for r in rows)  # fractions appear, trimmed
    currency = sandbox.get(f"{PRO}/currencies/2103").json()
    assert currency["symbol"] == "£"  # UTF-8, not \u-escaped
    assert "£" in sandbox.get(f"{PRO}/currencies/2103").text


@pytest.mark.parametrize("expr, check", [
    ("total_gross_value gt 1000", lambda r: r["total_gross_value"] > 1000),
    ("total_gross_value le 100", lambda r: r["total_gross_value"] <= 100),
    ("document_status eq 'EnumDocumentStatusLive'", lambda r: r["document_status"] == "EnumDocumentStatusLive"),
    ("document_status ne 'EnumDocumentStatusLive'", lambda r: r["document_status"] != "EnumDocumentStatusLive"),
    ("document_date ge 2025-01-01 and document_date lt 2025-02-01",
     lambda r: "2025-01-01" <= r["document_date"][:10] < "2025-02-01"),
    ("(document_date le 2023-05-01 or document_date ge 2025-06-01) and not (total_gross_value lt 500)",
     lambda r: (r["document_date"][:10] <= "2023-05-01" or r["document_date"][:10] >= "2025-06-01")
     and r["total_gross_value"] >= 500),
    ("date_time_updated gt 2025-03-01T10:30:00.5Z", lambda r: r["date_time_updated"] > "2025-03-01T10:30:00.5"),
    ("startswith(analysis_code_1,'rep')", lambda r: r["analysis_code_1"] == "Rep visit"),
])
def test_filter_operators_match_a_client_side_check(sandbox: Running, expr: str, check) -> None:  # noqa: ANN001
    everything = sandbox.get(f"{PRO}/sop_orders", **{"$top": "5000"}).json()
    filtered = sandbox.get(f"{PRO}/sop_orders", **{"$filter": expr, "$top": "5000"}).json()
    expected = [r["id"] for r in everything if check(r)]
    assert expected, "the filter should select something in the demo data"
    assert [r["id"] for r in filtered] == expected


def test_filter_strings_case_insensitive_and_quotes(sandbox: Running) -> None:
    rows = sandbox.get(f"{PRO}/customers", **{"$filter": "reference eq 'a1d001'"}).json()
    assert [r["id"] for r in rows] == [27825]
    assert sandbox.get(f"{PRO}/customers", **{"$filter": "name eq 'O''Neill'"}).json() == []
    contains = sandbox.get(f"{PRO}/customers", **{"$filter": "contains(name,'DESIGN')"}).json()
    assert contains and all("design" in r["name"].lower() for r in contains)
    ends = sandbox.get(f"{PRO}/customers", **{"$filter": "endswith(name,'ltd')"}).json()
    assert ends and all(r["name"].lower().endswith("ltd") for r in ends)


def test_null_comparisons(sandbox: Running) -> None:
    nulls = sandbox.get(f"{PRO}/customers", **{"$filter": "application_date eq null", "$count": "true"}).json()
    total = sandbox.get(f"{PRO}/customers", **{"$count": "true"}).json()
    not_null = sandbox.get(f"{PRO}/customers", **{"$filter": "application_date ne null", "$count": "true"}).json()
    assert nulls == total and not_null == 0


def test_orderby_several_keys(sandbox: Running) -> None:
    rows = sandbox.get(f"{PRO}/customers", **{"$orderby": "analysis_code_1 desc, id asc", "$top": "5000"}).json()
    keys = [(r["analysis_code_1"].casefold(), -r["id"]) for r in rows]
    assert keys == sorted(keys, reverse=True)


def test_top_and_skip_page_through(sandbox: Running) -> None:
    all_ids = [r["id"] for r in sandbox.get(f"{PRO}/sop_orders", **{"$orderby": "id", "$top": "5000"}).json()]
    pages = [sandbox.get(f"{PRO}/sop_orders", **{"$orderby": "id", "$top": "70", "$skip": str(k * 70)}).json()
             for k in range(5)]
    assert [r["id"] for page in pages for r in page] == all_ids
    assert len(pages[-1]) == len(all_ids) - 4 * 70
    assert sandbox.get(f"{PRO}/sop_orders", **{"$top": "0"}).json() == []


def test_count_is_a_bare_integer_and_honours_filter(sandbox: Running) -> None:
    response = sandbox.get(f"{PRO}/sop_orders", **{"$count": "true"})
    assert response.text.strip().isdigit()
    assert response.json() == 300
    live = sandbox.get(f"{PRO}/sop_orders", **{"$count": "true", "$filter": "document_status eq 'EnumDocumentStatusLive'"})
    rows = sandbox.get(f"{PRO}/sop_orders", **{"$top": "5000", "$filter": "document_status eq 'EnumDocumentStatusLive'"})
    assert live.json() == len(rows.json()) < 300


def test_select_and_expand(sandbox: Running) -> None:
    plain = sandbox.get(f"{PRO}/customers/27825").json()
    assert "main_address" not in plain and "contacts" not in plain  # expandable fields only on $expand
    row = sandbox.get(f"{PRO}/customers/27825", **{"$select": "id,name"}).json()
    assert row == {"id": 27825, "name": "A1 Design Services"}
    expanded = sandbox.get(f"{PRO}/customers/27825", **{"$expand": "main_address,contacts,country_code"}).json()
    assert expanded["main_address"]["customer_id"] == 27825
    assert expanded["main_address"]["address_country_code"]["code"] == "GB"
    assert expanded["country_code"]["name"] == "Great Britain"
    assert expanded["contacts"] and all(c["customer_id"] == 27825 for c in expanded["contacts"])
    order = sandbox.get(f"{PRO}/sop_orders", **{"$expand": "customer,lines", "$top": "3", "$orderby": "id",
                                                 "$select": "id,document_no,customer.id,customer.name,lines.id"}).json()
    for o in order:
        assert set(o) == {"id", "document_no", "customer", "lines"}
        assert set(o["customer"]) == {"id", "name"}
        assert o["lines"] and all(set(line) == {"id"} for line in o["lines"])


def test_lines_expand_match_line_view(sandbox: Running) -> None:
    order = sandbox.get(f"{PRO}/sop_orders/1000010", **{"$expand": "lines"}).json()
    view = sandbox.get(f"{PRO}/sop_order_line_views", **{"$filter": "sop_order_id eq 1000010",
                                                          "$orderby": "sop_order_line_id"}).json()
    assert [line["id"] for line in order["lines"]] == [v["sop_order_line_id"] for v in view]
    assert [line["total_value"] for line in order["lines"]] == [v["sop_order_line_total_value"] for v in view]


def test_metadata(sandbox: Running) -> None:
    fields = sandbox.get(f"{PRO}/tax_codes", **{"$metadata": "true"}).json()
    assert {"name": "tax_rate", "type": "decimal"} in fields
    assert all({"name", "type"} <= set(f) for f in fields)


def test_standard_edition_hides_professional_fields(sandbox: Running) -> None:
    pro = sandbox.get(f"{PRO}/customers/27825").json()
    std = sandbox.get(f"{STD}/customers/27825").json()
    assert "analysis_code_20" in pro and "analysis_code_20" not in std
    assert "analysis_code_5" in std and std["name"] == pro["name"]
    assert sandbox.get(f"{STD}/customers", **{"$orderby": "analysis_code_6"}).status_code == 400


@pytest.mark.parametrize("params, fragment", [
    ({"$filter": "nope eq 1"}, "unknown field 'nope'"),
    ({"$filter": "name eq"}, "invalid $filter"),
    ({"$filter": "contacts/name eq 'Leeds'"}, "'contacts' is a collection"),
    ({"$filter": "main_address eq null"}, "name one field of the object 'main_address'"),
    ({"$filter": "main_address/nope eq 'x'"}, "unknown field 'main_address.nope'"),
    ({"$orderby": "nope"}, "unknown field 'nope'"),
    ({"$orderby": "name sideways"}, "asc or desc"),
    ({"$top": "5001"}, "must not exceed 5000"),
    ({"$top": "-1"}, "must not be negative"),
    ({"$top": "ten"}, "whole number"),
    ({"$skip": "10"}, "$skip requires $orderby"),
    ({"$skip": "-5", "$orderby": "id"}, "must not be negative"),
    ({"$select": "id,nope"}, "unknown field 'nope'"),
    ({"$select": "main_address.city"}, "not in $expand"),
    ({"$expand": "nope"}, "unknown field 'nope'"),
    ({"$expand": "name"}, "not an expandable field"),
    ({"$count": "maybe"}, "true or false"),
    ({"$format": "xml"}, "unknown query option"),
])
def test_bad_options_are_400_with_json_body(sandbox: Running, params: dict[str, str], fragment: str) -> None:
    response = sandbox.get(f"{PRO}/customers", **params)
    assert response.status_code == 400
    body = response.json()
    assert isinstance(body, list) and body[0]["$severity"] == "error"
    assert fragment in body[0]["$message"]


def test_child_collection_of_a_record(sandbox: Running) -> None:
    contacts = sandbox.get(f"{PRO}/customers/27825/customer_contacts").json()
    expected = sandbox.get(f"{PRO}/customer_contacts", **{"$filter": "customer_id eq 27825"}).json()
    assert contacts == expected and contacts
    count = sandbox.get(f"{PRO}/customers/27825/customer_contacts", **{"$count": "true"}).json()
    assert count == len(contacts)
    assert sandbox.get(f"{PRO}/customers/1/customer_contacts").status_code == 404
    assert sandbox.get(f"{PRO}/customers/27825/sop_orders").status_code == 404


def test_concurrent_first_requests_agree() -> None:
    """Many clients at once while the data is still being built: same answers as one at a time."""
    from concurrent.futures import ThreadPoolExecutor

    import httpx

    from sage_sandbox import SandboxConfig, create_app, serve_in_thread

    app = create_app(SandboxConfig(seed=3))
    state = app.state.sandbox
    with serve_in_thread(app) as base_url, httpx.Client(base_url=base_url, timeout=60) as client:
        def count(args: tuple[int, str]) -> int:
            company, resource = args
            return client.get(f"{PRO}/{resource}", params={"$count": "true"},
                              headers=state.auth_headers(company)).json()

        jobs = [(company, resource) for company in (1, 2)
                for resource in ("sop_order_line_views", "sop_orders", "sales_transaction_views", "customers")] * 3
        with ThreadPoolExecutor(max_workers=8) as pool:
            results = list(pool.map(count, jobs))
        assert results == [count(job) for job in jobs]
    assert {r.status for r in state.requests} == {200}


def test_filter_on_a_nested_objects_field(sandbox: Running) -> None:
    """`delivery_address/city` (OData's navigation path) filters on the expanded object's field,
    case-insensitively like any text; `salutation/is_default` on a boolean."""
    orders = sandbox.get(f"{PRO}/sop_orders", **{"$expand": "delivery_address", "$top": "5000",
                                                  "$select": "id,delivery_address"}).json()
    city = orders[len(orders) // 2]["delivery_address"]["city"]
    expected = sorted(o["id"] for o in orders if (o["delivery_address"] or {}).get("city", "").lower() == city.lower())
    got = sandbox.get(f"{PRO}/sop_orders", **{"$filter": f"delivery_address/city eq '{city.upper()}'",
                                              "$select": "id", "$top": "5000"}).json()
    assert sorted(o["id"] for o in got) == expected and expected
    contacts = sandbox.get(f"{STD}/customer_contacts", **{"$expand": "salutation", "$top": "5000",
                                                          "$select": "id,salutation"}).json()
    defaults = sorted(c["id"] for c in contacts if c["salutation"] and c["salutation"]["is_default"] is True)
    got = sandbox.get(f"{STD}/customer_contacts", **{"$filter": "salutation/is_default eq true", "$select": "id",
                                                     "$top": "5000"}).json()
    assert sorted(c["id"] for c in got) == defaults
    count = sandbox.get(f"{STD}/customer_contacts", **{"$filter": "salutation/code ne null", "$count": "true"})
    assert count.json() == sum(1 for c in contacts if c["salutation"] and c["salutation"]["code"] is not None)
