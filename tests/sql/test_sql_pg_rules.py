"""PostgreSQL's rules the SQL layer follows (issue 9): SET TIME ZONE forms, errors in PostgreSQL's words,
the @ operator, parameters cast to "char"."""

from __future__ import annotations

import pytest
from sql_helpers import error_of, run

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize("command,shown", [
    ("SET TIME ZONE INTERVAL '+00:00' HOUR TO MINUTE", "<+00>-00"),  # Sequelize's connection set-up
    ("SET TIME ZONE INTERVAL '+05:30' HOUR TO MINUTE", "<+05:30>-05:30"),
    ("SET TIME ZONE INTERVAL '-08:00'", "<-08>+08"),
    ("SET TIME ZONE 5", "<+05>-05"),
    ("SET TIME ZONE -3.5", "<-03:30>+03:30"),
    ("SET TIME ZONE 'Europe/London'", "Europe/London"),
])
async def test_set_time_zone_forms_store_what_postgresql_shows(engine, command: str, shown: str) -> None:
    await run(engine, command)
    assert (await run(engine, "SHOW TimeZone")).rows == [(shown,)]


async def test_a_time_zone_interval_with_days_is_refused_as_postgresql_does(engine) -> None:
    error = await error_of(engine, "SET TIME ZONE INTERVAL '1 day'")
    assert (error.sqlstate, error.message) == ("22023", '''invalid value for parameter "TimeZone": "INTERVAL '1 day'"''')


@pytest.mark.parametrize("sql,sqlstate,message", [
    ("select '4.2'::int", "22P02", 'invalid input syntax for type integer: "4.2"'),
    ("select '99999'::int2", "22003", 'value "99999" is out of range for type smallint'),
    ("select '4' + '4'", "42725", "operator is not unique: unknown + unknown"),
    ("select 2.5::float8 % 2", "42883", "operator does not exist: double precision % integer"),
    ("select $70000", "42P02", "there is no parameter $70000"),
])
async def test_errors_speak_postgresql(engine, sql: str, sqlstate: str, message: str) -> None:
    error = await error_of(engine, sql)
    assert (error.sqlstate, error.message) == (sqlstate, message)
    for internal in ("uint32", "INTEGER_LITERAL", "VARCHAR", "pgcat_", "__pg_"):
        assert internal not in error.message


async def test_absolute_value_operator_is_not_a_parameter(engine) -> None:
    assert (await run(engine, "select @ -5, @ 2147483647")).rows == [(5, 2147483647)]


async def test_char_parameter_binds(engine) -> None:
    result = await run(engine, 'select $1::"char" as c', ["a"])
    assert result.rows == [("a",)]
