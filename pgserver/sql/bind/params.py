"""$n parameters: type inference for Parse/Describe and binding to literals for Execute.

Parameters are bound as literals before planning, so a `col = $1` predicate can be
offered to a provider like any literal comparison. A parameter the client declared as 0
(unspecified) takes the type PostgreSQL would infer in the common cases: the column it is
compared with, the cast applied to it, bigint in LIMIT/OFFSET; text otherwise.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
import uuid
from collections.abc import Sequence
from typing import Any

from sqlglot import exp
from sqlglot.errors import SqlglotError

from pgserver import types as pgtypes
from pgserver.catalog.data import builtin
from pgserver.errors import PROTOCOL_VIOLATION, UNDEFINED_PARAMETER, PgError
from pgserver.provider import TableSpec
from pgserver.sql.bind.constants import unparen
from pgserver.types.arrow import duck_type

_COMPARISONS = (exp.EQ, exp.NEQ, exp.LT, exp.LTE, exp.GT, exp.GTE, exp.Like, exp.ILike, exp.In, exp.Between,
                exp.Add, exp.Sub, exp.Mul, exp.Div)


def parameters(tree: exp.Expression) -> list[exp.Parameter]:
    return [p for p in tree.find_all(exp.Parameter) if parameter_number(p) is not None]


def parameter_number(parameter: exp.Parameter) -> int | None:
    """n of `$n` (None for another kind of parameter)."""
    inner = parameter.this
    if isinstance(inner, exp.Literal) and not inner.is_string and inner.this.isdigit():
        return int(inner.this)
    return None


MAX_PARAMETERS = 65535  # a Bind message counts its parameters in an Int16


def parameter_count(tree: exp.Expression) -> int:
    count = max((parameter_number(p) or 0 for p in parameters(tree)), default=0)
    if count > MAX_PARAMETERS:
        raise PgError(UNDEFINED_PARAMETER, f"there is no parameter ${count}")
    return count


def infer_types(tree: exp.Expression, declared: Sequence[int], specs: Sequence[TableSpec]) -> list[int]:
    """One OID per $n (the declared OID where the client gave one, else inferred)."""
    count = max(parameter_count(tree), len(declared))
    result = [declared[i] if i < len(declared) else 0 for i in range(count)]
    for parameter in parameters(tree):
        index = (parameter_number(parameter) or 1) - 1
        if result[index] == 0:
            result[index] = _infer_one(parameter, specs) or 0
    return [oid or pgtypes.TEXT for oid in result]


def _infer_one(parameter: exp.Parameter, specs: Sequence[TableSpec]) -> int | None:
    parent = parameter.parent
    while isinstance(parent, exp.Paren):
        parent = parent.parent
    if isinstance(parent, exp.Cast):
        if parent.to.sql(dialect="postgres").lower().removeprefix("pg_catalog.").startswith("reg"):
            return pgtypes.TEXT  # $n::regclass takes a name; the catalog rewrite resolves it (pgserver.catalog)
        try:
            return pgtypes.type_for_sql(parent.to.sql(dialect="postgres"))[0].oid
        except PgError:
            return None
    if isinstance(parent, exp.Any | exp.All):
        return 1009  # x = ANY($1): an array (text[]), as pgcli/pgspecial bind a list there
    if isinstance(parent, exp.Limit | exp.Offset | exp.Fetch):
        return pgtypes.INT8
    if isinstance(parent, _COMPARISONS):
        for operand in _compared_with(parent, parameter):
            if isinstance(operand, exp.Column) and (oid := _resolved_column_type(operand, specs)) is not None:
                return oid
        for column in parent.find_all(exp.Column):
            oid = _column_type(column.name, specs)
            if oid is not None:
                return oid
        if isinstance(parent, exp.Like | exp.ILike):
            return pgtypes.TEXT
        for literal_node in parent.find_all(exp.Literal):
            if isinstance(literal_node.parent, exp.Parameter):
                continue  # a parameter's number ($2 beside $1 in an IN list)
            if not literal_node.is_string:
                return pgtypes.INT4 if literal_node.this.lstrip("-").isdigit() else pgtypes.NUMERIC
    return None


def _compared_with(parent: exp.Expression, parameter: exp.Expression) -> list[exp.Expression]:
    """The operands `parameter` meets in `parent`: the other side of an operator, an IN's left side (or its list,
    for `$1 IN (…)`), BETWEEN's other bounds — each without its parentheses."""
    operands = [parent.this, *parent.expressions] if isinstance(parent, exp.In) else \
        [v for v in (parent.this, parent.args.get("expression"), parent.args.get("low"), parent.args.get("high"))
         if isinstance(v, exp.Expression)]
    bare = [unparen(o) for o in operands]
    return [o for o in bare if o is not parameter and not isinstance(o, exp.Parameter)]


def _resolved_column_type(column: exp.Column, specs: Sequence[TableSpec]) -> int | None:
    """The type of a column reference resolved as PostgreSQL would: through its table (by alias or name) among the
    relations of its own SELECT — a catalog relation (pg_catalog is searched first, as in PostgreSQL) or a view."""
    select = column.find_ancestor(exp.Select)
    if select is None:
        return None
    tables = [t for t in select.find_all(exp.Table) if t.find_ancestor(exp.Select) is select and t.name]
    qualifier = column.table.lower()
    if qualifier:
        tables = [t for t in tables if t.alias_or_name.lower() == qualifier]
    found = {oid for t in tables if (oid := _table_column_type(t, column.name, specs)) is not None}
    return found.pop() if len(found) == 1 else None


def _table_column_type(table: exp.Table, column: str, specs: Sequence[TableSpec]) -> int | None:
    schema, name, wanted = table.db.lower(), table.name.lower(), column.lower()
    catalog = builtin().relations.get(f"{schema or 'pg_catalog'}.{name}")  # unqualified: pg_catalog comes first
    if catalog is not None:
        return next((c.type.pg.oid for c in catalog.columns if c.name == wanted), None)
    for spec in specs:
        if spec.name.lower() == name and (not schema or spec.schema.lower() == schema):
            declared = spec.column(column)
            if declared is not None:
                return declared.type.pg.oid
    return None


def _column_type(name: str, specs: Sequence[TableSpec]) -> int | None:
    """The type of the columns of that name among the views, when they agree (their declared types, parsed once)."""
    found = {c.type.pg.oid for spec in specs if (c := spec.column(name)) is not None}
    return found.pop() if len(found) == 1 else None


def bind(tree: exp.Expression, values: Sequence[Any], type_oids: Sequence[int], *,
         copy: bool = True) -> exp.Expression:
    """`tree` (a copy of it, unless copy=False) with every $n replaced by the literal of values[n-1]."""
    needed = parameter_count(tree)
    if len(values) < needed:
        raise PgError(PROTOCOL_VIOLATION, f"bind message supplies {len(values)} parameters, "
                      f"but prepared statement requires {needed}")
    bound = tree.copy() if copy else tree
    for parameter in parameters(bound):
        index = (parameter_number(parameter) or 1) - 1
        if index >= len(values):
            raise PgError(UNDEFINED_PARAMETER, f"there is no parameter ${index + 1}")
        oid = type_oids[index] if index < len(type_oids) else pgtypes.TEXT
        parameter.replace(literal(values[index], oid))
    return bound


def typed_null(oid: int) -> exp.Expression:
    """NULL of a parameter's type (used to describe a statement before values are known)."""
    return exp.cast(exp.null(), _type_sql(oid), dialect="postgres")  # postgres: regclass, oid … parse


def _type_sql(oid: int) -> str:
    pg_type = pgtypes.find_by_oid(oid)
    if pg_type is None or oid in {pgtypes.UNKNOWN, pgtypes.TEXT}:
        return "text"
    if pg_type.is_array:
        return _type_sql(pg_type.elem_oid) + "[]"
    name = pg_type.sql_name if pg_type.sql_name else pg_type.name
    try:
        exp.DataType.build(name, dialect="postgres")
        stored = duck_type(pgtypes.ColumnType(oid))
    except (SqlglotError, ValueError):
        return "text"  # "char" and other names sqlglot cannot spell as a type: their values travel as text
    return "text" if stored == "VARCHAR" else name  # name, bpchar …: DuckDB stores them as text


def literal(value: Any, oid: int) -> exp.Expression:
    """A SQL literal for a decoded parameter value."""
    if value is None:
        return exp.cast(exp.null(), _type_sql(oid), dialect="postgres") if oid not in {pgtypes.TEXT, pgtypes.UNKNOWN} else exp.null()
    if isinstance(value, bool):
        return exp.Boolean(this=value)
    if isinstance(value, int):
        return exp.Literal.number(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            text = "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
            return exp.cast(exp.Literal.string(text), "double precision")
        return exp.cast(exp.Literal.number(repr(value)), "double precision")
    if isinstance(value, decimal.Decimal):
        if not value.is_finite():
            return exp.cast(exp.Literal.string(str(value)), "numeric")
        return exp.Literal.number(format(value, "f"))
    if isinstance(value, dt.datetime):
        kind = "timestamptz" if value.tzinfo is not None else "timestamp"
        return exp.cast(exp.Literal.string(value.isoformat(sep=" ")), kind)
    if isinstance(value, dt.date):
        return exp.cast(exp.Literal.string(value.isoformat()), "date")
    if isinstance(value, dt.time):
        return exp.cast(exp.Literal.string(value.isoformat()), "time")
    if isinstance(value, uuid.UUID):
        return exp.cast(exp.Literal.string(str(value)), "uuid")
    if isinstance(value, list | tuple):
        return exp.Array(expressions=[literal(v, pgtypes.TEXT) for v in value])
    if isinstance(value, bytes | bytearray | memoryview):
        return exp.cast(exp.Literal.string("\\x" + bytes(value).hex()), "bytea")
    text = str(value)
    if oid in {pgtypes.TEXT, pgtypes.UNKNOWN, pgtypes.VARCHAR, pgtypes.BPCHAR, pgtypes.NAME}:
        return exp.Literal.string(text)
    return exp.cast(exp.Literal.string(text), _type_sql(oid))
