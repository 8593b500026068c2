"""psqlODBC (Excel and Power BI over an ODBC DSN) through pyodbc, against our server and the PostgreSQL mirror.

The driver is registered the way users register it: an odbcinst.ini naming psqlodbcw.so and an
odbc.ini DSN, found through ODBCSYSINI/ODBCINI. Each probe runs in a subprocess (odbc_probe.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.clients.conftest import DATABASE, Mirror, SageCustomer
from tests.integration.conftest import PASSWORD, USER, Stack

DRIVER = Path("/usr/lib/x86_64-linux-gnu/odbc/psqlodbcw.so")
ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(not DRIVER.exists(), reason="needs Debian odbc-postgresql and unixodbc")

Probe = Callable[..., dict[str, Any]]


@pytest.fixture(scope="module")
def odbc_dir(tmp_path_factory: pytest.TempPathFactory, stack: Stack) -> Path:
    """odbcinst.ini registering the driver, odbc.ini with DSN Sage200 (settings as docs/clients/excel-odbc.md)."""
    folder = tmp_path_factory.mktemp("odbc")
    (folder / "odbcinst.ini").write_text(
        f"[PostgreSQL Unicode]\nDescription=PostgreSQL ODBC driver (Unicode)\nDriver={DRIVER}\n\n"
        f"[PostgreSQL ANSI]\nDescription=PostgreSQL ODBC driver (ANSI)\nDriver={DRIVER.with_name('psqlodbca.so')}\n")
    (folder / "odbc.ini").write_text(
        f"[Sage200]\nDriver=PostgreSQL Unicode\nServername=127.0.0.1\nPort={stack.port}\nDatabase={DATABASE}\n"
        f"SSLmode=disable\n")
    return folder


def _run(folder: Path, connection_string: str, *actions: str, **env_extra: str) -> dict[str, Any]:
    env = {**os.environ, "ODBCSYSINI": str(folder), "ODBCINI": str(folder / "odbc.ini"), **env_extra}
    done = subprocess.run([sys.executable, "-m", "tests.clients.odbc_probe", connection_string, *actions],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise AssertionError(f"psqlODBC probe {actions} exited with {done.returncode}: {done.stderr[-2000:]}")
    results = [json.loads(line) for line in done.stdout.splitlines()]
    return {r["action"]: r.get("rows", r.get("error")) for r in results}


@pytest.fixture(scope="module")
def ours(odbc_dir: Path, customers: list[SageCustomer]) -> Probe:
    def probe(*actions: str, options: str = "") -> dict[str, Any]:
        return _run(odbc_dir, f"DSN=Sage200;UID={USER};PWD={PASSWORD};{options}", f"customer={customers[1].id}",
                    *actions)
    return probe


@pytest.fixture(scope="module")
def theirs(odbc_dir: Path, mirror: Mirror) -> Probe:
    def probe(*actions: str) -> dict[str, Any]:
        return _run(odbc_dir, f"DRIVER={{PostgreSQL Unicode}};SERVER=127.0.0.1;PORT={mirror.port};"
                              f"DATABASE={DATABASE};UID={USER};PWD=unused;SSLmode=disable", *actions)
    return probe


METADATA = ["tables", "columns", "schema_columns", "primary_keys", "type_info"]


@pytest.fixture(scope="module")
def our_metadata(ours: Probe) -> dict[str, Any]:
    return ours("info", *METADATA, "foreign_keys")


@pytest.fixture(scope="module")
def their_metadata(theirs: Probe) -> dict[str, Any]:
    return theirs("info", *METADATA, "foreign_keys")


def test_driver_sees_postgres_15(our_metadata: dict[str, Any]) -> None:
    info = dict(our_metadata["info"])
    assert info["SQL_DBMS_NAME"] == "PostgreSQL" and info["SQL_DBMS_VER"].startswith("15.")
    assert info["SQL_DATABASE_NAME"] == DATABASE and info["SQL_USER_NAME"] == USER


@pytest.mark.parametrize("action", METADATA)
def test_catalog_functions_match_postgres(our_metadata: dict[str, Any], their_metadata: dict[str, Any],
                                          action: str) -> None:
    assert isinstance(our_metadata[action], list) and our_metadata[action], our_metadata[action]
    assert our_metadata[action] == their_metadata[action]


def test_foreign_keys_match_postgres(our_metadata: dict[str, Any], their_metadata: dict[str, Any]) -> None:
    """SQLForeignKeys: same keys (the order of two constraints on the same table is unspecified by ODBC)."""
    assert len(our_metadata["foreign_keys"]) == 3
    assert sorted(our_metadata["foreign_keys"]) == sorted(their_metadata["foreign_keys"])


def test_tables_lists_every_view_and_system_table(our_metadata: dict[str, Any]) -> None:
    listed = {(r[1], r[2]) for r in our_metadata["tables"]}
    assert ("StandardUK", "Customers") in listed and ("ProfessionalUK", "Customers") in listed
    assert ("sys", "sys_tables") in listed and ("sys", "sys_mirror") in listed
    assert len(listed) == 78 + 14 + 1  # the views, the spec's sys_* tables and sys_mirror

def test_statistics_match_postgres(ours: Probe, theirs: Probe) -> None:
    """SQLStatistics parses pg_index.indkey (int2vector) itself; an array form crashed the driver."""
    their_rows = theirs("statistics")["statistics"]
    assert their_rows and ours("statistics")["statistics"] == their_rows


def test_parameterised_select(ours: Probe, customers: list[SageCustomer]) -> None:
    result = ours("parameterised_select")["parameterised_select"]
    described = [r[1:] for r in result if r[0] == "describe"]
    assert described == [["Id", "int"], ["Reference", "str"], ["Name", "str"], ["Balance", "Decimal"],
                         ["OnHold", "str"], ["DateTimeUpdated", "datetime"]]
    (row,) = [r[1:] for r in result if r[0] == "row"]
    c = customers[1]
    assert row[:4] == [str(c.id), c.reference, c.name, c.balance]
    assert row[4] in ("0", "1")  # psqlODBC's default BoolsAsChar


def test_power_bi_preview_and_odbc_escapes(ours: Probe, customers: list[SageCustomer]) -> None:
    c = customers[1]
    assert ours("power_bi_preview")["power_bi_preview"] == [[str(c.id), c.name, c.balance]]
    assert ours("escapes")["escapes"] == [[c.reference.upper(), str(len(c.name)), "2024-01-31"]]


def test_declare_fetch_reads_a_whole_view_in_blocks(ours: Probe, stack: Stack) -> None:
    rows = ours("all_customers", options="UseDeclareFetch=1;Fetch=7")["all_customers"]
    count = int(stack.psql('SELECT count(*) FROM "StandardUK"."Customers"').stdout)
    assert len(rows) == count > 7
    assert [int(r[0]) for r in rows] == sorted(int(r[0]) for r in rows)


def test_parameterised_statements_one_after_another(ours: Probe, customers: list[SageCustomer]) -> None:
    """psqlODBC frees each statement with SQL 'DEALLOCATE "_PLAN0x..."' and reuses the name for the next Parse."""
    c = customers[1]
    result = ours("escapes", "power_bi_preview", "parameterised_select")
    assert result["power_bi_preview"] == [[str(c.id), c.name, c.balance]]
    assert isinstance(result["parameterised_select"], list)


def test_statements_one_after_another_without_server_prepare(ours: Probe, customers: list[SageCustomer]) -> None:
    """UseServerSidePrepare=0: psqlODBC inlines the parameters and sends simple Queries."""
    c = customers[1]
    result = ours("escapes", "power_bi_preview", options="UseServerSidePrepare=0")
    assert result["power_bi_preview"] == [[str(c.id), c.name, c.balance]]


def test_excel_microsoft_query_select(ours: Probe, customers: list[SageCustomer]) -> None:
    """Microsoft Query names the database too (psqlODBC reports SQL_CATALOG_USAGE = SQL_CU_DML_STATEMENTS):
    FROM "sage200"."StandardUK"."Customers" "Customers"."""
    rows = ours("excel_query")["excel_query"]
    assert rows == [[str(c.id), c.reference, c.name] for c in customers[:2]]


def test_ansi_driver_in_a_non_utf8_locale_is_refused_clearly(odbc_dir: Path, stack: Stack) -> None:
    """The ANSI driver asks for the locale's encoding (SQL_ASCII under LC_ALL=C, WIN1252 on a Western
    Windows): the server speaks only UTF-8 (decision 0304) and says so at connect time."""
    result = _run(odbc_dir, f"DRIVER={{PostgreSQL ANSI}};SERVER=127.0.0.1;PORT={stack.port};DATABASE={DATABASE};"
                            f"UID={USER};PWD={PASSWORD};SSLmode=disable", "info", LC_ALL="C", LANG="C")
    (state, message) = result["connect"]
    assert state == "22023"
    assert 'invalid value for parameter "client_encoding": "SQL_ASCII"' in message
