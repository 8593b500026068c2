"""The Sage 200 views as providers: plan() turns a ScanRequest into OData, scan() pages.

Scan protocol (docs/decisions/0501-paging-and-concurrency.md):

1. the first page alone (`$top`=PageSize, or the pushed LIMIT): a short page ends the scan,
   so `WHERE Id = 5` and `LIMIT 10` cost one request;
2. otherwise `$count=true` with the same `$filter`, then the remaining pages — each must
   hold exactly the rows the count implies — through a sliding window (up to MaxThreads
   requests in flight, at most 2 x MaxThreads pages outstanding), yielded in page order;
3. every row's paging key must sort strictly after the previous row's (no repeats), and
   after a multi-page scan the count is taken again: a change means rows moved while we
   read, and the scan fails rather than return a row twice or miss one.
"""

from __future__ import annotations

import operator
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import orjson
import pyarrow as pa

from pgserver.errors import FDW_ERROR, PgError
from pgserver.provider import Procedure, Provider, ScanContext, ScanPlan, ScanRequest, TableSpec
from providers.paging import KeyOrderCheck, PagePipeline, PageRequest, remaining_pages
from providers.sage200.client import InvalidPage, TransientError, parse_json
from providers.sage200.convert import InexactNumber, PageConverter, parse_timestamp
from providers.sage200.odata import (
    FilterPlan,
    build_filter,
    orderby_text,
    readable_query,
    select_and_expand,
    sortable_field,
    type_family,
)
from providers.sage200.session import MAX_PAGE_SIZE, SageDataSource, SageSession

# The unique order each view is paged in. Plain resources page by `id`; the *_views
# resources have no `id`, so their documented composite keys are used (0501).
PAGING_KEYS: dict[str, tuple[str, ...]] = {
    "/customer_sop_invoice_credit_line_views": ("sop_invoice_credit_id", "sop_invoice_credit_line_id"),
    "/financial_report_layout_views": ("financial_report_layout_id", "financial_report_row_id"),
    "/financial_year_period_views": ("financial_year_id", "accounting_period_id"),
    "/product_price_views": ("product_price_id",),
    "/pop_order_line_views": ("pop_order_id", "pop_order_line_id"),
    "/sop_order_line_views": ("sop_order_id", "sop_order_line_id"),
    "/sop_proforma_line_views": ("sop_proforma_id", "sop_proforma_line_id"),
    "/sop_quote_line_views": ("sop_quote_id", "sop_quote_line_id"),
    "/sales_transaction_views": ("posted_customer_transaction_id",),
}


def paging_key(spec: TableSpec) -> tuple[str, ...]:
    return PAGING_KEYS.get(str(spec.extra.get("resource", "")), ("id",))


@dataclass(frozen=True)
class SageQuery:
    """The provider-private part of a ScanPlan: the OData options of every page."""

    path: str
    filters: FilterPlan  # the `$filter` of every request, and each offered qual's clause of it (EXPLAIN)
    select: str
    expand: str | None
    order: tuple[tuple[str, bool], ...]  # (field, descending): pushed ORDER BY, then the paging key
    key_normalisers: tuple[Callable[[Any], Any], ...]  # per order field, for the order check
    comparable: bool
    page_size: int
    limit: int | None  # rows to read (pushed LIMIT), None = all
    offset: int  # pushed OFFSET
    plain_keys: bool = False  # every order field compares as its raw JSON value (no normaliser)

    @property
    def filter(self) -> str | None:
        return self.filters.text

    def params(self, skip: int, top: int) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        if self.filter:
            out.append(("$filter", self.filter))
        out.append(("$select", self.select))
        if self.expand:
            out.append(("$expand", self.expand))
        out += [("$orderby", orderby_text(self.order)), ("$top", str(top)), ("$skip", str(skip))]
        return out

    def count_params(self) -> list[tuple[str, str]]:
        return ([("$filter", self.filter)] if self.filter else []) + [("$count", "true")]

    def first_top(self) -> int:
        return self.page_size if self.limit is None else min(self.page_size, self.limit)

    def keys(self, rows: Sequence[dict[str, Any]]) -> list[tuple[Any, ...]]:
        """The paging key of every row (InvalidPage when a row lacks one)."""
        if not self.plain_keys:
            return [self.key(row) for row in rows]
        fields = [f for f, _ in self.order]
        try:
            if len(fields) == 1:
                return [(row[fields[0]],) for row in rows]
            return list(map(operator.itemgetter(*fields), rows))
        except (KeyError, TypeError):
            raise InvalidPage("a row lacks its paging key fields") from None

    def key(self, row: dict[str, Any]) -> tuple[Any, ...]:
        try:
            return tuple(norm(row[f]) for (f, _), norm in zip(self.order, self.key_normalisers, strict=True))
        except (KeyError, TypeError, ValueError):
            raise InvalidPage("a row lacks its paging key fields") from None


def _normaliser(family: str) -> tuple[Callable[[Any], Any], bool]:
    """How to compare raw JSON values of a field like the API orders them; False when we cannot."""
    if family in ("integer", "numeric", "boolean"):
        return (lambda v: v), True
    if family in ("date", "timestamp", "timestamptz"):
        return (lambda v: None if v is None else parse_timestamp(v)), True
    return (lambda v: v), False


def parse_fast(content: bytes) -> tuple[Any, bytes | None]:
    """orjson's parse plus the body to parse again exactly if a float cannot be converted
    exactly; the exact parse (and None) when orjson refuses the body (e.g. a 20-digit integer)."""
    try:
        return orjson.loads(content), content
    except orjson.JSONDecodeError:
        return parse_json(content), None


def _rows(body: Any) -> list[dict[str, Any]]:
    rows = body.get("value") if isinstance(body, dict) else body
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise InvalidPage("the answer is not a JSON array of objects")
    return rows


def _count(body: Any) -> int:
    """The `$count=true` answer: a bare number (tolerating {"count": n})."""
    if isinstance(body, dict):
        body = next((body[k] for k in ("count", "@odata.count", "Count") if k in body), None)
    if isinstance(body, str) and body.strip().isdigit():
        return int(body.strip())
    if isinstance(body, int) and not isinstance(body, bool) and body >= 0:
        return body
    if isinstance(body, Decimal) and body.is_finite() and body >= 0 and body == body.to_integral_value():
        return int(body)
    raise InvalidPage("the $count answer is not a whole number")


def _changed(what: str) -> PgError:
    return PgError(
        FDW_ERROR,
        f"Sage 200 data changed while it was being read ({what})",
        hint="Run the query again; no partial or duplicated result was returned as complete.",
    )


class SageViewProvider:
    """One Sage 200 view (one edition's resource)."""

    def __init__(self, spec: TableSpec, session: SageSession) -> None:
        self.spec = spec
        self.session = session
        self.base_path = str(spec.extra.get("base_path", ""))
        self.path = self.base_path + str(spec.extra.get("resource", ""))

    # -- planning ----------------------------------------------------------------

    def plan(self, request: ScanRequest, ctx: ScanContext) -> ScanPlan:
        spec = self.spec
        filt = build_filter(spec, request.quals)
        all_exact = not filt.residual
        pushed_sort: list[tuple[str, bool]] = []
        if request.order_by and all_exact:
            fields = [sortable_field(spec, key) for key in request.order_by]
            if all(f is not None for f in fields):
                pushed_sort = [(f, k.descending) for f, k in zip(fields, request.order_by, strict=True) if f]
        order_pushed = bool(pushed_sort)
        limit_offered = request.limit is not None or request.offset > 0
        limit_pushed = limit_offered and all_exact and (not request.order_by or order_pushed)

        key_fields = paging_key(spec)
        order = tuple(dict.fromkeys(pushed_sort + [(f, False) for f in key_fields if f not in dict(pushed_sort)]))
        normalisers: list[Callable[[Any], Any]] = []
        comparable = True
        plain = True
        for field_name, _ in order:
            column = next((c for c in spec.columns if c.source == field_name), None)
            family = type_family(column.pg_type) if column is not None else "integer"
            norm, ok = _normaliser(family)
            normalisers.append(norm)
            comparable = comparable and ok
            plain = plain and family not in ("date", "timestamp", "timestamptz")
        select, expand = select_and_expand(spec, request.columns, [f for f, _ in order])
        page_size = self.session.int_prop(ctx, "PageSize", 1, MAX_PAGE_SIZE)
        query = SageQuery(
            path=self.path,
            filters=filt,
            select=select,
            expand=expand,
            order=order,
            key_normalisers=tuple(normalisers),
            comparable=comparable,
            page_size=page_size,
            limit=request.limit if limit_pushed else None,
            offset=request.offset if limit_pushed else 0,
            plain_keys=plain,
        )
        return ScanPlan(
            request=request,
            pushed_quals=filt.pushed,
            residual_quals=filt.residual,
            order_pushed=order_pushed,
            limit_pushed=limit_pushed,
            description=self._describe(query, ctx),
            state=query,
            reports=list(query.filters.reports),
        )

    def _describe(self, query: SageQuery, ctx: ScanContext) -> list[str]:
        first = f"GET {query.path}?{readable_query(query.params(query.offset, query.first_top()))}"
        if query.limit is not None and query.limit <= query.page_size:
            return [first]
        threads = self.session.prop(ctx, "MaxThreads")
        return [
            first + " (pages until short)",
            f"  then GET {query.path}?{readable_query(query.count_params())} and the remaining pages "
            f"($skip += {query.page_size}), up to MaxThreads={threads} at a time",
        ]

    # -- scanning ------------------------------------------------------------------

    @staticmethod
    def _batch(converter: PageConverter, rows: list[dict[str, Any]], content: bytes | None) -> pa.RecordBatch:
        """The page as Arrow; parsed again exactly when a fast-parsed float may have lost digits."""
        try:
            return converter.convert(rows)
        except InexactNumber:
            if content is None:  # already exact: cannot happen, Decimal parsing yields no floats
                raise
        try:
            exact_rows = _rows(parse_json(content))
        except TransientError as exc:
            raise PgError(FDW_ERROR, f"Sage 200 returned a page that cannot be read exactly: {exc.reason}") from None
        return converter.convert(exact_rows)

    async def scan(self, plan: ScanPlan, ctx: ScanContext) -> AsyncIterator[pa.RecordBatch]:
        query: SageQuery = plan.state
        columns = list(plan.request.columns)
        if query.limit == 0:
            return
        http = self.session.http(ctx)
        timeout = self.session.timeout(ctx)
        threads = self.session.int_prop(ctx, "MaxThreads", 1)
        site = await self.session.company(ctx, self.base_path)
        headers = self.session.header_source(ctx, site)
        check = KeyOrderCheck([d for _, d in query.order], query.comparable)
        converter = PageConverter(self.spec, columns)
        limiter = self.session.limiter(ctx, threads)

        async def fetch(page: PageRequest, exact: bool) -> tuple[pa.RecordBatch, list[tuple[Any, ...]]]:
            def validate(parsed: tuple[Any, bytes | None]) -> tuple[list[dict[str, Any]], list[tuple[Any, ...]], bytes | None]:
                body, content = parsed
                rows = _rows(body)
                if len(rows) > page.top or (exact and len(rows) != page.top):
                    raise InvalidPage(
                        f"the page at $skip={page.skip} has {len(rows)} rows, expected "
                        f"{'exactly' if exact else 'at most'} {page.top} (data changing?)"
                    )
                keys = query.keys(rows)
                problem = check.check_page(keys)
                if problem:
                    raise InvalidPage(f"the page at $skip={page.skip}: {problem}")
                return rows, keys, content

            async with limiter:
                rows, keys, content = await http.get_json(
                    query.path, query.params(page.skip, page.top), auth_headers=headers, timeout=timeout,
                    validate=validate, parse=parse_fast,
                )
            return self._batch(converter, rows, content), keys

        async def count() -> int:
            async with limiter:
                return await http.get_json(
                    query.path, query.count_params(), auth_headers=headers, timeout=timeout, validate=_count
                )

        first_page = PageRequest(0, query.offset, query.first_top())
        batch, keys = await fetch(first_page, exact=False)
        if problem := check.accept(keys):
            raise _changed(problem)
        yield batch
        got = len(keys)
        if got < first_page.top or (query.limit is not None and got >= query.limit):
            return

        total = await count()
        available = max(0, total - query.offset)
        target = available if query.limit is None else min(query.limit, available)
        if target < got:
            raise _changed(f"$count says {total} rows, but the first page already held {got}")
        pages = remaining_pages(1, query.offset + got, target - got, query.page_size)
        pipeline = PagePipeline(lambda p: fetch(p, exact=True), pages, 2 * threads)
        try:
            while (item := await pipeline.next()) is not None:
                page, (batch, keys) = item
                problem = check.accept(keys)
                attempts = 1
                while problem and attempts < self.session.source.retry.attempts:
                    batch, keys = await fetch(page, exact=True)  # maybe a faulty page: read it again
                    problem = check.accept(keys)
                    attempts += 1
                if problem:
                    raise _changed(problem)
                yield batch
        finally:
            await pipeline.aclose()
        if pages and (recount := await count()) != total:
            raise _changed(f"$count went from {total} to {recount} during the scan")


def sage_providers(config: SageDataSource) -> tuple[list[Provider], list[Procedure]]:
    """Providers for the 78 views (both editions) and the OAuth procedures of one data source."""
    from providers.sage200.model import load_views
    from providers.sage200.procedures import oauth_procedures

    session = SageSession(config)
    providers: list[Provider] = [SageViewProvider(spec, session) for spec in load_views()]
    return providers, list(oauth_procedures(session))


def session_of(providers: Sequence[Provider]) -> SageSession | None:
    """The shared session behind providers made by sage_providers (to close its client)."""
    return next((p.session for p in providers if isinstance(p, SageViewProvider)), None)
