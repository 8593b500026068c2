"""`pgserver init`: a commented pgserver.toml that `pgserver serve --config` accepts as it is.

The file has every key of pgserver.config (the optional ones commented out, at their defaults), one user with
a fresh SCRAM verifier, one database — the built-in sandbox unless a Sage 200 API URL is given — and every
connection property (pgserver.properties), commented, with its default and meaning. docs/configuration.md
explains each key at length.
"""

from __future__ import annotations

import datetime as dt
import os
import textwrap
from pathlib import Path

from pgserver.config import DEFAULT_REDIRECT_URI, SANDBOX
from pgserver.properties import PROPERTY_DEFS, PropertyDef


def _toml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _property_lines(defn: PropertyDef) -> str:
    """A property's description as comment lines, then its name at its default, commented out."""
    if defn.kind == "int":
        value = str(defn.default)
    elif defn.kind == "bool":
        value = "true" if defn.default else "false"
    else:
        value = _toml_string("" if defn.secret else str(defn.default))
    note = defn.description.replace("[DEPRECATED] ", "(deprecated) ")
    if defn.privileged:
        note += " Only this file or a superuser may set it."
    wrapped = textwrap.wrap(note, 100, initial_indent="# ", subsequent_indent="#   ")
    return "\n".join([*wrapped, f"# {defn.name} = {value}"])


def render(*, user: str, verifier: str, database: str = "sage200", edition: str = "StandardUK",
           api_base_url: str = SANDBOX, client_id: str | None = None) -> str:
    """The text of a new pgserver.toml."""
    sandbox = api_base_url == SANDBOX
    today = dt.date.today().isoformat()
    if client_id is not None:
        client = f"client_id = {_toml_string(client_id)}"
    else:
        client = '# client_id = "…"                   # the client id Sage issued for your application'
    properties = "\n\n".join(_property_lines(d) for d in PROPERTY_DEFS if d.name != "Schema")
    url_note = '              # the built-in demo; your tenant: "https://api.columbus.sage.com"' if sandbox else ""
    return f'''# pgserver.toml — written by `pgserver init` on {today}.
# Every key is described in docs/configuration.md; a first sign-in to a real Sage 200 tenant is walked
# through in docs/getting-started.md. Commented keys show their defaults. Paths are relative to this file.
#   pgserver check --config pgserver.toml      validates this file and reaches Sage 200
#   pgserver login --config pgserver.toml      signs in to Sage ID (real tenants)
#   pgserver serve --config pgserver.toml      serves PostgreSQL clients

[server]
host = "127.0.0.1"                    # listen address ("0.0.0.0": every interface — use TLS then)
port = 5433                           # 5432 is left to a real PostgreSQL on the same machine
# tls_cert = "server.crt"             # both set: clients may use TLS (sslmode=require)
# tls_key = "server.key"
# require_tls = false                 # true: refuse logins without TLS
# max_connections = 100
# max_message_size = 67108864         # bytes: a larger client message ends its connection
# authentication_timeout = 60.0       # seconds a client may take to log in
# secret_file = "~/.pgserver/server-secret"   # the server's own secret (SCRAM salts of unknown users)
# client_connection_check_interval = 1.0     # seconds; how soon a vanished client's query is stopped (0: off)
# cache_dir = "~/.cache/pgserver"     # the mirror of the views read (tenant data: keep it private); "": memory
# metrics = "127.0.0.1:9187"          # Prometheus metrics at http://127.0.0.1:9187/metrics (off when absent)
# log_min_duration_statement = 0      # ms: one log line per statement at least this long (0: all, -1: none)

[[users]]
name = {_toml_string(user)}
scram = {_toml_string(verifier)}   # `pgserver passwd {user}` makes another
superuser = true                      # may sign in to Sage through SQL, set credential properties, end sessions
# password_cleartext = false          # true: the client sends the password in clear (over TLS only!)

[databases.{database}]
edition = {_toml_string(edition)}                # or "ProfessionalUK": the default schema and its API
api_base_url = {_toml_string(api_base_url)}{url_note}
{client}
# client_secret = "…"                 # the client secret Sage issued (public clients have none)
# redirect_uri = "{DEFAULT_REDIRECT_URI}"   # registered with Sage; `pgserver login` listens here
token_store = "tokens/{database}.json"        # Sage ID tokens (0600); `pgserver login` writes it
# max_api_requests = 50                 # API requests in flight at once over all connections (decision 0971)

[databases.{database}.properties]
# Connection-property defaults for every connection to this database (Schema follows `edition`);
# clients may change the unprivileged ones per session (SET MaxRows = 10, or PGOPTIONS='-c MaxRows=10').

{properties}
'''


def write_new(path: Path, text: str) -> None:
    """Create `path` with `text`, readable by its owner only; FileExistsError if it exists (never overwrites)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
