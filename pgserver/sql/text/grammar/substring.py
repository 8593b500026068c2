"""`substring(string FROM pattern)`: PostgreSQL's regular-expression form (pgAdmin reads its type
modifiers with it). sqlglot reads FROM as the start position; with a text pattern PostgreSQL
returns the part matching the first parenthesised subexpression, or the whole match without one.
"""

from __future__ import annotations

import re

from sqlglot import exp

from pgserver.sql.text.grammar.naming import replace_keeping_name

_CAPTURE = re.compile(r"(?<!\\)\((?!\?)")


def _is_text(node: exp.Expression) -> bool:
    if isinstance(node, exp.Literal):
        return node.is_string
    return isinstance(node, exp.Cast) and node.to.is_type(*exp.DataType.TEXT_TYPES)


def rewrite_regex_substring(tree: exp.Expression) -> None:
    for node in list(tree.find_all(exp.Substring)):
        pattern = node.args.get("start")
        if pattern is None or node.args.get("length") is not None or not _is_text(pattern):
            continue
        text = pattern.this if isinstance(pattern, exp.Literal) else None
        group = 1 if text is not None and _CAPTURE.search(text) else 0
        replace_keeping_name(node, exp.Anonymous(this="regexp_extract_or_null", expressions=[
            node.this.copy(), pattern.copy(), exp.Literal.number(group)]), "substring")
