"""PostgreSQL grammar forms that sqlglot parses but DuckDB cannot run as written, normalised right
after parsing into forms both understand — one module per family:

- set_returning: functions in FROM (ROWS FROM, unnest of several arrays, WITH ORDINALITY, scalar
  functions, column names after the alias);
- subquery_arrays: `op ANY/ALL (ARRAY(subquery))`;
- substring: `substring(text FROM pattern)`, the regular-expression form;
- values_names: VALUES lists in FROM name their columns column1, column2 …;
- interval_literals: `INTERVAL '1 day'` as the typed literal '1 day'::interval;
- json_tables: json_each, jsonb_each_text, json_array_elements … in FROM with PostgreSQL's columns, and
  json(b)_object_keys wherever they stand;
- timestamp_precision: `current_timestamp(p)` and `localtimestamp(p)` as casts to timestamptz(p) / timestamp(p).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlglot import exp

from pgserver.sql.text.grammar.interval_literals import rewrite_interval_literals
from pgserver.sql.text.grammar.json_tables import rewrite_json_tables, rewrite_object_keys
from pgserver.sql.text.grammar.set_returning import rewrite_functions_in_from
from pgserver.sql.text.grammar.subquery_arrays import rewrite_array_subqueries
from pgserver.sql.text.grammar.substring import rewrite_regex_substring
from pgserver.sql.text.grammar.timestamp_precision import rewrite_timestamp_precision
from pgserver.sql.text.grammar.values_names import name_values_columns
from pgserver.sql.text.tree_kinds import PresentKinds

# Each rewrite, and the node kinds it acts on: a tree holding none of them is not walked by it
_REWRITES: tuple[tuple[Callable[[exp.Expression], None], tuple[type[exp.Expression], ...]], ...] = (
    (rewrite_functions_in_from, (exp.Func,)),  # FROM f(…), ROWS FROM, unnest(a, b)
    (rewrite_json_tables, (exp.Anonymous,)),  # FROM json_each(…) …
    (rewrite_object_keys, (exp.Anonymous,)),
    (rewrite_array_subqueries, (exp.Anonymous, exp.Any, exp.All)),  # sqlglot reads `<> ALL (…)` as a call
    (rewrite_regex_substring, (exp.Substring,)),
    (name_values_columns, (exp.Values,)),
    (rewrite_interval_literals, (exp.Interval,)),
    (rewrite_timestamp_precision, (exp.CurrentTimestamp, exp.Localtimestamp)),
)


def normalize(tree: exp.Expression) -> exp.Expression:
    """`tree` with every PostgreSQL-only form rewritten (in place; returned for chaining)."""
    kinds = PresentKinds(tree)
    for rewrite, acts_on in _REWRITES:
        if kinds.has(*acts_on):
            rewrite(tree)
            kinds.changed()  # it may have added nodes of other kinds
    return tree
