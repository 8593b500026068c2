"""POST/PUT/DELETE /customers: validated writes that later reads (and every view) see.

Field lengths, required fields and allowed values follow Zynk's Sage 200 Online customer
documentation (reference ≤ 8, name ≤ 60 and required on create, short_name ≤ 8 …).
Read-only fields (id, balance, timestamps) are ignored on input; any other unknown field
is a 400, so a client typo does not silently vanish. A missing reference is generated
from the name, as Sage does when automatic references are on.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from .api import edition_of, in_thread, json_response, parse_id, require_company, require_token
from .data.dataset import Dataset
from .data.table import Table
from .errors import ApiError
from .odata.options import QueryOptions
from .query import Renderer

STRING_LIMITS: dict[str, int] = {
    "reference": 8, "name": 60, "short_name": 8, "account_status_type": 20, "exchange_rate_type": 20,
    "telephone_country_code": 5, "telephone_area_code": 20, "telephone_subscriber_number": 200,
    "fax_country_code": 5, "fax_area_code": 20, "fax_subscriber_number": 200, "website": 200, "vat_number": 30,
    "duns_code": 9, "status_reason": 60, "trading_terms": 60, "credit_reference": 60,
    "default_nominal_code_reference": 8, "default_nominal_code_cost_centre": 3, "default_nominal_code_department": 3,
    **{f"analysis_code_{i}": 60 for i in range(1, 21)},
}
ADDRESS_LIMITS = {"address_1": 60, "address_2": 60, "address_3": 60, "address_4": 60, "city": 60, "county": 60,
                  "postcode": 10, "country": 60, "contact_name": 60}
ALLOWED_VALUES = {"account_status_type": ("AccountStatusActive", "AccountStatusHidden"),
                  "exchange_rate_type": ("ExchangeRateSingle", "ExchangeRatePeriod", "ExchangeRateBoth")}
BOOLEANS = ("on_hold", "terms_agreed", "use_tax_code_as_default", "produce_statements_for_customer")
DECIMALS = ("credit_limit", "early_settlement_discount_percent", "invoice_discount_percent")
INTEGERS = ("early_settlement_discount_days", "payment_terms_days", "months_to_keep_transactions")
REFERENCES = {"currency_id": "currencies", "country_code_id": "_country_codes", "default_tax_code_id": "tax_codes",
              "price_band_id": "price_bands"}
READ_ONLY = ("id", "balance", "date_time_created", "date_time_updated")


def _bad(message: str) -> ApiError:
    return ApiError(400, "ValidationFailed", message, "customers")


def _validate(dataset: Dataset, body: Any, creating: bool) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """(customer field values, main address values or None) after checking everything."""
    if not isinstance(body, dict):
        raise _bad("the request body must be a JSON object")
    values: dict[str, Any] = {}
    address: dict[str, Any] | None = None
    for key, value in body.items():
        if key in READ_ONLY:
            continue
        if key in STRING_LIMITS:
            if value is None:
                value = ""
            if not isinstance(value, str):
                raise _bad(f"'{key}' must be a string")
            if len(value) > STRING_LIMITS[key]:
                raise _bad(f"'{key}' must be at most {STRING_LIMITS[key]} characters (got {len(value)})")
            if key in ALLOWED_VALUES and value not in ALLOWED_VALUES[key]:
                raise _bad(f"'{key}' must be one of {', '.join(ALLOWED_VALUES[key])}")
        elif key in BOOLEANS:
            if not isinstance(value, bool):
                raise _bad(f"'{key}' must be true or false")
        elif key in DECIMALS:
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise _bad(f"'{key}' must be a number")
            value = round(float(value), 2)
        elif key in INTEGERS:
            if isinstance(value, bool) or not isinstance(value, int):
                raise _bad(f"'{key}' must be a whole number")
        elif key in REFERENCES:
            if isinstance(value, bool) or not isinstance(value, int) or \
                    dataset.table(REFERENCES[key]).position(value) is None:
                raise _bad(f"'{key}' does not refer to an existing record")
        elif key == "main_address":
            address = _validate_address(value)
            continue
        else:
            raise _bad(f"unknown or read-only field '{key}'")
        values[key] = value
    if creating and not str(values.get("name", "")).strip():
        raise _bad("'name' is required")
    if "name" in values and not values["name"].strip():
        raise _bad("'name' must not be empty")
    return values, address


def _validate_address(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _bad("'main_address' must be an object")
    out: dict[str, Any] = {}
    for key, item in value.items():
        if key in ("id", "customer_id", "date_time_created", "date_time_updated", "address_country_code_id",
                   "address_country_code"):
            continue
        if key not in ADDRESS_LIMITS:
            raise _bad(f"unknown field 'main_address.{key}'")
        if item is None:
            item = ""
        if not isinstance(item, str) or len(item) > ADDRESS_LIMITS[key]:
            raise _bad(f"'main_address.{key}' must be a string of at most {ADDRESS_LIMITS[key]} characters")
        out[key] = item
    return out


def _reference_taken(table: Table, reference: str, except_pos: int | None = None) -> bool:
    wanted = reference.casefold()
    return any(ref.casefold() == wanted for pos, ref in enumerate(table.columns["reference"]) if pos != except_pos)


def _generate_reference(table: Table, name: str) -> str:
    letters = "".join(ch for ch in name.upper() if ch.isalnum())[:3].ljust(3, "X")
    for n in range(1, 100_000):
        candidate = f"{letters}{n:03d}"[:8]
        if not _reference_taken(table, candidate):
            return candidate
    raise _bad("could not generate a free reference; please supply one")


def _now(request: Request) -> dt.datetime:
    seconds = request.app.state.sandbox.config.clock()
    value = dt.datetime.fromtimestamp(seconds, dt.UTC).replace(tzinfo=None)
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


def _render(dataset: Dataset, table: Table, pos: int) -> dict[str, Any]:
    return Renderer(dataset, table, QueryOptions(expand=["main_address"])).render(pos)


async def create_customer(request: Request) -> Response:
    edition_of(request)
    require_token(request)
    dataset = require_company(request)
    body = await _json_body(request)
    now = _now(request)

    def work() -> Any:
        dataset.prepare_for_writes()
        customers = dataset.table("customers")
        values, address = _validate(dataset, body, creating=True)
        reference = values.get("reference") or _generate_reference(customers, values["name"])
        if _reference_taken(customers, reference):
            raise ApiError(400, "DuplicateReference", f"A customer with reference '{reference}' already exists.",
                           "customers")
        addresses = dataset.table("_customer_addresses")
        new_id = max(customers.columns["id"]) + 1
        address_id = max(addresses.columns["id"]) + 1
        gb = dataset.table("_country_codes").columns["id"][0]
        addresses.append({"id": address_id, "customer_id": new_id, "address_country_code_id": gb,
                          "date_time_created": now, "date_time_updated": now,
                          **{k: (address or {}).get(k, "") for k in
                             ("address_1", "address_2", "address_3", "address_4", "city", "county", "postcode",
                              "country", "contact_name")}})
        defaults = _defaults(dataset, now)
        dataset.forget_derived()
        pos = customers.append({**defaults, **values, "id": new_id, "reference": reference,
                                "short_name": values.get("short_name") or reference,
                                "_main_address_id": address_id})
        return _render(dataset, customers, pos)

    return json_response(await in_thread(dataset, work))


def _defaults(dataset: Dataset, now: dt.datetime) -> dict[str, Any]:
    """A new account's values for every field the request leaves out (the API's empty values)."""
    customers = dataset.table("customers")
    from .data.builder import default_value

    values = {name: default_value(name, api_type) for name, api_type in customers.fields.items()}
    values.update({
        "currency_id": dataset.table("currencies").columns["id"][0],
        "country_code_id": dataset.table("_country_codes").columns["id"][0],
        "default_tax_code_id": dataset.table("tax_codes").columns["id"][1],
        "account_status_type": "AccountStatusActive", "exchange_rate_type": "ExchangeRateSingle",
        "balance": 0.0, "account_opened": now.replace(hour=0, minute=0, second=0, microsecond=0),
        "date_time_created": now, "date_time_updated": now,
    })
    return values


async def update_customer(request: Request) -> Response:
    edition_of(request)
    require_token(request)
    dataset = require_company(request)
    record_id = parse_id(request.path_params["id"])
    body = await _json_body(request)
    now = _now(request)

    def work() -> Any:
        dataset.prepare_for_writes()
        customers = dataset.table("customers")
        pos = customers.position(record_id)
        if pos is None:
            raise ApiError(404, "ResourceNotFound", f"No customers record with id {record_id}.", "routing")
        values, address = _validate(dataset, body, creating=False)
        if "reference" in values:
            if not values["reference"]:
                raise _bad("'reference' must not be empty")
            if _reference_taken(customers, values["reference"], except_pos=pos):
                raise ApiError(400, "DuplicateReference",
                               f"A customer with reference '{values['reference']}' already exists.", "customers")
        if address:
            addresses = dataset.table("_customer_addresses")
            address_pos = addresses.position(customers.columns["_main_address_id"][pos])
            if address_pos is not None:
                addresses.update(address_pos, {**address, "date_time_updated": now})
        customers.update(pos, {**values, "date_time_updated": now})
        dataset.forget_derived()
        return _render(dataset, customers, pos)

    return json_response(await in_thread(dataset, work))


DEPENDENTS = (("sop_orders", "customer_id"), ("sales_posted_transactions", "customer_id"),
              ("sales_historical_transactions", "customer_id"), ("customer_contacts", "customer_id"),
              ("customer_delivery_addresses", "customer_id"), ("_sop_quotes", "customer_id"),
              ("_sop_proformas", "customer_id"), ("_sop_invoice_credits", "customer_id"))


async def delete_customer(request: Request) -> Response:
    edition_of(request)
    require_token(request)
    dataset = require_company(request)
    record_id = parse_id(request.path_params["id"])

    def work() -> None:
        dataset.prepare_for_writes()
        customers = dataset.table("customers")
        pos = customers.position(record_id)
        if pos is None:
            raise ApiError(404, "ResourceNotFound", f"No customers record with id {record_id}.", "routing")
        for table_name, fk in DEPENDENTS:
            if dataset.children(table_name, fk, record_id):
                raise ApiError(400, "RecordInUse", f"Customer {record_id} has {table_name.strip('_')} and cannot be "
                               "deleted; set account_status_type to AccountStatusHidden instead.", "customers")
        addresses = dataset.table("_customer_addresses")
        address_pos = addresses.position(customers.columns["_main_address_id"][pos])
        customers.delete(pos)
        dataset.forget_derived()
        if address_pos is not None:
            addresses.delete(address_pos)

    await in_thread(dataset, work)
    return Response(status_code=200)


async def _json_body(request: Request) -> Any:
    import json

    raw = await request.body()
    try:
        return json.loads(raw or b"null")
    except ValueError:
        raise _bad("the request body is not valid JSON") from None
