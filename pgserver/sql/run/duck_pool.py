"""Re-usable DuckDB cursors of one session.

Each execution needs its own DuckDB connection of the shared database (one open result per connection, several
portals may stream at once), and every one needs per-connection settings (the session's variables,
`streaming_buffer_size`, the session's TimeZone). Those SETs cost more than running
`SELECT 1`, so finished cursors go back to a small pool with their settings in place;
a cursor whose statement was interrupted is closed instead of being reused. The results of constant statements
(BoundQuery.constant: SELECT 1, a connection pool's validation query) are kept too, so repeating one costs no
DuckDB call and no thread hop.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pyarrow as pa

from pgserver.sql.plan_cache import Lru

log = logging.getLogger(__name__)

# DuckDB reads ahead of the client into a streaming buffer; a small one bounds how many
# provider batches (API pages) are fetched before the client asks for more rows.
STREAMING_BUFFER = "16KB"
IDLE_CURSORS = 4
RELATIONS_PER_CURSOR = 64
CONSTANT_RESULTS = 64  # per database, shared by its sessions


@dataclass
class ConstantResult:
    """A constant statement's result as DuckDB produced it, and its DataRows once encoded for a result shape."""

    names: list[str]
    types: list[str]  # DuckDB type names
    batches: list[pa.RecordBatch | None]  # to the end (None)
    encoded: dict[Any, tuple[bytes, int]] = field(default_factory=dict)  # (columns, formats, ctx) → DataRows, rows
    rows: int = field(init=False)

    def __post_init__(self) -> None:
        self.rows = sum(b.num_rows for b in self.batches if b is not None)


class DuckCursorPool:
    """Hands out DuckDB cursors of the session database with the session's settings applied."""

    def __init__(self, connect: Callable[[], duckdb.DuckDBPyConnection], setup: str,
                 idle_limit: int = IDLE_CURSORS, constants: Lru[ConstantResult] | None = None) -> None:
        """`connect()` opens a connection of the shared database; `setup` sets the session's variables on it.
        `constants`: the kept constant results, shared by the sessions of one database (SharedDatabase): such a
        result depends on nothing a session has, so a new connection's `SELECT 1` needs no DuckDB cursor."""
        self._connect = connect
        self._setup = setup
        self._idle: list[tuple[duckdb.DuckDBPyConnection, str]] = []  # (cursor, its TimeZone)
        self._relations: dict[int, Lru[duckdb.DuckDBPyRelation]] = {}  # per cursor: SQL → relation
        self._idle_limit = idle_limit
        self._closed = False
        # SQL → result (BoundQuery.constant)
        self._constants: Lru[ConstantResult] = constants if constants is not None else Lru(CONSTANT_RESULTS)

    def acquire(self, time_zone: str) -> PooledCursor:
        """A cursor with the streaming buffer bounded and `time_zone` applied."""
        if self._idle:
            cursor, zone = self._idle.pop()
        else:
            cursor, zone = self._connect(), "UTC"
            cursor.execute(f"{self._setup}; SET streaming_buffer_size = '{STREAMING_BUFFER}'")
        wanted = time_zone or "UTC"
        if zone.upper() != wanted.upper():
            zone = _apply_time_zone(cursor, wanted)
        return PooledCursor(self, cursor, zone)

    def relation(self, cursor: duckdb.DuckDBPyConnection, sql: str) -> duckdb.DuckDBPyRelation:
        """A relation over `sql` that reads no registered scan, kept per cursor: a DuckDB relation runs its
        query afresh each time it is read, so re-reading it skips parsing and binding the statement again."""
        cached = self._relations.setdefault(id(cursor), Lru(RELATIONS_PER_CURSOR))
        relation = cached.get(sql)
        if relation is None:
            relation = cursor.sql(sql)
            cached.put(sql, relation)
        return relation

    def constant_result(self, sql: str) -> ConstantResult | None:
        """The kept result of a constant statement (one that can never change: SELECT 1), if it ran before."""
        return self._constants.get(sql)

    def keep_constant_result(self, sql: str, result: ConstantResult) -> None:
        self._constants.put(sql, result)

    def _give_back(self, pooled: PooledCursor, reusable: bool) -> None:
        cursor = pooled.connection
        for name in pooled.registered:
            try:
                cursor.unregister(name)
            except duckdb.Error:
                reusable = False
        if reusable and not self._closed and len(self._idle) < self._idle_limit:
            self._idle.append((cursor, pooled.time_zone))
        else:
            self._relations.pop(id(cursor), None)
            cursor.close()

    def close(self) -> None:
        self._closed = True
        idle, self._idle = self._idle, []
        self._relations.clear()
        for cursor, _ in idle:
            cursor.close()


class PooledCursor:
    """One execution's DuckDB cursor: remembers what it registered, goes back to the pool on release."""

    def __init__(self, pool: DuckCursorPool, connection: duckdb.DuckDBPyConnection, time_zone: str) -> None:
        self.pool = pool
        self.connection = connection
        self.time_zone = time_zone
        self.registered: list[str] = []

    def register(self, name: str, source: object) -> None:
        self.connection.register(name, source)
        self.registered.append(name)

    def release(self, reusable: bool) -> None:
        """Back to the pool (reusable: its statement finished or was closed normally) or closed."""
        self.pool._give_back(self, reusable)


def _apply_time_zone(cursor: duckdb.DuckDBPyConnection, time_zone: str) -> str:
    """timestamptz arithmetic, extract/date_trunc and casts to text follow the session TimeZone,
    as in PostgreSQL (DuckDB's ICU time zones; a zone ICU lacks keeps UTC)."""
    try:
        cursor.execute(f"SET TimeZone = '{time_zone.replace(chr(39), '')}'")
        return time_zone
    except duckdb.Error:
        log.debug("DuckDB does not know time zone %r; timestamptz stays in UTC", time_zone)
        cursor.execute("SET TimeZone = 'UTC'")
        return time_zone  # remembered as applied, so the same unknown zone is not tried again
