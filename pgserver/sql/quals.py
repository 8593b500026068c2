"""Turning WHERE conjuncts into provider quals (pgserver.provider Comparison/AnyOf/AllOf/Not).

Only predicates whose columns all belong to one table reference and whose other operands
are literals (parameters are bound to literals before planning) become quals. Literals
are coerced to the column's declared type so a provider sees `date(2024, 1, 2)` for a
date column compared with '2024-01-02', as PostgreSQL would type it.
"""

from __future__ import annotations

import datetime as dt
import decimal

from sqlglot import exp

from pgserver.provider import AllOf, AnyOf, Column, Comparison, Literal, Not, Op, Qual, TableSpec

_FLIP = {Op.LT: Op.GT, Op.LE: Op.GE, Op.GT: Op.LT, Op.GE: Op.LE, Op.EQ: Op.EQ, Op.NE: Op.NE}
_BINARY: dict[type[exp.Expression], Op] = {exp.EQ: Op.EQ, exp.NEQ: Op.NE, exp.LT: Op.LT, exp.LTE: Op.LE,
                                           exp.GT: Op.GT, exp.GTE: Op.GE}


class NotPushable(Exception):
    """The expression has no qual form."""


def split_conjuncts(condition: exp.Expression | None) -> list[exp.Expression]:
    """The top-level AND operands of a condition (parentheses removed)."""
    if condition is None:
        return []
    condition = _unparen(condition)
    if isinstance(condition, exp.And):
        return split_conjuncts(condition.left) + split_conjuncts(condition.right)
    return [condition]


def to_quals(expression: exp.Expression, alias: str, spec: TableSpec) -> list[Qual]:
    """The quals equivalent to one conjunct on the table reference `alias` (NotPushable if none)."""
    expression = _unparen(expression)
    if isinstance(expression, exp.Between) and not expression.args.get("symmetric"):
        column = _column(expression.this, alias, spec)
        return [Comparison(column.name, Op.GE, _value(expression.args["low"], column)),
                Comparison(column.name, Op.LE, _value(expression.args["high"], column))]
    return [_qual(expression, alias, spec)]


def _qual(expression: exp.Expression, alias: str, spec: TableSpec) -> Qual:
    expression = _unparen(expression)
    for kind, op in _BINARY.items():
        if type(expression) is kind:
            return _comparison(expression, op, alias, spec)
    if isinstance(expression, exp.Like) and not isinstance(expression.expression, exp.Escape):
        column = _column(expression.this, alias, spec)
        value = _value(expression.expression, column)
        if not isinstance(value, str):
            raise NotPushable
        return Comparison(column.name, Op.NOT_LIKE if expression.args.get("negate") else Op.LIKE, value)
    if isinstance(expression, exp.Is):
        column = _column(expression.this, alias, spec)
        if isinstance(expression.expression, exp.Null):
            return Comparison(column.name, Op.IS_NOT_NULL if expression.args.get("negate") else Op.IS_NULL)
        raise NotPushable
    if isinstance(expression, exp.In) and expression.expressions and not expression.args.get("query"):
        column = _column(expression.this, alias, spec)
        values = tuple(_value(v, column) for v in expression.expressions)
        if any(v is None for v in values):
            raise NotPushable  # NULL in the list makes NOT IN unknown: three-valued logic stays in DuckDB
        return Comparison(column.name, Op.IN, values)
    if isinstance(expression, exp.Between) and not expression.args.get("symmetric"):
        return AllOf(tuple(to_quals(expression, alias, spec)))
    if isinstance(expression, exp.Or):
        return AnyOf(tuple(_qual(e, alias, spec) for e in _flatten(expression, exp.Or)))
    if isinstance(expression, exp.And):
        return AllOf(tuple(q for e in _flatten(expression, exp.And) for q in to_quals(e, alias, spec)))
    if isinstance(expression, exp.Not):
        inner = _unparen(expression.this)
        if isinstance(inner, exp.Like) and not isinstance(inner.expression, exp.Escape):
            like = _qual(inner, alias, spec)
            assert isinstance(like, Comparison)
            return Comparison(like.column, Op.LIKE if like.op == Op.NOT_LIKE else Op.NOT_LIKE, like.value)
        if isinstance(inner, exp.Is) and isinstance(inner.expression, exp.Null):
            negated = not inner.args.get("negate")
            return Comparison(_column(inner.this, alias, spec).name, Op.IS_NOT_NULL if negated else Op.IS_NULL)
        return Not(_qual(inner, alias, spec))
    if isinstance(expression, exp.Column):
        column = _column(expression, alias, spec)
        if column.pg_type.lower() in {"boolean", "bool"}:
            return Comparison(column.name, Op.EQ, True)
    raise NotPushable


def _comparison(expression: exp.Expression, op: Op, alias: str, spec: TableSpec) -> Comparison:
    left, right = _unparen(expression.this), _unparen(expression.expression)
    if isinstance(left, exp.Column):
        column = _column(left, alias, spec)
        value = _value(right, column)
    elif isinstance(right, exp.Column):
        column = _column(right, alias, spec)
        value = _value(left, column)
        op = _FLIP[op]
    else:
        raise NotPushable
    if value is None:
        raise NotPushable  # `col = NULL` is never true; leave it to DuckDB
    return Comparison(column.name, op, value)


def _column(expression: exp.Expression, alias: str, spec: TableSpec) -> Column:
    expression = _unparen(expression)
    if not isinstance(expression, exp.Column) or expression.table.lower() != alias.lower():
        raise NotPushable
    column = spec.column(expression.name)
    if column is None or not column.filterable:
        raise NotPushable
    return column


def _value(expression: exp.Expression, column: Column) -> Literal:
    return coerce(literal_value(expression), column.pg_type)


def literal_value(expression: exp.Expression) -> Literal:
    """The Python value of a constant expression (NotPushable otherwise)."""
    expression = _unparen(expression)
    if isinstance(expression, exp.Null):
        return None
    if isinstance(expression, exp.Boolean):
        return bool(expression.this)
    if isinstance(expression, exp.Literal):
        if expression.is_string:
            return expression.this
        return _number(expression.this)
    if isinstance(expression, exp.Neg):
        inner = literal_value(expression.this)
        if isinstance(inner, int | float | decimal.Decimal) and not isinstance(inner, bool):
            return -inner
        raise NotPushable
    if isinstance(expression, exp.Cast) and isinstance(_unparen(expression.this), exp.Literal | exp.Neg):
        value = literal_value(expression.this)
        return coerce(value, expression.to.sql(dialect="postgres").lower())
    raise NotPushable


def _number(text: str) -> int | decimal.Decimal | float:
    if text.isdigit():
        return int(text)
    if "e" in text.lower():
        return float(text)
    return decimal.Decimal(text)


def _parse_bool(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in {"t", "true", "y", "yes", "on", "1"}:
        return True
    if lowered in {"f", "false", "n", "no", "off", "0"}:
        return False
    raise NotPushable


def coerce(value: Literal, pg_type: str) -> Literal:
    """`value` typed as a literal compared with a column of `pg_type` would be (NotPushable if it cannot be)."""
    if value is None:
        return None
    base = pg_type.split("(")[0].strip().lower()
    try:
        if base in {"bigint", "int8", "integer", "int4", "int", "smallint", "int2"}:
            if isinstance(value, bool):
                raise NotPushable
            if isinstance(value, str):
                return int(value.strip())
            return value  # a fractional value stays exact; providers compare numerically
        if base in {"numeric", "decimal"}:
            if isinstance(value, bool):
                raise NotPushable
            return decimal.Decimal(value.strip()) if isinstance(value, str) else value
        if base in {"double precision", "float8", "real", "float4"}:
            return float(value) if isinstance(value, str) else value
        if base in {"boolean", "bool"}:
            return _parse_bool(value) if isinstance(value, str) else value
        if base == "date":
            if isinstance(value, str):
                return dt.date.fromisoformat(value.strip())
            if isinstance(value, dt.datetime):
                raise NotPushable
            return value
        if base.startswith("timestamp"):
            if isinstance(value, str):
                return dt.datetime.fromisoformat(value.strip())
            if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
                return dt.datetime.combine(value, dt.time())
            return value
        if base in {"text", "varchar", "character varying", "char", "character", "bpchar", "json", "jsonb"}:
            if not isinstance(value, str):
                raise NotPushable  # PostgreSQL would reject text = integer; let DuckDB report it
            return value
    except (ValueError, ArithmeticError, decimal.InvalidOperation):
        raise NotPushable from None
    raise NotPushable


def _unparen(expression: exp.Expression) -> exp.Expression:
    while isinstance(expression, exp.Paren):
        expression = expression.this
    return expression


def _flatten(expression: exp.Expression, kind: type[exp.Expression]) -> list[exp.Expression]:
    expression = _unparen(expression)
    if isinstance(expression, kind):
        return _flatten(expression.left, kind) + _flatten(expression.right, kind)
    return [expression]
