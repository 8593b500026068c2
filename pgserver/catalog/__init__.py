"""pg_catalog and information_schema answered locally, like PostgreSQL 15 (never calls the API).

The SQL layer uses four things:
  Catalog(tables, procedures, database, user)    built once per server
  install(duck, catalog, session)                once per session's DuckDB connection
  rewrite(expr, catalog)                          on every parsed query, before transpiling
  is_catalog_query(expr, catalog)                 True: answer locally, never call the Sage API
"""

from pgserver.catalog.catalog import Catalog
from pgserver.catalog.errors import pg_error_from_duckdb
from pgserver.catalog.install import install
from pgserver.catalog.rewrite import is_catalog_query, rewrite
from pgserver.catalog.session import CatalogSession, DictSettings

__all__ = ["Catalog", "CatalogSession", "DictSettings", "install", "is_catalog_query", "pg_error_from_duckdb",
           "rewrite"]
