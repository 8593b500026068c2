"""Character types (text, varchar, bpchar, name, "char" …) and bytea.

Text-like values travel as their UTF-8 text in both formats; bytea prints as hex ('\\x00ff') or,
with bytea_output = escape, as escape sequences, and travels as raw bytes in binary.
"""

from __future__ import annotations

import re
from typing import Any

from pgserver.errors import PgError
from pgserver.types.codec import INVALID_PARAMETER_VALUE, Codec, invalid, mismatch
from pgserver.types.values import FormatContext

TEXT_TYPES = ("text", "varchar", "bpchar", "name", "unknown", "xml", "pg_node_tree", "aclitem", "cstring")


def format_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def decode_utf8(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PgError("22021", "invalid byte sequence for encoding \"UTF8\"") from exc


def _text_binary(value: Any) -> bytes:
    return format_text(value).encode()


def format_bytea(value: Any, output: str) -> str:
    data = bytes(value) if isinstance(value, (bytes, bytearray, memoryview)) else None
    if data is None:
        raise mismatch("bytea", value)
    if output == "escape":
        out = []
        for byte in data:
            if byte == 0x5C:
                out.append("\\\\")
            elif 0x20 <= byte < 0x7F:
                out.append(chr(byte))
            else:
                out.append(f"\\{byte:03o}")
        return "".join(out)
    return "\\x" + data.hex()


def parse_bytea(text: str) -> bytes:
    if text.startswith("\\x"):
        digits = "".join(text[2:].split())
        bad = next((c for c in digits if c not in "0123456789abcdefABCDEF"), None)
        if bad is not None:
            raise PgError(INVALID_PARAMETER_VALUE, f'invalid hexadecimal digit: "{bad}"')
        if len(digits) % 2:
            raise PgError(INVALID_PARAMETER_VALUE, "invalid hexadecimal data: odd number of digits")
        return bytes.fromhex(digits)
    out = bytearray()
    i = 0
    raw = text.encode()
    while i < len(raw):
        if raw[i] != 0x5C:
            out.append(raw[i])
            i += 1
        elif raw[i + 1: i + 2] == b"\\":
            out.append(0x5C)
            i += 2
        elif re.fullmatch(rb"[0-3][0-7][0-7]", raw[i + 1: i + 4]):
            out.append(int(raw[i + 1: i + 4], 8))
            i += 4
        else:
            raise invalid("bytea", text)
    return bytes(out)


def encode_bytea(value: Any) -> bytes:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    raise mismatch("bytea", value)


def _bytea_text(value: Any, ctx: FormatContext) -> str:
    return format_bytea(value, ctx.bytea_output)


CODECS = (
    Codec("text", TEXT_TYPES, lambda v, c: format_text(v), lambda s, c: s, _text_binary, decode_utf8),
    Codec("char", ("char",), lambda v, c: format_text(v)[:1], lambda s, c: s[:1],
          lambda v: _text_binary(v)[:1], lambda d: d.decode("latin-1")),
    Codec("bytea", ("bytea",), _bytea_text, lambda s, c: parse_bytea(s), encode_bytea, bytes),
)
