"""Column-at-a-time DataRow encoding (pgserver.sql.run.wire_rows) gives the same bytes as the per-value
encoders of the type registry, which tests/protocol checks against a real PostgreSQL."""

from __future__ import annotations

import datetime as dt
import struct
from decimal import Decimal

import pyarrow as pa
import pytest

from pgserver import types as pgtypes
from pgserver.engine import ResultColumn
from pgserver.errors import PgError
from pgserver.protocol.backend import data_row
from pgserver.sql.run.wire_rows import SMALL_BATCH, DataRowEncoder
from pgserver.types.arrow import python_values

ROWS = 40


def _cycle(values: list[object]) -> list[object]:
    return [values[i % len(values)] for i in range(ROWS)]


COLUMNS: list[tuple[int, pa.Array]] = [
    (pgtypes.INT4, pa.array(_cycle([0, 1, -1, 2**31 - 1, -(2**31), None, 42]), pa.int32())),
    (pgtypes.INT8, pa.array(_cycle([0, 2**62, -(2**63), None, 7]), pa.int64())),
    (pgtypes.INT2, pa.array(_cycle([0, 32767, -32768, None]), pa.int16())),
    (pgtypes.INT8, pa.array(_cycle([1, None, 3]), pa.int32())),  # a narrower Arrow type than declared
    (pgtypes.TEXT, pa.array(_cycle(["", "row 1", "é ü 漢字", None, "a\tb\nc"]), pa.string())),
    (pgtypes.VARCHAR, pa.array(_cycle(["x", None, "longer text"]), pa.large_string())),
    (pgtypes.BOOL, pa.array(_cycle([True, False, None]), pa.bool_())),
    (pgtypes.NUMERIC, pa.array(_cycle([Decimal("1.50"), Decimal("-0.05"), Decimal("0.00"), None,
                                       Decimal("123456789012.34")]), pa.decimal128(14, 2))),
    (pgtypes.NUMERIC, pa.array(_cycle([Decimal("0.0000001"), Decimal("1"), None]), pa.decimal128(38, 10))),
    (pgtypes.NUMERIC, pa.array(_cycle([Decimal(5), Decimal(-12), None]), pa.decimal128(38, 0))),
    (pgtypes.FLOAT8, pa.array(_cycle([0.1, 1e20, 1e-7, -2.5, float("inf"), float("nan"), None, 100.0]))),
    (pgtypes.FLOAT4, pa.array(_cycle([0.5, None, 3.25]), pa.float32())),
    (pgtypes.DATE, pa.array(_cycle([dt.date(2024, 2, 29), dt.date(1, 1, 1), dt.date(9999, 12, 31), None,
                                    dt.date(999, 1, 2)]), pa.date32())),
    (pgtypes.TIMESTAMP, pa.array(_cycle([dt.datetime(2024, 1, 2, 3, 4, 5, 123000), None,
                                         dt.datetime(1970, 1, 1), dt.datetime(1999, 12, 31, 23, 59, 59, 999999)]),
                                 pa.timestamp("us"))),
    (pgtypes.TIMESTAMPTZ, pa.array(_cycle([dt.datetime(2024, 6, 1, 12, 0, tzinfo=dt.UTC), None]),
                                   pa.timestamp("us", tz="UTC"))),
    (pgtypes.UUID, pa.array(_cycle(["0b6c2b36-0a0b-4f0e-9d5c-1a2b3c4d5e6f", None]), pa.string())),
]

CONTEXTS = [pgtypes.FormatContext(),
            pgtypes.FormatContext(date_style="SQL, DMY", time_zone="Europe/London", extra_float_digits=0),
            pgtypes.FormatContext(time_zone="Asia/Kolkata", extra_float_digits=3)]


def _per_value(columns: list[ResultColumn], formats: list[int], ctx: pgtypes.FormatContext,
               batch: pa.RecordBatch) -> bytes:
    encoders = [pgtypes.binary_encoder(c.type_oid) if f else pgtypes.text_encoder(c.type_oid, ctx)
                for c, f in zip(columns, formats, strict=True)]
    rows = zip(*[python_values(c) for c in batch.columns], strict=True)
    return b"".join(data_row([e(v) for e, v in zip(encoders, row, strict=True)]) for row in rows)


def _batch(selected: list[tuple[int, pa.Array]]) -> tuple[list[ResultColumn], pa.RecordBatch]:
    columns = [ResultColumn(f"c{i}", oid) for i, (oid, _) in enumerate(selected)]
    return columns, pa.RecordBatch.from_arrays([a for _, a in selected], names=[c.name for c in columns])


@pytest.mark.parametrize("ctx", CONTEXTS, ids=["iso", "sql-dmy", "kolkata"])
@pytest.mark.parametrize("fmt", [0, 1], ids=["text", "binary"])
def test_batches_encode_like_the_per_value_encoders(ctx: pgtypes.FormatContext, fmt: int) -> None:
    selected = [(oid, array) for oid, array in COLUMNS if fmt == 0 or pgtypes.has_binary_format(oid)]
    columns, batch = _batch(selected)
    formats = [fmt] * len(columns)
    encoder = DataRowEncoder(columns, formats, ctx)
    expected = _per_value(columns, formats, ctx, batch)
    assert encoder.encode(batch) == expected
    sliced = batch.slice(7, SMALL_BATCH + 3)  # offsets into the buffers, as a row-limited Execute makes
    assert encoder.encode(sliced) == _per_value(columns, formats, ctx, sliced)
    small = batch.slice(3, 2)
    assert encoder.encode(small) == _per_value(columns, formats, ctx, small)


def test_mixed_formats_and_message_framing() -> None:
    columns, batch = _batch([COLUMNS[0], COLUMNS[4]])
    data = DataRowEncoder(columns, [1, 0], pgtypes.FormatContext()).encode(batch)
    kind, length, count = struct.unpack_from(">cih", data, 0)
    assert (kind, count) == (b"D", 2)
    assert data[1 + length:1 + length + 1] == b"D"  # the next message starts right after this one
    assert data[7:11] == struct.pack(">i", 4) and data[11:15] == struct.pack(">i", 0)  # int4 0 in binary
    assert data[15:19] == struct.pack(">i", 0)  # '' has length 0, not NULL


def test_values_a_fast_path_cannot_hold_take_the_registry_path_and_its_errors() -> None:
    too_big = pa.array([2**40] * ROWS, pa.int64())
    columns, batch = _batch([(pgtypes.INT4, too_big)])
    with pytest.raises(PgError) as caught:
        DataRowEncoder(columns, [1], pgtypes.FormatContext()).encode(batch)
    assert caught.value.sqlstate == "22003"


def test_rows_without_columns() -> None:
    batch = pa.RecordBatch.from_pydict({"x": list(range(ROWS))}).select([])
    data = DataRowEncoder([], [], pgtypes.FormatContext()).encode(batch)
    assert data == data_row([]) * ROWS


@pytest.mark.parametrize("fmt", [0, 1], ids=["text", "binary"])
def test_exact_numeric_text_columns_encode_like_decimals(fmt: int) -> None:
    """Columns pg_numeric carries as PostgreSQL's numeric text go out like the Decimals they spell."""
    texts = _cycle(["2.3400000000000000", "-0.33333333333333333333", "0", "12345678901234567890.5", None])
    columns = [ResultColumn("q", pgtypes.NUMERIC)]
    batch = pa.RecordBatch.from_arrays([pa.array(texts, pa.string())], names=["q"])
    encoded = DataRowEncoder(columns, [fmt], pgtypes.FormatContext(), numeric_text={0}).encode(batch)
    encode = pgtypes.binary_encoder(pgtypes.NUMERIC) if fmt else pgtypes.text_encoder(pgtypes.NUMERIC)
    assert encoded == b"".join(data_row([encode(None if t is None else Decimal(t))]) for t in texts)


@pytest.mark.parametrize("rows", [1, SMALL_BATCH * 2])
def test_reg_names_are_their_text_and_refused_in_binary(rows: int) -> None:
    """regproc columns the catalog printed by name (decision 0900): text as is, OIDs as numbers."""
    column = ResultColumn("typinput", pgtypes.REGPROC)
    names = pa.record_batch([pa.array(["numeric_in", "-"] * rows)], names=["typinput"])
    text = DataRowEncoder([column], [0], pgtypes.FormatContext())
    assert text.encode(names) == b"".join(data_row([v]) for v in [b"numeric_in", b"-"] * rows)
    assert text.encode_rows([(1242,)]) == data_row([b"1242"])
    binary = DataRowEncoder([column], [1], pgtypes.FormatContext())
    with pytest.raises(PgError) as caught:
        binary.encode(names)
    assert caught.value.sqlstate == "0A000"
    assert binary.encode_rows([(1242,)]) == data_row([struct.pack(">I", 1242)])


# Columns whose values have one width in a batch go into numpy-built fixed-width runs (wire_rows._frame); these
# batches mix them with varying ones in every order: first, last, adjacent, all-NULL, empty strings, NULLs.
_SHAPES: list[tuple[int, pa.Array]] = [
    (pgtypes.TEXT, pa.array(["same"] * ROWS)),  # one width, first
    (pgtypes.INT8, pa.array(range(ROWS), pa.int64())),
    (pgtypes.TEXT, pa.array([None] * ROWS, pa.string())),  # all NULL
    (pgtypes.TEXT, pa.array([""] * ROWS)),  # all empty: width 0
    (pgtypes.TEXT, pa.array(_cycle(["a", "bcd", "", "é"]))),  # varying
    (pgtypes.TEXT, pa.array(_cycle(["x", None]))),  # one width but NULLs
    (pgtypes.DATE, pa.array([dt.date(2024, 1, 1)] * ROWS)),
    (pgtypes.TEXT, pa.array(_cycle(["long value", "v"]))),
    (pgtypes.TEXT, pa.array(_cycle(["tail", "last"]))),  # one width, last
]


@pytest.mark.parametrize("fmt", [0, 1], ids=["text", "binary"])
@pytest.mark.parametrize("order", ["as listed", "reversed", "varying first"])
def test_fixed_width_runs_frame_like_the_per_value_encoders(fmt: int, order: str) -> None:
    selected = list(reversed(_SHAPES)) if order == "reversed" else \
        sorted(_SHAPES, key=lambda c: len(set(c[1].to_pylist())) == 1) if order == "varying first" else _SHAPES
    columns, batch = _batch(selected)
    formats = [fmt] * len(columns)
    encoder = DataRowEncoder(columns, formats, pgtypes.FormatContext())
    for part in (batch, batch.slice(5, SMALL_BATCH + 1)):
        assert encoder.encode(part) == _per_value(columns, formats, pgtypes.FormatContext(), part)


def test_only_fixed_width_columns_and_a_batch_split_past_the_join_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    from pgserver.sql.run import wire_rows

    columns, batch = _batch([_SHAPES[1], _SHAPES[6]])  # nothing varies: one run is the whole message
    encoder = DataRowEncoder(columns, [1, 1], pgtypes.FormatContext())
    expected = _per_value(columns, [1, 1], pgtypes.FormatContext(), batch)
    assert encoder.encode(batch) == expected
    columns, batch = _batch(_SHAPES)
    expected = _per_value(columns, [0] * len(columns), pgtypes.FormatContext(), batch)
    monkeypatch.setattr(wire_rows, "_MAX_JOINED", len(expected) // 5)  # joined in parts of a few rows each
    assert DataRowEncoder(columns, [0] * len(columns), pgtypes.FormatContext()).encode(batch) == expected
