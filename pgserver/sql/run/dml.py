"""SQL writes on tables that declare them (`TableSpec.writes`): INSERT … VALUES / SELECT, UPDATE, DELETE,
INSERT … ON CONFLICT, RETURNING — through the provider write contract (pgserver/provider.py, `Writable`).

Nothing here executes rows by hand. Every statement becomes a query that the ordinary read path runs
(planner → providers → DuckDB) and whose rows are what the statement writes:

    INSERT INTO t (a, b) VALUES (…), (…)   →  SELECT * FROM (VALUES (1, …), (2, …)) AS v(row, a, b) ORDER BY row
    INSERT INTO t (a, b) SELECT …          →  SELECT … (the query as written)
    UPDATE t SET a = e WHERE p             →  SELECT t."Id", e FROM t [, FROM-list] WHERE p
    DELETE FROM t [USING …] WHERE p        →  SELECT t."Id" FROM t [, USING-list] WHERE p

so UPDATE and DELETE find their rows by key or by any filter exactly as a SELECT would (pushed down where the API
can, MaxRows never applies). The rows then go to the provider in one request; it writes them one at a time and
reports one RowResult per row. Values take the target column's type as PostgreSQL's assignment does: an
untyped literal ('12.50') is read by the type's input function at Parse, a value of another type into a text
column goes through its output function; everything else is judged by the provider's field rules (42804, 22001 …).

The API has no transactions (docs/decisions/0730-sql-writes-and-transactions.md): a statement's rows are
applied as it runs and stay applied whatever follows; a statement that fails half way raises the failing
row's error with a DETAIL naming the rows applied before it and the rows not attempted.
"""

from __future__ import annotations

import decimal
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlglot import exp

from pgserver import types as pgtypes
from pgserver.engine import ResultColumn
from pgserver.errors import (
    AMBIGUOUS_COLUMN,
    FEATURE_NOT_SUPPORTED,
    SYNTAX_ERROR,
    UNDEFINED_COLUMN,
    PgError,
)
from pgserver.provider import (
    DeleteRequest,
    InsertRequest,
    OnConflict,
    RowChange,
    RowResult,
    ScanContext,
    TableSpec,
    UpdateRequest,
    WriteOutcome,
    WriteResult,
    WriteSpec,
    writer_of,
)
from pgserver.sql.bind.params import literal
from pgserver.sql.bind.tableset import NameScope, Relation, TableSet, resolve_relation
from pgserver.sql.run.results import StaticCursor
from pgserver.types import adapters

ROW_ORDINAL = "__write_row"  # the VALUES row number, so rows are written in the order they were given


@dataclass
class WritePlan:
    """One write statement, resolved once at Parse (its `$n` still placeholders in `source`)."""

    verb: str  # INSERT, UPDATE, DELETE
    relation: Relation
    source: exp.Select  # the query whose rows the statement writes
    columns: list[str]  # the declared column each output of `source` is written to (UPDATE/DELETE: key first)
    defaults: set[tuple[int, int]] = field(default_factory=set)  # (row, output) given as DEFAULT: left out
    match_on: tuple[str, ...] = ()
    on_conflict: OnConflict = OnConflict.ERROR
    update_columns: tuple[str, ...] | None = None  # ON CONFLICT DO UPDATE SET: the columns it changes
    returning: list[tuple[str, str]] = field(default_factory=list)  # (result name, declared column)
    parameter_columns: dict[int, str] = field(default_factory=dict)  # $n → the column it is assigned to
    ordinal: bool = False  # the source's first output is the VALUES row number (not written)

    @property
    def spec(self) -> TableSpec:
        return self.relation.spec

    @property
    def writes(self) -> WriteSpec:
        assert self.relation.spec.writes is not None
        return self.relation.spec.writes


def write_target(tree: exp.Expression, tables: TableSet, scope: NameScope) -> Relation | None:
    """The relation an INSERT/UPDATE/DELETE writes to when it declares writes (None: read-only, or not one of
    those statements — the caller refuses it as before: pgserver/sql/writes.py)."""
    if not isinstance(tree, exp.Insert | exp.Update | exp.Delete):
        return None
    table = _target_table(tree)
    if table is None:
        return None
    relation = resolve_relation(tables, scope, table.db or None, table.name, _position(table))
    return relation if writer_of(relation.provider) is not None else None


def plan_write(tree: exp.Expression, relation: Relation) -> WritePlan:
    """The statement as a WritePlan; PgError for what PostgreSQL refuses at Parse (and what is not supported)."""
    if tree.args.get("with") is not None:
        raise PgError(FEATURE_NOT_SUPPORTED, "WITH is not supported in INSERT, UPDATE or DELETE here",
                      hint="Write the query in the statement's FROM, USING or SELECT part instead.")
    if isinstance(tree, exp.Insert):
        plan = _plan_insert(tree, relation)
    elif isinstance(tree, exp.Update):
        plan = _plan_update(tree, relation)
    else:
        assert isinstance(tree, exp.Delete)
        plan = _plan_delete(tree, relation)
    plan.returning = _returning(tree, relation.spec, _aliases(tree, relation))
    return plan


# ---------------------------------------------------------------------------
# INSERT
# ---------------------------------------------------------------------------


def _plan_insert(tree: exp.Insert, relation: Relation) -> WritePlan:
    spec, writes = relation.spec, relation.spec.writes
    assert writes is not None
    target = tree.this
    if isinstance(target, exp.Schema):
        columns = [_column_name(spec, ident.name, ident) for ident in target.expressions]
        _no_duplicates(columns)
    else:
        columns = [c.name for c in spec.columns]
    match_on, on_conflict, update_columns = _on_conflict(tree, spec, writes, columns)
    plan = WritePlan("INSERT", relation, exp.select("*"), [], match_on=match_on, on_conflict=on_conflict,
                     update_columns=update_columns)
    source = tree.expression
    if tree.args.get("default") or source is None:  # INSERT … DEFAULT VALUES: one row, every column left out
        plan.source = exp.select(exp.alias_(exp.Literal.number(1), ROW_ORDINAL, quoted=True))
        return plan
    if isinstance(source, exp.Values):
        rows = [row.expressions if isinstance(row, exp.Tuple) else [row] for row in source.expressions]
        width = len(rows[0]) if rows else 0
        if any(len(r) != width for r in rows):
            raise PgError(SYNTAX_ERROR, "VALUES lists must all be the same length")
        _check_width(width, len(columns))
        columns = columns[:width]
        tuples = []
        for index, row in enumerate(rows):
            cells: list[exp.Expression] = [exp.Literal.number(index)]
            for position, cell in enumerate(row):
                cell = cell.copy()
                if _is_default(cell):
                    plan.defaults.add((index, position))
                    cell = exp.null()
                cell = _typed_literal(spec, columns[position], cell)
                _note_parameter(plan, cell, columns[position])
                cells.append(cell)
            tuples.append(exp.Tuple(expressions=cells))
        alias = exp.TableAlias(this=exp.to_identifier("*VALUES*", quoted=True),
                               columns=[exp.to_identifier(ROW_ORDINAL, quoted=True)]
                               + [exp.to_identifier(f"column{i}", quoted=True) for i in range(1, width + 1)])
        plan.source = exp.select("*").from_(exp.Subquery(this=exp.Values(expressions=tuples), alias=alias)) \
            .order_by(exp.column(ROW_ORDINAL, quoted=True))
        plan.columns, plan.ordinal = columns, True
        return plan
    if isinstance(source, exp.Subquery):
        source = source.this
    if not isinstance(source, exp.Query):
        raise PgError(FEATURE_NOT_SUPPORTED, f"INSERT … {source.key.upper()} is not supported")
    width = len(source.selects)
    _check_width(width, len(columns))
    columns = columns[:width]
    source = source.copy()
    for select in ([source] if isinstance(source, exp.Select) else []):
        for position, item in enumerate(list(select.expressions)[: len(columns)]):
            inner = item.this if isinstance(item, exp.Alias) else item
            typed = _typed_literal(spec, columns[position], inner)
            if typed is not inner:
                inner.replace(typed)
            _note_parameter(plan, typed, columns[position])
    plan.source = source if isinstance(source, exp.Select) else exp.select("*").from_(
        exp.Subquery(this=source, alias=exp.TableAlias(this=exp.to_identifier("source"))))
    plan.columns = columns
    return plan


def _check_width(width: int, columns: int) -> None:
    if width > columns:
        raise PgError(SYNTAX_ERROR, "INSERT has more expressions than target columns")


def _on_conflict(tree: exp.Insert, spec: TableSpec, writes: WriteSpec, columns: list[str]
                 ) -> tuple[tuple[str, ...], OnConflict, tuple[str, ...] | None]:
    """(match_on, on_conflict, update_columns). A plain INSERT matches on the external id where the table has one
    (a client's re-sent insert updates the row it made instead of duplicating it: issue 14)."""
    conflict = tree.args.get("conflict")
    external = tuple(c.name for c in writes.columns if c.identity and c.name.lower() == "externalid")
    if conflict is None:
        return external, OnConflict.UPDATE if external else OnConflict.ERROR, None
    if conflict.args.get("duplicate"):
        raise PgError(FEATURE_NOT_SUPPORTED, "ON DUPLICATE KEY is not PostgreSQL syntax",
                      hint='Use ON CONFLICT ("Reference") DO UPDATE SET … = EXCLUDED.….')
    action = str(conflict.args.get("action").this if conflict.args.get("action") else "").upper()
    keys = conflict.args.get("conflict_keys") or []
    constraint = conflict.args.get("constraint")
    targets: list[str] = []
    for key in keys:
        node = key.this if isinstance(key, exp.Ordered) else key
        if not isinstance(node, exp.Column | exp.Identifier):
            raise PgError("42P10", "there is no unique or exclusion constraint matching the ON CONFLICT specification")
        targets.append(_column_name(spec, node.name, node))
    if constraint is not None:
        targets.append(_constraint_column(spec, writes, constraint.name if isinstance(constraint, exp.Expression)
                                          else str(constraint)))
    if len(targets) > 1:
        raise PgError("42P10", "there is no unique or exclusion constraint matching the ON CONFLICT specification",
                      hint=f'"{spec.name}" has one-column unique keys only: '
                           + ", ".join(f'"{c.name}"' for c in writes.columns if c.identity) + ".")
    for name in targets:
        column = writes.column(name)
        if column is None or not column.identity:
            raise PgError("42P10", "there is no unique or exclusion constraint matching the ON CONFLICT "
                                   "specification",
                          hint="Rows are matched on " + ", ".join(f'"{c}"' for c in writes.identity_order) + ".")
    if action == "DO NOTHING":
        match_on = tuple(targets) or tuple(writes.identity_order)
        return match_on, OnConflict.NOTHING, None
    if action != "DO UPDATE":
        raise PgError(SYNTAX_ERROR, "syntax error in ON CONFLICT")
    if not targets:
        raise PgError(SYNTAX_ERROR, "ON CONFLICT DO UPDATE requires inference specification or constraint name",
                      hint='For example, ON CONFLICT ("Reference").')
    if conflict.args.get("where") is not None or (tree.args.get("where") is not None):
        raise PgError(FEATURE_NOT_SUPPORTED, "ON CONFLICT … DO UPDATE … WHERE is not supported here")
    updated: list[str] = []
    for assignment in conflict.expressions:
        if not isinstance(assignment, exp.EQ) or not isinstance(assignment.this, exp.Column):
            raise PgError(FEATURE_NOT_SUPPORTED, "ON CONFLICT DO UPDATE supports only SET column = EXCLUDED.column "
                                                 "here")
        name = _column_name(spec, assignment.this.name, assignment.this)
        value = assignment.expression
        if not (isinstance(value, exp.Column) and value.table.lower() == "excluded"
                and value.name.lower() == name.lower()):
            raise PgError(FEATURE_NOT_SUPPORTED, f'ON CONFLICT DO UPDATE supports only SET "{name}" = '
                                                 f'EXCLUDED."{name}" here',
                          detail="The matched row is updated with the values the INSERT gives "
                                 "(the API is sent no expression over the existing row).")
        if name not in columns:
            raise PgError(FEATURE_NOT_SUPPORTED, f'EXCLUDED."{name}" is not among the inserted columns')
        updated.append(name)
    _no_duplicates(updated)
    return tuple(targets), OnConflict.UPDATE, tuple(updated)


def _constraint_column(spec: TableSpec, writes: WriteSpec, constraint: str) -> str:
    """ON CONFLICT ON CONSTRAINT "Customers_Reference_key" / "Customers_pkey" → the column it covers."""
    lowered = constraint.lower()
    for column in writes.columns:
        if column.identity and lowered in (f"{spec.name}_{column.name}_key".lower(),
                                           f"{spec.name}_pkey".lower() if column.name in writes.key else ""):
            return column.name
    raise PgError("42704", f'constraint "{constraint}" for table "{spec.name}" does not exist')


# ---------------------------------------------------------------------------
# UPDATE and DELETE: the rows a SELECT finds
# ---------------------------------------------------------------------------


def _plan_update(tree: exp.Update, relation: Relation) -> WritePlan:
    spec, writes = relation.spec, relation.spec.writes
    assert writes is not None
    target = tree.this.copy()
    alias = target.alias_or_name
    key = [exp.column(k, table=alias, quoted=True) for k in writes.key]
    outputs: list[exp.Expression] = list(key)
    columns: list[str] = list(writes.key)
    plan = WritePlan("UPDATE", relation, exp.select("*"), [])
    for assignment in tree.expressions:
        if not isinstance(assignment, exp.EQ) or not isinstance(assignment.this, exp.Column):
            raise PgError(FEATURE_NOT_SUPPORTED, "UPDATE … SET (a, b) = (…) is not supported here",
                          hint="Assign each column: SET a = …, b = ….")
        column = assignment.this
        if column.table and column.table.lower() != alias.lower():
            raise PgError(UNDEFINED_COLUMN, f'column "{column.table}" of relation "{spec.name}" does not exist')
        name = _column_name(spec, column.name, column)
        if name in columns[len(writes.key):]:
            raise PgError(SYNTAX_ERROR, f'multiple assignments to same column "{name}"')
        value = assignment.expression.copy()
        if _is_default(value):
            declared = writes.column(name)
            if declared is None or not declared.updatable:
                continue  # SET "Balance" = DEFAULT: what a computed column already is
            value = exp.null()
        value = _typed_literal(spec, name, value)
        _note_parameter(plan, value, name)
        outputs.append(exp.alias_(value, f"__set_{len(outputs)}", quoted=True))
        columns.append(name)
    source = tree.args.get("from_") or tree.args.get("from")
    select = _with_where(_joined(exp.select(*outputs).from_(target), [source.this] if source else []), tree)
    plan.source, plan.columns = select, columns
    return plan


def _plan_delete(tree: exp.Delete, relation: Relation) -> WritePlan:
    writes = relation.spec.writes
    assert writes is not None
    target = tree.this.copy()
    alias = target.alias_or_name
    select = exp.select(*[exp.column(k, table=alias, quoted=True) for k in writes.key]).from_(target)
    select = _joined(select, list(tree.args.get("using") or []))
    return WritePlan("DELETE", relation, _with_where(select, tree), list(writes.key))


def _joined(select: exp.Select, tables: list[exp.Expression]) -> exp.Select:
    """UPDATE … FROM a, b JOIN c / DELETE … USING …: the other tables joined as written (a comma join)."""
    joins: list[exp.Expression] = list(select.args.get("joins") or [])
    for table in tables:
        table = table.copy()
        inner = list(table.args.get("joins") or [])
        table.set("joins", None)
        joins += [exp.Join(this=table), *inner]
    if joins:
        select.set("joins", joins)
    return select


def _with_where(select: exp.Select, tree: exp.Expression) -> exp.Select:
    where = tree.args.get("where")
    return select if where is None else select.where(where.this.copy())


# ---------------------------------------------------------------------------
# RETURNING
# ---------------------------------------------------------------------------


def _returning(tree: exp.Expression, spec: TableSpec, aliases: set[str]) -> list[tuple[str, str]]:
    returning = tree.args.get("returning")
    if returning is None:
        return []
    out: list[tuple[str, str]] = []
    for item in returning.expressions:
        name = item.alias if isinstance(item, exp.Alias) else None
        node = item.this if isinstance(item, exp.Alias) else item
        if isinstance(node, exp.Star) or (isinstance(node, exp.Column) and isinstance(node.this, exp.Star)):
            out += [(c.name, c.name) for c in spec.columns]
            continue
        if not isinstance(node, exp.Column):
            raise PgError(FEATURE_NOT_SUPPORTED, "RETURNING supports only columns of the target here",
                          hint="Select the columns, then compute over them in a query.")
        if node.table and node.table.lower() not in aliases:
            raise PgError(UNDEFINED_COLUMN, f"missing FROM-clause entry for table \"{node.table}\"")
        column = _column_name(spec, node.name, node)
        out.append((name or column, column))
    return out


def returning_columns(plan: WritePlan) -> list[ResultColumn] | None:
    """The RowDescription of a write with RETURNING (None: no rows, NoData)."""
    if not plan.returning:
        return None
    numbers = {c.name: i for i, c in enumerate(plan.spec.columns, start=1)}
    out = []
    for name, column_name in plan.returning:
        column = plan.spec.column(column_name)
        assert column is not None
        out.append(ResultColumn(name, column.type.oid, column.type.typmod, plan.relation.table_oid,
                                numbers[column.name]))
    return out


# ---------------------------------------------------------------------------
# parameters
# ---------------------------------------------------------------------------


def parameter_hints(plan: WritePlan, declared: Sequence[int]) -> list[int]:
    """$n assigned straight to a column takes the column's type where the client declared none (PostgreSQL's
    inference for INSERT … VALUES ($1) and SET col = $1); 0 for the others (inferred from the source query)."""
    count = max([len(declared), *plan.parameter_columns])
    out = [declared[i] if i < len(declared) else 0 for i in range(count)]
    for number, name in plan.parameter_columns.items():
        column = plan.spec.column(name)
        if column is not None and out[number - 1] == 0:
            out[number - 1] = column.type.oid
    return out


def _note_parameter(plan: WritePlan, cell: exp.Expression, column: str) -> None:
    if isinstance(cell, exp.Parameter) and isinstance(cell.this, exp.Literal) and cell.this.this.isdigit():
        plan.parameter_columns.setdefault(int(cell.this.this), column)


# ---------------------------------------------------------------------------
# execution: the source rows → one provider request → the statement's result
# ---------------------------------------------------------------------------


async def run_write(plan: WritePlan, rows: list[tuple[Any, ...]], ctx: ScanContext,
                    columns: list[ResultColumn] | None, on_applied: Callable[[int], None]) -> StaticCursor:
    """Send the rows found by `plan.source` to the provider; the statement's result, or its error (with the
    rows applied before it in the DETAIL). `on_applied` hears how many rows were applied, even on an error."""
    writer = writer_of(plan.relation.provider)
    assert writer is not None
    returning = tuple(dict.fromkeys(column for _, column in plan.returning))
    if plan.verb == "INSERT":
        values = [_insert_row(plan, index, row) for index, row in enumerate(rows)]
        result = await writer.insert(InsertRequest(values, match_on=plan.match_on, on_conflict=plan.on_conflict,
                                                   returning=returning, update_columns=plan.update_columns), ctx)
        counted = (WriteOutcome.CREATED, WriteOutcome.UPDATED)
    elif plan.verb == "UPDATE":
        changes = _update_changes(plan, rows)
        result = await writer.update(UpdateRequest(changes, returning=returning), ctx) if changes else WriteResult([])
        counted = (WriteOutcome.UPDATED,)
    else:
        keys = _unique_keys(plan, rows)
        result = await writer.delete(DeleteRequest(keys, returning=returning), ctx) if keys else WriteResult([])
        counted = (WriteOutcome.DELETED,)
    error = result.first_error
    applied = result.count(*counted)
    on_applied(applied)
    if error is not None:
        raise _half_way(error, result, plan)
    returned = [tuple((r.row or {}).get(column) for _, column in plan.returning)
                for r in result.rows if r.outcome in counted] if plan.returning else []
    tag = f"INSERT 0 {applied}" if plan.verb == "INSERT" else f"{plan.verb} {applied}"
    return StaticCursor(tag, columns, returned)


def _insert_row(plan: WritePlan, index: int, row: tuple[Any, ...]) -> dict[str, Any]:
    values = row[1:] if plan.ordinal else row
    if not plan.columns:  # DEFAULT VALUES
        return {}
    out: dict[str, Any] = {}
    for position, (name, value) in enumerate(zip(plan.columns, values, strict=True)):
        if (index, position) in plan.defaults:
            continue
        out[name] = assign(plan.spec, name, value)
    return out


def _update_changes(plan: WritePlan, rows: list[tuple[Any, ...]]) -> list[RowChange]:
    width = len(plan.writes.key)
    changes: list[RowChange] = []
    seen: set[tuple[Any, ...]] = set()
    for row in rows:
        key = tuple(row[:width])
        if key in seen:  # UPDATE … FROM joining a row several times: PostgreSQL updates it once
            continue
        seen.add(key)
        values = {name: assign(plan.spec, name, value)
                  for position, (name, value) in enumerate(zip(plan.columns, row, strict=True)) if position >= width}
        changes.append(RowChange(dict(zip(plan.writes.key, key, strict=True)), values))
    return changes


def _unique_keys(plan: WritePlan, rows: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    keys = list(dict.fromkeys(tuple(row[: len(plan.writes.key)]) for row in rows))
    return [dict(zip(plan.writes.key, key, strict=True)) for key in keys]


def _typed_literal(spec: TableSpec, name: str, cell: exp.Expression) -> exp.Expression:
    """An untyped string literal assigned to a column of another type, read by that type's input function at
    Parse, as PostgreSQL does (22P02 `invalid input syntax for type numeric: "x"` …); other cells unchanged."""
    column = spec.column(name)
    if column is None or not _is_untyped(cell) or _textual(column.type.oid):
        return cell
    return literal(adapters.decode_text(column.type.oid, cell.this), column.type.oid)


def _textual(oid: int) -> bool:
    return oid in (pgtypes.TEXT, pgtypes.VARCHAR, pgtypes.BPCHAR)


def assign(spec: TableSpec, name: str, value: Any) -> Any:
    """A value as PostgreSQL's assignment to column `name` makes it: a non-text value into a text column through
    its type's output function (an assignment cast). Other values go to the provider's field rules unchanged."""
    column = spec.column(name)
    if column is None or value is None:
        return value
    if _textual(column.type.oid) and isinstance(value, bool | int | float | decimal.Decimal):
        encoded = adapters.encode_text(adapters.infer_oid(value), value)
        return encoded.decode() if encoded is not None else None
    return value


def _half_way(error: PgError, result: WriteResult, plan: WritePlan) -> PgError:
    """The failing row's error; when the statement had other rows, its DETAIL says which were applied
    (they stay applied: the API has no transactions) and which were not attempted."""
    if len(result.rows) <= 1:
        return error
    failed = next(r for r in result.rows if r.outcome is WriteOutcome.FAILED)
    applied = [r for r in result.rows if r.outcome.applied]
    skipped = [r.index + 1 for r in result.rows if r.outcome is WriteOutcome.NOT_ATTEMPTED]
    parts = [f"Row {failed.index + 1} of {len(result.rows)} failed."]
    if applied:
        listed = ", ".join(f"row {r.index + 1} ({_key_text(r)} {r.outcome.value})" for r in applied[:20])
        more = f" and {len(applied) - 20} more" if len(applied) > 20 else ""
        parts.append(f"Applied before it, and still applied (Sage 200 has no transactions): {listed}{more}.")
    else:
        parts.append("No row was applied.")
    if skipped:
        parts.append(f"Not attempted: {_ranges(skipped)}.")
    detail = " ".join(parts)
    return PgError(error.sqlstate, error.message, detail=f"{error.detail} {detail}" if error.detail else detail,
                   hint=error.hint)


def _key_text(result: RowResult) -> str:
    if not result.key:
        return "?"
    return ", ".join(f"{k} {v}" for k, v in result.key.items())


def _ranges(numbers: list[int]) -> str:
    out: list[str] = []
    start = previous = numbers[0]
    for n in numbers[1:] + [None]:  # type: ignore[list-item]
        if n is not None and n == previous + 1:
            previous = n
            continue
        out.append(f"row {start}" if start == previous else f"rows {start}-{previous}")
        if n is not None:
            start = previous = n
    return ", ".join(out)


# ---------------------------------------------------------------------------
# names
# ---------------------------------------------------------------------------


def _target_table(tree: exp.Expression) -> exp.Table | None:
    target = tree.this
    if isinstance(target, exp.Schema):
        target = target.this
    return target if isinstance(target, exp.Table) and isinstance(target.this, exp.Identifier) else None


def _aliases(tree: exp.Expression, relation: Relation) -> set[str]:
    table = _target_table(tree)
    names = {relation.spec.name.lower()}
    if table is not None and table.alias:
        names = {table.alias.lower()}
    return names


def _position(node: exp.Expression) -> int | None:
    identifier = node.this if isinstance(node, exp.Table | exp.Column) else node
    meta = identifier.meta if isinstance(identifier, exp.Identifier) else None
    start = meta.get("start") if meta else None
    return start + 1 if start is not None else None


def _column_name(spec: TableSpec, name: str, node: exp.Expression) -> str:
    """The declared name of a target column (as PostgreSQL: quoted names exact, unquoted ones folded)."""
    identifier = node.this if isinstance(node, exp.Column) else node
    quoted = isinstance(identifier, exp.Identifier) and identifier.quoted
    matches = [c for c in spec.columns if (c.name == name if quoted else c.name.lower() == name.lower())]
    if not matches:
        matches = [c for c in spec.columns if c.name.lower() == name.lower()] if quoted else []
    if len(matches) > 1:
        raise PgError(AMBIGUOUS_COLUMN, f'column reference "{name}" is ambiguous')
    if not matches:
        raise PgError(UNDEFINED_COLUMN, f'column "{name}" of relation "{spec.name}" does not exist',
                      position=_position(node))
    return matches[0].name


def _no_duplicates(columns: list[str]) -> None:
    seen: set[str] = set()
    for name in columns:
        if name in seen:
            raise PgError("42701", f'column "{name}" specified more than once')  # duplicate_column
        seen.add(name)


def _is_default(node: exp.Expression) -> bool:
    return (isinstance(node, exp.Var) and node.name.upper() == "DEFAULT") or \
        (isinstance(node, exp.Column) and not node.table and not node.this.quoted and node.name.upper() == "DEFAULT")


def _is_untyped(node: exp.Expression) -> bool:
    """A string literal: of type unknown until assigned, as in PostgreSQL."""
    return isinstance(node, exp.Literal) and node.is_string
