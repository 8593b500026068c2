"""SqlEngineFactory: the EngineFactory the server calls for each new connection."""

from __future__ import annotations

from collections.abc import Mapping

from pgserver.engine import ServerControl
from pgserver.errors import INVALID_CATALOG_NAME, PgError
from pgserver.properties import ConnectionProperties
from pgserver.sql.datasource import DataSource
from pgserver.sql.run.duck_database import SharedDatabase
from pgserver.sql.run.statement_stats import StatementReporting
from pgserver.sql.settings import SessionSettings, default_search_path
from pgserver.sql.sql_engine import SqlEngine

# Startup packet keys that are not run-time parameters.
_NOT_SETTINGS = {"user", "database", "options", "replication"}


class SqlEngineFactory:
    """Builds one SqlEngine per connection for the databases it serves."""

    def __init__(self, databases: Mapping[str, DataSource], reporting: StatementReporting | None = None) -> None:
        """`reporting`: how statements are logged and counted (default: every statement logged at INFO)."""
        self.databases = dict(databases)
        self.reporting = reporting or StatementReporting()
        # One DuckDB database per data source, made now (server start): a connection is a session of it.
        self.shared = {name: SharedDatabase(source) for name, source in self.databases.items()}

    async def connect(self, user: str, database: str, startup: Mapping[str, str], *,
                      superuser: bool = False, backend_pid: int | None = None,
                      server: ServerControl | None = None) -> SqlEngine:
        """Raises 3D000 for an unknown database, 22023/42704 for bad startup options and 42501 for a
        privileged property set by a login that is not a superuser."""
        source = self._source(database)
        properties = ConnectionProperties.from_mapping(source.properties)
        properties.restrict(superuser)
        others = properties.apply_options(startup.get("options", "") or "")
        settings = SessionSettings(user, properties, superuser=superuser)
        settings.set_session_default("search_path", default_search_path(properties.get("Schema")))
        for name, value in startup.items():
            if name.lower() in _NOT_SETTINGS or name.startswith("_pq_."):
                continue
            if properties.is_property(name):
                properties.set(name, value)
            else:
                settings.set(name, value)
        for name, value in others:
            settings.set(name, value)
        properties.mark_session_defaults()
        settings.take_changes()
        return SqlEngine(source, user, database, settings, self.shared[database], backend_pid=backend_pid,
                         server=server, reporting=self.reporting)

    def _source(self, database: str) -> DataSource:
        for name, source in self.databases.items():
            if name == database:
                return source
        raise PgError(INVALID_CATALOG_NAME, f'database "{database}" does not exist')

