"""SCRAM-SHA-256: RFC 7677's test vector, PostgreSQL's own verifiers, failure modes."""

from __future__ import annotations

import base64

import psycopg
import pytest

from pgserver.errors import PgError
from pgserver.protocol import scram

RFC_CLIENT_NONCE = "rOprNGfwEbeRWgbNEkqO"
RFC_SERVER_NONCE = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0"
RFC_SALT = base64.b64decode("W22ZaJ0SNY7soEsUEjb6gQ==")


def _rfc_server() -> scram.ScramServer:
    server = scram.ScramServer("user", scram.make_verifier("pencil", RFC_SALT, 4096))
    server.server_nonce = RFC_SERVER_NONCE
    return server


def test_rfc7677_exchange() -> None:
    server = _rfc_server()
    first = server.client_first("SCRAM-SHA-256", f"n,,n=user,r={RFC_CLIENT_NONCE}".encode())
    assert first == f"r={RFC_CLIENT_NONCE}{RFC_SERVER_NONCE},s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096".encode()
    final = server.client_final(
        f"c=biws,r={RFC_CLIENT_NONCE}{RFC_SERVER_NONCE},p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=".encode())
    assert final == b"v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="


def test_wrong_proof_is_28P01() -> None:
    server = _rfc_server()
    server.client_first("SCRAM-SHA-256", f"n,,n=user,r={RFC_CLIENT_NONCE}".encode())
    bad = base64.b64encode(b"\1" * 32).decode()
    with pytest.raises(PgError) as info:
        server.client_final(f"c=biws,r={RFC_CLIENT_NONCE}{RFC_SERVER_NONCE},p={bad}".encode())
    assert info.value.sqlstate == "28P01"
    assert "pencil" not in str(info.value) and "pencil" not in (info.value.detail or "")


def test_unknown_user_fails_only_at_the_proof() -> None:
    server = scram.ScramServer("nobody", None)
    first = server.client_first("SCRAM-SHA-256", b"n,,n=,r=abc").decode()
    assert first.startswith("r=abc") and ",s=" in first and first.endswith(",i=4096")
    nonce = first.split(",")[0][2:]
    with pytest.raises(PgError) as info:
        server.client_final(f"c=biws,r={nonce},p={base64.b64encode(bytes(32)).decode()}".encode())
    assert info.value.sqlstate == "28P01"


@pytest.mark.parametrize("message", [b"garbage", b"n,,r=abc", b"x,,n=,r=abc", b"n,,n=,r="])
def test_malformed_client_first(message: bytes) -> None:
    with pytest.raises(PgError) as info:
        _rfc_server().client_first("SCRAM-SHA-256", message)
    assert info.value.sqlstate == "08P01"


def test_nonce_and_channel_binding_are_checked() -> None:
    server = _rfc_server()
    server.client_first("SCRAM-SHA-256", f"n,,n=user,r={RFC_CLIENT_NONCE}".encode())
    with pytest.raises(PgError):
        server.client_final(b"c=biws,r=wrongnonce,p=" + base64.b64encode(bytes(32)))
    with pytest.raises(PgError):  # c= must echo the gs2 header "n,,"
        server.client_final(f"c=eSws,r={RFC_CLIENT_NONCE}{RFC_SERVER_NONCE},p=AAAA".encode())


def test_plus_mechanism_is_offered_only_with_binding_data() -> None:
    assert scram.ScramServer("u", None).mechanisms == ["SCRAM-SHA-256"]
    assert scram.ScramServer("u", None, b"x" * 32).mechanisms == ["SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"]
    with pytest.raises(PgError):  # "y": the client thinks we cannot bind although we offered it
        scram.ScramServer("u", None, b"x" * 32).client_first("SCRAM-SHA-256", b"y,,n=,r=abc")


def test_verifier_round_trip_and_bad_verifiers() -> None:
    verifier = scram.make_verifier("s3cret")
    assert scram.parse_verifier(str(verifier)) == verifier
    assert scram.verify_password(verifier, "s3cret")
    assert not scram.verify_password(verifier, "s3cret ")
    for bad in ["", "md5abc", "SCRAM-SHA-256$4096:c2FsdA==$AAAA:AAAA", "SCRAM-SHA-256$x:y$z:w"]:
        with pytest.raises(ValueError):
            scram.parse_verifier(bad)


def test_saslprep_maps_spaces_and_normalizes() -> None:
    assert scram.saslprep("I\u00adX") == "IX"  # soft hyphen maps to nothing
    assert scram.saslprep("a\u00a0b") == "a b"  # non-ASCII space maps to space
    assert scram.saslprep("\u2168") == "IX"  # NFKC
    assert scram.saslprep("a\u0007b") == "a\u0007b"  # prohibited: used unchanged, as PostgreSQL does


@pytest.mark.parametrize("password", ["secret", "pässwörd", "I\u00adX", "a\u00a0b"])
def test_verifiers_agree_with_postgres(real_pg_url: str, password: str) -> None:
    with psycopg.connect(real_pg_url, autocommit=True) as conn:
        conn.execute("DROP ROLE IF EXISTS scram_probe")
        conn.execute(psycopg.sql.SQL("CREATE ROLE scram_probe PASSWORD {}").format(password))
        stored = conn.execute("SELECT rolpassword FROM pg_authid WHERE rolname = 'scram_probe'").fetchone()[0]
        conn.execute("DROP ROLE scram_probe")
    theirs = scram.parse_verifier(stored)
    assert scram.verify_password(theirs, password)
    assert str(scram.make_verifier(password, theirs.salt, theirs.iterations)) == stored
