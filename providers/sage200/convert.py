"""One page of Sage 200 JSON objects → one Arrow RecordBatch.

A page is parsed either exactly (`parse_float=Decimal`) or fast (orjson: numbers with a
fraction become floats). A float is used only where it provably stands for the digits the
API sent — a double-precision column, or a numeric(p,s) column whose values all have at
most s decimals in their shortest form and |v| < 10^(15-s) (such decimals have at most 15
significant digits, which a double keeps exactly; docs/decisions/0702-exact-fast-json.md).
Anywhere else a float raises InexactNumber and the caller parses the page exactly. Columns
are converted a whole column at a time by Arrow where it can. Columns read
dotted API paths ("main_address.address_1"); a missing object on the way gives NULL.
Timestamps arrive as ISO-8601 with a trailing Z (UTC) and 1–7 fraction digits and become
naive UTC datetimes; dates arrive as date-times at midnight; collections become JSON text.
A value that does not fit its column raises PgError (22P02/22007/22003) naming the column,
never echoing more than a short prefix of the value.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import math
import operator
import re
from collections.abc import Callable, Sequence
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from pgserver.errors import (
    INVALID_DATETIME_FORMAT,
    INVALID_TEXT_REPRESENTATION,
    NUMERIC_VALUE_OUT_OF_RANGE,
    PgError,
)
from pgserver.provider import Column, TableSpec, arrow_schema

_FRACTION = re.compile(r"(\.\d{6})\d+")
_WIDE = decimal.Context(prec=80)  # quantize without spurious InvalidOperation; Arrow checks the range


class InexactNumber(Exception):
    """A float from the fast parse cannot be shown to carry the API's digits: parse exactly."""


class _BadValue(Exception):
    def __init__(self, sqlstate: str, reason: str) -> None:
        super().__init__(reason)
        self.sqlstate = sqlstate
        self.reason = reason


def dump_json(value: Any) -> str:
    """JSON text for a nested value, keeping Decimals' digits exactly."""
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(str(k))}:{dump_json(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(dump_json(v) for v in value) + "]"
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, float):
        raise InexactNumber
    return json.dumps(value)


def parse_timestamp(text: str) -> dt.datetime:
    """ISO-8601 → naive UTC (an offset or Z is converted; no offset is taken as UTC)."""
    value = dt.datetime.fromisoformat(_FRACTION.sub(r"\1", text.strip()))
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def _to_int(value: Any) -> int:
    if isinstance(value, float):
        raise InexactNumber
    if isinstance(value, bool):
        raise _BadValue(INVALID_TEXT_REPRESENTATION, "a boolean where an integer was expected")
    if isinstance(value, int):
        return value
    if isinstance(value, decimal.Decimal) and value.is_finite() and value == value.to_integral_value():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("+-").isdigit():
        return int(value)
    raise _BadValue(INVALID_TEXT_REPRESENTATION, "not an integer")


def _to_decimal(scale: int) -> Callable[[Any], decimal.Decimal]:
    exponent = decimal.Decimal(1).scaleb(-scale)

    def convert(value: Any) -> decimal.Decimal:
        if isinstance(value, float):
            raise InexactNumber
        if isinstance(value, bool):
            raise _BadValue(INVALID_TEXT_REPRESENTATION, "a boolean where a number was expected")
        try:
            number = decimal.Decimal(value) if isinstance(value, (int, str)) else value
            if not isinstance(number, decimal.Decimal) or not number.is_finite():
                raise _BadValue(INVALID_TEXT_REPRESENTATION, "not a number")
            return number.quantize(exponent, rounding=decimal.ROUND_HALF_EVEN, context=_WIDE)
        except decimal.InvalidOperation:
            raise _BadValue(INVALID_TEXT_REPRESENTATION, "not a number") from None

    return convert


def _to_float(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, decimal.Decimal, str)):
        raise _BadValue(INVALID_TEXT_REPRESENTATION, "not a number")
    try:
        return float(value)
    except ValueError:
        raise _BadValue(INVALID_TEXT_REPRESENTATION, "not a number") from None


def _to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise _BadValue(INVALID_TEXT_REPRESENTATION, "not a boolean")


def _to_timestamp(value: Any) -> dt.datetime:
    if not isinstance(value, str):
        raise _BadValue(INVALID_DATETIME_FORMAT, "not a date-time string")
    try:
        return parse_timestamp(value)
    except ValueError:
        raise _BadValue(INVALID_DATETIME_FORMAT, "not an ISO-8601 date-time") from None


def _to_timestamptz(value: Any) -> dt.datetime:
    return _to_timestamp(value).replace(tzinfo=dt.UTC)


def _to_date(value: Any) -> dt.date:
    if not isinstance(value, str):
        raise _BadValue(INVALID_DATETIME_FORMAT, "not a date string")
    try:
        return dt.date.fromisoformat(value.strip()[:10])  # the business date as written
    except ValueError:
        raise _BadValue(INVALID_DATETIME_FORMAT, "not an ISO-8601 date") from None


def _to_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, float):
        raise InexactNumber
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return dump_json(value)
    if isinstance(value, (int, decimal.Decimal)):
        return str(value)
    raise _BadValue(INVALID_TEXT_REPRESENTATION, "not representable as text")


def converter_for(arrow: pa.DataType) -> Callable[[Any], Any]:
    """The Python conversion feeding pa.array for one Arrow type."""
    if pa.types.is_integer(arrow):
        return _to_int
    if pa.types.is_decimal(arrow):
        return _to_decimal(arrow.scale)
    if pa.types.is_floating(arrow):
        return _to_float
    if pa.types.is_boolean(arrow):
        return _to_bool
    if pa.types.is_date(arrow):
        return _to_date
    if pa.types.is_timestamp(arrow):
        return _to_timestamptz if arrow.tz else _to_timestamp
    return _to_text


def read_path(record: dict[str, Any], path: Sequence[str]) -> Any:
    """record["a"]["b"]…; None when any step is missing or null."""
    value: Any = record
    for part in path:
        if not isinstance(value, dict):
            return None
        value = value.get(part)
        if value is None:
            return None
    return value


def _snippet(value: Any) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= 40 else text[:40] + "…"


_NONE = type(None)


def _decimals_from_floats(raw: list[Any], arrow: pa.Decimal128Type) -> pa.Array:
    """A numeric(p,s) column from fast-parsed numbers, or InexactNumber when not provably exact."""
    numbers = pa.array(raw, type=pa.float64())  # refuses ints a double cannot hold exactly
    present = raw if numbers.null_count == 0 else [v for v in raw if v is not None]
    largest = max(map(abs, present), default=0.0)
    if not math.isfinite(largest) or largest >= 10.0 ** (15 - arrow.scale):
        raise InexactNumber
    try:  # the shortest round-trip text of each double, then an exact decimal parse
        return pc.cast(pc.cast(numbers, pa.string()), arrow)  # fails when a value has more than s decimals
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        raise InexactNumber from None


def _fast_array(raw: list[Any], arrow: pa.DataType) -> pa.Array | None:
    """The column straight from the JSON values when they already have the right Python
    types (the common case); None sends the column through the checked per-value path."""
    try:
        if pa.types.is_string(arrow):  # Arrow refuses anything but str (JSON has no bytes)
            return pa.array(raw, type=arrow)
        types = set(map(type, raw))
        if pa.types.is_decimal(arrow):
            if float in types:
                if types <= {float, int, _NONE}:
                    return _decimals_from_floats(raw, arrow)
                raise InexactNumber
            return pa.array(raw, type=arrow)  # Decimals/ints: Arrow refuses lossy rescaling
        if pa.types.is_boolean(arrow):
            return pa.array(raw, type=arrow) if types <= {bool, _NONE} else None
        if pa.types.is_integer(arrow):  # not Arrow's own conversion: it would truncate 5.5
            return pa.array(raw, type=arrow) if types <= {int, _NONE} else None
        if pa.types.is_floating(arrow):
            return pa.array(raw, type=arrow) if types <= {float, int, _NONE} else None
        if not types <= {str, _NONE}:
            return None
        if pa.types.is_date(arrow):  # the business date as written: the first ten characters
            return pc.cast(pc.utf8_slice_codeunits(pa.array(raw, type=pa.string()), 0, 10), arrow)
        if pa.types.is_timestamp(arrow):
            try:  # ISO-8601 with Z or an offset, up to microseconds
                aware = pc.cast(pa.array(raw, type=pa.string()), pa.timestamp("us", tz="UTC"))
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                values = [None if v is None else parse_timestamp(v) for v in raw]  # naive = UTC, 7 digits
                aware = pa.array(values, type=pa.timestamp("us"))
                return aware if not arrow.tz else aware.cast(pa.timestamp("us", tz="UTC"))
            return aware if arrow.tz else aware.cast(arrow)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError, OverflowError):
        return None
    return None


def extract(records: Sequence[dict[str, Any]], paths: Sequence[Sequence[str]]) -> list[list[Any]]:
    """The raw values of each dotted path, one list per path (missing → None)."""
    flat = [p[0] for p in paths if len(p) == 1]
    by_field: dict[str, list[Any]] = {}
    if flat and records:
        names = list(dict.fromkeys(flat))
        try:  # every row has every field (the API's $select answer): transpose at C speed
            rows = list(map(operator.itemgetter(*names), records))
            columns = list(zip(*rows, strict=True)) if len(names) > 1 else [rows]
            by_field = {name: list(column) for name, column in zip(names, columns, strict=True)}
        except (KeyError, TypeError):
            by_field = {name: [record.get(name) for record in records] for name in names}
    out: list[list[Any]] = []
    for path in paths:
        if len(path) == 1:
            out.append(by_field.get(path[0], []) if records else [])
        else:
            out.append([read_path(record, path) if path else None for record in records])
    return out


class PageConverter:
    """Turns pages of one scan into batches; the per-column lookups are done once per scan."""

    def __init__(self, spec: TableSpec, columns: Sequence[str]) -> None:
        self.spec = spec
        self.schema = arrow_schema(spec, list(columns))
        self.columns = [spec.column(name) for name in self.schema.names]
        self.paths = [c.source.split(".") if c and c.source else [] for c in self.columns]

    def convert(self, records: Sequence[dict[str, Any]]) -> pa.RecordBatch:
        """One RecordBatch with the scan's schema; InexactNumber when a fast-parsed float
        cannot be converted exactly."""
        if not self.schema.names:
            # No column needed (count(*)): a batch with the right number of rows and no fields.
            return pa.RecordBatch.from_struct_array(pa.array([{}] * len(records), type=pa.struct([])))
        arrays: list[pa.Array] = []
        for field, column, raw in zip(self.schema, self.columns, extract(records, self.paths), strict=True):
            assert column is not None  # arrow_schema only lists known columns
            fast = _fast_array(raw, field.type)
            arrays.append(fast if fast is not None else _checked_array(self.spec, column, field.type, raw))
        return pa.RecordBatch.from_arrays(arrays, schema=self.schema)


def page_to_batch(spec: TableSpec, columns: Sequence[str], records: Sequence[dict[str, Any]]) -> pa.RecordBatch:
    """One RecordBatch with schema `arrow_schema(spec, columns)` from the page's objects."""
    return PageConverter(spec, columns).convert(records)


def _checked_array(spec: TableSpec, column: Column, arrow: pa.DataType, raw: list[Any]) -> pa.Array:
    """Per-value conversion with a precise error for the first value that does not fit."""
    convert = converter_for(arrow)
    values: list[Any] = []
    for value in raw:
        if value is None:
            values.append(None)
            continue
        try:
            values.append(convert(value))
        except _BadValue as bad:
            raise PgError(
                bad.sqlstate,
                f"Sage 200 returned a value for {spec.name}.{column.name} that is {bad.reason}: {_snippet(value)}",
            ) from None
    try:
        return pa.array(values, type=arrow)
    except (pa.ArrowInvalid, OverflowError) as exc:
        raise PgError(
            NUMERIC_VALUE_OUT_OF_RANGE,
            f"Sage 200 returned a value for {spec.name}.{column.name} out of range for {column.pg_type}",
            detail=str(exc)[:200],
        ) from None
