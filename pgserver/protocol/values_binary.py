"""Scalar values in PostgreSQL's binary format (the *send/*recv functions), by codec kind.

asyncpg asks for binary results and pgjdbc switches to them for prepared statements, so
these must be bit-exact: integers big-endian, dates/timestamps as offsets from 2000-01-01,
numeric as base-10000 digit groups.
"""

from __future__ import annotations

import datetime as dt
import decimal
import struct
import uuid
from collections.abc import Callable
from typing import Any

from pgserver.errors import PROTOCOL_VIOLATION, PgError
from pgserver.protocol import values_datetime as dtv
from pgserver.protocol import values_text as tv

INVALID_BINARY_REPRESENTATION = "22P03"
NUMERIC_VALUE_OUT_OF_RANGE = "22003"
FEATURE_NOT_SUPPORTED = "0A000"

NUMERIC_POS, NUMERIC_NEG, NUMERIC_NAN, NUMERIC_PINF, NUMERIC_NINF = 0x0000, 0x4000, 0xC000, 0xD000, 0xF000
TIMESTAMP_INFINITY = 2**63 - 1
TIMESTAMP_NEG_INFINITY = -(2**63)


def bad_binary(kind: str) -> PgError:
    return PgError(INVALID_BINARY_REPRESENTATION, f"incorrect binary data format for type {tv.SQL_NAMES.get(kind, kind)}")


def check_size(data: bytes, size: int, kind: str) -> None:
    """A fixed-size binary value: too short is 08P01 and too long 22P03, as PostgreSQL's recv functions say."""
    if len(data) < size:
        raise PgError(PROTOCOL_VIOLATION, "insufficient data left in message")
    if len(data) > size:
        raise bad_binary(kind)


def _int_codec(kind: str, fmt: str) -> tuple[Callable[[Any], bytes], Callable[[bytes], Any]]:
    packer = struct.Struct(fmt)
    low, high = tv.INT_RANGES[kind]

    def encode(value: Any) -> bytes:
        if isinstance(value, str):
            value = tv.parse_int(value, kind)
        if not isinstance(value, (int, decimal.Decimal, float)):
            raise tv.mismatch(kind, value)
        number = int(value)
        if kind == "oid":
            number &= 0xFFFFFFFF
        elif not low <= number <= high:
            raise PgError(NUMERIC_VALUE_OUT_OF_RANGE, f"{tv.SQL_NAMES[kind]} out of range")
        return packer.pack(number)

    def decode(data: bytes) -> Any:
        check_size(data, packer.size, kind)
        return packer.unpack(data)[0]

    return encode, decode


def encode_numeric(value: Any) -> bytes:
    d = tv.to_decimal(value)
    if d.is_nan():
        return struct.pack(">hhHh", 0, 0, NUMERIC_NAN, 0)
    if d.is_infinite():
        return struct.pack(">hhHh", 0, 0, NUMERIC_NINF if d < 0 else NUMERIC_PINF, 0x20)  # PG 15 sends dscale 32
    sign, _digits, exponent = d.as_tuple()
    whole, _, frac = format(d.copy_abs(), "f").partition(".")
    return _numeric_binary(bool(sign), whole, frac, max(0, -int(exponent)))


def encode_numeric_text(text: str) -> bytes:
    """The binary numeric of a value in PostgreSQL's plain text form ('-12.340'): no Decimal needed."""
    whole, _, frac = text.lstrip("+-").partition(".")
    return _numeric_binary(text.startswith("-"), whole, frac, len(frac))


def _numeric_binary(negative: bool, whole: str, frac: str, dscale: int) -> bytes:
    whole = whole.lstrip("0")
    whole = "0" * (-len(whole) % 4) + whole
    frac = frac + "0" * (-len(frac) % 4)
    groups = [int(whole[i: i + 4]) for i in range(0, len(whole), 4)]
    weight = len(groups) - 1
    groups += [int(frac[i: i + 4]) for i in range(0, len(frac), 4)]
    while groups and groups[0] == 0:
        groups.pop(0)
        weight -= 1
    while groups and groups[-1] == 0:
        groups.pop()
    if not groups:
        weight = 0
    header = struct.pack(">hhHh", len(groups), weight, NUMERIC_NEG if negative and groups else NUMERIC_POS, dscale)
    return header + struct.pack(f">{len(groups)}H", *groups)


def decode_numeric(data: bytes) -> decimal.Decimal:
    if len(data) < 8:
        raise bad_binary("numeric")
    ndigits, weight, sign, dscale = struct.unpack_from(">hhHh", data)
    if sign == NUMERIC_NAN:
        return decimal.Decimal("NaN")
    if sign in (NUMERIC_PINF, NUMERIC_NINF):
        return decimal.Decimal("Infinity" if sign == NUMERIC_PINF else "-Infinity")
    if ndigits < 0 or len(data) != 8 + 2 * ndigits or sign not in (NUMERIC_POS, NUMERIC_NEG) or dscale < 0:
        raise bad_binary("numeric")
    groups = struct.unpack_from(f">{ndigits}H", data, 8)
    if any(g > 9999 for g in groups):
        raise bad_binary("numeric")
    digits = tuple(int(c) for c in "".join(f"{g:04d}" for g in groups)) or (0,)
    exponent = (weight - ndigits + 1) * 4 if ndigits else 0
    if exponent > -dscale:
        digits += (0,) * (exponent + dscale)
    elif exponent < -dscale:
        digits = digits[: len(digits) - (-dscale - exponent)] or (0,)
    return decimal.Decimal((1 if sign == NUMERIC_NEG else 0, digits, -dscale))


def _float_codec(fmt: str, kind: str) -> tuple[Callable[[Any], bytes], Callable[[bytes], Any]]:
    packer = struct.Struct(fmt)

    def encode(value: Any) -> bytes:
        if isinstance(value, str):
            value = tv.parse_float(value, kind)
        try:
            return packer.pack(float(value))
        except (OverflowError, TypeError, ValueError) as exc:
            raise PgError(NUMERIC_VALUE_OUT_OF_RANGE, f"value out of range for type {tv.SQL_NAMES[kind]}") from exc

    def decode(data: bytes) -> float:
        check_size(data, packer.size, kind)
        return packer.unpack(data)[0]

    return encode, decode


def _usecs(value: dt.datetime) -> int:
    delta = value - (dtv.POSTGRES_EPOCH_UTC if value.tzinfo else dtv.POSTGRES_EPOCH)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def encode_timestamp(value: Any) -> bytes:
    if isinstance(value, str):
        value = dtv.parse_timestamp(value)
    if not isinstance(value, dt.datetime):
        if not isinstance(value, dt.date):
            raise tv.mismatch("timestamp", value)
        value = dt.datetime(value.year, value.month, value.day)
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return struct.pack(">q", _usecs(value))


def encode_timestamptz(value: Any) -> bytes:
    if isinstance(value, str):
        value = dtv.parse_timestamptz(value, dt.UTC)
    if not isinstance(value, dt.date):
        raise tv.mismatch("timestamptz", value)
    return struct.pack(">q", _usecs(dtv.to_session_zone(value, dt.UTC)))


def _decode_usecs(data: bytes, kind: str) -> int:
    check_size(data, 8, kind)
    usecs = struct.unpack(">q", data)[0]
    if usecs in (TIMESTAMP_INFINITY, TIMESTAMP_NEG_INFINITY):
        raise PgError(FEATURE_NOT_SUPPORTED, f"infinite {kind} values are not supported")
    return usecs


def _after_epoch(epoch: dt.datetime, usecs: int) -> dt.datetime:
    """Valid in PostgreSQL (years 4713 BC to 294276 AD) but maybe not in Python: 0A000, like dates."""
    try:
        return epoch + dt.timedelta(microseconds=usecs)
    except OverflowError as exc:
        raise PgError(FEATURE_NOT_SUPPORTED, "timestamps outside years 1-9999 are not supported") from exc


def decode_timestamp(data: bytes) -> dt.datetime:
    return _after_epoch(dtv.POSTGRES_EPOCH, _decode_usecs(data, "timestamp"))


def decode_timestamptz(data: bytes) -> dt.datetime:
    return _after_epoch(dtv.POSTGRES_EPOCH_UTC, _decode_usecs(data, "timestamptz"))


def encode_date(value: Any) -> bytes:
    if isinstance(value, str):
        value = dtv.parse_date(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        raise tv.mismatch("date", value)
    return struct.pack(">i", (value - dtv.POSTGRES_EPOCH_DATE).days)


def decode_date(data: bytes) -> dt.date:
    check_size(data, 4, "date")
    days = struct.unpack(">i", data)[0]
    try:
        return dtv.POSTGRES_EPOCH_DATE + dt.timedelta(days=days)
    except OverflowError as exc:
        raise PgError(FEATURE_NOT_SUPPORTED, "dates outside years 1-9999 are not supported") from exc


def _time_usecs(value: dt.time) -> int:
    return ((value.hour * 60 + value.minute) * 60 + value.second) * 1_000_000 + value.microsecond


def encode_time(value: Any) -> bytes:
    if isinstance(value, str):
        value = dtv.parse_time(value)
    if isinstance(value, dt.datetime):
        value = value.time()
    if not isinstance(value, dt.time):
        raise tv.mismatch("time", value)
    return struct.pack(">q", _time_usecs(value))


def _time_from_usecs(usecs: int, kind: str) -> dt.time:
    if usecs == dtv.USECS_PER_DAY:
        raise PgError(FEATURE_NOT_SUPPORTED, f"{kind} 24:00:00 is not supported")
    if not 0 <= usecs < dtv.USECS_PER_DAY:
        raise bad_binary(kind)
    seconds, micro = divmod(usecs, 1_000_000)
    return dt.time(seconds // 3600, seconds // 60 % 60, seconds % 60, micro)


def decode_time(data: bytes) -> dt.time:
    check_size(data, 8, "time")
    return _time_from_usecs(struct.unpack(">q", data)[0], "time")


def encode_timetz(value: Any) -> bytes:
    if isinstance(value, str):
        value = dtv.parse_timetz(value, dt.UTC)
    if isinstance(value, dt.datetime):
        value = value.timetz()
    if not isinstance(value, dt.time):
        raise tv.mismatch("timetz", value)
    offset = value.utcoffset() or dt.timedelta(0)
    return struct.pack(">qi", _time_usecs(value), -int(offset.total_seconds()))  # zone is seconds WEST of UTC


def decode_timetz(data: bytes) -> dt.time:
    check_size(data, 12, "timetz")
    usecs, west = struct.unpack(">qi", data)
    return _time_from_usecs(usecs, "timetz").replace(tzinfo=dt.timezone(dt.timedelta(seconds=-west)))


def encode_interval(value: Any) -> bytes:
    fields = dtv.parse_interval(value) if isinstance(value, str) else dtv.interval_fields(value)
    months, days, usecs = fields
    return struct.pack(">qii", usecs, days, months)


def decode_interval(data: bytes) -> Any:
    check_size(data, 16, "interval")
    usecs, days, months = struct.unpack(">qii", data)
    try:
        return dtv.make_interval(months, days, usecs)
    except OverflowError as exc:  # beyond Python's timedelta (999999999 days)
        raise PgError(FEATURE_NOT_SUPPORTED, "intervals this large are not supported") from exc


def encode_bool(value: Any) -> bytes:
    if isinstance(value, str):
        value = tv.parse_bool(value)
    return b"\x01" if value else b"\x00"


def decode_bool(data: bytes) -> bool:
    check_size(data, 1, "bool")
    return data != b"\x00"


def encode_bytea(value: Any) -> bytes:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    raise tv.mismatch("bytea", value)


def encode_uuid(value: Any) -> bytes:
    if isinstance(value, str):
        value = tv.parse_uuid(value)
    if isinstance(value, uuid.UUID):
        return value.bytes
    raise tv.mismatch("uuid", value)


def decode_uuid(data: bytes) -> uuid.UUID:
    check_size(data, 16, "uuid")
    return uuid.UUID(bytes=data)


def decode_utf8(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PgError("22021", "invalid byte sequence for encoding \"UTF8\"") from exc


def decode_jsonb(data: bytes) -> str:
    if not data or data[0] != 1:
        raise PgError(INVALID_BINARY_REPRESENTATION, "unsupported jsonb version number")
    return tv.parse_json(decode_utf8(data[1:]), "jsonb")


def encode_money(value: Any) -> bytes:
    cents = tv.to_decimal(value).quantize(decimal.Decimal("0.01")).scaleb(2)
    return struct.pack(">q", int(cents))


def decode_money(data: bytes) -> decimal.Decimal:
    check_size(data, 8, "money")
    return decimal.Decimal(struct.unpack(">q", data)[0]).scaleb(-2)


def _text_encode(value: Any) -> bytes:
    return tv.TEXT_ENCODERS["text"](value, None).encode()  # type: ignore[arg-type]


_INT2 = _int_codec("int2", ">h")
_INT4 = _int_codec("int4", ">i")
_INT8 = _int_codec("int8", ">q")
_OID = _int_codec("oid", ">I")
_FLOAT4 = _float_codec(">f", "float4")
_FLOAT8 = _float_codec(">d", "float8")

BINARY_ENCODERS: dict[str, Callable[[Any], bytes]] = {
    "int2": _INT2[0], "int4": _INT4[0], "int8": _INT8[0], "oid": _OID[0],
    "float4": _FLOAT4[0], "float8": _FLOAT8[0], "numeric": encode_numeric, "bool": encode_bool,
    "text": _text_encode, "char": lambda v: _text_encode(v)[:1], "bytea": encode_bytea, "uuid": encode_uuid,
    "json": lambda v: tv.format_json(v).encode(), "jsonb": lambda v: b"\x01" + tv.format_jsonb(v).encode(),
    "money": encode_money, "date": encode_date, "time": encode_time, "timetz": encode_timetz,
    "timestamp": encode_timestamp, "timestamptz": encode_timestamptz, "interval": encode_interval,
    "void": lambda v: b"",
}

BINARY_DECODERS: dict[str, Callable[[bytes], Any]] = {
    "int2": _INT2[1], "int4": _INT4[1], "int8": _INT8[1], "oid": _OID[1],
    "float4": _FLOAT4[1], "float8": _FLOAT8[1], "numeric": decode_numeric, "bool": decode_bool,
    "text": decode_utf8, "char": lambda d: d.decode("latin-1"), "bytea": bytes, "uuid": decode_uuid,
    "json": lambda d: tv.parse_json(decode_utf8(d), "json"), "jsonb": decode_jsonb,
    "money": decode_money, "date": decode_date, "time": decode_time, "timetz": decode_timetz,
    "timestamp": decode_timestamp, "timestamptz": decode_timestamptz, "interval": decode_interval,
    "void": lambda d: None,
}
