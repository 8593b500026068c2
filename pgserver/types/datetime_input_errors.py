"""Which error PostgreSQL gives for date/time input that cannot be read (DuckDB's cast or our parser refused it).

PostgreSQL's date/time input (src/backend/utils/adt/datetime.c) first splits the text into fields
(ParseDateTime): a run of digits is a number — or a time when a ':' follows, a date when '-', '/' or '.'
does; a sign before digits starts a time-zone field; a letter starts a word; other punctuation separates
fields and is dropped. The fields are then decoded (DecodeDateTime / DecodeTimeOnly), and the SQLSTATE says
where that failed:

- a time-zone displacement over 15 hours: 22009 "time zone displacement out of range" ('-42');
- numbers taken as month and day (by DateStyle's field order) out of their range: 22008 "date/time field value
  out of range" ('42' is month 42 under MDY; '1_000' is month 1, day 0);
- anything else — missing fields, words we do not decode here: 22007 "invalid input syntax".

Only the number and time-zone fields are decoded here: enough to classify the error, and to read a date written
as three numbers between punctuation (number_fields_date); other forms are read by the input functions.
"""

from __future__ import annotations

import datetime as dt
import re

from pgserver.errors import PgError

INVALID_DATETIME_FORMAT = "22007"
DATETIME_FIELD_OVERFLOW = "22008"
INVALID_TIME_ZONE_DISPLACEMENT_VALUE = "22009"
MAX_TZDISP_HOUR = 15

_FIELD = re.compile(r"(?P<tz>[+-]\d[\d:]*)|(?P<number>\d+)(?P<after>[:/.-]?)|(?P<word>[A-Za-z]+)|(?P<skip>\S)")


def input_error(kind: str, text: str, day_first: bool = False) -> PgError:
    """The PgError PostgreSQL raises for `text` as input of `kind` ('date', 'time', 'timestamp' …)."""
    decoded = _decode(kind, text, day_first)
    return decoded if isinstance(decoded, PgError) else _invalid(kind, text)


def number_fields_date(text: str, day_first: bool = False) -> dt.date | None:
    """A date written as three number fields between punctuation ('{1,2,3}' is 2003-01-02 under MDY, as
    PostgreSQL reads it), or None when the text is not that."""
    decoded = _decode("date", text, day_first)
    return decoded if isinstance(decoded, dt.date) else None


def _decode(kind: str, text: str, day_first: bool) -> PgError | dt.date:
    month = day = year = None
    has_year = False
    for field in _FIELD.finditer(text):
        if field["tz"]:
            digits = field["tz"][1:].split(":")[0]
            hours = int(digits[:-2] or "0") if len(digits) > 2 else int(digits)
            if hours > MAX_TZDISP_HOUR:
                return PgError(INVALID_TIME_ZONE_DISPLACEMENT_VALUE, f'time zone displacement out of range: "{text}"')
            continue
        if field["word"] or (field["number"] and field["after"]):
            return _invalid(kind, text)  # a word, a time or a date field: not classified here
        if not field["number"]:
            continue  # punctuation between fields
        value, width = int(field["number"]), len(field["number"])
        if kind.startswith("time") and not kind.startswith("timestamp"):
            return _invalid(kind, text)
        # DecodeNumber by the fields seen so far (DateStyle MDY, or DMY when day_first)
        if month is None and day is None and not has_year:
            if width >= 3:
                has_year, year = True, value
            elif day_first:
                day = value
            else:
                month = value
        elif month is not None and day is None:
            day = value
        elif day is not None and month is None:
            month = value
        elif not has_year:
            # a year of one or two digits is 1970-2069 (is2digits in DecodeNumber / AdjustYears)
            has_year, year = True, value if width > 2 else value + (2000 if value < 70 else 1900)
        else:
            return _invalid(kind, text)
    if (month is not None and not 1 <= month <= 12) or (day is not None and not 1 <= day <= 31):
        return PgError(DATETIME_FIELD_OVERFLOW, f'date/time field value out of range: "{text}"',
                       hint='Perhaps you need a different "datestyle" setting.')  # (DTERR_MD_FIELD_OVERFLOW)
    if month is None or day is None or year is None:
        return _invalid(kind, text)
    try:
        return dt.date(year, month, day)
    except ValueError:
        return PgError(DATETIME_FIELD_OVERFLOW, f'date/time field value out of range: "{text}"')


def _invalid(kind: str, text: str) -> PgError:
    return PgError(INVALID_DATETIME_FORMAT, f'invalid input syntax for type {kind}: "{text}"')


_LONE_DATE = re.compile(r"\s*(\d{4,}-\d{1,2}-\d{1,2}|\d{1,2}[/.-]\d{1,2}[/.-]\d{4})\s*")


def time_without_time_of_day(text: str) -> bool:
    """A time input that is only a date ('2024-02-29'): PostgreSQL's DecodeTimeOnly needs the time fields."""
    return _LONE_DATE.fullmatch(text) is not None
