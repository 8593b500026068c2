"""Posted trader transactions (sales and purchase ledgers) and the sales transaction view.

Sales invoices and credit notes are posted from the generated invoice documents (same
document number and values); each one that has been paid gets a receipt, both then
fully allocated. Purchase invoices are generated per supplier the same way. Ids and
URNs follow posting order, as in Sage.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .builder import HISTORY_START, NOW, Builder, builds, builds_together, money, stamp_after
from .reference import nominal_id
from .table import Lookup, Table, ToMany, ToOne

ITEM_FIELDS = {"id": "i64", "nominal_code_id": "i64", "nominal_code_reference": "s", "narrative": "s",
               "goods_value": "d2", "tax_code_id": "i64", "tax_value": "d2", "date_time_updated": "dt"}


def _documents(b: Builder, side: str, historical: bool) -> list[dict[str, Any]]:
    """The invoices/credits to post: dicts with party_id, type, reference, date, net, tax, gross, currency, rate."""
    rng = b.rng(f"{side}/ledger/{historical}")
    if side == "sales" and not historical:
        h = b.table("_sop_invoice_credits").columns
        return [{"party_id": h["customer_id"][i], "credit": h["type"][i].endswith("Credit"),
                 "reference": h["document_no"][i], "date": h["document_date"][i], "net": h["total_net_value"][i],
                 "tax": h["total_tax_value"][i], "gross": h["total_gross_value"][i],
                 "rate": h["exchange_rate"][i]} for i in range(len(h["id"]))]
    party = b.table("customers" if side == "sales" else "suppliers")
    n = b.transactions(150 if historical else 250)
    start, end = (HISTORY_START - dt.timedelta(days=730), HISTORY_START) if historical else (HISTORY_START, NOW)
    span = (end - start).days
    out = []
    for k in range(n):
        pos = rng.randrange(len(party))
        net = money(rng.uniform(40, 6000))
        tax = money(net * 0.2)
        out.append({"party_id": party.columns["id"][pos], "credit": rng.random() < 0.06,
                    "reference": f"{'SI' if side == 'sales' else 'PI'}{rng.randint(10000, 99999)}-{k}",
                    "date": start + dt.timedelta(days=rng.randrange(span)), "net": net, "tax": tax,
                    "gross": money(net + tax), "rate": 1.0})
    return out


def _post(b: Builder, side: str, historical: bool, base_id: int) -> dict[str, list[Any]]:
    rng = b.rng(f"{side}/post/{historical}")
    party = b.table("customers" if side == "sales" else "suppliers")
    terms = dict(zip(party.columns["id"], party.columns["payment_terms_days"], strict=True))
    pay_type = "TradingAccountEntryTypeReceipt" if side == "sales" else "TradingAccountEntryTypePayment"
    events: list[dict[str, Any]] = []
    for doc in _documents(b, side, historical):
        due = doc["date"] + dt.timedelta(days=terms[doc["party_id"]])
        paid_day = doc["date"] + dt.timedelta(days=max(1, int(rng.gauss(terms[doc["party_id"]], 12))))
        paid = historical or (paid_day < NOW and rng.random() < 0.92)
        invoice = {**doc, "type": "TradingAccountEntryTypeCreditNote" if doc["credit"] else
                   "TradingAccountEntryTypeInvoice", "due": due, "settled": paid_day if paid else None,
                   "allocated": doc["gross"] if paid else 0.0, "second": ""}
        events.append(invoice)
        if paid and not doc["credit"]:
            events.append({"party_id": doc["party_id"], "type": pay_type, "reference": "BACS",
                           "second": doc["reference"], "date": paid_day, "due": paid_day, "net": doc["gross"],
                           "tax": 0.0, "gross": doc["gross"], "rate": doc["rate"], "settled": paid_day,
                           "allocated": doc["gross"], "credit": False})
    events.sort(key=lambda e: e["date"])
    n = len(events)
    cols: dict[str, list[Any]] = {
        "id": list(range(base_id + b.profile.id_offset, base_id + b.profile.id_offset + n)),
        "_party_id": [e["party_id"] for e in events], "trader_transaction_type": [e["type"] for e in events],
        "reference": [e["reference"] for e in events], "second_reference": [e["second"] for e in events],
        "queried": [""] * n, "transaction_date": [e["date"] for e in events],
        "posted_date": [e["date"] for e in events], "due_date": [e["due"] for e in events],
        "full_settlement_date": [e["settled"] for e in events],
        "document_goods_value": [e["net"] for e in events], "document_gross_value": [e["gross"] for e in events],
        "document_tax_value": [e["tax"] for e in events],
        "document_allocated_value": [e["allocated"] for e in events],
        "document_outstanding_value": [money(e["gross"] - e["allocated"]) for e in events],
        "exchange_rate": [e["rate"] for e in events], "discount_days": [0] * n,
        "urn": list(range(10_001, 10_001 + n)),
        "user_name": [rng.choice(("MANAGER", "accounts", "kpatel")) for _ in range(n)],
    }
    for doc_field, base_field in (("goods", "goods"), ("gross", "gross"), ("tax", "tax"), ("allocated", "allocated")):
        cols[f"base_{base_field}_value"] = [money(v / r) for v, r in zip(cols[f"document_{doc_field}_value"],
                                                                          cols["exchange_rate"], strict=True)]
    cols["control_value_in_base_currency"] = cols["base_gross_value"]
    cols["date_time_created"] = [stamp_after(rng, d) for d in cols["posted_date"]]
    cols["date_time_updated"] = [c if e["settled"] is None else max(c, stamp_after(rng, e["settled"]))
                                 for c, e in zip(cols["date_time_created"], events, strict=True)]
    return cols


def _items(b: Builder, name: str, owner: Table, side: str) -> Table:
    """One nominal and tax analysis line per invoice/credit (receipts and payments carry none)."""
    code = nominal_id(b, "4000" if side == "sales" else "5000")
    tax_id = b.table("tax_codes").columns["id"][1]
    rows: dict[str, list[Any]] = {k: [] for k in ("transaction_id", "goods_value", "tax_value", "date_time_updated")}
    for i, kind in enumerate(owner.columns["trader_transaction_type"]):
        if kind.endswith(("Invoice", "CreditNote")):
            rows["transaction_id"].append(owner.columns["id"][i])
            rows["goods_value"].append(owner.columns["document_goods_value"][i])
            rows["tax_value"].append(owner.columns["document_tax_value"][i])
            rows["date_time_updated"].append(owner.columns["date_time_updated"][i])
    n = len(rows["transaction_id"])
    columns: dict[str, Any] = dict(rows)
    columns.update({"id": b.ids(9_000_001 if "nominal" in name else 9_500_001, n), "nominal_code_id": [code] * n,
                    "nominal_code_reference": ["4000" if side == "sales" else "5000"] * n,
                    "narrative": ["Goods"] * n, "tax_code_id": [tax_id] * n})
    return b.make(name, columns, {"nominal_code": ToOne("nominal_code_id", "nominal_codes")}, fields=ITEM_FIELDS)


def build_trader_ledger(b: Builder, side: str) -> None:
    """Post the ledger of one side ("sales"/"purchase") and its derived tables into the builder."""
    party_field, party_table = ("customer_id", "customers") if side == "sales" else ("supplier_id", "suppliers")
    name = f"{side}_posted_transactions"
    cols: dict[str, Any] = _post(b, side, historical=False, base_id=11_000_001 if side == "sales" else 12_000_001)
    cols[party_field] = cols.pop("_party_id")
    relations = {party_field.removesuffix("_id"): ToOne(party_field, party_table),
                 "nominal_analysis_items": ToMany(f"_{side}_nominal_items", "transaction_id"),
                 "tax_analysis_items": ToMany(f"_{side}_tax_items", "transaction_id")}
    table = b.make(name, cols, relations)
    b.tables[name] = table
    b.tables[f"_{side}_nominal_items"] = _items(b, f"_{side}_nominal_items", table, side)
    b.tables[f"_{side}_tax_items"] = _items(b, f"_{side}_tax_items", table, side)
    if side == "sales":
        b.tables["sales_transaction_views"] = _transaction_view(b, table)


builds_together(("sales_posted_transactions", "sales_transaction_views", "_sales_nominal_items",
                 "_sales_tax_items"), lambda b: build_trader_ledger(b, "sales"))
builds_together(("purchase_posted_transactions", "_purchase_nominal_items", "_purchase_tax_items"),
                lambda b: build_trader_ledger(b, "purchase"))


@builds("sales_historical_transactions")
def build_historical(b: Builder) -> Table:
    cols: dict[str, Any] = _post(b, "sales", historical=True, base_id=10_000_001)
    cols["customer_id"] = cols.pop("_party_id")
    return b.make("sales_historical_transactions", cols, {"customer": ToOne("customer_id", "customers")})


def _transaction_view(b: Builder, posted: Table) -> Table:
    c = posted.columns
    customers = b.table("customers")
    currencies = b.table("currencies")
    currency_ids = Lookup(c["customer_id"], customers, "currency_id")
    status = ["Paid" if v == 0 else "Outstanding" for v in c["document_outstanding_value"]]
    return b.make("sales_transaction_views", {
        "posted_customer_transaction_id": c["id"], "transaction_type": c["trader_transaction_type"],
        "transaction_date": c["transaction_date"], "posted_date": c["posted_date"], "due_date": c["due_date"],
        "discount_days": c["discount_days"], "reference": c["reference"], "second_reference": c["second_reference"],
        "query": c["queried"], "status": status, "user_name": c["user_name"],
        "ledger_type": ["LedgerSales"] * len(posted), "urn": c["urn"], "exchange_rate": c["exchange_rate"],
        "settled_immediately": c["settled_immediately"], "base_goods_value": c["base_goods_value"],
        "base_gross_value": c["base_gross_value"], "base_tax_value": c["base_tax_value"],
        "base_allocated_value": c["base_allocated_value"],
        "base_outstanding_value": [money(g - a) for g, a in zip(c["base_gross_value"], c["base_allocated_value"],
                                                                strict=True)],
        "document_goods_value": c["document_goods_value"], "document_gross_value": c["document_gross_value"],
        "document_tax_value": c["document_tax_value"], "document_allocated_value": c["document_allocated_value"],
        "document_outstanding_value": c["document_outstanding_value"], "customer_id": c["customer_id"],
        "customer_reference": Lookup(c["customer_id"], customers, "reference"),
        "customer_name": Lookup(c["customer_id"], customers, "name"),
        "currency_name": Lookup(currency_ids, currencies, "name"),
        "currency_symbol": Lookup(currency_ids, currencies, "symbol"),
        "transaction_date_time_updated": c["date_time_updated"],
    }, key="posted_customer_transaction_id")
