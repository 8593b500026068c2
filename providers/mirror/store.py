"""The mirror's store: one DuckDB file per data source holding the mirrored views and their refresh state.

A view's rows live in one table named after it, with the view's columns in its declared Arrow types plus, where
the view does not expose them, the API fields that identify a record (`__key_<field>`). `_mirror_views` holds
each view's state: rows, watermark (the newest change stamp mirrored), when it was last verified and last
reconciled, and a signature of its layout (a changed data model refills the view instead of serving old columns).

Every change to a view happens in one DuckDB transaction (`MirrorStore.write`): a refresh that fails, times out
or is cancelled rolls back and the view stays at its last consistent state; readers never see a refresh half
applied (DuckDB's MVCC). A file DuckDB cannot open, or whose contents disagree with its own bookkeeping, is moved
aside and rebuilt empty — never served. A file another process holds (a second server, or `pgserver warm`, on the
same cache_dir) is not broken: opening it fails with 55006 and leaves it alone.

The interface (`state`, `write`, `read`, `keys`, `drop`, `views`, `mark_stale`) is what another backend — a PostgreSQL shared
by several server instances — would implement (docs/decisions/0970-mirror.md).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from pgserver.errors import OBJECT_IN_USE, PgError

log = logging.getLogger(__name__)

STATE_TABLE = "_mirror_views"
# DuckDB's default (80 % of RAM) lets a fill's uncommitted rows and its buffer cache grow with the view; bounded,
# a fill of any size spills to the store's `.tmp` directory instead, and memory stays flat (decision 0970).
MEMORY_LIMIT = "256MB"


@dataclass(frozen=True)
class ViewState:
    """A mirrored view's bookkeeping, as the store last committed it."""

    view: str
    rows: int
    watermark: Any  # the newest change stamp mirrored (naive UTC datetime), None without change fields
    verified_at: float  # epoch seconds of the last successful refresh
    reconciled_at: float  # epoch seconds of the last key reconcile (or full fill)
    signature: str
    dependencies: dict[str, Any]  # the refresher's JSON-able notes per related resource (copied fields)


def in_use_error(path: Path, reason: str) -> PgError:
    holder = reason.partition("Conflicting lock is held in ")[2].split(". See")[0]
    return PgError(OBJECT_IN_USE, f"the mirror file {path} is in use by another process"
                   + (f" ({holder})" if holder else ""),
                   hint="Another pgserver or `pgserver warm` uses the same cache_dir: let it finish, or give each "
                        "server its own cache_dir.")


def table_name(view: str) -> str:
    return '"' + view.replace('"', '""') + '"'


def signature(schema: pa.Schema, keys: Sequence[str]) -> str:
    text = "|".join(f"{f.name}:{f.type}" for f in schema) + "#" + ",".join(keys)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class MirrorStore:
    """One data source's mirror (path None: in memory, for tests and tools)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._db = self._open()
        # Each view's committed state, read once: this process is the file's only writer (DuckDB's lock), so the
        # cache is exact as long as every commit below forgets the view's entry. (A query asks for it twice.)
        self._states: dict[str, ViewState | None] = {}

    # -- opening ------------------------------------------------------------------------
    def _open(self) -> duckdb.DuckDBPyConnection:
        if self.path is None:
            db = duckdb.connect(":memory:")
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            try:
                db = duckdb.connect(str(self.path))
                self._check(db)
            except (duckdb.Error, OSError) as exc:
                if isinstance(exc, duckdb.IOException) and "Could not set lock" in str(exc):
                    raise in_use_error(self.path, str(exc)) from None  # held, not broken: leave it alone
                log.warning("mirror store %s is unusable (%s); rebuilding it empty", self.path, exc)
                with contextlib.suppress(Exception):
                    db.close()  # type: ignore[possibly-undefined]
                self._move_aside()
                db = duckdb.connect(str(self.path))
        db.execute(f"SET threads = 1; SET preserve_insertion_order = true; SET memory_limit = '{MEMORY_LIMIT}'")
        db.execute(f"CREATE TABLE IF NOT EXISTS {STATE_TABLE} (view VARCHAR PRIMARY KEY, rows BIGINT, "
                   "watermark TIMESTAMP, verified_at DOUBLE, reconciled_at DOUBLE, signature VARCHAR, "
                   "dependencies VARCHAR)")
        return db

    def _check(self, db: duckdb.DuckDBPyConnection) -> None:
        """The store's own bookkeeping must agree with its tables (a truncated or damaged file does not)."""
        tables = {r[0] for r in db.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        if STATE_TABLE not in tables:
            if tables:
                raise duckdb.InvalidInputException("not a mirror store")
            return
        for view, rows in db.execute(f"SELECT view, rows FROM {STATE_TABLE}").fetchall():
            if view not in tables:
                raise duckdb.InvalidInputException(f"table of {view} is missing")
            actual = db.execute(f"SELECT count(*) FROM {table_name(view)}").fetchall()[0][0]
            if actual != rows:
                raise duckdb.InvalidInputException(f"{view} holds {actual} rows, its state says {rows}")

    def _move_aside(self) -> None:
        assert self.path is not None
        stamp = time.strftime("%Y%m%d-%H%M%S")
        for suffix in ("", ".wal"):
            old = Path(str(self.path) + suffix)
            if old.exists():
                old.replace(Path(f"{self.path}{suffix}.broken-{stamp}"))

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def cursor(self) -> duckdb.DuckDBPyConnection:
        with self._lock:
            return self._db.cursor()

    # -- reading state ------------------------------------------------------------------------
    def state(self, view: str) -> ViewState | None:
        if view in self._states:
            return self._states[view]
        cursor = self.cursor()
        try:
            row = cursor.execute(f"SELECT view, rows, watermark, verified_at, reconciled_at, signature, dependencies "
                                 f"FROM {STATE_TABLE} WHERE view = ?", [view]).fetchall()
        finally:
            cursor.close()
        found = self._states[view] = _state(row[0]) if row else None
        return found

    def views(self) -> list[ViewState]:
        cursor = self.cursor()
        try:
            rows = cursor.execute(f"SELECT view, rows, watermark, verified_at, reconciled_at, signature, dependencies "
                                  f"FROM {STATE_TABLE} ORDER BY view").fetchall()
        finally:
            cursor.close()
        return [_state(r) for r in rows]

    def size_on_disk(self) -> int:
        if self.path is None:
            return 0
        return sum(p.stat().st_size for p in (self.path, Path(str(self.path) + ".wal")) if p.exists())

    # -- reading rows -----------------------------------------------------------------------
    def read(self, view: str, sql: str, params: Sequence[Any], batch_rows: int = 2048) -> Iterator[pa.RecordBatch]:
        """Batches of `sql` (a SELECT over the view's table, named {table}) on a cursor of its own."""
        cursor = self.cursor()
        try:
            reader = cursor.sql(sql.format(table=table_name(view)), params=list(params)).to_arrow_reader(batch_rows)
            yield from reader
        finally:
            cursor.close()

    def keys(self, view: str, key_columns: Sequence[str]) -> pa.Table:
        cursor = self.cursor()
        try:
            columns = ", ".join(table_name(c) for c in key_columns)
            return cursor.sql(f"SELECT {columns} FROM {table_name(view)}").to_arrow_table()
        finally:
            cursor.close()

    # -- writing ----------------------------------------------------------------------------
    @contextlib.contextmanager
    def _transaction(self, view: str) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor in one transaction that changes `view`: committed when the block ends normally (and the view's
        cached state forgotten), rolled back on any exception."""
        cursor = self.cursor()
        cursor.execute("BEGIN TRANSACTION")
        try:
            yield cursor
            cursor.execute("COMMIT")
            self._states.pop(view, None)
        except BaseException:
            with contextlib.suppress(duckdb.Error):
                cursor.execute("ROLLBACK")
            raise
        finally:
            cursor.close()

    @contextlib.contextmanager
    def write(self, view: str, schema: pa.Schema, keys: Sequence[str]) -> Iterator[MirrorWrite]:
        """One refresh of `view` as one transaction: committed when the block ends normally (after `finish`),
        rolled back on any exception. A view whose layout changed is emptied first."""
        with self._transaction(view) as cursor:
            writer = MirrorWrite(cursor, view, schema, keys)
            writer.prepare()
            yield writer
            if not writer.finished:
                raise RuntimeError("a mirror write must end with finish()")

    def mark_stale(self, view: str, gone: pa.Table | None = None) -> bool:
        """Make the next read of `view` refresh it, whatever its CacheMode: a write through us changed it. `gone`
        holds keys deleted through us (key columns by name), removed now. One transaction; the caller makes sure
        no refresh of the view is under way (it would conflict). False when the view is not mirrored."""
        with self._transaction(view) as cursor:
            if not cursor.execute(f"SELECT 1 FROM {STATE_TABLE} WHERE view = ?", [view]).fetchall():
                return False
            if gone is not None and gone.num_rows:
                _delete_keys(cursor, table_name(view), gone.column_names, gone)
            cursor.execute(f"UPDATE {STATE_TABLE} SET verified_at = 0, rows = (SELECT count(*) FROM "
                           f"{table_name(view)}) WHERE view = ?", [view])
            return True

    def drop(self, view: str) -> bool:
        with self._transaction(view) as cursor:
            existed = cursor.execute(f"DELETE FROM {STATE_TABLE} WHERE view = ? RETURNING view", [view]).fetchall()
            cursor.execute(f"DROP TABLE IF EXISTS {table_name(view)}")
            return bool(existed)


class MirrorWrite:
    """The changes of one refresh (inside its transaction)."""

    def __init__(self, cursor: duckdb.DuckDBPyConnection, view: str, schema: pa.Schema, keys: Sequence[str]) -> None:
        self.cursor = cursor
        self.view = view
        self.schema = schema
        self.keys = list(keys)
        self.table = table_name(view)
        self.signature = signature(schema, keys)
        self.previous: ViewState | None = None
        self.finished = False
        self._batch = 0

    def prepare(self) -> None:
        row = self.cursor.execute(f"SELECT view, rows, watermark, verified_at, reconciled_at, signature, dependencies "
                                  f"FROM {STATE_TABLE} WHERE view = ?", [self.view]).fetchall()
        self.previous = _state(row[0]) if row else None
        if self.previous is not None and self.previous.signature != self.signature:
            self.previous = None  # a new layout: fill again
        if self.previous is None:
            self.cursor.execute(f"DROP TABLE IF EXISTS {self.table}")
            self.cursor.register("__mirror_empty", self.schema.empty_table())
            self.cursor.execute(f"CREATE TABLE {self.table} AS SELECT * FROM __mirror_empty")
            self.cursor.unregister("__mirror_empty")

    @property
    def is_new(self) -> bool:
        return self.previous is None

    def clear(self) -> None:
        self.cursor.execute(f"DELETE FROM {self.table}")

    def append(self, batch: pa.RecordBatch) -> None:
        """Insert rows known to be new (a fill, after `clear` or into a new table: the paged scan's keys are
        unique) — without the search for rows to replace that makes `upsert` cost more as the table grows."""
        if not batch.num_rows:
            return
        name = f"__mirror_batch{self._batch}"
        self._batch += 1
        self.cursor.register(name, batch)
        try:
            self.cursor.execute(f"INSERT INTO {self.table} SELECT * FROM {name}")
        finally:
            self.cursor.unregister(name)

    def upsert(self, batch: pa.RecordBatch) -> tuple[int, int]:
        """Insert the rows, replacing those with the same key and other values (a row read again unchanged — the
        delta's overlap — is left alone); returns (rows inserted with a new key, rows replaced)."""
        if not batch.num_rows:
            return 0, 0
        name = f"__mirror_batch{self._batch}"
        self._batch += 1
        self.cursor.register(name, batch)
        try:
            match = " AND ".join(f"t.{table_name(k)} IS NOT DISTINCT FROM b.{table_name(k)}" for k in self.keys)
            values = [table_name(f.name) for f in self.schema if f.name not in self.keys]
            differs = (" AND (" + ", ".join(f"t.{v}" for v in values) + ") IS DISTINCT FROM ("
                       + ", ".join(f"b.{v}" for v in values) + ")") if values else " AND false"
            replaced = len(self.cursor.execute(
                f"DELETE FROM {self.table} AS t USING {name} AS b WHERE {match}{differs} RETURNING 1").fetchall())
            written = len(self.cursor.execute(
                f"INSERT INTO {self.table} SELECT * FROM {name} AS b WHERE NOT EXISTS (SELECT 1 FROM {self.table} "
                f"AS t WHERE {match}) RETURNING 1").fetchall())
        finally:
            self.cursor.unregister(name)
        return written - replaced, replaced

    def delete_keys(self, keys: pa.Table) -> int:
        return _delete_keys(self.cursor, self.table, self.keys, keys) if keys.num_rows else 0

    def keys_not_in(self, present: pa.Table) -> pa.Table:
        """The mirrored keys missing from `present` (the API's current keys): deleted at the source."""
        self.cursor.register("__mirror_present", present)
        try:
            columns = ", ".join(table_name(k) for k in self.keys)
            return self.cursor.sql(f"SELECT {columns} FROM {self.table} EXCEPT SELECT {columns} FROM "
                                   f"__mirror_present").to_arrow_table()
        finally:
            self.cursor.unregister("__mirror_present")

    def missing_from_mirror(self, present: pa.Table) -> pa.Table:
        self.cursor.register("__mirror_present", present)
        try:
            columns = ", ".join(table_name(k) for k in self.keys)
            return self.cursor.sql(f"SELECT {columns} FROM __mirror_present EXCEPT SELECT {columns} FROM "
                                   f"{self.table}").to_arrow_table()
        finally:
            self.cursor.unregister("__mirror_present")

    def rows(self) -> int:
        return int(self.cursor.execute(f"SELECT count(*) FROM {self.table}").fetchall()[0][0])

    def max_of(self, columns: Sequence[str]) -> Any:
        """The greatest value over these columns (the watermark), None when empty."""
        if not columns:
            return None
        values = ", ".join(f"max({table_name(c)})" for c in columns)
        found = [v for v in self.cursor.execute(f"SELECT {values} FROM {self.table}").fetchall()[0] if v is not None]
        return max(found) if found else None

    def finish(self, *, watermark: Any, verified_at: float, reconciled_at: float,
               dependencies: dict[str, Any]) -> ViewState:
        import json

        rows = self.rows()
        deps = json.dumps(dependencies)
        self.cursor.execute(f"INSERT OR REPLACE INTO {STATE_TABLE} VALUES (?, ?, ?, ?, ?, ?, ?)",
                            [self.view, rows, watermark, verified_at, reconciled_at, self.signature, deps])
        self.finished = True
        return ViewState(self.view, rows, watermark, verified_at, reconciled_at, self.signature, dependencies)


def _delete_keys(cursor: duckdb.DuckDBPyConnection, table: str, key_columns: Sequence[str], keys: pa.Table) -> int:
    """Delete the rows of `table` whose key columns match a row of `keys`; how many went."""
    cursor.register("__mirror_gone", keys)
    try:
        match = " AND ".join(f"t.{table_name(k)} IS NOT DISTINCT FROM g.{table_name(k)}" for k in key_columns)
        return len(cursor.execute(f"DELETE FROM {table} AS t USING __mirror_gone AS g WHERE {match} "
                                  "RETURNING 1").fetchall())
    finally:
        cursor.unregister("__mirror_gone")


def _state(row: tuple[Any, ...]) -> ViewState:
    import json

    return ViewState(row[0], int(row[1]), row[2], float(row[3]), float(row[4]), row[5], json.loads(row[6] or "{}"))
