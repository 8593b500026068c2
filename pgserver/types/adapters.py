"""The codecs by OID: every family's CODECS collected once, and the functions the server calls to put
values on the wire and read Bind parameters (`encode_text`, `text_encoder`, `decode_binary` …).

Arrays (and int2vector/oidvector) and records are structural: their syntax is array.py's and
pseudo.py's, their elements go through the element type's codec. A type without a codec of its own
(inet, point …) travels as text and has no binary format here (0A000).
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Callable
from typing import Any

from pgserver.errors import PgError
from pgserver.types import array, datetime, json, numeric, pseudo, string
from pgserver.types import bool as bool_family
from pgserver.types import uuid as uuid_family
from pgserver.types.codec import FEATURE_NOT_SUPPORTED, Codec
from pgserver.types.registry import (
    BOOL,
    BYTEA,
    DATE,
    FLOAT8,
    INT2VECTOR,
    INT4,
    INT8,
    INTERVAL,
    JSONB,
    NUMERIC,
    OIDVECTOR,
    RECORD,
    TEXT,
    TIME,
    TIMESTAMP,
    TIMESTAMPTZ,
    TIMETZ,
    TYPES_BY_NAME,
    TYPES_BY_OID,
    UUID,
    format_type,
)
from pgserver.types.values import DEFAULT_CONTEXT, FormatContext, PgInterval

FAMILIES = (numeric, bool_family, string, uuid_family, json, datetime, array, pseudo)


def _collect() -> dict[int, Codec]:
    by_oid: dict[int, Codec] = {}
    for family in FAMILIES:
        for codec in family.CODECS:
            for typname in codec.types:
                oid = TYPES_BY_NAME[typname].oid
                if oid in by_oid:
                    raise RuntimeError(f"type {typname} has two codecs: {by_oid[oid].kind} and {codec.kind}")
                by_oid[oid] = codec
    return by_oid


CODECS_BY_OID = _collect()
_TEXT = CODECS_BY_OID[TEXT]
_VECTORS = (INT2VECTOR, OIDVECTOR)


def codec_kind(oid: int) -> str | None:
    """The value codec used for a type ('int4', 'text', 'timestamptz' …; None: text passed through)."""
    codec = CODECS_BY_OID.get(oid)
    return codec.kind if codec is not None else None


def has_binary_format(oid: int) -> bool:
    """Whether encode_binary/decode_binary support this type (arrays: when their elements do)."""
    t = TYPES_BY_OID.get(oid)
    if t is not None and t.is_array:
        return has_binary_format(t.elem_oid)
    codec = CODECS_BY_OID.get(oid)
    return codec is not None and (codec.binary_out is not None or oid in _VECTORS)


def _text_of(oid: int, value: Any, ctx: FormatContext) -> str:
    t = TYPES_BY_OID.get(oid)
    if t is not None and t.is_array and not isinstance(value, str):
        return array.format_array(value, lambda v: _text_of(t.elem_oid, v, ctx), t.delimiter)
    if oid == RECORD and isinstance(value, tuple):
        return pseudo.format_record(value, lambda v: _text_of(infer_oid(v), v, ctx))
    return CODECS_BY_OID.get(oid, _TEXT).text_out(value, ctx)


def encode_text(oid: int, value: Any, ctx: FormatContext | None = None) -> bytes | None:
    """A value in the text format of type `oid` (UTF-8 bytes); None for SQL NULL."""
    if value is None:
        return None
    return _text_of(oid, value, ctx or DEFAULT_CONTEXT).encode("utf-8")


def _element_of(oid: int) -> int | None:
    """The element type whose binary codec an array-like type's binary format uses (None: not array-like)."""
    t = TYPES_BY_OID.get(oid)
    if t is not None and t.is_array or oid in _VECTORS:
        return t.elem_oid if t is not None else INT4
    return None


def encode_binary(oid: int, value: Any) -> bytes | None:
    """A value in the binary format of type `oid`; None for SQL NULL; PgError 0A000 if it has none."""
    if value is None:
        return None
    elem = _element_of(oid)
    if elem is not None:
        if isinstance(value, str):
            value = decode_text(oid, value.encode())
        return array.encode_array_binary(value, elem, lambda v: encode_binary(elem, v) or b"",
                                         0 if oid in _VECTORS else 1)
    codec = CODECS_BY_OID.get(oid)
    if codec is None or codec.binary_out is None:
        raise _no_binary(oid)
    return codec.binary_out(value)


def text_encoder(oid: int, ctx: FormatContext | None = None) -> Callable[[Any], bytes | None]:
    """encode_text for one column, resolved once: what the server calls per DataRow value (with
    shortcuts for the Python types a column of the common types nearly always holds)."""
    context = ctx or DEFAULT_CONTEXT
    codec = CODECS_BY_OID.get(oid)
    kind = codec.kind if codec is not None else None
    t = TYPES_BY_OID.get(oid)
    if kind in ("int2", "int4", "int8"):
        def encode_int(value: Any) -> bytes | None:
            if value is None:
                return None
            if type(value) is int:
                return str(value).encode()
            return encode_text(oid, value, context)
        return encode_int
    if kind == "text":
        def encode_str(value: Any) -> bytes | None:
            if value is None:
                return None
            if type(value) is str:
                return value.encode()
            return encode_text(oid, value, context)
        return encode_str
    if kind == "float8" and context.extra_float_digits > 0:
        fast_float = numeric.format_float8_shortest
        def encode_float(value: Any) -> bytes | None:
            if value is None:
                return None
            if type(value) is float:
                return fast_float(value).encode()
            return encode_text(oid, value, context)
        return encode_float
    if t is None or not t.is_array:
        text_out = (codec or _TEXT).text_out
        def encode_kind(value: Any) -> bytes | None:
            if value is None:
                return None
            return text_out(value, context).encode()
        return encode_kind
    return lambda value: encode_text(oid, value, context)


def binary_encoder(oid: int) -> Callable[[Any], bytes | None]:
    """encode_binary for one column, resolved once."""
    codec = CODECS_BY_OID.get(oid)
    if codec is None or codec.binary_out is None or _element_of(oid) is not None:
        return lambda value: encode_binary(oid, value)
    binary_out = codec.binary_out
    return lambda value: None if value is None else binary_out(value)


def decode_text(oid: int, data: bytes | str, ctx: FormatContext | None = None) -> Any:
    """A Bind parameter (or any text-format value) of type `oid` as a Python value."""
    text = data.decode("utf-8") if isinstance(data, (bytes, bytearray, memoryview)) else data
    context = ctx or DEFAULT_CONTEXT
    t = TYPES_BY_OID.get(oid)
    if t is not None and t.is_array:
        return array.parse_array(text, lambda s: decode_text(t.elem_oid, s, context),
                                 format_type(oid), t.delimiter)
    codec = CODECS_BY_OID.get(oid)
    if codec is None:
        return text
    return codec.text_in(text, context)


def decode_binary(oid: int, data: bytes) -> Any:
    """A binary-format value of type `oid` as a Python value; PgError 22P03 if malformed."""
    elem = _element_of(oid)
    if elem is not None:
        return array.decode_array_binary(bytes(data), lambda d: decode_binary(elem, d), elem)
    codec = CODECS_BY_OID.get(oid)
    if codec is None or codec.binary_in is None:
        raise _no_binary(oid)
    return codec.binary_in(bytes(data))


def _no_binary(oid: int) -> PgError:
    t = TYPES_BY_OID.get(oid)
    return PgError(FEATURE_NOT_SUPPORTED, f"binary format is not supported for type {t.sql_name if t else oid}")


def infer_oid(value: Any) -> int:
    """The natural PostgreSQL type of a Python value (for record fields and untyped results)."""
    if isinstance(value, bool):
        return BOOL
    if isinstance(value, int):
        return INT4 if -(2**31) <= value < 2**31 else INT8 if -(2**63) <= value < 2**63 else NUMERIC
    if isinstance(value, float):
        return FLOAT8
    if isinstance(value, decimal.Decimal):
        return NUMERIC
    if isinstance(value, (bytes, bytearray, memoryview)):
        return BYTEA
    if isinstance(value, dt.datetime):
        return TIMESTAMPTZ if value.tzinfo else TIMESTAMP
    if isinstance(value, dt.date):
        return DATE
    if isinstance(value, dt.time):
        return TIMETZ if value.tzinfo else TIME
    if isinstance(value, (dt.timedelta, PgInterval)):
        return INTERVAL
    if isinstance(value, uuid.UUID):
        return UUID
    if isinstance(value, dict):
        return JSONB
    if isinstance(value, tuple):
        return RECORD
    if isinstance(value, list):
        first = next((v for v in _leaves(value) if v is not None), "")
        return TYPES_BY_OID[infer_oid(first)].array_oid or TEXT
    return TEXT


def _leaves(value: list[Any]) -> Any:
    for item in value:
        if isinstance(item, list):
            yield from _leaves(item)
        else:
            yield item
