"""Raw sockets: message order of the extended protocol, malformed input (08P01 then close), isolation."""

from __future__ import annotations

import socket
import struct

import pgproto_wire as w
import psycopg
import pytest
from pgproto_server import PASSWORDS, RunningServer, make_config, running_server


class RawClient:
    """Speaks the protocol byte by byte; logs in as the cleartext user to keep the handshake short."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.buf = b""

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def _fill(self, n: int) -> bool:
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                return False
            self.buf += chunk
        return True

    def read(self) -> tuple[bytes, bytes] | None:
        """The next (type, body), or None at EOF."""
        if not self._fill(5):
            return None
        (length,) = struct.unpack_from(">i", self.buf, 1)
        if not self._fill(1 + length):
            return None
        msg = (self.buf[:1], self.buf[5: 1 + length])
        self.buf = self.buf[1 + length:]
        return msg

    def until_ready(self) -> list[tuple[bytes, bytes]]:
        out = []
        while (msg := self.read()) is not None:
            out.append(msg)
            if msg[0] == b"Z":
                return out
        raise AssertionError(f"connection closed before ReadyForQuery: {out}")

    def login(self) -> list[tuple[bytes, bytes]]:
        self.send(w.startup({"user": "clear", "database": "sage200"}))
        assert self.read() == (b"R", struct.pack(">i", 3))
        self.send(w.msg(b"p", w.cstr(PASSWORDS["clear"])))
        return self.until_ready()

    def close(self) -> None:
        self.sock.close()


def _codes(messages: list[tuple[bytes, bytes]]) -> list[str]:
    return [m[0].decode() for m in messages]


def _error_fields(body: bytes) -> dict[str, str]:
    return {f[:1].decode(): f[1:].decode() for f in body.rstrip(b"\0").split(b"\0")}


@pytest.fixture
def raw(pg_server: RunningServer) -> RawClient:
    client = RawClient(pg_server.port)
    yield client
    client.close()


def test_startup_sequence(pg_server: RunningServer, raw: RawClient) -> None:
    messages = raw.login()
    pid, _secret = struct.unpack(">ii", next(body for code, body in messages if code == b"K"))
    assert pid == pg_server.factory.engines[-1].backend_pid  # BackendKeyData agrees with pg_backend_pid()
    codes = _codes(messages)
    assert codes[0] == "R" and codes[-2:] == ["K", "Z"]
    status = dict(tuple(body[:-1].decode().split("\0")) for code, body in messages if code == b"S")
    assert status["server_version"].startswith("15.") and status["client_encoding"] == "UTF8"
    assert status["session_authorization"] == "clear"
    assert messages[-1] == (b"Z", b"I")


def test_extended_protocol_order_and_row_limit(raw: RawClient) -> None:
    raw.login()
    raw.send(w.parse("", "SELECT 5", []) + w.describe("S", "") + w.bind("", "", [], [], [1])
             + w.describe("P", "") + w.execute("", 2) + w.execute("", 2) + w.execute("", 0) + w.sync())
    messages = raw.until_ready()
    assert _codes(messages) == ["1", "t", "T", "2", "T", "D", "D", "s", "D", "D", "s", "D", "C", "Z"]
    statement_rd, portal_rd = messages[2][1], messages[4][1]
    assert statement_rd != portal_rd  # the portal's RowDescription carries binary format codes
    assert messages[12][1] == b"SELECT 1\0"  # rows of the last Execute only, as PostgreSQL counts
    assert struct.unpack(">ii", messages[5][1][2:10]) == (4, 1)  # binary int4 1


def test_error_skips_until_sync_then_recovers(raw: RawClient) -> None:
    raw.login()
    raw.send(w.parse("", "FAIL 42601 bad", []) + w.bind("", "", [], [], []) + w.execute("") + w.sync()
             + w.query("SELECT 1"))
    first = raw.until_ready()
    assert _codes(first) == ["E", "Z"]
    assert _error_fields(first[0][1])["C"] == "42601"
    assert _codes(raw.until_ready()) == ["T", "D", "C", "Z"]


def test_named_statements_portals_and_close(raw: RawClient) -> None:
    raw.login()
    raw.send(w.parse("s1", "SELECT $1::int4", [0]) + w.parse("s1", "SELECT 1", []) + w.sync())
    msgs = raw.until_ready()
    assert _codes(msgs) == ["1", "E", "Z"] and _error_fields(msgs[1][1])["C"] == "42P05"
    raw.send(w.bind("p", "s1", [0], [b"41"], []) + w.execute("p") + w.bind("", "nope", [], [], [])
             + w.sync())
    msgs = raw.until_ready()
    assert _codes(msgs) == ["2", "D", "C", "E", "Z"] and _error_fields(msgs[3][1])["C"] == "26000"
    raw.send(w.msg(b"C", b"S" + w.cstr("s1")) + w.msg(b"C", b"P" + w.cstr("missing"))
             + w.bind("", "s1", [], [b"1"], []) + w.sync())
    msgs = raw.until_ready()
    assert _codes(msgs) == ["3", "3", "E", "Z"] and _error_fields(msgs[2][1])["C"] == "26000"
    raw.send(w.parse("s2", "SELECT $1::int4", []) + w.bind("", "s2", [], [b"x", b"y"], []) + w.sync())
    msgs = raw.until_ready()
    assert _codes(msgs) == ["1", "E", "Z"] and _error_fields(msgs[1][1])["C"] == "08P01"
    raw.send(w.bind("", "s2", [0], [b"not a number"], []) + w.sync())
    msgs = raw.until_ready()
    assert _error_fields(msgs[0][1])["C"] == "22P02"


def test_portals_survive_sync_inside_a_transaction_only(raw: RawClient) -> None:
    raw.login()
    raw.send(w.query("BEGIN"))
    raw.until_ready()
    raw.send(w.parse("", "SELECT 3", []) + w.bind("c", "", [], [], []) + w.execute("c", 1) + w.sync())
    assert _codes(raw.until_ready())[-2:] == ["s", "Z"]
    raw.send(w.execute("c", 0) + w.sync())
    assert _codes(raw.until_ready()) == ["D", "D", "C", "Z"]
    raw.send(w.query("COMMIT"))
    raw.until_ready()
    raw.send(w.execute("c", 0) + w.sync())
    msgs = raw.until_ready()
    assert _error_fields(msgs[0][1])["C"] == "34000"


def test_empty_queries(raw: RawClient) -> None:
    raw.login()
    raw.send(w.query(""))
    assert _codes(raw.until_ready()) == ["I", "Z"]
    raw.send(w.parse("", "", []) + w.bind("", "", [], [], []) + w.describe("P", "") + w.execute("") + w.sync())
    assert _codes(raw.until_ready()) == ["1", "2", "n", "I", "Z"]


@pytest.mark.parametrize("garbage", [
    w.msg(b"!", b"what"),
    b"Q" + struct.pack(">i", 2),
    w.msg(b"p", b"password again\0"),
])
def test_malformed_messages_get_08P01_and_close_without_hurting_others(pg_server: RunningServer, raw: RawClient,
                                                                       garbage: bytes) -> None:
    with psycopg.connect(pg_server.dsn(), autocommit=True) as bystander:
        raw.login()
        raw.send(garbage)
        reply = raw.read()
        assert reply is not None and reply[0] == b"E"
        fields = _error_fields(reply[1])
        assert (fields["S"], fields["C"]) == ("FATAL", "08P01")
        assert raw.read() is None  # closed, as PostgreSQL does after a protocol violation
        assert bystander.execute("SELECT 2").fetchall()[1][0] == 2


@pytest.mark.parametrize("startup", [
    struct.pack(">i", 3),
    struct.pack(">ii", 10_001, 196608),
    w.startup({"user": "x"}, protocol=2 << 16),
    w.startup({"database": "sage200"}),
])
def test_bad_startup_packets_are_refused(pg_server: RunningServer, startup: bytes) -> None:
    client = RawClient(pg_server.port)
    try:
        client.send(startup)
        reply = client.read()
        assert reply is not None and reply[0] == b"E"
        assert _error_fields(reply[1])["S"] == "FATAL"
        assert client.read() is None
    finally:
        client.close()


def test_cancel_with_a_wrong_key_is_ignored(pg_server: RunningServer, raw: RawClient) -> None:
    messages = raw.login()
    pid, secret = struct.unpack(">ii", next(body for code, body in messages if code == b"K"))
    assert not pg_server.server.cancel(pid, secret ^ 1)
    assert not pg_server.server.cancel(pid + 10_000_000, secret)
    assert pg_server.server.cancel(pid, secret)
    canceller = RawClient(pg_server.port)
    canceller.send(w.cancel_request(pid, secret ^ 1))
    assert canceller.read() is None  # the server answers a CancelRequest by closing
    canceller.close()


def test_protocol_minor_version_is_negotiated(pg_server: RunningServer) -> None:
    client = RawClient(pg_server.port)
    try:
        client.send(w.startup({"user": "clear", "database": "sage200", "_pq_.magic": "1"}, protocol=(3 << 16) | 2))
        code, body = client.read()
        assert code == b"v"
        assert body == struct.pack(">ii", 0, 1) + b"_pq_.magic\0"
        assert client.read() == (b"R", struct.pack(">i", 3))
    finally:
        client.close()


def test_silent_clients_are_dropped_after_the_authentication_timeout(tmp_path: object) -> None:
    with running_server(make_config(None, authentication_timeout=0.2)) as server:
        idle = RawClient(server.port)
        try:
            idle.send(w.startup({"user": "clear", "database": "sage200"}))
            assert idle.read() == (b"R", struct.pack(">i", 3))
            assert idle.read() is None  # never answered the password request: closed by the server
        finally:
            idle.close()


def test_gssenc_then_ssl_request_like_libpq(pg_server: RunningServer) -> None:
    client = RawClient(pg_server.port)
    try:
        client.send(struct.pack(">ii", 8, 80877104))
        assert client.sock.recv(1) == b"N"
        client.send(w.ssl_request())
        assert client.sock.recv(1) == b"S"  # the TLS handshake would follow
    finally:
        client.close()


def test_connection_limit(tmp_path: object) -> None:
    with running_server(make_config(None, max_connections=1)) as server:
        first = RawClient(server.port)
        first.login()
        second = RawClient(server.port)  # connected only once the first one is in
        try:
            second.send(w.startup({"user": "clear", "database": "sage200"}))
            reply = second.read()
            assert reply is not None and _error_fields(reply[1])["C"] == "53300"
        finally:
            first.close()
            second.close()


@pytest.mark.parametrize("extended", [False, True])
def test_fatal_engine_errors_end_the_connection(raw: RawClient, extended: bool) -> None:
    raw.login()
    sql = "FATAL 57P01 terminating connection due to administrator command"
    raw.send(w.parse("", sql, []) + w.sync() if extended else w.query(sql))
    code, body = raw.read()
    assert code == b"E" and (_error_fields(body)["S"], _error_fields(body)["C"]) == ("FATAL", "57P01")
    assert raw.read() is None
