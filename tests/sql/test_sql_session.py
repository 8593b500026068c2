"""Session commands: SET/SHOW/RESET, transaction status, savepoints, cursors, DISCARD, PREPARE/EXECUTE."""

from __future__ import annotations

import datetime as dt

import pytest
from sql_helpers import error_of, run

pytestmark = pytest.mark.anyio


async def test_set_show_reset_gucs(engine) -> None:
    assert (await run(engine, "show transaction isolation level")).rows == [("read committed",)]
    assert (await run(engine, "show server_version")).rows[0][0].startswith("15.")
    result = await run(engine, "SET extra_float_digits = 3")
    assert result.tag == "SET" and result.columns is None
    shown = await run(engine, "show extra_float_digits")
    assert shown.names == ["extra_float_digits"] and shown.rows == [("3",)] and shown.tag == "SHOW"
    await run(engine, "set search_path to StandardUK, public")
    assert (await run(engine, "show search_path")).rows == [("standarduk, public",)]  # unquoted names fold, as in PostgreSQL
    await run(engine, "SET TIME ZONE 'Europe/London'")
    assert (await run(engine, "show timezone")).names == ["TimeZone"]
    assert (await run(engine, "show timezone")).rows == [("Europe/London",)]
    await run(engine, "reset timezone")
    assert (await run(engine, "show TimeZone")).rows == [("UTC",)]
    await run(engine, "set statement_timeout = '5s'")
    assert (await run(engine, "show statement_timeout")).rows == [("5s",)]
    await run(engine, "set statement_timeout = 1500")
    assert (await run(engine, "show statement_timeout")).rows == [("1500ms",)]
    await run(engine, "set datestyle = iso, dmy")
    assert (await run(engine, "show DateStyle")).rows == [("ISO, DMY",)]
    await run(engine, "reset all")
    assert (await run(engine, "show DateStyle")).rows == [("ISO, MDY",)]


async def test_bad_settings_are_rejected_with_sqlstates(engine) -> None:
    assert (await error_of(engine, "set nosuch = 1")).sqlstate == "42704"
    assert (await error_of(engine, "show nosuch")).message == 'unrecognized configuration parameter "nosuch"'
    assert (await error_of(engine, "set extra_float_digits = 9")).sqlstate == "22023"
    assert (await error_of(engine, "set timezone = 'Mars/Base'")).sqlstate == "22023"
    assert (await error_of(engine, "set server_version = '16'")).sqlstate == "55P02"
    assert (await error_of(engine, "set MaxRows = lots")).sqlstate == "22023"
    assert (await error_of(engine, "set = 1")).sqlstate == "42601"


async def test_parameter_changes_are_reported_once(engine) -> None:
    engine.take_parameter_changes()
    await run(engine, "set application_name = 'report'")
    await run(engine, "set extra_float_digits = 2")  # not a reported parameter
    assert dict(engine.take_parameter_changes()) == {"application_name": "report"}
    assert dict(engine.take_parameter_changes()) == {}


async def test_connection_properties_through_set_and_show(engine) -> None:
    await run(engine, "SET MaxRows = 10")
    assert (await run(engine, "SHOW MaxRows")).rows == [("10",)]
    names = {row[0] for row in (await run(engine, "show all")).rows}
    assert {"TimeZone", "DateStyle", "MaxRows", "Timeout"} <= names


async def test_transaction_status_transitions(engine) -> None:
    assert engine.transaction_status == "I"
    assert (await run(engine, "begin isolation level read committed, read only")).tag == "BEGIN"
    assert engine.transaction_status == "T"
    await run(engine, "select 1")
    await error_of(engine, "select 1/0")
    assert engine.transaction_status == "E"
    error = await error_of(engine, "select 1")
    assert error.sqlstate == "25P02"
    assert error.message == "current transaction is aborted, commands ignored until end of transaction block"
    assert (await run(engine, "commit")).tag == "ROLLBACK"  # COMMIT of a failed block rolls back
    assert engine.transaction_status == "I"
    assert (await run(engine, "start transaction")).tag == "BEGIN"
    assert (await run(engine, "end")).tag == "COMMIT"
    assert engine.transaction_status == "I"


async def test_warnings_like_postgresql(engine) -> None:
    assert (await run(engine, "commit")).tag == "COMMIT"
    notices = engine.take_notices()
    assert [(n.severity, n.sqlstate, n.message) for n in notices] == [
        ("WARNING", "25P01", "there is no transaction in progress")]
    await run(engine, "begin")
    await run(engine, "begin")
    assert [n.sqlstate for n in engine.take_notices()] == ["25001"]
    await run(engine, "abort")
    await run(engine, "rollback")
    assert [n.message for n in engine.take_notices()] == ["there is no transaction in progress"]


async def test_savepoints(engine) -> None:
    assert (await error_of(engine, "savepoint a")).sqlstate == "25P01"
    await run(engine, "begin")
    assert (await run(engine, "savepoint sp1")).tag == "SAVEPOINT"
    await run(engine, "set application_name = 'inside'")
    await error_of(engine, "select nope")
    assert engine.transaction_status == "E"
    assert (await run(engine, "rollback to savepoint sp1")).tag == "ROLLBACK"
    assert engine.transaction_status == "T"
    assert (await run(engine, "show application_name")).rows == [("",)]  # undone with the savepoint
    assert (await run(engine, "release sp1")).tag == "RELEASE"
    assert (await error_of(engine, "release sp1")).sqlstate == "3B001"
    await run(engine, "rollback")


async def test_set_is_transactional(engine) -> None:
    await run(engine, "begin")
    await run(engine, "set application_name = 'rolled back'")
    await run(engine, "rollback")
    assert (await run(engine, "show application_name")).rows == [("",)]
    await run(engine, "begin")
    await run(engine, "set local application_name = 'local'")
    assert (await run(engine, "show application_name")).rows == [("local",)]
    await run(engine, "commit")
    assert (await run(engine, "show application_name")).rows == [("",)]


async def test_cursors_declare_fetch_move_close(engine, world) -> None:
    assert (await error_of(engine, "declare c cursor for select 1")).sqlstate == "25P01"
    await run(engine, "begin")
    assert (await run(engine, "declare c cursor for select id from customers order by id")).tag == "DECLARE CURSOR"
    portal = engine.portal("c")
    assert portal is not None and [c.name for c in portal.columns] == ["Id"]
    assert engine.portal("nosuch") is None
    first = await run(engine, "fetch 3 from c")
    assert first.rows == [(1,), (2,), (3,)] and first.tag == "FETCH 3" and first.names == ["Id"]
    assert (await run(engine, "fetch next from c")).rows == [(4,)]
    assert (await run(engine, "move forward 2 in c")).tag == "MOVE 2"
    rest = await run(engine, "fetch all from c")
    assert rest.rows == [(7,), (8,), (9,), (10,)] and rest.tag == "FETCH 4"
    assert (await run(engine, "fetch c")).tag == "FETCH 0"
    assert (await error_of(engine, "fetch prior from c")).sqlstate == "55000"
    await run(engine, "rollback")
    await run(engine, "begin")
    assert (await error_of(engine, "fetch 1 from c")).sqlstate == "34000"  # closed at transaction end
    await run(engine, "rollback")
    await run(engine, "begin")
    await run(engine, "declare d no scroll cursor for select 1 as one")
    assert (await run(engine, "close d")).tag == "CLOSE CURSOR"
    assert (await error_of(engine, "close d")).sqlstate == "34000"
    await run(engine, "rollback")


async def test_holdable_cursor_survives_commit_and_close_all(engine) -> None:
    await run(engine, "declare h cursor with hold for select code from currencies order by code")
    assert (await run(engine, "fetch 1 from h")).rows == [("EUR",)]
    assert (await error_of(engine, "declare h cursor with hold for select 1")).sqlstate == "42P03"
    assert (await run(engine, "close all")).tag == "CLOSE CURSOR"
    assert (await error_of(engine, "close h")).sqlstate == "34000"


async def test_discard_deallocate_listen(engine) -> None:
    await run(engine, "set application_name = 'x'")
    assert (await run(engine, "discard all")).tag == "DISCARD ALL"
    assert (await run(engine, "show application_name")).rows == [("",)]
    assert (await run(engine, "unlisten *")).tag == "UNLISTEN"
    assert (await run(engine, "listen channel")).tag == "LISTEN"
    assert (await run(engine, "deallocate all")).tag == "DEALLOCATE ALL"
    await run(engine, "begin")
    assert (await error_of(engine, "discard all")).sqlstate == "25001"
    await run(engine, "rollback")


async def test_sql_prepare_and_execute(engine) -> None:
    assert (await run(engine, "prepare q (bigint) as select name from customers where id = $1")).tag == "PREPARE"
    assert [c.name for c in (await engine.prepare("execute q(5)", [])).columns] == ["Name"]
    result = await run(engine, "execute q(5)")
    assert result.rows == [("Customer 5",)] and result.tag == "SELECT 1"
    assert (await error_of(engine, "prepare q as select 1")).sqlstate == "42P05"
    assert (await run(engine, "deallocate q")).tag == "DEALLOCATE"
    assert (await error_of(engine, "execute q(5)")).sqlstate == "26000"


async def test_current_schema_is_the_first_existing_schema_of_search_path(engine) -> None:
    # PostgreSQL's rule: the first schema of search_path that exists ("$user", public, "StandardUK", sys)
    assert (await run(engine, "select current_schema()")).rows == [("public",)]
    await run(engine, "set search_path = professionaluk, public")  # matches ProfessionalUK (decision 0602)
    assert (await run(engine, "select current_schema()")).rows == [("ProfessionalUK",)]


async def test_secret_properties_are_masked_in_show(world, engine) -> None:
    error = await error_of(engine, "set OAuthClientSecret = 'very-secret-value'")  # not a superuser
    assert error.sqlstate == "42501" and error.message == 'permission denied to set parameter "OAuthClientSecret"'
    admin = await world.factory.connect("demo", "sage200", {}, superuser=True)
    try:
        await run(admin, "set OAuthClientSecret = 'very-secret-value'")
        shown = (await run(admin, "show OAuthClientSecret")).rows[0][0]
        assert "very-secret-value" not in shown and shown
        assert all("very-secret-value" not in str(row) for row in (await run(admin, "show all")).rows)
    finally:
        await admin.close()


async def test_npgsql_connection_reset_sequence(engine) -> None:
    """Npgsql sends this (one simple query) when a pooled connection is reused."""
    sql = ("SET SESSION AUTHORIZATION DEFAULT;RESET ALL;CLOSE ALL;UNLISTEN *;SELECT pg_advisory_unlock_all();"
           "DISCARD SEQUENCES;DISCARD TEMP;")
    tags = [(await run(engine, statement)).tag for statement in engine.split(sql)]
    assert tags == ["SET", "RESET", "CLOSE CURSOR", "UNLISTEN", "SELECT 1", "DISCARD SEQUENCES", "DISCARD TEMP"]
    assert (await error_of(engine, "set session authorization other")).sqlstate == "42501"


async def test_dbeaver_start_up_statements(engine) -> None:
    await run(engine, "SET extra_float_digits = 3")
    await run(engine, "SET application_name = 'DBeaver 25.1.5 - Main <sage200>'")
    result = await run(engine, "SELECT current_schema(),session_user")
    assert result.rows == [("public", "demo")] and result.names == ["current_schema", "session_user"]
    await run(engine, "SET search_path = professionaluk,public")
    assert (await run(engine, "SHOW search_path")).rows == [("professionaluk, public",)]
    assert (await run(engine, "select count(*) from customers")).rows == [(3,)]


async def test_now_is_the_transactions_start_as_in_postgresql(engine) -> None:
    """now(), current_timestamp, localtimestamp, localtime, current_date and transaction_timestamp() give the start of the transaction block (or of a
    multi-statement Query's implicit transaction); outside one, each statement's own start."""
    import asyncio

    await run(engine, "BEGIN")
    started = (await run(engine, "SELECT now()")).rows[0][0]
    await asyncio.sleep(0.05)
    same = await run(engine, "SELECT now(), current_timestamp, transaction_timestamp(), statement_timestamp() > now()")
    assert same.rows == [(started, started, started, True)]
    counted = await run(engine, "SELECT count(*) FROM generate_series(1, 3) WHERE now() = $1", [started], [1184])
    assert counted.rows == [(3,)]
    await run(engine, "COMMIT")
    later = (await run(engine, "SELECT now()")).rows[0][0]
    assert later > started
    await run(engine, "SET TimeZone = 'Asia/Kolkata'")
    clock_sql = "SELECT localtimestamp, localtime, current_date, current_timestamp"
    before = dt.datetime.now(dt.UTC)
    outside = (await run(engine, clock_sql)).rows[0]  # DuckDB's own clock (its bare keywords bound to our aliases)
    assert before <= outside[3] <= dt.datetime.now(dt.UTC)
    local = outside[3].astimezone(dt.timezone(dt.timedelta(hours=5, minutes=30))).replace(tzinfo=None)
    assert outside == (local, local.time(), local.date(), outside[3])
    await run(engine, "BEGIN")
    engine.transaction.started = dt.datetime(2020, 2, 29, 20, 0, 0, 250000, tzinfo=dt.UTC)  # a start to recognise
    clock = await run(engine, clock_sql)
    local = dt.datetime(2020, 3, 1, 1, 30, 0, 250000)  # that start in Kolkata: the next day
    assert clock.rows == [(local, local.time(), local.date(), engine.transaction.started)]
    assert [c.name for c in clock.columns] == ["localtimestamp", "localtime", "current_date", "current_timestamp"]
    await run(engine, "COMMIT")
    await run(engine, "RESET TimeZone")
    engine.begin_implicit_transaction()  # the statements of one simple Query
    first = (await run(engine, "SELECT now()")).rows[0][0]
    await asyncio.sleep(0.05)
    assert (await run(engine, "SELECT now()")).rows[0][0] == first
    engine.end_implicit_transaction(failed=False)
    await asyncio.sleep(0.01)
    assert (await run(engine, "SELECT now()")).rows[0][0] > first
