"""Order-like documents (sales orders, quotes, pro formas, purchase orders) and their line views.

A document set is generated once: header columns and line columns, the lines summing to
their header's totals. The flat *_line_views are then assembled from the line columns
plus `Lookup` columns that read the header, customer/supplier, product, warehouse, tax
code and currency through their ids, which keeps every view consistent with its sources.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .builder import NOW, Builder, money, qty, sorted_dates, stamp_after
from .table import Lookup, Table

LINE_COUNTS = (1, 1, 2, 2, 3, 3, 4, 4, 5, 6, 7, 8)


@dataclass
class DocumentSet:
    headers: dict[str, list[Any]]
    lines: dict[str, list[Any]]


def generate_documents(b: Builder, name: str, n_docs: int, party: Table, party_field: str,
                       line_prefix: str, first_id: int, first_line_id: int, number_prefix: str,
                       start: dt.datetime, statuses: Sequence[tuple[str, float]],
                       price_field: str = "_price") -> DocumentSet:
    """Headers and lines; line columns are named `<line_prefix>_<field>` as in the line views."""
    rng = b.rng(name)
    products = b.table("products")
    holdings = b.table("warehouse_holdings")
    tax = b.table("tax_codes")
    currencies = b.table("currencies")
    rate_by_currency = dict(zip(currencies.columns["id"], currencies.columns["core_currency_rate"], strict=True))
    tax_rate = dict(zip(tax.columns["id"], tax.columns["tax_rate"], strict=True))
    product_warehouses: dict[int, list[int]] = {}
    for pid, wid in zip(holdings.columns["product_id"], holdings.columns["warehouse_id"], strict=True):
        product_warehouses.setdefault(pid, []).append(wid)
    status_names = [s for s, _ in statuses]
    status_weights = [w for _, w in statuses]
    n_products = len(products)
    product_ids = products.columns["id"]
    product_price = products.columns[price_field]
    product_cost = products.columns["standard_cost"]
    product_name = products.columns["name"]
    product_code = products.columns["code"]
    party_ids = party.columns["id"]
    party_currency = party.columns["currency_id"]
    party_tax = party.columns["default_tax_code_id"]
    dates = sorted_dates(rng, n_docs, start, NOW - dt.timedelta(days=1))
    h: dict[str, list[Any]] = {k: [] for k in (
        "id", party_field, "document_no", "document_date", "document_status", "currency_id", "exchange_rate",
        "subtotal_goods_value", "subtotal_discount_value", "total_net_value", "total_tax_value", "total_gross_value",
        "requested_delivery_date", "promised_delivery_date", "document_discount_percent", "document_created_by",
        "analysis_code_1", "date_time_created", "date_time_updated")}
    lp = line_prefix
    line_keys = ("id", "number", "type", "product_code", "product_description", "quantity", "unit_price",
                 "unit_discount_percent", "unit_discount_value", "discounted_unit_price", "cost_price", "total_value",
                 "tax_value", "requested_delivery_date", "promised_delivery_date", "date_time_updated")
    lines: dict[str, list[Any]] = {f"{lp}_{k}": [] for k in line_keys}
    lines.update({"_header_id": [], "product_id": [], "warehouse_id": [], "tax_code_id": []})
    line_id = first_line_id + b.profile.id_offset
    users = ("MANAGER", "jsmith", "kpatel", "rwilson", "sales1")
    for d in range(n_docs):
        party_pos = rng.randrange(len(party_ids))
        doc_id = first_id + b.profile.id_offset + d
        day = dates[d]
        currency = party_currency[party_pos]
        tax_code = party_tax[party_pos]
        created = stamp_after(rng, day)
        updated = created if rng.random() < 0.5 else stamp_after(rng, created)
        goods = discount_total = tax_total = 0.0
        requested = day + dt.timedelta(days=rng.randint(2, 21))
        for number in range(1, rng.choice(LINE_COUNTS) + 1):
            p = rng.randrange(n_products)
            pid = product_ids[p]
            quantity = float(rng.choice((1, 1, 2, 3, 5, 10, 12, 20, 25, 50)))
            unit = round(product_price[p] * rate_by_currency.get(currency, 1.0), 2)
            disc_pct = rng.choice((0.0, 0.0, 0.0, 0.0, 5.0, 10.0))
            disc_val = round(unit * disc_pct / 100, 5)
            net_unit = round(unit - disc_val, 5)
            total = money(net_unit * quantity)
            line_tax = money(total * tax_rate.get(tax_code, 0.0) / 100)
            goods += total
            discount_total += disc_val * quantity
            tax_total += line_tax
            wids = product_warehouses.get(pid)
            lines[f"{lp}_id"].append(line_id)
            lines[f"{lp}_number"].append(number)
            lines[f"{lp}_type"].append("EnumLineTypeStandard")
            lines[f"{lp}_product_code"].append(product_code[p])
            lines[f"{lp}_product_description"].append(product_name[p])
            lines[f"{lp}_quantity"].append(qty(quantity))
            lines[f"{lp}_unit_price"].append(qty(unit))
            lines[f"{lp}_unit_discount_percent"].append(disc_pct)
            lines[f"{lp}_unit_discount_value"].append(disc_val)
            lines[f"{lp}_discounted_unit_price"].append(net_unit)
            lines[f"{lp}_cost_price"].append(qty(product_cost[p]))
            lines[f"{lp}_total_value"].append(total)
            lines[f"{lp}_tax_value"].append(line_tax)
            lines[f"{lp}_requested_delivery_date"].append(requested)
            lines[f"{lp}_promised_delivery_date"].append(requested)
            lines[f"{lp}_date_time_updated"].append(updated)
            lines["_header_id"].append(doc_id)
            lines["product_id"].append(pid)
            lines["warehouse_id"].append(wids[0] if wids else None)
            lines["tax_code_id"].append(tax_code)
            line_id += 1
        h["id"].append(doc_id)
        h[party_field].append(party_ids[party_pos])
        h["document_no"].append(f"{number_prefix}{doc_id - b.profile.id_offset:010d}"[-10:])
        h["document_date"].append(day)
        h["document_status"].append(_weighted(rng, status_names, status_weights, day))
        h["currency_id"].append(currency)
        h["exchange_rate"].append(rate_by_currency.get(currency, 1.0))
        h["subtotal_goods_value"].append(money(goods))
        h["subtotal_discount_value"].append(money(discount_total))
        h["total_net_value"].append(money(goods))
        h["total_tax_value"].append(money(tax_total))
        h["total_gross_value"].append(money(goods + tax_total))
        h["requested_delivery_date"].append(requested)
        h["promised_delivery_date"].append(requested)
        h["document_discount_percent"].append(0.0)
        h["document_created_by"].append(rng.choice(users))
        h["analysis_code_1"].append(rng.choice(("Phone", "Web", "Email", "Rep visit")))
        h["date_time_created"].append(created)
        h["date_time_updated"].append(updated)
    return DocumentSet(h, lines)


def _weighted(rng: random.Random, names: list[str], weights: list[float], day: dt.datetime) -> str:
    """Recent documents are more often still live; old ones complete."""
    if (NOW - day).days > 120 and "EnumDocumentStatusComplete" in names and rng.random() < 0.8:
        return "EnumDocumentStatusComplete"
    return rng.choices(names, weights)[0]


@dataclass(frozen=True)
class Join:
    """View fields `<prefix><attr>` are read from `target[attr]` via the key sequence."""

    prefix: str
    keys: Sequence[Any]
    target: Table
    rename: tuple[tuple[str, str], ...] = ()


def view_columns(fields: Sequence[str], concrete: dict[str, Sequence[Any]], joins: Sequence[Join]) -> dict[str, Any]:
    """Columns for a flat view: concrete where given, else a Lookup through the longest matching join."""
    out: dict[str, Any] = dict(concrete)
    ordered = sorted(joins, key=lambda j: len(j.prefix), reverse=True)
    for name in fields:
        if name in out:
            continue
        for join in ordered:
            if not name.startswith(join.prefix):
                continue
            attr = dict(join.rename).get(name[len(join.prefix):], name[len(join.prefix):])
            if attr in join.target.columns:
                out[name] = Lookup(join.keys, join.target, attr)
                break
    return out
