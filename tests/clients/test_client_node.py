"""node-postgres (npm pg, pure JavaScript): Client, Pool, parameterised and named prepared queries, types."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.clients.conftest import DATABASE, SageCustomer
from tests.integration.conftest import PASSWORD, USER, Stack

NODE_DIR = Path(__file__).with_name("node")

pytestmark = pytest.mark.skipif(
    shutil.which("node") is None or not (NODE_DIR / "node_modules" / "pg").is_dir(),
    reason="needs node 20 and `npm install` in tests/clients/node (scripts/test.sh does it)")


@pytest.fixture(scope="module")
def checks(stack: Stack, customers: list[SageCustomer]) -> dict[str, Any]:
    url = f"postgresql://{USER}:{PASSWORD}@127.0.0.1:{stack.port}/{DATABASE}"
    done = subprocess.run(["node", "probe.js", url, str(customers[1].id)], cwd=NODE_DIR,
                          env={**os.environ, "TZ": "UTC"}, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return {c["check"]: c["value"] for c in map(json.loads, done.stdout.splitlines())}


def test_server_version(checks: dict[str, Any]) -> None:
    assert checks["server_version"].startswith("15.")


def test_parameterised_query_types(checks: dict[str, Any], stack: Stack, customers: list[SageCustomer]) -> None:
    c = customers[1]
    result = checks["parameterised"]
    assert result["fields"] == [["Id", 20], ["Reference", 1043], ["Name", 1043], ["Balance", 1700], ["OnHold", 16],
                                ["DateTimeUpdated", 1114]]
    # pg's defaults: int8 and numeric as strings (no precision loss), bool, timestamp as a Date
    assert result["types"] == {"Id": "string", "Reference": "string", "Name": "string", "Balance": "string",
                               "OnHold": "boolean", "DateTimeUpdated": "Date"}
    row = result["row"]
    assert [row["Id"], row["Reference"], row["Name"], row["Balance"]] == [str(c.id), c.reference, c.name, c.balance]
    shown = stack.psql('SELECT to_char("DateTimeUpdated", \'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"\') '
                       f'FROM "StandardUK"."Customers" WHERE "Id" = {c.id}').stdout.strip()
    assert row["DateTimeUpdated"] == shown


def test_named_prepared_statement_reused(checks: dict[str, Any], customers: list[SageCustomer]) -> None:
    assert checks["prepared"] == [customers[1].reference] * 3


def test_row_mode_array(checks: dict[str, Any]) -> None:
    rows = checks["rowmode_array"]
    assert len(rows) == 2 and all(len(r) == 2 for r in rows)
    assert int(rows[0][0]) < int(rows[1][0])


def test_error_then_client_still_usable(checks: dict[str, Any]) -> None:
    assert checks["error"] == {"error": "42P01", "message": 'relation "StandardUK.NoSuchView" does not exist'}
    assert checks["after_error"] == 1


def test_pool_runs_concurrent_queries(checks: dict[str, Any], stack: Stack) -> None:
    total = int(stack.psql('SELECT count(*) FROM "StandardUK"."Customers"').stdout)
    assert checks["pool"] == [total] * 6
