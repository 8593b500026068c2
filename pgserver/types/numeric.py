"""Numbers: int2/int4/int8, oid and the other OID-valued types, float4/float8, numeric and money.

Output must match what PostgreSQL 15 prints byte for byte (drivers parse it, tests diff it against
a real server): float4out/float8out's shortest round-trip digits (or %g with extra_float_digits
<= 0), numeric_out's plain notation, cash_out with lc_monetary C; binary values are big-endian,
numeric as base-10000 digit groups (numeric_send).
"""

from __future__ import annotations

import decimal
import math
import re
import struct
from collections.abc import Callable
from typing import Any

from pgserver.errors import PgError
from pgserver.types.codec import (
    NUMERIC_VALUE_OUT_OF_RANGE,
    Codec,
    bad_binary,
    check_size,
    invalid,
    mismatch,
    sql_name,
)
from pgserver.types.values import FormatContext

INT_RANGES = {"int2": (-(2**15), 2**15 - 1), "int4": (-(2**31), 2**31 - 1), "int8": (-(2**63), 2**63 - 1),
              "oid": (-(2**31), 2**32 - 1)}
NUMERIC_POS, NUMERIC_NEG, NUMERIC_NAN, NUMERIC_PINF, NUMERIC_NINF = 0x0000, 0x4000, 0xC000, 0xD000, 0xF000


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
        raise PgError(NUMERIC_VALUE_OUT_OF_RANGE, f'value "{text}" is out of range for type {sql_name(kind)}')
    return value & 0xFFFFFFFF if kind == "oid" else value


_HEX_FLOAT_RE = re.compile(r"\s*[+-]?0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP][+-]?\d+)?\s*")


def parse_float(text: str, kind: str) -> float:
    special = _FLOAT_SPECIAL.get(text.strip().lower())
    if special is not None:
        return special
    if _HEX_FLOAT_RE.fullmatch(text):  # strtod (float8in) reads C99 hexadecimal floats too: 0x1F is 31
        value = float.fromhex(text.strip())
    elif not _FLOAT_RE.fullmatch(text):
        raise invalid(kind, text)
    else:
        value = float(text)
    if kind == "float4" and not math.isinf(value):
        try:
            value = struct.unpack(">f", struct.pack(">f", value))[0]  # float4in rounds to single precision
        except OverflowError:
            value = math.inf
    if math.isinf(value):
        raise PgError(NUMERIC_VALUE_OUT_OF_RANGE, f'"{text.strip()}" is out of range for type {sql_name(kind)}')
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
# Binary formats
# ---------------------------------------------------------------------------


def _int_codec(kind: str, fmt: str) -> tuple[Callable[[Any], bytes], Callable[[bytes], Any]]:
    packer = struct.Struct(fmt)
    low, high = INT_RANGES[kind]

    def encode(value: Any) -> bytes:
        if isinstance(value, str):
            value = parse_int(value, kind)
        if not isinstance(value, (int, decimal.Decimal, float)):
            raise mismatch(kind, value)
        number = int(value)
        if kind == "oid":
            number &= 0xFFFFFFFF
        elif not low <= number <= high:
            raise PgError(NUMERIC_VALUE_OUT_OF_RANGE, f"{sql_name(kind)} out of range")
        return packer.pack(number)

    def decode(data: bytes) -> Any:
        check_size(data, packer.size, kind)
        return packer.unpack(data)[0]

    return encode, decode


def encode_numeric(value: Any) -> bytes:
    d = to_decimal(value)
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
            value = parse_float(value, kind)
        try:
            return packer.pack(float(value))
        except (OverflowError, TypeError, ValueError) as exc:
            raise PgError(NUMERIC_VALUE_OUT_OF_RANGE, f"value out of range for type {sql_name(kind)}") from exc

    def decode(data: bytes) -> float:
        check_size(data, packer.size, kind)
        return packer.unpack(data)[0]

    return encode, decode


def encode_money(value: Any) -> bytes:
    cents = to_decimal(value).quantize(decimal.Decimal("0.01")).scaleb(2)
    return struct.pack(">q", int(cents))


def decode_money(data: bytes) -> decimal.Decimal:
    check_size(data, 8, "money")
    return decimal.Decimal(struct.unpack(">q", data)[0]).scaleb(-2)



# ---------------------------------------------------------------------------
# Text codecs and registration
# ---------------------------------------------------------------------------


def _int_text(kind: str) -> Callable[[Any, FormatContext], str]:
    def encode(value: Any, ctx: FormatContext) -> str:
        if isinstance(value, bool) or not isinstance(value, (int, decimal.Decimal, float, str)):
            if isinstance(value, bool):
                return "1" if value else "0"
            raise mismatch(kind, value)
        return str(int(value)) if not isinstance(value, str) else str(parse_int(value, kind))

    return encode


def _int(kind: str, types: tuple[str, ...], fmt: str) -> Codec:
    encode, decode = _int_codec(kind, fmt)
    return Codec(kind, types, _int_text(kind), lambda s, c: parse_int(s, kind), encode, decode)


def _float(kind: str, fmt: str) -> Codec:
    single = kind == "float4"
    encode, decode = _float_codec(fmt, kind)
    return Codec(kind, (kind,), lambda v, c: format_float(float(v), single, c.extra_float_digits),
                 lambda s, c: parse_float(s, kind), encode, decode)


OID_TYPES = ("oid", "regproc", "xid", "cid", "regprocedure", "regoper", "regoperator", "regclass", "regtype",
             "regnamespace", "regrole", "regconfig", "regdictionary", "regcollation")

CODECS = (
    _int("int2", ("int2",), ">h"),
    _int("int4", ("int4",), ">i"),
    _int("int8", ("int8",), ">q"),
    _int("oid", OID_TYPES, ">I"),
    _float("float4", ">f"),
    _float("float8", ">d"),
    Codec("numeric", ("numeric",), lambda v, c: format_numeric(v), lambda s, c: parse_numeric(s),
          encode_numeric, decode_numeric),
    Codec("money", ("money",), lambda v, c: format_money(v), lambda s, c: parse_money(s), encode_money, decode_money),
)
