"""PostgreSQL result types of catalog queries (RowDescription), as PostgreSQL would report them.

Why: DuckDB only knows its storage types (UINTEGER for oid, VARCHAR for name, "char" and
int2vector), and drivers act on the reported type: psqlODBC converts an int2vector (22)
column such as pg_index.indkey into a short array and misreads anything else, Npgsql
reads oid columns as uint. rewrite_typed() returns, beside the rewritten tree, the PostgreSQL
type of every projection of the root SELECT that is a plain column of a catalog relation (or a *
over them) or a computed column the catalog can type; the SQL layer keeps them in the bound
query and reads them when it builds the RowDescription.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp

from pgserver import types as pgtypes
from pgserver.catalog.data import BuiltinCatalog, CatalogColumn, CatalogRelation
from pgserver.catalog.expr_types import ExpressionTyper, TypeMismatch, common_type, from_items
from pgserver.catalog.reg_output import printed_by_name

_REG_TYPES = {"regproc", "regprocedure", "regoper", "regoperator", "regclass", "regtype", "regnamespace",
              "regrole", "regconfig", "regdictionary", "regcollation"}


@dataclass(frozen=True)
class ResultType:
    """What RowDescription says about one result column."""

    type_oid: int
    typmod: int = -1
    table_oid: int = 0
    column_number: int = 0


def column_type_oid(column: CatalogColumn) -> int:
    """The type OID reported for a catalog column. reg* columns hold OIDs here, so they are
    reported as oid; information_schema domains as their base type."""
    declared = column.type.element if column.type.is_array else column.type
    if declared is not None and declared.name in _REG_TYPES:
        return pgtypes.array_of(pgtypes.OID).oid if column.type.is_array else pgtypes.OID
    return column.type.oid


def record(tree: exp.Expression, sources: dict[str, CatalogRelation], base: BuiltinCatalog,
           class_oids: dict[tuple[str, str], int], typer: ExpressionTyper | None = None) -> list[ResultType | None] | None:
    """The result types of the root SELECT (after rewriting; None: its column list is unknown); `typer` types
    the computed columns and `*` over CTEs and derived tables."""
    root: exp.Expression | None = tree
    while isinstance(root, exp.SetOperation | exp.Subquery):
        root = root.this if isinstance(root, exp.Subquery) else root.left
    if not isinstance(root, exp.Select):
        return None
    types: list[ResultType | None] = []
    for projection in root.expressions:
        inner = projection.this if isinstance(projection, exp.Alias) else projection
        if isinstance(inner, exp.Star):
            if not sources or len(sources) != len(_from_aliases(root)):
                expanded = typer.star_types(root) if typer is not None else None
                if expanded is None:
                    return None  # * over a non-catalog source: unknown column list
                types.extend(None if t is None else ResultType(t) for t in expanded)
                continue
            for alias in _from_aliases(root):
                types.extend(_typed(sources[alias], c, class_oids) for c in sources[alias].columns)
        elif isinstance(inner, exp.Column) and isinstance(inner.this, exp.Star):
            rel = sources.get(inner.table.lower())
            if rel is None:
                return None
            types.extend(_typed(rel, c, class_oids) for c in rel.columns)
        elif isinstance(inner, exp.Column):
            known = _column(inner, sources, _from_aliases(root), class_oids)
            if known is None and typer is not None:
                computed = typer.type_of(inner, root)
                known = ResultType(computed) if computed is not None else None
            types.append(known)
        else:
            computed = typer.type_of(inner, root) if typer is not None else None
            types.append(ResultType(computed) if computed is not None else None)
    if isinstance(tree, exp.SetOperation) and typer is not None:
        types = _across_branches(types, _branches(tree)[1:], typer)
    return types


def _branches(tree: exp.Expression) -> list[exp.Select]:
    """The SELECTs of a UNION/INTERSECT/EXCEPT, left to right (a non-SELECT branch ends the list)."""
    if isinstance(tree, exp.Subquery):
        return _branches(tree.this)
    if isinstance(tree, exp.SetOperation):
        return _branches(tree.left) + _branches(tree.right)
    return [tree] if isinstance(tree, exp.Select) else []


def _across_branches(types: list[ResultType | None], others: list[exp.Select],
                     typer: ExpressionTyper) -> list[ResultType | None]:
    """A set operation's column types: the first branch's, resolved with the other branches' as PostgreSQL
    resolves UNION columns (common_type); unknown literals take the type; a column typed in no other way
    is left to DuckDB (None)."""
    out: list[ResultType | None] = []
    for index, first in enumerate(types):
        found = [first.type_oid] if first is not None else None
        for branch in others:
            if found is None or index >= len(branch.expressions):
                found = None
                break
            projection = branch.expressions[index]
            inner = projection.this if isinstance(projection, exp.Alias) else projection
            if isinstance(inner, exp.Null) or (isinstance(inner, exp.Literal) and inner.is_string):
                continue
            typed = typer.type_of(inner, branch)
            found = found + [typed] if typed is not None else None
        try:
            chosen = common_type(found) if found else None
        except TypeMismatch:
            chosen = None
        out.append(first if first is not None and chosen == first.type_oid else
                   ResultType(chosen) if chosen is not None else None)
    return out


def _from_aliases(select: exp.Select) -> list[str]:
    return [item.alias_or_name.lower() for item in from_items(select)]


def _column(node: exp.Column, sources: dict[str, CatalogRelation], all_sources: list[str],
            class_oids: dict[tuple[str, str], int]) -> ResultType | None:
    if node.table:
        candidates = [sources[node.table.lower()]] if node.table.lower() in sources else []
    elif len(sources) == len(all_sources):
        candidates = [r for r in sources.values() if any(c.name == node.name.lower() for c in r.columns)]
    else:
        return None  # an unqualified name that may belong to a non-catalog source
    if len(candidates) != 1:
        return None
    rel = candidates[0]
    column = next((c for c in rel.columns if c.name == node.name.lower()), None)
    return _typed(rel, column, class_oids) if column is not None else None


def _typed(rel: CatalogRelation, column: CatalogColumn, class_oids: dict[tuple[str, str], int]) -> ResultType:
    number = rel.column_names.index(column.name) + 1
    # reg* columns printed by name (reg_output.py) keep their PostgreSQL type: regproc's text form is the name
    type_oid = column.type.oid if printed_by_name(column) else column_type_oid(column)
    return ResultType(type_oid, -1, class_oids.get((rel.schema, rel.name), 0), number)

