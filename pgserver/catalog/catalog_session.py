"""What the catalog needs to know about the session it answers for.

Why a protocol: current_user, current_setting(), pg_settings and search_path
visibility depend on the live session, which the SQL layer owns
(pgserver.sql.settings.SessionSettings). The catalog only reads and writes settings
through `get`/`set`, so the SQL layer passes its own object and a test passes a dict.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from pgserver.engine import Activity
from pgserver.errors import UNDEFINED_OBJECT, PgError

SESSION_VARIABLE = "pg_session_info"  # the one DuckDB variable a session's connections carry (install.session_variables)


def session_value(name: str) -> str:
    """SQL reading one of the session's values (install.session_variables: session, user, user_ident, superuser,
    backend_pid, database) on any connection of the session."""
    return f"struct_extract(getvariable('{SESSION_VARIABLE}'), '{name}')"


class SettingsLike(Protocol):
    def get(self, name: str) -> str:
        """The current value; PgError 42704 for an unknown name."""
        ...

    def set(self, name: str, value: str | None, *, local: bool = False, in_transaction: bool = False) -> None: ...


class DictSettings:
    """A plain settings store (tests, tools): unknown names are errors like in PostgreSQL."""

    def __init__(self, values: dict[str, str] | None = None) -> None:
        self._values = {k.lower(): v for k, v in (values or {}).items()}

    def get(self, name: str) -> str:
        try:
            return self._values[name.lower()]
        except KeyError:
            raise PgError(UNDEFINED_OBJECT, f'unrecognized configuration parameter "{name}"') from None

    def set(self, name: str, value: str | None, *, local: bool = False, in_transaction: bool = False) -> None:
        if value is None:
            self._values.pop(name.lower(), None)
        else:
            self._values[name.lower()] = value


@dataclass
class CatalogSession:
    """The session facts catalog functions read: who, which database, which settings."""

    user: str
    database: str
    settings: SettingsLike
    backend_pid: int = field(default_factory=os.getpid)
    started_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    in_transaction: bool = False
    # The session's named prepared statements, as pg_prepared_statements lists them (the SQL layer owns them)
    prepared_statements: Callable[[], list[dict[str, Any]]] = field(default=lambda: [])
    # The session's open cursors and portals, as pg_cursors lists them (the SQL layer and the protocol own them)
    cursors: Callable[[], list[dict[str, Any]]] = field(default=lambda: [])
    # Every session of the server, as pg_stat_activity lists them (None: this session alone)
    activity: Callable[[], list[Activity]] | None = None

    def setting(self, name: str) -> str | None:
        try:
            return self.settings.get(name)
        except PgError:
            return None

    def search_path(self) -> list[str]:
        """The search_path as schema names ("$user" resolved), without the implicit pg_catalog."""
        raw = self.setting("search_path") or ""
        return [self.user if name == "$user" else name for name in split_search_path(raw)]


def split_identifiers(text: str, separator: str) -> tuple[list[str], bool]:
    """Split on `separator` outside double quotes; quoted parts keep their case ("" is a quote), unquoted
    parts fold to lower case, whitespace outside quotes is dropped. Returns the parts and whether a quote was left open."""
    parts: list[str] = []
    current, quoted, was_quoted, i = "", False, False, 0
    while i < len(text):
        ch = text[i]
        if quoted:
            if ch == '"' and text[i + 1: i + 2] == '"':
                current += '"'
                i += 1
            elif ch == '"':
                quoted = False
            else:
                current += ch
        elif ch == '"':
            quoted = was_quoted = True
        elif ch == separator:
            parts.append(current if was_quoted else current.lower())
            current, was_quoted = "", False
        elif not ch.isspace():  # whitespace outside quotes only separates tokens
            current += ch
        i += 1
    parts.append(current if was_quoted else current.lower())
    return parts, quoted


def split_search_path(raw: str) -> list[str]:
    """Split a search_path value: comma-separated identifiers, double quotes preserve case."""
    return [name for name in split_identifiers(raw, ",")[0] if name.strip()]
