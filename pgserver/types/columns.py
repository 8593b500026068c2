"""Whole Arrow columns as wire values, by Arrow and numpy kernels: the DataRow hot path.

`column_encoder(kind, format, arrow type, ctx)` gives a function from an Arrow column to an Arrow
binary array of wire values (null for SQL NULL), or None when no kernel gives exactly what the
per-value codecs give (adapters.py) — and a kernel itself answers None for a batch it cannot hold
(a value out of range, a NaN numeric), so that batch takes the per-value path and its errors.
Every kernel works per batch and column, never per value in Python; tests/sql/test_sql_wire_rows.py
checks each against the per-value codecs and against a real PostgreSQL 15.

How each kernel stays exact:
- integers, text, booleans, dates, timestamps: Arrow's casts print exactly PostgreSQL's digits;
  fractions of seconds lose their trailing zeros by one regex;
- float4/float8 (extra_float_digits > 0): Arrow prints the shortest round-trip digits, as PostgreSQL's
  Ryu does, in its own notation; the digits and exponent are taken apart and laid out again in
  float8out's (scientific below 1e-4 and from 1e15, 1e6 for float4);
- numeric: decimals as their unscaled 64-bit integers, digits by numpy; the binary form's base-10000
  groups from the digit matrix;
- timestamptz: local wall time by Arrow's time zone database, offsets printed once per distinct offset.
"""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pgserver.types.datestyles import parse_date_style
from pgserver.types.datetime import format_offset, resolve_time_zone
from pgserver.types.numeric import NUMERIC_NEG, NUMERIC_POS
from pgserver.types.values import FormatContext

ColumnEncoder = Callable[[pa.Array], "pa.Array | None"]  # None: this batch needs the per-value path

PG_EPOCH_DAYS = 10_957  # 2000-01-01 in days since 1970-01-01
PG_EPOCH_US = PG_EPOCH_DAYS * 86_400 * 1_000_000
DATE_RANGE = (-719_162, 2_932_896)  # 0001-01-01 … 9999-12-31 (what the per-value codecs hold)
US_RANGE = (-62_135_596_800_000_000, 253_402_300_799_999_999)
_INT_WIDTH = {"int2": ">i2", "int4": ">i4", "int8": ">i8", "oid": ">u4"}
_INT_RANGE = {"int2": (-(2**15), 2**15 - 1), "int4": (-(2**31), 2**31 - 1), "int8": (-(2**63), 2**63 - 1),
              "oid": (0, 2**32 - 1)}
# Arrow's time zone database has no rules past its last transition (2037); PostgreSQL (and zoneinfo) go on
# with the zone's daylight-saving rule, so later instants take the per-value path.
_ZONE_TABLE_END_US = int((dt.datetime(2037, 12, 1) - dt.datetime(1970, 1, 1)).total_seconds()) * 1_000_000
_TRAILING_FRACTION = r"\.?0+$"  # '05.120000' → '05.12', '05.000000' → '05' (Arrow always prints 6 digits)


def column_encoder(kind: str | None, fmt: int, arrow: pa.DataType, ctx: FormatContext) -> ColumnEncoder | None:
    """The kernel for values of codec `kind` arriving as `arrow`, in wire format `fmt` (0 text, 1 binary)."""
    kernel = _text_encoder(kind, arrow, ctx) if fmt == 0 else _binary_encoder(kind, arrow)
    if kernel is not None and kind in _COSTLY[fmt]:
        return _distinct_first(kernel)
    return kernel


# Kernels whose cost per value is high enough that a batch with repeated values (amounts, quantities, dates,
# rates) is cheaper encoded once per distinct value: Arrow's hash kernel finds them, `take` lays them out again.
# (per format: numeric text is already its own text form; its binary form is numeric_send)
_COSTLY = {0: frozenset({"numeric", "float4", "float8", "timestamp", "timestamptz", "uuid"}),
           1: frozenset({"numeric", "numeric text", "float4", "float8", "timestamp", "timestamptz", "uuid"})}
_DISTINCT_SHARE = 4  # distinct values at most a quarter of the batch: worth it
_KNOWN_KEPT = 1 << 13  # distinct values (and their encodings) an encoder keeps from one batch for the next


def _distinct_first(kernel: ColumnEncoder) -> ColumnEncoder:
    """`kernel` once per distinct value of a batch; the last such batch's values and encodings are kept, so a
    batch holding only values seen there (the same amounts batch after batch) is one index_in and one take.
    The kept pair is replaced whole: an encoder shared by executions in several threads reads a matching pair."""
    known: list[tuple[pa.Array, pa.Array]] = []

    def encode(column: pa.Array) -> pa.Array | None:
        if len(column) < 64:
            return kernel(column)
        kept = known[0] if known else None
        if kept is not None and kept[0].type == column.type:
            positions = pc.index_in(column, value_set=kept[0])
            if positions.null_count == column.null_count:  # every value seen (a NULL stays NULL)
                return kept[1].take(positions)
        encoded = pc.dictionary_encode(column)
        if len(encoded.dictionary) * _DISTINCT_SHARE > len(column):
            return kernel(column)
        distinct = kernel(encoded.dictionary)
        if distinct is None:
            return None
        if len(encoded.dictionary) <= _KNOWN_KEPT:
            known[:] = [(encoded.dictionary, distinct)]
        return distinct.take(encoded.indices)
    return encode


# ---------------------------------------------------------------------------
# Building binary arrays
# ---------------------------------------------------------------------------


def fixed_width(data: bytes | np.ndarray, width: int, rows: int) -> pa.Array:
    """`rows` values of `width` bytes each, laid end to end in `data`, as a binary array (over `data` itself)."""
    buffer = pa.py_buffer(data if isinstance(data, bytes) else np.ascontiguousarray(data))
    offsets = np.arange(0, width * (rows + 1), width, dtype=np.int32)
    return pa.Array.from_buffers(pa.binary(), rows, [None, pa.py_buffer(offsets), buffer])


def pack_rows(matrix: np.ndarray, lengths: np.ndarray) -> pa.Array:
    """Row i of the uint8 `matrix`, cut to lengths[i] bytes, as one binary value per row."""
    rows, width = matrix.shape
    offsets = np.zeros(rows + 1, dtype=np.int32)
    np.cumsum(lengths, out=offsets[1:])
    if rows and int(offsets[-1]) == rows * width:  # every row whole: no cut
        data = matrix
    else:
        data = matrix[_prefixes(width)[lengths]]
    return pa.Array.from_buffers(pa.binary(), rows, [None, pa.py_buffer(offsets), pa.py_buffer(np.ascontiguousarray(data))])


@functools.lru_cache(maxsize=64)
def _prefixes(width: int) -> np.ndarray:
    """Row n: the first n of `width` places (a boolean table pack_rows picks rows of)."""
    return np.arange(width) < np.arange(width + 1)[:, None]


def with_nulls(values: pa.Array, column: pa.Array) -> pa.Array:
    if not column.null_count:
        return values
    return pc.if_else(column.is_valid(), values, pa.scalar(None, type=pa.binary()))


def _text(array: pa.Array) -> pa.Array:
    return array.cast(pa.string()).view(pa.binary())


def _in_range(values: pa.Array, low: int, high: int) -> bool:
    if values.null_count == len(values):
        return True
    bounds = pc.min_max(values).as_py()
    return low <= bounds["min"] and bounds["max"] <= high


def _big_endian(column: pa.Array, numpy_type: str, shift: int = 0) -> pa.Array:
    values = column.fill_null(0).to_numpy(zero_copy_only=False)
    if shift:
        values = values.astype(np.int64) - shift
    packed = values.astype(numpy_type)
    return with_nulls(fixed_width(packed, packed.dtype.itemsize, len(column)), column)


def _matrix(strings: pa.Array, width: int) -> np.ndarray:
    """ASCII strings of exactly `width` bytes (no nulls) as a (rows, width) uint8 matrix."""
    data = strings.buffers()[2]
    start = np.frombuffer(strings.buffers()[1], dtype=np.int32, count=1, offset=strings.offset * 4)[0]
    return np.frombuffer(data, dtype=np.uint8, count=len(strings) * width, offset=int(start)).reshape(-1, width)


def _is_string(arrow: pa.DataType) -> bool:
    return pa.types.is_string(arrow) or pa.types.is_large_string(arrow)


# ---------------------------------------------------------------------------
# Text format
# ---------------------------------------------------------------------------


def _text_encoder(kind: str | None, arrow: pa.DataType, ctx: FormatContext) -> ColumnEncoder | None:
    output, order = parse_date_style(ctx.date_style)
    if kind == "numeric text" and pa.types.is_string(arrow):
        return lambda column: column.view(pa.binary())  # already exactly PostgreSQL's text (pg_numeric)
    if kind in ("int2", "int4", "int8", "oid") and pa.types.is_integer(arrow):
        return _text
    if kind in ("text", "json") and _is_string(arrow):
        return _text
    if kind == "bool" and pa.types.is_boolean(arrow):
        return lambda column: pc.if_else(column, b"t", b"f")
    if kind == "numeric" and pa.types.is_decimal(arrow):
        return lambda column: _decimal_text(column)
    if kind in ("float4", "float8") and (pa.types.is_floating(arrow) or pa.types.is_integer(arrow)) \
            and ctx.extra_float_digits > 0:
        single = kind == "float4"
        return lambda column: _float_text(column, single)
    if kind == "date" and pa.types.is_date32(arrow):
        return lambda column: _date_text(column, output, order)
    if kind == "timestamp" and pa.types.is_timestamp(arrow) and arrow.unit != "ns" and arrow.tz is None:
        return lambda column: _timestamp_text(column, output, order)
    if kind == "timestamptz" and pa.types.is_timestamp(arrow) and arrow.unit != "ns" and output == "ISO":
        zone = resolve_time_zone(ctx.time_zone)
        return lambda column: _timestamptz_text(column, zone)
    if kind == "time" and pa.types.is_time64(arrow):
        return lambda column: pc.replace_substring_regex(_text(column.cast(pa.time64("us"))), _TRAILING_FRACTION, b"")
    if kind == "uuid" and pa.types.is_string(arrow):
        return _uuid_text
    if kind == "bytea" and pa.types.is_binary(arrow) and ctx.bytea_output == "hex":
        return _bytea_hex
    return None


def _decimal_digits(column: pa.Array) -> tuple[np.ndarray, np.ndarray] | None:
    """(unscaled int64 values, null mask) of a decimal column whose every value fits 64 bits; else None."""
    arrow = column.type
    if arrow.scale < 0 or arrow.scale > 18 or not pa.types.is_decimal128(arrow):
        return None
    words = np.frombuffer(column.buffers()[1], dtype=np.int64, count=2 * (len(column) + column.offset))
    words = words[2 * column.offset:]
    low, high = words[0::2], words[1::2]
    nulls = column.is_null().to_numpy(zero_copy_only=False) if column.null_count else np.zeros(len(column), bool)
    if not np.all((high == (low >> 63)) | nulls):
        return None  # beyond 64 bits: the per-value path
    return np.where(nulls, 0, low), nulls


_POWERS = 10 ** np.arange(19, -1, -1, dtype=np.uint64)  # 10^19 … 10^0


def _digit_matrix(magnitude: np.ndarray) -> np.ndarray:
    """The 20 decimal digits of each uint64, most significant first, as ASCII."""
    return ((magnitude[:, None] // _POWERS) % np.uint64(10)).astype(np.uint8) + ord("0")


def _significant(magnitude: np.ndarray) -> np.ndarray:
    """How many digits each uint64 has (0 for zero)."""
    return (magnitude[:, None] >= _POWERS).sum(axis=1) if len(magnitude) else np.zeros(0, np.int64)


def _decimal_text(column: pa.Array) -> pa.Array | None:
    """numeric_out of a decimal column: plain notation with the column's scale ('-0.05', '12.50', '0.00')."""
    found = _decimal_digits(column)
    if found is None:
        return None
    values, _nulls = found
    scale = column.type.scale
    magnitude = np.abs(values).astype(np.uint64)  # |−2^63| is 2^63: right as uint64
    digits = _digit_matrix(magnitude)
    shown = np.maximum(_significant(magnitude), scale + 1)  # digits printed: at least '0' before the point
    negative = (values < 0).astype(np.int64)
    rows = len(values)
    width = 1 + 20 + 1
    j = np.arange(width)[None, :] - negative[:, None]  # position after the sign
    int_digits = (shown - scale)[:, None]
    source = np.where(j < int_digits, 20 - shown[:, None] + j, 20 - shown[:, None] + j - 1)
    out = digits[np.arange(rows)[:, None], np.clip(source, 0, 19)]
    if scale:
        out = np.where(j == int_digits, ord("."), out)
    out = np.where(j < 0, ord("-"), out).astype(np.uint8)
    lengths = negative + shown + (1 if scale else 0)
    return with_nulls(pack_rows(out, lengths), column)


_FLOAT_PARTS = r"^-?(?P<int>\d+)(?:\.(?P<frac>\d+))?(?:e\+?(?P<exp>-?\d+))?$"
_FLOAT_WIDTH = 26  # '-' + 17 digits + '.' + 'e-' + 3 exponent digits, or '-0.000' + 17 digits


def _float_text(column: pa.Array, single: bool) -> pa.Array:
    """float4out/float8out with extra_float_digits > 0 (shortest round-trip digits), as PostgreSQL lays them out."""
    values = column.cast(pa.float32() if single else pa.float64())
    text = pc.cast(values, pa.string())
    parts = pc.extract_regex(text, _FLOAT_PARTS)  # null for NULL, inf and nan
    integer, fraction = parts.field("int").fill_null("0"), parts.field("frac").fill_null("")
    exponent_text = parts.field("exp").fill_null("")
    all_digits = pc.binary_join_element_wise(integer, fraction, "")
    significant = pc.utf8_trim(all_digits, "0")
    n = pc.utf8_length(significant).to_numpy(zero_copy_only=False).astype(np.int64)
    lead = pc.utf8_length(all_digits).to_numpy(zero_copy_only=False) - \
        pc.utf8_length(pc.utf8_ltrim(all_digits, "0")).to_numpy(zero_copy_only=False)
    written = pc.cast(pc.if_else(pc.equal(exponent_text, ""), "0", exponent_text), pa.int64()).to_numpy(
        zero_copy_only=False)
    exp10 = pc.utf8_length(integer).to_numpy(zero_copy_only=False) - 1 - lead + written
    rows = len(values)
    digits = _matrix(pc.utf8_rpad(significant, 17, "0"), 17) if rows else np.zeros((0, 17), np.uint8)
    negative = pc.less(values, 0).fill_null(False).to_numpy(zero_copy_only=False).astype(np.int64)
    negative |= np.signbit(values.fill_null(0).to_numpy(zero_copy_only=False)).astype(np.int64)
    limit = 6 if single else 15
    scientific = (exp10 < -4) | (exp10 >= limit)
    j = np.arange(_FLOAT_WIDTH)[None, :] - negative[:, None]
    k, count = exp10[:, None], n[:, None]
    row = np.arange(rows)[:, None]

    def digit(index: np.ndarray) -> np.ndarray:
        inside = (index >= 0) & (index < count)
        return np.where(inside, digits[row, np.clip(index, 0, 16)], ord("0"))

    # fixed, exponent >= 0: digits[0..k] (zeros past the last), then '.' and the rest if any
    whole = np.where(j <= k, digit(j), np.where(j == k + 1, ord("."), digit(j - 1)))
    whole_len = np.where(n > exp10 + 1, n + 1, exp10 + 1)
    # fixed, exponent < 0: '0.', -k-1 zeros, the digits
    zeros = -k - 1
    small = np.where(j == 0, ord("0"), np.where(j == 1, ord("."), np.where(j < 2 + zeros, ord("0"),
                                                                          digit(j - 2 - zeros))))
    small_len = 2 + (-exp10 - 1) + n
    # scientific: d[.ddd]e±XX
    point = np.where(n > 1, n + 1, 1)[:, None]  # where 'e' goes
    magnitude = np.abs(exp10)
    exp_digits = np.where(magnitude >= 100, 3, 2)[:, None]
    exp_pos = j - point - 2  # index into the exponent's digits
    exp_char = (magnitude[:, None] // np.where(exp_pos == 0, 10 ** (exp_digits - 1),
                                               np.where(exp_pos == 1, 10 ** np.maximum(exp_digits - 2, 0), 1))) % 10
    sci = np.where(j == 0, digit(j), np.where((j == 1) & (count > 1), ord("."), np.where(
        j < point, digit(j - 1), np.where(j == point, ord("e"), np.where(j == point + 1, np.where(
            k < 0, ord("-"), ord("+")), exp_char + ord("0"))))))
    sci_len = point[:, 0] + 2 + exp_digits[:, 0]
    body = np.where(scientific[:, None], sci, np.where(exp10[:, None] >= 0, whole, small))
    out = np.where(j < 0, ord("-"), body).astype(np.uint8)
    lengths = negative + np.where(scientific, sci_len, np.where(exp10 >= 0, whole_len, small_len))
    zero = n == 0
    lengths = np.where(zero, negative + 1, lengths)
    out[zero & (negative == 1), 1] = ord("0")
    out[zero & (negative == 0), 0] = ord("0")
    laid_out = pack_rows(out, lengths)
    special = pc.and_(values.is_valid(), parts.is_null())
    if pc.any(special).as_py():
        words = pc.if_else(pc.is_nan(values), b"NaN", pc.if_else(pc.greater(values, 0), b"Infinity", b"-Infinity"))
        laid_out = pc.if_else(special, words, laid_out)
    return with_nulls(laid_out, column)


_DATE_FORMATS = {("SQL", "DMY"): "%d/%m/%Y", ("SQL", "MDY"): "%m/%d/%Y", ("SQL", "YMD"): "%m/%d/%Y",
                 ("German", "DMY"): "%d.%m.%Y", ("German", "MDY"): "%d.%m.%Y", ("German", "YMD"): "%d.%m.%Y",
                 ("Postgres", "DMY"): "%d-%m-%Y", ("Postgres", "MDY"): "%m-%d-%Y", ("Postgres", "YMD"): "%m-%d-%Y"}


def _date_text(column: pa.Array, output: str, order: str) -> pa.Array | None:
    if not _in_range(column.cast(pa.int32()), *DATE_RANGE):
        return None
    if output == "ISO":
        return _text(column)
    return pc.strftime(column, format=_DATE_FORMATS[output, order]).view(pa.binary())


def _timestamp_text(column: pa.Array, output: str, order: str) -> pa.Array | None:
    micros = column.cast(pa.timestamp("us"))
    if not _in_range(micros.cast(pa.int64()), *US_RANGE):
        return None
    return _local_text(micros, output, order)


def _local_text(local: pa.Array, output: str, order: str) -> pa.Array:
    """A naive timestamp[us] column as timestamp_out prints it in the DateStyle."""
    if output == "ISO":
        return pc.replace_substring_regex(_text(local), _TRAILING_FRACTION, b"")
    clock = pc.replace_substring_regex(pc.strftime(local, format="%H:%M:%S"), _TRAILING_FRACTION, "")
    if output == "Postgres":
        head = pc.strftime(local, format="%a %d %b" if order == "DMY" else "%a %b %d")
        return pc.binary_join_element_wise(head, clock, pc.strftime(local, format="%Y"), " ").view(pa.binary())
    day = pc.strftime(local, format=_DATE_FORMATS[output, order])
    return pc.binary_join_element_wise(day, clock, " ").view(pa.binary())


def _timestamptz_text(column: pa.Array, zone: dt.tzinfo) -> pa.Array | None:
    """timestamptz_out in DateStyle ISO: the session zone's wall time and its UTC offset ('+05:30')."""
    utc = column.cast(pa.timestamp("us", tz="UTC"))
    instants = utc.cast(pa.int64())
    if not _in_range(instants, *US_RANGE):
        return None
    if isinstance(zone, dt.timezone):
        shift = int((zone.utcoffset(None) or dt.timedelta(0)).total_seconds() * 1_000_000)
        offsets = pa.array(np.full(len(column), shift // 1_000_000, dtype=np.int64))
        local = pc.add(instants, shift).cast(pa.timestamp("us"))
    elif isinstance(zone, zoneinfo.ZoneInfo):
        if not _in_range(instants, US_RANGE[0], _ZONE_TABLE_END_US):
            return None
        try:
            local = pc.local_timestamp(utc.cast(pa.timestamp("us", tz=zone.key)))
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return None  # a zone Arrow's database does not know
        offsets = pc.divide(pc.subtract(local.cast(pa.int64()), instants), 1_000_000)
    else:
        return None
    local_micros = local.cast(pa.int64())
    if not _in_range(local_micros, *US_RANGE):
        return None
    seconds = offsets.fill_null(0).to_numpy(zero_copy_only=False)
    distinct, index = np.unique(seconds, return_inverse=True)
    printed = pa.array([format_offset(dt.timedelta(seconds=int(s))).encode() for s in distinct], pa.binary())
    suffix = printed.take(pa.array(index.astype(np.int32)))
    text = pc.replace_substring_regex(_text(local.cast(pa.timestamp("us"))), _TRAILING_FRACTION, b"")
    return with_nulls(pc.binary_join_element_wise(text, suffix, b""), column)


_CANONICAL_UUID = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"


def _uuid_text(column: pa.Array) -> pa.Array | None:
    if not pc.all(pc.match_substring_regex(column, _CANONICAL_UUID)).as_py() and column.null_count < len(column):
        return None  # not uuid_out's form already: the per-value path normalises it
    return column.view(pa.binary())


_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)


def _bytea_hex(column: pa.Array) -> pa.Array:
    """byteaout with bytea_output = hex: '\\x' and two lower-case hex digits per byte."""
    lengths = pc.binary_length(column).fill_null(0).to_numpy(zero_copy_only=False).astype(np.int64)
    offsets = np.frombuffer(column.buffers()[1], dtype=np.int32, count=len(column) + 1, offset=column.offset * 4)
    raw = np.frombuffer(column.buffers()[2], dtype=np.uint8)[offsets[0]:offsets[-1]] if len(column) else \
        np.zeros(0, np.uint8)
    pairs = np.empty((len(raw), 2), dtype=np.uint8)
    pairs[:, 0], pairs[:, 1] = _HEX[raw >> 4], _HEX[raw & 15]
    out_offsets = np.zeros(len(column) + 1, dtype=np.int32)
    np.cumsum(lengths * 2, out=out_offsets[1:])
    hexed = pa.Array.from_buffers(pa.binary(), len(column), [None, pa.py_buffer(out_offsets.tobytes()),
                                                            pa.py_buffer(pairs.tobytes())])
    return with_nulls(pc.binary_join_element_wise(b"\\x", hexed, b""), column)


# ---------------------------------------------------------------------------
# Binary format
# ---------------------------------------------------------------------------


def _binary_encoder(kind: str | None, arrow: pa.DataType) -> ColumnEncoder | None:
    if kind in _INT_WIDTH and pa.types.is_integer(arrow):
        width, (low, high) = _INT_WIDTH[kind], _INT_RANGE[kind]
        held = np.iinfo(arrow.to_pandas_dtype())
        if low <= held.min and held.max <= high:  # every value of the Arrow type fits: nothing to check
            return lambda column: _big_endian(column, width)

        def integer(column: pa.Array) -> pa.Array | None:
            if not _in_range(column, low, high):
                return None  # the per-value encoder raises PostgreSQL's out-of-range error
            return _big_endian(column, width)
        return integer
    if (kind, arrow) in (("float8", pa.float64()), ("float4", pa.float32())):
        numpy_type = ">f8" if kind == "float8" else ">f4"
        return lambda column: _big_endian(column, numpy_type)
    if kind == "bool" and pa.types.is_boolean(arrow):
        return lambda column: pc.if_else(column, b"\x01", b"\x00")
    if kind in ("text", "json") and _is_string(arrow):
        return _text
    if kind == "numeric text" and pa.types.is_string(arrow):
        return numeric_text_binary
    if kind == "numeric" and pa.types.is_decimal(arrow):
        def numeric(column: pa.Array) -> pa.Array | None:
            direct = _decimal_binary(column)
            if direct is not None:
                return direct
            text = _decimal_text(column)
            return numeric_text_binary(text) if text is not None else None
        return numeric
    if kind == "date" and pa.types.is_date32(arrow):
        def date(column: pa.Array) -> pa.Array | None:
            days = column.cast(pa.int32())
            return _big_endian(days, ">i4", PG_EPOCH_DAYS) if _in_range(days, *DATE_RANGE) else None
        return date
    if kind in ("timestamp", "timestamptz") and pa.types.is_timestamp(arrow) and arrow.unit != "ns":
        def timestamp(column: pa.Array) -> pa.Array | None:
            micros = column.cast(pa.timestamp("us", tz=arrow.tz)).cast(pa.int64())
            return _big_endian(micros, ">i8", PG_EPOCH_US) if _in_range(micros, *US_RANGE) else None
        return timestamp
    if kind == "time" and pa.types.is_time64(arrow):
        return lambda column: _big_endian(column.cast(pa.time64("us")).cast(pa.int64()), ">i8")
    if kind == "uuid" and pa.types.is_string(arrow):
        return _uuid_binary
    if kind == "bytea" and (pa.types.is_binary(arrow) or pa.types.is_large_binary(arrow)):
        return lambda column: column.cast(pa.binary())
    return None


_NUMERIC_HEADER = np.dtype([("ndigits", ">i2"), ("weight", ">i2"), ("sign", ">u2"), ("dscale", ">i2")])
_BASE = np.uint64(10_000)


def _base_10000(values: np.ndarray, count: int) -> list[np.ndarray]:
    """The `count` least significant base-10000 digits of each uint64, most significant first (each division is by
    one scalar, which numpy does without a hardware division per value)."""
    digits = []
    for _ in range(count):
        quotient = values // _BASE
        digits.append(values - quotient * _BASE)
        values = quotient
    return digits[::-1]


def _decimal_binary(column: pa.Array) -> pa.Array | None:
    """numeric_send of a decimal column straight from its unscaled 64-bit integers: the integer part's base-10000
    digits (as many as the batch's largest value needs) and the fraction's (scaled up to whole groups) by numpy,
    a digit column at a time (None: beyond 64 bits, or a scale above 16; the text path takes those)."""
    found = _decimal_digits(column)
    if found is None or column.type.scale > 16:
        return None
    values, _nulls = found
    rows, scale = len(values), column.type.scale
    frac_groups = -(-scale // 4)
    magnitude = np.abs(values).astype(np.uint64)  # |−2^63| is 2^63: right as uint64
    unit = np.uint64(10 ** scale)
    whole = magnitude // unit
    fraction = (magnitude - whole * unit) * np.uint64(10 ** (4 * frac_groups - scale))
    top, int_groups = int(whole.max()) if rows else 0, 1
    while top >= 10_000 ** int_groups:
        int_groups += 1
    groups = _base_10000(whole, int_groups) + _base_10000(fraction, frac_groups)
    width = len(groups)
    present = magnitude != 0
    first, last = np.zeros(rows, np.int64), np.zeros(rows, np.int64)  # the first and last nonzero digit
    for k in range(width - 1, -1, -1):
        first = np.where(groups[k] != 0, k, first)
    for k in range(width):
        last = np.where(groups[k] != 0, k, last)
    ndigits = np.where(present, last - first + 1, 0)
    matrix = np.empty(rows, np.dtype([("header", _NUMERIC_HEADER), ("digits", ">u2", (width,))]))
    header, digits = matrix["header"], matrix["digits"]
    header["ndigits"] = ndigits
    header["weight"] = np.where(present, int_groups - 1 - first, 0)
    header["sign"] = np.where((values < 0) & present, NUMERIC_NEG, NUMERIC_POS)
    header["dscale"] = scale
    for k in range(width):
        digits[:, k] = groups[k]
    for shift in np.flatnonzero(np.bincount(first)[1:]) + 1:  # rows with leading zero digits: theirs moved left
        moved = np.flatnonzero(first == shift)
        digits[moved, :width - shift] = digits[moved, shift:]
    return with_nulls(pack_rows(matrix.view(np.uint8).reshape(rows, 8 + 2 * width), 8 + 2 * ndigits), column)


_GROUP_DIGITS = 40  # digits per side a batch may have on this path (10 base-10000 groups)


def numeric_text_binary(column: pa.Array) -> pa.Array | None:
    """numeric_send of values in plain numeric text ('-12.340'): base-10000 digit groups by numpy."""
    text = column.cast(pa.string()).fill_null("0")
    negative = pc.starts_with(text, "-")
    # 'int.frac.' splits into [int, 'frac.'] and 'int.' into [int, '']: every value has both parts
    split = pc.split_pattern(pc.binary_join_element_wise(pc.utf8_ltrim(text, "-"), ".", ""), ".", max_splits=1)
    integer = pc.list_element(split, 0)
    tail = pc.list_element(split, 1)
    fraction = pc.if_else(pc.ends_with(tail, "."), pc.utf8_slice_codeunits(tail, 0, -1), tail)
    if len(text) and not (pc.all(pc.utf8_is_digit(integer)).as_py()
                          and pc.all(pc.utf8_is_digit(pc.binary_join_element_wise(fraction, "0", ""))).as_py()):
        return None  # NaN, Infinity, an exponent or another form: the per-value path
    integer = pc.utf8_ltrim(integer, "0")
    rows = len(text)
    if not rows:
        return pa.array([], pa.binary())
    frac_lengths = pc.utf8_length(fraction).to_numpy(zero_copy_only=False).astype(np.int64)
    int_width = -(-pc.max(pc.utf8_length(integer)).as_py() // 4) * 4  # the batch's widest sides, in whole groups
    frac_width = -(-int(frac_lengths.max()) // 4) * 4
    if int_width > _GROUP_DIGITS or frac_width > _GROUP_DIGITS:
        return None
    int_groups, frac_groups = int_width // 4, frac_width // 4
    width = int_groups + frac_groups
    if width == 0:  # every value is zero
        groups = np.zeros((rows, 1), dtype=np.int64)
        int_groups, width = 1, 1
    else:
        sides = []
        if int_groups:
            sides.append(_matrix(pc.utf8_lpad(integer, int_width, "0"), int_width))
        if frac_groups:
            sides.append(_matrix(pc.utf8_rpad(fraction, frac_width, "0"), frac_width))
        digits = (np.concatenate(sides, axis=1) if len(sides) > 1 else sides[0]).astype(np.int16) - ord("0")
        groups = ((digits[:, 0::4] * 10 + digits[:, 1::4]) * 10 + digits[:, 2::4]) * 10 + digits[:, 3::4]
    nonzero = groups != 0
    present = nonzero.any(axis=1)
    first = np.argmax(nonzero, axis=1)
    last = width - 1 - np.argmax(nonzero[:, ::-1], axis=1)
    ndigits = np.where(present, last - first + 1, 0)
    weight = np.where(present, int_groups - 1 - first, 0)
    sign = np.where(negative.to_numpy(zero_copy_only=False) & present, NUMERIC_NEG, NUMERIC_POS)
    header = np.empty(rows, dtype=[("ndigits", ">i2"), ("weight", ">i2"), ("sign", ">u2"), ("dscale", ">i2")])
    header["ndigits"], header["weight"], header["sign"], header["dscale"] = ndigits, weight, sign, frac_lengths
    if width == 1 or not np.any(first):
        shifted = groups
    else:
        shifted = groups[np.arange(rows)[:, None], np.minimum(first[:, None] + np.arange(width), width - 1)]
    body = shifted.astype(">u2").view(np.uint8).reshape(rows, 2 * width)
    matrix = np.concatenate([header.view(np.uint8).reshape(rows, 8), body], axis=1)
    return with_nulls(pack_rows(matrix, 8 + 2 * ndigits), column)


def _uuid_binary(column: pa.Array) -> pa.Array | None:
    """uuid_send of canonical uuid text: the 16 bytes its hex digits spell."""
    if column.null_count < len(column) and not pc.all(pc.match_substring_regex(column, _CANONICAL_UUID)).as_py():
        return None
    hexed = pc.replace_substring(column.fill_null("00000000-0000-0000-0000-000000000000"), "-", "")
    digits = _matrix(hexed, 32) if len(column) else np.zeros((0, 32), np.uint8)
    nibbles = np.where(digits >= ord("a"), digits - ord("a") + 10, digits - ord("0")).astype(np.uint8)
    packed = (nibbles[:, 0::2] << 4) | nibbles[:, 1::2]
    return with_nulls(fixed_width(packed, 16, len(column)), column)
