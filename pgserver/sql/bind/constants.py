"""Constants as PostgreSQL reads them: the Python value of a literal, a quoted literal read as a column's
type, a cast of a constant. Used wherever a value must be known before DuckDB runs: provider quals
(pushdown/quals.py), procedure arguments (procedure_calls.py), SQL-level EXECUTE's arguments.
"""

from __future__ import annotations

import decimal

from sqlglot import exp

from pgserver import types as pgtypes
from pgserver.errors import PgError
from pgserver.provider import Literal
from pgserver.types import FormatContext

DEFAULT_VALUES = FormatContext()


# Type families by registry name (pgserver.types canonical names).
INTEGER_TYPES = {"int2", "int4", "int8"}


class NotPushable(Exception):
    """The expression has no qual form."""


def read_text(text: str, pg_type: str, values: FormatContext = DEFAULT_VALUES) -> Literal:
    """`text` read by the input function of `pg_type` (None for NULL); NotPushable when PostgreSQL
    would reject it or our decoder cannot read it (DuckDB then reports or computes it)."""
    try:
        pg, _typmod = pgtypes.type_for_sql(pg_type)
        if pg.name in ("json", "jsonb"):
            raise NotPushable  # compared as text after a cast at most: left to DuckDB
        value = pgtypes.decode_text(pg.oid, text, values)
    except PgError:
        raise NotPushable from None
    if isinstance(value, float | decimal.Decimal) and not is_finite(value):
        raise NotPushable
    return value


def literal_value(expression: exp.Expression, values: FormatContext = DEFAULT_VALUES) -> Literal:
    """The Python value of a constant expression (NotPushable otherwise). A quoted literal stays
    text (its type is unknown until compared); a cast gives the target type's value."""
    expression = unparen(expression)
    if isinstance(expression, exp.Null):
        return None
    if isinstance(expression, exp.Boolean):
        return bool(expression.this)
    if isinstance(expression, exp.Literal):
        if expression.is_string:
            return expression.this
        return _number(expression.this)
    if isinstance(expression, exp.Neg):
        inner = literal_value(expression.this, values)
        if isinstance(inner, int | float | decimal.Decimal) and not isinstance(inner, bool):
            return -inner
        raise NotPushable
    if isinstance(expression, exp.Cast) and isinstance(unparen(expression.this), exp.Literal | exp.Neg | exp.Null):
        inner = unparen(expression.this)
        target = expression.to.sql(dialect="postgres")
        if isinstance(inner, exp.Null):
            return None
        if isinstance(inner, exp.Literal) and inner.is_string:
            return read_text(inner.this, target, values)
        return cast_value(literal_value(inner, values), target)
    raise NotPushable


def cast_value(value: Literal, target: str) -> Literal:
    """A numeric constant cast to `target` as PostgreSQL casts it (NotPushable where we do not)."""
    try:
        pg, typmod = pgtypes.type_for_sql(target)
    except PgError:
        raise NotPushable from None
    if value is None or isinstance(value, bool) or not isinstance(value, int | decimal.Decimal | float):
        raise NotPushable
    name = pg.name
    if name in INTEGER_TYPES:
        if isinstance(value, float):
            return round(value)  # float8 -> int: rint, half to even
        return int(decimal.Decimal(value).to_integral_value(decimal.ROUND_HALF_UP))  # numeric -> int
    if name == "numeric" and not isinstance(value, float):
        scale = pgtypes.numeric_precision_scale(typmod)
        number = decimal.Decimal(value)
        if scale is None:
            return number
        return number.quantize(decimal.Decimal(1).scaleb(-scale[1]), decimal.ROUND_HALF_UP)
    if name in ("float8", "float4") and not isinstance(value, float):
        return float(value) if name == "float8" else _float4(float(value))
    if name == "float8":
        return value
    raise NotPushable


def _float4(value: float) -> float:
    import struct

    return struct.unpack(">f", struct.pack(">f", value))[0]


def _number(text: str) -> int | decimal.Decimal:
    """A numeric constant: integer when it has only digits (PostgreSQL: int4/int8, else numeric),
    numeric otherwise — `1.5` and `1e3` are numeric in PostgreSQL, never float."""
    if text.isdigit():
        return int(text)
    return decimal.Decimal(text)


def is_finite(value: float | decimal.Decimal | int) -> bool:
    if isinstance(value, decimal.Decimal):
        return value.is_finite()
    if isinstance(value, float):
        return value == value and value not in (float("inf"), float("-inf"))
    return True


def unparen(expression: exp.Expression) -> exp.Expression:
    while isinstance(expression, exp.Paren):
        expression = expression.this
    return expression
