"""Replaying a client's statements over the wire the way that client sends them (libpq via psycopg).

- `extended()`  one Parse(unnamed)/Bind/Describe(portal)/Execute/Sync, parameters typed and formatted
  as the client binds them (pgjdbc: setString as varchar text, setLong as binary int8), text results.
- `pipelined()` several unnamed Parse/Bind/Describe/Execute with a single Sync (Npgsql 4 splits one
  command at ';' and sends it so).
- `simple()`    one simple Query message, possibly holding several statements; every result set back.
"""

from __future__ import annotations

import select
import struct
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from psycopg import pq

from tests.catalog.corpus import CorpusQuery, load

# DBeaver's and Npgsql's statements (copied from the shared reference) are kept once, in the catalog corpus;
# traffic/ holds only what the client tests replay and the corpus does not (the Power BI navigator subset).
CORPUS_DIR = Path(__file__).resolve().parent.parent / "catalog" / "corpus"
TRAFFIC_DIR = Path(__file__).with_name("traffic")


def traffic_file(name: str) -> Path:
    own = TRAFFIC_DIR / f"{name}.sql"
    return own if own.exists() else CORPUS_DIR / f"{name}.sql"
VARCHAR, TEXT, INT4, INT8 = 1043, 25, 23, 20


@dataclass
class Result:
    """One statement's outcome: its status, error (SQLSTATE, message), column names and text rows."""

    status: str
    columns: list[str] = field(default_factory=list)
    rows: list[list[str | None]] = field(default_factory=list)
    sqlstate: str | None = None
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.sqlstate is None

    def column(self, name: str) -> list[str | None]:
        index = self.columns.index(name)
        return [row[index] for row in self.rows]


def _result(res: pq.abc.PGresult) -> Result:
    status = pq.ExecStatus(res.status).name
    if res.status in (pq.ExecStatus.FATAL_ERROR, pq.ExecStatus.NONFATAL_ERROR):
        state = res.error_field(pq.DiagnosticField.SQLSTATE)
        return Result(status, sqlstate=(state or b"?????").decode(), error=res.error_message.decode().strip())
    columns = [(res.fname(i) or b"").decode() for i in range(res.nfields)]
    rows = []
    for r in range(res.ntuples):
        values = [res.get_value(r, c) for c in range(res.nfields)]
        rows.append([None if v is None else bytes(v).decode() for v in values])
    return Result(status, columns, rows)


def bind_param(value: object, jdbc_int4: bool = False) -> tuple[bytes, int, int]:
    """(bytes, type OID, format) of one parameter as pgjdbc binds it: strings as varchar text,
    Java long as binary int8 (int as binary int4)."""
    if isinstance(value, bool):
        raise TypeError("no boolean parameters in the replayed traffic")
    if isinstance(value, int):
        return (struct.pack("!i", value), INT4, 1) if jdbc_int4 else (struct.pack("!q", value), INT8, 1)
    return str(value).encode(), VARCHAR, 0


def extended(conn: psycopg.Connection, sql: str, params: Sequence[tuple[bytes, int, int]] = ()) -> Result:
    res = conn.pgconn.exec_params(sql.encode(), [p[0] for p in params], [p[1] for p in params],
                                  [p[2] for p in params], result_format=0)
    return _result(res)


def pipelined(conn: psycopg.Connection, statements: Sequence[str]) -> list[Result]:
    """Each statement as an unnamed extended-protocol statement (text results), one Sync for all."""
    cursors = [conn.cursor() for _ in statements]
    errors: dict[int, psycopg.Error] = {}
    with conn.pipeline() as pipeline:
        for cur, sql in zip(cursors, statements, strict=True):
            cur.execute(sql.encode(), prepare=False)
        try:
            pipeline.sync()
        except psycopg.Error as exc:  # the first failure aborts the rest, as for the client
            errors[len(errors)] = exc
    out = []
    for cur in cursors:
        pgresult = cur.pgresult
        out.append(_result(pgresult) if pgresult is not None else Result("NOT_RUN", sqlstate="-----",
                                                                          error=str(errors.get(0, ""))))
    return out


def simple(conn: psycopg.Connection, sql: str) -> list[Result]:
    """One Query message; every result it produced, in order (libpq's connection is non-blocking here)."""
    pgconn = conn.pgconn
    pgconn.send_query(sql.encode())
    while pgconn.flush():
        select.select([], [pgconn.socket], [], 30)
    results = []
    while True:
        while pgconn.is_busy():
            select.select([pgconn.socket], [], [], 30)
            pgconn.consume_input()
        res = pgconn.get_result()
        if res is None:
            return results
        results.append(_result(res))


def traffic(name: str) -> dict[str, CorpusQuery]:
    """The statements of <name>.sql (tests/clients/traffic, else tests/catalog/corpus) by label (dbeaver[20], npgsql[1.2] …)."""
    return {q.label: q for q in load(traffic_file(name))}


def npgsql_type_loading_command(newline: str) -> str:
    """Npgsql 6+'s one-message type load ([6] in npgsql.sql): four statements, comments kept, joined with
    `newline` (Environment.NewLine: '\\r\\n' on Windows, where Power BI runs)."""
    text = traffic_file("npgsql").read_text()
    start = text.index("SELECT version();", text.index("-- [6] action"))
    end = text.index("-- [7] action")
    block = text[start:end].rstrip() + "\n"
    return newline.join(block.splitlines())
