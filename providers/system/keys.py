"""sys_keycolumns, sys_foreignkeys, sys_primarykeys, sys_indexes: keys from the data model.

Primary keys are the spec's [KEY] columns; foreign keys are its References ("Currencies.Id"),
which point into the same schema. Names follow PostgreSQL's conventions
(<table>_pkey, <table>_<column>_fkey). The only index a Sage view has is its key: the API
fetches one record by id (GET /customers/{id}), nothing else is indexed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pgserver.provider import Column, ScanContext, TableSpec
from providers.system.base import catalog_name, table_spec
from providers.system.metadata import _ModelTable

_CAT = ("CatalogName", "String", "The name of the database containing the key.")
_SCH = ("SchemaName", "String", "The name of the schema containing the key.")
_TAB = ("TableName", "String", "The name of the table containing the key.")
_COL = ("ColumnName", "String", "The name of the key column.")
_REFS = [
    ("PrimaryKeyName", "String", "The name of the primary key."),
    ("ForeignKeyName", "String", "The name of the foreign key."),
    ("ReferencedCatalogName", "String", "The database containing the primary key."),
    ("ReferencedSchemaName", "String", "The schema containing the primary key."),
    ("ReferencedTableName", "String", "The table containing the primary key."),
    ("ReferencedColumnName", "String", "The column name of the primary key."),
]


def pkey_name(view: TableSpec) -> str:
    return f"{view.name}_pkey"


def fkey_name(view: TableSpec, column: Column) -> str:
    return f"{view.name}_{column.name}_fkey"


@dataclass(frozen=True)
class ForeignKey:
    view: TableSpec
    column: Column
    target: TableSpec
    target_column: Column


def foreign_keys(views: Sequence[TableSpec]) -> list[ForeignKey]:
    """Every References of the given views whose target view and column exist."""
    by_name = {(v.schema.lower(), v.name.lower()): v for v in views}
    out = []
    for v in views:
        for c in v.columns:
            if not c.references:
                continue
            table, _, column = c.references.partition(".")
            target = by_name.get((v.schema.lower(), table.lower()))
            target_column = target.column(column) if target else None
            if target is not None and target_column is not None:
                out.append(ForeignKey(v, c, target, target_column))
    return out


class SysKeyColumns(_ModelTable):
    spec = table_spec("sys_keycolumns", "Describes the primary and foreign keys.", [
        _CAT, _SCH, _TAB, _COL,
        ("IsKey", "Boolean", "Whether the column is a primary key in the table referenced in the TableName field."),
        ("IsForeignKey", "Boolean", "Whether the column is a foreign key referenced in the TableName field."),
        *_REFS,
    ])

    def rows(self, ctx: ScanContext) -> Iterable[Sequence[Any]]:
        catalog = catalog_name(ctx, self.catalog)
        visible = self.visible_views(ctx)
        fks = {(fk.view.schema, fk.view.name, fk.column.name): fk for fk in foreign_keys(visible)}
        out = []
        for v in visible:
            for c in v.columns:
                fk = fks.get((v.schema, v.name, c.name))
                if not c.is_key and fk is None:
                    continue
                out.append((
                    catalog, v.schema, v.name, c.name, c.is_key, fk is not None,
                    pkey_name(v) if c.is_key else None,
                    fkey_name(v, c) if fk else None,
                    catalog if fk else None,
                    fk.target.schema if fk else None,
                    fk.target.name if fk else None,
                    fk.target_column.name if fk else None,
                ))
        return out


class SysForeignKeys(_ModelTable):
    spec = table_spec("sys_foreignkeys", "Describes the foreign keys.", [
        _CAT, _SCH, _TAB, _COL, *_REFS,
        ("ForeignKeyType", "String", "Designates whether the foreign key is an import (points to other tables) "
         "or export (referenced from other tables) key."),
    ])

    def rows(self, ctx: ScanContext) -> Iterable[Sequence[Any]]:
        catalog = catalog_name(ctx, self.catalog)
        out = []
        for fk in foreign_keys(self.visible_views(ctx)):
            name = fkey_name(fk.view, fk.column)
            pkey = pkey_name(fk.target) if fk.target_column.is_key else None
            # Import: seen from the referencing table.
            out.append((catalog, fk.view.schema, fk.view.name, fk.column.name, pkey, name,
                        catalog, fk.target.schema, fk.target.name, fk.target_column.name,
                        "FOREIGNKEY_TYPE_IMPORT"))
            # Export: the same key seen from the referenced table.
            out.append((catalog, fk.target.schema, fk.target.name, fk.target_column.name, pkey, name,
                        catalog, fk.view.schema, fk.view.name, fk.column.name,
                        "FOREIGNKEY_TYPE_EXPORT"))
        return out


class SysPrimaryKeys(_ModelTable):
    spec = table_spec("sys_primarykeys", "Describes the primary keys.", [
        _CAT, _SCH, _TAB, _COL,
        ("KeySeq", "String", "The sequence number of the primary key."),
        ("KeyName", "String", "The name of the primary key."),
    ])

    def rows(self, ctx: ScanContext) -> Iterable[Sequence[Any]]:
        catalog = catalog_name(ctx, self.catalog)
        return [
            (catalog, v.schema, v.name, c.name, str(seq), pkey_name(v))
            for v in self.visible_views(ctx)
            for seq, c in enumerate(v.key_columns, start=1)
        ]


class SysIndexes(_ModelTable):
    spec = table_spec("sys_indexes", "Describes the available indexes.", [
        ("CatalogName", "String", "The name of the database containing the index."),
        ("SchemaName", "String", "The name of the schema containing the index."),
        ("TableName", "String", "The name of the table containing the index."),
        ("IndexName", "String", "The index name."),
        ("ColumnName", "String", "The name of the column associated with the index."),
        ("IsUnique", "Boolean", "True if the index is unique. False otherwise."),
        ("IsPrimary", "Boolean", "True if the index is a primary key. False otherwise."),
        ("Type", "Int16", "An integer value corresponding to the index type: statistic (0), clustered (1), "
         "hashed (2), or other (3)."),
        ("SortOrder", "String", "The sort order: A for ascending or D for descending."),
        ("OrdinalPosition", "Int16", "The sequence number of the column in the index."),
    ])

    def rows(self, ctx: ScanContext) -> Iterable[Sequence[Any]]:
        catalog = catalog_name(ctx, self.catalog)
        return [
            (catalog, v.schema, v.name, pkey_name(v), c.name, True, True, 3, "A", seq)
            for v in self.visible_views(ctx)
            for seq, c in enumerate(v.key_columns, start=1)
        ]
