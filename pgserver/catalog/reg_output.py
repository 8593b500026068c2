"""reg* catalog columns in query results print as names, as PostgreSQL's output functions do.

Why: pg_type.typinput is a regproc; PostgreSQL shows 'numeric_in' (and '-' for 0), clients
such as DBeaver read these names. Our catalog stores the OIDs (UINTEGER), which joins and
comparisons need, so only the root SELECT's plain projections of such columns (`t.typinput`,
`t.*`, `*`) are wrapped in the `<kind>_out` UDF. The column is then reported as text
(result_types.py), not regproc: its binary format would be the OID, which the name no longer
carries (docs/decisions/0900-regproc-output.md).
"""

from __future__ import annotations

from sqlglot import exp

from pgserver.catalog.data import CatalogColumn, CatalogRelation
from pgserver.catalog.signatures import duck_name

# reg* types printed by name, and the UDF that prints them (regprocedure's argument list is not shown)
OUTPUT_KINDS = {"regproc": "regproc", "regtype": "regtype", "regclass": "regclass", "regnamespace": "regnamespace",
                "regrole": "regrole"}


def printed_by_name(column: CatalogColumn) -> bool:
    return column.pg_type in OUTPUT_KINDS


def apply(root: exp.Select, sources: dict[str, CatalogRelation], all_aliases: list[str]) -> None:
    """Wrap the reg* columns that `root` projects (sources: FROM/JOIN alias -> catalog relation)."""
    for projection in list(root.expressions):
        inner = projection.this if isinstance(projection, exp.Alias) else projection
        if isinstance(inner, exp.Star):
            if len(sources) == len(all_aliases):
                _replace_in_star(inner, [(a, sources[a]) for a in all_aliases])
        elif isinstance(inner, exp.Column) and isinstance(inner.this, exp.Star):
            rel = sources.get(inner.table.lower())
            if rel is not None:
                _replace_in_star(inner.this, [(inner.table, rel)])
        elif isinstance(inner, exp.Column):
            found = _catalog_column(inner, sources, all_aliases)
            if found is not None and printed_by_name(found):
                call = _output_call(found, inner.copy())
                if inner is projection:
                    projection.replace(exp.alias_(call, inner.name, quoted=True))
                else:
                    inner.replace(call)


def _replace_in_star(star: exp.Star, sources: list[tuple[str, CatalogRelation]]) -> None:
    counts: dict[str, int] = {}
    for _, rel in sources:
        for column in rel.columns:
            counts[column.name] = counts.get(column.name, 0) + 1
    replaced = [exp.alias_(_output_call(column, exp.column(column.name, alias, quoted=True)), column.name,
                           quoted=True)
                for alias, rel in sources for column in rel.columns
                if printed_by_name(column) and counts[column.name] == 1]  # a shared name stays ambiguous
    if replaced and not star.args.get("replace") and not star.args.get("except"):
        star.set("replace", replaced)


def _catalog_column(node: exp.Column, sources: dict[str, CatalogRelation],
                    all_aliases: list[str]) -> CatalogColumn | None:
    name = node.name.lower()
    if node.table:
        rels = [sources[node.table.lower()]] if node.table.lower() in sources else []
    elif len(sources) == len(all_aliases):
        rels = [r for r in sources.values() if name in r.column_names]
    else:
        return None
    if len(rels) != 1:
        return None
    return next((c for c in rels[0].columns if c.name == name), None)


def _output_call(column: CatalogColumn, operand: exp.Expression) -> exp.Expression:
    kind = OUTPUT_KINDS[column.pg_type]
    argument = exp.cast(operand, exp.DataType.build("UINTEGER", dialect="duckdb"))
    return exp.Anonymous(this=duck_name(f"{kind}_out", 1), expressions=[argument])
