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
import time
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import orjson
import pyarrow as pa

from pgserver.errors import FDW_ERROR, PgError
from pgserver.provider import (
    CacheRead,
    Procedure,
    Provider,
    ScanContext,
    ScanPlan,
    ScanProgress,
    ScanRequest,
    TableSpec,
    arrow_schema,
)
from providers.mirror.where import StoreQuery, order_terms
from providers.mirror.where import translate as translate_qual
from providers.paging import KeyOrderCheck, PagePipeline, PageRequest, remaining_pages
from providers.sage200 import mirror
from providers.sage200.client import InvalidPage, TransientError, parse_json
from providers.sage200.convert import InexactNumber, PageConverter, parse_timestamp
from providers.sage200.data_source import MAX_PAGE_SIZE, SageDataSource, SageSession
from providers.sage200.mirror import RefreshReport, layout_of
from providers.sage200.odata import (
    FilterPlan,
    build_filter,
    orderby_text,
    readable_query,
    select_and_expand,
    sortable_field,
    type_family,
)

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


def sage_query(spec: TableSpec, path: str, columns: Sequence[str], filters: FilterPlan | str | None,
               sort: Sequence[tuple[str, bool]], page_size: int, *, limit: int | None = None,
               offset: int = 0) -> SageQuery:
    """The OData options reading `columns` of `spec` at `path` with these filters (a FilterPlan, or a raw
    `$filter` text the caller built), in `sort` order then the view's paging key (which makes it unique)."""
    if not isinstance(filters, FilterPlan):
        filters = FilterPlan(filters, [], [], [])
    key_fields = paging_key(spec)
    order = tuple(dict.fromkeys([*sort, *((f, False) for f in key_fields if f not in dict(sort))]))
    normalisers: list[Callable[[Any], Any]] = []
    comparable = True
    plain = True
    for field_name, _ in order:
        column = next((c for c in spec.columns if c.source == field_name), None)
        family = type_family(column.type) if column is not None else "integer"
        norm, ok = _normaliser(family)
        normalisers.append(norm)
        comparable = comparable and ok
        plain = plain and family not in ("date", "timestamp", "timestamptz")
    select, expand = select_and_expand(spec, columns, [f for f, _ in order])
    return SageQuery(path=path, filters=filters, select=select, expand=expand, order=order,
                     key_normalisers=tuple(normalisers), comparable=comparable, page_size=page_size,
                     limit=limit, offset=offset, plain_keys=plain)


@dataclass
class MirrorScan:
    """The provider-private plan of a scan answered from the mirror (CacheMode VERIFY or TOLERANT)."""

    query: StoreQuery
    report: RefreshReport | None = None  # what the refresh before it did (set when the scan runs)


class SageViewProvider:
    """One Sage 200 view (one edition's resource)."""

    def __init__(self, spec: TableSpec, session: SageSession,
                 resources: Mapping[str, frozenset[str]] | None = None) -> None:
        self.spec = spec
        self.view_spec = spec  # the columns the API (or the mirror) gives; a subclass may show more (Customers)
        self.session = session
        self.base_path = str(spec.extra.get("base_path", ""))
        self.path = self.base_path + str(spec.extra.get("resource", ""))
        self.mirror_layout = layout_of(spec, paging_key(spec), resources or {})
        session.mirror.register(self.base_path, self.mirror_layout)

    # -- planning ----------------------------------------------------------------

    def plan(self, request: ScanRequest, ctx: ScanContext) -> ScanPlan:
        if str(self.session.prop(ctx, "CacheMode") or "LIVE").upper() != "LIVE":
            if not self.mirror_layout.live_columns & set(request.columns):
                return self._plan_mirror(request, ctx)
            live = self._plan_live(request, ctx)
            unkept = ", ".join(sorted(self.mirror_layout.live_columns & set(request.columns)))
            live.description.insert(0, f"Live (the mirror does not keep embedded records: {unkept}):")
            return live
        return self._plan_live(request, ctx)

    def _plan_live(self, request: ScanRequest, ctx: ScanContext) -> ScanPlan:
        spec = self.view_spec
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

        page_size = self.session.int_prop(ctx, "PageSize", 1, MAX_PAGE_SIZE)
        query = sage_query(spec, self.path, request.columns, filt, pushed_sort, page_size,
                           limit=request.limit if limit_pushed else None,
                           offset=request.offset if limit_pushed else 0)
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

    def _plan_mirror(self, request: ScanRequest, ctx: ScanContext) -> ScanPlan:
        """Rows from the mirror (providers/sage200/mirror.py): every qual with an exact DuckDB form is evaluated
        there, and then ORDER BY and LIMIT too."""
        query = StoreQuery(list(request.columns))
        pushed, residual = [], []
        for qual in request.quals:
            text = translate_qual(self.view_spec, qual, query.params)
            if text is None:
                residual.append(qual)
            else:
                query.where.append(text)
                pushed.append(qual)
        order = order_terms(self.view_spec, request.order_by) if request.order_by and not residual else None
        order_pushed = bool(order)
        limit_pushed = not residual and (request.limit is not None or request.offset > 0) and \
            (not request.order_by or order_pushed)
        if order:
            query.order = order
        if limit_pushed:
            query.limit, query.offset = request.limit, request.offset
        mode = str(self.session.prop(ctx, "CacheMode")).upper()
        return ScanPlan(request=request, pushed_quals=pushed, residual_quals=residual, order_pushed=order_pushed,
                        limit_pushed=limit_pushed, description=self._describe_mirror(query, mode, ctx),
                        state=MirrorScan(query), rows_local=True)

    def _describe_mirror(self, query: StoreQuery, mode: str, ctx: ScanContext) -> list[str]:
        layout = self.mirror_layout
        store = self.session.mirror.known_store(ctx, self.base_path)
        state = store.state(layout.name) if store is not None else None
        lines = [f"Mirror {layout.name} (CacheMode={mode}): " + (
            "not filled yet" if state is None else
            f"{state.rows} rows, verified {max(0.0, time.time() - state.verified_at):.0f} s ago")]
        if state is None or not layout.change_fields:
            lines.append(f"  {'fill' if state is None else 'refresh'}: GET {self.path} (every page), "
                         "in one transaction")
        elif mode == "VERIFY" or time.time() - state.verified_at > self.session.int_prop(ctx, "CacheTolerance", 0):
            changed = " or ".join(f"{f} gt <watermark - {mirror.OVERLAP.seconds} s>" for f in layout.change_fields)
            lines.append(f"  refresh first: GET {self.path}?$filter={changed}; then $count (and the keys when it "
                         "differs)")
            for dep in layout.dependencies:
                lines.append(f"    and GET {self.base_path}{dep.resource}?$filter={dep.stamp_field} gt … (rows whose "
                             f"{dep.view_field} names a changed record are read again)")
        else:
            lines.append("  no refresh (verified within CacheTolerance)")
        lines.append(f"  then {query.sql().format(table=layout.name)}"
                     + (f"  -- parameters {query.params}" if query.params else ""))
        return lines

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
        if isinstance(plan.state, MirrorScan):
            store, _state, report = await self.session.mirror.ensure(self, ctx)
            plan.state.report = report
            ctx.observer.cache_read(CacheRead(f"{self.spec.schema}.{self.spec.name}", report.kind,
                                              report.rows_upserted, report.rows_deleted, report.rows_inserted,
                                              report.rows_updated, report.seconds, tuple(report.notes)))
            schema = arrow_schema(self.view_spec, list(plan.request.columns))
            async for batch in mirror.read_rows(store, self.mirror_layout.name, plan.state.query.sql(),
                                                plan.state.query.params, schema):
                yield batch
            return
        async for batch, _keys in self.pages(plan.state, list(plan.request.columns), ctx):
            yield batch

    async def pages(self, query: SageQuery, columns: list[str], ctx: ScanContext, spec: TableSpec | None = None
                    ) -> AsyncIterator[tuple[pa.RecordBatch, list[tuple[Any, ...]]]]:
        """Every page of `query` (see the module doc), as the batch of `columns` and the rows' paging keys.
        `spec`: the columns' declarations when they are not the view's own (the mirror reads extra fields)."""
        if query.limit == 0:
            return
        table = f"{self.spec.schema}.{self.spec.name}"
        http = self.session.http(ctx, table)
        timeout = self.session.timeout(ctx)
        threads = self.session.int_prop(ctx, "MaxThreads", 1)
        site = await self.session.company(ctx, self.base_path)
        headers = self.session.header_source(ctx, site)
        check = KeyOrderCheck([d for _, d in query.order], query.comparable)
        converter = PageConverter(spec or self.view_spec, columns)
        limiter = self.session.limiter(ctx, threads)
        observer = ctx.observer  # progress after each page

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
        got = len(keys)
        finished = got < first_page.top or (query.limit is not None and got >= query.limit)
        await observer.page_read(ScanProgress(table, 1, got, got, got if finished else None))
        yield batch, keys
        if finished:
            return

        total = await count()
        available = max(0, total - query.offset)
        target = available if query.limit is None else min(query.limit, available)
        if target < got:
            raise _changed(f"$count says {total} rows, but the first page already held {got}")
        pages = remaining_pages(1, query.offset + got, target - got, query.page_size)
        pipeline = PagePipeline(lambda p: fetch(p, exact=True), pages, 2 * threads)
        read = got
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
                read += batch.num_rows
                await observer.page_read(ScanProgress(table, page.index + 1, read, batch.num_rows, target))
                yield batch, keys
        finally:
            await pipeline.aclose()
        if pages and (recount := await count()) != total:
            raise _changed(f"$count went from {total} to {recount} during the scan")


def sage_providers(config: SageDataSource) -> tuple[list[Provider], list[Procedure]]:
    """Providers for the 78 views (both editions; Customers writable) and the procedures (OAuth, XML import)
    of one data source."""
    from providers.sage200.customer_writer import SageCustomersProvider
    from providers.sage200.model import load_views
    from providers.sage200.procedures import oauth_procedures
    from providers.sage200.zynk_import import import_procedures

    session = SageSession(config)
    views = load_views()
    providers: list[Provider] = []
    for edition in {v.schema for v in views}:
        mine = [v for v in views if v.schema == edition]
        fields: dict[str, set[str]] = {}
        for v in mine:
            fields.setdefault(str(v.extra.get("resource", "")), set()).update(
                c.source.split(".")[0] for c in v.columns if c.source)
        resources = {path: frozenset(names) for path, names in fields.items()}
        providers += [SageCustomersProvider(spec, session, resources) if spec.writes is not None
                      else SageViewProvider(spec, session, resources) for spec in mine]
    providers.sort(key=lambda p: views.index(p.spec))  # type: ignore[attr-defined]
    return providers, [*oauth_procedures(session), *import_procedures(providers)]


def sage_admin(providers: Sequence[Provider]) -> tuple[list[Provider], list[Procedure]]:
    """sys.sys_mirror and the mirror procedures of the data source behind `providers` (sage_providers')."""
    from providers.sage200.mirror_admin import mirror_admin

    views = [p for p in providers if isinstance(p, SageViewProvider)]
    table, procedures = mirror_admin(views[0].session, views)
    return [table], procedures


def session_of(providers: Sequence[Provider]) -> SageSession | None:
    """The shared session behind providers made by sage_providers (to close its client)."""
    return next((p.session for p in providers if isinstance(p, SageViewProvider)), None)
