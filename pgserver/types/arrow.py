"""PostgreSQL ⇄ Arrow ⇄ DuckDB types, in one table, and Arrow values as the codecs' Python values.

- `arrow_type(t)`: the Arrow type carrying a declared column's values (providers build their batches
  with it; numeric(p,s) keeps its precision and scale).
- `duck_type(t)`: the DuckDB type that stores values of a PostgreSQL type (the catalog's tables).
- `pg_type_of_duckdb(name)`: the PostgreSQL type a DuckDB result column is described as.
- `arrow_of_duckdb(name)`: the Arrow type of a DuckDB type name (rows handed to DuckDB as Arrow).
- `python_values(array)`: an Arrow column as the Python values adapters.py encodes (PgInterval …).

This module and columns.py are the types package's only users of pyarrow (decision 0305).
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from pgserver.errors import FEATURE_NOT_SUPPORTED, PgError
from pgserver.types.registry import NUMERIC, TEXT, TYPES_BY_NAME, ColumnType, array_of
from pgserver.types.values import INFINITY, NEG_INFINITY, PgInterval

NUMERIC_ARROW = pa.decimal128(38, 10)  # unconstrained numeric declared by a provider

# typname: (Arrow carrier, DuckDB storage). The one table of the package; everything below reads it.
_CARRIERS: dict[str, tuple[pa.DataType, str]] = {
    "bool": (pa.bool_(), "BOOLEAN"),
    "int2": (pa.int16(), "SMALLINT"),
    "int4": (pa.int32(), "INTEGER"),
    "int8": (pa.int64(), "BIGINT"),
    "oid": (pa.uint32(), "UINTEGER"),
    "regproc": (pa.uint32(), "UINTEGER"),
    "regtype": (pa.uint32(), "UINTEGER"),
    "float4": (pa.float32(), "REAL"),
    "float8": (pa.float64(), "DOUBLE"),
    "numeric": (NUMERIC_ARROW, "DECIMAL(38,10)"),
    "text": (pa.string(), "VARCHAR"),
    "varchar": (pa.string(), "VARCHAR"),
    "bpchar": (pa.string(), "VARCHAR"),
    "name": (pa.string(), "VARCHAR"),
    "char": (pa.string(), "VARCHAR"),
    "json": (pa.string(), "VARCHAR"),
    "jsonb": (pa.string(), "VARCHAR"),
    "bytea": (pa.binary(), "BLOB"),
    "date": (pa.date32(), "DATE"),
    "time": (pa.time64("us"), "TIME"),
    "timestamp": (pa.timestamp("us"), "TIMESTAMP"),
    "timestamptz": (pa.timestamp("us", tz="UTC"), "TIMESTAMPTZ"),
    "interval": (pa.month_day_nano_interval(), "INTERVAL"),
}

# DuckDB result types and the PostgreSQL types they are described as, where that is not the table's
# reverse: unsigned and wider integers go to the next PostgreSQL type that holds every value; a
# computed DECIMAL is plain numeric (sum(x) has no typmod in PostgreSQL); nested and other DuckDB-only
# types travel as text.
_DUCK_RESULTS: dict[str, str] = {
    "TINYINT": "int2", "UTINYINT": "int2", "USMALLINT": "int4", "UINTEGER": "int8", "UBIGINT": "numeric",
    "HUGEINT": "numeric", "UHUGEINT": "numeric", "FLOAT": "float4", "TIMESTAMP_NS": "timestamp",
    "TIMESTAMP_MS": "timestamp", "TIMESTAMP_S": "timestamp", "TIMESTAMP WITH TIME ZONE": "timestamptz",
    "TIME WITH TIME ZONE": "timetz", "UUID": "uuid", "JSON": "json", '"NULL"': "text", "NULL": "text",
    "BIT": "text", "VARCHAR": "text",
}
_DUCK_TO_PG: dict[str, str] = {
    **{duck: name for name, (_arrow, duck) in reversed(_CARRIERS.items()) if not duck.startswith("DECIMAL")},
    **_DUCK_RESULTS,
}
_ARROW_OF_DUCK: dict[str, pa.DataType] = {duck: arrow for arrow, duck in reversed(list(_CARRIERS.values()))}


def arrow_type(t: ColumnType) -> pa.DataType:
    """The Arrow type carrying values of a declared column type; ValueError for a type without one."""
    if t.oid == NUMERIC:
        precision_scale = t.precision_scale
        return NUMERIC_ARROW if precision_scale is None else pa.decimal128(*precision_scale)
    if t.is_array:
        element = t.element
        assert element is not None
        return pa.list_(arrow_type(element))
    carrier = _CARRIERS.get(t.name)
    if carrier is None:
        raise ValueError(f"no Arrow type for PostgreSQL type {t.sql}")
    return carrier[0]


def duck_type(t: ColumnType, default: str | None = None) -> str:
    """The DuckDB type storing values of `t` (numeric(p,s) as DECIMAL(p,s), arrays as X[]); `default`
    (or ValueError) for a type DuckDB has no counterpart of."""
    if t.oid == NUMERIC and t.precision_scale is not None:
        return "DECIMAL({},{})".format(*t.precision_scale)
    if t.is_array:
        element = t.element
        assert element is not None
        inner = duck_type(element, default)
        return inner + "[]"
    carrier = _CARRIERS.get(t.name)
    if carrier is not None:
        return carrier[1]
    if default is not None:
        return default
    raise ValueError(f"no DuckDB type for PostgreSQL type {t.sql}")


def pg_type_of_duckdb(duck: str) -> ColumnType:
    """The PostgreSQL type of a DuckDB result type such as 'DECIMAL(18,2)', 'INTEGER[]' or 'STRUCT(…)'."""
    text = duck.strip().upper()
    if text.endswith("[]"):
        element = pg_type_of_duckdb(text[:-2])
        try:
            return ColumnType(array_of(element.oid).oid)
        except KeyError:
            return ColumnType(TEXT)
    if text.startswith("DECIMAL"):
        return ColumnType(NUMERIC)  # DuckDB's precision and scale are its storage, not a declared typmod
    if text.startswith("VARCHAR"):
        return ColumnType(TEXT)
    name = _DUCK_TO_PG.get(text)
    return ColumnType(TYPES_BY_NAME[name].oid) if name is not None else ColumnType(TEXT)


def arrow_of_duckdb(duck: str) -> pa.DataType:
    """The Arrow type of a DuckDB storage type name ('VARCHAR', 'UINTEGER[]' …)."""
    if duck.endswith("[]"):
        return pa.list_(arrow_of_duckdb(duck[:-2]))
    return _ARROW_OF_DUCK[duck]


def python_values(array: pa.Array | pa.ChunkedArray) -> list[Any]:
    """Arrow column → Python values in the codecs' vocabulary (PgInterval for intervals, PgInfinity for
    infinite dates and timestamps …)."""
    try:
        values = array.to_pylist()
    except (OverflowError, ValueError) as err:  # ±infinity, dates outside years 1 to 9999 (decision 0304)
        values = _with_infinities(array, err)
    kind = array.type
    if pa.types.is_interval(kind):
        return [None if v is None else PgInterval(v.months, v.days, v.nanoseconds // 1000) for v in values]
    if pa.types.is_struct(kind) or pa.types.is_map(kind):
        return [None if v is None else str(v) for v in values]
    return values


# DuckDB's infinite dates and timestamps: the largest integer of the carrier and its negation.
_DATE_INFINITY = 2**31 - 1
_TIMESTAMP_INFINITY = 2**63 - 1


def _with_infinities(array: pa.Array | pa.ChunkedArray, err: Exception) -> list[Any]:
    """A date or timestamp column holding ±infinity: those as PgInfinity, the rest as Python values.
    Finite values Python cannot hold (past year 9999, BC) stay a clear 0A000."""
    kind = array.type
    if pa.types.is_date32(kind):
        integers, infinity = array.cast(pa.int32()), _DATE_INFINITY
    elif pa.types.is_timestamp(kind) and kind.unit == "us":
        integers, infinity = array.cast(pa.int64()), _TIMESTAMP_INFINITY
    else:
        integers, infinity = None, 0
    if integers is not None:
        specials = {infinity: INFINITY, -infinity: NEG_INFINITY, -infinity - 1: NEG_INFINITY}
        infinite = pc.is_in(integers, value_set=pa.array(list(specials), integers.type))
        try:
            rest = pc.if_else(infinite, pa.scalar(None, kind), array).to_pylist()
        except (OverflowError, ValueError) as inner:
            err = inner
        else:
            return [specials[i] if f else v for i, f, v in zip(integers.to_pylist(), infinite.to_pylist(), rest,
                                                                strict=True)]
    raise PgError(FEATURE_NOT_SUPPORTED, "date or timestamp out of the range this server can send",
                  detail=str(err), hint="Dates and timestamps from year 1 to 9999 and ±infinity are supported.")
