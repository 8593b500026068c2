"""The demo data: every field the views read is served, references resolve, views agree with
their sources, and generation is deterministic and scales."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from functools import cache
from typing import Any

import httpx
import pytest

from providers.sage200.model import load_views
from sage_sandbox import SandboxConfig, create_app
from sage_sandbox.data.dataset import COMPANIES, Dataset

from .conftest import PRO, STD, Running

EDITION_BASE = {"StandardUK": STD, "ProfessionalUK": PRO}

# (resource, field) -> (target resource, target key) for every id the demo data fills in
FOREIGN_KEYS: dict[tuple[str, str], tuple[str, str]] = {
    **{("sop_order_line_views", f): t for f, t in (
        ("sop_order_id", ("sop_orders", "id")), ("customer_id", ("customers", "id")),
        ("product_id", ("products", "id")), ("warehouse_id", ("warehouses", "id")),
        ("tax_code_id", ("tax_codes", "id")), ("sop_order_currency_id", ("currencies", "id")))},
    **{("pop_order_line_views", f): t for f, t in (
        ("pop_order_id", ("pop_orders", "id")), ("supplier_id", ("suppliers", "id")),
        ("product_id", ("products", "id")), ("warehouse_id", ("warehouses", "id")),
        ("tax_code_id", ("tax_codes", "id")), ("pop_order_currency_id", ("currencies", "id")))},
    **{(view, f): t for view in ("sop_quote_line_views", "sop_proforma_line_views") for f, t in (
        ("customer_id", ("customers", "id")), ("product_id", ("products", "id")),
        ("warehouse_id", ("warehouses", "id")), ("tax_code_id", ("tax_codes", "id")))},
    ("customer_sop_invoice_credit_line_views", "customer_id"): ("customers", "id"),
    ("customer_sop_invoice_credit_line_views", "product_id"): ("products", "id"),
    ("customer_sop_invoice_credit_line_views", "product_group_id"): ("product_groups", "id"),
    ("sop_orders", "customer_id"): ("customers", "id"),
    ("sop_orders", "currency_id"): ("currencies", "id"),
    ("sop_orders", "customer_delivery_address_id"): ("customer_delivery_addresses", "id"),
    ("pop_orders", "supplier_id"): ("suppliers", "id"),
    ("customer_contacts", "customer_id"): ("customers", "id"),
    ("customer_delivery_addresses", "customer_id"): ("customers", "id"),
    ("customer_delivery_addresses", "tax_code_id"): ("tax_codes", "id"),
    ("supplier_contacts", "supplier_id"): ("suppliers", "id"),
    ("customers", "currency_id"): ("currencies", "id"),
    ("customers", "default_tax_code_id"): ("tax_codes", "id"),
    ("customers", "price_band_id"): ("price_bands", "id"),
    ("customers", "default_nominal_code_id"): ("nominal_codes", "id"),
    ("suppliers", "currency_id"): ("currencies", "id"),
    ("suppliers", "default_tax_code_id"): ("tax_codes", "id"),
    ("suppliers", "default_nominal_code_id"): ("nominal_codes", "id"),
    ("nominal_codes", "cost_centre_id"): ("cost_centres", "id"),
    ("nominal_codes", "department_id"): ("departments", "id"),
    ("nominal_codes", "report_category_id"): ("nominal_report_categories", "id"),
    ("products", "product_group_id"): ("product_groups", "id"),
    ("products", "tax_code_id"): ("tax_codes", "id"),
    ("products", "stock_nominal_code_id"): ("nominal_codes", "id"),
    ("products", "revenue_nominal_code_id"): ("nominal_codes", "id"),
    ("products", "accrual_nominal_code_id"): ("nominal_codes", "id"),
    ("products", "issue_nominal_code_id"): ("nominal_codes", "id"),
    **{("product_groups", f"{k}_nominal_code_id"): ("nominal_codes", "id")
       for k in ("stock", "revenue", "accrual", "issue")},
    ("warehouse_holdings", "product_id"): ("products", "id"),
    ("warehouse_holdings", "warehouse_id"): ("warehouses", "id"),
    ("product_price_views", "product_id"): ("products", "id"),
    ("product_price_views", "price_band_id"): ("price_bands", "id"),
    ("product_price_views", "currency_id"): ("currencies", "id"),
    ("product_transaction_views", "product_id"): ("products", "id"),
    ("product_transaction_views", "product_group_id"): ("product_groups", "id"),
    ("price_bands", "currency_id"): ("currencies", "id"),
    ("banks", "account_currency_id"): ("currencies", "id"),
    ("bank_posted_transactions", "bank_id"): ("banks", "id"),
    ("bank_posted_transactions", "cheque_currency_id"): ("currencies", "id"),
    ("sales_posted_transactions", "customer_id"): ("customers", "id"),
    ("sales_historical_transactions", "customer_id"): ("customers", "id"),
    ("purchase_posted_transactions", "supplier_id"): ("suppliers", "id"),
    ("sales_transaction_views", "customer_id"): ("customers", "id"),
    ("sales_transaction_views", "posted_customer_transaction_id"): ("sales_posted_transactions", "id"),
    ("sop_additional_charges", "nominal_code_id"): ("nominal_codes", "id"),
    ("sop_additional_charges", "tax_code_id"): ("tax_codes", "id"),
    ("financial_report_layout_views", "nominal_account_report_category_id"): ("nominal_report_categories", "id"),
}


def fetch(sandbox: Running, base: str, resource: str, company: int, expand: set[str] | None = None) -> list[dict]:
    params = {"$top": "5000"}
    if expand:
        params["$expand"] = ",".join(sorted(expand))
    response = sandbox.get(f"{base}/{resource}", company=company, **params)
    assert response.status_code == 200, response.text
    rows = response.json()
    assert 0 < len(rows) < 5000, resource
    return rows


@cache
def view_specs() -> list[Any]:
    return load_views()


@pytest.mark.parametrize("edition", ["StandardUK", "ProfessionalUK"])
@pytest.mark.parametrize("company", [1, 2])
def test_every_view_column_is_served(sandbox: Running, edition: str, company: int) -> None:
    for spec in (v for v in view_specs() if v.schema == edition):
        kinds = spec.extra["source_kinds"]
        served = [c for c in spec.columns if c.source is not None]  # not ExternalId (the truth table's)
        expand = {c.source.split(".")[0] for c in served if kinds[c.name] != "field"}
        rows = fetch(sandbox, EDITION_BASE[edition], spec.extra["resource"].lstrip("/"), company, expand)
        for column in served:
            head, _, sub = column.source.partition(".")
            for row in rows:
                assert head in row, f"{spec.name}.{column.name}: {head} missing"
                if kinds[column.name] == "nested":
                    assert isinstance(row[head], dict) and sub in row[head], f"{spec.name}.{column.name}"
                elif kinds[column.name] == "json":
                    assert isinstance(row[head], list), f"{spec.name}.{column.name}"
        keys = [c.source for c in spec.columns if c.is_key and kinds[c.name] == "field"]
        if keys and spec.name not in ("PurchaseOrderLines", "SalesOrderLines", "SalesOrderQuoteLines",
                             "SalesOrderProformaLines", "FinancialReportLayouts", "FinancialYearPeriods",
                             "ProductPrices", "NominalTransactionAnalysisCodes", "CompanyDetails"):
            assert len({tuple(r[k] for k in keys) for r in rows}) == len(rows), f"{spec.name} key not unique"


@pytest.mark.parametrize("company", [1, 2])
def test_references_resolve(sandbox: Running, company: int) -> None:
    cache_rows: dict[str, list[dict]] = {}

    def rows(resource: str) -> list[dict]:
        if resource not in cache_rows:
            cache_rows[resource] = fetch(sandbox, PRO, resource, company)
        return cache_rows[resource]

    by_view = {v.name: v.extra["resource"].lstrip("/") for v in view_specs()}
    checks = dict(FOREIGN_KEYS)
    for spec in view_specs():  # plus every reference the data model declares
        for column in spec.columns:
            if column.references and spec.extra["source_kinds"][column.name] == "field":
                target_view, _, _ = column.references.partition(".")
                checks[(spec.extra["resource"].lstrip("/"), column.source)] = (by_view[target_view], "id")
    for (resource, field), (target, key) in sorted(checks.items()):
        targets = {r[key] for r in rows(target)}
        values = [r[field] for r in rows(resource)]
        filled = [v for v in values if v is not None]
        assert filled, f"{resource}.{field} is never filled"
        missing = {v for v in filled if v not in targets}
        assert not missing, f"{resource}.{field} -> {target}.{key}: {sorted(missing)[:5]}"


def test_line_views_agree_with_their_documents(sandbox: Running) -> None:
    orders = {o["id"]: o for o in fetch(sandbox, PRO, "sop_orders", 1)}
    customers = {c["id"]: c for c in fetch(sandbox, PRO, "customers", 1)}
    lines = fetch(sandbox, PRO, "sop_order_line_views", 1)
    totals: dict[int, float] = {}
    for line in lines:
        order = orders[line["sop_order_id"]]
        for field in ("document_no", "document_date", "document_status", "exchange_rate", "date_time_updated",
                      "subtotal_goods_value", "customer_document_no"):
            assert line[f"sop_order_{field}"] == order[field]
        assert line["customer_id"] == order["customer_id"]
        assert line["customer_name"] == customers[order["customer_id"]]["name"]
        totals[order["id"]] = totals.get(order["id"], 0.0) + line["sop_order_line_total_value"]
    assert set(totals) == set(orders)  # every order has lines
    for order_id, total in totals.items():
        assert round(total, 2) == orders[order_id]["subtotal_goods_value"]


def test_sales_transaction_view_mirrors_posted_transactions(sandbox: Running) -> None:
    posted = {t["id"]: t for t in fetch(sandbox, PRO, "sales_posted_transactions", 1)}
    view = fetch(sandbox, PRO, "sales_transaction_views", 1)
    assert {v["posted_customer_transaction_id"] for v in view} == set(posted)
    for row in view:
        source = posted[row["posted_customer_transaction_id"]]
        assert (row["reference"], row["document_gross_value"], row["transaction_type"]) == (
            source["reference"], source["document_gross_value"], source["trader_transaction_type"])
    invoices = {line["sop_invoice_credit_document_no"] for line in
                fetch(sandbox, PRO, "customer_sop_invoice_credit_line_views", 1)}
    assert invoices <= {t["reference"] for t in posted.values()}


def test_updates_are_spread_over_time(sandbox: Running) -> None:
    stamps = [o["date_time_updated"] for o in fetch(sandbox, PRO, "sop_orders", 1)]
    assert len(set(stamps)) > 250
    assert min(stamps) < "2023-06-01" and max(stamps) > "2025-05-01"


def _json(config: SandboxConfig, path: str) -> Any:
    async def run() -> Any:
        app = create_app(config)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://x") as client:
            response = await client.get(path, headers=app.state.sandbox.auth_headers(),
                                        params={"$top": "5000"})
            return response.json()

    return asyncio.run(run())


def test_generation_is_deterministic_per_seed() -> None:
    first = _json(SandboxConfig(seed=5), f"{PRO}/sop_order_line_views")
    assert first == _json(SandboxConfig(seed=5), f"{PRO}/sop_order_line_views")
    assert first != _json(SandboxConfig(seed=6), f"{PRO}/sop_order_line_views")


def test_tables_do_not_depend_on_build_order() -> None:
    a = Dataset(COMPANIES[0], 9, 1)
    b = Dataset(COMPANIES[0], 9, 1)
    b.table("warehouse_holdings")  # build something else first
    line_a, line_b = a.table("sop_order_line_views"), b.table("sop_order_line_views")
    assert [line_a.row(i) for i in range(50)] == [line_b.row(i) for i in range(50)]


def test_scale_multiplies_transactions_not_masters() -> None:
    one, three = Dataset(COMPANIES[0], 1, 1), Dataset(COMPANIES[0], 1, 3)
    assert len(three.table("sop_orders")) == 3 * len(one.table("sop_orders"))
    assert len(three.table("customers")) == len(one.table("customers"))
    assert len(three.table("sop_order_line_views")) > 2.5 * len(one.table("sop_order_line_views"))


def test_balances_match_the_ledgers(sandbox: Running) -> None:
    for accounts, ledger, fk in (("customers", "sales_posted_transactions", "customer_id"),
                                 ("suppliers", "purchase_posted_transactions", "supplier_id")):
        expected: dict[int, float] = {}
        for t in fetch(sandbox, PRO, ledger, 1):
            sign = -1 if t["trader_transaction_type"].endswith(("CreditNote", "Receipt", "Payment")) else 1
            expected[t[fk]] = expected.get(t[fk], 0.0) + sign * t["document_outstanding_value"]
        rows = fetch(sandbox, PRO, accounts, 1)
        assert any(r["balance"] for r in rows)
        for row in rows:
            assert row["balance"] == round(expected.get(row["id"], 0.0), 2), row["reference"]


def test_completed_orders_are_despatched_in_full(sandbox: Running) -> None:
    lines = fetch(sandbox, PRO, "sop_order_line_views", 1)
    for line in lines:
        complete = line["sop_order_document_status"] == "EnumDocumentStatusComplete"
        expected = line["sop_order_line_quantity"] if complete else 0.0
        assert line["sop_order_line_despatch_receipt_quantity"] == expected
        assert line["sop_order_line_invoice_credit_quantity"] == expected


def test_every_declared_column_type_is_checked_at_generation() -> None:
    """All 1,885 view columns: the sandbox knows each one's declared type by its API path (resources.json,
    from the data model), and generating every table of both companies checks every value against it."""
    from sage_sandbox.data.builder import BUILDERS
    from sage_sandbox.data.schema import load_schemas

    schemas = load_schemas()
    columns = [(v, c) for v in view_specs() for c in v.columns if c.source is not None]  # not ExternalId
    assert len(columns) == 1885
    for spec, column in columns:
        declared = schemas[spec.extra["resource"].lstrip("/")].declared
        assert declared.get(column.source) == column.pg_type, f"{spec.schema}.{spec.name}.{column.name}"
    for profile in COMPANIES:
        dataset = Dataset(profile, 200, 1)
        for name in BUILDERS:
            dataset.table(name)  # raises DemoDataError on the first value that does not fit


def test_a_value_that_does_not_fit_stops_generation(monkeypatch: pytest.MonkeyPatch) -> None:
    from sage_sandbox.data import builder
    from sage_sandbox.data.validate import DemoDataError

    real = builder.BUILDERS["product_transaction_views"]

    def as_before(b: builder.Builder) -> Any:  # the bug this check was written for: an id in a text field
        table = real(b)
        table.columns["source_area_reference"] = list(table.columns["id"])
        return table

    monkeypatch.setitem(builder.BUILDERS, "product_transaction_views", as_before)
    with pytest.raises(DemoDataError, match=r"product_transaction_views\.source_area_reference: \d+ \(int\) is not"):
        Dataset(COMPANIES[0], 200, 1).table("product_transaction_views")


@pytest.mark.parametrize(("values", "api_type", "declared", "problem"), [
    ([1, "a"], "s", "text", "is not a value of API type s"),
    (["x" * 61], "s", "varchar(60)", "longer than varchar(60)"),
    ([40_000], "i16", "smallint", "out of range for API type i16"),
    ([2**31], "i64", "integer", "out of range for integer"),
    ([True], "i32", "integer", "is not a value of API type i32"),
    ([1.005], "d2", "numeric(18,2)", "more than 2 decimals"),
    ([10.0**17], "d2", "numeric(18,2)", "does not fit numeric(18,2)"),
    ([dt.datetime(2024, 1, 1, 9)], "dt", "date", "time of day in a date column"),
    (["2024-01-01"], "dt", "timestamp", "is not a value of API type dt"),
    ([None, 1.25, 3], "d2", "numeric(18,2)", None),
    ([None], "b", "boolean", None),
])
def test_value_checks(values: list[Any], api_type: str, declared: str, problem: str | None) -> None:
    from sage_sandbox.data.validate import DemoDataError, check_column

    if problem is None:
        check_column("t.f", values, api_type, declared, lambda _: None)
    else:
        with pytest.raises(DemoDataError, match=re.escape(problem)):
            check_column("t.f", values, api_type, declared, lambda _: None)


def test_computed_and_lookup_columns_are_checked_too() -> None:
    from sage_sandbox.data.table import Computed, Lookup, Table
    from sage_sandbox.data.validate import DemoDataError, check_column

    computed = Computed(lambda: 3, lambda i: "ok" if i < 2 else 7)
    check_column("t.c", computed, "s", "text", lambda _: None)
    assert [computed[0], computed[1]] == ["ok", "ok"]
    with pytest.raises(DemoDataError, match="t.c: 7"):
        computed[2]  # noqa: B018 - checked as it is computed
    target = Table("other", {"id": "i64", "name": "s"}, {"id": [1, 2], "name": ["a", "b" * 70]})
    lookup = Lookup([1, 2], target, "name")
    with pytest.raises(DemoDataError, match="longer than varchar"):
        check_column("t.l", lookup, "s", "varchar(60)", lambda column: column.target.columns[column.field_name])
