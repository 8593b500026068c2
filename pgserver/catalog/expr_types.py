"""PostgreSQL types of computed result columns of catalog queries: through CTEs, derived tables,
array_agg, CASE, COALESCE and casts.

Why: drivers act on the reported type. asyncpg's type-introspection query (WITH RECURSIVE
typeinfo_tree … SELECT DISTINCT * FROM typeinfo_tree) projects catalog columns through a
recursive CTE and a derived table, and builds `attrtypoids` with array_agg(atttypid):
PostgreSQL reports oid, name, "char" and oid[]; DuckDB's storage types (UINTEGER → int8,
VARCHAR → text, UINTEGER[] → int8[]) make asyncpg introspect int8[] with the same query,
recursing without end. Anything not understood here stays None (DuckDB's type is used).
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from sqlglot import exp

from pgserver import types as pgtypes
from pgserver.catalog.data import CatalogColumn, CatalogRelation
from pgserver.errors import PgError

RelationOf = Callable[[exp.Table], CatalogRelation | None]
ColumnType = Callable[[CatalogRelation, CatalogColumn], int]
_DEPTH = 12  # CTE/subquery nesting followed; deeper is left to DuckDB's type


class ExpressionTyper:
    """Type OIDs of expressions inside one (rewritten) statement."""

    def __init__(self, tree: exp.Expression, relation_of: RelationOf, column_type: ColumnType) -> None:
        self.relation_of = relation_of
        self.column_type = column_type
        self.ctes: dict[str, exp.CTE] = {}
        for cte in tree.find_all(exp.CTE):
            self.ctes.setdefault(cte.alias_or_name.lower(), cte)

    def type_of(self, node: exp.Expression, select: exp.Select, depth: int = 0) -> int | None:
        """The PostgreSQL type OID of `node`, evaluated in `select` (None: unknown)."""
        if depth > _DEPTH:
            return None
        if isinstance(node, exp.Alias | exp.Paren):
            return self.type_of(node.this, select, depth)
        if isinstance(node, exp.Cast):
            return _declared(node.to)
        if isinstance(node, exp.Literal) and not node.is_string:
            return _numeric_literal(node.this)
        if isinstance(node, exp.Coalesce):
            return self._common([node.this, *node.expressions], select, depth)
        if isinstance(node, exp.Nullif):
            # NULLIF(a, b) is of a's type as the chosen `=` takes it: integer = numeric makes it numeric
            first = self.type_of(node.this, select, depth + 1)
            if first in (pgtypes.INT2, pgtypes.INT4, pgtypes.INT8) \
                    and self.type_of(node.expression, select, depth + 1) == pgtypes.NUMERIC:
                return pgtypes.NUMERIC
            return first
        if isinstance(node, exp.Anonymous) and node.name.lower() == "list_transform" and len(node.expressions) == 2 \
                and isinstance(node.expressions[1], exp.Lambda) and isinstance(node.expressions[1].this, exp.Anonymous):
            printed = _printed_reg_types().get(node.expressions[1].this.name.lower())  # '{int,int8}'::regtype[]
            return _array_of(printed) if printed is not None else None
        if isinstance(node, exp.Case):
            branches = [node.args.get("default")] + [i.args.get("true") for i in node.args.get("ifs") or []]
            return self._common(branches, select, depth)
        if isinstance(node, exp.ArrayAgg):
            inner = node.this.this if isinstance(node.this, exp.Order) else node.this
            element = self.type_of(inner, select, depth + 1) if inner is not None else None
            return _array_of(element)
        if isinstance(node, exp.Subquery) and isinstance(node.this, exp.Select):
            first = node.this.expressions[0] if node.this.expressions else None
            return self.type_of(first, node.this, depth + 1) if first is not None else None
        if isinstance(node, exp.Array) and len(node.expressions) == 1 and isinstance(node.expressions[0], exp.Select):
            inner = node.expressions[0]  # ARRAY(SELECT x …): an array of x's type
            first = inner.expressions[0] if inner.expressions else None
            return _array_of(self.type_of(first, inner, depth + 1)) if first is not None else None
        if isinstance(node, exp.Explode | exp.Unnest) and isinstance(node.this, exp.Array) \
                and len(node.this.expressions) == 1:
            return self.type_of(node.this.expressions[0], select, depth + 1)  # FROM f(): unnest([f()]), one row
        if isinstance(node, exp.Anonymous):
            return _function_result(node.name)
        if isinstance(node, exp.Column) and not isinstance(node.this, exp.Star):
            return self._column(node, select, depth)
        return None

    def _common(self, branches: list[exp.Expression | None], select: exp.Select, depth: int) -> int | None:
        """The type PostgreSQL's CASE/COALESCE resolution chooses (10.5): NULL and string literals are
        unknown and take it; the known types resolve by common_type (None: one is not known here)."""
        found = [self.type_of(b, select, depth + 1) for b in branches
                 if b is not None and not isinstance(b, exp.Null) and not (isinstance(b, exp.Literal) and b.is_string)]
        if not found or None in found:
            return None
        try:
            return common_type([t for t in found if t is not None])
        except TypeMismatch:
            return None

    def star_types(self, select: exp.Select, depth: int = 0) -> list[int | None] | None:
        """The types `*` expands to over the FROM/JOIN sources of `select` (None: unknown)."""
        out: list[int | None] = []
        for source in _sources(select):
            expanded = self._source_columns(source, depth + 1)
            if expanded is None:
                return None
            out.extend(t for _, t in expanded)
        return out

    def _column(self, node: exp.Column, select: exp.Select, depth: int) -> int | None:
        name = node.name.lower()
        sources = _sources(select)
        if node.table:
            sources = [s for s in sources if s.alias_or_name.lower() == node.table.lower()]
        found = None
        for source in sources:
            for column, type_oid in self._source_columns(source, depth + 1) or []:
                if column == name:
                    if found is not None:
                        return None  # ambiguous
                    found = (type_oid,)
        return found[0] if found is not None else None

    def _source_columns(self, source: exp.Expression, depth: int) -> list[tuple[str, int | None]] | None:
        """(name, type) of every column a FROM/JOIN source offers."""
        if depth > _DEPTH:
            return None
        if isinstance(source, exp.Table):
            relation = self.relation_of(source)
            if relation is not None:
                return [(c.name, self.column_type(relation, c)) for c in relation.columns]
            cte = self.ctes.get(source.name.lower()) if not source.db else None
            return self._query_columns(cte.this, _column_names(cte), depth) if cte is not None else None
        if isinstance(source, exp.Subquery):
            return self._query_columns(source.this, _column_names(source), depth)
        return None

    def _query_columns(self, query: exp.Expression, names: list[str], depth: int) -> list[tuple[str, int | None]] | None:
        while isinstance(query, exp.SetOperation | exp.Subquery):
            query = query.this if isinstance(query, exp.Subquery) else query.left  # the anchor of a UNION
        if not isinstance(query, exp.Select):
            return None
        out: list[tuple[str, int | None]] = []
        for projection in query.expressions:
            if isinstance(projection, exp.Star):
                types = self.star_types(query, depth)
                if types is None:
                    return None
                out.extend(("", t) for t in types)
            else:
                out.append((projection.alias_or_name.lower(), self.type_of(projection, query, depth + 1)))
        if names:
            out = [(name, type_oid) for name, (_, type_oid) in zip(names, out, strict=False)]
        return out


def _numeric_literal(text: str) -> int:
    """A numeric constant's type (4.1.2.6): int4 when it fits, else int8, else numeric."""
    if text.isdigit():
        value = int(text)
        return pgtypes.INT4 if value < 2**31 else pgtypes.INT8 if value < 2**63 else pgtypes.NUMERIC
    return pgtypes.NUMERIC


@functools.cache
def _type_categories() -> dict[int, tuple[str, bool]]:
    from pgserver.catalog.data import builtin

    return {row["oid"]: (row["typcategory"], bool(row["typispreferred"]))
            for row in builtin().rows_as_dicts("pg_catalog.pg_type")}


@functools.cache
def implicit_casts() -> frozenset[tuple[int, int]]:
    """(source, target) of pg_cast's implicit casts."""
    from pgserver.catalog.data import builtin

    return frozenset((row["castsource"], row["casttarget"]) for row in builtin().rows_as_dicts("pg_catalog.pg_cast")
                     if row["castcontext"] == "i")


class TypeMismatch(Exception):
    """Inputs of one UNION/CASE/COALESCE column of different type categories (PostgreSQL: 42804)."""

    def __init__(self, first: int, second: int) -> None:
        super().__init__(first, second)
        self.first, self.second = first, second


def common_type(types: list[int]) -> int | None:
    """PostgreSQL's select_common_type (parse_coerce.c) over known input types, in PostgreSQL's order (a
    CASE's ELSE first): the first type, replaced by a later one of its category when it is not preferred and
    converts to the later one implicitly but not back. TypeMismatch across categories; None when a type is
    not in pg_type."""
    categories, implicit = _type_categories(), implicit_casts()
    if any(t not in categories for t in types):
        return None
    chosen = types[0]
    for other in types[1:]:
        if other == chosen:
            continue
        if categories[other][0] != categories[chosen][0]:
            raise TypeMismatch(chosen, other)
        if not categories[chosen][1] and (chosen, other) in implicit and (other, chosen) not in implicit:
            chosen = other
    return chosen


@functools.cache
def _result_types_by_function() -> dict[str, int]:
    """pgcat_<name>_<arity> UDF → the PostgreSQL result type of <name> when all its pg_proc rows agree."""
    from pgserver.catalog.data import builtin
    from pgserver.catalog.signatures import SIGNATURES, duck_name

    results: dict[str, set[int]] = {}
    for row in builtin().rows_as_dicts("pg_catalog.pg_proc"):
        results.setdefault(row["proname"], set()).add(row["prorettype"])
    return {duck_name(name, arity): next(iter(results[name])) for name, arity in SIGNATURES
            if len(results.get(name, ())) == 1}


@functools.cache
def _printed_reg_types() -> dict[str, int]:
    """The `<kind>_out` UDFs (reg_output.py, rewrite.py): a reg* value printed by name is still of its reg* type,
    as `c.oid::regclass` is in PostgreSQL (its text form is the name)."""
    from pgserver.catalog.reg_output import OUTPUT_KINDS
    from pgserver.catalog.signatures import duck_name

    return {duck_name(f"{kind}_out", 1): pgtypes.by_name(kind).oid for kind in OUTPUT_KINDS}


def _function_result(name: str) -> int | None:
    printed = _printed_reg_types().get(name.lower())
    if printed is not None:
        return printed
    result = _result_types_by_function().get(name.lower())
    return result if result is not None and pgtypes.find_by_oid(result) is not None else None


def from_items(select: exp.Select) -> list[exp.Expression]:
    """The relations `select` reads (FROM and JOIN), parenthesised join groups flattened:
    psqlODBC writes `from (((pg_class c inner join pg_namespace n on …) inner join …) left join …)`."""
    from_ = select.args.get("from_") or select.args.get("from")
    return _flattened([from_.this] if from_ is not None else []) + _flattened(
        [j.this for j in select.args.get("joins") or []])


def _flattened(items: list[exp.Expression]) -> list[exp.Expression]:
    out: list[exp.Expression] = []
    for item in items:
        if _is_join_group(item):
            out += _join_group(item.this)
        else:
            out.append(item)
    return out


def _is_join_group(item: exp.Expression) -> bool:
    """`(a JOIN b …)` without an alias: sqlglot parses it as an alias-less Subquery whose relation holds joins."""
    return isinstance(item, exp.Subquery) and not item.alias and isinstance(item.this, exp.Table | exp.Subquery) \
        and bool(item.this.args.get("joins"))


def _join_group(group: exp.Expression) -> list[exp.Expression]:
    """The relations of one join group: its head (itself a group, or the table holding the joins) and its joins."""
    head = _join_group(group.this) if _is_join_group(group) else [group]
    return head + _flattened([j.this for j in group.args.get("joins") or []])


_sources = from_items


def _column_names(node: exp.Expression) -> list[str]:
    alias = node.args.get("alias")
    columns = alias.args.get("columns") if isinstance(alias, exp.TableAlias) else None
    return [c.name.lower() for c in columns or []]


def _declared(data_type: exp.DataType) -> int | None:
    if data_type.this == exp.DataType.Type.UINT:
        return pgtypes.OID  # the catalog's storage type of oid (rewrite.py casts oid values to it)
    if data_type.this == exp.DataType.Type.TEXT and isinstance(data_type.args.get("kind"), exp.Identifier) \
            and data_type.args["kind"].name == "name":
        return pgtypes.NAME  # a written ::name (rewrite.py marks it so)
    if data_type.this == exp.DataType.Type.TEXT:
        return None  # rewrite.py casts name and text alike to DuckDB's VARCHAR (TEXT here): which one was meant is lost
    if data_type.this == exp.DataType.Type.VARCHAR:
        return pgtypes.VARCHAR  # only a written varchar / character varying is still VARCHAR
    try:
        return pgtypes.type_for_sql(data_type.sql(dialect="postgres"))[0].oid
    except (PgError, KeyError, ValueError):
        return None


def _array_of(element: int | None) -> int | None:
    if element is None:
        return None
    try:
        return pgtypes.array_of(element).oid
    except KeyError:
        return None
