"""The mirror's store: one DuckDB file per data source holding the mirrored views and their refresh state.

A view's rows live in one table named after it, with the view's columns in its declared Arrow types plus, where
the view does not expose them, the API fields that identify a record (`__key_<field>`). `_mirror_views` holds
each view's state: rows, watermark (the newest change stamp mirrored), when it was last verified and last
reconciled, and a signature of its layout (a changed data model refills the view instead of serving old columns).

Every change to a view happens in one DuckDB transaction (`MirrorStore.write`): a refresh that fails, times out
or is cancelled rolls back and the view stays at its last consistent state; readers never see a refresh half
applied (DuckDB's MVCC). A refresh that finds nothing changed opens no transaction at all: its verification is kept
in memory and written at most every `PERSIST_SECONDS` (and at close) — a persisted verification is never later
than the real one, so a restart may only trust the mirror less, never more (decision 0973). A file DuckDB cannot
open, or whose contents disagree with its own bookkeeping, is moved aside and rebuilt empty — never served. A file
another process holds (a second server, or `pgserver warm`, on the same cache_dir) is not broken: opening it fails
with 55006 and leaves it alone.

The interface (`state`, `write`, `read`, `keys`, `drop`, `views`, `mark_stale`) is what another backend — a PostgreSQL shared
by several server instances — would implement (docs/decisions/0970-mirror.md).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
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
# How often a view's verifications that changed no row are written to the file (decision 0973).
PERSIST_SECONDS = 60.0
# The rows of a view's last delta are kept (up to this many) to tell at once that the next delta — which reads
# them again (its overlap) — brings no change, without asking DuckDB (decision 0973).
RECENT_ROWS = 5000


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
        # Verifications that changed no row, newer than the file's (view → the state's verified_at, reconciled_at
        # and dependencies as they are now; written by `_persist` at a bounded rate).
        self._verified: dict[str, ViewState] = {}
        self._persisted_at: dict[str, float] = {}
        # Per view, rows as the mirror holds them, by key: those its last refresh read (the next delta's overlap).
        self._recent: dict[str, dict[tuple[Any, ...], dict[str, Any]]] = {}
        # The answers of recent reads, as Arrow tables, and each view's commit count they were read at (_Answers)
        self._answers = _Answers(ANSWER_BYTES)
        self._commits: dict[str, int] = {}

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
        for view in list(self._verified):
            with contextlib.suppress(duckdb.Error):
                self._persist(view)
        self._answers.clear()
        with self._lock:
            self._db.close()

    def cursor(self) -> duckdb.DuckDBPyConnection:
        with self._lock:
            return self._db.cursor()

    # -- reading state ------------------------------------------------------------------------
    def state(self, view: str) -> ViewState | None:
        """The view's state: as committed, with a newer verification that changed no row (kept in memory)."""
        verified = self._verified.get(view)
        if verified is not None:
            return verified
        return self._committed(view)

    def _committed(self, view: str) -> ViewState | None:
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
        return [self._verified.get(r[0]) or _state(r) for r in rows]

    def size_on_disk(self) -> int:
        if self.path is None:
            return 0
        return sum(p.stat().st_size for p in (self.path, Path(str(self.path) + ".wal")) if p.exists())

    # -- reading rows -----------------------------------------------------------------------
    def read(self, view: str, sql: str, params: Sequence[Any], batch_rows: int = 2048) -> Iterator[pa.RecordBatch]:
        """Batches of `sql` (a SELECT over the view's table, named {table}) on a cursor of its own — or, when the
        same read ran to its end since the view's last commit, that answer again (_Answers)."""
        key = _answer_key(view, sql, params)
        commits = self._commits.get(view, 0)
        kept = self._answers.get(key, commits) if key is not None else None
        if kept is not None:
            yield from kept.to_batches(batch_rows)
            return
        cursor = self.cursor()
        batches: list[pa.RecordBatch] | None = [] if key is not None else None
        try:
            reader = cursor.sql(sql.format(table=table_name(view)), params=list(params)).to_arrow_reader(batch_rows)
            size = 0
            for batch in reader:
                if batches is not None:
                    size += batch.nbytes
                    if size <= ANSWER_BYTES // 4:
                        batches.append(batch)
                    else:
                        batches = None  # too large to keep
                yield batch
            if batches is not None and key is not None:
                self._answers.put(key, commits, pa.Table.from_batches(batches, schema=reader.schema), size,
                                  current=lambda: self._commits.get(view, 0))
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
            self._committed_change(view)
            self._verified.pop(view, None)  # the committed state holds every verification up to now
        except BaseException:
            with contextlib.suppress(duckdb.Error):
                cursor.execute("ROLLBACK")
            raise
        finally:
            cursor.close()

    @contextlib.contextmanager
    def write(self, view: str, schema: pa.Schema, keys: Sequence[str]) -> Iterator[MirrorWrite]:
        """One refresh of `view`: its changes in one transaction, begun at the first change (a refresh that changes
        nothing writes nothing), committed when the block ends normally (after `finish`), rolled back on any
        exception. A view whose layout changed is emptied first. The caller makes sure it is the view's only
        refresh (SageMirror's flights): what it reads before its first change is what it would read inside."""
        cursor = self.cursor()
        writer = MirrorWrite(cursor, view, schema, keys, self._committed(view), self._recent.pop(view, None))
        try:
            writer.prepare()
            yield writer
            if not writer.finished:
                raise RuntimeError("a mirror write must end with finish()")
            if writer.began:
                cursor.execute("COMMIT")
                self._committed_change(view)
                self._verified.pop(view, None)
                self._persisted_at[view] = time.time()
            elif writer.result is not None:
                self._note_verified(writer.result)
            if writer.seen is not None:
                self._recent[view] = writer.seen
        except BaseException:
            if writer.began:
                with contextlib.suppress(duckdb.Error):
                    cursor.execute("ROLLBACK")
            raise
        finally:
            cursor.close()

    def _committed_change(self, view: str) -> None:
        """After a COMMIT that changed `view`: its cached state and kept answers are old (a read that began before
        the commit and ends after it sees another count, and is not kept)."""
        self._states.pop(view, None)
        self._commits[view] = self._commits.get(view, 0) + 1

    def _note_verified(self, state: ViewState) -> None:
        """A refresh that changed no row: its verification is kept in memory, and written when the last write of
        this view is older than PERSIST_SECONDS."""
        self._verified[state.view] = state
        if time.time() - self._persisted_at.get(state.view, 0.0) >= PERSIST_SECONDS:
            self._persist(state.view)

    def _persist(self, view: str) -> None:
        state = self._verified.get(view)
        if state is None:
            return
        import json

        with self._transaction(view) as cursor:
            cursor.execute(f"UPDATE {STATE_TABLE} SET verified_at = ?, reconciled_at = ?, dependencies = ? "
                           "WHERE view = ? AND signature = ?", [state.verified_at, state.reconciled_at,
                                                                json.dumps(state.dependencies), view, state.signature])
        self._persisted_at[view] = time.time()

    def mark_stale(self, view: str, gone: pa.Table | None = None) -> bool:
        """Make the next read of `view` refresh it, whatever its CacheMode: a write through us changed it. `gone`
        holds keys deleted through us (key columns by name), removed now. One transaction; the caller makes sure
        no refresh of the view is under way (it would conflict). False when the view is not mirrored."""
        self._verified.pop(view, None)
        self._recent.pop(view, None)
        with self._transaction(view) as cursor:
            if not cursor.execute(f"SELECT 1 FROM {STATE_TABLE} WHERE view = ?", [view]).fetchall():
                return False
            if gone is not None and gone.num_rows:
                _delete_keys(cursor, table_name(view), gone.column_names, gone)
            cursor.execute(f"UPDATE {STATE_TABLE} SET verified_at = 0, rows = (SELECT count(*) FROM "
                           f"{table_name(view)}) WHERE view = ?", [view])
            return True

    def drop(self, view: str) -> bool:
        self._verified.pop(view, None)
        self._recent.pop(view, None)
        with self._transaction(view) as cursor:
            existed = cursor.execute(f"DELETE FROM {STATE_TABLE} WHERE view = ? RETURNING view", [view]).fetchall()
            cursor.execute(f"DROP TABLE IF EXISTS {table_name(view)}")
            return bool(existed)


ANSWER_BYTES = 64 << 20  # kept read answers in all (one answer at most a quarter of it)


def _answer_key(view: str, sql: str, params: Sequence[Any]) -> tuple[Any, ...] | None:
    key = (view, sql, tuple(params))
    try:
        hash(key)
    except TypeError:  # a list parameter (IN-list lookups pass tuples; anything else is not kept)
        return None
    return key


class _Answers:
    """Answers of whole reads of the store, kept while nothing committed to their view: a dashboard's or a
    report's repeated `SELECT … FROM view` (CacheMode TOLERANT/VERIFY) reads Arrow memory instead of DuckDB's
    storage again (11 ms for a 59-column view of 11,523 rows). Bounded by bytes, least recently used first out;
    safe across the worker threads reads run in."""

    def __init__(self, capacity: int) -> None:
        self._capacity = capacity
        self._lock = threading.Lock()
        self._items: OrderedDict[tuple[Any, ...], tuple[int, pa.Table, int]] = OrderedDict()
        self._bytes = 0

    def get(self, key: tuple[Any, ...], commits: int) -> pa.Table | None:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            if item[0] != commits:  # read before a later commit
                self._bytes -= self._items.pop(key)[2]
                return None
            self._items.move_to_end(key)
            return item[1]

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0

    def put(self, key: tuple[Any, ...], commits: int, table: pa.Table, size: int,
            current: Callable[[], int]) -> None:
        with self._lock:
            if current() != commits:  # the view changed while it was read: the answer may be either side's
                return
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= old[2]
            self._items[key] = (commits, table, size)
            self._bytes += size
            while self._bytes > self._capacity and self._items:
                self._bytes -= self._items.popitem(last=False)[1][2]


class MirrorWrite:
    """The changes of one refresh: a transaction begun at the first change (`began`)."""

    def __init__(self, cursor: duckdb.DuckDBPyConnection, view: str, schema: pa.Schema, keys: Sequence[str],
                 previous: ViewState | None, recent: dict[tuple[Any, ...], dict[str, Any]] | None = None) -> None:
        self.cursor = cursor
        self.view = view
        self.schema = schema
        self.keys = list(keys)
        self.table = table_name(view)
        self.signature = signature(schema, keys)
        self.previous = previous if previous is not None and previous.signature == self.signature else None
        self.began = False
        self.finished = False
        self.result: ViewState | None = None
        self._rows = self.previous.rows if self.previous is not None else 0  # kept as rows go in and out
        self._batch = 0
        # rows known to be in the mirror as they are (the last refresh's; MirrorStore._recent) …
        self._known = recent if self.previous is not None else None
        # … and the rows this refresh upserted, which become the next one's (None: not kept)
        self.seen: dict[tuple[Any, ...], dict[str, Any]] | None = {}

    def prepare(self) -> None:
        if self.previous is None:  # new, or a new layout: fill again
            self._begin()
            self.cursor.execute(f"DROP TABLE IF EXISTS {self.table}")
            self.cursor.register("__mirror_empty", self.schema.empty_table())
            self.cursor.execute(f"CREATE TABLE {self.table} AS SELECT * FROM __mirror_empty")
            self.cursor.unregister("__mirror_empty")

    def _begin(self) -> None:
        if not self.began:
            self.cursor.execute("BEGIN TRANSACTION")
            self.began = True

    @property
    def is_new(self) -> bool:
        return self.previous is None

    @property
    def changed(self) -> bool:
        """Whether the refresh changed any row so far."""
        return self.began

    def clear(self) -> None:
        self._begin()
        self.cursor.execute(f"DELETE FROM {self.table}")
        self._rows = 0
        self._known = self.seen = None

    def append(self, batch: pa.RecordBatch) -> None:
        """Insert rows known to be new (a fill, after `clear` or into a new table: the paged scan's keys are
        unique) — without the search for rows to replace that makes `upsert` cost more as the table grows."""
        if not batch.num_rows:
            return
        self._begin()
        self.seen = None
        name = f"__mirror_batch{self._batch}"
        self._batch += 1
        self.cursor.register(name, batch)
        try:
            self.cursor.execute(f"INSERT INTO {self.table} SELECT * FROM {name}")
        finally:
            self.cursor.unregister(name)
        self._rows += batch.num_rows

    def upsert(self, batch: pa.RecordBatch) -> tuple[int, int]:
        """Insert the rows, replacing those with the same key and other values; a row read again unchanged (the
        delta's overlap) is left alone, and a batch of such rows begins no transaction. Returns (rows inserted
        with a new key, rows replaced). Rows are compared with those the last refresh read (kept in memory),
        and the rest with the mirror's."""
        if not batch.num_rows:
            return 0, 0
        rows = batch.to_pylist()
        key_of = self._key_of
        known = self._known or {}
        unknown = [row for row in rows if known.get(key_of(row)) != row]
        if unknown:
            held = self._held(unknown)
            unknown = [row for row in unknown if held.get(key_of(row)) != row]
        if self.seen is not None:
            if len(self.seen) + len(rows) > RECENT_ROWS:
                self.seen = None
            else:
                self.seen.update((key_of(row), row) for row in rows)
        if not unknown:
            return 0, 0
        self._begin()
        name = f"__mirror_batch{self._batch}"
        self._batch += 1
        changed = pa.Table.from_pylist(unknown, schema=self.schema)
        match = " AND ".join(f"t.{table_name(k)} IS NOT DISTINCT FROM b.{table_name(k)}" for k in self.keys)
        self.cursor.register(name, changed)
        try:
            replaced = len(self.cursor.execute(
                f"DELETE FROM {self.table} AS t USING {name} AS b WHERE {match} RETURNING 1").fetchall())
            self.cursor.execute(f"INSERT INTO {self.table} SELECT * FROM {name}")
        finally:
            self.cursor.unregister(name)
        self._rows += changed.num_rows - replaced
        return changed.num_rows - replaced, replaced

    def _key_of(self, row: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(row[k] for k in self.keys)

    def _held(self, rows: list[dict[str, Any]]) -> dict[tuple[Any, ...], dict[str, Any]]:
        """The mirror's rows with the keys of `rows`, by key."""
        if self.previous is None and not self._rows:
            return {}
        keys = pa.Table.from_pylist([{k: row[k] for k in self.keys} for row in rows],
                                    schema=pa.schema([self.schema.field(k) for k in self.keys]))
        columns = ", ".join(table_name(k) for k in self.keys)
        self.cursor.register("__mirror_keys", keys)
        try:
            held = self.cursor.sql(f"SELECT * FROM {self.table} WHERE ({columns}) IN (SELECT {columns} FROM "
                                   "__mirror_keys)").to_arrow_table()
        finally:
            self.cursor.unregister("__mirror_keys")
        return {self._key_of(row): row for row in held.to_pylist()}

    def delete_keys(self, keys: pa.Table) -> int:
        if not keys.num_rows:
            return 0
        self._begin()
        deleted = _delete_keys(self.cursor, self.table, self.keys, keys)
        self._rows -= deleted
        if self.seen is not None:
            for row in keys.to_pylist():
                self.seen.pop(self._key_of(row), None)
        return deleted

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
        """The rows the view holds now (with this refresh's changes)."""
        return self._rows

    def max_of(self, columns: Sequence[str]) -> Any:
        """The greatest value over these columns (the watermark), None when empty."""
        if not columns:
            return None
        values = ", ".join(f"max({table_name(c)})" for c in columns)
        found = [v for v in self.cursor.execute(f"SELECT {values} FROM {self.table}").fetchall()[0] if v is not None]
        return max(found) if found else None

    def finish(self, *, watermark: Any, verified_at: float, reconciled_at: float,
               dependencies: dict[str, Any]) -> ViewState:
        """The refresh's outcome. With no row changed and the watermark where it was, nothing is written now (the
        store keeps the verification in memory, MirrorStore._note_verified); otherwise the state goes into the
        refresh's transaction."""
        import json

        state = ViewState(self.view, self._rows, watermark, verified_at, reconciled_at, self.signature, dependencies)
        if self.previous is None or watermark != self.previous.watermark:
            self._begin()
        if self.began:
            self.cursor.execute(f"INSERT OR REPLACE INTO {STATE_TABLE} VALUES (?, ?, ?, ?, ?, ?, ?)",
                                [self.view, self._rows, watermark, verified_at, reconciled_at, self.signature,
                                 json.dumps(dependencies)])
        self.finished = True
        self.result = state
        return state


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
