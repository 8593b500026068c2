"""Running procedures: CALL name(args) and `FROM proc(args)` both end in `run_procedure` (privileges checked
there once); bind/procedure_calls.py resolved the procedure and its arguments.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pgserver.errors import INSUFFICIENT_PRIVILEGE, PgError
from pgserver.provider import Procedure, ScanContext
from pgserver.sql.bind.procedure_calls import call_columns, called_procedure, procedure_arguments
from pgserver.sql.bind.tableset import NameScope, TableSet
from pgserver.sql.run.results import StaticCursor
from pgserver.sql.text.statements import Statement


async def run_procedure(procedure: Procedure, arguments: Mapping[str, Any], ctx: ScanContext, *,
                        superuser: bool) -> list[tuple[Any, ...]]:
    """The one way a procedure is called (CALL or FROM): a privileged one needs a superuser."""
    if procedure.spec.privileged and not superuser:
        raise PgError(INSUFFICIENT_PRIVILEGE, f"permission denied for procedure {procedure.spec.name}",
                      detail="It changes the data source's credentials for every connection.",
                      hint="Ask a superuser of this server (config [[users]] superuser = true), or sign in "
                           "with `pgserver login`.")
    return await procedure.call(arguments, ctx)


async def call_statement(statement: Statement, tables: TableSet, scope: NameScope, ctx: ScanContext, *,
                         superuser: bool) -> StaticCursor:
    """CALL name(args): one result set with the procedure's OUT columns."""
    procedure, function = called_procedure(statement, tables, scope)
    arguments = procedure_arguments(procedure, function.expressions)
    rows = await run_procedure(procedure, arguments, ctx, superuser=superuser)
    return StaticCursor("CALL", call_columns(statement, tables, scope), [tuple(r) for r in rows])
