"""Key lookups: filter a join's unfiltered side by the keys its filtered side actually has.

`orders o JOIN customers c ON c.Id = o.CustomerId WHERE o.DocumentNo = 'X'` would page
through every customer. When choose_key_lookups() picked such a join key after the first provider plans,
the driver's scan (o) is read first — it is filtered by its provider, so usually small — and
if it ends within the limits below, the target (c) is re-planned with `Id IN (<those keys>)`.
The join itself still runs in DuckDB, so the result is the same either way; only the API
requests change. The driver's batches are kept and handed to DuckDB, never read twice.
"""

from __future__ import annotations

from typing import Any

from sqlglot import exp

from pgserver.provider import Comparison, Op, ScanContext, ScanRequest
from pgserver.sql.bind.bound_query import JoinKey, QueryPlan, ScanSlot
from pgserver.sql.pushdown.scans import LiveScan

MAX_KEYS = 200  # distinct values offered in one IN list
MAX_DRIVER_ROWS = 10_000  # stop reading ahead after this many driver rows


async def collect_keys(driver: LiveScan, column: str) -> list[Any] | None:
    """The distinct non-null values of `column` in the whole driver scan, or None past the limits."""
    seen: dict[Any, None] = {}
    rows = 0
    while True:
        batch = await driver.prefetch()
        if batch is None:
            return list(seen)
        rows += batch.num_rows
        index = batch.schema.get_field_index(column)
        if index < 0:
            return None
        for value in batch.column(index).to_pylist():
            if value is not None:
                seen[value] = None
        if len(seen) > MAX_KEYS or rows > MAX_DRIVER_ROWS:
            return None


def restrict_target(key: JoinKey, values: list[Any], ctx: ScanContext) -> None:
    """Re-plan the target scan with `column IN (values)` added to what it was offered."""
    target = key.target
    request = target.request
    qual = Comparison(key.target_column, Op.IN, tuple(values))
    narrowed = ScanRequest(columns=list(request.columns), quals=[*request.quals, qual],
                           order_by=list(request.order_by), limit=request.limit, offset=request.offset)
    target.request = narrowed
    target.plan = target.relation.provider.plan(narrowed, ctx)


def join_keys_of(conjunct: exp.Expression, sources: dict[str, ScanSlot], targets: set[str]) -> list[JoinKey]:
    """`a.x = b.y` between two scans: each side may drive a lookup into the other if allowed."""
    if not isinstance(conjunct, exp.EQ):
        return []
    left, right = conjunct.this, conjunct.expression
    if not isinstance(left, exp.Column) or not isinstance(right, exp.Column):
        return []
    found = []
    for driver, target in ((left, right), (right, left)):
        driver_slot, target_slot = sources.get(driver.table.lower()), sources.get(target.table.lower())
        if driver_slot is None or target_slot is None or driver_slot is target_slot:
            continue
        if target.table.lower() not in targets:
            continue
        driver_column = driver_slot.relation.spec.column(driver.name)
        target_column = target_slot.relation.spec.column(target.name)
        if driver_column is None or target_column is None or not target_column.filterable:
            continue
        found.append(JoinKey(driver_slot, driver_column.name, target_slot, target_column.name))
    return found


def choose_key_lookups(plan: QueryPlan) -> list[JoinKey]:
    """Key lookups worth trying: the driver is filtered (quals were offered to it — providers may send
    a filter yet re-check it locally, so offered counts, not only exact), the target is not filtered
    by its provider (so a full scan would page through everything)."""
    chosen: list[JoinKey] = []
    used: set[int] = set()
    for key in plan.join_keys:
        driver_plan, target_plan = key.driver.plan, key.target.plan
        if driver_plan is None or target_plan is None or not key.driver.request.quals or target_plan.pushed_quals:
            continue
        if id(key.target) in used or id(key.driver) in used or key.target.request.limit is not None:
            continue
        chosen.append(key)
        used.update({id(key.target), id(key.driver)})
    return chosen
