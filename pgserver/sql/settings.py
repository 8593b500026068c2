"""The session's settings: PostgreSQL run-time parameters (GUCs) plus connection properties.

SET/SHOW/RESET address both through one namespace, as a client would expect: a name
that is a connection property (MaxRows, Timeout …) goes to the ConnectionProperties
object, anything else is a GUC kept here. GUC changes are transactional like in
PostgreSQL (a ROLLBACK undoes SET; SET LOCAL lasts until the end of the transaction),
which is why the settings can be snapshotted and restored.
"""

from __future__ import annotations

import functools
import re
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from pgserver import SERVER_VERSION
from pgserver.errors import CANT_CHANGE_RUNTIME_PARAM, INVALID_PARAMETER_VALUE, UNDEFINED_OBJECT, PgError

SERVER_VERSION_NUM = "150008"


class PropertiesLike(Protocol):
    """What the session needs of pgserver.properties.ConnectionProperties."""

    def get(self, name: str) -> Any: ...

    def set(self, name: str, value: str) -> None: ...

    def is_property(self, name: str) -> bool: ...

    def items(self) -> Any: ...

    def copy(self) -> PropertiesLike: ...


@dataclass(frozen=True)
class Guc:
    """One PostgreSQL parameter: its canonical spelling, default and whether it is reported."""

    name: str
    default: str
    reported: bool = False  # sent as ParameterStatus (GUC_REPORT in PostgreSQL)
    settable: bool = True
    description: str = ""


_GUCS: tuple[Guc, ...] = (
    Guc("application_name", "", reported=True),
    Guc("client_encoding", "UTF8", reported=True),
    Guc("DateStyle", "ISO, MDY", reported=True),
    Guc("default_transaction_read_only", "off", reported=True),
    Guc("in_hot_standby", "off", reported=True, settable=False),
    Guc("integer_datetimes", "on", reported=True, settable=False),
    Guc("IntervalStyle", "postgres", reported=True),
    Guc("is_superuser", "off", reported=True, settable=False),
    Guc("server_encoding", "UTF8", reported=True, settable=False),
    Guc("server_version", SERVER_VERSION, reported=True, settable=False),
    Guc("session_authorization", "", reported=True, settable=False),
    Guc("standard_conforming_strings", "on", reported=True),
    Guc("TimeZone", "UTC", reported=True),
    Guc("server_version_num", SERVER_VERSION_NUM, settable=False),
    Guc("search_path", '"$user", public'),
    Guc("extra_float_digits", "1"),
    Guc("statement_timeout", "0"),
    Guc("lock_timeout", "0"),
    Guc("idle_in_transaction_session_timeout", "0"),
    Guc("transaction_isolation", "read committed"),
    Guc("default_transaction_isolation", "read committed"),
    Guc("transaction_read_only", "off"),
    Guc("default_transaction_deferrable", "off"),
    Guc("transaction_deferrable", "off"),
    Guc("bytea_output", "hex"),
    Guc("client_min_messages", "notice"),
    Guc("lc_messages", "C"),
    Guc("lc_monetary", "C"),
    Guc("lc_numeric", "C"),
    Guc("lc_time", "C"),
    Guc("lc_collate", "C", settable=False),
    Guc("lc_ctype", "C", settable=False),
    Guc("max_identifier_length", "63", settable=False),
    Guc("max_index_keys", "32", settable=False),
    Guc("block_size", "8192", settable=False),
    Guc("max_connections", "100", settable=False),
    Guc("escape_string_warning", "on"),
    Guc("row_security", "on"),
    Guc("jit", "off"),
    Guc("work_mem", "4MB"),
    Guc("geqo", "on"),
    Guc("synchronous_commit", "on"),
    Guc("ssl", "off", settable=False),
    Guc("ssl_renegotiation_limit", "0"),  # Npgsql 4 (Power BI) sends it in the startup packet over TLS
    Guc("timezone_abbreviations", "Default"),
    Guc("check_function_bodies", "on"),
    Guc("xmloption", "content"),
)

GUCS: dict[str, Guc] = {g.name.lower(): g for g in _GUCS}
_ALIASES = {"time zone": "timezone", "names": "client_encoding", "session authorization": "session_authorization",
            "transaction isolation level": "transaction_isolation"}


def canonical_guc(name: str) -> Guc | None:
    lowered = _ALIASES.get(name.lower(), name.lower())
    return GUCS.get(lowered)


class SessionSettings:
    """The GUC values of one session and its connection properties."""

    def __init__(self, user: str, properties: PropertiesLike | None, *, superuser: bool = False) -> None:
        self._defaults: dict[str, str] = {key: g.default for key, g in GUCS.items()}
        self._values: dict[str, str] = dict(self._defaults)
        self._values["session_authorization"] = user
        self.superuser = superuser  # the login's role (config [[users]] superuser): PostgreSQL's is_superuser
        self._values["is_superuser"] = self._defaults["is_superuser"] = "on" if superuser else "off"
        self._custom: dict[str, str] = {}  # "myapp.x" style placeholders
        self._session_values: dict[str, str] | None = None  # values to restore after SET LOCAL
        self.properties = properties
        self._changed: dict[str, str] = {}
        # Bumped by every write: cached plans (pgserver.sql.plan_cache) are keyed by it, so a plan made
        # under one search_path / Schema / MaxRows … is never reused under another.
        self.version = 0

    # -- reading -------------------------------------------------------------------
    def get(self, name: str) -> str:
        """SHOW's answer for one name; PgError 42704 for an unknown one."""
        guc = canonical_guc(name)
        if guc is not None:
            return self._values[guc.name.lower()]
        if self.properties is not None and self.properties.is_property(name):
            display = getattr(self.properties, "display", None)  # masks secrets
            return display(name) if display is not None else _display(self.properties.get(name))
        if name.lower() in self._custom:
            return self._custom[name.lower()]
        raise PgError(UNDEFINED_OBJECT, f'unrecognized configuration parameter "{name}"')

    def rows(self) -> Iterator[tuple[str, str, str]]:
        """(name, setting, description) for SHOW ALL: GUCs, then connection properties."""
        for key, guc in sorted(GUCS.items()):
            yield guc.name, self._values[key], guc.description
        for key, value in sorted(self._custom.items()):
            yield key, value, ""
        if self.properties is not None:
            for item in self.properties.items():
                name, value = item[0], item[1]
                yield name, _display(value), "connection property"

    def reported(self) -> dict[str, str]:
        return {g.name: self._values[key] for key, g in GUCS.items() if g.reported}

    def take_changes(self) -> dict[str, str]:
        """Reported parameters changed since the last call (for ParameterStatus)."""
        changed, self._changed = self._changed, {}
        return changed

    # -- writing -------------------------------------------------------------------
    def set(self, name: str, value: str | None, *, local: bool = False, in_transaction: bool = False) -> None:
        """SET name = value (None: DEFAULT). Validates like PostgreSQL where it matters."""
        self.version += 1
        guc = canonical_guc(name)
        if guc is None:
            if self.properties is not None and self.properties.is_property(name):
                if value is None:
                    raise PgError(INVALID_PARAMETER_VALUE, f'connection property "{name}" has no DEFAULT; '
                                  "use RESET or give a value")
                self.properties.set(name, value)
                if name.lower() == "schema":
                    self._follow_schema()
                return
            if "." in name:
                self._custom[name.lower()] = value or ""
                return
            raise PgError(UNDEFINED_OBJECT, f'unrecognized configuration parameter "{name}"')
        if not guc.settable:
            raise PgError(CANT_CHANGE_RUNTIME_PARAM, f'parameter "{guc.name}" cannot be changed')
        key = guc.name.lower()
        new_value = self._defaults[key] if value is None else _validate(guc, value)
        if local and in_transaction and self._session_values is None:
            self._session_values = dict(self._values)
        if local and not in_transaction:
            return  # PostgreSQL warns and does nothing outside a transaction block
        self._assign(key, new_value)

    def _follow_schema(self) -> None:
        """A new Schema property moves the default search_path (and the current one if untouched)."""
        old_default = self._defaults["search_path"]
        self._defaults["search_path"] = default_search_path(self.property("Schema"))
        if self._values["search_path"] == old_default:
            self._assign("search_path", self._defaults["search_path"])

    def set_session_default(self, name: str, value: str) -> None:
        """Change what RESET/DEFAULT returns to for this session (startup options, server defaults)."""
        guc = canonical_guc(name)
        if guc is None:
            raise PgError(UNDEFINED_OBJECT, f'unrecognized configuration parameter "{name}"')
        key = guc.name.lower()
        self.version += 1
        self._defaults[key] = _validate(guc, value)
        self._assign(key, self._defaults[key])

    def reset(self, name: str) -> None:
        self.version += 1
        guc = canonical_guc(name)
        if guc is None and self.properties is not None and self.properties.is_property(name):
            reset = getattr(self.properties, "reset", None)
            if reset is None:
                raise PgError(INVALID_PARAMETER_VALUE, f'connection property "{name}" cannot be reset')
            reset(name)
            if name.lower() == "schema":
                self._follow_schema()
            return
        self.set(name, None)

    def reset_all(self) -> None:
        """RESET ALL / DISCARD ALL: every GUC and connection property back to its session default
        (config + startup options), so a pooled connection keeps nothing its previous user SET."""
        self.version += 1
        reset_property = getattr(self.properties, "reset", None)
        if self.properties is not None and reset_property is not None:
            schema = self.property("Schema")
            for item in self.properties.items():
                reset_property(item[0])
            if self.property("Schema") != schema:
                self._follow_schema()
        for key, guc in GUCS.items():
            if guc.settable:
                self._assign(key, self._defaults[key])
        self._custom.clear()

    def _assign(self, key: str, value: str) -> None:
        if self._values.get(key) != value:
            self.version += 1
            self._values[key] = value
            guc = GUCS[key]
            if guc.reported:
                self._changed[guc.name] = value

    # -- transactions ----------------------------------------------------------------
    def snapshot(self) -> tuple[dict[str, str], dict[str, str], PropertiesLike | None]:
        props = self.properties.copy() if self.properties is not None else None
        return dict(self._values), dict(self._custom), props

    def restore(self, snap: tuple[dict[str, str], dict[str, str], PropertiesLike | None]) -> None:
        values, custom, props = snap
        self.version += 1
        for key, value in values.items():
            self._assign(key, value)
        self._custom = dict(custom)
        if props is not None:
            self.properties = props
        self._session_values = None

    def end_transaction(self) -> None:
        """COMMIT: SET LOCAL values fall back to the session values."""
        if self._session_values is not None:
            for key, value in self._session_values.items():
                self._assign(key, value)
            self._session_values = None

    def property(self, name: str, default: Any = None) -> Any:
        if self.properties is None or not self.properties.is_property(name):
            return default
        return self.properties.get(name)


def default_search_path(schema: str | None) -> str:
    """PostgreSQL's default path plus the edition schema and sys, so catalog visibility
    (pg_table_is_visible, psql \\dv) matches how unqualified names resolve."""
    parts = ['"$user"', "public"]
    if schema:
        parts.append(f'"{schema}"' if schema != schema.lower() else schema)
    parts.append("sys")
    return ", ".join(parts)


def _display(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


_BOOL_ON = {"on", "true", "yes", "1", "t", "y"}
_BOOL_OFF = {"off", "false", "no", "0", "f", "n"}
_DATESTYLE_WORDS = {"iso": "ISO", "sql": "SQL", "postgres": "Postgres", "german": "German",
                    "mdy": "MDY", "dmy": "DMY", "ymd": "YMD", "us": "MDY", "european": "DMY",
                    "noneuropean": "MDY", "euro": "DMY", "noneuro": "MDY"}


def _invalid(guc: Guc, value: str, hint: str | None = None) -> PgError:
    return PgError(INVALID_PARAMETER_VALUE, f'invalid value for parameter "{guc.name}": "{value}"', hint=hint)


def _validate(guc: Guc, value: str) -> str:
    """The value as PostgreSQL would store it, or PgError 22023."""
    key = guc.name.lower()
    if key == "timezone":
        return _timezone(guc, value)
    if key == "datestyle":
        return _datestyle(guc, value)
    if key == "client_encoding":
        if re.sub(r"[^a-z0-9]", "", value.lower()) not in {"utf8", "unicode"}:  # like PostgreSQL's clean_encoding_name
            raise PgError(INVALID_PARAMETER_VALUE, f'invalid value for parameter "client_encoding": "{value}"',
                          hint="This server only speaks UTF8.")
        return "UTF8"
    if key == "extra_float_digits":
        if not re.fullmatch(r"[+-]?\d+", value.strip()) or not -15 <= int(value) <= 3:
            raise PgError(INVALID_PARAMETER_VALUE,
                          f'{value} is outside the valid range for parameter "extra_float_digits" (-15 .. 3)'
                          if re.fullmatch(r"[+-]?\d+", value.strip())
                          else f'invalid value for parameter "extra_float_digits": "{value}"')
        return str(int(value))
    if key in {"statement_timeout", "lock_timeout", "idle_in_transaction_session_timeout"}:
        return _format_ms(_milliseconds(guc, value))
    if key in {"standard_conforming_strings", "default_transaction_read_only", "transaction_read_only",
               "escape_string_warning", "row_security", "jit", "geqo", "check_function_bodies",
               "default_transaction_deferrable", "transaction_deferrable"}:
        lowered = value.strip().lower()
        if lowered in _BOOL_ON:
            return "on"
        if lowered in _BOOL_OFF:
            if key == "standard_conforming_strings":
                raise PgError(INVALID_PARAMETER_VALUE, "standard_conforming_strings cannot be turned off",
                              hint="This server always uses standard-conforming strings.")
            return "off"
        raise PgError(INVALID_PARAMETER_VALUE, f'parameter "{guc.name}" requires a Boolean value')
    if key in {"transaction_isolation", "default_transaction_isolation"}:
        lowered = " ".join(value.lower().split())
        if lowered not in {"read uncommitted", "read committed", "repeatable read", "serializable"}:
            raise _invalid(guc, value)
        return lowered
    if key == "intervalstyle":
        lowered = value.strip().lower()
        if lowered not in {"postgres", "postgres_verbose", "sql_standard", "iso_8601"}:
            raise _invalid(guc, value)
        return lowered
    if key == "bytea_output" and value.strip().lower() not in {"hex", "escape"}:
        raise _invalid(guc, value)
    return value


def _timezone(guc: Guc, value: str) -> str:
    text = value.strip()
    if text.upper() in {"UTC", "GMT", "Z", "ZULU"}:
        return "UTC" if text.upper() != "GMT" else "GMT"
    if text.lower() == "local":
        return "UTC"
    if re.fullmatch(r"[+-]?\d{1,2}(:\d{2})?", text):
        return text  # a POSIX-style offset; PostgreSQL accepts it as an hour offset
    if re.fullmatch(r"<[+-]\d{2}(:\d{2}){0,2}>[+-]\d{2}(:\d{2}){0,2}", text):
        return text  # a fixed offset named after itself, as SET TIME ZONE INTERVAL '…' stores it
    try:
        zoneinfo.ZoneInfo(text)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise PgError(INVALID_PARAMETER_VALUE, f'invalid value for parameter "TimeZone": "{value}"') from None
    return text


def _datestyle(guc: Guc, value: str) -> str:
    output, order, have_order = "ISO", "MDY", False
    for word in re.split(r"[,\s]+", value.strip()):
        if not word:
            continue
        canonical = _DATESTYLE_WORDS.get(word.lower())
        if canonical is None:
            raise PgError(INVALID_PARAMETER_VALUE, f'invalid value for parameter "DateStyle": "{value}"',
                          detail=f'Unrecognized key word: "{word}".')
        if canonical in {"MDY", "DMY", "YMD"}:
            order, have_order = canonical, True
        else:
            output = canonical
            if canonical == "German" and not have_order:
                order = "DMY"  # PostgreSQL: German implies day-first unless an order was given
    return f"{output}, {order}"


_UNITS_MS = {"us": 0.001, "ms": 1, "s": 1000, "min": 60_000, "h": 3_600_000, "d": 86_400_000}


def _format_ms(ms: int) -> str:
    """As SHOW displays a time setting: the largest unit that divides it exactly (5000 → 5s)."""
    if ms == 0:
        return "0"
    for unit, size in (("d", 86_400_000), ("h", 3_600_000), ("min", 60_000), ("s", 1000)):
        if ms % size == 0:
            return f"{ms // size}{unit}"
    return f"{ms}ms"


@functools.lru_cache(maxsize=64)
def milliseconds(text: str) -> int:
    """A stored time setting ('5s', '250ms', '0') in milliseconds (read by every statement: kept per text)."""
    return _milliseconds(GUCS["statement_timeout"], text)


def _milliseconds(guc: Guc, value: str) -> int:
    match = re.fullmatch(r"\s*(\d+)\s*(us|ms|s|min|h|d)?\s*", value)
    if match is None:
        raise PgError(INVALID_PARAMETER_VALUE, f'invalid value for parameter "{guc.name}": "{value}"',
                      hint='Valid units for this parameter are "us", "ms", "s", "min", "h", and "d".')
    return int(int(match.group(1)) * _UNITS_MS[match.group(2) or "ms"])
