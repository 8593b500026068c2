"""SET / RESET / SHOW and the transaction commands, with PostgreSQL's tags, notices and errors."""

from __future__ import annotations

import re
from collections.abc import Sequence

from pgserver.engine import Notice
from pgserver.errors import (
    ACTIVE_SQL_TRANSACTION,
    INVALID_PARAMETER_VALUE,
    NO_ACTIVE_SQL_TRANSACTION,
    SYNTAX_ERROR,
    WARNING,
    PgError,
)
from pgserver.sql.commands.transactions import TransactionState
from pgserver.sql.run.results import StaticCursor, text_columns
from pgserver.sql.settings import SessionSettings, canonical_guc
from pgserver.sql.text.statements import Word


def syntax_error(words: Sequence[Word], index: int, sql_length: int) -> PgError:
    if index < len(words):
        return PgError(SYNTAX_ERROR, f'syntax error at or near "{words[index].text}"', position=words[index].start + 1)
    return PgError(SYNTAX_ERROR, "syntax error at end of input", position=sql_length + 1)


def _strip_optional(words: Sequence[Word], index: int, *options: str) -> int:
    while index < len(words) and words[index].is_word(*options):
        index += 1
    return index


def _name(word: Word) -> str:
    return word.text if word.kind == "ident" else word.text.lower()


# ---------------------------------------------------------------------------
# transactions
# ---------------------------------------------------------------------------


def begin(words: Sequence[Word], sql: str, txn: TransactionState, notices: list[Notice]) -> StaticCursor:
    index = 1
    if words[0].is_word("START"):
        if len(words) < 2 or not words[1].is_word("TRANSACTION"):
            raise syntax_error(words, 1, len(sql))
        index = 2
    else:
        index = _strip_optional(words, index, "WORK", "TRANSACTION")
    read_only = _transaction_modes(words, index, sql, txn.settings)
    if not txn.begin():
        notices.append(Notice("WARNING", ACTIVE_SQL_TRANSACTION, "there is already a transaction in progress"))
    elif read_only is not None:
        txn.read_only = read_only
    return StaticCursor("BEGIN")


def _transaction_modes(words: Sequence[Word], index: int, sql: str, settings: SessionSettings) -> bool | None:
    read_only = None
    while index < len(words):
        word = words[index]
        if word.kind == "op" and word.text == ",":
            index += 1
        elif word.is_word("ISOLATION") and index + 1 < len(words) and words[index + 1].is_word("LEVEL"):
            index += 2
            level = []
            while index < len(words) and words[index].is_word("READ", "COMMITTED", "UNCOMMITTED", "REPEATABLE",
                                                               "SERIALIZABLE"):
                level.append(words[index].text.lower())
                index += 1
            if " ".join(level) not in {"read committed", "read uncommitted", "repeatable read", "serializable"}:
                raise syntax_error(words, index, len(sql))
        elif word.is_word("READ") and index + 1 < len(words) and words[index + 1].is_word("ONLY", "WRITE"):
            read_only = words[index + 1].is_word("ONLY")
            index += 2
        elif word.is_word("DEFERRABLE"):
            index += 1
        elif word.is_word("NOT") and index + 1 < len(words) and words[index + 1].is_word("DEFERRABLE"):
            index += 2
        else:
            raise syntax_error(words, index, len(sql))
    return read_only


def commit(words: Sequence[Word], sql: str, txn: TransactionState, notices: list[Notice]) -> StaticCursor:
    index = _strip_optional(words, 1, "WORK", "TRANSACTION")
    _and_chain(words, index, sql)
    if not txn.in_block:
        notices.append(Notice("WARNING", NO_ACTIVE_SQL_TRANSACTION, "there is no transaction in progress"))
        txn.commit()  # still ends an implicit transaction (several statements in one Query)
        return StaticCursor("COMMIT")
    return StaticCursor(txn.commit())


def _and_chain(words: Sequence[Word], index: int, sql: str) -> None:
    if index < len(words) and words[index].is_word("AND"):
        rest = [w.text.upper() for w in words[index + 1 :]]
        if rest not in (["CHAIN"], ["NO", "CHAIN"]):
            raise syntax_error(words, index + 1, len(sql))
        if rest == ["CHAIN"]:
            raise PgError("0A000", "COMMIT AND CHAIN is not supported")
    elif index < len(words):
        raise syntax_error(words, index, len(sql))


def rollback(words: Sequence[Word], sql: str, txn: TransactionState, notices: list[Notice]) -> StaticCursor:
    index = _strip_optional(words, 1, "WORK", "TRANSACTION")
    if index < len(words) and words[index].is_word("TO"):
        index = _strip_optional(words, index + 1, "SAVEPOINT")
        if index >= len(words):
            raise syntax_error(words, index, len(sql))
        txn.rollback_to(_name(words[index]))
        return StaticCursor("ROLLBACK")
    _and_chain(words, index, sql)
    if not txn.in_block:
        notices.append(Notice("WARNING", NO_ACTIVE_SQL_TRANSACTION, "there is no transaction in progress"))
    txn.rollback()
    return StaticCursor("ROLLBACK")


def savepoint(words: Sequence[Word], sql: str, txn: TransactionState) -> StaticCursor:
    if len(words) != 2:
        raise syntax_error(words, min(2, len(words)), len(sql))
    txn.savepoint(_name(words[1]))
    return StaticCursor("SAVEPOINT")


def release(words: Sequence[Word], sql: str, txn: TransactionState) -> StaticCursor:
    index = _strip_optional(words, 1, "SAVEPOINT")
    if index != len(words) - 1:
        raise syntax_error(words, index + 1 if index < len(words) else index, len(sql))
    txn.release(_name(words[index]))
    return StaticCursor("RELEASE")


# ---------------------------------------------------------------------------
# SET / RESET / SHOW
# ---------------------------------------------------------------------------


def _list_item(word: Word) -> str:
    """An item of a list setting (search_path) as PostgreSQL stores it: unquoted names fold to lower
    case, and every name is quoted when it needs quotes (quote_identifier), so "StandardUK" survives."""
    text = word.text.lower() if word.kind == "word" else word.text
    if word.kind == "number" or re.fullmatch(r"[a-z_][a-z0-9_$]*", text) or text == "$user" and word.kind == "word":
        return text
    return '"' + text.replace('"', '""') + '"'


def _value_text(words: Sequence[Word], index: int, sql: str, list_quote: bool = False) -> str | None:
    """The value list after `=`/TO as PostgreSQL stores it ('a, b'); None for DEFAULT."""
    if index >= len(words):
        raise syntax_error(words, index, len(sql))
    if len(words) == index + 1 and words[index].is_word("DEFAULT"):
        return None
    parts: list[str] = []
    expect_value = True
    position = index
    while position < len(words):
        word = words[position]
        if expect_value:
            if word.kind in {"string", "number", "word", "ident"}:
                parts.append(_list_item(word) if list_quote else word.text)
            elif word.kind == "op" and word.text == "-" and position + 1 < len(words) \
                    and words[position + 1].kind == "number":
                position += 1
                parts.append("-" + words[position].text)
            else:
                raise syntax_error(words, position, len(sql))
            expect_value = False
        else:
            if not (word.kind == "op" and word.text == ","):
                # PostgreSQL allows `SET x = 10 ms`? no: units go inside quotes; a bare second word is an error
                raise syntax_error(words, position, len(sql))
            expect_value = True
        position += 1
    if expect_value:
        raise syntax_error(words, position, len(sql))
    return ", ".join(parts)


_INTERVAL_FIELDS = ("YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND")


def _time_zone_value(words: Sequence[Word], index: int, sql: str) -> str | None:
    """SET TIME ZONE's zone_value: a zone name, LOCAL/DEFAULT, a number of hours, or
    INTERVAL 'text' [HOUR TO MINUTE …] (Sequelize sends that form); offsets are stored the way
    PostgreSQL shows them (`<+05:30>-05:30`, a POSIX zone named after its offset)."""
    if index < len(words) and words[index].is_word("INTERVAL"):
        if index + 1 >= len(words) or words[index + 1].kind != "string":
            raise syntax_error(words, index + 1, len(sql))
        literal = words[index + 1].text
        position = index + 2
        while position < len(words) and words[position].is_word(*_INTERVAL_FIELDS, "TO"):
            position += 1
        if position < len(words):
            raise syntax_error(words, position, len(sql))
        return offset_zone(_interval_seconds(literal, f"INTERVAL '{literal}'"))
    value = _value_text(words, index, sql)
    if value is not None and value.upper() == "LOCAL":
        return None
    if value is not None and re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", value):
        return offset_zone(round(float(value) * 3600))  # SET TIME ZONE 5 / -3.5: hours east of UTC
    return value


def _interval_seconds(text: str, shown: str) -> int:
    m = re.fullmatch(r"\s*([+-])?(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?\s*", text)
    if m is None:
        hours = re.fullmatch(r"\s*([+-]?\d+)\s*(hours?)?\s*", text, re.IGNORECASE)
        if hours is None:
            raise PgError(INVALID_PARAMETER_VALUE, f'invalid value for parameter "TimeZone": "{shown}"',
                          detail="Cannot specify days in time zone interval." if "day" in text.lower() else None)
        return int(hours.group(1)) * 3600
    sign = -1 if m.group(1) == "-" else 1
    return sign * (int(m.group(2)) * 3600 + int(m.group(3) or 0) * 60 + int(m.group(4) or 0))


def offset_zone(seconds: int) -> str:
    """PostgreSQL's name for a fixed offset east of UTC: <+05:30>-05:30 (the POSIX sign is reversed)."""
    def hhmm(value: int) -> str:
        hours, rest = divmod(abs(value), 3600)
        minutes, secs = divmod(rest, 60)
        text = f"{hours:02d}" + (f":{minutes:02d}" if minutes or secs else "") + (f":{secs:02d}" if secs else "")
        return text
    east = "-" if seconds < 0 else "+"
    west = "+" if seconds < 0 else "-"
    return f"<{east}{hhmm(seconds)}>{west}{hhmm(seconds)}"


def set_command(words: Sequence[Word], sql: str, settings: SessionSettings, txn: TransactionState,
                notices: list[Notice]) -> StaticCursor:
    index = 1
    local = False
    if index < len(words) and words[index].is_word("SESSION", "LOCAL"):
        if words[index].is_word("LOCAL"):
            local = True
        elif index + 1 < len(words) and words[index + 1].is_word("CHARACTERISTICS", "AUTHORIZATION"):
            if words[index + 1].is_word("AUTHORIZATION"):
                if len(words) == index + 3 and words[index + 2].is_word("DEFAULT"):
                    return StaticCursor("SET")  # back to the login user, which we never left (Npgsql's reset)
                raise PgError("42501", "permission denied to set session authorization")
            # SET SESSION CHARACTERISTICS AS TRANSACTION <modes>
            _transaction_modes(words, _strip_optional(words, index + 2, "AS", "TRANSACTION"), sql, settings)
            return StaticCursor("SET")
        index += 1
    if index >= len(words):
        raise syntax_error(words, index, len(sql))
    if local and not txn.in_block:
        notices.append(Notice("WARNING", NO_ACTIVE_SQL_TRANSACTION, "SET LOCAL can only be used in transaction blocks"))
    word = words[index]
    if word.is_word("TIME") and index + 1 < len(words) and words[index + 1].is_word("ZONE"):
        value = _time_zone_value(words, index + 2, sql)
        settings.set("TimeZone", value, local=local, in_transaction=txn.in_block)
        return StaticCursor("SET")
    if word.is_word("NAMES"):
        settings.set("client_encoding", _value_text(words, index + 1, sql), local=local, in_transaction=txn.in_block)
        return StaticCursor("SET")
    if word.is_word("SCHEMA") and not _is_assignment(words, index + 1):
        # PostgreSQL's SET SCHEMA 'x' is search_path; `SET Schema = x` is the connection property
        settings.set("search_path", _value_text(words, index + 1, sql, list_quote=True), local=local,
                     in_transaction=txn.in_block)
        return StaticCursor("SET")
    if word.is_word("TRANSACTION"):
        if not txn.in_block:
            notices.append(Notice("WARNING", NO_ACTIVE_SQL_TRANSACTION,
                                  "SET TRANSACTION can only be used in transaction blocks"))
        read_only = _transaction_modes(words, index + 1, sql, settings)
        if read_only is not None and txn.in_block:
            txn.read_only = read_only
        return StaticCursor("SET")
    if word.kind not in {"word", "ident"}:
        raise syntax_error(words, index, len(sql))
    name = word.text
    index += 1
    while index + 1 < len(words) and words[index].kind == "op" and words[index].text == ".":
        name += "." + words[index + 1].text  # custom "myapp.setting" names
        index += 2
    if index >= len(words) or not (words[index].is_word("TO") or (words[index].kind == "op" and words[index].text == "=")):
        raise syntax_error(words, index, len(sql))
    guc = canonical_guc(name)
    list_quote = guc is not None and guc.name == "search_path"
    settings.set(name, _value_text(words, index + 1, sql, list_quote), local=local, in_transaction=txn.in_block)
    return StaticCursor("SET")


def _is_assignment(words: Sequence[Word], index: int) -> bool:
    return index < len(words) and (words[index].is_word("TO") or (words[index].kind == "op" and words[index].text == "="))


def reset_command(words: Sequence[Word], sql: str, settings: SessionSettings) -> StaticCursor:
    if len(words) == 2 and words[1].is_word("ALL"):
        settings.reset_all()
        return StaticCursor("RESET")
    if len(words) == 3 and words[1].is_word("TIME") and words[2].is_word("ZONE"):
        settings.reset("TimeZone")
        return StaticCursor("RESET")
    if len(words) == 3 and words[1].is_word("SESSION") and words[2].is_word("AUTHORIZATION"):
        return StaticCursor("RESET")
    if len(words) != 2 or words[1].kind not in {"word", "ident"}:
        raise syntax_error(words, min(len(words), 2), len(sql))
    settings.reset(words[1].text)
    return StaticCursor("RESET")


_SHOW_PHRASES = {("TIME", "ZONE"): "TimeZone", ("TRANSACTION", "ISOLATION", "LEVEL"): "transaction_isolation",
                 ("SESSION", "AUTHORIZATION"): "session_authorization"}


def show_command(words: Sequence[Word], sql: str, settings: SessionSettings, txn: TransactionState) -> StaticCursor:
    rest = tuple(w.text.upper() for w in words[1:])
    if rest == ("ALL",):
        rows = list(settings.rows())
        return StaticCursor("SHOW", text_columns("name", "setting", "description"), rows)
    name = _SHOW_PHRASES.get(rest)
    if name is None:
        if len(words) != 2 or words[1].kind not in {"word", "ident"}:
            raise syntax_error(words, min(len(words), 2), len(sql))
        name = words[1].text
    if name.lower() == "transaction_read_only":
        value = "on" if txn.read_only else settings.get(name)
    else:
        value = settings.get(name)
    guc = canonical_guc(name)
    column = guc.name if guc is not None else name
    return StaticCursor("SHOW", text_columns(column), [(value,)])


def show_columns(words: Sequence[Word]) -> list[str]:
    """Column names SHOW will return (for Describe before execution)."""
    rest = tuple(w.text.upper() for w in words[1:])
    if rest == ("ALL",):
        return ["name", "setting", "description"]
    name = _SHOW_PHRASES.get(rest) or (words[1].text if len(words) > 1 else "")
    guc = canonical_guc(name)
    return [guc.name if guc is not None else name]


def warning(message: str) -> Notice:
    return Notice("WARNING", WARNING, message)
