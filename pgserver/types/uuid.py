"""uuid: the 8-4-4-4-12 lower-case hex form out; uuid_in's forms in; 16 raw bytes in binary."""

from __future__ import annotations

import uuid
from typing import Any

from pgserver.types.codec import Codec, check_size, invalid, mismatch


def parse_uuid(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text.strip())
    except ValueError as exc:
        raise invalid("uuid", text) from exc


def format_uuid(value: Any) -> str:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, str):
        return str(parse_uuid(value))
    if isinstance(value, bytes) and len(value) == 16:
        return str(uuid.UUID(bytes=value))
    raise mismatch("uuid", value)


def encode_uuid(value: Any) -> bytes:
    if isinstance(value, str):
        value = parse_uuid(value)
    if isinstance(value, uuid.UUID):
        return value.bytes
    raise mismatch("uuid", value)


def decode_uuid(data: bytes) -> uuid.UUID:
    check_size(data, 16, "uuid")
    return uuid.UUID(bytes=data)


CODECS = (Codec("uuid", ("uuid",), lambda v, c: format_uuid(v), lambda s, c: parse_uuid(s), encode_uuid, decode_uuid),)
