"""What one database name serves, and the seam the pg_catalog emulation plugs into.

`DataSource` bundles the providers and procedures of one database with its default
connection-property values. The catalog (pgserver/catalog, built separately) joins in
through `CatalogSeamFactory`: installed once in the shared DuckDB database, then asked per session to rewrite
each parsed query before transpiling (pg_catalog.* references, PG catalog functions); the pg_class OIDs it
assigns our relations are theirs (`Relation.table_oid`, RowDescription's table_oid) from the start.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import duckdb
from sqlglot import exp

from pgserver.catalog.rewrite import Rewritten
from pgserver.engine import Activity
from pgserver.provider import Procedure, Provider
from pgserver.sql.bind.tableset import TableSet
from pgserver.sql.settings import SessionSettings


@dataclass(frozen=True)
class SessionInfo:
    """What a catalog needs to know about the session it serves."""

    user: str
    database: str
    settings: SessionSettings
    tables: TableSet
    # pg_prepared_statements' rows (name, statement, prepare_time, parameter_types, from_sql), read live
    prepared_statements: Callable[[], list[dict[str, Any]]] = lambda: []
    # pg_stat_activity's rows: every session of the server (None: a session on its own shows itself)
    activity: Callable[[], list[Activity]] | None = None
    session_id: int = 0  # the session's id in its shared database (the `pg_session` variable)
    backend_pid: int = 0
    # pg_cursors' rows (name, statement, is_holdable, is_binary, is_scrollable, creation_time), read live
    cursors: Callable[[], list[dict[str, Any]]] = lambda: []

    @property
    def search_path(self) -> str:
        return self.settings.get("search_path")


class CatalogSeam(Protocol):
    """The catalog's part of one session."""

    def rewrite(self, tree: exp.Expression) -> Rewritten:
        """Map pg_catalog/information_schema references and catalog functions (before transpiling)."""

    def close(self) -> None:
        """The session ended: forget it."""


class CatalogSeamFactory(Protocol):
    """The catalog of one database (pgserver/app.py adapts pgserver.catalog to it)."""

    def install_shared(self, duck: duckdb.DuckDBPyConnection) -> None:
        """Create the catalog in the data source's shared DuckDB database (once, before any session)."""

    def table_oids(self) -> Mapping[tuple[str, str], int]:
        """The pg_class OID of each of our relations, by (schema, name) as declared."""

    def __call__(self, info: SessionInfo) -> CatalogSeam:
        """The catalog's part of one session (whose connections carry `info.session_id` in `pg_session`)."""


@dataclass
class DataSource:
    """The relations, procedures and default connection properties of one database."""

    tables: TableSet
    properties: Mapping[str, Any] = field(default_factory=dict)
    catalog: CatalogSeamFactory | None = None

    def __post_init__(self) -> None:
        if self.catalog is not None:
            self.tables.assign_table_oids(self.catalog.table_oids())

    @classmethod
    def build(cls, providers: Iterable[Provider], procedures: Iterable[Procedure] = (),
              properties: Mapping[str, Any] | None = None, catalog: CatalogSeamFactory | None = None) -> DataSource:
        return cls(TableSet.build(providers, procedures), dict(properties or {}), catalog)
