"""The query phase of one connection: simple and extended protocol over an Engine.

This module owns message order and bookkeeping only — prepared statements and portals by
name, row limits (PortalSuspended), skip-until-Sync after an error, result formats — and
leaves every SQL decision to the Engine (pgserver/engine.py).
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pgserver import types
from pgserver.engine import CopyOut, Cursor, Engine, Notice, OpenCursor, Prepared, ResultColumn
from pgserver.errors import (
    DUPLICATE_CURSOR,
    DUPLICATE_PREPARED_STATEMENT,
    FEATURE_NOT_SUPPORTED,
    INTERNAL_ERROR,
    INVALID_CURSOR_NAME,
    INVALID_SQL_STATEMENT_NAME,
    PROTOCOL_VIOLATION,
    PgError,
)
from pgserver.protocol import backend
from pgserver.protocol import frontend as fe
from pgserver.protocol.copy_out import CopyEncoder
from pgserver.server.backends import SessionActivity
from pgserver.server.connection import MessageStream, PeerClosed

log = logging.getLogger("pgserver.server")

FETCH_BATCH = 1000
CHARACTER_NOT_IN_REPERTOIRE = "22021"  # invalid byte sequence for the encoding
_EMPTY = object()  # Prepared.state of an empty query string (Execute answers EmptyQueryResponse)


@dataclass
class Portal:
    prepared: Prepared
    params: list[Any]
    formats: list[int]  # one per result column
    cursor: Cursor | None = None
    suspended: bool = False
    done_tag: str | None = None  # the CommandComplete tag once the portal ran to completion
    created: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))  # pg_cursors.creation_time


@dataclass
class SessionState:
    statements: dict[str, Prepared] = field(default_factory=dict)
    portals: dict[str, Portal] = field(default_factory=dict)
    parameters: dict[str, str] = field(default_factory=dict)  # last reported ParameterStatus values
    pending_reports: dict[str, str] = field(default_factory=dict)  # changed, to report before ReadyForQuery


@functools.lru_cache(maxsize=512)
def _row_description(columns: tuple[ResultColumn, ...], formats: tuple[int, ...]) -> bytes:
    """The RowDescription message of a result shape (kept: a repeated statement describes the same rows)."""
    return backend.row_description(_fields(columns, formats))


def _fields(columns: Sequence[ResultColumn], formats: Sequence[int]) -> list[backend.FieldDescription]:
    out = []
    for col, fmt in zip(columns, formats, strict=True):
        t = types.find_by_oid(col.type_oid)
        out.append(backend.FieldDescription(col.name, col.type_oid, t.typlen if t else -1, col.typmod, fmt,
                                            col.table_oid, col.column_number))
    return out


def _internal(exc: BaseException) -> PgError:
    log.error("internal error while serving a query", exc_info=exc)
    return PgError(INTERNAL_ERROR, "internal error")


class _SqlPortals:
    """The session's named portals as SQL FETCH, MOVE and CLOSE reach them (engine.ProtocolPortals): rows they
    take are gone for the portal's next Execute, which then counts only its own rows, as in PostgreSQL."""

    def __init__(self, session: Session) -> None:
        self._session = session

    async def fetch(self, name: str, max_rows: int | None) -> tuple[list[ResultColumn] | None, list[tuple[Any, ...]]] | None:
        portal = self._session.state.portals.get(name) if name else None
        if portal is None:
            return None
        if portal.done_tag is not None or portal.prepared.state is _EMPTY:
            return portal.prepared.columns, []
        if portal.cursor is None:
            portal.cursor = await self._session.engine.execute(portal.prepared, portal.params)
        rows = await portal.cursor.fetch(max_rows)
        portal.suspended = True
        return (portal.prepared.columns if portal.prepared.columns is not None else portal.cursor.columns), rows

    def listed(self) -> list[OpenCursor]:
        return [OpenCursor(name, portal.prepared.sql, False, False, False, portal.created)
                for name, portal in self._session.state.portals.items() if portal.prepared.state is not _EMPTY]

    async def close(self, name: str) -> bool:
        if not name or name not in self._session.state.portals:
            return False
        await self._session._close_portal(name)
        return True


class Session:
    """Runs the query loop until Terminate or EOF."""

    def __init__(self, stream: MessageStream, engine: Engine, activity: SessionActivity | None = None) -> None:
        self.stream = stream
        self.engine = engine
        self.activity = activity or SessionActivity()  # what pg_stat_activity shows; busy while a statement runs
        self.state = SessionState(parameters=dict(engine.parameter_status()))
        engine.share_protocol_statements(self.state.statements)  # one namespace with SQL PREPARE, as in PostgreSQL
        engine.share_protocol_portals(_SqlPortals(self))  # and with SQL cursors (FETCH/MOVE/CLOSE)
        engine.set_notice_sink(self._notice_now)

    # --- helpers ------------------------------------------------------------------

    def format_context(self) -> types.FormatContext:
        """The session's output settings: the engine's own if it has one, else from reported parameters."""
        ctx = self.engine.format_context()
        if ctx is not None:
            return ctx
        params = self.state.parameters
        return types.FormatContext(date_style=params.get("DateStyle", "ISO, MDY"),
                                   time_zone=params.get("TimeZone", "UTC"),
                                   interval_style=params.get("IntervalStyle", "postgres"))

    def _send_side_channel(self) -> None:
        """Notices as they happen; changed parameters are noted now (the format context follows them)
        and reported just before ReadyForQuery, as PostgreSQL 14+ does."""
        for notice in self.engine.take_notices():
            self.stream.send(backend.notice(notice.severity, notice.sqlstate, notice.message))
        for name, value in self.engine.take_parameter_changes().items():
            self.state.parameters[name] = value
            self.state.pending_reports[name] = value

    async def _notice_now(self, notice: Notice) -> None:
        """A notice raised while a statement runs (progress): to the client at once, as PostgreSQL flushes them."""
        self.stream.send(backend.notice(notice.severity, notice.sqlstate, notice.message))
        await self.stream.flush()

    def _send_parameter_changes(self) -> None:
        for name, value in self.state.pending_reports.items():
            self.stream.send(backend.parameter_status(name, value))
        self.state.pending_reports.clear()

    def _report_error(self, error: PgError) -> None:
        self.stream.send(backend.error_response(error))
        try:
            self.engine.statement_failed()
        except Exception as exc:  # noqa: BLE001 - a broken engine must not take the connection down
            log.error("engine.statement_failed() raised", exc_info=exc)

    async def _ready(self) -> None:
        status = self.engine.transaction_status
        self.activity.finish(status)
        if status == "I":
            await self._close_all_portals()  # the implicit transaction ended: its portals go with it
        self._send_side_channel()
        self._send_parameter_changes()
        self.stream.send(backend.ready_for_query(status))
        await self.stream.flush()

    async def _close_portal(self, name: str) -> None:
        portal = self.state.portals.pop(name, None)
        if portal is not None and portal.cursor is not None:
            await portal.cursor.close()

    async def _close_all_portals(self) -> None:
        for name in list(self.state.portals):
            try:
                await self._close_portal(name)
            except Exception as exc:  # noqa: BLE001 - closing must not fail the session
                log.error("closing a portal failed", exc_info=exc)

    async def _stream_rows(self, cursor: Cursor, columns: Sequence[ResultColumn] | None, formats: Sequence[int],
                           limit: int | None) -> int:
        """Send DataRows; returns how many (stops at `limit` when given).

        A cursor that encodes rows itself (Cursor.fetch_data_rows: pgserver.sql.run.wire_rows) sends DataRow
        messages a batch at a time; for the others the type registry encodes the Python rows of fetch()."""
        if columns is None:
            while await cursor.fetch(FETCH_BATCH):
                pass
            return 0
        ctx = self.format_context()
        if limit is not None and limit <= 0:
            return 0
        encoded = await cursor.fetch_data_rows(limit, columns, formats, ctx)
        if encoded is not None:  # the cursor encodes whole batches itself
            sent = 0
            while encoded[1]:
                await self.stream.send_maybe_flush(encoded[0])
                sent += encoded[1]
                if limit is not None and sent >= limit:
                    break
                encoded = await cursor.fetch_data_rows(None if limit is None else limit - sent, columns, formats,
                                                       ctx)
                assert encoded is not None, "a cursor that encodes rows encodes all of them"
            return sent
        encoders = [types.binary_encoder(c.type_oid) if f == 1 else types.text_encoder(c.type_oid, ctx)
                    for c, f in zip(columns, formats, strict=True)]
        sent = 0
        while limit is None or sent < limit:
            rows = await cursor.fetch(FETCH_BATCH if limit is None else min(FETCH_BATCH, limit - sent))
            if not rows:
                break
            for row in rows:
                await self.stream.send_maybe_flush(
                    backend.data_row([enc(v) for enc, v in zip(encoders, row, strict=True)]))
            sent += len(rows)
        return sent

    async def _stream_copy(self, cursor: Cursor, copy: CopyOut) -> int:
        """COPY TO STDOUT: CopyOutResponse, one CopyData per row (the binary header with the first,
        the trailer in its own, as PostgreSQL sends them), CopyDone; returns the row count."""
        ctx = self.format_context()
        encoder = CopyEncoder(copy.format, [types.binary_encoder(c.type_oid) if copy.format.binary
                                            else types.text_encoder(c.type_oid, ctx) for c in copy.columns])
        self.stream.send(backend.copy_out_response(copy.format.binary, len(copy.columns)))
        header = encoder.header([c.name for c in copy.columns])
        if header is not None:
            self.stream.send(backend.copy_data(header))
        sent = 0
        while rows := await cursor.fetch(FETCH_BATCH):
            for row in rows:
                await self.stream.send_maybe_flush(backend.copy_data(encoder.row(row)))
            sent += len(rows)
        trailer = encoder.trailer()
        if trailer is not None:
            self.stream.send(backend.copy_data(trailer))
        self.stream.send(backend.copy_done())
        return sent

    # --- the loop -----------------------------------------------------------------

    async def run(self) -> None:
        skipping = False
        while True:
            try:
                message = await self.stream.read_message()
            except PgError as error:
                if error.severity in ("FATAL", "PANIC"):
                    raise
                skipping = await self._malformed(error, skipping)
                continue
            if isinstance(message, fe.Terminate):
                return
            if isinstance(message, (fe.CopyData, fe.CopyDone, fe.CopyFail)):
                continue  # outside COPY these are ignored, as PostgreSQL does
            if isinstance(message, fe.Query):
                if not skipping:  # after an extended-query error even Query waits for Sync, as in PostgreSQL
                    self.activity.start(message.sql, self.engine.transaction_status != "I")
                    await self.simple_query(message.sql)
                continue
            if isinstance(message, fe.Sync):
                skipping = False
                await self._ready()
                continue
            if isinstance(message, fe.Flush):
                await self.stream.flush()
                continue
            if skipping:
                continue
            if self.activity.busy_since is None:  # an extended-query batch runs until Sync's ReadyForQuery
                self.activity.start(self.activity.query, self.engine.transaction_status != "I")
            try:
                await self.extended(message)
            except PgError as error:
                if error.severity in ("FATAL", "PANIC"):
                    raise
                self._report_error(error)
                skipping = True
            except PeerClosed:
                raise
            except Exception as exc:  # noqa: BLE001 - reported as XX000, the connection stays usable
                self._report_error(_internal(exc))
                skipping = True

    async def _malformed(self, error: PgError, skipping: bool) -> bool:
        """A well-framed message whose body did not parse: answer as PostgreSQL does; returns the new
        skip-until-Sync state. PostgreSQL never parses what it skips, nor COPY messages outside COPY."""
        kind = self.stream.inbox.last_type
        if kind in (b"d", b"c", b"f") or (skipping and kind != b"S"):
            return skipping
        self._report_error(error)
        if kind in (b"Q", b"S"):  # not extended-query messages: the error ends with ReadyForQuery
            await self._ready()
            return False
        return True

    # --- simple query -------------------------------------------------------------

    async def simple_query(self, sql: str) -> None:
        self.state.statements.pop("", None)
        await self._close_portal("")
        try:
            statements = self.engine.split(sql)
        except PgError as error:
            self._report_error(error)
            statements = None
        except Exception as exc:  # noqa: BLE001
            self._report_error(_internal(exc))
            statements = None
        if statements == []:
            self.stream.send(backend.empty_query_response())
        # Several statements in one Query run as one implicit transaction (engines that track one say so).
        implicit = len(statements or []) > 1
        if implicit:
            self.engine.begin_implicit_transaction()
        failed = False
        for statement in statements or []:
            if not await self._run_simple_statement(statement):
                failed = True
                break
        if implicit:
            self.engine.end_implicit_transaction(failed)
        await self._ready()

    async def _run_simple_statement(self, sql: str) -> bool:
        cursor: Cursor | None = None
        try:
            prepared = await self.engine.prepare(sql, [], describe=False)  # the cursor describes its rows
            cursor = await self.engine.execute(prepared, [])
            self._send_side_channel()
            if cursor.copy_out is not None:
                await self._stream_copy(cursor, cursor.copy_out)
                self.stream.send(backend.command_complete(cursor.command_tag))
                return True
            columns = cursor.columns
            if columns is not None:
                self.stream.send(_row_description(tuple(columns), tuple([0] * len(columns))))
            await self._stream_rows(cursor, columns, [0] * len(columns or []), None)
            self._send_side_channel()
            self.stream.send(backend.command_complete(cursor.command_tag))
            return True
        except PgError as error:
            if error.severity in ("FATAL", "PANIC"):
                raise  # the listener reports it and closes the connection
            self._report_error(error)
            return False
        except PeerClosed:
            raise
        except Exception as exc:  # noqa: BLE001
            self._report_error(_internal(exc))
            return False
        finally:
            if cursor is not None:
                await self._quiet_close(cursor)

    async def _quiet_close(self, cursor: Cursor) -> None:
        try:
            await cursor.close()
        except Exception as exc:  # noqa: BLE001
            log.error("closing a cursor failed", exc_info=exc)

    # --- extended query -----------------------------------------------------------

    async def extended(self, message: fe.FrontendMessage) -> None:
        match message:
            case fe.Parse():
                await self.parse(message)
            case fe.Bind():
                await self.bind(message)
            case fe.Describe():
                self.describe(message)
            case fe.Execute():
                await self.execute(message)
            case fe.Close():
                if message.kind == "S":
                    self.state.statements.pop(message.name, None)
                else:
                    await self._close_portal(message.name)
                self.stream.send(backend.close_complete())
            case fe.FunctionCall():
                raise PgError(FEATURE_NOT_SUPPORTED, "fastpath function calls are not supported")
            case _:
                raise PgError(PROTOCOL_VIOLATION, f"unexpected message {type(message).__name__}", severity="FATAL")

    async def parse(self, message: fe.Parse) -> None:
        if message.statement and message.statement in self.state.statements:
            raise PgError(DUPLICATE_PREPARED_STATEMENT, f'prepared statement "{message.statement}" already exists')
        self.activity.query = message.sql  # PostgreSQL reports the statement being parsed too
        if not self.engine.split(message.sql):
            prepared = Prepared(message.sql, list(message.param_types), None, state=_EMPTY)
        else:
            prepared = await self.engine.prepare(message.sql, list(message.param_types))
        self._send_side_channel()
        self.state.statements[message.statement] = prepared
        self.stream.send(backend.parse_complete())

    def _statement(self, name: str) -> Prepared:
        prepared = self.state.statements.get(name)
        if prepared is None:
            what = f'prepared statement "{name}"' if name else "unnamed prepared statement"
            raise PgError(INVALID_SQL_STATEMENT_NAME, f"{what} does not exist")
        return prepared

    def _declared_cursor(self, name: str) -> Cursor | None:
        """The cursor a SQL DECLARE created under `name`, if the engine keeps such cursors
        (psycopg's server-side cursors DECLARE, then Describe the portal of that name)."""
        return self.engine.portal(name) if name else None

    def _portal(self, name: str) -> Portal:
        portal = self.state.portals.get(name)
        if portal is None:
            raise PgError(INVALID_CURSOR_NAME, f'portal "{name}" does not exist')
        return portal

    async def bind(self, message: fe.Bind) -> None:
        prepared = self._statement(message.statement)
        if message.portal and message.portal in self.state.portals:
            raise PgError(DUPLICATE_CURSOR, f'portal "{message.portal}" already exists')
        oids = prepared.param_type_oids
        if len(message.params) != len(oids):
            raise PgError(PROTOCOL_VIOLATION, f"bind message supplies {len(message.params)} parameters, but "
                          f'prepared statement "{message.statement}" requires {len(oids)}')
        ctx = self.format_context()
        params = [self._decode_param(oids[i], message.param_format(i), data, ctx)
                  for i, data in enumerate(message.params)]
        ncols = len(prepared.columns or [])
        if len(message.result_formats) > 1 and len(message.result_formats) != ncols:
            raise PgError(PROTOCOL_VIOLATION,
                          f"bind message has {len(message.result_formats)} result formats but query has {ncols} columns")
        formats = [message.result_format(i) for i in range(ncols)]
        await self._close_portal(message.portal)
        self.state.portals[message.portal] = Portal(prepared, params, formats)
        self.stream.send(backend.bind_complete())

    @staticmethod
    def _decode_param(oid: int, fmt: int, data: bytes | None, ctx: types.FormatContext) -> Any:
        if data is None:
            return None
        if oid in (0, types.UNKNOWN):
            oid = types.TEXT
        if fmt == 1:
            return types.decode_binary(oid, data)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:  # PostgreSQL checks every text parameter against the encoding
            raise PgError(CHARACTER_NOT_IN_REPERTOIRE, 'invalid byte sequence for encoding "UTF8"') from exc
        return types.decode_text(oid, text, ctx)

    def describe(self, message: fe.Describe) -> None:
        if message.kind == "S":
            prepared = self._statement(message.name)
            self.stream.send(backend.parameter_description(prepared.param_type_oids))
            columns, formats = prepared.columns, [0] * len(prepared.columns or [])
        elif message.name not in self.state.portals and (declared := self._declared_cursor(message.name)) is not None:
            columns = declared.columns  # a SQL cursor (DECLARE): PostgreSQL describes it as a portal
            formats = [0] * len(columns or [])
        else:
            portal = self._portal(message.name)
            columns, formats = portal.prepared.columns, portal.formats
        if columns is None:
            self.stream.send(backend.no_data())
        else:
            self.stream.send(_row_description(tuple(columns), tuple(formats)))

    async def execute(self, message: fe.Execute) -> None:
        portal = self._portal(message.portal)
        if portal.prepared.state is _EMPTY:
            self.stream.send(backend.empty_query_response())
            return
        if portal.done_tag is not None:  # a finished portal yields no more rows, as in PostgreSQL
            tag = portal.done_tag
            self.stream.send(backend.command_complete(f"{tag.split()[0]} 0" if tag.startswith("SELECT ") else tag))
            return
        if portal.cursor is None:
            self.activity.query = portal.prepared.sql
            portal.cursor = await self.engine.execute(portal.prepared, portal.params)
            self._send_side_channel()
        if portal.cursor.copy_out is not None:  # COPY runs to completion whatever the row limit, as in PostgreSQL
            try:
                await self._stream_copy(portal.cursor, portal.cursor.copy_out)
            except BaseException:
                await self._close_portal(message.portal)
                raise
            portal.done_tag = portal.cursor.command_tag
            await self._quiet_close(portal.cursor)
            self.stream.send(backend.command_complete(portal.done_tag))
            return
        columns = portal.prepared.columns if portal.prepared.columns is not None else portal.cursor.columns
        formats = portal.formats if len(portal.formats) == len(columns or []) else [0] * len(columns or [])
        limit = message.max_rows if message.max_rows > 0 else None
        try:
            sent = await self._stream_rows(portal.cursor, columns, formats, limit)
        except BaseException:
            await self._close_portal(message.portal)
            raise
        self._send_side_channel()
        if limit is not None and sent == limit:
            portal.suspended = True
            self.stream.send(backend.portal_suspended())
            return
        tag = portal.cursor.command_tag
        if portal.suspended and tag.startswith(("SELECT ", "FETCH ")):
            tag = f"{tag.split()[0]} {sent}"  # PostgreSQL counts the rows of this Execute only
        portal.done_tag = tag
        await self._quiet_close(portal.cursor)
        self.stream.send(backend.command_complete(tag))
