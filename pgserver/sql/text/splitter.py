"""Splitting a simple-query string into statements.

The split uses sqlglot's PostgreSQL tokenizer so semicolons inside quotes, dollar quotes,
quoted identifiers and comments never end a statement. Empty statements (";;") vanish
as they do in PostgreSQL.
"""

from __future__ import annotations

import functools

from sqlglot.dialects.postgres import Postgres
from sqlglot.errors import TokenError
from sqlglot.tokens import TokenType

_DIALECT = Postgres()


def tokenize(sql: str) -> list:
    """sqlglot tokens of `sql` (raises sqlglot TokenError on unterminated quotes)."""
    return _DIALECT.tokenize(sql)


CACHED_SPLITS = 512  # distinct query strings whose split is kept …
CACHED_LENGTH = 4096  # … when no longer than this (a connection pool's or a dashboard's repeated queries)


def split_statements(sql: str) -> list[str]:
    """The statements of `sql` in order, without their terminating semicolons."""
    return list(_split_cached(sql) if len(sql) <= CACHED_LENGTH else _split(sql))


@functools.lru_cache(maxsize=CACHED_SPLITS)
def _split_cached(sql: str) -> tuple[str, ...]:
    return _split(sql)


def _split(sql: str) -> tuple[str, ...]:
    try:
        tokens = tokenize(sql)
    except TokenError:
        # An unterminated quote or comment: PostgreSQL reports it when parsing the whole
        # string, so hand it on in one piece and let the parser raise the syntax error.
        return (sql.strip(),) if sql.strip() else ()
    ends = [token for token in tokens if token.token_type == TokenType.SEMICOLON]
    if not ends:  # one statement: it has content if it has a token (not only comments and whitespace)
        return (sql.strip(),) if tokens else ()
    statements: list[str] = []
    start = 0
    for token in ends:
        statements.append(sql[start : token.start])
        start = token.end + 1
    statements.append(sql[start:])
    return tuple(s.strip() for s in statements if _has_content(s))


def _has_content(text: str) -> bool:
    """False for whitespace/comment-only fragments, which PostgreSQL skips."""
    if not text.strip():
        return False
    try:
        return bool(tokenize(text))
    except TokenError:
        return True
