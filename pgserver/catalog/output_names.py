"""PostgreSQL's names for unaliased select-list expressions (FigureColname), kept across the rewrite.

Why: after rewrite() a projection such as current_schema() is a call of pgcat_current_schema_0
and DuckDB would name the column after that; inside a CTE or subquery the outer query
refers to PostgreSQL's names (WITH w AS (SELECT count(1) …) … ORDER BY count). Projections
that the rewrite changed, and computed projections of non-root SELECTs, get explicit aliases.
"""

from __future__ import annotations

import re

from sqlglot import exp

# sqlglot's typed nodes for PostgreSQL's SQL-standard functions, by PostgreSQL name
NODE_FUNCTIONS: dict[type[exp.Expression], str] = {
    exp.CurrentDatabase: "current_database", exp.CurrentUser: "current_user", exp.SessionUser: "session_user",
    exp.CurrentSchema: "current_schema", exp.CurrentVersion: "version", exp.CurrentSchemas: "current_schemas",
}
Projection = tuple[exp.Select, int, str, str]  # (select, position, SQL before the rewrite, PostgreSQL name)


def collect(expr: exp.Expression) -> list[Projection]:
    """The unaliased projections of every SELECT, before rewriting."""
    return [(select, i, proj.sql("postgres"), output_name(proj))
            for select in expr.find_all(exp.Select)
            for i, proj in enumerate(select.expressions)
            if not isinstance(proj, exp.Alias | exp.Star)]


def apply(projections: list[Projection], root: exp.Select | None) -> None:
    """Alias the projections the rewrite changed, and the computed ones below the root SELECT."""
    for select, i, before, name in projections:
        proj = select.expressions[i]
        if isinstance(proj, exp.Alias) or (isinstance(proj, exp.Column) and isinstance(proj.this, exp.Star)):
            continue  # t.* (possibly with REPLACE, reg_output.py) names its columns itself
        changed = proj.sql("postgres") != before or isinstance(proj, exp.Literal | exp.Null)
        below_root = select is not root and not isinstance(proj, exp.Column | exp.Dot) and name != "?column?"
        if changed or below_root:
            # An explicit Alias node (exp.alias_ would put a subquery's alias on the Subquery itself).
            proj.replace(exp.Alias(this=proj.copy(), alias=exp.to_identifier(name, quoted=True)))

def output_name(node: exp.Expression) -> str:
    """The column name PostgreSQL gives an unaliased select-list expression (FigureColname)."""
    if isinstance(node, exp.Column):
        return node.name
    if isinstance(node, exp.Cast):
        inner = output_name(node.this)
        return inner if inner != "?column?" else type_name(node.to).split(".")[-1]
    if isinstance(node, exp.Bracket | exp.Window | exp.Paren):
        return output_name(node.this)  # row_number() OVER (…) -> row_number
    if isinstance(node, exp.Subquery) and isinstance(node.this, exp.Select) and node.this.expressions:
        first = node.this.expressions[0]
        return first.alias if isinstance(first, exp.Alias) else output_name(first)
    if isinstance(node, exp.Dot):
        if isinstance(node.expression, exp.Anonymous):
            return node.expression.name.lower()
        return node.expression.name
    for cls, name in NODE_FUNCTIONS.items():
        if isinstance(node, cls):
            return name
    if isinstance(node, exp.Anonymous):
        return node.name.lower()
    if isinstance(node, exp.Case):
        default = node.args.get("default")
        inner = output_name(default) if default is not None else "?column?"
        return inner if inner != "?column?" else "case"
    if isinstance(node, exp.Binary | exp.Unary | exp.Connector | exp.Predicate):
        return "?column?"  # operators: a, b, AND, =, LIKE … have no name in PostgreSQL
    if isinstance(node, exp.Func):  # as written: COUNT(1) -> count, STRING_AGG(…) -> string_agg
        written = re.match(r"([A-Za-z_][A-Za-z_0-9]*)\s*\(", node.sql("postgres"))
        return written.group(1).lower() if written else node.sql_name().lower()
    return "?column?"


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
