"""The company's bank accounts, their addresses and contacts."""

from __future__ import annotations

import datetime as dt

from .builder import NOW, Builder, builds, money, stamps
from .reference import SETUP
from .table import Table, ToMany, ToOne

BANKS = (("1200", "Bank Current Account", "BankAccountTypeCurrent", 0),
         ("1210", "Bank Deposit Account", "BankAccountTypeDeposit", 0),
         ("1220", "Euro Bank Account", "BankAccountTypeCurrent", 1),
         ("1230", "Petty Cash", "BankAccountTypePettyCash", 0))


@builds("banks")
def banks(b: Builder) -> Table:
    rng = b.rng("banks")
    n = len(BANKS)
    cur = b.table("currencies")
    balances = [money(rng.uniform(2_000, 180_000)) if code != "1230" else 250.0 for code, *_ in BANKS]
    created, updated = stamps(rng, n, SETUP, NOW)
    return b.make("banks", {
        "id": b.ids(29401, n), "code": [r[0] for r in BANKS], "description": [r[1] for r in BANKS],
        "sort_code": ["20-45-77", "20-45-77", "20-45-77", ""],
        "account_no": ["73459812", "83416540", "56238841", ""], "bank_name": ["Barclays Bank", "Barclays Bank",
                                                                                "Barclays Bank", ""],
        "account_type": [r[2] for r in BANKS], "account_status_type": ["AccountStatusActive"] * n,
        "balance": balances,
        "balance_in_base": [money(v / cur.columns["core_currency_rate"][r[3]]) for v, r in zip(balances, BANKS,
                                                                                             strict=True)],
        "overdraft_limit": [10_000.0, 0.0, 0.0, 0.0], "account_name": ["Stationery & Computer Mart"] * n,
        "iban": ["GB33BUKB20457773459812", "GB94BARC20457783416540", "GB12BARC20457756238841", ""],
        "bic": ["BARCGB22", "BARCGB22", "BARCGB22", ""], "statement_balance": balances,
        "statement_date": [dt.datetime(2025, 5, 31)] * n, "account_currency_id": [cur.columns["id"][r[3]] for r in BANKS],
        "bank_account_nominal_reference": [r[0] for r in BANKS], "bank_charges_nominal_reference": ["7900"] * n,
        "exchange_diff_nominal_reference": ["4900"] * n, "_bank_address_id": list(b.ids(129901, n)),
        "date_time_created": created, "date_time_updated": updated,
    }, {"account_currency": ToOne("account_currency_id", "currencies"),
        "bank_address": ToOne("_bank_address_id", "_bank_addresses"),
        "bank_contacts": ToMany("_bank_contacts", "bank_id")})


@builds("_bank_addresses")
def bank_addresses(b: Builder) -> Table:
    n = len(BANKS)
    return b.make("_bank_addresses", {
        "id": list(b.ids(129901, n)), "contact": ["Business Banking Team"] * n, "address_1": ["1 Churchill Place"] * n,
        "address_2": ["Canary Wharf"] * n, "address_3": [""] * n, "address_4": [""] * n, "city": ["London"] * n,
        "county": ["Greater London"] * n, "postcode": ["E14 5HP"] * n, "country": ["United Kingdom"] * n,
    }, fields={"id": "i64", "contact": "s", "address_1": "s", "address_2": "s", "address_3": "s", "address_4": "s",
               "city": "s", "county": "s", "postcode": "s", "country": "s"})


@builds("_bank_contacts")
def bank_contacts(b: Builder) -> Table:
    bank_ids = list(b.ids(29401, len(BANKS)))[:3]
    return b.make("_bank_contacts", {
        "id": list(b.ids(129951, 3)), "bank_id": bank_ids, "name": ["Alex Morgan", "Alex Morgan", "Sam Okafor"],
        "telephone": ["0345 605 2345"] * 3, "email": ["alex.morgan@barclays.example", "alex.morgan@barclays.example",
                                                      "sam.okafor@barclays.example"],
        "date_time_updated": [dt.datetime(2023, 1, 9, 9, 30, 0, 500000)] * 3,
    }, fields={"id": "i64", "name": "s", "telephone": "s", "email": "s", "date_time_updated": "dt"})
