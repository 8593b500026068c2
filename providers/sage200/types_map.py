"""Spec type (CData's Long/Int/Decimal/...) + API field type -> PostgreSQL declared type.

This is the one place the mapping lives (see docs/decisions/0100-datamodel-types.md).
The generator (scripts/generate_datamodel.py) calls `pg_type()` and stores the result in
datamodel.json, so the runtime never re-derives types.
"""

from __future__ import annotations

# Decimal places documented per API numeric type (Appendix A of the API reference).
DECIMAL_SCALES: dict[str, int] = {"d2": 2, "d4": 4, "d5": 5, "d6": 6, "d9": 9}

NUMERIC_PRECISION = 18

_SIMPLE: dict[str, str] = {
    "long": "bigint",
    "int": "integer",
    "integer": "integer",
    "short": "smallint",
    "bool": "boolean",
    "boolean": "boolean",
    "date": "date",
    "datetime": "timestamp",
    "string": "text",
}


def pg_type(spec_type: str, api_type: str | None = None, length: int | None = None) -> str:
    """The PostgreSQL type for a column.

    `api_type` is the Appendix A type of the field the column is read from (d2, s, i64 …) or
    None when unknown (nested subfields); it only matters for Decimal (the scale).
    `length` is a documented maximum string length (Zynk's customer XML), else None.
    """
    key = spec_type.strip().lower()
    if key == "decimal":
        scale = DECIMAL_SCALES.get(api_type or "")
        return f"numeric({NUMERIC_PRECISION},{scale})" if scale is not None else "numeric"
    if key == "string" and length is not None:
        return f"varchar({length})"
    try:
        return _SIMPLE[key]
    except KeyError:
        raise ValueError(f"unknown spec type {spec_type!r}") from None
