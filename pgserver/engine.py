"""The contract between the wire protocol and the SQL layer.

The protocol side (pgserver/protocol, pgserver/server.py) owns bytes, message order,
ReadyForQuery, portals' row limits and skip-until-Sync. The SQL side (pgserver/sql)
owns everything about statements: parsing, session commands (SET, BEGIN …),
planning, execution and the transaction status. Values cross this boundary as
Python objects (int, Decimal, float, str, bool, date, datetime, list, None); the type
registry (pgserver/types/) turns them into text or binary wire formats.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from pgserver.protocol.copy_out import CopyFormat
from pgserver.types import FormatContext


@dataclass(frozen=True)
class ResultColumn:
    """One field of a RowDescription."""

    name: str
    type_oid: int
    typmod: int = -1
    table_oid: int = 0
    column_number: int = 0


@dataclass
class Prepared:
    """A parsed statement: what Describe (statement) reports."""

    sql: str
    param_type_oids: list[int]  # one per $n; inferred where the client sent 0 (text = 25 if unknown)
    columns: list[ResultColumn] | None  # None: the statement returns no rows (NoData)
    state: Any = None  # SQL-layer private


@dataclass(frozen=True)
class CopyOut:
    """A COPY … TO STDOUT result: the protocol sends CopyOutResponse and the rows as CopyData."""

    format: CopyFormat
    columns: list[ResultColumn]  # the copied columns (their names make the HEADER line)


class Cursor(Protocol):
    """A statement being executed (the portal's row source)."""

    columns: list[ResultColumn] | None  # None: no RowDescription (commands, COPY)
    copy_out: CopyOut | None  # set for COPY TO STDOUT: fetch() yields the rows to copy

    async def fetch(self, max_rows: int | None) -> list[tuple[Any, ...]]:
        """Up to max_rows rows (all when None). An empty list means exhausted."""
        ...

    @property
    def command_tag(self) -> str:
        """The CommandComplete tag, valid once fetch returned []: "SELECT 5", "SET", "BEGIN"."""
        ...

    async def close(self) -> None: ...

    # --- capabilities with defaults (a cursor subclasses Cursor and overrides what it can do) -------------

    async def fetch_data_rows(self, max_rows: int | None, columns: Sequence[ResultColumn], formats: Sequence[int],
                              ctx: FormatContext) -> tuple[bytes, int] | None:
        """Up to `max_rows` rows already framed as DataRow messages, and their count ((b"", 0) once exhausted);
        None: this cursor does not encode rows itself, the protocol encodes what fetch() returns."""
        return None


@dataclass
class Notice:
    severity: str
    sqlstate: str
    message: str


NoticeSink = Callable[[Notice], Awaitable[None]]  # sends one NoticeResponse to the client now


@dataclass(frozen=True)
class OpenCursor:
    """One row of pg_cursors: a SQL cursor (DECLARE) or a portal of the extended protocol (Bind)."""

    name: str
    statement: str  # the DECLARE statement, or the portal's query
    holdable: bool
    binary: bool
    scrollable: bool
    created: dt.datetime


class ProtocolPortals(Protocol):
    """The protocol's named portals as SQL cursor commands see them (the server's query loop keeps them)."""

    def listed(self) -> list[OpenCursor]:
        """Every open portal, the unnamed one included (pg_cursors lists them as PostgreSQL does)."""
        ...

    async def fetch(self, name: str, max_rows: int | None) -> tuple[list[ResultColumn] | None, list[tuple[Any, ...]]] | None:
        """Up to `max_rows` (None: all) further rows of portal `name`, run first if it has not run yet, with its
        result columns; None: no such portal."""
        ...

    async def close(self, name: str) -> bool:
        """Close portal `name`; False: no such portal."""
        ...


class Engine(Protocol):
    """One per client connection: the session's SQL state."""

    def split(self, sql: str) -> list[str]:
        """A simple-query string as its statements, in order ([] for an empty query)."""
        ...

    async def prepare(self, sql: str, param_type_oids: Sequence[int], *, describe: bool = True) -> Prepared:
        """Parse (and bind) one statement. `describe=False` (a simple Query, which runs it at once): its result
        columns are left to the cursor (Cursor.columns) and Prepared.columns may be None — no work is spent
        describing a result the execution describes anyway."""
        ...

    async def execute(self, prepared: Prepared, params: Sequence[Any]) -> Cursor: ...

    @property
    def transaction_status(self) -> str:
        """'I' idle, 'T' in a transaction block, 'E' in a failed transaction block."""
        ...

    def statement_failed(self) -> None:
        """Called by the protocol after an error, so a transaction block becomes failed ('E')."""
        ...

    def parameter_status(self) -> dict[str, str]:
        """Every reported parameter (server_version, DateStyle …), sent after authentication."""
        ...

    def take_parameter_changes(self) -> Mapping[str, str]:
        """ParameterStatus values changed since the last call (after SET application_name …)."""
        ...

    def take_notices(self) -> list[Notice]: ...

    def set_notice_sink(self, sink: NoticeSink) -> None:
        """Where notices raised while a statement is still running (progress on a long scan) are sent at once;
        until one is set they wait for take_notices()."""
        ...

    def cancel(self) -> None:
        """Called from another task on CancelRequest: the running fetch raises 57014."""
        ...

    async def close(self) -> None: ...

    # --- capabilities with defaults (an engine subclasses Engine and overrides what it supports) ----------

    def format_context(self) -> FormatContext | None:
        """How values look on the wire for this session; None: the protocol derives it from the reported
        DateStyle/TimeZone/IntervalStyle."""
        return None

    def share_protocol_statements(self, statements: MutableMapping[str, Prepared]) -> None:
        """The protocol's named statements, for an engine whose SQL PREPARE/EXECUTE/DEALLOCATE share their
        namespace (as PostgreSQL's do)."""

    def portal(self, name: str) -> Cursor | None:
        """The cursor a SQL DECLARE created under `name`, which PostgreSQL also exposes as a protocol portal."""
        return None

    def share_protocol_portals(self, portals: ProtocolPortals) -> None:
        """The protocol's named portals, for an engine whose SQL FETCH/MOVE/CLOSE reach them (PostgreSQL's portals
        and cursors are one namespace: asyncpg's Cursor.forward() sends MOVE for the portal it bound)."""

    def begin_implicit_transaction(self) -> None:
        """Before the statements of a multi-statement simple Query (PostgreSQL runs them as one transaction)."""

    def end_implicit_transaction(self, failed: bool) -> None:
        """After them: `failed` when one of them failed (what they changed is rolled back)."""


@dataclass(frozen=True)
class Activity:
    """One session as pg_stat_activity shows it."""

    pid: int
    user: str
    database: str
    application_name: str
    client_addr: str | None
    client_port: int
    backend_start: dt.datetime
    xact_start: dt.datetime | None
    query_start: dt.datetime | None
    state_change: dt.datetime
    state: str
    query: str
    wait_event_type: str | None
    wait_event: str | None


@dataclass(frozen=True)
class SignalResult:
    sent: bool
    warning: str | None = None  # PostgreSQL's WARNING when there is no such backend


class ServerControl(Protocol):
    """What a session may ask of the server about the other sessions (pgserver/server/backends.py).
    Both methods may be called from any thread."""

    def activity(self) -> list[Activity]: ...

    def signal_threadsafe(self, pid: int, *, terminate: bool, by_user: str, superuser: bool) -> SignalResult:
        """pg_cancel_backend / pg_terminate_backend; PgError 42501 when not allowed."""
        ...


class EngineFactory(Protocol):
    async def connect(self, user: str, database: str, startup: Mapping[str, str], *,
                      superuser: bool = False, backend_pid: int | None = None,
                      server: ServerControl | None = None) -> Engine:
        """Raises PgError (3D000 unknown database, 22023 bad option, 42501 a privileged option from a
        user who is not a superuser …) to refuse the connection. `superuser`: the login's role;
        `backend_pid`: the id the server gave the session; `server`: the other sessions."""
        ...

