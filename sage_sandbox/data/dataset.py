"""One company's data as the API layer sees it: lazily built tables, child indexes, caches."""

from __future__ import annotations

import threading
from typing import Any

from sage_sandbox.query import PositionCache
from sage_sandbox.row_cache import DEFAULT_BUDGET_MB, RowCache

from . import banks, ledger, parties, purchases, reference, sales, stock  # noqa: F401  (registers the builders)
from .builder import BUILDERS, Builder, CompanyProfile
from .schema import load_schemas
from .table import Table

COMPANIES: tuple[CompanyProfile, ...] = (
    CompanyProfile(1, "Stationery & Computer Mart UK", "SCM UK", 1.0, 0,
                   ("Unit 4, Team Valley Trading Estate", "Gateshead", "Tyne and Wear", "NE11 0QA")),
    CompanyProfile(2, "Computer Mart Services Ltd", "CM Services", 0.35, 50_000_000,
                   ("18 Kingsway House", "Leeds", "West Yorkshire", "LS1 4DY")),
)


class Dataset:
    """The tables of one company; safe to share between request threads."""

    def __init__(self, profile: CompanyProfile, seed: int, scale: float,
                 row_cache_mb: float = DEFAULT_BUDGET_MB) -> None:
        self.profile = profile
        self.builder = Builder(profile, seed, scale)
        self.positions = PositionCache()
        self.rows = RowCache(int(row_cache_mb * (1 << 20)))
        self.lock = threading.RLock()
        self._children: dict[tuple[str, str, int], dict[Any, list[int]]] = {}

    def table(self, name: str) -> Table:
        with self.lock:
            return self.builder.table(name)

    def prepare_for_writes(self) -> None:
        """Build every table before the first write, so generated data never depends on writes
        (an order generated after a POST must not pick the new customer)."""
        with self.lock:
            for name in BUILDERS:
                self.builder.table(name)

    def forget_derived(self) -> None:
        """Drop cached sort orders and rendered rows: called before every write."""
        self.positions.clear()
        self.rows.clear()

    def has_resource(self, name: str) -> bool:
        return name in load_schemas() and name in BUILDERS

    def children(self, target: str, fk: str, key: Any) -> list[int]:
        """Positions in `target` whose `fk` equals `key` (index rebuilt when the table changes)."""
        table = self.table(target)
        index_key = (target, fk, table.version)
        index = self._children.get(index_key)
        if index is None:
            index = {}
            for pos, value in enumerate(table.columns[fk]):
                index.setdefault(value, []).append(pos)
            self._children[index_key] = index
        return index.get(key, [])
