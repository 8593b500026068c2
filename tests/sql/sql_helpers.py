"""Helpers for the SQL-layer tests: a world of in-memory providers and a statement runner."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import pytest
from sql_memory_provider import (
    CUSTOMERS_COLUMNS,
    EchoProcedure,
    MemoryProvider,
    currencies_rows,
    customers_rows,
    echo_procedure,
)

from pgserver.app import CatalogSeams
from pgserver.catalog import Catalog
from pgserver.engine import ResultColumn
from pgserver.errors import PgError
from pgserver.provider import Column, TableSpec
from pgserver.sql import DataSource, SqlEngine, SqlEngineFactory


@dataclass
class World:
    customers: MemoryProvider
    pro_customers: MemoryProvider
    currencies: MemoryProvider
    sys_tables: MemoryProvider
    procedure: EchoProcedure
    factory: SqlEngineFactory

_CATALOGS: dict[tuple[str, ...], Catalog] = {}


def _built_catalog(tables: list[MemoryProvider]) -> Catalog:
    """The catalog of these tables' specs, built once per process (building its DuckDB file takes ~1 s)."""
    key = tuple(repr(t.spec) for t in tables)
    if key not in _CATALOGS:
        _CATALOGS[key] = Catalog([t.spec for t in tables], [echo_procedure().spec], "sage200")
    return _CATALOGS[key]


def make_world(rows: int = 10, batch_size: int = 2) -> World:
    customers = MemoryProvider(TableSpec("StandardUK", "Customers", CUSTOMERS_COLUMNS, default_sort=("Id",)),
                               customers_rows(rows), pushable={"id", "accountnumber", "creditlimit"},
                               batch_size=batch_size)
    pro = MemoryProvider(TableSpec("ProfessionalUK", "Customers", CUSTOMERS_COLUMNS),
                         customers_rows(3), pushable={"id"}, batch_size=batch_size)
    currencies = MemoryProvider(TableSpec("StandardUK", "Currencies", (
        Column("Id", "bigint", is_key=True), Column("Code", "varchar(3)"), Column("Name", "varchar(60)"))),
        currencies_rows(), pushable={"id"})
    sys_tables = MemoryProvider(TableSpec("sys", "sys_tables", (
        Column("CatalogName", "text"), Column("SchemaName", "text"), Column("TableName", "text"))),
        [{"CatalogName": "CData", "SchemaName": "StandardUK", "TableName": "Customers"}])
    procedure = echo_procedure()
    tables = [customers, pro, currencies, sys_tables]
    # the catalog as the server wires it: pg_catalog, information_schema and PostgreSQL's session functions
    catalog = CatalogSeams([t.spec for t in tables], [procedure.spec], "sage200", catalog=_built_catalog(tables))
    source = DataSource.build(tables, [procedure], properties={"Schema": "StandardUK"}, catalog=catalog)
    return World(customers, pro, currencies, sys_tables, procedure, SqlEngineFactory({"sage200": source}))

@dataclass
class Result:
    columns: list[ResultColumn] | None
    rows: list[tuple[Any, ...]]
    tag: str

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns or []]

async def run(engine: SqlEngine, sql: str, params: Sequence[Any] = (), oids: Sequence[int] = ()) -> Result:
    """Prepare + execute + fetch everything, as the protocol does for one statement."""
    try:
        prepared = await engine.prepare(sql, list(oids))
        cursor = await engine.execute(prepared, list(params))
        try:
            rows = await cursor.fetch(None)
            assert await cursor.fetch(None) == []
            return Result(cursor.columns, rows, cursor.command_tag)
        finally:
            await cursor.close()
    except PgError:
        engine.statement_failed()
        raise

async def error_of(engine: SqlEngine, sql: str, params: Sequence[Any] = ()) -> PgError:
    with pytest.raises(PgError) as caught:
        await run(engine, sql, params)
    return caught.value


T = TypeVar("T")


async def _in_new_session(sql: str, answer: Callable[[SqlEngine, str], Awaitable[T]]) -> T:
    engine = await make_world().factory.connect("demo", "sage200", {})
    try:
        return await answer(engine, sql)
    finally:
        await engine.close()


async def error_in_new_session(sql: str) -> PgError:
    """The error our engine answers `sql` with, in a session of its own (closed afterwards)."""
    return await _in_new_session(sql, error_of)


async def result_in_new_session(sql: str) -> Result:
    """Our engine's answer to `sql`, in a session of its own (closed afterwards)."""
    return await _in_new_session(sql, run)


async def result_in_new_session_after(setup: str, sql: str) -> Result:
    """Our engine's answer to `sql` after `setup` (a SET …) in the same new session."""
    async def after(engine: SqlEngine, statement: str) -> Result:
        await run(engine, setup)
        return await run(engine, statement)

    return await _in_new_session(sql, after)


def as_texts(rows: Sequence[Sequence[Any]], type_oids: Sequence[int]) -> list[tuple[str | None, ...]]:
    """Rows as PostgreSQL's text output of each value (NULL stays None): how the two sides are compared."""
    from pgserver import types as pgtypes

    return [tuple(None if v is None else pgtypes.encode_text(oid, v).decode() for v, oid in zip(row, type_oids,
                                                                                                  strict=True))
            for row in rows]
