"""Rewrites must not change result column names: a replaced select-list item keeps PostgreSQL's name."""

from __future__ import annotations

from sqlglot import exp


def replace_keeping_name(node: exp.Expression, replacement: exp.Expression, name: str) -> None:
    """Replace `node`; when it is itself a select-list item, alias the replacement with `name`
    (PostgreSQL names the column after what the client wrote, e.g. substring)."""
    parent = node.parent
    if isinstance(parent, exp.Select) and node.arg_key == "expressions":
        replacement = exp.alias_(replacement, exp.to_identifier(name, quoted=True))
    node.replace(replacement)
