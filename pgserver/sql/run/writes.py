"""Rejecting writes and DDL: the Sage 200 views are read-only through this server, except the tables whose
TableSpec declares writes (Customers: pgserver/sql/run/dml.py, decision 0730).

PostgreSQL answers an INSERT into a non-updatable view with 55000
(object_not_in_prerequisite_state) `cannot insert into view "x"`; we do the same so
clients and ORMs see a familiar error (see docs/decisions/0401-read-only-errors.md).
"""

from __future__ import annotations

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

from pgserver.errors import (
    FEATURE_NOT_SUPPORTED,
    OBJECT_NOT_IN_PREREQUISITE_STATE,
    WRONG_OBJECT_TYPE,
    PgError,
)
from pgserver.sql.bind.tableset import NameScope, TableSet, resolve_relation
from pgserver.sql.text.statements import lex

_VERBS = {"INSERT": "insert into", "UPDATE": "update", "DELETE": "delete from", "MERGE": "merge into"}
_READ_ONLY_HINT = "Sage 200 data is read-only through this server; change it in Sage 200 or through its API."


def reject_write(sql: str, tables: TableSet, scope: NameScope) -> None:
    """Always raises: the right error for INSERT/UPDATE/DELETE/MERGE/TRUNCATE on `sql`."""
    words = lex(sql) or []
    verb = words[0].text.upper() if words else ""
    target = _target_name(sql)
    if target is not None:
        schema, name, position = target
        relation = resolve_relation(tables, scope, schema, name, position)  # 42P01 if unknown
        shown = relation.spec.name
        if verb == "TRUNCATE":
            raise PgError(WRONG_OBJECT_TYPE, f'"{shown}" is not a table', hint=_READ_ONLY_HINT)
        raise PgError(OBJECT_NOT_IN_PREREQUISITE_STATE, f'cannot {_VERBS.get(verb, verb.lower())} view "{shown}"',
                      detail="Views over the Sage 200 API are not updatable.", hint=_READ_ONLY_HINT)
    raise PgError(OBJECT_NOT_IN_PREREQUISITE_STATE, f"{verb} is not allowed: the database is read-only",
                  hint=_READ_ONLY_HINT)


def copy_from_refused(name: str) -> PgError:
    """COPY … FROM: nothing here takes rows (the COPY TO forms run: pgserver/sql/run/copy_statement.py)."""
    return PgError(OBJECT_NOT_IN_PREREQUISITE_STATE, f'cannot copy to view "{name}"', hint=_READ_ONLY_HINT)


def _target_name(sql: str) -> tuple[str | None, str, int | None] | None:
    try:
        tree = sqlglot.parse_one(sql, read="postgres")
    except SqlglotError:
        return None
    target = tree.this if isinstance(tree, exp.Insert | exp.Update | exp.Delete | exp.Merge) else tree.find(exp.Table)
    if isinstance(target, exp.Schema):
        target = target.this
    if not isinstance(target, exp.Table) or not isinstance(target.this, exp.Identifier):
        table = tree.find(exp.Table)
        if table is None or not isinstance(table.this, exp.Identifier):
            return None
        target = table
    start = target.this.meta.get("start") if target.this.meta else None
    return (target.db or None), target.name, (start + 1 if start is not None else None)


def reject_ddl(verb: str, sql: str) -> PgError:
    """The error for CREATE/ALTER/DROP/GRANT … (the schema is defined by the server)."""
    return PgError(FEATURE_NOT_SUPPORTED, f"{verb} is not supported: this database is read-only",
                   hint="The views and their columns are defined by the Sage 200 data model; "
                        "only queries and session commands are accepted.")
