"""Dump PostgreSQL 15's built-in catalog rows into pgserver/catalog/data/pg15_catalog.json.gz.

Why: the catalog we answer must carry PostgreSQL's real OIDs and rows (pg_type, pg_proc,
pg_operator …), so client drivers that cache types by OID or join pg_proc on typreceive
see exactly what a real server shows. Rather than hand-typing those rows, this script
starts a throwaway PostgreSQL 15 cluster (as an unprivileged OS user when run as root),
reads the catalog of a freshly initialised database, and writes a compact gzip'd JSON.

Run:  python scripts/generate_pg_catalog.py [--output PATH]
The same `throwaway_postgres()` context manager is reused by the differential tests.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from realpg import throwaway_postgres  # noqa: E402  (re-exported for the tests)

DEFAULT_OUTPUT = Path(__file__).resolve().parent.parent / "pgserver" / "catalog" / "data" / "pg15_catalog.json.gz"
TEMPLATE_DB = "postgres"

# Relations whose built-in rows we ship (everything else ships as structure only).
ROW_RELATIONS = [
    "pg_catalog.pg_aggregate", "pg_catalog.pg_am", "pg_catalog.pg_amop", "pg_catalog.pg_amproc",
    "pg_catalog.pg_attrdef", "pg_catalog.pg_attribute", "pg_catalog.pg_cast", "pg_catalog.pg_class",
    "pg_catalog.pg_collation", "pg_catalog.pg_constraint", "pg_catalog.pg_conversion",
    "pg_catalog.pg_description", "pg_catalog.pg_extension", "pg_catalog.pg_index", "pg_catalog.pg_language",
    "pg_catalog.pg_namespace", "pg_catalog.pg_opclass", "pg_catalog.pg_operator", "pg_catalog.pg_opfamily",
    "pg_catalog.pg_proc", "pg_catalog.pg_range", "pg_catalog.pg_tablespace", "pg_catalog.pg_type",
    "pg_catalog.pg_settings", "pg_catalog.pg_ts_config", "pg_catalog.pg_ts_parser", "pg_catalog.pg_ts_template",
    "pg_catalog.pg_ts_dict", "pg_catalog.pg_views", "pg_catalog.pg_authid",
    "information_schema.tables", "information_schema.columns", "information_schema.views",
]
# Restrict rows of per-relation catalogs to built-in objects of these schemas.
SYSTEM_SCHEMAS = ("pg_catalog", "information_schema")
REL_FILTER = {
    "pg_catalog.pg_class": "relnamespace IN (SELECT oid FROM pg_namespace WHERE nspname IN ('pg_catalog','information_schema'))",
    "pg_catalog.pg_attribute": "attrelid IN (SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname IN ('pg_catalog','information_schema'))",
    "pg_catalog.pg_index": "indrelid IN (SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname IN ('pg_catalog','information_schema'))",
    "pg_catalog.pg_constraint": "connamespace IN (SELECT oid FROM pg_namespace WHERE nspname IN ('pg_catalog','information_schema'))",
    "pg_catalog.pg_collation": "collprovider <> 'i'",
    "pg_catalog.pg_authid": "oid <> 10",  # the predefined pg_* roles; the bootstrap user is ours  # ICU collations: ~800 rows no client browses
    "information_schema.tables": "table_schema IN ('pg_catalog','information_schema')",
    "information_schema.columns": "table_schema IN ('pg_catalog','information_schema')",
    "information_schema.views": "table_schema IN ('pg_catalog','information_schema')",
}
# pg_node_tree columns: ship the deparsed text (what pg_get_expr would return), or nothing.
NODE_TREE_TEXT = {
    ("pg_catalog.pg_attrdef", "adbin"): "pg_get_expr(adbin, adrelid)",
    ("pg_catalog.pg_constraint", "conbin"): "pg_get_expr(conbin, conrelid)",
    ("pg_catalog.pg_index", "indexprs"): "pg_get_expr(indexprs, indrelid)",
    ("pg_catalog.pg_index", "indpred"): "pg_get_expr(indpred, indrelid)",
    ("pg_catalog.pg_proc", "proargdefaults"): "pg_get_expr(proargdefaults, 0)",
}
# Settings whose values describe the throwaway cluster rather than a server: blanked.
LOCAL_SETTINGS = {
    "data_directory", "config_file", "hba_file", "ident_file", "unix_socket_directories", "external_pid_file",
    "log_directory", "listen_addresses", "port", "krb_server_keyfile", "ssl_cert_file", "ssl_key_file",
    "ssl_ca_file", "ssl_crl_file", "ssl_crl_dir", "log_filename", "fsync", "logging_collector",
}


def _column_expr(relation: str, name: str, typname: str) -> str:
    ident = '"' + name.replace('"', '""') + '"'
    if (relation, name) in NODE_TREE_TEXT:
        return NODE_TREE_TEXT[(relation, name)]
    if typname == "pg_node_tree":
        return f"{ident}::text"
    if typname == "oidvector":
        return f"{ident}::oid[]"
    if typname == "int2vector":
        return f"{ident}::int2[]"
    if typname.startswith("reg") and not typname.endswith("[]"):
        return f"{ident}::oid"
    if typname == "aclitem[]":
        return f"{ident}::text[]"
    if typname in ("anyarray", "pg_lsn", "inet", "pg_ndistinct", "pg_dependencies", "pg_mcv_list"):
        return f"{ident}::text"
    if typname in ("xid", "xid8", "cid"):
        return f"{ident}::text::bigint"
    if typname == "bytea":
        return "NULL::bytea"
    return ident


def _jsonable(value: Any) -> Any:
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def dump(conninfo: str) -> dict[str, Any]:
    import psycopg

    out: dict[str, Any] = {"relations": {}, "extras": {}}
    with psycopg.connect(conninfo, autocommit=True) as conn:
        cur = conn.cursor()
        out["meta"] = {
            "version": cur.execute("SELECT version()").fetchone()[0],
            "server_version": cur.execute("SHOW server_version").fetchone()[0],
            "server_version_num": cur.execute("SHOW server_version_num").fetchone()[0],
        }
        rels = cur.execute(
            "SELECT n.nspname, c.relname, c.relkind, c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname IN ('pg_catalog','information_schema') AND c.relkind IN ('r','v','m') ORDER BY 1, 2"
        ).fetchall()
        for nsp, rel, kind, oid in rels:
            qualified = f"{nsp}.{rel}"
            cols = cur.execute(
                "SELECT attname, format_type(atttypid, atttypmod), t.typname, t.typtype, bt.typname "
                "FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid LEFT JOIN pg_type bt ON bt.oid = t.typbasetype "
                "WHERE attrelid = %s AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
                (oid,),
            ).fetchall()
            # Domains (information_schema.sql_identifier …) are described by their base type.
            columns = [[name, fmt, (base if typtype == "d" else typname)] for name, fmt, typname, typtype, base in cols]
            entry: dict[str, Any] = {"kind": kind, "columns": [[c[0], c[1], c[2]] for c in columns]}
            if qualified in ROW_RELATIONS:
                exprs = ", ".join(
                    _column_expr(qualified, c[0], c[1] if c[1].endswith("[]") else c[2]) for c in columns
                )
                where = REL_FILTER.get(qualified)
                sql = f"SELECT {exprs} FROM {qualified}" + (f" WHERE {where}" if where else "")
                rows = cur.execute(sql).fetchall()
                if qualified == "pg_catalog.pg_settings":
                    rows = [_scrub_setting([c[0] for c in columns], list(r)) for r in rows]
                entry["rows"] = [[_jsonable(v) for v in r] for r in rows]
            out["relations"][qualified] = entry
        out["extras"]["keywords"] = [
            list(r) for r in cur.execute("SELECT word, catcode, barelabel, catdesc, baredesc FROM pg_get_keywords()")
        ]
        out["extras"]["constraintdef"] = [
            list(r)
            for r in cur.execute(
                "SELECT c.oid, pg_get_constraintdef(c.oid) FROM pg_constraint c JOIN pg_namespace n "
                "ON n.oid = c.connamespace WHERE n.nspname IN ('pg_catalog','information_schema')"
            )
        ]
        out["extras"]["indexdef"] = [
            list(r)
            for r in cur.execute(
                "SELECT i.indexrelid, pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid "
                "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname IN ('pg_catalog','information_schema')"
            )
        ]
        out["extras"]["functiondef"] = [
            list(r)
            for r in cur.execute(
                "SELECT p.oid, pg_get_function_result(p.oid), pg_get_function_arguments(p.oid), "
                "pg_get_function_identity_arguments(p.oid) FROM pg_proc p"
            )
        ]
    return out


def _scrub_setting(columns: list[str], row: list[Any]) -> list[Any]:
    values = dict(zip(columns, row, strict=True))
    if values["name"] in LOCAL_SETTINGS:
        for col in ("setting", "reset_val", "boot_val"):
            values[col] = "" if values["vartype"] == "string" else values[col]
        values["sourcefile"] = None
        values["sourceline"] = None
        if values["name"] == "port":
            values.update(setting="5432", reset_val="5432", boot_val="5432", source="default")
    if values.get("sourcefile"):
        values["sourcefile"] = None
        values["sourceline"] = None
    return [values[c] for c in columns]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args()
    with throwaway_postgres() as pg:
        data = dump(pg.conninfo)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    payload = json.dumps(data, separators=(",", ":"), sort_keys=True).encode()
    with gzip.GzipFile(args.output, "wb", mtime=0, compresslevel=9) as fh:
        fh.write(payload)
    print(f"wrote {args.output} ({args.output.stat().st_size} bytes, {len(data['relations'])} relations)")


if __name__ == "__main__":
    main()
