"""Planning a query: resolve table references, decide what each provider is offered, call plan().

For every table reference the planner builds one ScanRequest: the columns the query
needs, the WHERE conjuncts that touch only that reference (as quals), and — only when
nothing local could change which rows qualify — ORDER BY and LIMIT/OFFSET. Conjuncts the
provider declares pushed (exact) are dropped from the DuckDB query; everything else stays
in it, so DuckDB always produces the right answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlglot import exp
from sqlglot.errors import SqlglotError
from sqlglot.optimizer.qualify import qualify
from sqlglot.optimizer.scope import Scope, traverse_scope

from pgserver.errors import PgError
from pgserver.provider import ScanPlan, ScanRequest, SortKey
from pgserver.sql.key_lookups import choose_key_lookups, join_keys_of
from pgserver.sql.output_names import output_name, root_selects
from pgserver.sql.params import bind, parameter_count, typed_null
from pgserver.sql.pg_numeric import mark_numeric_expressions
from pgserver.sql.planner_types import (
    BoundQuery,
    JoinKey,
    PlanEnvironment,
    ProcedureSlot,
    QueryPlan,
    ScanSlot,
    scan_sources,
)
from pgserver.sql.procedure_calls import procedure_slot
from pgserver.sql.provenance import output_columns
from pgserver.sql.quals import NotPushable, literal_value, split_conjuncts, to_quals
from pgserver.sql.tableset import resolve_relation
from pgserver.types import FormatContext

__all__ = ["BoundQuery", "PlanEnvironment", "ProcedureSlot", "QueryPlan", "ScanSlot", "bind_query", "plan_query"]

CATALOG_SCHEMAS = {"pg_catalog", "information_schema"}
_PLAIN = "pg_plain_column"  # node meta: a bare column projection, named after its attribute


def bind_query(tree: exp.Expression, env: PlanEnvironment) -> BoundQuery:
    """Everything about a query that parameter values cannot change, done once at Parse: the catalog rewrite,
    name resolution (one scan slot per table reference), output names, sqlglot's qualify, the columns each slot
    needs, where result columns come from and which carry exact numeric text. `tree` is a parsed query whose
    parameters are still `$n` placeholders; it is not modified."""
    tree = tree.copy()
    if isinstance(tree, exp.Values):
        tree = _values_as_select(tree)
    if env.rewrite is not None:
        tree = env.rewrite(tree)
    names = _root_output_names(tree)
    _mark_plain_columns(tree)
    scans, procedures = _resolve_tables(tree, env)
    _lowercase_identifiers(tree)
    _apply_root_names(tree, names)  # before qualify, so ORDER BY 2 / GROUP BY 1 refer to the final names
    qualified = False
    if scans or procedures:  # nothing to prune or push otherwise (catalog queries, SELECT 1)
        try:
            tree = qualify(tree, schema=_schema(scans, procedures), dialect="postgres", expand_stars=False,
                           validate_qualify_columns=True, quote_identifiers=True, identify=False)
            qualified = True
        except (SqlglotError, KeyError, ValueError, AttributeError, TypeError):
            # sqlglot could not follow every name: DuckDB still binds the query (and reports real
            # errors); we only lose column pruning and qual pushdown.
            pass
    slots = {slot.name: slot for slot in scans}
    if qualified:
        _collect_columns(tree, slots)
    for slot in scans:
        if not qualified or not slot.request.columns:
            slot.request.columns = _default_columns(slot, qualified)
    plan = QueryPlan(tree, scans, procedures, None, qualified)
    output = output_columns(plan) if qualified else None
    if qualified:
        _apply_attribute_names(tree, slots)
    numeric = mark_numeric_expressions(tree, {slot.name: slot.relation.spec for slot in scans} if qualified else {})
    return BoundQuery(tree, tuple(scans), tuple(procedures), qualified, output, numeric,
                      has_parameters=parameter_count(tree) > 0)


def plan_query(bound: BoundQuery, env: PlanEnvironment, params: Sequence[Any] | None, oids: Sequence[int],
               *, call_providers: bool = True) -> QueryPlan:
    """What depends on one execution: the parameter values (`params`; None: typed NULLs, to describe the
    statement), the quals they make, MaxRows, and what each provider takes (plan())."""
    tree = bound.tree.copy()
    if bound.has_parameters:
        tree = bind(tree, params, oids, copy=False) if params is not None else _typed_nulls(tree, oids)
    scans = [ScanSlot(t.name, t.relation, t.alias, ScanRequest(columns=list(t.request.columns))) for t in bound.scans]
    plan = QueryPlan(tree, scans, list(bound.procedures), bound.output_columns, bound.qualified,
                     numeric_text_columns=bound.numeric_text_columns, described=bound.described)
    if bound.qualified and scans:
        plan.join_keys = _collect_quals(tree, {slot.name: slot for slot in scans}, env.values)
    _apply_max_rows(plan, env)
    if call_providers:
        _plan_providers(plan, env)
    return plan


def _typed_nulls(tree: exp.Expression, oids: Sequence[int]) -> exp.Expression:
    for parameter in list(tree.find_all(exp.Parameter)):
        inner = parameter.this
        if isinstance(inner, exp.Literal) and inner.this.isdigit():
            index = int(inner.this) - 1
            parameter.replace(typed_null(oids[index] if index < len(oids) else 0))
    return tree


# ---------------------------------------------------------------------------
# name resolution
# ---------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------
# columns and quals
# ---------------------------------------------------------------------------


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


def _collect_quals(tree: exp.Expression, slots: dict[str, ScanSlot], values: FormatContext) -> list[JoinKey]:
    """Offer WHERE conjuncts, and the ON conjuncts a join lets us apply before joining; return
    the equi-join keys usable for key lookups."""
    keys: list[JoinKey] = []
    for scope in traverse_scope(tree):
        select = scope.expression
        if not isinstance(select, exp.Select):
            continue
        sources = scan_sources(scope, slots)
        if not sources:
            continue
        nullable = _nullable_aliases(select)
        for alias in nullable:
            if alias in sources:
                sources[alias].nullable = True
        preserved = set(sources) - nullable
        where = select.args.get("where")
        for conjunct in split_conjuncts(where.this if where is not None else None):
            _offer_conjunct(conjunct, sources, preserved, values)
            keys.extend(join_keys_of(conjunct, sources, targets=preserved))
        for join in select.args.get("joins") or []:
            on = join.args.get("on")
            side = (join.side or "").upper()
            if on is None or side in {"RIGHT", "FULL"}:
                continue
            # INNER: an ON conjunct on one table filters it before the join. LEFT: only conjuncts on
            # the joined (right) table may, those on the preserved side must not drop its rows.
            allowed = preserved if not side else {join.this.alias_or_name.lower()}
            for conjunct in split_conjuncts(on):
                _offer_conjunct(conjunct, sources, allowed, values)
                keys.extend(join_keys_of(conjunct, sources, targets=allowed))
    return keys


def _offer_conjunct(conjunct: exp.Expression, sources: dict[str, ScanSlot], allowed: set[str],
                    values: FormatContext) -> None:
    if conjunct.find(exp.Select, exp.Subquery) is not None:
        return
    tables = {c.table.lower() for c in conjunct.find_all(exp.Column)}
    if len(tables) != 1:
        return
    alias = next(iter(tables))
    slot = sources.get(alias)
    if slot is None or alias not in allowed:
        return
    try:
        quals = to_quals(conjunct, alias, slot.relation.spec, values)
    except NotPushable:
        slot.residual_sql.append(conjunct.sql(dialect="postgres"))
        return
    slot.conjuncts.append((conjunct, quals))
    slot.request.quals.extend(quals)


def _nullable_aliases(select: exp.Select) -> set[str]:
    """Aliases on the null-extended side of an outer join (their WHERE quals must stay local)."""
    nullable: set[str] = set()
    seen: list[str] = []
    from_ = select.args.get("from_") or select.args.get("from")
    if from_ is not None:
        seen.append(from_.this.alias_or_name.lower())
    for join in select.args.get("joins") or []:
        alias = join.this.alias_or_name.lower()
        side = (join.side or "").upper()
        if side in {"LEFT", "FULL"}:
            nullable.add(alias)
        if side in {"RIGHT", "FULL"}:
            nullable.update(seen)
        seen.append(alias)
    return nullable


# ---------------------------------------------------------------------------
# MaxRows, ORDER BY / LIMIT offers and provider planning
# ---------------------------------------------------------------------------


def _is_aggregate(select: exp.Select) -> bool:
    if select.args.get("group") or select.args.get("having"):
        return True
    for projection in select.expressions:
        for agg in projection.find_all(exp.AggFunc):
            if agg.find_ancestor(exp.Window) is None:
                return True
    return False


def _all_selects(tree: exp.Expression) -> list[exp.Select]:
    if isinstance(tree, exp.SetOperation):
        return _all_selects(tree.left) + _all_selects(tree.right)
    if isinstance(tree, exp.Subquery):
        return _all_selects(tree.this)
    return [tree] if isinstance(tree, exp.Select) else []


def _apply_max_rows(plan: QueryPlan, env: PlanEnvironment) -> None:
    """MaxRows caps queries without aggregation; an explicit LIMIT wins."""
    if not env.max_rows or env.max_rows <= 0:
        return
    tree = plan.tree
    if not isinstance(tree, exp.Select | exp.SetOperation) or tree.args.get("limit") is not None:
        return
    if any(_is_aggregate(s) for s in _all_selects(tree)):
        return
    tree.set("limit", exp.Limit(expression=exp.Literal.number(env.max_rows)))
    plan.max_rows_applied = env.max_rows


def _int_arg(node: exp.Expression | None) -> int | None:
    if node is None:
        return None
    if isinstance(node, exp.Fetch):  # FETCH FIRST n ROWS ONLY (WITH TIES changes which rows qualify)
        options = node.args.get("limit_options")
        if options is not None and (options.args.get("with_ties") or options.args.get("percent")):
            return None
        value = node.args.get("count") or exp.Literal.number(1)
    else:
        value = node.args.get("expression") or node.this
    try:
        number = literal_value(value)
    except NotPushable:
        return None
    return number if isinstance(number, int) and not isinstance(number, bool) and number >= 0 else None


def _order_limit_offer(plan: QueryPlan) -> tuple[ScanSlot, list[SortKey], int | None, int] | None:
    """What ORDER BY/LIMIT may be offered to the single scan, if anything (see module doc)."""
    tree = plan.tree
    if not isinstance(tree, exp.Select) or len(plan.scans) != 1 or plan.procedures:
        return None
    if tree.args.get("joins") or tree.args.get("distinct") or _is_aggregate(tree) or tree.find(exp.Window):
        return None
    from_ = tree.args.get("from_") or tree.args.get("from")
    if from_ is None or not isinstance(from_.this, exp.Table) or from_.this.name != plan.scans[0].name:
        return None
    slot = plan.scans[0]
    where = tree.args.get("where")
    if where is not None and len(split_conjuncts(where.this)) != len(slot.conjuncts):
        return None  # a conjunct with no qual form stays local: rows could still be dropped
    projections = {p.alias.lower(): p.this for p in tree.expressions if isinstance(p, exp.Alias)}
    keys: list[SortKey] = []
    order = tree.args.get("order")
    for ordered in order.expressions if order is not None else []:
        target = ordered.this
        if isinstance(target, exp.Column) and not target.table and target.name.lower() in projections:
            target = projections[target.name.lower()]
        column = slot.relation.spec.column(target.name) if isinstance(target, exp.Column) else None
        if column is None or (isinstance(target, exp.Column) and target.table.lower() != slot.alias):
            return None
        descending = bool(ordered.args.get("desc"))
        nulls_first = ordered.args.get("nulls_first")
        explicit = None if nulls_first is None or bool(nulls_first) == descending else bool(nulls_first)
        keys.append(SortKey(column.name, descending, explicit))  # None: PostgreSQL's default placement
    limit = _int_arg(tree.args.get("limit"))
    offset = _int_arg(tree.args.get("offset")) or 0
    if tree.args.get("limit") is not None and limit is None:
        return None
    if not keys and limit is None:
        return None
    return slot, keys, limit, offset


def _plan_providers(plan: QueryPlan, env: PlanEnvironment) -> None:
    for slot in plan.scans:
        slot.plan = slot.relation.provider.plan(slot.request, env.ctx)
    offer = _order_limit_offer(plan)
    if offer is not None:
        slot, keys, limit, offset = offer
        first = slot.plan
        if first is not None and not first.residual_quals and _all_pushed(slot, first):
            request = ScanRequest(columns=list(slot.request.columns), quals=list(slot.request.quals),
                                  order_by=keys, limit=limit, offset=offset if limit is not None else 0)
            second = slot.relation.provider.plan(request, env.ctx)
            if keys and not second.order_pushed:
                second = first  # a limit without the requested order would pick the wrong rows
            elif second.residual_quals or not _all_pushed(slot, second):
                second = first
            else:
                slot.request = request
            slot.plan = second
    for slot in plan.scans:
        _drop_pushed_conjuncts(plan, slot)
    plan.key_lookups = choose_key_lookups(plan)



def _all_pushed(slot: ScanSlot, scan_plan: ScanPlan) -> bool:
    return all(q in scan_plan.pushed_quals for _, quals in slot.conjuncts for q in quals)


def _drop_pushed_conjuncts(plan: QueryPlan, slot: ScanSlot) -> None:
    scan_plan = slot.plan
    if scan_plan is None:
        return
    for conjunct, quals in slot.conjuncts:
        if quals and all(q in scan_plan.pushed_quals for q in quals):
            conjunct.replace(exp.true())
        else:
            slot.residual_sql.append(conjunct.sql(dialect="postgres"))
    for select in plan.tree.find_all(exp.Select):
        where = select.args.get("where")
        if where is not None:
            remaining = [c for c in split_conjuncts(where.this) if not (isinstance(c, exp.Boolean) and c.this)]
            if remaining:
                where.set("this", exp.and_(*remaining) if len(remaining) > 1 else remaining[0])
            else:
                select.set("where", None)
    if scan_plan.limit_pushed and slot.request.offset and isinstance(plan.tree, exp.Select):
        plan.tree.set("offset", None)  # the provider skipped those rows already
