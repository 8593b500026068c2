"""Result column names as PostgreSQL derives them (count(*) → "count", 1 → "?column?").

DuckDB names an unaliased expression by its text ("count_star()", "(x // 7)"); clients
show PostgreSQL's names, so the root projections get explicit aliases computed from the
client's original expression before anything rewrites it.
"""

from __future__ import annotations

from sqlglot import exp

from pgserver.sql.parsing import WRITTEN_NAME

_CAST_NAMES = {"int": "int4", "integer": "int4", "bigint": "int8", "smallint": "int2", "boolean": "bool",
               "double precision": "float8", "real": "float4", "decimal": "numeric", "character varying": "varchar",
               "timestamp with time zone": "timestamptz", "timestamp without time zone": "timestamp",
               "char": "bpchar", "character": "bpchar"}
_FUNCTION_NAMES = {"current_timestamp": "now", "current_version": "version", "current_schema": "current_schema",
                   "time_to_str": "to_char", "str_to_time": "to_timestamp", "str_to_date": "to_date",
                   "unix_to_time": "to_timestamp",
                   "logical_and": "bool_and", "logical_or": "bool_or", "regexp_like": "?column?",
                   "array_contains_all": "?column?", "date_part": "date_part", "count_star": "count", "listagg": "string_agg", "group_concat": "string_agg",
                   "array_agg": "array_agg", "strpos": "position", "substring": "substring"}


def identifier_name(identifier: exp.Identifier | str) -> str:
    """PostgreSQL folds unquoted names to lower case and keeps quoted ones."""
    if isinstance(identifier, str):
        return identifier.lower()
    return identifier.this if identifier.quoted else identifier.this.lower()


def output_name(expression: exp.Expression) -> str | None:
    """The column name PostgreSQL gives a projection (None for * which DuckDB expands)."""
    if isinstance(expression, exp.Star) or (isinstance(expression, exp.Column) and isinstance(expression.this, exp.Star)):
        return None
    if isinstance(expression, exp.Alias):
        return identifier_name(expression.args["alias"])
    written = expression.meta.get(WRITTEN_NAME) if expression.meta else None
    if isinstance(written, str):  # a function call (sqlglot may have made it an operator: mod → %)
        return _written_name(expression, written)
    if isinstance(expression, exp.Column):
        return identifier_name(expression.this) if isinstance(expression.this, exp.Identifier) else expression.name
    if isinstance(expression, exp.Paren):
        return output_name(expression.this)
    if isinstance(expression, exp.Dot) and isinstance(expression.expression, exp.Identifier):
        return identifier_name(expression.expression)  # (record).field is named after the field
    if isinstance(expression, exp.Bracket):  # (f(x))[1] is named f, as PostgreSQL's FigureColname does
        return output_name(expression.this)
    if isinstance(expression, exp.Cast):
        operand = expression.this
        while isinstance(operand, exp.Cast):  # x::int::text is named x; DATE 'd'::text is named text
            operand = operand.this
        inner = output_name(operand) if not isinstance(operand, exp.Literal | exp.Null) else None
        if inner is not None and inner != "?column?":
            return inner
        type_name = expression.to.sql(dialect="postgres").lower().split("(")[0].strip().removesuffix("[]")
        return _CAST_NAMES.get(type_name, type_name)
    if isinstance(expression, exp.Subquery):
        inner = expression.this
        if isinstance(inner, exp.Select) and inner.expressions:
            return output_name(inner.expressions[0]) or "?column?"
        return "?column?"
    if isinstance(expression, exp.Window):
        return output_name(expression.this)
    if isinstance(expression, exp.Case):
        return "case"
    if isinstance(expression, exp.Exists):
        return "exists"
    if isinstance(expression, exp.Binary | exp.Unary | exp.Predicate) and not isinstance(expression, exp.Not) \
            and not isinstance(expression, exp.Anonymous):
        return "?column?"  # operators: 2 ^ 3, a AND b, x ~ 'y'
    if isinstance(expression, exp.Anonymous):
        return str(expression.this).lower()
    if isinstance(expression, exp.Func):
        if isinstance(expression, exp.Abs | exp.Sqrt | exp.Cbrt | exp.Pow):
            return "?column?"  # written as the operators @, |/, ||/, ^
        name = expression.sql_name().lower()
        return _FUNCTION_NAMES.get(name, name)
    if type(expression).__name__ in {"CurrentUser", "SessionUser"}:
        return "current_user"
    return "?column?"


def _written_name(expression: exp.Expression, written: str) -> str:
    """PostgreSQL's name for a call spelled `written`: the function's own name, except for the SQL-syntax
    forms it names after the function they call (TRIM(LEADING …) is ltrim)."""
    if written == "trim" and isinstance(expression, exp.Trim):
        position = str(expression.args.get("position") or "").upper()
        return {"LEADING": "ltrim", "TRAILING": "rtrim"}.get(position, "btrim")
    return written


def root_selects(tree: exp.Expression) -> exp.Select | None:
    """The SELECT whose projections name the result (the leftmost one of a UNION)."""
    node = tree
    while isinstance(node, exp.SetOperation | exp.Subquery):
        node = node.this if isinstance(node, exp.Subquery) else node.left
    return node if isinstance(node, exp.Select) else None
