"""Name resolution: case-insensitive relations and columns, schemas, system tables, name errors."""

from __future__ import annotations

import pytest
from sql_helpers import error_of, run

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize("name", ["Customers", "customers", '"Customers"', "StandardUK.Customers",
                                  "standarduk.customers", '"StandardUK"."Customers"', "CUSTOMERS"])
async def test_every_spelling_reaches_the_same_view(engine, world, name: str) -> None:
    result = await run(engine, f"select count(*) from {name}")
    assert result.rows == [(10,)]
    assert world.customers.scans_started == 1 and world.pro_customers.scans_started == 0


async def test_columns_match_case_insensitively_and_keep_postgresql_output_names(engine) -> None:
    result = await run(engine, 'select accountnumber, "AccountNumber", ACCOUNTNUMBER as "Upper", c."Name" '
                               "from customers c where id = 1")
    assert result.names == ["AccountNumber", "AccountNumber", "Upper", "Name"]  # attributes keep their real names
    assert result.rows == [("C001", "C001", "C001", "Customer 1")]


async def test_star_keeps_declared_column_names_and_types(engine) -> None:
    result = await run(engine, "select * from customers where id = 2")
    assert result.names == ["Id", "AccountNumber", "Name", "Balance", "CreditLimit", "IsActive", "Created", "CurrencyId"]
    by_name = {c.name: c for c in result.columns}
    assert (by_name["Name"].type_oid, by_name["Name"].typmod) == (1043, 64)  # varchar(60)
    assert (by_name["Balance"].type_oid, by_name["Balance"].typmod) == (1700, (18 << 16 | 2) + 4)
    assert by_name["Id"].type_oid == 20 and by_name["Created"].type_oid == 1082
    assert by_name["Name"].column_number == 3 and by_name["Name"].table_oid > 16384


async def test_other_edition_reachable_by_schema(engine, world) -> None:
    result = await run(engine, "select count(*) from professionaluk.customers")
    assert result.rows == [(3,)]
    assert world.pro_customers.scans_started == 1


async def test_schema_property_picks_the_default_schema(world) -> None:
    engine = await world.factory.connect("demo", "sage200", {"options": "-c Schema=ProfessionalUK"})
    try:
        assert (await run(engine, "show search_path")).rows == [('"$user", public, "ProfessionalUK", sys',)]
        assert (await run(engine, "select count(*) from customers")).rows == [(3,)]
        await run(engine, "SET Schema = StandardUK")  # the connection property
        await run(engine, "reset search_path")
        assert (await run(engine, "select count(*) from customers")).rows == [(10,)]
    finally:
        await engine.close()


async def test_search_path_is_honoured_before_the_schema_property(engine) -> None:
    assert (await run(engine, "select count(*) from customers")).rows == [(10,)]
    await run(engine, "set schema 'ProfessionalUK'")  # PostgreSQL's SET SCHEMA sets search_path
    assert (await run(engine, "show search_path")).rows == [('"ProfessionalUK"',)]  # quoted, as PostgreSQL stores it
    assert (await run(engine, "select count(*) from customers")).rows == [(3,)]
    await run(engine, "set search_path to public")
    assert (await run(engine, "select count(*) from customers")).rows == [(10,)]  # falls back to Schema


async def test_browsable_schemas_hides_the_other_edition(world) -> None:
    engine = await world.factory.connect("demo", "sage200", {"options": "-c BrowsableSchemas=StandardUK"})
    try:
        error = await error_of(engine, "select * from ProfessionalUK.Customers")
        assert error.sqlstate == "42P01"
        assert error.message == 'relation "ProfessionalUK.Customers" does not exist'
        assert (await run(engine, "select count(*) from sys_tables")).rows == [(1,)]
    finally:
        await engine.close()


async def test_system_tables_resolve_unqualified_and_qualified(engine) -> None:
    assert (await run(engine, "select TableName from sys_tables")).rows == [("Customers",)]
    assert (await run(engine, "select tablename from sys.sys_tables")).rows == [("Customers",)]


async def test_unknown_relation_is_42p01_with_position(engine) -> None:
    error = await error_of(engine, "select * from customers c join nosuch n on n.id = c.id")
    assert (error.sqlstate, error.message, error.position) == ("42P01", 'relation "nosuch" does not exist', 32)


async def test_unknown_column_is_42703_with_position(engine) -> None:
    error = await error_of(engine, "select id, nope from customers")
    assert (error.sqlstate, error.message, error.position) == ("42703", 'column "nope" does not exist', 12)


async def test_ambiguous_column_is_42702(engine) -> None:
    error = await error_of(engine, "select name from customers c join currencies k on k.id = c.currencyid")
    assert error.sqlstate == "42702"
    assert error.message == 'column reference "name" is ambiguous'
    assert error.position == 8


async def test_cte_names_shadow_nothing_and_resolve_locally(engine) -> None:
    result = await run(engine, "with customers as (select 1 as id) select id from customers")
    assert result.rows == [(1,)]


@pytest.mark.parametrize(("sql", "names"), [
    ("select id, NAME from customers where id = 1", ["Id", "Name"]),
    ('select c.ID, x."code" from customers c join currencies x on x.id = c.currencyid where c.id = 1', ["Id", "Code"]),
    ("select id as Foo, id as \"Foo\", name n from customers where id = 1", ["foo", "Foo", "n"]),
    ("select id from (select id from customers) s where id = 1", ["Id"]),
    ("select * from (select id, name as n from customers) s where id = 1", ["Id", "n"]),
    ("with c as (select ID from customers) select c.id from c where id = 1", ["Id"]),
    ("select x from (select id as x from customers) s where x = 1", ["x"]),
    ("select id from customers where id = 1 union select id from customers where id = 2 order by 1", ["Id"]),
])
async def test_bare_columns_are_named_after_their_attribute(engine, sql: str, names: list[str]) -> None:
    """PostgreSQL names a bare column reference after pg_attribute's spelling, not the query's."""
    assert (await run(engine, sql)).names == names


async def test_the_current_database_is_accepted_as_catalog(engine) -> None:
    """Microsoft Query (psqlODBC) writes "sage200"."StandardUK"."Customers"; PostgreSQL accepts its own name."""
    assert (await run(engine, 'SELECT "Id" FROM "sage200"."StandardUK"."Customers" WHERE "Id" = 1')).rows == [(1,)]
    assert (await run(engine, "select c.id from SAGE200.standarduk.customers c where c.id = 2")).rows == [(2,)]
    assert (await error_of(engine, 'SELECT 1 FROM "otherdb"."StandardUK"."Customers"')).sqlstate == "42P01"


async def test_schema_qualified_column_references(engine) -> None:
    """SQLAlchemy qualifies every column of a schema-qualified table with schema and table."""
    result = await run(engine, 'SELECT "StandardUK"."Customers"."Id", "StandardUK"."Customers"."Name" '
                               'FROM "StandardUK"."Customers" WHERE "StandardUK"."Customers"."Id" < 3 '
                               'ORDER BY "StandardUK"."Customers"."Id"')
    assert result.names == ["Id", "Name"] and result.rows == [(1, "Customer 1"), (2, "Customer 2")]
    assert (await run(engine, "select sage200.standarduk.customers.id from standarduk.customers "
                              "where id = 1")).rows == [(1,)]
