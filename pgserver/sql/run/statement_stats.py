"""What one statement did, for the server log, the metrics and progress NOTICEs.

A `StatementStats` is the ScanObserver (pgserver.provider) of the statement that is running: providers report
each API request and each page to it. When the statement ends it writes one log line — PostgreSQL's
log_min_duration_statement, with the API request count and time added — and counts the statement in the
metrics. While a scan is still paging after `ProgressInterval` seconds it sends the client a NOTICE every
`ProgressInterval` seconds, through the session's notice sink, if client_min_messages lets NOTICE through.

Scans answered from the mirror are noted too (`mirror: delta`: the refresh that preceded each).

The logged statement text never holds a literal: strings (where credentials and sign-in codes would be) are
replaced by '…', a SET shows only the parameter's name, and parameters ($1) are not logged.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pgserver.engine import Notice
from pgserver.errors import SUCCESSFUL_COMPLETION, PgError
from pgserver.provider import CacheRead, RemoteRequest, ScanProgress
from pgserver.sql.text.statements import Statement, redact_strings

if TYPE_CHECKING:
    from pgserver.metrics import Metrics

log = logging.getLogger("pgserver.statement")
MAX_LOGGED_CHARACTERS = 2000

# client_min_messages: each level lets itself and every later one through (PostgreSQL's order)
_CLIENT_LEVELS = ("debug5", "debug4", "debug3", "debug2", "debug1", "log", "notice", "warning", "error")
_SEVERITY_LEVEL = {"DEBUG": 4, "LOG": 5, "INFO": 6, "NOTICE": 6, "WARNING": 7, "ERROR": 8}


def client_receives(severity: str, client_min_messages: str) -> bool:
    """Whether a message of `severity` reaches a client with this client_min_messages (INFO always does)."""
    if severity.upper() == "INFO":
        return True
    wanted = client_min_messages.strip().lower()
    threshold = _CLIENT_LEVELS.index(wanted) if wanted in _CLIENT_LEVELS else _CLIENT_LEVELS.index("notice")
    return _SEVERITY_LEVEL.get(severity.upper(), 6) >= threshold


@dataclass(frozen=True)
class StatementReporting:
    """Server-wide: which statements are logged, and the metrics (None: off)."""

    log_min_duration_ms: int = 0  # PostgreSQL's log_min_duration_statement: 0 every statement, -1 none
    metrics: Metrics | None = None


NoticeSink = Callable[[Notice], Awaitable[None]]


def loggable_text(statement: Statement) -> str:
    """The statement as the log shows it: string literals replaced, SET values left out, bounded in length."""
    if statement.verb in ("SET", "RESET") and statement.kind == "command":
        names = [w.text for w in statement.words[1:3] if w.kind in ("word", "ident")]
        text = " ".join([statement.verb, *names[:2]]) + (" …" if statement.verb == "SET" else "")
    else:
        text = " ".join(redact_strings(statement.sql).split())
    return text if len(text) <= MAX_LOGGED_CHARACTERS else text[:MAX_LOGGED_CHARACTERS] + " …"


class StatementStats:
    """The ScanObserver of one statement (see the module docstring)."""

    def __init__(self, statement: Statement, reporting: StatementReporting, *, user: str, database: str, pid: int,
                 progress_interval: float = 0.0, notify: NoticeSink | None = None) -> None:
        self.statement = statement
        self.reporting = reporting
        self.user, self.database, self.pid = user, database, pid
        self.started = time.perf_counter()
        self.requests = 0
        self.request_seconds = 0.0
        self.response_bytes = 0
        self.retries = 0
        self.api_rows = 0
        self.cache_reads: list[str] = []  # the refresh before each scan the mirror answered
        self.progress_interval = progress_interval
        self._notify = notify
        self._next_progress = self.started + progress_interval
        self.finished = False

    # -- ScanObserver ------------------------------------------------------------------
    def request_done(self, request: RemoteRequest) -> None:
        self.requests += 1
        self.request_seconds += request.seconds
        self.response_bytes += request.response_bytes
        self.retries += request.retry
        if self.reporting.metrics is not None:
            self.reporting.metrics.api_request(request)

    def token_request(self, grant: str, ok: bool) -> None:
        if self.reporting.metrics is not None:
            self.reporting.metrics.token_request(grant, ok)

    async def page_read(self, progress: ScanProgress) -> None:
        self.api_rows += progress.page_rows
        if self.reporting.metrics is not None:
            self.reporting.metrics.api_rows_read(progress.page_rows)
        if self.progress_interval <= 0 or self._notify is None or self.finished:
            return
        now = time.perf_counter()
        if now < self._next_progress:
            return
        self._next_progress = now + self.progress_interval
        await self._notify(Notice("NOTICE", SUCCESSFUL_COMPLETION, progress_message(progress, now - self.started)))

    def cache_read(self, read: CacheRead) -> None:
        self.cache_reads.append(read.refresh)
        if self.reporting.metrics is not None:
            self.reporting.metrics.cache_read(read)

    # -- the end -----------------------------------------------------------------------
    def finish(self, error: PgError | None = None, rows: int = 0) -> None:
        """The statement ended (once): its log line and its metrics."""
        if self.finished:
            return
        self.finished = True
        seconds = time.perf_counter() - self.started
        metrics = self.reporting.metrics
        if metrics is not None:
            metrics.statement(error.sqlstate if error is not None else None, seconds, rows)
        threshold = self.reporting.log_min_duration_ms
        if threshold < 0 or seconds * 1000 < threshold or not log.isEnabledFor(logging.INFO):
            return
        api = f"{self.requests} request{'s' if self.requests != 1 else ''}"
        if self.requests:
            api += f", {self.request_seconds * 1000:.1f} ms"
            if self.retries:
                api += f", {self.retries} retried"
        if self.cache_reads:
            api += f"  mirror: {', '.join(self.cache_reads)}"
        outcome = f"error: {error.sqlstate}" if error is not None else f"rows: {rows}"
        log.info("duration: %.3f ms  %s  api: %s  user=%s db=%s pid=%d  statement: %s", seconds * 1000, outcome, api,
                 self.user, self.database, self.pid, loggable_text(self.statement))


def progress_message(progress: ScanProgress, elapsed: float) -> str:
    pages = f"{progress.pages} page{'s' if progress.pages != 1 else ''}"
    if progress.total_rows:
        share = min(100, progress.rows * 100 // progress.total_rows)
        rows = f"{progress.rows:,} of {progress.total_rows:,} rows ({share}%)"
    else:
        rows = f"{progress.rows:,} rows"
    return f"{progress.table}: {pages}, {rows} read from the Sage 200 API in {elapsed:.1f} s"
