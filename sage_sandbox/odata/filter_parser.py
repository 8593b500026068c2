"""Tokenizer and recursive-descent parser for the Sage 200 `$filter` language.

Grammar (the OData subset the Sage 200 UK API documents, plus `not`):

    expr       := or_expr
    or_expr    := and_expr ("or" and_expr)*
    and_expr   := unary ("and" unary)*
    unary      := "not" unary | comparison
    comparison := operand [("eq"|"ne"|"gt"|"ge"|"lt"|"le") operand]
    operand    := "(" expr ")" | call | literal | field
    call       := ("contains"|"startswith"|"endswith") "(" operand "," operand ")"
    field      := name ("." name)*

Literals: 'quoted strings' ('' escapes a quote), integers and decimals, true/false,
null, unquoted dates (2016-01-01) and UTC datetimes (2016-02-24T09:52:11.452Z; the
Z is mandatory, as in the API). Errors raise `FilterSyntaxError` with a position.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

COMPARISON_OPS = frozenset({"eq", "ne", "gt", "ge", "lt", "le"})
STRING_FUNCTIONS = frozenset({"contains", "startswith", "endswith"})
KEYWORDS = frozenset({"and", "or", "not"}) | COMPARISON_OPS


class FilterSyntaxError(ValueError):
    """The $filter text is not valid; `position` is the 0-based character offset."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(f"{message} (at position {position})")
        self.position = position


# ---------------------------------------------------------------------------
# Tokens
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Token:
    kind: str  # "string" "datetime" "date" "number" "name" "(" ")" "," "end"
    text: str
    position: int


_TOKEN_RE = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<string>'(?:[^']|'')*')
  | (?P<datetime>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?(?:Z|[+-]\d{2}:\d{2})?)
  | (?P<date>\d{4}-\d{2}-\d{2})
  | (?P<number>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?[mMdDfFlL]?)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*(?:[./][A-Za-z_][A-Za-z0-9_]*)*)
  | (?P<punct>[(),])
    """,
    re.VERBOSE,
)


def tokenize(text: str) -> list[Token]:
    """Split `text` into tokens; anything unrecognised is a syntax error."""
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN_RE.match(text, pos)
        if match is None:
            if text[pos] == "'":
                raise FilterSyntaxError("unterminated string literal", pos)
            raise FilterSyntaxError(f"unexpected character {text[pos]!r}", pos)
        kind = match.lastgroup or ""
        if kind != "ws":
            value = match.group()
            tokens.append(Token(value if kind == "punct" else kind, value, pos))
        pos = match.end()
    tokens.append(Token("end", "", len(text)))
    return tokens


# ---------------------------------------------------------------------------
# AST
# ---------------------------------------------------------------------------

LiteralValue = None | bool | int | Decimal | str | dt.date | dt.datetime


@dataclass(frozen=True)
class Literal:
    value: LiteralValue
    position: int


@dataclass(frozen=True)
class Field:
    path: str  # "name" or "main_address.city"
    position: int


@dataclass(frozen=True)
class Call:
    function: str  # contains / startswith / endswith
    args: tuple[Node, ...]
    position: int


@dataclass(frozen=True)
class Compare:
    op: str  # eq ne gt ge lt le
    left: Node
    right: Node
    position: int


@dataclass(frozen=True)
class And:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class NotNode:
    item: Node
    position: int


Node = Literal | Field | Call | Compare | And | Or | NotNode


# ---------------------------------------------------------------------------
# Parser
# ---------------------------------------------------------------------------


def parse_filter(text: str) -> Node:
    """Parse a whole $filter expression into an AST."""
    if not text.strip():
        raise FilterSyntaxError("empty $filter", 0)
    parser = _Parser(tokenize(text))
    node = parser.expr()
    token = parser.peek()
    if token.kind != "end":
        raise FilterSyntaxError(f"unexpected {token.text!r}", token.position)
    return node


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.index = 0

    def peek(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.tokens[self.index]
        if token.kind != "end":
            self.index += 1
        return token

    def keyword(self, word: str) -> bool:
        token = self.peek()
        if token.kind == "name" and token.text.lower() == word:
            self.advance()
            return True
        return False

    def expect(self, kind: str) -> Token:
        token = self.peek()
        if token.kind != kind:
            shown = token.text or "end of $filter"
            raise FilterSyntaxError(f"expected {kind!r} but found {shown!r}", token.position)
        return self.advance()

    def expr(self) -> Node:
        items = [self.and_expr()]
        while self.keyword("or"):
            items.append(self.and_expr())
        return items[0] if len(items) == 1 else Or(tuple(items))

    def and_expr(self) -> Node:
        items = [self.unary()]
        while self.keyword("and"):
            items.append(self.unary())
        return items[0] if len(items) == 1 else And(tuple(items))

    def unary(self) -> Node:
        token = self.peek()
        if self.keyword("not"):
            return NotNode(self.unary(), token.position)
        return self.comparison()

    def comparison(self) -> Node:
        left = self.operand()
        token = self.peek()
        if token.kind == "name" and token.text.lower() in COMPARISON_OPS:
            self.advance()
            right = self.operand()
            return Compare(token.text.lower(), left, right, token.position)
        return left

    def operand(self) -> Node:
        token = self.peek()
        if token.kind == "(":
            self.advance()
            inner = self.expr()
            self.expect(")")
            return inner
        if token.kind == "string":
            self.advance()
            return Literal(token.text[1:-1].replace("''", "'"), token.position)
        if token.kind == "number":
            self.advance()
            return Literal(_number(token), token.position)
        if token.kind == "date":
            self.advance()
            return Literal(_date(token), token.position)
        if token.kind == "datetime":
            self.advance()
            return Literal(_datetime(token), token.position)
        if token.kind == "name":
            return self.name_operand()
        shown = token.text or "end of $filter"
        raise FilterSyntaxError(f"expected a field or a value but found {shown!r}", token.position)

    def name_operand(self) -> Node:
        token = self.advance()
        lowered = token.text.lower()
        if lowered in ("true", "false"):
            return Literal(lowered == "true", token.position)
        if lowered == "null":
            return Literal(None, token.position)
        if lowered in KEYWORDS:
            raise FilterSyntaxError(f"unexpected keyword {token.text!r}", token.position)
        if self.peek().kind == "(":
            if lowered not in STRING_FUNCTIONS:
                raise FilterSyntaxError(f"unknown function {token.text!r}", token.position)
            self.advance()
            args = [self.operand()]
            while self.peek().kind == ",":
                self.advance()
                args.append(self.operand())
            self.expect(")")
            if len(args) != 2:
                raise FilterSyntaxError(f"{lowered}() takes 2 arguments, got {len(args)}", token.position)
            return Call(lowered, tuple(args), token.position)
        return Field(token.text.replace("/", "."), token.position)


def _number(token: Token) -> int | Decimal:
    text = token.text.rstrip("mMdDfFlL")
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    return Decimal(text)


def _date(token: Token) -> dt.date:
    try:
        return dt.date.fromisoformat(token.text)
    except ValueError:
        raise FilterSyntaxError(f"invalid date {token.text!r}", token.position) from None


def _datetime(token: Token) -> dt.datetime:
    text = token.text
    if not (text.endswith("Z") or re.search(r"[+-]\d{2}:\d{2}$", text)):
        raise FilterSyntaxError(f"datetime {text!r} must end with Z (UTC)", token.position)
    try:
        value = dt.datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
    except ValueError:
        raise FilterSyntaxError(f"invalid datetime {text!r}", token.position) from None
    return value.astimezone(dt.UTC).replace(tzinfo=None)


def filter_fields(node: Node) -> list[str]:
    """Every field path the expression mentions."""
    if isinstance(node, Field):
        return [node.path]
    if isinstance(node, (And, Or)):
        return [f for item in node.items for f in filter_fields(item)]
    if isinstance(node, NotNode):
        return filter_fields(node.item)
    if isinstance(node, Compare):
        return filter_fields(node.left) + filter_fields(node.right)
    if isinstance(node, Call):
        return [f for arg in node.args for f in filter_fields(arg)]
    return []
