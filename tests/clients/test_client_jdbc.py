"""pgjdbc (the driver DBeaver, DataGrip and most Java tools use): DatabaseMetaData and queries.

JdbcClientProbe.java runs as a single-file Java program against our server and against the
PostgreSQL 15 mirror of our tables; the metadata it prints must be the same on both.
"""

from __future__ import annotations

import shutil
import subprocess
from collections import defaultdict
from pathlib import Path

import pytest

from tests.clients.conftest import DATABASE, Mirror, SageCustomer
from tests.integration.conftest import PASSWORD, USER, Stack

JAR = Path("/usr/share/java/postgresql.jar")
PROBE = Path(__file__).with_name("JdbcClientProbe.java")

pytestmark = pytest.mark.skipif(not JAR.exists() or shutil.which("java") is None,
                                reason="needs Java 17 and Debian libpostgresql-jdbc-java")


def run_probe(port: int, password: str, *extra: str) -> dict[str, list[list[str]]]:
    """The probe's output grouped by label: {label: [cells of each line]}."""
    url = f"jdbc:postgresql://127.0.0.1:{port}/{DATABASE}"
    done = subprocess.run(["java", "-cp", str(JAR), str(PROBE), url, USER, password, *extra],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    lines: dict[str, list[list[str]]] = defaultdict(list)
    for line in done.stdout.splitlines():
        label, *cells = line.split("\t")
        lines[label].append(cells)
    return lines


@pytest.fixture(scope="module")
def ours(stack: Stack, customers: list[SageCustomer]) -> dict[str, list[list[str]]]:
    return run_probe(stack.port, PASSWORD, str(customers[0].id))


@pytest.fixture(scope="module")
def theirs(mirror: Mirror) -> dict[str, list[list[str]]]:
    return run_probe(mirror.port, "unused")


def test_no_metadata_call_failed(ours: dict[str, list[list[str]]]) -> None:
    failed = {label: cells for label, cells in ours.items() if label.endswith("-error") and label != "bad-error"}
    assert failed == {}


@pytest.mark.parametrize("label", ["schemas", "tables", "systables", "columns", "allcolumns", "pk", "allpks", "typeinfo",
                                   "imported", "exported", "index"])
def test_metadata_matches_postgres(ours: dict[str, list[list[str]]], theirs: dict[str, list[list[str]]],
                                   label: str) -> None:
    if label == "typeinfo":  # pgjdbc lists types in OID order; ours (table row types) have other OIDs
        assert sorted(ours[label]) == sorted(theirs[label])
    else:
        assert ours[label] == theirs[label]
    assert ours[f"{label}-count"] != [["0"]]


def test_database_and_catalogs(ours: dict[str, list[list[str]]]) -> None:
    assert ours["product"] == [["PostgreSQL", "15"]]
    assert ours["catalogs"] == [["sage200"]]


def test_customers_columns_keys_and_comments(ours: dict[str, list[list[str]]]) -> None:
    columns = {c[0]: c[1:] for c in ours["columns"]}
    assert columns["Id"][:5] == ["-5", "int8", "19", "0", "0"]  # BIGINT, not nullable
    assert columns["Balance"][:4] == ["2", "numeric", "18", "2"]
    assert columns["DateTimeUpdated"][:2] == ["93", "timestamp"]
    assert columns["Name"][-1] == "Customer name."
    assert ours["pk"] == [["Id", "1", "Customers_pkey"]]
    assert ["StandardUK", "Currencies", "Id", "CurrencyId", "Customers_CurrencyId_fkey"] in ours["imported"]
    assert ["StandardUK", "SalesOrders", "CustomerId", "Id", "SalesOrders_CustomerId_fkey"] in ours["exported"]


def test_type_info_and_functions(ours: dict[str, list[list[str]]]) -> None:
    types = {row[0]: row[1] for row in ours["typeinfo"]}
    assert types["int8"] == "-5" and types["numeric"] == "2" and types["varchar"] == "12"
    assert types["timestamp"] == "93" and types["bool"] == "-7"
    names = {row[0] for row in ours["functions"]}
    assert {"GetOAuthAccessToken", "GetOAuthAuthorizationURL", "RefreshOAuthAccessToken"} <= names


def test_select_returns_the_sage_rows(ours: dict[str, list[list[str]]], customers: list[SageCustomer]) -> None:
    assert ours["select-meta"] == [["int8", "varchar", "numeric", "18", "2", "Customers"]]
    # base column metadata: schema ('' from pgjdbc, as against PostgreSQL), NOT NULL key (columnNoNulls = 0),
    # nullable column (1), not serial
    assert ours["select-base"] == [["", "Id", "0", "1", "false"]]
    assert ours["select"] == [[str(c.id), c.reference, c.name, c.balance] for c in customers]


def test_prepared_statement_past_the_server_prepare_threshold(ours: dict[str, list[list[str]]],
                                                               customers: list[SageCustomer]) -> None:
    """Executions 5-7 run as a named server statement with binary results: same values as 1-4."""
    first = customers[0]
    assert ours["prepared"] == [[str(i), first.reference, first.balance, "true"] for i in range(7)]


def test_fetch_size_streams_a_whole_view(ours: dict[str, list[list[str]]], stack: Stack) -> None:
    total = int(stack.psql('SELECT count(*) FROM "StandardUK"."Customers"').stdout)
    assert ours["fetchsize"] == [[str(total), "true"]]
    assert total > 7


def test_error_then_connection_still_usable(ours: dict[str, list[list[str]]]) -> None:
    assert ours["bad-error"][0][0] == "42P01"
    assert 'relation "StandardUK.NoSuchView" does not exist' in ours["bad-error"][0][1]
    assert int(ours["after"][0][0]) >= 1
