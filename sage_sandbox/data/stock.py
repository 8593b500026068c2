"""Stock: product groups, products, price lists, warehouses and stock holdings."""

from __future__ import annotations

from typing import Any

from .builder import NOW, Builder, builds, money, qty, stamps
from .reference import SETUP, nominal_id
from .table import Lookup, Table, ToMany, ToOne
from .words import CATALOGUE

REVENUE_BY_GROUP = {"CMP": "4010", "MON": "4010", "PER": "4010", "PRN": "4010", "NET": "4010", "FUR": "4020",
                    "SRV": "4030"}
WAREHOUSES = (("Home", "Main warehouse", "Newcastle upon Tyne", "NE6 2XX"),
              ("Warehouse A", "Overflow warehouse", "Gateshead", "NE8 3AB"),
              ("Showroom", "Customer showroom", "Newcastle upon Tyne", "NE1 4XF"),
              ("Returns", "Returns and repairs", "Gateshead", "NE8 3AB"),
              ("Supplied Direct", "Items supplied direct from the supplier", "", ""))


@builds("product_groups")
def product_groups(b: Builder) -> Table:
    n = len(CATALOGUE)
    created, updated = stamps(b.rng("product_groups"), n, SETUP, NOW)
    services = [prefix == "SRV" for prefix, _, _ in CATALOGUE]
    return b.make("product_groups", {
        "id": b.ids(7001, n), "code": [c[0] for c in CATALOGUE], "description": [c[1] for c in CATALOGUE],
        "product_type": ["EnumStockItemTypeService" if s else "EnumStockItemTypeStock" for s in services],
        "costing_method": ["CostingMethodAverage"] * n, "stocktake_cycle_period": [30] * n,
        "label_printing_option_type": ["LabelPrintingOptionTypeNone"] * n, "keep_movement_history": [True] * n,
        "use_description_on_documents": [True] * n, "traceable_type": ["TraceableTypeNone"] * n,
        "landed_costs_type": ["LandedCostsTypeNone"] * n,
        "stock_nominal_code_id": [nominal_id(b, "1001")] * n,
        "revenue_nominal_code_id": [nominal_id(b, REVENUE_BY_GROUP.get(c[0], "4000")) for c in CATALOGUE],
        "accrual_nominal_code_id": [nominal_id(b, "2100")] * n, "issue_nominal_code_id": [nominal_id(b, "5000")] * n,
        "date_time_created": created, "date_time_updated": updated,
    }, {"stock_nominal_code": ToOne("stock_nominal_code_id", "nominal_codes"),
        "revenue_nominal_code": ToOne("revenue_nominal_code_id", "nominal_codes"),
        "accrual_nominal_code": ToOne("accrual_nominal_code_id", "nominal_codes"),
        "issue_nominal_code": ToOne("issue_nominal_code_id", "nominal_codes")})


def _catalogue(b: Builder) -> list[tuple[int, str, str, float]]:
    """(group position, code, name, price) for the products this company sells."""
    rng = b.rng("catalogue")
    items = []
    for g, (prefix, _, products) in enumerate(CATALOGUE):
        for k, (name, price) in enumerate(products, start=1):
            if b.profile.size >= 1 or rng.random() < max(b.profile.size, 0.5):
                items.append((g, f"{prefix}{k:03d}", name, price))
    return items


@builds("products")
def products(b: Builder) -> Table:
    rng = b.rng("products")
    items = _catalogue(b)
    n = len(items)
    groups = b.table("product_groups")
    tax_standard = b.table("tax_codes").columns["id"][1]
    created, updated = stamps(rng, n, SETUP, NOW)
    group_ids = [groups.columns["id"][i[0]] for i in items]
    costs = [qty(i[3] * rng.uniform(0.45, 0.7)) for i in items]
    columns: dict[str, Any] = {
        "id": b.ids(8001, n), "code": [i[1] for i in items], "name": [i[2] for i in items],
        "description": [i[2] for i in items], "use_description_on_documents": [True] * n,
        "barcode": [f"50{rng.randint(10**10, 10**11 - 1)}" for _ in items], "allow_sales_order": [True] * n,
        "free_stock_quantity": [qty(rng.randint(0, 400)) for _ in items], "product_group_id": group_ids,
        "tax_code_id": [tax_standard] * n, "product_status_type": ["ProductStatusActive"] * n,
        "fulfilment_method_type": ["FulfilmentMethodTypeFromStock"] * n,
        "manufacturer": [rng.choice(("Acme", "Brother", "Dell", "Lenovo", "Fellowes", "Rexel", "HP", "Logitech"))
                         for _ in items],
        "part_number": [f"P{rng.randint(100000, 999999)}" for _ in items],
        "standard_cost": costs, "average_buying_price": costs,
        "weight": [round(rng.uniform(0.05, 25), 4) for _ in items], "commodity_code": ["84713000"] * n,
        "stock_nominal_code_id": Lookup(group_ids, groups, "stock_nominal_code_id"),
        "revenue_nominal_code_id": Lookup(group_ids, groups, "revenue_nominal_code_id"),
        "accrual_nominal_code_id": Lookup(group_ids, groups, "accrual_nominal_code_id"),
        "issue_nominal_code_id": Lookup(group_ids, groups, "issue_nominal_code_id"),
        "fulfilment_sequence_type": ["FulfilmentSequenceTypeStockThenSupplier"] * n,
        "label_printing_option_type": ["LabelPrintingOptionTypeNone"] * n,
        "traceable_type": ["TraceableTypeNone"] * n, "shelf_life_type": ["ShelfLifeTypeNone"] * n,
        "landed_costs_type": ["LandedCostsTypeNone"] * n, "bom_item_type": ["BomItemTypeNotABomItem"] * n,
        "auto_generate_option_type": ["AutoGenerateOptionTypeNone"] * n,
        "_price": [i[3] for i in items], "date_time_created": created, "date_time_updated": updated,
    }
    return b.make("products", columns, {
        "product_group": ToOne("product_group_id", "product_groups"), "tax_code": ToOne("tax_code_id", "tax_codes"),
        "stock_nominal_code": ToOne("stock_nominal_code_id", "nominal_codes"),
        "revenue_nominal_code": ToOne("revenue_nominal_code_id", "nominal_codes"),
        "accrual_nominal_code": ToOne("accrual_nominal_code_id", "nominal_codes"),
        "issue_nominal_code": ToOne("issue_nominal_code_id", "nominal_codes"),
        "warehouse_holdings": ToMany("warehouse_holdings", "product_id"),
    })


@builds("warehouses")
def warehouses(b: Builder) -> Table:
    n = len(WAREHOUSES)
    gb = b.table("_country_codes").columns["id"][0]
    created, updated = stamps(b.rng("warehouses"), n, SETUP, NOW)
    return b.make("warehouses", {
        "id": b.ids(34622, n), "name": [w[0] for w in WAREHOUSES], "description": [w[1] for w in WAREHOUSES],
        "warehouse_type": ["WarehouseTypeStandard"] * (n - 1) + ["WarehouseTypeSuppliedDirect"],
        "use_for_sales_trading": [True] * n, "postal_name": [b.profile.name if w[2] else "" for w in WAREHOUSES],
        "address_1": ["Unit 4" if w[2] else "" for w in WAREHOUSES],
        "address_2": ["Team Valley Trading Estate" if w[2] else "" for w in WAREHOUSES],
        "address_3": [""] * n, "address_4": [""] * n, "city": [w[2] for w in WAREHOUSES],
        "county": ["Tyne and Wear" if w[2] else "" for w in WAREHOUSES], "postcode": [w[3] for w in WAREHOUSES],
        "country": ["United Kingdom" if w[2] else "" for w in WAREHOUSES],
        "contact": ["Goods In" if w[2] else "" for w in WAREHOUSES],
        "telephone_number": ["0191 496 0150" if w[2] else "" for w in WAREHOUSES],
        "country_code_id": [gb] * n, "date_time_created": created, "date_time_updated": updated,
    }, {"country_code": ToOne("country_code_id", "_country_codes")})


@builds("warehouse_holdings")
def warehouse_holdings(b: Builder) -> Table:
    rng = b.rng("warehouse_holdings")
    prods = b.table("products")
    whs = b.table("warehouses")
    rows: dict[str, list[Any]] = {k: [] for k in ("warehouse_id", "product_id", "reorder_level", "minimum_level",
                                                   "maximum_level", "quantity_in_stock", "quantity_allocated",
                                                   "quantity_on_order")}
    for p in range(len(prods)):
        for w in sorted(rng.sample(range(len(whs) - 1), rng.choice((1, 1, 2, 3)))):
            in_stock = rng.randint(0, 500)
            allocated = min(in_stock, rng.randint(0, 60))
            rows["warehouse_id"].append(whs.columns["id"][w])
            rows["product_id"].append(prods.columns["id"][p])
            rows["reorder_level"].append(qty(20))
            rows["minimum_level"].append(qty(10))
            rows["maximum_level"].append(qty(600))
            rows["quantity_in_stock"].append(qty(in_stock))
            rows["quantity_allocated"].append(qty(allocated))
            rows["quantity_on_order"].append(qty(rng.choice((0, 0, 50, 100))))
    n = len(rows["product_id"])
    free = [qty(s - a) for s, a in zip(rows["quantity_in_stock"], rows["quantity_allocated"], strict=True)]
    created, updated = stamps(rng, n)
    columns: dict[str, Any] = dict(rows)
    columns.update({
        "id": b.ids(35001, n), "confirmed_qty_in_stock": rows["quantity_in_stock"],
        "quantity_in_stock_less_reserved": rows["quantity_in_stock"], "quantity_allocated_sop": rows["quantity_allocated"],
        "free_stock_available": free, "free_stock_available_less_reserved": free,
        "warehouse_name": Lookup(rows["warehouse_id"], whs, "name"),
        "date_time_created": created, "date_time_updated": updated,
    })
    return b.make("warehouse_holdings", columns, {"product": ToOne("product_id", "products"),
                                                  "warehouse": ToOne("warehouse_id", "warehouses")})


@builds("product_price_views")
def product_price_views(b: Builder) -> Table:
    rng = b.rng("product_price_views")
    prods = b.table("products")
    bands = b.table("price_bands")
    cur = b.table("currencies")
    product_ids: list[int] = []
    band_ids: list[int] = []
    prices: list[float] = []
    use_standard: list[bool] = []
    factors = (1.0, 0.9, 0.85, 1.17, 0.95)
    for p in range(len(prods)):
        for k in range(len(bands)):
            if k > 0 and rng.random() < 0.3:
                continue
            product_ids.append(prods.columns["id"][p])
            band_ids.append(bands.columns["id"][k])
            prices.append(money(prods.columns["_price"][p] * factors[k % len(factors)]))
            use_standard.append(k == 0)
    n = len(product_ids)
    currency_ids = Lookup(band_ids, bands, "currency_id")
    return b.make("product_price_views", {
        "product_price_id": b.ids(36001, n), "product_id": product_ids,
        "product_code": Lookup(product_ids, prods, "code"), "product_name": Lookup(product_ids, prods, "name"),
        "product_stock_unit_name": ["Each"] * n, "price_band_id": band_ids,
        "price_band_name": Lookup(band_ids, bands, "name"), "product_price_use_standard": use_standard,
        "product_price_price": prices, "currency_id": currency_ids,
        "currency_name": Lookup(currency_ids, cur, "name"), "currency_symbol": Lookup(currency_ids, cur, "symbol"),
        "date_time_updated": stamps(rng, n)[1],
    }, key="product_price_id")
