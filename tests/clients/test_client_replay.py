"""DBeaver and Power BI (Npgsql) cannot run here: their statements (tests/catalog/corpus/{dbeaver,npgsql}.sql,
copied from the shared client-traffic reference, and tests/clients/traffic/powerbi.sql) are replayed over the wire
the way those clients send them.

In the traffic files `capdb` is the database and `standarduk`/`customers` the schema and table the
user browses; SCHEMA_OID/TABLE_OID/INDEX_OID stand for their OIDs, looked up on our server.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import psycopg
import pytest

from tests.clients.conftest import DATABASE, Mirror, SageCustomer
from tests.clients.replay import (
    TEXT,
    Result,
    bind_param,
    extended,
    npgsql_type_loading_command,
    pipelined,
    simple,
    traffic,
)
from tests.integration.conftest import USER, Stack

DBEAVER = traffic("dbeaver")
NPGSQL = traffic("npgsql")
POWER_BI = traffic("powerbi")


def replay_dbeaver(dsn: str) -> dict[str, Result]:
    """Every DBeaver statement, in file order, on one connection (as its Main/Metadata contexts do),
    after the start-up statements pgjdbc and DBeaver send by themselves."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        row = conn.execute("""SELECT '"StandardUK"'::regnamespace::oid, '"StandardUK"."Customers"'::regclass::oid,
                                     '"StandardUK"."Customers_pkey"'::regclass::oid""").fetchone()
        assert row is not None
        oids = {"SCHEMA_OID": row[0], "TABLE_OID": row[1], "INDEX_OID": row[2]}
        startup = [simple(conn, "SET extra_float_digits = 3"),
                   simple(conn, "SET application_name = 'DBeaver 24.2.0 - Main sage200'"),
                   simple(conn, "SET application_name = 'DBeaver 24.2.0 - Metadata sage200'")]
        assert all(r.ok for results in startup for r in results), startup
        outcomes = {}
        for label, query in DBEAVER.items():
            params = []
            for position, value in enumerate(query.params, start=1):
                value = DATABASE if value == "capdb" else oids.get(value, value) if isinstance(value, str) else value
                params.append(bind_param(value, jdbc_int4=(label == "25" and position == 2)))
            outcomes[label] = extended(conn, query.sql, params)
        outcomes["after.show"] = extended(conn, "SHOW search_path")
        outcomes["after.count"] = extended(conn, "SELECT COUNT(*) FROM customers")
        return outcomes


@pytest.fixture(scope="module")
def dbeaver(stack: Stack) -> dict[str, Result]:
    return replay_dbeaver(stack.dsn())


@pytest.fixture(scope="module")
def dbeaver_on_postgres(mirror: Mirror) -> dict[str, Result]:
    return replay_dbeaver(f"host=127.0.0.1 port={mirror.port} user={USER} dbname={DATABASE}")


CATALOG_LABELS = [label for label in DBEAVER if int(label) <= 30]
SAME_ROW_COUNT = [label for label in CATALOG_LABELS if label not in {
    "1",   # pg_database: only the served database (decision 0600)
    "16",  # pg_roles: no separate bootstrap superuser `postgres`
    "26",  # pg_proc of the schema: the mirror has no OAuth procedures
}]


@pytest.mark.parametrize("label", CATALOG_LABELS)
def test_dbeaver_result_columns_match_postgres(dbeaver: dict[str, Result], dbeaver_on_postgres: dict[str, Result],
                                               label: str) -> None:
    """DBeaver reads catalog rows by column name (`c.*`, `a.*`, `t.*`): the same columns, in the same order."""
    assert dbeaver_on_postgres[label].ok, dbeaver_on_postgres[label].error
    assert dbeaver[label].columns == dbeaver_on_postgres[label].columns
    if label in SAME_ROW_COUNT:
        assert len(dbeaver[label].rows) == len(dbeaver_on_postgres[label].rows)


@pytest.mark.parametrize("label", list(DBEAVER))
def test_dbeaver_statement_succeeds(dbeaver: dict[str, Result], label: str) -> None:
    result = dbeaver[label]
    assert result.ok, f"dbeaver[{label}] {DBEAVER[label].sql[:80]!r}: {result.sqlstate} {result.error}"


SAME_ROWS = ["2", "4", "5", "6", "9", "10", "12", "13", "14", "18", "19", "21", "25", "27", "29", "17", "30"]


@pytest.mark.parametrize("label", SAME_ROWS)
def test_dbeaver_rows_match_postgres(dbeaver: dict[str, Result], dbeaver_on_postgres: dict[str, Result],
                                     label: str) -> None:
    """Statements whose answer holds no OID of ours: the same rows as PostgreSQL 15."""
    assert dbeaver[label].rows == dbeaver_on_postgres[label].rows


def _expect_dbeaver(customers_count: int) -> dict[str, Callable[[Result], Any]]:
    return {
        "1": lambda r: r.column("datname") == [DATABASE],
        "2": lambda r: r.rows == [[DATABASE]],
        "3": lambda r: r.rows[0][0].startswith("PostgreSQL 15."),
        "4": lambda r: r.rows == [] and "enumlabel" in r.columns,
        "5": lambda r: r.rows == [] and r.columns == ["reltype"],
        "6": lambda r: r.column("setting") == ["on"],
        "7": lambda r: len(r.rows) > 100 and "TimeZone" in r.column("name"),
        "8": lambda r: {"int8", "numeric", "varchar", "timestamp", "bool"} <= set(r.column("typname")),
        "9": lambda r: r.rows == [],
        "10": lambda r: r.rows == [["public", USER]],  # "$user" (no such schema), then public
        "11": lambda r: {"StandardUK", "ProfessionalUK", "sys", "public", "pg_catalog"} <= set(r.column("nspname")),
        "12": lambda r: len(r.rows) == 1,
        "14": lambda r: len(r.rows) <= 1,
        "15": lambda r: r.column("datname") == [DATABASE],
        "16": lambda r: USER in r.column("rolname"),
        "17": lambda r: "btree" in r.column("amname"),
        "18": lambda r: "pg_default" in r.column("spcname"),
        "20": lambda r: len(r.rows) == 39 and "Customers" in r.column("relname")
        and all(kind == "r" for kind in r.column("relkind")),
        "21": lambda r: r.rows == [],
        "22": lambda r: [n for n, num in zip(r.column("attname"), r.column("attnum"), strict=True)
                         if int(num or 0) > 0][:3] == ["Id", "Reference", "Name"],
        "23": lambda r: sorted(r.column("conname")) == ["Customers_CurrencyId_fkey", "Customers_DefaultTaxCodeId_fkey",
                                                        "Customers_pkey"],
        "24": lambda r: r.column("relname") == ["Customers_pkey"] and r.column("indisprimary") == ["t"],
        "25": lambda r: r.rows == [['"Id"']],
        "26": lambda r: {"GetOAuthAccessToken", "GetOAuthAuthorizationURL", "RefreshOAuthAccessToken"}
        <= set(r.column("proname")),
        "27": lambda r: r.rows == [],
        "28": lambda r: len(r.rows) >= 39,
        "29": lambda r: r.rows == [],
        "30": lambda r: r.column("typname") == ["numeric"],
        "31": lambda r: len(r.rows) == min(customers_count, 200) and r.columns[:3] == ["Id", "Reference", "Name"],
        "32": lambda r: r.rows == [[str(customers_count)]],
    }


def test_dbeaver_rows_are_sensible(dbeaver: dict[str, Result], stack: Stack) -> None:
    count = int(stack.psql('SELECT count(*) FROM "StandardUK"."Customers"').stdout)
    wrong = {label: (dbeaver[label].columns, dbeaver[label].rows[:3])
             for label, check in _expect_dbeaver(count).items() if dbeaver[label].ok and not check(dbeaver[label])}
    assert wrong == {}


def test_dbeaver_search_path_switch_applies(dbeaver: dict[str, Result]) -> None:
    """[13] SET search_path = standarduk,public (the toolbar's default schema) holds for later statements."""
    assert dbeaver["13"].status == "COMMAND_OK"
    assert dbeaver["after.show"].rows == [["standarduk, public"]]
    assert dbeaver["after.count"].ok and dbeaver["after.count"].rows == dbeaver["32"].rows


# Npgsql 4.0 (Power BI's PostgreSQL connector)


def test_npgsql4_type_loading_pipelined(stack: Stack) -> None:
    """[1]: three statements, each Parse/Bind/Describe/Execute with text results, one Sync."""
    statements = [NPGSQL["1.1"].sql, "\n\n" + NPGSQL["1.2"].sql, "\n\n\n" + NPGSQL["1.3"].sql]
    with psycopg.connect(stack.dsn(), autocommit=True) as conn:
        types, composites, enums = pipelined(conn, statements)
    assert types.ok, types.error
    assert composites.ok and composites.rows == [], composites.error
    assert enums.ok and enums.rows == [], enums.error
    names = set(types.column("typname"))
    assert {"int8", "int4", "numeric", "varchar", "text", "bool", "timestamp", "date", "_int8", "record"} <= names
    ords = [int(o) for o in types.column("ord")]
    assert ords == sorted(ords)  # ORDER BY ord: base types first, arrays last


def test_npgsql_connection_reset_and_begin(stack: Stack) -> None:
    """[2] DISCARD ALL, [3] the reset string used after prepared statements, [4] BEGIN: simple Query."""
    with psycopg.connect(stack.dsn(), autocommit=True) as conn:
        discard = simple(conn, NPGSQL["2"].sql)
        reset = simple(conn, NPGSQL["3"].sql + ";")
        begin = simple(conn, NPGSQL["4"].sql)
        in_transaction = simple(conn, 'SELECT count(*) FROM "StandardUK"."Currencies"')
        end = simple(conn, "ROLLBACK")
    assert [r.status for r in discard] == ["COMMAND_OK"], discard
    assert [r.ok for r in reset] == [True] * 7, reset
    assert reset[4].rows == [[""]] or reset[4].columns == ["pg_advisory_unlock_all"]
    assert begin[0].ok and in_transaction[0].ok and int(in_transaction[0].rows[0][0]) >= 1 and end[0].ok


# Npgsql 6+ (current Power BI builds and every other .NET app)


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["linux", "windows"])
def test_npgsql_type_loading_one_message(stack: Stack, newline: str) -> None:
    """[6]: one Query message with four statements; four result sets in order."""
    with psycopg.connect(stack.dsn(), autocommit=True) as conn:
        results = simple(conn, npgsql_type_loading_command(newline))
    assert [r.ok for r in results] == [True] * 4, [r.error for r in results]
    version, types, composites, enums = results
    assert version.rows[0][0].startswith("PostgreSQL 15.")
    assert {"int8", "numeric", "varchar", "timestamp", "bool"} <= set(types.column("typname"))
    assert {"b", "a", "p"} <= set(types.column("typtype"))
    assert composites.rows == [] and enums.rows == []


def test_npgsql_get_schema_collections(stack: Stack) -> None:
    """[8]-[11]: GetSchema("Databases"/"Schemata"/"Tables"/"Columns"), restrictions as text parameters."""
    with psycopg.connect(stack.dsn(), autocommit=True) as conn:
        databases = extended(conn, NPGSQL["8"].sql)
        schemata = extended(conn, NPGSQL["9"].sql)
        tables = extended(conn, NPGSQL["10"].sql)
        columns_sql = NPGSQL["11"].sql.replace(":table_schema", "$1").replace(":table_name", "$2")
        columns = extended(conn, columns_sql, [(b"StandardUK", TEXT, 0), (b"Customers", TEXT, 0)])
    for result in (databases, schemata, tables, columns):
        assert result.ok, result.error
    assert databases.rows == [[DATABASE, USER, "UTF8"]]
    assert {"StandardUK", "ProfessionalUK", "sys"} <= set(schemata.column("nspname"))
    assert len(tables.rows) == 78 + 14 + 1 and set(tables.column("table_type")) == {"BASE TABLE"}
    assert {"Id", "Reference", "Name", "DateTimeUpdated"} <= set(columns.column("column_name"))  # no ORDER BY
    assert len(columns.rows) == 41  # the spec's 40 and ExternalId


def test_power_bi_navigator_and_preview(stack: Stack, customers: list[SageCustomer]) -> None:
    """[5]: Power BI lists tables and columns from information_schema, then folds the preview to SQL."""
    with psycopg.connect(stack.dsn(), autocommit=True) as conn:
        simple(conn, "DISCARD ALL")
        tables = extended(conn, "select TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE from INFORMATION_SCHEMA.tables "
                                "where TABLE_SCHEMA <> 'information_schema' and TABLE_SCHEMA <> 'pg_catalog'")
        columns = extended(conn, "select COLUMN_NAME, ORDINAL_POSITION, IS_NULLABLE, DATA_TYPE from "
                                 "INFORMATION_SCHEMA.columns where TABLE_SCHEMA = 'StandardUK' and "
                                 "TABLE_NAME = 'Customers' order by ORDINAL_POSITION")
        preview = extended(conn, 'select "Id", "Reference", "Name" from "StandardUK"."Customers" "$Table" '
                                 'order by "Id" limit 5')
    assert tables.ok and columns.ok and preview.ok, (tables.error, columns.error, preview.error)
    assert ["StandardUK", "Customers", "BASE TABLE"] in tables.rows
    assert columns.rows[0] == ["Id", "1", "NO", "bigint"]
    assert preview.rows == [[str(c.id), c.reference, c.name] for c in customers]


@pytest.mark.parametrize("label", list(POWER_BI))
def test_power_bi_information_schema_matches_postgres(stack: Stack, mirror: Mirror, label: str) -> None:
    """The navigator's information_schema queries (tests/clients/traffic/powerbi.sql), parameters as text."""
    query = POWER_BI[label]
    params = [(str(p).encode(), TEXT, 0) for p in query.params]
    with psycopg.connect(stack.dsn(), autocommit=True) as conn:
        ours = extended(conn, query.sql, params)
    with psycopg.connect(f"host=127.0.0.1 port={mirror.port} user={USER} dbname={DATABASE}", autocommit=True) as conn:
        theirs = extended(conn, query.sql, params)
    assert ours.ok, ours.error
    assert theirs.ok and theirs.rows, theirs.error
    assert ours.columns == theirs.columns
    if label == "5":  # system schemas belong to the bootstrap superuser: our login role (decision 0600)
        system = {"information_schema", "pg_catalog", "pg_toast"}
        theirs.rows = [[name, USER if name in system else owner] for name, owner in theirs.rows]
    if label == "4":  # no ORDER BY
        ours.rows, theirs.rows = sorted(ours.rows), sorted(theirs.rows)
    assert ours.rows == theirs.rows


def test_npgsql_type_lists_match_postgres(stack: Stack, mirror: Mirror) -> None:
    """The types Npgsql 4 and 6+ learn are PostgreSQL 15's: same names, kinds and order classes; the same
    OIDs for every pg_catalog type (only our own tables' row types have other OIDs)."""

    def load(dsn: str) -> tuple[Result, Result]:
        with psycopg.connect(dsn, autocommit=True) as conn:
            (npgsql4,) = pipelined(conn, [NPGSQL["1.1"].sql])
            npgsql6 = simple(conn, npgsql_type_loading_command("\r\n"))[1]
        return npgsql4, npgsql6

    ours = load(stack.dsn())
    theirs = load(f"host=127.0.0.1 port={mirror.port} user={USER} dbname={DATABASE}")
    for mine, real in zip(ours, theirs, strict=True):
        assert mine.ok and real.ok, (mine.error, real.error)
        assert mine.columns == real.columns
        kept = [c for c in ("nspname", "typname", "type", "typtype", "ord") if c in real.columns]

        def shape(result: Result, kept: list[str] = kept) -> list[tuple[str | None, ...]]:
            return sorted(tuple(row[result.columns.index(c)] for c in kept) for row in result.rows)

        assert shape(mine) == shape(real)
        builtin = sorted(r for r in real.rows if r[real.columns.index("nspname")] == "pg_catalog")
        assert builtin and sorted(r for r in mine.rows if r[mine.columns.index("nspname")] == "pg_catalog") == builtin


@pytest.mark.parametrize("reset", ["2", "3"], ids=["discard_all", "reset_string"])
def test_npgsql_pool_reset_restores_session_settings(stack: Stack, reset: str) -> None:
    """A pooled connection handed to the next user must not keep the previous user's settings."""
    with psycopg.connect(stack.dsn(), autocommit=True) as conn:
        defaults = [simple(conn, f"SHOW {name}")[0].rows for name in ("MaxRows", "search_path")]
        simple(conn, "SET MaxRows = 7")
        simple(conn, "SET search_path = ProfessionalUK")
        assert all(r.ok for r in simple(conn, NPGSQL[reset].sql + ";"))
        after = [simple(conn, f"SHOW {name}")[0].rows for name in ("MaxRows", "search_path")]
    assert after == defaults
