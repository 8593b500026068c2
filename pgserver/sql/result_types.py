"""DuckDB result types as PostgreSQL types, and DuckDB/Arrow values as the Python values the
type registry encodes.

Plain column references keep their declared type (varchar(60), numeric(18,2)) — that is
what pg_attribute says and what clients cache; computed columns get the PostgreSQL type
closest to DuckDB's.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from pgserver import types as pgtypes
from pgserver.errors import FEATURE_NOT_SUPPORTED, PgError
from pgserver.provider import Column

_SCALARS: dict[str, str] = {
    "BIGINT": "int8", "INTEGER": "int4", "SMALLINT": "int2", "TINYINT": "int2",
    "UBIGINT": "numeric", "UINTEGER": "int8", "USMALLINT": "int4", "UTINYINT": "int2",
    "HUGEINT": "numeric", "UHUGEINT": "numeric", "DOUBLE": "float8", "FLOAT": "float4",
    "VARCHAR": "text", "BOOLEAN": "bool", "DATE": "date", "TIME": "time",
    "TIMESTAMP": "timestamp", "TIMESTAMP_NS": "timestamp", "TIMESTAMP_MS": "timestamp", "TIMESTAMP_S": "timestamp",
    "TIMESTAMP WITH TIME ZONE": "timestamptz", "TIME WITH TIME ZONE": "timetz", "INTERVAL": "interval",
    "UUID": "uuid", "BLOB": "bytea", "JSON": "json", '"NULL"': "text", "NULL": "text", "BIT": "text",
}


def pg_type_of_duckdb(duck_type: str) -> tuple[int, int]:
    """(type OID, typmod) for a DuckDB type name such as 'DECIMAL(18,2)' or 'INTEGER[]'."""
    text = duck_type.strip().upper()
    if text.endswith("[]"):
        element_oid, _ = pg_type_of_duckdb(text[:-2])
        try:
            return pgtypes.array_of(element_oid).oid, -1
        except KeyError:
            return pgtypes.TEXT, -1
    if text.startswith("DECIMAL"):
        # a computed numeric has no typmod in PostgreSQL (sum(x) is plain numeric); DuckDB's precision
        # and scale are its storage; an explicit numeric(p,s) cast is described by type_resolution
        return pgtypes.NUMERIC, -1
    if text.startswith("VARCHAR"):
        return pgtypes.TEXT, -1
    name = _SCALARS.get(text)
    if name is None:
        return pgtypes.TEXT, -1  # STRUCT, MAP, UNION …: shown as text
    return pgtypes.by_name(name).oid, -1


def pg_type_of_column(column: Column) -> tuple[int, int]:
    """(type OID, typmod) of a declared column type ('varchar(60)' → 1043, 64)."""
    try:
        pg_type, typmod = pgtypes.type_for_sql(column.pg_type)
    except Exception:  # an unusual declaration: fall back to text rather than fail the query
        return pgtypes.TEXT, -1
    return pg_type.oid, typmod


def python_values(array: pa.Array | pa.ChunkedArray) -> list[Any]:
    """Arrow column → Python values in the registry's vocabulary (PgInterval for intervals …)."""
    try:
        values = array.to_pylist()
    except (OverflowError, ValueError) as err:  # ±infinity and dates past year 9999 (decision 0304)
        raise PgError(FEATURE_NOT_SUPPORTED, "date or timestamp out of the range this server can send",
                      detail=str(err), hint="Dates from year 1 to 9999 are supported; infinity is not.") from None
    kind = array.type
    if pa.types.is_interval(kind):
        return [None if v is None else pgtypes.PgInterval(v.months, v.days, v.nanoseconds // 1000) for v in values]
    if pa.types.is_struct(kind) or pa.types.is_map(kind):
        return [None if v is None else str(v) for v in values]
    return values
