"""`x op ANY (ARRAY(subquery))` and `x op ALL (ARRAY(subquery))` (pgAdmin's object tree sends them).

PostgreSQL compares x with every element of the array the subquery builds; that is the same as
comparing with the subquery's rows (`x = ANY (subquery)`, `x <> ALL (subquery)`), three-valued
NULL logic included, which DuckDB evaluates directly. DuckDB cannot compare a value with
ARRAY(subquery) itself ("Cannot compare values of type … and …[] in IN/ANY/ALL clause").
"""

from __future__ import annotations

from sqlglot import exp


def _array_subquery(node: exp.Expression) -> exp.Query | None:
    inner = node.this if isinstance(node, exp.Paren) else node
    if isinstance(inner, exp.Array) and len(inner.expressions) == 1 and isinstance(inner.expressions[0], exp.Query):
        return inner.expressions[0]
    return None


def rewrite_array_subqueries(tree: exp.Expression) -> None:
    for call in list(tree.find_all(exp.Anonymous)):
        # sqlglot reads `x <> ALL (…)` as a call of a function named ALL
        if str(call.this).upper() == "ALL" and len(call.expressions) == 1 and isinstance(
                call.parent, exp.Binary) and call.parent.expression is call:
            call.replace(exp.All(this=call.expressions[0]))
    for quantified in list(tree.find_all(exp.Any, exp.All)):
        query = _array_subquery(quantified.this)
        if query is not None:
            quantified.set("this", exp.Subquery(this=query.copy()))
