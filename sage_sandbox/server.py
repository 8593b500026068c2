"""Running the sandbox on a real socket: uvicorn in a background thread (tests) or in front (CLI)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from starlette.applications import Starlette
from uvicorn.protocols.http.h11_impl import H11Protocol

from .app import create_app
from .config import SandboxConfig
from .middleware import ABORT_KEY


class SandboxH11Protocol(H11Protocol):
    """uvicorn's h11 protocol that also hands the app a way to drop the TCP connection (faults)."""

    def handle_events(self) -> None:
        super().handle_events()
        cycle = getattr(self, "cycle", None)
        if cycle is not None and ABORT_KEY not in cycle.scope:
            cycle.scope[ABORT_KEY] = self.transport.abort


def uvicorn_config(app: Starlette, host: str, port: int, log_level: str = "warning") -> uvicorn.Config:
    return uvicorn.Config(app, host=host, port=port, http=SandboxH11Protocol, lifespan="off",
                          log_level=log_level, timeout_graceful_shutdown=2, access_log=False)


@contextmanager
def serve_in_thread(app_or_config: Starlette | SandboxConfig | None = None, host: str = "127.0.0.1",
                    port: int = 0) -> Iterator[str]:
    """Serve on a free loopback port; yields the base URL (e.g. http://127.0.0.1:54321)."""
    app = app_or_config if isinstance(app_or_config, Starlette) else create_app(app_or_config)
    # IPPROTO_TCP explicitly: asyncio turns Nagle off only on sockets whose proto says TCP, and with
    # Nagle on every response waited for the client's delayed ACK (~40 ms per request on loopback).
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    bound_port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn_config(app, host, bound_port))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="sage-sandbox", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the sandbox server did not start")
        time.sleep(0.01)
    try:
        yield f"http://{host}:{bound_port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
