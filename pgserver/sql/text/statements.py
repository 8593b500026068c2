"""Classifying a statement before parsing: session command, query, EXPLAIN, write, DDL …

The first words decide; queries then go to sqlglot, session commands to their handlers.
"""

from __future__ import annotations

from dataclasses import dataclass

from pgserver.sql.text.command_lexer import Word, lex

QUERY_STARTS = {"SELECT", "WITH", "VALUES", "TABLE", "("}
TRANSACTION_END = {"COMMIT", "END", "ROLLBACK", "ABORT"}
SESSION_COMMANDS = {"BEGIN", "START", "COMMIT", "END", "ROLLBACK", "ABORT", "SAVEPOINT", "RELEASE", "SET", "RESET",
                    "SHOW", "DISCARD", "DEALLOCATE", "DECLARE", "FETCH", "MOVE", "CLOSE", "LISTEN", "UNLISTEN",
                    "NOTIFY", "PREPARE", "EXECUTE", "CALL", "EXPLAIN", "LOAD", "CHECKPOINT", "COPY"}
WRITES = {"INSERT", "UPDATE", "DELETE", "MERGE", "TRUNCATE"}
DDL = {"CREATE", "ALTER", "DROP", "GRANT", "REVOKE", "COMMENT", "REINDEX", "CLUSTER", "VACUUM", "ANALYZE",
       "LOCK", "REFRESH", "SECURITY", "IMPORT", "REASSIGN"}


@dataclass(frozen=True)
class Statement:
    """A classified statement: `kind` is query, command, write, ddl or empty."""

    sql: str
    kind: str
    verb: str  # the first word, upper-cased ('' for queries starting with '(')
    words: tuple[Word, ...]


def classify(sql: str) -> Statement:
    words = lex(sql)
    if words is None:
        return Statement(sql, "query", "", ())  # let the parser produce the syntax error
    if not words:
        return Statement(sql, "empty", "", ())
    first = words[0]
    verb = first.text.upper() if first.kind == "word" else first.text
    if verb in QUERY_STARTS:
        kind = "query"
    elif verb in SESSION_COMMANDS:
        kind = "command"
    elif verb in WRITES:
        kind = "write"
    elif verb in DDL:
        kind = "ddl"
    else:
        kind = "query"  # unknown leading word: the parser reports the syntax error
    return Statement(sql, kind, verb, tuple(words))


def allowed_in_failed_block(statement: Statement) -> bool:
    """Only ending the block (or rolling back to a savepoint) is allowed after an error."""
    return statement.verb in TRANSACTION_END
