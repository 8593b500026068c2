"""DataRow messages for Arrow record batches, encoded a column at a time.

Encoding every value of a large result in Python, row by row, capped streaming at a fraction of
PostgreSQL's speed. Here each column of a batch becomes one Arrow binary array of wire values by the
type package's column kernels (pgserver/types/columns.py: integers, floats, numerics, text, booleans,
dates, timestamps, timestamptz, times, uuids, bytea — whose output is exactly PostgreSQL's), or by the
registry's per-value encoders for the rest, and the messages are assembled by one Arrow copy into row order:
`'D' int32 int16 (int32 bytes)*` per row, with no Python work per row. Small batches (`SELECT 1`,
catalog lookups) take the per-value path, which is cheaper than the kernels' fixed cost.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Sequence

import numpy as np
import pyarrow as pa

from pgserver import types as pgtypes
from pgserver.engine import ResultColumn
from pgserver.errors import FEATURE_NOT_SUPPORTED, PROGRAM_LIMIT_EXCEEDED, PgError
from pgserver.protocol.backend import data_row
from pgserver.types.array import format_array
from pgserver.types.arrow import python_values
from pgserver.types.columns import ColumnEncoder, column_encoder
from pgserver.types.numeric import encode_numeric_text

SMALL_BATCH = 16


class DataRowEncoder:
    """Encodes result batches of one portal (its columns, result formats and output settings)."""

    def __init__(self, columns: Sequence[ResultColumn], formats: Sequence[int], ctx: pgtypes.FormatContext,
                 numeric_text: Collection[int] = ()) -> None:
        """`numeric_text`: columns whose values are already PostgreSQL's numeric text (pg_numeric)."""
        self._value_encoders = [pgtypes.binary_encoder(c.type_oid) if f == 1 else pgtypes.text_encoder(c.type_oid, ctx)
                                for c, f in zip(columns, formats, strict=True)]
        self._kinds = [(pgtypes.codec_kind(c.type_oid), f) for c, f in zip(columns, formats, strict=True)]
        for index, column in enumerate(columns):
            if column.type_oid in _REG_TYPE_OIDS | _REG_ARRAY_OIDS:  # names printed by the catalog: _reg_encoder
                self._kinds[index] = ("reg", self._kinds[index][1])
                self._value_encoders[index] = _reg_encoder(self._value_encoders[index], formats[index], column)
        for index in numeric_text:
            self._kinds[index] = ("numeric text", self._kinds[index][1])
            if self._kinds[index][1] == 1:
                self._value_encoders[index] = _numeric_text_binary
        self._ctx = ctx
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
            self._column_encoders[key] = column_encoder(kind, fmt, column.type, self._ctx)
        fast = self._column_encoders[key]
        encoded = fast(column) if fast is not None else None
        if encoded is None:
            encode = self._value_encoders[index]
            encoded = pa.array([encode(v) for v in python_values(column)], type=pa.binary())
        return encoded


def _frame(columns: list[pa.Array], rows: int) -> bytes:
    """`'D' length count` + `(int32 size, bytes)` per column, per row.

    Arrow's copy into rows (a `take` in row-major order over the concatenated arrays) costs about the same per
    array and row whatever the values' sizes, so it gets as few arrays as the batch allows: the bytes that have one
    width in every row — the header, every size word, and the values of each column whose values all have one width
    in this batch (ids, dates, codes, empty strings, an all-NULL column) — are laid out by numpy as fixed-width runs
    between the columns of varying width, and the copy takes a run, a varying column, a run … (for a wide Sage
    view, ~55 arrays instead of 119)."""
    if rows == 0:
        return b""
    size = np.full(rows, 6 + 4 * len(columns), dtype=np.int64)  # the length word, the count, every size word
    runs: list[list[tuple[str, object]]] = [[("S1", b"D"), (">i4", size), (">i2", len(columns))]]
    varying: list[pa.Array] = []
    for column in columns:
        if column.type != pa.binary():
            column = column.cast(pa.binary())
        offsets = np.frombuffer(column.buffers()[1], dtype=np.int32, count=rows + 1, offset=column.offset * 4)
        lengths = np.diff(offsets)
        if column.null_count == rows:
            runs[-1].append((">i4", -1))
            continue
        if column.null_count:
            lengths = np.where(column.is_valid().to_numpy(zero_copy_only=False), lengths, -1)
            size += np.maximum(lengths, 0)
            runs[-1].append((">i4", lengths))
            varying.append(column.fill_null(b""))
            runs.append([])
            continue
        size += lengths
        width = int(lengths[0])
        if np.all(lengths == width):
            runs[-1].append((">i4", width))
            if width:
                runs[-1].append((f"V{width}", np.frombuffer(column.buffers()[2], dtype=f"V{width}", count=rows,
                                                            offset=int(offsets[0]))))
        else:
            runs[-1].append((">i4", lengths))
            varying.append(column)
            runs.append([])
    if int(size.sum()) + rows > _MAX_JOINED:  # beyond a binary array's 32-bit offsets: in parts
        if rows == 1:
            raise PgError(PROGRAM_LIMIT_EXCEEDED, "out of memory",
                          detail="Cannot enlarge string buffer containing a row of more than 2 GB.")
        half = rows // 2
        return (_frame([c.slice(0, half) for c in columns], half)
                + _frame([c.slice(half) for c in columns], rows - half))
    parts: list[pa.Array] = []
    for index, run in enumerate(runs):
        if run:
            parts.append(_fixed_run(run, rows))
        if index < len(varying):
            parts.append(varying[index])
    if len(parts) == 1:
        joined = parts[0]
    else:  # every part's value of row 0, then of row 1 …: one `take` copies each once (half the instructions of
        # binary_join_element_wise over the same arrays, which measures every value before copying it)
        index = np.int32 if len(parts) * rows < 2**31 else np.int64
        order = (np.arange(len(parts), dtype=index) * rows + np.arange(rows, dtype=index)[:, None]).ravel()
        joined = pa.concat_arrays(parts).take(pa.array(order))
    offsets = np.frombuffer(joined.buffers()[1], dtype=np.int32, count=len(joined) + 1, offset=joined.offset * 4)
    start, end = int(offsets[0]), int(offsets[-1])
    return joined.buffers()[2].slice(start, end - start).to_pybytes()


_MAX_JOINED = 2**31 - 1  # bytes one binary array holds (32-bit offsets)


def _fixed_run(fields: list[tuple[str, object]], rows: int) -> pa.Array:
    """Consecutive fixed-width fields (numpy dtype, a value per row or one for all) as one binary value per row."""
    layout = np.dtype([(f"f{i}", dtype) for i, (dtype, _) in enumerate(fields)])
    packed = np.empty(rows, layout)
    for i, (_, value) in enumerate(fields):
        packed[f"f{i}"] = value
    offsets = np.arange(0, layout.itemsize * (rows + 1), layout.itemsize, dtype=np.int32)
    return pa.Array.from_buffers(pa.binary(), rows, [None, pa.py_buffer(offsets), pa.py_buffer(packed)])


_REG_TYPE_OIDS = frozenset({pgtypes.REGPROC, pgtypes.REGPROCEDURE, pgtypes.REGOPER, pgtypes.REGOPERATOR,
                            pgtypes.REGCLASS, pgtypes.REGTYPE, pgtypes.REGNAMESPACE, pgtypes.REGROLE})


_REG_ARRAY_OIDS = frozenset(pgtypes.array_of(oid).oid for oid in _REG_TYPE_OIDS)


def _reg_encoder(encode: Callable[[object], bytes | None], fmt: int,
                 column: ResultColumn) -> Callable[[object], bytes | None]:
    """reg* values arrive as the catalog printed them ('numeric_in', decision 0900) or as OIDs. A name is
    its own text form; its binary form (the OID) is not known here, so that is refused clearly."""

    def encode_reg(value: object) -> bytes | None:
        printed = isinstance(value, str) or (isinstance(value, list) and any(isinstance(v, str) for v in value))
        if printed and isinstance(value, list) and fmt == 0:  # '{int,int8}'::regtype[]: the names as an array
            return format_array(value, str).encode()
        if printed:
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
