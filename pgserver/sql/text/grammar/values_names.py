"""`VALUES` lists in FROM name their columns column1, column2 … (PostgreSQL's names; DuckDB says col0, col1)."""

from __future__ import annotations

from sqlglot import exp


def name_values_columns(tree: exp.Expression) -> None:
    """Give each VALUES list in FROM, aliased without column names, PostgreSQL's column names."""
    for values in tree.find_all(exp.Values):
        rows = [row for row in values.expressions if isinstance(row, exp.Tuple)]
        if not rows or not isinstance(values.parent, exp.From | exp.Join):
            continue
        alias = values.args.get("alias")
        if alias is None or alias.args.get("columns"):
            continue
        alias.set("columns", [exp.to_identifier(f"column{i}") for i in range(1, len(rows[0].expressions) + 1)])
