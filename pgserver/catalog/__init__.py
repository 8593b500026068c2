"""pg_catalog and information_schema answered locally, like PostgreSQL 15 (never calls the API).

What the SQL layer uses:
  Catalog(tables, procedures, database)          built once per database; OIDs, rows
  Catalog.table_oid(schema, name)                 RowDescription table_oid of one of our relations
  install(duck, catalog, session)                 the catalog on a connection of its own, for one session
  attach(duck, catalog)                           the shared part only (before enable_external_access = false)
  install_shared(duck, sessions)                  once per shared database: functions and session views, each
                                                  finding its session (CatalogSessions) by the pg_session variable
  session_variables(session_id, session)          the SET VARIABLE statement of a session's connections
  shared_file(catalog)                            build the shared read-only DuckDB file now (server start)
  rewrite_typed(expr, catalog)                    on every parsed query, before transpiling: Rewritten (the tree,
                                                  and the PostgreSQL types of catalog result columns)
  is_catalog_query(expr, catalog)                 True: answered locally, never calls the Sage API
  pg_error_from_duckdb(exc)                       a catalog UDF's PgError out of DuckDB's exception
"""

from pgserver.catalog.catalog import Catalog
from pgserver.catalog.catalog_session import CatalogSession, DictSettings
from pgserver.catalog.errors import pg_error_from_duckdb
from pgserver.catalog.install import (
    CatalogSessions,
    attach,
    install,
    install_shared,
    session_variables,
    shared_file,
)
from pgserver.catalog.result_types import ResultType
from pgserver.catalog.rewrite import Rewritten, is_catalog_query, rewrite, rewrite_typed

__all__ = ["Catalog", "CatalogSession", "CatalogSessions", "DictSettings", "attach", "install", "install_shared",
           "session_variables", "shared_file", "is_catalog_query", "pg_error_from_duckdb",
           "ResultType", "Rewritten", "rewrite", "rewrite_typed"]
