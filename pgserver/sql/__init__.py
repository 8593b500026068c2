"""The SQL layer: parsing, session commands, name resolution, pushdown, DuckDB execution, EXPLAIN.

Public API: `SqlEngineFactory(databases)` (an EngineFactory), `DataSource` (what one database
serves), `TableSet`, `CatalogSeam`/`SessionInfo` (the pg_catalog plug-in point) and
`SqlEngine` (an Engine). Only this package and pgserver/catalog import sqlglot.
"""

from pgserver.sql.bind.tableset import TableSet, stable_table_oid
from pgserver.sql.datasource import CatalogSeam, CatalogSeamFactory, DataSource, SessionInfo
from pgserver.sql.factory import SqlEngineFactory
from pgserver.sql.sql_engine import SessionScanContext, SqlEngine

__all__ = ["CatalogSeam", "CatalogSeamFactory", "DataSource", "SessionInfo", "SessionScanContext", "SqlEngine",
           "SqlEngineFactory", "TableSet", "stable_table_oid"]
