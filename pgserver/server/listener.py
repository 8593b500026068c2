"""The TCP listener: one anyio task per client, start-up (TLS, authentication), cancel requests.

Everything a connection does is inside `_handle`'s try block, so one client's failure — a
bad packet, a broken socket, a bug — closes that client only. Start-up and authentication
must finish within `authentication_timeout`, as in PostgreSQL.
"""

from __future__ import annotations

import logging
import socket
import ssl
from typing import TYPE_CHECKING, Any

import anyio
import anyio.abc
from anyio.abc import SocketAttribute
from anyio.streams.tls import TLSStream

from pgserver.auth import authenticate
from pgserver.config import ServerConfig
from pgserver.engine import EngineFactory
from pgserver.errors import (
    ADMIN_SHUTDOWN,
    FEATURE_NOT_SUPPORTED,
    INTERNAL_ERROR,
    INVALID_AUTHORIZATION_SPECIFICATION,
    PROTOCOL_VIOLATION,
    TOO_MANY_CONNECTIONS,
    PgError,
)
from pgserver.protocol import backend
from pgserver.protocol import frontend as fe
from pgserver.protocol.scram import tls_server_end_point
from pgserver.server.backends import Backend, BackendRegistry
from pgserver.server.connection import MessageStream, PeerClosed
from pgserver.server.query_loop import Session
from pgserver.server.server_secret import load_server_secret
from pgserver.server.tcp import listen

if TYPE_CHECKING:
    from pgserver.metrics import Metrics

log = logging.getLogger("pgserver.server")

SUPPORTED_MINOR = 0


def fatal(sqlstate: str, message: str) -> PgError:
    return PgError(sqlstate, message, severity="FATAL")


def build_ssl_context(config: ServerConfig) -> tuple[ssl.SSLContext | None, bytes | None]:
    """The server's TLS context and its tls-server-end-point binding data (None, None without TLS)."""
    if not config.tls_enabled:
        return None, None
    assert config.tls_cert is not None and config.tls_key is not None
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(str(config.tls_cert), str(config.tls_key))
    return context, _channel_binding(config.tls_cert.read_bytes())


def _channel_binding(pem: bytes) -> bytes | None:
    from cryptography import x509

    try:
        cert = x509.load_pem_x509_certificate(pem)
    except ValueError:
        return None
    from cryptography.hazmat.primitives.serialization import Encoding

    algorithm = cert.signature_hash_algorithm
    if algorithm is None:  # Ed25519 and friends: RFC 5929 defines no binding, so no PLUS
        return None
    return tls_server_end_point(cert.public_bytes(Encoding.DER), algorithm.name)


class PgServer:
    """Serves the PostgreSQL protocol on config.host:config.port with engines from `engine_factory`."""

    def __init__(self, config: ServerConfig, engine_factory: EngineFactory, metrics: Metrics | None = None) -> None:
        """`metrics`: counts connections and logins, and is published at config.metrics while serving."""
        self.config = config
        self.engine_factory = engine_factory
        self.metrics = metrics
        self.metrics_port: int | None = None
        self.ssl_context, self.channel_binding = build_ssl_context(config)
        self.mock_secret = load_server_secret(config.secret_file)
        self.backends = BackendRegistry()
        self.active_connections = 0
        self.port: int | None = None

    async def serve(self, *, task_status: anyio.abc.TaskStatus[int] = anyio.TASK_STATUS_IGNORED) -> None:
        """Listen until cancelled; reports the bound port through task_status (port 0 picks one)."""
        listener = await listen(self.config.host, self.config.port)
        self.port = int(listener.extra(SocketAttribute.local_port))
        log.info("listening on %s:%s", self.config.host, self.port)
        if self.metrics is not None and self.config.metrics is not None:
            host, port = self.config.metrics
            try:
                self.metrics_port = self.metrics.serve(host, port)
            except OSError as exc:
                await listener.aclose()
                raise OSError(exc.errno, exc.strerror, f"{host}:{port} (server.metrics)") from None
            log.info("metrics at http://%s:%s/metrics", self.config.metrics[0], self.metrics_port)
        task_status.started(self.port)
        try:
            async with listener, anyio.create_task_group() as tasks:
                tasks.start_soon(self.backends.watch_clients, self.config.client_connection_check_interval)
                await listener.serve(self._handle)
        finally:
            if self.metrics is not None:
                self.metrics.close()

    # --- one connection -----------------------------------------------------------------

    async def _handle(self, client: anyio.abc.SocketStream) -> None:
        stream = MessageStream(client, self.config.max_message_size)
        self.active_connections += 1
        entry: Backend | None = None
        metrics = self.metrics
        if metrics is not None:
            metrics.connection_accepted()
        try:
            with anyio.fail_after(self.config.authentication_timeout):
                entry = await self._startup(stream)
            if entry is None:
                return
            if metrics is not None:
                metrics.login_succeeded()
            with entry.scope:  # cancelled by pg_terminate_backend or when the client went away
                await Session(stream, entry.engine, entry.activity).run()
            if entry.ended_by == "terminate":
                await self._send_fatal(stream, fatal(ADMIN_SHUTDOWN, "terminating connection due to administrator command"))
        except PgError as error:  # start-up failures and protocol violations: report, then close
            if metrics is not None and entry is None:
                metrics.login_failed(error.sqlstate)
            await self._send_fatal(stream, error)
        except (PeerClosed, TimeoutError, ssl.SSLError, anyio.BrokenResourceError, anyio.EndOfStream):
            pass
        except anyio.get_cancelled_exc_class():
            with anyio.CancelScope(shield=True), anyio.move_on_after(1):
                await self._send_fatal(stream, fatal(ADMIN_SHUTDOWN, "terminating connection due to administrator command"))
            raise
        except Exception as exc:  # noqa: BLE001 - a bug must not take other connections down
            log.error("connection failed", exc_info=exc)
            await self._send_fatal(stream, fatal(INTERNAL_ERROR, "internal error"))
        finally:
            self.active_connections -= 1
            if entry is not None:
                self.backends.remove(entry.pid)
                if metrics is not None:
                    metrics.session_ended()
            with anyio.CancelScope(shield=True):
                if entry is not None:
                    try:
                        await entry.engine.close()
                    except Exception as exc:  # noqa: BLE001
                        log.error("engine.close() failed", exc_info=exc)
                await stream.aclose()

    async def _send_fatal(self, stream: MessageStream, error: PgError) -> None:
        if error.severity not in ("FATAL", "PANIC"):
            error = PgError(error.sqlstate, error.message, error.detail, error.hint, error.position, "FATAL")
        try:
            await stream.write_now(backend.error_response(error))
        except PeerClosed:
            pass

    async def _startup(self, stream: MessageStream) -> Backend | None:
        """Negotiate TLS, authenticate, connect the engine; None when the connection ends here."""
        packet = await stream.read_startup()
        tls_done = gss_done = False
        while not isinstance(packet, fe.StartupMessage):
            if isinstance(packet, fe.CancelRequest):
                self.backends.cancel(packet.process_id, packet.secret_key)
                return None
            if isinstance(packet, fe.SSLRequest) and not tls_done:
                if stream.has_buffered_input():
                    raise fatal(PROTOCOL_VIOLATION, "received unencrypted data after SSL request")
                if self.ssl_context is None:
                    await stream.write_now(backend.SSL_REFUSED)
                else:
                    await stream.write_now(backend.SSL_ACCEPTED)
                    stream.stream = await TLSStream.wrap(stream.stream, server_side=True,
                                                         ssl_context=self.ssl_context, standard_compatible=False)
                tls_done = True
            elif isinstance(packet, fe.GSSENCRequest) and not gss_done and not tls_done:
                await stream.write_now(backend.SSL_REFUSED)
                gss_done = True
            else:
                raise fatal(PROTOCOL_VIOLATION, "unexpected start-up packet")
            packet = await stream.read_startup()
        return await self._login(stream, packet, encrypted=isinstance(stream.stream, TLSStream))

    async def _login(self, stream: MessageStream, packet: fe.StartupMessage, encrypted: bool) -> Backend:
        if packet.major != 3:
            raise fatal(FEATURE_NOT_SUPPORTED, f"unsupported frontend protocol {packet.major}.{packet.minor}: "
                        "server supports 3.0 to 3.0")
        params = dict(packet.parameters)
        options = [name for name in params if name.startswith("_pq_.")]
        if packet.minor > SUPPORTED_MINOR or options:
            stream.send(backend.negotiate_protocol_version(SUPPORTED_MINOR, options))
            for name in options:
                params.pop(name)
        user = params.get("user", "")
        if not user:
            raise fatal(INVALID_AUTHORIZATION_SPECIFICATION, "no PostgreSQL user name specified in startup packet")
        database = params.get("database") or user
        if params.get("replication", "false").lower() not in ("false", "off", "no", "0"):
            raise fatal(FEATURE_NOT_SUPPORTED, "replication connections are not supported")
        if self.config.require_tls and not encrypted:
            raise fatal(INVALID_AUTHORIZATION_SPECIFICATION,
                        f'connection for user "{user}" refused: this server requires SSL/TLS')
        if self.active_connections > self.config.max_connections:
            raise fatal(TOO_MANY_CONNECTIONS, "sorry, too many clients already")
        await authenticate(stream, self.config, user, self.channel_binding if encrypted else None, self.mock_secret)
        stream.send(backend.authentication_ok())
        account = self.config.user(user)
        superuser = account is not None and account.superuser
        pid = self.backends.new_pid()
        engine = await self.engine_factory.connect(user, database, params, superuser=superuser, backend_pid=pid,
                                                   server=self.backends)
        try:
            for name, value in engine.parameter_status().items():
                stream.send(backend.parameter_status(name, value))
            entry = Backend(pid, self.backends.new_secret(), engine, user, superuser, database,
                            params.get("application_name", ""), _peer(stream), _raw_socket(stream))
            self.backends.add(entry)
            stream.send(backend.backend_key_data(pid, entry.secret))
            stream.send(backend.ready_for_query(engine.transaction_status))
            await stream.flush()
        except BaseException:
            self.backends.remove(pid)
            with anyio.CancelScope(shield=True):
                await engine.close()
            raise
        log.info("connection authorized: user=%s database=%s application_name=%s tls=%s",
                 user, database, params.get("application_name", ""), encrypted)
        return entry

    def cancel(self, pid: int, secret: int) -> bool:
        """CancelRequest: cancel that connection's running statement if the secret matches."""
        return self.backends.cancel(pid, secret)


def _peer(stream: MessageStream) -> tuple[str, int] | None:
    try:
        address = stream.stream.extra(SocketAttribute.remote_address)
    except anyio.TypedAttributeLookupError:
        return None
    return (str(address[0]), int(address[1])) if isinstance(address, tuple) else None


def _raw_socket(stream: MessageStream) -> socket.socket | None:
    try:
        return stream.stream.extra(SocketAttribute.raw_socket)
    except anyio.TypedAttributeLookupError:
        return None


async def serve(config: ServerConfig, engine_factory: EngineFactory, **kwargs: Any) -> None:
    """Run a server until cancelled (the CLI's entry point)."""
    await PgServer(config, engine_factory).serve(**kwargs)
