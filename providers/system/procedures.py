"""sys_procedures and sys_procedureparameters, from the registered procedures' specs.

The rows describe the procedures the database really registers (e.g. the Sage OAuth helpers
GetOAuthAuthorizationURL, GetOAuthAccessToken, RefreshOAuthAccessToken), never a fixed list.
sys_procedureparameters has CData's pseudo column IncludeResultColumns: by default only
input parameters are listed; `WHERE IncludeResultColumns = 'True'` adds the result-set
columns (Direction 4). Every row carries the flag's value, so the WHERE clause, evaluated
locally like any other, keeps them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Sequence
from typing import Any

import pyarrow as pa

from pgserver.provider import (
    Comparison,
    Op,
    Procedure,
    ProcedureSpec,
    ScanContext,
    ScanPlan,
    ScanRequest,
)
from providers.system.base import SystemTable, catalog_name, table_spec
from providers.system.typeinfo import type_facts

DIRECTIONS = {"IN": 1, "INOUT": 2, "OUT": 4}
INCLUDE_RESULT_COLUMNS = "IncludeResultColumns"


def procedure_specs(procedures: Iterable[Procedure | ProcedureSpec]) -> tuple[ProcedureSpec, ...]:
    return tuple(p if isinstance(p, ProcedureSpec) else p.spec for p in procedures)


class _ProcedureTable(SystemTable):
    def __init__(self, procedures: Iterable[Procedure | ProcedureSpec], catalog: str) -> None:
        self.procedures = procedure_specs(procedures)
        self.catalog = catalog


class SysProcedures(_ProcedureTable):
    spec = table_spec("sys_procedures", "Lists the available stored procedures.", [
        ("CatalogName", "String", "The database containing the stored procedure."),
        ("SchemaName", "String", "The schema containing the stored procedure."),
        ("ProcedureName", "String", "The name of the stored procedure."),
        ("Description", "String", "A description of the stored procedure."),
        ("ProcedureType", "String", "The type of the procedure, such as PROCEDURE or FUNCTION."),
    ])

    def rows(self, ctx: ScanContext) -> Iterable[Sequence[Any]]:
        catalog = catalog_name(ctx, self.catalog)
        return [(catalog, p.schema, p.name, p.description, "PROCEDURE") for p in self.procedures]


def _truthy(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return isinstance(value, str) and value.strip().lower() in {"true", "t", "1", "yes", "on"}


class SysProcedureParameters(_ProcedureTable):
    spec = table_spec("sys_procedureparameters", "Describes stored procedure parameters.", [
        ("CatalogName", "String", "The name of the database containing the stored procedure."),
        ("SchemaName", "String", "The name of the schema containing the stored procedure."),
        ("ProcedureName", "String", "The name of the stored procedure containing the parameter."),
        ("ColumnName", "String", "The name of the stored procedure parameter."),
        ("Direction", "Int32", "An integer corresponding to the type of the parameter: input (1), "
         "input/output (2), or output(4)."),
        ("DataType", "Int32", "An integer indicating the data type (the PostgreSQL type OID)."),
        ("DataTypeName", "String", "The name of the data type."),
        ("NumericPrecision", "Int32", "The maximum precision for numeric data. The column length in characters "
         "for character and date-time data."),
        ("Length", "Int32", "The number of characters allowed for character data. The number of digits allowed "
         "for numeric data."),
        ("NumericScale", "Int32", "The number of digits to the right of the decimal point in numeric data."),
        ("IsNullable", "Boolean", "Whether the parameter can contain null."),
        ("IsRequired", "Boolean", "Whether the parameter is required for execution of the procedure."),
        ("IsArray", "Boolean", "Whether the parameter is an array."),
        ("Description", "String", "The description of the parameter."),
        ("Ordinal", "Int32", "The index of the parameter."),
        ("Values", "String", "The values you can set in this parameter are limited to those shown in this "
         "column. Possible values are comma-separated."),
        ("SupportsStreams", "Boolean", "Whether the parameter represents a file that you can pass as either a "
         "file path or a stream."),
        ("IsPath", "Boolean", "Whether the parameter is a target path for a schema creation operation."),
        ("Default", "String", "The value used for this parameter when no value is specified."),
        ("SpecificName", "String", "A label that uniquely identifies each identically-named stored procedure."),
        ("IsCDataProvided", "Boolean", "Whether the procedure is implemented by this server, as opposed to "
         "being a native Sage 200 procedure."),
        (INCLUDE_RESULT_COLUMNS, "Boolean", "Pseudo column: whether the output should include columns from the "
         "result set in addition to parameters. Defaults to False."),
    ], offered=[INCLUDE_RESULT_COLUMNS])

    def plan(self, request: ScanRequest, ctx: ScanContext) -> ScanPlan:
        plan = super().plan(request, ctx)
        plan.state = any(
            isinstance(q, Comparison) and q.column.lower() == INCLUDE_RESULT_COLUMNS.lower()
            and q.op == Op.EQ and _truthy(q.value)
            for q in request.quals
        )
        if plan.state:
            plan.description.append("IncludeResultColumns = True: result-set columns listed too")
        return plan

    async def scan(self, plan: ScanPlan, ctx: ScanContext) -> AsyncIterator[pa.RecordBatch]:
        yield self.batch(plan.request.columns, self.parameter_rows(ctx, bool(plan.state)))

    def rows(self, ctx: ScanContext) -> Iterable[Sequence[Any]]:
        return self.parameter_rows(ctx, include=False)

    def parameter_rows(self, ctx: ScanContext, include: bool) -> list[tuple[Any, ...]]:
        """Input parameters, plus the result-set columns when `include` (IncludeResultColumns)."""
        catalog = catalog_name(ctx, self.catalog)
        out = []
        for p in self.procedures:
            for ordinal, param in enumerate(p.parameters, start=1):
                direction = DIRECTIONS.get(param.direction.upper(), 1)
                if direction == 4 and not include:
                    continue
                facts = type_facts(param.type)
                out.append((
                    catalog, p.schema, p.name, param.name, direction, facts.oid, facts.name,
                    facts.precision, facts.length, facts.scale, not param.required, param.required, False,
                    param.description, ordinal, None, False, False, None, p.name, True, include,
                ))
        return out
