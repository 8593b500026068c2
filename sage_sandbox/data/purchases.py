"""Purchasing, cash book and stock movements: purchase orders and lines, the purchase ledger,
bank postings (receipts and payments from both ledgers) and product transactions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .builder import HISTORY_START, NOW, Builder, builds, builds_together, qty, stamp_after
from .documents import Join, generate_documents, view_columns
from .schema import load_schemas
from .table import Constant, Lookup, Table, ToMany, ToOne

POP_STATUSES = (("EnumDocumentStatusLive", 0.5), ("EnumDocumentStatusComplete", 0.4),
                ("EnumDocumentStatusCancelled", 0.1))
POP_DELIVERY_FIELDS = {"address_1": "s", "address_2": "s", "address_3": "s", "address_4": "s", "city": "s",
                       "county": "s", "postcode": "s", "contact": "s", "country": "s", "postal_name": "s",
                       "description": "s", "telephone": "s", "fax": "s", "email": "s"}


def _purchase_orders(b: Builder) -> None:
    suppliers = b.table("suppliers")
    docs = generate_documents(b, "pop_order", b.transactions(100), suppliers, "supplier_id", "pop_order_line",
                              1_800_001, 2_900_001, "P", HISTORY_START, POP_STATUSES, price_field="standard_cost")
    h: dict[str, Any] = dict(docs.headers)
    n = len(h["id"])
    status = h["document_status"]
    h["receipt_return_status"] = ["ReceiptReturnStatusComplete" if s.endswith("Complete") else
                                  "ReceiptReturnStatusNone" for s in status]
    h["invoice_credit_status"] = ["InvoiceCreditStatusComplete" if s.endswith("Complete") else
                                  "InvoiceCreditStatusNone" for s in status]
    h["cancelled_status"] = ["CancelledStatusCancelled" if s.endswith("Cancelled") else "CancelledStatusNone"
                             for s in status]
    h["authorisation_status"] = ["AuthorisationStatusAuthorised"] * n
    h["supplier_document_no"] = [f"SO-{(i * 104729) % 900000 + 100000}" for i in range(n)]
    h["document_originator_name"] = h["document_created_by"]
    h["settlement_discount_days"] = Lookup(h["supplier_id"], suppliers, "early_settlement_discount_days")
    h["settlement_discount_percent"] = Lookup(h["supplier_id"], suppliers, "early_settlement_discount_percent")
    headers = b.make("pop_orders", h, {
        "supplier": ToOne("supplier_id", "suppliers"), "delivery_address": ToOne("id", "_pop_order_delivery_addresses"),
        "lines": ToMany("pop_order_line_views", "pop_order_id", rename_prefix="pop_order_line_",
                        keep=("product_id", "warehouse_id", "tax_code_id")),
    })
    b.tables["pop_orders"] = headers
    warehouses = b.table("warehouses")
    delivery: dict[str, Any] = {"_document_id": headers.columns["id"]}
    for name in POP_DELIVERY_FIELDS:  # the home warehouse's address, copied onto every order when it was made
        source = {"contact": "contact", "telephone": "telephone_number", "fax": "fax_number"}.get(name, name)
        value = warehouses.columns[source if source in warehouses.columns else "description"][0]
        delivery[name] = Constant(value, headers.__len__)
    b.tables["_pop_order_delivery_addresses"] = b.make("_pop_order_delivery_addresses", delivery,
                                                       key="_document_id", fields=POP_DELIVERY_FIELDS)
    lines: dict[str, Any] = {k: v for k, v in docs.lines.items() if k != "_header_id"}
    header_ids = docs.lines["_header_id"]
    lines["pop_order_id"] = header_ids
    supplier_ids = Lookup(header_ids, headers, "supplier_id")
    currency_ids = Lookup(header_ids, headers, "currency_id")
    lines["supplier_id"] = supplier_ids
    lines["pop_order_subtotal_value"] = Lookup(header_ids, headers, "subtotal_goods_value")
    lines["pop_order_line_show_on_supplier_docs"] = Constant(True, header_ids.__len__)
    joins = [
        Join("pop_order_", header_ids, headers), Join("pop_order_currency_", currency_ids, b.table("currencies")),
        Join("pop_delivery_addr_", header_ids, b.tables["_pop_order_delivery_addresses"], (("post_code", "postcode"),)),
        Join("supplier_", supplier_ids, suppliers), Join("product_", lines["product_id"], b.table("products")),
        Join("warehouse_", lines["warehouse_id"], warehouses),
        Join("tax_code_", lines["tax_code_id"], b.table("tax_codes"), (("rate", "tax_rate"),)),
    ]
    fields = load_schemas()["pop_order_line_views"].scalars
    b.tables["pop_order_line_views"] = b.make("pop_order_line_views", view_columns(list(fields), lines, joins),
                                              key="pop_order_line_id")


builds_together(("pop_orders", "_pop_order_delivery_addresses", "pop_order_line_views"), _purchase_orders)


@builds("bank_posted_transactions")
def bank_posted_transactions(b: Builder) -> Table:
    """Receipts and payments posted from both ledgers into the current account, plus cash-book entries."""
    rng = b.rng("bank_posted_transactions")
    banks = b.table("banks")
    current = banks.columns["id"][0]
    gbp = b.table("currencies").columns["id"][0]
    events: list[tuple[dt.datetime, str, str, str, str, float, str]] = []
    for ledger, kind, source in (("sales_posted_transactions", "Receipt", "SalesLedger"),
                                 ("purchase_posted_transactions", "Payment", "PurchaseLedger")):
        t = b.table(ledger)
        for i, ttype in enumerate(t.columns["trader_transaction_type"]):
            if ttype.endswith(("Receipt", "Payment")):
                events.append((t.columns["transaction_date"][i], f"BankTransactionType{kind}",
                               f"{kind} - {t.columns['second_reference'][i]}", t.columns["reference"][i],
                               t.columns["second_reference"][i], t.columns["document_gross_value"][i], source))
    for _ in range(b.transactions(40)):
        day = HISTORY_START + dt.timedelta(days=rng.randrange((NOW - HISTORY_START).days))
        what = rng.choice(("Bank charges", "Rent", "Electricity", "Telephone", "Interest received"))
        kind = "Receipt" if what.startswith("Interest") else "Payment"
        events.append((day, f"BankTransactionType{kind}", what, "DD", "", round(rng.uniform(5, 2500), 2), "CashBook"))
    events.sort(key=lambda e: e[0])
    n = len(events)
    created = [stamp_after(rng, e[0]) for e in events]
    return b.make("bank_posted_transactions", {
        "id": b.ids(13_000_001, n), "bank_id": [current] * n, "bank_transaction_type": [e[1] for e in events],
        "entry_description": [e[2] for e in events], "reference": [e[3] for e in events],
        "second_reference": [e[4] for e in events], "transaction_date": [e[0] for e in events],
        "posted_date": [e[0] for e in events], "cheque_value": [e[5] for e in events],
        "cheque_to_account_currency_rate": [1.0] * n, "bank_cheque_to_base_currency_rate": [1.0] * n,
        "cheque_currency_id": [gbp] * n, "source": [e[6] for e in events],
        "urn": list(range(50_001, 50_001 + n)), "user_name": [rng.choice(("MANAGER", "accounts")) for _ in range(n)],
        "date_time_created": created, "date_time_updated": created,
    }, {"bank": ToOne("bank_id", "banks"), "cheque_currency": ToOne("cheque_currency_id", "currencies")})


@builds("product_transaction_views")
def product_transaction_views(b: Builder) -> Table:
    """Stock movements: goods out for completed sales orders, goods in for completed purchase orders."""
    rng = b.rng("product_transaction_views")
    rows: dict[str, list[Any]] = {k: [] for k in ("product_id", "transaction_type", "transaction_type_id",
                                                   "transaction_date", "reference", "second_reference",
                                                   "source_area_name", "source_area_reference", "warehouse_id",
                                                   "quantity", "unit_cost_price", "unit_issue_price",
                                                   "date_time_updated", "user_name")}
    for view, kind, sign, area in (("sop_order_line_views", "GoodsOut", -1, "Sales"),
                                   ("pop_order_line_views", "GoodsIn", 1, "Purchase")):
        lines = b.table(view)
        prefix = view.removesuffix("_line_views")
        c = lines.columns
        status = c[f"{prefix}_document_status"]
        for i in range(len(lines)):
            if status[i] != "EnumDocumentStatusComplete" or c["product_id"][i] is None:
                continue
            day = c[f"{prefix}_document_date"][i] + dt.timedelta(days=rng.randint(1, 6))
            rows["product_id"].append(c["product_id"][i])
            rows["transaction_type"].append(kind)
            rows["transaction_type_id"].append(1 if sign > 0 else 2)
            rows["transaction_date"].append(min(day, NOW.replace(hour=0)))
            rows["reference"].append(c[f"{prefix}_document_no"][i])
            rows["second_reference"].append("")
            rows["source_area_name"].append(area)
            rows["source_area_reference"].append(c[f"{prefix}_document_no"][i])  # text: the document number
            rows["warehouse_id"].append(c["warehouse_id"][i])
            rows["quantity"].append(qty(sign * c[f"{prefix}_line_quantity"][i]))
            rows["unit_cost_price"].append(c[f"{prefix}_line_cost_price"][i] if sign < 0 else
                                           c[f"{prefix}_line_unit_price"][i])
            rows["unit_issue_price"].append(c[f"{prefix}_line_selling_unit_price"][i] if sign < 0 else 0.0)
            rows["date_time_updated"].append(stamp_after(rng, rows["transaction_date"][-1]))
            rows["user_name"].append("warehouse")
    order = sorted(range(len(rows["product_id"])), key=lambda i: rows["transaction_date"][i])
    columns: dict[str, Any] = {k: [v[i] for i in order] for k, v in rows.items()}
    n = len(order)
    products = b.table("products")
    group_ids = Lookup(columns["product_id"], products, "product_group_id")
    columns.update({
        "id": b.ids(14_000_001, n), "product_group_id": group_ids,
        "product_code": Lookup(columns["product_id"], products, "code"),
        "product_group_code": Lookup(group_ids, b.table("product_groups"), "code"),
        "transaction_group_id": b.ids(15_000_001, n), "source_area_type_id": [1] * n,
        "warehouse_name": Lookup(columns["warehouse_id"], b.table("warehouses"), "name"), "bin_name": ["Unspecified"] * n,
        "cost_value": [qty(abs(q) * p) for q, p in zip(columns["quantity"], columns["unit_cost_price"], strict=True)],
        "issue_value": [qty(abs(q) * p) for q, p in zip(columns["quantity"], columns["unit_issue_price"], strict=True)],
    })
    return b.make("product_transaction_views", columns)
