"""The anyio server: listener, start-up and authentication, and the per-connection query loop."""

from pgserver.server.listener import PgServer, build_ssl_context, serve

__all__ = ["PgServer", "build_ssl_context", "serve"]
