"""Customers, suppliers, their contacts and addresses, and the company's bank accounts."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from .builder import NOW, Builder, builds, money, stamps
from .reference import SETUP, nominal_id
from .table import Absent, Computed, Table, ToMany, ToOne
from .words import (
    BUSINESS_KINDS,
    BUSINESS_SUFFIXES,
    BUSINESS_WORDS,
    ESTATES,
    FIRST_NAMES,
    LAST_NAMES,
    SALUTATIONS,
    STREETS,
    SUPPLIER_KINDS,
    TOWNS,
)

_POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
REGIONS = ("North", "South", "Midlands", "Scotland", "Wales", "London", "East", "West")
SECTORS = ("Education", "Healthcare", "Professional", "Retail", "Public Sector", "Manufacturing", "Hospitality")


def uk_address(rng: random.Random) -> dict[str, str]:
    town, county, area = rng.choice(TOWNS)
    postcode = (f"{area}{rng.randint(1, 28)} {rng.randint(1, 9)}"
                f"{rng.choice(_POSTCODE_LETTERS)}{rng.choice(_POSTCODE_LETTERS)}")
    if rng.random() < 0.5:
        line1, line2 = f"Unit {rng.randint(1, 40)}", rng.choice(ESTATES)
    else:
        line1, line2 = f"{rng.randint(1, 240)} {rng.choice(STREETS)}", ""
    return {"address_1": line1, "address_2": line2, "address_3": "", "address_4": "", "city": town,
            "county": county, "postcode": postcode, "country": "United Kingdom"}


def business_names(rng: random.Random, n: int, kinds: tuple[str, ...], first: str | None) -> list[str]:
    names: list[str] = [first] if first else []
    seen = set(names)
    while len(names) < n:
        name = f"{rng.choice(BUSINESS_WORDS)} {rng.choice(kinds)} {rng.choice(BUSINESS_SUFFIXES)}".strip()
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


def account_references(names: list[str], first: str | None) -> list[str]:
    """Sage-style references: three letters of the name and a sequence (A1D001, ABB002 …)."""
    refs: list[str] = []
    counters: dict[str, int] = {}
    for i, name in enumerate(names):
        if i == 0 and first:
            refs.append(first)
            counters[first[:3]] = int(first[3:])
            continue
        letters = "".join(ch for ch in name.upper() if ch.isalnum())[:3].ljust(3, "X")
        counters[letters] = counters.get(letters, 0) + 1
        refs.append(f"{letters}{counters[letters]:03d}")
    return refs


def _phone(rng: random.Random) -> tuple[str, str, str]:
    return "+44", rng.choice(("161", "121", "113", "191", "117", "115", "20", "131", "141", "29")), \
        f"{rng.randint(200, 999)} {rng.randint(1000, 9999)}"


def _columns(rows: list[dict[str, Any]]) -> dict[str, list[Any]]:
    return {key: [row[key] for row in rows] for key in rows[0]} if rows else {}


ADDRESS_FIELDS = {"id": "i64", "address_1": "s", "address_2": "s", "address_3": "s", "address_4": "s", "city": "s",
                  "county": "s", "postcode": "s", "country": "s", "contact_name": "s",
                  "address_country_code_id": "i64", "date_time_created": "dt", "date_time_updated": "dt"}


def _traders(b: Builder, kind: str) -> dict[str, Any]:
    """The shared shape of customers and suppliers (kind "customer" or "supplier")."""
    is_customer = kind == "customer"
    rng = b.rng(kind + "s")
    n = b.masters(120 if is_customer else 60)
    first_name, first_ref = (("A1 Design Services", "A1D001") if is_customer else
                             ("Concept Stationery Supplies", "CON001"))
    if b.profile.company_id != 1:
        first_name, first_ref = None, None
    names = business_names(rng, n, BUSINESS_KINDS if is_customer else SUPPLIER_KINDS, first_name)
    refs = account_references(names, first_ref)
    currencies = b.table("currencies").columns["id"]
    countries = b.table("_country_codes").columns["id"]
    taxes = b.table("tax_codes").columns["id"]
    created, updated = stamps(rng, n, SETUP + dt.timedelta(days=400), NOW)
    currency_idx = [0 if rng.random() < 0.88 else rng.choice((1, 1, 2)) for _ in range(n)]
    country_idx = [0 if c == 0 else (rng.choice((1, 2, 3, 4)) if c == 1 else 6) for c in currency_idx]
    tax_idx = [1 if c == 0 else (3 if c in (1, 2, 3, 4) else 7) for c in country_idx]
    if not is_customer:
        tax_idx = [1 if c == 0 else (6 if c in (1, 2, 3, 4) else 7) for c in country_idx]
    phones = [_phone(rng) for _ in range(n)]
    domains = ["".join(ch for ch in name.lower().split(" ltd")[0] if ch.isalnum())[:20] for name in names]
    opened = [c.replace(hour=0, minute=0, second=0, microsecond=0) for c in created]
    nominal = nominal_id(b, "4000" if is_customer else "5000")
    discounts = [rng.choice((0.0, 0.0, 2.0, 2.5)) for _ in range(n)]
    return {
        "n": n, "rng": rng,
        "columns": {
            "id": list(b.ids(27825 if is_customer else 28846, n)), "reference": refs, "name": names,
            "short_name": [r[:8] for r in refs], "balance": [money(rng.uniform(0, 25_000)) for _ in range(n)],
            "on_hold": [rng.random() < 0.05 for _ in range(n)],
            "account_status_type": ["AccountStatusActive" if rng.random() > 0.03 else "AccountStatusHidden"
                                    for _ in range(n)],
            "currency_id": [currencies[c] for c in currency_idx], "exchange_rate_type": ["ExchangeRateSingle"] * n,
            "telephone_country_code": [p[0] for p in phones], "telephone_area_code": [p[1] for p in phones],
            "telephone_subscriber_number": [p[2] for p in phones],
            "fax_country_code": [p[0] for p in phones], "fax_area_code": [p[1] for p in phones],
            "fax_subscriber_number": [p[2][:-1] + "9" for p in phones],
            "website": [f"www.{d}.co.uk" for d in domains],
            "credit_limit": [float(rng.choice((1000, 2500, 5000, 10000, 20000, 50000))) for _ in range(n)],
            "country_code_id": [countries[c] for c in country_idx], "default_tax_code_id": [taxes[t] for t in tax_idx],
            "vat_number": [f"GB {rng.randint(100, 999)} {rng.randint(1000, 9999)} {rng.randint(10, 99)}"
                           for _ in range(n)],
            "account_type": ["AccountTypeRegular"] * n,
            "early_settlement_discount_percent": discounts,
            "early_settlement_discount_days": [0 if d == 0 else rng.choice((7, 14)) for d in discounts],
            "payment_terms_days": [rng.choice((30, 30, 30, 14, 60)) for _ in range(n)],
            "payment_terms_basis": ["PaymentTermsDaysFromInvoiceDate"] * n, "terms_agreed": [True] * n,
            "trading_terms": ["30 days net"] * n, "credit_reference": [f"CR{rng.randint(10000, 99999)}" for _ in range(n)],
            "account_opened": opened, "last_credit_review": [o + dt.timedelta(days=365) for o in opened],
            "next_credit_review": [o + dt.timedelta(days=730) for o in opened],
            "order_priority": ["OrderPriorityNormal"] * n, "months_to_keep_transactions": [24] * n,
            "default_nominal_code_id": [nominal] * n,
            "default_nominal_code_reference": ["4000" if is_customer else "5000"] * n,
            "analysis_code_1": [rng.choice(REGIONS) for _ in range(n)],
            "analysis_code_2": [rng.choice(SECTORS) for _ in range(n)],
            "date_time_created": created, "date_time_updated": updated,
        },
    }


def _addresses(b: Builder, name: str, owner: str, owner_ids: list[int], base: int) -> Table:
    rng = b.rng(name)
    gb = b.table("_country_codes").columns["id"][0]
    rows = []
    for i, owner_id in enumerate(owner_ids):
        row = {"id": base + b.profile.id_offset + i, owner: owner_id, **uk_address(rng),
               "contact_name": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}", "address_country_code_id": gb}
        rows.append(row)
    columns: dict[str, Any] = _columns(rows)
    columns["date_time_created"], columns["date_time_updated"] = stamps(rng, len(rows))
    return b.make(name, columns, {"address_country_code": ToOne("address_country_code_id", "_country_codes")},
                  fields={**ADDRESS_FIELDS, owner: "i64"})


@builds("customers")
def customers(b: Builder) -> Table:
    t = _traders(b, "customer")
    n, rng, columns = t["n"], t["rng"], t["columns"]
    bands = b.table("price_bands").columns["id"]
    columns["duns_code"] = [f"{rng.randint(100_000_000, 999_999_999)}" for _ in range(n)]
    columns["average_time_to_pay"] = [rng.randint(12, 70) for _ in range(n)]
    columns["invoice_discount_percent"] = [rng.choice((0.0, 0.0, 0.0, 2.5, 5.0)) for _ in range(n)]
    columns["price_band_id"] = [bands[0] if rng.random() < 0.7 else rng.choice(bands[1:3]) for _ in range(n)]
    columns["office_type"] = ["OfficeTypeNone"] * n
    columns["produce_statements_for_customer"] = [True] * n
    columns["use_tax_code_as_default"] = [False] * n
    columns["value_of_current_orders_in_sop"] = [money(rng.uniform(0, 4000)) for _ in range(n)]
    columns["_main_address_id"] = list(b.table("_customer_addresses").columns["id"])
    table = b.make("customers", columns, {
        "main_address": ToOne("_main_address_id", "_customer_addresses"),
        "currency": ToOne("currency_id", "currencies"), "country_code": ToOne("country_code_id", "_country_codes"),
        "default_tax_code": ToOne("default_tax_code_id", "tax_codes"), "price_band": ToOne("price_band_id", "price_bands"),
        "default_nominal_code": ToOne("default_nominal_code_id", "nominal_codes"),
        "contacts": ToMany("customer_contacts", "customer_id"),
    })
    for name, column in list(table.columns.items()):  # customers are writable: every column concrete
        if not isinstance(column, list):
            table.columns[name] = list(column)
    ledger_balances(b, table, "sales_posted_transactions", "customer_id")
    return table


def ledger_balances(b: Builder, table: Table, ledger: str, fk: str) -> None:
    """Make `balance` the account's outstanding ledger total (invoices less credit notes), read on
    first access so that building the accounts does not build the ledger."""
    ids = table.columns["id"]
    totals: dict[int, float] = {}

    def compute(i: int) -> float:
        if not totals:
            posted = b.table(ledger).columns
            totals[-1] = 0.0  # marks "computed" even for an empty ledger
            for account, kind, outstanding in zip(posted[fk], posted["trader_transaction_type"],
                                                  posted["document_outstanding_value"], strict=True):
                sign = -1.0 if kind.endswith(("CreditNote", "Receipt", "Payment")) else 1.0
                totals[account] = totals.get(account, 0.0) + sign * outstanding
        return money(totals.get(ids[i], 0.0))

    table.columns["balance"] = Computed(ids.__len__, compute)


def _owner_ids(b: Builder, owner_table: str) -> list[int]:
    """Ids of customers/suppliers without building them (addresses are built before their owners)."""
    base = 27825 if owner_table == "customers" else 28846
    return list(b.ids(base, b.masters(120 if owner_table == "customers" else 60)))


@builds("_customer_addresses")
def customer_addresses(b: Builder) -> Table:
    return _addresses(b, "_customer_addresses", "customer_id", _owner_ids(b, "customers"), 127000)


@builds("_supplier_addresses")
def supplier_addresses(b: Builder) -> Table:
    return _addresses(b, "_supplier_addresses", "supplier_id", _owner_ids(b, "suppliers"), 128000)


def _contacts(b: Builder, kind: str) -> Table:
    name = f"{kind}_contacts"
    rng = b.rng(name)
    owners = b.table(kind + "s")
    salutations = b.table("_salutations").columns["id"]
    rows = []
    next_id = 30001 + (0 if kind == "customer" else 20000) + b.profile.id_offset
    for pos in range(len(owners)):
        domain = owners.columns["website"][pos].removeprefix("www.")
        for k in range(rng.choice((1, 1, 2, 2, 3))):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            sal = rng.randrange(len(SALUTATIONS) - 1)
            rows.append({
                "id": next_id, f"{kind}_id": owners.columns["id"][pos], "salutation_id": salutations[sal],
                "name": f"{SALUTATIONS[sal][0]} {first} {last}", "first_name": first, "middle_name": "",
                "last_name": last, "default_telephone": f"+44 {rng.randint(1000, 1999)} {rng.randint(100000, 999999)}",
                "default_email": f"{first.lower()}.{last.lower()}@{domain}", "is_default": k == 0,
            })
            next_id += 1
    columns: dict[str, Any] = _columns(rows)
    columns["date_time_created"], columns["date_time_updated"] = stamps(rng, len(rows))
    return b.make(name, columns, {
        "salutation": ToOne("salutation_id", "_salutations"),
        "emails": ToMany(f"_{kind}_contact_emails", "contact_id"),
        "telephones": ToMany(f"_{kind}_contact_telephones", "contact_id"),
        "mobiles": Absent(True), "faxes": Absent(True), "websites": Absent(True), "roles": Absent(True),
    })


def _contact_channel(b: Builder, kind: str, channel: str, base: int) -> Table:
    contacts = b.table(f"{kind}_contacts")
    n = len(contacts)
    source = "default_email" if channel == "email" else "default_telephone"
    return b.make(f"_{kind}_contact_{channel}s", {
        "id": b.ids(base, n), "contact_id": list(contacts.columns["id"]),
        channel: list(contacts.columns[source]), "is_default": [True] * n,
        "date_time_created": list(contacts.columns["date_time_created"]),
        "date_time_updated": list(contacts.columns["date_time_updated"]),
    }, fields={"id": "i64", channel: "s", "is_default": "b", "date_time_created": "dt", "date_time_updated": "dt"})


@builds("customer_contacts")
def customer_contacts(b: Builder) -> Table:
    return _contacts(b, "customer")


@builds("supplier_contacts")
def supplier_contacts(b: Builder) -> Table:
    return _contacts(b, "supplier")


@builds("_customer_contact_emails")
def customer_contact_emails(b: Builder) -> Table:
    return _contact_channel(b, "customer", "email", 70001)


@builds("_customer_contact_telephones")
def customer_contact_telephones(b: Builder) -> Table:
    return _contact_channel(b, "customer", "telephone", 80001)


@builds("_supplier_contact_emails")
def supplier_contact_emails(b: Builder) -> Table:
    return _contact_channel(b, "supplier", "email", 90001)


@builds("_supplier_contact_telephones")
def supplier_contact_telephones(b: Builder) -> Table:
    return _contact_channel(b, "supplier", "telephone", 95001)


@builds("customer_delivery_addresses")
def customer_delivery_addresses(b: Builder) -> Table:
    rng = b.rng("customer_delivery_addresses")
    owners = b.table("customers")
    mains = b.table("_customer_addresses")
    rows = []
    next_id = 40001 + b.profile.id_offset
    for pos in range(len(owners)):
        for k in range(rng.choice((1, 1, 1, 2, 3))):
            address = ({f: mains.columns[f][pos] for f in ("address_1", "address_2", "address_3", "address_4", "city",
                                                           "county", "postcode", "country")}
                       if k == 0 else uk_address(rng))
            rows.append({
                "id": next_id, "customer_id": owners.columns["id"][pos], "is_default": k == 0,
                "description": "Main site" if k == 0 else f"Branch - {address['city']}",
                "postal_name": owners.columns["name"][pos], **address,
                "address_country_code_id": owners.columns["country_code_id"][pos],
                "contact": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                "telephone": f"0{rng.randint(1000, 1999)} {rng.randint(100000, 999999)}",
                "fax": "", "email": f"goodsin@{owners.columns['website'][pos].removeprefix('www.')}",
                "tax_number": owners.columns["vat_number"][pos],
                "tax_code_id": owners.columns["default_tax_code_id"][pos],
                "country_code_id": owners.columns["country_code_id"][pos],
            })
            next_id += 1
    columns: dict[str, Any] = _columns(rows)
    columns["date_time_created"], columns["date_time_updated"] = stamps(rng, len(rows))
    return b.make("customer_delivery_addresses", columns, {
        "customer": ToOne("customer_id", "customers"),
        "address_country_code": ToOne("address_country_code_id", "_country_codes"),
        "tax_code": ToOne("tax_code_id", "tax_codes"), "country_code": ToOne("country_code_id", "_country_codes"),
    })


@builds("suppliers")
def suppliers(b: Builder) -> Table:
    t = _traders(b, "supplier")
    n, rng, columns = t["n"], t["rng"], t["columns"]
    columns["value_of_current_orders_in_pop"] = [money(rng.uniform(0, 9000)) for _ in range(n)]
    columns["is_supplier_payments_enabled"] = [rng.random() < 0.6 for _ in range(n)]
    columns["_main_address_id"] = list(b.table("_supplier_addresses").columns["id"])
    columns["_bank_id"] = list(b.table("_supplier_banks").columns["id"])
    table = b.make("suppliers", columns, {
        "main_address": ToOne("_main_address_id", "_supplier_addresses"), "bank": ToOne("_bank_id", "_supplier_banks"),
        "currency": ToOne("currency_id", "currencies"), "country_code": ToOne("country_code_id", "_country_codes"),
        "default_tax_code": ToOne("default_tax_code_id", "tax_codes"),
        "default_nominal_code": ToOne("default_nominal_code_id", "nominal_codes"),
        "contacts": ToMany("supplier_contacts", "supplier_id"),
    })
    ledger_balances(b, table, "purchase_posted_transactions", "supplier_id")
    return table


@builds("_supplier_banks")
def supplier_banks(b: Builder) -> Table:
    rng = b.rng("_supplier_banks")
    owner_ids = _owner_ids(b, "suppliers")
    n = len(owner_ids)
    sort_codes = [f"{rng.randint(10, 99)}-{rng.randint(10, 99)}-{rng.randint(10, 99)}" for _ in range(n)]
    accounts = [f"{rng.randint(10_000_000, 99_999_999)}" for _ in range(n)]
    bics = [rng.choice(("BARCGB22", "NWBKGB2L", "LOYDGB2L", "HBUKGB4B", "MIDLGB22")) for _ in range(n)]
    created, updated = stamps(rng, n)
    return b.make("_supplier_banks", {
        "id": b.ids(129000, n), "supplier_id": owner_ids, "account_number": accounts,
        "account_name": ["Trading Account"] * n, "sort_code": sort_codes,
        "iban": [f"GB{rng.randint(10, 99)}{bic[:4]}{sc.replace('-', '')}{acc}"
                 for bic, sc, acc in zip(bics, sort_codes, accounts, strict=True)],
        "bic": bics, "date_time_created": created, "date_time_updated": updated,
    }, fields={"id": "i64", "supplier_id": "i64", "account_number": "s", "account_name": "s", "sort_code": "s",
               "iban": "s", "bic": "s", "date_time_created": "dt", "date_time_updated": "dt"})
