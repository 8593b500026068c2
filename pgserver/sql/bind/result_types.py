"""DuckDB result types as PostgreSQL types, and DuckDB/Arrow values as the Python values the
type registry encodes.

Plain column references keep their declared type (varchar(60), numeric(18,2)) — that is
what pg_attribute says and what clients cache; computed columns get the PostgreSQL type
closest to DuckDB's. The mapping itself is pgserver.types.arrow's; this module gives the SQL
layer its (OID, typmod) pairs.
"""

from __future__ import annotations

from pgserver.provider import Column
from pgserver.types import arrow as pgarrow
from pgserver.types.arrow import python_values

__all__ = ["pg_type_of_column", "pg_type_of_duckdb", "python_values"]


def pg_type_of_duckdb(duck_type: str) -> tuple[int, int]:
    """(type OID, typmod) for a DuckDB type name such as 'DECIMAL(18,2)' or 'INTEGER[]'."""
    found = pgarrow.pg_type_of_duckdb(duck_type)
    return found.oid, found.typmod


def pg_type_of_column(column: Column) -> tuple[int, int]:
    """(type OID, typmod) of a declared column ('varchar(60)' → 1043, 64), parsed when it was declared."""
    return column.type.oid, column.type.typmod
