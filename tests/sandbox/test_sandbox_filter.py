"""$filter: tokenizer, parser and evaluator (unit level), one assertion per rule."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from sage_sandbox.data.table import Table
from sage_sandbox.errors import ApiError
from sage_sandbox.odata.filter_eval import compile_filter
from sage_sandbox.odata.filter_parser import (
    And,
    Call,
    Compare,
    Field,
    FilterSyntaxError,
    Literal,
    NotNode,
    Or,
    parse_filter,
    tokenize,
)


def test_tokenizer_kinds_and_escaped_quotes() -> None:
    kinds = [(t.kind, t.text) for t in tokenize("name eq 'O''Brien' and d ge 2016-01-01 or t lt 2016-02-24T09:52:11.452Z")]
    assert kinds[:3] == [("name", "name"), ("name", "eq"), ("string", "'O''Brien'")]
    assert ("date", "2016-01-01") in kinds
    assert ("datetime", "2016-02-24T09:52:11.452Z") in kinds
    assert kinds[-1] == ("end", "")


def test_precedence_and_binds_tighter_than_or() -> None:
    node = parse_filter("a eq 1 or b eq 2 and c eq 3")
    assert isinstance(node, Or)
    assert isinstance(node.items[1], And)


def test_parentheses_override_precedence() -> None:
    node = parse_filter("(a eq 1 or b eq 2) and not c eq 3")
    assert isinstance(node, And)
    assert isinstance(node.items[0], Or)
    assert isinstance(node.items[1], NotNode)


def test_literal_values() -> None:
    node = parse_filter("x eq 'it''s'")
    assert isinstance(node, Compare) and node.right == Literal("it's", 5)
    assert parse_filter("x eq 12").right.value == 12  # type: ignore[union-attr]
    assert parse_filter("x eq -1.50").right.value == Decimal("-1.50")  # type: ignore[union-attr]
    assert parse_filter("x eq null").right.value is None  # type: ignore[union-attr]
    assert parse_filter("x eq true").right.value is True  # type: ignore[union-attr]
    assert parse_filter("x ge 2016-01-31").right.value == dt.date(2016, 1, 31)  # type: ignore[union-attr]
    assert parse_filter("x gt 2016-02-24T09:52:11.452Z").right.value == dt.datetime(  # type: ignore[union-attr]
        2016, 2, 24, 9, 52, 11, 452000)


def test_function_call_and_path() -> None:
    node = parse_filter("startswith(main_address/city,'New')")
    assert node == Call("startswith", (Field("main_address.city", 11), Literal("New", 29)), 0)


@pytest.mark.parametrize("text, fragment", [
    ("name eq 'abc", "unterminated string"),
    ("name eq", "expected a field or a value"),
    ("name eq 1 and", "expected a field or a value"),
    ("(name eq 1", "expected ')'"),
    ("name eq 1 1", "unexpected '1'"),
    ("d gt 2016-02-24T09:52:11", "must end with Z"),
    ("d gt 2016-13-01", "invalid date"),
    ("substringof('a',name)", "unknown function"),
    ("contains(name)", "takes 2 arguments"),
    ("name # 1", "unexpected character"),
    ("", "empty $filter"),
])
def test_syntax_errors(text: str, fragment: str) -> None:
    with pytest.raises(FilterSyntaxError, match=fragment.replace("(", r"\(").replace(")", r"\)")
                       .replace("$", r"\$")):
        parse_filter(text)


TABLE = Table("t", {"id": "i64", "name": "s", "amount": "d2", "flag": "b", "day": "dt"}, {
    "id": [1, 2, 3, 4],
    "name": ["Alpha Ltd", "beta", None, "O'Brien"],
    "amount": [10.5, 0.0, 99.99, 12.0],
    "flag": [True, False, True, False],
    "day": [dt.datetime(2016, 1, 1), dt.datetime(2016, 1, 31, 12), None, dt.datetime(2017, 5, 5)],
})


def ids(text: str) -> list[int]:
    def resolve(path: str):  # noqa: ANN202
        if path not in TABLE.fields:
            raise ApiError(400, "InvalidQuery", f"unknown field '{path}'")
        return TABLE.fields[path], TABLE.columns[path]

    predicate = compile_filter(parse_filter(text), resolve)
    return [TABLE.columns["id"][i] for i in range(len(TABLE)) if predicate(i)]


@pytest.mark.parametrize("text, expected", [
    ("id eq 2", [2]), ("id ne 2", [1, 3, 4]), ("id gt 2", [3, 4]), ("id ge 2", [2, 3, 4]),
    ("id lt 2", [1]), ("id le 2", [1, 2]),
    ("amount gt 10.5", [3, 4]), ("amount eq 12", [4]),
    ("name eq 'ALPHA LTD'", [1]),  # case-insensitive, as SQL Server's collation
    ("name ne 'beta'", [1, 3, 4]),  # a null field is "not equal"
    ("name gt 'b'", [2, 4]),  # a null field never compares
    ("name eq null", [3]), ("name ne null", [1, 2, 4]),
    ("contains(name,'LTD')", [1]), ("startswith(name,'BE')", [2]), ("endswith(name,'brien')", [4]),
    ("contains(name,'''')", [4]),
    ("not contains(name,'a')", [3, 4]), ("contains(name,'a') eq false", [3, 4]),
    ("flag", [1, 3]), ("flag eq false", [2, 4]),
    ("day ge 2016-01-31", [2, 4]), ("day lt 2016-01-31T12:00:00Z", [1]),
    ("day gt 2016-01-31T11:59:59.999Z and day lt 2017-01-01", [2]),
    ("(id eq 1 or id eq 4) and flag eq true", [1]), ("id eq 1 or id eq 4 and flag eq true", [1]),
    ("2 lt id", [3, 4]),  # literal on the left flips the operator
    ("id eq '3'", [3]),  # quoted numbers are accepted for numeric fields (enum ordinals)
])
def test_evaluation(text: str, expected: list[int]) -> None:
    assert ids(text) == expected


@pytest.mark.parametrize("text, fragment", [
    ("nope eq 1", "unknown field"),
    ("name gt 3.5x", "unexpected"),
    ("day eq '2016-01-01'", "unquoted"),
    ("flag gt true", "boolean"),
    ("id eq 'abc'", "does not match the type"),
    ("contains(id,'1')", "needs a text field"),
    ("contains(name, 1)", "quoted string"),
    ("amount", "not boolean"),
    ("name eq amount", "different types"),
])
def test_semantic_errors_are_400(text: str, fragment: str) -> None:
    with pytest.raises((ApiError, FilterSyntaxError), match=fragment):
        ids(text)
