"""PostgreSQL's names for unaliased select-list expressions (pgserver/output_names.py), kept across the rewrite.

Why: after rewrite() a projection such as current_schema() is a call of pgcat_current_schema_0
and DuckDB would name the column after that; inside a CTE or subquery the outer query
refers to PostgreSQL's names (WITH w AS (SELECT count(1) …) … ORDER BY count). Projections
that the rewrite changed, and computed projections of non-root SELECTs, get explicit aliases.
"""

from __future__ import annotations

from sqlglot import exp

from pgserver.output_names import UNNAMED, figure_colname

Projection = tuple[exp.Select, int, str, str]  # (select, position, SQL before the rewrite, PostgreSQL name)


def collect(expr: exp.Expression) -> list[Projection]:
    """The unaliased projections of every SELECT, before rewriting."""
    return [(select, i, proj.sql("postgres"), figure_colname(proj)[0])
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
        below_root = select is not root and not isinstance(proj, exp.Column | exp.Dot) and name != UNNAMED
        if changed or below_root:
            # An explicit Alias node (exp.alias_ would put a subquery's alias on the Subquery itself).
            proj.replace(exp.Alias(this=proj.copy(), alias=exp.to_identifier(name, quoted=True)))
