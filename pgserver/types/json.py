"""json and jsonb: json as given; jsonb re-normalised as jsonb_out prints it (', ' and ': ', keys by
length then bytes, the last duplicate wins). Input is validated and kept as text."""

from __future__ import annotations

import decimal
import json
from typing import Any

from pgserver.errors import PgError
from pgserver.types.codec import INVALID_BINARY_REPRESENTATION, Codec, invalid
from pgserver.types.numeric import format_numeric, to_decimal
from pgserver.types.string import decode_utf8


def _jsonb_dump(value: Any) -> str:
    if isinstance(value, dict):
        keys = sorted(value, key=lambda k: (len(k.encode()), k.encode()))
        return "{" + ", ".join(f"{json.dumps(k, ensure_ascii=False)}: {_jsonb_dump(value[k])}" for k in keys) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_jsonb_dump(v) for v in value) + "]"
    if isinstance(value, decimal.Decimal):
        return format_numeric(value)
    if isinstance(value, float):
        return format_numeric(to_decimal(value))
    return json.dumps(value, ensure_ascii=False)


def format_json(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)


def format_jsonb(value: Any) -> str:
    if isinstance(value, str):
        try:
            value = json.loads(value, parse_float=decimal.Decimal, parse_int=decimal.Decimal)
        except ValueError:
            return value
    return _jsonb_dump(value)


def parse_json(text: str, kind: str = "json") -> str:
    """JSON input is validated and kept as text (the SQL layer decides how to use it)."""
    try:
        json.loads(text)
    except ValueError as exc:
        raise invalid(kind, text) from exc
    return text


def decode_jsonb(data: bytes) -> str:
    if not data or data[0] != 1:
        raise PgError(INVALID_BINARY_REPRESENTATION, "unsupported jsonb version number")
    return parse_json(decode_utf8(data[1:]), "jsonb")


CODECS = (
    Codec("json", ("json",), lambda v, c: format_json(v), lambda s, c: parse_json(s, "json"),
          lambda v: format_json(v).encode(), lambda d: parse_json(decode_utf8(d), "json")),
    Codec("jsonb", ("jsonb",), lambda v, c: format_jsonb(v), lambda s, c: parse_json(s, "jsonb"),
          lambda v: b"\x01" + format_jsonb(v).encode(), decode_jsonb),
)
