"""Wiring: from a ServerConfig to the EngineFactory the server calls for each connection.

Kept in one small module so the server and CLI do not import the SQL layer, the providers
or the sandbox until a server is actually started.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pgserver.config import ConfigError, DatabaseConfig, ServerConfig
from pgserver.engine import EngineFactory
from pgserver.provider import UNOBSERVED

if TYPE_CHECKING:
    from pgserver.metrics import Metrics
    from pgserver.sql import DataSource

SANDBOX_ORIGIN = "http://sage-sandbox.invalid"  # never resolved: requests go through the ASGI transport


def build_engine_factory(config: ServerConfig, metrics: Metrics | None = None) -> EngineFactory:
    """One SqlEngineFactory serving every configured database; ConfigError for bad property defaults.
    `metrics`: where statements and API requests are counted (None: not counted)."""
    from pgserver.sql.factory import SqlEngineFactory
    from pgserver.sql.run.statement_stats import StatementReporting

    for db in config.databases.values():
        check_properties(db)
    sources = {name: build_data_source(db, config.mirror_dir()) for name, db in config.databases.items()}
    return SqlEngineFactory(sources, StatementReporting(config.log_min_duration_statement, metrics))


def server_metrics(config: ServerConfig) -> Metrics | None:
    """The Metrics of a server whose config asks for the endpoint ([server] metrics), else None."""
    if config.metrics is None:
        return None
    from pgserver.metrics import Metrics

    return Metrics()


def check_properties(db: DatabaseConfig) -> None:
    """Validate [databases.<name>.properties] at start-up rather than at every login."""
    from pgserver.errors import PgError
    from pgserver.properties import ConnectionProperties

    try:
        ConnectionProperties.from_mapping(_property_defaults(db))
    except PgError as exc:
        raise ConfigError(f"[databases.{db.name}.properties]: {exc.message}") from None


def _property_defaults(db: DatabaseConfig) -> Mapping[str, Any]:
    """The database's connection-property defaults: its edition as Schema, then the configured table."""
    return {"Schema": db.edition, **db.properties}


class DatabaseContext:
    """The ScanContext of work outside any client connection (`pgserver import`, `pgserver warm`): the database's
    connection-property defaults, then the command's own."""

    observer = UNOBSERVED  # a command, not a statement: nothing is logged or counted per request

    def __init__(self, db: DatabaseConfig, **overrides: Any) -> None:
        from pgserver.properties import ConnectionProperties

        self.values = ConnectionProperties.from_mapping({**_property_defaults(db), **overrides})

    def property(self, name: str) -> Any:
        return self.values.get(name)


def build_data_source(db: DatabaseConfig, cache_dir: Path | None = None) -> DataSource:
    """Providers (the 78 Sage views, sys_mirror, the sys_* tables, the procedures) of one configured database;
    `cache_dir`: where the mirror keeps its files (None: in memory)."""
    from pgserver.sql import DataSource
    from providers.sage200.model import load_views
    from providers.sage200.provider import sage_admin, sage_providers
    from providers.system import system_providers

    providers, procedures = sage_providers(build_sage_source(db, cache_dir))
    admin_tables, admin_procedures = sage_admin(providers)
    procedures = [*procedures, *admin_procedures]
    system = system_providers(load_views(), procedures, catalog=db.name)
    tables = [*providers, *admin_tables, *system]
    seams = catalog_seam_factory([p.spec for p in tables], [p.spec for p in procedures], db.name)
    return DataSource.build(tables, procedures, _property_defaults(db), catalog=seams)


def command_providers(db: DatabaseConfig, cache_dir: Path | None = None) -> list[Any]:
    """The Sage views of one configured database for a command outside the server (`pgserver import`, `pgserver
    warm`): its property defaults checked first (ConfigError)."""
    from providers.sage200.provider import sage_providers

    check_properties(db)
    return sage_providers(build_sage_source(db, cache_dir))[0]


def build_sage_source(db: DatabaseConfig, cache_dir: Path | None = None) -> Any:
    """The SageDataSource of one configured database (the real API, or an in-process sandbox)."""
    import httpx

    from providers.sage200.data_source import SageDataSource

    defaults = _property_defaults(db)
    truth_table = truth_table_path(db)
    if db.uses_sandbox:
        from sage_sandbox.app import create_app
        from sage_sandbox.config import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET

        # The in-process sandbox makes its data afresh at every start: its mirror lives in memory only. A failure
        # inside it answers a 500 with its error body, as over a socket (not a Python exception in our client,
        # which would surface as an internal error).
        transport = httpx.ASGITransport(app=create_app(), raise_app_exceptions=False)
        return SageDataSource(api_base_url=SANDBOX_ORIGIN, client_id=DEMO_CLIENT_ID, client_secret=DEMO_CLIENT_SECRET,
                              token_store_path=db.token_store, transport=transport, defaults=defaults,
                              truth_table_path=truth_table, redirect_uri=db.redirect_uri,
                              max_requests=db.max_api_requests)
    return SageDataSource(api_base_url=db.api_base_url, client_id=db.client_id, client_secret=db.client_secret,
                          token_store_path=db.token_store, defaults=defaults, truth_table_path=truth_table,
                          cache_dir=cache_dir, redirect_uri=db.redirect_uri,
                          max_requests=db.max_api_requests)


def truth_table_path(db: DatabaseConfig) -> str | None:
    """The external-id truth table of a database: next to its token store (`tokens.json` →
    `tokens.external-ids.sqlite`); in memory when tokens are (decision 0720)."""
    if not db.token_store:
        return None
    store = Path(db.token_store).expanduser()
    return str(store.with_name(store.stem + ".external-ids.sqlite"))


class _CatalogSeam:
    """The catalog's part of one session (pgserver.sql.datasource.CatalogSeam)."""

    def __init__(self, seams: CatalogSeams, session_id: int) -> None:
        self.seams = seams
        self.session_id = session_id

    def rewrite(self, tree: Any) -> Any:
        from pgserver.catalog import rewrite_typed

        return rewrite_typed(tree, self.seams.catalog)

    def close(self) -> None:
        self.seams.sessions.remove(self.session_id)


class CatalogSeams:
    """pgserver.catalog adapted to the SQL layer's CatalogSeamFactory: one Catalog for the database, built with
    its shared DuckDB file now (server start); its functions and session views are created once in the data
    source's shared DuckDB database and find each session in `sessions` (decision 0964)."""

    def __init__(self, tables: list[Any], procedures: list[Any], database: str, catalog: Any = None) -> None:
        from pgserver.catalog import Catalog, CatalogSessions, shared_file

        # `catalog`: one already built for the same objects (it is immutable; tests reuse one across worlds)
        self.catalog = catalog if catalog is not None else Catalog(tables, procedures, database)
        shared_file(self.catalog)
        self.sessions = CatalogSessions(self.catalog)

    def install_shared(self, duck: Any) -> None:
        from pgserver.catalog import attach, install_shared

        attach(duck, self.catalog)
        install_shared(duck, self.sessions)

    def table_oids(self) -> dict[tuple[str, str], int]:
        return dict(self.catalog.class_by_name)

    def __call__(self, info: Any) -> _CatalogSeam:
        from pgserver.catalog import CatalogSession

        self.sessions.add(info.session_id, CatalogSession(
            info.user, info.database, info.settings, backend_pid=info.backend_pid,
            prepared_statements=info.prepared_statements, cursors=info.cursors, activity=info.activity))
        return _CatalogSeam(self, info.session_id)


def catalog_seam_factory(tables: list[Any], procedures: list[Any], database: str) -> CatalogSeams:
    """The CatalogSeamFactory of one database (see CatalogSeams)."""
    return CatalogSeams(tables, procedures, database)
