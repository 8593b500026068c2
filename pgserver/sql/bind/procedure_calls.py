"""Procedure references: `FROM proc(args)` in queries and the arguments of CALL."""

from __future__ import annotations

from typing import Any

from sqlglot import exp

from pgserver.engine import ResultColumn
from pgserver.errors import (
    FEATURE_NOT_SUPPORTED,
    SYNTAX_ERROR,
    UNDEFINED_FUNCTION,
    PgError,
)
from pgserver.provider import Column, Procedure
from pgserver.sql.bind.bound_query import PlanEnvironment, ProcedureSlot
from pgserver.sql.bind.constants import NotPushable, literal_value
from pgserver.sql.bind.tableset import NameScope, TableSet, resolve_procedure
from pgserver.sql.text.parsing import parse_statement
from pgserver.sql.text.statements import Statement


def procedure_slot(table: exp.Table, env: PlanEnvironment, index: int) -> ProcedureSlot | None:
    function = table.this
    name = function.name if isinstance(function, exp.Anonymous) else function.sql_name()
    procedure = resolve_procedure(env.tables, env.scope, table.db or None, name)
    if procedure is None:
        return None
    arguments = procedure_arguments(procedure, function.expressions)
    slot_name = f"__proc{index}"
    alias_node = table.args.get("alias")
    new_alias = alias_node.copy() if alias_node is not None else exp.TableAlias(this=exp.to_identifier(name.lower()))
    table.replace(exp.Table(this=exp.to_identifier(slot_name), alias=new_alias))
    return ProcedureSlot(slot_name, procedure, arguments)


def procedure_arguments(procedure: Procedure, arguments: list[exp.Expression]) -> dict[str, Any]:
    """Positional and `name => value` arguments matched to the procedure's IN parameters."""
    inputs = [p for p in procedure.spec.parameters if p.direction.upper() != "OUT"]
    by_name = {p.name.lower(): p for p in inputs}
    values: dict[str, Any] = {}
    for index, argument in enumerate(arguments):
        if isinstance(argument, exp.Kwarg | exp.PropertyEQ | exp.EQ) and isinstance(argument.this, exp.Var | exp.Column | exp.Identifier):
            key = argument.this.name.lower()
            if key not in by_name:
                raise PgError(UNDEFINED_FUNCTION, f'procedure {procedure.spec.name} has no parameter "{argument.this.name}"')
            parameter = by_name[key]
            value_node = argument.expression
        else:
            if index >= len(inputs):
                raise PgError(UNDEFINED_FUNCTION, f"procedure {procedure.spec.name} takes at most {len(inputs)} arguments")
            parameter = inputs[index]
            value_node = argument
        try:
            values[parameter.name] = literal_value(value_node)
        except NotPushable:
            raise PgError(FEATURE_NOT_SUPPORTED, f"arguments of procedure {procedure.spec.name} must be constants") from None
    missing = [p.name for p in inputs if p.required and p.name not in values]
    if missing:
        raise PgError(UNDEFINED_FUNCTION, f"procedure {procedure.spec.name} requires parameter(s): {', '.join(missing)}")
    return values


def called_procedure(statement: Statement, tables: TableSet, scope: NameScope) -> tuple[Procedure, exp.Func]:
    words = statement.words
    if len(words) < 2:
        raise PgError(SYNTAX_ERROR, "syntax error at end of input", position=len(statement.sql) + 1)
    tree = parse_statement("SELECT * FROM " + statement.sql[words[1].start :])
    table = tree.find(exp.Table)
    function = table.this if table is not None else None
    if table is None or not isinstance(function, exp.Func):
        raise PgError(SYNTAX_ERROR, "syntax error in CALL", position=words[1].start + 1)
    name = function.name if isinstance(function, exp.Anonymous) else function.sql_name()
    procedure = resolve_procedure(tables, scope, table.db or None, name)
    if procedure is None:
        raise PgError(UNDEFINED_FUNCTION, f"procedure {name} does not exist",
                      hint="No procedure matches the given name and argument types.", position=words[1].start + 1)
    return procedure, function


def call_columns(statement: Statement, tables: TableSet, scope: NameScope) -> list[ResultColumn] | None:
    """The result columns of CALL (its OUT parameters), known before it runs (for Describe)."""
    procedure, _ = called_procedure(statement, tables, scope)
    outputs = [p for p in procedure.spec.parameters if p.direction.upper() == "OUT"]
    declared = [(p.name, Column(p.name, p.pg_type).type) for p in outputs]
    return [ResultColumn(name, type_.oid, type_.typmod) for name, type_ in declared] or None
