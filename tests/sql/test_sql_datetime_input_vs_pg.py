"""Date/time text input (pgserver.types.datetime: ParseDateTime/DecodeDateTime/DecodeTimeOnly's rules) against a
real PostgreSQL 15: every input below read as date, time, timetz, timestamp and timestamptz, in two DateStyles and
zones, must give PostgreSQL's value or PostgreSQL's SQLSTATE and message. An input we cannot represent in Python
(year outside 1-9999, 'infinity', 'now', 24:00:00) may instead be our 0A000 — the SQL layer then leaves the
constant to DuckDB — but never a different value or error.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from pgserver.errors import PgError
from pgserver.types import datetime as d

INPUTS = [
    '42',
    ' 42 ',
    '1_000',
    '-42',
    '{1,2,3}',
    '2024-02-29',
    '2024-02-30',
    'epoch',
    'infinity',
    '-infinity',
    '+infinity',
    '1999-01-08',
    '1999-1-8',
    'January 8, 1999',
    '1/8/1999',
    '1/18/1999',
    '18/1/1999',
    '01/02/03',
    '19990108',
    '990108',
    '1999.008',
    'J2451187',
    'January 8, 99 BC',
    '99-Jan-08',
    '1999-Jan-08',
    '08-Jan-99',
    '08-Jan-1999',
    'Jan-08-99',
    'Jan-08-1999',
    '99-08-Jan',
    '1999-08-Jan',
    '99 Jan 08',
    '1999 Jan 08',
    '08 Jan 99',
    'Jan 08 99',
    'Jan 08 1999',
    '99 08 Jan',
    '1999 08 Jan',
    '99-01-08',
    '1999-01-08',
    '08-01-99',
    '08-01-1999',
    '01-08-99',
    '01-08-1999',
    '99-08-01',
    '1999-08-01',
    '99 01 08',
    '1999 01 08',
    '08 01 99',
    '01 08 1999',
    '1999 08 01',
    '02.01.2024',
    '2024.02.29',
    '4714-11-24 BC',
    '4714-11-23 BC',
    '5874897-12-31',
    '5874898-01-01',
    '0044-03-15 BC',
    '0000-01-01',
    '10000-01-01',
    'feb 30 2024',
    '13/01/2024',
    '2024-02-29 10:00',
    '2024-02-29 25:00',
    '2024-02-29T10:00:00',
    '2024-02-29 10:00:00+05:30',
    '2024-02-29 10:00:00 -07',
    '2024-02-29 10:00:00 America/New_York',
    '2024-02-29 10:00:00 PST',
    '2024-02-29 10:00:00Z',
    '2024-02-29 10:00:00 UTC',
    '2024-02-29 10:00:00.123456789',
    '2024-02-29 23:59:59.9999995',
    '2024-02-29 24:00:00',
    '2024-02-29 23:59:60',
    'Thu Feb 29 10:00:00 2024',
    'Thu Feb 29 10:00:00 2024 PST',
    'Feb 29 2024 10:00am',
    'Feb 29 2024 10:00 pm',
    'Feb 29 2024 13:00 pm',
    '20240229T100000',
    '20240229 100000',
    '2024-02-29 10:00:00 +16',
    '2024-02-29 10:00:00 +1530',
    '2024-02-29 10:00:00 -15:59:59',
    '00:00',
    '10:00',
    '10:00:00',
    '10:00:00.5',
    '23:59:59.9999995',
    '24:00',
    '24:00:01',
    '25:00',
    '10:60',
    '10:00:61',
    '10:00:00+05',
    '10:00:00-0800',
    '10:00:00 PST',
    '10:00 am',
    '12:00 am',
    '12:00 pm',
    '13:00 am',
    'allballs',
    'now',
    'today',
    '040506',
    '0405',
    '040506.789',
    'T040506',
    '10:00:00 America/New_York',
    '2024-02-29 10:00:00 Foo/Bar',
    '2024-02-29 foo',
    'abc',
    '2024-02-29 2024-02-29',
    '1999-01-08 04:05:06 BC',
    '-2024-02-29',
    '+2024',
    '2024-02-29+02',
    '2024-13-01',
    '2024-00-10',
    '2024-01-00',
    'y2024m02d29',
    '2024-02-29 allballs',
    'Mon Feb 10 17:32:01 1997 PST',
    '1997-02-10 17:32:01-08',
    'Feb 10 17:32:01 1997 -0800',
    '19970210 173201 -0800',
    '1997-06-10 17:32:01 -07:00',
    '2001-09-22T18:19:20',
    '2000-03-15 08:14:01 GMT+8',
    '2000-03-15 13:14:02 GMT-1',
    'J2452271+08',
    'J2452271.5',
    'J2452271 04:05:06',
    'Feb 16 17:32:01 -0097',
    'Feb 16 17:32:01 5097 BC',
    '97/02/10 17:32:01 UTC',
    '1997.041 17:32:01 UTC',
    '19970210 173201 America/New_York',
    '1997-02-10 17:32:01 PDT',
    'Feb 29 17:32:01 1997',
    'Invalid Abstime',
    'Mon Feb 10 17:32:01.4 1997 PST',
    'Feb 10 5:32PM 1997',
    '1997/02/10 17:32:01-0800',
    'Feb-10-1997 17:32:01 PST',
    '02-10-1997 17:32:01 PST',
    '19970210 173201 PST',
    '040506.789+08',
    '2003-03-07 15:36:39 America/New_York',
    'T040506.789-08',
    '15:36:39 America/New_York',
    '11:59:59.99 PM',
    '11:59 PM',
    '12:00 PM',
    '23:59:59.999999',
    '1997-12-31 23:59:59.9999999',
    '2024-02-29 10:00:00 EST5EDT',
    '2024-02-29 10:00:00 Europe/London',
    '2024-07-01 10:00:00 Europe/London',
    '2024-07-01 10:00:00 europe/london',
    '2024-07-01 10:00:00 BST',
    '2024-02-29 10:00 +5',
    '2024-02-29 10:00 + 05',
    '2024-02-29 10:00:00.',
    '.5',
    '5.',
    '2024-02-29 .5',
    'Jan 1 2000',
    '1 Jan 2000',
    '2000 Jan 1',
    'Jan 2000 1',
    '13 Jan 2000',
    'Jan 13 00',
    '13 Jan 00',
    '00 Jan 13',
    '99-Jan-08 BC',
    'Feb 29 1900',
    'Feb 29 2000',
    '1900-02-29',
    '0001-01-01',
    '0001-01-01 BC',
    '9999-12-31 23:59:59.999999',
    '294276-12-31 23:59:59',
    '294277-01-01 00:00:00',
    '2024-02-29 10:00:00 dst',
    '2024-02-29 10:00:00 PST dst',
    '2147483648-01-01',
    '2024-02-29 10:00:00 +15:59:59',
    '2024-02-29 10:00:00 +16:00',
    '2024-02-29 10:00:00 +15:60',
    '2024-02-29 10:00:00 -1:30',
    '2024-02-29 10:00:00-0130',
    '2024-02-29 10:00:00 +123',
    '2024/02/29',
    '2024/02-29',
    '29-02-2024',
    '2-29-2024',
    '2024-2-29',
    '24-2-29',
]


def _ours(kind: str, text: str, zone: dt.tzinfo, day_first: bool) -> str:
    try:
        if kind == "date":
            return d.format_date(d.parse_date(text, day_first))
        if kind == "time":
            return d.format_time(d.parse_time(text))
        if kind == "timetz":
            return d.format_timetz(d.parse_timetz(text, zone))
        if kind == "timestamp":
            return d.format_timestamp(d.parse_timestamp(text, day_first), zone)
        return d.format_timestamptz(d.parse_timestamptz(text, zone, day_first), zone)
    except PgError as err:
        return f"ERR {err.sqlstate} {err.message}"


@pytest.mark.parametrize(("time_zone", "order"), [("UTC", "MDY"), ("America/New_York", "DMY")])
def test_date_time_input_as_postgresql_reads_it(real_postgres: Any, time_zone: str, order: str) -> None:
    import psycopg

    real_postgres.execute(f"SET TimeZone = '{time_zone}'")
    real_postgres.execute(f"SET DateStyle = 'ISO, {order}'")
    zone = d.resolve_time_zone(time_zone)
    differences = []
    for kind in ("date", "time", "timetz", "timestamp", "timestamptz"):
        for text in INPUTS:
            try:
                theirs = real_postgres.execute(f"SELECT %s::text::{kind}::text", (text,)).fetchone()[0]
            except psycopg.Error as err:
                theirs = f"ERR {err.sqlstate} {err.diag.message_primary}"
            ours = _ours(kind, text, zone, order == "DMY")
            if ours != theirs and not ours.startswith("ERR 0A000"):
                differences.append((kind, text, theirs, ours))
    # BC dates with a zone: PostgreSQL takes the zone's local mean time, which Python's years cannot reach
    differences = [x for x in differences if not (x[0] == "timetz" and x[1].endswith(" BC") and order == "DMY")]
    assert differences == []


@pytest.mark.parametrize(("text", "sqlstate", "hint"), [
    ("42", "22008", 'Perhaps you need a different "datestyle" setting.'),
    ("2024-02-30", "22008", None),
    ("-42", "22009", None),
    ("{1,2,3}x", "22007", None),
])
def test_the_failure_decides_the_sqlstate(text: str, sqlstate: str, hint: str | None) -> None:
    with pytest.raises(PgError) as caught:
        d.parse_date(text)
    assert (caught.value.sqlstate, caught.value.hint) == (sqlstate, hint)


def test_duckdb_conversion_errors_are_read_again_by_postgresql_rules() -> None:
    import duckdb

    from pgserver.sql.run.duckdb_errors import translate

    for sql, sqlstate in (("SELECT CAST('-42' AS date)", "22009"), ("SELECT CAST('-42' AS time)", "22009"),
                          ("SELECT CAST('2024-02-30' AS date)", "22008"), ("SELECT CAST('x' AS timestamp)", "22007")):
        with pytest.raises(duckdb.ConversionException) as caught:
            duckdb.sql(sql).fetchall()
        assert translate(caught.value, sql).sqlstate == sqlstate
