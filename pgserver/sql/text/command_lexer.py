"""A small lexer for session commands (SET, SHOW, BEGIN, FETCH …).

sqlglot parses queries, but it turns most session commands into opaque exp.Command
nodes (and even misreads `DISCARD ALL` as a SELECT); these commands have a tiny grammar,
so they are recognised from words here before any query parsing happens.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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
