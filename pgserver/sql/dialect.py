"""The one place where PostgreSQL semantics are restored after sqlglot's transpilation to DuckDB.

sqlglot maps syntax; a few behaviours differ underneath and are fixed here (or by the
DuckDB settings in `DUCKDB_SETTINGS`, applied once per session):
- integer division: PostgreSQL 7/2 = 3 → DuckDB `integer_division`;
- division by zero raises (22012) → DuckDB `error_on_division_by_zero`;
- LIKE/ILIKE treat backslash as the default escape character in PostgreSQL, not in DuckDB;
- SESSION_USER/USER are PostgreSQL keywords that DuckDB answers with its own user name;
- format('%s …', args) uses PostgreSQL's %s/%%; DuckDB's format() uses {} placeholders;
- to_hex() is lower case in PostgreSQL, upper case in DuckDB;
- octet_length(text) counts UTF-8 bytes (DuckDB's octet_length takes only BLOB/BIT: strlen);
- `pg_catalog.fn(...)` calls drop the schema (DuckDB reads `a.f()` as a method call on a);
- CURRENT_DATE/CURRENT_TIME aliased to their own name confuse DuckDB's binder, so they are
  written as function calls;
- timestamps with time zone come back in UTC (the session TimeZone is applied on output).
"""

from __future__ import annotations

import re

from sqlglot import exp

DUCKDB_SETTINGS: dict[str, str] = {
    "integer_division": "true",
    "error_on_division_by_zero": "true",
    "TimeZone": "'UTC'",
    "threads": "1",  # two CPU cores are shared by every session; one thread also keeps provider order
    "preserve_insertion_order": "true",
}


def to_duckdb_sql(tree: exp.Expression) -> str:
    """DuckDB SQL for a (resolved) PostgreSQL query tree."""
    fixed = tree.transform(_fix_node, copy=True)
    return fixed.sql(dialect="duckdb")


def _function_name(node: exp.Expression) -> str:
    if isinstance(node, exp.Anonymous):
        return str(node.this).lower()
    return node.sql_name().lower() if isinstance(node, exp.Func) else ""


def _fix_node(node: exp.Expression) -> exp.Expression:
    if isinstance(node, exp.Dot) and isinstance(node.this, exp.Identifier) \
            and node.this.name.lower() == "pg_catalog" and isinstance(node.expression, exp.Func):
        return _fix_node(node.expression.copy())
    if isinstance(node, exp.Like | exp.ILike) and not isinstance(node.parent, exp.Escape):
        return exp.Escape(this=node.copy(), expression=exp.Literal.string("\\"))
    if _function_name(node) == "format":
        arguments = ([node.this] if isinstance(node, exp.Format) else []) + list(node.expressions)
        template = arguments[0] if arguments else None
        if isinstance(template, exp.Literal) and template.is_string and re.fullmatch(r"(?:[^%]|%s|%%)*", template.this):
            converted = template.this.replace("{", "{{").replace("}", "}}").replace("%s", "{}").replace("%%", "%")
            return exp.Anonymous(this="format", expressions=[exp.Literal.string(converted),
                                                             *[e.copy() for e in arguments[1:]]])
    if isinstance(node, exp.Anonymous) and str(node.this).lower() == "octet_length" and len(node.expressions) == 1:
        return exp.Anonymous(this="strlen", expressions=[node.expressions[0].copy()])
    if isinstance(node, exp.Hex) and not isinstance(node.parent, exp.Lower):
        return exp.Lower(this=node.copy())
    if isinstance(node, exp.CurrentDate) and not node.this:
        return exp.Anonymous(this="current_date", expressions=[])
    if isinstance(node, exp.CurrentTime) and not node.this:
        return exp.Anonymous(this="get_current_time", expressions=[])
    if type(node).__name__ in {"SessionUser", "CurrentUser"}:
        return exp.Anonymous(this="current_user", expressions=[])
    if isinstance(node, exp.Column) and not node.table and node.name.lower() in {"user", "session_user"} \
            and not node.this.quoted:
        return exp.Anonymous(this="current_user", expressions=[])
    return node
