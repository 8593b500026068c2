"""drizzle-kit (npm) `pull`: the schema a TypeScript project gets by introspecting the server.

drizzle-kit reads tables, columns, keys, foreign keys, indexes, enums, views, policies and check constraints
through its own pg_catalog and information_schema queries (among them `EXISTS (SELECT FROM pg_attrdef …)`, an
empty select list, which DuckDB refuses). PostgreSQL 15 itself cannot be the reference here: drizzle-kit passes
the schema name to `$1::regnamespace` unquoted, and PostgreSQL folds "StandardUK" to an unknown `standarduk`
(our names resolve without regard to case). So the schema drizzle writes is checked against the declared
views, and its keys against the constraints a PostgreSQL 15 holding the same tables (the `mirror`) lists.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import psycopg
import pytest

from tests.clients.conftest import DATABASE, Mirror, our_table_specs
from tests.integration.conftest import PASSWORD, USER, Stack

NODE_DIR = Path(__file__).with_name("node")
pytestmark = pytest.mark.skipif(
    shutil.which("node") is None or not (NODE_DIR / "node_modules" / "drizzle-kit").is_dir(),
    reason="needs node 20 and `npm install` in tests/clients/node (scripts/test.sh does it)")


@pytest.fixture(scope="module")
def schema_ts(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> str:
    """`drizzle-kit pull` of the StandardUK schema from our server: the schema.ts it writes."""
    tmp_path = tmp_path_factory.mktemp("drizzle")
    config = tmp_path / "drizzle.config.mjs"
    url = f"postgresql://{USER}:{PASSWORD}@127.0.0.1:{stack.port}/{DATABASE}"
    config.write_text(f"export default {{ dialect: 'postgresql', out: '{tmp_path / 'drizzle'}', "
                      f"dbCredentials: {{ url: '{url}', ssl: false }}, schemaFilter: ['StandardUK'] }}\n")
    done = subprocess.run([str(NODE_DIR / "node_modules" / ".bin" / "drizzle-kit"), "pull", "--config", str(config)],
                          cwd=NODE_DIR, env={**os.environ, "TZ": "UTC", "NO_COLOR": "1"}, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, (done.stdout[-3000:], done.stderr[-3000:])
    return (tmp_path / "drizzle" / "schema.ts").read_text()


def _tables(schema_ts: str) -> dict[str, str]:
    """Each `standardUk.table("Name", { … })` block of schema.ts, by table name."""
    starts = [(m.group(1), m.start()) for m in re.finditer(r'standardUk\.table\("([^"]+)"', schema_ts)]
    ends = [start for _, start in starts[1:]] + [len(schema_ts)]
    return {name: schema_ts[start:end] for (name, start), end in zip(starts, ends, strict=True)}


def test_pull_writes_every_view_and_column(schema_ts: str) -> None:
    tables = _tables(schema_ts)
    views = {spec.name: spec for spec in our_table_specs() if spec.schema == "StandardUK"}
    assert set(tables) == set(views)
    for name, spec in views.items():
        written = re.findall(r'^\t\w+: \w+\("([^"]+)"', tables[name], flags=re.MULTILINE)
        assert written == [c.name for c in spec.columns], name


def test_pull_writes_the_column_types_postgresql_names(schema_ts: str) -> None:
    customers = _tables(schema_ts)["Customers"]
    assert 'id: bigint("Id", { mode: "number" }).primaryKey().notNull()' in customers
    assert 'creditLimit: numeric("CreditLimit", { precision: 18, scale:  2 })' in customers
    assert 'dateTimeUpdated: timestamp("DateTimeUpdated", { mode: \'string\' })' in customers


def test_pull_writes_the_keys_postgresql_lists(schema_ts: str, mirror: Mirror) -> None:
    with psycopg.connect(mirror.dsn()) as conn:
        constraints = conn.execute(
            "SELECT c.contype, c.conname FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace "
            "WHERE n.nspname = 'StandardUK' AND (c.contype = 'f' OR cardinality(c.conkey) > 1)").fetchall()
    foreign = sorted(name for kind, name in constraints if kind == "f")
    composite = sorted(name for kind, name in constraints if kind == "p")  # single-column keys: .primaryKey()
    assert foreign and composite
    written = re.findall(r'(foreignKey|primaryKey)\(\{[^}]*?name: "([^"]+)"', schema_ts, flags=re.DOTALL)
    assert sorted(name for kind, name in written if kind == "foreignKey") == foreign
    assert sorted(name for kind, name in written if kind == "primaryKey") == composite
