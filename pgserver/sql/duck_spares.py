"""Session DuckDB databases made ahead of the connections that will use them.

Why: a new in-memory DuckDB database costs ~15 ms, and its session-independent setup (global settings,
the numeric UDF, ATTACHing the shared catalog file) ~10 ms more — most of a connection's start-up. Clients
such as psql (one connection per command), Power BI, Excel and DBeaver open connections often, so once a
database has been asked for a second session, one ready database is kept in reserve, rebuilt in a
background thread after each hand-out. A database is never reused: each session gets a fresh one.
"""

from __future__ import annotations

import atexit
import logging
import threading
import weakref
from collections.abc import Callable

import duckdb

log = logging.getLogger(__name__)

Make = Callable[[], duckdb.DuckDBPyConnection]


class SpareDatabases:
    """Hands out fresh DuckDB databases made by `make`, keeping one ready once demand shows."""

    def __init__(self, make: Make) -> None:
        self._make = make
        self._lock = threading.Lock()
        self._ready: duckdb.DuckDBPyConnection | None = None
        self._builder: threading.Thread | None = None
        self._handed_out = 0
        self._closed = False
        atexit.register(_close_at_exit, weakref.ref(self))

    def take(self) -> duckdb.DuckDBPyConnection:
        """A fresh database: the reserve one if it is ready, else one built now (in the caller's thread)."""
        builder = None
        with self._lock:
            duck, self._ready = self._ready, None
            self._handed_out += 1
            if self._handed_out >= 2 and self._builder is None and not self._closed:
                builder = self._builder = threading.Thread(target=self._build_reserve, daemon=True,
                                                           name="pgserver-spare-duckdb")
        if builder is not None:
            builder.start()
        return duck if duck is not None else self._make()

    def close(self) -> None:
        """Close the reserve (waiting for one being built)."""
        with self._lock:
            self._closed = True
            builder = self._builder
        if builder is not None:
            builder.join(timeout=30)
        with self._lock:
            duck, self._ready = self._ready, None
        if duck is not None:
            duck.close()

    def _build_reserve(self) -> None:
        try:
            duck: duckdb.DuckDBPyConnection | None = self._make()
        except Exception as exc:  # noqa: BLE001 - the next connection builds its own and reports the error
            log.warning("preparing a spare session database failed: %s", exc)
            duck = None
        with self._lock:
            self._builder = None
            if duck is not None and (self._closed or self._ready is not None):
                extra, duck = duck, None
                extra.close()
            if duck is not None:
                self._ready = duck


def _close_at_exit(ref: weakref.ReferenceType[SpareDatabases]) -> None:
    spares = ref()
    if spares is not None:
        spares.close()
