"""Turning WHERE conjuncts into provider quals (pgserver.provider Comparison/AnyOf/AllOf/Not).

Only predicates whose columns all belong to one table reference and whose other operands
are constants (parameters are bound to literals before planning) become quals. Constants are
typed as PostgreSQL types them (docs/decisions/0505-literals-and-nested-pushdown.md):

- a quoted literal compared with a column is read by the column type's input function — the
  type registry's text decoders, with the session's DateStyle and TimeZone — so
  `date_col = '2017-12-31T01:00:00.000+01:00'` means 2017-12-31 and a `timestamp` column
  ignores the offset, exactly as PostgreSQL's date_in/timestamp_in do;
- a typed constant (a cast, a bound parameter, a number) keeps its type and the comparison is
  rewritten as PostgreSQL would evaluate it into one with a value of the column's type:
  `date_col < timestamp '2024-01-02 10:00'` is `date_col <= 2024-01-02`, a timestamptz compared
  with a `timestamp` column is read as wall-clock time in the session's TimeZone (only where that
  zone's offset is constant around the value, so the rewrite cannot reorder rows).

Anything PostgreSQL would reject, or that we cannot type exactly, is NotPushable: it stays in the
DuckDB query, which reports PostgreSQL's error or computes the answer.
"""

from __future__ import annotations

import datetime as dt
import decimal

from sqlglot import exp

from pgserver import types as pgtypes
from pgserver.errors import PgError
from pgserver.provider import AllOf, AnyOf, Column, Comparison, Literal, Not, Op, Qual, TableSpec
from pgserver.sql.bind.constants import (
    DEFAULT_VALUES,
    INTEGER_TYPES,
    NotPushable,
    is_finite,
    literal_value,
    read_text,
    unparen,
)
from pgserver.types import FormatContext, resolve_time_zone

_FLIP = {Op.LT: Op.GT, Op.LE: Op.GE, Op.GT: Op.LT, Op.GE: Op.LE, Op.EQ: Op.EQ, Op.NE: Op.NE}
_BINARY: dict[type[exp.Expression], Op] = {exp.EQ: Op.EQ, exp.NEQ: Op.NE, exp.LT: Op.LT, exp.LTE: Op.LE,
                                           exp.GT: Op.GT, exp.GTE: Op.GE}

_NUMBERS = INTEGER_TYPES | {"numeric", "float4", "float8"}
_TEXTS = {"text", "varchar", "bpchar", "name"}
_ZONE_MARGIN = dt.timedelta(days=2)  # a zone's offset must be constant this far around a value


def split_conjuncts(condition: exp.Expression | None) -> list[exp.Expression]:
    """The top-level AND operands of a condition (parentheses removed)."""
    if condition is None:
        return []
    condition = unparen(condition)
    if isinstance(condition, exp.And):
        return split_conjuncts(condition.left) + split_conjuncts(condition.right)
    return [condition]


def to_quals(expression: exp.Expression, alias: str, spec: TableSpec,
             values: FormatContext = DEFAULT_VALUES) -> list[Qual]:
    """The quals equivalent to one conjunct on the table reference `alias` (NotPushable if none).
    `values` carries the session's DateStyle and TimeZone, which decide what date/time text means."""
    return _Quals(alias, spec, values).conjunct(expression)


class _Quals:
    def __init__(self, alias: str, spec: TableSpec, values: FormatContext) -> None:
        self.alias = alias
        self.spec = spec
        self.values = values

    def conjunct(self, expression: exp.Expression) -> list[Qual]:
        expression = unparen(expression)
        if isinstance(expression, exp.Between) and not expression.args.get("symmetric"):
            column = self.column(expression.this)
            return [self.compare(column, Op.GE, expression.args["low"]),
                    self.compare(column, Op.LE, expression.args["high"])]
        return [self.qual(expression)]

    def qual(self, expression: exp.Expression) -> Qual:
        expression = unparen(expression)
        for kind, op in _BINARY.items():
            if type(expression) is kind:
                return self.binary(expression, op)
        if isinstance(expression, exp.Like) and not isinstance(expression.expression, exp.Escape):
            column = self.column(expression.this)
            if _registry_name(column.pg_type) not in _TEXTS:
                raise NotPushable  # PostgreSQL has no LIKE for it (or casts): DuckDB decides
            pattern = unparen(expression.expression)
            if not isinstance(pattern, exp.Literal) or not pattern.is_string:
                raise NotPushable
            return Comparison(column.name, Op.NOT_LIKE if expression.args.get("negate") else Op.LIKE, pattern.this)
        if isinstance(expression, exp.Is):
            column = self.column(expression.this)
            if isinstance(expression.expression, exp.Null):
                return Comparison(column.name, Op.IS_NOT_NULL if expression.args.get("negate") else Op.IS_NULL)
            raise NotPushable
        if isinstance(expression, exp.In) and expression.expressions and not expression.args.get("query"):
            column = self.column(expression.this)
            items = [self.compare(column, Op.EQ, v) for v in expression.expressions]
            if any(not isinstance(q, Comparison) or q.op is not Op.EQ for q in items):
                raise NotPushable  # an item that can never be equal: DuckDB evaluates the list
            return Comparison(column.name, Op.IN, tuple(q.value for q in items if isinstance(q, Comparison)))
        if isinstance(expression, exp.Between) and not expression.args.get("symmetric"):
            return AllOf(tuple(self.conjunct(expression)))
        if isinstance(expression, exp.Or):
            return AnyOf(tuple(self.qual(e) for e in _flatten(expression, exp.Or)))
        if isinstance(expression, exp.And):
            return AllOf(tuple(q for e in _flatten(expression, exp.And) for q in self.conjunct(e)))
        if isinstance(expression, exp.Not):
            inner = unparen(expression.this)
            if isinstance(inner, exp.Like) and not isinstance(inner.expression, exp.Escape):
                like = self.qual(inner)
                assert isinstance(like, Comparison)
                return Comparison(like.column, Op.LIKE if like.op == Op.NOT_LIKE else Op.NOT_LIKE, like.value)
            if isinstance(inner, exp.Is) and isinstance(inner.expression, exp.Null):
                negated = not inner.args.get("negate")
                return Comparison(self.column(inner.this).name, Op.IS_NOT_NULL if negated else Op.IS_NULL)
            return Not(self.qual(inner))
        if isinstance(expression, exp.Column):
            column = self.column(expression)
            if _registry_name(column.pg_type) == "bool":
                return Comparison(column.name, Op.EQ, True)
        raise NotPushable

    def binary(self, expression: exp.Expression, op: Op) -> Qual:
        left, right = unparen(expression.this), unparen(expression.expression)
        if isinstance(left, exp.Column):
            return self.compare(self.column(left), op, right)
        if isinstance(right, exp.Column):
            return self.compare(self.column(right), _FLIP[op], left)
        raise NotPushable

    def column(self, expression: exp.Expression) -> Column:
        expression = unparen(expression)
        if not isinstance(expression, exp.Column) or expression.table.lower() != self.alias.lower():
            raise NotPushable
        column = self.spec.column(expression.name)
        if column is None:
            raise NotPushable
        return column  # filterable or not: the provider says what it can send, and why not (EXPLAIN)

    def compare(self, column: Column, op: Op, operand: exp.Expression) -> Qual:
        """`column op operand` with the operand typed as PostgreSQL types it."""
        operand = unparen(operand)
        if isinstance(operand, exp.Literal) and operand.is_string:  # unknown-type literal: the column's input
            value = read_text(operand.this, column.pg_type, self.values)
            if value is None:
                raise NotPushable
            return Comparison(column.name, op, value)
        value = literal_value(operand, self.values)
        if value is None:
            raise NotPushable  # `col = NULL` is never true; leave it to DuckDB
        return comparison_with(column, op, value, self.values)


def comparison_with(column: Column, op: Op, value: Literal, values: FormatContext = DEFAULT_VALUES) -> Comparison:
    """`column op value` for a typed `value`, rewritten as PostgreSQL evaluates it into a comparison
    with a value of the column's own type (NotPushable when that is not possible exactly)."""
    family = _registry_name(column.pg_type)
    if isinstance(value, bool):
        if family != "bool":
            raise NotPushable
        return Comparison(column.name, op, value)
    if isinstance(value, int | decimal.Decimal | float):
        if family not in _NUMBERS or not is_finite(value):
            raise NotPushable
        return Comparison(column.name, op, value)  # compared numerically: the provider decides
    if isinstance(value, str):
        if family not in _TEXTS:
            raise NotPushable  # PostgreSQL: operator does not exist (text against another type)
        return Comparison(column.name, op, value)
    if isinstance(value, dt.datetime | dt.date):
        return _datetime_comparison(column, family, op, value, values)
    raise NotPushable


def _datetime_comparison(column: Column, family: str, op: Op, value: dt.date, values: FormatContext) -> Comparison:
    if family not in ("date", "timestamp", "timestamptz"):
        raise NotPushable
    zone = resolve_time_zone(values.time_zone)
    if family == "timestamptz":
        if not isinstance(value, dt.datetime):
            value = dt.datetime.combine(value, dt.time())
        if value.tzinfo is None:  # timestamp -> timestamptz: the wall-clock time in the session zone
            value = value.replace(tzinfo=zone)
        return Comparison(column.name, op, value.astimezone(dt.UTC))
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        local = wall_clock(value, zone)  # the column is compared as timestamptz in the session zone
        if local is None:
            raise NotPushable
        value = local
    if family == "timestamp":
        if not isinstance(value, dt.datetime):
            value = dt.datetime.combine(value, dt.time())
        return Comparison(column.name, op, value)
    if not isinstance(value, dt.datetime):
        return Comparison(column.name, op, value)
    # A date column against a timestamp: PostgreSQL compares the date as its midnight.
    day = value.date()
    if value.time() == dt.time():
        return Comparison(column.name, op, day)
    if op in (Op.LT, Op.LE):
        return Comparison(column.name, Op.LE, day)
    if op in (Op.GT, Op.GE):
        return Comparison(column.name, Op.GT, day)
    raise NotPushable  # = never holds, <> always does (for non-NULL): DuckDB evaluates it


def wall_clock(instant: dt.datetime, zone: dt.tzinfo) -> dt.datetime | None:
    """The session-zone wall-clock time of an aware `instant`, or None when the zone's UTC offset
    changes within two days of it: only then is `timestamp_col op instant` (the column read as
    timestamptz in that zone) the same as `timestamp_col op wall_clock` for every row."""
    offset = instant.astimezone(zone).utcoffset()
    step = dt.timedelta(hours=6)
    probe = instant - _ZONE_MARGIN
    while probe <= instant + _ZONE_MARGIN:
        if probe.astimezone(zone).utcoffset() != offset:
            return None
        probe += step
    return instant.astimezone(zone).replace(tzinfo=None)


def _registry_name(pg_type: str) -> str:
    try:
        return pgtypes.type_for_sql(pg_type)[0].name
    except PgError:
        return ""


def _flatten(expression: exp.Expression, kind: type[exp.Expression]) -> list[exp.Expression]:
    expression = unparen(expression)
    if isinstance(expression, kind):
        return _flatten(expression.left, kind) + _flatten(expression.right, kind)
    return [expression]
