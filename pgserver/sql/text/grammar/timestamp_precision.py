"""`current_timestamp(p)` and `localtimestamp(p)`: PostgreSQL's grammar takes a precision and rounds the value to
it, as a cast to timestamptz(p) / timestamp(p) does; sqlglot keeps the precision as an argument DuckDB does not
take. Written as that cast, so one rule rounds both (pgserver.sql.run.dialect: _rounded_timestamp)."""

from __future__ import annotations

from sqlglot import exp

_TARGETS = {exp.CurrentTimestamp: "TIMESTAMPTZ", exp.Localtimestamp: "TIMESTAMP"}


def rewrite_timestamp_precision(tree: exp.Expression) -> None:
    for node in list(tree.find_all(exp.CurrentTimestamp, exp.Localtimestamp)):
        precision = node.args.get("this")
        if precision is None or node is tree:
            continue
        target = exp.DataType.build(f"{_TARGETS[type(node)]}({precision.sql()})", dialect="postgres")
        node.replace(exp.Cast(this=type(node)(), to=target))
