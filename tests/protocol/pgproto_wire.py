"""Client-side message builders for tests: what a driver would put on the wire."""

from __future__ import annotations

import struct


def msg(type_byte: bytes, body: bytes = b"") -> bytes:
    return type_byte + struct.pack(">i", len(body) + 4) + body


def cstr(text: str) -> bytes:
    return text.encode() + b"\0"


def startup(params: dict[str, str], protocol: int = 196608) -> bytes:
    body = struct.pack(">i", protocol) + b"".join(cstr(k) + cstr(v) for k, v in params.items()) + b"\0"
    return struct.pack(">i", len(body) + 4) + body


def ssl_request() -> bytes:
    return struct.pack(">ii", 8, 80877103)


def cancel_request(pid: int, secret: int) -> bytes:
    return struct.pack(">iiii", 16, 80877102, pid, secret)


def query(sql: str) -> bytes:
    return msg(b"Q", cstr(sql))


def parse(name: str, sql: str, oids: list[int]) -> bytes:
    return msg(b"P", cstr(name) + cstr(sql) + struct.pack(f">h{len(oids)}I", len(oids), *oids))


def bind(portal: str, stmt: str, formats: list[int], params: list[bytes | None], result_formats: list[int]) -> bytes:
    body = cstr(portal) + cstr(stmt) + struct.pack(f">h{len(formats)}h", len(formats), *formats)
    body += struct.pack(">h", len(params))
    for p in params:
        body += struct.pack(">i", -1) if p is None else struct.pack(">i", len(p)) + p
    body += struct.pack(f">h{len(result_formats)}h", len(result_formats), *result_formats)
    return msg(b"B", body)


def execute(portal: str, max_rows: int = 0) -> bytes:
    return msg(b"E", cstr(portal) + struct.pack(">i", max_rows))


def describe(kind: str, name: str) -> bytes:
    return msg(b"D", kind.encode() + cstr(name))


def sync() -> bytes:
    return msg(b"S")


def read_messages(data: bytes) -> list[tuple[bytes, bytes]]:
    """Split backend bytes into (type, body) pairs."""
    out = []
    pos = 0
    while pos < len(data):
        (length,) = struct.unpack_from(">i", data, pos + 1)
        out.append((data[pos: pos + 1], data[pos + 5: pos + 1 + length]))
        pos += 1 + length
    return out
