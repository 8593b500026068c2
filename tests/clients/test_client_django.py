"""Django 5: `inspectdb` writes the same models against us as against a PostgreSQL 15 holding the same
tables (empty), and ORM queries on those models run against our server (tests/clients/django_probe.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.clients.conftest import DATABASE, Mirror, SageCustomer
from tests.integration.conftest import PASSWORD, USER, Stack

pytest.importorskip("django")
ROOT = Path(__file__).resolve().parents[2]
TABLES = ["Customers", "Currencies", "TaxCodes", "Banks"]  # Customers' foreign keys point at the others


def probe(port: int, password: str) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-m", "tests.clients.django_probe", "127.0.0.1", str(port), USER, password,
                           DATABASE, *TABLES], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def ours(stack: Stack) -> dict[str, Any]:
    return probe(stack.port, PASSWORD)


@pytest.fixture(scope="module")
def real(mirror: Mirror) -> dict[str, Any]:
    return probe(mirror.port, "")


def test_inspectdb_writes_the_same_models_as_postgresql(ours: dict[str, Any], real: dict[str, Any]) -> None:
    assert "Unable to inspect" not in ours["inspectdb"]
    assert ours["inspectdb"] == real["inspectdb"]
    assert "primary_key=True" in ours["inspectdb"] and "models.ForeignKey('Currencies'" in ours["inspectdb"]


def test_orm_queries_on_the_inspected_models(ours: dict[str, Any], customers: list[SageCustomer]) -> None:
    rows = ours["orm"]["Customers"]
    assert rows["pks"] == [str(c.id) for c in customers[:3]]
    assert [r["name"] for r in rows["first"]] == [c.name for c in customers[:3]]
    assert rows["count_at_least"] == 5
    assert ours["orm"]["Currencies"]["first"]
