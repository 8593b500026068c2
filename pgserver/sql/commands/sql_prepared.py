"""SQL-level PREPARE / EXECUTE / DEALLOCATE (the protocol-level ones live in the server)."""

from __future__ import annotations

import datetime as dt
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
from pgserver.sql.bind.constants import NotPushable, literal_value
from pgserver.sql.commands.session_commands import syntax_error
from pgserver.sql.run.results import StaticCursor
from pgserver.sql.text.parsing import parse_statement
from pgserver.sql.text.statements import Statement
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
        self._sql_text: dict[str, str] = {}  # name -> the PREPARE statement, as pg_prepared_statements shows it
        self._times: dict[int, tuple[Prepared, dt.datetime]] = {}  # id(Prepared) -> (it, when prepared)
        self._prune_at = 64

    def clear(self) -> None:
        self._prepared.clear()
        self._sql_text.clear()

    def note_prepared(self, prepared: Prepared) -> None:
        """Remember when a statement was prepared (Parse or PREPARE), for pg_prepared_statements.prepare_time.
        Entries of statements no longer named anywhere are dropped as the table grows."""
        self._times[id(prepared)] = (prepared, dt.datetime.now(dt.UTC))
        if len(self._times) > self._prune_at:
            named = {id(p) for p in self._named()}
            self._times = {key: value for key, value in self._times.items() if key in named}
            self._prune_at = 2 * len(self._times) + 64

    def _named(self) -> list[Prepared]:
        protocol = [p for name, p in self.protocol.items() if name] if self.protocol is not None else []
        return [*self._prepared.values(), *protocol]

    def rows(self) -> list[dict[str, Any]]:
        """pg_prepared_statements: SQL PREPAREd statements (from_sql true), then the protocol's named
        statements (Parse; from_sql false), as PostgreSQL lists both."""
        out = []
        sources = [(self._prepared.items(), True),
                   ((self.protocol or {}).items(), False)]
        for items, from_sql in sources:
            for name, prepared in items:
                if not name:
                    continue  # the unnamed statement is not listed
                seen = self._times.get(id(prepared))
                when = seen[1] if seen is not None and seen[0] is prepared else None
                out.append(dict(name=name, statement=self._sql_text.get(name, prepared.sql) if from_sql
                                else prepared.sql, prepare_time=when,
                                parameter_types=list(prepared.param_type_oids), from_sql=from_sql))
        return out

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
        self._sql_text[name] = statement.sql
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
            self.clear()
            if self.protocol is not None:
                self.protocol.clear()
            return StaticCursor("DEALLOCATE ALL")
        if len(words) != 1:
            raise syntax_error(statement.words, 1, len(statement.sql))
        name = words[0].text if words[0].kind == "ident" else words[0].text.lower()
        self._sql_text.pop(name, None)
        if self._prepared.pop(name, None) is None and \
                (self.protocol is None or not name or self.protocol.pop(name, None) is None):
            raise PgError(INVALID_SQL_STATEMENT_NAME, f'prepared statement "{name}" does not exist')
        return StaticCursor("DEALLOCATE")
