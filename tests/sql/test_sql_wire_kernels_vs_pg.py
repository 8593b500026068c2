"""The column kernels of the DataRow hot path (pgserver/types/columns.py) against a real PostgreSQL 15.

For each type the same values go to PostgreSQL as literals and to our encoder as an Arrow column; the
DataRows we send must hold exactly PostgreSQL's text output (under the same DateStyle, TimeZone and
extra_float_digits) and its *send bytes. Each case also checks that the kernel itself answered (not the
per-value fallback), so a kernel that silently gave up would fail here.
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from typing import Any

import numpy as np
import pyarrow as pa
import pytest

from pgserver import types as pgtypes
from pgserver.engine import ResultColumn
from pgserver.protocol.backend import data_row
from pgserver.sql.run.wire_rows import DataRowEncoder
from pgserver.types import columns

RNG = np.random.default_rng(20240611)


def _floats() -> list[float]:
    bits = RNG.integers(0, 2**64 - 1, 400, dtype=np.uint64, endpoint=True)
    raw = [float(x) for x in bits.view(np.float64) if np.isfinite(x)]
    edges = [0.0, -0.0, 1e15, 9.999999999999998e14, 1e-4, 9.999999999999999e-05, 1e-5, 123456789012345678.0,
             0.1, 2.5, -100.0, 1e22, 5e-324, 1.7976931348623157e308, 1e-320, 1e16, 1e14, 0.30000000000000004,
             float("inf"), float("-inf"), float("nan")]
    return raw + [10.0 ** e for e in range(-25, 25)] + [float(x) for x in RNG.normal(0, 1e6, 60)] + edges


def _float4s() -> list[float]:
    bits = RNG.integers(0, 2**32 - 1, 300, dtype=np.uint64).astype(np.uint32).view(np.float32)
    values = [float(x) for x in bits if np.isfinite(x)]
    return values + [float(np.float32(x)) for x in (1e6, 999999.9, 123456.7, 0.1, 1e-4, 1e-5, 3.4e38, 0.0, -0.0)]


def _float_literal(value: float, pg_type: str) -> str:
    if value != value:
        return f"'NaN'::{pg_type}"
    if value in (float("inf"), float("-inf")):
        return f"'{'-' if value < 0 else ''}Infinity'::{pg_type}"
    return f"'{value!r}'::{pg_type}"


def _timestamps(with_fractions: bool) -> list[dt.datetime]:
    epoch = dt.datetime(1970, 1, 1)
    low, high = (dt.datetime(1, 1, 1) - epoch).total_seconds(), (dt.datetime(9999, 12, 31) - epoch).total_seconds()
    seconds = RNG.uniform(low, high, 200)
    out = [dt.datetime(1970, 1, 1) + dt.timedelta(seconds=int(s)) for s in seconds]
    if with_fractions:
        out = [v.replace(microsecond=int(m)) for v, m in zip(out, RNG.integers(0, 10**6, len(out)), strict=True)]
        out += [dt.datetime(2024, 1, 2, 3, 4, 5, 120000), dt.datetime(2024, 1, 2, 3, 4, 5, 1)]
    return out + [dt.datetime(1, 1, 1), dt.datetime(9999, 12, 31, 23, 59, 59), dt.datetime(999, 6, 30, 12)]


def _instants() -> list[dt.datetime]:
    """timestamptz values from 1850 to 2037 (Arrow's zone rules end with the tz database's table)."""
    low, high = dt.datetime(1850, 1, 1, tzinfo=dt.UTC).timestamp(), dt.datetime(2037, 6, 1, tzinfo=dt.UTC).timestamp()
    micros = RNG.integers(int(low * 1e6), int(high * 1e6), 150)
    base = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    out = [base + dt.timedelta(microseconds=int(m)) for m in micros]
    return out + [dt.datetime(2024, 3, 31, 1, 0, tzinfo=dt.UTC), dt.datetime(2024, 10, 27, 0, 59, 59, tzinfo=dt.UTC),
                  dt.datetime(1890, 1, 1, 12, tzinfo=dt.UTC), dt.datetime(2000, 1, 1, tzinfo=dt.UTC)]


def _pg_outputs(pg: Any, literals: list[str], pg_type: str, send: str) -> tuple[list[bytes], list[bytes]]:
    values = ", ".join(f"({i}, {lit})" for i, lit in enumerate(literals))
    rows = pg.execute(f"SELECT v::text, {send}(v::{pg_type}) FROM (VALUES {values}) AS t(i, v) ORDER BY i").fetchall()
    return [r[0].encode() for r in rows], [bytes(r[1]) for r in rows]


def _ours(oid: int, array: pa.Array, fmt: int, ctx: pgtypes.FormatContext) -> bytes:
    kind = pgtypes.codec_kind(oid)
    assert columns.column_encoder(kind, fmt, array.type, ctx) is not None, "no kernel for this type"
    assert columns.column_encoder(kind, fmt, array.type, ctx)(array) is not None, "the kernel gave up"
    encoder = DataRowEncoder([ResultColumn("v", oid)], [fmt], ctx)
    return encoder.encode(pa.record_batch([array], names=["v"]))


def _settings(pg: Any, ctx: pgtypes.FormatContext) -> None:
    pg.execute(f"SET DateStyle = '{ctx.date_style}'")
    pg.execute(f"SET TimeZone = '{ctx.time_zone}'")
    pg.execute(f"SET extra_float_digits = {ctx.extra_float_digits}")


def _check(pg: Any, oid: int, pg_type: str, send: str, literals: list[str], array: pa.Array,
           ctx: pgtypes.FormatContext, binary: bool = True) -> None:
    _settings(pg, ctx)
    texts, sends = _pg_outputs(pg, literals, pg_type, send)
    expected_text = b"".join(data_row([t]) for t in texts)
    assert _ours(oid, array, 0, ctx) == expected_text
    if binary:
        assert _ours(oid, array, 1, ctx) == b"".join(data_row([s]) for s in sends)


@pytest.mark.parametrize("digits", [1, 3])
def test_float8(real_postgres: Any, digits: int) -> None:
    values = _floats()
    _check(real_postgres, pgtypes.FLOAT8, "float8", "float8send", [_float_literal(v, "float8") for v in values],
           pa.array(values, pa.float64()), pgtypes.FormatContext(extra_float_digits=digits))


def test_float4(real_postgres: Any) -> None:
    values = _float4s()
    _check(real_postgres, pgtypes.FLOAT4, "float4", "float4send", [_float_literal(v, "float4") for v in values],
           pa.array(values, pa.float32()), pgtypes.FormatContext())


@pytest.mark.parametrize("precision, scale", [(18, 2), (18, 5), (38, 10), (12, 0), (18, 8), (18, 16)])
def test_numeric_from_decimals(real_postgres: Any, precision: int, scale: int) -> None:
    unscaled = [int(x) for x in RNG.integers(-(10 ** min(precision, 17)), 10 ** min(precision, 17), 200)]
    # magnitudes of every width in one column (leading and trailing zero base-10000 digits, whole groups)
    unscaled += [int(s * (m // d)) for s, m, d in zip(RNG.choice([-1, 1], 200), 10 ** RNG.integers(0, min(precision, 18), 200),
                                                       10 ** RNG.integers(0, 4, 200), strict=True)]
    unscaled += [10_000 ** k for k in range(5) if 10_000 ** k < 10 ** min(precision, 18)]
    values = [decimal.Decimal(u).scaleb(-scale) for u in unscaled] + [decimal.Decimal(0).scaleb(-scale),
                                                                       decimal.Decimal(-1).scaleb(-scale)]
    literals = [f"'{v}'::numeric({precision},{scale})" for v in values]
    _check(real_postgres, pgtypes.NUMERIC, f"numeric({precision},{scale})", "numeric_send", literals,
           pa.array(values, pa.decimal128(precision, scale)), pgtypes.FormatContext())


def test_numeric_text_in_binary(real_postgres: Any) -> None:
    """Columns pg_numeric carries as PostgreSQL's own numeric text, sent in binary."""
    _settings(real_postgres, pgtypes.FormatContext())
    literals = [f"{int(u)}::numeric / {d}" for u, d in zip(RNG.integers(-10**9, 10**9, 150),
                                                          RNG.choice([1, 3, 7, 100, 1024], 150), strict=True)]
    texts, sends = _pg_outputs(real_postgres, literals, "numeric", "numeric_send")
    encoder = DataRowEncoder([ResultColumn("v", pgtypes.NUMERIC)], [1], pgtypes.FormatContext(), numeric_text={0})
    array = pa.array([t.decode() for t in texts], pa.string())
    assert columns.numeric_text_binary(array) is not None
    assert encoder.encode(pa.record_batch([array], names=["v"])) == b"".join(data_row([s]) for s in sends)


def test_repeated_values_across_batches(real_postgres: Any) -> None:
    """Batch after batch of the same few amounts (columns._distinct_first keeps the last batch's encodings): a
    batch of seen values, one with NULLs, one with a new value and one of another Arrow type must each be
    PostgreSQL's bytes, in text and binary."""
    _settings(real_postgres, pgtypes.FormatContext())
    amounts = [decimal.Decimal(int(u)).scaleb(-2) for u in RNG.integers(-10**6, 10**6, 20)]
    batches = [[amounts[int(i)] for i in RNG.integers(0, 15, 400)],  # 15 of the 20 amounts
               [amounts[int(i)] for i in RNG.integers(0, 15, 400)],  # only values seen in the batch before
               [None if i % 7 == 0 else amounts[int(i) % 15] for i in range(400)],  # NULLs among seen values
               [amounts[int(i)] for i in RNG.integers(0, 20, 400)]]  # five values not seen yet
    for fmt in (0, 1):
        encoder = DataRowEncoder([ResultColumn("v", pgtypes.NUMERIC)], [fmt], pgtypes.FormatContext())
        for values in batches + [batches[0]]:
            present = [v for v in values if v is not None]
            texts, sends = _pg_outputs(real_postgres, [f"'{v}'::numeric(12,2)" for v in present], "numeric(12,2)",
                                       "numeric_send")
            outputs = iter(texts if fmt == 0 else sends)
            expected = [None if v is None else next(outputs) for v in values]
            got = encoder.encode(pa.record_batch([pa.array(values, pa.decimal128(12, 2))], names=["v"]))
            assert got == b"".join(data_row([e]) for e in expected)
        other = encoder.encode(pa.record_batch([pa.array(batches[1], pa.decimal128(18, 2))], names=["v"]))
        literals = [f"'{v}'::numeric(18,2)" for v in batches[1]]
        texts, sends = _pg_outputs(real_postgres, literals, "numeric(18,2)", "numeric_send")
        assert other == b"".join(data_row([t if fmt == 0 else b]) for t, b in zip(texts, sends, strict=True))


@pytest.mark.parametrize("style", ["ISO, MDY", "SQL, DMY", "SQL, MDY", "Postgres, MDY", "Postgres, DMY", "German"])
@pytest.mark.parametrize("fractions", [False, True], ids=["whole-seconds", "fractions"])
def test_timestamp_and_date(real_postgres: Any, style: str, fractions: bool) -> None:
    values = _timestamps(fractions)
    ctx = pgtypes.FormatContext(date_style=style)
    _check(real_postgres, pgtypes.TIMESTAMP, "timestamp", "timestamp_send", [f"'{v.isoformat()}'::timestamp" for v in values],
           pa.array(values, pa.timestamp("us")), ctx)
    days = [v.date() for v in values]
    _check(real_postgres, pgtypes.DATE, "date", "date_send", [f"'{d.isoformat()}'::date" for d in days],
           pa.array(days, pa.date32()), ctx)


@pytest.mark.parametrize("zone", ["UTC", "Europe/London", "Asia/Kolkata", "America/New_York", "Australia/Lord_Howe",
                                  "Europe/Amsterdam", "+3"])
def test_timestamptz(real_postgres: Any, zone: str) -> None:
    values = _instants()
    _check(real_postgres, pgtypes.TIMESTAMPTZ, "timestamptz", "timestamptz_send",
           [f"'{v.isoformat()}'::timestamptz" for v in values], pa.array(values, pa.timestamp("us", tz="UTC")),
           pgtypes.FormatContext(time_zone=zone))


def test_time_uuid_bytea(real_postgres: Any) -> None:
    ctx = pgtypes.FormatContext()
    micros = [int(m) for m in RNG.integers(0, 86_400 * 10**6, 100)] + [0, 86_400 * 10**6 - 1, 5 * 10**6]
    times = [(dt.datetime(2000, 1, 1) + dt.timedelta(microseconds=m)).time() for m in micros]
    _check(real_postgres, pgtypes.TIME, "time", "time_send", [f"'{t.isoformat()}'::time" for t in times],
           pa.array(micros, pa.time64("us")), ctx)
    ids = [str(uuid.UUID(int=int(x) << 64 | int(y))) for x, y in zip(RNG.integers(0, 2**63, 50),
                                                                     RNG.integers(0, 2**63, 50), strict=True)]
    _check(real_postgres, pgtypes.UUID, "uuid", "uuid_send", [f"'{u}'::uuid" for u in ids], pa.array(ids), ctx)
    blobs = [bytes(RNG.integers(0, 256, int(n), dtype=np.uint8)) for n in RNG.integers(0, 24, 60)] + [b""]
    _check(real_postgres, pgtypes.BYTEA, "bytea", "byteasend", [f"'\\x{b.hex()}'::bytea" for b in blobs],
           pa.array(blobs, pa.binary()), ctx)
