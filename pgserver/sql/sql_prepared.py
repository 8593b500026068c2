"""SQL-level PREPARE / EXECUTE / DEALLOCATE (the protocol-level ones live in the server)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from typing import Any

from sqlglot import exp

from pgserver.engine import Cursor, Prepared, ResultColumn
from pgserver.errors import (
    DUPLICATE_PREPARED_STATEMENT,
    FEATURE_NOT_SUPPORTED,
    INVALID_SQL_STATEMENT_NAME,
    SYNTAX_ERROR,
    PgError,
)
from pgserver.sql.parsing import parse_statement
from pgserver.sql.quals import NotPushable, literal_value
from pgserver.sql.results import StaticCursor
from pgserver.sql.session_commands import syntax_error
from pgserver.sql.statements import Statement
from pgserver.types import type_for_sql

PrepareFn = Callable[[str, Sequence[int]], Awaitable[Prepared]]
ExecuteFn = Callable[[Prepared, Sequence[Any]], Awaitable[Cursor]]


class SqlPreparedStatements:
    """The session's named SQL prepared statements."""

    def __init__(self) -> None:
        self._prepared: dict[str, Prepared] = {}
        # The protocol's named statements (Parse): one namespace with SQL PREPARE in PostgreSQL, so
        # DEALLOCATE/EXECUTE reach them (psqlODBC frees its statements with DEALLOCATE).
        self.protocol: MutableMapping[str, Prepared] | None = None

    def clear(self) -> None:
        self._prepared.clear()

    def _find(self, name: str) -> Prepared | None:
        if name in self._prepared:
            return self._prepared[name]
        return self.protocol.get(name) if self.protocol is not None and name else None

    def columns(self, statement: Statement) -> list[ResultColumn] | None:
        """What `EXECUTE name(...)` will return, for Describe before it runs (None if unknown)."""
        words = statement.words
        if len(words) < 2:
            return None
        name = words[1].text if words[1].kind == "ident" else words[1].text.lower()
        prepared = self._find(name)
        return prepared.columns if prepared is not None else None

    async def prepare(self, statement: Statement, prepare: PrepareFn) -> StaticCursor:
        words = statement.words
        if len(words) < 4:
            raise syntax_error(words, len(words), len(statement.sql))
        name = words[1].text if words[1].kind == "ident" else words[1].text.lower()
        if self._find(name) is not None:
            raise PgError(DUPLICATE_PREPARED_STATEMENT, f'prepared statement "{name}" already exists')
        index = 2
        declared: list[int] = []
        if words[index].kind == "op" and words[index].text == "(":
            close = next((i for i in range(index, len(words)) if words[i].text == ")"), None)
            if close is None:
                raise syntax_error(words, len(words), len(statement.sql))
            type_text = statement.sql[words[index].start + 1 : words[close].start]
            declared = [type_for_sql(t)[0].oid for t in type_text.split(",") if t.strip()]
            index = close + 1
        if index >= len(words) or not words[index].is_word("AS"):
            raise syntax_error(words, index, len(statement.sql))
        body = statement.sql[words[index + 1].start :] if index + 1 < len(words) else ""
        self._prepared[name] = await prepare(body, declared)
        return StaticCursor("PREPARE")

    async def execute(self, statement: Statement, execute: ExecuteFn) -> Cursor:
        words = statement.words
        if len(words) < 2:
            raise syntax_error(words, 1, len(statement.sql))
        name = words[1].text if words[1].kind == "ident" else words[1].text.lower()
        found = self._find(name)
        if found is None:
            raise PgError(INVALID_SQL_STATEMENT_NAME, f'prepared statement "{name}" does not exist')
        prepared = found
        values: list[Any] = []
        if len(words) > 2:
            args_sql = statement.sql[words[2].start :]
            tree = parse_statement("SELECT " + args_sql.strip()[1:-1]) if args_sql.strip().startswith("(") else None
            if tree is None or not isinstance(tree, exp.Select):
                raise syntax_error(words, 2, len(statement.sql))
            try:
                values = [literal_value(e) for e in tree.expressions]
            except NotPushable:
                raise PgError(FEATURE_NOT_SUPPORTED, "EXECUTE arguments must be constants") from None
        if len(values) != len(prepared.param_type_oids):
            raise PgError(SYNTAX_ERROR, f'wrong number of parameters for prepared statement "{name}"',
                          detail=f"Expected {len(prepared.param_type_oids)} parameters but got {len(values)}.")
        return await execute(prepared, values)

    def deallocate(self, statement: Statement) -> StaticCursor:
        words = [w for w in statement.words[1:] if not w.is_word("PREPARE")]
        if len(words) == 1 and words[0].is_word("ALL"):
            self._prepared.clear()
            if self.protocol is not None:
                self.protocol.clear()
            return StaticCursor("DEALLOCATE ALL")
        if len(words) != 1:
            raise syntax_error(statement.words, 1, len(statement.sql))
        name = words[0].text if words[0].kind == "ident" else words[0].text.lower()
        if self._prepared.pop(name, None) is None and \
                (self.protocol is None or not name or self.protocol.pop(name, None) is None):
            raise PgError(INVALID_SQL_STATEMENT_NAME, f'prepared statement "{name}" does not exist')
        return StaticCursor("DEALLOCATE")
