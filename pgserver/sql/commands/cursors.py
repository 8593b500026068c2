"""SQL-level cursors: DECLARE … CURSOR FOR, FETCH, MOVE, CLOSE.

A declared cursor is a running query cursor kept by name; FETCH pulls the next rows from
it (forward only — the scans are streams). Cursors without HOLD close at the end of the
transaction, as in PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pgserver.engine import OpenCursor, ProtocolPortals, ResultColumn
from pgserver.errors import (
    DUPLICATE_CURSOR,
    INVALID_CURSOR_NAME,
    NO_ACTIVE_SQL_TRANSACTION,
    OBJECT_NOT_IN_PREREQUISITE_STATE,
    SYNTAX_ERROR,
    PgError,
)
from pgserver.sql.run.results import StaticCursor
from pgserver.sql.text.statements import Word

FETCH_ALL = -1


@dataclass
class Declaration:
    name: str
    binary: bool
    hold: bool
    scroll: bool
    query_sql: str
    statement: str = ""  # the whole DECLARE, as pg_cursors shows it


@dataclass
class DeclaredCursor:
    declaration: Declaration
    cursor: Any  # QueryCursor
    position: int = 0
    created: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

    @property
    def columns(self) -> list[ResultColumn] | None:
        return self.cursor.columns


def _syntax(words: Sequence[Word], index: int, sql: str) -> PgError:
    if index < len(words):
        return PgError(SYNTAX_ERROR, f'syntax error at or near "{words[index].text}"', position=words[index].start + 1)
    return PgError(SYNTAX_ERROR, "syntax error at end of input", position=len(sql) + 1)


def _cursor_name(word: Word) -> str:
    return word.text if word.kind == "ident" else word.text.lower()


def parse_declare(words: Sequence[Word], sql: str, in_block: bool) -> Declaration:
    if len(words) < 2 or words[1].kind not in {"word", "ident"}:
        raise _syntax(words, 1, sql)
    name = _cursor_name(words[1])
    index = 2
    binary = hold = scroll = False
    while index < len(words) and not words[index].is_word("CURSOR"):
        word = words[index]
        if word.is_word("BINARY"):
            binary = True
        elif word.is_word("ASENSITIVE", "INSENSITIVE"):
            pass
        elif word.is_word("SCROLL"):
            scroll = True
        elif word.is_word("NO") and index + 1 < len(words) and words[index + 1].is_word("SCROLL"):
            index += 1
        else:
            raise _syntax(words, index, sql)
        index += 1
    if index >= len(words):
        raise _syntax(words, index, sql)
    index += 1
    if index + 1 < len(words) and words[index].is_word("WITH", "WITHOUT") and words[index + 1].is_word("HOLD"):
        hold = words[index].is_word("WITH")
        index += 2
    if index >= len(words) or not words[index].is_word("FOR"):
        raise _syntax(words, index, sql)
    index += 1
    if index >= len(words):
        raise _syntax(words, index, sql)
    if not hold and not in_block:
        raise PgError(NO_ACTIVE_SQL_TRANSACTION, "DECLARE CURSOR can only be used in transaction blocks")
    if scroll:
        raise PgError("0A000", "SCROLL cursors are not supported",
                      hint="The rows are streamed from the Sage 200 API; declare the cursor NO SCROLL.")
    return Declaration(name, binary, hold, scroll, sql[words[index].start :], sql)


@dataclass(frozen=True)
class FetchRequest:
    name: str
    count: int  # FETCH_ALL for ALL
    move: bool


def parse_fetch(words: Sequence[Word], sql: str) -> FetchRequest:
    move = words[0].is_word("MOVE")
    index = 1
    count = 1
    if index < len(words) and words[index].is_word("NEXT"):
        index += 1
    elif index < len(words) and words[index].is_word("ALL"):
        count, index = FETCH_ALL, index + 1
    elif index < len(words) and words[index].is_word("FORWARD"):
        index += 1
        if index < len(words) and words[index].is_word("ALL"):
            count, index = FETCH_ALL, index + 1
        elif index < len(words) and words[index].kind == "number":
            count, index = _count(words[index]), index + 1
    elif index < len(words) and words[index].kind == "number":
        count, index = _count(words[index]), index + 1
    elif index < len(words) and words[index].is_word("PRIOR", "FIRST", "LAST", "ABSOLUTE", "RELATIVE", "BACKWARD"):
        raise PgError(OBJECT_NOT_IN_PREREQUISITE_STATE, "cursor can only scan forward",
                      hint="Declare it with SCROLL option to enable backward scan.")
    if index < len(words) and words[index].is_word("FROM", "IN"):
        index += 1
    if index != len(words) - 1 or words[index].kind not in {"word", "ident"}:
        raise _syntax(words, min(index + 1, len(words)) if index < len(words) else index, sql)
    return FetchRequest(_cursor_name(words[index]), count, move)


def _count(word: Word) -> int:
    if not word.text.lstrip("-").isdigit():
        raise PgError(SYNTAX_ERROR, f'syntax error at or near "{word.text}"', position=word.start + 1)
    value = int(word.text)
    if value < 0:
        raise PgError(OBJECT_NOT_IN_PREREQUISITE_STATE, "cursor can only scan forward",
                      hint="Declare it with SCROLL option to enable backward scan.")
    return value


class CursorRegistry:
    """The session's open SQL cursors by name; FETCH, MOVE and CLOSE also reach the protocol's named portals
    (`protocol`, one namespace as in PostgreSQL)."""

    def __init__(self) -> None:
        self._cursors: dict[str, DeclaredCursor] = {}
        self.protocol: ProtocolPortals | None = None

    def check_new(self, name: str) -> None:
        if name in self._cursors:
            raise PgError(DUPLICATE_CURSOR, f'cursor "{name}" already exists')

    def add(self, declaration: Declaration, cursor: Any) -> None:
        self._cursors[declaration.name] = DeclaredCursor(declaration, cursor)

    def rows(self) -> list[dict[str, Any]]:
        """pg_cursors: the SQL cursors (DECLARE), then the protocol's portals (Bind), as PostgreSQL lists both."""
        listed = [OpenCursor(name, d.declaration.statement, d.declaration.hold, d.declaration.binary,
                             d.declaration.scroll, d.created) for name, d in self._cursors.items()]
        listed += self.protocol.listed() if self.protocol is not None else []
        return [dict(name=c.name, statement=c.statement, is_holdable=c.holdable, is_binary=c.binary,
                     is_scrollable=c.scrollable, creation_time=c.created) for c in listed]

    def get(self, name: str) -> DeclaredCursor:
        try:
            return self._cursors[name]
        except KeyError:
            raise PgError(INVALID_CURSOR_NAME, f'cursor "{name}" does not exist') from None

    async def fetch(self, request: FetchRequest) -> StaticCursor:
        if request.name not in self._cursors and self.protocol is not None:
            found = await self.protocol.fetch(request.name, None if request.count == FETCH_ALL else request.count)
            if found is not None:
                columns, rows = found
                if request.move:
                    return StaticCursor(f"MOVE {len(rows)}")
                return StaticCursor("FETCH", columns, rows, tag_counts_rows=True)
        declared = self.get(request.name)
        rows = await declared.cursor.fetch(None if request.count == FETCH_ALL else request.count)
        declared.position += len(rows)
        if request.move:
            return StaticCursor(f"MOVE {len(rows)}")
        return StaticCursor("FETCH", declared.columns, rows, tag_counts_rows=True)

    async def close(self, words: Sequence[Word], sql: str) -> StaticCursor:
        if len(words) != 2:
            raise _syntax(words, min(len(words), 2), sql)
        if words[1].is_word("ALL"):
            await self.close_all()
        else:
            name = _cursor_name(words[1])
            if name not in self._cursors and self.protocol is not None and await self.protocol.close(name):
                return StaticCursor("CLOSE CURSOR")
            declared = self.get(name)
            del self._cursors[name]
            await declared.cursor.close()
        return StaticCursor("CLOSE CURSOR")

    async def close_all(self, keep_holdable: bool = False) -> None:
        for name in list(self._cursors):
            declared = self._cursors[name]
            if keep_holdable and declared.declaration.hold:
                continue
            del self._cursors[name]
            await declared.cursor.close()

    def cancel_all(self) -> None:
        for declared in self._cursors.values():
            cancel = getattr(declared.cursor, "cancel", None)
            if cancel is not None:
                cancel()
