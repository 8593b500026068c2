"""A fake Engine for protocol tests: a tiny command language instead of SQL, real protocol semantics.

Commands (case-insensitive):
  SELECT <n>                   n rows of ten columns of different types
  SELECT $1::int4, $2::text …  echoes its parameters (types from the casts, or the client's OIDs)
  SLEEP <seconds>              one row after sleeping in small steps; cancel() makes it fail with 57014
  BREAK <n>                    n rows, then a division_by_zero error mid-stream
  FAIL <sqlstate> <message>    PgError at prepare
  FATAL <sqlstate> <message>   a FATAL PgError at prepare (the connection must end)
  BOOM                         an unexpected Python exception at execute
  BEGIN / COMMIT / ROLLBACK    transaction status I/T/E
  SET <name> = <value>         a reported parameter change (application_name, TimeZone …)
  NOTICE <message>             a NoticeResponse, tag DO
"""

from __future__ import annotations

import datetime as dt
import decimal
import itertools
import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import anyio

from pgserver import types
from pgserver.engine import Cursor, Engine, Notice, Prepared, ResultColumn
from pgserver.errors import PgError

ROW_COLUMNS = [
    ResultColumn("n", types.INT4), ResultColumn("label", types.TEXT), ResultColumn("price", types.NUMERIC),
    ResultColumn("at", types.TIMESTAMPTZ), ResultColumn("ok", types.BOOL), ResultColumn("ratio", types.FLOAT8),
    ResultColumn("day", types.DATE), ResultColumn("tags", 1009), ResultColumn("raw", types.BYTEA),
    ResultColumn("big", types.INT8),
]
BASE_TIME = dt.datetime(2024, 1, 2, 3, 4, 5, 500000, tzinfo=dt.UTC)
_PIDS = itertools.count(70_000)


def make_row(i: int) -> tuple[Any, ...]:
    return (i, f"row {i}", decimal.Decimal(i) / 4, BASE_TIME + dt.timedelta(days=i), i % 2 == 0, i / 3,
            dt.date(2024, 1, 1) + dt.timedelta(days=i), [f"t{i}", None, "a b"], bytes([i % 256, 255]), 2**40 + i)


@dataclass
class FakeCursor(Cursor):
    columns: list[ResultColumn] | None
    rows: list[tuple[Any, ...]]
    tag: str
    engine: FakeEngine
    sleep: float = 0.0
    fail_after: int | None = None
    sent: int = 0
    closed: bool = False
    copy_out: None = None

    async def fetch(self, max_rows: int | None) -> list[tuple[Any, ...]]:
        if self.sleep:
            self.engine.sleeping.set()
            steps = int(self.sleep / 0.01)
            for _ in range(steps):
                if self.engine.cancel_requested:
                    self.engine.cancel_requested = False
                    raise PgError("57014", "canceling statement due to user request")
                await anyio.sleep(0.01)
            self.sleep = 0.0
        if self.fail_after is not None and self.sent >= self.fail_after:
            raise PgError("22012", "division by zero")
        limit = len(self.rows) - self.sent if max_rows is None else max_rows
        if self.fail_after is not None:
            limit = min(limit, self.fail_after - self.sent) or 1
        batch = self.rows[self.sent: self.sent + limit]
        self.sent += len(batch)
        return batch

    @property
    def command_tag(self) -> str:
        return self.tag.format(n=self.sent)

    async def close(self) -> None:
        self.closed = True


@dataclass
class FakeEngine(Engine):
    user: str
    database: str
    startup: Mapping[str, str]
    status: str = "I"
    settings: dict[str, str] = field(default_factory=lambda: {
        "server_version": "15.6 (pgserver fake)", "server_encoding": "UTF8", "client_encoding": "UTF8",
        "DateStyle": "ISO, MDY", "integer_datetimes": "on", "standard_conforming_strings": "on",
        "TimeZone": "UTC", "IntervalStyle": "postgres", "is_superuser": "off",
        "application_name": "", "default_transaction_read_only": "off", "in_hot_standby": "off",
    })
    changes: dict[str, str] = field(default_factory=dict)
    notices: list[Notice] = field(default_factory=list)
    cancel_requested: bool = False
    sleeping: threading.Event = field(default_factory=threading.Event)
    statements: list[str] = field(default_factory=list)
    closed: bool = False
    backend_pid: int = field(default_factory=lambda: next(_PIDS))

    def __post_init__(self) -> None:
        self.settings["session_authorization"] = self.user
        self.settings["application_name"] = self.startup.get("application_name", "")

    def split(self, sql: str) -> list[str]:
        return [part.strip() for part in sql.split(";") if part.strip()]

    async def prepare(self, sql: str, param_type_oids: Sequence[int], *, describe: bool = True) -> Prepared:
        self.statements.append(sql)
        text = sql.strip()
        upper = text.upper()
        if m := re.fullmatch(r"FAIL (\w{5}) (.*)", text, re.I | re.S):
            raise PgError(m.group(1), m.group(2))
        if m := re.fullmatch(r"FATAL (\w{5}) (.*)", text, re.I | re.S):
            raise PgError(m.group(1), m.group(2), severity="FATAL")
        if self.status == "E" and upper not in ("ROLLBACK", "COMMIT"):
            raise PgError("25P02", "current transaction is aborted, commands ignored until end of transaction block")
        if re.fullmatch(r"SELECT \$\d.*", text, re.I | re.S):
            casts = re.findall(r"\$(\d+)(?:::([\w\[\]]+))?", text)
            oids = []
            for i, (_num, cast) in enumerate(casts):
                given = param_type_oids[i] if i < len(param_type_oids) else 0
                oids.append(given or (types.type_for_sql(cast)[0].oid if cast else types.TEXT))
            columns = [ResultColumn(f"p{i + 1}", oid) for i, oid in enumerate(oids)]
            return Prepared(sql, oids, columns, state=("echo",))
        if m := re.fullmatch(r"SELECT (\d+)", text, re.I):
            return Prepared(sql, [], list(ROW_COLUMNS), state=("rows", int(m.group(1))))
        if m := re.fullmatch(r"BREAK (\d+)", text, re.I):
            return Prepared(sql, [], list(ROW_COLUMNS), state=("break", int(m.group(1))))
        if m := re.fullmatch(r"SLEEP ([\d.]+)", text, re.I):
            return Prepared(sql, [], [ResultColumn("slept", types.FLOAT8)], state=("sleep", float(m.group(1))))
        if m := re.fullmatch(r"SET (\w+) *(?:=|TO) *'?([^']*)'?", text, re.I):
            return Prepared(sql, [], None, state=("set", m.group(1), m.group(2)))
        if m := re.fullmatch(r"NOTICE (.*)", text, re.I | re.S):
            return Prepared(sql, [], None, state=("notice", m.group(1)))
        if upper in ("BEGIN", "COMMIT", "ROLLBACK", "BOOM"):
            return Prepared(sql, [], None, state=(upper.lower(),))
        raise PgError("42601", f'syntax error at or near "{text.split()[0] if text.split() else text}"', position=1)

    async def execute(self, prepared: Prepared, params: Sequence[Any]) -> FakeCursor:
        kind = prepared.state[0]
        if kind == "echo":
            return FakeCursor(prepared.columns, [tuple(params)], "SELECT {n}", self)
        if kind == "rows":
            return FakeCursor(prepared.columns, [make_row(i) for i in range(1, prepared.state[1] + 1)], "SELECT {n}", self)
        if kind == "break":
            rows = [make_row(i) for i in range(1, prepared.state[1] + 2)]
            return FakeCursor(prepared.columns, rows, "SELECT {n}", self, fail_after=prepared.state[1])
        if kind == "sleep":
            self.cancel_requested = False
            return FakeCursor(prepared.columns, [(prepared.state[1],)], "SELECT {n}", self, sleep=prepared.state[1])
        if kind == "set":
            name, value = prepared.state[1], prepared.state[2]
            canonical = next((k for k in self.settings if k.lower() == name.lower()), name)
            if canonical in self.settings:
                self.settings[canonical] = value
                self.changes[canonical] = value
            return FakeCursor(None, [], "SET", self)
        if kind == "notice":
            self.notices.append(Notice("NOTICE", "00000", prepared.state[1]))
            return FakeCursor(None, [], "DO", self)
        if kind == "boom":
            raise RuntimeError("simulated bug with a secret=hunter2 inside")
        if kind == "begin":
            if self.status == "T":
                self.notices.append(Notice("WARNING", "25001", "there is already a transaction in progress"))
            self.status = "T" if self.status == "I" else self.status
            return FakeCursor(None, [], "BEGIN", self)
        tag = "ROLLBACK" if kind == "rollback" or self.status == "E" else "COMMIT"
        self.status = "I"
        return FakeCursor(None, [], tag, self)

    @property
    def transaction_status(self) -> str:
        return self.status

    def statement_failed(self) -> None:
        if self.status == "T":
            self.status = "E"

    def parameter_status(self) -> dict[str, str]:
        return dict(self.settings)

    def take_parameter_changes(self) -> Mapping[str, str]:
        changes, self.changes = self.changes, {}
        return changes

    def take_notices(self) -> list[Notice]:
        notices, self.notices = self.notices, []
        return notices

    def set_notice_sink(self, sink: Any) -> None:
        self.notice_sink = sink

    def cancel(self) -> None:
        self.cancel_requested = True

    async def close(self) -> None:
        self.closed = True


@dataclass
class FakeEngineFactory:
    databases: tuple[str, ...] = ("sage200",)
    engines: list[FakeEngine] = field(default_factory=list)

    async def connect(self, user: str, database: str, startup: Mapping[str, str], *,
                      superuser: bool = False, backend_pid: int | None = None, server: object = None) -> FakeEngine:
        if database not in self.databases:
            raise PgError("3D000", f'database "{database}" does not exist')
        engine = FakeEngine(user, database, startup)
        if backend_pid is not None:  # the server's id for the session, as pg_backend_pid() would say
            engine.backend_pid = backend_pid
        self.engines.append(engine)
        return engine
