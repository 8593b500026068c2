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
    ("select 32767::smallint + 1::smallint", "22003", "smallint out of range"),
    ("select 9223372036854775807 + 1", "22003", "bigint out of range"),
    ("select (-9223372036854775808)::bigint / -1", "22003", "bigint out of range"),
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


@pytest.mark.parametrize("sql,message", [
    ("SELECT '{\"a b\",c}'::text[] @> ARRAY[1]", "operator does not exist: text[] @> integer[]"),
    ("SELECT ARRAY['a', 'b', NULL] <@ ARRAY[1]", "operator does not exist: text[] <@ integer[]"),
    ("SELECT (1, 2) = (1)", "operator does not exist: record = integer"),
    ("SELECT NULLIF(true, 1)", "operator does not exist: boolean = integer"),
    ("SELECT round(1.5::float8, 1)", "function round(double precision, integer) does not exist"),
    # refused by DuckDB's binder (duckdb_errors._no_such_function)
    ("SELECT 'a'::text - 1", "operator does not exist: text - integer"),
    ("SELECT -true", "operator does not exist: - boolean"),
    ("SELECT ARRAY[1] * true", "operator does not exist: integer[] * boolean"),
    ("SELECT lower(1)", "function lower(integer) does not exist"),
    # a built-in called with a number of arguments it does not take (parsing: not a syntax error)
    ("SELECT upper(1, 2)", "function upper(integer, integer) does not exist"),
    ("SELECT upper()", "function upper() does not exist"),
    ("SELECT left('abc')", "function left(unknown) does not exist"),
])
async def test_no_operator_or_function_takes_these_types(engine, sql: str, message: str) -> None:
    error = await error_of(engine, sql)
    assert (error.sqlstate, error.message) == ("42883", message)
    assert error.hint and ("No operator matches" in error.hint or "No function matches" in error.hint)


async def test_array_operators_cast_elements_implicitly(engine) -> None:
    assert (await run(engine, "SELECT ARRAY[1, 2] @> ARRAY[1::bigint], ARRAY[1.5] && ARRAY[1]")).rows == [(True, False)]


async def test_generate_series_of_dates_is_timestamptz(engine) -> None:
    result = await run(engine, "SELECT * FROM generate_series(DATE '2024-01-01', DATE '2024-01-05', INTERVAL '2 days')")
    assert [c.type_oid for c in result.columns] == [1184]
    assert [r[0].day for r in result.rows] == [1, 3, 5]


async def test_window_sum_of_an_integer_series_is_bigint(engine) -> None:
    result = await run(engine, "SELECT x, sum(x) OVER (ORDER BY x ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) "
                               "FROM generate_series(1, 3) AS x")
    assert [c.type_oid for c in result.columns] == [23, 20]
    assert result.rows == [(1, 1), (2, 3), (3, 5)]


async def test_float8_division_by_zero_is_nan_only_for_nan(engine) -> None:
    value = (await run(engine, "SELECT 'NaN'::float8 / 0")).rows[0][0]
    assert value != value  # NaN
    assert (await error_of(engine, "SELECT 1::float8 / 0")).sqlstate == "22012"


async def test_absolute_value_keeps_the_operand_as_written(engine) -> None:
    result = await run(engine, "SELECT @ 7.25::numeric, @ NULL::int")
    assert [c.type_oid for c in result.columns] == [1700, 23]
    assert [str(v) if v is not None else None for v in result.rows[0]] == ["7.25", None]


@pytest.mark.parametrize("sql,expected", [
    ("""SELECT '{"a": 1}'::jsonb @> '{"a": 1}'""", True),
    ("""SELECT '[1, [2, 3]]'::jsonb @> '[[3]]'""", True),
    ("""SELECT '[1, 2]'::jsonb @> '1'""", True),
    ("""SELECT '{"a": {"b": 1}}'::jsonb @> '{"b": 1}'""", False),  # not at any depth: from the top
    ("""SELECT '{"a": 1}'::jsonb <@ '{"a": 1.0, "b": 2}'""", True),
    ("""SELECT '{"a": 1}'::jsonb ? 'a'""", True),
    ("""SELECT '["a", 1]'::jsonb ? '1'""", False),  # only string elements are keys
    ("""SELECT '["a", "b"]'::jsonb ?| array['b', 'z']""", True),
    ("""SELECT '["a", "b"]'::jsonb ?& array['b', 'z']""", False),
])
async def test_jsonb_containment_and_existence(engine, sql: str, expected: bool) -> None:
    assert (await run(engine, sql)).rows == [(expected,)]


@pytest.mark.parametrize("sql,expected", [
    ("""SELECT '{"a": 1, "b": 1}'::jsonb || '{"b": 2}'""", {"a": 1, "b": 2}),
    ("""SELECT '[1]'::jsonb || '[2, 3]'::jsonb""", [1, 2, 3]),
    ("""SELECT '{"a": 1}'::jsonb || '[2]'::jsonb""", [{"a": 1}, 2]),
])
async def test_jsonb_concatenation(engine, sql: str, expected: object) -> None:
    result = await run(engine, sql)
    assert [c.type_oid for c in result.columns] == [3802]
    import json
    value = result.rows[0][0]
    assert (json.loads(value) if isinstance(value, str) else value) == expected


async def test_object_keys_are_rows(engine) -> None:
    assert (await run(engine, """SELECT jsonb_object_keys('{"bb": 1, "c": 2, "a": 3}')""")).rows == \
        [("a",), ("c",), ("bb",)]
    assert (await run(engine, """SELECT k FROM json_object_keys('{"bb": 1, "c": 2}') AS k""")).rows == [("bb",), ("c",)]


async def test_a_scalar_subquery_with_two_rows_is_a_cardinality_violation(engine) -> None:
    error = await error_of(engine, "SELECT (SELECT x FROM (VALUES (1), (2)) AS t(x))")
    assert (error.sqlstate, error.message) == ("21000", "more than one row returned by a subquery used as an expression")


@pytest.mark.parametrize("sql,sqlstate,message", [
    ("SELECT CAST('42' AS date)", "22008", 'date/time field value out of range: "42"'),  # month 42 (MDY)
    ("SELECT CAST('1_000' AS date)", "22008", 'date/time field value out of range: "1_000"'),  # month 1, day 0
    ("SELECT CAST('-42' AS date)", "22009", 'time zone displacement out of range: "-42"'),
    ("SELECT CAST('-42' AS time)", "22009", 'time zone displacement out of range: "-42"'),
    ("SELECT CAST('5' AS date)", "22007", 'invalid input syntax for type date: "5"'),  # no day or year
    ("SELECT CAST('2024-02-29' AS time)", "22007", 'invalid input syntax for type time: "2024-02-29"'),
])
async def test_date_time_input_errors_are_classified_as_postgresql_decodes(engine, sql: str, sqlstate: str,
                                                                           message: str) -> None:
    error = await error_of(engine, sql)
    assert (error.sqlstate, error.message) == (sqlstate, message)


async def test_a_time_with_its_date_still_reads(engine) -> None:
    assert str((await run(engine, "SELECT '2024-02-29 10:00'::time")).rows[0][0]) == "10:00:00"


@pytest.mark.parametrize("text,expected", [("{1,2,3}", "2003-01-02"), ("1 2 2003", "2003-01-02")])
async def test_a_date_of_three_number_fields_reads_as_mdy(engine, text: str, expected: str) -> None:
    assert str((await run(engine, f"SELECT CAST('{text}' AS date)")).rows[0][0]) == expected


async def test_numeric_to_integer_overflow_is_22003(engine) -> None:
    error = await error_of(engine, "SELECT 1e10::int")
    assert (error.sqlstate, error.message) == ("22003", "integer out of range")


async def test_infinite_dates_and_timestamps_are_sent_as_postgresql_sends_them(engine) -> None:
    from pgserver.types.values import INFINITY, NEG_INFINITY

    result = await run(engine, "SELECT 'infinity'::date, '-infinity'::timestamp, 'infinity'::timestamptz")
    assert result.rows == [(INFINITY, NEG_INFINITY, INFINITY)]
    from pgserver import types as pgtypes

    ctx = pgtypes.FormatContext()
    assert [pgtypes.text_encoder(c.type_oid, ctx)(v) for c, v in zip(result.columns, result.rows[0], strict=True)] \
        == [b"infinity", b"-infinity", b"infinity"]
    assert [pgtypes.binary_encoder(c.type_oid)(v) for c, v in zip(result.columns, result.rows[0], strict=True)] == [
        b"\x7f\xff\xff\xff", b"\x80" + b"\x00" * 7, b"\x7f" + b"\xff" * 7]


async def test_json_path_keeps_the_value_as_written(engine) -> None:
    result = await run(engine, """SELECT '{"a": 1, "b": [1, 2, {"c":  "x"}]}'::json #> '{b,2}',
                                         '{"a": 1}'::json #> '{z}', '[1, [2, 3]]'::json #> '{1,-1}'""")
    assert [str(v) if v is not None else None for v in result.rows[0]] == ['{"c":  "x"}', None, "3"]


async def test_nullif_of_integer_and_numeric_is_numeric(engine) -> None:
    result = await run(engine, "SELECT NULLIF(1, 2.5), NULLIF(2.5, 2.5), NULLIF(1, 2)")
    assert [c.type_oid for c in result.columns] == [1700, 1700, 23]
    assert [str(v) if v is not None else None for v in result.rows[0]] == ["1", None, "1"]


async def test_json_array_elements_keep_each_element_as_written(engine) -> None:
    result = await run(engine, """SELECT * FROM json_array_elements('[1, [2], {"x":  3}]')""")
    assert [str(r[0]) for r in result.rows] == ["1", "[2]", '{"x":  3}']
    error = await error_of(engine, """SELECT * FROM json_array_elements('{"a": 1}')""")
    assert (error.sqlstate, error.message) == ("22023", "cannot extract elements from an object")


async def test_an_exponent_literal_is_numeric_under_any_cast(engine) -> None:
    assert (await run(engine, "SELECT 1e3::text, 2.5e-1::text, 1e3::float8")).rows == [("1000", "0.25", 1000.0)]
