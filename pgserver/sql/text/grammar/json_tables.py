"""PostgreSQL's JSON functions returning records, in FROM (json_each, jsonb_each_text, json_array_elements …).

DuckDB's `json_each` walks an object's members or an array's elements but returns eight columns (key, value,
type, atom, id, parent, fullkey, path); PostgreSQL's functions return (key, value) or (value), the `_text`
forms with text values (a JSON string unquoted, JSON null as NULL). Each call becomes a subquery over
DuckDB's json_each projecting PostgreSQL's columns, under the FROM item's alias and column names.
"""

from __future__ import annotations

from sqlglot import exp

# PostgreSQL function -> (its columns, values as text?)
_FUNCTIONS: dict[str, tuple[tuple[str, ...], bool]] = {
    "json_each": (("key", "value"), False),
    "jsonb_each": (("key", "value"), False),
    "json_each_text": (("key", "value"), True),
    "jsonb_each_text": (("key", "value"), True),
    "json_array_elements": (("value",), False),
    "jsonb_array_elements": (("value",), False),
    "json_array_elements_text": (("value",), True),
    "jsonb_array_elements_text": (("value",), True),
}


def rewrite_json_tables(tree: exp.Expression) -> None:
    """Replace every JSON record function FROM item of `tree` in place (see the module doc)."""
    for item in list(tree.find_all(exp.Table)):
        call = item.this
        if not isinstance(item.parent, exp.From | exp.Join) or not isinstance(call, exp.Anonymous) \
                or (item.db and item.db.lower() != "pg_catalog"):
            continue
        name = str(call.this).lower()
        if name not in _FUNCTIONS or len(call.expressions) != 1:
            continue
        columns, as_text = _FUNCTIONS[name]
        alias = item.args.get("alias")
        written = [c.name for c in alias.columns] if alias is not None and alias.columns else []
        names = written + list(columns[len(written):])
        source = exp.Table(this=exp.Anonymous(this="json_each", expressions=[
            exp.cast(call.expressions[0].copy(), exp.DataType.build("JSON", dialect="duckdb"))]))
        projections = []
        for column, shown in zip(columns, names, strict=False):
            value: exp.Expression = exp.column(column)
            if column == "value" and as_text:
                value = exp.Anonymous(this="json_extract_string", expressions=[value, exp.Literal.string("$")])
            projections.append(exp.alias_(value, exp.to_identifier(shown, quoted=True)))
        select = exp.Select(expressions=projections).from_(source)
        table_alias = exp.TableAlias(this=exp.to_identifier(alias.name if alias is not None and alias.name else name,
                                                            quoted=True))
        item.replace(exp.Subquery(this=select, alias=table_alias))
