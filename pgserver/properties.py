"""Connection properties: the CData-style knobs of one connection (Schema, MaxRows, Timeout …).

The definitions follow the spec's "Connection properties" section (plus the OAuth, proxy and
AuthScheme properties its connection guide names). A `ConnectionProperties` object holds one
connection's values: it validates every assignment (PgError 22023 naming the property and
its allowed values; 42704 for an unknown name), keeps secrets out of displays and error
messages, and can be copied (transaction snapshots) and reset to its session defaults.
Values come from the data source's config (`from_mapping`), then the startup packet's
`options` (`apply_options`: "-c MaxRows=10 --Timeout=5"), then SET.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from pgserver.errors import INSUFFICIENT_PRIVILEGE, INVALID_PARAMETER_VALUE, UNDEFINED_OBJECT, PgError

MASK = "********"
SCHEMAS = ("StandardUK", "ProfessionalUK")
CATEGORIES = ("Authentication", "OAuth", "SSL", "Proxy", "Logging", "Schema", "Caching", "Miscellaneous")


@dataclass(frozen=True)
class PropertyDef:
    """One connection property: how it is validated, displayed and described."""

    name: str
    kind: str  # "string", "int", "bool" or "enum": the Python type get() returns (str/int/bool/str)
    default: Any
    description: str
    category: str
    allowed: tuple[str, ...] = ()  # enum values (canonical spelling), for kind "enum"
    secret: bool = False
    minimum: int | None = None
    maximum: int | None = None
    validate: Callable[[str], str] | None = None  # extra check/canonicaliser for strings
    hierarchy: str = ""  # properties that must be set with this one
    # Only the data source's config or a superuser may set it: it decides where the tenant's credentials go
    # (token store, OAuth client, proxy, accepted TLS certificate) or changes them for every connection.
    privileged: bool = False

    @property
    def type_name(self) -> str:
        """The type shown in sys_connection_props (CData's words)."""
        return {"int": "int", "bool": "bool"}.get(self.kind, "string")

    def allowed_text(self) -> str:
        if self.kind == "enum":
            return ", ".join(self.allowed)
        if self.kind == "bool":
            return "true, false"
        if self.kind == "int":
            if self.minimum is not None and self.maximum is not None:
                return f"an integer from {self.minimum} to {self.maximum}"
            if self.minimum is not None:
                return f"an integer >= {self.minimum}"
            return "an integer" if self.maximum is None else f"an integer <= {self.maximum}"
        return ""


def _schema_list(text: str) -> str:
    """BrowsableSchemas: a comma-separated subset of the schemas, canonically spelled."""
    names = [s.strip() for s in text.split(",") if s.strip()]
    out = []
    for name in names:
        match = next((s for s in SCHEMAS if s.lower() == name.lower()), None)
        if match is None:
            raise ValueError(f'unknown schema "{name}"')
        if match not in out:
            out.append(match)
    return ",".join(out)


def _company_id(text: str) -> str:
    """CompanyId is sent as the X-Company header: a decimal int32 (or empty for the first company)."""
    text = text.strip()
    if text and not (text.isdigit() and int(text) <= 2**31 - 1):
        raise ValueError("must be a company id (a non-negative integer) or empty")
    return text


_PSEUDO_RE = re.compile(r"^\s*(\*|[A-Za-z_][\w]*)\s*=\s*(\*|[A-Za-z_][\w]*)\s*$")


def _pseudo_columns(text: str) -> str:
    """PseudoColumns: 'Table=Column;Table=Column' or '*=*'."""
    parts = [p for p in text.split(";") if p.strip()]
    for part in parts:
        if not _PSEUDO_RE.match(part):
            raise ValueError("must look like 'TableName=ColumnName;TableName=ColumnName' or '*=*'")
    return ";".join(p.strip().replace(" ", "") for p in parts)


def _verbosity(text: str) -> str:
    if text.strip() not in {"1", "2", "3", "4", "5"}:
        raise ValueError("must be 1, 2, 3, 4 or 5")
    return text.strip()


PROPERTY_DEFS: tuple[PropertyDef, ...] = (
    PropertyDef("AuthScheme", "enum", "OAuth", "The scheme used for authentication. Sage 200 supports OAuth only.",
                "Authentication", allowed=("OAuth",)),
    PropertyDef("SubscriptionKey", "string", "", "[DEPRECATED] Your subscription key (sent as the "
                "ocp-apim-subscription-key header when set).", "Authentication", secret=True, privileged=True),
    PropertyDef("InitiateOAuth", "enum", "GETANDREFRESH", "How the OAuth access token is obtained: OFF (use the "
                "stored token only), GETANDREFRESH (get one when missing and refresh it), REFRESH (refresh only).",
                "OAuth", allowed=("OFF", "GETANDREFRESH", "REFRESH"), privileged=True),
    PropertyDef("OAuthClientId", "string", "", "Specifies the client ID (also known as the consumer key) assigned "
                "to your custom OAuth application.", "OAuth", hierarchy="OAuthClientSecret", privileged=True),
    PropertyDef("OAuthClientSecret", "string", "", "Specifies the client secret assigned to your custom OAuth "
                "application.", "OAuth", secret=True, hierarchy="OAuthClientId", privileged=True),
    PropertyDef("OAuthSettingsLocation", "string", "", "The file where OAuth tokens are stored and refreshed "
                "(empty: the data source's configured token store).", "OAuth", privileged=True),
    PropertyDef("CallbackURL", "string", "", "The OAuth redirect URI registered for your application.", "OAuth", privileged=True),
    PropertyDef("Scope", "string", "", "This determines the scopes that are requested from Sage (empty: "
                "'openid profile email offline_access').", "OAuth", privileged=True),
    PropertyDef("SSLServerCert", "string", "", "Specifies the certificate to be accepted from the server when "
                "connecting using TLS/SSL.", "SSL", privileged=True),
    PropertyDef("ProxyAutoDetect", "bool", False, "Whether to use the system proxy settings (environment "
                "variables HTTPS_PROXY/HTTP_PROXY/NO_PROXY).", "Proxy", privileged=True),
    PropertyDef("ProxyServer", "string", "", "The hostname or IP address of the HTTP proxy to route API "
                "requests through.", "Proxy", hierarchy="ProxyPort", privileged=True),
    PropertyDef("ProxyPort", "int", 80, "The TCP port of the proxy given by ProxyServer.", "Proxy",
                minimum=1, maximum=65535, privileged=True),
    PropertyDef("ProxyAuthScheme", "enum", "BASIC", "How to authenticate to the proxy: BASIC or NONE.", "Proxy",
                allowed=("BASIC", "NONE"), privileged=True),
    PropertyDef("ProxyUser", "string", "", "The user name for the proxy.", "Proxy", hierarchy="ProxyPassword", privileged=True),
    PropertyDef("ProxyPassword", "string", "", "The password for the proxy user.", "Proxy", secret=True,
                hierarchy="ProxyUser", privileged=True),
    PropertyDef("ProxySSLType", "enum", "AUTO", "The SSL type when connecting through the proxy: AUTO, ALWAYS, "
                "NEVER or TUNNEL.", "Proxy", allowed=("AUTO", "ALWAYS", "NEVER", "TUNNEL"), privileged=True),
    PropertyDef("ProxyExceptions", "string", "", "A semicolon-separated list of hosts reached directly, not "
                "through the proxy.", "Proxy", privileged=True),
    PropertyDef("Verbosity", "string", "1", "Specifies the verbosity level of the log file. Supported values "
                "range from 1 to 5.", "Logging", validate=_verbosity),
    PropertyDef("ProgressInterval", "int", 0, "Seconds between progress NOTICEs while a query is still reading "
                "the Sage 200 API (pages and rows read of the $count total); the first comes after this long. 0: "
                "none. Sent when client_min_messages lets NOTICE through.", "Logging", minimum=0, maximum=86400),
    PropertyDef("BrowsableSchemas", "string", "", "Optional setting that restricts the schemas reported to a "
                "subset of all available schemas, e.g. BrowsableSchemas=StandardUK.", "Schema",
                validate=_schema_list),
    PropertyDef("Schema", "enum", "StandardUK", "Used to specify what Sage200 Api to use. The default one is the "
                "Standard UK API.", "Schema", allowed=SCHEMAS),
    PropertyDef("CacheMode", "enum", "VERIFY", "Where view rows come from: LIVE (every query reads the API), VERIFY "
                "(the local mirror, brought up to date first: exact, at the cost of the changes only) or TOLERANT "
                "(the mirror as it is if it was verified within CacheTolerance seconds).", "Caching",
                allowed=("LIVE", "VERIFY", "TOLERANT")),
    PropertyDef("CacheTolerance", "int", 600, "With CacheMode TOLERANT: how old, in seconds, a verified mirror may be "
                "and still answer without asking the API.", "Caching", minimum=0),
    PropertyDef("CacheReconcileInterval", "int", 3600, "How often, in seconds at most, the mirror compares a view's "
                "keys with the API to find deleted records even when the record count has not changed (0: only "
                "when it changed).", "Caching", minimum=0),
    PropertyDef("CompanyId", "string", "", "The ID of your company. If you have multiple companies connected to "
                "your Sage200 Account, by default the first one is used.", "Miscellaneous", validate=_company_id),
    PropertyDef("MaxRows", "int", -1, "Specifies the maximum number of rows returned for queries that do not "
                "include either aggregation or GROUP BY (-1: no limit).", "Miscellaneous", minimum=-1),
    PropertyDef("MaxThreads", "int", 20, "Specifies the number of concurrent requests.", "Miscellaneous",
                minimum=1, maximum=1000),
    PropertyDef("PageSize", "int", 500, "The number of rows requested per Sage 200 API page ($top); the API "
                "allows at most 5000.", "Miscellaneous", minimum=1, maximum=5000),
    PropertyDef("PseudoColumns", "string", "", "Specifies the pseudocolumns to expose as table columns, as "
                "'TableName=ColumnName;TableName=ColumnName'.", "Miscellaneous", validate=_pseudo_columns),
    PropertyDef("AutoGenerateReferences", "bool", False, "Whether a customer created without a Reference gets "
                "one generated (three letters of its name and a number, e.g. ZYN001), as Zynk's 'Auto Generate "
                "References' setting does; off: such a create fails (23502).", "Miscellaneous"),
    PropertyDef("Timeout", "int", 60, "Specifies the maximum time, in seconds, that the provider waits for a "
                "server response before throwing a timeout error (0: no timeout).", "Miscellaneous", minimum=0),
)

_BY_KEY: dict[str, PropertyDef] = {d.name.lower(): d for d in PROPERTY_DEFS}
_TRUE = {"true", "on", "yes", "1", "t", "y"}
_FALSE = {"false", "off", "no", "0", "f", "n"}


def definition(name: str) -> PropertyDef:
    """The definition of a property, case-insensitively; PgError 42704 when there is none."""
    found = _BY_KEY.get(name.strip().lower())
    if found is None:
        raise PgError(UNDEFINED_OBJECT, f'unrecognized configuration parameter "{name}"')
    return found


def is_property(name: str) -> bool:
    return name.strip().lower() in _BY_KEY


def convert(defn: PropertyDef, text: str) -> Any:
    """Parse and validate one textual value; PgError 22023 with a message that never echoes secrets."""
    raw = text.strip()
    shown = "" if defn.secret else f': "{raw}"'
    try:
        if defn.kind == "int":
            if not re.fullmatch(r"[+-]?\d+", raw):
                raise ValueError
            value = int(raw)
            if (defn.minimum is not None and value < defn.minimum) or (
                defn.maximum is not None and value > defn.maximum
            ):
                raise ValueError
            return value
        if defn.kind == "bool":
            if raw.lower() in _TRUE:
                return True
            if raw.lower() in _FALSE:
                return False
            raise ValueError
        if defn.kind == "enum":
            match = next((a for a in defn.allowed if a.lower() == raw.lower()), None)
            if match is None:
                raise ValueError
            return match
        return defn.validate(text) if defn.validate else text
    except ValueError as exc:
        reason = str(exc)
        allowed = defn.allowed_text()
        parts = [f'invalid value for connection property "{defn.name}"{shown}']
        if reason:
            parts.append(reason)
        if allowed:
            parts.append(f"allowed values: {allowed}")
        raise PgError(INVALID_PARAMETER_VALUE, "; ".join(parts)) from None


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def display(defn: PropertyDef, value: Any) -> str:
    """The value as shown to users: secrets masked (empty stays empty so "not set" is visible)."""
    text = _as_text(value)
    return MASK if defn.secret and text else text


def parse_options(options: str) -> list[tuple[str, str]]:
    """A startup packet's `options` as (name, value) pairs, in order.

    Accepts PostgreSQL's forms "-c name=value", "-cname=value" and "--name=value"; a backslash
    escapes the next character (so values may contain spaces), as in PostgreSQL.
    """
    words: list[str] = []
    current: list[str] = []
    escaped = False
    in_word = False
    for ch in options:
        if escaped:
            current.append(ch)
            escaped = False
            in_word = True
        elif ch == "\\":
            escaped = True
            in_word = True
        elif ch.isspace():
            if in_word:
                words.append("".join(current))
                current, in_word = [], False
        else:
            current.append(ch)
            in_word = True
    if in_word:
        words.append("".join(current))
    pairs: list[tuple[str, str]] = []
    i = 0
    while i < len(words):
        word = words[i]
        if word == "-c":
            if i + 1 >= len(words):
                raise PgError(INVALID_PARAMETER_VALUE, 'invalid command-line argument: "-c" needs name=value')
            setting = words[i + 1]
            i += 2
        elif word.startswith("--"):
            setting, i = word[2:], i + 1
        elif word.startswith("-c"):
            setting, i = word[2:], i + 1
        else:
            raise PgError(INVALID_PARAMETER_VALUE, f'invalid command-line argument for server process: "{word}"',
                          hint="Use -c name=value or --name=value.")
        name, sep, value = setting.partition("=")
        if not sep or not name.strip():
            raise PgError(INVALID_PARAMETER_VALUE, f'invalid command-line argument: "{setting}" needs name=value')
        pairs.append((name.strip().replace("-", "_"), value))  # PostgreSQL: --search-path means search_path
    return pairs


class ConnectionProperties:
    """One connection's property values (typed), validated on every assignment."""

    def __init__(self, values: Mapping[str, Any] | None = None) -> None:
        self._values: dict[str, Any] = {d.name: d.default for d in PROPERTY_DEFS}
        self._explicit: set[str] = set()
        # False once a connection that is not a superuser's owns these values (restrict()): privileged
        # properties then keep what the data source's config gave them.
        self.may_set_privileged = True
        if values:
            self.update(values)
        self._session_defaults = dict(self._values)

    # -- construction -----------------------------------------------------------------
    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> ConnectionProperties:
        """From a config file's table: values may be text, int or bool; all are validated."""
        return cls(values)

    def update(self, values: Mapping[str, Any]) -> None:
        for name, value in values.items():
            self.set(name, _as_text(value))

    def apply_options(self, options: str) -> list[tuple[str, str]]:
        """Apply the connection properties in a startup `options` string; return the other pairs
        (PostgreSQL settings such as search_path) for the caller. The applied values become the
        session defaults that RESET returns to."""
        others: list[tuple[str, str]] = []
        for name, value in parse_options(options):
            if is_property(name):
                self.set(name, value)
            else:
                others.append((name, value))
        self.mark_session_defaults()
        return others

    def restrict(self, superuser: bool) -> None:
        """From now on, privileged properties may be set only if `superuser` (startup options, SET)."""
        self.may_set_privileged = superuser

    def mark_session_defaults(self) -> None:
        """The current values become what RESET restores (call after startup options are applied)."""
        self._session_defaults = dict(self._values)

    # -- access --------------------------------------------------------------------------
    def is_property(self, name: str) -> bool:
        return is_property(name)

    def get(self, name: str) -> Any:
        """The effective typed value (str, int or bool). Secrets are returned in clear: callers that
        show values must use display()."""
        return self._values[definition(name).name]

    def display(self, name: str) -> str:
        defn = definition(name)
        return display(defn, self._values[defn.name])

    def is_set(self, name: str) -> bool:
        """Whether the value was given (config, options or SET) rather than defaulted."""
        return definition(name).name in self._explicit

    def set(self, name: str, text: str) -> None:
        defn = definition(name)
        if defn.privileged and not self.may_set_privileged:
            raise PgError(INSUFFICIENT_PRIVILEGE, f'permission denied to set parameter "{defn.name}"',
                          detail="Only a superuser or the data source's configuration may set it.")
        self._values[defn.name] = convert(defn, text)
        self._explicit.add(defn.name)

    def reset(self, name: str) -> None:
        """Back to the session default (config + startup options), like PostgreSQL's RESET."""
        defn = definition(name)
        self._values[defn.name] = self._session_defaults[defn.name]

    def items(self) -> list[tuple[str, str]]:
        """(name, displayed value) for every property, secrets masked — safe to show (SHOW ALL)."""
        return [(d.name, display(d, self._values[d.name])) for d in PROPERTY_DEFS]

    def definitions(self) -> tuple[PropertyDef, ...]:
        return PROPERTY_DEFS

    def copy(self) -> ConnectionProperties:
        other = ConnectionProperties.__new__(ConnectionProperties)
        other._values = dict(self._values)
        other._explicit = set(self._explicit)
        other._session_defaults = dict(self._session_defaults)
        other.may_set_privileged = self.may_set_privileged
        return other

    def __iter__(self) -> Iterator[str]:
        return iter(d.name for d in PROPERTY_DEFS)

    def __repr__(self) -> str:  # never shows secrets
        shown = ", ".join(f"{n}={v!r}" for n, v in self.items() if self.is_set(n))
        return f"ConnectionProperties({shown})"
