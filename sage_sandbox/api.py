"""The Sage 200 REST routes: /sites, /current_user and the 39 resources (list, get by id).

Every data call needs a valid bearer token, X-Site and X-Company
(docs/decisions/0200-sandbox-headers-and-status.md). Data work runs in a worker thread
under the company's lock, so a first request that builds 100 000 rows does not stall
the event loop for other connections.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anyio
from starlette.requests import Request
from starlette.responses import Response

from .data.dataset import Dataset
from .data.schema import PROFESSIONAL, STANDARD, load_schemas
from .data.table import Absent, Table, ToMany
from .errors import ApiError
from .jsonfmt import dumps
from .odata.filter_parser import filter_fields
from .odata.options import OrderKey, QueryOptions, parse_options
from .query import Renderer, count_rows, select_positions
from .state import SandboxState

EDITIONS = {"sage200": STANDARD, "sage200extra": PROFESSIONAL}
# the API's default order for views (reference §3); plain resources: their key ascending
DEFAULT_SORT: dict[str, list[OrderKey]] = {
    "sop_order_line_views": [OrderKey("sop_order_id", True), OrderKey("sop_order_line_id", True)],
    "pop_order_line_views": [OrderKey("pop_order_id", True), OrderKey("pop_order_line_id", True)],
    "sop_quote_line_views": [OrderKey("sop_quote_id", True), OrderKey("sop_quote_line_id", True)],
    "sop_proforma_line_views": [OrderKey("sop_proforma_id", True), OrderKey("sop_proforma_line_id", True)],
    "customer_sop_invoice_credit_line_views": [OrderKey("sop_invoice_credit_id", True),
                                               OrderKey("sop_invoice_credit_line_id", True)],
    "product_transaction_views": [OrderKey("id", True)],
    "product_price_views": [OrderKey("product_code"), OrderKey("product_price_id")],
    "sales_transaction_views": [OrderKey("posted_customer_transaction_id")],
    "financial_report_layout_views": [OrderKey("financial_report_layout_id"),
                                      OrderKey("financial_report_row_report_row")],
    "financial_year_period_views": [OrderKey("financial_year_start_date"), OrderKey("period_number")],
}
JSON_HEADERS = {"Cache-Control": "no-cache,no-store", "Pragma": "no-cache"}


def json_response(payload: Any, status: int = 200) -> Response:
    """`payload` as the API's JSON; bytes are taken as an already encoded body."""
    body = payload if isinstance(payload, bytes) else dumps(payload)
    return Response(body, status_code=status, media_type="application/json; charset=utf-8",
                    headers=JSON_HEADERS)


def state_of(request: Request) -> SandboxState:
    return request.app.state.sandbox


def edition_of(request: Request) -> str:
    edition = EDITIONS.get(request.path_params["edition"])
    if edition is None:
        raise ApiError(404, "ResourceNotFound", f"no API at {request.url.path}", "routing")
    return edition


def require_token(request: Request) -> None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "Unauthorized", "Access denied due to missing or invalid bearer token.", "authorization")
    status = state_of(request).sage_id.access_status(token.strip())
    if status == "expired":
        raise ApiError(401, "TokenExpired", "The access token has expired.", "authorization")
    if status != "valid":
        raise ApiError(401, "Unauthorized", "Access denied due to invalid bearer token.", "authorization")


def require_company(request: Request) -> Dataset:
    state = state_of(request)
    site = request.headers.get("x-site")
    company = request.headers.get("x-company")
    for name, value in (("X-Site", site), ("X-Company", company)):
        if not value:
            raise ApiError(401, "HeaderNotFound", f"Header {name} was not found in the request. Access denied.",
                           "check-header")
    if site.strip().lower() != state.config.site_id.lower():  # type: ignore[union-attr]
        raise ApiError(401, "SiteNotFound", "The site in X-Site is not available to this user. Access denied.",
                       "check-header")
    try:
        company_id = int(company.strip())  # type: ignore[union-attr]
    except ValueError:
        raise ApiError(400, "InvalidHeader", "X-Company must be a company id (an integer).", "check-header") from None
    dataset = state.companies.get(company_id)
    if dataset is None:
        raise ApiError(404, "CompanyNotFound", f"Company {company_id} was not found on this site.", "check-header")
    return dataset


def edition_table(table: Table, edition: str) -> dict[str, list[str]]:
    """The fields each table shows in this edition (Standard drops analysis codes 6..20)."""
    schema = load_schemas().get(table.name)
    if schema is None or edition == PROFESSIONAL:
        return {}
    return {table.name: schema.fields_for(edition)}


async def in_thread(dataset: Dataset, work: Callable[[], Any]) -> Any:
    def locked() -> Any:
        with dataset.lock:
            return work()

    return await anyio.to_thread.run_sync(locked)


async def sites(request: Request) -> Response:
    edition_of(request)
    require_token(request)
    state = state_of(request)
    return json_response([
        {"company_id": d.profile.company_id, "company_name": d.profile.name, "site_id": state.config.site_id,
         "site_name": state.config.site_name, "site_short_name": "SCM"}
        for d in state.companies.values()
    ])


async def current_user(request: Request) -> Response:
    edition_of(request)
    require_token(request)
    require_company(request)
    return json_response({"user_name": "Demo User", "email_address": "demo.user@example.co.uk",
                          "user_id": 1, "is_administrator": True})


def resource_table(request: Request, dataset: Dataset) -> Table:
    name = request.path_params["resource"]
    if not dataset.has_resource(name):
        raise ApiError(404, "ResourceNotFound", f"Resource '{name}' does not exist.", "routing")
    return dataset.table(name)


def check_fields(table: Table, options: QueryOptions, visible: dict[str, list[str]]) -> None:
    """In the Standard edition, Professional-only fields are unknown fields."""
    allowed = set(visible.get(table.name, table.fields))
    hidden = set(table.fields) - allowed
    if not hidden:
        return
    named = [k.field for k in options.orderby] + (options.select or [])
    if options.filter is not None:
        named += filter_fields(options.filter)
    for name in named:
        if name in hidden:
            raise ApiError(400, "InvalidQuery", f"unknown field '{name}' for resource {table.name}", "query")


async def list_resource(request: Request) -> Response:
    edition = edition_of(request)
    require_token(request)
    dataset = require_company(request)
    options = parse_options(dict(request.query_params))

    def work() -> Any:
        table = resource_table(request, dataset)
        visible = edition_table(table, edition)
        check_fields(table, options, visible)
        if options.metadata is not None:
            return metadata(table, visible, options.metadata)
        if options.count:
            return count_rows(table, options, dataset)
        renderer = Renderer(dataset, table, options, visible)
        default = DEFAULT_SORT.get(table.name, [OrderKey(table.key)])
        positions = select_positions(table, options, default, dataset.positions, dataset)
        return renderer.render_json(positions[options.skip: options.skip + options.top], dataset.rows)

    return json_response(await in_thread(dataset, work))


def metadata(table: Table, visible: dict[str, list[str]], with_expandable: bool) -> list[dict[str, Any]]:
    names = visible.get(table.name, list(table.fields))
    out = [{"name": n, "type": _type_name(table.fields[n])} for n in names]
    if with_expandable:
        out += [{"name": n, "type": "array" if isinstance(r, ToMany) or (isinstance(r, Absent) and r.is_array)
                 else "object"} for n, r in table.relations.items()]
    return out


def _type_name(api_type: str) -> str:
    return {"s": "string", "b": "boolean", "dt": "date-time", "i16": "int16", "i32": "int32", "i64": "int64",
            "num": "number"}.get(api_type, "decimal" if api_type.startswith("d") else api_type)


def parse_id(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise ApiError(404, "ResourceNotFound", f"No record with id '{text}'.", "routing") from None


async def get_resource(request: Request) -> Response:
    edition = edition_of(request)
    require_token(request)
    dataset = require_company(request)
    options = parse_options(dict(request.query_params))
    record_id = parse_id(request.path_params["id"])

    def work() -> Any:
        table = resource_table(request, dataset)
        pos = table.position(record_id)
        if pos is None:
            raise ApiError(404, "ResourceNotFound", f"No {table.name} record with id {record_id}.", "routing")
        visible = edition_table(table, edition)
        check_fields(table, options, visible)
        return Renderer(dataset, table, options, visible).render(pos)

    return json_response(await in_thread(dataset, work))


async def list_children(request: Request) -> Response:
    """`/customers/{id}/customer_contacts` and the like: a child collection of one record."""
    edition = edition_of(request)
    require_token(request)
    dataset = require_company(request)
    options = parse_options(dict(request.query_params))
    record_id = parse_id(request.path_params["id"])
    child = request.path_params["child"]

    def work() -> Any:
        parent = resource_table(request, dataset)
        relation = next((r for r in parent.relations.values()
                         if isinstance(r, ToMany) and r.target == child and dataset.has_resource(child)), None)
        if relation is None:
            raise ApiError(404, "ResourceNotFound", f"{parent.name} has no '{child}' collection.", "routing")
        if parent.position(record_id) is None:
            raise ApiError(404, "ResourceNotFound", f"No {parent.name} record with id {record_id}.", "routing")
        table = dataset.table(child)
        visible = edition_table(table, edition)
        check_fields(table, options, visible)
        if options.metadata is not None:
            return metadata(table, visible, options.metadata)
        mine = set(dataset.children(child, relation.fk, record_id))
        positions = [p for p in select_positions(table, options, [OrderKey(table.key)], dataset.positions, dataset)
                     if p in mine]
        if options.count:
            return len(positions)
        renderer = Renderer(dataset, table, options, visible)
        return renderer.render_json(positions[options.skip: options.skip + options.top], dataset.rows)

    return json_response(await in_thread(dataset, work))
