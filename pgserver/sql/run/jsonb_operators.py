"""PostgreSQL's jsonb operators: @> and <@ (containment), ? ?| ?& (key existence) and || (concatenation);
and json_array_elements' reading of a json array, each element's text as written.

DuckDB's JSON type has none of them with PostgreSQL's meaning (its json_contains searches at any depth, its
json_merge_patch merges recursively and drops nulls), so each is a scalar UDF over the values' text that follows
the rules of PostgreSQL's manual (8.14.3 "jsonb Containment and Existence", 9.16 "jsonb || jsonb"):

- containment: an object contains an object when each of the right's keys is in the left with a contained
  value; an array contains an array when each right element is contained in some left element (order and
  duplicates do not matter); a top-level array contains a scalar it holds; scalars contain equal scalars
  (numbers compare by value: 1 and 1.0 are equal);
- `?`: a top-level object key, a string element of a top-level array, or the string scalar itself;
- `||`: two objects merge (the right's value wins a duplicate key), two arrays concatenate; anything else is
  first wrapped as a one-element array.
"""

from __future__ import annotations

import decimal
import json
from typing import Any

import duckdb

from pgserver.errors import PgError
from pgserver.sql.text.grammar.json_tables import JSON_ELEMENTS
from pgserver.types.json import format_jsonb


def _load(text: str) -> Any:
    return json.loads(text, parse_float=decimal.Decimal, parse_int=decimal.Decimal)


def _contains(left: Any, right: Any, top: bool = False) -> bool:
    if isinstance(left, dict):
        return isinstance(right, dict) and all(k in left and _contains(left[k], v) for k, v in right.items())
    if isinstance(left, list):
        if isinstance(right, list):
            return all(any(_contains(candidate, wanted) for candidate in left) for wanted in right)
        if top and not isinstance(right, dict):  # '[1, 2]' @> '1': only at the top level
            return any(not isinstance(c, dict | list) and _same_scalar(c, right) for c in left)
        return False
    return not isinstance(right, dict | list) and _same_scalar(left, right)


def _same_scalar(a: Any, b: Any) -> bool:
    """Equal JSON scalars: numbers by value (Decimal: 1 = 1.0), never true = 1."""
    return type(a) is type(b) and a == b


def contains(left: str | None, right: str | None) -> bool | None:
    if left is None or right is None:
        return None
    return _contains(_load(left), _load(right), top=True)


def _has_key(value: Any, key: str) -> bool:
    if isinstance(value, dict):
        return key in value
    if isinstance(value, list):
        return any(isinstance(v, str) and v == key for v in value)
    return isinstance(value, str) and value == key


def exists(value: str | None, key: str | None) -> bool | None:
    if value is None or key is None:
        return None
    return _has_key(_load(value), key)


def exists_any(value: str | None, keys: list[str | None] | None) -> bool | None:
    if value is None or keys is None:
        return None
    loaded = _load(value)
    return any(k is not None and _has_key(loaded, k) for k in keys)


def exists_all(value: str | None, keys: list[str | None] | None) -> bool | None:
    if value is None or keys is None:
        return None
    loaded = _load(value)
    return all(k is None or _has_key(loaded, k) for k in keys)  # (PostgreSQL skips NULL keys)


def concat(left: str | None, right: str | None) -> str | None:
    if left is None or right is None:
        return None
    a, b = _load(left), _load(right)
    if isinstance(a, dict) and isinstance(b, dict):
        return format_jsonb({**a, **b})
    return format_jsonb((a if isinstance(a, list) else [a]) + (b if isinstance(b, list) else [b]))


def json_elements(text: str | None) -> list[str] | None:
    """The elements of a json array as written (json_array_elements keeps json's text; jsonb re-prints it)."""
    if text is None:
        return None
    decoder = json.JSONDecoder()
    at = len(text) - len(text.lstrip())
    if not text.startswith("[", at):
        raise PgError("22023", "cannot extract elements from an object" if text.startswith("{", at)
                      else "cannot extract elements from a scalar")
    at += 1
    out: list[str] = []
    while True:
        at += len(text[at:]) - len(text[at:].lstrip())
        if text.startswith("]", at):
            return out
        _, end = decoder.raw_decode(text, at)
        out.append(text[at:end])
        at = end + len(text[end:]) - len(text[end:].lstrip())
        if text.startswith(",", at):
            at += 1


def _skip(text: str, at: int) -> int:
    while at < len(text) and text[at] in " \t\n\r":
        at += 1
    return at


def json_path(text: str | None, path: list[str | None] | None) -> str | None:
    """json #> path: the addressed value's text as written (json keeps its input's spacing; jsonb re-prints it),
    NULL where the path leads nowhere; a later duplicate key wins, as json_extract_path does."""
    if text is None or path is None:
        return None
    decoder = json.JSONDecoder()
    start = _skip(text, 0)
    end = decoder.raw_decode(text, start)[1]
    for step in path:
        if step is None or start >= len(text):
            return None
        found: tuple[int, int] | None = None
        if text[start] == "{":
            at = _skip(text, start + 1)
            while text[at] != "}":
                key, at = decoder.raw_decode(text, at)
                at = _skip(text, _skip(text, at) + 1)  # past ':'
                value_end = decoder.raw_decode(text, at)[1]
                if key == step:
                    found = (at, value_end)
                at = _skip(text, value_end)
                at = _skip(text, at + 1) if text[at] == "," else at
        elif text[start] == "[" and step.lstrip("-").isdigit():
            spans, at = [], _skip(text, start + 1)
            while text[at] != "]":
                value_end = decoder.raw_decode(text, at)[1]
                spans.append((at, value_end))
                at = _skip(text, value_end)
                at = _skip(text, at + 1) if text[at] == "," else at
            index = int(step)
            if -len(spans) <= index < len(spans):
                found = spans[index]
        if found is None:
            return None
        start, end = found
    return text[start:end]


# operator -> (UDF name, DuckDB result type); the callers cast both operands to VARCHAR
CONTAINS, EXISTS, EXISTS_ANY, EXISTS_ALL, CONCAT = ("__pg_jsonb_contains", "__pg_jsonb_exists",
                                                    "__pg_jsonb_exists_any", "__pg_jsonb_exists_all",
                                                    "__pg_jsonb_concat")
JSON_PATH = "__pg_json_path"


def install(duck: duckdb.DuckDBPyConnection) -> None:
    varchar, boolean = duckdb.sqltype("VARCHAR"), duckdb.sqltype("BOOLEAN")
    keys = duckdb.list_type(varchar)
    for name, function, arguments, result in (
            (CONTAINS, contains, [varchar, varchar], boolean), (EXISTS, exists, [varchar, varchar], boolean),
            (EXISTS_ANY, exists_any, [varchar, keys], boolean), (EXISTS_ALL, exists_all, [varchar, keys], boolean),
            (CONCAT, concat, [varchar, varchar], duckdb.sqltype("JSON")),
            (JSON_ELEMENTS, json_elements, [varchar], keys),
            (JSON_PATH, json_path, [varchar, keys], duckdb.sqltype("JSON"))):
        duck.create_function(name, function, arguments, result, null_handling="special", side_effects=False)
