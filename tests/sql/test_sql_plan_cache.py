"""Cached statements and plans (pgserver.sql.plan_cache) never outlive the settings they were made under."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sql_helpers import error_of, run

from pgserver import types as pgtypes
from pgserver.sql.plan_cache import Lru, parameter_key

pytestmark = pytest.mark.anyio

SERIES = "SELECT i FROM generate_series(1, 10) AS g(i)"


async def test_max_rows_change_is_seen_by_a_cached_local_plan(engine) -> None:
    assert len((await run(engine, SERIES)).rows) == 10
    assert len((await run(engine, SERIES)).rows) == 10  # now from the caches
    await run(engine, "SET MaxRows = 3")
    assert len((await run(engine, SERIES)).rows) == 3
    await run(engine, "RESET MaxRows")
    assert len((await run(engine, SERIES)).rows) == 10
    await run(engine, "BEGIN")
    await run(engine, "SET MaxRows = 4")
    assert len((await run(engine, SERIES)).rows) == 4
    await run(engine, "ROLLBACK")
    assert len((await run(engine, SERIES)).rows) == 10


async def test_one_prepared_statement_executed_across_a_set_is_re_planned(engine) -> None:
    """asyncpg's way: Parse once, Bind/Execute many times; a SET between executions counts."""
    prepared = await engine.prepare(SERIES, [])

    async def count() -> int:
        cursor = await engine.execute(prepared, [])
        try:
            return len(await cursor.fetch(None))
        finally:
            await cursor.close()

    assert (await count(), await count()) == (10, 10)
    await run(engine, "SET MaxRows = 5")
    assert await count() == 5
    await run(engine, "RESET MaxRows")
    assert await count() == 10


async def test_schema_and_search_path_changes_re_resolve_a_cached_statement(engine) -> None:
    query = "SELECT count(*) FROM customers"
    assert (await run(engine, query)).rows == [(10,)]
    await run(engine, "SET Schema = ProfessionalUK")
    assert (await run(engine, query)).rows == [(3,)]
    await run(engine, "SET Schema = StandardUK")
    assert (await run(engine, query)).rows == [(10,)]
    await run(engine, 'SET search_path = "ProfessionalUK"')
    assert (await run(engine, query)).rows == [(3,)]


async def test_time_zone_follows_the_session_on_reused_duckdb_cursors(engine) -> None:
    query = "SELECT extract(hour FROM timestamptz '2024-01-01 12:00:00+00')"
    assert int((await run(engine, query)).rows[0][0]) == 12
    await run(engine, "SET TimeZone = 'Asia/Tokyo'")
    first = (await run(engine, query)).rows[0][0]
    await run(engine, "RESET TimeZone")
    again = (await run(engine, query)).rows[0][0]
    assert (int(first), int(again)) == (21, 12)


async def test_parameter_values_that_print_differently_get_their_own_plans(engine) -> None:
    sql, oids = "SELECT $1", [pgtypes.NUMERIC]
    assert str((await run(engine, sql, [Decimal("1.0")], oids)).rows[0][0]) == "1.0"
    assert str((await run(engine, sql, [Decimal("1.00")], oids)).rows[0][0]) == "1.00"
    assert str((await run(engine, sql, [Decimal("1.0")], oids)).rows[0][0]) == "1.0"
    assert (await run(engine, "SELECT $1::int + 1", [41], [pgtypes.INT4])).rows == [(42,)]
    assert (await run(engine, "SELECT $1::int + 1", [1], [pgtypes.INT4])).rows == [(2,)]


async def test_a_cached_statement_still_fails_in_an_aborted_transaction(engine) -> None:
    assert (await run(engine, "SELECT 1")).rows == [(1,)]
    await run(engine, "BEGIN")
    assert (await error_of(engine, "SELECT 1/0")).sqlstate == "22012"
    assert (await error_of(engine, "SELECT 1")).sqlstate == "25P02"
    await run(engine, "ROLLBACK")
    assert (await run(engine, "SELECT 1")).rows == [(1,)]


async def test_sessions_do_not_share_cached_settings(world) -> None:
    first = await world.factory.connect("demo", "sage200", {})
    second = await world.factory.connect("demo", "sage200", {})
    try:
        await run(first, "SET MaxRows = 2")
        assert len((await run(first, SERIES)).rows) == 2
        assert len((await run(second, SERIES)).rows) == 10
    finally:
        await first.close()
        await second.close()


async def test_many_queries_keep_duckdb_cursors_bounded(engine) -> None:
    for i in range(40):
        assert (await run(engine, f"SELECT {i}")).rows == [(i,)]
        assert len((await run(engine, "SELECT * FROM customers WHERE id <= 2")).rows) == 2
    assert len(engine.duck_cursors._idle) <= 4


def test_lru_forgets_the_least_recently_used() -> None:
    cache: Lru[int] = Lru(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1
    cache.put("c", 3)
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (1, None, 3)


def test_parameter_keys_tell_apart_values_that_print_differently() -> None:
    assert parameter_key([1]) != parameter_key([True]) != parameter_key([1.0])
    assert parameter_key([Decimal("1.0")]) != parameter_key([Decimal("1.00")])
    assert parameter_key([None, "x"]) == parameter_key([None, "x"])
    assert parameter_key([[1, 2]]) is None


async def test_cached_local_plans_still_run_every_time(engine) -> None:
    """A reused plan (and DuckDB relation) is executed afresh: volatile functions give new values."""
    values = {(await run(engine, "SELECT random()")).rows[0][0] for _ in range(3)}
    assert len(values) == 3
    prepared = await engine.prepare("SELECT random()", [])
    drawn = set()
    for _ in range(3):
        cursor = await engine.execute(prepared, [])
        drawn.add((await cursor.fetch(None))[0][0])
        await cursor.close()
    assert len(drawn) == 3


async def test_a_constant_result_is_shared_by_the_sessions_of_a_database(world, monkeypatch) -> None:
    """A constant statement's kept result (SELECT 1: nothing a session has can change it) serves a new session's
    first run too, described and answered with no DuckDB connection opened; what is not constant still runs in
    each session."""
    from pgserver.sql.run.duck_database import SharedDatabase
    from pgserver.sql.run.duck_pool import DuckCursorPool

    first = await world.factory.connect("demo", "sage200", {})
    second = await world.factory.connect("demo", "sage200", {})
    acquired: list[DuckCursorPool] = []
    original = DuckCursorPool.acquire
    monkeypatch.setattr(DuckCursorPool, "acquire", lambda self, zone: acquired.append(self) or original(self, zone))
    opened: list[SharedDatabase] = []
    connection = SharedDatabase.connection
    monkeypatch.setattr(SharedDatabase, "connection", lambda self: opened.append(self) or connection(self))
    try:
        assert (await run(first, "SELECT 1 AS one, 'a' || 'b' AS ab")).rows == [(1, "ab")]
        assert acquired == [first.duck_cursors]
        opened_by_first = len(opened)
        await second.prepare("SELECT 1 AS one, 'a' || 'b' AS ab", [], describe=True)  # Parse + Describe
        result = await run(second, "SELECT 1 AS one, 'a' || 'b' AS ab")
        assert result.rows == [(1, "ab")] and [c.name for c in result.columns] == ["one", "ab"]
        assert acquired == [first.duck_cursors]  # the second session took no cursor …
        assert len(opened) == opened_by_first  # … nor opened a connection, to describe or to run
        assert (await run(second, "SELECT current_user")).rows == [("demo",)]  # not constant: it ran
        assert acquired == [first.duck_cursors, second.duck_cursors]
    finally:
        await first.close()
        await second.close()
