"""Kysely (npm): its schema introspection — getTables() with every column's type, nullability, default and
auto-increment, through pg_catalog queries whose parameters node-postgres sends untyped (`a.attnum >= $7`,
`c.relkind IN ($1, $2, $3)`: their types come from the catalog columns they are compared with) — and a typed
query (tests/clients/node/kysely.mjs).

The introspection must equal Kysely's against a PostgreSQL 15 holding the same tables (the `mirror`); the rows
must be the API's.
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
    shutil.which("node") is None or not (NODE_DIR / "node_modules" / "kysely").is_dir(),
    reason="needs node 20 and `npm install` in tests/clients/node (scripts/test.sh does it)")


def run(port: int, password: str) -> dict[str, Any]:
    done = subprocess.run(["node", "kysely.mjs", "127.0.0.1", str(port), USER, password, DATABASE, "StandardUK"],
                          cwd=NODE_DIR, env={**os.environ, "TZ": "UTC"}, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-3000:]
    return {c["check"]: c for c in map(json.loads, done.stdout.splitlines())}


def test_introspection_matches_postgresql(stack: Stack, mirror: Mirror, customers: list[SageCustomer]) -> None:
    ours, theirs = run(stack.port, PASSWORD), run(mirror.port, "unused")
    assert [c for c in ours.values() if "error" in c] == []
    assert len(ours["tables"]["value"]) >= 39
    assert ours["tables"] == theirs["tables"]
    assert ours["schemas"] == theirs["schemas"] == {"check": "schemas", "value": ["StandardUK"]}
    assert ours["select"]["value"] == [{"Id": str(c.id), "Name": c.name} for c in customers[:3]]
