"""DataRow messages for Arrow record batches, encoded a column at a time.

Encoding every value of a large result in Python, row by row, capped streaming at a
fraction of PostgreSQL's speed. Here each column of a batch becomes one Arrow binary array
of wire values — by Arrow kernels where their output is exactly PostgreSQL's (integers,
text, booleans, plain-notation numerics, ISO dates as text; fixed-width big-endian binary
values), otherwise by the type registry's per-value encoders — and the messages are
assembled by one element-wise join: `'D' int32 int16 (int32 bytes)*` per row, with no
Python work per row. Small batches (`SELECT 1`, catalog lookups) take the per-value path,
which is cheaper than the kernels' fixed cost.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pgserver import types as pgtypes
from pgserver.engine import ResultColumn
from pgserver.errors import FEATURE_NOT_SUPPORTED, PgError
from pgserver.protocol.backend import data_row
from pgserver.sql.result_types import python_values
from pgserver.types.datestyles import parse_date_style
from pgserver.types.numeric import encode_numeric_text

ColumnEncoder = Callable[[pa.Array], pa.Array | None]  # None: this batch needs the per-value path
SMALL_BATCH = 16
_HEADER = np.dtype([("type", "S1"), ("length", ">i4"), ("count", ">i2")])
_PG_EPOCH_DAYS = 10_957  # 2000-01-01 in days since 1970-01-01
_PG_EPOCH_US = _PG_EPOCH_DAYS * 86_400 * 1_000_000
_DATE_RANGE = (-719_162, 2_932_896)  # 0001-01-01 … 9999-12-31 (what Python dates hold)
_US_RANGE = (-62_135_596_800_000_000, 253_402_300_799_999_999)
_INT_WIDTH = {"int2": ">i2", "int4": ">i4", "int8": ">i8"}
_INT_RANGE = {"int2": (-(2**15), 2**15 - 1), "int4": (-(2**31), 2**31 - 1), "int8": (-(2**63), 2**63 - 1)}


class DataRowEncoder:
    """Encodes result batches of one portal (its columns, result formats and output settings)."""

    def __init__(self, columns: Sequence[ResultColumn], formats: Sequence[int], ctx: pgtypes.FormatContext,
                 numeric_text: Collection[int] = ()) -> None:
        """`numeric_text`: columns whose values are already PostgreSQL's numeric text (pg_numeric)."""
        self._value_encoders = [pgtypes.binary_encoder(c.type_oid) if f == 1 else pgtypes.text_encoder(c.type_oid, ctx)
                                for c, f in zip(columns, formats, strict=True)]
        self._kinds = [(pgtypes.codec_kind(c.type_oid), f) for c, f in zip(columns, formats, strict=True)]
        for index, column in enumerate(columns):
            if column.type_oid in _REG_TYPE_OIDS:  # names printed by the catalog (regproc …): see _reg_encoder
                self._kinds[index] = ("reg", self._kinds[index][1])
                self._value_encoders[index] = _reg_encoder(self._value_encoders[index], formats[index], column)
        for index in numeric_text:
            self._kinds[index] = ("numeric text", self._kinds[index][1])
            if self._kinds[index][1] == 1:
                self._value_encoders[index] = _numeric_text_binary
        self._iso_dates = parse_date_style(ctx.date_style)[0] == "ISO"
        self._column_encoders: dict[tuple[int, pa.DataType], ColumnEncoder | None] = {}

    def encode(self, batch: pa.RecordBatch) -> bytes:
        """Every row of `batch` as consecutive DataRow messages."""
        if batch.num_rows < SMALL_BATCH or batch.num_columns == 0:
            return self.encode_rows(list(zip(*[python_values(c) for c in batch.columns], strict=True))
                                    if batch.num_columns else [()] * batch.num_rows)
        encoded = [self._encode_column(i, column) for i, column in enumerate(batch.columns)]
        return _frame(encoded, batch.num_rows)

    def encode_rows(self, rows: Sequence[Sequence[object]]) -> bytes:
        """Rows of Python values (the per-value path)."""
        encoders = self._value_encoders
        return b"".join(data_row([enc(v) for enc, v in zip(encoders, row, strict=True)]) for row in rows)

    def _encode_column(self, index: int, column: pa.Array) -> pa.Array:
        key = (index, column.type)
        if key not in self._column_encoders:
            kind, fmt = self._kinds[index]
            self._column_encoders[key] = _fast_encoder(kind, fmt, column.type, self._iso_dates)
        fast = self._column_encoders[key]
        encoded = fast(column) if fast is not None else None
        if encoded is None:
            encode = self._value_encoders[index]
            encoded = pa.array([encode(v) for v in python_values(column)], type=pa.binary())
        return encoded


def _frame(columns: list[pa.Array], rows: int) -> bytes:
    """`'D' length count` + `(int32 size, bytes)` per column, per row, joined by Arrow."""
    size = np.full(rows, 6, dtype=np.int64)  # the length word itself and the column count
    parts: list[pa.Array] = []
    for column in columns:
        lengths = pc.binary_length(column).fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
        size += 4 + np.maximum(lengths, 0)
        parts.append(_fixed_width(lengths.astype(">i4").tobytes(), 4, rows))
        parts.append(column.fill_null(b"") if column.null_count else column)
    header = np.empty(rows, dtype=_HEADER)
    header["type"], header["length"], header["count"] = b"D", size, len(columns)
    if int(size.sum()) + rows >= 2**31 - 1:  # beyond a binary array's 32-bit offsets: row by row
        return b"".join(_row_bytes(header, parts, row) for row in range(rows))
    joined = pc.binary_join_element_wise(_fixed_width(header.tobytes(), _HEADER.itemsize, rows), *parts, b"")
    offsets = np.frombuffer(joined.buffers()[1], dtype=np.int32, count=rows + 1, offset=joined.offset * 4)
    start, end = int(offsets[0]), int(offsets[-1])
    return joined.buffers()[2].slice(start, end - start).to_pybytes()


def _row_bytes(header: np.ndarray, parts: list[pa.Array], row: int) -> bytes:
    return header[row].tobytes() + b"".join(part[row].as_py() for part in parts)


def _fixed_width(data: bytes, width: int, rows: int) -> pa.Array:
    return pa.FixedSizeBinaryArray.from_buffers(pa.binary(width), rows, [None, pa.py_buffer(data)]).cast(pa.binary())


def _with_nulls(values: pa.Array, column: pa.Array) -> pa.Array:
    if not column.null_count:
        return values
    return pc.if_else(column.is_valid(), values, pa.scalar(None, type=pa.binary()))


def _in_range(column: pa.Array, low: int, high: int) -> bool:
    if column.null_count == len(column):
        return True
    bounds = pc.min_max(column).as_py()
    return low <= bounds["min"] and bounds["max"] <= high


def _big_endian(column: pa.Array, numpy_type: str, shift: int = 0) -> pa.Array:
    values = column.fill_null(0).to_numpy(zero_copy_only=False)
    if shift:
        values = values.astype(np.int64) - shift
    packed = values.astype(numpy_type)
    return _with_nulls(_fixed_width(packed.tobytes(), packed.dtype.itemsize, len(column)), column)


def _as_binary_text(column: pa.Array) -> pa.Array:
    text = pc.cast(column, pa.string())
    return text.view(pa.binary())


def _fast_encoder(kind: str | None, fmt: int, arrow: pa.DataType, iso_dates: bool) -> ColumnEncoder | None:
    """An Arrow-kernel encoder whose output equals the registry's for this (type, format), if there is one."""
    if fmt == 0:
        return _fast_text(kind, arrow, iso_dates)
    return _fast_binary(kind, arrow)


_REG_TYPE_OIDS = frozenset({pgtypes.REGPROC, pgtypes.REGPROCEDURE, pgtypes.REGOPER, pgtypes.REGOPERATOR,
                            pgtypes.REGCLASS, pgtypes.REGTYPE, pgtypes.REGNAMESPACE, pgtypes.REGROLE})


def _reg_encoder(encode: Callable[[object], bytes | None], fmt: int,
                 column: ResultColumn) -> Callable[[object], bytes | None]:
    """reg* values arrive as the catalog printed them ('numeric_in', decision 0900) or as OIDs. A name is
    its own text form; its binary form (the OID) is not known here, so that is refused clearly."""

    def encode_reg(value: object) -> bytes | None:
        if isinstance(value, str):
            if fmt == 0:
                return value.encode()
            raise PgError(FEATURE_NOT_SUPPORTED, f'binary format is not supported for column "{column.name}" '
                          f"of type {pgtypes.format_type(column.type_oid)}",
                          hint="Request this column in text format, or select it cast to oid.")
        return encode(value)

    return encode_reg


def _numeric_text_binary(value: object) -> bytes | None:
    return None if value is None else _encode_numeric_text(str(value))


_encode_numeric_text = functools.lru_cache(maxsize=1 << 16)(encode_numeric_text)


def _fast_text(kind: str | None, arrow: pa.DataType, iso_dates: bool) -> ColumnEncoder | None:
    if kind == "numeric text" and pa.types.is_string(arrow):
        return lambda column: column.view(pa.binary())  # already exactly PostgreSQL's text
    if kind in ("int2", "int4", "int8") and pa.types.is_integer(arrow):
        return _as_binary_text
    if kind == "text" and (pa.types.is_string(arrow) or pa.types.is_large_string(arrow)):
        return lambda column: column.cast(pa.string()).view(pa.binary())
    if kind == "bool" and pa.types.is_boolean(arrow):
        return lambda column: pc.if_else(column, b"t", b"f")
    if kind == "numeric" and pa.types.is_decimal(arrow) and arrow.scale >= 0:
        def numeric(column: pa.Array) -> pa.Array | None:
            text = pc.cast(column, pa.string())
            if pc.any(pc.match_substring(text, "E")).as_py():
                return None  # Arrow switches to exponent notation for tiny values; PostgreSQL never does
            return text.view(pa.binary())
        return numeric
    if kind == "date" and pa.types.is_date32(arrow) and iso_dates:
        def date(column: pa.Array) -> pa.Array | None:
            if not _in_range(column.cast(pa.int32()), *_DATE_RANGE):
                return None
            return _as_binary_text(column)
        return date
    return None


def _fast_binary(kind: str | None, arrow: pa.DataType) -> ColumnEncoder | None:
    if kind in _INT_WIDTH and pa.types.is_integer(arrow):
        width, (low, high) = _INT_WIDTH[kind], _INT_RANGE[kind]

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
    if kind == "text" and (pa.types.is_string(arrow) or pa.types.is_large_string(arrow)):
        return lambda column: column.cast(pa.string()).view(pa.binary())
    if kind == "numeric" and pa.types.is_decimal(arrow) and arrow.scale >= 0:
        def numeric(column: pa.Array) -> pa.Array | None:
            text = pc.cast(column, pa.string())
            if pc.any(pc.match_substring(text, "E")).as_py():
                return None
            return pa.array([None if t is None else _encode_numeric_text(t) for t in text.to_pylist()], pa.binary())
        return numeric
    if kind == "date" and pa.types.is_date32(arrow):
        def date(column: pa.Array) -> pa.Array | None:
            days = column.cast(pa.int32())
            return _big_endian(days, ">i4", _PG_EPOCH_DAYS) if _in_range(days, *_DATE_RANGE) else None
        return date
    if kind in ("timestamp", "timestamptz") and pa.types.is_timestamp(arrow) and arrow.unit == "us":
        def timestamp(column: pa.Array) -> pa.Array | None:
            micros = column.cast(pa.int64())
            return _big_endian(micros, ">i8", _PG_EPOCH_US) if _in_range(micros, *_US_RANGE) else None
        return timestamp
    return None
