"""EXPLAIN: what each view is asked of the Sage 200 API and what DuckDB runs locally.

EXPLAIN ANALYZE runs the query (its rows are read and discarded, as PostgreSQL does) and adds to each scan what
really happened: its time and rows, the API requests made for its table (count, pages, rows, retries, failures,
bytes, time — from the statement's ScanObserver reports, so nothing is counted twice), the mirror refresh that
preceded it (rows inserted, updated and deleted), and the local time outside the scans.
"""

from __future__ import annotations

import datetime as dt
import decimal
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import Any

import duckdb
import pyarrow as pa
from sqlglot import exp

from pgserver.errors import FEATURE_NOT_SUPPORTED, INVALID_PARAMETER_VALUE, SYNTAX_ERROR, PgError
from pgserver.provider import (
    AllOf,
    AnyOf,
    CacheRead,
    Comparison,
    Literal,
    Not,
    Op,
    Provider,
    Qual,
    QualReport,
    RemoteRequest,
    ScanContext,
    ScanObserver,
    ScanPlan,
    ScanProgress,
    ScanRequest,
    SortKey,
)
from pgserver.sql.bind.bound_query import QueryPlan, ScanSlot
from pgserver.sql.pushdown.key_lookups import MAX_KEYS
from pgserver.sql.run.duckdb_errors import translate
from pgserver.sql.run.execution import QueryCursor, empty_inputs
from pgserver.sql.text.statements import Statement


def format_value(value: Literal) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | decimal.Decimal):
        return str(value)
    if isinstance(value, tuple):
        return "(" + ", ".join(format_value(v) for v in value) + ")"
    if isinstance(value, dt.date | dt.datetime):
        return "'" + value.isoformat(sep=" ") + "'" if isinstance(value, dt.datetime) else f"'{value.isoformat()}'"
    return "'" + str(value).replace("'", "''") + "'"


def format_qual(qual: Qual) -> str:
    """A qual as SQL-like text: Name = 'x', (A < 1 OR B IS NULL) …"""
    if isinstance(qual, Comparison):
        if qual.op in (Op.IS_NULL, Op.IS_NOT_NULL):
            return f"{qual.column} {qual.op.value}"
        return f"{qual.column} {qual.op.value} {format_value(qual.value)}"
    if isinstance(qual, AnyOf):
        return "(" + " OR ".join(format_qual(q) for q in qual.items) + ")"
    if isinstance(qual, AllOf):
        return "(" + " AND ".join(format_qual(q) for q in qual.items) + ")"
    if isinstance(qual, Not):
        return f"NOT {format_qual(qual.item)}"
    return repr(qual)


def _sort(key: SortKey) -> str:
    text = f"{key.column} {'DESC' if key.descending else 'ASC'}"
    if key.nulls_first is not None:
        text += " NULLS FIRST" if key.nulls_first else " NULLS LAST"
    return text


def _report_lines(reports: list[QualReport]) -> list[str]:
    """Each offered qual with its clause of the request (from the provider's own request objects)."""
    lines: list[str] = []
    for report in reports:
        if report.sent is None:
            lines.append(f"  Not Sent: {format_qual(report.qual)}")
        else:
            heading = "Pushed Filter" if report.exact else "Sent, Re-checked Locally"
            lines.append(f"  {heading}: {format_qual(report.qual)}")
            lines.append(f"    $filter: {report.sent}")
        if report.note:
            lines.append(f"    why: {report.note}")
    return lines


# EXPLAIN ANALYZE's additions to one scan's block: (text after its heading, lines ending the block)
ScanActuals = Callable[[ScanSlot], tuple[str, list[str]]]


def explain_lines(plan: QueryPlan, duckdb_sql: str, duckdb_plan: list[str] | None = None,
                  actuals: ScanActuals | None = None, local_actuals: str = "") -> list[str]:
    """The QUERY PLAN rows: one block per table reference, then the local part (with EXPLAIN ANALYZE's
    `actuals` of each scan and `local_actuals` of the local query)."""
    lines: list[str] = []
    for slot in plan.scans:
        spec = slot.relation.spec
        scan_plan = slot.plan
        request = slot.request
        heading, ending = actuals(slot) if actuals is not None else ("", [])
        lines.append(f"Remote Scan on {spec.schema}.{spec.name} {slot.alias}{heading}")
        lines.append(f"  Columns: {', '.join(request.columns)}")
        if scan_plan is not None and scan_plan.reports:
            lines.extend(_report_lines(scan_plan.reports))
        elif scan_plan is not None and scan_plan.pushed_quals:
            lines.append(f"  Pushed Filter: {' AND '.join(format_qual(q) for q in scan_plan.pushed_quals)}")
        if slot.residual_sql:
            lines.append(f"  Local Filter: {' AND '.join(slot.residual_sql)}")
        if request.order_by:
            state = "pushed" if scan_plan and scan_plan.order_pushed else "not pushed"
            lines.append(f"  Order By ({state}): {', '.join(_sort(k) for k in request.order_by)}")
        if request.limit is not None:
            state = "pushed" if scan_plan and scan_plan.limit_pushed else "not pushed"
            offset = f" OFFSET {request.offset}" if request.offset else ""
            lines.append(f"  Limit ({state}): {request.limit}{offset}")
        if slot.nullable:
            lines.append("  Note: outer-joined (WHERE filters on it run locally)")
        for description in scan_plan.description if scan_plan else []:
            lines.append(f"  API: {description}")
        lines.extend(ending)
    for key in plan.key_lookups:
        lines.append(f"Key Lookup: {key.target.alias}.{key.target_column} IN (values of "
                     f"{key.driver.alias}.{key.driver_column}, read first; at most {MAX_KEYS} keys)")
    for proc in plan.procedures:
        arguments = ", ".join(f"{k} => {format_value(v)}" for k, v in proc.arguments.items())
        lines.append(f"Procedure Call {proc.procedure.spec.schema}.{proc.procedure.spec.name}({arguments})")
    if plan.max_rows_applied is not None:
        lines.append(f"MaxRows: {plan.max_rows_applied} (connection property)")
    if not plan.qualified and plan.scans:
        lines.append("Note: names not fully resolved by the planner; no filters pushed, all columns fetched")
    lines.append(f"Local (DuckDB): {duckdb_sql}{local_actuals}")
    for line in duckdb_plan or []:
        lines.append(f"  {line}")
    return lines


def duckdb_explain(duck: duckdb.DuckDBPyConnection, plan: QueryPlan, sql: str, tree: exp.Expression) -> list[str]:
    """DuckDB's own plan of the local query (EXPLAIN VERBOSE), bound over empty inputs."""
    with empty_inputs(duck, plan) as cursor:
        try:
            rows = cursor.execute(f"EXPLAIN {sql}").fetchall()
        except duckdb.Error as err:
            raise translate(err, tree.sql(dialect="postgres")) from None
        return [line for row in rows for line in str(row[-1]).splitlines()]


# PostgreSQL 15's EXPLAIN options (explain.c); the boolean ones take TRUE/FALSE/ON/OFF/1/0 or nothing (true)
_BOOLEAN_OPTIONS = frozenset({"ANALYZE", "VERBOSE", "COSTS", "SETTINGS", "BUFFERS", "WAL", "TIMING", "SUMMARY"})
_FORMATS = frozenset({"TEXT", "XML", "JSON", "YAML"})
_TRUE, _FALSE = frozenset({"TRUE", "ON", "1", "YES"}), frozenset({"FALSE", "OFF", "0", "NO"})


def explain_parts(statement: Statement) -> tuple[str, frozenset[str]]:
    """The query EXPLAIN applies to and the boolean options turned on (ANALYZE, VERBOSE …), with PostgreSQL's
    errors for an unknown option or value. Only FORMAT TEXT is printed (0974)."""
    words = statement.words
    options: set[str] = set()
    index = 1
    if index < len(words) and words[index].kind == "op" and words[index].text == "(":
        index += 1
        while index < len(words) and words[index].text != ")":
            word = words[index]
            if word.kind == "op" and word.text == ",":
                index += 1
                continue
            name = word.text.upper()
            value = words[index + 1] if index + 1 < len(words) and words[index + 1].text not in (",", ")") else None
            index += 2 if value is not None else 1
            if name == "FORMAT":
                _check_format(value, word.start + 1)
            elif name in _BOOLEAN_OPTIONS and word.kind == "word":
                if value is None or value.text.upper() in _TRUE:
                    options.add(name)
                elif value.text.upper() in _FALSE:
                    options.discard(name)
                else:
                    raise PgError(SYNTAX_ERROR, f"{name.lower()} requires a Boolean value")
            else:
                raise PgError(SYNTAX_ERROR, f'unrecognized EXPLAIN option "{word.text.lower()}"',
                              position=word.start + 1)
        index += 1
    else:
        while index < len(words) and words[index].is_word("ANALYZE", "ANALYSE", "VERBOSE"):
            options.add("ANALYZE" if words[index].is_word("ANALYSE") else words[index].text.upper())
            index += 1
    if index >= len(words):
        raise PgError(SYNTAX_ERROR, "syntax error at end of input", position=len(statement.sql) + 1)
    return statement.sql[words[index].start :], frozenset(options)


def _check_format(value: Any, position: int) -> None:
    text = value.text.upper() if value is not None else ""
    if text not in _FORMATS:
        shown = value.text.lower() if value is not None else ""
        raise PgError(INVALID_PARAMETER_VALUE, f'unrecognized value for EXPLAIN option "format": "{shown}"',
                      position=position)
    if text != "TEXT":
        raise PgError(FEATURE_NOT_SUPPORTED, f"EXPLAIN (FORMAT {text}) is not supported",
                      hint="EXPLAIN prints its plan as text (FORMAT TEXT).")


# ---------------------------------------------------------------------------------------------------------------
# EXPLAIN ANALYZE: the statement runs; each view's scan says what really happened
# ---------------------------------------------------------------------------------------------------------------

ANALYZE_FETCH_ROWS = 8192  # rows taken from the cursor at a time (and discarded), as PostgreSQL discards them


@dataclass
class TableActivity:
    """What the scans of one table made the API and the mirror do (from the statement's ScanObserver reports)."""

    requests: int = 0
    failed: int = 0  # attempts answered by an error status, or by nothing
    retries: int = 0
    pages: int = 0
    api_rows: int = 0
    response_bytes: int = 0
    request_seconds: float = 0.0
    refreshes: list[CacheRead] = field(default_factory=list)


class AnalyzeObserver:
    """The ScanObserver while EXPLAIN ANALYZE runs its query: every report goes on to the statement's own observer
    (the log line and the metrics count it once, as for any statement) and is also summed per table."""

    def __init__(self, inner: ScanObserver) -> None:
        self.inner = inner
        self.tables: dict[str, TableActivity] = {}

    def of(self, table: str) -> TableActivity:
        return self.tables.setdefault(table, TableActivity())

    def request_done(self, request: RemoteRequest) -> None:
        self.inner.request_done(request)
        activity = self.of(request.table)
        activity.requests += 1
        activity.failed += int(not 200 <= request.status < 300)
        activity.retries += int(request.retry)
        activity.response_bytes += request.response_bytes
        activity.request_seconds += request.seconds

    def token_request(self, grant: str, ok: bool) -> None:
        self.inner.token_request(grant, ok)

    async def page_read(self, progress: ScanProgress) -> None:
        activity = self.of(progress.table)
        activity.pages += 1
        activity.api_rows += progress.page_rows
        await self.inner.page_read(progress)

    def cache_read(self, read: CacheRead) -> None:
        self.inner.cache_read(read)
        self.of(read.table).refreshes.append(read)


class TimedProvider:
    """A scan's provider with its time and rows counted: the time spent inside the provider (on the event loop,
    waiting for the API or the mirror) from the first pull, to the first batch and in all."""

    def __init__(self, inner: Provider) -> None:
        self.inner = inner
        self.spec = inner.spec
        self.first_seconds: float | None = None
        self.seconds = 0.0
        self.rows = 0
        self.started = False

    def plan(self, request: ScanRequest, ctx: ScanContext) -> ScanPlan:
        return self.inner.plan(request, ctx)

    async def scan(self, plan: ScanPlan, ctx: ScanContext) -> AsyncIterator[pa.RecordBatch]:
        self.started = True
        batches = aiter(self.inner.scan(plan, ctx))
        try:
            while True:
                began = time.perf_counter()
                try:
                    batch = await anext(batches)
                except StopAsyncIteration:
                    return
                finally:
                    self.seconds += time.perf_counter() - began
                    if self.first_seconds is None:
                        self.first_seconds = self.seconds
                self.rows += batch.num_rows
                yield batch
        finally:
            closing = getattr(batches, "aclose", None)
            if closing is not None:
                await closing()


def timed_scans(plan: QueryPlan) -> dict[str, TimedProvider]:
    """Each scan slot's provider wrapped to be timed (the plan is EXPLAIN ANALYZE's own, run once)."""
    timers: dict[str, TimedProvider] = {}
    for slot in plan.scans:
        timer = timers[slot.name] = TimedProvider(slot.relation.provider)
        slot.relation = replace(slot.relation, provider=timer)
    return timers


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.3f}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _activity_lines(activity: TableActivity) -> list[str]:
    lines = []
    for read in activity.refreshes:
        if read.refresh == "none":
            lines.append("  Mirror: no refresh" + (f" ({'; '.join(read.notes)})" if read.notes else ""))
        else:
            lines.append(f"  Mirror Refresh: {read.refresh}, {_ms(read.seconds)} ms: rows inserted={read.rows_inserted}"
                         f" updated={read.rows_updated} deleted={read.rows_deleted} (read from the API: "
                         f"{read.rows_upserted})" + (f"; {'; '.join(read.notes)}" if read.notes else ""))
    if activity.requests or activity.pages:
        retries = "1 retry" if activity.retries == 1 else f"{activity.retries} retries"
        lines.append(f"  API Requests: {activity.requests} ({_plural(activity.pages, 'page')}, "
                     f"{_plural(activity.api_rows, 'row')}, {retries}, {activity.failed} failed), "
                     f"{activity.response_bytes} bytes, {_ms(activity.request_seconds)} ms")
    else:
        lines.append("  API Requests: 0")
    return lines


def analyze_lines(plan: QueryPlan, sql: str, timers: dict[str, TimedProvider], observer: AnalyzeObserver,
                  rows: int, planning_seconds: float, execution_seconds: float,
                  key_lookups: list[tuple[Any, int]], duckdb_plan: list[str] | None = None) -> list[str]:
    """EXPLAIN's rows with what happened added to each scan (PostgreSQL's `actual time=first..total rows= loops=`),
    the API requests and the mirror's refresh of each table, then the local part and the times."""
    shown: set[str] = set()

    def actuals(slot: ScanSlot) -> tuple[str, list[str]]:
        timer = timers[slot.name]
        heading = (f"  (actual time={_ms(timer.first_seconds or 0.0)}..{_ms(timer.seconds)} rows={timer.rows} "
                   "loops=1)") if timer.started else "  (never executed)"
        table = slot.relation.qualified_name
        if table in shown:
            return heading, ["  (the API requests and refresh of this table are shown with its first scan)"]
        shown.add(table)
        return heading, _activity_lines(observer.tables.get(table, TableActivity()))

    out = explain_lines(plan, sql, duckdb_plan, actuals, f"  (actual rows={rows})")
    applied = ", ".join(f"{key.target.alias}.{key.target_column}: {count} keys" for key, count in key_lookups)
    if applied:
        out.append(f"Key Lookups Applied: {applied}")
    other = observer.tables.get("")
    if other is not None and other.requests:
        out.append(f"Other API Requests: {other.requests} (sign-in, sites), {_ms(other.request_seconds)} ms")
    scan_seconds = sum(t.seconds for t in timers.values())
    out.append(f"Planning Time: {_ms(planning_seconds)} ms")
    out.append(f"Local Time: {_ms(max(0.0, execution_seconds - scan_seconds))} ms (DuckDB and reading the result, "
               "outside the scans)")
    out.append(f"Execution Time: {_ms(execution_seconds)} ms")
    return out


async def explain_analyze(ctx: Any, make_plan: Callable[[], tuple[QueryPlan, str]],
                          start: Callable[[QueryPlan, str], Awaitable[QueryCursor]],
                          duckdb_plan: Callable[[QueryPlan, str], list[str]] | None = None) -> list[str]:
    """Plan the query (`make_plan`), run it to the end (`start` gives its cursor; rows are read and discarded) with
    `ctx.observer` — the session's ScanContext's — wrapped in an AnalyzeObserver, and say what happened."""
    began = time.perf_counter()
    plan, sql = make_plan()
    planning = time.perf_counter() - began
    verbose = duckdb_plan(plan, sql) if duckdb_plan is not None else None
    timers = timed_scans(plan)
    observer = AnalyzeObserver(ctx.observer)
    ctx.observer = observer
    rows = 0
    try:
        began = time.perf_counter()
        cursor = await start(plan, sql)
        try:
            while batch := await cursor.fetch(ANALYZE_FETCH_ROWS):
                rows += len(batch)
        finally:
            await cursor.close()
        execution = time.perf_counter() - began
    finally:
        ctx.observer = observer.inner
    return analyze_lines(plan, sql, timers, observer, rows, planning, execution, cursor.key_lookups_applied,
                         verbose)
