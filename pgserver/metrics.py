"""Prometheus metrics over HTTP (`[server] metrics = "127.0.0.1:9187"`; off when absent), via prometheus_client.

One `Metrics` per server, with a registry of its own (two servers in one process never mix their counts):

| metric | type | labels |
|---|---|---|
| pgserver_connections_total | counter | — TCP connections accepted (cancel requests included) |
| pgserver_logins_total | counter | — sessions that logged in |
| pgserver_login_failures_total | counter | sqlstate (28P01 wrong password, 53300 too many clients …) |
| pgserver_sessions | gauge | — sessions logged in now |
| pgserver_statements_total | counter | outcome (ok, error), sqlstate_class ("00", "42", "57" …) |
| pgserver_statement_duration_seconds | histogram | — |
| pgserver_rows_returned_total | counter | — rows sent to clients |
| pgserver_api_requests_total | counter | resource (ids replaced: "customers/{id}"), status ("0": no answer), retry |
| pgserver_api_request_duration_seconds | histogram | resource |
| pgserver_api_response_bytes_total | counter | resource |
| pgserver_api_rows_total | counter | — rows read from the API |
| pgserver_token_requests_total | counter | grant (refresh_token, authorization_code), outcome (ok, error) |
| pgserver_mirror_reads_total | counter | refresh (fill, delta, full, none) — scans answered from the mirror |
| pgserver_mirror_rows_upserted_total | counter | — rows the mirror's refreshes wrote |
| pgserver_mirror_rows_deleted_total | counter | — rows they found deleted |

plus prometheus_client's process_* and python_* collectors. Nothing else is exported: no user names, no SQL,
no query parameters, no tokens — label values come from the fixed sets above and the API's resource names.
"""

from __future__ import annotations

import threading
from wsgiref.simple_server import WSGIServer

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    start_http_server,
)
from prometheus_client.gc_collector import GCCollector

from pgserver.provider import CacheRead, RemoteRequest

STATEMENT_BUCKETS = (0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300)
API_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)


class Metrics:
    """The server's counters; `serve()` publishes them at http://host:port/metrics."""

    def __init__(self) -> None:
        self.registry = registry = CollectorRegistry()
        ProcessCollector(registry=registry)
        PlatformCollector(registry=registry)
        GCCollector(registry=registry)
        self.connections = Counter("pgserver_connections", "TCP connections accepted", registry=registry)
        self.logins = Counter("pgserver_logins", "Sessions that logged in", registry=registry)
        self.login_failures = Counter("pgserver_login_failures", "Connections refused before or at login",
                                      ["sqlstate"], registry=registry)
        self.sessions = Gauge("pgserver_sessions", "Sessions logged in now", registry=registry)
        self.statements = Counter("pgserver_statements", "Statements run, by outcome and SQLSTATE class",
                                  ["outcome", "sqlstate_class"], registry=registry)
        self.statement_seconds = Histogram("pgserver_statement_duration_seconds", "Statement duration",
                                           buckets=STATEMENT_BUCKETS, registry=registry)
        self.rows_returned = Counter("pgserver_rows_returned", "Rows sent to clients", registry=registry)
        self.api_requests = Counter("pgserver_api_requests", "Sage 200 API requests (every attempt)",
                                    ["resource", "status", "retry"], registry=registry)
        self.api_seconds = Histogram("pgserver_api_request_duration_seconds", "Sage 200 API request duration",
                                     ["resource"], buckets=API_BUCKETS, registry=registry)
        self.api_bytes = Counter("pgserver_api_response_bytes", "Bytes of Sage 200 API response bodies",
                                 ["resource"], registry=registry)
        self.api_rows = Counter("pgserver_api_rows", "Rows read from the Sage 200 API", registry=registry)
        self.token_requests = Counter("pgserver_token_requests", "OAuth token requests to Sage ID",
                                      ["grant", "outcome"], registry=registry)
        self.mirror_reads = Counter("pgserver_mirror_reads", "Scans answered from the mirror, by the refresh before",
                                    ["refresh"], registry=registry)
        self.mirror_upserted = Counter("pgserver_mirror_rows_upserted", "Rows written by mirror refreshes",
                                       registry=registry)
        self.mirror_deleted = Counter("pgserver_mirror_rows_deleted", "Rows mirror refreshes found deleted",
                                      registry=registry)
        self._http: WSGIServer | None = None
        self._thread: threading.Thread | None = None

    # -- what the server reports ------------------------------------------------------
    def connection_accepted(self) -> None:
        self.connections.inc()

    def login_succeeded(self) -> None:
        self.logins.inc()
        self.sessions.inc()

    def session_ended(self) -> None:
        self.sessions.dec()

    def login_failed(self, sqlstate: str) -> None:
        self.login_failures.labels(sqlstate).inc()

    def statement(self, sqlstate: str | None, seconds: float, rows: int) -> None:
        """A statement ended: sqlstate None when it succeeded."""
        if sqlstate is None:
            self.statements.labels("ok", "00").inc()
        else:
            self.statements.labels("error", sqlstate[:2]).inc()
        self.statement_seconds.observe(seconds)
        if rows:
            self.rows_returned.inc(rows)

    def api_request(self, request: RemoteRequest) -> None:
        self.api_requests.labels(request.resource, str(request.status), "true" if request.retry else "false").inc()
        self.api_seconds.labels(request.resource).observe(request.seconds)
        if request.response_bytes:
            self.api_bytes.labels(request.resource).inc(request.response_bytes)

    def api_rows_read(self, rows: int) -> None:
        if rows:
            self.api_rows.inc(rows)

    def token_request(self, grant: str, ok: bool) -> None:
        self.token_requests.labels(grant, "ok" if ok else "error").inc()

    def cache_read(self, read: CacheRead) -> None:
        self.mirror_reads.labels(read.refresh).inc()
        if read.rows_upserted:
            self.mirror_upserted.inc(read.rows_upserted)
        if read.rows_deleted:
            self.mirror_deleted.inc(read.rows_deleted)

    # -- the HTTP endpoint ----------------------------------------------------------------
    def serve(self, host: str, port: int) -> int:
        """Publish at http://host:port/metrics (a daemon thread); the port bound (port 0 picks one)."""
        self._http, self._thread = start_http_server(port, addr=host, registry=self.registry)
        return int(self._http.server_address[1])

    def close(self) -> None:
        if self._http is not None:
            self._http.shutdown()
            self._http.server_close()
            self._http = None
