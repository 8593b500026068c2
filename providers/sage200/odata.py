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
import math
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote

from pgserver import types as pgtypes
from pgserver.provider import AllOf, AnyOf, Column, Comparison, Not, Op, Qual, QualReport, SortKey, TableSpec
from pgserver.types import ColumnType

MAX_IN_ITEMS = 200  # a longer IN list is not sent (URL length); it stays a local filter
MAX_FILTER_CHARS = 6000  # a $filter longer than this is trimmed to the quals that fit

_OPS = {Op.EQ: "eq", Op.NE: "ne", Op.LT: "lt", Op.LE: "le", Op.GT: "gt", Op.GE: "ge"}
_FAMILIES = {
    pgtypes.INT8: "integer", pgtypes.INT4: "integer", pgtypes.INT2: "integer", pgtypes.NUMERIC: "numeric",
    pgtypes.FLOAT8: "float", pgtypes.FLOAT4: "float", pgtypes.BOOL: "boolean", pgtypes.DATE: "date",
    pgtypes.TIMESTAMP: "timestamp", pgtypes.TIMESTAMPTZ: "timestamptz", pgtypes.TEXT: "string",
    pgtypes.VARCHAR: "string", pgtypes.BPCHAR: "string", pgtypes.JSON: "json", pgtypes.JSONB: "json",
}
_INT64 = (-(2**63), 2**63 - 1)
_MAX_DECIMAL_DIGITS = 28  # .NET decimal: a longer literal would overflow the API's parser
_FLOAT_LIMIT = decimal.Decimal(10) ** 15  # floats compared with decimals: only where 15 digits say it all
_BOUND = decimal.Decimal("1e-10")  # widened float bounds are rounded outwards to this step

CASE_INSENSITIVE = "the API compares text case-insensitively"


def type_family(t: ColumnType) -> str:
    """The comparison family of a declared type: integer, numeric, float, boolean, date,
    timestamp, timestamptz, string, json (or other)."""
    return _FAMILIES.get(t.oid, "other")


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
    """The OData literal of `value` for a comparison with `column`, or None when the pair has no
    exact OData form (a type mismatch, NaN, a non-integral number for an integer field …)."""
    family = type_family(column.type)
    if family == "string":
        return quote_string(value) if isinstance(value, str) else None
    if isinstance(value, bool):
        return ("true" if value else "false") if family == "boolean" else None
    if family in ("integer", "numeric"):
        if isinstance(value, decimal.Decimal) and value.is_finite() and value == value.to_integral_value():
            value = int(value)
        if isinstance(value, int):
            return str(value) if family == "numeric" or _INT64[0] <= value <= _INT64[1] else None
        if family == "numeric" and isinstance(value, decimal.Decimal) and value.is_finite():
            text = format(value, "f")
            return text if len(value.as_tuple().digits) <= _MAX_DECIMAL_DIGITS else None
        return None
    if family == "date":
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value.isoformat()
        return None
    if family in ("timestamp", "timestamptz"):
        if isinstance(value, dt.datetime):
            if family == "timestamp" and value.tzinfo is not None:
                return None  # the SQL layer reads it in the session zone first (pgserver.sql.pushdown.quals)
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
    """A qual's OData boolean expression (None: not sent, `note` says why) and whether it
    selects exactly the SQL-TRUE rows (else the API answers a superset, re-checked locally)."""

    text: str | None
    exact: bool
    compound: bool = False  # contains a top-level `or`/`and`: parenthesise when nesting
    note: str = ""


def _refuse(note: str) -> Translation:
    return Translation(None, False, note=note)


def filter_field(spec: TableSpec, name: str) -> tuple[Column, str] | str:
    """The column and its `$filter` path when the API can filter on it, else why it cannot.
    A nested object's field is a path (`delivery_address/city`, OData's navigation syntax)."""
    column = spec.column(name)
    if column is None or not column.source:
        return f"{name} has no API field"
    kind = spec.extra.get("source_kinds", {}).get(column.name, "field")
    if kind == "json":
        return (f"{column.name} is a collection rendered as JSON text: the API's $filter cannot compare "
                "a whole collection")
    if not column.filterable:
        if column.name in spec.extra.get("client_side_filters", ()):
            return f"the spec filters {column.name} client side: the API does not"
        return f"the API does not filter on {column.name}"
    family = type_family(column.type)
    if family in ("json", "other", "float"):
        return f"{column.name} ({column.pg_type}) has no exact OData literal"
    return column, column.source.replace(".", "/")


def _wrap(t: Translation) -> str:
    return f"({t.text})" if t.compound else str(t.text)


def _join(parts: Sequence[Translation], word: str) -> Translation:
    if len(parts) == 1:
        return parts[0]
    notes = "; ".join(dict.fromkeys(p.note for p in parts if p.note))
    return Translation(f" {word} ".join(_wrap(p) for p in parts), all(p.exact for p in parts), True, notes)


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


def _translate_like(field: str, pattern: object) -> Translation:
    """LIKE → startswith/endswith/contains on the literal runs: always a superset."""
    if not isinstance(pattern, str):
        return _refuse("a LIKE pattern must be text")
    segments = _like_segments(pattern)
    if segments is None:
        return _refuse("the pattern ends with an escape character (PostgreSQL rejects it)")
    if all(s is not None for s in segments):
        return Translation(f"{field} eq {quote_string(''.join(s or '' for s in segments))}", False,
                           note=CASE_INSENSITIVE)
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
        parts.append(Translation(f"{func}({field},{quote_string(seg)})", False, note=CASE_INSENSITIVE))
    return _join(parts, "and") if parts else _refuse("the pattern has no literal text to look for")


def _next_day(day: dt.date) -> dt.date | None:
    return day + dt.timedelta(days=1) if day < dt.date.max else None


def _date_clause(field: str, op: Op, day: dt.date) -> Translation:
    """A date column against a date, as ranges of the API's date-time field: exact whatever time
    of day the API stores (the column is the date part)."""
    after = _next_day(day)
    if op is Op.LT or op is Op.GE:
        return Translation(f"{field} {_OPS[op]} {day.isoformat()}", True)
    if after is None:
        return _refuse("no date after 9999-12-31")
    if op is Op.LE:
        return Translation(f"{field} lt {after.isoformat()}", True)
    if op is Op.GT:
        return Translation(f"{field} ge {after.isoformat()}", True)
    if op is Op.EQ:
        return Translation(f"{field} ge {day.isoformat()} and {field} lt {after.isoformat()}", True, True)
    return Translation(f"{field} lt {day.isoformat()} or {field} ge {after.isoformat()}", True, True)


_SUB_MS = "the API keeps date-times to the millisecond: a finer value is sent widened and re-checked"


def _timestamp_clause(field: str, op: Op, value: dt.datetime) -> Translation:
    """A date-time compared at the API's precision (milliseconds): exact for whole milliseconds,
    else widened to the enclosing milliseconds (a superset)."""
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    if value.microsecond % 1000 == 0:
        return _plain(field, op, format_timestamp(value))
    low = value.replace(microsecond=value.microsecond // 1000 * 1000)
    high = low + dt.timedelta(milliseconds=1)
    if op is Op.EQ:
        return Translation(f"{field} ge {format_timestamp(low)} and {field} le {format_timestamp(high)}",
                           False, True, _SUB_MS)
    if op in (Op.LT, Op.LE):
        return Translation(f"{field} le {format_timestamp(high)}", False, note=_SUB_MS)
    if op in (Op.GT, Op.GE):
        return Translation(f"{field} ge {format_timestamp(low)}", False, note=_SUB_MS)
    return _refuse(_SUB_MS + " (not for <>)")


def _float_clause(field: str, op: Op, value: float) -> Translation:
    """A float compared with a decimal or integer field: PostgreSQL compares float8(field) with it,
    true for every decimal that rounds to `value`; the API is sent the enclosing decimal interval."""
    if value != value or value in (math.inf, -math.inf):
        return _refuse("NaN and infinity have no OData literal")
    if abs(decimal.Decimal(value)) >= _FLOAT_LIMIT:
        return _refuse("a float this large has no decimal interval the API can take")
    exact = decimal.Decimal(value)
    with decimal.localcontext() as ctx:
        ctx.prec = 60
        low = (decimal.Decimal(math.nextafter(value, -math.inf)) + exact) / 2
        high = (decimal.Decimal(math.nextafter(value, math.inf)) + exact) / 2
        low_text = format(low.quantize(_BOUND, decimal.ROUND_FLOOR), "f")
        high_text = format(high.quantize(_BOUND, decimal.ROUND_CEILING), "f")
    note = "a float matches every decimal that rounds to it: sent as that interval, re-checked"
    if op is Op.EQ:
        return Translation(f"{field} ge {low_text} and {field} le {high_text}", False, True, note)
    if op in (Op.LT, Op.LE):
        return Translation(f"{field} le {high_text}", False, note=note)
    if op in (Op.GT, Op.GE):
        return Translation(f"{field} ge {low_text}", False, note=note)
    return _refuse("<> with a float has no decimal interval")


def _integer_clause(field: str, op: Op, value: decimal.Decimal) -> Translation:
    """An integer field against a fractional number: `< 2.5` is `le 2`, `> 2.5` is `ge 3`."""
    if op in (Op.LT, Op.LE):
        return _plain(field, Op.LE, str(int(value.to_integral_value(decimal.ROUND_FLOOR))))
    if op in (Op.GT, Op.GE):
        return _plain(field, Op.GE, str(int(value.to_integral_value(decimal.ROUND_CEILING))))
    if op is Op.NE:
        return Translation(f"{field} ne null", True)
    return _refuse(f"an integer is never equal to {value}")


def _boolean_order(field: str, op: Op, value: bool) -> Translation:
    """false < true, as in PostgreSQL; the API compares booleans with eq/ne only."""
    if (op is Op.LT and value) or (op is Op.LE and not value):
        return Translation(f"{field} eq false", True)
    if (op is Op.GT and not value) or (op is Op.GE and value):
        return Translation(f"{field} eq true", True)
    if op is Op.GE:  # >= false
        return Translation(f"{field} ne null", True)
    # < false or > true: no row, and the API can be told so
    return Translation(f"{field} eq true and {field} eq false", True, True)


def _plain(field: str, op: Op, literal: str, exact: bool = True, note: str = "") -> Translation:
    text = f"{field} {_OPS[op]} {literal}"
    if op is Op.NE:
        # The API's `ne` is true for a null field (OData null semantics); SQL's <> is not.
        return Translation(f"{text} and {field} ne null", exact, True, note)
    return Translation(text, exact, note=note)


def _value_clause(column: Column, field: str, op: Op, value: object) -> Translation:
    """`field op value` (op one of = <> < <= > >=) in the API's terms."""
    family = type_family(column.type)
    if family == "string":
        if not isinstance(value, str):
            return _refuse("text compared with a non-text value")
        if op is not Op.EQ:
            return _refuse(f"{CASE_INSENSITIVE}: {op.value} could drop rows PostgreSQL keeps")
        return Translation(f"{field} eq {quote_string(value)}", False, note=CASE_INSENSITIVE)
    if family in ("integer", "numeric") and isinstance(value, float):
        return _float_clause(field, op, value)
    if (family == "integer" and isinstance(value, decimal.Decimal) and value.is_finite()
            and value != value.to_integral_value()):
        return _integer_clause(field, op, value)
    if family == "date" and isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return _date_clause(field, op, value)
    if family in ("timestamp", "timestamptz") and isinstance(value, dt.datetime):
        if family == "timestamp" and value.tzinfo is not None:
            return _refuse("an aware value against a timestamp column is read in the session zone first")
        return _timestamp_clause(field, op, value)
    if family == "boolean" and op not in (Op.EQ, Op.NE) and isinstance(value, bool):
        return _boolean_order(field, op, value)
    literal = format_literal(column, value)
    if literal is None:
        return _refuse(f"{value!r} has no exact OData literal for {column.name} ({column.pg_type})")
    return _plain(field, op, literal)


def _translate_comparison(spec: TableSpec, cmp: Comparison) -> Translation:
    found = filter_field(spec, cmp.column)
    if isinstance(found, str):
        return _refuse(found)
    column, field = found
    is_string = type_family(column.type) == "string"
    nulls_note = "the API may answer text nulls as empty strings" if is_string else ""
    if cmp.op is Op.IS_NULL:
        return Translation(f"{field} eq null", not is_string, note=nulls_note)
    if cmp.op is Op.IS_NOT_NULL:
        return Translation(f"{field} ne null", not is_string, note=nulls_note)
    if cmp.op is Op.LIKE:
        return _translate_like(field, cmp.value) if is_string else _refuse("LIKE on a non-text column")
    if cmp.op is Op.NOT_LIKE:
        return _refuse(f"{CASE_INSENSITIVE}: NOT LIKE could drop rows PostgreSQL keeps")
    if cmp.op is Op.IN:
        if not isinstance(cmp.value, tuple) or len(cmp.value) > MAX_IN_ITEMS:
            return _refuse(f"an IN list longer than {MAX_IN_ITEMS} items would make the URL too long")
        branches: list[Translation] = []
        for item in dict.fromkeys(v for v in cmp.value if v is not None):  # `x IN (1, NULL)` is never TRUE via NULL
            branch = _value_clause(column, field, Op.EQ, item)
            if branch.text is None:
                return branch
            if branch.text not in [b.text for b in branches]:
                branches.append(branch)
        return _join(branches, "or") if branches else _refuse("an IN list of NULLs is never true")
    if cmp.op not in _OPS or cmp.value is None:
        return _refuse(f"{cmp.op.value} has no OData form")
    return _value_clause(column, field, cmp.op, cmp.value)


def _columns_of(qual: Qual) -> list[str]:
    if isinstance(qual, Comparison):
        return [qual.column]
    if isinstance(qual, Not):
        return _columns_of(qual.item)
    return [c for item in qual.items for c in _columns_of(item)]


def translate(spec: TableSpec, qual: Qual) -> Translation:
    """The OData form of one qual; `text` None (with a note) when it cannot be sent without losing rows."""
    if isinstance(qual, Comparison):
        return _translate_comparison(spec, qual)
    if isinstance(qual, AnyOf):
        branches = [translate(spec, item) for item in qual.items]
        refused = next((b for b in branches if b.text is None), None)
        if not branches or refused is not None:
            # an OR with an unsendable branch would drop that branch's rows
            return _refuse(f"a branch of the OR cannot be sent ({refused.note if refused else 'empty'})")
        return _join(branches, "or")
    if isinstance(qual, AllOf):
        parts = [translate(spec, item) for item in qual.items]
        sent = [p for p in parts if p.text is not None]
        if not sent:
            return _refuse("; ".join(dict.fromkeys(p.note for p in parts if p.note)))
        joined = _join(sent, "and")
        if len(sent) == len(parts):
            return joined
        # Dropping an unsendable conjunct widens the result: still a superset, no longer exact.
        dropped = "; ".join(dict.fromkeys(p.note for p in parts if p.text is None and p.note))
        return Translation(joined.text, False, joined.compound, f"part of the AND is not sent ({dropped})")
    if isinstance(qual, Not):
        inner = translate(spec, qual.item)
        if inner.text is None:
            return inner
        if not inner.exact:
            return _refuse(f"the negation of a superset would be a subset ({inner.note})")
        # not(E) keeps rows where SQL's E is NULL; exact only when no referenced column is nullable.
        nullable = any((c := spec.column(n)) is None or c.nullable for n in _columns_of(qual.item))
        return Translation(f"not ({inner.text})", not nullable,
                           note="NOT also keeps the rows where a column is NULL" if nullable else "")
    return _refuse("not a predicate the API knows")


@dataclass
class FilterPlan:
    """The `$filter` for a list of conjuncts and how each conjunct was treated."""

    text: str | None
    pushed: list[Qual]  # exact: not re-checked locally
    residual: list[Qual]  # evaluated locally (some of them also sent, as a superset)
    reports: list[QualReport]  # one per conjunct, in order: its clause of `text` (or why none)


def build_filter(spec: TableSpec, quals: Sequence[Qual]) -> FilterPlan:
    """AND the sendable conjuncts into one `$filter`."""
    pushed: list[Qual] = []
    residual: list[Qual] = []
    reports: list[QualReport] = []
    sent: list[Translation] = []
    length = 0
    for qual in quals:
        t = translate(spec, qual)
        if t.text is not None and length + len(t.text) + 7 > MAX_FILTER_CHARS:
            t = _refuse(f"the $filter would exceed {MAX_FILTER_CHARS} characters")
        if t.text is not None:
            sent.append(t)
            length += len(t.text) + 7
            (pushed if t.exact else residual).append(qual)
        else:
            residual.append(qual)
        reports.append(QualReport(qual, _wrap(t) if t.text is not None and len(quals) > 1 else t.text,
                                  t.exact, t.note))
    text = " and ".join(_wrap(t) for t in sent) if len(sent) > 1 else (sent[0].text if sent else None)
    return FilterPlan(text, pushed, residual, reports)


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
    if column.nullable or type_family(column.type) not in (
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
