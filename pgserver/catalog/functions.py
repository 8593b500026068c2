"""PostgreSQL's catalog and session functions as DuckDB Python UDFs.

Why Python UDFs: their answers come from the Catalog's Python lookups (names <-> OIDs,
comment texts, constraint definitions) and from the live session (current_user,
settings, search_path), which a DuckDB macro cannot reach. Each PostgreSQL function
(name, arity) is registered as `pgcat_<name>_<arity>` with fixed parameter types;
rewrite.py renames calls and casts their arguments to these types.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any

import duckdb

from pgserver import types as pgtypes
from pgserver.catalog.catalog import Catalog, quote_ident_if_needed
from pgserver.catalog.catalog_session import CatalogSession, session_value
from pgserver.catalog.names import NameResolver
from pgserver.catalog.signatures import SIGNATURES, duck_name
from pgserver.errors import UNDEFINED_OBJECT, PgError

# aclitem letters (PostgreSQL's acl.h ACL_*_CHR) in aclexplode's words
ACL_PRIVILEGES = {"r": "SELECT", "a": "INSERT", "w": "UPDATE", "d": "DELETE", "D": "TRUNCATE", "x": "REFERENCES",
                  "t": "TRIGGER", "X": "EXECUTE", "U": "USAGE", "C": "CREATE", "c": "CONNECT", "T": "TEMPORARY",
                  "s": "SET", "A": "ALTER SYSTEM"}
READ_PRIVILEGES = {"SELECT", "REFERENCES", "USAGE", "CONNECT", "EXECUTE", "TEMPORARY", "TEMP", "MEMBER"}


# What PostgreSQL 15 answers for a btree (amapi's amproperty and the generic rules of indexam.c)
_BTREE_COLUMN_PROPERTIES = {"orderable": True, "distance_orderable": False, "returnable": True, "search_array": True,
                            "search_nulls": True}
_BTREE_INDEX_PROPERTIES = {"clusterable": True, "index_scan": True, "bitmap_scan": True, "backward_scan": True}
_AM_PROPERTY_NAMES = ("can_order", "can_unique", "can_multi_col", "can_exclude", "can_include")
_ACCESS_METHOD_PROPERTIES = {  # pg_am oid -> pg_indexam_has_property, as PostgreSQL 15 answers it
    oid: dict(zip(_AM_PROPERTY_NAMES, answers, strict=True)) for oid, answers in (
        (403, (True, True, True, True, True)), (405, (False, False, False, True, False)),  # btree, hash
        (783, (False, False, True, True, True)), (2742, (False, False, True, False, False)),  # gist, gin
        (4000, (False, False, False, True, True)), (3580, (False, False, True, False, False)))}  # spgist, brin


class SessionFunctions:
    """The implementations, bound to one catalog and one session."""

    def __init__(self, catalog: Catalog, session: CatalogSession) -> None:
        self.cat = catalog
        self.session = session
        self.names = NameResolver(catalog, session)
        self._xid = itertools.count(1000)
        self._default_settings = {r["name"].lower(): r["setting"]
                                  for r in catalog.base.rows_as_dicts("pg_catalog.pg_settings")}
        self._our_namespaces = {r["pronamespace"] for r in catalog.rows.get("pg_catalog.pg_proc", ())}
        self._predefined_roles = {r["oid"]: r["rolname"] for r in catalog.base.rows_as_dicts("pg_catalog.pg_authid")}
        self._view_defs = {(r["schemaname"], r["viewname"]): r["definition"]
                           for r in catalog.base.rows_as_dicts("pg_catalog.pg_views")}

    # -- types and definitions ----------------------------------------------------
    def format_type_2(self, oid: int | None, typmod: int | None) -> str | None:
        if oid is None:
            return None
        if typmod is None and oid in (1042, 1014):
            # PostgreSQL: without a typmod bpchar is "character"; with typmod -1 given it stays "bpchar"
            return "character" if oid == 1042 else "character[]"
        typmod = -1 if typmod is None else typmod
        if pgtypes.find_by_oid(oid) is not None:
            return pgtypes.format_type(oid, typmod)
        row = self.cat.types.get(oid)
        if row is None:
            return "???"
        if row["typcategory"] == "A" and row["typelem"]:
            return f"{self.format_type_2(row['typelem'], typmod)}[]"
        return self.names.type_name(oid)

    def pg_get_expr_2(self, expr: str, rel: int) -> str:
        return expr

    def pg_get_expr_3(self, expr: str, rel: int, pretty: bool) -> str:
        return expr

    def pg_get_indexdef_1(self, oid: int) -> str | None:
        return self.cat.indexdef.get(oid)

    def pg_get_indexdef_3(self, oid: int, column: int, pretty: bool) -> str | None:
        if column == 0:
            definition = self.cat.indexdef.get(oid)
            table = self.cat.classes.get(self.cat.index_table.get(oid, 0))
            if definition is None or table is None or not pretty:
                return definition
            # Pretty output names the table as regclass does: unqualified when visible.
            schema = self.cat.namespace_names[table.namespace_oid]
            words = self.cat.keyword_categories
            qualified = f"{quote_ident_if_needed(schema, words)}.{quote_ident_if_needed(table.name, words)}"
            return definition.replace(f" ON {qualified} ", f" ON {self.names.relation_name(table.oid)} ", 1)
        keys = self.cat.index_columns.get(oid)
        if keys is None or not 0 < column <= len(keys):
            return None if keys is None else ""
        name = self.cat.attnames.get((self.cat.index_table[oid], keys[column - 1]))
        return quote_ident_if_needed(name, self.cat.keyword_categories) if name else None

    def pg_get_constraintdef_1(self, oid: int) -> str | None:
        foreign_key = self.cat.foreign_keys.get(oid)
        if foreign_key is not None:  # the referenced table is named as regclass does: qualified unless visible
            column, target, target_column = foreign_key
            words = self.cat.keyword_categories
            return (f"FOREIGN KEY ({quote_ident_if_needed(column, words)}) REFERENCES "
                    f"{self.names.relation_name(target)}({quote_ident_if_needed(target_column, words)})")
        return self.cat.constraintdef.get(oid)

    def pg_get_constraintdef_2(self, oid: int, pretty: bool) -> str | None:
        return self.pg_get_constraintdef_1(oid)

    def pg_get_viewdef_1(self, view: str) -> str | None:
        oid = self.names.relation_oid(view, missing_ok=True) if not view.isdigit() else int(view)
        info = self.cat.classes.get(oid or 0)
        if info is None:
            return None
        return self._view_defs.get((self.cat.namespace_names[info.namespace_oid], info.name))

    def pg_get_viewdef_2(self, view: str, pretty: bool) -> str | None:
        return self.pg_get_viewdef_1(view)

    def _nothing(self, *args: Any) -> None:
        return None

    pg_get_triggerdef_1 = pg_get_triggerdef_2 = pg_get_ruledef_1 = pg_get_ruledef_2 = _nothing
    pg_get_partkeydef_1 = pg_get_statisticsobjdef_columns_1 = pg_get_serial_sequence_2 = _nothing
    pg_get_function_sqlbody_1 = _nothing  # no SQL-standard function bodies here

    def pg_get_functiondef_1(self, oid: int) -> str | None:
        """CREATE FUNCTION text of one of our procedures, rendered from its pg_proc row as PostgreSQL
        does (psql \\sf, DBeaver's Source tab); None for built-ins, whose definitions are not shipped."""
        proc = self.cat.procs.get(oid)
        definition = self.cat.functiondef.get(oid)
        if proc is None or definition is None or proc[0] not in self._our_namespaces:
            return None
        result, arguments, _ = definition
        words = self.cat.keyword_categories
        name = (f"{quote_ident_if_needed(self.cat.namespace_names[proc[0]], words)}."
                f"{quote_ident_if_needed(proc[1], words)}")
        return (f"CREATE OR REPLACE FUNCTION {name}({arguments})\n RETURNS {result}\n LANGUAGE sql\n"
                f"AS $function${proc[1]}$function$\n")

    def pg_get_function_result_1(self, oid: int) -> str | None:
        return (self.cat.functiondef.get(oid) or (None, None, None))[0]

    def pg_get_function_arguments_1(self, oid: int) -> str | None:
        return (self.cat.functiondef.get(oid) or (None, None, None))[1]

    def pg_get_function_identity_arguments_1(self, oid: int) -> str | None:
        return (self.cat.functiondef.get(oid) or (None, None, None))[2]

    # -- visibility, names, comments --------------------------------------------------
    # -- index properties (every index here is a btree: PostgreSQL's own catalog's, and our views' keys) ----------
    def pg_index_column_has_property_3(self, oid: int, column: int, name: str) -> bool | None:
        keys = self.cat.index_columns.get(oid)
        if keys is None or not 0 < column <= len(keys):
            return None
        options = self.cat.index_options.get(oid) or []
        option = options[column - 1] if column <= len(options) else 0
        descending, nulls_first = bool(option & 1), bool(option & 2)  # INDOPTION_DESC, INDOPTION_NULLS_FIRST
        ordering = {"asc": not descending, "desc": descending, "nulls_first": nulls_first,
                    "nulls_last": not nulls_first}
        prop = name.lower()
        return ordering[prop] if prop in ordering else _BTREE_COLUMN_PROPERTIES.get(prop)

    def pg_index_has_property_2(self, oid: int, name: str) -> bool | None:
        return _BTREE_INDEX_PROPERTIES.get(name.lower()) if oid in self.cat.index_columns else None

    def pg_indexam_has_property_2(self, oid: int, name: str) -> bool | None:
        properties = _ACCESS_METHOD_PROPERTIES.get(oid)
        return None if properties is None else properties.get(name.lower())

    def pg_table_is_visible_1(self, oid: int) -> bool | None:
        return self.names.class_visible(oid)

    def pg_type_is_visible_1(self, oid: int) -> bool | None:
        return self.names.type_visible(oid)

    def pg_function_is_visible_1(self, oid: int) -> bool | None:
        return self.names.proc_visible(oid)

    def pg_get_userbyid_1(self, oid: int) -> str:
        if oid == 10:
            return self.session.user
        return self._predefined_roles.get(oid, f"unknown (OID={oid})")

    def _role_oid(self, name: str) -> int:
        if name == self.session.user:
            return 10
        return next((oid for oid, role in self._predefined_roles.items() if role == name), 0)

    def aclexplode_1(self, acl: list[str]) -> list[dict[str, Any]]:
        """aclexplode(aclitem[]): one row per privilege of each 'grantee=privs/grantor' item ('' is PUBLIC, 0)."""
        rows = []
        for item in acl:
            if item is None:
                continue
            grantee, _, rest = item.partition("=")
            privileges, _, grantor = rest.partition("/")
            grantee_oid = self._role_oid(grantee.strip('"')) if grantee else 0
            grantor_oid = self._role_oid(grantor.strip('"'))
            for index, letter in enumerate(privileges):
                if letter == "*" or letter not in ACL_PRIVILEGES:
                    continue
                grantable = privileges[index + 1:index + 2] == "*"
                rows.append({"grantor": grantor_oid, "grantee": grantee_oid, "privilege_type": ACL_PRIVILEGES[letter],
                             "is_grantable": grantable})
        return rows

    def pg_relation_is_publishable_1(self, relation: str) -> bool:
        return True

    def obj_description_1(self, oid: int) -> str | None:
        return next((t for (o, _c, s), t in self.cat.descriptions.items() if o == oid and s == 0), None)

    def obj_description_2(self, oid: int, catalog_name: str) -> str | None:
        classoid = self.cat.class_by_name.get(("pg_catalog", catalog_name))
        return self.cat.descriptions.get((oid, classoid or 0, 0))

    def col_description_2(self, oid: int, attnum: int) -> str | None:
        return self.cat.descriptions.get((oid, 1259, attnum))

    def shobj_description_2(self, oid: int, catalog_name: str) -> str | None:
        return None

    def pg_encoding_to_char_1(self, code: int) -> str:
        return {6: "UTF8", 0: "SQL_ASCII"}.get(code, "")

    def pg_char_to_encoding_1(self, name: str) -> int:
        return {"utf8": 6, "sql_ascii": 0}.get(name.lower().replace("-", ""), -1)

    def pg_client_encoding_0(self) -> str:
        return self.session.setting("client_encoding") or "UTF8"

    def quote_ident_1(self, name: str) -> str:
        return quote_ident_if_needed(name, self.cat.keyword_categories)

    # -- session ------------------------------------------------------------------------
    def current_schema_0(self) -> str | None:
        path = self.names.effective_path(implicit=False)
        return path[0] if path else None

    def current_schemas_1(self, implicit: bool) -> list[str]:
        return self.names.effective_path(implicit=implicit)

    def current_database_0(self) -> str:
        return self.session.database

    def current_user_0(self) -> str:
        return self.session.user

    session_user_0 = current_user_0

    def _setting(self, name: str, missing_ok: bool) -> str | None:
        """The session's value; for a PostgreSQL setting the session does not track, PostgreSQL 15's
        default (from pg_settings), so clients probing e.g. default_table_access_method get an answer."""
        try:
            return self.session.settings.get(name)
        except PgError:
            default = self._default_settings.get(name.lower())
            if default is not None:
                return default
            if missing_ok:
                return None
            raise

    def current_setting_1(self, name: str) -> str | None:
        return self._setting(name, missing_ok=False)

    def current_setting_2(self, name: str | None, missing_ok: bool | None) -> str | None:
        if name is None:
            return None
        return self._setting(name, missing_ok=bool(missing_ok))

    def set_config_3(self, name: str | None, value: str | None, is_local: bool | None) -> str:
        if name is None:
            raise PgError("22004", "SET requires parameter name")
        self.session.settings.set(name, value, local=bool(is_local), in_transaction=self.session.in_transaction)
        return self.session.settings.get(name)

    def version_0(self) -> str:
        server_version = self.session.setting("server_version") or self.cat.base.server_version
        return f"PostgreSQL {server_version} on x86_64-pc-linux-gnu, compiled by gcc, 64-bit"

    def pg_postmaster_start_time_0(self) -> dt.datetime:
        return self.session.started_at

    pg_conf_load_time_0 = pg_postmaster_start_time_0

    def txid_current_0(self) -> int:
        return next(self._xid)

    pg_current_xact_id_0 = txid_current_0

    def pg_is_in_recovery_0(self) -> bool:
        return False

    def pg_is_wal_replay_paused_0(self) -> bool:
        # pgAdmin asks only when pg_is_in_recovery(): never here, as on a primary
        raise PgError("55000", "recovery is not in progress",
                      hint="Recovery control functions can only be executed during recovery.")

    # -- reg* conversions -------------------------------------------------------------------
    def to_regclass_1(self, name: str) -> int | None:
        return self.names.relation_oid(name, missing_ok=True)

    def to_regtype_1(self, name: str) -> int | None:
        return self.names.type_oid(name, missing_ok=True)

    def to_regproc_1(self, name: str) -> int | None:
        return self.names.proc_oid(name, missing_ok=True)

    to_regprocedure_1 = to_regproc_1

    def to_regnamespace_1(self, name: str) -> int | None:
        return self.names.namespace_oid(name, missing_ok=True)

    def to_regrole_1(self, name: str) -> int | None:
        return self.names.role_oid(name, missing_ok=True)

    def regclass_in_1(self, name: str) -> int | None:
        return self.names.relation_oid(name)

    def regtype_in_1(self, name: str) -> int | None:
        return self.names.type_oid(name)

    def regproc_in_1(self, name: str) -> int | None:
        return self.names.proc_oid(name)

    def regnamespace_in_1(self, name: str) -> int | None:
        return self.names.namespace_oid(name)

    def regrole_in_1(self, name: str) -> int | None:
        return self.names.role_oid(name)

    def regclass_out_1(self, oid: int) -> str:
        return "-" if oid == 0 else self.names.relation_name(oid)

    def regtype_out_1(self, oid: int) -> str:
        if oid == 0:
            return "-"  # InvalidOid, as PostgreSQL's reg*out print it
        return (self.format_type_2(oid, -1) or str(oid)) if oid in self.cat.types else str(oid)

    def regproc_out_1(self, oid: int) -> str:
        return self.names.proc_name(oid)

    def regnamespace_out_1(self, oid: int) -> str:
        name = self.cat.namespace_names.get(oid)
        if oid == 0:
            return "-"
        return quote_ident_if_needed(name, self.cat.keyword_categories) if name else str(oid)

    def regrole_out_1(self, oid: int) -> str:
        if oid == 0:
            return "-"
        return self.pg_get_userbyid_1(oid) if oid == 10 or oid in self._predefined_roles else str(oid)

    # -- sizes and privileges -------------------------------------------------------------
    def _zero(self, *args: Any) -> int:
        return 0

    pg_relation_size_1 = pg_relation_size_2 = pg_total_relation_size_1 = pg_table_size_1 = _zero
    pg_indexes_size_1 = pg_database_size_1 = pg_stat_get_numscans_1 = pg_tablespace_size_1 = _zero

    def pg_tablespace_location_1(self, oid: int) -> str:
        return ""

    def pg_size_pretty_1(self, size: int) -> str:
        for unit in ("bytes", "kB", "MB", "GB", "TB"):
            if abs(size) < 10 * 1024 or unit == "TB":
                return f"{size} {unit}"
            size = (size + 512) // 1024
        return f"{size} PB"

    def _privilege(self, args: tuple[Any, ...], relation_at: int | None = None, column_at: int | None = None) -> bool:
        """Read privileges are granted on everything; write privileges only on what a table's WriteSpec lets
        clients write (Customers: INSERT, UPDATE, DELETE — per column for has_column_privilege)."""
        wanted = {p.strip().upper().replace(" WITH GRANT OPTION", "") for p in str(args[-1]).split(",")}
        if wanted <= READ_PRIVILEGES:
            return True
        if relation_at is None or len(args) <= relation_at:
            return False
        target = args[relation_at]
        oid = target if isinstance(target, int) else self.to_regclass_1(str(target))
        spec = self.cat.table_specs.get(oid) if oid is not None else None
        writes = spec.writes if spec is not None else None
        if writes is None:
            return False
        if column_at is not None and len(args) > column_at:
            column = args[column_at]
            name = spec.columns[column - 1].name if isinstance(column, int) and 0 < column <= len(spec.columns) \
                else str(column)
            declared = writes.column(name)
            allowed = {"INSERT": bool(declared and declared.insertable), "UPDATE": bool(declared and declared.updatable)}
        else:
            allowed = {"INSERT": writes.can_insert, "UPDATE": writes.can_update, "DELETE": writes.can_delete}
        return all(p in READ_PRIVILEGES or allowed.get(p, False) for p in wanted)

    def __getattr__(self, name: str) -> Callable[..., Any]:
        if name.startswith(("has_table_privilege", "has_any_column_privilege")):  # ([user,] table, privilege)
            return lambda *args: self._privilege(args, relation_at=len(args) - 2)
        if name.startswith("has_column_privilege"):  # ([user,] table, column, privilege)
            return lambda *args: self._privilege(args, relation_at=len(args) - 3, column_at=len(args) - 2)
        if name.startswith(("has_", "pg_has_role")):
            return lambda *args: self._privilege(args)
        raise AttributeError(name)


def register(duck: duckdb.DuckDBPyConnection, functions: Callable[[int], SessionFunctions]) -> None:
    """Create every `pgcat_<name>_<arity>` function once per database: a macro that passes the connection's
    `pg_session` variable to a UDF `__pgcat_<name>_<arity>`, which runs the method of that session's
    SessionFunctions (`functions(session_id)`)."""
    for (name, arity), sig in SIGNATURES.items():
        method = f"{name}_{arity}"

        def call(session_id: int, *args: Any, method: str = method, strict: bool = not sig.null_calls) -> Any:
            if strict and any(a is None for a in args):
                return None  # NULL in, NULL out (PostgreSQL's STRICT), while still allowing a NULL result
            return getattr(functions(session_id), method)(*args)

        target = duck_name(name, arity)
        duck.create_function(f"__{target}", _fixed_arity(call, arity + 1), ["BIGINT", *sig.params], sig.returns,
                             null_handling="special", side_effects=True)
        names = ", ".join(f"a{i}" for i in range(arity))
        duck.execute(f"CREATE OR REPLACE MACRO {target}({names}) AS __{target}({session_value('session')}"
                     f"{', ' if names else ''}{names})")


def _fixed_arity(impl: Callable[..., Any], arity: int) -> Callable[..., Any]:
    """DuckDB counts the Python parameters, so each UDF gets a wrapper of its exact arity."""
    wrappers: dict[int, Callable[..., Any]] = {
        1: lambda s: impl(s),
        2: lambda s, a: impl(s, a),
        3: lambda s, a, b: impl(s, a, b),
        4: lambda s, a, b, c: impl(s, a, b, c),
        5: lambda s, a, b, c, d: impl(s, a, b, c, d),
    }
    return wrappers[arity]


def unknown_function(name: str) -> PgError:
    return PgError(UNDEFINED_OBJECT, f"function {name} does not exist")
