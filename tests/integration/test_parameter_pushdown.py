"""Bound parameters of the types drivers send reach the API as PostgreSQL would compare them.

psycopg sends Python values with their own types (date, timestamp for a naive datetime,
timestamptz for an aware one, numeric for Decimal, float8 for float, int2/int4/int8, bool, and
text of unknown type for str); asyncpg asks the server for the parameter types and sends
binary values of the column's type. Each query must answer the rows of the same view filtered
locally (DuckDB, never offered to the provider) and, where the comparison has an OData form, put
it in the `$filter` of every page request — see docs/decisions/0505-literals-and-nested-pushdown.md.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import zoneinfo
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs

import asyncpg
import psycopg
import pytest

from sage_sandbox.state import SandboxState
from tests.integration.conftest import PASSWORD, USER, Stack

VIEW = "SalesPostedTransactions"
RESOURCE = "/uk/sage200/accounts/v1/sales_posted_transactions"
COLUMNS = "Id, CustomerId, TransactionDate, DateTimeUpdated, DocumentGrossValue, SettledImmediately, Reference, DiscountDays"


def sent_filters(sandbox: SandboxState) -> list[str | None]:
    out = []
    for record in sandbox.requests:
        if record.path == RESOURCE:
            query = {k: v[0] for k, v in parse_qs(record.query).items()}
            if "$count" not in query:
                out.append(query.get("$filter"))
    return out


def key(row: Any) -> tuple[str, ...]:
    return tuple(repr(v) for v in row)


@pytest.fixture(scope="module")
def sample(stack: Stack) -> tuple[Any, ...]:
    with psycopg.connect(stack.dsn(), autocommit=True) as conn:
        rows = conn.execute(f"SELECT {COLUMNS} FROM {VIEW} ORDER BY Id").fetchall()
    return rows[len(rows) // 3]


def psycopg_cases(sample: tuple[Any, ...]) -> list[tuple[str, Any, str | None]]:
    """(condition with %s, parameter, API field the $filter must name or None when it cannot be sent)."""
    ident, customer, day, updated, gross, settled, reference, _discount = sample
    return [
        ("TransactionDate = %s", day, "transaction_date"),
        ("TransactionDate = %s", dt.datetime.combine(day, dt.time()), "transaction_date"),  # timestamp: midnight
        ("TransactionDate < %s", dt.datetime.combine(day, dt.time(10)), "transaction_date"),  # <= the day
        ("TransactionDate > %s", dt.datetime.combine(day, dt.time(10)), "transaction_date"),
        ("TransactionDate >= %s", dt.datetime.combine(day, dt.time(), dt.UTC), "transaction_date"),  # timestamptz
        ("TransactionDate = %s", f"{day}T01:00:00.000+01:00", "transaction_date"),  # unknown text: date_in
        ("DateTimeUpdated = %s", updated, "date_time_updated"),
        ("DateTimeUpdated = %s", updated.replace(tzinfo=dt.UTC), "date_time_updated"),
        ("DateTimeUpdated = %s", updated.isoformat() + "+05:00", "date_time_updated"),  # the offset is ignored
        ("DateTimeUpdated <= %s", updated + dt.timedelta(microseconds=1), "date_time_updated"),  # below the ms
        ("DocumentGrossValue = %s", gross, "document_gross_value"),
        ("DocumentGrossValue = %s", float(gross), "document_gross_value"),  # float8: sent as an interval
        ("DocumentGrossValue > %s", float(gross), "document_gross_value"),
        ("CustomerId = %s", customer, "customer_id"),
        ("Id < %s", Decimal(ident) + Decimal("0.5"), "id"),
        ("Id >= %s", float(ident), "id"),
        ("SettledImmediately = %s", settled, "settled_immediately"),
        ("SettledImmediately < %s", True, "settled_immediately"),
        ("Reference = %s", reference, "reference"),
        ("Reference LIKE %s", reference[:2] + "%", "reference"),
        ("Reference < %s", reference, None),  # text order: the API's collation differs
        ("DiscountDays = %s", 0, "discount_days"),
        ("Id IN (%s, %s)", (ident, customer), "id"),
    ]


def _check(cur: psycopg.Cursor, sandbox: SandboxState, condition: str, params: tuple[Any, ...],
           field: str | None) -> str | None:
    sandbox.clear()
    got = sorted(cur.execute(f"SELECT {COLUMNS} FROM {VIEW} WHERE {condition}", params).fetchall(), key=key)
    sent = sent_filters(sandbox)
    expected = sorted(cur.execute(f"SELECT {COLUMNS} FROM (SELECT * FROM {VIEW} OFFSET 0) AS t WHERE {condition}",
                                  params).fetchall(), key=key)
    if got != expected:
        return f"{len(got)} rows, locally {len(expected)}"
    if field is None:
        return None if not any(sent) else f"sent {sent}"
    if not sent or not all(f and field in f for f in sent):
        return f"not pushed: {sent}"
    return None


def test_psycopg_parameters_of_every_type(stack: Stack, sandbox: SandboxState, sample: tuple[Any, ...]) -> None:
    failures = []
    with psycopg.connect(stack.dsn(), autocommit=True) as conn, conn.cursor() as cur:
        for condition, value, field in psycopg_cases(sample):
            params = value if isinstance(value, tuple) else (value,)
            problem = _check(cur, sandbox, condition, params, field)
            if problem:
                failures.append(f"{condition} with {value!r}: {problem}")
    assert not failures, "\n".join(failures)


def test_timestamptz_against_a_timestamp_column_in_the_session_zone(stack: Stack, sandbox: SandboxState) -> None:
    """PostgreSQL reads the timestamp column as wall-clock time in TimeZone: pushed as that wall-clock
    time where the zone's offset is steady, kept local (and still right) next to a DST change."""
    london = zoneinfo.ZoneInfo("Europe/London")
    with psycopg.connect(stack.dsn(), autocommit=True) as conn:  # a summer value: London is UTC+1 then
        updated = conn.execute(f"SELECT DateTimeUpdated FROM {VIEW} WHERE DateTimeUpdated >= '2024-06-01' "
                               "AND DateTimeUpdated < '2024-09-01' LIMIT 1").fetchone()[0]
    steady = updated.replace(tzinfo=london)  # the row's own wall-clock time in London
    spring = dt.datetime(2024, 3, 31, 1, 30, tzinfo=dt.UTC)  # the hour London skips
    with psycopg.connect(stack.dsn(options="'-c TimeZone=Europe/London'"), autocommit=True) as conn, \
            conn.cursor() as cur:
        assert _check(cur, sandbox, "DateTimeUpdated = %s", (steady,), "date_time_updated") is None
        assert cur.execute(f"SELECT count(*) FROM {VIEW} WHERE DateTimeUpdated = %s", (steady,)).fetchone()[0] >= 1
        assert _check(cur, sandbox, "DateTimeUpdated < %s", (spring,), None) is None


def test_asyncpg_binary_parameters(stack: Stack, sandbox: SandboxState, sample: tuple[Any, ...]) -> None:
    ident, customer, day, updated, gross, settled, reference, discount = sample
    cases = [("TransactionDate = $1", day, "transaction_date"), ("DateTimeUpdated = $1", updated, "date_time_updated"),
             ("DocumentGrossValue = $1", gross, "document_gross_value"), ("CustomerId = $1", customer, "customer_id"),
             ("SettledImmediately = $1", settled, "settled_immediately"), ("Reference = $1", reference, "reference"),
             ("DiscountDays = $1", discount, "discount_days"), ("Id BETWEEN $1 AND $2", (ident, ident + 5), "id")]

    async def run() -> list[str]:
        conn = await asyncpg.connect(host="127.0.0.1", port=stack.port, user=USER, password=PASSWORD,
                                     database="sage200")
        failures = []
        try:
            for condition, value, field in cases:
                params = value if isinstance(value, tuple) else (value,)
                sandbox.clear()
                got = sorted(await conn.fetch(f"SELECT {COLUMNS} FROM {VIEW} WHERE {condition}", *params), key=key)
                sent = sent_filters(sandbox)
                local = f"SELECT {COLUMNS} FROM (SELECT * FROM {VIEW} OFFSET 0) AS t WHERE {condition}"
                expected = sorted(await conn.fetch(local, *params), key=key)
                if [tuple(r) for r in got] != [tuple(r) for r in expected] or not got:
                    failures.append(f"{condition}: {len(got)} rows, locally {len(expected)}")
                elif not sent or not all(f and field in f for f in sent):
                    failures.append(f"{condition}: not pushed: {sent}")
        finally:
            await conn.close()
        return failures

    assert asyncio.run(run()) == []
