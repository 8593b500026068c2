"""Caches that keep per-statement work off the round trip of repeated queries.

Drivers repeat the same SQL text (psycopg re-parses it every time, asyncpg re-binds one
prepared statement), so parsing, describing and planning a statement again for every
execution dominated a `SELECT 1` round trip. Two small LRU caches keep that work:

- `StatementCache` (per session): what prepare() produced for one SQL text and declared
  parameter types — the classified statement, the parsed tree and the described columns.
- `LocalPlanCache` (per prepared statement): the bound, planned DuckDB SQL of a statement
  that reads no provider (catalog queries, `SELECT 1`, generate_series …) per parameter
  values. Queries over providers are planned per execution: their plans are live objects
  (scan plans, key lookups) that execution consumes.

Every key carries `SessionSettings.version`, bumped by each SET/RESET/ROLLBACK, so a plan
made under one search_path, Schema or MaxRows is never reused under another.
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from typing import Any, Generic, TypeVar

V = TypeVar("V")

STATEMENTS_PER_SESSION = 256
PLANS_PER_STATEMENT = 16
_SCALARS = (str, int, float, bool, decimal.Decimal, dt.date, dt.time, dt.datetime, dt.timedelta, uuid.UUID, bytes)


class Lru(Generic[V]):
    """A bounded mapping that forgets the least recently used entry."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._items: OrderedDict[Hashable, V] = OrderedDict()

    def get(self, key: Hashable) -> V | None:
        value = self._items.get(key)
        if value is not None:
            self._items.move_to_end(key)
        return value

    def put(self, key: Hashable, value: V) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self.capacity:
            self._items.popitem(last=False)

    def clear(self) -> None:
        self._items.clear()

    def __len__(self) -> int:
        return len(self._items)


def parameter_key(params: Sequence[Any]) -> tuple[Any, ...] | None:
    """A hashable key for bound parameter values that tells apart what prints differently
    (1 vs 1.0 vs True, Decimal('1.0') vs Decimal('1.00')); None when a value has no such key."""
    key: list[Any] = []
    for value in params:
        if value is None:
            key.append(None)
        elif isinstance(value, _SCALARS):
            key.append((type(value).__name__, repr(value)))
        else:
            return None
    return tuple(key)
