"""Frontend (client -> server) messages of protocol 3.0: sans-IO parsing into frozen dataclasses.

`ReceiveBuffer` accumulates bytes from any transport; `next_startup()` reads the untyped
start-up packets (StartupMessage, SSLRequest, GSSENCRequest, CancelRequest) and
`next_message()` the typed messages after it. As in PostgreSQL, broken framing (a bad length,
an unknown type byte) raises a FATAL PgError 08P01 and the connection must be closed, while a
well-framed message with a malformed body raises an ERROR (08P01, or 22021 for bad UTF-8)
after which the stream is still in step and the session carries on (docs/decisions/0950).
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from pgserver.errors import INVALID_PARAMETER_VALUE, PROTOCOL_VIOLATION, PgError

PROTOCOL_3_0 = 196608  # 3 << 16
SSL_REQUEST_CODE = 80877103  # 1234 << 16 | 5679
GSSENC_REQUEST_CODE = 80877104
CANCEL_REQUEST_CODE = 80877102
MAX_STARTUP_PACKET = 10_000  # PostgreSQL's MAX_STARTUP_PACKET_LENGTH
DEFAULT_MAX_MESSAGE = 64 * 1024 * 1024


def protocol_error(message: str) -> PgError:
    """Broken framing: the byte stream can no longer be trusted."""
    return PgError(PROTOCOL_VIOLATION, message, severity="FATAL")


def malformed(message: str) -> PgError:
    """A bad message body: the message was consumed whole, so the connection can go on."""
    return PgError(PROTOCOL_VIOLATION, message)


# ---------------------------------------------------------------------------
# Start-up phase (no type byte)
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class StartupMessage:
    protocol: int  # major << 16 | minor
    parameters: Mapping[str, str] = field(default_factory=dict)  # user, database, options, application_name …

    @property
    def major(self) -> int:
        return self.protocol >> 16

    @property
    def minor(self) -> int:
        return self.protocol & 0xFFFF


@dataclass(frozen=True)
class SSLRequest:
    pass


@dataclass(frozen=True)
class GSSENCRequest:
    pass


@dataclass(frozen=True)
class CancelRequest:
    process_id: int
    secret_key: int


StartupPacket = StartupMessage | SSLRequest | GSSENCRequest | CancelRequest


# ---------------------------------------------------------------------------
# Typed messages
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    sql: str


@dataclass(frozen=True)
class Parse:
    statement: str  # "" is the unnamed statement
    sql: str
    param_types: tuple[int, ...] = ()  # 0 = unspecified (the server infers)


@dataclass(frozen=True)
class Bind:
    portal: str
    statement: str
    param_formats: tuple[int, ...]  # [] all text, [f] all f, or one per parameter
    params: tuple[bytes | None, ...]
    result_formats: tuple[int, ...]  # same convention, per result column

    def param_format(self, index: int) -> int:
        return _format_at(self.param_formats, index)

    def result_format(self, index: int) -> int:
        return _format_at(self.result_formats, index)


def _format_at(formats: tuple[int, ...], index: int) -> int:
    if not formats:
        return 0
    return formats[0] if len(formats) == 1 else formats[index]


@dataclass(frozen=True)
class Describe:
    kind: str  # 'S' statement, 'P' portal
    name: str


@dataclass(frozen=True)
class Execute:
    portal: str
    max_rows: int  # 0 = no limit


@dataclass(frozen=True)
class Close:
    kind: str  # 'S' or 'P'
    name: str


@dataclass(frozen=True)
class Sync:
    pass


@dataclass(frozen=True)
class Flush:
    pass


@dataclass(frozen=True)
class Terminate:
    pass


@dataclass(frozen=True)
class AuthenticationResponse:
    """'p': PasswordMessage, SASLInitialResponse or SASLResponse — which one depends on the auth state."""

    data: bytes

    def password(self) -> str:
        text = self.data[:-1] if self.data.endswith(b"\0") else self.data
        if b"\0" in text:
            raise protocol_error("invalid password packet")
        return text.decode("utf-8", errors="replace")

    def sasl_initial(self) -> tuple[str, bytes]:
        """(mechanism, client-first-message) of a SASLInitialResponse."""
        reader = _Reader(self.data)
        mechanism = reader.cstring()
        length = reader.int32()
        payload = reader.rest()
        if length != -1 and length != len(payload):
            raise protocol_error("invalid SASLInitialResponse length")
        return mechanism, payload if length != -1 else b""


@dataclass(frozen=True)
class CopyData:
    data: bytes


@dataclass(frozen=True)
class CopyDone:
    pass


@dataclass(frozen=True)
class CopyFail:
    message: str


@dataclass(frozen=True)
class FunctionCall:
    function_oid: int


FrontendMessage = (
    Query | Parse | Bind | Describe | Execute | Close | Sync | Flush | Terminate | AuthenticationResponse
    | CopyData | CopyDone | CopyFail | FunctionCall
)


_INT16, _INT32, _UINT32 = (struct.Struct(f).unpack_from for f in (">h", ">i", ">I"))


class _Reader:
    """Reads the fields of one message body; any overrun is a protocol violation."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def _take(self, n: int) -> bytes:
        if n < 0 or self.pos + n > len(self.data):
            raise malformed("insufficient data left in message")
        chunk = self.data[self.pos: self.pos + n]
        self.pos += n
        return chunk

    def _unpack(self, unpack: Callable[[bytes, int], tuple[int]], size: int) -> int:
        pos = self.pos
        if pos + size > len(self.data):
            raise malformed("insufficient data left in message")
        self.pos = pos + size
        return unpack(self.data, pos)[0]

    def int16(self) -> int:
        return self._unpack(_INT16, 2)

    def int32(self) -> int:
        return self._unpack(_INT32, 4)

    def uint32(self) -> int:
        return self._unpack(_UINT32, 4)

    def byte(self) -> str:
        return self._take(1).decode("latin-1")

    def cstring(self) -> str:
        end = self.data.find(b"\0", self.pos)
        if end < 0:
            raise malformed("invalid string in message")
        raw = self.data[self.pos: end]
        self.pos = end + 1
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise PgError("22021", 'invalid byte sequence for encoding "UTF8"') from exc

    def rest(self) -> bytes:
        chunk = self.data[self.pos:]
        self.pos = len(self.data)
        return chunk

    def finish(self) -> None:
        if self.pos != len(self.data):
            raise malformed("invalid message format")


def parse_startup(body: bytes) -> StartupPacket:
    """One start-up packet (its body, after the length word)."""
    reader = _Reader(body)
    code = reader.int32()
    if code == SSL_REQUEST_CODE:
        reader.finish()
        return SSLRequest()
    if code == GSSENC_REQUEST_CODE:
        reader.finish()
        return GSSENCRequest()
    if code == CANCEL_REQUEST_CODE:
        pid, secret = reader.int32(), reader.int32()
        reader.finish()
        return CancelRequest(pid, secret)
    params: dict[str, str] = {}
    if code >> 16 == 3:
        while True:
            name = reader.cstring()
            if not name:
                break
            params[name] = reader.cstring()
        reader.finish()
    return StartupMessage(code, params)


def _parse_bind(reader: _Reader) -> Bind:
    portal, statement = reader.cstring(), reader.cstring()
    count = _count(reader)
    param_formats = tuple(reader.int16() for _ in range(count)) if count else ()
    params: list[bytes | None] = []
    for _ in range(_count(reader)):
        length = reader.int32()
        if length < -1:
            raise malformed("insufficient data left in message")  # what PostgreSQL says for -2 and below
        params.append(None if length == -1 else reader._take(length))
    count = _count(reader)
    result_formats = tuple(reader.int16() for _ in range(count)) if count else ()
    if len(param_formats) > 1 and len(param_formats) != len(params):
        raise malformed(
            f"bind message has {len(param_formats)} parameter formats but {len(params)} parameters")
    for fmt in (*param_formats, *result_formats):
        if fmt not in (0, 1):
            raise PgError(INVALID_PARAMETER_VALUE, f"unsupported format code: {fmt}")
    return Bind(portal, statement, param_formats, tuple(params), result_formats)


def _count(reader: _Reader) -> int:
    n = reader.int16()
    if n < 0:
        raise malformed("insufficient data left in message")  # PostgreSQL reads the count as unsigned
    return n


def _describe_kind(reader: _Reader, what: str) -> str:
    kind = reader.byte()
    if kind not in ("S", "P"):
        raise malformed(f"invalid {what} message subtype {ord(kind)}")
    return kind


def parse_message(type_byte: bytes, body: bytes) -> FrontendMessage:
    """One typed message; PgError 08P01 for an unknown type or a malformed body."""
    reader = _Reader(body)
    msg: FrontendMessage
    match type_byte:
        case b"Q":
            msg = Query(reader.cstring())
        case b"P":
            name, sql = reader.cstring(), reader.cstring()
            msg = Parse(name, sql, tuple(reader.uint32() for _ in range(_count(reader))))
        case b"B":
            msg = _parse_bind(reader)
        case b"D":
            kind = _describe_kind(reader, "DESCRIBE")
            msg = Describe(kind, reader.cstring())
        case b"E":
            portal = reader.cstring()
            msg = Execute(portal, reader.int32())
        case b"C":
            kind = _describe_kind(reader, "CLOSE")
            msg = Close(kind, reader.cstring())
        case b"S":
            msg = Sync()
        case b"H":
            msg = Flush()
        case b"X":
            msg = Terminate()
            reader.rest()  # PostgreSQL exits without looking at the body
        case b"p":
            msg = AuthenticationResponse(reader.rest())
        case b"d":
            msg = CopyData(reader.rest())
        case b"c":
            msg = CopyDone()
        case b"f":
            msg = CopyFail(reader.cstring())
        case b"F":
            msg = FunctionCall(reader.uint32())
            reader.rest()
        case _:
            raise protocol_error(f"invalid frontend message type {type_byte[0]}")
    reader.finish()
    return msg


KNOWN_TYPES = frozenset(b"QPBDECSHXpdcfF")


class ReceiveBuffer:
    """Bytes in, whole messages out. Feed whatever the transport delivered; pull until None."""

    def __init__(self, max_message_size: int = DEFAULT_MAX_MESSAGE) -> None:
        self._buf = bytearray()
        self.max_message_size = max_message_size
        self.last_type = b""  # type byte of the last whole message taken, even when its body was malformed

    def feed(self, data: bytes) -> None:
        self._buf += data

    def __len__(self) -> int:
        return len(self._buf)

    def next_startup(self) -> StartupPacket | None:
        if len(self._buf) < 4:
            return None
        (length,) = struct.unpack_from(">i", self._buf)
        if length < 8 or length > MAX_STARTUP_PACKET:
            raise protocol_error("invalid length of startup packet")
        if len(self._buf) < length:
            return None
        body = bytes(self._buf[4:length])
        del self._buf[:length]
        return parse_startup(body)

    def missing_startup(self) -> int:
        """How many more bytes the start-up packet being received needs, at least (≥ 1)."""
        if len(self._buf) < 4:
            return 4 - len(self._buf)
        (length,) = struct.unpack_from(">i", self._buf)
        return max(1, length - len(self._buf))

    def missing_message(self) -> int:
        """How many more bytes the message being received needs, at least (≥ 1)."""
        if len(self._buf) < 5:
            return 5 - len(self._buf)
        (length,) = struct.unpack_from(">i", self._buf, 1)
        return max(1, length + 1 - len(self._buf))

    def next_message(self, max_size: int | None = None) -> FrontendMessage | None:
        """The next whole message, or None until more bytes arrive. `max_size` bounds the body below the
        general limit (authentication messages, as PostgreSQL bounds them before login)."""
        if self._buf and self._buf[0] not in KNOWN_TYPES:  # PostgreSQL rejects the type before reading on
            raise protocol_error(f"invalid frontend message type {self._buf[0]}")
        if len(self._buf) < 5:
            return None
        type_byte = bytes(self._buf[:1])
        (length,) = struct.unpack_from(">i", self._buf, 1)
        if length < 4:
            raise protocol_error(f"invalid message length {length}")
        if max_size is not None and length - 4 > max_size:
            raise protocol_error(f"invalid message length {length}")
        if length - 4 > self.max_message_size:
            raise PgError("54000", f"message of {length} bytes exceeds the limit of {self.max_message_size}",
                          severity="FATAL")
        if len(self._buf) < length + 1:
            return None
        body = bytes(self._buf[5: length + 1])
        del self._buf[: length + 1]
        self.last_type = type_byte
        return parse_message(type_byte, body)
