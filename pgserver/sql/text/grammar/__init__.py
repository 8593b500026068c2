"""PostgreSQL grammar forms that sqlglot parses but DuckDB cannot run as written, normalised right
after parsing into forms both understand — one module per family:

- set_returning: functions in FROM (ROWS FROM, unnest of several arrays, WITH ORDINALITY, scalar
  functions, column names after the alias);
- subquery_arrays: `op ANY/ALL (ARRAY(subquery))`;
- substring: `substring(text FROM pattern)`, the regular-expression form;
- values_names: VALUES lists in FROM name their columns column1, column2 …;
- interval_literals: `INTERVAL '1 day'` as the typed literal '1 day'::interval;
- json_tables: json_each, jsonb_each_text, json_array_elements … in FROM with PostgreSQL's columns, and
  json(b)_object_keys wherever they stand.
"""

from __future__ import annotations

from sqlglot import exp

from pgserver.sql.text.grammar.interval_literals import rewrite_interval_literals
from pgserver.sql.text.grammar.json_tables import rewrite_json_tables, rewrite_object_keys
from pgserver.sql.text.grammar.set_returning import rewrite_functions_in_from
from pgserver.sql.text.grammar.subquery_arrays import rewrite_array_subqueries
from pgserver.sql.text.grammar.substring import rewrite_regex_substring
from pgserver.sql.text.grammar.values_names import name_values_columns


def normalize(tree: exp.Expression) -> exp.Expression:
    """`tree` with every PostgreSQL-only form rewritten (in place; returned for chaining)."""
    rewrite_functions_in_from(tree)
    rewrite_json_tables(tree)
    rewrite_object_keys(tree)
    rewrite_array_subqueries(tree)
    rewrite_regex_substring(tree)
    name_values_columns(tree)
    rewrite_interval_literals(tree)
    return tree
