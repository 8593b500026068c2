"""SCRAM-SHA-256 (RFC 5802 / RFC 7677) on the server side, sans-IO, with PostgreSQL's verifier format.

Verifiers look exactly like pg_authid.rolpassword ("SCRAM-SHA-256$<iter>:<salt>$<StoredKey>:<ServerKey>"),
so a verifier made by PostgreSQL works here and vice versa. Channel binding
'tls-server-end-point' (SCRAM-SHA-256-PLUS) is supported when the server's certificate is known.
An unknown user gets a mock exchange that fails only at the end, with a salt derived from a server secret,
so user names do not leak.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import stringprep
import unicodedata
from dataclasses import dataclass

from pgserver.errors import PgError

MECHANISM = "SCRAM-SHA-256"
MECHANISM_PLUS = "SCRAM-SHA-256-PLUS"
DEFAULT_ITERATIONS = 4096
INVALID_PASSWORD = "28P01"
PROTOCOL_VIOLATION = "08P01"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError) as exc:
        raise _malformed("invalid base64") from exc


def _malformed(detail: str) -> PgError:
    return PgError(PROTOCOL_VIOLATION, "malformed SCRAM message", detail=detail, severity="FATAL")


def saslprep(password: str) -> str:
    """RFC 4013 SASLprep as PostgreSQL applies it: on failure the password is used unchanged."""
    mapped = "".join(
        " " if stringprep.in_table_c12(c) else c for c in password if not stringprep.in_table_b1(c)
    )
    normalized = unicodedata.normalize("NFKC", mapped)
    if not normalized:
        return password
    prohibited = (
        stringprep.in_table_c12, stringprep.in_table_c21_c22, stringprep.in_table_c3, stringprep.in_table_c4,
        stringprep.in_table_c5, stringprep.in_table_c6, stringprep.in_table_c7, stringprep.in_table_c8,
        stringprep.in_table_c9, stringprep.in_table_a1,
    )
    if any(check(c) for c in normalized for check in prohibited):
        return password
    has_ral = any(stringprep.in_table_d1(c) for c in normalized)
    if has_ral and (any(stringprep.in_table_d2(c) for c in normalized)
                    or not stringprep.in_table_d1(normalized[0]) or not stringprep.in_table_d1(normalized[-1])):
        return password
    return normalized


@dataclass(frozen=True)
class ScramVerifier:
    iterations: int
    salt: bytes
    stored_key: bytes
    server_key: bytes

    def __str__(self) -> str:
        return (f"{MECHANISM}${self.iterations}:{_b64(self.salt)}$"
                f"{_b64(self.stored_key)}:{_b64(self.server_key)}")


def _keys(password: str, salt: bytes, iterations: int) -> tuple[bytes, bytes, bytes]:
    salted = hashlib.pbkdf2_hmac("sha256", saslprep(password).encode("utf-8"), salt, iterations)
    client_key = hmac.digest(salted, b"Client Key", "sha256")
    server_key = hmac.digest(salted, b"Server Key", "sha256")
    return client_key, hashlib.sha256(client_key).digest(), server_key


def make_verifier(password: str, salt: bytes | None = None, iterations: int = DEFAULT_ITERATIONS) -> ScramVerifier:
    """A verifier for `password` (random 16-byte salt unless given), as CREATE ROLE … PASSWORD stores it."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    _client_key, stored_key, server_key = _keys(password, salt, iterations)
    return ScramVerifier(iterations, salt, stored_key, server_key)


def parse_verifier(text: str) -> ScramVerifier:
    """Parse "SCRAM-SHA-256$<iter>:<salt>$<StoredKey>:<ServerKey>"; ValueError if it is not one."""
    try:
        mechanism, iter_salt, keys = text.strip().split("$")
        iterations, salt = iter_salt.split(":")
        stored, server = keys.split(":")
        verifier = ScramVerifier(int(iterations), base64.b64decode(salt, validate=True),
                                 base64.b64decode(stored, validate=True), base64.b64decode(server, validate=True))
    except (ValueError, TypeError) as exc:
        raise ValueError("not a SCRAM-SHA-256 verifier") from exc
    if mechanism != MECHANISM or verifier.iterations < 1 or len(verifier.stored_key) != 32 \
            or len(verifier.server_key) != 32:
        raise ValueError("not a SCRAM-SHA-256 verifier")
    return verifier


def verify_password(verifier: ScramVerifier, password: str) -> bool:
    """Check a cleartext password (AuthenticationCleartextPassword) against a verifier."""
    _client_key, stored_key, server_key = _keys(password, verifier.salt, verifier.iterations)
    return hmac.compare_digest(stored_key, verifier.stored_key) and hmac.compare_digest(server_key, verifier.server_key)


def _attributes(message: str) -> list[tuple[str, str]]:
    pairs = []
    for part in message.split(","):
        if len(part) < 2 or part[1] != "=":
            raise _malformed(f"expected attribute in {message!r}")
        pairs.append((part[0], part[2:]))
    return pairs


def mock_salt(secret: bytes, user: str) -> bytes:
    """The salt offered for an unknown user: stable for one server (so probing twice shows nothing) but not
    computable without the server's secret, as PostgreSQL derives it from its cluster's mock_auth_nonce."""
    return hmac.digest(secret, b"scram-mock-salt\0" + user.encode("utf-8", "surrogatepass"), "sha256")[:16]


class ScramServer:
    """One SCRAM exchange: client-first -> server-first, client-final -> server-final.

    `verifier` None means the user is unknown: the exchange runs with a mock salt (from `mock_secret`) and
    fails at the proof with the same message as a wrong password, as PostgreSQL does. `channel_binding` is the
    tls-server-end-point data (hash of the server certificate) when TLS is on, else None.

    The state kept between the two client messages is of fixed size, however long the client's nonce:
    the AuthMessage prefix goes straight into the two HMACs it feeds, and the nonce is kept as a digest.
    """

    def __init__(self, user: str, verifier: ScramVerifier | None, channel_binding: bytes | None = None,
                 mock_secret: bytes = b"") -> None:
        self.user = user
        self.known_user = verifier is not None
        self.verifier = verifier or ScramVerifier(DEFAULT_ITERATIONS, mock_salt(mock_secret, user),
                                                  b"\0" * 32, b"\0" * 32)
        self.channel_binding = channel_binding
        self.server_nonce = _b64(secrets.token_bytes(18))
        self._gs2_header = ""
        self._nonce_digest = b""
        self._client_mac: hmac.HMAC | None = None  # HMAC(StoredKey, AuthMessage) fed with its prefix
        self._server_mac: hmac.HMAC | None = None  # HMAC(ServerKey, AuthMessage) fed with its prefix
        self.mechanism = ""

    @property
    def mechanisms(self) -> list[str]:
        """What AuthenticationSASL offers: PLUS first when channel binding is possible."""
        return [MECHANISM_PLUS, MECHANISM] if self.channel_binding is not None else [MECHANISM]

    def client_first(self, mechanism: str, message: bytes) -> bytes:
        if mechanism not in self.mechanisms:
            raise PgError(PROTOCOL_VIOLATION, "SASL authentication mechanism not supported", severity="FATAL")
        self.mechanism = mechanism
        try:
            text = message.decode("utf-8", errors="strict")
        except UnicodeDecodeError as exc:
            raise _malformed("client-first-message is not valid UTF-8") from exc
        parts = text.split(",", 2)
        if len(parts) != 3:
            raise _malformed("client-first-message is incomplete")
        cbind_flag, authzid, bare = parts
        if authzid:
            raise PgError("0A000", "client uses authorization identity, but it is not supported", severity="FATAL")
        if mechanism == MECHANISM_PLUS:
            if cbind_flag != "p=tls-server-end-point":
                raise _malformed("channel binding type must be tls-server-end-point with SCRAM-SHA-256-PLUS")
        elif cbind_flag.startswith("p="):
            raise _malformed("the client selected channel binding but not SCRAM-SHA-256-PLUS")
        elif cbind_flag == "y" and self.channel_binding is not None:
            # The client believes we do not support binding although we offered it: a downgrade.
            raise _malformed("SCRAM channel binding negotiation error")
        elif cbind_flag not in ("n", "y"):
            raise _malformed(f"unexpected channel-binding flag {cbind_flag[:40]!r}")
        attrs = _attributes(bare)
        if len(attrs) < 2 or attrs[0][0] != "n" or attrs[1][0] != "r" or not attrs[1][1]:
            raise _malformed("client-first-message must start with n= and r=")
        if any(key == "m" for key, _ in attrs):
            raise _malformed("mandatory SCRAM extensions are not supported")
        self._gs2_header = f"{cbind_flag},{authzid},"
        nonce = attrs[1][1] + self.server_nonce
        self._nonce_digest = hashlib.sha256(nonce.encode()).digest()
        server_first = f"r={nonce},s={_b64(self.verifier.salt)},i={self.verifier.iterations}"
        prefix = f"{bare},{server_first},".encode()
        self._client_mac = hmac.new(self.verifier.stored_key, prefix, "sha256")
        self._server_mac = hmac.new(self.verifier.server_key, prefix, "sha256")
        return server_first.encode("ascii")

    def client_final(self, message: bytes) -> bytes:
        """Check the proof; PgError 28P01 if it is wrong; returns the server-final-message."""
        if self._client_mac is None or self._server_mac is None:
            raise _malformed("client-final-message before client-first-message")
        text = message.decode("utf-8", errors="replace")
        attrs = _attributes(text)
        if len(attrs) < 3 or attrs[0][0] != "c" or attrs[1][0] != "r" or attrs[-1][0] != "p":
            raise _malformed("client-final-message must be c=, r=, …, p=")
        expected_cbind = self._gs2_header.encode("ascii")
        if self.mechanism == MECHANISM_PLUS:
            expected_cbind += self.channel_binding or b""
        if not hmac.compare_digest(_unb64(attrs[0][1]), expected_cbind):
            raise _malformed("SCRAM channel binding check failed")
        if not hmac.compare_digest(hashlib.sha256(attrs[1][1].encode()).digest(), self._nonce_digest):
            raise _malformed("nonce does not match")
        proof = _unb64(attrs[-1][1])
        without_proof = text[: text.rindex(",p=")].encode()
        client_mac, server_mac = self._client_mac.copy(), self._server_mac.copy()
        client_mac.update(without_proof)
        server_mac.update(without_proof)
        client_signature = client_mac.digest()
        if len(proof) != len(client_signature):
            raise _malformed("malformed proof")
        client_key = bytes(a ^ b for a, b in zip(proof, client_signature, strict=True))
        ok = hmac.compare_digest(hashlib.sha256(client_key).digest(), self.verifier.stored_key)
        if not ok or not self.known_user:
            raise PgError(INVALID_PASSWORD, f'password authentication failed for user "{self.user}"', severity="FATAL")
        return f"v={_b64(server_mac.digest())}".encode("ascii")


def tls_server_end_point(certificate_der: bytes, signature_hash: str = "sha256") -> bytes:
    """RFC 5929 channel-binding data: the server certificate hashed with its signature's hash
    algorithm, SHA-256 when that is MD5 or SHA-1."""
    name = signature_hash.lower().replace("-", "")
    if name in ("md5", "sha1"):
        name = "sha256"
    return hashlib.new(name, certificate_der).digest()
