"""Run one catalog query on the real PostgreSQL and through install+rewrite in DuckDB, and compare.

What may differ, and why: OIDs of our own objects (mapped by identity before comparing),
reg* columns (we store the OID, PostgreSQL prints the name), and a few columns that
describe physical storage or privileges (IGNORED_COLUMNS). Rows compare as multisets.
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
from dataclasses import dataclass
from typing import Any

import duckdb

from pgserver.catalog import Catalog, rewrite_typed
from pgserver.output_names import output_name as pg_output_name
from pgserver.output_names import root_selects
from pgserver.sql.run.dialect import to_duckdb_sql
from pgserver.sql.text.parsing import parse_statement

REG_TYPE_OIDS = {24, 2202, 2203, 2204, 2205, 2206, 3734, 3769, 4089, 4096, 4191}
IGNORED_COLUMNS = {
    "relfilenode", "reltoastrelid", "relfrozenxid", "relminmxid", "relpages", "relallvisible",
    "relacl", "nspacl", "datacl", "typacl", "proacl", "datfrozenxid", "datminmxid", "datcollversion",
    "is_insertable_into", "is_updatable",  # our relations are read-only
    "index_rel_size", "total_rel_size", "rel_size", "Size",  # we store no data: sizes are 0
}


@dataclass
class Outcome:
    ok: bool
    detail: str


def oid_map(catalog: Catalog, pg: Any) -> dict[int, int]:
    """Our OID -> the real PostgreSQL's OID of the same object (namespaces, relations, types, constraints, procs)."""
    mapping: dict[int, int] = {}
    real_ns = dict(pg.execute("SELECT nspname, oid FROM pg_namespace").fetchall())
    for name, oid in catalog.namespaces.items():
        if name in real_ns:
            mapping[oid] = real_ns[name]
    real_cls = {(n, r): o for n, r, o in pg.execute(
        "SELECT n.nspname, c.relname, c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace")}
    for (schema, name), oid in catalog.class_by_name.items():
        if (schema, name) in real_cls:
            mapping[oid] = real_cls[(schema, name)]
    real_types = {(n, t): o for n, t, o in pg.execute(
        "SELECT n.nspname, t.typname, t.oid FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace")}
    for key, oid in catalog.type_by_name.items():
        if key in real_types:
            mapping[oid] = real_types[key]
    real_cons = {(n, c): o for n, c, o in pg.execute(
        "SELECT n.nspname, c.conname, c.oid FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace")}
    for row in catalog.rows.get("pg_catalog.pg_constraint", ()):
        key = (catalog.namespace_names[row["connamespace"]], row["conname"])
        if key in real_cons:
            mapping[row["oid"]] = real_cons[key]
    real_procs = {(n, p): o for n, p, o in pg.execute(
        "SELECT n.nspname, p.proname, p.oid FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace")}
    for key, oids in catalog.proc_by_name.items():
        if key in real_procs and len(oids) == 1:
            mapping[oids[0]] = real_procs[key]
    real_db = pg.execute("SELECT oid FROM pg_database WHERE datname = current_database()").fetchone()[0]
    for row in catalog.rows.get("pg_catalog.pg_database", ()):
        mapping[row["oid"]] = real_db
    return {k: v for k, v in mapping.items() if k != v}


VECTOR_TYPE_OIDS = {22, 30}  # int2vector, oidvector: psycopg returns their text


def canonical(value: Any, oids: dict[int, int] | None = None, type_oid: int = 0) -> Any:
    if type_oid in VECTOR_TYPE_OIDS and isinstance(value, str):
        return tuple(canonical(int(v), oids) for v in value.split())
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return oids.get(value, value) if oids else value
    if isinstance(value, float | decimal.Decimal):
        return round(float(value), 6)
    if isinstance(value, list | tuple):
        return tuple(canonical(v, oids) for v in value)
    if isinstance(value, dt.datetime | dt.date):
        return "<time>"
    if isinstance(value, str):
        if re.fullmatch(r"-?\d+( -?\d+)+", value):  # int2vector / oidvector text
            return tuple(int(v) for v in value.split())
        if oids:
            value = re.sub(r"\d{5,}", lambda m: str(oids.get(int(m.group()), m.group())), value)
        return value
    return str(value)


def run_real(pg: Any, sql: str) -> tuple[list[str], list[int], list[tuple[Any, ...]]]:
    cur = pg.execute(sql)
    names = [d.name for d in cur.description]
    types = [d.type_code for d in cur.description]
    return names, types, cur.fetchall()


def run_ours(duck: duckdb.DuckDBPyConnection, catalog: Catalog,
             sql: str) -> tuple[list[str], list[tuple[Any, ...]], list[int | None]]:
    """Like the server (pgserver.sql.bind.binder.bind_query): parse, rewrite, name the root projections the
    PostgreSQL way (pgserver.output_names), transpile (pgserver.sql.run.dialect) and run in DuckDB."""
    rewritten = rewrite_typed(parse_statement(sql), catalog)  # the SQL layer's parser, as the server parses
    expr = rewritten.tree
    root = root_selects(expr)
    names = [pg_output_name(p) for p in root.expressions] if root is not None else []
    duck_sql = to_duckdb_sql(expr)  # the SQL layer's own transpilation (LIKE escapes, format() …)
    cur = duck.execute(duck_sql)
    columns = [d[0] for d in cur.description]
    if names and None not in names and len(names) == len(columns):
        columns = [str(n) for n in names]
    known = rewritten.result_types
    types = [t.type_oid if t is not None else None for t in known] if known and len(known) == len(columns) \
        else [None] * len(columns)
    return columns, cur.fetchall(), types


def compare(pg: Any, duck: duckdb.DuckDBPyConnection, catalog: Catalog, real_sql: str, our_sql: str,
            oids: dict[int, int]) -> Outcome:
    names, types, real_rows = run_real(pg, real_sql)
    try:
        our_names, our_rows, our_types = run_ours(duck, catalog, our_sql)
    except Exception as exc:  # the outcome records it; the test decides
        return Outcome(False, f"ours failed: {type(exc).__name__}: {str(exc)[:400]}")
    if [n.lower() for n in names] != [n.lower() for n in our_names]:
        return Outcome(False, f"columns differ:\n real {names}\n ours {our_names}")
    wrong_types = [(n, real, ours) for n, real, ours in zip(names, types, our_types, strict=True)
                   if ours is not None and ours != real and not (real in REG_TYPE_OIDS and ours == 26)]
    if wrong_types:
        return Outcome(False, f"RowDescription types differ (name, real, ours): {wrong_types}")
    keep = [i for i, (n, t) in enumerate(zip(names, types, strict=True))
            if n not in IGNORED_COLUMNS and t not in REG_TYPE_OIDS]
    real = sorted((tuple(canonical(r[i], None, types[i]) for i in keep) for r in real_rows), key=repr)
    ours = sorted((tuple(canonical(r[i], oids, types[i]) for i in keep) for r in our_rows), key=repr)
    if real == ours:
        return Outcome(True, f"{len(real)} rows equal")
    missing = [r for r in real if r not in ours][:3]
    extra = [r for r in ours if r not in real][:3]
    return Outcome(False, f"rows differ: real {len(real)} ours {len(ours)}\n"
                          f" only real: {missing}\n only ours: {extra}\n columns: {[names[i] for i in keep]}")
