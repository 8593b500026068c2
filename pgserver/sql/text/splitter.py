"""Splitting a simple-query string into statements.

The split uses sqlglot's PostgreSQL tokenizer so semicolons inside quotes, dollar quotes,
quoted identifiers and comments never end a statement. Empty statements (";;") vanish
as they do in PostgreSQL.
"""

from __future__ import annotations

from sqlglot.dialects.postgres import Postgres
from sqlglot.errors import TokenError
from sqlglot.tokens import TokenType

_DIALECT = Postgres()


def tokenize(sql: str) -> list:
    """sqlglot tokens of `sql` (raises sqlglot TokenError on unterminated quotes)."""
    return _DIALECT.tokenize(sql)


def split_statements(sql: str) -> list[str]:
    """The statements of `sql` in order, without their terminating semicolons."""
    try:
        tokens = tokenize(sql)
    except TokenError:
        # An unterminated quote or comment: PostgreSQL reports it when parsing the whole
        # string, so hand it on in one piece and let the parser raise the syntax error.
        return [sql.strip()] if sql.strip() else []
    statements: list[str] = []
    start = 0
    for token in tokens:
        if token.token_type == TokenType.SEMICOLON:
            statements.append(sql[start : token.start])
            start = token.end + 1
    statements.append(sql[start:])
    return [s.strip() for s in statements if _has_content(s)]


def _has_content(text: str) -> bool:
    """False for whitespace/comment-only fragments, which PostgreSQL skips."""
    if not text.strip():
        return False
    try:
        return bool(tokenize(text))
    except TokenError:
        return True
