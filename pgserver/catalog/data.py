"""The built-in PostgreSQL 15 catalog rows shipped with the package.

Why: clients cache types by OID and join pg_proc, pg_type, pg_namespace by OID, so
we answer with the real rows of a real PostgreSQL 15, dumped by
scripts/generate_pg_catalog.py into data/pg15_catalog.json.gz. This module loads
that file once and says how each catalog column is stored in DuckDB.
"""

from __future__ import annotations

import functools
import gzip
import json
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from pgserver.errors import PgError
from pgserver.types import TEXT, ColumnType
from pgserver.types import arrow as pgarrow

DATA_FILE = "pg15_catalog.json.gz"

# How a PostgreSQL catalog column type is stored in DuckDB: pgserver.types.arrow's mapping (OID-like types
# such as oid and reg* are UINTEGER, so joins and comparisons with bound int8 parameters work), text for
# types DuckDB has no counterpart of, and these exceptions: int2vector and oidvector keep PostgreSQL's text
# form ("1 2", which drivers parse; rewrite.py turns them into lists wherever a query computes with them,
# decision 0601); the few numeric columns are DOUBLE and xid is BIGINT (arithmetic with integers).
_STORAGE_EXCEPTIONS: dict[str, str] = {
    "int2vector": "VARCHAR", "oidvector": "VARCHAR", "numeric": "DOUBLE", "xid": "BIGINT",
}


@dataclass(frozen=True)
class CatalogColumn:
    name: str
    pg_type: str  # as format_type shows it: 'oid', 'name', 'information_schema.sql_identifier'
    duck_type: str
    base_type: str = ""  # typname, or a domain's base typname: 'oid', 'name', 'int4', 'varchar'
    # pg_type parsed once (a domain's base type; text for a row type the registry does not hold)
    type: ColumnType = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        declared = self.pg_type
        name = declared if declared.endswith("[]") or "." not in declared else self.base_type
        try:
            parsed = ColumnType.parse(name)
        except PgError:
            parsed = ColumnType(TEXT)
        object.__setattr__(self, "type", parsed)


@dataclass(frozen=True)
class CatalogRelation:
    """One pg_catalog / information_schema relation: its columns and shipped built-in rows."""

    schema: str
    name: str
    kind: str  # 'r' table or 'v' view in PostgreSQL
    columns: tuple[CatalogColumn, ...]
    rows: tuple[tuple[Any, ...], ...]

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


@dataclass(frozen=True)
class BuiltinCatalog:
    version: str
    server_version: str
    relations: dict[str, CatalogRelation]  # "pg_catalog.pg_type" -> relation
    keywords: tuple[tuple[str, str, bool, str, str], ...]
    constraintdef: dict[int, str]
    indexdef: dict[int, str]
    functiondef: dict[int, tuple[str | None, str | None, str | None]]  # result, arguments, identity args

    def relation(self, qualified: str) -> CatalogRelation:
        return self.relations[qualified]

    def rows_as_dicts(self, qualified: str) -> list[dict[str, Any]]:
        rel = self.relations[qualified]
        names = rel.column_names
        return [dict(zip(names, row, strict=True)) for row in rel.rows]


def duck_type(storage_type: str) -> str:
    """The DuckDB type of a catalog column stored as `storage_type` (a typname, or format_type of an array)."""
    if storage_type in _STORAGE_EXCEPTIONS:
        return _STORAGE_EXCEPTIONS[storage_type]
    try:
        parsed = ColumnType.parse(storage_type)
    except PgError:  # an array of a row type (pg_statistic[]): its text form
        return "VARCHAR[]" if storage_type.endswith("[]") else "VARCHAR"
    return pgarrow.duck_type(parsed, default="VARCHAR")


@functools.cache
def builtin() -> BuiltinCatalog:
    """The shipped PostgreSQL 15 catalog (parsed once per process)."""
    raw = resources.files("pgserver.catalog").joinpath("data", DATA_FILE).read_bytes()
    doc = json.loads(gzip.decompress(raw))
    relations: dict[str, CatalogRelation] = {}
    for qualified, entry in doc["relations"].items():
        schema, _, name = qualified.partition(".")
        columns = tuple(
            CatalogColumn(col_name, fmt, duck_type(fmt if fmt.endswith("[]") else base), base)
            for col_name, fmt, base in entry["columns"]
        )
        rows = tuple(tuple(r) for r in entry.get("rows", ()))
        relations[qualified] = CatalogRelation(schema, name, entry["kind"], columns, rows)
    extras = doc["extras"]
    return BuiltinCatalog(
        version=doc["meta"]["version"],
        server_version=doc["meta"]["server_version"],
        relations=relations,
        keywords=tuple(tuple(k) for k in extras["keywords"]),  # type: ignore[misc]
        constraintdef={int(o): d for o, d in extras["constraintdef"]},
        indexdef={int(o): d for o, d in extras["indexdef"]},
        functiondef={int(o): (r, a, i) for o, r, a, i in extras["functiondef"]},
    )
