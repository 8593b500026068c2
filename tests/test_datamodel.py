"""The generated Sage 200 data model against the CData spec (the contract) and the API reference."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

from pgserver.provider import TableSpec, arrow_schema
from providers.sage200.model import EDITIONS, load_model, load_resources, load_views, views_for_schema

SHARED = Path("/work/shared")
SPEC = SHARED / "seeds" / "cdata-sage200-data-model.txt"
ROOT = Path(__file__).resolve().parent.parent

needs_shared = pytest.mark.skipif(not SPEC.exists(), reason="the shared spec documents are not on this machine")


def spec_row_counts() -> list[int]:
    """Column rows per view table in the spec, counted independently of the generator."""
    lines = SPEC.read_text().split("\n")
    counts = []
    for i, line in enumerate(lines):
        if line != "| Name | Type | References | Description |":
            continue
        n = 0
        for nxt in lines[i + 1:]:
            if nxt.startswith("|"):
                n += 1
            elif not re.match(r"^\w+\.\w+ \|", nxt):  # not a wrapped References continuation
                break
        counts.append(n)
    return counts


def view(schema: str, name: str) -> TableSpec:
    found = [v for v in load_views() if v.schema == schema and v.name == name]
    assert len(found) == 1, (schema, name)
    return found[0]


def raw_column(schema: str, name: str, column: str) -> dict:
    for v in load_model()["views"]:
        if v["schema"] == schema and v["name"] == name:
            for c in v["columns"]:
                if c["name"] == column:
                    return c
    raise AssertionError((schema, name, column))


def test_78_views_39_per_edition_same_names() -> None:
    views = load_views()
    assert len(views) == 78
    std = [v.name for v in views_for_schema("StandardUK")]
    pro = [v.name for v in views_for_schema("professionaluk")]
    assert len(std) == len(pro) == 39
    assert std == pro
    assert std[0] == "BankPostedTransactions" and std[-1] == "Warehouses"
    assert EDITIONS == {"StandardUK": "/uk/sage200/accounts/v1", "ProfessionalUK": "/uk/sage200extra/accounts/v1"}


@needs_shared
def test_column_counts_match_the_spec() -> None:
    counts = spec_row_counts()
    assert len(counts) == 78
    # the spec's columns, and ExternalId (the truth table's, issue 14) on the two Customers views
    assert [len(v.columns) - (v.name == "Customers") for v in load_views()] == counts
    assert sum(counts) == 1885
    assert sum(len(v.columns) for v in load_views()) == 1887


def test_edition_differences_are_kept() -> None:
    std, pro = view("StandardUK", "Customers"), view("ProfessionalUK", "Customers")
    assert std.column("AnalysisCode5") and not std.column("AnalysisCode6")
    assert pro.column("AnalysisCode20") and len(pro.columns) == len(std.columns) + 15
    assert view("StandardUK", "FinancialReportLayouts").columns[0].name == "LayoutId"
    assert view("ProfessionalUK", "FinancialReportLayouts").columns[0].name == "FinancialReportLayoutId"
    assert view("StandardUK", "SalesOrderQuoteLines").columns[0].name == "QuoteId"
    assert view("ProfessionalUK", "SalesOrderQuoteLines").columns[0].name == "SalesOrderQuoteId"
    # StandardUK marks both ids of SalesOrderLines as key, ProfessionalUK only the order id.
    assert [c.name for c in view("StandardUK", "SalesOrderLines").key_columns] == ["SalesOrderId", "LineId"]
    assert [c.name for c in view("ProfessionalUK", "SalesOrderLines").key_columns] == ["SalesOrderId"]


def test_customers_spot_values() -> None:
    v = view("StandardUK", "Customers")
    assert v.extra["resource"] == "/customers"
    assert v.extra["default_sort"] == [("id", "asc")]
    assert v.extra["edition"] == "StandardUK"
    assert v.kind == "view" and v.default_sort == ("Id",)
    ident = v.column("Id")
    assert ident.is_key and ident.pg_type == "bigint" and not ident.nullable and ident.source == "id"
    assert v.column("Balance").pg_type == "numeric(18,2)"
    assert v.column("OnHold").pg_type == "boolean"
    assert v.column("AverageTimeToPay").pg_type == "integer"
    assert v.column("Name").pg_type == "varchar(60)"  # Zynk documents string(60)
    assert v.column("Reference").pg_type == "varchar(8)"
    assert v.column("DateTimeUpdated").pg_type == "timestamp"
    cur = v.column("CurrencyId")
    assert cur.references == "Currencies.Id"
    assert cur.description == "Currency record Id. See currencies"
    assert cur.filterable
    addr = v.column("MainAddress_1")
    assert addr.source == "main_address.address_1" and not addr.filterable and addr.pg_type == "varchar(60)"
    assert v.column("MainAddressPostcode").pg_type == "varchar(10)"
    assert v.column("CountryCodeName").source == "country_code.name"
    contacts = v.column("Contacts")
    assert contacts.source == "contacts" and contacts.pg_type == "text" and not contacts.filterable
    assert v.extra["source_kinds"]["Contacts"] == "json"
    assert v.extra["source_kinds"]["MainAddress_1"] == "nested"
    assert v.extra["source_kinds"]["Balance"] == "field"
    assert "MainAddress_1" in v.extra["client_side_filters"]


def test_view_columns_sources_and_scales() -> None:
    lines = view("StandardUK", "SalesOrderLines")
    assert lines.extra["resource"] == "/sop_order_line_views"
    assert lines.extra["default_sort"] == [("sop_order_id", "desc"), ("sop_order_line_id", "desc")]
    assert lines.default_sort == ("SalesOrderId", "LineId")
    assert lines.column("SalesOrderId").source == "sop_order_id"
    assert lines.column("LineId").source == "sop_order_line_id"
    assert lines.column("LineQuantity").pg_type == "numeric(18,5)"
    assert lines.column("DeliveryAddrCity").source == "sop_delivery_addr_city"
    po = view("ProfessionalUK", "PurchaseOrderLines")
    assert po.column("PurchaseOrderId").source == "pop_order_id"
    assert po.column("LineAnalysisCode20").source == "pop_order_line_analysis_code_20"
    assert po.extra["default_sort"] == [("pop_order_id", "desc"), ("pop_order_line_id", "desc")]
    quote = view("ProfessionalUK", "SalesOrderQuoteLines")
    assert quote.column("SalesOrderQuoteExchangeRate").pg_type == "numeric(18,6)"
    assert quote.column("SalesOrderQuoteLineAnalysisCode20").source == "sop_quote_line_analysis_code_20"
    credit = view("StandardUK", "CustomerSalesOrderInvoiceCreditLine")
    assert credit.column("InvoiceCreditLineDate").source == "sop_invoice_credit_line_invoice_credit_date"
    assert view("StandardUK", "FinancialReportLayouts").column("RowGroupBreak9").source == (
        "financial_report_row_group_break_9"
    )
    sup = view("ProfessionalUK", "Suppliers")
    assert sup.column("BankIBAN").source == "bank.iban"
    assert sup.column("BankId").pg_type == "text"  # the spec types it String
    assert view("ProfessionalUK", "Products").column("WarehouseHoldings").source == "warehouse_holdings"
    assert view("StandardUK", "TaxCodes").column("Code").pg_type == "smallint"


def test_email_rows_restored() -> None:
    for schema in EDITIONS:
        company = view(schema, "CompanyDetails")
        assert company.columns[3].name == "Email"
        assert company.column("Email").source == "email"
        assert company.column("Email").description == "Email address."
        assert raw_column(schema, "CompanyDetails", "Email")["name_restored"] is True
        delivery = view(schema, "CustomerDeliveryAddresses")
        assert delivery.columns[5].name == "Email" and delivery.column("Email").source == "email"
    assert raw_column("StandardUK", "CompanyDetails", "Fax")["name_restored"] is False


def test_wrapped_references_joined_and_targets_exist() -> None:
    refs = [(v, c) for v in load_views() for c in v.columns if c.references]
    assert len(refs) == 28
    banks = view("ProfessionalUK", "Banks").column("AccountCurrencyId")
    assert banks.references == "Currencies.Id" and banks.description == "Currency record Id. See currencies"
    assert view("StandardUK", "BankPostedTransactions").column("BankId").references == "Banks.Id"
    for v, c in refs:
        assert "\n" not in c.description and "|" not in c.description
        table, _, col = c.references.partition(".")
        target = view(v.schema, table)
        assert target.column(col) is not None, c.references


def test_descriptions_taken_from_the_right_cell() -> None:
    v = view("StandardUK", "BankPostedTransactions")
    assert v.column("Id").description == "Id."
    assert v.column("Id").references is None
    assert v.column("DateTimeUpdated").description == "The date and time this entity was last updated (UTC)."
    assert v.column("TaxAnalysisItems").description.startswith("Tax analysis items.")
    assert v.description.startswith("Bank posted transactions are created")


def test_every_source_exists_in_the_resource() -> None:
    resources = load_resources()
    assert load_model()["unmapped"] == []
    for v in load_views():
        res = resources[v.extra["resource"]]
        kinds = v.extra["source_kinds"]
        for c in v.columns:
            if kinds[c.name] == "field":
                assert res.field_type(c.source) not in (None, "obj"), (v.name, c.name)
                assert not res.field_type(c.source).startswith("arr")
            elif kinds[c.name] == "json":
                assert res.field_type(c.source).startswith("arr"), (v.name, c.name)
                assert not c.filterable
            elif kinds[c.name] == "truth_table":  # Customers.ExternalId: not an API field (decision 0730)
                assert c.source is None and v.name == "Customers" and not c.filterable
            else:
                obj, sub = c.source.split(".")
                assert res.field_type(obj) == "obj"
                assert sub in dict(res.nested[obj].fields), (v.name, c.name)
                # filtered by its path (delivery_address/city) exactly where the spec says server side (0505)
                assert c.filterable == (c.name not in v.extra["client_side_filters"]), (v.name, c.name)
        arrow_schema(v)  # every declared type has an Arrow type


def test_resources_and_inferred_nested_fields() -> None:
    resources = load_resources()
    assert len(resources) == 39
    customers = resources["/customers"]
    assert customers.view == "Customers" and customers.schema == "customer"
    assert ("balance", "d2") in customers.fields and ("analysis_code_20", "s") in customers.fields
    assert customers.nested["main_address"].documented and customers.nested["main_address"].inferred == ()
    bank = resources["/suppliers"].nested["bank"]
    assert not bank.documented
    assert set(bank.inferred) == {"id", "account_number", "account_name", "iban", "bic"}
    assert resources["/sop_order_line_views"].field_type("sop_order_line_quantity") == "d5"


def test_spec_exception_lists_kept() -> None:
    v = view("StandardUK", "BankPostedTransactions")
    assert v.extra["client_side_filters"] == ("NominalAnalysisItems", "TaxAnalysisItems", "TradeItems")
    assert v.column("Reference").filterable and not v.column("TradeItems").filterable


@needs_shared
def test_generator_is_deterministic_and_committed_json_is_current(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("generate_datamodel", ROOT / "scripts" / "generate_datamodel.py")
    assert spec and spec.loader
    gen = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = gen  # dataclasses look their module up while the class is built
    spec.loader.exec_module(gen)
    first = gen.render(gen.build(SHARED)[0])
    second = gen.render(gen.build(SHARED)[0])
    assert first == second
    committed = (ROOT / "providers" / "sage200" / "datamodel.json").read_text(encoding="utf-8")
    assert first == committed
    out = tmp_path / "dm.json"
    assert gen.main(["--shared", str(SHARED), "--out", str(out)]) == 0
    assert out.read_bytes() == committed.encode("utf-8")
    assert gen.main(["--shared", str(SHARED), "--out", str(out), "--check"]) == 0
    out.write_text("{}")
    assert gen.main(["--shared", str(SHARED), "--out", str(out), "--check"]) == 1


def test_default_sort_fields_are_columns_of_every_view() -> None:
    for v in load_views():
        assert v.extra["default_sort"], v.name
        assert len(v.default_sort) == len(v.extra["default_sort"]), v.name
        for name in v.default_sort:
            assert v.column(name) is not None
        assert all(direction in ("asc", "desc") for _, direction in v.extra["default_sort"])
