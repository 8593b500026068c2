"""Result types of computed catalog columns (CTEs, derived tables, array_agg) and reg* columns printed by name."""

from __future__ import annotations

import duckdb
import sqlglot

from pgserver.catalog import Catalog, rewrite_typed
from tests.catalog.test_catalog_functions import run

OID, NAME, CHAR, REGPROC, OID_ARRAY = 26, 19, 18, 24, 1028


def types_of(catalog: Catalog, sql: str) -> list[int | None]:
    found = rewrite_typed(sqlglot.parse_one(sql, read="postgres"), catalog).result_types
    assert found is not None
    return [t.type_oid if t else None for t in found]


def test_asyncpg_typeinfo_tree_columns_are_postgresql_types(catalog: Catalog) -> None:
    """The shape of asyncpg's introspection query: a recursive CTE over a derived table, SELECT *."""
    sql = """
        WITH RECURSIVE tree(oid, ns, name, kind, elemtype, attrtypoids, attrnames, depth) AS (
            SELECT ti.oid, ti.ns, ti.name, ti.kind, ti.elemtype, ti.attrtypoids, ti.attrnames, 0
            FROM (SELECT t.oid AS oid, ns.nspname AS ns, t.typname AS name, t.typtype AS kind,
                         t.typelem AS elemtype,
                         (CASE WHEN t.typtype = 'c' THEN (SELECT array_agg(ia.atttypid ORDER BY ia.attnum)
                              FROM pg_attribute ia WHERE ia.attrelid = t.typrelid) ELSE NULL END) AS attrtypoids,
                         (CASE WHEN t.typtype = 'c' THEN (SELECT array_agg(ia.attname::text ORDER BY ia.attnum)
                              FROM pg_attribute ia WHERE ia.attrelid = t.typrelid) ELSE NULL END) AS attrnames
                  FROM pg_catalog.pg_type AS t JOIN pg_catalog.pg_namespace ns ON ns.oid = t.typnamespace) AS ti
            WHERE ti.oid = 1016
            UNION ALL
            SELECT ti.oid, ti.ns, ti.name, ti.kind, ti.elemtype, NULL, NULL, tree.depth + 1
            FROM (SELECT t.oid, 'x' AS ns, t.typname AS name, t.typtype AS kind, t.typelem AS elemtype
                  FROM pg_type t) AS ti JOIN tree ON ti.oid = tree.elemtype)
        SELECT DISTINCT *, elemtype::regtype::text AS elemtype_name FROM tree ORDER BY depth DESC"""
    # text casts stay DuckDB's VARCHAR (text): the rewrite casts name and text alike
    assert types_of(catalog, sql) == [OID, NAME, NAME, CHAR, OID, OID_ARRAY, None, 23, None]  # depth: int4


def test_array_agg_of_oid_column_is_oid_array(catalog: Catalog) -> None:
    assert types_of(catalog, "SELECT array_agg(oid), coalesce(max(typname), 'x') FROM pg_type") == [OID_ARRAY, None]


def test_regproc_columns_print_names(catalog: Catalog, duck: duckdb.DuckDBPyConnection) -> None:
    """PostgreSQL's regprocout: the function's name, '-' for 0; joins still compare OIDs."""
    sql = "SELECT typinput, t.typanalyze AS analyze FROM pg_type t WHERE typname = 'numeric'"
    assert run(duck, catalog, sql) == [("numeric_in", "-")]
    assert types_of(catalog, sql) == [REGPROC, REGPROC]
    star = run(duck, catalog, "SELECT a.* FROM pg_am a WHERE amname = 'heap'")
    assert star == [(2, "heap", "heap_tableam_handler", "t")]
    joined = "SELECT p.proname FROM pg_type t JOIN pg_proc p ON p.oid = t.typinput WHERE t.typname = 'int4'"
    assert run(duck, catalog, joined) == [("int4in",)]
    assert run(duck, catalog, "SELECT typinput::oid > 0 FROM pg_type WHERE typname = 'int4'") == [(True,)]
