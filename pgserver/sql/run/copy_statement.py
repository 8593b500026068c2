"""COPY: the statement's grammar and option checks (PostgreSQL 15's gram.y and ProcessCopyOptions).

    COPY { table [ ( column [, …] ) ] | ( query ) } TO STDOUT [ [ WITH ] ( option [, …] ) ]
    COPY … TO STDOUT [ WITH ] [ BINARY ] [ DELIMITER [ AS ] 'c' ] [ NULL [ AS ] 'n' ]
                     [ CSV [ HEADER ] [ QUOTE [ AS ] 'q' ] [ ESCAPE [ AS ] 'e' ] [ FORCE QUOTE { col [, …] | * } ] ]

Only COPY TO STDOUT runs here (streamed by the protocol layer, pgserver/protocol/copy_out.py). COPY
FROM is refused the way PostgreSQL refuses copying into something that cannot take rows, and COPY
to or from a server file or program the way it refuses a role without file privileges.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from pgserver.engine import CopyOut, Cursor, ResultColumn
from pgserver.errors import FEATURE_NOT_SUPPORTED, SYNTAX_ERROR, PgError
from pgserver.protocol.copy_out import CopyFormat
from pgserver.sql.run.writes import copy_from_refused
from pgserver.sql.text.statements import Word

INSUFFICIENT_PRIVILEGE = "42501"
INVALID_PARAMETER_VALUE = "22023"
UNDEFINED_COLUMN = "42703"


@dataclass(frozen=True)
class CopyStatement:
    """A parsed COPY TO STDOUT."""

    query_sql: str | None  # COPY (query): the query's text
    table_sql: str | None  # COPY table: the table reference as written (schema-qualified or not)
    table_name: str | None  # its last name part (error messages)
    columns: tuple[str, ...]  # COPY table (a, b): the column names as written (SQL identifiers)
    options: CopyFormat
    force_quote_names: tuple[str, ...] = field(default=())  # resolved to indexes against the result columns

    def select_sql(self) -> str:
        """The query whose rows are copied."""
        if self.query_sql is not None:
            return self.query_sql
        columns = ", ".join(self.columns) if self.columns else "*"
        return f"SELECT {columns} FROM {self.table_sql}"


class _Words:
    def __init__(self, words: Sequence[Word], sql: str) -> None:
        self.words, self.sql, self.index = list(words), sql, 0

    def peek(self, offset: int = 0) -> Word | None:
        i = self.index + offset
        return self.words[i] if i < len(self.words) else None

    def next(self) -> Word:
        word = self.peek()
        if word is None:
            raise self.error()
        self.index += 1
        return word

    def accept(self, *keywords: str) -> bool:
        word = self.peek()
        if word is not None and word.is_word(*keywords):
            self.index += 1
            return True
        return False

    def accept_op(self, op: str) -> bool:
        word = self.peek()
        if word is not None and word.kind == "op" and word.text == op:
            self.index += 1
            return True
        return False

    def expect_op(self, op: str) -> None:
        if not self.accept_op(op):
            raise self.error()

    def error(self) -> PgError:
        word = self.peek()
        if word is None:
            return PgError(SYNTAX_ERROR, "syntax error at end of input", position=len(self.sql.rstrip()) + 1)
        return PgError(SYNTAX_ERROR, f'syntax error at or near "{_source(self.sql, word)}"', position=word.start + 1)


def _source(sql: str, word: Word) -> str:
    """The token as written (strings keep their quotes in PostgreSQL's messages)."""
    if word.kind == "string":
        end = sql.find("'", word.start + 1)
        while end != -1 and sql[end + 1:end + 2] == "'":
            end = sql.find("'", end + 2)
        return sql[word.start:end + 1] if end != -1 else word.text
    if word.kind == "ident":
        return '"' + word.text.replace('"', '""') + '"'
    return word.text


def _identifier_sql(word: Word) -> str:
    if word.kind == "ident":
        return '"' + word.text.replace('"', '""') + '"'
    if word.kind == "word":
        return word.text
    raise ValueError(word)


def _name(word: Word) -> str:
    return word.text if word.kind == "ident" else word.text.lower()


def parse_copy(words: Sequence[Word], sql: str) -> CopyStatement:
    """A COPY statement; PgError for syntax errors, bad options, and every form but TO STDOUT."""
    w = _Words(words, sql)
    w.next()  # COPY
    legacy: dict[str, object] = {}
    if w.accept("BINARY"):  # pre-7.3 form: COPY BINARY table …
        legacy["format"] = "binary"
    query_sql = table_sql = table_name = None
    columns: list[str] = []
    if w.accept_op("("):
        start = w.peek()
        if start is None:
            raise w.error()
        depth = 1
        while depth:
            word = w.next()
            if word.kind == "op" and word.text == "(":
                depth += 1
            elif word.kind == "op" and word.text == ")":
                depth -= 1
        close = w.words[w.index - 1]
        query_sql = sql[start.start:close.start].strip()
        if not query_sql:
            raise PgError(SYNTAX_ERROR, f'syntax error at or near "{close.text}"', position=close.start + 1)
    else:
        parts = []
        word = w.next()
        if word.kind not in ("word", "ident"):
            raise PgError(SYNTAX_ERROR, f'syntax error at or near "{_source(sql, word)}"', position=word.start + 1)
        parts.append(word)
        while w.accept_op("."):
            parts.append(w.next())
        table_sql = ".".join(_identifier_sql(p) for p in parts)
        table_name = _name(parts[-1])
        if w.accept_op("("):
            while True:
                columns.append(_identifier_sql(w.next()))
                if w.accept_op(")"):
                    break
                w.expect_op(",")
    if w.accept("FROM"):
        if query_sql is not None or table_name is None:
            raise PgError(SYNTAX_ERROR, 'syntax error at or near "FROM"', position=w.words[w.index - 1].start + 1)
        raise copy_from_refused(table_name)
    if not w.accept("TO"):
        raise w.error()
    destination = w.next()
    if destination.kind == "string" or destination.is_word("PROGRAM"):
        raise PgError(INSUFFICIENT_PRIVILEGE, "must be superuser or have privileges of the pg_write_server_files "
                      "role to COPY to a file" if destination.kind == "string" else
                      "must be superuser or have privileges of the pg_execute_server_program role to COPY to or "
                      "from an external program",
                      hint="Anyone can COPY to stdout or from stdin. psql's \\copy command also works for anyone.")
    if not destination.is_word("STDOUT"):
        w.index -= 1
        raise w.error()
    options = _options(w, legacy)
    if w.peek() is not None:
        raise w.error()
    fmt, force_quote = _validate(options, sql)
    return CopyStatement(query_sql, table_sql, table_name, tuple(columns), fmt, force_quote)


def _options(w: _Words, legacy: dict[str, object]) -> list[tuple[str, object, Word]]:
    """The options as (name, value, word) in order; the parenthesised form or the legacy keywords."""
    options: list[tuple[str, object, Word]] = [(k, v, w.words[0]) for k, v in legacy.items()]
    w.accept("WITH")
    if w.accept_op("("):
        while True:
            word = w.next()
            if word.kind not in ("word", "ident"):
                raise PgError(SYNTAX_ERROR, f'syntax error at or near "{_source(w.sql, word)}"',
                              position=word.start + 1)
            name = _name(word)
            value: object = True
            nxt = w.peek()
            if nxt is not None and not (nxt.kind == "op" and nxt.text in (",", ")")):
                if nxt.kind == "op" and nxt.text == "(":
                    w.next()
                    items = []
                    while True:
                        items.append(_name(w.next()))
                        if w.accept_op(")"):
                            break
                        w.expect_op(",")
                    value = items
                elif nxt.kind == "op" and nxt.text == "*":
                    w.next()
                    value = "*"
                else:
                    value_word = w.next()
                    value = value_word.text if value_word.kind != "word" else value_word.text.lower()
            options.append((name, value, word))
            if w.accept_op(")"):
                break
            w.expect_op(",")
        return options
    while (word := w.peek()) is not None:
        if w.accept("BINARY"):
            options.append(("format", "binary", word))
        elif w.accept("CSV"):
            options.append(("format", "csv", word))
        elif w.accept("HEADER"):
            options.append(("header", True, word))
        elif w.accept("DELIMITER", "NULL", "QUOTE", "ESCAPE"):
            w.accept("AS")
            value_word = w.next()
            if value_word.kind != "string":
                w.index -= 1
                raise w.error()
            options.append((word.text.lower(), value_word.text, word))
        elif w.accept("FORCE"):
            if w.accept("QUOTE"):
                if w.accept_op("*"):
                    options.append(("force_quote", "*", word))
                else:
                    names = [_name(w.next())]
                    while w.accept_op(","):
                        names.append(_name(w.next()))
                    options.append(("force_quote", names, word))
            elif w.accept("NOT"):
                if not w.accept("NULL"):
                    raise w.error()
                names = [_name(w.next())]
                while w.accept_op(","):
                    names.append(_name(w.next()))
                options.append(("force_not_null", names, word))
            else:
                raise w.error()
        else:
            raise w.error()
    return options


def _boolean(value: object, name: str, word: Word) -> bool:
    if value is True:
        return True
    text = str(value).lower()
    if text in ("true", "on", "1", "yes"):
        return True
    if text in ("false", "off", "0", "no"):
        return False
    wanted = 'a Boolean value or "match"' if name == "header" else "a Boolean value"
    raise PgError(SYNTAX_ERROR, f"{name} requires {wanted}", position=word.start + 1)


def _single_byte(value: str) -> bool:
    return len(value.encode("utf-8")) == 1


def _validate(options: list[tuple[str, object, Word]], sql: str) -> tuple[CopyFormat, tuple[str, ...]]:
    """ProcessCopyOptions for COPY TO, with PostgreSQL's messages and SQLSTATEs."""
    seen: set[str] = set()
    values: dict[str, object] = {}
    for name, value, word in options:
        if name in seen:
            raise PgError(SYNTAX_ERROR, "conflicting or redundant options", position=word.start + 1)
        seen.add(name)
        if name == "format":
            if str(value) not in ("text", "csv", "binary"):
                raise PgError(INVALID_PARAMETER_VALUE, f'COPY format "{value}" not recognized',
                              position=word.start + 1)
            values["format"] = str(value)
        elif name in ("delimiter", "null", "quote", "escape", "encoding"):
            if value is True:
                raise PgError(SYNTAX_ERROR, f"{name} requires a parameter", position=word.start + 1)
            if not isinstance(value, str):
                raise PgError(SYNTAX_ERROR, f"{name} requires a string value", position=word.start + 1)
            values[name] = value
        elif name in ("header", "freeze"):
            if str(value).lower() == "match":
                raise PgError(FEATURE_NOT_SUPPORTED, 'cannot use "match" with HEADER in COPY TO')
            values[name] = _boolean(value, name, word)
        elif name in ("force_quote", "force_not_null", "force_null"):
            if value is True:
                raise PgError(SYNTAX_ERROR, f'argument to option "{name}" must be a list of column names',
                              position=word.start + 1)
            values[name] = value
        else:
            raise PgError(SYNTAX_ERROR, f'option "{name}" not recognized', position=word.start + 1)
    fmt = str(values.get("format", "text"))
    csv, binary = fmt == "csv", fmt == "binary"
    if binary:
        for name in ("delimiter", "null", "header"):
            if name in values:
                raise PgError(FEATURE_NOT_SUPPORTED, f"cannot specify {name.upper()} in BINARY mode")
    delimiter = str(values.get("delimiter", "," if csv else "\t"))
    null = str(values.get("null", "" if csv else "\\N"))
    if not _single_byte(delimiter):
        raise PgError(FEATURE_NOT_SUPPORTED, "COPY delimiter must be a single one-byte character")
    if delimiter in ("\r", "\n"):
        raise PgError(INVALID_PARAMETER_VALUE, "COPY delimiter cannot be newline or carriage return")
    if "\r" in null or "\n" in null:
        raise PgError(INVALID_PARAMETER_VALUE, "COPY null representation cannot use newline or carriage return")
    if not csv and delimiter in "\\.abcdefghijklmnopqrstuvwxyz0123456789":
        raise PgError(INVALID_PARAMETER_VALUE, f'COPY delimiter cannot be "{delimiter}"')
    if "quote" in values and not csv:
        raise PgError(FEATURE_NOT_SUPPORTED, "COPY quote available only in CSV mode")
    quote = str(values.get("quote", '"'))
    if csv and not _single_byte(quote):
        raise PgError(FEATURE_NOT_SUPPORTED, "COPY quote must be a single one-byte character")
    if csv and delimiter == quote:
        raise PgError(INVALID_PARAMETER_VALUE, "COPY delimiter and quote must be different")
    if "escape" in values and not csv:
        raise PgError(FEATURE_NOT_SUPPORTED, "COPY escape available only in CSV mode")
    escape = str(values.get("escape", quote))
    if csv and not _single_byte(escape):
        raise PgError(FEATURE_NOT_SUPPORTED, "COPY escape must be a single one-byte character")
    if "force_quote" in values and not csv:
        raise PgError(FEATURE_NOT_SUPPORTED, "COPY force quote available only in CSV mode")
    if "force_not_null" in values:
        raise PgError(FEATURE_NOT_SUPPORTED, "COPY force not null available only in CSV mode" if not csv else
                      "COPY force not null only available using COPY FROM")
    if "force_null" in values:
        raise PgError(FEATURE_NOT_SUPPORTED, "COPY force null available only in CSV mode" if not csv else
                      "COPY force null only available using COPY FROM")
    if not binary and delimiter in null:
        raise PgError(FEATURE_NOT_SUPPORTED, "COPY delimiter must not appear in the NULL specification")
    if csv and quote in null:
        raise PgError(FEATURE_NOT_SUPPORTED, "CSV quote character must not appear in the NULL specification")
    encoding = values.get("encoding")
    if encoding is not None and str(encoding).upper().replace("-", "") not in ("UTF8", "UNICODE"):
        raise PgError(FEATURE_NOT_SUPPORTED, f'COPY encoding "{encoding}" is not supported here',
                      hint="This server sends UTF8.")
    force = values.get("force_quote")
    force_all = force == "*"
    names = tuple(force) if isinstance(force, list) else ()
    return CopyFormat(fmt, delimiter, null, bool(values.get("header", False)), quote, escape,
                      None, force_all), names


def force_quote_indexes(statement: CopyStatement, columns: Sequence[ResultColumn]) -> frozenset[int]:
    """FORCE_QUOTE names as positions among the copied columns (42703 for a name not copied)."""
    names = [c.name for c in columns]
    indexes = set()
    for name in statement.force_quote_names:
        if name not in names:
            raise PgError(UNDEFINED_COLUMN, f'column "{name}" does not exist')
        indexes.add(names.index(name))
    return frozenset(indexes)


class CopyCursor(Cursor):
    """The rows of COPY … TO STDOUT: the query's cursor, announced as a copy (no RowDescription)."""

    columns = None

    def __init__(self, query: Any, statement: CopyStatement) -> None:
        self.query = query  # a started QueryCursor (its statement log line counts the rows copied)
        columns = list(query.columns or [])
        fmt = replace(statement.options, force_quote=force_quote_indexes(statement, columns))
        self.copy_out = CopyOut(fmt, columns)

    async def fetch(self, max_rows: int | None) -> list[tuple[Any, ...]]:
        return await self.query.fetch(max_rows)

    @property
    def command_tag(self) -> str:
        return f"COPY {self.query.row_count}"

    async def close(self) -> None:
        await self.query.close()
