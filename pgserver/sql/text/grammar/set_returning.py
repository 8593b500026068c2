"""Functions in FROM, as PostgreSQL's grammar has them (`func_table` in gram.y) and DuckDB does not:

    FROM f(args) [WITH ORDINALITY] [AS alias [(columns)]]
    FROM ROWS FROM (f1(args), f2(args) …) [WITH ORDINALITY] …
    FROM unnest(a1, a2 …) …                -- the same as ROWS FROM (unnest(a1), unnest(a2) …)

PostgreSQL runs the functions side by side, padding the shorter ones with NULLs, and numbers the
rows from 1 for ORDINALITY; a function returning a base type gives one column named after the
function, or after the alias when one is given (FROM current_schema() s → column s). A function
that is not set-returning gives one row.

DuckDB's select-list UNNEST has exactly that zip-to-the-longest behaviour, so each function
becomes a list — `unnest(x)` is x, `generate_series(a, b)` DuckDB's list-valued generate_series,
a scalar f() the one-element list [f()] — and the FROM item becomes a (lateral) subquery:

    (SELECT UNNEST(l1) AS c1, UNNEST(l2) AS c2 [, UNNEST(range(1, greatest(len(l1), len(l2)) + 1))])

Which functions qualify is read from PostgreSQL's own pg_proc rows (the shipped catalog): every
pg_catalog function returning a base type. Functions returning records (json_each, aclexplode,
pg_show_all_settings …) and our procedures keep their table-function form.
"""

from __future__ import annotations

import functools

from sqlglot import exp

from pgserver.catalog.data import builtin

RECORD = 2249
# Set-returning functions whose rows are the elements of a DuckDB list expression of the same call.
_LIST_OF: dict[str, str] = {
    "generate_series": "generate_series",
    "regexp_split_to_table": "regexp_split_to_array",
    "string_to_table": "string_split",
}


# Set-returning functions DuckDB has in a select list only (a macro over UNNEST): one of them alone in FROM becomes
# the subquery selecting it, `(SELECT generate_subscripts(a, 1) AS k)`, so the catalog rewrite still sees the call
# (int2vector and oidvector subscripts start at 0).
_SELECT_LIST_ONLY = frozenset({"generate_subscripts"})


@functools.cache
def _base_type_functions() -> dict[str, bool]:
    """pg_catalog function name → set-returning? for functions returning a base (one-column) type."""
    result: dict[str, bool] = {}
    multi: set[str] = set()
    for row in builtin().rows_as_dicts("pg_catalog.pg_proc"):
        name = row["proname"]
        if row["prorettype"] == RECORD or row["proallargtypes"]:
            multi.add(name)
            continue
        result[name] = result.get(name, False) or bool(row["proretset"])
    # unnest(tsvector) returns a record, unnest(anyarray) an element: the name stays one-column
    return {name: srf for name, srf in result.items() if name not in multi or name == "unnest"}


def _function_name(node: exp.Expression) -> str | None:
    if isinstance(node, exp.Explode | exp.Unnest):
        return "unnest"
    if isinstance(node, exp.ExplodingGenerateSeries | exp.GenerateSeries):
        return "generate_series"
    if isinstance(node, exp.Anonymous):
        return str(node.this).lower()
    if isinstance(node, exp.Func):
        return node.sql_name().lower()
    return None


def _as_list(call: exp.Expression) -> exp.Expression | None:
    """The DuckDB list whose elements are the rows of `call` (None: not ours to rewrite)."""
    name = _function_name(call)
    known = _base_type_functions()
    if name is None or name not in known:
        return None
    if isinstance(call, exp.Unnest | exp.Explode) or name == "unnest":
        args = call.expressions if isinstance(call, exp.Unnest | exp.Anonymous) else [call.this]
        return args[0].copy() if len(args) == 1 else None
    if isinstance(call, exp.ExplodingGenerateSeries):
        return exp.GenerateSeries(**{k: v.copy() for k, v in call.args.items() if v is not None})
    if not known[name]:
        return exp.Array(expressions=[call.copy()])  # a scalar function: one row
    target = _LIST_OF.get(name)
    if target is None or not isinstance(call, exp.Anonymous | exp.Func):
        return None
    args = list(call.expressions) if isinstance(call, exp.Anonymous) else [v for v in call.args.values()
                                                                         if isinstance(v, exp.Expression)]
    return exp.Anonymous(this=target, expressions=[a.copy() for a in args])


def _calls(item: exp.Expression) -> list[exp.Expression] | None:
    """The function calls of a FROM item (ROWS FROM's list, unnest's arrays split), or None."""
    if isinstance(item, exp.Unnest):
        return [exp.Unnest(expressions=[e]) for e in item.expressions]
    if isinstance(item, exp.Table):
        rows_from = item.args.get("rows_from")
        if rows_from:
            calls: list[exp.Expression] = []
            for entry in rows_from:
                inner = entry.this if isinstance(entry, exp.Table) else entry
                split = _calls(inner) if isinstance(inner, exp.Unnest) else [inner]
                if split is None:
                    return None
                calls.extend(split)
            return calls
        if isinstance(item.this, exp.Func):
            if isinstance(item.this, exp.Anonymous) and str(item.this.this).lower() == "unnest":
                return [exp.Unnest(expressions=[e]) for e in item.this.expressions]
            return [item.this]
    return None


def _alias_of(item: exp.Expression) -> tuple[str | None, list[exp.Identifier]]:
    """The alias and its column names (sqlglot keeps unnest's ordinality column name as `offset`)."""
    alias = item.args.get("alias")
    offset = item.args.get("offset")
    extra = [offset] if isinstance(offset, exp.Identifier) else []
    if alias is None:
        return None, extra
    return (alias.name or None), list(alias.columns or []) + extra


def _ordinality(item: exp.Expression) -> bool:
    return bool(item.args.get("ordinality") or item.args.get("offset"))


def rewrite_functions_in_from(tree: exp.Expression) -> None:
    """Replace every qualifying function FROM item of `tree` in place (see the module doc)."""
    for item in list(tree.find_all(exp.Table, exp.Unnest)):
        parent = item.parent
        if not isinstance(parent, exp.From | exp.Join):
            continue
        if isinstance(item, exp.Table) and item.db and item.db.lower() != "pg_catalog":
            continue  # schema-qualified: a procedure of ours, not a built-in
        calls = _calls(item)
        if not calls:
            continue
        lists = [_as_list(c) for c in calls]
        ordinality = _ordinality(item)
        selected = len(calls) == 1 and not ordinality and _function_name(calls[0]) in _SELECT_LIST_ONLY
        if any(lst is None for lst in lists) and not selected:
            continue
        alias, columns = _alias_of(item)
        names = [_function_name(c) or "f" for c in calls]
        if len(calls) == 1 and alias and not columns:
            names = [alias]
        wanted = len(calls) + (1 if ordinality else 0)
        column_names = [c.name for c in columns[:wanted]] + (names + ["ordinality"])[len(columns):wanted]
        projections: list[exp.Expression] = [
            exp.alias_(calls[0].copy() if selected else exp.Explode(this=lst),
                       exp.to_identifier(column_names[i], quoted=True))
            for i, lst in enumerate(lists)]
        if ordinality:
            lengths = [exp.Anonymous(this="len", expressions=[lst.copy()]) for lst in lists if lst is not None]
            longest = lengths[0] if len(lengths) == 1 else exp.Greatest(this=lengths[0], expressions=lengths[1:])
            numbers = exp.Anonymous(this="range", expressions=[exp.Literal.number(1), exp.Add(
                this=longest, expression=exp.Literal.number(1))])
            projections.append(exp.alias_(exp.Explode(this=numbers), exp.to_identifier(column_names[-1], quoted=True)))
        select = exp.Select(expressions=projections)
        table_alias = exp.TableAlias(this=exp.to_identifier(alias or names[0], quoted=True))
        item.replace(exp.Subquery(this=select, alias=table_alias))
