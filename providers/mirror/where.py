"""Offered quals, ORDER BY and LIMIT as a DuckDB query over a mirrored view's table.

The mirror's table holds the view's columns in the types the SQL layer's own DuckDB would see, so a comparison
evaluated here answers exactly what the session would answer: every qual that translates is exact (the SQL layer
drops it). LIKE keeps PostgreSQL's default escape character (backslash), and ORDER BY PostgreSQL's NULL placement
(last when ascending, first when descending) unless the query says otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pgserver.provider import AllOf, AnyOf, Comparison, Not, Op, Qual, SortKey, TableSpec

from .store import table_name


@dataclass
class StoreQuery:
    """`SELECT columns FROM {table} WHERE … ORDER BY … LIMIT …` with its parameters."""

    columns: list[str]
    where: list[str] = field(default_factory=list)
    params: list[Any] = field(default_factory=list)
    order: list[str] = field(default_factory=list)
    limit: int | None = None
    offset: int = 0

    def sql(self) -> str:
        columns = ", ".join(table_name(c) for c in self.columns) or "1 AS __row"  # count(*) reads no column
        text = f"SELECT {columns} FROM {{table}}"
        if self.where:
            text += " WHERE " + " AND ".join(f"({w})" for w in self.where)
        if self.order:
            text += " ORDER BY " + ", ".join(self.order)
        if self.limit is not None:
            text += f" LIMIT {int(self.limit)}"
        if self.offset:
            text += f" OFFSET {int(self.offset)}"
        return text


_COMPARE = {Op.EQ: "=", Op.NE: "<>", Op.LT: "<", Op.LE: "<=", Op.GT: ">", Op.GE: ">="}


def translate(spec: TableSpec, qual: Qual, params: list[Any]) -> str | None:
    """The qual as a DuckDB condition (appending its values to `params`), or None when it has no exact form."""
    if isinstance(qual, Comparison):
        column = spec.column(qual.column)
        if column is None:
            return None
        name = table_name(column.name)
        if qual.op is Op.IS_NULL:
            return f"{name} IS NULL"
        if qual.op is Op.IS_NOT_NULL:
            return f"{name} IS NOT NULL"
        if qual.op in _COMPARE:
            if qual.value is None:
                return "NULL"  # comparing with NULL is never true
            params.append(qual.value)
            return f"{name} {_COMPARE[qual.op]} ?"
        if qual.op in (Op.LIKE, Op.NOT_LIKE) and isinstance(qual.value, str):
            params.append(qual.value)
            return f"{name} {'NOT ' if qual.op is Op.NOT_LIKE else ''}LIKE ? ESCAPE '\\'"
        if qual.op is Op.IN and isinstance(qual.value, tuple):
            values = [v for v in qual.value if v is not None]
            if not values:
                return "NULL"
            params.extend(values)
            return f"{name} IN ({', '.join('?' for _ in values)})"
        return None
    if isinstance(qual, AnyOf | AllOf):
        parts: list[str] = []
        for item in qual.items:
            mark = len(params)
            text = translate(spec, item, params)
            if text is None:
                del params[mark:]
                return None
            parts.append(f"({text})")
        return (" OR " if isinstance(qual, AnyOf) else " AND ").join(parts) or ("false" if isinstance(qual, AnyOf)
                                                                              else "true")
    if isinstance(qual, Not):
        mark = len(params)
        inner = translate(spec, qual.item, params)
        if inner is None:
            del params[mark:]
            return None
        return f"NOT ({inner})"
    return None


def order_terms(spec: TableSpec, keys: Sequence[SortKey]) -> list[str] | None:
    terms = []
    for key in keys:
        column = spec.column(key.column)
        if column is None:
            return None
        nulls_first = key.descending if key.nulls_first is None else key.nulls_first
        terms.append(f"{table_name(column.name)} {'DESC' if key.descending else 'ASC'} "
                     f"NULLS {'FIRST' if nulls_first else 'LAST'}")
    return terms
