"""Scalar values in PostgreSQL's text format, by codec kind ('int4', 'numeric', 'timestamptz' …).

Output must match what PostgreSQL 15 prints byte for byte (drivers parse it, tests diff
it against a real server); input accepts what PostgreSQL's *_in functions accept for the
forms clients actually send as Bind parameters.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import math
import re
import struct
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pgserver.errors import PgError
from pgserver.protocol import values_datetime as dtv
from pgserver.protocol import values_styles as styles

if TYPE_CHECKING:
    from pgserver.types import FormatContext

INVALID_TEXT_REPRESENTATION = "22P02"
NUMERIC_VALUE_OUT_OF_RANGE = "22003"
DATATYPE_MISMATCH = "42804"
INVALID_PARAMETER_VALUE = "22023"

SQL_NAMES = {
    "int2": "smallint", "int4": "integer", "int8": "bigint", "oid": "oid", "float4": "real",
    "float8": "double precision", "numeric": "numeric", "bool": "boolean", "bytea": "bytea", "uuid": "uuid",
    "json": "json", "jsonb": "json", "money": "money", "char": '"char"',
}
INT_RANGES = {"int2": (-(2**15), 2**15 - 1), "int4": (-(2**31), 2**31 - 1), "int8": (-(2**63), 2**63 - 1),
              "oid": (-(2**31), 2**32 - 1)}


def invalid(kind: str, text: str) -> PgError:
    return PgError(INVALID_TEXT_REPRESENTATION, f'invalid input syntax for type {SQL_NAMES.get(kind, kind)}: "{text}"')


def mismatch(kind: str, value: Any) -> PgError:
    return PgError(DATATYPE_MISMATCH, f"cannot send a Python {type(value).__name__} as {SQL_NAMES.get(kind, kind)}")


# ---------------------------------------------------------------------------
# Numbers
# ---------------------------------------------------------------------------


def _float_special(value: float) -> str | None:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return None


def _shortest_digits(value: float, single: bool) -> tuple[str, int]:
    """The shortest round-trip decimal digits of |value| and the exponent of the first digit."""
    text = repr(abs(value))
    if single:
        target = abs(struct.unpack(">f", struct.pack(">f", value))[0])
        for precision in range(1, 10):
            text = f"{target:.{precision - 1}e}"
            if struct.unpack(">f", struct.pack(">f", float(text)))[0] == target:
                break
    d = decimal.Decimal(text).normalize()
    sign, digits, exponent = d.as_tuple()
    return "".join(map(str, digits)), len(digits) - 1 + int(exponent)


def format_float(value: float, single: bool, extra_float_digits: int) -> str:
    """float4out/float8out: shortest exact digits when extra_float_digits > 0, else %.{DIG+efd}g."""
    special = _float_special(value)
    if special:
        return special
    if value == 0:
        return "-0" if math.copysign(1.0, value) < 0 else "0"
    dig = 6 if single else 15
    if extra_float_digits <= 0:
        return f"{value:.{max(dig + extra_float_digits, 1)}g}"
    digits, exp10 = _shortest_digits(value, single)
    sign = "-" if value < 0 else ""
    if exp10 < -4 or exp10 >= dig:
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{sign}{mantissa}e{'-' if exp10 < 0 else '+'}{abs(exp10):02d}"
    if exp10 < 0:
        return f"{sign}0.{'0' * (-exp10 - 1)}{digits}"
    if len(digits) <= exp10 + 1:
        return sign + digits + "0" * (exp10 + 1 - len(digits))
    return f"{sign}{digits[: exp10 + 1]}.{digits[exp10 + 1:]}"


def format_float8_shortest(value: float) -> str:
    """float8out with extra_float_digits > 0, fast: Python's repr is already the shortest round-trip."""
    magnitude = abs(value)
    if 1e-4 <= magnitude < 1e15:
        text = repr(value)
        return text[:-2] if text.endswith(".0") else text
    return format_float(value, False, 1)


def to_decimal(value: Any) -> decimal.Decimal:
    if isinstance(value, decimal.Decimal):
        return value
    if isinstance(value, bool):
        raise mismatch("numeric", value)
    if isinstance(value, int):
        return decimal.Decimal(value)
    if isinstance(value, float):
        special = _float_special(value)
        return decimal.Decimal(special) if special else decimal.Decimal(repr(value))
    if isinstance(value, str):
        return parse_numeric(value)
    raise mismatch("numeric", value)


def format_numeric(value: Any) -> str:
    d = to_decimal(value)
    if d.is_nan():
        return "NaN"
    if d.is_infinite():
        return "-Infinity" if d < 0 else "Infinity"
    if d.is_zero():
        d = d.copy_abs()
    if d.as_tuple().exponent > 0:  # type: ignore[operator]
        d = d.quantize(decimal.Decimal(1), context=decimal.Context(prec=max(len(d.as_tuple().digits) + 400, 28)))
    return format(d, "f")


_INT_RE = re.compile(r"\s*[+-]?\d+\s*")
_FLOAT_RE = re.compile(r"\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*")
_FLOAT_SPECIAL = {"nan": math.nan, "infinity": math.inf, "+infinity": math.inf, "-infinity": -math.inf,
                  "inf": math.inf, "+inf": math.inf, "-inf": -math.inf}


def parse_int(text: str, kind: str) -> int:
    if not _INT_RE.fullmatch(text):
        raise invalid(kind, text)
    value = int(text)
    low, high = INT_RANGES[kind]
    if not low <= value <= high:
        raise PgError(NUMERIC_VALUE_OUT_OF_RANGE, f'value "{text}" is out of range for type {SQL_NAMES[kind]}')
    return value & 0xFFFFFFFF if kind == "oid" else value


def parse_float(text: str, kind: str) -> float:
    special = _FLOAT_SPECIAL.get(text.strip().lower())
    if special is not None:
        return special
    if not _FLOAT_RE.fullmatch(text):
        raise invalid(kind, text)
    value = float(text)
    if kind == "float4" and not math.isinf(value):
        try:
            value = struct.unpack(">f", struct.pack(">f", value))[0]  # float4in rounds to single precision
        except OverflowError:
            value = math.inf
    if math.isinf(value):
        raise PgError(NUMERIC_VALUE_OUT_OF_RANGE, f'"{text.strip()}" is out of range for type {SQL_NAMES[kind]}')
    return value


def parse_numeric(text: str) -> decimal.Decimal:
    stripped = text.strip()
    lowered = stripped.lower()
    if lowered == "nan":
        return decimal.Decimal("NaN")
    if lowered in ("infinity", "+infinity", "inf", "+inf", "-infinity", "-inf"):
        return decimal.Decimal("-Infinity" if lowered.startswith("-") else "Infinity")
    if not _FLOAT_RE.fullmatch(text):
        raise invalid("numeric", text)
    return decimal.Decimal(stripped)


_BOOL_WORDS = (("true", True, 1), ("false", False, 1), ("yes", True, 1), ("no", False, 1),
               ("on", True, 2), ("off", False, 2), ("1", True, 1), ("0", False, 1))


def parse_bool(text: str) -> bool:
    """boolin: unique prefixes of true/false/yes/no, on/off, 1/0, any case, surrounding spaces."""
    word = text.strip().lower()
    for full, result, min_len in _BOOL_WORDS:
        if len(word) >= min_len and full.startswith(word):
            return result
    raise invalid("bool", text)


# ---------------------------------------------------------------------------
# Bytes, UUID, JSON, money
# ---------------------------------------------------------------------------


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


def format_uuid(value: Any) -> str:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, str):
        return str(parse_uuid(value))
    if isinstance(value, bytes) and len(value) == 16:
        return str(uuid.UUID(bytes=value))
    raise mismatch("uuid", value)


def parse_uuid(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text.strip())
    except ValueError as exc:
        raise invalid("uuid", text) from exc


def _jsonb_dump(value: Any) -> str:
    """jsonb's canonical text: ', ' and ': ' separators, keys by length then bytes, last duplicate wins."""
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


def format_money(value: Any) -> str:
    """cash_out with lc_monetary C/en_US: '$1,234.56', '-$1,234.56'."""
    d = to_decimal(value).quantize(decimal.Decimal("0.01"))
    whole, _, cents = format(abs(d), "f").partition(".")
    return f"{'-' if d < 0 else ''}${int(whole):,}.{cents}"


def parse_money(text: str) -> decimal.Decimal:
    cleaned = text.strip().replace("$", "").replace(",", "")
    negative = cleaned.startswith("(") and cleaned.endswith(")")
    cleaned = cleaned.strip("()")
    if not _FLOAT_RE.fullmatch(cleaned):
        raise invalid("money", text)
    value = decimal.Decimal(cleaned.strip()).quantize(decimal.Decimal("0.01"))
    return -value if negative else value


# ---------------------------------------------------------------------------
# Dispatch tables: kind -> (value, ctx) -> str and kind -> (text, ctx) -> value
# ---------------------------------------------------------------------------


def _text_value(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _int_text(kind: str) -> Callable[[Any, FormatContext], str]:
    def encode(value: Any, ctx: FormatContext) -> str:
        if isinstance(value, bool) or not isinstance(value, (int, decimal.Decimal, float, str)):
            if isinstance(value, bool):
                return "1" if value else "0"
            raise mismatch(kind, value)
        return str(int(value)) if not isinstance(value, str) else str(parse_int(value, kind))

    return encode


def _vector_text(value: Any, ctx: FormatContext) -> str:
    return " ".join(str(int(v)) for v in value) if not isinstance(value, str) else value


def _datetime_text(kind: str) -> Callable[[Any, FormatContext], str]:
    def encode(value: Any, ctx: FormatContext) -> str:
        tz = dtv.resolve_time_zone(ctx.time_zone)
        iso = ctx.date_style.replace(" ", "").upper().startswith("ISO")
        if kind == "date":
            day = value.date() if isinstance(value, dt.datetime) else value
            return dtv.format_date(day) if iso else styles.format_date(day, ctx.date_style)
        if kind == "time":
            return dtv.format_time(value.time() if isinstance(value, dt.datetime) else value)
        if kind == "timetz":
            return dtv.format_timetz(value.timetz() if isinstance(value, dt.datetime) else value)
        if kind == "timestamp":
            if iso:
                return dtv.format_timestamp(value, tz)
            local = dtv.to_session_zone(value, tz).replace(tzinfo=None) if getattr(value, "tzinfo", None) \
                else dt.datetime.combine(value, dt.time()) if not isinstance(value, dt.datetime) else value
            return styles.format_timestamp(local, ctx.date_style, None)
        return dtv.format_timestamptz(value, tz) if iso else styles.format_timestamptz(value, tz, ctx.date_style)

    return encode


def _interval_text(value: Any, ctx: FormatContext) -> str:
    if isinstance(value, str):
        return value
    return styles.format_interval(value, ctx.interval_style)


def _checked(kind: str, types: tuple[type, ...], fn: Callable[[Any, FormatContext], str]) -> Callable[..., str]:
    def encode(value: Any, ctx: FormatContext) -> str:
        if isinstance(value, str):
            return value  # already text (e.g. a literal the SQL layer passed through)
        if not isinstance(value, types):
            raise mismatch(kind, value)
        return fn(value, ctx)

    return encode


TEXT_ENCODERS: dict[str, Callable[[Any, FormatContext], str]] = {
    "int2": _int_text("int2"), "int4": _int_text("int4"), "int8": _int_text("int8"), "oid": _int_text("oid"),
    "float4": lambda v, c: format_float(float(v), True, c.extra_float_digits),
    "float8": lambda v, c: format_float(float(v), False, c.extra_float_digits),
    "numeric": lambda v, c: format_numeric(v),
    "bool": lambda v, c: ("t" if v else "f") if not isinstance(v, str) else ("t" if parse_bool(v) else "f"),
    "text": lambda v, c: _text_value(v),
    "char": lambda v, c: _text_value(v)[:1],
    "bytea": lambda v, c: format_bytea(v, c.bytea_output),
    "uuid": lambda v, c: format_uuid(v),
    "json": lambda v, c: format_json(v),
    "jsonb": lambda v, c: format_jsonb(v),
    "money": lambda v, c: format_money(v),
    "date": _checked("date", (dt.date,), _datetime_text("date")),
    "time": _checked("time", (dt.time, dt.datetime), _datetime_text("time")),
    "timetz": _checked("timetz", (dt.time, dt.datetime), _datetime_text("timetz")),
    "timestamp": _checked("timestamp", (dt.date,), _datetime_text("timestamp")),
    "timestamptz": _checked("timestamptz", (dt.date,), _datetime_text("timestamptz")),
    "interval": _interval_text,
    "vector": _vector_text,
    "void": lambda v, c: "",
}


def _day_first(ctx: FormatContext) -> bool:
    return styles.parse_date_style(ctx.date_style)[1] == "DMY"


def _interval_value(text: str) -> Any:
    return dtv.make_interval(*dtv.parse_interval(text))


TEXT_DECODERS: dict[str, Callable[[str, FormatContext], Any]] = {
    "int2": lambda s, c: parse_int(s, "int2"), "int4": lambda s, c: parse_int(s, "int4"),
    "int8": lambda s, c: parse_int(s, "int8"), "oid": lambda s, c: parse_int(s, "oid"),
    "float4": lambda s, c: parse_float(s, "float4"), "float8": lambda s, c: parse_float(s, "float8"),
    "numeric": lambda s, c: parse_numeric(s),
    "bool": lambda s, c: parse_bool(s),
    "text": lambda s, c: s,
    "char": lambda s, c: s[:1],
    "bytea": lambda s, c: parse_bytea(s),
    "uuid": lambda s, c: parse_uuid(s),
    "json": lambda s, c: parse_json(s, "json"),
    "jsonb": lambda s, c: parse_json(s, "jsonb"),
    "money": lambda s, c: parse_money(s),
    "date": lambda s, c: dtv.parse_date(s, _day_first(c)),
    "time": lambda s, c: dtv.parse_time(s),
    "timetz": lambda s, c: dtv.parse_timetz(s, dtv.resolve_time_zone(c.time_zone)),
    "timestamp": lambda s, c: dtv.parse_timestamp(s, _day_first(c)),
    "timestamptz": lambda s, c: dtv.parse_timestamptz(s, dtv.resolve_time_zone(c.time_zone), _day_first(c)),
    "interval": lambda s, c: _interval_value(s),
    "vector": lambda s, c: [parse_int(p, "int4") for p in s.split()],
    "void": lambda s, c: None,
}
