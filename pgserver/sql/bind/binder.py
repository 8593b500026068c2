"""Binding a query once, at Parse: everything about it that parameter values cannot change.

`bind_query` runs its passes in a fixed order (BIND_PASSES, as sqlglot's optimizer RULES): the catalog rewrite, PostgreSQL's output
names, one scan slot per table reference, sqlglot's qualify, the columns each slot needs, where each result column
comes from, which expressions carry exact numeric text, and the result types casts declare. The result is a BoundQuery (bound_query.py) that
Describe reads and every Execute starts from (pushdown/planner.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlglot import exp
from sqlglot.errors import SqlglotError
from sqlglot.optimizer.qualify import qualify
from sqlglot.optimizer.scope import Scope, traverse_scope

from pgserver.catalog.result_types import ResultType
from pgserver.errors import PgError
from pgserver.output_names import output_name, root_selects
from pgserver.provider import Column, ScanRequest
from pgserver.sql.bind.bound_query import (
    BoundQuery,
    PlanEnvironment,
    ProcedureSlot,
    QueryPlan,
    ScanSlot,
    scan_sources,
)
from pgserver.sql.bind.params import parameter_count
from pgserver.sql.bind.pg_numeric import mark_numeric_expressions
from pgserver.sql.bind.procedure_calls import procedure_slot
from pgserver.sql.bind.provenance import output_columns
from pgserver.sql.bind.tableset import resolve_relation
from pgserver.sql.bind.type_resolution import declared_result_types
from pgserver.sql.text.known_functions import check_table_function

__all__ = ["TRANSACTION_CLOCK", "bind_query", "is_transaction_time"]

CATALOG_SCHEMAS = {"pg_catalog", "information_schema"}
_PLAIN = "pg_plain_column"  # node meta: a bare column projection, named after its attribute


@dataclass
class _Binding:
    """What the passes build up, in the order BIND_PASSES fills it."""

    tree: exp.Expression
    env: PlanEnvironment
    names: list[str | None] = field(default_factory=list)
    scans: list[ScanSlot] = field(default_factory=list)
    procedures: list[ProcedureSlot] = field(default_factory=list)
    qualified: bool = False
    output: list[tuple[ScanSlot, Column] | None] | None = None  # per result column, when known
    numeric: frozenset[int] = frozenset()  # root columns carried as exact numeric text
    constant: bool = False
    catalog_types: list[ResultType | None] | None = None
    cast_types: list[tuple[int, int] | None] = field(default_factory=list)
    passthrough: tuple[tuple[str, str], ...] | None = None
    reads_clock: bool = False
    # The quoted alias names as written (before identifiers are lower-cased for matching), by position
    alias_spellings: list[list[str | None]] = field(default_factory=list)


def _values_pass(b: _Binding) -> None:
    """A top-level VALUES list is a SELECT of its rows (columns column1, column2 …)."""
    if isinstance(b.tree, exp.Values):
        b.tree = _values_as_select(b.tree)


def _catalog_pass(b: _Binding) -> None:
    """pg_catalog / information_schema references and PostgreSQL's catalog functions (pgserver.catalog)."""
    if b.env.rewrite is not None:
        rewritten = b.env.rewrite(b.tree)
        b.tree, b.catalog_types = rewritten.tree, rewritten.result_types


def _names_pass(b: _Binding) -> None:
    """PostgreSQL's names of the result columns (FigureColname), taken before anything renames a projection."""
    b.names = _root_output_names(b.tree)
    _mark_plain_columns(b.tree)


def _relations_pass(b: _Binding) -> None:
    """One scan slot per table reference, one procedure slot per `FROM proc(args)`; then the names are applied
    (before qualify, so ORDER BY 2 / GROUP BY 1 refer to the final names)."""
    b.scans, b.procedures = _resolve_tables(b.tree, b.env)
    b.alias_spellings = _alias_spellings(b.tree)
    _lowercase_identifiers(b.tree)
    _apply_root_names(b.tree, b.names)


def _qualify_pass(b: _Binding) -> None:
    """sqlglot's qualify over the slots' columns. When it cannot follow every name DuckDB still binds the query
    (and reports real errors); only column pruning and qual pushdown are lost."""
    if not (b.scans or b.procedures):  # nothing to prune or push (catalog queries, SELECT 1)
        return
    try:
        b.tree = qualify(b.tree, schema=_schema(b.scans, b.procedures), dialect="postgres", expand_stars=False,
                         validate_qualify_columns=True, quote_identifiers=True, identify=False)
        b.qualified = True
    except (SqlglotError, KeyError, ValueError, AttributeError, TypeError):
        pass


def _spellings_pass(b: _Binding) -> None:
    """Quoted aliases of inner queries keep the case they were written in: `SELECT * FROM (SELECT 1 AS "TABLE_CAT")
    ti` answers a column TABLE_CAT, as in PostgreSQL (DuckDB matches names regardless of case, so the references
    lower-cased for matching still find them)."""
    _restore_alias_spellings(b.tree, b.alias_spellings)


def _columns_pass(b: _Binding) -> None:
    """The columns each slot needs (all of them when the query could not be qualified)."""
    slots = {slot.name: slot for slot in b.scans}
    if b.qualified:
        _collect_columns(b.tree, slots)
    for slot in b.scans:
        if not b.qualified or not slot.request.columns:
            slot.request.columns = _default_columns(slot, b.qualified)


def _provenance_pass(b: _Binding) -> None:
    """Where each result column comes from (its declared type, table OID and attnum); bare columns are named
    after their attribute's spelling."""
    if b.qualified:
        b.output = output_columns(QueryPlan(b.tree, b.scans, b.procedures, None, b.qualified))
        _apply_attribute_names(b.tree, {slot.name: slot for slot in b.scans})


def _numeric_pass(b: _Binding) -> None:
    """Which expressions carry exact numeric text (PostgreSQL numeric semantics DuckDB's DECIMAL lacks)."""
    specs = {slot.name: slot.relation.spec for slot in b.scans} if b.qualified else {}
    b.numeric = mark_numeric_expressions(b.tree, specs)


# Node kinds a constant query may hold: literals, operators over them and casts to types whose input does not
# depend on a setting (timestamptz, dates and intervals read DateStyle/TimeZone/IntervalStyle).
_CONSTANT_NODES = (exp.Select, exp.Alias, exp.Identifier, exp.Literal, exp.Boolean, exp.Null, exp.Paren, exp.Neg,
                   exp.Not, exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Mod, exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT,
                   exp.LTE, exp.And, exp.Or, exp.DPipe, exp.Cast, exp.DataType, exp.DataTypeParam, exp.Var)
_CONSTANT_CASTS = {"int", "smallint", "bigint", "integer", "numeric", "decimal", "text", "varchar", "char", "bpchar",
                   "boolean", "bool", "double precision", "real", "int2", "int4", "int8", "float4", "float8"}


def _constant_pass(b: _Binding) -> None:
    """Whether the result can never change: one SELECT of constants, nothing else (see _CONSTANT_NODES)."""
    tree = b.tree
    if b.scans or b.procedures or not isinstance(tree, exp.Select) or parameter_count(tree):
        return
    for node in tree.walk():
        if not isinstance(node, _CONSTANT_NODES) or (isinstance(node, exp.Select) and node is not tree):
            return
        if isinstance(node, exp.Cast) and node.to.sql(dialect="postgres").lower().split("(")[0] not in _CONSTANT_CASTS:
            return
    if any(value for key, value in tree.args.items() if key not in ("expressions", "kind")):
        return  # FROM, WHERE, GROUP BY, LIMIT …
    b.constant = True


def _casts_pass(b: _Binding) -> None:
    """The declared types of root projections DuckDB would report without their modifier (varchar(n) …)."""
    b.cast_types = declared_result_types(b.tree)


def _passthrough_pass(b: _Binding) -> None:
    """Whether the rows are exactly one scan's columns: `SELECT *` or a list of plain columns of one view, with
    nothing else (no WHERE, ORDER BY, LIMIT, DISTINCT, join, CTE …). Then Execute may send the scan's rows as they
    are, without DuckDB copying them (decision 1021). The (result name, declared column) of each result column."""
    tree, output = b.tree, b.output
    if not b.qualified or len(b.scans) != 1 or b.procedures or b.numeric or not output or None in output:
        return
    if not isinstance(tree, exp.Select) or any(value for key, value in tree.args.items()
                                               if key not in ("expressions", "from", "from_")):
        return
    from_ = tree.args.get("from") or tree.args.get("from_")
    if from_ is None or not isinstance(from_.this, exp.Table) or from_.this.name != b.scans[0].name:
        return
    names: list[str] = []
    for projection in tree.expressions:
        inner = projection.this if isinstance(projection, exp.Alias) else projection
        if isinstance(inner, exp.Star) or (isinstance(inner, exp.Column) and isinstance(inner.this, exp.Star)):
            names.extend(column.name for column in b.scans[0].relation.spec.columns)
        elif isinstance(inner, exp.Column):
            names.append(projection.alias_or_name)
        else:
            return
    if len(names) != len(output) or len({name.lower() for name in names}) != len(names):
        return  # DuckDB would rename a repeated name; that stays DuckDB's to answer
    b.passthrough = tuple((name, column.name) for name, (_, column) in zip(names, output, strict=True))


def _clock_pass(b: _Binding) -> None:
    """Whether the query reads the transaction's start time (planner: a block's start, not the statement's)."""
    b.reads_clock = any(is_transaction_time(node) for node in b.tree.walk())


def is_transaction_time(node: exp.Expression) -> bool:
    """A value of the transaction's start: now() / current_timestamp, current_date, current_time, localtimestamp,
    localtime (sqlglot's nodes, without a precision) or transaction_timestamp()."""
    if isinstance(node, tuple(TRANSACTION_CLOCK)):
        return not node.args.get("this")
    return isinstance(node, exp.Anonymous) and str(node.this).lower() == "transaction_timestamp" \
        and not node.expressions


# The clock nodes PostgreSQL computes from the transaction's start, with the type each is that start cast to
TRANSACTION_CLOCK: dict[type[exp.Expression], str] = {
    exp.CurrentTimestamp: "timestamptz", exp.CurrentDate: "date", exp.CurrentTime: "timetz",
    exp.Localtimestamp: "timestamp", exp.Localtime: "time"}


BIND_PASSES: tuple[Callable[[_Binding], None], ...] = (
    _values_pass, _catalog_pass, _names_pass, _relations_pass, _qualify_pass, _spellings_pass, _columns_pass,
    _provenance_pass,
    _numeric_pass, _constant_pass, _casts_pass, _passthrough_pass, _clock_pass,
)


def bind_query(tree: exp.Expression, env: PlanEnvironment) -> BoundQuery:
    """Everything about a query that parameter values cannot change, done once at Parse by BIND_PASSES in order.
    `tree` is a parsed query whose parameters are still `$n` placeholders; it is not modified."""
    binding = _Binding(tree.copy(), env)
    for bind_pass in BIND_PASSES:
        bind_pass(binding)
    return BoundQuery(binding.tree, tuple(binding.scans), tuple(binding.procedures), binding.qualified,
                      binding.output, binding.numeric, has_parameters=parameter_count(binding.tree) > 0,
                      constant=binding.constant, catalog_types=binding.catalog_types, cast_types=binding.cast_types,
                      passthrough=binding.passthrough, reads_clock=binding.reads_clock)


def _values_as_select(values: exp.Values) -> exp.Select:
    """A top-level VALUES list as PostgreSQL names it: columns column1, column2 …"""
    first = values.expressions[0] if values.expressions else None
    width = len(first.expressions) if isinstance(first, exp.Tuple) else 1
    alias = exp.TableAlias(this=exp.to_identifier("*VALUES*", quoted=True),
                           columns=[exp.to_identifier(f"column{i}") for i in range(1, width + 1)])
    return exp.select("*").from_(exp.Subquery(this=values, alias=alias))


def _resolve_tables(tree: exp.Expression, env: PlanEnvironment) -> tuple[list[ScanSlot], list[ProcedureSlot]]:
    cte_names = {cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE)}
    scans: list[ScanSlot] = []
    procedures: list[ProcedureSlot] = []
    for table in list(tree.find_all(exp.Table)):
        if isinstance(table.this, exp.Func):
            slot = procedure_slot(table, env, len(procedures))
            if slot is not None:
                procedures.append(slot)
            else:
                check_table_function(table)  # PostgreSQL's set-returning functions, not DuckDB's
            continue
        if not isinstance(table.this, exp.Identifier):
            continue
        if table.catalog and env.database and table.catalog.lower() == env.database.lower():
            table.set("catalog", None)  # the current database, as PostgreSQL accepts it
        schema = table.db or None
        name = table.name
        if table.catalog or (schema and schema.lower() in CATALOG_SCHEMAS):
            continue
        if not schema and name.lower() in cte_names:
            continue
        position = _position(table.this)
        try:
            relation = resolve_relation(env.tables, env.scope, schema, name, position)
        except PgError:
            if not schema and name.lower().startswith("pg_"):
                continue  # a catalog relation: left for the catalog rewrite / DuckDB
            raise
        slot_name = f"{env.name_prefix}{len(scans)}"
        alias_node = table.args.get("alias")
        alias = alias_node.name if alias_node is not None and alias_node.name else name
        new_alias = alias_node.copy() if alias_node is not None and alias_node.name else exp.TableAlias(
            this=exp.to_identifier(name, quoted=table.this.quoted))
        if alias_node is not None and not alias_node.name and alias_node.columns:
            new_alias.set("columns", alias_node.columns)
        replacement = exp.Table(this=exp.to_identifier(slot_name), alias=new_alias)
        table.replace(replacement)
        scans.append(ScanSlot(slot_name, relation, alias.lower(), ScanRequest(columns=[])))
    _unqualify_columns(tree, scans, env.database)
    return scans, procedures


def _unqualify_columns(tree: exp.Expression, scans: list[ScanSlot], database: str) -> None:
    """`"StandardUK"."Customers"."Id"` (SQLAlchemy qualifies every column so) refers to an unaliased
    table reference: keep only the table part, which is that reference's alias."""
    unaliased = {(s.relation.spec.schema.lower(), s.alias) for s in scans if s.alias == s.relation.spec.name.lower()}
    for column in tree.find_all(exp.Column):
        if not column.args.get("db"):
            continue
        catalog = column.args.get("catalog")
        if catalog is not None and catalog.name.lower() != database.lower():
            continue
        if (column.db.lower(), column.table.lower()) in unaliased:
            column.set("db", None)
            column.set("catalog", None)


def _position(identifier: exp.Identifier) -> int | None:
    start = identifier.meta.get("start") if identifier.meta else None
    if start is None:
        return None
    return start + 1 - (1 if identifier.quoted else 0)


def _alias_holders(tree: exp.Expression) -> list[exp.Expression]:
    """The nodes that name output columns, in a fixed order: every SELECT and every table alias with columns."""
    return [node for node in tree.find_all(exp.Select, exp.TableAlias)
            if isinstance(node, exp.Select) or node.columns]


def _alias_names(holder: exp.Expression) -> list[exp.Identifier | None]:
    if isinstance(holder, exp.Select):
        return [p.args.get("alias") if isinstance(p, exp.Alias) else None for p in holder.expressions]
    return [c if isinstance(c, exp.Identifier) else None for c in holder.columns]


def _alias_spellings(tree: exp.Expression) -> list[list[str | None]]:
    """Per alias holder, the quoted names that lower-casing would change (None elsewhere)."""
    return [[i.this if isinstance(i, exp.Identifier) and i.quoted and isinstance(i.this, str) and i.this != i.this.lower()
             else None for i in _alias_names(holder)] for holder in _alias_holders(tree)]


def _restore_alias_spellings(tree: exp.Expression, spellings: list[list[str | None]]) -> None:
    """Put back the spellings `_alias_spellings` kept, when the tree still has the same holders and names (qualify
    keeps both; a mismatch leaves the lower-cased names)."""
    if not any(any(row) for row in spellings):
        return
    holders = _alias_holders(tree)
    if len(holders) != len(spellings):
        return
    for holder, row in zip(holders, spellings, strict=True):
        names = _alias_names(holder)
        if len(names) != len(row):
            continue
        for identifier, written in zip(names, row, strict=True):
            if written is not None and identifier is not None and identifier.this == written.lower():
                identifier.set("this", written)
                identifier.set("quoted", True)


def _lowercase_identifiers(tree: exp.Expression) -> None:
    """Column and alias names match case-insensitively, quoted or not (see tableset)."""
    for identifier in tree.find_all(exp.Identifier):
        if isinstance(identifier.this, str):
            identifier.set("this", identifier.this.lower())


def _schema(scans: list[ScanSlot], procedures: list[ProcedureSlot]) -> dict[str, dict[str, str]]:
    schema = {slot.name: {c.name.lower(): c.pg_type for c in slot.relation.spec.columns} for slot in scans}
    for proc in procedures:
        outputs = [p for p in proc.procedure.spec.parameters if p.direction.upper() == "OUT"]
        schema[proc.name] = {p.name.lower(): p.pg_type for p in outputs}
    return schema


def _root_output_names(tree: exp.Expression) -> list[str | None]:
    select = root_selects(tree)
    return [output_name(p) for p in select.expressions] if select is not None else []


def _mark_plain_columns(tree: exp.Expression) -> None:
    """Tag projections that are bare column references (no alias): PostgreSQL names those after the
    attribute itself, whatever case the query wrote it in (see _apply_attribute_names)."""
    for select in tree.find_all(exp.Select):
        for projection in select.expressions:
            if isinstance(projection, exp.Column) and isinstance(projection.this, exp.Identifier):
                projection.meta[_PLAIN] = True


def _apply_attribute_names(tree: exp.Expression, slots: dict[str, ScanSlot]) -> None:
    """`SELECT id, NAME FROM customers` answers columns "Id" and "Name", as pg_attribute spells them;
    through derived tables and CTEs too (inner scopes come first, so their names are already set)."""
    for scope in traverse_scope(tree):
        if not isinstance(scope.expression, exp.Select):
            continue
        for projection in scope.expression.expressions:
            column = projection.this if isinstance(projection, exp.Alias) else None
            if not isinstance(column, exp.Column) or not column.meta.get(_PLAIN):
                continue
            name = _attribute_name(scope, column, slots)
            if name is not None:
                projection.set("alias", exp.to_identifier(name, quoted=True))
                projection.meta[_PLAIN] = True


def _attribute_name(scope: Scope, column: exp.Column, slots: dict[str, ScanSlot]) -> str | None:
    source = scope.sources.get(column.table)
    if isinstance(source, exp.Table) and source.name in slots:
        declared = slots[source.name].relation.spec.column(column.name)
        return declared.name if declared is not None else None
    if isinstance(source, Scope) and isinstance(source.expression, exp.Select):
        wanted = column.name.lower()
        for projection in source.expression.expressions:
            if projection.alias_or_name.lower() == wanted:
                return projection.alias_or_name if projection.meta.get(_PLAIN) else None
    return None


def _apply_root_names(tree: exp.Expression, names: list[str | None]) -> None:
    select = root_selects(tree)
    if select is None or len(select.expressions) != len(names):
        return
    projections = []
    for projection, name in zip(select.expressions, names, strict=True):
        if name is None:
            projections.append(projection)
            continue
        inner = projection.this if isinstance(projection, exp.Alias) else projection
        projections.append(exp.alias_(inner, exp.to_identifier(name, quoted=True)))
    select.set("expressions", projections)


def _collect_columns(tree: exp.Expression, slots: dict[str, ScanSlot]) -> None:
    needed: dict[str, set[str]] = {name: set() for name in slots}
    all_columns: set[str] = set()
    alias_to_slots: dict[str, list[ScanSlot]] = {}
    for scope in traverse_scope(tree):
        sources = scan_sources(scope, slots)
        for alias, slot in sources.items():
            alias_to_slots.setdefault(alias, []).append(slot)
        if isinstance(scope.expression, exp.Select):
            for projection in scope.expression.expressions:
                if isinstance(projection, exp.Star):
                    all_columns.update(s.name for s in sources.values())
                elif isinstance(projection, exp.Column) and isinstance(projection.this, exp.Star):
                    slot = sources.get(projection.table.lower())
                    if slot is not None:
                        all_columns.add(slot.name)
    for column in tree.find_all(exp.Column):
        for slot in alias_to_slots.get(column.table.lower(), []):
            needed[slot.name].add(column.name.lower())
    for slot in slots.values():
        spec = slot.relation.spec
        if slot.name in all_columns:
            slot.request.columns = [c.name for c in spec.columns]
        else:
            wanted = needed[slot.name]
            slot.request.columns = [c.name for c in spec.columns if c.name.lower() in wanted]


def _default_columns(slot: ScanSlot, qualified: bool) -> list[str]:
    spec = slot.relation.spec
    if not qualified:
        return [c.name for c in spec.columns]
    # Nothing referenced (count(*)): ask for the narrowest useful column so batches carry row counts.
    keys = spec.key_columns or spec.columns[:1]
    return [keys[0].name]
