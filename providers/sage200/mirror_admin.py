"""What an operator sees of the mirror through SQL: `sys.sys_mirror` (one row per mirrored view) and the
procedures `RefreshMirror(View)` (refresh now, report what it did) and `DropMirror(View)` (superusers: forget a
view's mirror; the next query fills it again)."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any

import pyarrow as pa

from pgserver.errors import UNDEFINED_TABLE, PgError
from pgserver.provider import (
    Column,
    ProcedureParameter,
    ProcedureSpec,
    ScanContext,
    ScanPlan,
    ScanRequest,
    TableSpec,
    arrow_schema,
)
from providers.sage200.data_source import SageSession
from providers.sage200.model import EDITIONS
from providers.sage200.provider import SageViewProvider

_P = ProcedureParameter
_COLUMNS = (
    ("SchemaName", "text", "The edition (schema) of the view."),
    ("TableName", "text", "The view."),
    ("CompanyId", "integer", "The Sage 200 company the rows belong to."),
    ("Rows", "bigint", "Rows the mirror holds."),
    ("Watermark", "timestamp", "The change stamp the next refresh asks the API for changes after."),
    ("LastVerified", "timestamp with time zone", "When the view was last brought up to date."),
    ("LastReconciled", "timestamp with time zone", "When its keys were last compared with the API's."),
    ("SizeOnDisk", "bigint", "Bytes of the data source's mirror file (all of its views)."),
)


def _when(seconds: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, dt.UTC)


class SysMirror:
    """sys.sys_mirror: the mirrored views of the connection's company, both editions."""

    def __init__(self, session: SageSession, base_paths: Sequence[str]) -> None:
        self.session = session
        self.base_paths = list(base_paths)
        self.spec = TableSpec("sys", "sys_mirror", tuple(Column(n, t, d, filterable=False) for n, t, d in _COLUMNS),
                              "The views kept in the local mirror and the state of each (docs/decisions/0970).")

    def plan(self, request: ScanRequest, ctx: ScanContext) -> ScanPlan:
        return ScanPlan(request=request, pushed_quals=[], residual_quals=list(request.quals),
                        description=["sys_mirror: the mirror's own bookkeeping (GET /sites once, nothing else)"])

    async def scan(self, plan: ScanPlan, ctx: ScanContext) -> AsyncIterator[pa.RecordBatch]:
        rows: list[tuple[Any, ...]] = []
        for base in self.base_paths:
            site = await self.session.company(ctx, base)
            store = self.session.mirror.store(site, base)
            size = store.size_on_disk()
            for state in store.views():
                schema, _, name = state.view.partition(".")
                rows.append((schema, name, site.company_id, state.rows, state.watermark, _when(state.verified_at),
                             _when(state.reconciled_at), size))
        wanted = arrow_schema(self.spec, list(plan.request.columns))
        names = [c.name for c in self.spec.columns]
        picked = [{n: row[names.index(n)] for n in wanted.names} for row in rows]
        yield pa.RecordBatch.from_pylist(picked, schema=wanted) if wanted.names else \
            pa.RecordBatch.from_struct_array(pa.array([{}] * len(rows), type=pa.struct([])))


def _view_argument(arguments: Mapping[str, Any]) -> str:
    for key, value in arguments.items():
        if key.lower() == "view" and value:
            return str(value)
    raise PgError(UNDEFINED_TABLE, "name the view, e.g. CALL RefreshMirror('SalesOrderLines')")


def _provider(providers: Sequence[SageViewProvider], name: str, ctx: ScanContext) -> SageViewProvider:
    schema, _, view = name.rpartition(".")
    schema = schema or str(ctx.property("Schema") or "StandardUK")
    for provider in providers:
        if provider.spec.schema.lower() == schema.lower() and provider.spec.name.lower() == view.lower():
            return provider
    raise PgError(UNDEFINED_TABLE, f'relation "{name}" does not exist')


class RefreshMirror:
    def __init__(self, schema: str, providers: Sequence[SageViewProvider]) -> None:
        self.providers = providers
        self.spec = ProcedureSpec(schema, "RefreshMirror", "Brings one view's mirror up to date now (as a VERIFY "
                                  "query would) and reports what the refresh did.", (
                                      _P("View", "text", "The view, e.g. SalesOrderLines or ProfessionalUK.Customers.",
                                         required=True),
                                      _P("Kind", "text", "fill, delta, full or none.", direction="OUT"),
                                      _P("Requests", "integer", "API requests made.", direction="OUT"),
                                      _P("RowsRead", "bigint", "Rows read from the API and written.", direction="OUT"),
                                      _P("RowsDeleted", "bigint", "Rows found deleted at the source.", direction="OUT"),
                                      _P("Rows", "bigint", "Rows the mirror holds now.", direction="OUT"),
                                      _P("Seconds", "double precision", "How long it took.", direction="OUT")))

    async def call(self, arguments: Mapping[str, Any], ctx: ScanContext) -> list[tuple[Any, ...]]:
        provider = _provider(self.providers, _view_argument(arguments), ctx)
        _store, state, report = await provider.session.mirror.ensure(provider, ctx)
        return [(report.kind, report.requests, report.rows_upserted, report.rows_deleted, state.rows,
                 round(report.seconds, 3))]


class DropMirror:
    def __init__(self, schema: str, providers: Sequence[SageViewProvider]) -> None:
        self.providers = providers
        self.spec = ProcedureSpec(schema, "DropMirror", "Forgets one view's mirror for every connection (superusers "
                                  "only); the next query fills it again.", (
                                      _P("View", "text", "The view.", required=True),
                                      _P("Dropped", "boolean", "Whether there was a mirror.", direction="OUT")),
                                  privileged=True)

    async def call(self, arguments: Mapping[str, Any], ctx: ScanContext) -> list[tuple[Any, ...]]:
        provider = _provider(self.providers, _view_argument(arguments), ctx)
        return [(await provider.session.mirror.drop(provider, ctx),)]


def mirror_admin(session: SageSession, providers: Sequence[SageViewProvider]) -> tuple[SysMirror, list[Any]]:
    base_paths = sorted({p.base_path for p in providers})
    procedures: list[Any] = []
    for schema in EDITIONS:
        procedures += [RefreshMirror(schema, providers), DropMirror(schema, providers)]
    return SysMirror(session, base_paths), procedures
