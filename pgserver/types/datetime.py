"""Dates, times, timestamps and intervals: text out in every DateStyle/IntervalStyle (the ISO and
'postgres' forms here, the others laid out by datestyles.py), text in (date_in, timestamp_in …
for the forms clients send), and the binary formats (offsets from 2000-01-01 in days or µs).

The rules (time zone offsets, trimmed fractions, the interval sign conventions of EncodeInterval)
are fiddly; tests/protocol checks them against a real PostgreSQL 15 in several zones.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import struct
import zoneinfo
from collections.abc import Callable
from typing import Any

from pgserver.errors import PgError
from pgserver.types import datestyles as styles
from pgserver.types import datetime_input as inp
from pgserver.types.codec import Codec, bad_binary, check_size, mismatch
from pgserver.types.values import FormatContext, PgInterval

INVALID_DATETIME_FORMAT = "22007"
DATETIME_FIELD_OVERFLOW = "22008"
INVALID_PARAMETER_VALUE = "22023"
FEATURE_NOT_SUPPORTED = "0A000"

USECS_PER_SEC = 1_000_000
USECS_PER_DAY = 86_400 * USECS_PER_SEC
POSTGRES_EPOCH_DATE = dt.date(2000, 1, 1)
POSTGRES_EPOCH = dt.datetime(2000, 1, 1)
POSTGRES_EPOCH_UTC = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


@functools.lru_cache(maxsize=64)
def resolve_time_zone(name: str) -> dt.tzinfo:
    """The tzinfo for a TimeZone setting; PgError 22023 for an unknown zone."""
    key = name.strip()
    if key.upper() in ("UTC", "GMT", "Z", "ZULU", "UCT", "ETC/UTC", "ETC/GMT"):
        return dt.UTC
    if re.fullmatch(r"[+-]?\d+(?:\.\d+)?", key):  # a number: hours east of UTC ('+3', '-7', '5.5')
        offset = dt.timedelta(hours=float(key))
        return dt.timezone(offset, format_offset(offset))
    m = re.fullmatch(r"<([+-]\d{2}(?::\d{2}){0,2})>([+-])(\d{2})(?::(\d{2}))?(?::(\d{2}))?", key)
    if m:  # <+05:30>-05:30: POSIX, hours WEST of UTC after the bracketed name
        sign = 1 if m.group(2) == "-" else -1
        offset = sign * dt.timedelta(hours=int(m.group(3)), minutes=int(m.group(4) or 0), seconds=int(m.group(5) or 0))
        return dt.timezone(offset, m.group(1))
    m = re.fullmatch(r"([A-Za-z]{3,})?([+-]?)(\d{1,2})(?::(\d{2}))?", key)
    if m and (m.group(1) or m.group(4)):  # POSIX 'UTC+3' / '+05:30': hours WEST of UTC, as PostgreSQL reads them
        sign = 1 if m.group(2) == "-" else -1
        offset = sign * dt.timedelta(hours=int(m.group(3)), minutes=int(m.group(4) or 0))
        return dt.timezone(offset, m.group(1) or "")  # the abbreviation PG prints is the POSIX name, maybe empty
    try:
        return zoneinfo.ZoneInfo(key)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise PgError(INVALID_PARAMETER_VALUE, f'invalid value for parameter "TimeZone": "{name}"') from exc


# ---------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------


def _fraction(microsecond: int) -> str:
    return f".{microsecond:06d}".rstrip("0") if microsecond else ""


def format_date(value: dt.date) -> str:
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"


def format_time(value: dt.time) -> str:
    return f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}{_fraction(value.microsecond)}"


def format_offset(offset: dt.timedelta) -> str:
    """'+00', '+05:30', '-03:30', '+00:53:28' as PostgreSQL prints UTC offsets."""
    total = int(offset.total_seconds())
    sign = "-" if total < 0 else "+"
    total = abs(total)
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    text = f"{sign}{hours:02d}"
    if minutes or seconds:
        text += f":{minutes:02d}"
    if seconds:
        text += f":{seconds:02d}"
    return text


def format_timetz(value: dt.time) -> str:
    offset = value.utcoffset() if value.tzinfo else dt.timedelta(0)
    return format_time(value) + format_offset(offset or dt.timedelta(0))


def format_timestamp(value: dt.datetime | dt.date, tz: dt.tzinfo) -> str:
    """timestamp without time zone; an aware value is first shown in the session zone."""
    if not isinstance(value, dt.datetime):
        return format_date(value) + " 00:00:00"
    if value.tzinfo is not None:
        value = value.astimezone(tz).replace(tzinfo=None)
    return f"{format_date(value)} {format_time(value.time())}"


def to_session_zone(value: dt.datetime | dt.date, tz: dt.tzinfo) -> dt.datetime:
    """A timestamptz in the session zone; naive values are taken as UTC (DuckDB's convention)."""
    if not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(tz)


def format_timestamptz(value: dt.datetime | dt.date, tz: dt.tzinfo) -> str:
    local = to_session_zone(value, tz)
    return f"{format_date(local)} {format_time(local.time())}{format_offset(local.utcoffset() or dt.timedelta(0))}"


def interval_fields(value: object) -> tuple[int, int, int]:
    """(months, days, microseconds) of a timedelta or PgInterval-like value, PostgreSQL style:
    a timedelta's days and time part carry the same sign, as timestamp subtraction yields."""
    if isinstance(value, dt.timedelta):
        total = (value.days * 86_400 + value.seconds) * USECS_PER_SEC + value.microseconds
        days = abs(total) // USECS_PER_DAY * (1 if total >= 0 else -1)
        return 0, days, total - days * USECS_PER_DAY
    months = getattr(value, "months", None)
    if months is None:
        raise TypeError(f"not an interval: {value!r}")
    return int(months), int(value.days), int(value.microseconds)  # type: ignore[attr-defined]


def make_interval(months: int, days: int, usecs: int) -> object:
    """A timedelta when that loses nothing (no months; days and time of the same sign, |time| < 1 day),
    else a PgInterval — so decoding then re-encoding an interval is exact."""
    candidate = dt.timedelta(days=days, microseconds=usecs)
    if months == 0 and interval_fields(candidate) == (0, days, usecs):
        return candidate
    return PgInterval(months, days, usecs)


def format_interval(value: object) -> str:
    """IntervalStyle 'postgres' (EncodeInterval): '1 year 2 mons -3 days +04:05:06.5'."""
    months, days, usecs = interval_fields(value)
    years, mons = int(months / 12), months - int(months / 12) * 12
    parts: list[str] = []
    is_before = False
    for amount, unit in ((years, "year"), (mons, "mon"), (days, "day")):
        if amount == 0:
            continue
        plus = "+" if is_before and amount > 0 else ""
        parts.append(f"{plus}{amount} {unit}{'' if amount == 1 else 's'}")
        is_before = amount < 0
    if not parts or usecs != 0:
        minus = usecs < 0
        usecs = abs(usecs)
        hours, rest = divmod(usecs, 3600 * USECS_PER_SEC)
        minutes, rest = divmod(rest, 60 * USECS_PER_SEC)
        seconds, micro = divmod(rest, USECS_PER_SEC)
        sign = "-" if minus else ("+" if is_before else "")
        parts.append(f"{sign}{hours:02d}:{minutes:02d}:{seconds:02d}{_fraction(micro)}")
    return " ".join(parts)


# ---------------------------------------------------------------------------
# Input
# ---------------------------------------------------------------------------

def _bad(kind: str, text: str) -> PgError:
    return PgError(INVALID_DATETIME_FORMAT, f'invalid input syntax for type {kind}: "{text}"')


def _decoded(decode: Callable[[str, str], inp.Fields], text: str, kind: str, order: str) -> inp.Fields:
    try:
        return decode(text, order)
    except inp.DateTimeError as err:
        raise inp.pg_error(err.failure, text, kind) from None


def _unsupported_special(fields: inp.Fields, text: str, kind: str) -> None:
    """'infinity', 'now', 'today' …: PostgreSQL's values that have no Python value here (0A000; the SQL layer
    leaves such constants to DuckDB, which reads them)."""
    if fields.special not in (None, "epoch"):
        raise PgError(FEATURE_NOT_SUPPORTED, f'special {kind} value "{text.strip()}" is not supported')


# The Julian-day range PostgreSQL's dates and timestamps hold (IS_VALID_JULIAN, IS_VALID_DATE/TIMESTAMP)
_FIRST_JULIAN_DAY = 0  # 4714-11-24 BC
_LAST_DATE_JULIAN = 2_147_483_494 + 2_451_545 - 1  # 5874897-12-31
_LAST_TIMESTAMP_JULIAN = inp.to_julian(294276, 12, 31)


def _day_number(fields: inp.Fields, text: str, last_julian: int, kind: str) -> int:
    """The proleptic Gregorian ordinal (Python's date.toordinal) of the fields' date; 22008 beyond
    PostgreSQL's range, 0A000 beyond Python's (years 1 to 9999)."""
    if fields.special == "epoch":
        return dt.date(1970, 1, 1).toordinal()
    julian = inp.to_julian(fields.year, fields.month, fields.day)
    if not _FIRST_JULIAN_DAY <= julian <= last_julian:
        raise PgError(DATETIME_FIELD_OVERFLOW, f'{kind} out of range: "{text}"')
    if not 1 <= fields.year <= 9999:
        raise PgError(FEATURE_NOT_SUPPORTED, f"{kind}s outside years 1-9999 are not supported")
    return dt.date(fields.year, fields.month, fields.day).toordinal()


def _order(day_first: bool) -> str:
    return "DMY" if day_first else "MDY"


def parse_date(text: str, day_first: bool = False) -> dt.date:
    """date_in: any DateStyle-ordered form PostgreSQL reads; a time or zone in the text is read and ignored."""
    fields = _decoded(inp.decode_date_time, text, "date", _order(day_first))
    _unsupported_special(fields, text, "date")
    return dt.date.fromordinal(_day_number(fields, text, _LAST_DATE_JULIAN, "date"))


def _fields_usecs(fields: inp.Fields) -> int:
    return ((fields.hour * 60 + fields.minute) * 60 + fields.second) * USECS_PER_SEC + fields.usec


def _time_of_day(fields: inp.Fields, text: str, kind: str) -> dt.time:
    _unsupported_special(fields, text, kind)
    usecs = _fields_usecs(fields)
    if usecs == USECS_PER_DAY:  # 24:00:00, valid in PostgreSQL, has no Python time
        raise PgError(FEATURE_NOT_SUPPORTED, f'time "{text}" (24:00:00) is not supported')
    seconds, micro = divmod(usecs, USECS_PER_SEC)
    return dt.time(seconds // 3600, seconds // 60 % 60, seconds % 60, micro)


def parse_time(text: str) -> dt.time:
    """time_in: a zone or date in the text is read and ignored."""
    return _time_of_day(_decoded(inp.decode_time_only, text, "time", "MDY"), text, "time")


def parse_timetz(text: str, tz: dt.tzinfo) -> dt.time:
    """timetz_in: the written zone, else the session zone's offset today (or on the date written)."""
    kind = "time with time zone"
    fields = _decoded(inp.decode_time_only, text, kind, "MDY")
    value = _time_of_day(fields, text, kind)
    if fields.offset is not None:
        return value.replace(tzinfo=dt.timezone(dt.timedelta(seconds=fields.offset)))
    zone = fields.zone or tz
    written = fields.mask & inp.DATE_MASK == inp.DATE_MASK and 1 <= fields.year <= 9999
    day = dt.date(fields.year, fields.month, fields.day) if written else dt.datetime.now(zone).date()
    offset = dt.datetime.combine(day, value, tzinfo=zone).utcoffset() or dt.timedelta(0)
    return value.replace(tzinfo=dt.timezone(offset))


def _parse_datetime(text: str, kind: str, day_first: bool) -> tuple[dt.datetime, inp.Fields]:
    fields = _decoded(inp.decode_date_time, text, kind, _order(day_first))
    _unsupported_special(fields, text, kind)
    day = _day_number(fields, text, _LAST_TIMESTAMP_JULIAN, "timestamp")
    usecs = 0 if fields.special == "epoch" else _fields_usecs(fields)  # may reach 24:00:00: the next day
    try:
        return dt.datetime.fromordinal(day) + dt.timedelta(microseconds=usecs), fields
    except OverflowError as exc:
        raise PgError(FEATURE_NOT_SUPPORTED, "timestamps outside years 1-9999 are not supported") from exc


def parse_timestamp(text: str, day_first: bool = False) -> dt.datetime:
    """timestamp_in: any zone written in the text is read and ignored."""
    value, _fields = _parse_datetime(text, "timestamp", day_first)
    return value


def parse_timestamptz(text: str, tz: dt.tzinfo, day_first: bool = False) -> dt.datetime:
    """timestamptz_in, as an aware datetime in UTC; text without a zone is read in the session zone."""
    value, fields = _parse_datetime(text, "timestamp with time zone", day_first)
    if fields.special == "epoch":
        return value.replace(tzinfo=dt.UTC)
    zone = dt.timezone(dt.timedelta(seconds=fields.offset)) if fields.offset is not None else fields.zone or tz
    try:  # zoneinfo resolves ambiguous/skipped local times with fold=0, as PostgreSQL does (earlier offset).
        return value.replace(tzinfo=zone).astimezone(dt.UTC)
    except OverflowError as exc:
        raise PgError(FEATURE_NOT_SUPPORTED, "timestamps outside years 1-9999 are not supported") from exc


def input_error(kind: str, text: str) -> PgError | None:
    """The error PostgreSQL's input function of `kind` ('date', 'time', 'timestamp') raises reading `text`
    (DateStyle MDY), or None when it reads the text (or its value has no Python form here)."""
    parse = {"date": parse_date, "time": parse_time, "timestamp": parse_timestamp}[kind]
    try:
        parse(text)
    except PgError as err:
        return None if err.sqlstate == FEATURE_NOT_SUPPORTED else err
    return None


_UNIT_USECS = {
    "microsecond": 1, "us": 1, "usec": 1, "usecs": 1, "microseconds": 1,
    "millisecond": 1000, "ms": 1000, "msec": 1000, "msecs": 1000, "milliseconds": 1000,
    "second": USECS_PER_SEC, "seconds": USECS_PER_SEC, "sec": USECS_PER_SEC, "secs": USECS_PER_SEC, "s": USECS_PER_SEC,
    "minute": 60 * USECS_PER_SEC, "minutes": 60 * USECS_PER_SEC, "min": 60 * USECS_PER_SEC,
    "mins": 60 * USECS_PER_SEC, "m": 60 * USECS_PER_SEC,
    "hour": 3600 * USECS_PER_SEC, "hours": 3600 * USECS_PER_SEC, "hr": 3600 * USECS_PER_SEC,
    "hrs": 3600 * USECS_PER_SEC, "h": 3600 * USECS_PER_SEC,
}
_UNIT_DAYS = {"day": 1, "days": 1, "d": 1, "week": 7, "weeks": 7, "w": 7}
_UNIT_MONTHS = {
    "mon": 1, "mons": 1, "month": 1, "months": 1, "year": 12, "years": 12, "y": 12, "yr": 12, "yrs": 12,
    "decade": 120, "decades": 120, "century": 1200, "centuries": 1200, "millennium": 12000, "millennia": 12000,
}
_INTERVAL_TOKEN = re.compile(
    r"\s*(?:(?P<clock>[+-]?\d+:\d{1,2}(?::\d{1,2}(?:\.\d+)?)?)|(?P<num>[+-]?(?:\d+\.?\d*|\.\d+))\s*(?P<unit>[a-z]*)|(?P<ago>ago)|@)",
    re.I,
)
_ISO_INTERVAL = re.compile(
    r"([+-])?P(?:([+-]?\d+(?:\.\d+)?)Y)?(?:([+-]?\d+(?:\.\d+)?)M)?(?:([+-]?\d+(?:\.\d+)?)W)?(?:([+-]?\d+(?:\.\d+)?)D)?"
    r"(?:T(?:([+-]?\d+(?:\.\d+)?)H)?(?:([+-]?\d+(?:\.\d+)?)M)?(?:([+-]?\d+(?:\.\d+)?)S)?)?",
    re.I,
)


def parse_interval(text: str) -> tuple[int, int, int]:
    """(months, days, microseconds) from postgres-style ('1 year 2 mons 3 days 04:05:06') or ISO 8601 text."""
    s = text.strip()
    if not s:
        raise _bad("interval", text)
    iso = _ISO_INTERVAL.fullmatch(s)
    if iso and s.upper() != "P":
        return _iso_interval(iso)
    months = days = 0
    usecs = 0.0
    pos = 0
    ago = False
    bare_number = False  # the previous token was a number without a unit
    while pos < len(s):
        m = _INTERVAL_TOKEN.match(s, pos)
        if not m or m.end() == pos:
            raise _bad("interval", text)
        if bare_number and not s[pos].isspace() and m.group("num") is not None:
            raise _bad("interval", text)  # '2024-02-29': numbers run together, a date, not an interval
        bare_number = m.group("num") is not None and not m.group("unit")
        pos = m.end()
        if m.group("ago"):
            ago = True
        elif m.group("clock"):
            usecs += _clock_usecs(m.group("clock"))
        elif m.group("num") is not None:
            amount = float(m.group("num"))
            unit = m.group("unit").lower() or "second"
            if unit in _UNIT_USECS:
                usecs += amount * _UNIT_USECS[unit]
            elif unit in _UNIT_DAYS:
                whole = int(amount * _UNIT_DAYS[unit])
                days += whole
                usecs += (amount * _UNIT_DAYS[unit] - whole) * USECS_PER_DAY
            elif unit in _UNIT_MONTHS:
                whole = int(amount * _UNIT_MONTHS[unit])
                months += whole
                days_frac = (amount * _UNIT_MONTHS[unit] - whole) * 30
                days += int(days_frac)
                usecs += (days_frac - int(days_frac)) * USECS_PER_DAY
            else:
                raise _bad("interval", text)
    result = (months, days, round(usecs))
    return tuple(-x for x in result) if ago else result  # type: ignore[return-value]


def _clock_usecs(clock: str) -> float:
    negative = clock.startswith("-")
    parts = clock.lstrip("+-").split(":")
    hours, minutes = int(parts[0]), int(parts[1])
    seconds = float(parts[2]) if len(parts) > 2 else 0.0
    total = (hours * 3600 + minutes * 60 + seconds) * USECS_PER_SEC
    return -total if negative else total


def _iso_interval(m: re.Match[str]) -> tuple[int, int, int]:
    def num(i: int) -> float:
        return float(m.group(i)) if m.group(i) else 0.0

    years, mons, weeks, ds = num(2), num(3), num(4), num(5)
    total_months = years * 12 + mons
    months = int(total_months)
    day_total = weeks * 7 + ds + (total_months - months) * 30
    days = int(day_total)
    usecs = (day_total - days) * USECS_PER_DAY + (num(6) * 3600 + num(7) * 60 + num(8)) * USECS_PER_SEC
    result = (months, days, round(usecs))
    return tuple(-x for x in result) if m.group(1) == "-" else result  # type: ignore[return-value]


# ---------------------------------------------------------------------------
# Other output styles (DateStyle SQL/Postgres/German, IntervalStyle …)
# ---------------------------------------------------------------------------


def zone_abbreviation(value: dt.datetime) -> str:
    """The zone PostgreSQL appends in non-ISO styles ('UTC', 'BST', 'IST', '-04')."""
    if value.tzinfo is dt.UTC:
        return "UTC"
    name = value.tzname()
    if name is None:
        return format_offset(value.utcoffset() or dt.timedelta(0))
    return name  # zoneinfo abbreviations ('BST', '-04'); fixed offsets carry PG's own name


def format_timestamptz_styled(value: dt.datetime | dt.date, tz: dt.tzinfo, date_style: str) -> str:
    if styles.parse_date_style(date_style)[0] == "ISO":
        return format_timestamptz(value, tz)
    local = to_session_zone(value, tz)
    return styles.format_timestamp(local.replace(tzinfo=None), format_time(local.time()), date_style,
                                   zone_abbreviation(local))


def format_interval_styled(value: object, style: str) -> str:
    if style.lower() == "postgres":
        return format_interval(value)
    return styles.format_interval(*interval_fields(value), style)


# ---------------------------------------------------------------------------
# Binary formats
# ---------------------------------------------------------------------------

TIMESTAMP_INFINITY = 2**63 - 1
TIMESTAMP_NEG_INFINITY = -(2**63)


def _usecs(value: dt.datetime) -> int:
    delta = value - (POSTGRES_EPOCH_UTC if value.tzinfo else POSTGRES_EPOCH)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def encode_timestamp(value: Any) -> bytes:
    if isinstance(value, str):
        value = parse_timestamp(value)
    if not isinstance(value, dt.datetime):
        if not isinstance(value, dt.date):
            raise mismatch("timestamp", value)
        value = dt.datetime(value.year, value.month, value.day)
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return struct.pack(">q", _usecs(value))


def encode_timestamptz(value: Any) -> bytes:
    if isinstance(value, str):
        value = parse_timestamptz(value, dt.UTC)
    if not isinstance(value, dt.date):
        raise mismatch("timestamptz", value)
    return struct.pack(">q", _usecs(to_session_zone(value, dt.UTC)))


def _decode_usecs(data: bytes, kind: str) -> int:
    check_size(data, 8, kind)
    usecs = struct.unpack(">q", data)[0]
    if usecs in (TIMESTAMP_INFINITY, TIMESTAMP_NEG_INFINITY):
        raise PgError(FEATURE_NOT_SUPPORTED, f"infinite {kind} values are not supported")
    return usecs


def _after_epoch(epoch: dt.datetime, usecs: int) -> dt.datetime:
    """Valid in PostgreSQL (years 4713 BC to 294276 AD) but maybe not in Python: 0A000, like dates."""
    try:
        return epoch + dt.timedelta(microseconds=usecs)
    except OverflowError as exc:
        raise PgError(FEATURE_NOT_SUPPORTED, "timestamps outside years 1-9999 are not supported") from exc


def decode_timestamp(data: bytes) -> dt.datetime:
    return _after_epoch(POSTGRES_EPOCH, _decode_usecs(data, "timestamp"))


def decode_timestamptz(data: bytes) -> dt.datetime:
    return _after_epoch(POSTGRES_EPOCH_UTC, _decode_usecs(data, "timestamptz"))


def encode_date(value: Any) -> bytes:
    if isinstance(value, str):
        value = parse_date(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        raise mismatch("date", value)
    return struct.pack(">i", (value - POSTGRES_EPOCH_DATE).days)


def decode_date(data: bytes) -> dt.date:
    check_size(data, 4, "date")
    days = struct.unpack(">i", data)[0]
    try:
        return POSTGRES_EPOCH_DATE + dt.timedelta(days=days)
    except OverflowError as exc:
        raise PgError(FEATURE_NOT_SUPPORTED, "dates outside years 1-9999 are not supported") from exc


def _time_usecs(value: dt.time) -> int:
    return ((value.hour * 60 + value.minute) * 60 + value.second) * 1_000_000 + value.microsecond


def encode_time(value: Any) -> bytes:
    if isinstance(value, str):
        value = parse_time(value)
    if isinstance(value, dt.datetime):
        value = value.time()
    if not isinstance(value, dt.time):
        raise mismatch("time", value)
    return struct.pack(">q", _time_usecs(value))


def _time_from_usecs(usecs: int, kind: str) -> dt.time:
    if usecs == USECS_PER_DAY:
        raise PgError(FEATURE_NOT_SUPPORTED, f"{kind} 24:00:00 is not supported")
    if not 0 <= usecs < USECS_PER_DAY:
        raise bad_binary(kind)
    seconds, micro = divmod(usecs, 1_000_000)
    return dt.time(seconds // 3600, seconds // 60 % 60, seconds % 60, micro)


def decode_time(data: bytes) -> dt.time:
    check_size(data, 8, "time")
    return _time_from_usecs(struct.unpack(">q", data)[0], "time")


def encode_timetz(value: Any) -> bytes:
    if isinstance(value, str):
        value = parse_timetz(value, dt.UTC)
    if isinstance(value, dt.datetime):
        value = value.timetz()
    if not isinstance(value, dt.time):
        raise mismatch("timetz", value)
    offset = value.utcoffset() or dt.timedelta(0)
    return struct.pack(">qi", _time_usecs(value), -int(offset.total_seconds()))  # zone is seconds WEST of UTC


def decode_timetz(data: bytes) -> dt.time:
    check_size(data, 12, "timetz")
    usecs, west = struct.unpack(">qi", data)
    return _time_from_usecs(usecs, "timetz").replace(tzinfo=dt.timezone(dt.timedelta(seconds=-west)))


def encode_interval(value: Any) -> bytes:
    fields = parse_interval(value) if isinstance(value, str) else interval_fields(value)
    months, days, usecs = fields
    return struct.pack(">qii", usecs, days, months)


def decode_interval(data: bytes) -> Any:
    check_size(data, 16, "interval")
    usecs, days, months = struct.unpack(">qii", data)
    try:
        return make_interval(months, days, usecs)
    except OverflowError as exc:  # beyond Python's timedelta (999999999 days)
        raise PgError(FEATURE_NOT_SUPPORTED, "intervals this large are not supported") from exc



# ---------------------------------------------------------------------------
# Text codecs and registration
# ---------------------------------------------------------------------------


def _datetime_text(kind: str) -> Callable[[Any, FormatContext], str]:
    def encode(value: Any, ctx: FormatContext) -> str:
        tz = resolve_time_zone(ctx.time_zone)
        iso = ctx.date_style.replace(" ", "").upper().startswith("ISO")
        if kind == "date":
            day = value.date() if isinstance(value, dt.datetime) else value
            return format_date(day) if iso else styles.format_date(day, ctx.date_style)
        if kind == "time":
            return format_time(value.time() if isinstance(value, dt.datetime) else value)
        if kind == "timetz":
            return format_timetz(value.timetz() if isinstance(value, dt.datetime) else value)
        if kind == "timestamp":
            if iso:
                return format_timestamp(value, tz)
            local = to_session_zone(value, tz).replace(tzinfo=None) if getattr(value, "tzinfo", None) \
                else dt.datetime.combine(value, dt.time()) if not isinstance(value, dt.datetime) else value
            return styles.format_timestamp(local, format_time(local.time()), ctx.date_style, None)
        return format_timestamptz(value, tz) if iso else format_timestamptz_styled(value, tz, ctx.date_style)

    return encode


def _interval_text(value: Any, ctx: FormatContext) -> str:
    if isinstance(value, str):
        return value
    return format_interval_styled(value, ctx.interval_style)


def _checked(kind: str, types: tuple[type, ...], fn: Callable[[Any, FormatContext], str]) -> Callable[..., str]:
    def encode(value: Any, ctx: FormatContext) -> str:
        if isinstance(value, str):
            return value  # already text (e.g. a literal the SQL layer passed through)
        if not isinstance(value, types):
            raise mismatch(kind, value)
        return fn(value, ctx)

    return encode


def _day_first(ctx: FormatContext) -> bool:
    return styles.parse_date_style(ctx.date_style)[1] == "DMY"


CODECS = (
    Codec("date", ("date",), _checked("date", (dt.date,), _datetime_text("date")),
          lambda s, c: parse_date(s, _day_first(c)), encode_date, decode_date),
    Codec("time", ("time",), _checked("time", (dt.time, dt.datetime), _datetime_text("time")),
          lambda s, c: parse_time(s), encode_time, decode_time),
    Codec("timetz", ("timetz",), _checked("timetz", (dt.time, dt.datetime), _datetime_text("timetz")),
          lambda s, c: parse_timetz(s, resolve_time_zone(c.time_zone)), encode_timetz, decode_timetz),
    Codec("timestamp", ("timestamp",), _checked("timestamp", (dt.date,), _datetime_text("timestamp")),
          lambda s, c: parse_timestamp(s, _day_first(c)), encode_timestamp, decode_timestamp),
    Codec("timestamptz", ("timestamptz",), _checked("timestamptz", (dt.date,), _datetime_text("timestamptz")),
          lambda s, c: parse_timestamptz(s, resolve_time_zone(c.time_zone), _day_first(c)),
          encode_timestamptz, decode_timestamptz),
    Codec("interval", ("interval",), _interval_text, lambda s, c: make_interval(*parse_interval(s)),
          encode_interval, decode_interval),
)
