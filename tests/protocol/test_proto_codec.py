"""The sans-IO codec: whole, byte-by-byte and concatenated input; malformed input is 08P01."""

from __future__ import annotations

import struct

import pgproto_wire as w
import pytest

from pgserver.errors import PgError
from pgserver.protocol import backend as be
from pgserver.protocol import frontend as fe


def _drain(buf: fe.ReceiveBuffer) -> list[object]:
    out = []
    while (m := buf.next_message()) is not None:
        out.append(m)
    return out


STREAM = (
    w.query("SELECT 1; SELECT 'é'")
    + w.parse("s1", "SELECT $1::int", [23, 0])
    + w.bind("p1", "s1", [1], [struct.pack(">i", 7), None], [0, 1])
    + w.describe("P", "p1")
    + w.execute("p1", 10)
    + w.msg(b"C", b"S" + w.cstr("s1"))
    + w.msg(b"H") + w.sync() + w.msg(b"X")
)
EXPECTED = [
    fe.Query("SELECT 1; SELECT 'é'"),
    fe.Parse("s1", "SELECT $1::int", (23, 0)),
    fe.Bind("p1", "s1", (1,), (struct.pack(">i", 7), None), (0, 1)),
    fe.Describe("P", "p1"),
    fe.Execute("p1", 10),
    fe.Close("S", "s1"),
    fe.Flush(), fe.Sync(), fe.Terminate(),
]


def test_whole_stream_parses_in_order() -> None:
    buf = fe.ReceiveBuffer()
    buf.feed(STREAM)
    assert _drain(buf) == EXPECTED
    assert len(buf) == 0


def test_byte_by_byte_gives_the_same_messages() -> None:
    buf = fe.ReceiveBuffer()
    got = []
    for i in range(len(STREAM)):
        buf.feed(STREAM[i: i + 1])
        got.extend(_drain(buf))
    assert got == EXPECTED


def test_trailing_partial_message_waits_for_more() -> None:
    buf = fe.ReceiveBuffer()
    extra = w.query("SELECT 2")
    buf.feed(w.sync() + extra[:7])
    assert _drain(buf) == [fe.Sync()]
    buf.feed(extra[7:])
    assert _drain(buf) == [fe.Query("SELECT 2")]


def test_startup_packets_then_messages_in_one_chunk() -> None:
    buf = fe.ReceiveBuffer()
    buf.feed(w.ssl_request() + w.startup({"user": "demo", "database": "sage200"}) + w.query("x"))
    assert buf.next_startup() == fe.SSLRequest()
    first = buf.next_startup()
    assert isinstance(first, fe.StartupMessage)
    assert (first.major, first.minor, dict(first.parameters)) == (3, 0, {"user": "demo", "database": "sage200"})
    assert buf.next_message() == fe.Query("x")


def test_cancel_and_gssenc_requests() -> None:
    buf = fe.ReceiveBuffer()
    buf.feed(w.cancel_request(1234, -5) + struct.pack(">ii", 8, 80877104))
    assert buf.next_startup() == fe.CancelRequest(1234, -5)
    assert buf.next_startup() == fe.GSSENCRequest()


def test_startup_byte_by_byte() -> None:
    data = w.startup({"user": "u"})
    buf = fe.ReceiveBuffer()
    results = []
    for i in range(len(data)):
        buf.feed(data[i: i + 1])
        results.append(buf.next_startup())
    assert results[:-1] == [None] * (len(data) - 1)
    assert results[-1] == fe.StartupMessage(196608, {"user": "u"})


def test_bind_format_helpers() -> None:
    bind = fe.Bind("", "", (1,), (b"a", b"b"), ())
    assert [bind.param_format(0), bind.param_format(1), bind.result_format(3)] == [1, 1, 0]


def test_sasl_initial_response() -> None:
    data = w.cstr("SCRAM-SHA-256") + struct.pack(">i", 5) + b"n,,ab"
    assert fe.AuthenticationResponse(data).sasl_initial() == ("SCRAM-SHA-256", b"n,,ab")
    assert fe.AuthenticationResponse(b"secret\0").password() == "secret"


@pytest.mark.parametrize("bad", [
    w.msg(b"!", b""),  # unknown type
    b"Q" + struct.pack(">i", 2),  # length below 4
    w.msg(b"Q", b"no terminator"),
    w.msg(b"S", b"junk"),  # trailing bytes in a fixed message
    w.msg(b"D", b"Xname\0"),  # bad describe kind
    w.msg(b"E", w.cstr("p")),  # missing max_rows
    w.bind("", "", [0, 0], [b"x"], []),  # 2 formats for 1 param
    w.msg(b"B", w.cstr("") + w.cstr("") + struct.pack(">hhi", 0, 1, -7) + struct.pack(">h", 0)),
    w.msg(b"P", w.cstr("") + w.cstr("x") + struct.pack(">h", 3) + struct.pack(">I", 23)),
])
def test_malformed_messages_are_protocol_violations(bad: bytes) -> None:
    buf = fe.ReceiveBuffer()
    buf.feed(bad)
    with pytest.raises(PgError) as info:
        buf.next_message()
    assert info.value.sqlstate == "08P01"


@pytest.mark.parametrize("bad", [struct.pack(">i", 3), struct.pack(">i", 20000), struct.pack(">ii", 9, 196608) + b"u"])
def test_malformed_startup_is_protocol_violation(bad: bytes) -> None:
    buf = fe.ReceiveBuffer()
    buf.feed(bad)
    with pytest.raises(PgError) as info:
        buf.next_startup()
    assert info.value.sqlstate == "08P01"


def test_message_size_guard_fires_before_the_body_arrives() -> None:
    buf = fe.ReceiveBuffer(max_message_size=1024)
    buf.feed(b"Q" + struct.pack(">i", 1_000_000))
    with pytest.raises(PgError) as info:
        buf.next_message()
    assert info.value.sqlstate == "54000"


def test_invalid_utf8_in_query() -> None:
    buf = fe.ReceiveBuffer()
    buf.feed(w.msg(b"Q", b"SELECT '\xff'\0"))
    with pytest.raises(PgError) as info:
        buf.next_message()
    assert info.value.sqlstate == "22021"


def test_backend_encoders_produce_exact_bytes() -> None:
    assert be.ready_for_query("I") == b"Z\x00\x00\x00\x05I"
    assert be.authentication_ok() == b"R\x00\x00\x00\x08\x00\x00\x00\x00"
    assert be.parameter_status("a", "b") == b"S\x00\x00\x00\x08a\x00b\x00"
    assert be.command_complete("SELECT 1") == b"C\x00\x00\x00\x0dSELECT 1\x00"
    assert be.data_row([b"1", None]) == b"D\x00\x00\x00\x0f\x00\x02\x00\x00\x00\x011\xff\xff\xff\xff"
    assert be.parameter_description([23, 25]) == b"t\x00\x00\x00\x0e\x00\x02\x00\x00\x00\x17\x00\x00\x00\x19"
    assert be.authentication_sasl(["SCRAM-SHA-256"]) == b"R\x00\x00\x00\x17\x00\x00\x00\x0aSCRAM-SHA-256\x00\x00"
    assert be.backend_key_data(7, -1) == b"K\x00\x00\x00\x0c\x00\x00\x00\x07\xff\xff\xff\xff"
    for encoder, code in [(be.parse_complete, b"1"), (be.bind_complete, b"2"), (be.close_complete, b"3"),
                          (be.no_data, b"n"), (be.portal_suspended, b"s"), (be.empty_query_response, b"I")]:
        assert encoder() == code + b"\x00\x00\x00\x04"
    rd = be.row_description([be.FieldDescription("n", 23, 4, -1, 1, 16384, 2)])
    assert rd == b"T" + struct.pack(">ih", 4 + 2 + 2 + 18, 1) + b"n\0" + struct.pack(">IhIhih", 16384, 2, 23, 4, -1, 1)


def test_error_response_carries_all_fields() -> None:
    err = PgError("42P01", 'relation "x" does not exist', detail="d", hint="h", position=15)
    [(code, body)] = w.read_messages(be.error_response(err))
    assert code == b"E"
    fields = {f[:1]: f[1:].decode() for f in body.rstrip(b"\0").split(b"\0")}
    assert fields == {b"S": "ERROR", b"V": "ERROR", b"C": "42P01", b"M": 'relation "x" does not exist',
                      b"D": "d", b"H": "h", b"P": "15"}
    notice = be.notice("WARNING", "01000", "careful")
    assert notice.startswith(b"N") and b"Mcareful\0" in notice


def test_negotiate_protocol_version() -> None:
    assert be.negotiate_protocol_version(0, ["_pq_.x"]) == b"v" + struct.pack(">iii", 4 + 8 + 7, 0, 1) + b"_pq_.x\0"
