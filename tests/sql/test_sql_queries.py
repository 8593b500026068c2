"""Queries run in DuckDB over provider scans, with PostgreSQL semantics and result types."""

from __future__ import annotations

import datetime as dt
import decimal

import pytest
from sql_helpers import error_of, run

from pgserver import types as pgtypes

pytestmark = pytest.mark.anyio


async def test_join_with_aggregate_group_by_having(engine) -> None:
    result = await run(engine, "select k.code, count(*) as n, sum(c.balance) total from customers c "
                               "join currencies k on k.id = c.currencyid group by k.code having count(*) > 1 "
                               "order by k.code")
    assert result.rows == [("EUR", 5, decimal.Decimal("252.50")), ("GBP", 5, decimal.Decimal("302.50"))]
    assert result.names == ["Code", "n", "total"]
    assert [c.type_oid for c in result.columns] == [pgtypes.VARCHAR, pgtypes.INT8, pgtypes.NUMERIC]


async def test_positional_order_and_group_by_refer_to_output_columns(engine) -> None:
    result = await run(engine, "select isactive, count(*) from customers group by 1 order by 2 desc, 1")
    assert result.names == ["IsActive", "count"]
    assert result.rows == [(True, 7), (False, 3)]


async def test_values_and_table_statements(engine) -> None:
    values = await run(engine, "values (1, 'a'), (2, 'b')")
    assert values.names == ["column1", "column2"] and values.rows == [(1, "a"), (2, "b")]
    table = await run(engine, "table currencies")
    assert table.names == ["Id", "Code", "Name"] and len(table.rows) == 3


async def test_window_functions(engine) -> None:
    result = await run(engine, "select id, row_number() over (partition by isactive order by id desc) rn, "
                               "sum(creditlimit) over (order by id) running from customers where id <= 4 order by id")
    assert result.rows == [(1, 3, 100), (2, 2, 300), (3, 1, 600), (4, 1, 1000)]


async def test_cte_subqueries_and_exists(engine) -> None:
    result = await run(engine, """
        with active as (select id, currencyid from customers where isactive)
        select a.id, (select code from currencies k where k.id = a.currencyid) as code
        from active a
        where a.id in (select id from customers where creditlimit < 500)
          and exists (select 1 from currencies k where k.id = a.currencyid)
        order by a.id""")
    assert result.rows == [(1, "EUR"), (2, "GBP"), (4, "GBP")]


async def test_union_and_case(engine) -> None:
    result = await run(engine, "select id, case when isactive then 'yes' else 'no' end as active from customers "
                               "where id < 3 union all select id, 'cur' from currencies where id = 1 order by 1, 2")
    assert result.rows == [(1, "cur"), (1, "yes"), (2, "yes")]
    result = await run(engine, "select code from currencies union select code from currencies order by 1")
    assert result.rows == [("EUR",), ("GBP",), ("USD",)]


async def test_postgresql_semantics(engine) -> None:
    result = await run(engine, "select 7/2, -7/2, 7.0/2, 7 % 3, 'a' || null, concat('a', null, 'b'), "
                               "coalesce(null, 2), nullif(1, 1), 'A_C' like 'A\\_C', 'ABC' like 'A\\_C', "
                               "'abc' ilike 'A%', round(2.345, 2), trunc(2.9), abs(-3), upper('x'), length('abc'), "
                               "substring('abcdef' from 2 for 3), position('c' in 'abc'), trim('  x '), "
                               "replace('aXa', 'X', 'y')")
    row = result.rows[0]
    assert row[0] == 3 and row[1] == -3 and row[3] == 1 and row[4] is None and row[5] == "ab"
    assert row[6:11] == (2, None, True, False, True)
    assert row[11] == decimal.Decimal("2.35") and row[13:] == (3, "X", 3, "bcd", 3, "x", "aya")
    assert result.names[:3] == ["?column?", "?column?", "?column?"]
    assert result.names[5:7] == ["concat", "coalesce"]


async def test_null_handling_and_numeric_precision(engine) -> None:
    result = await run(engine, "select count(name), count(*), sum(balance), max(name) from customers")
    assert result.rows == [(9, 10, decimal.Decimal("555.00"), "Customer 9")]
    result = await run(engine, "select balance * 3, balance from customers where id = 1")
    assert result.rows == [(decimal.Decimal("31.50"), decimal.Decimal("10.50"))]
    assert (await run(engine, "select null = null, null is null")).rows == [(None, True)]


async def test_division_by_zero_and_bad_casts(engine) -> None:
    assert (await error_of(engine, "select 1/0")).sqlstate == "22012"
    error = await error_of(engine, "select 'abc'::int")
    assert (error.sqlstate, error.message) == ("22P02", 'invalid input syntax for type integer: "abc"')
    assert (await error_of(engine, "select nosuchfn(1)")).sqlstate == "42883"


async def test_dates_and_timestamps(engine) -> None:
    result = await run(engine, "select created, date_trunc('month', created), extract(year from created), "
                               "created + 1 from customers where id = 3")
    row = result.rows[0]
    assert row[0] == dt.date(2024, 1, 3) and row[2] == 2024 and row[3] == dt.date(2024, 1, 4)
    now = await run(engine, "select now(), current_date")
    assert now.columns[0].type_oid == pgtypes.TIMESTAMPTZ and now.columns[1].type_oid == pgtypes.DATE
    assert now.rows[0][0].tzinfo is not None


async def test_queries_without_tables_and_client_probes(engine) -> None:
    result = await run(engine, "select version(), current_database(), current_schema(), current_user, "
                               "current_setting('server_version_num'), pg_backend_pid() > 0")
    version, database, schema, user, version_num, pid_ok = result.rows[0]
    assert version.startswith("PostgreSQL 15.") and database == "sage200" and schema == "public"  # search_path: "$user", public, …
    assert user == "demo" and version_num == "150008" and pid_ok is True
    assert result.names[:3] == ["version", "current_database", "current_schema"]
    assert (await run(engine, "select pg_catalog.version()")).rows == [(version,)]
    assert (await run(engine, "select * from generate_series(1, 3)")).rows == [(1,), (2,), (3,)]


async def test_parameters_are_inferred_and_bound(engine, world) -> None:
    prepared = await engine.prepare("select name from customers where id = $1 and name like $2 limit $3", [0, 0, 0])
    assert prepared.param_type_oids == [pgtypes.INT8, pgtypes.VARCHAR, pgtypes.INT8]
    assert prepared.columns is not None and prepared.columns[0].name == "Name"
    cursor = await engine.execute(prepared, [2, "Cust%", 5])
    assert await cursor.fetch(None) == [("Customer 2",)]
    await cursor.close()
    assert world.customers.requests[-1].quals[0].value == 2
    prepared = await engine.prepare("select $1 + 1, $2 * 1.5", [])
    assert prepared.param_type_oids == [pgtypes.INT4, pgtypes.NUMERIC]
    prepared = await engine.prepare("select $1::date + 1, $2", [0, 0])
    assert prepared.param_type_oids == [pgtypes.DATE, pgtypes.TEXT]
    cursor = await engine.execute(prepared, [dt.date(2024, 2, 28), "x"])
    assert await cursor.fetch(None) == [(dt.date(2024, 2, 29), "x")]
    await cursor.close()


async def test_a_bare_parameter_projection_has_the_parameters_type(engine) -> None:
    """PostgreSQL types `SELECT $1` by the parameter (typmod -1); DuckDB keeps jsonb as json, numeric with a scale."""
    prepared = await engine.prepare("select $1 as j, ($2) as n, $3 as t, $2 + 1 as m",
                                    [pgtypes.JSONB, pgtypes.NUMERIC, 0])
    assert [(c.name, c.type_oid, c.typmod) for c in prepared.columns] == [
        ("j", pgtypes.JSONB, -1), ("n", pgtypes.NUMERIC, -1), ("t", pgtypes.TEXT, -1), ("m", pgtypes.NUMERIC, -1)]
    cursor = await engine.execute(prepared, ['{"a": 1}', decimal.Decimal("2.50"), "x"])
    assert [(c.name, c.type_oid) for c in cursor.columns] == [("j", pgtypes.JSONB), ("n", pgtypes.NUMERIC),
                                                              ("t", pgtypes.TEXT), ("m", pgtypes.NUMERIC)]
    assert await cursor.fetch(None) == [('{"a": 1}', decimal.Decimal("2.50"), "x", decimal.Decimal("3.50"))]
    await cursor.close()


async def test_an_empty_select_list_answers_rows_without_columns(engine, world) -> None:
    """`SELECT FROM t` (PostgreSQL's zero-column rows; drizzle-kit's `EXISTS (SELECT FROM pg_attrdef …)`)."""
    for sql, rows in (("select from customers", 10), ("select from customers where id > 7", 3), ("select", 1),
                      ("select where false", 0)):
        prepared = await engine.prepare(sql, [])
        assert prepared.columns == [], sql
        cursor = await engine.execute(prepared, [])
        assert cursor.columns == [] and await cursor.fetch(None) == [()] * rows, sql
        await cursor.close()
    result = await run(engine, "select exists (select from customers where id = 3), "
                               "(select count(*) from (select from customers) s)")
    assert result.rows == [(True, 10)]


async def test_describe_reports_columns_before_execution(engine, world) -> None:
    prepared = await engine.prepare("select id, name, balance * 2 as doubled, created from customers", [])
    assert [(c.name, c.type_oid) for c in prepared.columns] == [
        ("Id", pgtypes.INT8), ("Name", pgtypes.VARCHAR), ("doubled", pgtypes.NUMERIC), ("Created", pgtypes.DATE)]
    assert world.customers.scans_started == 0  # describing never calls the API


async def test_procedures_via_select_and_call(engine, world) -> None:
    result = await run(engine, "select * from GetOAuthAuthorizationURL(CallbackURL => 'http://cb', State => 's1')")
    assert result.names == ["URL", "StateOut"]
    assert result.rows == [("https://auth.example/authorize?redirect=http://cb", "s1")]
    prepared = await engine.prepare("CALL GetOAuthAuthorizationURL('http://x')", [])
    assert [c.name for c in prepared.columns] == ["URL", "StateOut"]
    call = await run(engine, "CALL GetOAuthAuthorizationURL('http://x')")
    assert call.tag == "CALL" and call.rows == [("https://auth.example/authorize?redirect=http://x", "none")]
    assert world.procedure.calls[-1] == {"CallbackURL": "http://x"}
    error = await error_of(engine, "call GetOAuthAuthorizationURL(State => 'x')")
    assert error.sqlstate == "42883" and "CallbackURL" in error.message
