"""pg_catalog and information_schema answered locally, like PostgreSQL 15 (never calls the API).

What the SQL layer uses:
  Catalog(tables, procedures, database)          built once per database; OIDs, rows
  Catalog.table_oid(schema, name)                 RowDescription table_oid of one of our relations
  install(duck, catalog, session)                 once per session's DuckDB connection (attach + install_session)
  attach(duck, catalog)                           the shared part only (before enable_external_access = false)
  install_session(duck, catalog, session)         the per-session part (~30 ms), deferrable until
  uses_session_objects(rewritten_tree)            … a rewritten statement needs it
  shared_file(catalog)                            build the shared read-only DuckDB file now (server start)
  rewrite(expr, catalog)                          on every parsed query, before transpiling
  is_catalog_query(expr, catalog)                 True: answered locally, never calls the Sage API
  result_types(tree)                              PostgreSQL types of catalog result columns
  pg_error_from_duckdb(exc)                       a catalog UDF's PgError out of DuckDB's exception
"""

from pgserver.catalog.catalog import Catalog
from pgserver.catalog.errors import pg_error_from_duckdb
from pgserver.catalog.install import attach, install, install_session, shared_file, uses_session_objects
from pgserver.catalog.result_types import result_types
from pgserver.catalog.rewrite import is_catalog_query, rewrite
from pgserver.catalog.session import CatalogSession, DictSettings

__all__ = ["Catalog", "CatalogSession", "DictSettings", "attach", "install", "install_session", "shared_file",
           "uses_session_objects", "is_catalog_query", "pg_error_from_duckdb",
           "result_types", "rewrite"]
