"""boolean: 't'/'f' out; boolin's words in (unique prefixes of true/false/yes/no, on/off, 1/0)."""

from __future__ import annotations

from typing import Any

from pgserver.types.codec import Codec, check_size, invalid

_BOOL_WORDS = (("true", True, 1), ("false", False, 1), ("yes", True, 1), ("no", False, 1),
               ("on", True, 2), ("off", False, 2), ("1", True, 1), ("0", False, 1))


def parse_bool(text: str) -> bool:
    """boolin: unique prefixes of true/false/yes/no, on/off, 1/0, any case, surrounding spaces."""
    word = text.strip().lower()
    for full, result, min_len in _BOOL_WORDS:
        if len(word) >= min_len and full.startswith(word):
            return result
    raise invalid("bool", text)


def format_bool(value: Any) -> str:
    if isinstance(value, str):
        value = parse_bool(value)
    return "t" if value else "f"


def encode_bool(value: Any) -> bytes:
    if isinstance(value, str):
        value = parse_bool(value)
    return b"\x01" if value else b"\x00"


def decode_bool(data: bytes) -> bool:
    check_size(data, 1, "bool")
    return data != b"\x00"


CODECS = (Codec("bool", ("bool",), lambda v, c: format_bool(v), lambda s, c: parse_bool(s), encode_bool, decode_bool),)
