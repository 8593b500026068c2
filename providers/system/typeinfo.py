"""Sizes of a declared PostgreSQL column type, as sys_tablecolumns / sys_procedureparameters report them.

The numbers follow ODBC's column-size conventions (what CData's Length / DisplaySize /
NumericPrecision mean): digits for numbers, characters for strings and date-times.
DataType is the PostgreSQL type OID, the integer a PostgreSQL client sees for the column.
"""

from __future__ import annotations

from dataclasses import dataclass

from pgserver.types import type_for_sql


@dataclass(frozen=True)
class TypeFacts:
    name: str  # declared base name: "bigint", "varchar", "numeric", "timestamp" …
    oid: int
    length: int | None
    display_size: int | None
    precision: int | None
    scale: int | None


# base name -> (length, display size, precision, scale) for types without modifiers
_FIXED: dict[str, tuple[int | None, int | None, int | None, int | None]] = {
    "bigint": (19, 20, 19, 0),
    "integer": (10, 11, 10, 0),
    "smallint": (5, 6, 5, 0),
    "boolean": (1, 5, 1, None),
    "date": (10, 10, 10, None),
    "timestamp": (26, 26, 26, 6),
    "timestamptz": (32, 32, 32, 6),
    "text": (None, None, None, None),
    "json": (None, None, None, None),
    "double precision": (15, 24, 15, None),
}


def type_facts(pg_type: str) -> TypeFacts:
    """Facts for a declared type such as "varchar(60)", "numeric(18,2)", "bigint"."""
    pgtype, _ = type_for_sql(pg_type)
    base = pg_type.split("(")[0].strip().lower()
    args = [int(a) for a in pg_type.split("(")[1].rstrip(")").split(",")] if "(" in pg_type else []
    if base == "varchar":
        n = args[0] if args else None
        return TypeFacts(base, pgtype.oid, n, n, n, None)
    if base == "numeric":
        if not args:
            return TypeFacts(base, pgtype.oid, None, None, None, None)
        precision, scale = args[0], args[1] if len(args) > 1 else 0
        return TypeFacts(base, pgtype.oid, precision, precision + 2, precision, scale)
    length, display, precision, scale = _FIXED.get(base, (None, None, None, None))
    return TypeFacts(base, pgtype.oid, length, display, precision, scale)
