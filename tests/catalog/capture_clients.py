"""Capture the catalog queries pgjdbc (DatabaseMetaData) and SQLAlchemy (reflection) send.

Runs each client against a throwaway PostgreSQL 15 holding the test tables, with
log_statement = 'all', and turns the log into replay-corpus files (corpus/pgjdbc.sql,
corpus/sqlalchemy.sql) with their bound parameters. Needs Java 17 + Debian's
libpostgresql-jdbc-java (/usr/share/java/postgresql.jar), SQLAlchemy 2 (PyPI), and
Debian odbc-postgresql + unixodbc with pyodbc (PyPI) for psqlODBC; run
once with `python -m tests.catalog.capture_clients` and commit the output.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

import psycopg
import sqlglot
from sqlglot import exp

from pgserver.catalog import is_catalog_query
from scripts import realpg
from tests.catalog.conftest import DATABASE, create_test_objects
from tests.catalog.corpus import CORPUS_DIR

JDBC_JAR = Path("/usr/share/java/postgresql.jar")
LOG_CONF = "log_statement = 'all'\nlog_line_prefix = '@@@ '\nlog_min_messages = 'log'\nlc_messages = 'C'\n"
_ENTRY = re.compile(r"^@@@ (LOG|DETAIL|ERROR|STATEMENT):\s+(.*)$")
_STATEMENT = re.compile(r"^(?:statement|execute [^:]+):\s*(.*)$", re.DOTALL)
_PARAM = re.compile(r"\$(\d+) = (NULL|'(?:[^']|'')*')")


def parse_log(text: str) -> list[tuple[str, list[str | None]]]:
    """(statement, parameters) pairs from a log with log_line_prefix '@@@ '."""
    entries: list[list[str]] = []
    for line in text.splitlines():
        m = _ENTRY.match(line)
        if m:
            entries.append([m.group(1), m.group(2)])
        elif entries:
            entries[-1][1] += "\n" + line
    out: list[tuple[str, list[str | None]]] = []
    for kind, body in entries:
        if kind == "LOG" and (m := _STATEMENT.match(body)):
            out.append((m.group(1).strip(), []))
        elif kind == "DETAIL" and body.startswith("parameters:") and out:
            params = {int(n): (None if v == "NULL" else v[1:-1].replace("''", "'")) for n, v in _PARAM.findall(body)}
            out[-1] = (out[-1][0], [params[i] for i in sorted(params)])
    return out


def catalog_statements(pairs: list[tuple[str, list[str | None]]]) -> list[tuple[str, list[str | None]]]:
    seen: set[tuple[str, tuple[str | None, ...]]] = set()
    kept = []
    for sql, params in pairs:
        try:
            tree = sqlglot.parse_one(sql, read="postgres")
        except sqlglot.errors.SqlglotError:
            continue
        if not isinstance(tree, exp.Select | exp.Union) or not is_catalog_query(tree):
            continue
        key = (sql, tuple(params))
        if key not in seen:
            seen.add(key)
            kept.append((sql, params))
    return kept


def write_corpus(name: str, title: str, pairs: list[tuple[str, list[str | None]]]) -> None:
    lines = [f"-- {title}; captured by tests/catalog/capture_clients.py (PostgreSQL log_statement = 'all')", ""]
    for i, (sql, params) in enumerate(pairs, start=1):
        lines.append(f"-- [{i}] action: {name} catalog query")
        if params:
            lines.append(f"--      params: {params!r}")
        lines.append(sql.rstrip().rstrip(";") + ";")
        lines.append("")
    (CORPUS_DIR / f"{name}.sql").write_text("\n".join(lines))


def run_jdbc(port: int) -> None:
    source = Path(__file__).parent / "clients" / "JdbcMetadata.java"
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["javac", "-d", tmp, str(source)], check=True, capture_output=True)
        url = f"jdbc:postgresql://127.0.0.1:{port}/{DATABASE}"
        result = subprocess.run(["java", "-cp", f"{JDBC_JAR}:{tmp}", "JdbcMetadata", url, "postgres"],
                                capture_output=True, text=True, check=True)
        print(result.stdout)


def run_sqlalchemy(port: int) -> None:
    import sqlalchemy

    engine = sqlalchemy.create_engine(f"postgresql+psycopg://postgres@127.0.0.1:{port}/{DATABASE}")
    inspector = sqlalchemy.inspect(engine)
    schema = "StandardUK"
    print(inspector.get_schema_names(), inspector.get_table_names(schema=schema))
    for table in ("Customers", "Currencies"):
        inspector.get_columns(table, schema=schema)
        inspector.get_pk_constraint(table, schema=schema)
        inspector.get_foreign_keys(table, schema=schema)
        inspector.get_indexes(table, schema=schema)
        inspector.get_unique_constraints(table, schema=schema)
        inspector.get_check_constraints(table, schema=schema)
        inspector.get_table_comment(table, schema=schema)
    inspector.get_view_names(schema=schema)
    inspector.has_table("Customers", schema=schema)
    sqlalchemy.MetaData().reflect(engine, schema="sys")
    engine.dispose()


def run_odbc(port: int) -> None:
    import pyodbc

    conn = pyodbc.connect(f"DRIVER={{PostgreSQL Unicode}};SERVER=127.0.0.1;PORT={port};DATABASE={DATABASE};"
                          "UID=postgres;PWD=;", autocommit=True)
    cur = conn.cursor()
    schema, table = "StandardUK", "Customers"
    calls = [
        lambda: cur.tables(schema=schema), lambda: cur.tables(table=table, schema=schema, tableType="TABLE"),
        lambda: cur.tables(catalog="%", schema="", table=""), lambda: cur.tables(schema="%", catalog="", table=""),
        lambda: cur.tables(tableType="%", catalog="", schema="", table=""),
        lambda: cur.columns(table=table, schema=schema), lambda: cur.primaryKeys(table, schema=schema),
        lambda: cur.foreignKeys(table=table, schema=schema), lambda: cur.foreignKeys(foreignTable=table, foreignSchema=schema),
        lambda: cur.foreignKeys(table="Currencies", schema=schema),
        lambda: cur.statistics(table, schema=schema), lambda: cur.getTypeInfo(),
        lambda: cur.rowIdColumns(table, schema=schema), lambda: cur.rowVerColumns(table, schema=schema),
        lambda: cur.procedures(schema="sys"), lambda: cur.procedureColumns(schema="sys"),
    ]
    for call in calls:
        print(len(call().fetchall()))
    cur.execute('SELECT * FROM "StandardUK"."Customers"')
    print([d[0] for d in cur.description][:3])
    conn.close()


def capture(name: str, title: str, client: Callable[[int], None]) -> None:
    with realpg.throwaway_postgres(LOG_CONF) as pg:
        with psycopg.connect(pg.conninfo, autocommit=True) as admin:
            admin.execute(f"CREATE DATABASE {DATABASE}")
        conninfo = pg.conninfo.replace(f"dbname={pg.dbname}", f"dbname={DATABASE}")
        with psycopg.connect(conninfo, autocommit=True) as conn:
            create_test_objects(conn)
        start = pg.log_file.stat().st_size
        client(pg.port)
        with open(pg.log_file) as fh:
            fh.seek(start)
            write_corpus(name, title, catalog_statements(parse_log(fh.read())))


def main() -> None:
    capture("pgjdbc", f"pgjdbc ({JDBC_JAR.resolve().name}) DatabaseMetaData and ResultSetMetaData", run_jdbc)
    capture("sqlalchemy", "SQLAlchemy 2 reflection (Inspector, MetaData.reflect) with psycopg 3", run_sqlalchemy)
    capture("psqlodbc", "psqlODBC (Debian odbc-postgresql, Unicode driver) catalog functions via pyodbc", run_odbc)


if __name__ == "__main__":
    main()
