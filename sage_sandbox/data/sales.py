"""Sales: orders, quotes, pro formas and their line views; invoices/credits; the sales ledger."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

from .builder import HISTORY_START, Builder, builds_together, money
from .documents import DocumentSet, Join, generate_documents, view_columns
from .schema import load_schemas
from .table import Absent, Computed, Lookup, Table, ToMany, ToOne

ORDER_STATUSES = (("EnumDocumentStatusLive", 0.55), ("EnumDocumentStatusComplete", 0.3),
                  ("EnumDocumentStatusOnHold", 0.05), ("EnumDocumentStatusCancelled", 0.1))
QUOTE_STATUSES = (("EnumDocumentStatusLive", 0.6), ("EnumDocumentStatusComplete", 0.3),
                  ("EnumDocumentStatusCancelled", 0.1))
SOP_LINE_RENAMES = {"unit_price": "selling_unit_price", "tax_value": "line_tax_value"}
DELIVERY_FIELDS = {"id": "i64", "description": "s", "postal_name": "s", "address_1": "s", "address_2": "s",
                   "address_3": "s", "address_4": "s", "city": "s", "county": "s", "postcode": "s", "country": "s",
                   "contact": "s", "telephone": "s", "fax": "s", "email": "s"}


def _order_like(b: Builder, kind: str, n_base: int, first_id: int, first_line_id: int, prefix: str,
                statuses: Any) -> DocumentSet:
    customers = b.table("customers")
    docs = generate_documents(b, kind, b.transactions(n_base), customers, "customer_id", f"{kind}_line",
                              first_id, first_line_id, prefix, HISTORY_START, statuses)
    # choose each document's delivery address among its customer's addresses
    rng = b.rng(kind + "/delivery")
    cda = b.table("customer_delivery_addresses")
    by_customer: dict[int, list[int]] = {}
    for aid, cid in zip(cda.columns["id"], cda.columns["customer_id"], strict=True):
        by_customer.setdefault(cid, []).append(aid)
    docs.headers["customer_delivery_address_id"] = [rng.choice(by_customer[c]) for c in docs.headers["customer_id"]]
    for old, new in SOP_LINE_RENAMES.items():
        docs.lines[f"{kind}_line_{new}"] = docs.lines.pop(f"{kind}_line_{old}")
    n_lines = len(docs.lines["_header_id"])
    docs.lines[f"{kind}_line_selling_unit_description"] = ["Each"] * n_lines
    return docs


def _header_table(b: Builder, name: str, docs: DocumentSet, kind: str) -> Table:
    """sop_orders (or the internal _sop_quote/_sop_proforma headers, which share its fields)."""
    h: dict[str, Any] = dict(docs.headers)
    n = len(h["id"])
    customers = b.table("customers")
    h["customer_type"] = ["CustomerTypeTrading"] * n
    h["settlement_discount_days"] = Lookup(h["customer_id"], customers, "early_settlement_discount_days")
    h["settlement_discount_percent"] = Lookup(h["customer_id"], customers, "early_settlement_discount_percent")
    h["customer_document_no"] = [f"PO{(i * 7919) % 90000 + 10000}" for i in range(n)]
    h["use_invoice_address"] = [False] * n
    h["order_priority"] = ["OrderPriorityNormal"] * n
    if kind == "sop_order":
        status = h["document_status"]
        h["despatch_receipt_status"] = ["DespatchReceiptStatusComplete" if s.endswith("Complete") else
                                        "DespatchReceiptStatusNone" for s in status]
        h["invoice_credit_status"] = ["InvoiceCreditStatusComplete" if s.endswith("Complete") else
                                      "InvoiceCreditStatusNone" for s in status]
        h["cancelled_status"] = ["CancelledStatusCancelled" if s.endswith("Cancelled") else
                                 "CancelledStatusNone" for s in status]
    if kind == "sop_quote":
        h["quotation_expiry_date"] = [d + dt.timedelta(days=30) for d in h["document_date"]]
    fields = load_schemas()["sop_orders"].scalars
    relations = {
        "customer": ToOne("customer_id", "customers"), "currency": ToOne("currency_id", "currencies"),
        "delivery_address": ToOne("id", f"_{kind}_delivery_addresses"),
        "lines": ToMany(f"{kind}_line_views", f"{kind}_id", rename_prefix=f"{kind}_line_",
                        keep=("product_id", "warehouse_id", "tax_code_id")),
    }
    if kind == "sop_order":
        return b.make(name, h, relations)
    table = b.make(name, h, relations, fields=fields)
    for field_name, kind_of in load_schemas()["sop_orders"].expandable.items():
        table.relations.setdefault(field_name, Absent(kind_of == "arr"))
    return table


def _delivery_table(b: Builder, kind: str, headers: Table) -> Table:
    """The document's delivery address: a copy of the chosen customer delivery address."""
    cda = b.table("customer_delivery_addresses")
    keys = headers.columns["customer_delivery_address_id"]
    columns: dict[str, Any] = {"_document_id": headers.columns["id"]}
    offset = 900_000
    ids = headers.columns["id"]
    columns["id"] = Computed(ids.__len__, lambda i: ids[i] + offset)
    for name in DELIVERY_FIELDS:
        if name != "id":  # copied when the document was made: later edits of the customer's address do not reach it
            columns[name] = list(Lookup(keys, cda, name))
    return b.make(f"_{kind}_delivery_addresses", columns, key="_document_id", fields=DELIVERY_FIELDS)


def _line_view(b: Builder, kind: str, docs: DocumentSet, headers: Table) -> Table:
    view = f"{kind}_line_views"
    lines: dict[str, Any] = {k: v for k, v in docs.lines.items() if k != "_header_id"}
    header_ids = docs.lines["_header_id"]
    lines[f"{kind}_id"] = header_ids
    customer_ids = Lookup(header_ids, headers, "customer_id")
    currency_ids = Lookup(header_ids, headers, "currency_id")
    lines["customer_id"] = customer_ids
    if kind == "sop_order":  # completed orders were allocated, despatched and invoiced in full
        status = Lookup(header_ids, headers, "document_status")
        quantity = lines[f"{kind}_line_quantity"]

        def done(i: int) -> float:
            return quantity[i] if status[i] == "EnumDocumentStatusComplete" else 0.0

        def allocated(i: int) -> float:
            return quantity[i] if status[i] in ("EnumDocumentStatusComplete", "EnumDocumentStatusLive") else 0.0

        for field_name, compute in (("allocated_quantity", allocated), ("despatch_receipt_quantity", done),
                                    ("invoice_credit_quantity", done)):
            lines[f"{kind}_line_{field_name}"] = Computed(header_ids.__len__, compute)
    joins = [
        Join(f"{kind}_", header_ids, headers),
        Join(f"{kind}_currency_", currency_ids, b.table("currencies")),
        Join("sop_delivery_addr_", header_ids, b.table(f"_{kind}_delivery_addresses"), (("post_code", "postcode"),)),
        Join("customer_", customer_ids, b.table("customers")),
        Join("product_", lines["product_id"], b.table("products")),
        Join("warehouse_", lines["warehouse_id"], b.table("warehouses")),
        Join("tax_code_", lines["tax_code_id"], b.table("tax_codes"), (("rate", "tax_rate"),)),
    ]
    fields = load_schemas()[view].scalars
    return b.make(view, view_columns(list(fields), lines, joins), key=f"{kind}_line_id")


def _documents(b: Builder, *, kind: str) -> None:
    """Build header, delivery-address and line-view tables of one document kind together."""
    spec = {"sop_order": (300, 1_000_001, 2_000_001, "", ORDER_STATUSES),
            "sop_quote": (60, 1_400_001, 2_600_001, "Q", QUOTE_STATUSES),
            "sop_proforma": (25, 1_600_001, 2_800_001, "PF", QUOTE_STATUSES)}[kind]
    docs = _order_like(b, kind, *spec)
    header_name = "sop_orders" if kind == "sop_order" else f"_{kind}s"
    headers = _header_table(b, header_name, docs, kind)
    b.tables[header_name] = headers
    b.tables[f"_{kind}_delivery_addresses"] = _delivery_table(b, kind, headers)
    b.tables[f"{kind}_line_views"] = _line_view(b, kind, docs, headers)


for _kind in ("sop_order", "sop_quote", "sop_proforma"):
    _header = "sop_orders" if _kind == "sop_order" else f"_{_kind}s"
    builds_together((_header, f"_{_kind}_delivery_addresses", f"{_kind}_line_views"),
                    partial(_documents, kind=_kind))


# ---------------------------------------------------------------------------
# Invoices/credits and the sales ledger
# ---------------------------------------------------------------------------


def _invoices(b: Builder) -> None:
    customers = b.table("customers")
    docs = generate_documents(b, "sop_invoice_credit", b.transactions(250), customers, "customer_id",
                              "sop_invoice_credit_line", 3_000_001, 3_500_001, "", HISTORY_START,
                              (("EnumDocumentStatusComplete", 1.0),))
    rng = b.rng("sop_invoice_credit/types")
    h: dict[str, Any] = dict(docs.headers)
    n = len(h["id"])
    h["type"] = ["SOPInvoiceCreditTypeCredit" if rng.random() < 0.08 else "SOPInvoiceCreditTypeInvoice"
                 for _ in range(n)]
    h["document_no"] = [("CR" if t.endswith("Credit") else "INV") + f"{i - b.profile.id_offset:07d}"[-7:]
                        for t, i in zip(h["type"], h["id"], strict=True)]
    headers = b.make("_sop_invoice_credits", h, fields={
        "id": "i64", "customer_id": "i64", "type": "s", "document_no": "s", "document_date": "dt",
        "document_status": "s", "exchange_rate": "d6", "total_net_value": "d2", "total_tax_value": "d2",
        "total_gross_value": "d2", "currency_id": "i64", "date_time_updated": "dt"})
    b.tables["_sop_invoice_credits"] = headers
    lines = docs.lines
    header_ids = lines["_header_id"]
    lp = "sop_invoice_credit_line"
    n_lines = len(header_ids)
    quantities = lines[f"{lp}_quantity"]
    costs = [money(q * c) for q, c in zip(quantities, lines[f"{lp}_cost_price"], strict=True)]
    concrete: dict[str, Any] = {
        "sop_invoice_credit_id": header_ids, f"{lp}_id": lines[f"{lp}_id"],
        f"{lp}_invoice_credit_date": Lookup(header_ids, headers, "document_date"),
        f"{lp}_total_value": lines[f"{lp}_total_value"], f"{lp}_tax_value": lines[f"{lp}_tax_value"],
        f"{lp}_date_time_updated": lines[f"{lp}_date_time_updated"],
        "invoice_line_profit_analysis_id": [i + 500_000 for i in lines[f"{lp}_id"]],
        "invoice_line_profit_analysis_line_quantity": quantities,
        "invoice_line_profit_analysis_realised_cost_value": costs,
        "invoice_line_profit_analysis_realised_profit_value": [
            money(t - c) for t, c in zip(lines[f"{lp}_total_value"], costs, strict=True)],
        "invoice_line_profit_analysis_date_time_updated": lines[f"{lp}_date_time_updated"],
        "product_id": lines["product_id"],
    }
    customer_ids = Lookup(header_ids, headers, "customer_id")
    concrete["customer_id"] = customer_ids
    products = b.table("products")
    group_ids = Lookup(lines["product_id"], products, "product_group_id")
    concrete["product_group_id"] = group_ids
    joins = [Join("sop_invoice_credit_", header_ids, headers), Join("customer_", customer_ids, customers),
             Join("product_", lines["product_id"], products),
             Join("product_group_", group_ids, b.table("product_groups"))]
    fields = load_schemas()["customer_sop_invoice_credit_line_views"].scalars
    table = b.make("customer_sop_invoice_credit_line_views", view_columns(list(fields), concrete, joins),
                   key=f"{lp}_id")
    assert len(table) == n_lines
    b.tables["customer_sop_invoice_credit_line_views"] = table


builds_together(("_sop_invoice_credits", "customer_sop_invoice_credit_line_views"), _invoices)
