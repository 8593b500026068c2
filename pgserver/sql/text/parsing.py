"""Parsing one statement with sqlglot (PostgreSQL dialect), with PostgreSQL-style errors.

sqlglot reports where it stopped as line/column of the offending token; PostgreSQL
clients expect `syntax error at or near "tok"` and a 1-based character position, so
this module translates one into the other.
"""

from __future__ import annotations

import logging
from typing import TypeVar

import sqlglot
from sqlglot import exp
from sqlglot.dialects.postgres import Postgres
from sqlglot.errors import ParseError, TokenError
from sqlglot.tokens import Token, TokenType

from pgserver.errors import SYNTAX_ERROR, PgError
from pgserver.output_names import WRITTEN_NAME
from pgserver.sql.text import grammar
from pgserver.sql.text.known_functions import check_function_calls
from pgserver.sql.text.statements import lex, tokenize

# sqlglot warns when it falls back to exp.Command; we decide ourselves what that means.
logging.getLogger("sqlglot").setLevel(logging.ERROR)



def _anonymous(name: str, min_args: int = 0):  # type: ignore[no-untyped-def]
    """Keep a PostgreSQL function as written (sqlglot would translate its template argument)."""

    def build(args: list[exp.Expression], **kwargs: object) -> exp.Expression:
        if len(args) < min_args:
            return Postgres.Parser.FUNCTIONS[name.upper()](args, **kwargs)
        return exp.Anonymous(this=name, expressions=args)

    return build


# sqlglot's messages for a call with too many or too few arguments (Expression.error_messages)
_ARITY_ERRORS = ("The number of provided arguments", "Required keyword:")
E = TypeVar("E", bound=exp.Expression)


class SagePostgres(Postgres):
    """PostgreSQL as sqlglot reads it, except to_char/to_date/to_timestamp(text, template):
    their templates are evaluated by our own UDFs (pg_templates.py), not mapped to strftime."""

    SUPPORTS_FIXED_SIZE_ARRAYS = True  # `int[3]` reads as a type with bounds (Parser._parse_types drops them)

    class Tokenizer(Postgres.Tokenizer):
        """`@` is PostgreSQL's absolute-value operator, never a parameter's sigil: sqlglot's tokenizer reads the
        token after a PARAMETER as a bare name (`@ 7.25` as 7 . 25, `@ NULL` as a column). `@` is scanned under
        a token type of its own and named PARAMETER again once the text is tokenized, so what follows it is
        scanned as anywhere else (the parser's _parse_parameter makes it abs())."""

        SINGLE_TOKENS = {**Postgres.Tokenizer.SINGLE_TOKENS, "@": TokenType.UNKNOWN}

        def tokenize(self, sql: str) -> list[Token]:
            tokens = super().tokenize(sql)
            for token in tokens:
                if token.token_type == TokenType.UNKNOWN and token.text == "@":
                    token.token_type = TokenType.PARAMETER
            return tokens

    class Parser(Postgres.Parser):
        def _parse_types(self, *args: object, **kwargs: object) -> exp.Expression | None:  # type: ignore[override]
            """`oid[]`, `regtype[]`: sqlglot returns the object-identifier type before its `[]`
            (asyncpg's type introspection casts `$1::oid[]`, pgcli `proargtypes::regtype[]`)."""
            result = super()._parse_types(*args, **kwargs)  # type: ignore[arg-type]
            if isinstance(result, exp.DataType) and result.this == exp.DataType.Type.ARRAY \
                    and any(t.args.get("values") for t in result.find_all(exp.DataType)):
                # `int[3]`, `text[][1]`: array bounds, which PostgreSQL accepts and ignores (8.15.1) — the type is
                # the one-dimensional array of the element type
                element = result
                while isinstance(element, exp.DataType) and element.this == exp.DataType.Type.ARRAY:
                    element = element.expressions[0]
                return exp.DataType(this=exp.DataType.Type.ARRAY, expressions=[element], nested=True)
            if isinstance(result, exp.ObjectIdentifier) and self._match_pair(TokenType.L_BRACKET, TokenType.R_BRACKET):
                element = exp.DataType(this=exp.DataType.Type.USERDEFINED, kind=exp.to_identifier(result.name.lower()))
                return exp.DataType(this=exp.DataType.Type.ARRAY, expressions=[element], nested=True)
            return result

        # `timestamptz '…'::timestamp` is (timestamptz '…')::timestamp in PostgreSQL; sqlglot applies
        # the `::` to the bare literal first and wraps the result in the typed-literal cast, which
        # swaps the two casts. We hold the literal's postfix operators back until the typed literal
        # is built, then apply them to it.
        _defer_literal_ops = False
        _deferred_literal = False

        def _parse_type(self, *args: object, **kwargs: object) -> exp.Expression | None:  # type: ignore[override]
            outer_defer, outer_deferred = self._defer_literal_ops, self._deferred_literal
            self._defer_literal_ops, self._deferred_literal = True, False
            try:
                result = super()._parse_type(*args, **kwargs)  # type: ignore[arg-type]
                deferred = self._deferred_literal
            finally:
                self._defer_literal_ops, self._deferred_literal = outer_defer, outer_deferred
            if deferred and result is not None:
                # apply the held-back operators now, not deferring again under an enclosing _parse_type
                defer, self._defer_literal_ops = self._defer_literal_ops, False
                try:
                    result = self._parse_column_ops(result)
                finally:
                    self._defer_literal_ops = defer
            return result

        def _parse_column_ops(self, this: exp.Expression | None) -> exp.Expression | None:
            if self._defer_literal_ops and isinstance(this, exp.Literal):
                self._deferred_literal = True
                return this
            defer, self._defer_literal_ops = self._defer_literal_ops, False
            try:
                return super()._parse_column_ops(this)
            finally:
                self._defer_literal_ops = defer

        def reset(self) -> None:
            super().reset()
            self._calls: list[str] = []  # the names of the function calls being parsed, innermost last

        def validate_expression(self, expression: E, args: list | None = None) -> E:  # type: ignore[override]
            """A built-in called with a number of arguments sqlglot's node does not take stays a call by its written
            name (an Anonymous node), so the statement fails as PostgreSQL's does — `function upper(integer,
            integer) does not exist` (42883), from DuckDB's binder — instead of with a syntax error."""
            if args is not None and self._calls and isinstance(expression, exp.Func) \
                    and not isinstance(expression, exp.Anonymous) \
                    and any(m.startswith(_ARITY_ERRORS) for m in expression.error_messages(args)):
                call = exp.Anonymous(this=self._calls[-1], expressions=[a for a in args if isinstance(a, exp.Expression)])
                return call  # type: ignore[return-value]
            return super().validate_expression(expression, args)

        def _parse_function_call(self, *args: object, **kwargs: object) -> exp.Expression | None:  # type: ignore[override]
            """Keep the name the client wrote (sqlglot normalises date_part to Extract, btrim to Trim …):
            PostgreSQL names the result column after it (output_names.py reads WRITTEN_NAME)."""
            token = self._curr
            self._calls.append(token.text.lower() if token is not None else "")
            try:
                result = super()._parse_function_call(*args, **kwargs)  # type: ignore[arg-type]
            finally:
                self._calls.pop()
            func = result.this if isinstance(result, exp.Window) else result
            cast_syntax = isinstance(func, exp.Cast) and token is not None and token.text.lower() in ("cast", "try_cast")
            if token is not None and isinstance(func, exp.Expression) and not isinstance(func, exp.Anonymous) \
                    and not cast_syntax and self._prev is not None and self._prev.token_type == TokenType.R_PAREN:
                func.meta[WRITTEN_NAME] = token.text.lower()
            return result

        def _parse_derived_table_values(self, *args: object, **kwargs: object) -> exp.Expression | None:  # type: ignore[override]
            """`(VALUES … ORDER BY … LIMIT … OFFSET …) AS t(v)`: VALUES is a select clause in PostgreSQL's grammar and
            takes the query modifiers; sqlglot expects the closing parenthesis right after the rows. Read as
            (SELECT * FROM (VALUES …) ORDER BY … LIMIT …)."""
            index = self._index
            if not self._match_pair(TokenType.L_PAREN, TokenType.VALUES):
                return super()._parse_derived_table_values(*args, **kwargs)  # type: ignore[arg-type]
            rows = self._parse_csv(self._parse_value)
            if not self._curr or self._curr.token_type not in (TokenType.ORDER_BY, TokenType.LIMIT, TokenType.OFFSET,
                                                                 TokenType.FETCH):
                self._retreat(index)
                return super()._parse_derived_table_values(*args, **kwargs)  # type: ignore[arg-type]
            select = self._parse_query_modifiers(exp.select("*").from_(exp.Values(expressions=rows)))
            self._match_r_paren()
            return self.expression(exp.Subquery(this=select, alias=self._parse_table_alias()))

        def _parse_bracket(self, this: exp.Expression | None = None) -> exp.Expression | None:  # type: ignore[override]
            """`ARRAY[1, 2][1]` is a syntax error in PostgreSQL's grammar (a subscript needs a parenthesised
            array constructor: `(ARRAY[1, 2])[1]`); sqlglot would take it."""
            if isinstance(this, exp.Array) and self._curr is not None and self._curr.token_type == TokenType.L_BRACKET:
                self.raise_error("Invalid expression / Unexpected token", self._curr)
            return super()._parse_bracket(this)  # type: ignore[arg-type]

        def _parse_parameter(self) -> exp.Expression:  # type: ignore[override]
            """`@ x` is PostgreSQL's absolute-value prefix operator, not a parameter (sqlglot tokenizes
            both @ and $ as PARAMETER)."""
            if self._prev is not None and self._prev.text == "@":
                return self.expression(exp.Abs(this=self._parse_unary()))
            return super()._parse_parameter()

        # `|/ x`, `||/ x` exist for double precision only (pg_operator): the operand is cast to it, as
        # PostgreSQL's operator resolution does; sqlglot reads them as sqrt()/cbrt() of any type
        UNARY_PARSERS = {
            **Postgres.Parser.UNARY_PARSERS,
            TokenType.PIPE_SLASH: lambda self: self.expression(exp.Sqrt(this=exp.cast(
                self._parse_unary(), exp.DataType.build("DOUBLE")))),
            TokenType.DPIPE_SLASH: lambda self: self.expression(exp.Cbrt(this=exp.cast(
                self._parse_unary(), exp.DataType.build("DOUBLE")))),
        }

        FUNCTIONS = {
            **Postgres.Parser.FUNCTIONS,
            "TO_CHAR": _anonymous("to_char"),
            "TO_DATE": _anonymous("to_date"),
            "TO_TIMESTAMP": _anonymous("to_timestamp", min_args=2),
        }


DIALECT = SagePostgres


def parse_statement(sql: str) -> exp.Expression:
    """One statement as a sqlglot tree, PostgreSQL-only forms normalised (pgserver/sql/text/grammar);
    PgError 42601 for a syntax error."""
    sql = _spaced_parameters(sql)
    try:
        tokens = tokenize(sql)
    except TokenError as err:
        raise _unterminated(sql, err) from None
    if tokens and tokens[0].token_type == TokenType.VAR:
        # PostgreSQL rejects an unknown leading word at that word ("selec 1").
        raise syntax_error_at(sql, tokens[0].start, tokens[0].text)
    try:
        parsed = sqlglot.parse(sql, read=DIALECT)
    except ParseError as err:
        raise _from_parse_error(sql, err) from None
    except TokenError as err:
        raise _unterminated(sql, err) from None
    statements = [p for p in parsed if p is not None]
    if len(statements) != 1:
        raise PgError(SYNTAX_ERROR, "cannot insert multiple commands into a prepared statement")
    _check_distinct_targets(statements[0], sql, tokens)
    check_function_calls(statements[0], sql)
    return grammar.normalize(statements[0])


def _check_distinct_targets(tree: exp.Expression, sql: str, tokens: list[Token]) -> None:
    """`SELECT DISTINCT FROM t` is a syntax error in PostgreSQL (DISTINCT takes a target list; an empty list is only
    PostgreSQL's for plain SELECT), at the word after DISTINCT; sqlglot reads it as a DISTINCT of no columns."""
    if not any(select.args.get("distinct") is not None and not select.expressions
               for select in tree.find_all(exp.Select)):
        return
    for token, following in zip(tokens, [*tokens[1:], None], strict=True):
        if token.token_type == TokenType.DISTINCT and (following is None or following.token_type in _NOT_A_TARGET):
            if following is None:
                raise end_of_input_error(sql)
            raise syntax_error_at(sql, following.start, following.text)


# Tokens that end a select list: after DISTINCT, one of these means no target list was written
_NOT_A_TARGET = frozenset({TokenType.FROM, TokenType.WHERE, TokenType.GROUP_BY, TokenType.HAVING, TokenType.ORDER_BY,
                           TokenType.LIMIT, TokenType.UNION, TokenType.EXCEPT, TokenType.INTERSECT,
                           TokenType.R_PAREN, TokenType.SEMICOLON, TokenType.WINDOW})


def _spaced_parameters(sql: str) -> str:
    """`$1,$2` with a space after each parameter: sqlglot reads `$2,$` as the start of a dollar-quoted string
    tagged `2,` (PostgreSQL's tags cannot start with a digit), so pgjdbc's `VALUES ($1,$2,$3)` failed to parse."""
    if "$" not in sql:
        return sql
    words = lex(sql)
    if words is None:
        return sql
    out, last = [], 0
    for word in words:
        end = word.start + len(word.text)
        if word.kind == "param" and end < len(sql) and not sql[end].isspace():
            out += [sql[last:end], " "]
            last = end
    return "".join(out) + sql[last:] if out else sql


def syntax_error_at(sql: str, offset: int, text: str) -> PgError:
    """PostgreSQL's message for a syntax error at a 0-based character offset."""
    return PgError(SYNTAX_ERROR, f'syntax error at or near "{text}"', position=offset + 1)


def end_of_input_error(sql: str) -> PgError:
    return PgError(SYNTAX_ERROR, "syntax error at end of input", position=len(sql.rstrip()) + 1)


def _from_parse_error(sql: str, err: ParseError) -> PgError:
    details = err.errors[0] if err.errors else {}
    highlight = details.get("highlight") or ""
    line, col = details.get("line"), details.get("col")
    if not highlight or line is None or col is None:
        return end_of_input_error(sql)
    lines = sql.split("\n")
    line_start = sum(len(text) + 1 for text in lines[: max(line - 1, 0)])
    end = line_start + col  # sqlglot's col is the 1-based column of the token's last character
    start = max(end - len(highlight), 0)
    if sql[start:end] != highlight:
        found = sql.find(highlight)
        start = found if found >= 0 else start
    unexpected = str(details.get("description", "")).startswith("Invalid expression / Unexpected token")
    if start >= len(sql.rstrip()) or (not unexpected and not sql[start + len(highlight):].strip()):
        # sqlglot blames the last token when input ran out; PostgreSQL says "end of input".
        return end_of_input_error(sql)
    return syntax_error_at(sql, start, highlight)


def _unterminated(sql: str, err: TokenError) -> PgError:
    stripped = sql.lstrip()
    for opener, what in (("'", "unterminated quoted string"), ('"', "unterminated quoted identifier"),
                         ("/*", "unterminated /* comment"), ("$", "unterminated dollar-quoted string")):
        index = _unbalanced(sql, opener)
        if index is not None:
            return PgError(SYNTAX_ERROR, f'{what} at or near "{sql[index:]}"', position=index + 1)
    return end_of_input_error(stripped or sql)


def _unbalanced(sql: str, opener: str) -> int | None:
    """Offset of the last unmatched opener of this kind (a best effort for error positions)."""
    if opener == "/*":
        index = sql.rfind("/*")
        return index if index >= 0 and sql.find("*/", index) < 0 else None
    if sql.count(opener) % 2 == 1:
        return sql.rfind(opener)
    return None
