"""What providers are offered and what stays local: quals, ORDER BY/LIMIT safety, lazy paging, MaxRows."""

from __future__ import annotations

import datetime as dt

import pytest
from sql_helpers import make_world, run

from pgserver.provider import AllOf, AnyOf, Comparison, Not, Op, SortKey

pytestmark = pytest.mark.anyio


async def test_equality_is_offered_pushed_and_not_rechecked(engine, world) -> None:
    result = await run(engine, "select name from customers where id = 3")
    assert result.rows == [("Customer 3",)]
    request = world.customers.requests[-1]
    assert request.quals == [Comparison("Id", Op.EQ, 3)]
    assert request.columns == ["Id", "Name"]
    assert world.customers.plans[-1].pushed_quals == [Comparison("Id", Op.EQ, 3)]


async def test_unpushed_quals_still_filter_locally(engine, world) -> None:
    # the provider pushes only = and < ; > and LIKE stay in DuckDB
    result = await run(engine, "select id from customers where creditlimit > 500 and name like 'Customer 1%' "
                               "and accountnumber = 'C010'")
    assert result.rows == [(10,)]
    quals = world.customers.requests[-1].quals
    assert Comparison("CreditLimit", Op.GT, 500) in quals
    assert Comparison("Name", Op.LIKE, "Customer 1%") in quals
    assert Comparison("AccountNumber", Op.EQ, "C010") in quals


async def test_flipped_comparison_and_literal_coercion(engine, world) -> None:
    await run(engine, "select id from customers where 5 > id and created >= '2024-01-03'")
    quals = world.customers.requests[-1].quals
    assert Comparison("Id", Op.LT, 5) in quals
    assert Comparison("Created", Op.GE, dt.date(2024, 1, 3)) in quals


async def test_or_in_between_not_and_null_tests(engine, world) -> None:
    result = await run(engine, "select id from customers where (id = 1 or id = 2 or creditlimit < 150) "
                               "and accountnumber in ('C001', 'C002') and id between 1 and 9 "
                               "and name is not null and not (isactive) and accountnumber not like 'X%' "
                               "order by id")
    assert result.rows == []  # ids 1, 2 are active
    quals = world.customers.requests[-1].quals
    assert AnyOf((Comparison("Id", Op.EQ, 1), Comparison("Id", Op.EQ, 2), Comparison("CreditLimit", Op.LT, 150))) in quals
    assert Comparison("AccountNumber", Op.IN, ("C001", "C002")) in quals
    assert Comparison("Id", Op.GE, 1) in quals and Comparison("Id", Op.LE, 9) in quals
    assert Comparison("Name", Op.IS_NOT_NULL) in quals
    assert Not(Comparison("IsActive", Op.EQ, True)) in quals
    assert Comparison("AccountNumber", Op.NOT_LIKE, "X%") in quals
    again = await run(engine, "select id from customers where (id = 3 or id = 6) and not isactive order by id")
    assert again.rows == [(3,), (6,)]


async def test_in_lists_with_null_stay_local(engine, world) -> None:
    assert (await run(engine, "select id from customers where id not in (1, null)")).rows == []
    assert world.customers.requests[-1].quals == []
    assert (await run(engine, "select id from customers where id in (1, null)")).rows == [(1,)]


async def test_between_inside_or_becomes_allof(engine, world) -> None:
    await run(engine, "select id from customers where id between 1 and 2 or id = 7")
    assert world.customers.requests[-1].quals == [
        AnyOf((AllOf((Comparison("Id", Op.GE, 1), Comparison("Id", Op.LE, 2))), Comparison("Id", Op.EQ, 7)))]


async def test_or_across_tables_and_expressions_stay_local(engine, world) -> None:
    result = await run(engine, "select c.id from customers c join currencies k on k.id = c.currencyid "
                               "where (c.id = 2 or k.code = 'EUR') and upper(c.name) like 'CUSTOMER _' order by 1")
    assert result.rows == [(1,), (2,), (3,), (5,), (7,), (9,)]
    assert world.customers.requests[-1].quals == []
    assert world.currencies.requests[-1].quals == []


async def test_order_and_limit_pushed_only_when_safe(engine, world) -> None:
    result = await run(engine, "select id from customers where id < 9 order by accountnumber desc limit 2 offset 1")
    assert result.rows == [(7,), (6,)]
    request = world.customers.requests[-1]
    assert request.order_by == [SortKey("AccountNumber", descending=True)]
    assert (request.limit, request.offset) == (2, 1)
    assert world.customers.plans[-1].limit_pushed


async def test_null_ordering_is_offered_and_honoured(engine, world) -> None:
    assert (await run(engine, "select id from customers order by name nulls first limit 2")).rows == [(4,), (1,)]
    assert world.customers.requests[-1].order_by == [SortKey("Name", nulls_first=True)]
    assert (await run(engine, "select id from customers order by name desc limit 2")).rows == [(4,), (9,)]
    assert world.customers.requests[-1].order_by == [SortKey("Name", descending=True)]
    assert (await run(engine, "select id from customers order by name limit 10")).rows[-1] == (4,)


async def test_fetch_first_is_offered_like_limit(engine, world) -> None:
    result = await run(engine, "select id from customers where id < 9 order by id desc fetch first 2 rows only")
    assert result.rows == [(8,), (7,)]
    assert world.customers.requests[-1].limit == 2 and world.customers.plans[-1].limit_pushed


@pytest.mark.parametrize("sql", [
    "select id from customers where name like 'C%' order by id limit 2",  # residual filter
    "select count(*) from customers group by isactive limit 1",  # aggregate
    "select distinct isactive from customers limit 1",  # DISTINCT
    "select id, row_number() over () from customers limit 2",  # window
    "select c.id from customers c join currencies k on k.id = c.currencyid order by c.id limit 2",  # join
    "select id from customers order by upper(name) limit 2",  # expression ordering
    "select id from customers order by isactive fetch first 2 rows with ties",  # ties: more rows than the count
])
async def test_order_and_limit_not_offered_when_rows_could_change(engine, world, sql: str) -> None:
    await run(engine, sql)
    for request in world.customers.requests:
        assert request.limit is None and request.order_by == []


async def test_join_on_conditions_are_offered_where_the_join_allows(engine, world) -> None:
    inner = await run(engine, "select c.id, k.code from customers c join currencies k on k.id = c.currencyid "
                              "and k.id = 2 and c.id < 4 order by c.id")
    assert inner.rows == [(1, "EUR"), (3, "EUR")]
    assert world.currencies.requests[-1].quals == [Comparison("Id", Op.EQ, 2)]
    assert world.customers.requests[-1].quals == [Comparison("Id", Op.LT, 4)]
    left = await run(engine, "select c.id, k.code from customers c left join currencies k on k.id = c.currencyid "
                             "and k.id = 2 and c.id < 3 order by c.id")
    assert left.rows[:3] == [(1, "EUR"), (2, None), (3, None)] and len(left.rows) == 10
    assert world.currencies.requests[-1].quals == [Comparison("Id", Op.EQ, 2)]
    assert world.customers.requests[-1].quals == []  # the preserved side keeps all its rows


async def test_outer_join_keeps_where_on_nullable_side_local(engine, world) -> None:
    sql = ("select c.id, k.code from customers c left join currencies k on k.id = c.currencyid and k.id = 1 "
           "where k.id is null and c.id < 4 order by c.id")
    result = await run(engine, sql)
    assert result.rows == [(1, None), (3, None)]  # pushing k.id IS NULL into the scan would return all three
    assert world.currencies.requests[-1].quals == [Comparison("Id", Op.EQ, 1)]  # from ON, not the WHERE
    assert world.customers.requests[-1].quals == [Comparison("Id", Op.LT, 4)]


async def test_limit_stops_pulling_batches_early() -> None:
    world = make_world(rows=200, batch_size=5)
    engine = await world.factory.connect("demo", "sage200", {})
    try:
        # the filter is residual, so LIMIT is not pushed: DuckDB must stop the scan itself
        result = await run(engine, "select id from customers where name like 'Cust%' limit 3")
        assert len(result.rows) == 3
        assert world.customers.batches_pulled <= 3
        assert world.customers.closed == 1  # the provider generator was closed: paging stopped
    finally:
        await engine.close()


async def test_fetch_in_chunks_pulls_lazily() -> None:
    world = make_world(rows=20000, batch_size=100)
    engine = await world.factory.connect("demo", "sage200", {})
    try:
        prepared = await engine.prepare("select id from customers", [])
        cursor = await engine.execute(prepared, [])
        first = await cursor.fetch(10)
        assert [r[0] for r in first] == list(range(1, 11))
        assert world.customers.batches_pulled < 60  # a bounded read-ahead, not the 200-batch table
        rest = await cursor.fetch(None)
        assert len(rest) == 19990 and cursor.command_tag == "SELECT 20000"
        assert world.customers.batches_pulled == 200
        await cursor.close()
    finally:
        await engine.close()


async def test_max_rows_caps_plain_queries_but_not_aggregates(engine, world) -> None:
    await run(engine, "set MaxRows = 4")
    plain = await run(engine, "select id from customers")
    assert len(plain.rows) == 4 and plain.tag == "SELECT 4"
    assert world.customers.requests[-1].limit == 4  # offered, nothing local could drop rows
    assert (await run(engine, "select count(*) from customers")).rows == [(10,)]
    assert len((await run(engine, "select id from customers limit 7")).rows) == 7  # explicit LIMIT wins


async def test_scan_context_exposes_connection_properties(world) -> None:
    engine = await world.factory.connect("demo", "sage200", {"options": "-c MaxThreads=3 -c Timeout=7"})
    try:
        await run(engine, "select id from customers where id = 1")
        ctx = world.customers.contexts[-1]
        assert ctx.property("MaxThreads") == 3 and ctx.property("Timeout") == 7
        assert ctx.properties.get("Schema") == "StandardUK"
    finally:
        await engine.close()


async def test_key_lookup_narrows_the_unfiltered_side_of_a_join(engine, world) -> None:
    sql = ("select c.id, k.code from customers c join currencies k on k.id = c.currencyid "
           "where c.id < 3 order by c.id")
    assert (await run(engine, sql)).rows == [(1, "EUR"), (2, "GBP")]
    assert world.currencies.requests[-1].quals == [Comparison("Id", Op.IN, (2, 1))]
    assert world.customers.scans_started == 1  # the driver's batches were reused, not read twice
    plan_text = "\n".join(r[0] for r in (await run(engine, "explain " + sql)).rows)
    assert "Key Lookup: k.Id IN (values of c.CurrencyId" in plan_text


async def test_key_lookup_from_the_other_side_and_through_left_joins(engine, world) -> None:
    result = await run(engine, "select c.id from currencies k join customers c on c.currencyid = k.id "
                               "where k.id = 2 order by 1")
    assert result.rows == [(1,), (3,), (5,), (7,), (9,)]
    assert Comparison("CurrencyId", Op.IN, (2,)) in world.customers.requests[-1].quals
    left = await run(engine, "select c.id, k.code from customers c left join currencies k on k.id = c.currencyid "
                             "where c.id = 4")
    assert left.rows == [(4, "GBP")]
    assert world.currencies.requests[-1].quals == [Comparison("Id", Op.IN, (1,))]


async def test_no_key_lookup_when_both_sides_are_filtered_or_neither(engine, world) -> None:
    await run(engine, "select c.id from customers c join currencies k on k.id = c.currencyid where k.id = 1 and c.id = 2")
    assert world.currencies.requests[-1].quals == [Comparison("Id", Op.EQ, 1)]
    await run(engine, "select c.id from customers c join currencies k on k.id = c.currencyid")
    assert world.currencies.requests[-1].quals == [] and world.customers.requests[-1].quals == []
