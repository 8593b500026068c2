"""`INTERVAL '1 day'` is a typed literal of type interval (named `interval`, read by interval_in): sqlglot splits
it into a number and a unit (INTERVAL '1' DAY, and '1 mon' into a unit DuckDB does not know). Written back as
the cast PostgreSQL's grammar makes of it, `'1 day'::interval`, so one rule reads every interval literal
(pgserver.sql.bind.type_resolution)."""

from __future__ import annotations

from sqlglot import exp


def rewrite_interval_literals(tree: exp.Expression) -> None:
    for node in list(tree.find_all(exp.Interval)):
        value, unit = node.this, node.args.get("unit")
        if not (isinstance(value, exp.Literal) and value.is_string):
            continue
        if unit is not None and not isinstance(unit, exp.Var):
            continue  # INTERVAL '1:30' HOUR TO MINUTE and other qualified forms stay sqlglot's
        text = value.this if unit is None else f"{value.this} {unit.name}"
        replacement = exp.Cast(this=exp.Literal.string(text), to=exp.DataType.build("INTERVAL"))
        if node is tree:
            continue
        node.replace(replacement)
