"""PostgreSQL's JSON functions returning records, in FROM (json_each, jsonb_each_text, json_array_elements …).

DuckDB's `json_each` walks an object's members or an array's elements but returns eight columns (key, value,
type, atom, id, parent, fullkey, path); PostgreSQL's functions return (key, value) or (value), the `_text`
forms with text values (a JSON string unquoted, JSON null as NULL). Each call becomes a subquery over
DuckDB's json_each projecting PostgreSQL's columns, under the FROM item's alias and column names.
"""

from __future__ import annotations

from sqlglot import exp

JSON_ELEMENTS = "__pg_json_elements"  # text of a json array -> its elements' text as written (sql/run/jsonb_operators.py)

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
        if name == "json_array_elements":  # json keeps each element's text as written (jsonb re-prints it)
            written = [c.name for c in alias.columns] if alias is not None and alias.columns else []
            elements = exp.Anonymous(this=JSON_ELEMENTS, expressions=[
                exp.cast(call.expressions[0].copy(), exp.DataType.build("VARCHAR"))])
            value = exp.cast(exp.Explode(this=elements), exp.DataType.build("JSON", dialect="duckdb"))
            select = exp.Select(expressions=[exp.alias_(value, exp.to_identifier((written or ["value"])[0],
                                                                                 quoted=True))])
            item.replace(exp.Subquery(this=select, alias=exp.TableAlias(this=exp.to_identifier(
                alias.name if alias is not None and alias.name else name, quoted=True))))
            continue
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


# json_object_keys / jsonb_object_keys (setof text): the keys of the top-level object, json's in the order written
# (duplicates kept), jsonb's in jsonb's order (by length, then bytes; one per key) — as a DuckDB list whose
# elements are the rows, unnested where the call stands (select list) or as a FROM item.
_KEYS = {"json_object_keys": "json_keys(CAST(__value AS JSON))",
         "jsonb_object_keys": "list_transform(list_sort(list_transform(list_distinct(json_keys(CAST(__value AS JSON))),"
                              " k -> struct_pack(n := strlen(k), k := k))), s -> s.k)"}


def _keys_list(call: exp.Anonymous) -> exp.Expression:
    import sqlglot

    template = sqlglot.parse_one(_KEYS[str(call.this).lower()], read="duckdb")
    for placeholder in list(template.find_all(exp.Column)):
        if placeholder.name == "__value":
            placeholder.replace(call.expressions[0].copy())
    return template


def rewrite_object_keys(tree: exp.Expression) -> None:
    """json(b)_object_keys(x) in FROM or in an expression: the rows of its key list (see _KEYS)."""
    for call in list(tree.find_all(exp.Anonymous)):
        name = str(call.this).lower()
        if name not in _KEYS or len(call.expressions) != 1:
            continue
        item = call.parent
        if isinstance(item, exp.Table) and isinstance(item.parent, exp.From | exp.Join):
            alias = item.args.get("alias")
            column = alias.columns[0].name if alias is not None and alias.columns else \
                alias.name if alias is not None and alias.name else name
            select = exp.Select(expressions=[exp.alias_(exp.Explode(this=_keys_list(call)),
                                                        exp.to_identifier(column, quoted=True))])
            item.replace(exp.Subquery(this=select, alias=exp.TableAlias(this=exp.to_identifier(
                alias.name if alias is not None and alias.name else name, quoted=True))))
        elif isinstance(item, exp.Select):  # a bare projection: named after the function, as PostgreSQL does
            call.replace(exp.alias_(exp.Explode(this=_keys_list(call)), exp.to_identifier(name, quoted=True)))
        else:
            call.replace(exp.Explode(this=_keys_list(call)))
