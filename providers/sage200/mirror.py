"""The Sage 200 mirror: every queried view kept in a local store and brought up to date at the cost of the changes.

Per data source (API origin + site + company + edition) one `MirrorStore` file under the cache directory. What a
refresh of one view does (docs/decisions/0970-mirror.md):

1. **first fill** — every page of the view (the provider's paged, order-checked scan), streamed into the store in
   one transaction; the watermark is the newest change stamp read, moved back by how long the fill took (any
   record saved during the fill has a later stamp than that);
2. **delta** — views with change fields (`date_time_updated`; on line views the line's and the header's): the
   records stamped after the watermark less an overlap, upserted by key;
3. **copied fields** — a view that repeats fields of related records (a customer's name on order lines) asks each
   related resource which records changed since its own watermark and reads again the view's rows that point at
   them (the API reports no such change on the view itself);
4. **deletes** — the API has no delete feed: after the delta `$count` is compared with the mirror, and when they
   differ — or the last reconcile is older than `CacheReconcileInterval` — the view's keys alone are read (the
   largest pages the API allows) and the keys that vanished are deleted (keys that appeared are read in full);
5. views without any change field are read again in full.

Every refresh is one store transaction: a failure, timeout or cancel leaves the view at its last consistent state.
One refresh at a time per view (concurrent queries wait and share it).

Writes through us (providers/sage200/customer_writer.py) call `SageMirror.written`: every mirrored view showing
the written records is refreshed by its next read whatever its CacheMode, and rows deleted through us leave the
mirror at once — a client reads its own writes (decision 0972).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
import weakref
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio
import pyarrow as pa

from pgserver.errors import FDW_ERROR, PgError
from pgserver.provider import UNOBSERVED, Column, ScanContext, TableSpec, arrow_schema
from providers.mirror.store import MirrorStore, ViewState
from providers.sage200.client import AuthHeaders
from providers.sage200.convert import parse_timestamp
from providers.sage200.odata import format_timestamp, quote_string

if TYPE_CHECKING:
    from providers.sage200.data_source import SageSession, Site
    from providers.sage200.provider import SageViewProvider

log = logging.getLogger(__name__)

CACHE_MODES = ("LIVE", "VERIFY", "TOLERANT")
OVERLAP = dt.timedelta(seconds=60)  # re-read changes this close to the watermark (clock skew, late commits)
KEY_PAGE = 5000  # the API's largest $top
IN_CHUNK = 40  # values per `(f eq a or f eq b …)` request when reading rows again by key
# Header update fields the line views carry as API fields although the CData views have no column for them
# (/work/shared/reference/sage200-api.md lists them on the resources).
EXTRA_CHANGE_FIELDS = {
    "/sop_order_line_views": ("sop_order_date_time_updated",),
    "/pop_order_line_views": ("pop_order_date_time_updated",),
}
# Related resources by the prefix of the fields a view copies from them (customer_name ← /customers).
RESOURCE_OF_PREFIX = {
    "customer": "/customers", "supplier": "/suppliers", "product": "/products", "product_group": "/product_groups",
    "warehouse": "/warehouses", "tax_code": "/tax_codes", "currency": "/currencies", "price_band": "/price_bands",
    "bank": "/banks", "nominal_code": "/nominal_codes",
}


# Collections a view embeds ($expand) whose records are API resources of their own (a customer's contacts, an
# order's lines). They change without the parent's stamp moving — edited, added, deleted, or through records
# they copy fields from in turn — so the mirror does not keep these columns: a scan that reads one is answered
# live (decision 0970). From the API reference.
EMBEDDED = frozenset({("/customers", "contacts"), ("/suppliers", "contacts"), ("/products", "warehouse_holdings"),
                      ("/sop_orders", "lines"), ("/pop_orders", "lines")})


@dataclass(frozen=True)
class Related:
    """Records of another resource whose changes change this view's rows without moving its change fields: a
    record the view copies fields from (a customer's name on order lines). A related record whose `id` is v
    changes the view rows whose `view_field` is v; with no `view_field` (the view copies the fields but does not
    expose the key it reaches them by) any change means reading the whole view again."""

    resource: str
    view_field: str | None
    stamp_field: str = "date_time_updated"
    id_field: str = "id"


@dataclass(frozen=True)
class Layout:
    """What the mirror keeps of one view and how it finds changes."""

    name: str  # the store's name for the view: "StandardUK.Customers"
    resource: str  # the API resource it reads: "/customers"
    spec: TableSpec  # the mirrored columns of the view, then hidden ones for key and change fields it lacks
    view_columns: tuple[str, ...]  # the view's columns the mirror keeps
    live_columns: frozenset[str]  # the view's columns it does not keep (embedded collections: read live)
    key_columns: tuple[str, ...]  # store columns of the paging key (unique per record)
    change_fields: tuple[str, ...]  # API fields stamped when a record (or its header) is saved
    change_columns: tuple[str, ...]
    dependencies: tuple[Related, ...]

    @property
    def columns(self) -> list[str]:
        return [c.name for c in self.spec.columns]

    @property
    def schema(self) -> pa.Schema:
        return arrow_schema(self.spec)


def layout_of(spec: TableSpec, key_fields: Sequence[str], resources: Mapping[str, frozenset[str]]) -> Layout:
    """`resources`: every API resource of the edition with its top-level fields (to tell a copied field —
    `warehouse_name` is the warehouse's `name` — from a field of the view's own that merely starts alike)."""
    resource = str(spec.extra.get("resource", ""))
    kinds = spec.extra.get("source_kinds", {})
    live = frozenset(c.name for c in spec.columns
                     if kinds.get(c.name) == "json" and (resource, c.source or "") in EMBEDDED)
    kept = tuple(c for c in spec.columns if c.name not in live)
    by_source = {c.source: c.name for c in kept if c.source and "." not in c.source}
    extra: list[Column] = []

    def column_for(field_name: str, pg_type: str, prefix: str) -> str:
        if field_name in by_source:
            return by_source[field_name]
        name = f"__{prefix}_{field_name}"
        if all(c.name != name for c in extra):
            extra.append(Column(name, pg_type, source=field_name))
        return name

    keys = tuple(column_for(f, "bigint", "key") for f in key_fields)
    change_fields = tuple(dict.fromkeys(
        [c.source for c in kept if c.source and c.source.endswith("date_time_updated") and "." not in c.source]
        + list(EXTRA_CHANGE_FIELDS.get(resource, ()))))
    changes = tuple(column_for(f, "timestamp", "change") for f in change_fields)
    covered = {f.removesuffix("_date_time_updated") for f in change_fields}
    deps: dict[tuple[str, str | None], Related] = {}
    scalar = {c.source for c in kept if c.source and "." not in c.source and kinds.get(c.name, "field") == "field"}
    for source in by_source:
        if source in key_fields or source not in scalar or source.endswith(("date_time_updated", "_id")):
            continue
        parts = source.split("_")
        for cut in range(len(parts) - 1, 0, -1):  # the longest prefix that names a related record
            prefix, suffix = "_".join(parts[:cut]), "_".join(parts[cut:])
            if prefix in covered:
                break  # a field of the view's own record or of its header: its change fields cover it
            target = _resource_for(prefix, resources)
            if target is None or target == resource or suffix not in resources[target]:
                continue
            view_field = prefix + "_id" if prefix + "_id" in by_source else None
            if view_field is None and any(prefix.startswith(c + "_") for c in covered):
                break  # the record's own copy (sop_order_line_product_code), not one reached through a key
            deps.setdefault((target, view_field), Related(target, view_field))
            break
    full = replace(spec, columns=(*kept, *extra))
    return Layout(f"{spec.schema}.{spec.name}", resource, full, tuple(c.name for c in kept), live, keys, change_fields,
                  changes, tuple(deps.values()))


def _resource_for(prefix: str, resources: Mapping[str, frozenset[str]]) -> str | None:
    """`sop_order_currency` → /currencies: the longest tail of the prefix that names a known resource."""
    parts = prefix.split("_")
    for start in range(len(parts)):
        tail = "_".join(parts[start:])
        target = RESOURCE_OF_PREFIX.get(tail)
        if target is not None and target in resources:
            return target
    return None


@dataclass
class RefreshReport:
    """What one refresh did (EXPLAIN ANALYZE, metrics, logs)."""

    view: str
    kind: str = "none"  # fill, delta, full, none (fresh enough)
    requests: int = 0
    rows_upserted: int = 0  # rows read from the API into the mirror (some may be found unchanged)
    rows_inserted: int = 0  # rows with a key the mirror did not hold
    rows_updated: int = 0  # rows that replaced one of the same key with other values
    rows_deleted: int = 0
    reconciled: bool = False
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)


class SageMirror:
    """The mirrors of one data source's views (one store file per site, company and edition)."""

    def __init__(self, session: SageSession, cache_dir: Path | None) -> None:
        self.session = session
        self.cache_dir = cache_dir
        self._stores: dict[tuple[str, str, int, str], MirrorStore] = {}
        self._flights: dict[tuple[Any, ...], _Flight] = {}  # the refresh under way, per view
        self._layouts: list[tuple[str, Layout]] = []  # every view's (base path, layout), for `written`
        # per view, the statement (its ScanObserver, weakly) whose refresh verified it last, and that verification
        self._statement_verified: dict[tuple[Any, ...], tuple[weakref.ref[Any], float]] = {}

    def register(self, base_path: str, layout: Layout) -> None:
        """A view of this data source (its provider registers it when made)."""
        self._layouts.append((base_path, layout))

    # -- stores -------------------------------------------------------------------------
    def _key(self, site: Site, base_path: str) -> tuple[str, str, int, str]:
        return (self.session.source.api_base_url, site.site_id, site.company_id, base_path)

    def _path(self, site: Site, base_path: str) -> Path | None:
        if self.cache_dir is None:
            return None
        digest = hashlib.sha256("|".join(map(str, self._key(site, base_path))).encode()).hexdigest()[:16]
        edition = "professional" if "extra" in base_path else "standard"
        return self.cache_dir / f"mirror-{edition}-{site.company_id}-{digest}.duckdb"

    def store(self, site: Site, base_path: str) -> MirrorStore:
        key = self._key(site, base_path)
        found = self._stores.get(key)
        if found is None:
            found = self._stores[key] = MirrorStore(self._path(site, base_path))
        return found

    def existing_store(self, site: Site, base_path: str) -> MirrorStore | None:
        """The store if it is open or its file exists (never creates one)."""
        if self._key(site, base_path) in self._stores:
            return self._stores[self._key(site, base_path)]
        path = self._path(site, base_path)
        return self.store(site, base_path) if path is not None and path.exists() else None

    def known_store(self, ctx: ScanContext | None, base_path: str) -> MirrorStore | None:
        """The store of the connection's company if its site is already known (no request is made)."""
        site = self.session.known_company(ctx, base_path)
        return None if site is None else self.store(site, base_path)

    def close(self) -> None:
        for store in self._stores.values():
            store.close()
        self._stores.clear()

    # -- freshness ------------------------------------------------------------------------
    async def ensure(self, provider: SageViewProvider, ctx: ScanContext, report: RefreshReport | None = None
                     ) -> tuple[MirrorStore, ViewState, RefreshReport]:
        """The view's store and state, refreshed as the connection's CacheMode asks. One refresh at a time per
        view: a query that asks while one is under way waits for it and shares its outcome. `report`: where this
        query's own refresh counts what it does as it goes (`pgserver warm` shows it); a new one by default."""
        mode = str(self.session.prop(ctx, "CacheMode") or "VERIFY").upper()
        tolerance = self.session.int_prop(ctx, "CacheTolerance", 0)
        site = await self.session.company(ctx, provider.base_path)
        store = self.store(site, provider.base_path)
        layout = provider.mirror_layout
        key = (id(store), layout.name)
        state = store.state(layout.name)
        running = self._flights.get(key)
        if state is not None and mode == "TOLERANT" and time.time() - state.verified_at <= tolerance and \
                not (running is not None and running.overtaken):  # (a write through us came after it)
            return store, state, RefreshReport(layout.name,
                                               notes=[f"verified {time.time() - state.verified_at:.0f} s ago"])
        if state is not None and running is None and self._verified_for(key, ctx, state):
            return store, state, RefreshReport(layout.name, notes=["verified by this statement's other scan"])
        while True:
            flight = self._flights.get(key)
            if flight is None:
                break
            await flight.done.wait()  # a refresh is under way: this query shares its outcome
            if flight.overtaken:
                continue  # a write through us came after it started: refresh again
            if flight.error is None and flight.result is not None:
                self._note_statement(key, ctx, flight.result)
                return store, flight.result, RefreshReport(layout.name, notes=["shared a concurrent refresh"])
            if isinstance(flight.error, PgError):
                raise flight.error
            # the refreshing query was cancelled: this one refreshes itself
        flight = self._flights[key] = _Flight()
        report = report or RefreshReport(layout.name)
        started = time.monotonic()
        try:
            state = await _Refresh(provider, ctx, store, layout, store.state(layout.name), report).run()
            flight.result = state
        except BaseException as exc:
            flight.error = exc
            raise
        finally:
            report.seconds = time.monotonic() - started
            del self._flights[key]
            if flight.overtaken:  # written through us meanwhile: what this refresh read may predate the write
                store.mark_stale(layout.name, _concat(flight.gone))
            flight.done.set()
        self._note_statement(key, ctx, state)
        log.info("mirror %s: %s, %d requests, %d rows upserted, %d deleted, %.2f s", layout.name, report.kind,
                 report.requests, report.rows_upserted, report.rows_deleted, report.seconds)
        return store, state, report

    def _note_statement(self, key: tuple[Any, ...], ctx: ScanContext, state: ViewState) -> None:
        """The running statement (its observer) has the view verified as `state` says."""
        if ctx.observer is not UNOBSERVED:
            self._statement_verified[key] = (weakref.ref(ctx.observer), state.verified_at)

    def _verified_for(self, key: tuple[Any, ...], ctx: ScanContext, state: ViewState) -> bool:
        """Whether the running statement already verified the view and nothing has marked it stale since: a second
        scan of the view in one statement (a self-join, a key lookup's target) reads the same mirror, as a
        PostgreSQL statement reads one snapshot, without a second refresh."""
        noted = self._statement_verified.get(key)
        return noted is not None and ctx.observer is not UNOBSERVED and noted[0]() is ctx.observer and \
            noted[1] == state.verified_at

    def written(self, site: Site, resource: str, deleted_ids: Sequence[Any] = ()) -> list[str]:
        """A write through us changed records of `resource` (e.g. "/customers") in the site's company: every
        mirrored view showing them — the resource's own views, and views copying fields from it — is refreshed
        by its next read whatever its CacheMode, and the rows of `deleted_ids` leave the resource's own views at
        once. A view being refreshed right now is marked when that refresh ends, and queries waiting for it do not
        share it. Makes no request and never waits (callers run it in `finally`). Returns the views marked."""
        marked: list[str] = []
        for base_path, layout in self._layouts:
            own = layout.resource == resource
            if not own and all(d.resource != resource for d in layout.dependencies):
                continue
            store = self.existing_store(site, base_path)
            if store is None:
                continue
            gone = _id_keys(layout, deleted_ids) if own and deleted_ids else None
            flight = self._flights.get((id(store), layout.name))
            if flight is not None:
                flight.overtaken = True
                if gone is not None:
                    flight.gone.append(gone)
                marked.append(layout.name)
            elif store.mark_stale(layout.name, gone):
                marked.append(layout.name)
        if marked:
            log.info("mirror: written through us, refreshed by the next read: %s", ", ".join(marked))
        return marked

    async def drop(self, provider: SageViewProvider, ctx: ScanContext) -> bool:
        site = await self.session.company(ctx, provider.base_path)
        store = self.store(site, provider.base_path)
        flight = self._flights.get((id(store), provider.mirror_layout.name))
        if flight is not None:
            await flight.done.wait()
        return store.drop(provider.mirror_layout.name)


class _Flight:
    """A refresh under way: the queries that ask meanwhile wait for it and share its outcome."""

    def __init__(self) -> None:
        self.done = anyio.Event()
        self.result: ViewState | None = None
        self.error: BaseException | None = None
        self.overtaken = False  # a write through us came after it started (SageMirror.written)
        self.gone: list[pa.Table] = []  # keys deleted through us meanwhile, removed when it ends


def _id_keys(layout: Layout, ids: Sequence[Any]) -> pa.Table | None:
    """The layout's key columns for records deleted by `id` (None when its key is not the record's id)."""
    if len(layout.key_columns) != 1 or layout.spec.column(layout.key_columns[0]) is None or \
            layout.spec.column(layout.key_columns[0]).source != "id":  # type: ignore[union-attr]
        return None
    column = layout.key_columns[0]
    return pa.table({column: pa.array(list(ids), type=layout.schema.field(column).type)})


def _concat(tables: list[pa.Table]) -> pa.Table | None:
    return pa.concat_tables(tables) if tables else None


class _Refresh:
    """One refresh of one view (see the module doc)."""

    def __init__(self, provider: SageViewProvider, ctx: ScanContext, store: MirrorStore, layout: Layout,
                 state: ViewState | None, report: RefreshReport) -> None:
        self.provider = provider
        self.ctx = ctx
        self.store = store
        self.layout = layout
        self.state = state
        self.report = report
        self.session = provider.session
        self.refill = False  # a related change that only a full read can apply
        self._write_lock = anyio.Lock()  # the refresh's reads run at once; its store calls one at a time

    async def run(self) -> ViewState:
        from providers.sage200.provider import sage_query  # noqa: F401 - (import cycle at module level)

        layout, state = self.layout, self.state
        reconcile_every = self.session.int_prop(self.ctx, "CacheReconcileInterval", 0)
        now = time.time()
        with self.store.write(layout.name, layout.schema, layout.key_columns) as write:
            if write.is_new or not layout.change_fields:
                self.report.kind = "fill" if write.is_new else "full"
                started = time.monotonic()
                await self._store(write.clear)
                await self._read_into(write, None, fill=True)
                newest = await self._store(write.max_of, layout.change_columns)
                watermark = _moved_back(newest, time.monotonic() - started)
                deps = {d.resource: await self._newest(d) for d in layout.dependencies}
                return write.finish(watermark=watermark, verified_at=now, reconciled_at=now, dependencies=deps)
            assert state is not None
            self.report.kind = "delta"
            started = time.monotonic()
            watermark = state.watermark
            deps = dict(state.dependencies)
            changed: dict[str, list[Any]] = {}
            counted: list[int] = []

            async def ask(dep: Related) -> None:
                changed[dep.resource], deps[dep.resource] = await self._related_changes(dep, deps.get(dep.resource))

            async def count() -> None:
                counted.append(await self._count())

            # The delta, $count and the question to each related resource go out at once (one round trip of
            # latency, not 2 + one per resource: decision 0973); the rows they name are read after the delta.
            try:
                async with anyio.create_task_group() as group:
                    if watermark is not None:
                        since = format_timestamp(watermark - OVERLAP)
                        text = " or ".join(f"{f} gt {since}" for f in layout.change_fields)
                        group.start_soon(self._read_into, write,
                                         f"({text})" if len(layout.change_fields) > 1 else text)
                    for dep in layout.dependencies:
                        group.start_soon(ask, dep)
                    group.start_soon(count)
            except BaseExceptionGroup as failed:  # the first failure is the refresh's (a PgError if any)
                raise _first_error(failed) from None
            for dep in layout.dependencies:
                await self._read_related(write, dep, changed[dep.resource])
            if self.refill:
                self.report.kind = "full"
                await self._store(write.clear)
                await self._read_into(write, None, fill=True)
                counted = [await self._count()]
            count_now = counted[0]
            reconciled = state.reconciled_at
            if count_now != write.rows() or (reconcile_every and now - reconciled >= reconcile_every):
                await self._reconcile(write)
                reconciled = now
                if count_now != write.rows():  # rows kept moving while we read: the next query reads again
                    self.report.notes.append(f"$count {count_now} after reconcile {write.rows()}")
            if write.changed:  # (nothing changed: the newest stamp is where it was, and so is the watermark)
                newest = await self._store(write.max_of, layout.change_columns)
                moved = _moved_back(newest, time.monotonic() - started) if newest is not None else None
                watermark = max(w for w in (watermark, moved) if w is not None) if (watermark or moved) else None
            return write.finish(watermark=watermark, verified_at=now, reconciled_at=reconciled, dependencies=deps)

    async def _store(self, function: Any, *args: Any) -> Any:
        """A call of the refresh's MirrorWrite, in a worker thread (DuckDB blocks), one at a time."""
        async with self._write_lock:
            return await anyio.to_thread.run_sync(function, *args)

    # -- API reads --------------------------------------------------------------------------
    async def _read_into(self, write: Any, filter_text: str | None, fill: bool = False) -> None:
        """Every row matching `filter_text` (None: all), upserted — or, for a `fill` of the emptied table,
        appended (the paged scan's keys are unique: nothing to replace)."""
        from providers.sage200.provider import sage_query

        page_size = self.session.int_prop(self.ctx, "PageSize", 1)
        query = sage_query(self.layout.spec, self.provider.path, self.layout.columns, filter_text, (), page_size)
        pages = 0
        first_full = False
        async for batch, _keys in self.provider.pages(query, self.layout.columns, self.ctx, self.layout.spec):
            first_full = first_full or (pages == 0 and batch.num_rows == page_size)
            pages += 1
            self.report.rows_upserted += batch.num_rows
            if fill:
                await self._store(write.append, batch)
                self.report.rows_inserted += batch.num_rows
            else:
                inserted, updated = await self._store(write.upsert, batch)
                self.report.rows_inserted += inserted
                self.report.rows_updated += updated
        # the pages, the $count a full first page asks for, and the recount after more pages (provider.pages)
        self.report.requests += pages + int(first_full) + int(pages > 1)

    async def _count(self) -> int:
        from providers.sage200.provider import _count

        self.report.requests += 1
        return int(await self._get(self.provider.path, [("$count", "true")], _count))

    async def _get(self, path: str, params: list[tuple[str, str]], validate: Any = None) -> Any:
        site = await self.session.company(self.ctx, self.provider.base_path)
        headers: AuthHeaders = self.session.header_source(self.ctx, site)
        return await self.session.http(self.ctx, self.layout.name).get_json(path, params, auth_headers=headers,
                                                          timeout=self.session.timeout(self.ctx), validate=validate)

    async def _newest(self, dep: Related) -> dict[str, Any]:
        """Where following a related resource's changes starts: its newest stamp now."""
        self.report.requests += 1
        body = await self._get(self.provider.base_path + dep.resource, [
            ("$select", f"{dep.id_field},{dep.stamp_field}"), ("$orderby", f"{dep.stamp_field} desc"), ("$top", "1")])
        rows = _list(body, dep.resource)
        stamp = rows[0].get(dep.stamp_field) if rows else None
        since = parse_timestamp(stamp) if isinstance(stamp, str) else dt.datetime(1900, 1, 1)
        return {"since": since.isoformat(), "seen": {str(rows[0][dep.id_field]): since.isoformat()} if stamp else {}}

    async def _related_changes(self, dep: Related, notes: dict[str, Any] | None
                               ) -> tuple[list[Any], dict[str, Any]]:
        """The ids of the related records changed since the notes' `since` (records already seen with the same
        stamp inside the overlap are not changes), and the new notes."""
        if not notes:
            return [], await self._newest(dep)
        since = dt.datetime.fromisoformat(notes["since"])
        seen: dict[str, str] = dict(notes.get("seen", {}))
        changed: set[Any] = set()
        newest = since
        stamps: dict[str, str] = {}
        skip = 0
        while True:
            self.report.requests += 1
            body = await self._get(self.provider.base_path + dep.resource, [
                ("$filter", f"{dep.stamp_field} gt {format_timestamp(since - OVERLAP)}"),
                ("$select", f"{dep.id_field},{dep.stamp_field}"), ("$orderby", f"{dep.id_field} asc"),
                ("$top", str(KEY_PAGE)), ("$skip", str(skip))])
            rows = _list(body, dep.resource)
            for row in rows:
                key, text = str(row[dep.id_field]), row.get(dep.stamp_field)
                stamp = parse_timestamp(text) if isinstance(text, str) else since
                stamps[key] = stamp.isoformat()
                newest = max(newest, stamp)
                if seen.get(key) != stamp.isoformat():
                    changed.add(row[dep.id_field])
            if len(rows) < KEY_PAGE:
                break
            skip += KEY_PAGE
        window = newest - OVERLAP  # what the next question still sees: remember only that
        kept = {k: v for k, v in stamps.items() if dt.datetime.fromisoformat(v) > window - OVERLAP}
        return sorted(changed, key=str), {"since": newest.isoformat(), "seen": kept}

    async def _read_related(self, write: Any, dep: Related, values: list[Any]) -> None:
        """Read again the rows whose `dep.view_field` names a changed related record."""
        if dep.view_field is None:
            self.refill = self.refill or bool(values)  # which rows copied from them is not known: read them all
            return
        for start in range(0, len(values), IN_CHUNK):
            chunk = values[start:start + IN_CHUNK]
            await self._read_into(write, "(" + " or ".join(f"{dep.view_field} eq {_literal(v)}" for v in chunk) + ")")

    async def _reconcile(self, write: Any) -> None:
        """Read the keys alone; delete vanished ones, read the records of keys the mirror lacks."""
        from providers.sage200.provider import sage_query

        self.report.reconciled = True
        layout = self.layout
        query = sage_query(layout.spec, self.provider.path, list(layout.key_columns), None, (), KEY_PAGE)
        batches = []
        async for batch, _keys in self.provider.pages(query, list(layout.key_columns), self.ctx, layout.spec):
            batches.append(batch)
        self.report.requests += len(batches) + int(bool(batches) and batches[0].num_rows == KEY_PAGE) \
            + int(len(batches) > 1)
        present = pa.Table.from_batches(batches, schema=arrow_schema(layout.spec, list(layout.key_columns)))
        gone = await self._store(write.keys_not_in, present)
        self.report.rows_deleted += await self._store(write.delete_keys, gone)
        missing = await self._store(write.missing_from_mirror, present)
        if missing.num_rows:
            key_fields = [layout.spec.column(c).source for c in layout.key_columns]  # type: ignore[union-attr]
            rows = missing.to_pylist()
            for start in range(0, len(rows), IN_CHUNK):
                terms = [" and ".join(f"{f} eq {_literal(r[c])}" for f, c in zip(key_fields, layout.key_columns,
                                                                                 strict=True))
                         for r in rows[start:start + IN_CHUNK]]
                await self._read_into(write, "(" + " or ".join(f"({t})" for t in terms) + ")")


def _first_error(group: BaseExceptionGroup) -> BaseException:
    """The failure to report of several concurrent reads: a PgError if one is (the others were cancelled by it)."""
    leaves: list[BaseException] = []
    pending: list[BaseException] = [group]
    while pending:
        error = pending.pop(0)
        if isinstance(error, BaseExceptionGroup):
            pending.extend(error.exceptions)
        else:
            leaves.append(error)
    return next((e for e in leaves if isinstance(e, PgError)), None) or next(
        (e for e in leaves if not isinstance(e, anyio.get_cancelled_exc_class())), leaves[0])


def _list(body: Any, resource: str) -> list[dict[str, Any]]:
    rows = body.get("value", body) if isinstance(body, dict) else body
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise PgError(FDW_ERROR, f"Sage 200 answered a question about {resource} with something not a list")
    return rows


def _literal(value: Any) -> str:
    return quote_string(value) if isinstance(value, str) else str(value)


def _moved_back(stamp: Any, seconds: float) -> Any:
    """A watermark no later than the API's clock when the read began: any record saved since has a later stamp."""
    if stamp is None:
        return None
    return stamp - dt.timedelta(seconds=seconds)


READ_ROWS = 2048  # rows the store reads per worker-thread call (a small result, e.g. a key lookup, takes one)


async def read_rows(store: MirrorStore, view: str, sql: str, params: Sequence[Any],
                    schema: pa.Schema) -> AsyncIterator[pa.RecordBatch]:
    """The store's answer to one scan, as batches with exactly `schema` (a count(*) asks for no column). DuckDB
    runs in a worker thread — the event loop serves the other connections meanwhile — and each call reads on to
    READ_ROWS rows or the end, so a small answer costs one call."""
    batches = store.read(view, sql, params, READ_ROWS)

    def take() -> tuple[list[pa.RecordBatch], bool]:
        taken, rows = [], 0
        for batch in batches:
            taken.append(batch)
            rows += batch.num_rows
            if rows >= READ_ROWS:
                return taken, False
        return taken, True

    done = False
    try:
        while not done:
            taken, done = await anyio.to_thread.run_sync(take)
            for batch in taken:
                if not schema.names:
                    yield pa.RecordBatch.from_struct_array(pa.array([{}] * batch.num_rows, type=pa.struct([])))
                else:
                    yield batch.cast(schema) if not batch.schema.equals(schema) else batch
    finally:
        if not done:  # (an exhausted read has closed its cursor already)
            await anyio.to_thread.run_sync(batches.close)
