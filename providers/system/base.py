"""What every sys_* table shares: declaration from the spec's column lists, plan, scan.

System tables are small and computed from in-memory metadata, so a provider pushes
nothing: `plan()` leaves every qual residual for DuckDB, and `scan()` yields the whole
table as one Arrow batch. Rows are computed per scan because some depend on the
connection (BrowsableSchemas, the connection's property values).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Sequence
from typing import Any

import pyarrow as pa

from pgserver.provider import Column, ScanContext, ScanPlan, ScanRequest, TableSpec, arrow_schema

SYSTEM_SCHEMA = "sys"
DEFAULT_CATALOG = "sage200"

# The spec's column types for system tables -> PostgreSQL.
SPEC_TYPES: dict[str, str] = {
    "String": "text",
    "Int32": "integer",
    "Int16": "smallint",
    "Boolean": "boolean",
}


def table_spec(name: str, description: str, columns: Sequence[tuple[str, str, str]],
               offered: Sequence[str] = ()) -> TableSpec:
    """A sys_* TableSpec from (name, spec type, description) triples as the spec lists them.

    `offered` names the columns whose quals the provider wants to see in plan() (a pseudo
    column); other columns are marked not filterable, so their quals go straight to DuckDB.
    """
    return TableSpec(
        schema=SYSTEM_SCHEMA,
        name=name,
        columns=tuple(Column(n, SPEC_TYPES[t], d, filterable=n in offered) for n, t, d in columns),
        description=description,
        kind="view",
    )


def catalog_name(ctx: ScanContext, configured: str) -> str:
    """The database the client connected to, when the context knows it, else the configured name."""
    name = getattr(ctx, "database", None)
    return name if isinstance(name, str) and name else configured


def browsable(ctx: ScanContext, schema: str) -> bool:
    """Whether metadata about `schema` is reported on this connection (BrowsableSchemas).

    Same rule as the SQL layer's name resolution: every schema when BrowsableSchemas is empty,
    else the listed ones plus the connection's default `Schema`.
    """
    listed = str(ctx.property("BrowsableSchemas") or "").strip()
    if not listed:
        return True
    names = {s.strip().lower() for s in listed.split(",") if s.strip()}
    default = str(ctx.property("Schema") or "").lower()
    return schema.lower() in names or schema.lower() == default


class SystemTable:
    """Base of the sys_* providers: subclasses set `spec` and implement rows()."""

    spec: TableSpec

    def rows(self, ctx: ScanContext) -> Iterable[Sequence[Any]]:
        """Full rows in the spec's column order."""
        raise NotImplementedError

    def plan(self, request: ScanRequest, ctx: ScanContext) -> ScanPlan:
        return ScanPlan(
            request=request,
            pushed_quals=[],
            residual_quals=list(request.quals),
            description=[f"{self.spec.name}: computed locally from the server's metadata"],
        )

    async def scan(self, plan: ScanPlan, ctx: ScanContext) -> AsyncIterator[pa.RecordBatch]:
        yield self.batch(plan.request.columns, self.rows(ctx))

    def batch(self, columns: list[str], rows: Iterable[Sequence[Any]]) -> pa.RecordBatch:
        """The rows as one batch holding the requested columns (declared names, any case)."""
        index = {c.name.lower(): i for i, c in enumerate(self.spec.columns)}
        wanted = [index[c.lower()] for c in columns]
        rows = list(rows)
        schema = arrow_schema(self.spec, columns)
        arrays = [pa.array([row[i] for row in rows], type=schema.field(k).type) for k, i in enumerate(wanted)]
        return pa.RecordBatch.from_arrays(arrays, schema=schema)
