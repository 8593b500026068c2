"""PostgreSQL DDL equivalent to a set of TableSpecs (for the differential tests).

Mirrors pgserver/catalog/ourrows.py's rules: a primary key from the key columns,
a foreign key only where the referenced column is the target's whole primary key,
comments from the descriptions.
"""

from __future__ import annotations

from pgserver.catalog.ourrows import q
from pgserver.provider import TableSpec


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def ddl_for(tables: list[TableSpec]) -> list[str]:
    statements: list[str] = []
    by_key = {(t.schema, t.name.lower()): t for t in tables}
    for schema in sorted({t.schema for t in tables}):
        statements.append(f"CREATE SCHEMA IF NOT EXISTS {q(schema)}")
    for spec in tables:
        cols = [f"{q(c.name)} {c.pg_type}{' NOT NULL' if (not c.nullable or c.is_key) else ''}" for c in spec.columns]
        keys = [q(c.name) for c in spec.columns if c.is_key]
        if keys:
            cols.append(f"PRIMARY KEY ({', '.join(keys)})")
        statements.append(f"CREATE TABLE {q(spec.schema)}.{q(spec.name)} ({', '.join(cols)})")
        if spec.description:
            statements.append(f"COMMENT ON TABLE {q(spec.schema)}.{q(spec.name)} IS {_literal(spec.description)}")
        for c in spec.columns:
            if c.description:
                statements.append(
                    f"COMMENT ON COLUMN {q(spec.schema)}.{q(spec.name)}.{q(c.name)} IS {_literal(c.description)}")
    for spec in tables:
        for c in spec.columns:
            if not c.references or "." not in c.references:
                continue
            table, _, column = c.references.rpartition(".")
            target = by_key.get((spec.schema, table.lower()))
            if target is None:
                continue
            keys = [k.name.lower() for k in target.columns if k.is_key]
            if keys != [column.lower()]:
                continue
            target_col = next(k.name for k in target.columns if k.is_key)
            statements.append(
                f"ALTER TABLE {q(spec.schema)}.{q(spec.name)} ADD FOREIGN KEY ({q(c.name)}) "
                f"REFERENCES {q(target.schema)}.{q(target.name)} ({q(target_col)})")
    return statements
