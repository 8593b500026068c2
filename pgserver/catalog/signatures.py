"""Which PostgreSQL functions the catalog provides, with their DuckDB parameter and result types.

Why a table: rewrite.py needs the (name, arity) -> types map to rename calls and cast
their arguments, without a session; functions.py binds the implementations per session.
"""

from __future__ import annotations

from dataclasses import dataclass

V, B, INT, L, OID = "VARCHAR", "BOOLEAN", "INTEGER", "BIGINT", "UINTEGER"
ACL_ROWS = "STRUCT(grantor UINTEGER, grantee UINTEGER, privilege_type VARCHAR, is_grantable BOOLEAN)[]"


@dataclass(frozen=True)
class Signature:
    params: tuple[str, ...]
    returns: str
    null_calls: bool = False  # called with NULL arguments (otherwise NULL in -> NULL out)


# (PostgreSQL name, arity) -> signature. "Object" arguments (a name or an OID) are VARCHAR.
SIGNATURES: dict[tuple[str, int], Signature] = {
    ("format_type", 2): Signature((OID, INT), V, null_calls=True),
    ("pg_get_expr", 2): Signature((V, OID), V),
    ("pg_get_expr", 3): Signature((V, OID, B), V),
    ("pg_get_indexdef", 1): Signature((OID,), V),
    ("pg_get_indexdef", 3): Signature((OID, INT, B), V),
    ("pg_get_constraintdef", 1): Signature((OID,), V),
    ("pg_get_constraintdef", 2): Signature((OID, B), V),
    ("pg_get_viewdef", 1): Signature((V,), V),
    ("pg_get_viewdef", 2): Signature((V, B), V),
    ("pg_get_triggerdef", 1): Signature((OID,), V),
    ("pg_get_triggerdef", 2): Signature((OID, B), V),
    ("pg_get_ruledef", 1): Signature((OID,), V),
    ("pg_get_ruledef", 2): Signature((OID, B), V),
    ("pg_get_partkeydef", 1): Signature((OID,), V),
    ("pg_get_function_sqlbody", 1): Signature((OID,), V),
    ("pg_get_functiondef", 1): Signature((OID,), V),
    ("pg_get_statisticsobjdef_columns", 1): Signature((OID,), V),
    ("pg_get_serial_sequence", 2): Signature((V, V), V),
    ("pg_table_is_visible", 1): Signature((OID,), B),
    ("pg_index_column_has_property", 3): Signature((OID, INT, V), B),
    ("pg_index_has_property", 2): Signature((OID, V), B),
    ("pg_indexam_has_property", 2): Signature((OID, V), B),
    ("pg_relation_is_publishable", 1): Signature((V,), B),
    ("pg_type_is_visible", 1): Signature((OID,), B),
    ("pg_function_is_visible", 1): Signature((OID,), B),
    ("pg_get_userbyid", 1): Signature((OID,), V),
    ("obj_description", 1): Signature((OID,), V),
    ("obj_description", 2): Signature((OID, V), V),
    ("col_description", 2): Signature((OID, INT), V),
    ("shobj_description", 2): Signature((OID, V), V),
    ("pg_encoding_to_char", 1): Signature((INT,), V),
    ("pg_char_to_encoding", 1): Signature((V,), INT),
    ("pg_client_encoding", 0): Signature((), V),
    ("current_schema", 0): Signature((), V, null_calls=True),
    ("current_schemas", 1): Signature((B,), "VARCHAR[]"),
    ("current_database", 0): Signature((), V),
    ("current_user", 0): Signature((), V),
    ("session_user", 0): Signature((), V),
    ("current_setting", 1): Signature((V,), V),
    ("current_setting", 2): Signature((V, B), V, null_calls=True),
    ("set_config", 3): Signature((V, V, B), V, null_calls=True),
    ("quote_ident", 1): Signature((V,), V),
    ("to_regclass", 1): Signature((V,), OID),
    ("to_regtype", 1): Signature((V,), OID),
    ("to_regproc", 1): Signature((V,), OID),
    ("to_regprocedure", 1): Signature((V,), OID),
    ("to_regnamespace", 1): Signature((V,), OID),
    ("to_regrole", 1): Signature((V,), OID),
    ("regclass_in", 1): Signature((V,), OID),
    ("regtype_in", 1): Signature((V,), OID),
    ("regproc_in", 1): Signature((V,), OID),
    ("regnamespace_in", 1): Signature((V,), OID),
    ("regrole_in", 1): Signature((V,), OID),
    ("regclass_out", 1): Signature((OID,), V),
    ("regtype_out", 1): Signature((OID,), V),
    ("regproc_out", 1): Signature((OID,), V),
    ("regnamespace_out", 1): Signature((OID,), V),
    ("regrole_out", 1): Signature((OID,), V),
    ("version", 0): Signature((), V),
    ("pg_postmaster_start_time", 0): Signature((), "TIMESTAMPTZ"),
    ("pg_conf_load_time", 0): Signature((), "TIMESTAMPTZ"),
    ("txid_current", 0): Signature((), L),
    ("pg_current_xact_id", 0): Signature((), L),
    ("pg_is_in_recovery", 0): Signature((), B),
    ("pg_is_wal_replay_paused", 0): Signature((), B),
    ("pg_get_function_result", 1): Signature((OID,), V),
    ("pg_get_function_arguments", 1): Signature((OID,), V),
    ("pg_get_function_identity_arguments", 1): Signature((OID,), V),
    ("pg_relation_size", 1): Signature((V,), L),
    ("pg_relation_size", 2): Signature((V, V), L),
    ("pg_total_relation_size", 1): Signature((V,), L),
    ("pg_table_size", 1): Signature((V,), L),
    ("pg_indexes_size", 1): Signature((V,), L),
    ("pg_database_size", 1): Signature((V,), L),
    ("pg_tablespace_location", 1): Signature((OID,), V),
    ("pg_stat_get_numscans", 1): Signature((OID,), L),
    ("pg_tablespace_size", 1): Signature((V,), L),
    ("pg_size_pretty", 1): Signature((L,), V),
    ("has_table_privilege", 2): Signature((V, V), B),
    ("has_table_privilege", 3): Signature((V, V, V), B),
    ("has_column_privilege", 3): Signature((V, V, V), B),
    ("has_column_privilege", 4): Signature((V, V, V, V), B),
    ("has_any_column_privilege", 2): Signature((V, V), B),
    ("has_any_column_privilege", 3): Signature((V, V, V), B),
    ("has_sequence_privilege", 2): Signature((V, V), B),
    ("has_sequence_privilege", 3): Signature((V, V, V), B),
    ("pg_has_role", 2): Signature((V, V), B),
    ("pg_has_role", 3): Signature((V, V, V), B),
    ("aclexplode", 1): Signature(("VARCHAR[]",), ACL_ROWS),
}
# Privileges that are always granted on objects other than our tables.
for _name in ("schema", "database", "function", "language", "tablespace", "type", "foreign_data_wrapper",
              "server"):
    SIGNATURES[(f"has_{_name}_privilege", 2)] = Signature((V, V), B)
    SIGNATURES[(f"has_{_name}_privilege", 3)] = Signature((V, V, V), B)


def duck_name(name: str, arity: int) -> str:
    """The DuckDB UDF name of a PostgreSQL function (one UDF per arity: no overloading in DuckDB)."""
    return f"pgcat_{name}_{arity}"
