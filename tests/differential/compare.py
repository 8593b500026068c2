"""Run one statement on two servers over the wire and compare what a client receives.

Each side runs the statement as a simple Query through libpq (psycopg's pgconn), so the comparison
sees the wire itself: column names, type OIDs, every value's text, the command tag, or the error's
SQLSTATE. Rows compare in order when the statement orders them, as multisets otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from psycopg import pq

ORDERED = re.compile(r"\border\s+by\b", re.IGNORECASE)


@dataclass(frozen=True)
class Answer:
    """What one server answered."""

    sqlstate: str | None  # None: success
    message: str
    names: tuple[str, ...] = ()
    types: tuple[int, ...] = ()
    rows: tuple[tuple[bytes | None, ...], ...] = ()
    tag: str = ""

    def summary(self) -> str:
        if self.sqlstate is not None:
            return f"ERROR {self.sqlstate}: {self.message}"
        rows = [tuple(None if v is None else v.decode("utf-8", "replace") for v in r) for r in self.rows[:4]]
        return f"{list(self.names)} {list(self.types)} {rows}{' …' if len(self.rows) > 4 else ''} [{self.tag}]"


def run(conn: pq.PGconn, sql: str) -> Answer:
    """The statement's answer (the session is left idle, outside any transaction)."""
    result = conn.exec_(sql.encode("utf-8"))
    status = result.status
    if status == pq.ExecStatus.FATAL_ERROR:
        state = result.error_field(pq.DiagnosticField.SQLSTATE)
        message = result.error_field(pq.DiagnosticField.MESSAGE_PRIMARY)
        answer = Answer(state.decode() if state else "?????", message.decode("utf-8", "replace") if message else "")
    else:
        names = tuple((result.fname(i) or b"").decode("utf-8", "replace") for i in range(result.nfields))
        types = tuple(result.ftype(i) for i in range(result.nfields))
        rows = tuple(tuple(result.get_value(r, c) for c in range(result.nfields)) for r in range(result.ntuples))
        answer = Answer(None, "", names, types, rows, (result.command_status or b"").decode())
    if conn.transaction_status != pq.TransactionStatus.IDLE:
        conn.exec_(b"ROLLBACK")
    return answer


def same(sql: str, real: Answer, ours: Answer) -> bool:
    """Identical as a client sees it: the same SQLSTATE, or the same columns, types, tag and rows."""
    if real.sqlstate is not None or ours.sqlstate is not None:
        return real.sqlstate == ours.sqlstate
    if (real.names, real.types, real.tag) != (ours.names, ours.types, ours.tag):
        return False
    if ORDERED.search(sql):
        return real.rows == ours.rows
    return sorted(real.rows, key=repr) == sorted(ours.rows, key=repr)
