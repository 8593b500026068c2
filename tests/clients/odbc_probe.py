"""psqlODBC through pyodbc, as Excel and Power BI use it over an ODBC DSN; run as a subprocess.

`python -m tests.clients.odbc_probe <connection string> <action>...` prints one JSON object per
action ({"action", "rows" | "error"}). It runs in its own process because a driver crash
(psqlODBC is C) must fail one test, not the whole pytest session. ODBCSYSINI/ODBCINI in the
environment point unixODBC at the test's odbcinst.ini/odbc.ini.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable
from typing import Any

import pyodbc

CUSTOMER_ID = 0  # set from the command line (`customer=<id>`)


def _cells(rows: Iterable[Any]) -> list[list[str | None]]:
    return [[None if v is None else str(v) for v in row] for row in rows]


def info(conn: pyodbc.Connection) -> list[list[str | None]]:
    keys = ["SQL_DBMS_NAME", "SQL_DBMS_VER", "SQL_IDENTIFIER_QUOTE_CHAR", "SQL_CATALOG_USAGE", "SQL_DATABASE_NAME",
            "SQL_USER_NAME"]
    return [[k, str(conn.getinfo(getattr(pyodbc, k)))] for k in keys]


def tables(conn: pyodbc.Connection) -> list[list[str | None]]:
    """Excel's 'Choose Columns' and Power BI's navigator: every table and view."""
    return _cells(conn.cursor().tables(tableType="TABLE,VIEW"))


def columns(conn: pyodbc.Connection) -> list[list[str | None]]:
    return _cells(r[:18] for r in conn.cursor().columns(schema="StandardUK", table="Customers"))


def schema_columns(conn: pyodbc.Connection) -> list[list[str | None]]:
    """Every column of every table of an edition (Power BI's navigator reads them per table)."""
    return _cells(r[:18] for r in conn.cursor().columns(schema="ProfessionalUK"))


def primary_keys(conn: pyodbc.Connection) -> list[list[str | None]]:
    return _cells(conn.cursor().primaryKeys(schema="StandardUK", table="Customers"))


def foreign_keys(conn: pyodbc.Connection) -> list[list[str | None]]:
    cur = conn.cursor()
    imported = _cells(cur.foreignKeys(foreignSchema="StandardUK", foreignTable="Customers"))
    exported = _cells(cur.foreignKeys(schema="StandardUK", table="Customers"))
    return [["imported", *r] for r in imported] + [["exported", *r] for r in exported]


def statistics(conn: pyodbc.Connection) -> list[list[str | None]]:
    return _cells(conn.cursor().statistics(schema="StandardUK", table="Customers"))


def type_info(conn: pyodbc.Connection) -> list[list[str | None]]:
    """Power BI asks for the driver's types (SQLGetTypeInfo) before building queries."""
    return _cells(r[:2] for r in conn.cursor().getTypeInfo())


def parameterised_select(conn: pyodbc.Connection) -> list[list[str | None]]:
    cur = conn.cursor()
    cur.execute('SELECT "Id", "Reference", "Name", "Balance", "OnHold", "DateTimeUpdated" '
                'FROM "StandardUK"."Customers" WHERE "Id" = ?', CUSTOMER_ID)
    described = [[d[0], d[1].__name__] for d in cur.description]
    return [["describe", *map(str, d)] for d in described] + [["row", *r] for r in _cells(cur.fetchall())]


def excel_query(conn: pyodbc.Connection) -> list[list[str | None]]:
    """The SELECT Microsoft Query builds from a table picked in Excel: alias = table name, quoted with the
    driver's SQL_IDENTIFIER_QUOTE_CHAR, the catalog only if SQL_CATALOG_USAGE allows it in DML."""
    quote = conn.getinfo(pyodbc.SQL_IDENTIFIER_QUOTE_CHAR)
    catalog_in_dml = conn.getinfo(pyodbc.SQL_CATALOG_USAGE) & 1  # SQL_CU_DML_STATEMENTS
    prefix = f"{quote}{conn.getinfo(pyodbc.SQL_DATABASE_NAME)}{quote}." if catalog_in_dml else ""

    def q(name: str) -> str:
        return f"{quote}{name}{quote}"

    sql = (f"SELECT {q('Customers')}.{q('Id')}, {q('Customers')}.{q('Reference')}, {q('Customers')}.{q('Name')} "
           f"FROM {prefix}{q('StandardUK')}.{q('Customers')} {q('Customers')} "
           f"WHERE ({q('Customers')}.{q('Id')}<=?) ORDER BY {q('Customers')}.{q('Id')}")
    cur = conn.cursor()
    cur.execute(sql, CUSTOMER_ID)
    return _cells(cur.fetchall())


def power_bi_preview(conn: pyodbc.Connection) -> list[list[str | None]]:
    """A Power Query preview folded to SQL: every column of the table under the "$Table" alias."""
    cur = conn.cursor()
    cur.execute('select "$Table"."Id", "$Table"."Name", "$Table"."Balance" from "StandardUK"."Customers" "$Table" '
                'where "$Table"."Id" = ?', CUSTOMER_ID)
    return _cells(cur.fetchall())


def escapes(conn: pyodbc.Connection) -> list[list[str | None]]:
    """ODBC escape sequences ({fn}, {d}, {ts}) that report tools send; psqlODBC rewrites them."""
    cur = conn.cursor()
    cur.execute('SELECT {fn UCASE("Reference")}, {fn LENGTH("Name")}, {d \'2024-01-31\'} '
                'FROM "StandardUK"."Customers" WHERE "Id" = ?', CUSTOMER_ID)
    return _cells(cur.fetchall())


def all_customers(conn: pyodbc.Connection) -> list[list[str | None]]:
    """A whole view, fetched in blocks when the DSN says UseDeclareFetch=1 (DECLARE/FETCH cursor)."""
    cur = conn.cursor()
    cur.execute('SELECT "Id", "Reference" FROM "StandardUK"."Customers" ORDER BY "Id"')
    return _cells(cur.fetchall())


ACTIONS: dict[str, Callable[[pyodbc.Connection], list[list[str | None]]]] = {
    "info": info, "tables": tables, "columns": columns, "schema_columns": schema_columns, "primary_keys": primary_keys,
    "foreign_keys": foreign_keys, "statistics": statistics, "type_info": type_info,
    "parameterised_select": parameterised_select, "excel_query": excel_query,
    "power_bi_preview": power_bi_preview, "escapes": escapes, "all_customers": all_customers,
}


def main(argv: list[str]) -> None:
    global CUSTOMER_ID
    try:
        conn = pyodbc.connect(argv[0], autocommit=True, timeout=30)
    except pyodbc.Error as exc:
        print(json.dumps({"action": "connect", "error": [str(a) for a in exc.args]}), flush=True)
        return
    for action in argv[1:]:
        if action.startswith("customer="):
            CUSTOMER_ID = int(action.split("=", 1)[1])
            continue
        try:
            result: dict[str, Any] = {"action": action, "rows": ACTIONS[action](conn)}
        except pyodbc.Error as exc:
            result = {"action": action, "error": [str(a) for a in exc.args]}
        print(json.dumps(result), flush=True)
    conn.close()


if __name__ == "__main__":
    main(sys.argv[1:])
