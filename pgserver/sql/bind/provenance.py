"""Which scan column each result column comes from (declared types, table OID, attnum)."""

from __future__ import annotations

from sqlglot import exp
from sqlglot.optimizer.scope import traverse_scope

from pgserver.output_names import root_selects
from pgserver.provider import Column
from pgserver.sql.bind.bound_query import QueryPlan, ScanSlot, scan_sources


def output_columns(plan: QueryPlan) -> list[tuple[ScanSlot, Column] | None] | None:
    select = root_selects(plan.tree)
    if select is None:
        return None
    scopes = traverse_scope(plan.tree)
    root_scope = next((s for s in scopes if s.expression is select), None)
    if root_scope is None:
        return None
    slots = {s.name: s for s in plan.scans}
    sources = scan_sources(root_scope, slots)
    result: list[tuple[ScanSlot, Column] | None] = []
    for projection in select.expressions:
        inner = projection.this if isinstance(projection, exp.Alias) else projection
        if isinstance(inner, exp.Star):
            if len(sources) != len(root_scope.sources):
                return None
            for slot in _from_order(select, sources):
                result.extend((slot, c) for c in slot.relation.spec.columns)
        elif isinstance(inner, exp.Column) and isinstance(inner.this, exp.Star):
            slot = sources.get(inner.table.lower())
            if slot is None:
                return None
            result.extend((slot, c) for c in slot.relation.spec.columns)
        elif isinstance(inner, exp.Column) and inner.table.lower() in sources:
            slot = sources[inner.table.lower()]
            column = slot.relation.spec.column(inner.name)
            result.append((slot, column) if column is not None else None)
        else:
            result.append(None)
    return result


def _from_order(select: exp.Select, sources: dict[str, ScanSlot]) -> list[ScanSlot]:
    aliases = []
    from_ = select.args.get("from_") or select.args.get("from")
    if from_ is not None:
        aliases.append(from_.this.alias_or_name.lower())
    aliases.extend(j.this.alias_or_name.lower() for j in select.args.get("joins") or [])
    return [sources[a] for a in aliases if a in sources]
