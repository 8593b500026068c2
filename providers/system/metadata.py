"""sys_catalogs, sys_schemas, sys_tables, sys_tablecolumns: the data model as rows."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from pgserver.provider import ScanContext, TableSpec
from providers.system.base import SystemTable, browsable, catalog_name, table_spec
from providers.system.typeinfo import type_facts


class _ModelTable(SystemTable):
    """A system table computed from the data views of the database."""

    def __init__(self, views: Sequence[TableSpec], catalog: str) -> None:
        self.views = tuple(views)
        self.catalog = catalog

    def visible_views(self, ctx: ScanContext) -> list[TableSpec]:
        return [v for v in self.views if browsable(ctx, v.schema)]

    def schemas(self, ctx: ScanContext) -> list[str]:
        seen: list[str] = []
        for v in self.visible_views(ctx):
            if v.schema not in seen:
                seen.append(v.schema)
        return seen


class SysCatalogs(_ModelTable):
    spec = table_spec("sys_catalogs", "Lists the available databases.", [
        ("CatalogName", "String", "The database name."),
    ])

    def rows(self, ctx: ScanContext) -> Iterable[Sequence[Any]]:
        return [(catalog_name(ctx, self.catalog),)]


class SysSchemas(_ModelTable):
    spec = table_spec("sys_schemas", "Lists the available schemas.", [
        ("CatalogName", "String", "The database name."),
        ("SchemaName", "String", "The schema name."),
    ])

    def rows(self, ctx: ScanContext) -> Iterable[Sequence[Any]]:
        catalog = catalog_name(ctx, self.catalog)
        return [(catalog, s) for s in self.schemas(ctx)]


class SysTables(_ModelTable):
    spec = table_spec("sys_tables", "Lists the available tables.", [
        ("CatalogName", "String", "The database containing the table or view."),
        ("SchemaName", "String", "The schema containing the table or view."),
        ("TableName", "String", "The name of the table or view."),
        ("TableType", "String", "The table type (table or view)."),
        ("Description", "String", "A description of the table or view."),
        ("IsUpdateable", "Boolean", "Whether the table can be updated."),
    ])

    def rows(self, ctx: ScanContext) -> Iterable[Sequence[Any]]:
        catalog = catalog_name(ctx, self.catalog)
        return [
            (catalog, v.schema, v.name, v.kind.upper(), v.description, v.kind == "table" or v.writes is not None)
            for v in self.visible_views(ctx)
        ]


class SysTableColumns(_ModelTable):
    spec = table_spec("sys_tablecolumns", "Describes the columns of the available tables and views.", [
        ("CatalogName", "String", "The name of the database containing the table or view."),
        ("SchemaName", "String", "The schema containing the table or view."),
        ("TableName", "String", "The name of the table or view containing the column."),
        ("ColumnName", "String", "The column name."),
        ("DataTypeName", "String", "The data type name."),
        ("DataType", "Int32", "An integer indicating the data type (the PostgreSQL type OID)."),
        ("Length", "Int32", "The storage size of the column."),
        ("DisplaySize", "Int32", "The designated column's normal maximum width in characters."),
        ("NumericPrecision", "Int32", "The maximum number of digits in numeric data. The column length in "
         "characters for character and date-time data."),
        ("NumericScale", "Int32", "The column scale or number of digits to the right of the decimal point."),
        ("IsNullable", "Boolean", "Whether the column can contain null."),
        ("Description", "String", "A brief description of the column."),
        ("Ordinal", "Int32", "The sequence number of the column."),
        ("IsAutoIncrement", "String", "Whether the column value is assigned in fixed increments."),
        ("IsGeneratedColumn", "String", "Whether the column is generated."),
        ("IsHidden", "Boolean", "Whether the column is hidden."),
        ("IsArray", "Boolean", "Whether the column is an array."),
        ("IsReadOnly", "Boolean", "Whether the column is read-only."),
        ("IsKey", "Boolean", "Indicates whether a field returned from sys_tablecolumns is the primary key of "
         "the table."),
        ("ColumnType", "String", "The role or classification of the column in the schema. Possible values "
         "include SYSTEM, LINKEDCOLUMN, NAVIGATIONKEY, REFERENCECOLUMN, and NAVIGATIONPARENTCOLUMN."),
    ])

    def rows(self, ctx: ScanContext) -> Iterable[Sequence[Any]]:
        catalog = catalog_name(ctx, self.catalog)
        out = []
        for v in self.visible_views(ctx):
            for ordinal, c in enumerate(v.columns, start=1):
                facts = type_facts(c.type)
                written = v.writes.column(c.name) if v.writes is not None else None
                read_only = v.kind != "table" and not (written and (written.insertable or written.updatable))
                out.append((
                    catalog, v.schema, v.name, c.name, facts.name, facts.oid, facts.length,
                    facts.display_size, facts.precision, facts.scale, c.nullable, c.description, ordinal,
                    "false", "false", False, False, read_only, c.is_key,
                    "REFERENCECOLUMN" if c.references else "REGULAR",
                ))
        return out
