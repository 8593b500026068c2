"""Sage 200 JSON → Arrow: dotted paths, timestamps, dates, decimals, booleans, collections."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pyarrow as pa
import pytest

from pgserver.errors import PgError
from pgserver.provider import Column, TableSpec, arrow_schema
from providers.sage200.convert import page_to_batch

SPEC = TableSpec(
    "StandardUK",
    "T",
    (
        Column("Id", "bigint", source="id"),
        Column("Small", "smallint", source="small"),
        Column("Money", "numeric(18,2)", source="money"),
        Column("Rate", "numeric(18,6)", source="rate"),
        Column("Flag", "boolean", source="flag"),
        Column("Day", "date", source="day"),
        Column("At", "timestamp", source="at"),
        Column("AtTz", "timestamptz", source="at"),
        Column("City", "varchar(60)", source="main_address.city"),
        Column("Items", "text", source="items"),
        Column("Ratio", "double precision", source="ratio"),
    ),
)
NAMES = [c.name for c in SPEC.columns]


def convert(*rows: str) -> pa.RecordBatch:
    records = [json.loads(r, parse_float=Decimal) for r in rows]
    return page_to_batch(SPEC, NAMES, records)


def test_types_and_paths() -> None:
    batch = convert(
        '{"id": 9007199254740993, "small": 3, "money": 12.5, "rate": 1.1234565, "flag": true,'
        ' "day": "2016-02-23T00:00:00Z", "at": "2025-02-28T14:03:57.1234567Z",'
        ' "main_address": {"city": "Leeds"}, "items": [{"v": 0.10}, {"v": null}], "ratio": 0.5}',
        '{"id": 2, "at": "2025-02-28T15:03:57+01:00", "main_address": null, "day": "2016-02-24"}',
    )
    assert batch.schema == arrow_schema(SPEC, NAMES)
    first, second = batch.to_pylist()
    assert first["Id"] == 9007199254740993  # no float detour
    assert first["Money"] == Decimal("12.50") and first["Rate"] == Decimal("1.123456")  # half-even
    assert first["Flag"] is True and first["Small"] == 3
    assert first["Day"] == dt.date(2016, 2, 23)
    assert first["At"] == dt.datetime(2025, 2, 28, 14, 3, 57, 123456)
    assert first["AtTz"] == dt.datetime(2025, 2, 28, 14, 3, 57, 123456, tzinfo=dt.UTC)
    assert first["City"] == "Leeds" and first["Items"] == '[{"v":0.10},{"v":null}]'
    assert first["Ratio"] == 0.5
    assert second["At"] == dt.datetime(2025, 2, 28, 14, 3, 57)  # offset converted to UTC
    assert second["City"] is None and second["Money"] is None and second["Day"] == dt.date(2016, 2, 24)


@pytest.mark.parametrize(
    ("row", "sqlstate"),
    [
        ('{"id": "abc"}', "22P02"),
        ('{"id": 5.5}', "22P02"),  # never truncated to 5
        ('{"small": 70000}', "22003"),
        ('{"flag": "maybe"}', "22P02"),
        ('{"at": "yesterday"}', "22007"),
        ('{"money": 1e30}', "22003"),
    ],
)
def test_bad_values_name_the_column(row: str, sqlstate: str) -> None:
    with pytest.raises(PgError) as err:
        convert(row)
    assert err.value.sqlstate == sqlstate and "T." in err.value.message


def test_integral_decimals_and_numeric_text_are_accepted() -> None:
    first = convert('{"id": 5.0, "money": "7.1", "flag": "true"}').to_pylist()[0]
    assert first["Id"] == 5 and first["Money"] == Decimal("7.10") and first["Flag"] is True


def test_no_columns_keeps_row_count() -> None:
    batch = page_to_batch(SPEC, [], [{"id": 1}, {"id": 2}])
    assert batch.num_rows == 2 and batch.num_columns == 0
