"""One DuckDB database per data source; every session is a connection of it (docs/decisions/0964).

A DuckDB database starts its own buffer manager and background threads (about 8 OS threads and 5 MB each, even
with `threads = 1`); a connection (`cursor()`) of an existing database costs some kilobytes and no thread. So the
database, its settings, the numeric functions, the PostgreSQL functions and the catalog are made once, when the
data source is, and a session only opens connections and sets their one variable (`pg_session_info`: its id, user …): what
belongs to the session is read through those variables, or by UDFs that find the session by its id here.

Connections of one database share nothing a session could disturb: registered scans and temporary objects are
per connection, settings a statement changes (TimeZone, streaming_buffer_size) are set per connection by the
cursor pool, and the functions and views are only ever created here, before any session runs.
"""

from __future__ import annotations

import itertools
import threading

import duckdb

from pgserver.errors import PgError
from pgserver.sql.bind.pg_numeric import install_numeric_functions
from pgserver.sql.datasource import DataSource
from pgserver.sql.plan_cache import Lru
from pgserver.sql.run.dialect import DUCKDB_SETTINGS
from pgserver.sql.run.duck_pool import CONSTANT_RESULTS, ConstantResult
from pgserver.sql.run.pgfunctions import SessionHooks, install_pg_functions

CONNECTION_GONE = "08003"


class SharedDatabase:
    """The DuckDB database of one data source and the sessions connected to it."""

    def __init__(self, source: DataSource) -> None:
        self._lock = threading.Lock()  # cursor() of one connection object must not run concurrently
        self._sessions: dict[int, SessionHooks] = {}
        self._ids = itertools.count(1)
        self.constant_results: Lru[ConstantResult] = Lru(CONSTANT_RESULTS)  # every session's (DuckCursorPool)
        self.duck = duckdb.connect(":memory:")
        try:
            self.duck.execute("; ".join(f"SET GLOBAL {name} = {value}" for name, value in DUCKDB_SETTINGS.items()))
            install_numeric_functions(self.duck)
            install_pg_functions(self.duck, self.session)
            if source.catalog is not None:
                source.catalog.install_shared(self.duck)
            # Clients must never reach the server's files or extensions through DuckDB table functions
            # (read_csv('/etc/passwd'), COPY … TO, ATTACH, INSTALL): set once setup has loaded what it needs.
            self.duck.execute("SET enable_external_access = false")
        except BaseException:
            self.duck.close()
            raise

    def session(self, session_id: int) -> SessionHooks:
        """The session a function call comes from (by the connection's `pg_session` variable)."""
        found = self._sessions.get(session_id)
        if found is None:
            raise PgError(CONNECTION_GONE, "the session of this connection is gone")
        return found

    def open(self, hooks: SessionHooks) -> int:
        """A new session: its id (its connections come from `connection()`)."""
        session_id = next(self._ids)
        self._sessions[session_id] = hooks
        return session_id

    def connection(self) -> duckdb.DuckDBPyConnection:
        with self._lock:
            return self.duck.cursor()

    def close_session(self, session_id: int) -> None:
        self._sessions.pop(session_id, None)

    def close(self) -> None:
        self._sessions.clear()
        self.duck.close()

    def __len__(self) -> int:
        return len(self._sessions)

    def __repr__(self) -> str:
        return f"SharedDatabase(sessions={len(self._sessions)})"

