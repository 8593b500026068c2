"""Sage 200 JSON → Arrow: dotted paths, timestamps, dates, decimals, booleans, collections."""

from __future__ import annotations

import datetime as dt
import json
import random
from decimal import Decimal

import orjson
import pyarrow as pa
import pytest

from pgserver.errors import PgError
from pgserver.provider import Column, TableSpec, arrow_schema
from providers.sage200.convert import InexactNumber, page_to_batch

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


# -- the fast path: orjson floats are used only where provably exact ------------------------------


def fast_or_exact(*rows: str) -> tuple[pa.RecordBatch, bool]:
    """What the provider does with a page: orjson first, Decimal parsing when a float may be inexact."""
    records = [orjson.loads(r) for r in rows]
    try:
        return page_to_batch(SPEC, NAMES, records), True
    except InexactNumber:
        return convert(*rows), False


def test_ordinary_money_takes_the_fast_path_exactly() -> None:
    rows = ['{"id": 1, "money": 1234567.89, "rate": 0.000001, "ratio": 0.1}',
            '{"id": 2, "money": 0.1, "rate": 123.456789, "ratio": 2}',
            '{"id": 3, "money": -99999999999.99, "rate": 1e-05, "ratio": null}',
            '{"id": 4, "money": 5, "rate": 0, "ratio": 1.5}']
    batch, fast = fast_or_exact(*rows)
    assert fast and batch.to_pylist() == convert(*rows).to_pylist()
    assert batch.column("Money").to_pylist() == [Decimal("1234567.89"), Decimal("0.10"),
                                                 Decimal("-99999999999.99"), Decimal("5.00")]


@pytest.mark.parametrize(("row", "column", "expected"), [
    ('{"money": 1234567890123456.78}', "Money", Decimal("1234567890123456.78")),  # 18 digits
    ('{"rate": 1234567890.123456}', "Rate", Decimal("1234567890.123456")),  # 16 digits
    ('{"rate": 1.1234565}', "Rate", Decimal("1.123456")),  # more decimals than the scale: half-even
    ('{"items": [{"v": 0.10}]}', "Items", '[{"v":0.10}]'),  # nested numbers keep their text
    ('{"id": 5.0}', "Id", 5),
])
def test_floats_that_may_have_lost_digits_are_parsed_again_exactly(row: str, column: str, expected: object) -> None:
    batch, fast = fast_or_exact(row)
    assert not fast and batch.column(column).to_pylist() == [expected]


def test_fast_and_exact_agree_on_many_random_decimals() -> None:
    rng = random.Random(7)
    rows = []
    for i in range(3000):
        money = f"{rng.randint(-10**rng.randint(1, 13), 10**13)}.{rng.randint(0, 99):02d}"
        rate = f"{rng.randint(0, 10**rng.randint(1, 9))}.{rng.randint(0, 999999):06d}"
        rows.append(f'{{"id": {i}, "money": {money}, "rate": {rate}}}')
    fast_pages = 0
    for start in range(0, len(rows), 500):
        page = rows[start : start + 500]
        batch, fast = fast_or_exact(*page)
        fast_pages += fast
        exact = convert(*page)
        assert batch.column("Money").equals(exact.column("Money")) and batch.column("Rate").equals(exact.column("Rate"))
    assert fast_pages == 6  # 13-digit money and 9-digit rates (15 significant digits) stay on the fast path
