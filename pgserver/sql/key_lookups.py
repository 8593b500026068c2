"""Key lookups: filter a join's unfiltered side by the keys its filtered side actually has.

`orders o JOIN customers c ON c.Id = o.CustomerId WHERE o.DocumentNo = 'X'` would page
through every customer. When the planner marked such a join key (planner._choose_key_lookups),
the driver's scan (o) is read first — it is filtered by its provider, so usually small — and
if it ends within the limits below, the target (c) is re-planned with `Id IN (<those keys>)`.
The join itself still runs in DuckDB, so the result is the same either way; only the API
requests change. The driver's batches are kept and handed to DuckDB, never read twice.
"""

from __future__ import annotations

from typing import Any

from pgserver.provider import Comparison, Op, ScanContext, ScanRequest
from pgserver.sql.planner_types import JoinKey
from pgserver.sql.scans import LiveScan

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
