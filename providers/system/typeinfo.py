"""Sizes of a declared PostgreSQL column type, as sys_tablecolumns / sys_procedureparameters report them.

The numbers follow ODBC's column-size conventions (what CData's Length / DisplaySize /
NumericPrecision mean): digits for numbers, characters for strings and date-times.
DataType is the PostgreSQL type OID, the integer a PostgreSQL client sees for the column.
"""

from __future__ import annotations

from dataclasses import dataclass

from pgserver import types as pgtypes
from pgserver.types import ColumnType


@dataclass(frozen=True)
class TypeFacts:
    name: str  # declared base name: "bigint", "varchar", "numeric", "timestamp" …
    oid: int
    length: int | None
    display_size: int | None
    precision: int | None
    scale: int | None


# type OID -> (declared base name, length, display size, precision, scale) for types without modifiers
_FIXED: dict[int, tuple[str, int | None, int | None, int | None, int | None]] = {
    pgtypes.INT8: ("bigint", 19, 20, 19, 0),
    pgtypes.INT4: ("integer", 10, 11, 10, 0),
    pgtypes.INT2: ("smallint", 5, 6, 5, 0),
    pgtypes.BOOL: ("boolean", 1, 5, 1, None),
    pgtypes.DATE: ("date", 10, 10, 10, None),
    pgtypes.TIMESTAMP: ("timestamp", 26, 26, 26, 6),
    pgtypes.TIMESTAMPTZ: ("timestamptz", 32, 32, 32, 6),
    pgtypes.TEXT: ("text", None, None, None, None),
    pgtypes.JSON: ("json", None, None, None, None),
    pgtypes.FLOAT8: ("double precision", 15, 24, 15, None),
    pgtypes.FLOAT4: ("real", None, None, None, None),
}


def type_facts(t: ColumnType) -> TypeFacts:
    """Facts for a declared column type such as varchar(60), numeric(18,2), bigint."""
    if t.oid == pgtypes.VARCHAR:
        n = t.length
        return TypeFacts("varchar", t.oid, n, n, n, None)
    if t.oid == pgtypes.NUMERIC:
        if t.precision_scale is None:
            return TypeFacts("numeric", t.oid, None, None, None, None)
        precision, scale = t.precision_scale
        return TypeFacts("numeric", t.oid, precision, precision + 2, precision, scale)
    name, length, display, precision, scale = _FIXED.get(t.oid, (t.name, None, None, None, None))
    return TypeFacts(name, t.oid, length, display, precision, scale)
