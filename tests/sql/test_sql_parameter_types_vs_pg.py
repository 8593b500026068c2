"""The types Parse gives parameters the client left unspecified, against PostgreSQL 15's own (PREPARE, then
pg_prepared_statements.parameter_types).

Introspecting clients (Kysely, node-postgres users, pg8000 …) send catalog queries with untyped parameters:
`a.attnum >= $1`, `c.relkind IN ($1, $2)`, `a.attisdropped != $1`. PostgreSQL types each one by what it is compared
with — here catalog columns of types int2, "char", bool, name, oid.
"""

from __future__ import annotations

from typing import Any

import pytest

from pgserver import types as pgtypes

pytestmark = pytest.mark.anyio

QUERIES = [
    "SELECT attname FROM pg_attribute WHERE attnum >= $1",
    "SELECT 1 FROM pg_catalog.pg_attribute a WHERE a.attisdropped != $1 AND a.attnum > $2",
    "SELECT relname FROM pg_class WHERE relkind IN ($1, $2, $3)",
    "SELECT 1 FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace WHERE ns.nspname != $1 "
    "AND c.relname = $2 AND $3 = c.relkind",
    "SELECT 1 FROM pg_type WHERE oid = $1",
    "SELECT 1 FROM pg_namespace WHERE nspname !~ $1",
    "SELECT 1 FROM information_schema.columns WHERE ordinal_position > $1 AND table_schema = $2",
    "SELECT 1 FROM pg_attribute a, pg_class c WHERE a.attrelid = c.oid AND attnum BETWEEN $1 AND $2",
    "SELECT 1 FROM pg_class WHERE (relkind) = ($1) AND relpages < $2",
    "SELECT $1 + 1, $2 || 'x', 2 IN ($3, $4)",
]


@pytest.mark.parametrize("sql", QUERIES)
async def test_unspecified_parameters_take_postgresqls_types(engine, real_postgres: Any, sql: str) -> None:
    real_postgres.execute(f"PREPARE probe AS {sql}", prepare=False)
    try:
        expected = real_postgres.execute("SELECT parameter_types::text[] FROM pg_prepared_statements "
                                         "WHERE name = 'probe'", prepare=False).fetchone()[0]
    finally:
        real_postgres.execute("DEALLOCATE probe", prepare=False)
    prepared = await engine.prepare(sql, [])
    assert [pgtypes.format_type(oid) for oid in prepared.param_type_oids] == expected
