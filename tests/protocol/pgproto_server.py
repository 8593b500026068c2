"""Running a real PgServer (with the fake engine) in a background thread for client tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from anyio.from_thread import start_blocking_portal
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pgproto_fake_engine import FakeEngineFactory

from pgserver.config import ServerConfig, parse_config
from pgserver.server import PgServer

PASSWORDS = {"demo": "demo", "clear": "clear-pw"}


def make_self_signed(directory: Path) -> tuple[Path, Path]:
    """A throw-away EC P-256 certificate for CN=localhost, signed with SHA-256."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "server.crt", directory / "server.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def make_config(tls_dir: Path | None, **server: object) -> ServerConfig:
    table: dict[str, object] = {"host": "127.0.0.1", "port": 0, **server}
    if tls_dir is not None:
        cert, key = make_self_signed(tls_dir)
        table.update(tls_cert=str(cert), tls_key=str(key))
    return parse_config({
        "server": table,
        "users": [{"name": "demo", "password": PASSWORDS["demo"]},
                  {"name": "clear", "password": PASSWORDS["clear"], "password_cleartext": True}],
        "databases": {"sage200": {}},
    })


@dataclass
class RunningServer:
    server: PgServer
    factory: FakeEngineFactory
    port: int

    def dsn(self, user: str = "demo", sslmode: str = "disable", **extra: str) -> str:
        parts = {"host": "127.0.0.1", "port": str(self.port), "user": user, "dbname": "sage200",
                 "password": PASSWORDS.get(user, "x"), "sslmode": sslmode, **extra}
        return " ".join(f"{k}={v}" for k, v in parts.items())


@contextmanager
def running_server(config: ServerConfig) -> Iterator[RunningServer]:
    factory = FakeEngineFactory()
    server = PgServer(config, factory)
    with start_blocking_portal() as portal:
        future, port = portal.start_task(server.serve)
        try:
            yield RunningServer(server, factory, port)
        finally:
            future.cancel()
