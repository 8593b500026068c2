"""Install the catalog into one DuckDB connection: tables, settings view, functions.

Why separate attached databases: DuckDB has its own (partial, differently numbered)
pg_catalog and information_schema, which it resolves before ours. Our relations live in
`pgcat.pg` (pg_catalog) and `pgcat.info` (information_schema); rewrite.py points client
references there. `pgcat` is a read-only DuckDB file written once per Catalog and
attached by every session (attaching takes milliseconds, copying the rows ~0.5 s); the
few session-dependent relations (roles, pg_settings) live in the in-memory `pgsess`.
"""

from __future__ import annotations

import atexit
import contextlib
import datetime as dt
import os
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from pgserver.catalog import infoschema
from pgserver.catalog.catalog import Catalog, quote_ident_if_needed
from pgserver.catalog.catalog_session import SESSION_VARIABLE, CatalogSession, session_value
from pgserver.catalog.data import CatalogRelation
from pgserver.catalog.functions import SessionFunctions, register
from pgserver.catalog.signatures import duck_name
from pgserver.errors import PgError
from pgserver.types import arrow as pgarrow

CATALOG_DB = "pgcat"
SESSION_DB = "pgsess"
SCHEMA_FOR = {"pg_catalog": "pg", "information_schema": "info"}
GENERATOR_DB = "postgres"  # the database name inside the dumped information_schema rows
# Relations whose rows name the session's user (owner, ACL columns): stored once, with Catalog.user (normally
# the SESSION_USER placeholder) in those columns, as `<name>_base`; each session reads them through a view.
USER_COLUMNS: dict[str, tuple[str, ...]] = {
    "pg_catalog.pg_class": ("relacl",), "pg_catalog.pg_tables": ("tableowner",),
    "information_schema.schemata": ("schema_owner",), "information_schema.table_privileges": ("grantor", "grantee"),
}
SESSION_RELATIONS = {"pg_catalog.pg_authid", "pg_catalog.pg_roles", "pg_catalog.pg_user", "pg_catalog.pg_shadow",
                     "pg_catalog.pg_settings", "pg_catalog.pg_stat_activity", "pg_catalog.pg_prepared_statements",
                     "pg_catalog.pg_cursors", *USER_COLUMNS}
BASED = {"pg_catalog.pg_settings", *USER_COLUMNS}  # shared `<name>_base` table + per-session view
VIEWS = {"pg_catalog.pg_stat_activity", "pg_catalog.pg_prepared_statements", "pg_catalog.pg_cursors", *BASED}  # per-session views over live values
_BUILD_LOCK = threading.Lock()

def duck_table(qualified: str) -> str:
    """The DuckDB name of a PostgreSQL catalog relation: pg_catalog.pg_class -> pgcat.pg."pg_class"."""
    schema, _, name = qualified.partition(".")
    database = SESSION_DB if qualified in SESSION_RELATIONS else CATALOG_DB
    return f'{database}.{SCHEMA_FOR[schema]}."{name}"'


class CatalogSessions:
    """The sessions one shared DuckDB database serves, by the id each session's connections carry in the
    DuckDB variable `pg_session` (set by the SQL layer; docs/decisions/0964). The catalog's functions and views
    are created once per database and find their session here."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._sessions: dict[int, CatalogSession] = {}
        self._functions: dict[int, SessionFunctions] = {}

    def add(self, session_id: int, session: CatalogSession) -> None:
        self._sessions[session_id] = session

    def remove(self, session_id: int) -> None:
        self._sessions.pop(session_id, None)
        self._functions.pop(session_id, None)

    def session(self, session_id: int | None) -> CatalogSession:
        found = self._sessions.get(session_id) if session_id is not None else None
        if found is None:
            raise PgError("08003", "this connection's session is gone")
        return found

    def functions(self, session_id: int | None) -> SessionFunctions:
        assert session_id is not None
        found = self._functions.get(session_id)
        if found is None:
            found = self._functions[session_id] = SessionFunctions(self.catalog, self.session(session_id))
        return found


def session_variables(session_id: int, user: str, database: str, backend_pid: int, superuser: bool) -> str:
    """The SET VARIABLE statement every DuckDB connection of a session runs: one struct of session (its id in the
    CatalogSessions and the SQL layer's registry), user, user_ident (as quote_ident writes it), superuser,
    backend_pid and database, read by `session_value`. One statement, not one per value: each SET costs DuckDB
    about 0.15 ms, and a session sets them on two connections before its first query."""
    values = {"session": str(int(session_id)), "user": _literal(user),
              "user_ident": _literal(quote_ident_if_needed(user, {})), "superuser": str(bool(superuser)).lower(),
              "backend_pid": str(int(backend_pid)), "database": _literal(database)}
    fields = ", ".join(f"'{name}': {value}" for name, value in values.items())
    return f"SET VARIABLE {SESSION_VARIABLE} = {{{fields}}}"


def install(duck: duckdb.DuckDBPyConnection, catalog: Catalog, session: CatalogSession) -> CatalogSessions:
    """The catalog on a connection of its own, for one session (tools and tests): everything `install_shared`
    creates, with this connection's variables set for `session`."""
    sessions = CatalogSessions(catalog)
    sessions.add(1, session)
    attach(duck, catalog)
    install_shared(duck, sessions)
    duck.execute(session_variables(1, session.user, session.database, session.backend_pid,
                                   session.setting("is_superuser") == "on"))
    return sessions


def attach(duck: duckdb.DuckDBPyConnection, catalog: Catalog) -> None:
    """ATTACH the shared catalog file and the session database: a few milliseconds, and it must happen
    before the SQL layer sets `enable_external_access = false`."""
    attached = {r[0] for r in duck.execute("SELECT database_name FROM duckdb_databases()").fetchall()}
    if CATALOG_DB not in attached:
        path = shared_file(catalog)
        if path is not None:
            duck.execute(f"ATTACH '{path}' AS {CATALOG_DB} (READ_ONLY)")
        else:  # no writable temp directory: copy the rows into memory instead
            duck.execute(f"ATTACH ':memory:' AS {CATALOG_DB}")
            _fill(duck, catalog, CATALOG_DB)
    if SESSION_DB not in attached:
        duck.execute(f"ATTACH ':memory:' AS {SESSION_DB}")
        duck.execute(f"CREATE SCHEMA {SESSION_DB}.pg; CREATE SCHEMA {SESSION_DB}.info")


def install_shared(duck: duckdb.DuckDBPyConnection, sessions: CatalogSessions) -> None:
    """The catalog functions and the relations that depend on the session (roles, settings, owners, activity,
    prepared statements), created once per database (after `attach`) for every session it will serve: each
    reads the connection's `pg_session` variable and finds its session in `sessions`."""
    catalog = sessions.catalog
    for qualified in sorted(SESSION_RELATIONS - VIEWS):
        _role_view(duck, catalog, qualified)
    register(duck, sessions.functions)
    # pg_backend_pid() belongs to the SQL layer (the pid of BackendKeyData); a bare connection gets it here.
    with contextlib.suppress(duckdb.CatalogException):
        duck.execute(f"CREATE MACRO pg_backend_pid() AS {session_value('backend_pid')}")
    _settings_view(duck, catalog)
    _user_views(duck, catalog)
    _activity_view(duck, catalog, sessions)
    _prepared_statements_view(duck, catalog, sessions)
    _cursors_view(duck, catalog, sessions)
    for macro, element in (("pgcat_int2vector", "SMALLINT"), ("pgcat_oidvector", "UINTEGER")):
        duck.execute(f"CREATE OR REPLACE MACRO {macro}(v) AS CASE WHEN v = '' THEN CAST([] AS {element}[]) "
                     f"ELSE CAST(string_split(v, ' ') AS {element}[]) END")


def shared_file(catalog: Catalog) -> str | None:
    """The read-only DuckDB file holding this catalog's session-independent relations (built once;
    None without a writable temp directory)."""
    with _BUILD_LOCK:
        if catalog.duck_file is not None:
            return catalog.duck_file
        try:
            _remove_stale_files()
            handle, path = tempfile.mkstemp(prefix=f"pgcat-{os.getpid()}-", suffix=".duckdb")
            os.close(handle)
            os.unlink(path)  # DuckDB creates the file itself
            builder = duckdb.connect(path)
            try:
                _fill(builder, catalog, None)
            finally:
                builder.close()
        except (OSError, duckdb.IOException):
            return None
        atexit.register(_remove, path)
        catalog.duck_file = path
        return path


def _remove_stale_files() -> None:
    """Delete catalog files of processes that are gone (a server stopped by a signal skips atexit)."""
    for path in Path(tempfile.gettempdir()).glob("pgcat-*-*.duckdb"):
        pid_text = path.name.split("-")[1]
        if not pid_text.isdigit() or int(pid_text) == os.getpid():
            continue
        try:
            os.kill(int(pid_text), 0)
        except ProcessLookupError:
            _remove(str(path))
        except PermissionError:
            pass  # alive, another user's


def _remove(path: str) -> None:
    for suffix in ("", ".wal"):
        with contextlib.suppress(OSError):
            os.unlink(path + suffix)


def _fill(duck: duckdb.DuckDBPyConnection, catalog: Catalog, database: str | None) -> None:
    """Create every session-independent catalog relation in `database` (None: the connection's own)."""
    prefix = f"{database}." if database else ""
    for schema in SCHEMA_FOR.values():
        duck.execute(f"CREATE SCHEMA IF NOT EXISTS {prefix}{schema}")
    tables = _static_tables(catalog)
    for qualified, rel in catalog.base.relations.items():
        if qualified in SESSION_RELATIONS - BASED:
            continue  # BASED relations' static rows are shared (`<name>_base`); their views are per session
        name = f"{rel.name}_base" if qualified in BASED else rel.name
        _create(duck, f'{prefix}{SCHEMA_FOR[rel.schema]}."{name}"', rel, tables[qualified])
    _keywords(duck, catalog, prefix)


def _create(duck: duckdb.DuckDBPyConnection, target: str, rel: CatalogRelation, data: pa.Table) -> None:
    duck.register("__pgcat_rows", data)
    try:
        casts = ", ".join(f'CAST("{c.name}" AS {c.duck_type}) AS "{c.name}"' for c in rel.columns)
        duck.execute(f"CREATE OR REPLACE TABLE {target} AS SELECT {casts} FROM __pgcat_rows")
    finally:
        duck.unregister("__pgcat_rows")


def _static_tables(catalog: Catalog) -> dict[str, pa.Table]:
    ours = {f"information_schema.{k}": v for k, v in infoschema.build(catalog).items()}
    ours.update(_derived_views(catalog))
    out: dict[str, pa.Table] = {}
    for qualified, rel in catalog.base.relations.items():
        rows: list[dict[str, Any]] = list(catalog.all_rows(qualified)) + ours.get(qualified, [])
        if qualified.startswith("information_schema."):
            rows = [_retarget_db(r, catalog.database) for r in rows]
        out[qualified] = _to_arrow(rel, rows)
    return out


VECTOR_TYPES = ("int2vector", "oidvector")


def _value(value: Any, pg_type: str) -> Any:
    if pg_type in VECTOR_TYPES and isinstance(value, list):
        return " ".join(str(v) for v in value)  # PostgreSQL's int2vector/oidvector text form
    return value


def _to_arrow(rel: CatalogRelation, rows: list[dict[str, Any]]) -> pa.Table:
    arrays = [pa.array([_value(r.get(c.name), c.pg_type) for r in rows], type=pgarrow.arrow_of_duckdb(c.duck_type))
              for c in rel.columns]
    return pa.Table.from_arrays(arrays, names=rel.column_names) if rel.columns else pa.table({})


def _retarget_db(row: dict[str, Any], database: str) -> dict[str, Any]:
    return {k: (database if k.endswith("_catalog") and v == GENERATOR_DB else v) for k, v in row.items()}


def _role_view(duck: duckdb.DuckDBPyConnection, catalog: Catalog, qualified: str) -> None:
    """Our one role (OID 10, which owns every object) under the session's user name, a superuser only if the
    login is one (config [[users]] superuser), as is_superuser reports; then PostgreSQL's predefined roles."""
    rel = catalog.base.relations[qualified]
    user, su = session_value("user"), session_value("superuser")
    role = dict(oid="10", rolname=user, rolsuper=su, rolinherit="true", rolcreaterole=su, rolcreatedb=su,
                rolcanlogin="true", rolreplication=su, rolbypassrls=su, rolconnlimit="-1",
                rolpassword="'********'", rolvaliduntil="NULL", rolconfig="NULL")
    if rel.name in ("pg_user", "pg_shadow"):
        role = dict(usename=user, usesysid="10", usecreatedb=su, usesuper=su, userepl=su, usebypassrls=su,
                    passwd="'********'", valuntil="NULL", useconfig="NULL")
    if rel.name in ("pg_authid", "pg_shadow"):
        role["rolpassword" if rel.name == "pg_authid" else "passwd"] = "NULL"
    select = ", ".join(f'CAST({role.get(c.name, "NULL")} AS {c.duck_type}) AS "{c.name}"' for c in rel.columns)
    target = f'{SESSION_DB}.pg."{rel.name}"'
    if rel.name in ("pg_authid", "pg_roles"):  # PostgreSQL's predefined roles (pg_monitor …)
        predefined = catalog.base.rows_as_dicts("pg_catalog.pg_authid")
        rows = [{**r, "rolpassword": "********" if rel.name == "pg_roles" else None, "rolconfig": None}
                for r in predefined]
        _create(duck, f'{SESSION_DB}.pg."{rel.name}_predefined"', rel, _to_arrow(rel, rows))
        select += f' UNION ALL SELECT * FROM {SESSION_DB}.pg."{rel.name}_predefined"'
    duck.execute(f"CREATE OR REPLACE VIEW {target} AS SELECT {select}")


def _derived_views(catalog: Catalog) -> dict[str, list[dict[str, Any]]]:
    """pg_tables and pg_indexes, which PostgreSQL computes from pg_class; the statistics views' rows of our
    relations (pg_stat_all/user_tables and _indexes): every relation listed, its counters zero — scans of
    the Sage 200 API are not counted per relation (yet). pg_statio_* stay empty (no blocks are read here):
    PostgreSQL would list every table, but Sequelize's describeTable joins pg_statio_all_tables to column
    comments by table name alone, which fails with 21000 as soon as two schemas hold a table of one name —
    as StandardUK and ProfessionalUK do for every view (decision 0454)."""
    tables, indexes, table_stats, index_stats = [], [], [], []
    for info in sorted(catalog.classes.values(), key=lambda c: c.oid):
        schema = catalog.namespace_names[info.namespace_oid]
        if info.kind in ("r", "p"):
            has_index = any(t == info.oid for t in catalog.index_table.values())
            tables.append(dict(schemaname=schema, tablename=info.name, tableowner=catalog.user, tablespace=None,
                               hasindexes=has_index, hasrules=False, hastriggers=False, rowsecurity=False))
            table_stats.append(dict(relid=info.oid, schemaname=schema, relname=info.name, **dict.fromkeys(
                ("seq_scan", "seq_tup_read", "n_tup_ins", "n_tup_upd", "n_tup_del", "n_tup_hot_upd", "n_live_tup",
                 "n_dead_tup", "n_mod_since_analyze", "n_ins_since_vacuum", "vacuum_count", "autovacuum_count",
                 "analyze_count", "autoanalyze_count"), 0), idx_scan=0 if has_index else None,
                idx_tup_fetch=0 if has_index else None))
        elif info.kind == "i" and info.oid in catalog.index_table:
            table = catalog.classes[catalog.index_table[info.oid]]
            indexes.append(dict(schemaname=schema, tablename=table.name, indexname=info.name, tablespace=None,
                                indexdef=catalog.indexdef.get(info.oid)))
            index_stats.append(dict(relid=table.oid, indexrelid=info.oid, schemaname=schema, relname=table.name,
                                    indexrelname=info.name, idx_scan=0, idx_tup_read=0, idx_tup_fetch=0))
    return {"pg_catalog.pg_tables": tables, "pg_catalog.pg_indexes": indexes,
            "pg_catalog.pg_stat_all_tables": table_stats, "pg_catalog.pg_stat_user_tables": _user(table_stats),
            "pg_catalog.pg_stat_all_indexes": index_stats, "pg_catalog.pg_stat_user_indexes": _user(index_stats)}


def _user(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows of user relations (pg_stat_user_*: not pg_catalog, information_schema or pg_toast)."""
    return [r for r in rows if r["schemaname"] not in ("pg_catalog", "information_schema", "pg_toast")]


def _settings_view(duck: duckdb.DuckDBPyConnection, catalog: Catalog) -> None:
    """pg_settings: PostgreSQL 15's rows, with the live session value of every setting."""
    rel = catalog.base.relations["pg_catalog.pg_settings"]
    current = duck_name("current_setting", 2)
    cols = ", ".join(
        f'coalesce({current}(name, true), "setting") AS "setting"' if c.name == "setting" else f'"{c.name}"'
        for c in rel.columns
    )
    duck.execute(f"CREATE OR REPLACE VIEW {duck_table('pg_catalog.pg_settings')} AS "
                 f"SELECT {cols} FROM {CATALOG_DB}.pg.pg_settings_base")


def _user_views(duck: duckdb.DuckDBPyConnection, catalog: Catalog) -> None:
    """Owner and ACL columns name the session's user where the shared rows hold Catalog.user."""
    for qualified, columns in USER_COLUMNS.items():
        rel = catalog.base.relations[qualified]
        replaced = []
        for column in columns:
            duck_type = next(c.duck_type for c in rel.columns if c.name == column)
            if duck_type.endswith("[]"):  # aclitem[]: names as quote_ident writes them
                old = quote_ident_if_needed(catalog.user, {})
                value = f'list_transform("{column}", lambda a: replace(a, {_literal(old)}, '\
                        f"{session_value('user_ident')}))"
            else:
                value = f'CASE WHEN "{column}" = {_literal(catalog.user)} THEN {session_value("user")} ' \
                        f'ELSE "{column}" END'
            replaced.append(f'{value} AS "{column}"')
        schema = SCHEMA_FOR[rel.schema]
        duck.execute(f"CREATE OR REPLACE VIEW {duck_table(qualified)} AS SELECT * REPLACE ({', '.join(replaced)}) "
                     f'FROM {CATALOG_DB}.{schema}."{rel.name}_base"')


_ACTIVITY_FIELDS = {  # Activity field -> (pg_stat_activity column, DuckDB type crossing the UDF)
    "pid": ("pid", "INTEGER"), "user": ("usename", "VARCHAR"), "database": ("datname", "VARCHAR"),
    "application_name": ("application_name", "VARCHAR"), "client_addr": ("client_addr", "VARCHAR"),
    "client_port": ("client_port", "INTEGER"), "backend_start": ("backend_start", "DOUBLE"),
    "xact_start": ("xact_start", "DOUBLE"), "query_start": ("query_start", "DOUBLE"),
    "state_change": ("state_change", "DOUBLE"), "state": ("state", "VARCHAR"), "query": ("query", "VARCHAR"),
    "wait_event_type": ("wait_event_type", "VARCHAR"), "wait_event": ("wait_event", "VARCHAR"),
}
_PRIVATE = {"client_addr", "client_port", "backend_start", "xact_start", "query_start", "state_change", "state",
            "wait_event_type", "wait_event"}  # hidden from other roles' rows, as PostgreSQL hides them


def _activity_view(duck: duckdb.DuckDBPyConnection, catalog: Catalog, sessions: CatalogSessions) -> None:
    """pg_stat_activity: one row per session of the server, read live from its registry through a UDF returning
    a list of structs (pgserver/server/backends.py). Another role's session shows '<insufficient privilege>'
    as its query and NULL where PostgreSQL hides the details, unless this session is a superuser's. A session
    on its own (tools, tests) sees its own row."""
    rel = catalog.base.relations["pg_catalog.pg_stat_activity"]
    database_oid = next(r["oid"] for r in catalog.rows["pg_catalog.pg_database"])
    struct = ", ".join(f"{column} {kind}" for column, kind in _ACTIVITY_FIELDS.values())

    def rows(session_id: int) -> list[dict[str, Any]]:
        session = sessions.session(session_id)
        if session.activity is None:
            now = dt.datetime.now(dt.UTC).timestamp()
            return [{"pid": session.backend_pid, "usename": session.user, "datname": session.database,
                     "application_name": session.setting("application_name") or "", "client_addr": None,
                     "client_port": -1, "backend_start": session.started_at.timestamp(), "xact_start": None,
                     "query_start": now, "state_change": now, "state": "active", "query": "",
                     "wait_event_type": None, "wait_event": None}]
        superuser = session.setting("is_superuser") == "on"
        out = []
        for activity in session.activity():
            row = {column: getattr(activity, name) for name, (column, _) in _ACTIVITY_FIELDS.items()}
            for _name, (column, kind) in _ACTIVITY_FIELDS.items():
                if kind == "DOUBLE" and row[column] is not None:  # timestamps cross as epoch seconds
                    row[column] = row[column].timestamp()
            if not superuser and activity.user != session.user:
                row.update({_ACTIVITY_FIELDS[n][0]: None for n in _PRIVATE}, query="<insufficient privilege>")
            out.append(row)
        return out

    with contextlib.suppress(duckdb.CatalogException):  # a re-install on the same database
        duck.create_function("pgcat_stat_activity", rows, ["BIGINT"], f"STRUCT({struct})[]", side_effects=True)
    by_column = {column: kind for column, kind in _ACTIVITY_FIELDS.values()}
    fixed = {"datid": f"CAST({database_oid} AS UINTEGER)", "usesysid": "CAST(10 AS UINTEGER)",
             "backend_type": "'client backend'"}

    def column(c: Any) -> str:
        if c.name in by_column:
            value = f'to_timestamp(s."{c.name}")' if by_column[c.name] == "DOUBLE" else f's."{c.name}"'
        else:
            value = fixed.get(c.name, "NULL")
        return f'CAST({value} AS {c.duck_type}) AS "{c.name}"'

    duck.execute(f"CREATE OR REPLACE VIEW {duck_table('pg_catalog.pg_stat_activity')} AS "
                 f"SELECT {', '.join(column(c) for c in rel.columns)} "
                 f"FROM (SELECT unnest(pgcat_stat_activity({session_value('session')})) AS s)")


def _prepared_statements_view(duck: duckdb.DuckDBPyConnection, catalog: Catalog, sessions: CatalogSessions) -> None:
    """pg_prepared_statements: the session's named statements (the SQL layer's)."""
    _live_rows_view(duck, catalog, "pg_catalog.pg_prepared_statements", "pgcat_prepared_statements",
                    ("name", "statement", "prepare_time", "parameter_types", "from_sql"), "prepare_time",
                    lambda session_id: sessions.session(session_id).prepared_statements())


def _cursors_view(duck: duckdb.DuckDBPyConnection, catalog: Catalog, sessions: CatalogSessions) -> None:
    """pg_cursors: the session's SQL cursors and protocol portals."""
    _live_rows_view(duck, catalog, "pg_catalog.pg_cursors", "pgcat_cursors",
                    ("name", "statement", "is_holdable", "is_binary", "is_scrollable", "creation_time"),
                    "creation_time", lambda session_id: sessions.session(session_id).cursors())


def _live_rows_view(duck: duckdb.DuckDBPyConnection, catalog: Catalog, qualified: str, function: str,
                    listed: tuple[str, ...], time_column: str,
                    rows_of: Callable[[int], list[dict[str, Any]]]) -> None:
    """A per-session view whose rows the session gives live, through a UDF returning a list of structs (a view
    cannot call Python otherwise); the columns it does not give are 0."""
    rel = catalog.base.relations[qualified]
    # the time crosses as epoch seconds: DuckDB needs pytz to take an aware datetime from Python
    types = {**{c.name: c.duck_type for c in rel.columns}, time_column: "DOUBLE"}
    struct = ", ".join(f"{name} {types[name]}" for name in listed)

    def rows(session_id: int) -> list[dict[str, Any]]:
        out = [{name: row[name] for name in listed} for row in rows_of(session_id)]
        for row in out:
            row[time_column] = row[time_column].timestamp() if row[time_column] is not None else None
        return out

    with contextlib.suppress(duckdb.CatalogException):  # a re-install on the same connection
        duck.create_function(function, rows, ["BIGINT"], f"STRUCT({struct})[]", side_effects=True)
    cols = ", ".join(f'to_timestamp(s."{time_column}") AS "{time_column}"' if c.name == time_column
                     else f's."{c.name}"' if c.name in listed else f'CAST(0 AS {c.duck_type}) AS "{c.name}"'
                     for c in rel.columns)
    duck.execute(f"CREATE OR REPLACE VIEW {duck_table(qualified)} AS "
                 f"SELECT {cols} FROM (SELECT unnest({function}({session_value('session')})) AS s)")


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _keywords(duck: duckdb.DuckDBPyConnection, catalog: Catalog, prefix: str) -> None:
    """pg_get_keywords() as a table (rewrite.py turns the call into a reference to it)."""
    words = catalog.base.keywords
    table = pa.table({
        "word": [w[0] for w in words], "catcode": [w[1] for w in words], "barelabel": [w[2] for w in words],
        "catdesc": [w[3] for w in words], "baredesc": [w[4] for w in words],
    })
    duck.register("__pgcat_rows", table)
    try:
        duck.execute(f"CREATE OR REPLACE TABLE {prefix}pg.pg_get_keywords AS SELECT * FROM __pgcat_rows")
    finally:
        duck.unregister("__pgcat_rows")
