"""Rendered rows kept as JSON bytes, so paging through a big view again costs a join, not a render.

A collection page is a JSON array of row objects; each row's bytes depend only on the data
and on what the request asked for (fields shown, $select, $expand). The cache keys rows by
that render signature and row position. Writes drop everything (`Dataset.forget_derived`):
a view reads other tables through lookups, so one changed customer can change many rows.

Memory is bounded by a byte budget. Once it is spent, new rows are rendered but not kept
(no eviction): a sequential scan over a view larger than the budget would evict every row
before it is read again, so keeping the first part is the only policy that ever hits.
See docs/decisions/0700-sandbox-render-speed.md.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence

DEFAULT_BUDGET_MB = 1024


class RowCache:
    """JSON bytes per (render signature, row position), within a byte budget."""

    def __init__(self, budget_bytes: int = DEFAULT_BUDGET_MB << 20) -> None:
        self.budget_bytes = budget_bytes
        self.used_bytes = 0
        self._rows: dict[Hashable, dict[int, bytes]] = {}

    def clear(self) -> None:
        self._rows.clear()
        self.used_bytes = 0

    def page(self, signature: Hashable, positions: Sequence[int],
             render: Callable[[list[int]], list[bytes]]) -> bytes:
        """The JSON array of the rows at `positions`; `render` makes the rows not yet cached."""
        rows = self._rows.setdefault(signature, {})
        found = [rows.get(p) for p in positions]
        missing = [p for p, row in zip(positions, found, strict=True) if row is None]
        if missing:
            fresh = dict(zip(missing, render(missing), strict=True))
            size = sum(map(len, fresh.values()))
            if self.used_bytes + size <= self.budget_bytes:
                rows.update(fresh)
                self.used_bytes += size
            found = [row if row is not None else fresh[p] for p, row in zip(positions, found, strict=True)]
        return b"[" + b",".join(found) + b"]"  # type: ignore[arg-type]
