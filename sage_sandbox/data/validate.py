"""The demo data checked against the declared types, as each table is generated.

Every field has an API type (resources.json `fields`: s, i16, i32, i64, d2 … num, b, dt), and every
field path a view column reads has that column's declared PostgreSQL type (resources.json
`declared`, written by scripts/generate_datamodel.py from the data model: text, varchar(60),
smallint, numeric(18,2), date, timestamp …). A value that does not fit — an integer in a text field,
a 61-character name in a varchar(60), a fraction in a date — is a generator bug: it would surface
as a wrong comparison in `$filter` or a conversion error in a client, so generation stops with
DemoDataError naming the field instead (docs/decisions/0207-sandbox-nested-filters-and-data-types.md).

Lists and ranges are checked value by value (in bulk: a type set, then min/max/len), constants once,
`Lookup` columns through the column they read, `Computed` columns as each value is computed.
"""

from __future__ import annotations

import datetime as dt
import decimal
import itertools
import operator
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from .table import Computed, Constant, Lookup

_API_PYTHON: dict[str, tuple[type, ...]] = {
    "s": (str,), "b": (bool,), "dt": (dt.datetime,),
    "i16": (int,), "i32": (int,), "i64": (int,), "num": (int, float, decimal.Decimal),
}
_INT_RANGES = {"i16": 2**15, "i32": 2**31, "i64": 2**63, "smallint": 2**15, "integer": 2**31, "bigint": 2**63}
_DECLARED = re.compile(r"^(?P<name>[a-z ]+?)(?:\((?P<a>\d+)(?:,(?P<b>\d+))?\))?$")


class DemoDataError(ValueError):
    """A generated value does not fit its field's API type or its column's declared type."""


def python_types(api_type: str) -> tuple[type, ...]:
    if api_type.startswith("d") and api_type[1:].isdigit():
        return (int, float, decimal.Decimal)
    return _API_PYTHON.get(api_type, ())


def value_problem(value: Any, api_type: str, declared: str | None) -> str | None:
    """Why `value` cannot be a value of the field, or None when it fits (None always fits)."""
    if value is None:
        return None
    return _problems([value], api_type, declared)


def _problems(values: Sequence[Any], api_type: str, declared: str | None) -> str | None:
    allowed = python_types(api_type)
    if not allowed:
        return None  # an expandable field: its rows are checked as their own table
    seen = set(map(type, values))
    wrong = [t for t in seen - {type(None)} if not issubclass(t, allowed) or (t is bool and bool not in allowed)]
    if wrong:
        sample = next(v for v in values if type(v) in wrong)
        return f"{sample!r} ({type(sample).__name__}) is not a value of API type {api_type}"
    present = [v for v in values if v is not None] if type(None) in seen else values
    if not present:
        return None
    if api_type in _INT_RANGES:
        limit = _INT_RANGES[api_type]
        if not (-limit <= min(present) and max(present) < limit):
            return f"{max(present, key=abs)} is out of range for API type {api_type}"
    return _declared_problem(present, declared) if declared else None


def _declared_problem(values: list[Any], declared: str) -> str | None:
    m = _DECLARED.match(declared)
    if m is None:
        return f"unknown declared type {declared!r}"
    name, a, b = m.group("name"), m.group("a"), m.group("b")
    if name in _INT_RANGES:
        if not all(issubclass(t, int) for t in set(map(type, values))):
            return f"a fraction in a {declared} column"
        limit = _INT_RANGES[name]
        if not (-limit <= min(values) and max(values) < limit):
            return f"{max(values, key=abs)} is out of range for {declared}"
    elif name == "numeric" and a is not None:
        precision, scale = int(a), int(b or 0)
        bound = 10 ** (precision - scale)
        if max(max(values), -min(values)) >= bound:
            return f"{max(values, key=abs)} does not fit {declared}"
        if any(map(operator.ne, map(round, values, itertools.repeat(scale)), values)):
            off = next(v for v in values if round(v, scale) != v)
            return f"{off!r} has more than {scale} decimals for {declared}"
    elif name == "varchar" and a is not None:
        longest = max(values, key=len)
        if len(longest) > int(a):
            return f"{longest!r} is longer than {declared}"
    elif name == "date":
        midnight = dt.time()
        if any(map(midnight.__ne__, map(dt.datetime.timetz, values))):
            timed = next(v for v in values if v.timetz() != midnight)
            return f"{timed} has a time of day in a date column"
    return None


def check_column(where: str, column: Sequence[Any], api_type: str, declared: str | None,
                 source_of: Callable[[Lookup], Sequence[Any] | None]) -> None:
    """Check one generated column (DemoDataError naming `where` when a value does not fit).
    `source_of(lookup)` gives the column a Lookup reads (None: not checkable here)."""
    if isinstance(column, Constant):
        _raise(where, _problems([column.value], api_type, declared))
    elif isinstance(column, Lookup):  # its values are among those of the column it reads
        values = source_of(column)
        if isinstance(values, Constant):
            _raise(where, _problems([values.value], api_type, declared))
        elif isinstance(values, list | range | tuple):
            _raise(where, _problems(values, api_type, declared))
    elif isinstance(column, Computed):
        column.compute = _checked(where, column.compute, api_type, declared)
    elif isinstance(column, list | range | tuple):
        _raise(where, _problems(column, api_type, declared))


def _checked(where: str, compute: Callable[[int], Any], api_type: str,
             declared: str | None) -> Callable[[int], Any]:
    def checked(i: int) -> Any:
        value = compute(i)
        _raise(where, value_problem(value, api_type, declared))
        return value

    return checked


def _raise(where: str, problem: str | None) -> None:
    if problem:
        raise DemoDataError(f"demo data {where}: {problem}")


def declared_paths(declared: dict[str, str]) -> Iterable[tuple[str, str, str]]:
    """(object, subfield, declared type) for the nested paths among a resource's declared ones."""
    for path, pg_type in declared.items():
        head, _, rest = path.partition(".")
        if rest:
            yield head, rest, pg_type
