"""A throw-away PostgreSQL 15 cluster for differential tests (the type registry vs the real thing)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from scripts.realpg import available, throwaway_postgres


@contextmanager
def real_postgres() -> Iterator[str]:
    """A loopback PG 15 with trust auth; yields a libpq URL; stopped and removed afterwards."""
    if not available():
        raise FileNotFoundError("PostgreSQL 15 server binaries are not installed")
    with throwaway_postgres() as pg:
        yield pg.url
