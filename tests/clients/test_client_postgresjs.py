"""postgres.js (npm `postgres`): a JavaScript driver with its own protocol implementation — named prepared
statements for every tagged query, its own type fetch at connect, cursors, transactions and savepoints, the simple
protocol for `unsafe` multi-statement text (tests/clients/node/postgresjs.mjs).

Constant queries must answer as PostgreSQL 15 does (the `mirror`); the Sage view's rows as the API holds them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.clients.conftest import DATABASE, Mirror, SageCustomer
from tests.integration.conftest import PASSWORD, USER, Stack

NODE_DIR = Path(__file__).with_name("node")
pytestmark = pytest.mark.skipif(
    shutil.which("node") is None or not (NODE_DIR / "node_modules" / "postgres").is_dir(),
    reason="needs node 20 and `npm install` in tests/clients/node (scripts/test.sh does it)")
CONSTANT = ["types", "parameters", "dynamic", "cursor", "transaction", "savepoint", "simple_protocol", "error",
            "after_error"]


def run(port: int, password: str, customer_id: int) -> dict[str, Any]:
    url = f"postgresql://{USER}:{password}@127.0.0.1:{port}/{DATABASE}"
    done = subprocess.run(["node", "postgresjs.mjs", url, "StandardUK", str(customer_id)], cwd=NODE_DIR,
                          env={**os.environ, "TZ": "UTC"}, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-3000:]
    return {c["check"]: c for c in map(json.loads, done.stdout.splitlines())}


@pytest.fixture(scope="module")
def ours(stack: Stack, customers: list[SageCustomer]) -> dict[str, Any]:
    return run(stack.port, PASSWORD, customers[1].id)


@pytest.fixture(scope="module")
def real(mirror: Mirror, customers: list[SageCustomer]) -> dict[str, Any]:
    return run(mirror.port, "unused", customers[1].id)


def test_no_step_fails(ours: dict[str, Any]) -> None:
    assert [c for c in ours.values() if "error" in c] == []
    assert set(CONSTANT) <= set(ours)


@pytest.mark.parametrize("check", CONSTANT)
def test_constant_queries_answer_as_postgresql(ours: dict[str, Any], real: dict[str, Any], check: str) -> None:
    assert "error" not in real[check], real[check]
    assert ours[check] == real[check]


def test_the_view_rows_are_the_api_rows(ours: dict[str, Any], customers: list[SageCustomer]) -> None:
    one = ours["customer"]["value"]
    assert one["columns"] == [["Id", 20], ["Reference", 1043], ["Name", 1043], ["CreditLimit", 1700]]
    row = one["rows"][0]  # postgres.js reads int8 and numeric as strings
    assert [row["Id"], row["Reference"], row["Name"]] == [str(customers[1].id), customers[1].reference,
                                                          customers[1].name]
    assert ours["customers_first"]["value"] == [{"Id": str(c.id), "Name": c.name} for c in customers[:3]]
