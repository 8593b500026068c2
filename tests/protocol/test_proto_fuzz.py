"""Robustness fuzzing of the wire protocol: the sans-IO parser, malformed input over real sockets,
and error flows of the extended protocol compared with a real PostgreSQL 15.

Hypothesis runs derandomized with bounded example counts, so every run checks the same inputs.
"""

from __future__ import annotations

import asyncio
import random
import socket
import struct
from collections.abc import Callable

import asyncpg
import pgproto_wire as w
import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pgproto_server import RunningServer
from test_proto_raw import RawClient, _error_fields

from pgserver import types
from pgserver.errors import PgError
from pgserver.protocol.frontend import Query, ReceiveBuffer, Sync
from pgserver.server.query_loop import Session

FUZZ = settings(derandomize=True, database=None, deadline=None, max_examples=300,
                suppress_health_check=[HealthCheck.too_slow])
PARSER_SQLSTATES = {"08P01", "22021", "54000"}  # protocol violation, bad UTF-8, message too large
MAX_MESSAGE = 1 << 16

# ---------------------------------------------------------------------------
# 1. The sans-IO parser
# ---------------------------------------------------------------------------

names = st.text(st.characters(blacklist_characters="\0", blacklist_categories=("Cs",)), max_size=8)
ints16 = st.integers(-(2**15), 2**15 - 1)
ints32 = st.integers(-(2**31), 2**31 - 1)
values = st.one_of(st.none(), st.binary(max_size=8))

valid_messages = st.one_of(
    names.map(w.query),
    st.builds(w.parse, names, names, st.lists(st.integers(0, 2**32 - 1), max_size=3)),
    st.lists(values, max_size=3).flatmap(lambda params: st.builds(
        w.bind, names, names, st.lists(st.integers(0, 1), max_size=1) | st.lists(st.integers(0, 1),
                                                                                   min_size=len(params), max_size=len(params)),
        st.just(params), st.lists(st.integers(0, 1), max_size=3))),
    st.builds(w.execute, names, ints32),
    st.builds(w.describe, st.sampled_from("SP"), names),
    st.builds(lambda k, n: w.msg(b"C", k.encode() + w.cstr(n)), st.sampled_from("SP"), names),
    st.sampled_from([w.sync(), w.msg(b"H"), w.msg(b"X"), w.msg(b"c")]),
    st.binary(max_size=8).map(lambda b: w.msg(b"d", b)),
    st.binary(max_size=8).map(lambda b: w.msg(b"p", b)),
    names.map(lambda n: w.msg(b"f", w.cstr(n))),
    st.builds(lambda oid, rest: w.msg(b"F", struct.pack(">I", oid) + rest), st.integers(0, 2**32 - 1),
              st.binary(max_size=6)),
)


@st.composite
def mutated(draw: st.DrawFn, base: st.SearchStrategy[bytes]) -> bytes:
    """A valid message spoilt one way: truncated, bytes flipped, length rewritten, type changed, junk inserted."""
    data = bytearray(draw(base))
    how = draw(st.sampled_from(["truncate", "flip", "length", "type", "insert", "count", "none"]))
    if how == "truncate":
        del data[draw(st.integers(0, len(data) - 1)):]
    elif how == "flip":
        for _ in range(draw(st.integers(1, 3))):
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    elif how == "length":
        data[1:5] = struct.pack(">i", draw(st.one_of(ints32, st.integers(-2, len(data) + 3))))
    elif how == "type":
        data[0] = draw(st.integers(0, 255))
    elif how == "insert":
        at = draw(st.integers(5, len(data)))
        junk = draw(st.sampled_from([b"\0", b"\xff\xfe", b"\xc3", b"\x80abc", b"\0\0\0\0"]))
        data[at:at] = junk
        data[1:5] = struct.pack(">i", len(data) - 1)  # framing still right, body wrong
    elif how == "count" and len(data) >= 7:
        at = draw(st.integers(5, len(data) - 2))
        data[at: at + 2] = struct.pack(">h", draw(ints16))  # a count or format that disagrees with the payload
    return bytes(data)


Outcome = tuple[list[object], str | None]


def _drain(pull: Callable[[], object | None], out: list[object]) -> str | None:
    """Pull until None, past ERRORs (a bad body: the session carries on, so the parser must stay in step);
    the SQLSTATE of the FATAL error that stopped it, if any. Any other exception escapes."""
    while True:
        try:
            item = pull()
        except PgError as error:
            if error.severity != "FATAL":
                out.append(("ERROR", error.sqlstate))
                continue
            return error.sqlstate
        if item is None:
            return None
        out.append(item)


def _whole(data: bytes, startup: bool = False) -> Outcome:
    buf = ReceiveBuffer(MAX_MESSAGE)
    buf.feed(data)
    out: list[object] = []
    return out, _drain(buf.next_startup if startup else buf.next_message, out)


def _fed(data: bytes) -> ReceiveBuffer:
    """A buffer after parsing all of `data` (past ERRORs, stopping at FATAL)."""
    buf = ReceiveBuffer(MAX_MESSAGE)
    buf.feed(data)
    _drain(buf.next_message, [])
    return buf


def _byte_by_byte(data: bytes, startup: bool = False) -> Outcome:
    buf = ReceiveBuffer(MAX_MESSAGE)
    out: list[object] = []
    for i in range(len(data)):
        buf.feed(data[i: i + 1])
        if (error := _drain(buf.next_startup if startup else buf.next_message, out)) is not None:
            return out, error
    return out, None


@FUZZ
@given(st.lists(st.one_of(valid_messages, mutated(valid_messages)), min_size=1, max_size=4))
def test_parser_raises_only_protocol_errors_and_is_chunking_independent(messages: list[bytes]) -> None:
    data = b"".join(messages)
    whole = _whole(data)
    assert whole[1] is None or whole[1] in PARSER_SQLSTATES
    assert _byte_by_byte(data) == whole
    assert all(e[1] in PARSER_SQLSTATES for e in whole[0] if isinstance(e, tuple))
    with_trailing = _whole(data + w.sync() + w.query("SELECT 1"))
    if whole[1] is not None:
        assert with_trailing[1] == whole[1] and with_trailing[0] == whole[0]
    else:  # a message still incomplete swallows the trailing bytes; otherwise they parse on their own
        assert with_trailing[0][: len(whole[0])] == whole[0]
        if not len(_fed(data)):  # nothing left over: the trailing messages come out whole
            assert with_trailing == ([*whole[0], Sync(), Query("SELECT 1")], None)


@FUZZ
@given(st.lists(valid_messages, min_size=1, max_size=4))
def test_valid_messages_parse_without_error(messages: list[bytes]) -> None:
    parsed, error = _whole(b"".join(messages))
    assert error is None and len(parsed) == len(messages)
    assert not any(isinstance(item, tuple) for item in parsed)


startup_params = st.dictionaries(names.filter(bool), names, max_size=3)
valid_startups = st.one_of(
    startup_params.map(w.startup),
    st.builds(w.startup, startup_params, st.sampled_from([2 << 16, 3 << 16, (3 << 16) | 2, 1234])),
    st.just(w.ssl_request()), st.just(struct.pack(">ii", 8, 80877104)),
    st.builds(w.cancel_request, ints32, ints32),
)


@st.composite
def mutated_startup(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(valid_startups))
    how = draw(st.sampled_from(["truncate", "flip", "length", "junk"]))
    if how == "truncate":
        del data[draw(st.integers(4, len(data) - 1)):]
        data[0:4] = struct.pack(">i", max(len(data), 8))
    elif how == "flip":
        data[draw(st.integers(4, len(data) - 1))] = draw(st.integers(0, 255))
    elif how == "length":
        data[0:4] = struct.pack(">i", draw(st.one_of(ints32, st.integers(0, 12), st.just(10_001))))
    else:
        data += draw(st.sampled_from([b"\xff\0", b"x", b"\0\0\0\0"]))
        data[0:4] = struct.pack(">i", len(data))
    return bytes(data)


@FUZZ
@given(st.one_of(valid_startups, mutated_startup()))
def test_startup_parser_raises_only_protocol_errors(data: bytes) -> None:
    whole = _whole(data, startup=True)
    assert whole[1] is None or whole[1] in PARSER_SQLSTATES
    assert _byte_by_byte(data, startup=True) == whole
    assert len(whole[0]) <= 1


def test_bind_parameters_of_every_type_fail_only_with_pg_errors() -> None:
    """Random bytes as a text or binary parameter of every known type: a value or a PgError, never a crash
    (these were OverflowError for far-off binary timestamps/intervals and UnicodeDecodeError for text)."""
    rng = random.Random(5)
    ctx = types.FormatContext(date_style="ISO, MDY", time_zone="UTC", interval_style="postgres")
    payloads = [bytes(rng.randrange(256) for _ in range(rng.choice([0, 1, 4, 8, 12, 16, rng.randrange(40)])))
                for _ in range(60)]
    states: set[str] = set()
    for oid in types.TYPES_BY_OID:
        for data in payloads:
            for fmt in (0, 1):
                try:
                    Session._decode_param(oid, fmt, data, ctx)
                except PgError as error:
                    states.add(error.sqlstate)
    assert {"22021", "22P03", "22P02", "08P01"} <= states  # bad UTF-8, long binary, bad text, short binary
    far = struct.pack(">q", 2**62)
    for oid, data in [(types.TIMESTAMP, far), (types.TIMESTAMPTZ, far), (types.INTERVAL, far + far)]:
        with pytest.raises(PgError) as info:
            Session._decode_param(oid, 1, data, ctx)
        assert info.value.sqlstate == "0A000"


# ---------------------------------------------------------------------------
# 2. Over real sockets, with a well-behaved client alongside
# ---------------------------------------------------------------------------


def _read_to_eof(client: RawClient) -> list[tuple[bytes, bytes]]:
    out = []
    while (message := client.read()) is not None:
        out.append(message)
    return out


def _fatal_then_close(port: int, payload: bytes, login: bool) -> list[str]:
    """SQLSTATEs of the ErrorResponses the server sent before closing (asserting all are FATAL)."""
    client = RawClient(port)
    try:
        if login:
            client.login()
        client.send(payload)
        client.sock.shutdown(socket.SHUT_WR)  # a half-sent message then ends with EOF, not a hang
        if payload.startswith(GSSENC_REQUEST):
            assert client.sock.recv(1) == b"N"  # refused, then the second request is the violation
        replies = _read_to_eof(client)
    finally:
        client.close()
    assert all(code == b"E" and _error_fields(body)["S"] == "FATAL" for code, body in replies), replies
    return [_error_fields(body)["C"] for _code, body in replies]


def _packet(body: bytes) -> bytes:
    return struct.pack(">i", len(body) + 4) + body


V3 = struct.pack(">i", 196608)
GSSENC_REQUEST = struct.pack(">ii", 8, 80877104)
BAD_STARTUPS: list[tuple[bytes, set[str]]] = [
    (struct.pack(">i", 3), {"08P01"}),
    (struct.pack(">i", -1) + b"\0" * 8, {"08P01"}),
    (struct.pack(">ii", 10_001, 196608), {"08P01"}),
    (struct.pack(">ii", 8, 196608) + b"junk", {"08P01"}),  # no terminator, as PostgreSQL says
    (_packet(V3 + b"user\0clear\0"), {"08P01"}),  # no final NUL
    (_packet(V3 + b"user"), {"08P01"}),  # a name without its NUL
    (_packet(V3 + b"user\0\xff\xfe\0database\0\0"), {"22021"}),  # not UTF-8
    (_packet(V3 + b"database\0sage200\0\0"), {"28000"}),  # no user
    (w.startup({"user": "x"}, protocol=2 << 16), {"0A000"}),
    (struct.pack(">iiii", 20, 80877102, 1, 2) + b"\0" * 4, {"08P01"}),  # CancelRequest of the wrong length
    (GSSENC_REQUEST * 2, {"08P01"}),  # GSSENCRequest twice
    (b"\x16\x03\x01\x02\x00\x01", {"08P01"}),  # a TLS ClientHello without SSLRequest: absurd length
    (w.startup({"user": "clear"})[:9], set()),  # truncated, then EOF: closed without a word
]

BAD_MESSAGES: list[tuple[bytes, set[str]]] = [
    (w.msg(b"!", b"what"), {"08P01"}),
    (w.msg(b"\0"), {"08P01"}),
    (b"Q" + struct.pack(">i", 3), {"08P01"}),
    (b"Q" + struct.pack(">i", -5) + b"SELECT 1\0", {"08P01"}),
    (b"Q" + struct.pack(">i", 2**31 - 1), {"54000"}),
    (w.msg(b"p", b"again\0"), {"08P01"}),
    (b"!" + struct.pack(">i", 2**31 - 1), {"08P01"}),  # the unknown type is refused before the size
    (b"!" + struct.pack(">i", 100) + b"abc", {"08P01"}),  # ... and before the body arrives
    (w.msg(b"Q", b"SELECT 1\0") [:7], set()),  # truncated, then EOF: closed without a word
]


def _sasl(mechanism: str, payload: bytes, length: int | None = None) -> bytes:
    return w.msg(b"p", w.cstr(mechanism) + struct.pack(">i", len(payload) if length is None else length) + payload)


# Sent after the StartupMessage of the SCRAM user, in answer to AuthenticationSASL.
BAD_SASL: list[tuple[bytes, set[str]]] = [
    (w.query("SELECT 1"), {"08P01"}),  # not a SASL response
    (_sasl("MD5", b"n,,n=,r=abc"), {"08P01"}),
    (_sasl("SCRAM-SHA-256", b"n,,n=,r=abc", 99), {"08P01"}),
    (_sasl("SCRAM-SHA-256", b"\xff\xfe,,n=,r=abc"), {"08P01"}),  # not UTF-8: was an internal error
    (_sasl("SCRAM-SHA-256", b"", -1), {"08P01"}),
    (w.msg(b"p", b"SCRAM"), {"08P01"}),
    (_sasl("SCRAM-SHA-256-PLUS", b"p=tls-server-end-point,,n=,r=abc"), {"08P01"}),  # PLUS without TLS
    (_sasl("SCRAM-SHA-256", b"n,a=someone,n=,r=abc"), {"0A000"}),
]


def _bad_sasl(port: int, payload: bytes) -> list[str]:
    client = RawClient(port)
    try:
        client.send(w.startup({"user": "demo", "database": "sage200"}))
        assert client.read() is not None  # AuthenticationSASL
        client.send(payload)
        client.sock.shutdown(socket.SHUT_WR)
        replies = _read_to_eof(client)
    finally:
        client.close()
    assert all(code == b"E" and _error_fields(body)["S"] == "FATAL" for code, body in replies), replies
    return [_error_fields(body)["C"] for _code, body in replies]


def test_bad_startups_and_messages_close_only_their_connection(pg_server: RunningServer) -> None:
    """Each bad client gets FATAL (or a plain close) while an asyncpg client keeps querying throughout."""
    async def main() -> tuple[int, list[list[str]]]:
        bystander = await asyncpg.connect(host="127.0.0.1", port=pg_server.port, user="demo", password="demo",
                                          database="sage200", ssl=False)
        stop = asyncio.Event()
        done = 0

        async def keep_querying() -> None:
            nonlocal done
            while not stop.is_set():
                assert len(await bystander.fetch("SELECT 3")) == 3
                done += 1
                await asyncio.sleep(0)

        worker = asyncio.create_task(keep_querying())
        seen: list[list[str]] = []
        try:
            for payload, _ in BAD_STARTUPS:
                seen.append(await asyncio.to_thread(_fatal_then_close, pg_server.port, payload, False))
            for payload, _ in BAD_MESSAGES:
                seen.append(await asyncio.to_thread(_fatal_then_close, pg_server.port, payload, True))
            for payload, _ in BAD_SASL:
                seen.append(await asyncio.to_thread(_bad_sasl, pg_server.port, payload))
        finally:
            stop.set()
            await worker
        assert len(await bystander.fetch("SELECT 2")) == 2  # still fine afterwards
        await bystander.close()
        return done, seen

    done, seen = asyncio.run(main())
    expected = [codes for _, codes in BAD_STARTUPS + BAD_MESSAGES + BAD_SASL]
    assert {i: set(codes) for i, codes in enumerate(seen)} == dict(enumerate(expected))  # diff names the case
    assert all(len(s) <= 1 for s in seen)
    assert done >= 1
    with psycopg.connect(pg_server.dsn(), autocommit=True) as fresh:  # new connections are still accepted
        assert fresh.execute("SELECT 4").rowcount == 4


PARAM_SQL = "SELECT $1::int4"  # means the same to PostgreSQL and to the fake engine
SEED_MESSAGES = [w.query("SELECT 2"), w.parse("s", PARAM_SQL, [23]),
                 w.bind("", "", [1], [b"\0\0\0\1"], [1]), w.execute("", 1), w.describe("S", ""),
                 w.msg(b"C", b"Ps\0"), w.msg(b"H"), w.msg(b"f", b"oops\0")]


def _spoil(rng: random.Random, data: bytes) -> bytes:
    """Seeded mutations of a real message: flip, truncate (framing kept), length or type rewritten."""
    out = bytearray(data)
    how = rng.choice(["flip", "cut", "length", "type"])
    if how == "flip":
        out[rng.randrange(5, len(out)) if len(out) > 5 else 0] = rng.randrange(256)
    elif how == "cut":
        del out[rng.randrange(5, len(out) + 1):]
        out[1:5] = struct.pack(">i", len(out) - 1)
    elif how == "length":
        out[1:5] = struct.pack(">i", rng.choice([-1, 0, 3, len(out) - 2, len(out) + 2, 2**31 - 1]))
    else:
        out[0] = rng.randrange(256)
    return bytes(out)


def _answers(port: int, payload: bytes) -> list[tuple[str, str]]:
    """(severity, SQLSTATE) of each error, plus ("", "Z") for each ReadyForQuery, until the server closes."""
    client = RawClient(port)
    try:
        client.login()
        client.send(payload + w.sync() + w.query("SELECT 1") + w.msg(b"X"))
        client.sock.shutdown(socket.SHUT_WR)
        out = []
        for code, body in _read_to_eof(client):
            if code == b"E":
                out.append((_error_fields(body)["S"], _error_fields(body)["C"]))
            elif code == b"Z":
                out.append(("", "Z"))
        return out
    finally:
        client.close()


def test_seeded_mutations_over_a_socket_never_crash_the_server(pg_server: RunningServer) -> None:
    """120 spoilt messages: each ends in a clean ERROR (then two ReadyForQuery) or one FATAL and a close,
    never an internal error; an open psycopg connection works throughout."""
    rng = random.Random(20261122)
    payloads = [_spoil(rng, rng.choice(SEED_MESSAGES)) for _ in range(120)]
    with psycopg.connect(pg_server.dsn(), autocommit=True) as bystander:
        bystander.execute("BEGIN")  # its open transaction must outlive every bad neighbour
        outcomes = []
        for payload in payloads:
            answers = _answers(pg_server.port, payload)
            outcomes.append(answers)
            assert all(state != "XX000" for _, state in answers), (payload, answers)
            fatal = [a for a in answers if a[0] == "FATAL"]
            if fatal:
                assert answers[-1] == fatal[0] and fatal[0][1] in {"08P01", "54000"}, (payload, answers)
            else:
                assert answers[-2:] == [("", "Z"), ("", "Z")], (payload, answers)
            assert bystander.execute("SELECT 1").rowcount == 1
        assert bystander.info.transaction_status == psycopg.pq.TransactionStatus.INTRANS
        bystander.execute("COMMIT")
    assert any(a and a[-1][0] == "FATAL" for a in outcomes)  # both kinds of outcome were exercised
    assert any(("ERROR", "08P01") in a for a in outcomes)


# ---------------------------------------------------------------------------
# 3. Extended-protocol errors: the same bytes to PostgreSQL 15 and to us
# ---------------------------------------------------------------------------

ONE_ROW = w.query("SELECT 1")  # proves the connection is usable afterwards


def _bind_raw(portal: str, stmt: str, formats: list[int], params: list[bytes], tail: bytes) -> bytes:
    body = w.cstr(portal) + w.cstr(stmt) + struct.pack(f">h{len(formats)}h", len(formats), *formats)
    body += struct.pack(">h", len(params)) + b"".join(struct.pack(">i", len(p)) + p for p in params)
    return w.msg(b"B", body + tail)


FLOWS: dict[str, bytes] = {
    "too many parameters": w.parse("s", PARAM_SQL, []) + w.bind("", "s", [], [b"1", b"2"], []) + w.sync(),
    "too few parameters": w.parse("s", PARAM_SQL, []) + w.bind("", "s", [], [], []) + w.sync(),
    "format count disagrees": w.parse("s", PARAM_SQL, []) + _bind_raw("", "s", [0, 0], [b"1"], b"\0\0") + w.sync(),
    "unknown parameter format": w.parse("s", PARAM_SQL, []) + _bind_raw("", "s", [2], [b"1"], b"\0\0") + w.sync(),
    "negative parameter length": w.parse("s", PARAM_SQL, [])
    + w.msg(b"B", b"\0s\0\0\0\0\1" + struct.pack(">i", -2) + b"\0\0") + w.sync(),
    "result format count disagrees": w.parse("s", PARAM_SQL, []) + w.bind("", "s", [], [b"1"], [0, 1]) + w.sync(),
    "bad text parameter": w.parse("s", PARAM_SQL, []) + w.bind("", "s", [], [b"x"], []) + w.sync(),
    "short binary parameter": w.parse("s", PARAM_SQL, []) + w.bind("", "s", [1], [b"\0\0\1"], []) + w.sync(),
    "short binary date": w.parse("", "SELECT $1::date", []) + w.bind("", "", [1], [b"\0"], []) + w.sync(),
    "long binary uuid": w.parse("", "SELECT $1::uuid", []) + w.bind("", "", [1], [b"\0" * 17], []) + w.sync(),
    "long binary parameter": w.parse("s", PARAM_SQL, []) + w.bind("", "s", [1], [b"\0\0\0\0\1"], []) + w.sync(),
    "unknown statement": w.bind("", "nope", [], [], []) + w.execute("") + w.sync(),
    "execute unknown portal": w.execute("nope") + w.sync(),
    "describe unknown statement": w.describe("S", "nope") + w.sync(),
    "describe unknown portal": w.describe("P", "nope") + w.sync(),
    "close unknown names": w.msg(b"C", b"Snope\0") + w.msg(b"C", b"Pnope\0") + w.sync(),
    "describe bad subtype": w.msg(b"D", b"Xnope\0") + w.sync(),
    "close bad subtype": w.msg(b"C", b"Xnope\0") + w.sync(),
    "parse without terminator": w.msg(b"P", b"s\0SELECT 1") + w.sync(),
    "parse with trailing bytes": w.msg(b"P", b"s\0SELECT 1\0\0\0junk") + w.sync(),
    # (PostgreSQL looks the statement up before reading the rest of Bind, so it must exist here.)
    "truncated bind": w.parse("", "SELECT 1", []) + w.msg(b"B", b"\0\0" + struct.pack(">hh", 1, 0)) + w.sync(),
    "query without terminator": w.msg(b"Q", b"SELECT 1"),
    "query not UTF-8": w.msg(b"Q", b"SELECT '\xff\xfe'\0"),
    "parse not UTF-8": w.parse("", "SELECT 1", []) + w.msg(b"P", b"s\0SELECT '\xc3'\0\0\0") + w.sync(),
    "errors are skipped until sync": w.execute("nope") + w.msg(b"D", b"Xnope\0") + w.msg(b"P", b"s\0\xff\0\0\0")
    + w.sync(),
    "negative row limit": w.parse("", "SELECT 1", []) + w.bind("", "", [], [], []) + w.execute("", -5) + w.sync(),
    "one format for no parameters": w.parse("", "SELECT 1", []) + w.bind("", "", [1], [], [1]) + w.execute("")
    + w.sync(),
    "bind to a statement that failed": w.parse("s", "SELEC 1", []) + w.sync()
    + w.bind("", "s", [], [], []) + w.sync(),
    "text parameter not UTF-8": w.parse("", "SELECT $1::text", []) + w.bind("", "", [], [b"\xff\xfe"], [])
    + w.sync(),
    "int4 parameter not UTF-8": w.parse("s", PARAM_SQL, []) + w.bind("", "s", [], [b"1\xc3"], []) + w.sync(),
    "terminate with a body": w.msg(b"X", b"junk"),
    "flush with a body": w.msg(b"H", b"junk") + w.sync(),
    "query while skipping": w.execute("nope") + w.query("SELECT 1") + w.sync(),
    "sync with a body": w.msg(b"S", b"junk"),
    "copy messages outside copy": w.msg(b"d", b"x") + w.msg(b"c") + w.msg(b"f", b"no terminator") + w.sync(),
}


def _flow(client: RawClient, payload: bytes) -> list[str]:
    """Message codes (SQLSTATE for errors) up to the ReadyForQuery after the payload and one more query."""
    client.send(payload + ONE_ROW)
    out: list[str] = []
    ready = 0
    while ready < 2 and (message := client.read()) is not None:
        code, body = message
        out.append(f"E:{_error_fields(body)['C']}" if code == b"E" else code.decode())
        ready += code == b"Z"
    return out if ready == 2 else [*out, "EOF"]


KNOWN_DIFFERENCES: dict[str, str] = {}  # name -> why we answer differently (none at present)


@pytest.mark.parametrize("name", [
    pytest.param(name, marks=pytest.mark.xfail(reason=KNOWN_DIFFERENCES[name], strict=True))
    if name in KNOWN_DIFFERENCES else name for name in FLOWS])
def test_extended_errors_match_postgres(real_pg_url: str, pg_server: RunningServer, name: str) -> None:
    from test_proto_flows_vs_pg import _pg_client

    theirs_client, ours_client = _pg_client(real_pg_url), RawClient(pg_server.port)
    try:
        ours_client.login()
        theirs = _flow(theirs_client, FLOWS[name])
        ours = _flow(ours_client, FLOWS[name])
    finally:
        theirs_client.close()
        ours_client.close()
    assert ours == theirs
