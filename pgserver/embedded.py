"""Run a whole server on a background thread: for integration tests, benchmarks and notebooks.

The server gets its own anyio event loop (a blocking portal) on a daemon thread;
`serve_in_thread` yields the server once its listener accepts, with `.port` set.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import CancelledError
from contextlib import contextmanager, suppress

import anyio.from_thread

from pgserver.app import build_engine_factory, server_metrics
from pgserver.config import ServerConfig
from pgserver.engine import EngineFactory
from pgserver.server.listener import PgServer


@contextmanager
def serve_in_thread(config: ServerConfig, engine_factory: EngineFactory | None = None) -> Iterator[PgServer]:
    """Start a PgServer for `config` (port 0 picks a free one) and stop it on exit; with [server] metrics, its
    endpoint too (`.metrics_port`)."""
    metrics = server_metrics(config)
    server = PgServer(config, engine_factory or build_engine_factory(config, metrics), metrics)
    with anyio.from_thread.start_blocking_portal() as portal:
        future, _port = portal.start_task(server.serve)
        try:
            yield server
        finally:
            future.cancel()
            with suppress(CancelledError):
                future.result(timeout=30)
