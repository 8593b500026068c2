"""The names PostgreSQL gives result columns: FigureColname (parser/parse_target.c), in one place.

An aliased projection is named by its alias; otherwise PostgreSQL figures a name with a *strength*: 2 for a real
name (a column, a function, `exists`, `array`, `coalesce` …), 1 for a cast's type name or `case`, 0 for nothing
(`?column?`). A CASE is named after its ELSE result only when that name is strong (`CASE … ELSE oid END` → `oid`,
`CASE … ELSE 1 END` → `case`); a cast keeps its operand's strong name and is otherwise named after its type.
Both the SQL layer (the root projections, before anything rewrites them) and the catalog rewrite (the projections
it replaces) ask here.
"""

from __future__ import annotations

from sqlglot import exp

# node meta set by the parser: a function call's name as the client wrote it (sqlglot may have made it an
# operator — mod(a, b) → a % b — or a typed node with another name)
WRITTEN_NAME = "pg_written_name"
UNNAMED = "?column?"

# sqlglot's typed nodes for PostgreSQL's SQL-standard functions, by PostgreSQL name
NODE_FUNCTIONS: dict[type[exp.Expression], str] = {
    exp.CurrentDatabase: "current_database", exp.CurrentUser: "current_user", exp.SessionUser: "session_user",
    exp.CurrentSchema: "current_schema", exp.CurrentVersion: "version", exp.CurrentSchemas: "current_schemas",
}
_CAST_NAMES = {"int": "int4", "integer": "int4", "bigint": "int8", "smallint": "int2", "boolean": "bool",
               "double precision": "float8", "real": "float4", "decimal": "numeric", "character varying": "varchar",
               "timestamp with time zone": "timestamptz", "timestamp without time zone": "timestamp",
               "char": "bpchar", "character": "bpchar"}
_FUNCTION_NAMES = {"current_version": "version", "current_schema": "current_schema",
                   "time_to_str": "to_char", "str_to_time": "to_timestamp", "str_to_date": "to_date",
                   "unix_to_time": "to_timestamp",
                   "logical_and": "bool_and", "logical_or": "bool_or", "regexp_like": UNNAMED,
                   "array_contains_all": UNNAMED, "date_part": "date_part", "count_star": "count",
                   "listagg": "string_agg", "group_concat": "string_agg",
                   "array_agg": "array_agg", "strpos": "position", "substring": "substring"}


def identifier_name(identifier: exp.Identifier | str) -> str:
    """PostgreSQL folds unquoted names to lower case and keeps quoted ones."""
    if isinstance(identifier, str):
        return identifier.lower()
    return identifier.this if identifier.quoted else identifier.this.lower()


def output_name(expression: exp.Expression) -> str | None:
    """The column name PostgreSQL gives a projection (None for *, which DuckDB expands)."""
    if isinstance(expression, exp.Star) or (isinstance(expression, exp.Column) and isinstance(expression.this, exp.Star)):
        return None
    if isinstance(expression, exp.Alias):
        return identifier_name(expression.args["alias"])
    return figure_colname(expression)[0]


def figure_colname(expression: exp.Expression) -> tuple[str, int]:
    """(name, strength) of an unaliased expression, as FigureColnameInternal computes them."""
    written = expression.meta.get(WRITTEN_NAME) if expression.meta else None
    if isinstance(written, str):  # a function call as written (sqlglot may have made it an operator: mod → %)
        return _written_name(expression, written), 2
    if isinstance(expression, exp.Alias):
        return identifier_name(expression.args["alias"]), 2
    if isinstance(expression, exp.Column):
        if isinstance(expression.this, exp.Identifier):
            return identifier_name(expression.this), 2
        return expression.name, 2
    if isinstance(expression, exp.Paren | exp.Bracket | exp.Window):
        return figure_colname(expression.this)  # (f(x))[1] is named f; row_number() OVER (…) row_number
    if isinstance(expression, exp.Dot):
        field = expression.expression
        if isinstance(field, exp.Anonymous):
            return field.name.lower(), 2  # pg_catalog.format_type(…)
        if isinstance(field, exp.Identifier):
            return identifier_name(field), 2  # (record).field is named after the field
        return figure_colname(field)
    if isinstance(expression, exp.Cast):
        operand = expression.this
        while isinstance(operand, exp.Cast):  # x::int::text is named x; DATE 'd'::text is named text
            operand = operand.this
        if not isinstance(operand, exp.Literal | exp.Null):
            name, strength = figure_colname(operand)
            if strength > 1:
                return name, strength
        return cast_type_name(expression.to), 1
    if isinstance(expression, exp.Subquery):
        inner = expression.this
        if isinstance(inner, exp.Select) and inner.expressions:
            return output_name(inner.expressions[0]) or UNNAMED, 2
        return UNNAMED, 0
    if isinstance(expression, exp.Case):
        default = expression.args.get("default")
        name, strength = figure_colname(default) if default is not None else (UNNAMED, 0)
        return (name, strength) if strength > 1 else ("case", 1)
    if isinstance(expression, exp.Exists):
        return "exists", 2
    for cls, name in NODE_FUNCTIONS.items():
        if isinstance(expression, cls):
            return name, 2
    if isinstance(expression, exp.Binary | exp.Unary | exp.Predicate | exp.Connector) \
            and not isinstance(expression, exp.Not | exp.Anonymous):
        return UNNAMED, 0  # operators: 2 ^ 3, a AND b, x ~ 'y'
    if isinstance(expression, exp.Anonymous):
        return str(expression.this).lower(), 2
    if isinstance(expression, exp.Func):
        if isinstance(expression, exp.Abs | exp.Sqrt | exp.Cbrt | exp.Pow):
            return UNNAMED, 0  # written as the operators @, |/, ||/, ^
        name = _FUNCTION_NAMES.get(expression.sql_name().lower(), expression.sql_name().lower())
        return name, (0 if name == UNNAMED else 2)
    return UNNAMED, 0


def cast_type_name(to: exp.Expression) -> str:
    """A cast's name when its operand has none: the type's last name, as PostgreSQL writes it (int4, regclass)."""
    name = type_name(to).split("(")[0].strip().removesuffix("[]").split(".")[-1]
    return _CAST_NAMES.get(name, name)


def type_name(to: exp.Expression) -> str:
    """A cast's target type as lower-case PostgreSQL text, without pg_catalog.: 'regclass', 'text[]'."""
    if isinstance(to, exp.ObjectIdentifier):
        return to.name.lower()
    if isinstance(to, exp.DataType):
        kind = to.args.get("kind")
        if to.this == exp.DataType.Type.USERDEFINED and kind is not None:
            text = kind.sql("postgres").replace('"', "").lower()
            return text.removeprefix("pg_catalog.")
        return to.sql("postgres").lower()
    return to.sql("postgres").lower()


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
