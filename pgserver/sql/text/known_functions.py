"""Function calls a client may make: PostgreSQL 15's functions and ours, never DuckDB's own.

DuckDB runs what stays local, and has functions of its own — getvariable(), duckdb_settings(), list_value() …
— that PostgreSQL does not. A client calling one must get PostgreSQL's answer (42883, function … does not
exist), not DuckDB's result or an internal name. Checked on the client's tree right after parsing, before our
own rewrites add the internal helpers they use. Functions in FROM that name a procedure of the data source are
resolved by the binder (bind/tableset.py), not here.
"""

from __future__ import annotations

import functools
import re

from sqlglot import exp

from pgserver.catalog.data import builtin
from pgserver.errors import NO_MATCH_HINT, UNDEFINED_FUNCTION, PgError
from pgserver.output_names import WRITTEN_NAME


@functools.cache
def known_function_names() -> frozenset[str]:
    """pg_proc's function names (PostgreSQL 15) and those the catalog adds (pgserver.catalog)."""
    from pgserver.catalog.rewrite import FUNCTION_NAMES

    names = {row["proname"] for row in builtin().rows_as_dicts("pg_catalog.pg_proc")}
    return frozenset(names | set(FUNCTION_NAMES) | SYNTAX_FUNCTIONS)


# Written like calls, but PostgreSQL's grammar (gram.y func_expr_common_subexpr), not pg_proc's functions
SYNTAX_FUNCTIONS = frozenset({
    "coalesce", "greatest", "least", "nullif", "trim", "position", "overlay", "extract", "substring", "grouping",
    "cast", "treat", "collation", "normalize", "xmlconcat", "xmlelement", "xmlexists", "xmlforest", "xmlparse",
    "xmlpi", "xmlroot", "xmlserialize", "exists", "array", "row", "any", "all", "some", "values",
    "current_timestamp", "localtimestamp",  # with a precision: current_timestamp(2) (grammar/timestamp_precision)
})


def check_function_calls(tree: exp.Expression, sql: str) -> None:
    """42883 for a call of a function PostgreSQL does not have (in an expression, or in FROM unless it may be
    one of the data source's procedures: a schema-qualified or unknown name in FROM is left to the binder)."""
    known = known_function_names()
    for node in tree.find_all(exp.Anonymous):
        name = str(node.this).lower()
        if name in known or _in_from(node):
            continue
        raise PgError(UNDEFINED_FUNCTION, f"function {name}{_argument_types(node)} does not exist", hint=NO_MATCH_HINT,
                      position=_position(sql, str(node.this)))
    for node in tree.find_all(exp.Func):
        written = node.meta.get(WRITTEN_NAME) if node.meta else None
        if isinstance(written, str) and written not in known and not isinstance(node, exp.Anonymous):
            raise PgError(UNDEFINED_FUNCTION, f"function {written}{_argument_types(node)} does not exist",
                          hint=NO_MATCH_HINT, position=_position(sql, written))


def check_table_function(table: exp.Table) -> None:
    """A function in FROM that is none of the data source's procedures: 42883 unless PostgreSQL has it (or the
    catalog rewrite made it: its internal names are never the client's)."""
    function = table.this
    if not isinstance(function, exp.Anonymous):
        return
    name = str(function.this).lower()
    if name in known_function_names() or name.startswith(_INTERNAL_PREFIXES):
        return
    schema = f"{table.db}." if table.db else ""
    raise PgError(UNDEFINED_FUNCTION, f"function {schema}{name}{_argument_types(function)} does not exist",
                  hint=NO_MATCH_HINT)


_INTERNAL_PREFIXES = ("pgcat_", "__pg")


def _in_from(node: exp.Anonymous) -> bool:
    """A function in FROM (possibly our procedure: the binder resolves it against the data source)."""
    parent = node.parent
    while isinstance(parent, exp.Dot):
        parent = parent.parent
    return isinstance(parent, exp.Table)


def _argument_types(node: exp.Expression) -> str:
    """PostgreSQL lists the argument types it saw; a constant's type is known here, another argument's is not
    (then the list is left out)."""
    types = [_constant_type(arg) for arg in _arguments(node)]
    return f"({', '.join(t for t in types if t)})" if all(types) else ""


def _arguments(node: exp.Expression) -> list[exp.Expression]:
    """A call's arguments in order (a typed sqlglot node keeps them under named args)."""
    if isinstance(node, exp.Anonymous):
        return list(node.expressions)
    found: list[exp.Expression] = []
    for key in node.arg_types:
        value = node.args.get(key)
        found.extend(v for v in (value if isinstance(value, list) else [value]) if isinstance(v, exp.Expression))
    return found


def _constant_type(node: exp.Expression) -> str | None:
    if isinstance(node, exp.Null):
        return "unknown"
    if isinstance(node, exp.Boolean):
        return "boolean"
    if isinstance(node, exp.Literal):
        if node.is_string:
            return "unknown"
        return "integer" if node.this.isdigit() and int(node.this) < 2**31 else "numeric"
    if isinstance(node, exp.Cast):
        return node.to.sql(dialect="postgres").lower()
    return None


def _position(sql: str, name: str) -> int | None:
    match = re.search(r'(?<![\w"])"?' + re.escape(name) + r'"?\s*\(', sql, flags=re.IGNORECASE)
    return match.start() + 1 if match else None
