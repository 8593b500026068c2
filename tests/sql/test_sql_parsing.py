"""Statement splitting and syntax errors (42601 with PostgreSQL-style messages and positions)."""

from __future__ import annotations

import pytest
from sql_helpers import error_of, run

from pgserver.errors import PgError
from pgserver.sql.text.parsing import parse_statement
from pgserver.sql.text.statements import split_statements

pytestmark = pytest.mark.anyio


def test_split_respects_quotes_dollar_quotes_and_comments() -> None:
    sql = "select 'a;b', \"x;y\", $$p;q$$, $t$ ; $t$ -- c;\n ; /* ; */ select 2;"
    assert split_statements(sql) == ["select 'a;b', \"x;y\", $$p;q$$, $t$ ; $t$ -- c;", "/* ; */ select 2"]


def test_split_drops_empty_statements() -> None:
    assert split_statements("") == []
    assert split_statements("  ;; -- nothing\n ;") == []
    assert split_statements("begin; select 1;;commit") == ["begin", "select 1", "commit"]


def test_unterminated_string_is_one_statement_and_a_syntax_error() -> None:
    assert split_statements("select 'abc; select 2") == ["select 'abc; select 2"]
    with pytest.raises(PgError) as caught:
        parse_statement("select 'abc; select 2")
    assert caught.value.sqlstate == "42601"
    assert "unterminated quoted string" in caught.value.message
    assert caught.value.position == 8


@pytest.mark.parametrize(("sql", "message", "position"), [
    ("selec 1", 'syntax error at or near "selec"', 1),
    ("select from where x", 'syntax error at or near "where"', 13),
    ("select 1 2", 'syntax error at or near "2"', 10),
    ("select 1 +", "syntax error at end of input", 11),
    ("select * from customers where", "syntax error at end of input", 30),
])
def test_syntax_errors_read_like_postgresql(sql: str, message: str, position: int) -> None:
    with pytest.raises(PgError) as caught:
        parse_statement(sql)
    assert (caught.value.sqlstate, caught.value.message, caught.value.position) == ("42601", message, position)


async def test_syntax_error_through_the_engine_keeps_the_session_usable(engine) -> None:
    error = await error_of(engine, "SELEC * FROM customers")
    assert error.sqlstate == "42601" and error.position == 1
    assert (await run(engine, "select 1 as one")).rows == [(1,)]
    assert engine.transaction_status == "I"


async def test_empty_statement(engine) -> None:
    result = await run(engine, "")
    assert result.columns is None and result.rows == []


def test_split_of_one_statement_and_of_repeated_or_long_strings() -> None:
    """A string without a semicolon is one statement unless it holds only comments; the kept split of a repeated
    string is the same list each time (a fresh one: a caller may change it), and a string too long to keep is split
    the same way."""
    assert split_statements("-- only a comment\n /* and another */") == []
    assert split_statements("  select 1 -- tail") == ["select 1 -- tail"]
    first = split_statements("select 1; select 2")
    first.append("changed by the caller")
    assert split_statements("select 1; select 2") == ["select 1", "select 2"]
    long = "select '" + "x" * 5000 + "'; select 2"
    assert split_statements(long) == [long.split(";")[0], "select 2"]
