"""EXPLAIN output, read-only errors, cancel, the engine factory and the catalog seam."""

from __future__ import annotations

import anyio
import pytest
from sql_helpers import error_of, make_world, run
from sqlglot import exp

from pgserver.catalog import Rewritten
from pgserver.errors import PgError
from pgserver.sql import DataSource, SessionInfo, SqlEngineFactory

pytestmark = pytest.mark.anyio


async def test_explain_shows_api_requests_pushdown_and_local_sql(engine, world) -> None:
    result = await run(engine, "explain select name from customers where id < 5 and name like 'C%' "
                               "order by id limit 2")
    assert result.names == ["QUERY PLAN"] and result.tag == "EXPLAIN"
    text = "\n".join(row[0] for row in result.rows)
    assert "Remote Scan on StandardUK.Customers customers" in text
    assert "Pushed Filter: Id < 5" in text
    assert "Name LIKE" not in text.split("Local Filter")[0]  # not sent: only the local filter shows it
    assert "Local Filter: customers.name LIKE 'C%'" in text
    assert "Order By (not pushed): Id ASC" not in text  # residual LIKE: ORDER BY/LIMIT were never offered
    assert "API: GET /customers quals=1" in text
    assert "Local (DuckDB): SELECT" in text
    assert world.customers.scans_started == 0  # EXPLAIN plans but never scans


async def test_explain_reports_pushed_order_and_limit_and_verbose_adds_duckdb_plan(engine) -> None:
    text = "\n".join(r[0] for r in (await run(engine, "explain verbose select id from customers "
                                                       "where id < 5 order by id desc limit 2")).rows)
    assert "Order By (pushed): Id DESC" in text and "Limit (pushed): 2" in text
    assert "ORDER_BY" in text.upper() or "TOP_N" in text.upper() or "PROJECTION" in text.upper()


async def test_explain_analyze_runs_the_query_and_reports_each_scan(engine, world) -> None:
    result = await run(engine, "explain analyze select name from customers where id < 5 and name like 'C%'")
    assert result.names == ["QUERY PLAN"] and result.tag == "EXPLAIN"
    text = "\n".join(row[0] for row in result.rows)
    assert world.customers.scans_started == 1  # it really ran
    heading = next(r[0] for r in result.rows if r[0].startswith("Remote Scan on StandardUK.Customers"))
    assert "(actual time=" in heading and " rows=4 loops=1)" in heading  # Id < 5 pushed: 4 rows scanned
    assert "API Requests: 0" in text  # the fake provider reports none
    assert "(actual rows=" in text and "Planning Time: " in text and "Execution Time: " in text
    assert "Local Time: " in text
    plain = await run(engine, "explain (analyze off) select name from customers")
    assert not any("actual" in r[0] for r in plain.rows) and world.customers.scans_started == 1
    both = await run(engine, "explain (analyze, verbose true, costs off, format text) select id from customers")
    assert any("(actual time=" in r[0] for r in both.rows) and world.customers.scans_started == 2


@pytest.mark.parametrize(("sql", "sqlstate", "message"), [
    ("explain (foo) select 1", "42601", 'unrecognized EXPLAIN option "foo"'),
    ("explain (analyze maybe) select 1", "42601", "analyze requires a Boolean value"),
    ("explain (format csv) select 1", "22023", 'unrecognized value for EXPLAIN option "format": "csv"'),
    ("explain (format json) select 1", "0A000", "EXPLAIN (FORMAT JSON) is not supported"),
])
async def test_explain_options_are_checked_as_postgresql_does(engine, sql: str, sqlstate: str, message: str) -> None:
    error = await error_of(engine, sql)
    assert (error.sqlstate, error.message) == (sqlstate, message)


@pytest.mark.parametrize(("sql", "sqlstate", "message"), [
    ("insert into customers (id) values (1)", "55000", 'cannot insert into view "Customers"'),
    ("update Customers set name = 'x'", "55000", 'cannot update view "Customers"'),
    ("delete from standarduk.customers where id = 1", "55000", 'cannot delete from view "Customers"'),
    ("truncate customers", "42809", '"Customers" is not a table'),
    ("insert into nosuch values (1)", "42P01", 'relation "nosuch" does not exist'),
    ("copy customers from stdin", "55000", 'cannot copy to view "customers"'),
    ("copy customers to '/tmp/out.csv'", "42501",
     "must be superuser or have privileges of the pg_write_server_files role to COPY to a file"),
    ("copy (select id from customers where name = 'from') to program 'cat'", "42501",
     "must be superuser or have privileges of the pg_execute_server_program role to COPY to or from an "
     "external program"),
    ('copy "from" from stdin', "55000", 'cannot copy to view "from"'),
    ("create table t (a int)", "0A000", "CREATE is not supported: this database is read-only"),
    ("drop view customers", "0A000", "DROP is not supported: this database is read-only"),
    ("select * into copy_of from customers", "0A000", "SELECT INTO is not supported: this database is read-only"),
])
async def test_writes_and_ddl_are_refused_clearly(engine, sql: str, sqlstate: str, message: str) -> None:
    error = await error_of(engine, sql)
    assert (error.sqlstate, error.message) == (sqlstate, message)
    assert error.hint or sqlstate == "42P01"


async def test_cancel_interrupts_a_waiting_scan() -> None:
    world = make_world(rows=50, batch_size=1)
    world.customers.scan_delay = 30.0
    world.customers.scan_started = anyio.Event()
    engine = await world.factory.connect("demo", "sage200", {})
    caught: list[PgError] = []

    async def query() -> None:
        try:
            await run(engine, "select * from customers")
        except PgError as err:
            caught.append(err)

    try:
        with anyio.fail_after(20):  # a safety net for a hang, not a timing assertion
            async with anyio.create_task_group() as tg:
                tg.start_soon(query)
                await world.customers.scan_started.wait()
                engine.cancel()
        assert [(e.sqlstate, e.message) for e in caught] == [
            ("57014", "canceling statement due to user request")]
        assert world.customers.closed == 1
        assert (await run(engine, "select count(*) from currencies")).rows == [(3,)]  # session still usable
    finally:
        await engine.close()


async def test_provider_errors_reach_the_client_unchanged() -> None:
    world = make_world(rows=10, batch_size=2)
    world.customers.fail_after_batches = 2
    world.customers.fail_with = PgError("HV000", "Sage 200 API error: 503 Service Unavailable")
    engine = await world.factory.connect("demo", "sage200", {})
    try:
        error = await error_of(engine, "select * from customers")
        assert (error.sqlstate, error.message) == ("HV000", "Sage 200 API error: 503 Service Unavailable")
        world.customers.fail_with = RuntimeError("bug in a provider")
        error = await error_of(engine, "select * from customers")
        assert error.sqlstate == "XX000" and "Traceback" not in error.message
        world.customers.fail_after_batches = None
        assert (await run(engine, "select count(*) from customers")).rows == [(10,)]
    finally:
        await engine.close()


async def test_statement_timeout_cancels_a_slow_scan() -> None:
    world = make_world(rows=5, batch_size=1)
    world.customers.scan_delay = 30.0
    engine = await world.factory.connect("demo", "sage200", {})
    try:
        await run(engine, "set statement_timeout = 50")
        with anyio.fail_after(20):  # a safety net for a hang, not a timing assertion
            error = await error_of(engine, "select * from customers")
        assert (error.sqlstate, error.message) == ("57014", "canceling statement due to statement timeout")
        await run(engine, "set statement_timeout = 0")
        assert (await run(engine, "select count(*) from currencies")).rows == [(3,)]
    finally:
        await engine.close()


async def test_factory_rejects_unknown_database_and_applies_startup_settings(world) -> None:
    with pytest.raises(PgError) as caught:
        await world.factory.connect("demo", "nosuch", {})
    assert (caught.value.sqlstate, caught.value.message) == ("3D000", 'database "nosuch" does not exist')
    engine = await world.factory.connect("demo", "sage200", {
        "application_name": "psql", "DateStyle": "ISO, DMY", "options": "-c MaxRows=3 -c search_path=StandardUK"})
    try:
        status = engine.parameter_status()
        assert status["application_name"] == "psql" and status["DateStyle"] == "ISO, DMY"
        assert status["server_version"].startswith("15.") and status["client_encoding"] == "UTF8"
        assert (await run(engine, "show search_path")).rows == [("StandardUK",)]
        assert len((await run(engine, "select id from customers")).rows) == 3
    finally:
        await engine.close()
    with pytest.raises(PgError) as caught:
        await world.factory.connect("demo", "sage200", {"options": "-c MaxRows=many"})
    assert caught.value.sqlstate == "22023"


class RecordingCatalog:
    """A stand-in for pgserver.catalog's part of one session: records the seam calls, rewrites one name."""

    def __init__(self, info: SessionInfo) -> None:
        self.info = info
        self.rewritten: list[str] = []
        self.closed = False

    def rewrite(self, tree: exp.Expression) -> Rewritten:
        self.rewritten.append(tree.sql(dialect="postgres"))
        for table in tree.find_all(exp.Table):
            if table.name == "pg_namespace":
                table.set("catalog", exp.to_identifier("fakecat"))
                table.set("db", exp.to_identifier("main"))
        return Rewritten(tree)

    def close(self) -> None:
        self.closed = True


class RecordingCatalogs:
    """A stand-in for the catalog of a database (pgserver.sql.datasource.CatalogSeamFactory)."""

    def __init__(self) -> None:
        self.installed = 0
        self.sessions: list[RecordingCatalog] = []

    def install_shared(self, duck) -> None:  # type: ignore[no-untyped-def]
        self.installed += 1
        duck.execute("ATTACH ':memory:' AS fakecat")
        duck.execute("CREATE TABLE fakecat.main.pg_namespace AS SELECT 11 AS oid, 'pg_catalog' AS nspname")

    def table_oids(self) -> dict[tuple[str, str], int]:
        return {("StandardUK", "Customers"): 424242}

    def __call__(self, info: SessionInfo) -> RecordingCatalog:
        self.sessions.append(RecordingCatalog(info))
        return self.sessions[-1]


async def test_catalog_seam_is_installed_rewrites_queries_and_supplies_oids() -> None:
    world = make_world()
    catalogs = RecordingCatalogs()
    source = DataSource(world.factory.databases["sage200"].tables, {"Schema": "StandardUK"}, catalogs)
    factory = SqlEngineFactory({"db": source})
    assert catalogs.installed == 1  # once per data source, before any session
    engine = await factory.connect("demo", "db", {})
    second = await factory.connect("demo", "db", {})
    try:
        assert catalogs.installed == 1 and len(catalogs.sessions) == 2
        assert catalogs.sessions[0].info.database == "db"
        assert catalogs.sessions[0].info.session_id != catalogs.sessions[1].info.session_id
        assert (await run(engine, "select nspname from pg_namespace")).rows == [("pg_catalog",)]
        assert any("pg_namespace" in sql for sql in catalogs.sessions[0].rewritten)
        result = await run(engine, "select id from customers where id = 1")
        assert result.columns[0].table_oid == 424242 and result.columns[0].column_number == 1
    finally:
        await engine.close()
        await second.close()
    assert all(c.closed for c in catalogs.sessions)


@pytest.mark.parametrize(("sql", "sqlstate", "message"), [
    ("select c.nope from customers c", "42703", "column c.nope does not exist"),
    ('select "NoPe" from customers', "42703", 'column "NoPe" does not exist'),
    ('select c."NoPe" from customers c', "42703", "column c.NoPe does not exist"),
    ("select NoPe from customers", "42703", 'column "nope" does not exist'),
    ("select x.id from customers c", "42P01", 'missing FROM-clause entry for table "x"'),
    ("select id from customers group by name", "42803",
     'column "id" must appear in the GROUP BY clause or be used in an aggregate function'),
    ("select * from customers where id = 'abc'", "22P02", 'invalid input syntax for type bigint: "abc"'),
    ("select id from customers where created > 'notadate'", "22007", 'invalid input syntax for type date: "notadate"'),
    ("select nope(1)", "42883", "function nope(integer) does not exist"),
    ("select id::nosuchtype from customers", "42704", 'type "nosuchtype" does not exist'),
    ("select 9223372036854775807::bigint + 1", "22003", None),
    ("select to_date('xx', 'DD/MM/YYYY')", "22007", None),
])
async def test_execution_errors_carry_postgresql_sqlstates(engine, sql: str, sqlstate: str, message: str | None) -> None:
    error = await error_of(engine, sql)
    assert error.sqlstate == sqlstate
    if message is not None:
        assert error.message == message
    assert "Traceback" not in error.message and "DuckDB" not in error.message


async def test_cancel_while_a_key_lookup_reads_its_driver() -> None:
    world = make_world(rows=10, batch_size=1)
    world.customers.scan_delay = 30.0
    world.customers.scan_started = anyio.Event()
    engine = await world.factory.connect("demo", "sage200", {})
    caught: list[PgError] = []

    async def query() -> None:
        try:
            await run(engine, "select c.id, k.code from customers c join currencies k on k.id = c.currencyid "
                              "where c.id < 3")
        except PgError as err:
            caught.append(err)

    try:
        with anyio.fail_after(20):  # a safety net for a hang, not a timing assertion
            async with anyio.create_task_group() as tg:
                tg.start_soon(query)
                await world.customers.scan_started.wait()
                engine.cancel()
        assert [e.sqlstate for e in caught] == ["57014"]
        assert world.currencies.scans_started == 0
    finally:
        await engine.close()


@pytest.mark.parametrize("sql", ["select * from read_csv('/etc/passwd')", "select * from read_text('/etc/hostname')",
                                 "select * from read_parquet('/etc/x.parquet')"])
async def test_server_files_are_not_reachable_through_duckdb(engine, sql: str) -> None:
    """DuckDB's file readers are not PostgreSQL functions: 42883 as PostgreSQL says it (and DuckDB's external
    access stays disabled behind that, decision 0961)."""
    error = await error_of(engine, sql)
    name = sql.split("from ")[1].split("(")[0]
    assert (error.sqlstate, error.message) == ("42883", f"function {name}(unknown) does not exist")
    assert "root:" not in error.message
