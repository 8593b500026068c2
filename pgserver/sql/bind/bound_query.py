"""The planner's data: table references (scan slots), procedure references and the query plan."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlglot import exp
from sqlglot.optimizer.scope import Scope

from pgserver.catalog.result_types import ResultType
from pgserver.catalog.rewrite import Rewritten
from pgserver.provider import Column, Procedure, Qual, ScanContext, ScanPlan, ScanRequest
from pgserver.sql.bind.tableset import NameScope, Relation, TableSet
from pgserver.types import FormatContext


@dataclass(eq=False)
class ScanSlot:
    """One table reference of the query and what its provider was offered and promised."""

    name: str  # the DuckDB relation name
    relation: Relation
    alias: str
    request: ScanRequest
    plan: ScanPlan | None = None
    conjuncts: list[tuple[exp.Expression, list[Qual]]] = field(default_factory=list)
    nullable: bool = False
    residual_sql: list[str] = field(default_factory=list)  # conjuncts on this table kept for DuckDB


@dataclass(frozen=True)
class JoinKey:
    """`driver.column = target.column` in a join where filtering the target by the driver's
    values cannot change the result (inner joins; the joined side of a left join)."""

    driver: ScanSlot
    driver_column: str  # declared names
    target: ScanSlot
    target_column: str


@dataclass
class ProcedureSlot:
    """A `FROM procedure(args)` reference: called before DuckDB runs, its rows registered."""

    name: str
    procedure: Procedure
    arguments: dict[str, Any]


@dataclass
class QueryPlan:
    tree: exp.Expression  # the query as DuckDB will run it (PostgreSQL dialect tree)
    scans: list[ScanSlot]
    procedures: list[ProcedureSlot]
    output_columns: list[tuple[ScanSlot, Column] | None] | None  # per result column, when known
    qualified: bool
    max_rows_applied: int | None = None
    join_keys: list[JoinKey] = field(default_factory=list)  # candidate key lookups
    key_lookups: list[JoinKey] = field(default_factory=list)  # chosen after the first provider plans
    numeric_text_columns: frozenset[int] = frozenset()  # root columns carried as exact numeric text (pg_numeric)
    described: dict[Any, Any] = field(default_factory=dict)  # (DuckDB names, types) → result columns
    constant: bool = False  # the result can never change (BoundQuery.constant)
    catalog_types: list[ResultType | None] | None = None  # BoundQuery.catalog_types
    cast_types: list[tuple[int, int] | None] = field(default_factory=list)  # BoundQuery.cast_types
    passthrough: tuple[tuple[str, str], ...] | None = None  # BoundQuery.passthrough, when no MaxRows applies


@dataclass
class BoundQuery:
    """A query as Parse leaves it (planner.bind_query): resolved and qualified once, parameters still
    placeholders. Every execution copies `tree` and plans the copy (planner.plan_query)."""

    tree: exp.Expression
    scans: tuple[ScanSlot, ...]  # templates: relation, alias and the columns each reference needs
    procedures: tuple[ProcedureSlot, ...]
    qualified: bool
    output_columns: list[tuple[ScanSlot, Column] | None] | None
    numeric_text_columns: frozenset[int]
    has_parameters: bool
    described: dict[Any, Any] = field(default_factory=dict)  # (DuckDB names, types) → result columns
    # What RowDescription says of the result columns beside `output_columns`, found once here; each list counts
    # only when it has one entry per column DuckDB reports. The catalog's types of its columns (and of what it
    # computes) as the rewrite found them; the (OID, typmod) of root projections that are explicit casts to a
    # type DuckDB stores without its modifier, pg_typeof() or jsonb (type_resolution.declared_result_types).
    catalog_types: list[ResultType | None] | None = None
    cast_types: list[tuple[int, int] | None] = field(default_factory=list)
    # Constants only — no relation, function, parameter or setting can change the rows (SELECT 1, a
    # connection pool's validation query): a session may keep the result instead of running it again.
    constant: bool = False
    # The rows are one scan's columns as they are (binder._passthrough_pass): (result name, declared column) each.
    passthrough: tuple[tuple[str, str], ...] | None = None
    reads_clock: bool = False  # now(), current_date, localtimestamp … (binder.TRANSACTION_CLOCK): the transaction's start

    @property
    def specs(self) -> list[Any]:
        return [slot.relation.spec for slot in self.scans]


@dataclass
class PlanEnvironment:
    tables: TableSet
    scope: NameScope
    ctx: ScanContext
    max_rows: int | None = None
    rewrite: Callable[[exp.Expression], Rewritten] | None = None  # the catalog's (CatalogSeam.rewrite)
    name_prefix: str = "__scan"
    database: str = ""  # the connected database: accepted as the catalog part of a name (sage200.Schema.View)
    values: FormatContext = field(default_factory=FormatContext)  # DateStyle/TimeZone: how constants read (quals)
    transaction_start: dt.datetime | None = None  # TransactionState.started: now() inside a transaction


def scan_sources(scope: Scope, slots: dict[str, ScanSlot]) -> dict[str, ScanSlot]:
    """alias → slot for the scan references directly in this scope's FROM/JOINs."""
    found = {}
    for alias, source in scope.sources.items():
        if isinstance(source, exp.Table) and source.name in slots:
            found[alias.lower()] = slots[source.name]
    return found
