"""install() + rewrite() in DuckDB without a real PostgreSQL: behaviour clients depend on."""

from __future__ import annotations

from typing import Any

import duckdb
import pytest
import sqlglot

from pgserver.catalog import (
    Catalog,
    CatalogSession,
    DictSettings,
    install,
    is_catalog_query,
    pg_error_from_duckdb,
)
from pgserver.catalog import rewrite as rewrite_query
from pgserver.errors import PgError
from pgserver.sql.run.dialect import to_duckdb_sql
from pgserver.sql.text.parsing import parse_statement
from tests.catalog.conftest import DATABASE, USER, sample_procedures, sample_tables


def run(duck: duckdb.DuckDBPyConnection, catalog: Catalog, sql: str) -> list[tuple[Any, ...]]:
    """As the server runs a query: the SQL layer's parser, our rewrite, the SQL layer's transpiler."""
    tree = rewrite_query(parse_statement(sql), catalog)
    return duck.execute(to_duckdb_sql(tree)).fetchall()


def test_oids_are_stable_across_builds_and_table_sets(catalog: Catalog) -> None:
    again = Catalog(sample_tables(), sample_procedures(), DATABASE, USER)
    fewer = Catalog([t for t in sample_tables() if t.name in ("Customers", "Banks")], [], DATABASE, USER)
    oid = catalog.table_oid("StandardUK", "Customers")
    assert again.table_oid("StandardUK", "Customers") == oid
    assert fewer.table_oid("StandardUK", "Customers") == oid
    assert oid >= 16384
    assert catalog.column_number("StandardUK", "Customers", "id") == 1


def test_regclass_in_and_out_follow_search_path(duck: duckdb.DuckDBPyConnection, catalog: Catalog) -> None:
    oid = catalog.table_oid("StandardUK", "Customers")
    assert run(duck, catalog, """SELECT '"StandardUK"."Customers"'::regclass::oid""") == [(oid,)]
    assert run(duck, catalog, "SELECT 'standarduk.customers'::regclass::oid") == [(oid,)]  # unique case-insensitive match
    assert run(duck, catalog, f"SELECT {oid}::regclass") == [('"StandardUK"."Customers"',)]
    run(duck, catalog, """SELECT set_config('search_path', '"StandardUK", public', false)""")
    assert run(duck, catalog, f"SELECT {oid}::regclass, current_schema()") == [('"Customers"', "StandardUK")]
    assert run(duck, catalog, "SELECT current_schemas(true), pg_catalog.current_schemas(false)") == [
        (["pg_catalog", "StandardUK", "public"], ["StandardUK", "public"])]
    # pg_get_constraintdef names the referenced table like regclass: unqualified once visible
    assert run(duck, catalog, """SELECT pg_get_constraintdef(oid) FROM pg_constraint
        WHERE conname = 'Customers_CurrencyId_fkey'""") == [('FOREIGN KEY ("CurrencyId") REFERENCES "Currencies"("Id")',)]
    assert run(duck, catalog, f"SELECT pg_table_is_visible({oid})") == [(True,)]


def test_oid_and_regtype_arrays(duck: duckdb.DuckDBPyConnection, catalog: Catalog) -> None:
    """asyncpg introspects with oid = any($1::oid[]); pgcli reads COALESCE(...::regtype[], ...)::text[]."""
    assert run(duck, catalog, "SELECT typname FROM pg_type WHERE oid = any('{23,25}'::oid[]) ORDER BY 1") == [
        ("int4",), ("text",)]
    rows = run(duck, catalog, """SELECT COALESCE(proallargtypes::regtype[], proargtypes::regtype[])::text[]
        FROM pg_proc WHERE proname = 'GetOAuthAccessToken'""")
    assert rows == [(["text", "text", "text", "integer"],)]
    definition = run(duck, catalog, "SELECT pg_get_functiondef('sys.\"GetOAuthAccessToken\"'::regproc)")[0][0]
    assert definition.startswith('CREATE OR REPLACE FUNCTION sys."GetOAuthAccessToken"("Verifier" text, '
                                 '"State" text DEFAULT NULL::text)\n RETURNS TABLE("OAuthAccessToken" text, '
                                 '"ExpiresIn" integer)\n LANGUAGE sql\n')


def test_subquery_columns_carry_postgresql_names(duck: duckdb.DuckDBPyConnection, catalog: Catalog) -> None:
    """pgcli: WITH w AS (SELECT …, COUNT(1) … GROUP BY …) SELECT … ORDER BY Count (PostgreSQL names it count)."""
    rows = run(duck, catalog, """WITH w AS (SELECT relkind, COUNT(1) FROM pg_class GROUP BY relkind)
        SELECT relkind FROM w WHERE relkind = 'r' ORDER BY Count DESC""")
    assert rows == [("r",)]


def test_psql_style_lookup(duck: duckdb.DuckDBPyConnection, catalog: Catalog) -> None:
    rows = run(duck, catalog, """
        SELECT n.nspname, c.relname, c.relkind FROM pg_catalog.pg_class c
        LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relname OPERATOR(pg_catalog.~) '^(Customers)$' COLLATE pg_catalog.default
          AND n.nspname OPERATOR(pg_catalog.~) '^(StandardUK)$' COLLATE pg_catalog.default""")
    assert rows == [("StandardUK", "Customers", "r")]
    # pgcli/pgspecial: a bare ~ on a name column with a folded pattern
    assert run(duck, catalog, "SELECT relname FROM pg_class WHERE relname ~ '^(customers)$'") == [("Customers",)]
    assert run(duck, catalog, "SELECT count(*) FROM pg_class WHERE 'Customers' ~ '^(customers)$'") == [(0,)]
    # pgcli/pgspecial bind a text[] parameter: ANY('{r,p}') with an untyped array literal
    assert run(duck, catalog, """SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'StandardUK' AND c.relkind = ANY('{r,p}')""") == [(5,)]


def test_primary_and_foreign_keys(duck: duckdb.DuckDBPyConnection, catalog: Catalog) -> None:
    rows = run(duck, catalog, """
        SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint
        WHERE conrelid = '"StandardUK"."Customers"'::regclass ORDER BY conname""")
    assert rows == [
        ("Customers_CurrencyId_fkey", "f", 'FOREIGN KEY ("CurrencyId") REFERENCES "StandardUK"."Currencies"("Id")'),
        ("Customers_DefaultTaxCodeId_fkey", "f",
         'FOREIGN KEY ("DefaultTaxCodeId") REFERENCES "StandardUK"."TaxCodes"("Id")'),
        ("Customers_pkey", "p", 'PRIMARY KEY ("Id")'),
    ]
    key_index = """FROM pg_index i WHERE i.indrelid = '"sys"."sys_keycolumns"'::regclass"""
    assert run(duck, catalog, f"SELECT i.indkey[0], i.indkey[1], 2 = ANY(i.indkey) {key_index}") == [(1, 2, True)]
    # Projected, int2vector keeps PostgreSQL's text form, which drivers (psqlODBC, pgjdbc) parse.
    assert run(duck, catalog, f"SELECT i.indkey, i.indclass {key_index}") == [("1 2", "3126 3126")]
    assert run(duck, catalog, f"SELECT k.keys[1] FROM (SELECT i.indkey AS keys {key_index}) k") == [(2,)]
    assert run(duck, catalog, f"SELECT generate_subscripts(i.indkey, 1) AS s {key_index} ORDER BY s") == [(0,), (1,)]


def test_comments_and_types(duck: duckdb.DuckDBPyConnection, catalog: Catalog) -> None:
    rows = run(duck, catalog, """
        SELECT a.attname, format_type(a.atttypid, a.atttypmod), col_description(a.attrelid, a.attnum)
        FROM pg_attribute a WHERE a.attrelid = 'sys.sys_keycolumns'::regclass AND a.attnum > 0 ORDER BY a.attnum""")
    assert rows[0] == ("TableName", "character varying(128)", "The table.")
    assert rows[4] == ("Ratio", "numeric(18,5)", None)
    assert rows[5][1] == "timestamp with time zone"
    assert run(duck, catalog, "SELECT obj_description('sys.sys_keycolumns'::regclass, 'pg_class')") == [
        ("Key columns of every table.",)]


def test_settings_are_live(duck: duckdb.DuckDBPyConnection, catalog: Catalog) -> None:
    run(duck, catalog, "SELECT set_config('application_name', 'probe', false)")
    assert run(duck, catalog, "SELECT current_setting('application_name')") == [("probe",)]
    assert run(duck, catalog, "SELECT setting FROM pg_settings WHERE name = 'application_name'") == [("probe",)]
    assert run(duck, catalog, "SELECT current_setting('no.such', true)") == [(None,)]
    # Not tracked by the session: PostgreSQL 15's default, as clients (SQLAlchemy) expect.
    assert run(duck, catalog, "SELECT current_setting('default_table_access_method')") == [("heap",)]


def test_udf_errors_keep_their_sqlstate(duck: duckdb.DuckDBPyConnection, catalog: Catalog) -> None:
    with pytest.raises(duckdb.Error) as caught:
        run(duck, catalog, "SELECT 'nope'::regclass")
    error = pg_error_from_duckdb(caught.value)
    assert error is not None and error.sqlstate == "42P01"
    with pytest.raises(duckdb.Error) as caught:
        run(duck, catalog, "SELECT current_setting('no_such_setting')")
    error = pg_error_from_duckdb(caught.value)
    assert error is not None and error.sqlstate == "42704"


def test_unknown_catalog_relation_is_42p01(catalog: Catalog) -> None:
    with pytest.raises(PgError) as caught:
        rewrite_query(sqlglot.parse_one("SELECT * FROM pg_catalog.pg_nothing", read="postgres"), catalog)
    assert caught.value.sqlstate == "42P01"


def test_is_catalog_query(catalog: Catalog) -> None:
    def check(sql: str) -> bool:
        return is_catalog_query(sqlglot.parse_one(sql, read="postgres"), catalog)

    assert check("SELECT current_database()")
    assert check("SELECT * FROM information_schema.tables")
    assert check("SELECT relname FROM pg_class")
    assert not check('SELECT * FROM "StandardUK"."Customers"')
    assert not check('SELECT c.relname FROM pg_class c JOIN "StandardUK"."Customers" x ON true')
    assert not check("SELECT 1")


def test_session_user_and_roles(catalog: Catalog) -> None:
    session = CatalogSession("alice", DATABASE, DictSettings({"search_path": "public"}))
    duck = duckdb.connect()
    try:
        install(duck, catalog, session)
        assert run(duck, catalog, "SELECT current_user, session_user, user") == [("alice", "alice", "alice")]
        assert run(duck, catalog, "SELECT rolname FROM pg_roles WHERE oid = 10") == [("alice",)]
        run(duck, catalog, "SELECT set_config('application_name', 'DBeaver', false)")
        assert run(duck, catalog, "SELECT usename, application_name, state, pid = pg_backend_pid() "
                                  "FROM pg_stat_activity") == [("alice", "DBeaver", "active", True)]
        assert run(duck, catalog, "SELECT has_table_privilege('sys.sys_keycolumns', 'SELECT'), "
                                  "has_table_privilege('sys.sys_keycolumns', 'INSERT')") == [(True, False)]
    finally:
        duck.close()


def test_information_schema_foreign_keys(duck: duckdb.DuckDBPyConnection, catalog: Catalog) -> None:
    rows = run(duck, catalog, """
        SELECT kcu.table_name, kcu.column_name, ccu.table_name, ccu.column_name
        FROM information_schema.referential_constraints rc
        JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = rc.constraint_name
        JOIN information_schema.key_column_usage ccu ON ccu.constraint_name = rc.unique_constraint_name
        WHERE kcu.table_name = 'Customers' ORDER BY 2""")
    assert rows == [("Customers", "CurrencyId", "Currencies", "Id"), ("Customers", "DefaultTaxCodeId", "TaxCodes", "Id")]


def test_result_types_are_postgresql_types(catalog: Catalog) -> None:
    """RowDescription types the SQL layer reports for catalog columns (psqlODBC needs int2vector)."""
    from pgserver.catalog import rewrite_typed

    found = rewrite_typed(sqlglot.parse_one(
        "SELECT c.oid, c.relname, c.relkind, i.indkey, i.indclass, c.relacl, 1 AS one, c.typo "
        "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_index i ON i.indexrelid = c.oid", read="postgres"),
        catalog).result_types
    assert found is not None
    assert [t.type_oid if t else None for t in found] == [26, 19, 18, 22, 30, 1034, 23, None]  # 1 is int4
    assert (found[1].table_oid, found[1].column_number) == (1259, 2)
    star = rewrite_typed(sqlglot.parse_one("SELECT * FROM information_schema.tables", read="postgres"),
                         catalog).result_types
    assert star is not None and [t.type_oid for t in star[:4] if t] == [19, 19, 19, 1043]  # domains: base types


def test_install_without_a_writable_temp_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    """The catalog is then copied into the session's memory instead of attached from a file."""
    import tempfile

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise OSError("read-only file system")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    catalog = Catalog(sample_tables()[:1], [], DATABASE, USER)
    duck = duckdb.connect()
    try:
        install(duck, catalog, CatalogSession(USER, DATABASE, DictSettings({"search_path": "public"})))
        assert catalog.duck_file is None
        assert run(duck, catalog, "SELECT count(*) > 600 FROM pg_type") == [(True,)]
    finally:
        duck.close()


def test_catalog_files_of_dead_processes_are_removed(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """A server stopped by a signal leaves its catalog file; the next server deletes it."""
    import os
    import subprocess
    import sys
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = tmp_path / f"pgcat-{finished.stdout.strip()}-stale.duckdb"
    alive = tmp_path / f"pgcat-{os.getppid()}-other.duckdb"
    dead.write_bytes(b"x")
    alive.write_bytes(b"x")
    catalog = Catalog(sample_tables()[:1], [], DATABASE, USER)
    duck = duckdb.connect()
    try:
        install(duck, catalog, CatalogSession(USER, DATABASE, DictSettings({"search_path": "public"})))
    finally:
        duck.close()
    assert not dead.exists() and alive.exists()
    assert catalog.duck_file is not None and catalog.duck_file.startswith(str(tmp_path))


def _rows(duck: duckdb.DuckDBPyConnection, catalog: Catalog, sql: str) -> list[tuple[Any, ...]]:
    return duck.execute(to_duckdb_sql(rewrite_query(parse_statement(sql), catalog))).fetchall()


def test_statistics_views_list_our_relations(duck: duckdb.DuckDBPyConnection, catalog: Catalog) -> None:
    rows = _rows(duck, catalog, "SELECT relname, seq_scan, n_live_tup FROM pg_stat_user_tables "
                                "WHERE relname = 'Customers'")
    assert rows == [("Customers", 0, 0)]
    assert _rows(duck, catalog, "SELECT count(*) FROM pg_stat_user_tables WHERE schemaname = 'pg_catalog'") == [(0,)]
    assert _rows(duck, catalog, "SELECT count(*) FROM pg_stat_all_tables WHERE schemaname = 'pg_catalog'")[0][0] > 50
    assert _rows(duck, catalog, "SELECT indexrelname FROM pg_stat_user_indexes WHERE relname = 'Customers'") \
        == [("Customers_pkey",)]


def test_regtype_array_literal_and_text_regclass(duck: duckdb.DuckDBPyConnection, catalog: Catalog) -> None:
    assert _rows(duck, catalog, "SELECT '{int,int8}'::regtype[]") == [(["integer", "bigint"],)]
    assert _rows(duck, catalog, "SELECT ('pg_' || 'class')::regclass, 'int4'::regtype::text") == [("pg_class", "integer")]


def test_pg_show_all_settings_and_aclexplode(duck: duckdb.DuckDBPyConnection, catalog: Catalog) -> None:
    assert _rows(duck, catalog, "SELECT setting FROM pg_show_all_settings() WHERE name = 'bytea_output'") == [("hex",)]
    rows = _rows(duck, catalog, "SELECT * FROM aclexplode((SELECT relacl FROM pg_class WHERE relacl IS NOT NULL "
                                "LIMIT 1))")
    assert rows and {len(r) for r in rows} == {4}
