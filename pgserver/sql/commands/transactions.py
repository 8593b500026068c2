"""Transaction block state exactly as PostgreSQL reports it: 'I', 'T' or 'E'.

Nothing here is transactional on the remote side (the views are read-only); the block
matters for clients (status byte, 25P02 in a failed block, savepoints) and for the
session settings, which PostgreSQL rolls back with the transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from pgserver.errors import NO_ACTIVE_SQL_TRANSACTION, PgError
from pgserver.sql.settings import SessionSettings

SAVEPOINT_NOT_FOUND = "3B001"


@dataclass
class Savepoint:
    name: str
    settings: Any
    failed_before: bool


@dataclass
class TransactionState:
    settings: SessionSettings
    status: str = "I"
    read_only: bool = False
    _start_settings: Any = None
    _savepoints: list[Savepoint] = field(default_factory=list)
    _implicit: bool = False  # running the statements of one multi-statement simple Query
    _implicit_settings: Any = None  # settings when the implicit transaction began (None: inside a block)
    # When the transaction block began, or the implicit transaction of a multi-statement Query: now() and
    # current_timestamp in it (None: each statement is a transaction of its own, and DuckDB's now() is right)
    started: dt.datetime | None = None

    @property
    def in_block(self) -> bool:
        return self.status in {"T", "E"}

    def begin(self) -> bool:
        """False when a block is already open (PostgreSQL warns and carries on)."""
        if self.in_block:
            return False
        self.status = "T"
        # BEGIN inside an implicit transaction takes the statements before it into the block, as in PostgreSQL.
        implicit, self._implicit_settings = self._implicit_settings, None
        self._start_settings = implicit if implicit is not None else self.settings.snapshot()
        self._savepoints.clear()
        if implicit is None or self.started is None:
            self.started = _now()
        return True

    def begin_implicit(self) -> None:
        """The statements of one simple Query run as one implicit transaction (PostgreSQL): an error
        in a later one undoes the settings the earlier ones changed since the last COMMIT/ROLLBACK."""
        self._implicit = True
        self._implicit_settings = self.settings.snapshot() if self.status == "I" else None
        if self.status == "I":
            self.started = _now()

    def end_implicit(self, failed: bool) -> None:
        if failed and self.status == "I" and self._implicit_settings is not None:
            self.settings.restore(self._implicit_settings)
        self._implicit = False
        self._implicit_settings = None
        if self.status == "I":
            self.started = None

    def commit(self) -> str:
        """Ends the block; the tag is ROLLBACK when the block had failed, like PostgreSQL."""
        failed = self.status == "E"
        if failed:
            self.settings.restore(self._start_settings)
        else:
            self.settings.end_transaction()
        self._finish()
        return "ROLLBACK" if failed else "COMMIT"

    def rollback(self) -> None:
        if self.in_block and self._start_settings is not None:
            self.settings.restore(self._start_settings)
        elif not self.in_block and self._implicit_settings is not None:
            self.settings.restore(self._implicit_settings)  # ROLLBACK ends an implicit transaction too
        self._finish()

    def _finish(self) -> None:
        self.status = "I"
        self.read_only = False
        self._start_settings = None
        self._savepoints.clear()
        self.started = None
        if self._implicit:  # COMMIT/ROLLBACK in a multi-statement Query: a new implicit transaction follows
            self._implicit_settings = self.settings.snapshot()
            self.started = _now()

    def fail(self) -> None:
        if self.status == "T":
            self.status = "E"

    def savepoint(self, name: str) -> None:
        if not self.in_block:
            raise PgError(NO_ACTIVE_SQL_TRANSACTION, "SAVEPOINT can only be used in transaction blocks")
        self._savepoints.append(Savepoint(name.lower(), self.settings.snapshot(), False))

    def _find(self, name: str, command: str) -> int:
        if not self.in_block:
            raise PgError(NO_ACTIVE_SQL_TRANSACTION, f"{command} can only be used in transaction blocks")
        for index in range(len(self._savepoints) - 1, -1, -1):
            if self._savepoints[index].name == name.lower():
                return index
        raise PgError(SAVEPOINT_NOT_FOUND, f'savepoint "{name}" does not exist')

    def release(self, name: str) -> None:
        index = self._find(name, "RELEASE SAVEPOINT")
        del self._savepoints[index:]

    def rollback_to(self, name: str) -> None:
        index = self._find(name, "ROLLBACK TO SAVEPOINT")
        savepoint = self._savepoints[index]
        del self._savepoints[index + 1 :]
        self.settings.restore(savepoint.settings)
        savepoint.settings = self.settings.snapshot()
        self.status = "T"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
