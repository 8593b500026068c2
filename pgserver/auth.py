"""Password authentication of a new connection: SCRAM-SHA-256 (default) or cleartext when configured.

Failures raise PgError with severity FATAL (28P01 wrong password or unknown user, 08P01 for a
client that breaks the exchange); the caller sends it and closes the connection. An unknown
user goes through a mock SCRAM exchange so that user names cannot be probed.
"""

from __future__ import annotations

from pgserver.config import ServerConfig
from pgserver.errors import PROTOCOL_VIOLATION, PgError
from pgserver.protocol import backend
from pgserver.protocol.frontend import AuthenticationResponse, FrontendMessage
from pgserver.protocol.scram import ScramServer, verify_password
from pgserver.server.connection import MessageStream

INVALID_PASSWORD = "28P01"


def _failed(user: str) -> PgError:
    return PgError(INVALID_PASSWORD, f'password authentication failed for user "{user}"', severity="FATAL")


def _expect_response(message: FrontendMessage, what: str) -> AuthenticationResponse:
    if not isinstance(message, AuthenticationResponse):
        raise PgError(PROTOCOL_VIOLATION, f"expected {what} response, got message type {type(message).__name__}",
                      severity="FATAL")
    return message


# PostgreSQL's bounds for messages before authentication ends: a password packet (auth.c) and a SASL token.
MAX_PASSWORD_MESSAGE = 1000
MAX_SASL_MESSAGE = 65535


async def authenticate(stream: MessageStream, config: ServerConfig, user: str,
                       channel_binding: bytes | None = None, mock_secret: bytes = b"") -> None:
    """Run the exchange for `user`; returns normally once the password is proven (before AuthenticationOk).
    `mock_secret` is the server secret an unknown user's mock salt is derived from."""
    account = config.user(user)
    if account is not None and account.password_cleartext:
        await stream.write_now(backend.authentication_cleartext_password())
        response = _expect_response(await stream.read_message(MAX_PASSWORD_MESSAGE), "password")
        password = response.password()
        if not password:
            raise _failed(user)
        if not verify_password(account.verifier, password):
            raise _failed(user)
        return
    exchange = ScramServer(user, account.verifier if account else None, channel_binding, mock_secret)
    await stream.write_now(backend.authentication_sasl(exchange.mechanisms))
    await _sasl_first_round(stream, exchange)
    final = _expect_response(await stream.read_message(MAX_SASL_MESSAGE), "SASL")
    server_final = exchange.client_final(final.data)
    stream.send(backend.authentication_sasl_final(server_final))


async def _sasl_first_round(stream: MessageStream, exchange: ScramServer) -> None:
    """client-first in, server-first out. A function of its own so that the (up to 64 kB) messages are gone
    while the client takes its time over the final message: only the exchange's fixed-size state stays."""
    initial = _expect_response(await stream.read_message(MAX_SASL_MESSAGE), "SASL")
    mechanism, client_first = initial.sasl_initial()
    await stream.write_now(backend.authentication_sasl_continue(exchange.client_first(mechanism, client_first)))
