"""The relations and procedures of one database, and how names reach them.

Name resolution is case-insensitive whether or not the name was quoted (Customers,
customers, "Customers", StandardUK.Customers all reach one view): Sage names are
mixed-case and clients quote inconsistently. The session's `Schema` connection property
picks the default schema; other schemas are reachable when qualified unless the
`BrowsableSchemas` property hides them; the sys_* tables resolve unqualified from any schema.
"""

from __future__ import annotations

import dataclasses
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pgserver.errors import UNDEFINED_TABLE, PgError
from pgserver.provider import Procedure, Provider, TableSpec

SYSTEM_SCHEMA = "sys"


@dataclass(frozen=True)
class Relation:
    """A resolved table reference target."""

    spec: TableSpec
    provider: Provider
    table_oid: int = 0  # its pg_class OID: the catalog's (DataSource), else stable_table_oid

    @property
    def qualified_name(self) -> str:
        return f"{self.spec.schema}.{self.spec.name}"


def stable_table_oid(schema: str, name: str) -> int:
    """A deterministic OID for a relation when no catalog assigns one (above FirstNormalObjectId)."""
    return 16384 + zlib.crc32(f"{schema.lower()}.{name.lower()}".encode()) % 1_000_000_000


@dataclass
class TableSet:
    """Every relation and procedure of a database, indexed case-insensitively."""

    relations: dict[tuple[str, str], Relation] = field(default_factory=dict)
    procedures: dict[tuple[str, str], Procedure] = field(default_factory=dict)

    def add_table(self, provider: Provider) -> None:
        spec = provider.spec
        self.relations[(spec.schema.lower(), spec.name.lower())] = Relation(spec, provider,
                                                                            stable_table_oid(spec.schema, spec.name))

    def assign_table_oids(self, oids: Mapping[tuple[str, str], int]) -> None:
        """The catalog's pg_class OIDs of these relations (by declared schema and name)."""
        for key, relation in self.relations.items():
            found = oids.get((relation.spec.schema, relation.spec.name))
            if found is not None and found != relation.table_oid:
                self.relations[key] = dataclasses.replace(relation, table_oid=found)

    def add_procedure(self, procedure: Procedure) -> None:
        spec = procedure.spec
        self.procedures[(spec.schema.lower(), spec.name.lower())] = procedure

    @classmethod
    def build(cls, providers: Iterable[Provider], procedures: Iterable[Procedure] = ()) -> TableSet:
        tables = cls()
        for provider in providers:
            tables.add_table(provider)
        for procedure in procedures:
            tables.add_procedure(procedure)
        return tables

    @property
    def schemas(self) -> list[str]:
        seen: dict[str, str] = {}
        for relation in self.relations.values():
            seen.setdefault(relation.spec.schema.lower(), relation.spec.schema)
        return list(seen.values())

    def specs(self) -> list[TableSpec]:
        return [r.spec for r in self.relations.values()]


@dataclass(frozen=True)
class NameScope:
    """How one session resolves names: default schema and the schemas it may browse."""

    default_schema: str | None
    browsable: frozenset[str] | None  # lower-cased; None = all
    search_path: tuple[str, ...] = ()  # lower-cased schema names from the search_path setting

    @classmethod
    def from_properties(cls, lookup: Mapping[str, Any] | Any, search_path: str = "") -> NameScope:
        """Reads `Schema` and `BrowsableSchemas` (comma-separated) through a .get-like callable."""
        schema = _text(lookup("Schema"))
        browsable_text = _text(lookup("BrowsableSchemas"))
        browsable = None
        if browsable_text:
            browsable = frozenset(s.strip().lower() for s in browsable_text.split(",") if s.strip())
        path = tuple(p.strip().strip('"').lower() for p in search_path.split(",") if p.strip())
        return cls(schema or None, browsable, path)

    def visible(self, schema: str) -> bool:
        lowered = schema.lower()
        if lowered == SYSTEM_SCHEMA or self.browsable is None:
            return True
        return lowered in self.browsable or lowered == (self.default_schema or "").lower()


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def resolve_relation(tables: TableSet, scope: NameScope, schema: str | None, name: str,
                     position: int | None = None) -> Relation:
    """The relation a (schema, name) reference means; PgError 42P01 when there is none."""
    lowered = name.lower()
    if schema:
        relation = tables.relations.get((schema.lower(), lowered))
        if relation is not None and scope.visible(relation.spec.schema):
            return relation
        shown = f"{schema}.{name}"
    else:
        relation = _unqualified(tables, scope, lowered)
        if relation is not None:
            return relation
        shown = name
    raise PgError(UNDEFINED_TABLE, f'relation "{shown}" does not exist', position=position)


def _unqualified(tables: TableSet, scope: NameScope, lowered: str) -> Relation | None:
    # search_path first (a client's SET search_path = "ProfessionalUK" works as in PostgreSQL),
    # then the Schema connection property, then the system tables.
    order: list[str] = [s for s in scope.search_path if s not in {"$user", "public", "pg_catalog"}]
    if scope.default_schema:
        order.append(scope.default_schema.lower())
    order.append(SYSTEM_SCHEMA)
    for schema in order:
        relation = tables.relations.get((schema, lowered))
        if relation is not None and scope.visible(relation.spec.schema):
            return relation
    if scope.default_schema is None:
        # No default schema configured: a name unique across visible schemas still resolves.
        matches = [r for (s, n), r in tables.relations.items() if n == lowered and scope.visible(s)]
        if len(matches) == 1:
            return matches[0]
    if lowered.startswith("sys_"):
        matches = [r for (s, n), r in tables.relations.items() if n == lowered]
        if matches:
            return matches[0]
    return None


def resolve_procedure(tables: TableSet, scope: NameScope, schema: str | None, name: str) -> Procedure | None:
    lowered = name.lower()
    if schema:
        return tables.procedures.get((schema.lower(), lowered))
    candidates = [scope.default_schema.lower()] if scope.default_schema else []
    for candidate in candidates:
        if (candidate, lowered) in tables.procedures:
            return tables.procedures[(candidate, lowered)]
    matches = [p for (s, n), p in tables.procedures.items() if n == lowered]
    return matches[0] if matches else None
