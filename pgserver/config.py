"""Server configuration: a TOML file (tomllib) read into frozen dataclasses.

```toml
[server]
host = "127.0.0.1"          # default
port = 5433                 # default (5432 is left to a real PostgreSQL on the same machine)
tls_cert = "server.crt"     # optional: both set = SSLRequest is answered 'S'
tls_key = "server.key"
require_tls = false         # true: refuse logins without TLS
secret_file = "~/.pgserver/server-secret"   # (default) the server's secret for unknown users' SCRAM salts
client_connection_check_interval = 1.0      # seconds between checks that a busy client is still there (0: off)
cache_dir = "~/.cache/pgserver"             # (default, or $XDG_CACHE_HOME/pgserver) the mirror's files; "" keeps
                                            # the mirror in memory (the in-process sandbox always does)
metrics = "127.0.0.1:9187"  # optional: Prometheus metrics over HTTP at this address (off when absent)
log_min_duration_statement = 0   # ms: log statements that ran at least this long (0: all, -1: none)

[[users]]
name = "demo"
scram = "SCRAM-SHA-256$4096:…$…:…"   # `pgserver passwd demo` prints this line
password_cleartext = false           # true: ask for the password in clear (only over TLS, please)
superuser = false                    # true: may sign in to Sage / refresh its tokens through SQL, set the
                                     # credential properties (OAuth*, Proxy*, SSLServerCert …) and end any session

[databases.sage200]
edition = "StandardUK"               # (default) or ProfessionalUK
api_base_url = "sandbox"             # "sandbox" (the in-process emulator) or https://api.columbus.sage.com
client_id = "…"
client_secret = "…"
redirect_uri = "http://localhost:8855/callback"   # (default) registered with Sage; `pgserver login` listens on it
token_store = "~/.pgserver/tokens.json"
max_api_requests = 50                # (default) API requests in flight for this database, all connections
                                     # together (each connection's MaxThreads still holds within it)

[databases.sage200.properties]       # connection-property defaults (MaxRows, Timeout, CompanyId …)
Timeout = 30
```

Without a file the server has one database "sage200" on the in-process sandbox and one user
demo/demo. Relative paths are relative to the config file. Errors name the offending key
and never echo secrets. docs/configuration.md describes every key (tests/test_config_docs.py
keeps it and the key tables below in step); `pgserver init` writes a commented file.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pgserver.protocol.scram import ScramVerifier, make_verifier, parse_verifier

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 5433
DEFAULT_DATABASE = "sage200"
SANDBOX = "sandbox"
EDITIONS = ("StandardUK", "ProfessionalUK")
DEFAULT_MAX_MESSAGE = 64 * 1024 * 1024
DEFAULT_REDIRECT_URI = "http://localhost:8855/callback"

# Every key each table accepts (docs/configuration.md documents exactly these).
SERVER_KEYS = ("host", "port", "tls_cert", "tls_key", "require_tls", "max_message_size", "max_connections",
               "authentication_timeout", "secret_file", "client_connection_check_interval", "cache_dir", "metrics",
               "log_min_duration_statement")
USER_KEYS = ("name", "scram", "password", "password_cleartext", "superuser")
DATABASE_KEYS = ("edition", "api_base_url", "client_id", "client_secret", "redirect_uri", "token_store",
                 "properties", "max_api_requests")
TOP_LEVEL_KEYS = ("server", "users", "databases")


class ConfigError(ValueError):
    """The configuration file is unusable; the message says where."""


@dataclass(frozen=True)
class UserConfig:
    name: str
    verifier: ScramVerifier = field(repr=False)
    password_cleartext: bool = False
    superuser: bool = False  # PostgreSQL's rolsuper: the administrator role (docs/decisions/0961)


@dataclass(frozen=True)
class DatabaseConfig:
    name: str
    edition: str = "StandardUK"  # the CData Schema default
    api_base_url: str = SANDBOX
    client_id: str = "pgserver"
    client_secret: str | None = field(default=None, repr=False)
    token_store: str | None = None
    redirect_uri: str = DEFAULT_REDIRECT_URI  # where Sage ID sends the browser back (`pgserver login` listens)
    properties: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}), repr=False)  # may hold secrets
    max_api_requests: int = 50  # the data source's request budget across connections (decision 0971)

    @property
    def uses_sandbox(self) -> bool:
        return self.api_base_url == SANDBOX


@dataclass(frozen=True)
class ServerConfig:
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    tls_cert: Path | None = None
    tls_key: Path | None = None
    users: tuple[UserConfig, ...] = ()
    databases: Mapping[str, DatabaseConfig] = field(default_factory=lambda: MappingProxyType({}))
    max_message_size: int = DEFAULT_MAX_MESSAGE
    max_connections: int = 100
    authentication_timeout: float = 60.0
    require_tls: bool = False  # refuse logins over unencrypted connections (like pg_hba hostssl)
    secret_file: Path | None = None  # None: ~/.pgserver/server-secret (pgserver/server/server_secret.py)
    # While a statement runs, how often to check that its client has not gone away (PostgreSQL's
    # client_connection_check_interval; 0 disables): a vanished client's scan is cancelled.
    client_connection_check_interval: float = 1.0
    # The mirror's files (docs/decisions/0970): None is the per-user default (default_cache_dir()), "" memory only.
    cache_dir: Path | str | None = None

    def mirror_dir(self) -> Path | None:
        if self.cache_dir == "":
            return None
        return Path(self.cache_dir).expanduser() if self.cache_dir is not None else default_cache_dir()
    metrics: tuple[str, int] | None = None  # (host, port) of the Prometheus endpoint; None: off
    # PostgreSQL's log_min_duration_statement (ms): one log line for each statement that ran at least this
    # long, with its API requests and their time; 0 logs every statement, -1 none.
    log_min_duration_statement: int = 0

    @property
    def tls_enabled(self) -> bool:
        return self.tls_cert is not None and self.tls_key is not None

    def user(self, name: str) -> UserConfig | None:
        return next((u for u in self.users if u.name == name), None)

    def database(self, name: str | None) -> DatabaseConfig:
        """The named database (None: the first); ConfigError naming the configured ones."""
        found = self.databases.get(name) if name else next(iter(self.databases.values()), None)
        if found is None:
            known = ", ".join(self.databases) or "none"
            raise ConfigError(f"no database {name!r} in the configuration (configured: {known})")
        return found


def default_config() -> ServerConfig:
    """No file: database sage200 on the in-process sandbox, user demo with password demo."""
    return ServerConfig(
        users=(UserConfig("demo", make_verifier("demo"), superuser=True),),
        databases=MappingProxyType({DEFAULT_DATABASE: DatabaseConfig(DEFAULT_DATABASE)}),
    )


def load_config(path: str | Path) -> ServerConfig:
    file = Path(path).expanduser()
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read config file {file}: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{file}: invalid TOML: {exc}") from exc
    return parse_config(data, base_dir=file.parent)


def _expect(value: Any, kind: type | tuple[type, ...], where: str) -> Any:
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise ConfigError(f"{where} must be a {names}")
    return value


def _unknown_keys(table: Mapping[str, Any], allowed: set[str], where: str) -> None:
    extra = sorted(set(table) - allowed)
    if extra:
        raise ConfigError(f"unknown key(s) in {where}: {', '.join(extra)}")


def _path(value: Any, where: str, base_dir: Path) -> Path:
    path = Path(_expect(value, str, where)).expanduser()
    return path if path.is_absolute() else base_dir / path


def parse_config(data: Mapping[str, Any], base_dir: Path = Path(".")) -> ServerConfig:
    """Validate a parsed TOML document into a ServerConfig."""
    _unknown_keys(data, set(TOP_LEVEL_KEYS), "the config file")
    server = _expect(data.get("server", {}), dict, "[server]")
    _unknown_keys(server, set(SERVER_KEYS), "[server]")
    port = _expect(server.get("port", DEFAULT_PORT), int, "server.port")
    if not 0 <= port <= 65535:
        raise ConfigError("server.port must be between 0 and 65535")
    cert = _path(server["tls_cert"], "server.tls_cert", base_dir) if "tls_cert" in server else None
    key = _path(server["tls_key"], "server.tls_key", base_dir) if "tls_key" in server else None
    if (cert is None) != (key is None):
        raise ConfigError("server.tls_cert and server.tls_key must be set together")
    for name, path in (("tls_cert", cert), ("tls_key", key)):
        if path is not None and not path.is_file():
            raise ConfigError(f"server.{name}: no such file: {path}")
    require_tls = _expect(server.get("require_tls", False), bool, "server.require_tls")
    if require_tls and cert is None:
        raise ConfigError("server.require_tls needs server.tls_cert and server.tls_key")
    users = tuple(_user(u, i) for i, u in enumerate(_expect(data.get("users", []), list, "[[users]]")))
    names = [u.name for u in users]
    if len(set(names)) != len(names):
        raise ConfigError("[[users]] names must be unique")
    databases_table = _expect(data.get("databases", {}), dict, "[databases]")
    databases = {name: _database(name, _expect(t, dict, f"[databases.{name}]"), base_dir)
                 for name, t in databases_table.items()}
    if not users:
        raise ConfigError("the config file defines no [[users]]: nobody could log in")
    if not databases:
        raise ConfigError("the config file defines no [databases.<name>] table")
    return ServerConfig(
        host=_expect(server.get("host", DEFAULT_HOST), str, "server.host"),
        port=port,
        tls_cert=cert,
        tls_key=key,
        users=users,
        databases=MappingProxyType(databases),
        max_message_size=_expect(server.get("max_message_size", DEFAULT_MAX_MESSAGE), int, "server.max_message_size"),
        max_connections=_expect(server.get("max_connections", 100), int, "server.max_connections"),
        authentication_timeout=float(_expect(server.get("authentication_timeout", 60), (int, float),
                                             "server.authentication_timeout")),
        require_tls=require_tls,
        secret_file=_path(server["secret_file"], "server.secret_file", base_dir) if "secret_file" in server else None,
        client_connection_check_interval=_non_negative(server, "client_connection_check_interval", 1.0),
        cache_dir=_cache_dir(server, base_dir),
        metrics=_address(server["metrics"], "server.metrics") if "metrics" in server else None,
        log_min_duration_statement=_duration_threshold(server),
    )


def _cache_dir(server: Mapping[str, Any], base_dir: Path) -> Path | str | None:
    if "cache_dir" not in server:
        return None
    value = _expect(server["cache_dir"], str, "server.cache_dir")
    return "" if value == "" else _path(value, "server.cache_dir", base_dir)


def default_cache_dir() -> Path:
    """$XDG_CACHE_HOME/pgserver, else ~/.cache/pgserver."""
    import os

    base = os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path.home() / ".cache") / "pgserver"


def _address(value: Any, where: str) -> tuple[str, int]:
    """"host:port" (an IPv6 host in brackets: "[::1]:9187") → (host, port)."""
    text = _expect(value, str, where).strip()
    host, sep, port = text.rpartition(":")
    host = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    if not sep or not host or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise ConfigError(f'{where} must be "host:port", e.g. "127.0.0.1:9187"')
    return host, int(port)


def _duration_threshold(server: Mapping[str, Any]) -> int:
    value = _expect(server.get("log_min_duration_statement", 0), int, "server.log_min_duration_statement")
    if value < -1:
        raise ConfigError("server.log_min_duration_statement must be -1 (off), 0 (every statement) or more")
    return value


def _non_negative(server: Mapping[str, Any], key: str, default: float) -> float:
    value = float(_expect(server.get(key, default), (int, float), f"server.{key}"))
    if value < 0:
        raise ConfigError(f"server.{key} must not be negative")
    return value


def _user(table: Any, index: int) -> UserConfig:
    where = f"[[users]] #{index + 1}"
    _expect(table, dict, where)
    _unknown_keys(table, set(USER_KEYS), where)
    name = _expect(table.get("name"), str, f"{where}.name")
    if "scram" in table and "password" in table:
        raise ConfigError(f"user {name!r}: set either scram or password, not both")
    if "scram" in table:
        try:
            verifier = parse_verifier(_expect(table["scram"], str, f"user {name!r} scram"))
        except ValueError as exc:
            raise ConfigError(f"user {name!r}: scram is not a SCRAM-SHA-256 verifier "
                              "(run `pgserver passwd` to make one)") from exc
    elif "password" in table:  # convenient for local setups; hashed at load, never kept in clear
        verifier = make_verifier(_expect(table["password"], str, f"user {name!r} password"))
    else:
        raise ConfigError(f"user {name!r} has neither scram nor password")
    cleartext = _expect(table.get("password_cleartext", False), bool, f"user {name!r} password_cleartext")
    superuser = _expect(table.get("superuser", False), bool, f"user {name!r} superuser")
    return UserConfig(name, verifier, cleartext, superuser)


def _database(name: str, table: Mapping[str, Any], base_dir: Path) -> DatabaseConfig:
    where = f"[databases.{name}]"
    _unknown_keys(table, set(DATABASE_KEYS), where)
    edition = _expect(table.get("edition", "StandardUK"), str, f"{where} edition")
    match = next((e for e in EDITIONS if e.lower() == edition.lower()), None)
    if match is None:
        raise ConfigError(f"{where} edition must be one of {', '.join(EDITIONS)}")
    url = _expect(table.get("api_base_url", SANDBOX), str, f"{where} api_base_url")
    if url != SANDBOX and not url.startswith(("http://", "https://")):
        raise ConfigError(f'{where} api_base_url must be "sandbox" or an http(s) URL')
    token_store = str(_path(table["token_store"], f"{where} token_store", base_dir)) if "token_store" in table else None
    properties = _expect(table.get("properties", {}), dict, f"[databases.{name}.properties]")
    for key, value in properties.items():
        _expect(value, (str, int, bool, float), f"[databases.{name}.properties] {key}")
    secret = table.get("client_secret")
    redirect = _expect(table.get("redirect_uri", DEFAULT_REDIRECT_URI), str, f"{where} redirect_uri")
    if not redirect.startswith(("http://", "https://")):
        raise ConfigError(f"{where} redirect_uri must be an http(s) URL")
    max_requests = _expect(table.get("max_api_requests", 50), int, f"{where} max_api_requests")
    if max_requests < 1:
        raise ConfigError(f"{where} max_api_requests must be at least 1")
    return DatabaseConfig(
        name=name,
        edition=match,
        api_base_url=url,
        client_id=_expect(table.get("client_id", "pgserver"), str, f"{where} client_id"),
        client_secret=_expect(secret, str, f"{where} client_secret") if secret is not None else None,
        token_store=token_store,
        redirect_uri=redirect,
        properties=MappingProxyType(dict(properties)),
        max_api_requests=max_requests,
    )
