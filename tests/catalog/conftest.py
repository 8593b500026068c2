"""Fixtures for the catalog tests: test TableSpecs, the Catalog, a DuckDB session, a real PostgreSQL 15."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pgserver.catalog import Catalog, CatalogSession, DictSettings, install
from pgserver.provider import Column, ProcedureParameter, ProcedureSpec, TableSpec
from scripts import realpg
from tests.catalog.ddl import ddl_for

ROOT = Path(__file__).resolve().parents[2]
DATABASE = "capdb"
USER = "postgres"
SAGE_TABLES = ("Customers", "Currencies", "TaxCodes", "Banks", "BankPostedTransactions")



def sample_tables() -> list[TableSpec]:
    """Five real Sage views plus one table with a composite key and assorted types."""
    from providers.sage200.model import load_views

    sage = [t for t in load_views() if t.schema == "StandardUK" and t.name in SAGE_TABLES]
    extra = TableSpec(
        schema="sys", name="sys_keycolumns", description="Key columns of every table.",
        columns=(
            Column("TableName", "varchar(128)", "The table.", is_key=True, nullable=False),
            Column("ColumnName", "text", "The column.", is_key=True, nullable=False),
            Column("Ordinal", "smallint", "Position in the key."),
            Column("IsKey", "boolean"),
            Column("Ratio", "numeric(18,5)"),
            Column("Seen", "timestamp with time zone"),
            Column("Day", "date"),
            Column("Weight", "double precision"),
        ),
    )
    return [*sage, extra]


def sample_procedures() -> list[ProcedureSpec]:
    return [ProcedureSpec("sys", "GetOAuthAccessToken", "Gets an access token.", (
        ProcedureParameter("Verifier", "text", "The verifier.", required=True),
        ProcedureParameter("State", "text", "Any state."),
        ProcedureParameter("OAuthAccessToken", "text", "The token.", direction="OUT"),
        ProcedureParameter("ExpiresIn", "integer", "Lifetime.", direction="OUT"),
    ))]


@pytest.fixture(scope="session")
def tables() -> list[TableSpec]:
    return sample_tables()


@pytest.fixture(scope="session")
def catalog(tables: list[TableSpec]) -> Catalog:
    return Catalog(tables, sample_procedures(), DATABASE, USER)


def session_settings() -> DictSettings:
    from pgserver.catalog.data import builtin

    values = {r["name"]: r["setting"] for r in builtin().rows_as_dicts("pg_catalog.pg_settings")}
    # The reference cluster is queried as its bootstrap superuser, so our session is a superuser too.
    values.update({"search_path": '"$user", public', "application_name": "", "is_superuser": "on"})
    return DictSettings(values)


@pytest.fixture
def session() -> CatalogSession:
    return CatalogSession(USER, DATABASE, session_settings())


@pytest.fixture
def duck(catalog: Catalog, session: CatalogSession) -> Iterator[duckdb.DuckDBPyConnection]:
    conn = duckdb.connect()
    install(conn, catalog, session)
    yield conn
    conn.close()


@pytest.fixture(scope="session")
def real_pg(tables: list[TableSpec]) -> Iterator[Any]:
    """A throwaway PostgreSQL 15 holding empty tables with the same DDL as our TableSpecs."""
    if not realpg.available():
        pytest.skip("PostgreSQL 15 server binaries are not installed")
    psycopg = pytest.importorskip("psycopg")
    with realpg.throwaway_postgres() as pg:
        with psycopg.connect(pg.conninfo, autocommit=True) as admin:
            admin.execute(f"CREATE DATABASE {DATABASE}")
        conninfo = pg.conninfo.replace(f"dbname={pg.dbname}", f"dbname={DATABASE}")
        with psycopg.connect(conninfo, autocommit=True) as conn:
            create_test_objects(conn, tables)
            yield conn


def create_test_objects(conn: Any, tables: list[TableSpec] | None = None) -> None:
    """The DDL equivalent of sample_tables() and sample_procedures() on a real PostgreSQL."""
    for statement in ddl_for(tables if tables is not None else sample_tables()):
        conn.execute(statement)
    conn.execute(
        'CREATE FUNCTION sys."GetOAuthAccessToken"("Verifier" text, "State" text DEFAULT NULL) '
        'RETURNS TABLE("OAuthAccessToken" text, "ExpiresIn" integer) LANGUAGE sql '
        "AS 'SELECT NULL::text, NULL::integer'")
    conn.execute("""COMMENT ON FUNCTION sys."GetOAuthAccessToken"(text, text) IS 'Gets an access token.'""")
