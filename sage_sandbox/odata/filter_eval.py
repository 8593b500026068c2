"""Compile a parsed `$filter` AST into a Python predicate over row positions.

Semantics (docs/decisions/0203-sandbox-filter-semantics.md):
- string comparisons and contains/startswith/endswith ignore case, as SQL Server's
  default collation does under the real API;
- `eq null` / `ne null` test for null; a null field never satisfies gt/ge/lt/le, and
  `field ne 'x'` is true for a null field (OData/.NET null semantics);
- dates are unquoted (`2016-01-01`), datetimes carry `Z`; a date compares as midnight UTC;
- a literal of the wrong type for the field (`name gt 3`, `document_date eq 'x'`) is a 400.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from sage_sandbox.errors import ApiError, bad_request
from sage_sandbox.odata.filter_parser import And, Call, Compare, Field, Literal, Node, NotNode, Or

Predicate = Callable[[int], bool]
# resolve(path) -> (api type, column) or raise ApiError for an unknown/unfilterable field
Resolver = Callable[[str], tuple[str, Sequence[Any]]]

INTEGER_TYPES = frozenset({"i16", "i32", "i64", "num"})
STRING_TYPES = frozenset({"s"})
_ORDERING = {"gt": operator.gt, "ge": operator.ge, "lt": operator.lt, "le": operator.le}
_FLIPPED = {"eq": "eq", "ne": "ne", "gt": "lt", "ge": "le", "lt": "gt", "le": "ge"}


def is_decimal_type(api_type: str) -> bool:
    return api_type.startswith("d") and api_type[1:].isdigit()


def compile_filter(node: Node, resolve: Resolver) -> Predicate:
    """Turn the AST into `predicate(row_position) -> bool`."""
    if isinstance(node, Or):
        parts = [compile_filter(item, resolve) for item in node.items]
        return lambda i: any(p(i) for p in parts)
    if isinstance(node, And):
        parts = [compile_filter(item, resolve) for item in node.items]
        return lambda i: all(p(i) for p in parts)
    if isinstance(node, NotNode):
        inner = compile_filter(node.item, resolve)
        return lambda i: not inner(i)
    if isinstance(node, Compare):
        return _compile_compare(node, resolve)
    if isinstance(node, Call):
        return _compile_call(node, resolve)
    if isinstance(node, Field):
        api_type, column = resolve(node.path)
        if api_type != "b":
            raise bad_request(f"field '{node.path}' is not boolean and cannot stand alone in $filter")
        return lambda i: column[i] is True
    if isinstance(node, Literal) and isinstance(node.value, bool):
        constant = node.value
        return lambda i: constant
    raise bad_request("$filter must be a condition, e.g. name eq 'x'")


def _compile_call(node: Call, resolve: Resolver) -> Predicate:
    target, needle = node.args
    if not isinstance(target, Field):
        raise bad_request(f"the first argument of {node.function}() must be a field")
    if not isinstance(needle, Literal) or not isinstance(needle.value, str):
        raise bad_request(f"the second argument of {node.function}() must be a quoted string")
    api_type, column = resolve(target.path)
    if api_type not in STRING_TYPES:
        raise bad_request(f"{node.function}() needs a text field; '{target.path}' is not text")
    text = needle.value.casefold()
    if node.function == "contains":
        return lambda i: (v := column[i]) is not None and text in v.casefold()
    if node.function == "startswith":
        return lambda i: (v := column[i]) is not None and v.casefold().startswith(text)
    return lambda i: (v := column[i]) is not None and v.casefold().endswith(text)


def _compile_compare(node: Compare, resolve: Resolver) -> Predicate:
    left, right, op = node.left, node.right, node.op
    if isinstance(left, Literal) and not isinstance(right, Literal):
        left, right, op = right, left, _FLIPPED[op]
    if isinstance(left, Call):
        return _compare_call(left, op, right, resolve)
    if not isinstance(left, Field):
        raise bad_request("a comparison needs a field on one side")
    api_type, column = resolve(left.path)
    if isinstance(right, Field):
        other_type, other = resolve(right.path)
        if _family(other_type) != _family(api_type):
            raise bad_request(f"cannot compare '{left.path}' with '{right.path}': different types")
        norm = _normaliser(api_type)
        return _compare_columns(op, column, other, norm)
    if not isinstance(right, Literal):
        raise bad_request("the right side of a comparison must be a field or a value")
    if right.value is None:
        if op == "eq":
            return lambda i: column[i] is None
        if op == "ne":
            return lambda i: column[i] is not None
        return lambda i: False
    literal = _coerce(api_type, right.value, left.path)
    norm = _normaliser(api_type)
    if op == "eq":
        return lambda i: (v := column[i]) is not None and norm(v) == literal
    if op == "ne":
        return lambda i: (v := column[i]) is None or norm(v) != literal
    if api_type == "b":
        raise bad_request(f"'{op}' cannot be used with boolean field '{left.path}'")
    compare = _ORDERING[op]
    return lambda i: (v := column[i]) is not None and compare(norm(v), literal)


def _compare_call(call: Call, op: str, right: Node, resolve: Resolver) -> Predicate:
    inner = _compile_call(call, resolve)
    if op not in ("eq", "ne") or not isinstance(right, Literal) or not isinstance(right.value, bool):
        raise bad_request(f"{call.function}() can only be compared with eq/ne true or false")
    wanted = right.value if op == "eq" else not right.value
    return lambda i: inner(i) is wanted


def _compare_columns(op: str, a: Sequence[Any], b: Sequence[Any], norm: Callable[[Any], Any]) -> Predicate:
    if op == "eq":
        return lambda i: a[i] is not None and b[i] is not None and norm(a[i]) == norm(b[i])
    if op == "ne":
        return lambda i: (a[i] is None) != (b[i] is None) or (a[i] is not None and norm(a[i]) != norm(b[i]))
    compare = _ORDERING[op]
    return lambda i: a[i] is not None and b[i] is not None and compare(norm(a[i]), norm(b[i]))


def _family(api_type: str) -> str:
    if api_type in INTEGER_TYPES or is_decimal_type(api_type):
        return "number"
    return api_type


def _normaliser(api_type: str) -> Callable[[Any], Any]:
    if api_type in STRING_TYPES:
        return str.casefold
    return _identity


def _identity(value: Any) -> Any:
    return value


def _coerce(api_type: str, value: Any, path: str) -> Any:
    """The literal as a value comparable with the stored field values, or a 400."""
    if api_type in STRING_TYPES:
        if isinstance(value, str):
            return value.casefold()
        if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
            return str(value).casefold()
    elif api_type in INTEGER_TYPES or is_decimal_type(api_type):
        if isinstance(value, str):
            try:
                value = Decimal(value)
            except ArithmeticError:
                value = None
        if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
            if api_type in INTEGER_TYPES:
                return int(value) if value == int(value) else float(value)
            return float(value)
    elif api_type == "b":
        if isinstance(value, bool):
            return value
    elif api_type == "dt":
        if isinstance(value, dt.datetime):
            return value
        if isinstance(value, dt.date):
            return dt.datetime(value.year, value.month, value.day)
        if isinstance(value, str):
            raise bad_request(f"dates are written unquoted in $filter (e.g. {path} ge 2016-01-01)")
    raise ApiError(400, "InvalidQuery", f"value {value!r} does not match the type of field '{path}'", "$filter")
