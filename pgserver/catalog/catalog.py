"""Catalog: our schemas, relations, columns, keys and procedures as PostgreSQL catalog rows.

Why one object: OIDs must agree everywhere (pg_class, pg_attribute, pg_constraint,
RowDescription's table_oid), so they are assigned once, here, from the provider
TableSpecs and ProcedureSpecs, and every other module (install, functions, rewrite)
reads them from this object. Built once per server; installed into every session's
DuckDB connection by install.py.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pgserver.catalog import ourrows
from pgserver.catalog.data import BuiltinCatalog, builtin
from pgserver.catalog.oids import OidAllocator
from pgserver.errors import UNDEFINED_TABLE, PgError
from pgserver.provider import ProcedureSpec, TableSpec

BOOTSTRAP_SUPERUSER_OID = 10  # our one role owns everything, as the bootstrap superuser does in PostgreSQL
PG_CATALOG_OID = 11
PUBLIC_OID = 2200
PG_CLASS_OID = 1259
PG_PROC_OID = 1255
PG_NAMESPACE_OID = 2615
PG_CONSTRAINT_OID = 2606
PG_TYPE_OID = 1247
PG_DATABASE_OID = 1262
PG_AUTHID_OID = 1260
DATABASE_OID = 16384 - 1  # below the user range so it never collides with relation OIDs
# Stands for the session's user in rows that name it (owners, ACLs), so one Catalog serves every user:
# install.py reads those relations through per-session views that put the user's name in its place.
# A plain lower-case identifier that is no keyword, so quote_ident leaves it as it is.
SESSION_USER = "pgcat_session_user_placeholder"


@dataclass
class ClassInfo:
    """What lookups need about one pg_class row."""

    oid: int
    namespace_oid: int
    name: str
    kind: str


@dataclass
class Catalog:
    """The catalog of one server: built-in PostgreSQL 15 rows plus our objects."""

    tables: list[TableSpec]
    procedures: list[ProcedureSpec]
    database: str
    user: str = SESSION_USER
    base: BuiltinCatalog = field(default_factory=builtin)
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # our rows per "schema.relation"
    namespaces: dict[str, int] = field(default_factory=dict)
    namespace_names: dict[int, str] = field(default_factory=dict)
    classes: dict[int, ClassInfo] = field(default_factory=dict)
    class_by_name: dict[tuple[str, str], int] = field(default_factory=dict)
    types: dict[int, dict[str, Any]] = field(default_factory=dict)
    type_by_name: dict[tuple[str, str], int] = field(default_factory=dict)
    procs: dict[int, tuple[int, str]] = field(default_factory=dict)  # oid -> (namespace oid, name)
    proc_by_name: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    descriptions: dict[tuple[int, int, int], str] = field(default_factory=dict)  # (objoid, classoid, subid)
    attnames: dict[tuple[int, int], str] = field(default_factory=dict)
    constraintdef: dict[int, str] = field(default_factory=dict)
    indexdef: dict[int, str] = field(default_factory=dict)
    index_columns: dict[int, list[int]] = field(default_factory=dict)  # index oid -> key attnums
    index_table: dict[int, int] = field(default_factory=dict)
    index_options: dict[int, list[int]] = field(default_factory=dict)  # index oid -> indoption per key column
    functiondef: dict[int, tuple[str | None, str | None, str | None]] = field(default_factory=dict)
    table_specs: dict[int, TableSpec] = field(default_factory=dict)
    foreign_keys: dict[int, tuple[str, int, str]] = field(default_factory=dict)  # con oid -> (col, target, col)
    duck_file: str | None = field(default=None, repr=False)  # install.py: the shared read-only DuckDB file

    def __post_init__(self) -> None:
        self._index_builtins()
        allocator = OidAllocator(reserved=self._builtin_oids())
        ourrows.build(self, allocator)
        self._index_ours()

    # ------------------------------------------------------------------ public lookups
    def table_oid(self, schema: str, name: str) -> int:
        """The pg_class OID of one of our relations (RowDescription's table_oid)."""
        oid = self.class_by_name.get((schema, name))
        if oid is None:
            lowered = {(s.lower(), n.lower()): o for (s, n), o in self.class_by_name.items()}
            oid = lowered.get((schema.lower(), name.lower()))
        if oid is None:
            raise PgError(UNDEFINED_TABLE, f'relation "{schema}.{name}" does not exist')
        return oid

    def column_number(self, schema: str, name: str, column: str) -> int:
        """attnum of a column (RowDescription's column_number); 0 when unknown."""
        oid = self.table_oid(schema, name)
        spec = self.table_specs[oid]
        for attnum, col in enumerate(spec.columns, start=1):
            if col.name.lower() == column.lower():
                return attnum
        return 0

    def all_rows(self, qualified: str) -> Iterable[dict[str, Any]]:
        """Built-in then our rows of one catalog relation, as dicts keyed by column name."""
        yield from self.base.rows_as_dicts(qualified)
        yield from self.rows.get(qualified, ())

    def add_row(self, qualified: str, **values: Any) -> dict[str, Any]:
        self.rows.setdefault(qualified, []).append(values)
        return values

    # ------------------------------------------------------------------ indexing
    def _builtin_oids(self) -> set[int]:
        taken: set[int] = set()
        for rel in ("pg_class", "pg_type", "pg_proc", "pg_namespace", "pg_constraint", "pg_operator", "pg_am",
                    "pg_collation", "pg_opclass", "pg_opfamily", "pg_language", "pg_cast", "pg_extension"):
            taken.update(r["oid"] for r in self.base.rows_as_dicts(f"pg_catalog.{rel}"))
        return taken

    def _index_builtins(self) -> None:
        for r in self.base.rows_as_dicts("pg_catalog.pg_namespace"):
            self.namespaces[r["nspname"]] = r["oid"]
            self.namespace_names[r["oid"]] = r["nspname"]
        self.constraintdef.update(self.base.constraintdef)
        self.indexdef.update(self.base.indexdef)
        self.functiondef.update(self.base.functiondef)
        for r in self.base.rows_as_dicts("pg_catalog.pg_index"):
            self.index_columns[r["indexrelid"]] = list(r["indkey"])
            self.index_table[r["indexrelid"]] = r["indrelid"]
            self.index_options[r["indexrelid"]] = list(r["indoption"] or ())

    def _index_ours(self) -> None:
        for r in self.all_rows("pg_catalog.pg_namespace"):
            self.namespaces[r["nspname"]] = r["oid"]
            self.namespace_names[r["oid"]] = r["nspname"]
        for r in self.all_rows("pg_catalog.pg_class"):
            self.classes[r["oid"]] = ClassInfo(r["oid"], r["relnamespace"], r["relname"], r["relkind"])
            self.class_by_name[(self.namespace_names[r["relnamespace"]], r["relname"])] = r["oid"]
        for r in self.all_rows("pg_catalog.pg_type"):
            self.types[r["oid"]] = r
            self.type_by_name[(self.namespace_names[r["typnamespace"]], r["typname"])] = r["oid"]
        for r in self.all_rows("pg_catalog.pg_proc"):
            self.procs[r["oid"]] = (r["pronamespace"], r["proname"])
            key = (self.namespace_names[r["pronamespace"]], r["proname"])
            self.proc_by_name.setdefault(key, []).append(r["oid"])
        for r in self.all_rows("pg_catalog.pg_description"):
            self.descriptions[(r["objoid"], r["classoid"], r["objsubid"])] = r["description"]
        for r in self.all_rows("pg_catalog.pg_attribute"):
            self.attnames[(r["attrelid"], r["attnum"])] = r["attname"]
        for r in self.rows.get("pg_catalog.pg_index", ()):
            self.index_columns[r["indexrelid"]] = list(r["indkey"])
            self.index_table[r["indexrelid"]] = r["indrelid"]
            self.index_options[r["indexrelid"]] = list(r.get("indoption") or ())

    # ------------------------------------------------------------------ name helpers
    def qualified_class_name(self, oid: int, visible_schemas: Iterable[str] = ()) -> str | None:
        """regclass output: the name, schema-qualified unless its schema is visible."""
        info = self.classes.get(oid)
        if info is None:
            return None
        schema = self.namespace_names[info.namespace_oid]
        name = quote_ident_if_needed(info.name, self.keyword_categories)
        if schema in visible_schemas and self._first_visible_class(info.name, visible_schemas) == oid:
            return name
        return f"{quote_ident_if_needed(schema, self.keyword_categories)}.{name}"

    def _first_visible_class(self, name: str, schemas: Iterable[str]) -> int | None:
        for schema in schemas:
            oid = self.class_by_name.get((schema, name))
            if oid is not None:
                return oid
        return None

    @functools.cached_property
    def keyword_categories(self) -> dict[str, str]:
        """PostgreSQL keyword -> category (U unreserved, C, T, R reserved), for quote_ident."""
        return {k[0]: k[1] for k in self.base.keywords}

    @functools.cached_property
    def relation_names(self) -> dict[str, set[str]]:
        """The relation names of pg_catalog and information_schema we answer."""
        names: dict[str, set[str]] = {"pg_catalog": {"pg_get_keywords"}, "information_schema": set()}
        for qualified in self.base.relations:
            schema, _, name = qualified.partition(".")
            names[schema].add(name)
        return names

    @functools.cached_property
    def attribute_types(self) -> dict[tuple[int, int], tuple[int, int]]:
        """(attrelid, attnum) -> (atttypid, atttypmod) of our relations' columns."""
        return {(r["attrelid"], r["attnum"]): (r["atttypid"], r["atttypmod"])
                for r in self.rows.get("pg_catalog.pg_attribute", ())}


def quote_ident_if_needed(name: str, keywords: dict[str, str]) -> str:
    """PostgreSQL's quote_ident(): quote unless a plain lower-case, non-reserved identifier."""
    safe = (
        bool(name)
        and (name[0].islower() or name[0] == "_")
        and all(ch.islower() or ch.isdigit() or ch == "_" for ch in name)
        and name.isascii()
    )
    if safe and keywords.get(name, "U") == "U":
        return name
    return '"' + name.replace('"', '""') + '"'
