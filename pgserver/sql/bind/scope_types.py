"""Types of expressions the tree does not state, through the query's scopes: sqlglot's type annotation
(qualify + annotate_types) run on a copy, read back for the nodes asked about.

For what DuckDB alone would get wrong when a type is only known from a derived table, a set-returning function's
column or arithmetic over them: `(i % 1000)::numeric` over generate_series (pg_numeric.type_numeric_casts). A
column of an outer query (a lateral reference) stays unknown to sqlglot."""

from __future__ import annotations

from collections.abc import Sequence

from sqlglot import exp

_PROBE = "pg_scope_probe"  # node meta, on the throwaway copy only: which asked-about node this is


def scope_types(tree: exp.Expression, nodes: Sequence[exp.Expression]) -> list[exp.DataType | None]:
    """The annotated type of each of `nodes` (inside `tree`); None where sqlglot cannot tell, or for all of them
    when it cannot annotate the tree."""
    from sqlglot.errors import SqlglotError
    from sqlglot.optimizer.annotate_types import annotate_types
    from sqlglot.optimizer.qualify import qualify

    found: list[exp.DataType | None] = [None] * len(nodes)
    if not nodes:
        return found
    for index, node in enumerate(nodes):
        node.meta[_PROBE] = index
    try:
        annotated = annotate_types(qualify(tree.copy(), dialect="duckdb", validate_qualify_columns=False,
                                           quote_identifiers=False, identify=False), dialect="duckdb")
    except (SqlglotError, KeyError, ValueError):
        return found
    finally:
        for node in nodes:
            node.meta.pop(_PROBE, None)
    for probe in annotated.walk():
        index = probe.meta.get(_PROBE)
        if index is not None and probe.type is not None and probe.type.this != exp.DataType.Type.UNKNOWN:
            found[index] = probe.type
    return found
