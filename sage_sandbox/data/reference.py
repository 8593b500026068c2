"""Reference tables: currencies, countries, tax codes, the chart of accounts, periods, layouts."""

from __future__ import annotations

import datetime as dt

from .builder import NOW, Builder, builds, money, stamps
from .table import Lookup, Table, ToOne

SETUP = dt.datetime(2015, 10, 30, 22, 33, 16, 670000)  # when the company was set up

COUNTRIES = (("GB", "Great Britain", False), ("IE", "Ireland", True), ("FR", "France", True),
             ("DE", "Germany", True), ("NL", "Netherlands", True), ("ES", "Spain", True),
             ("US", "United States", False), ("BE", "Belgium", True), ("IT", "Italy", True),
             ("CH", "Switzerland", False))
CURRENCIES = (("£", "Pound Sterling", "GBP", "UNITED KINGDOM, Pound Sterling", 1.0, 0.86),
              ("€", "Euro", "EUR", "EUROPEAN UNION, Euro", 1.17, 1.0),
              ("$", "US Dollar", "USD", "UNITED STATES, US Dollar", 1.27, 1.085),
              ("CHF", "Swiss Franc", "CHF", "SWITZERLAND, Swiss Franc", 1.12, 0.955),
              ("kr", "Swedish Krona", "SEK", "SWEDEN, Swedish Krona", 13.41, 11.46))
# (code, name, rate, terms)
TAX_CODES = ((0, "Zero rated", 0.0, "EcTermsNotApplicable"), (1, "Standard rated", 20.0, "EcTermsNotApplicable"),
             (2, "Exempt", 0.0, "EcTermsNotApplicable"), (4, "EC Sales - goods", 0.0, "EcTermsGoods"),
             (5, "Reduced rate", 5.0, "EcTermsNotApplicable"), (7, "EC Purchases - zero", 0.0, "EcTermsGoods"),
             (8, "EC Purchases - standard", 20.0, "EcTermsGoods"), (9, "Outside the scope of VAT", 0.0,
                                                                    "EcTermsNotApplicable"),
             (11, "EC Sales - services", 0.0, "EcTermsServices"))
COST_CENTRES = (("", "Default"), ("ADM", "Administration"), ("SAL", "Sales"), ("PUR", "Purchasing"),
                ("DIS", "Distribution"), ("IT", "IT Services"))
DEPARTMENTS = (("", "Default"), ("NTH", "North"), ("STH", "South"), ("EST", "East"), ("WST", "West"),
               ("HO", "Head Office"))
# (code, description, report type, category type)
REPORT_CATEGORIES = (
    ("1", "Sales", "ProfitLoss", "NominalReportingCategoryTypeIncome"),
    ("2", "Purchases", "ProfitLoss", "NominalReportingCategoryTypeExpense"),
    ("3", "Direct Expenses", "ProfitLoss", "NominalReportingCategoryTypeExpense"),
    ("4", "Overheads", "ProfitLoss", "NominalReportingCategoryTypeExpense"),
    ("5", "Fixed Assets", "BalanceSheet", "NominalReportingCategoryTypeAsset"),
    ("6", "Current Assets", "BalanceSheet", "NominalReportingCategoryTypeAsset"),
    ("7", "Current Liabilities", "BalanceSheet", "NominalReportingCategoryTypeLiability"),
    ("8", "Capital & Reserves", "BalanceSheet", "NominalReportingCategoryTypeCapital"),
)
# (reference, name, report category code)
NOMINALS = (
    ("0010", "Freehold Property", "5"), ("0020", "Plant and Machinery", "5"), ("0030", "Office Equipment", "5"),
    ("0040", "Furniture and Fixtures", "5"), ("0050", "Motor Vehicles", "5"), ("1001", "Stock", "6"),
    ("1100", "Debtors Control Account", "6"), ("1200", "Bank Current Account", "6"),
    ("1210", "Bank Deposit Account", "6"), ("1220", "Euro Bank Account", "6"), ("1230", "Petty Cash", "6"),
    ("2100", "Creditors Control Account", "7"), ("2200", "Sales Tax Control Account", "7"),
    ("2201", "Purchase Tax Control Account", "7"), ("2210", "PAYE", "7"), ("2300", "Loans", "7"),
    ("3000", "Ordinary Shares", "8"), ("3200", "Profit and Loss Account", "8"),
    ("4000", "Sales - Stationery", "1"), ("4010", "Sales - Computers", "1"), ("4020", "Sales - Furniture", "1"),
    ("4030", "Sales - Services", "1"), ("4900", "Other Sales", "1"), ("5000", "Materials Purchased", "2"),
    ("5010", "Purchases - Computers", "2"), ("5100", "Carriage", "3"), ("6000", "Productive Labour", "3"),
    ("7000", "Gross Wages", "4"), ("7100", "Rent", "4"), ("7200", "Electricity", "4"),
    ("7500", "Office Stationery", "4"), ("7502", "Telephone", "4"), ("7900", "Bank Charges", "4"),
    ("8100", "Bad Debt Write Off", "4"),
)


def _named_stamps(b: Builder, name: str, n: int) -> tuple[list[dt.datetime], list[dt.datetime]]:
    return stamps(b.rng(name + "/stamps"), n, SETUP, NOW)


@builds("_country_codes")
def country_codes(b: Builder) -> Table:
    created, updated = _named_stamps(b, "countries", len(COUNTRIES))
    return b.make("_country_codes", {
        "id": b.ids(13, len(COUNTRIES)), "code": [c[0] for c in COUNTRIES], "name": [c[1] for c in COUNTRIES],
        "eu_member": [c[2] for c in COUNTRIES], "date_time_created": created, "date_time_updated": updated,
    }, fields={"id": "i64", "code": "s", "name": "s", "eu_member": "b", "date_time_created": "dt",
               "date_time_updated": "dt"})


@builds("_currency_iso_codes")
def currency_iso_codes(b: Builder) -> Table:
    created, updated = _named_stamps(b, "iso", len(CURRENCIES))
    return b.make("_currency_iso_codes", {
        "id": b.ids(49, len(CURRENCIES)), "code": [c[2] for c in CURRENCIES], "name": [c[3] for c in CURRENCIES],
        "date_time_created": created, "date_time_updated": updated,
    }, fields={"id": "i64", "code": "s", "name": "s", "date_time_created": "dt", "date_time_updated": "dt"})


@builds("currencies")
def currencies(b: Builder) -> Table:
    n = len(CURRENCIES)
    iso = b.table("_currency_iso_codes")
    created, updated = _named_stamps(b, "currencies", n)
    return b.make("currencies", {
        "id": b.ids(2103, n), "symbol": [c[0] for c in CURRENCIES], "name": [c[1] for c in CURRENCIES],
        "core_currency_rate": [c[4] for c in CURRENCIES], "euro_currency_rate": [c[5] for c in CURRENCIES],
        "is_base_currency": [i == 0 for i in range(n)], "is_euro_currency": [c[2] == "EUR" for c in CURRENCIES],
        "use_for_new_accounts": [i == 0 for i in range(n)], "exchange_rate_type": ["ExchangeRateSingle"] * n,
        "exchange_rate_amendability_type": ["ExchangeRateAmendabilityAllowed"] * n,
        "currency_iso_code_id": list(iso.columns["id"]), "date_time_created": created, "date_time_updated": updated,
    }, {"currency_iso_code": ToOne("currency_iso_code_id", "_currency_iso_codes")})


@builds("tax_codes")
def tax_codes(b: Builder) -> Table:
    n = len(TAX_CODES)
    created, updated = _named_stamps(b, "tax", n)
    terms_text = {"EcTermsNotApplicable": "Not applicable", "EcTermsGoods": "Goods", "EcTermsServices": "Services"}
    return b.make("tax_codes", {
        "id": b.ids(1728, n), "code": [t[0] for t in TAX_CODES], "name": [t[1] for t in TAX_CODES],
        "tax_rate": [t[2] for t in TAX_CODES], "terms": [t[3] for t in TAX_CODES],
        "terms_description": [terms_text[t[3]] for t in TAX_CODES],
        "is_notional_acquisition_tax": [t[0] == 8 for t in TAX_CODES],
        "date_time_created": created, "date_time_updated": updated,
    })


def _coded(b: Builder, name: str, base: int, rows: tuple[tuple[str, str], ...]) -> Table:
    rng = b.rng(name)
    n = len(rows)
    created, updated = _named_stamps(b, name, n)
    contacts = [f"{rng.choice(('Jane', 'Tom', 'Priya', 'Mark'))} {rng.choice(('Hall', 'Shaw', 'Reid'))}"
                for _ in rows]
    return b.make(name, {
        "id": b.ids(base, n), "code": [r[0] for r in rows], "name": [r[1] for r in rows],
        "contact_name": contacts, "contact_details": ["01632 960" + f"{100 + i:03d}" for i in range(n)],
        "contact_email_address": [f"{c.split()[0].lower()}@stationerymart.co.uk" for c in contacts],
        "date_time_created": created, "date_time_updated": updated,
    })


@builds("cost_centres")
def cost_centres(b: Builder) -> Table:
    return _coded(b, "cost_centres", 2201, COST_CENTRES)


@builds("departments")
def departments(b: Builder) -> Table:
    return _coded(b, "departments", 2241, DEPARTMENTS)


@builds("nominal_report_categories")
def nominal_report_categories(b: Builder) -> Table:
    n = len(REPORT_CATEGORIES)
    created, updated = _named_stamps(b, "nrc", n)
    return b.make("nominal_report_categories", {
        "id": b.ids(2258, n), "code": [r[0] for r in REPORT_CATEGORIES],
        "description": [r[1] for r in REPORT_CATEGORIES], "account_report_type": [r[2] for r in REPORT_CATEGORIES],
        "account_report_category_type": [r[3] for r in REPORT_CATEGORIES],
        "date_time_created": created, "date_time_updated": updated,
    })


@builds("nominal_codes")
def nominal_codes(b: Builder) -> Table:
    rng = b.rng("nominal_codes")
    cats = b.table("nominal_report_categories")
    ccs = b.table("cost_centres")
    deps = b.table("departments")
    cat_id = {code: cats.columns["id"][i] for i, code in enumerate(cats.columns["code"])}
    rows: list[tuple[str, str, str, int, int]] = []
    for ref, name, cat in NOMINALS:
        rows.append((ref, name, cat, 0, 0))
        if ref.startswith(("4", "7")) and rng.random() < 0.5:  # some P&L codes split by cost centre/department
            rows.append((ref, name, cat, rng.randrange(1, len(COST_CENTRES)), rng.randrange(1, len(DEPARTMENTS))))
    n = len(rows)
    created, updated = _named_stamps(b, "nominal_codes", n)
    balances = [money(rng.uniform(-90_000, 120_000)) for _ in rows]
    cc_ids = [ccs.columns["id"][r[3]] for r in rows]
    dep_ids = [deps.columns["id"][r[4]] for r in rows]
    return b.make("nominal_codes", {
        "id": b.ids(2301, n), "reference": [r[0] for r in rows], "name": [r[1] for r in rows],
        "cost_centre_id": cc_ids, "cost_centre_code": [COST_CENTRES[r[3]][0] for r in rows],
        "department_id": dep_ids, "department_code": [DEPARTMENTS[r[4]][0] for r in rows],
        "nominal_account_type": ["NominalAccountTypePosting"] * n,
        "account_status_type": ["AccountStatusActive"] * n, "report_category_id": [cat_id[r[2]] for r in rows],
        "display_balances_in_selection_list": [True] * n, "balance_year_to_date": balances,
        "debit_balance_year_to_date": [max(x, 0.0) for x in balances],
        "credit_balance_year_to_date": [max(-x, 0.0) for x in balances],
        "brought_forward_balance": [money(x * 0.4) for x in balances],
        "allow_manual_journal_entries": [True] * n, "periods_to_keep_transactions": [24] * n,
        "date_time_created": created, "date_time_updated": updated,
    }, {"cost_centre": ToOne("cost_centre_id", "cost_centres"), "department": ToOne("department_id", "departments"),
        "report_category": ToOne("report_category_id", "nominal_report_categories")})


def nominal_id(b: Builder, reference: str) -> int:
    """The id of the default (no cost centre/department) nominal code `reference`."""
    table = b.table("nominal_codes")
    for i, ref in enumerate(table.columns["reference"]):
        if ref == reference and table.columns["cost_centre_code"][i] == "":
            return table.columns["id"][i]
    raise KeyError(reference)


@builds("nominal_transaction_analysis_codes")
def nominal_transaction_analysis_codes(b: Builder) -> Table:
    rows = (("CAMP01", "Spring campaign"), ("CAMP02", "Back to school"), ("EXPO", "Trade exhibition"),
            ("GRANT", "Grant funded"), ("INTERNAL", "Internal recharge"), ("PROJ-A", "Project Apollo"),
            ("PROJ-B", "Project Borealis"), ("WEB", "Web shop"))
    n = len(rows)
    created, updated = _named_stamps(b, "ntac", n)
    return b.make("nominal_transaction_analysis_codes", {
        "id": b.ids(3101, n), "code": [r[0] for r in rows], "description": [r[1] for r in rows],
        "active": [r[0] != "CAMP01" for r in rows], "date_time_created": created, "date_time_updated": updated,
    })


def financial_years() -> list[tuple[dt.datetime, dt.datetime]]:
    """April-to-March years from 2022/23 to 2025/26 (the current one)."""
    return [(dt.datetime(y, 4, 1), dt.datetime(y + 1, 3, 31)) for y in range(2022, 2026)]


def _periods() -> list[tuple[int, int, dt.datetime, dt.datetime]]:
    out = []
    for y, (start, _) in enumerate(financial_years()):
        for p in range(12):
            month = (start.month - 1 + p) % 12 + 1
            year = start.year + (start.month - 1 + p) // 12
            first = dt.datetime(year, month, 1)
            nxt = dt.datetime(year + (month == 12), month % 12 + 1, 1)
            out.append((y, p + 1, first, nxt - dt.timedelta(days=1)))
    return out


@builds("financial_year_period_views")
def financial_year_period_views(b: Builder) -> Table:
    years = financial_years()
    periods = _periods()
    year_ids = b.ids(4001, len(years))
    current = next(i for i, (s, e) in enumerate(years) if s <= NOW <= e)
    return b.make("financial_year_period_views", {
        "financial_year_id": [year_ids[p[0]] for p in periods],
        "financial_year_start_date": [years[p[0]][0] for p in periods],
        "financial_year_end_date": [years[p[0]][1] for p in periods],
        "year_relative_to_current_year": [p[0] - current for p in periods],
        "number_of_periods_in_year": [12] * len(periods),
        "accounting_period_id": b.ids(4101, len(periods)), "period_number": [p[1] for p in periods],
        "period_start_date": [p[2] for p in periods], "period_end_date": [p[3] for p in periods],
    }, key="accounting_period_id")


@builds("sales_trading_periods")
def sales_trading_periods(b: Builder) -> Table:
    periods = _periods()
    created, updated = _named_stamps(b, "stp", len(periods))
    return b.make("sales_trading_periods", {
        "id": b.ids(4201, len(periods)), "period_number": [str(p[1]) for p in periods],
        "start_date": [p[2] for p in periods], "end_date": [p[3] for p in periods],
        "date_time_created": created, "date_time_updated": updated,
    })


@builds("financial_report_layout_views")
def financial_report_layout_views(b: Builder) -> Table:
    cats = b.table("nominal_report_categories")
    layouts = (("Profit and Loss", "ProfitLoss"), ("Balance Sheet", "BalanceSheet"),
               ("Management P&L", "ProfitLoss"))
    layout_ids = b.ids(4301, len(layouts))
    cols: dict[str, list] = {k: [] for k in (
        "financial_report_layout_id", "financial_report_layout_account_report_type", "financial_report_layout_name",
        "financial_report_row_line_type", "financial_report_row_layout_position_type",
        "financial_report_row_layout_debit_or_credit_type", "financial_report_row_report_row",
        "financial_report_row_title", "financial_report_row_subtotal_group", "nominal_account_report_category_id")}
    for li, (name, kind) in enumerate(layouts):
        row = 0
        for ci in range(len(cats)):
            if cats.columns["account_report_type"][ci] != kind:
                continue
            for line_type, title in (("FinancialReportLineTypeCategory", cats.columns["description"][ci]),
                                     ("FinancialReportLineTypeSubtotal", "Total " + cats.columns["description"][ci])):
                row += 10
                cols["financial_report_layout_id"].append(layout_ids[li])
                cols["financial_report_layout_account_report_type"].append(kind)
                cols["financial_report_layout_name"].append(name)
                cols["financial_report_row_line_type"].append(line_type)
                cols["financial_report_row_layout_position_type"].append("FinancialReportPositionLeft")
                cols["financial_report_row_layout_debit_or_credit_type"].append(
                    "FinancialReportCredit" if "Income" in cats.columns["account_report_category_type"][ci]
                    else "FinancialReportDebit")
                cols["financial_report_row_report_row"].append(row)
                cols["financial_report_row_title"].append(title)
                cols["financial_report_row_subtotal_group"].append(ci + 1)
                cols["nominal_account_report_category_id"].append(
                    cats.columns["id"][ci] if line_type.endswith("Category") else None)
    n = len(cols["financial_report_layout_id"])
    cat_ids = cols["nominal_account_report_category_id"]
    columns: dict = dict(cols)
    columns["financial_report_row_id"] = b.ids(4401, n)
    columns["nominal_account_report_category_code"] = Lookup(cat_ids, cats, "code")
    columns["nominal_account_report_category_description"] = Lookup(cat_ids, cats, "description")
    return b.make("financial_report_layout_views", columns, key="financial_report_row_id")


@builds("_company_addresses")
def company_addresses(b: Builder) -> Table:
    p = b.profile
    return b.make("_company_addresses", {
        "id": b.ids(1001, 1), "address_1": [p.town[0]], "address_2": ["Enterprise Way"], "address_3": [""],
        "address_4": [""], "city": [p.town[1]], "county": [p.town[2]], "postcode": [p.town[3]],
        "country": ["United Kingdom"], "date_time_created": [SETUP], "date_time_updated": [SETUP],
    }, fields={"id": "i64", "address_1": "s", "address_2": "s", "address_3": "s", "address_4": "s", "city": "s",
               "county": "s", "postcode": "s", "country": "s", "date_time_created": "dt", "date_time_updated": "dt"})


@builds("company_details")
def company_details(b: Builder) -> Table:
    p = b.profile
    gb = b.table("_country_codes").columns["id"][0]
    address = b.table("_company_addresses").columns["id"][0]
    domain = "".join(ch for ch in p.short_name.lower() if ch.isalnum())
    return b.make("company_details", {
        "id": b.ids(1000, 1), "name": [p.name], "telephone": ["0191 496 0123"], "fax": ["0191 496 0124"],
        "email": [f"accounts@{domain}.co.uk"], "website": [f"www.{domain}.co.uk"],
        "tax_registration_number": ["GB 796 5763 59"], "years_accounts_held_for": [6], "country_code_id": [gb],
        "eori_number": ["GB796576359000"], "is_supplier_payments_enabled": [True], "_address_id": [address],
        "date_time_created": [SETUP], "date_time_updated": [NOW - dt.timedelta(days=12, seconds=4711.25)],
    }, {"country_code": ToOne("country_code_id", "_country_codes"), "address": ToOne("_address_id",
                                                                                    "_company_addresses")})


@builds("price_bands")
def price_bands(b: Builder) -> Table:
    cur = b.table("currencies").columns["id"]
    rows = (("Standard", "Standard price band", True, cur[0]), ("Trade", "Trade customers", False, cur[0]),
            ("Education", "Schools and colleges", False, cur[0]), ("Euro List", "Euro price list", False, cur[1]),
            ("Summer Promo", "Summer promotion", False, cur[0]))
    n = len(rows)
    created, updated = _named_stamps(b, "price_bands", n)
    return b.make("price_bands", {
        "id": b.ids(5101, n), "name": [r[0] for r in rows], "description": [r[1] for r in rows],
        "is_standard_band": [r[2] for r in rows], "currency_id": [r[3] for r in rows],
        "price_band_type": ["PriceBandTypeSelling"] * n, "is_active": [True] * n,
        "is_time_based": [r[0] == "Summer Promo" for r in rows],
        "active_date_time_from": [dt.datetime(2025, 6, 1) if r[0] == "Summer Promo" else None for r in rows],
        "active_date_time_to": [dt.datetime(2025, 8, 31) if r[0] == "Summer Promo" else None for r in rows],
        "date_time_created": created, "date_time_updated": updated,
    }, {"currency": ToOne("currency_id", "currencies")})


@builds("stock_settings")
def stock_settings(b: Builder) -> Table:
    return b.make("stock_settings", {
        "id": b.ids(6001, 1), "use_multiple_locations": [True], "integrate_stock_management_with_nominal": [True],
        "generate_cos_for_sop": [True], "allow_fulfilment_from_stock": [True],
        "allow_fulfilment_from_supplier_via_stock": [True], "allow_fulfilment_from_supplier_direct_to_customer": [True],
        "profit_percent_of_revenue": [True], "date_time_created": [SETUP],
        "date_time_updated": [dt.datetime(2024, 2, 14, 10, 12, 3, 400000)],
    })


@builds("pending_emails")
def pending_emails(b: Builder) -> Table:
    rng = b.rng("pending_emails")
    n = b.masters(12)
    created, updated = stamps(rng, n, NOW - dt.timedelta(days=5), NOW)
    kinds = ("EmailTypeInvoice", "EmailTypeStatement", "EmailTypeRemittance", "EmailTypeOrderAcknowledgement")
    kind = [rng.choice(kinds) for _ in range(n)]
    return b.make("pending_emails", {
        "id": b.ids(6101, n), "email_type": kind,
        "email_address": [f"accounts{rng.randrange(1, 90)}@example.co.uk" for _ in range(n)],
        "email_subject": [k.removeprefix("EmailType") + f" {10000 + i}" for i, k in enumerate(kind)],
        "email_body": ["Please find attached your document."] * n, "user_number": [rng.randrange(1, 8) for _ in range(n)],
        "user_name": [rng.choice(("MANAGER", "accounts", "sales1")) for _ in range(n)],
        "date_time_created": created, "date_time_updated": updated,
    })


@builds("sop_additional_charges")
def sop_additional_charges(b: Builder) -> Table:
    tax = b.table("tax_codes").columns["id"]
    rows = (("CARR", "Carriage", 9.95, 6.5), ("NEXTDAY", "Next day delivery", 14.5, 9.0),
            ("PACK", "Packing", 2.5, 1.1), ("INSTALL", "Installation", 65.0, 30.0), ("ADMIN", "Admin fee", 5.0, 0.0))
    n = len(rows)
    created, updated = _named_stamps(b, "charges", n)
    return b.make("sop_additional_charges", {
        "id": b.ids(6201, n), "code": [r[0] for r in rows], "name": [r[1] for r in rows],
        "charge_value": [r[2] for r in rows], "notional_cost_value": [r[3] for r in rows],
        "nominal_code_id": [nominal_id(b, "4900")] * n, "tax_code_id": [tax[1]] * n,
        "date_time_created": created, "date_time_updated": updated,
    }, {"nominal_code": ToOne("nominal_code_id", "nominal_codes"), "tax_code": ToOne("tax_code_id", "tax_codes")})


@builds("_salutations")
def salutations(b: Builder) -> Table:
    from .words import SALUTATIONS

    n = len(SALUTATIONS)
    return b.make("_salutations", {
        "id": b.ids(1, n), "code": [s[0] for s in SALUTATIONS], "description": [s[1] for s in SALUTATIONS],
        "is_default": [i == 0 for i in range(n)], "date_time_created": [SETUP] * n,
        "date_time_updated": [dt.datetime(2015, 10, 30, 22, 33, 25, 810000)] * n,
    }, fields={"id": "i64", "code": "s", "description": "s", "is_default": "b", "date_time_created": "dt",
               "date_time_updated": "dt"})
