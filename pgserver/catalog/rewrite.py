"""Rewrite a parsed PostgreSQL query so DuckDB answers its catalog parts from our tables.

Why an AST rewrite: clients send PostgreSQL-only syntax for introspection
(::regclass, OPERATOR(pg_catalog.~), COLLATE pg_catalog.default, 0-based int2vector
subscripts, '{a,b}'::text[]). The SQL layer parses with sqlglot (postgres dialect), calls
`rewrite()` and then transpiles to DuckDB; everything catalog-specific is handled here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlglot import exp

from pgserver.catalog import arrays, kept_names, reg_output
from pgserver.catalog.catalog import Catalog
from pgserver.catalog.data import CatalogRelation
from pgserver.catalog.expr_types import ExpressionTyper, from_items
from pgserver.catalog.install import CATALOG_DB, SCHEMA_FOR, SESSION_DB, SESSION_RELATIONS
from pgserver.catalog.result_types import ResultType, column_type_oid
from pgserver.catalog.result_types import record as record_result_types
from pgserver.catalog.signatures import SIGNATURES, duck_name
from pgserver.errors import UNDEFINED_FUNCTION, UNDEFINED_TABLE, PgError
from pgserver.output_names import NODE_FUNCTIONS, type_name

SCHEMAS = ("pg_catalog", "information_schema")
REG_TYPES = {"regclass", "regtype", "regproc", "regprocedure", "regnamespace", "regrole", "regoper",
             "regoperator", "regconfig", "regdictionary", "regcollation"}
TEXT_LIKE_TYPES = {"name", "char", "information_schema.sql_identifier", "information_schema.character_data",
                   "information_schema.yes_or_no", "pg_node_tree", "pg_catalog.name", "pg_catalog.char"}
OID_LIKE_TYPES = {"oid", "xid", "cid", "pg_catalog.oid", "information_schema.cardinal_number"}
KEYWORD_FUNCTIONS = {"user": "current_user", "current_role": "current_user", "current_catalog": "current_database"}
_OPERATORS: dict[str, Any] = {
    "~": lambda a, b: exp.RegexpLike(this=a, expression=b),
    "!~": lambda a, b: exp.Not(this=exp.RegexpLike(this=a, expression=b)),
    "~*": lambda a, b: exp.RegexpILike(this=a, expression=b),
    "!~*": lambda a, b: exp.Not(this=exp.RegexpILike(this=a, expression=b)),
    "~~": lambda a, b: exp.Like(this=a, expression=b),
    "!~~": lambda a, b: exp.Not(this=exp.Like(this=a, expression=b)),
    "~~*": lambda a, b: exp.ILike(this=a, expression=b),
    "!~~*": lambda a, b: exp.Not(this=exp.ILike(this=a, expression=b)),
    "=": lambda a, b: exp.EQ(this=a, expression=b),
    "<>": lambda a, b: exp.NEQ(this=a, expression=b),
    "!=": lambda a, b: exp.NEQ(this=a, expression=b),
    "<": lambda a, b: exp.LT(this=a, expression=b),
    ">": lambda a, b: exp.GT(this=a, expression=b),
    "<=": lambda a, b: exp.LTE(this=a, expression=b),
    ">=": lambda a, b: exp.GTE(this=a, expression=b),
    "||": lambda a, b: exp.DPipe(this=a, expression=b),
    "+": lambda a, b: exp.Add(this=a, expression=b),
    "-": lambda a, b: exp.Sub(this=a, expression=b),
}
# Name columns of catalog relations: pattern matches on them ignore case (decision 0602).
NAME_COLUMNS = {"relname", "nspname", "proname", "typname", "attname", "conname", "datname", "rolname", "usename",
                "lanname", "amname", "extname", "spcname", "collname", "oprname", "evtname", "tgname", "polname",
                "pubname", "schemaname", "tablename", "viewname", "indexname", "table_name", "table_schema",
                "column_name", "routine_name", "schema_name", "srvname", "fdwname", "stxname", "cfgname"}
# Set-returning catalog functions in FROM that are a catalog relation's rows (pg_settings is defined as
# SELECT * FROM pg_show_all_settings() in PostgreSQL).
TABLE_FUNCTIONS = {"pg_get_keywords": "pg_get_keywords", "pg_show_all_settings": "pg_settings"}
FUNCTION_NAMES = {name for name, _ in SIGNATURES} | set(TABLE_FUNCTIONS) | {
    "_pg_expandarray", "array_lower", "array_upper", "pg_partition_ancestors", "aclexplode"}


def _relations(catalog: Catalog) -> dict[str, set[str]]:
    return catalog.relation_names


def _function_name(node: exp.Expression) -> tuple[str | None, exp.Expression]:
    """(lower-case PostgreSQL function name, the node to replace) of a call, or (None, node)."""
    for cls, name in NODE_FUNCTIONS.items():
        if isinstance(node, cls):
            return name, node
    if isinstance(node, exp.Anonymous):
        parent = node.parent
        if isinstance(parent, exp.Dot) and parent.expression is node and isinstance(parent.this, exp.Identifier):
            if parent.this.name.lower() in SCHEMAS:
                return node.name.lower(), parent
            return None, node
        return node.name.lower(), node
    if isinstance(node, exp.Func) and not isinstance(node, exp.Anonymous):
        return None, node
    return None, node


def is_catalog_query(expr: exp.Expression, catalog: Catalog | None = None) -> bool:
    """True when the query reads only catalog relations/functions (it never calls the Sage API)."""
    ctes = {cte.alias_or_name.lower() for cte in expr.find_all(exp.CTE)}
    rel_names = _relations(catalog) if catalog is not None else None
    touches_catalog = False
    for table in expr.find_all(exp.Table):
        if isinstance(table.this, exp.Anonymous | exp.Func):
            touches_catalog |= table.this.name.lower() in FUNCTION_NAMES
            continue
        schema, name = _folded(table.args.get("db")), _folded(table.this)
        if schema in SCHEMAS or (not schema and _is_catalog_name(name, rel_names)):
            touches_catalog = True
        elif not schema and name.lower() in ctes:
            continue
        else:
            return False
    for node in expr.find_all(exp.Func):
        name, _ = _function_name(node)
        if name in FUNCTION_NAMES:
            touches_catalog = True
    for cast in expr.find_all(exp.Cast):
        if type_name(cast.to) in REG_TYPES:
            touches_catalog = True
    return touches_catalog


def _is_catalog_name(name: str, rel_names: dict[str, set[str]] | None) -> bool:
    if rel_names is None:
        return name.lower().startswith("pg_")
    return name in rel_names["pg_catalog"]


@dataclass(frozen=True)
class Rewritten:
    """A query after the catalog rewrite, and the PostgreSQL types of its root SELECT's columns as far as the
    catalog knows them (result_types.py; None: nothing known)."""

    tree: exp.Expression
    result_types: list[ResultType | None] | None = None


def rewrite(expr: exp.Expression, catalog: Catalog) -> exp.Expression:
    """Point catalog references at our DuckDB relations and functions; the result is still a
    postgres-dialect AST for the SQL layer to transpile to DuckDB."""
    return rewrite_typed(expr, catalog).tree


def rewrite_typed(expr: exp.Expression, catalog: Catalog) -> Rewritten:
    """rewrite(), with the result types of the rewritten query."""
    if _nothing_to_rewrite(expr, _relations(catalog)):
        return Rewritten(expr)
    return _rewrite_all(expr, catalog)


def _rewrite_all(expr: exp.Expression, catalog: Catalog) -> Rewritten:
    rel_names = _relations(catalog)
    ctes = {cte.alias_or_name for cte in expr.find_all(exp.CTE)}
    vectors = arrays.VectorScope.of(expr)
    _system_columns(expr, catalog)
    projections = kept_names.collect(expr)
    # Deepest nodes first, so a replacement never hides a node still to be visited.
    for node in reversed(list(expr.walk())):
        if node.parent is None and node is not expr:
            continue  # detached by an earlier replacement
        replacement = _rewrite_node(node, rel_names, ctes, catalog.database, vectors)
        if replacement is not None and replacement is not node:
            if node is expr:
                expr = replacement
            else:
                node.replace(replacement)
    types = _result_types(expr, catalog)
    kept_names.apply(projections, arrays.VectorScope.of(expr).root)
    return Rewritten(expr, types)


# Node kinds _rewrite_node acts on besides tables and columns (its Func case: NODE_FUNCTIONS and named calls)
_ACTED_ON = (exp.Cast, exp.Operator, exp.Collate, exp.RegexpLike, exp.Any, exp.All, exp.DPipe, exp.Bracket, exp.Dot,
             exp.Anonymous, *NODE_FUNCTIONS)


def _nothing_to_rewrite(expr: exp.Expression, rel_names: dict[str, set[str]]) -> bool:
    """A query rewrite() would leave as it is, told by one walk: one SELECT (no subquery, CTE or UNION, whose
    projections kept_names would alias) projecting only columns and `*` (no computed column to type), no node
    of a kind the rewrite acts on, no catalog table or function in FROM, no schema-qualified, `tableoid` or
    keyword-function column (`user`, `current_role` …). `SELECT * FROM "Customers" WHERE "Id" = 27825` is one."""
    selects = 0
    for node in expr.walk():
        if isinstance(node, exp.Select):
            selects += 1
            if selects > 1 or not all(isinstance(p.this if isinstance(p, exp.Alias) else p, exp.Column | exp.Star)
                                      for p in node.expressions):
                return False
        elif isinstance(node, _ACTED_ON):
            return False
        elif isinstance(node, exp.Table):
            if isinstance(node.this, exp.Func) or node.args.get("catalog") is not None \
                    or _folded(node.args.get("db")) in SCHEMAS or _folded(node.this) in rel_names["pg_catalog"]:
                return False
        elif isinstance(node, exp.Column):
            ident = node.this
            if node.args.get("db") is not None or node.name.lower() == "tableoid" or (
                    isinstance(ident, exp.Identifier) and not ident.quoted and ident.name.lower() in KEYWORD_FUNCTIONS):
                return False
    return selects == 1


def _system_columns(expr: exp.Expression, catalog: Catalog) -> None:
    """`tableoid` of a catalog relation (psql's \\dd reads pgc.tableoid): the relation's pg_class OID.
    DuckDB tables have no system columns, so the reference becomes that constant."""
    for select in expr.find_all(exp.Select):
        sources: dict[str, int] = {}
        for table in select.find_all(exp.Table):
            if table.parent_select is not select or isinstance(table.this, exp.Func):
                continue
            schema, name = _folded(table.args.get("db")), _folded(table.this)
            oid = catalog.class_by_name.get((schema or "pg_catalog", name)) if schema in ("", *SCHEMAS) else None
            if oid is not None:
                sources[table.alias_or_name.lower()] = oid
        for column in select.find_all(exp.Column):
            if column.name.lower() != "tableoid" or column.parent_select is not select:
                continue
            oid = sources.get(column.table.lower()) if column.table else (
                next(iter(sources.values())) if len(sources) == 1 else None)
            if oid is not None:
                column.replace(_duck_cast(exp.Literal.number(oid), "UINTEGER"))


def _result_types(expr: exp.Expression, catalog: Catalog) -> list[ResultType | None] | None:
    """The PostgreSQL types of the root SELECT's catalog columns (see result_types.py)."""
    root = arrays.VectorScope.of(expr).root
    if root is None:
        return None
    schemas = {v: k for k, v in SCHEMA_FOR.items()}
    sources = {}
    for node in from_items(root):
        if isinstance(node, exp.Table) and node.catalog in (CATALOG_DB, SESSION_DB):
            relation = catalog.base.relations.get(f"{schemas.get(node.db, '')}.{node.name}")
            if relation is not None:
                sources[node.alias_or_name.lower()] = relation
    class_oids = {key: oid for key, oid in catalog.class_by_name.items() if key[0] in SCHEMAS}

    def relation_of(table: exp.Table) -> CatalogRelation | None:
        if table.catalog not in (CATALOG_DB, SESSION_DB):
            return None
        return catalog.base.relations.get(f"{schemas.get(table.db, '')}.{table.name}")

    typer = ExpressionTyper(expr, relation_of, lambda _rel, column: column_type_oid(column))
    arrays.typed_quantified_literals(expr, typer.type_of)
    types = record_result_types(expr, sources, catalog.base, class_oids, typer)
    if root.find_ancestor(exp.SetOperation) is None:  # a UNION's branches must keep one type
        reg_output.apply(root, sources, [item.alias_or_name.lower() for item in from_items(root)])
    return types




def _rewrite_node(node: exp.Expression, rel_names: dict[str, set[str]], ctes: set[str],
                  database: str, vectors: arrays.VectorScope) -> exp.Expression | None:
    if isinstance(node, exp.Table):
        return _table(node, rel_names, ctes, database)
    if isinstance(node, exp.Column):
        column = _column(node)
        if column is not None and column is not node:
            return column  # a keyword function (current_user …)
        return vectors.as_list(node) or column
    if isinstance(node, exp.Cast):
        return _cast(node)
    if isinstance(node, exp.Operator):
        op = node.args.get("operator", "")
        op = op.split(".")[-1].strip() if isinstance(op, str) else str(op)
        # psql's \d patterns arrive as OPERATOR(pg_catalog.~) with unquoted names folded to lower
        # case; our schemas and tables keep mixed case, so these matches ignore case (decision 0602).
        build = _OPERATORS.get("~*" if op == "~" else "!~*" if op == "!~" else op)
        if build is None:
            raise PgError(UNDEFINED_FUNCTION, f"operator does not exist: OPERATOR(pg_catalog.{op})")
        return build(node.this, node.expression)
    if isinstance(node, exp.Collate):
        return node.this
    if isinstance(node, exp.RegexpLike) and isinstance(node.this, exp.Column) \
            and node.this.name.lower() in NAME_COLUMNS:
        # pgcli/pgspecial's \dt patterns use the bare ~ with folded names (psql: OPERATOR(pg_catalog.~))
        return exp.RegexpILike(this=node.this, expression=node.expression)
    if isinstance(node, exp.Any | exp.All):
        return arrays.quantified_literal(node)
    if isinstance(node, exp.DPipe) and (isinstance(node.this, exp.Array) or isinstance(node.expression, exp.Array)) \
            and not any(isinstance(side, exp.Literal) and not side.is_string for side in (node.this, node.expression)):
        # array || array: a NULL side is an empty array in PostgreSQL (psql \d+ reloptions || ARRAY(…))
        return exp.Anonymous(this="list_concat", expressions=[node.this, node.expression])
    if isinstance(node, exp.Bracket):
        return arrays.subscript(node, vectors)
    if isinstance(node, exp.Dot) and isinstance(node.this, exp.Paren):
        return arrays.expandarray_field(node)
    if isinstance(node, exp.Func):
        return _function(node, vectors)
    return None


def _folded(part: exp.Expression | None) -> str:
    """An identifier as PostgreSQL sees it: unquoted names fold to lower case."""
    if not isinstance(part, exp.Identifier):
        return "" if part is None else part.name
    return part.this if part.quoted else part.this.lower()


def _table(node: exp.Table, rel_names: dict[str, set[str]], ctes: set[str], database: str) -> exp.Expression | None:
    schema = _folded(node.args.get("db"))
    if isinstance(node.this, exp.Func):  # a function in FROM
        function = node.this.name.lower()
        rows = node.this.expressions[0] if isinstance(node.this, exp.Unnest) and node.this.expressions else None
        if isinstance(rows, exp.Anonymous) and rows.name == duck_name("aclexplode", 1):
            # FROM aclexplode(acl): the rows' fields as columns (the call became unnest(list of structs))
            select = exp.select(exp.Anonymous(this="unnest", expressions=[
                rows.copy(), exp.Kwarg(this=exp.to_identifier("recursive"), expression=exp.true())]))
            alias = node.args.get("alias") or exp.TableAlias(this=exp.to_identifier("aclexplode"))
            return exp.Subquery(this=select, alias=alias.copy())
        if function in TABLE_FUNCTIONS and schema in ("", "pg_catalog") and not node.this.expressions:
            return _catalog_table("pg_catalog", TABLE_FUNCTIONS[function], node, function)
        if schema in SCHEMAS:
            node.set("db", None)
        return None
    if node.args.get("catalog") is not None:
        if _folded(node.args.get("catalog")) != database or schema not in SCHEMAS:
            return None  # another database's object: not ours to answer
        node.set("catalog", None)  # mydb.pg_catalog.pg_class: the current database
    name = _folded(node.this)
    if schema in SCHEMAS:
        if name not in rel_names[schema]:
            raise PgError(UNDEFINED_TABLE, f'relation "{schema}.{name}" does not exist')
        return _catalog_table(schema, name, node, name)
    if not schema and name in rel_names["pg_catalog"] and name not in ctes:
        return _catalog_table("pg_catalog", name, node, name)
    return None


def _catalog_table(schema: str, name: str, node: exp.Table, alias: str) -> exp.Table:
    """Point the reference at our relation in place, keeping its other parts (joins of a
    parenthesised join, pivots, sample …)."""
    database = SESSION_DB if f"{schema}.{name}" in SESSION_RELATIONS else CATALOG_DB
    node.set("this", exp.to_identifier(name, quoted=True))
    node.set("db", exp.to_identifier(SCHEMA_FOR[schema]))
    node.set("catalog", exp.to_identifier(database))
    if node.args.get("alias") is None:
        node.set("alias", exp.TableAlias(this=exp.to_identifier(alias)))
    return node


def _column(node: exp.Column) -> exp.Expression | None:
    if node.args.get("db") is not None and node.db.lower() in SCHEMAS:
        node.set("db", None)  # pg_catalog.pg_class.relname -> pg_class.relname (the table's alias)
        return node
    ident = node.this
    if not node.table and isinstance(ident, exp.Identifier) and not ident.quoted:
        name = ident.name.lower()
        if name in KEYWORD_FUNCTIONS:
            return _call(KEYWORD_FUNCTIONS[name], [])
    return None


def _call(name: str, args: list[exp.Expression]) -> exp.Expression:
    sig = SIGNATURES.get((name, len(args)))
    if sig is None:
        raise PgError(UNDEFINED_FUNCTION, f"function {name}({', '.join('unknown' for _ in args)}) does not exist")
    cast_args = [a if isinstance(a, exp.Null) else exp.cast(a, exp.DataType.build(t, dialect="duckdb"))
                 for a, t in zip(args, sig.params, strict=True)]
    return exp.Anonymous(this=duck_name(name, len(args)), expressions=cast_args)


def _function(node: exp.Func, vectors: arrays.VectorScope) -> exp.Expression | None:
    name, target = _function_name(node)
    if name is None:
        return None
    if isinstance(node, exp.Anonymous):
        args = list(node.expressions)
    else:  # a typed sqlglot node: current_schemas(true) keeps its argument in `this`
        args = [node.this] if isinstance(node, exp.CurrentSchemas) and node.this is not None else []
    if name == "aclexplode" and len(args) == 1:
        replacement = exp.Unnest(expressions=[_call(name, args)])  # set-returning: a row per privilege
    elif name in _TO_REG and len(args) == 1 and (_projected(target) or _as_text(target)):
        replacement = _call(f"{_TO_REG[name]}_out", [_call(name, args)])  # printed by name, as its type's output
    elif (name, len(args)) in SIGNATURES:
        replacement = _call(name, args)
    elif name == "pg_get_keywords":
        return None  # handled in FROM
    elif name == "_pg_expandarray" and len(args) == 1:
        replacement = arrays.expandarray(args[0])
    elif name == "generate_subscripts" and args and vectors.holds_vector(args[0]) \
            and not isinstance(node.parent, exp.Table):
        # int2vector/oidvector subscripts start at 0 in PostgreSQL, DuckDB lists at 1
        replacement = exp.Sub(this=node.copy(), expression=exp.Literal.number(1))
    elif name == "pg_partition_ancestors" and len(args) == 1:
        # No partitioning here: a relation's only "ancestor" is itself.
        replacement = exp.Unnest(expressions=[exp.Array(expressions=[_duck_cast(args[0], "UINTEGER")])])
    elif name in ("array_lower", "array_upper") and len(args) == 2:
        replacement = arrays.array_bound(name, args[0], vectors)
    elif name in {n for n, _ in SIGNATURES}:
        raise PgError(UNDEFINED_FUNCTION, f"function {name} with {len(args)} argument(s) does not exist")
    elif target is not node:
        replacement = node  # pg_catalog.array_to_string(...) -> DuckDB's own function
    else:
        return None
    if target is not node:
        target.replace(replacement)
        return None
    return replacement




_TO_REG = {"to_regclass": "regclass", "to_regtype": "regtype"}  # a reg* value, by its name (None: no such object)


def _projected(node: exp.Expression) -> bool:
    """A root-level projection of its SELECT (what the client sees printed)."""
    parent = node.parent
    return isinstance(parent, exp.Select) or (isinstance(parent, exp.Alias) and isinstance(parent.parent, exp.Select))


def _as_text(node: exp.Expression) -> bool:
    parent = node.parent
    return isinstance(parent, exp.Cast) and type_name(parent.to) in ("text", "varchar", "name", "char")


def _cast(node: exp.Cast) -> exp.Expression | None:
    target = type_name(node.to)
    operand = node.this
    if target.endswith("[]") and target[:-2] in REG_TYPES | OID_LIKE_TYPES:
        return _oid_array_cast(node, target[:-2], operand)
    if target in REG_TYPES:
        kind = "regproc" if target == "regprocedure" else target
        if kind not in ("regclass", "regtype", "regproc", "regnamespace", "regrole"):
            return _duck_cast(operand, "UINTEGER")
        projected, as_text = _projected(node), _as_text(node)
        if _is_text(operand):
            parsed = _call(f"{kind}_in", [operand])
            # a projected 'int4'::regtype prints the canonical name (integer), as regtype_out does
            return _call(f"{kind}_out", [parsed]) if projected or as_text else parsed
        if as_text or projected:
            return _call(f"{kind}_out", [operand])
        return _duck_cast(operand, "UINTEGER")
    if target in OID_LIKE_TYPES:
        return _duck_cast(operand, "UINTEGER" if target != "information_schema.cardinal_number" else "INTEGER")
    if target in ("name", "pg_catalog.name"):  # VARCHAR in DuckDB; the DataType's kind keeps that it is name
        return exp.cast(operand, exp.DataType(this=exp.DataType.Type.TEXT, kind=exp.to_identifier("name")))
    if target in TEXT_LIKE_TYPES or target.startswith("information_schema."):
        return _duck_cast(operand, "VARCHAR")
    if target in ("int2vector", "oidvector"):
        if arrays.is_vector(operand):
            return operand
        return _duck_cast(operand, "VARCHAR")
    to = node.to
    kind = to.args.get("kind") if isinstance(to, exp.DataType) else None
    if isinstance(kind, exp.Dot) and kind.this.name.lower() == "pg_catalog":
        try:  # CAST(x AS pg_catalog.text) -> CAST(x AS text)
            node.set("to", exp.DataType.build(kind.expression.name, dialect="postgres"))
        except Exception:
            return None
        return _cast(node) or node
    if isinstance(to, exp.DataType) and to.this == exp.DataType.Type.ARRAY and to.expressions:
        element = to.expressions[0]
        element_kind = element.args.get("kind") if isinstance(element, exp.DataType) else None
        if isinstance(element_kind, exp.Dot) and element_kind.this.name.lower() == "pg_catalog":
            try:  # CAST(x AS pg_catalog.int2[]) -> CAST(x AS int2[])
                node.set("to", exp.DataType.build(f"{element_kind.expression.name}[]", dialect="postgres"))
            except Exception:
                return None
            return _cast(node) or node
    if isinstance(to, exp.DataType) and to.this == exp.DataType.Type.ARRAY and isinstance(operand, exp.Literal) \
            and operand.is_string:
        return arrays.array_literal(operand.this, to)
    return None


def _oid_array_cast(node: exp.Cast, element: str, operand: exp.Expression) -> exp.Expression:
    """x::oid[] / x::regtype[]: a list of OIDs; a reg*[] read as text[] (pgcli's function
    signatures: COALESCE(proallargtypes::regtype[], …)::text[]) becomes the list of names."""
    kind = "regproc" if element == "regprocedure" else element
    if isinstance(operand, exp.Literal) and operand.is_string and kind in ("regclass", "regtype", "regproc",
                                                                           "regnamespace", "regrole"):
        # '{int,int8}'::regtype[]: each element is a name, read by the type's input function
        names = arrays.array_literal(operand.this, exp.DataType.build("VARCHAR[]", dialect="duckdb"))
        item = exp.to_identifier("__pgcat_name")
        parsed = exp.Anonymous(this=duck_name(f"{kind}_in", 1), expressions=[exp.column(item)])
        parent = node.parent
        if isinstance(parent, exp.Select) or (isinstance(parent, exp.Alias) and isinstance(parent.parent, exp.Select)):
            parsed = exp.Anonymous(this=duck_name(f"{kind}_out", 1), expressions=[parsed])  # printed by name
        return exp.Anonymous(this="list_transform", expressions=[names, exp.Lambda(this=parsed, expressions=[item])])
    if isinstance(operand, exp.Literal) and operand.is_string:
        oids = arrays.array_literal(operand.this, exp.DataType.build("UINTEGER[]", dialect="duckdb"))
    else:
        oids = _duck_cast(operand, "UINTEGER[]")
    if kind not in ("regclass", "regtype", "regproc", "regnamespace", "regrole"):
        return oids
    ancestor = node.parent
    while isinstance(ancestor, exp.Paren | exp.Coalesce):
        ancestor = ancestor.parent
    if not (isinstance(ancestor, exp.Cast) and type_name(ancestor.to) in ("text[]", "varchar[]", "name[]")):
        return oids
    item = exp.to_identifier("__pgcat_oid")
    name = exp.Anonymous(this=duck_name(f"{kind}_out", 1), expressions=[exp.column(item)])
    return exp.Anonymous(this="list_transform", expressions=[oids, exp.Lambda(this=name, expressions=[item])])


def _duck_cast(node: exp.Expression, duck_type: str) -> exp.Expression:
    return exp.cast(node, exp.DataType.build(duck_type, dialect="duckdb"))


_TEXT_FUNCTIONS = {"quote_ident", "quote_literal", "quote_nullable", "concat", "concat_ws", "format", "lower", "upper",
                   "btrim", "ltrim", "rtrim", "trim", "replace", "substring", "substr", "left", "right",
                   "current_schema", "current_user", "session_user", "current_database", "pg_get_userbyid"}


def _is_text(node: exp.Expression) -> bool:
    """Whether a reg* cast's operand is text (then it is parsed as a name, regclass_in), not an OID."""
    if isinstance(node, exp.Literal) and node.is_string:
        return True
    if isinstance(node, exp.Paren):
        return _is_text(node.this)
    if isinstance(node, exp.DPipe | exp.Concat | exp.ConcatWs | exp.Lower | exp.Upper | exp.Trim):
        return True  # string concatenation and string functions return text
    if isinstance(node, exp.Anonymous) and node.name.lower() in _TEXT_FUNCTIONS:
        return True
    if isinstance(node, exp.Column) and node.name.lower() in NAME_COLUMNS:
        return True
    return isinstance(node, exp.Cast) and type_name(node.to) in ("text", "varchar", "name")








