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


async def authenticate(stream: MessageStream, config: ServerConfig, user: str,
                       channel_binding: bytes | None = None) -> None:
    """Run the exchange for `user`; returns normally once the password is proven (before AuthenticationOk)."""
    account = config.user(user)
    if account is not None and account.password_cleartext:
        await stream.write_now(backend.authentication_cleartext_password())
        response = _expect_response(await stream.read_message(), "password")
        password = response.password()
        if not password:
            raise _failed(user)
        if not verify_password(account.verifier, password):
            raise _failed(user)
        return
    exchange = ScramServer(user, account.verifier if account else None, channel_binding)
    await stream.write_now(backend.authentication_sasl(exchange.mechanisms))
    initial = _expect_response(await stream.read_message(), "SASL")
    mechanism, client_first = initial.sasl_initial()
    server_first = exchange.client_first(mechanism, client_first)
    await stream.write_now(backend.authentication_sasl_continue(server_first))
    final = _expect_response(await stream.read_message(), "SASL")
    server_final = exchange.client_final(final.data)
    stream.send(backend.authentication_sasl_final(server_final))
