"""SQL predicates, sort keys and column lists → Sage 200 OData query options.

Pure functions, no I/O. Every translation carries an exactness flag:

- *exact*: the API returns exactly the rows for which the SQL predicate is TRUE, so the
  predicate is reported as pushed and not re-checked;
- *superset*: the API returns at least those rows (it compares strings case-insensitively,
  as SQL Server collations do), so the predicate is sent to cut traffic but stays residual.

Anything else (a predicate whose API form could drop rows SQL would keep, e.g. `name <> 'x'`
under a case-insensitive collation) is not sent at all. Literals are rendered so that no
value can change the structure of `$filter` (strings: single quotes doubled). See
docs/decisions/0500-odata-pushdown.md.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote

from pgserver.provider import AllOf, AnyOf, Column, Comparison, Not, Op, Qual, SortKey, TableSpec

MAX_IN_ITEMS = 200  # a longer IN list is not sent (URL length); it stays a local filter
MAX_FILTER_CHARS = 6000  # a $filter longer than this is trimmed to the quals that fit

_OPS = {Op.EQ: "eq", Op.NE: "ne", Op.LT: "lt", Op.LE: "le", Op.GT: "gt", Op.GE: "ge"}
_INTEGER_TYPES = {"bigint", "int8", "integer", "int4", "int", "smallint", "int2"}
_STRING_TYPES = {"text", "varchar", "character varying", "char", "character", "bpchar"}
_JSON_TYPES = {"json", "jsonb"}


def type_family(pg_type: str) -> str:
    """The comparison family of a declared type: integer, numeric, float, boolean, date,
    timestamp, timestamptz, string, json (or other)."""
    base = pg_type.split("(")[0].strip().lower()
    if base in _INTEGER_TYPES:
        return "integer"
    if base in ("numeric", "decimal"):
        return "numeric"
    if base in ("double precision", "float8", "real", "float4"):
        return "float"
    if base in ("boolean", "bool"):
        return "boolean"
    if base == "date":
        return "date"
    if base in ("timestamp", "timestamp without time zone"):
        return "timestamp"
    if base in ("timestamptz", "timestamp with time zone"):
        return "timestamptz"
    if base in _STRING_TYPES:
        return "string"
    if base in _JSON_TYPES:
        return "json"
    return "other"


# ---------------------------------------------------------------------------
# Literals
# ---------------------------------------------------------------------------


def quote_string(value: str) -> str:
    """An OData string literal: the only special character inside quotes is the quote."""
    return "'" + value.replace("'", "''") + "'"


def format_timestamp(value: dt.datetime) -> str:
    """UTC with the mandatory Z; naive values are taken as UTC (the API's timestamps are UTC)."""
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    text = value.strftime("%Y-%m-%dT%H:%M:%S")
    if value.microsecond:
        text += f".{value.microsecond:06d}".rstrip("0")
    return text + "Z"


def format_literal(column: Column, value: object) -> str | None:
    """The OData literal for comparing `column` with `value`, or None when the pair has no
    exact OData form (a type mismatch, NaN, a non-integral number for an integer field …)."""
    family = type_family(column.pg_type)
    if family == "string":
        return quote_string(value) if isinstance(value, str) else None
    if family == "integer":
        if isinstance(value, bool):
            return None
        if isinstance(value, int):
            return str(value)
        if isinstance(value, decimal.Decimal) and value.is_finite() and value == value.to_integral_value():
            return str(int(value))
        return None
    if family == "numeric":
        if isinstance(value, bool):
            return None
        if isinstance(value, int):
            return str(value)
        if isinstance(value, decimal.Decimal) and value.is_finite():
            return format(value, "f")
        return None
    if family == "boolean":
        return ("true" if value else "false") if isinstance(value, bool) else None
    if family == "date":
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value.isoformat()
        return None
    if family in ("timestamp", "timestamptz"):
        if isinstance(value, dt.datetime):
            if family == "timestamp" and value.tzinfo is not None:
                return None  # SQL would compare in the session time zone: leave it local
            return format_timestamp(value)
        if isinstance(value, dt.date):
            return format_timestamp(dt.datetime(value.year, value.month, value.day))
        return None
    return None  # float, json, other: no exact literal


# ---------------------------------------------------------------------------
# Predicates
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Translation:
    """An OData boolean expression and whether it selects exactly the SQL-TRUE rows."""

    text: str
    exact: bool
    compound: bool = False  # contains a top-level `or`/`and`: parenthesise when nesting


def filter_field(spec: TableSpec, name: str) -> tuple[Column, str] | None:
    """The column and its API field when the API can filter on it (a top-level field)."""
    column = spec.column(name)
    if column is None or not column.filterable or not column.source or "." in column.source:
        return None
    if spec.extra.get("source_kinds", {}).get(column.name, "field") != "field":
        return None
    if type_family(column.pg_type) in ("json", "other", "float"):
        return None
    return column, column.source


def _wrap(t: Translation) -> str:
    return f"({t.text})" if t.compound else t.text


def _join(parts: Sequence[Translation], word: str) -> Translation:
    if len(parts) == 1:
        return parts[0]
    return Translation(f" {word} ".join(_wrap(p) for p in parts), all(p.exact for p in parts), True)


def _like_segments(pattern: str) -> list[str | None] | None:
    """A LIKE pattern as literal runs and wildcards (None); None when malformed."""
    out: list[str | None] = []
    literal: list[str] = []
    chars = iter(pattern)
    for ch in chars:
        if ch == "\\":
            nxt = next(chars, None)
            if nxt is None:
                return None  # PostgreSQL rejects a trailing escape: let the local engine say so
            literal.append(nxt)
        elif ch in "%_":
            if literal:
                out.append("".join(literal))
                literal = []
            out.append(None)
        else:
            literal.append(ch)
    if literal:
        out.append("".join(literal))
    return out


def _translate_like(field: str, pattern: object) -> Translation | None:
    """LIKE → startswith/endswith/contains on the literal runs: always a superset."""
    if not isinstance(pattern, str):
        return None
    segments = _like_segments(pattern)
    if segments is None:
        return None
    if all(s is not None for s in segments):
        return Translation(f"{field} eq {quote_string(''.join(s or '' for s in segments))}", False)
    parts: list[Translation] = []
    for index, seg in enumerate(segments):
        if seg is None or not seg or "[" in seg:  # '[' could be a character class in the API's LIKE
            continue
        if index == 0:
            func = "startswith"
        elif index == len(segments) - 1:
            func = "endswith"
        else:
            func = "contains"
        parts.append(Translation(f"{func}({field},{quote_string(seg)})", False))
    return _join(parts, "and") if parts else None


def _translate_comparison(spec: TableSpec, cmp: Comparison) -> Translation | None:
    found = filter_field(spec, cmp.column)
    if found is None:
        return None
    column, field = found
    is_string = type_family(column.pg_type) == "string"
    if cmp.op is Op.IS_NULL:
        return Translation(f"{field} eq null", not is_string)
    if cmp.op is Op.IS_NOT_NULL:
        return Translation(f"{field} ne null", not is_string)
    if cmp.op is Op.LIKE:
        return _translate_like(field, cmp.value) if is_string else None
    if cmp.op is Op.IN:
        if not isinstance(cmp.value, tuple) or len(cmp.value) > MAX_IN_ITEMS:
            return None
        literals: list[str] = []
        for item in cmp.value:
            if item is None:
                continue  # `x IN (1, NULL)` is never TRUE through the NULL
            literal = format_literal(column, item)
            if literal is None:
                return None
            if literal not in literals:
                literals.append(literal)
        if not literals:
            return None
        eqs = [Translation(f"{field} eq {lit}", not is_string) for lit in literals]
        return _join(eqs, "or")
    if cmp.op not in _OPS or cmp.value is None:
        return None
    if is_string and cmp.op is not Op.EQ:
        return None  # ne/lt/gt under a case-insensitive collation could drop rows SQL keeps
    literal = format_literal(column, cmp.value)
    if literal is None:
        return None
    text = f"{field} {_OPS[cmp.op]} {literal}"
    if cmp.op is Op.NE:
        # The API's `ne` is true for a null field (OData null semantics); SQL's <> is not.
        return Translation(f"{text} and {field} ne null", True, True)
    return Translation(text, not is_string)


def _columns_of(qual: Qual) -> list[str]:
    if isinstance(qual, Comparison):
        return [qual.column]
    if isinstance(qual, Not):
        return _columns_of(qual.item)
    return [c for item in qual.items for c in _columns_of(item)]


def translate(spec: TableSpec, qual: Qual) -> Translation | None:
    """The OData form of one qual, or None when it cannot be sent without losing rows."""
    if isinstance(qual, Comparison):
        return _translate_comparison(spec, qual)
    if isinstance(qual, AnyOf):
        branches = [translate(spec, item) for item in qual.items]
        if not branches or any(b is None for b in branches):
            return None  # an OR with an unsendable branch would drop that branch's rows
        return _join([b for b in branches if b is not None], "or")
    if isinstance(qual, AllOf):
        parts = [translate(spec, item) for item in qual.items]
        sent = [p for p in parts if p is not None]
        if not sent:
            return None
        joined = _join(sent, "and")
        # Dropping an unsendable conjunct widens the result: still a superset, no longer exact.
        return Translation(joined.text, joined.exact and len(sent) == len(parts), joined.compound)
    if isinstance(qual, Not):
        inner = translate(spec, qual.item)
        if inner is None or not inner.exact:
            return None  # the negation of a superset is a subset: unusable
        # not(E) keeps rows where SQL's E is NULL; exact only when no referenced column is nullable.
        nullable = any((c := spec.column(n)) is None or c.nullable for n in _columns_of(qual.item))
        return Translation(f"not ({inner.text})", not nullable)
    return None


@dataclass
class FilterPlan:
    """The `$filter` for a list of conjuncts and how each conjunct was treated."""

    text: str | None
    pushed: list[Qual]  # exact: not re-checked locally
    residual: list[Qual]  # evaluated locally (some of them also sent, as a superset)


def build_filter(spec: TableSpec, quals: Sequence[Qual]) -> FilterPlan:
    """AND the sendable conjuncts into one `$filter`."""
    pushed: list[Qual] = []
    residual: list[Qual] = []
    sent: list[Translation] = []
    length = 0
    for qual in quals:
        t = translate(spec, qual)
        if t is not None and length + len(t.text) + 7 <= MAX_FILTER_CHARS:
            sent.append(t)
            length += len(t.text) + 7
            (pushed if t.exact else residual).append(qual)
        else:
            residual.append(qual)
    text = " and ".join(_wrap(t) for t in sent) if len(sent) > 1 else (sent[0].text if sent else None)
    return FilterPlan(text, pushed, residual)


# ---------------------------------------------------------------------------
# $orderby, $select, $expand
# ---------------------------------------------------------------------------


def sortable_field(spec: TableSpec, key: SortKey) -> str | None:
    """The API field for a pushed ORDER BY key, when the API's order equals PostgreSQL's:
    not text (collation), not nullable (SQL Server sorts NULLs first)."""
    found = filter_field(spec, key.column)
    if found is None:
        return None
    column, field = found
    if column.nullable or type_family(column.pg_type) not in (
        "integer",
        "numeric",
        "boolean",
        "date",
        "timestamp",
        "timestamptz",
    ):
        return None
    return field


def orderby_text(keys: Sequence[tuple[str, bool]]) -> str:
    """`$orderby` from (field, descending) pairs; duplicates after the first are dropped."""
    seen: set[str] = set()
    parts: list[str] = []
    for field, descending in keys:
        if field in seen:
            continue
        seen.add(field)
        parts.append(f"{field} desc" if descending else f"{field} asc")
    return ",".join(parts)


def select_and_expand(spec: TableSpec, columns: Sequence[str], extra_fields: Sequence[str]) -> tuple[str, str | None]:
    """`$select` (top-level fields the columns read, plus `extra_fields`) and `$expand`
    (the nested objects and collections among them)."""
    kinds = spec.extra.get("source_kinds", {})
    select: list[str] = []
    expand: list[str] = []
    for name in columns:
        column = spec.column(name)
        if column is None or not column.source:
            continue
        top = column.source.split(".")[0]
        if top not in select:
            select.append(top)
        nested = "." in column.source or kinds.get(column.name, "field") in ("nested", "json")
        if nested and top not in expand:
            expand.append(top)
    for field in extra_fields:
        if field not in select:
            select.append(field)
    return ",".join(select), (",".join(expand) if expand else None)


# ---------------------------------------------------------------------------
# Query strings
# ---------------------------------------------------------------------------

_SAFE = "$,'():/"  # kept readable; everything that could end a parameter (& = # + %) is encoded


def encode_query(params: Sequence[tuple[str, str]]) -> str:
    """A query string with spaces as %20 (never '+', which some servers leave as a plus)."""
    return "&".join(f"{quote(k, safe='$')}={quote(v, safe=_SAFE)}" for k, v in params)


def readable_query(params: Sequence[tuple[str, str]]) -> str:
    """The same parameters, percent-decoded, for EXPLAIN and error messages."""
    return "&".join(f"{k}={v}" for k, v in params)
