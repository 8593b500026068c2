"""A statement before it is parsed: the split of a simple-query string, its words, its kind.

- `split_statements`: the statements of a Query message. The split uses sqlglot's PostgreSQL tokenizer so
  semicolons inside quotes, dollar quotes, quoted identifiers and comments never end a statement; empty
  statements (";;") vanish as they do in PostgreSQL.
- `lex`: the words of a statement. sqlglot parses queries, but it turns most session commands into opaque
  exp.Command nodes (and even misreads `DISCARD ALL` as a SELECT); those commands have a tiny grammar, so they
  are recognised from these words before any query parsing happens.
- `classify`: session command, query, EXPLAIN, write, DDL … — the first words decide; queries then go to
  sqlglot, session commands to their handlers.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from sqlglot.dialects.postgres import Postgres
from sqlglot.errors import TokenError
from sqlglot.tokens import TokenType

# -- splitting a Query message into statements --------------------
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


# -- the words of a statement ------------------------------------
_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<line_comment>--[^\n]*)
  | (?P<block_comment>/\*.*?\*/)
  | (?P<estring>[eE]'(?:[^'\\]|\\.|'')*')
  | (?P<string>'(?:[^']|'')*')
  | (?P<dollar>\$(?P<tag>[A-Za-z_]\w*)?\$.*?\$(?P=tag)?\$)
  | (?P<qident>"(?:[^"]|"")*")
  | (?P<param>\$\d+)
  | (?P<number>-?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|-?\.\d+)
  | (?P<word>[A-Za-z_][\w$]*)
  | (?P<op>=>|:=|\|\||[=,;().*+\-/<>!\[\]:|%~&^#@?{}])
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class Word:
    """One token: kind is word, string, ident (quoted identifier), number, param or op."""

    kind: str
    text: str  # unquoted value for strings/identifiers; original text otherwise
    start: int  # 0-based offset in the statement

    @property
    def upper(self) -> str:
        return self.text.upper() if self.kind == "word" else self.text

    def is_word(self, *candidates: str) -> bool:
        return self.kind == "word" and self.text.upper() in candidates


def lex(sql: str) -> list[Word] | None:
    """The tokens of `sql`, or None if it contains something this lexer does not know."""
    words: list[Word] = []
    position = 0
    while position < len(sql):
        match = _TOKEN.match(sql, position)
        if match is None:
            return None
        kind = match.lastgroup
        text = match.group(0)
        if kind in {"space", "line_comment", "block_comment"}:
            pass
        elif kind == "string":
            words.append(Word("string", text[1:-1].replace("''", "'"), position))
        elif kind == "estring":
            words.append(Word("string", _unescape(text[2:-1]), position))
        elif kind == "dollar":
            tag = match.group("tag") or ""
            words.append(Word("string", text[len(tag) + 2 : -(len(tag) + 2)], position))
        elif kind == "qident":
            words.append(Word("ident", text[1:-1].replace('""', '"'), position))
        elif kind == "tag":
            pass
        else:
            assert kind is not None
            words.append(Word(kind, text, position))
        position = match.end()
    return words


def _unescape(body: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t", "r": "\r"}.get(m[1], m[1]), body.replace("''", "'"))


def first_words(sql: str, count: int = 2) -> list[str]:
    """The first `count` bare words of a statement, upper-cased (for classification)."""
    words = lex(sql) or []
    result = []
    for word in words[:count]:
        if word.kind != "word":
            break
        result.append(word.text.upper())
    return result


def redact_strings(sql: str) -> str:
    """`sql` with every string literal ('…', E'…', $$…$$) replaced by '…', for logs (where a password or a
    sign-in code must never appear). Operators the lexer does not know (~, ||, ->) are kept; an unterminated
    quote cuts the text there."""
    out: list[str] = []
    position = 0
    while position < len(sql):
        match = _TOKEN.match(sql, position)
        if match is None:
            if sql[position] in "'$\"":
                out.append("…")
                break
            out.append(sql[position])
            position += 1
            continue
        out.append("'…'" if match.lastgroup in ("string", "estring", "dollar") else match.group(0))
        position = match.end()
    return "".join(out)


# -- what kind of statement -------------------------------------
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
