"""Planning one execution of a bound query: what depends on the parameter values.

For every table reference the planner builds one ScanRequest: the columns the query needs (fixed at bind), the
WHERE conjuncts that touch only that reference (as quals), and — only when nothing local could change which rows
qualify — ORDER BY and LIMIT/OFFSET. Conjuncts the provider declares pushed (exact) are dropped from the DuckDB
query; everything else stays in it, so DuckDB always produces the right answer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlglot import exp
from sqlglot.optimizer.scope import traverse_scope

from pgserver.provider import ScanPlan, ScanRequest, SortKey
from pgserver.sql.bind.binder import TRANSACTION_CLOCK, is_transaction_time
from pgserver.sql.bind.bound_query import (
    BoundQuery,
    JoinKey,
    PlanEnvironment,
    QueryPlan,
    ScanSlot,
    scan_sources,
)
from pgserver.sql.bind.constants import NotPushable, literal_value, unparen
from pgserver.sql.bind.params import bind, parameter_number, typed_null
from pgserver.sql.pushdown.key_lookups import choose_key_lookups, join_keys_of
from pgserver.sql.pushdown.quals import split_conjuncts, to_quals
from pgserver.types import FormatContext
from pgserver.types.registry import find_by_oid

__all__ = ["plan_query"]


def plan_query(bound: BoundQuery, env: PlanEnvironment, params: Sequence[Any] | None, oids: Sequence[int],
               *, call_providers: bool = True) -> QueryPlan:
    """What depends on one execution: the parameter values (`params`; None: typed NULLs, to describe the
    statement), the quals they make, MaxRows, and what each provider takes (plan())."""
    tree = bound.tree.copy()
    if bound.has_parameters:
        tree = bind(tree, params, oids, copy=False) if params is not None else _typed_nulls(tree, oids)
    if bound.reads_clock and env.transaction_start is not None:
        tree = _transaction_time(tree, env.transaction_start)
    scans = [ScanSlot(t.name, t.relation, t.alias, ScanRequest(columns=list(t.request.columns))) for t in bound.scans]
    cast_types = _parameter_result_types(bound, oids) if bound.has_parameters else bound.cast_types
    plan = QueryPlan(tree, scans, list(bound.procedures), bound.output_columns, bound.qualified,
                     numeric_text_columns=bound.numeric_text_columns, described=bound.described,
                     constant=bound.constant, catalog_types=bound.catalog_types, cast_types=cast_types)
    if bound.qualified and scans:
        plan.join_keys = _collect_quals(tree, {slot.name: slot for slot in scans}, env.values)
    _apply_max_rows(plan, env)
    plan.passthrough = bound.passthrough if plan.max_rows_applied is None else None
    if call_providers:
        _plan_providers(plan, env)
    return plan


def _parameter_result_types(bound: BoundQuery, oids: Sequence[int]) -> list[tuple[int, int] | None]:
    """A root projection that is a bare `$n` is of the parameter's type, typmod -1 (PostgreSQL's Param), which
    DuckDB does not always keep: jsonb comes back as json, numeric as DECIMAL(18,3). The others keep
    BoundQuery.cast_types."""
    root = bound.tree
    if not isinstance(root, exp.Select):
        return bound.cast_types
    out = list(bound.cast_types) if len(bound.cast_types) == len(root.expressions) else [None] * len(root.expressions)
    for index, projection in enumerate(root.expressions):
        inner = unparen(projection.this if isinstance(projection, exp.Alias) else projection)
        number = parameter_number(inner) if isinstance(inner, exp.Parameter) else None
        if number is not None and 0 < number <= len(oids) and find_by_oid(oids[number - 1]) is not None:
            out[index] = (oids[number - 1], -1)
    return out


def _transaction_time(tree: exp.Expression, started: dt.datetime) -> exp.Expression:
    """now(), current_timestamp, current_date, current_time, localtimestamp, localtime and transaction_timestamp()
    inside a transaction: its start (cast to each one's type, in the session's time zone), as PostgreSQL gives
    them (DuckDB runs each statement in a transaction of its own, so its now() is the statement's start)."""
    start = exp.cast(exp.Literal.string(started.strftime("%Y-%m-%d %H:%M:%S.%f+00")),
                     exp.DataType.build("timestamptz", dialect="postgres"))
    for node in [n for n in tree.walk() if is_transaction_time(n)]:
        target = TRANSACTION_CLOCK.get(type(node), "timestamptz")
        value = start.copy() if target == "timestamptz" else exp.cast(
            start.copy(), exp.DataType.build(target, dialect="postgres"))
        if node is tree:
            return value
        node.replace(value)
    return tree


def _typed_nulls(tree: exp.Expression, oids: Sequence[int]) -> exp.Expression:
    for parameter in list(tree.find_all(exp.Parameter)):
        inner = parameter.this
        if isinstance(inner, exp.Literal) and inner.this.isdigit():
            index = int(inner.this) - 1
            parameter.replace(typed_null(oids[index] if index < len(oids) else 0))
    return tree


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
        joined = len(sources) > 1  # a key lookup needs two scans in one FROM
        for conjunct in split_conjuncts(where.this if where is not None else None):
            _offer_conjunct(conjunct, sources, preserved, values)
            if joined:
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
                if joined:
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
    plan.key_lookups = choose_key_lookups(plan) if plan.join_keys else []


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
