"""PostgreSQL-compatible functions installed into each session's DuckDB connection.

DuckDB has its own version(), current_database(), current_setting() … with DuckDB
answers; PostgreSQL clients probe these at connect time, so we shadow them with DuckDB
macros (macros may shadow built-ins, Python UDFs may not). Values that change during the
session (settings, the default schema) are read through Python UDFs the macros call.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import duckdb

from pgserver.errors import PgError
from pgserver.sql.settings import SERVER_VERSION

VERSION_STRING = f"PostgreSQL {SERVER_VERSION} on x86_64-pc-linux-gnu, compiled by gcc, 64-bit"


def sql_string(value: str) -> str:
    """A SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def install_pg_functions(duck: duckdb.DuckDBPyConnection, *, database: str, user: str, backend_pid: int,
                         setting: Callable[[str], str], current_schema: Callable[[], str | None]) -> None:
    """Create the macros and UDFs on a fresh DuckDB connection (once per session)."""
    varchar = duckdb.sqltype("VARCHAR")

    def _setting(name: str) -> str:
        try:
            return setting(name)
        except PgError as err:
            raise ValueError(err.message) from None

    duck.create_function("__pg_current_setting", _setting, [varchar], varchar, side_effects=True)
    duck.create_function("__pg_current_schema", lambda: current_schema(), [], varchar, side_effects=True)
    macros = {
        "version()": sql_string(VERSION_STRING),
        "current_database()": sql_string(database),
        "current_catalog()": sql_string(database),
        "current_user()": sql_string(user),
        "session_user()": sql_string(user),
        "pg_backend_pid()": str(backend_pid),
        "current_schema()": "__pg_current_schema()",
        "current_setting(name)": "__pg_current_setting(name), (name, missing_ok) AS __pg_current_setting(name)",
        "inet_server_port()": "NULL::INTEGER",
        "inet_server_addr()": "NULL::VARCHAR",
        "pg_is_in_recovery()": "false",
        "txid_current()": "1::BIGINT",
        "obj_description(o, c)": "NULL::VARCHAR",
        "col_description(o, c)": "NULL::VARCHAR",
    }
    for signature, body in macros.items():
        duck.execute(f"CREATE OR REPLACE MACRO {signature} AS {body}")


def backend_pid() -> int:
    """A per-process base for backend ids (PostgreSQL clients only display it)."""
    return os.getpid()
