"""Running a planned query in DuckDB and streaming its rows (the Cursor for SELECT).

Each execution uses its own DuckDB cursor (a connection sharing the session database),
so several portals/cursors can stream at once. Provider scans are registered as lazily
pulled Arrow readers (see scans.py); procedure results as small Arrow tables. DuckDB runs
in worker threads; rows leave as Arrow batches converted to Python values.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import datetime as dt
import functools
import logging
import math
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import anyio
import duckdb
import pyarrow as pa
from anyio import to_thread
from anyio.lowlevel import current_token

from pgserver.engine import Cursor, ResultColumn
from pgserver.errors import INTERNAL_ERROR, QUERY_CANCELED, PgError
from pgserver.provider import ScanContext, arrow_schema, arrow_type
from pgserver.sql.bind.bound_query import BoundQuery, JoinKey, ProcedureSlot, QueryPlan, ScanSlot
from pgserver.sql.pushdown.key_lookups import collect_keys, restrict_target
from pgserver.sql.pushdown.scans import LiveScan, ScanCanceled, canceled_error
from pgserver.sql.run.dialect import NO_COLUMN
from pgserver.sql.run.duck_pool import ConstantResult, DuckCursorPool, PooledCursor
from pgserver.sql.run.duckdb_errors import translate
from pgserver.sql.run.statement_stats import StatementStats
from pgserver.sql.run.wire_rows import DataRowEncoder
from pgserver.types import NUMERIC, TIMETZ, FormatContext
from pgserver.types.arrow import pg_type_of_duckdb, python_values
from pgserver.types.datetime import parse_timetz

log = logging.getLogger(__name__)
ARROW_BATCH_ROWS = 1024  # over provider scans: rows reach the client soon after the first API pages
LOCAL_BATCH_ROWS = 8192  # without scans: larger batches spread the per-batch encoding cost (wire_rows)
LOCAL_SCAN_ROWS = 8192  # a scan of the provider's local copy up to this size is read whole before DuckDB starts
FIRST_ROWS = 1024  # the first part of a cursor's first large row-limited Execute (fetch_data_rows)
COALESCE_ROWS = 8192  # at most this many rows of small batches joined for one Execute with a row limit (_take)


def procedure_table(slot: ProcedureSlot, rows: list[tuple[Any, ...]]) -> pa.Table:
    outputs = [p for p in slot.procedure.spec.parameters if p.direction.upper() == "OUT"]
    schema = pa.schema([pa.field(p.name, arrow_type(p.pg_type)) for p in outputs])
    columns = [pa.array([row[i] for row in rows], type=f.type) for i, f in enumerate(schema)]
    return pa.Table.from_arrays(columns, schema=schema)


def result_columns(names: list[str], duck_types: list[str], plan: QueryPlan | BoundQuery) -> list[ResultColumn]:
    """RowDescription fields: declared types for plain column references, DuckDB's otherwise (a bound query's
    facts are the plan's, before any execution)."""
    provenance = plan.output_columns if plan.output_columns and len(plan.output_columns) == len(names) else None
    catalog = plan.catalog_types if plan.catalog_types is not None and len(plan.catalog_types) == len(names) else None
    declared = plan.cast_types if len(plan.cast_types) == len(names) else [None] * len(names)
    columns = []
    for index, (name, duck_type) in enumerate(zip(names, duck_types, strict=True)):
        source = provenance[index] if provenance else None
        known = catalog[index] if catalog is not None else None
        if index in plan.numeric_text_columns:  # exact numeric text (pg_numeric)
            columns.append(ResultColumn(name, NUMERIC))
        elif source is None and known is not None:
            columns.append(ResultColumn(name, known.type_oid, known.typmod, known.table_oid, known.column_number))
        elif source is not None:
            slot, column = source
            oid, typmod = column.type.oid, column.type.typmod
            spec = slot.relation.spec
            number = next(i for i, c in enumerate(spec.columns, 1) if c.name == column.name)
            columns.append(ResultColumn(name, oid, typmod, slot.relation.table_oid, number))
        else:
            described = pg_type_of_duckdb(duck_type)
            oid, typmod = declared[index] or (described.oid, described.typmod)
            columns.append(ResultColumn(name, oid, typmod))
    return columns


@contextlib.contextmanager
def empty_inputs(duck: duckdb.DuckDBPyConnection, plan: QueryPlan) -> Iterator[duckdb.DuckDBPyConnection]:
    """The session's own connection with every scan and procedure of `plan` registered as an empty relation:
    to bind or explain the local SQL without calling any provider (only the event loop uses this connection)."""
    names = [slot.name for slot in plan.scans] + [proc.name for proc in plan.procedures]
    for slot in plan.scans:
        duck.register(slot.name, arrow_schema(slot.relation.spec, slot.request.columns).empty_table())
    for proc in plan.procedures:
        duck.register(proc.name, procedure_table(proc, []))
    try:
        yield duck
    finally:
        for name in names:
            with contextlib.suppress(duckdb.Error):
                duck.unregister(name)


def describe(duck: duckdb.DuckDBPyConnection, plan: QueryPlan, sql: str, client_sql: str) -> list[ResultColumn]:
    """The result columns of `sql` without running it: bind it over empty inputs."""
    with empty_inputs(duck, plan) as cursor:
        try:
            relation = cursor.sql(sql)
            names, types = list(relation.columns), [str(t) for t in relation.types]
        except duckdb.Error as err:
            raise translate(err, client_sql) from None
        kept = _real_columns(names)
        return result_columns([names[i] for i in kept], [types[i] for i in kept], plan)


def _real_columns(names: list[str]) -> list[int]:
    """The result columns but dialect.NO_COLUMN, the placeholder of an empty select list (DuckDB names a repeated
    one `… _1`)."""
    return [i for i, name in enumerate(names) if not name.startswith(NO_COLUMN)]


def _without_placeholders(reader: pa.RecordBatchReader, kept: list[int]) -> pa.RecordBatchReader:
    """The rows of `reader` with only the `kept` columns, none at all for `SELECT FROM t` (an Arrow batch keeps its
    row count without columns)."""
    def batches() -> Iterator[pa.RecordBatch]:
        try:
            for batch in reader:
                yield batch.select(kept)
        finally:
            reader.close()

    return pa.RecordBatchReader.from_batches(pa.schema([reader.schema.field(i) for i in kept]), batches())


def _read_batches(reader: pa.RecordBatchReader, rows: int) -> list[pa.RecordBatch | None]:
    """Batches until they hold `rows` rows, or to the end (then the last is None)."""
    batches: list[pa.RecordBatch | None] = []
    while rows > 0:
        batch = _read_next(reader)
        batches.append(batch)
        if batch is None:
            break
        rows -= batch.num_rows
    return batches


@functools.lru_cache(maxsize=256)
def _row_encoder(columns: tuple[ResultColumn, ...], formats: tuple[int, ...], ctx: FormatContext,
                 numeric_text: frozenset[int]) -> DataRowEncoder:
    """One encoder per result shape, shared by every execution of it (building one looks up each column's
    codecs: a statement executed again, a pool's validation query, reuses them)."""
    return DataRowEncoder(columns, formats, ctx, numeric_text)


@dataclass(frozen=True)
class _Ahead:
    """One Execute's rows read ahead (QueryCursor._start_ahead)."""

    rows: pa.RecordBatch  # at most the row limit
    encoded: bytes  # their DataRow messages
    rest: pa.RecordBatch  # rows read beyond the limit
    exhausted: bool  # the reader reached its end (and closed itself)


_AHEAD_THREADS = concurrent.futures.ThreadPoolExecutor(4, thread_name_prefix="pgserver-read-ahead")


def _ahead_job(reader: pa.RecordBatchReader, pending: pa.RecordBatch | None, max_rows: int,
               encoder: DataRowEncoder) -> _Ahead:
    """QueryCursor._take and the encoding, in a worker thread: rows up to the limit (small batches joined up to
    COALESCE_ROWS), then their DataRows."""
    batches = [pending] if pending is not None and pending.num_rows else []
    have, exhausted = sum(b.num_rows for b in batches), False
    while have < min(max_rows, COALESCE_ROWS) and not exhausted:
        for batch in _read_batches(reader, min(max_rows, COALESCE_ROWS) - have):
            if batch is None:
                exhausted = True
            elif batch.num_rows:
                batches.append(batch)
                have += batch.num_rows
    if not batches:
        empty = pa.RecordBatch.from_pylist([], schema=reader.schema)
        return _Ahead(empty, b"", empty, exhausted)
    joined = batches[0] if len(batches) == 1 else pa.Table.from_batches(batches).combine_chunks().to_batches()[0]
    rows, rest = joined.slice(0, max_rows), joined.slice(max_rows)
    return _Ahead(rows, encoder.encode(rows), rest, exhausted)


def _finished(future: concurrent.futures.Future[_Ahead]) -> None:
    with contextlib.suppress(Exception):
        future.result()


_TIMETZ = "TIME WITH TIME ZONE"


def _timetz_as_text(relation: duckdb.DuckDBPyRelation, types: list[str]) -> duckdb.DuckDBPyRelation:
    """DuckDB's Arrow export of TIMETZ drops the offset ('10:00+02' arrives as 10:00): such a column is read as
    DuckDB's text of it instead, which is PostgreSQL's timetz output (the timetz codec sends text as it is and
    parses it for binary; QueryCursor.fetch parses it)."""
    if _TIMETZ not in types:
        return relation
    return relation.project(", ".join(f"CAST(#{i} AS VARCHAR)" if t == _TIMETZ else f"#{i}"
                                      for i, t in enumerate(types, 1)))


def _read_next(reader: pa.RecordBatchReader) -> pa.RecordBatch | None:
    """The next batch, or None at the end — then the reader is closed here, in the worker thread
    (closing DuckDB's stream from the event loop cost as much as a small query)."""
    try:
        return reader.read_next_batch()
    except StopIteration:
        reader.close()
        return None
    except (OSError, pa.ArrowException) as err:  # DuckDB's error after the first batch, through its Arrow stream
        raise duckdb.Error(str(err)) from err


# The reader of a result served from kept batches (DuckCursorPool.constant_result): already at its end
_FINISHED = pa.RecordBatchReader.from_batches(pa.schema([]), [])


class QueryCursor(Cursor):
    """Streams one query's rows; cancel() interrupts DuckDB and the provider scans."""

    copy_out = None

    def __init__(self, cursors: DuckCursorPool, plan: QueryPlan, sql: str, client_sql: str,
                 ctx: ScanContext, procedure_rows: dict[str, list[tuple[Any, ...]]],
                 on_close: Callable[[QueryCursor], None] | None = None, timeout_ms: int = 0,
                 limiter: anyio.CapacityLimiter | None = None, time_zone: str = "UTC") -> None:
        self.plan = plan
        self.sql = sql
        self.client_sql = client_sql
        self.columns: list[ResultColumn] | None = None
        self._pool = cursors
        self._ctx = ctx
        self._procedure_rows = procedure_rows
        self._cursor: PooledCursor | None = None
        self._reader: pa.RecordBatchReader | None = None
        self._read_ahead: list[pa.RecordBatch | None] = []  # batches read with the statement's start (None: end)
        self._pending: pa.RecordBatch | None = None  # the unread rest of the current batch
        # The next Execute's rows, read and encoded in a worker thread while the client reads this one's (_ahead_job)
        self._ahead: tuple[concurrent.futures.Future[_Ahead], tuple[Any, int]] | None = None
        self._execute_limit: int | None = None  # the row limit of an Execute answered in two parts (FIRST_ROWS)
        self._encoder: tuple[Any, DataRowEncoder] | None = None
        self._constant: ConstantResult | None = None  # a kept constant result not yet sent (_constant_rows)
        self._scans: list[LiveScan] = []
        self._exhausted = False
        self._reader_done = False
        self._canceled = False
        self._failed = False
        self._closed = False
        self._on_close = on_close
        self._timeout_ms = timeout_ms
        # The session's own thread budget: a statement waiting on a slow API never holds one of
        # anyio's shared default worker tokens that other sessions need.
        self._limiter = limiter
        self._time_zone = time_zone
        self._deadline: float | None = None
        self._timed_out = False
        self.key_lookups_applied: list[tuple[JoinKey, int]] = []
        self.row_count = 0
        self.stats: StatementStats | None = None  # the statement's log line and metrics, finished by close()
        self.error: PgError | None = None  # what ended the rows early, if anything

    async def start(self) -> None:
        """Register the inputs and start DuckDB (binding errors surface here)."""
        token = current_token() if self.plan.scans else None
        if self._timeout_ms > 0:
            self._deadline = anyio.current_time() + self._timeout_ms / 1000
        live_scans: dict[str, LiveScan] = {}

        def live(slot: ScanSlot) -> LiveScan:
            if slot.name not in live_scans:
                assert slot.plan is not None and token is not None
                live_scans[slot.name] = LiveScan(slot.relation.provider, slot.plan, self._ctx, token)
                self._scans.append(live_scans[slot.name])
            return live_scans[slot.name]

        constant = self._pool.constant_result(self.sql) if self.plan.constant else None
        if constant is not None:  # kept from an earlier run, by any session: no DuckDB cursor is needed
            self._reader, self._read_ahead, self._constant = _FINISHED, list(constant.batches), constant
            self._started(constant.names, constant.types)
            return
        if self.plan.key_lookups:
            await self._key_lookups(live)
        whole = await self._read_local_scans(live)
        if self.plan.passthrough is not None and self._passthrough(whole, live):
            return
        self._cursor = pooled = self._pool.acquire(self._time_zone)
        for slot in self.plan.scans:
            pooled.register(slot.name, whole[slot.name] if slot.name in whole else live(slot).reader())
        for proc in self.plan.procedures:
            pooled.register(proc.name, procedure_table(proc, self._procedure_rows.get(proc.name, [])))
        connection = pooled.connection
        # When every input is already local (no provider scan, or each one read whole from the provider's local
        # copy), the first rows are read in the same worker-thread call, so a small result (SELECT 1, catalog
        # queries, a key lookup on the mirror) costs one thread hop. Otherwise rows are only pulled when the client
        # asks (the API is paged lazily).
        read_ahead = len(whole) == len(self.plan.scans)

        def run() -> tuple[pa.RecordBatchReader, list[str], list[str], list[pa.RecordBatch | None]]:
            relation = self._pool.relation(connection, self.sql) if not self.plan.scans \
                else connection.sql(self.sql)
            names, types = list(relation.columns), [str(t) for t in relation.types]
            reader = _timetz_as_text(relation, types).to_arrow_reader(
                LOCAL_BATCH_ROWS if read_ahead else ARROW_BATCH_ROWS)
            kept = _real_columns(names)
            if len(kept) < len(names):  # an empty select list's placeholder
                reader, names, types = _without_placeholders(reader, kept), [names[i] for i in kept], \
                    [types[i] for i in kept]
            batches: list[pa.RecordBatch | None] = []
            rows = 0
            while read_ahead and rows < LOCAL_BATCH_ROWS:
                batch = _read_next(reader)
                batches.append(batch)
                if batch is None:
                    break
                rows += batch.num_rows
            return reader, names, types, batches

        self._reader, names, types, self._read_ahead = await self._in_thread(run)
        if self.plan.constant and self._read_ahead and self._read_ahead[-1] is None:  # the whole result
            self._pool.keep_constant_result(self.sql, ConstantResult(names, types, list(self._read_ahead)))
        self._started(names, types)

    def _started(self, names: list[str], types: list[str]) -> None:
        """The rows are ready to read: what was read ahead, and the result columns."""
        if self._read_ahead and self._read_ahead[-1] is None:
            self._reader_done = True  # read to its end in the worker thread, which closed it (_read_next)
        key = (tuple(names), tuple(types))
        known = self.plan.described.get(key)  # a reused plan (plan_cache) describes its result once
        if known is None:
            known = self.plan.described[key] = result_columns(names, types, self.plan)
        self.columns = known

    def _passthrough(self, whole: dict[str, pa.Table], live: Callable[[ScanSlot], LiveScan]) -> bool:
        """A query whose rows are its one scan's columns (QueryPlan.passthrough) over the provider's local copy:
        the scan's batches are the result, in the order the query names the columns, with no DuckDB pass
        copying them (decision 1021). False: DuckDB runs it (a live scan)."""
        assert self.plan.passthrough is not None
        slot = self.plan.scans[0]
        if slot.plan is None or not slot.plan.rows_local:
            return False
        names = [name for name, _ in self.plan.passthrough]
        declared = [column for _, column in self.plan.passthrough]
        if slot.name in whole:  # read whole already (at most about LOCAL_SCAN_ROWS): every batch is ready
            table = whole[slot.name].select(declared).rename_columns(names)
            reader, self._read_ahead = _FINISHED, [*table.to_batches(LOCAL_BATCH_ROWS), None]
            types = [str(field.type) for field in table.schema]
        else:
            scan = live(slot)
            schema = pa.schema([scan.schema.field(column).with_name(name) for name, column in self.plan.passthrough])
            reader = pa.RecordBatchReader.from_batches(
                schema, (pa.RecordBatch.from_arrays(b.select(declared).columns, schema=schema) for b in scan.reader()))
            types = [str(field.type) for field in schema]
        self._reader = reader
        self._started(names, types)
        return True

    async def _key_lookups(self, live: Callable[[ScanSlot], LiveScan]) -> None:
        """Read key-lookup drivers ahead (on the event loop) and narrow their targets."""
        async def narrow() -> None:
            for key in self.plan.key_lookups:
                values = await collect_keys(live(key.driver), key.driver_column)
                if values:  # an empty driver needs no lookup: the join reads little of the target
                    restrict_target(key, values, self._ctx)
                    self.key_lookups_applied.append((key, len(values)))

        await self._before_start(narrow)

    async def _read_local_scans(self, live: Callable[[ScanSlot], LiveScan]) -> dict[str, pa.Table]:
        """Scans whose rows are the provider's local copy (ScanPlan.rows_local) read on the event loop before
        DuckDB starts, each to its end when that is at most LOCAL_SCAN_ROWS rows: DuckDB then reads a table, with
        no call back to the event loop per batch. A larger one keeps what was read for its reader, which goes on."""
        whole: dict[str, pa.Table] = {}
        local = [slot for slot in self.plan.scans if slot.plan is not None and slot.plan.rows_local]

        async def read() -> None:
            for slot in local:
                scan = live(slot)
                rows = sum(b.num_rows for b in scan.prefetched)
                while rows <= LOCAL_SCAN_ROWS and not scan.finished:
                    batch = await scan.prefetch()
                    rows += batch.num_rows if batch is not None else 0
                if scan.finished:
                    whole[slot.name] = pa.Table.from_batches(scan.prefetched, schema=scan.schema)
                    scan.prefetched.clear()

        if local:
            await self._before_start(read)
        return whole

    async def _before_start(self, work: Callable[[], Awaitable[None]]) -> None:
        """Provider reads on the event loop before DuckDB starts, under the statement's deadline: a cancel, the
        timeout or a provider's failure becomes the statement's error, as it would inside DuckDB's pull."""
        try:
            with anyio.CancelScope(deadline=self._deadline if self._deadline is not None else math.inf) as scope:
                await work()
        except ScanCanceled:
            raise self._canceled_error() from None
        except PgError:
            raise
        except Exception as err:
            raise self._scan_failure(err) from None
        if scope.cancelled_caught:
            self._timed_out = True
            raise self._canceled_error()

    def _scan_failure(self, err: Exception) -> PgError:
        for scan in self._scans:
            if scan.error is err:
                spec = scan.provider.spec
                log.error("provider %s.%s failed", spec.schema, spec.name, exc_info=err)
                return PgError(INTERNAL_ERROR, f"internal error while scanning {spec.schema}.{spec.name}")
        log.error("query failed", exc_info=err)
        return PgError(INTERNAL_ERROR, "internal error")

    async def _in_thread(self, function: Callable[..., Any], *args: Any, inline: bool = False) -> Any:
        """`function` in a worker thread, under the statement's deadline and cancel, its errors the statement's
        (`inline`: it does not block — a finished read-ahead's result — so it runs here, with no thread hop)."""
        if self._canceled:
            raise self._canceled_error()
        try:
            if inline:
                return function(*args)
            if self._deadline is None:
                return await to_thread.run_sync(function, *args, limiter=self._limiter)
            async with anyio.create_task_group() as group:
                group.start_soon(self._watchdog, self._deadline)
                result = await to_thread.run_sync(function, *args, limiter=self._limiter)
                group.cancel_scope.cancel()
            return result
        except PgError:
            self._failed = True
            raise
        except Exception as err:
            self._failed = True
            if self._canceled or any(s.canceled for s in self._scans):
                raise self._canceled_error() from None
            for scan in self._scans:
                if isinstance(scan.error, PgError):
                    raise scan.error from None
                if scan.error is not None:
                    spec = scan.provider.spec
                    log.error("provider %s.%s failed", spec.schema, spec.name, exc_info=scan.error)
                    raise PgError(INTERNAL_ERROR, f"internal error while scanning {spec.schema}.{spec.name}") from None
            if isinstance(err, duckdb.Error):
                raise translate(err, self.client_sql) from None
            raise

    async def _read(self, rows: int) -> list[pa.RecordBatch | None]:
        """The next batches: read ahead, or at least `rows` rows read in one worker-thread call (None ends them)."""
        if self._read_ahead:
            return [self._read_ahead.pop(0)]
        assert self._reader is not None
        try:
            return await self._in_thread(_read_batches, self._reader, rows)
        except PgError as err:
            self.error = err
            raise

    async def _take(self, max_rows: int | None) -> pa.RecordBatch | None:
        """The next rows of the result, at most `max_rows`; None at the end. Without a limit, one DuckDB batch
        (rows of a live scan go out as they come). An Execute with a row limit is answered whole anyway, so
        DuckDB's small batches over provider scans (ARROW_BATCH_ROWS, or fewer from the mirror's reads) are
        joined up to the limit, at most COALESCE_ROWS: the per-batch cost of encoding a wide row is paid once."""
        await self._settle_ahead()
        want = 1 if max_rows is None else min(max_rows, COALESCE_ROWS)
        pending = [self._pending] if self._pending is not None and self._pending.num_rows else []
        have = sum(b.num_rows for b in pending)
        while have < want and not self._exhausted:
            for batch in await self._read(want - have):
                if batch is None:
                    self._exhausted = self._reader_done = True
                    await self._release_scans()
                elif batch.num_rows:
                    pending.append(batch)
                    have += batch.num_rows
        if not have:
            self._pending = None
            return None
        batch = pending[0] if len(pending) == 1 else pa.Table.from_batches(pending).combine_chunks().to_batches()[0]
        if max_rows is None or max_rows >= batch.num_rows:
            self._pending = None
        else:
            batch, self._pending = batch.slice(0, max_rows), batch.slice(max_rows)
        self.row_count += batch.num_rows
        return batch

    async def fetch(self, max_rows: int | None) -> list[tuple[Any, ...]]:
        rows: list[tuple[Any, ...]] = []
        while max_rows is None or len(rows) < max_rows:
            batch = await self._take(None if max_rows is None else max_rows - len(rows))
            if batch is None:
                break
            columns = [python_values(column) for column in batch.columns]
            for index in self.plan.numeric_text_columns:
                columns[index] = [None if v is None else Decimal(v) for v in columns[index]]
            for index, result in enumerate(self.columns or ()):  # timetz read as its text (_timetz_as_text)
                if result.type_oid == TIMETZ and pa.types.is_string(batch.column(index).type):
                    columns[index] = [None if v is None else parse_timetz(v, dt.UTC) for v in columns[index]]
            rows.extend(zip(*columns, strict=True) if columns else [()] * batch.num_rows)
        return rows

    async def fetch_data_rows(self, max_rows: int | None, columns: Sequence[ResultColumn], formats: Sequence[int],
                              ctx: FormatContext) -> tuple[bytes, int]:
        """Up to `max_rows` rows (None: the next batch) as DataRow messages for these columns (as the client
        was told in RowDescription) and result formats, encoded a column at a time (wire_rows);
        (b"", 0) once the result is exhausted."""
        key = (tuple(columns), tuple(formats), ctx)
        if self._constant is not None:  # first call: a kept constant result goes out whole, encoded once
            constant, self._constant = self._constant, None
            if max_rows is None or max_rows >= constant.rows:
                return self._constant_rows(constant, key)
        if self._encoder is None or self._encoder[0] != key:
            self._encoder = (key, _row_encoder(*key, self.plan.numeric_text_columns))
        if self._ahead is not None and self._ahead[1] == (key, max_rows):
            ahead = await self._settle_ahead(keep_encoded=True)
            if ahead is not None:
                self.row_count += ahead.rows.num_rows
                limit, self._execute_limit = self._execute_limit or max_rows, None
                self._start_ahead(limit)
                return ahead.encoded, ahead.rows.num_rows
        # The first Execute of a large row limit over local rows answers its first FIRST_ROWS at once and the rest
        # from a read-ahead started now: the client decodes the first rows while the server encodes the others.
        first = self.row_count == 0 and max_rows is not None and max_rows > FIRST_ROWS and self._ahead is None \
            and self._rows_are_local()
        batch = await self._take(FIRST_ROWS if first else max_rows)
        if batch is None:
            return b"", 0
        encoded = self._encoder[1].encode(batch)
        if first and max_rows is not None and batch.num_rows == FIRST_ROWS:
            self._execute_limit = max_rows  # after the rest of this Execute, read ahead for the next one
            self._start_ahead(max_rows - FIRST_ROWS)
        else:
            self._start_ahead(max_rows)
        return encoded, batch.num_rows

    def _constant_rows(self, constant: ConstantResult, key: Any) -> tuple[bytes, int]:
        """All rows of a kept constant result (SELECT 1, a pool's validation query) as DataRows: encoded once per
        result shape and kept with the result."""
        hit = constant.encoded.get(key)
        if hit is None:
            encoder = _row_encoder(*key, self.plan.numeric_text_columns)
            encoded = b"".join(encoder.encode(b) for b in constant.batches if b is not None)
            hit = constant.encoded[key] = (encoded, constant.rows)
        self._read_ahead, self._exhausted, self._reader_done = [], True, True
        self.row_count += constant.rows
        return hit

    def _start_ahead(self, max_rows: int | None) -> None:
        """After an Execute with a row limit over a local result (_rows_are_local: reading ahead of a live scan
        would ask the API for pages the client may never want), read and encode the next one's rows in a worker
        thread while the client decodes these: a client that fetches in chunks (asyncpg's cursors, JDBC's
        fetch size) no longer waits for the server's work on top of its own."""
        if max_rows is None or not self._rows_are_local() or self._exhausted or self._read_ahead \
                or self._reader is None or self._encoder is None or self._canceled or self._closed:
            return
        encoder, reader, pending = self._encoder[1], self._reader, self._pending
        self._pending = None
        self._ahead = (_AHEAD_THREADS.submit(_ahead_job, reader, pending, max_rows, encoder),
                       (self._encoder[0], max_rows))

    def _rows_are_local(self) -> bool:
        """No provider scan, or every one answered from the provider's local copy (the mirror reported a cache
        read for each): reading on asks no API for anything."""
        if not self.plan.scans:
            return True
        return self.stats is not None and bool(self._scans) and len(self._scans) == len(self.plan.scans) \
            and len(self.stats.cache_reads) >= len(self._scans)

    async def _settle_ahead(self, keep_encoded: bool = False) -> _Ahead | None:
        """Wait for the read-ahead, if any, and take its rows back as the pending ones (keep_encoded: as the
        answer to this Execute, returned, with what it read beyond them pending)."""
        if self._ahead is None:
            return None
        future, self._ahead = self._ahead[0], None
        try:
            ahead = await self._in_thread(future.result, inline=future.done())
        except PgError as err:
            self.error = err
            raise
        if ahead.exhausted:
            self._exhausted = self._reader_done = True
        if keep_encoded and ahead.rows.num_rows:
            self._pending = ahead.rest if ahead.rest.num_rows else None
            return ahead
        both = [b for b in (ahead.rows, ahead.rest) if b.num_rows]
        self._pending = None if not both else both[0] if len(both) == 1 else \
            pa.Table.from_batches(both).combine_chunks().to_batches()[0]
        return None

    @property
    def command_tag(self) -> str:
        return f"SELECT {self.row_count}"

    async def _watchdog(self, deadline: float) -> None:
        """statement_timeout: cancel the statement like a CancelRequest would."""
        await anyio.sleep_until(deadline)
        self._timed_out = True
        self.cancel()

    def _canceled_error(self) -> PgError:
        if self._timed_out:
            return PgError(QUERY_CANCELED, "canceling statement due to statement timeout")
        return canceled_error()

    def cancel(self) -> None:
        """From the event loop (CancelRequest): stop DuckDB and abort pending provider pulls."""
        self._canceled = True
        for scan in self._scans:
            scan.cancel()
        if self._cursor is not None:
            try:
                self._cursor.connection.interrupt()
            except duckdb.Error:
                pass

    async def _release_scans(self) -> None:
        for scan in self._scans:
            await scan.aclose()

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self._ahead is not None:  # the worker thread reading ahead finishes with the reader first
            future, self._ahead = self._ahead[0], None
            with anyio.CancelScope(shield=True):
                await to_thread.run_sync(_finished, future, limiter=self._limiter)
        reader, self._reader = self._reader, None
        cursor, self._cursor = self._cursor, None
        if reader is not None and not self._reader_done:  # an exhausted reader closed itself (_read_next)
            await to_thread.run_sync(reader.close, limiter=self._limiter)
        if cursor is not None:
            if self._canceled or self._failed:
                await to_thread.run_sync(cursor.release, False, limiter=self._limiter)
            else:
                cursor.release(True)
        if self._scans:
            with anyio.CancelScope(shield=True):
                await self._release_scans()
        if self._on_close is not None:
            self._on_close(self)
        if self.stats is not None:
            self.stats.finish(self.error, self.row_count)
