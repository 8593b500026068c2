"""Dates, times, timestamps and intervals: text out in every DateStyle/IntervalStyle (the ISO and
'postgres' forms here, the others laid out by datestyles.py), text in (date_in, timestamp_in …
for the forms clients send), and the binary formats (offsets from 2000-01-01 in days or µs).

The rules (time zone offsets, trimmed fractions, the interval sign conventions of EncodeInterval)
are fiddly; tests/protocol checks them against a real PostgreSQL 15 in several zones.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import re
import struct
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pgserver.errors import PgError
from pgserver.types import datestyles as styles
from pgserver.types.codec import Codec, bad_binary, check_size, mismatch
from pgserver.types.values import FormatContext, PgInfinity, PgInterval

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
# Input by PostgreSQL's rules (datetime.c): the text is cut into fields (`split_fields`, as ParseDateTime
# does: punctuation other than the date/time separators only delimits), the fields are classified into
# year, month, day, hours … (`decode_date_time` for date/timestamp input, `decode_time_only` for time
# input), and the failure's kind decides the SQLSTATE as DateTimeParseError does: bad format 22007
# `invalid input syntax for type T`; a field out of range 22008 `date/time field value out of range`
# (with the DateStyle hint when a month or day is out of range); a numeric zone beyond ±15:59:59 22009
# `time zone displacement out of range`. Our own Python, written from the algorithm: the result is a
# `Fields` record, which parse_date, parse_time … below turn into Python values.
# ---------------------------------------------------------------------------

MAX_FIELDS = 25  # MAXDATEFIELDS
MAX_LENGTH = 128  # MAXDATELEN: the work buffer the fields are copied into
MAX_ZONE_HOURS = 15  # MAX_TZDISP_HOUR


class Failure(enum.Enum):
    BAD_FORMAT = "22007"
    FIELD_OVERFLOW = "22008"
    MONTH_DAY_OVERFLOW = "22008 (datestyle)"
    ZONE_OVERFLOW = "22009"


class DateTimeError(Exception):
    def __init__(self, failure: Failure) -> None:
        super().__init__(failure.name)
        self.failure = failure


def pg_error(failure: Failure, text: str, type_name: str) -> PgError:
    """DateTimeParseError: the PostgreSQL error for `failure` reading `text` as `type_name`."""
    if failure is Failure.BAD_FORMAT:
        return PgError("22007", f'invalid input syntax for type {type_name}: "{text}"')
    if failure is Failure.ZONE_OVERFLOW:
        return PgError("22009", f'time zone displacement out of range: "{text}"')
    hint = 'Perhaps you need a different "datestyle" setting.' if failure is Failure.MONTH_DAY_OVERFLOW else None
    return PgError("22008", f'date/time field value out of range: "{text}"', hint=hint)


def _fail(failure: Failure = Failure.BAD_FORMAT) -> DateTimeError:
    return DateTimeError(failure)


# Field kinds of the tokenizer (ParseDateTime's ftype)
NUMBER, STRING, DATE, TIME, TZ, SPECIAL = "number", "string", "date", "time", "tz", "special"

# Bits of the field mask (DTK_M(...))
YEAR, MONTH, DAY, HOUR, MINUTE, SECOND, DOY, ZONE, DOW, AMPM, ADBC, RESERVED, DTZMOD = (1 << n for n in range(13))
DATE_MASK = YEAR | MONTH | DAY
TIME_MASK = HOUR | MINUTE | SECOND


def _is_punct(c: str) -> bool:
    return c.isascii() and not c.isalnum() and c.isprintable() and not c.isspace()


def _ascii_alpha(c: str) -> bool:
    return c.isascii() and c.isalpha()


def _ascii_digit(c: str) -> bool:
    return c in "0123456789" and c != ""


def split_fields(text: str) -> list[tuple[str, str]]:
    """(kind, lower-cased field) pairs, as ParseDateTime cuts the text."""
    fields: list[tuple[str, str]] = []
    s, i, n = text, 0, len(text)
    length = 0

    def take_while(start: int, ok) -> int:  # type: ignore[no-untyped-def]
        j = start
        while j < n and ok(s[j]):
            j += 1
        return j

    while i < n:
        c = s[i]
        if c.isspace():
            i += 1
            continue
        start = i
        if _ascii_digit(c):
            i = take_while(i, _ascii_digit)
            if i < n and s[i] == ":":  # a time: digits, ':' and '.'
                kind = TIME
                i = take_while(i + 1, lambda ch: _ascii_digit(ch) or ch in ":.")
            elif i < n and s[i] in "-/.":  # a date, maybe with a month name inside
                delim = s[i]
                i += 1
                if i < n and _ascii_digit(s[i]):
                    kind = NUMBER if delim == "." else DATE
                    i = take_while(i, _ascii_digit)
                    if i < n and s[i] == delim:  # three fields only with matching separators
                        kind = DATE
                        i = take_while(i + 1, lambda ch, d=delim: _ascii_digit(ch) or ch == d)
                else:
                    kind = DATE
                    i = take_while(i, lambda ch, d=delim: (ch.isascii() and ch.isalnum()) or ch == d)
            else:
                kind = NUMBER
            word = s[start:i]
        elif c == ".":  # a leading decimal point: fractional seconds
            i = take_while(i + 1, _ascii_digit)
            kind, word = NUMBER, s[start:i]
        elif _ascii_alpha(c):
            i = take_while(i, _ascii_alpha)
            kind = STRING
            is_date = i < n and s[i] in "-/."
            if not is_date and i < n and (s[i] == "+" or _ascii_digit(s[i])):
                is_date = s[start:i].lower() not in _KEYWORDS  # a zone name such as 'etc/gmt+5', or a date
            if is_date:
                kind = DATE
                i = take_while(i + 1, lambda ch: ch in "+-/_.:" or (ch.isascii() and ch.isalnum()))
            word = s[start:i]
        elif c in "+-":
            i += 1
            while i < n and s[i].isspace():
                i += 1
            if i < n and _ascii_digit(s[i]):  # a numeric zone
                end = take_while(i, lambda ch: _ascii_digit(ch) or ch in ":.-")
                kind, word = TZ, c + s[i:end]
            elif i < n and _ascii_alpha(s[i]):  # '-infinity'
                end = take_while(i, _ascii_alpha)
                kind, word = SPECIAL, c + s[i:end]
            else:
                raise _fail()
            i = end
        elif _is_punct(c):  # other punctuation only delimits
            i += 1
            continue
        else:
            raise _fail()
        length += len(word) + 1
        if len(fields) >= MAX_FIELDS or length > MAX_LENGTH:
            raise _fail()
        fields.append((kind, word.lower()))
    return fields


# ---------------------------------------------------------------------------
# Keywords (datetktbl) and zone abbreviations
# ---------------------------------------------------------------------------

# Token kinds of the keyword table
RESERV, MONTH_NAME, DOW_NAME, AMPM_WORD, ADBC_WORD, UNITS, ISOTIME, IGNORE, ZONE_ABBREV, DST_ABBREV, DST_MODIFIER, \
    NAMED_ZONE = ("reserv", "month", "dow", "ampm", "adbc", "units", "isotime", "ignore", "tz", "dtz", "dtzmod",
                  "named zone")

_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_KEYWORDS: dict[str, tuple[str, object]] = {
    "-infinity": (RESERV, "early"), "infinity": (RESERV, "late"), "+infinity": (RESERV, "late"),
    "epoch": (RESERV, "epoch"), "now": (RESERV, "now"), "today": (RESERV, "today"),
    "tomorrow": (RESERV, "tomorrow"), "yesterday": (RESERV, "yesterday"), "allballs": (RESERV, "zulu"),
    "ad": (ADBC_WORD, "ad"), "bc": (ADBC_WORD, "bc"), "am": (AMPM_WORD, "am"), "pm": (AMPM_WORD, "pm"),
    "at": (IGNORE, None), "on": (IGNORE, None), "t": (ISOTIME, "time"), "dst": (DST_MODIFIER, 3600),
    "y": (UNITS, "year"), "m": (UNITS, "month"), "d": (UNITS, "day"), "h": (UNITS, "hour"), "mm": (UNITS, "minute"),
    "s": (UNITS, "second"), "j": (UNITS, "julian"), "jd": (UNITS, "julian"), "julian": (UNITS, "julian"),
    **{name: (MONTH_NAME, number) for number, name in enumerate(_MONTHS, 1)},
    "january": (MONTH_NAME, 1), "february": (MONTH_NAME, 2), "march": (MONTH_NAME, 3), "april": (MONTH_NAME, 4),
    "june": (MONTH_NAME, 6), "july": (MONTH_NAME, 7), "august": (MONTH_NAME, 8), "sept": (MONTH_NAME, 9),
    "september": (MONTH_NAME, 9), "october": (MONTH_NAME, 10), "november": (MONTH_NAME, 11),
    "december": (MONTH_NAME, 12),
    **{day: (DOW_NAME, n) for n, days in enumerate((("sun", "sunday"), ("mon", "monday"), ("tue", "tues", "tuesday"),
                                                    ("wed", "weds", "wednesday"), ("thu", "thur", "thurs", "thursday"),
                                                    ("fri", "friday"), ("sat", "saturday")))
       for day in days},
}
# Zone abbreviations of PostgreSQL's 'Default' set that are fixed offsets (seconds east of UTC); DST_ABBREV ones
# mark daylight-saving time. Others are looked up as zone names.
_ZONE_ABBREVIATIONS: dict[str, tuple[str, int]] = {
    "utc": (ZONE_ABBREV, 0), "ut": (ZONE_ABBREV, 0), "gmt": (ZONE_ABBREV, 0), "z": (ZONE_ABBREV, 0),
    "zulu": (ZONE_ABBREV, 0), "wet": (ZONE_ABBREV, 0), "west": (DST_ABBREV, 3600),
    "est": (ZONE_ABBREV, -5 * 3600), "edt": (DST_ABBREV, -4 * 3600), "cst": (ZONE_ABBREV, -6 * 3600),
    "cdt": (DST_ABBREV, -5 * 3600), "mst": (ZONE_ABBREV, -7 * 3600), "mdt": (DST_ABBREV, -6 * 3600),
    "pst": (ZONE_ABBREV, -8 * 3600), "pdt": (DST_ABBREV, -7 * 3600), "cet": (ZONE_ABBREV, 3600),
    "cest": (DST_ABBREV, 2 * 3600), "eet": (ZONE_ABBREV, 2 * 3600), "eest": (DST_ABBREV, 3 * 3600),
    "bst": (DST_ABBREV, 3600), "jst": (ZONE_ABBREV, 9 * 3600),
}


@functools.lru_cache(maxsize=1)
def _zone_names() -> dict[str, str]:
    return {name.lower(): name for name in zoneinfo.available_timezones()}


def named_zone(word: str) -> dt.tzinfo | None:
    """pg_tzset: a zone of the tz database, by its case-insensitive name."""
    name = _zone_names().get(word.lower())
    if name is not None:
        return zoneinfo.ZoneInfo(name)
    try:  # POSIX forms such as 'GMT+8' (hours west)
        return resolve_time_zone(word)
    except PgError:
        return None


def _special(word: str) -> tuple[str, object]:
    """DecodeSpecial: the keyword's kind and value ('unknown' for anything else)."""
    return _KEYWORDS.get(word) or _ZONE_ABBREVIATIONS.get(word) or ("unknown", None)


# ---------------------------------------------------------------------------
# Decoding
# ---------------------------------------------------------------------------


@dataclass
class Fields:
    """The broken-down value (struct pg_tm with fsec and the zone)."""

    year: int = 0
    month: int = 0
    day: int = 0
    hour: int = 0
    minute: int = 0
    second: int = 0
    usec: int = 0  # the fraction in microseconds (may reach 1_000_000 by rounding)
    day_of_year: int = 0
    offset: int | None = None  # seconds east of UTC written in the text
    zone: dt.tzinfo | None = None  # a named zone written in the text (its offset depends on the date)
    special: str | None = None  # 'epoch', 'late', 'early', 'now', 'today' …
    mask: int = 0
    julian: bool = False


@dataclass
class _State:
    fields: Fields
    date_order: str  # 'MDY', 'DMY' or 'YMD'
    text_month: bool = False
    two_digit_year: bool = False
    bc: bool = False
    meridian: str | None = None
    prefix: object = None  # ptype: the unit a preceding 'y', 'm', 'j', 't' … gave the next field


def _int(text: str) -> tuple[int, str]:
    """strtoint: optional sign and digits; the value and the rest. Values beyond int32 overflow."""
    j = 0
    if text[:1] in "+-" and text[:1]:
        j = 1
    k = j
    while k < len(text) and text[k].isdigit():
        k += 1
    if k == j:
        raise _fail()
    value = int(text[:k])
    if not -(2**31) <= value < 2**31:
        raise _fail(Failure.FIELD_OVERFLOW)
    return value, text[k:]


def _fraction_usecs(text: str) -> int:
    """ParseFractionalSecond: '.5' → 500000 µs (rounded half to even, as rint)."""
    try:
        return round(float(text) * 1_000_000) if text != "." else 0
    except ValueError:
        raise _fail() from None


def _number(flen: int, word: str, st: _State, fmask: int) -> int:
    """DecodeNumber: a lone number field as year, month, day (or a run-together time); returns its mask bits."""
    f = st.fields
    value, rest = _int(word)
    if rest.startswith("."):
        if len(word) - len(rest) > 2:  # 2001.360, 20011225.5: a run-together date or time
            return _number_field(word, st, fmask | DATE_MASK)
        f.usec = _fraction_usecs(rest)
    elif rest:
        raise _fail()
    if flen == 3 and fmask & DATE_MASK == YEAR and 1 <= value <= 366:  # day of the year
        f.day_of_year = value
        return DOY | MONTH | DAY
    have = fmask & DATE_MASK
    if have == 0:
        if flen >= 3 or st.date_order == "YMD":
            f.year, mask = value, YEAR
        elif st.date_order == "DMY":
            f.day, mask = value, DAY
        else:
            f.month, mask = value, MONTH
    elif have == YEAR:
        f.month, mask = value, MONTH
    elif have == MONTH:
        if st.text_month and (flen >= 3 or st.date_order == "YMD"):
            f.year, mask = value, YEAR
        else:
            f.day, mask = value, DAY
    elif have == YEAR | MONTH:
        if st.text_month and flen >= 3 and st.two_digit_year:  # DD-MON-YYYY: the first number was the day
            f.day, f.year, mask = f.year, value, DAY
            st.two_digit_year = False
        else:
            f.day, mask = value, DAY
    elif have == DAY:
        f.month, mask = value, MONTH
    elif have == MONTH | DAY:
        f.year, mask = value, YEAR
    elif have == DATE_MASK:
        return _number_field(word, st, fmask)
    else:
        raise _fail()
    if mask == YEAR:
        st.two_digit_year = flen <= 2
    return mask


def _number_field(word: str, st: _State, fmask: int) -> int:
    """DecodeNumberField: run-together digits, YYYYMMDD or [YY]MMDD, hhmmss or hhmm, with a fraction."""
    f = st.fields
    digits, dot, frac = word.partition(".")
    if dot:
        f.usec = _fraction_usecs("." + frac) if frac else 0
    elif fmask & DATE_MASK != DATE_MASK and len(digits) >= 6:
        f.day, f.month = int(digits[-2:]), int(digits[-4:-2])
        f.year = int(digits[:-4]) if digits[:-4].isdigit() else 0
        if len(digits) - 4 == 2:
            st.two_digit_year = True
        return DATE_MASK
    if fmask & TIME_MASK != TIME_MASK and digits.isdigit():
        if len(digits) == 6:
            f.hour, f.minute, f.second = int(digits[:2]), int(digits[2:4]), int(digits[4:])
            return TIME_MASK
        if len(digits) == 4:
            f.hour, f.minute, f.second = int(digits[:2]), int(digits[2:]), 0
            return TIME_MASK
    raise _fail()


def _date(word: str, st: _State, fmask: int) -> int:
    """DecodeDate: a field such as '2024-02-29', 'feb-29-2024', '29.02.2024': month names first, then numbers."""
    parts: list[str] = []
    i, n = 0, len(word)
    while i < n:
        while i < n and not (word[i].isascii() and word[i].isalnum()):
            i += 1
        if i == n:
            raise _fail()  # the text ends after a separator
        j = i
        test = str.isdigit if word[i].isdigit() else str.isalpha
        while j < n and test(word[j]):
            j += 1
        parts.append(word[i:j])
        i = j + 1 if j < n else j
    mask = 0
    numbers: list[str] = []
    for part in parts:
        if part[0].isalpha():
            kind, value = _special(part)
            if kind == IGNORE:
                continue
            if kind != MONTH_NAME or fmask & MONTH:
                raise _fail()
            st.fields.month = int(value)  # type: ignore[call-overload]
            st.text_month = True
            fmask |= MONTH
            mask |= MONTH
        else:
            numbers.append(part)
    for part in numbers:
        bits = _number(len(part), part, st, fmask)
        if fmask & bits:
            raise _fail()
        fmask |= bits
        mask |= bits
    if fmask & ~(DOY | ZONE) != DATE_MASK:
        raise _fail()
    return mask


def _time(word: str, f: Fields) -> int:
    """DecodeTime: 'hh:mm[:ss[.fff]]' (and 'mm:ss.fff')."""
    hour, rest = _int(word)
    if not rest.startswith(":"):
        raise _fail()
    minute, rest = _int(rest[1:])
    second, usec = 0, 0
    if rest.startswith("."):  # mm:ss.fff
        usec = _fraction_usecs(rest)
        hour, minute, second = 0, hour, minute
    elif rest.startswith(":"):
        second, rest = _int(rest[1:])
        if rest.startswith("."):
            usec = _fraction_usecs(rest)
        elif rest:
            raise _fail()
    elif rest:
        raise _fail()
    if hour < 0 or not 0 <= minute < 60 or not 0 <= second <= 60 or not 0 <= usec <= 1_000_000:
        raise _fail(Failure.FIELD_OVERFLOW)
    f.hour, f.minute, f.second, f.usec = hour, minute, second, usec
    return TIME_MASK


def zone_offset(word: str) -> int:
    """DecodeTimezone: '+05', '-0530', '+05:30:15' → seconds east of UTC; beyond ±15:59:59 is 22009."""
    if word[:1] not in ("+", "-") or not word[:1]:
        raise _fail()
    hours, rest = _int_zone(word[1:])
    minutes = seconds = 0
    if rest.startswith(":"):
        minutes, rest = _int_zone(rest[1:])
        if rest.startswith(":"):
            seconds, rest = _int_zone(rest[1:])
    elif not rest and len(word) > 3:  # run together: +0530
        hours, minutes = divmod(hours, 100)
    if not 0 <= hours <= MAX_ZONE_HOURS or not 0 <= minutes < 60 or not 0 <= seconds < 60:
        raise _fail(Failure.ZONE_OVERFLOW)
    if rest:
        raise _fail()
    total = (hours * 60 + minutes) * 60 + seconds
    return -total if word[0] == "-" else total


def _int_zone(text: str) -> tuple[int, str]:
    try:
        return _int(text)
    except DateTimeError as err:
        raise _fail(Failure.ZONE_OVERFLOW if err.failure is Failure.FIELD_OVERFLOW else err.failure) from None


def _time_overflows(f: Fields) -> bool:
    if not 0 <= f.hour <= 24 or not 0 <= f.minute < 60 or not 0 <= f.second <= 60 or not 0 <= f.usec <= 1_000_000:
        return True
    return ((f.hour * 60 + f.minute) * 60 + f.second) * 1_000_000 + f.usec > 86_400_000_000


def _validate_date(st: _State, fmask: int) -> None:
    """ValidateDate: years (BC, two-digit), the day of the year, month and day ranges."""
    f = st.fields
    if fmask & YEAR and not f.julian:
        if st.bc:
            if f.year <= 0:
                raise _fail(Failure.FIELD_OVERFLOW)
            f.year = -(f.year - 1)  # 1 BC is year 0
        elif st.two_digit_year:
            if f.year < 0:
                raise _fail(Failure.FIELD_OVERFLOW)
            f.year += 2000 if f.year < 70 else 1900 if f.year < 100 else 0
        elif f.year <= 0:
            raise _fail(Failure.FIELD_OVERFLOW)
    if fmask & DOY:
        f.year, f.month, f.day = from_julian(to_julian(f.year, 1, 1) + f.day_of_year - 1)
    if fmask & MONTH and not 1 <= f.month <= 12:
        raise _fail(Failure.MONTH_DAY_OVERFLOW)
    if fmask & DAY and not 1 <= f.day <= 31:
        raise _fail(Failure.MONTH_DAY_OVERFLOW)
    if fmask & DATE_MASK == DATE_MASK and f.day > days_in_month(f.year, f.month):
        raise _fail(Failure.FIELD_OVERFLOW)


def days_in_month(year: int, month: int) -> int:
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    return (31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)[month - 1]


def to_julian(year: int, month: int, day: int) -> int:
    """The Julian day number of a proleptic Gregorian date (year 0 is 1 BC)."""
    a = (14 - month) // 12
    y, m = year + 4800 - a, month + 12 * a - 3
    return day + (153 * m + 2) // 5 + 365 * y + y // 4 - y // 100 + y // 400 - 32045


def from_julian(jd: int) -> tuple[int, int, int]:
    a = jd + 32044
    b = (4 * a + 3) // 146097
    c = a - 146097 * b // 4
    d = (4 * c + 3) // 1461
    e = c - 1461 * d // 4
    m = (5 * e + 2) // 153
    return 100 * b + d - 4800 + m // 10, m + 3 - 12 * (m // 10), e - (153 * m + 2) // 5 + 1


_UNIT_FIELDS = {"year": YEAR, "month": MONTH, "day": DAY, "hour": HOUR, "minute": MINUTE, "second": SECOND}


def _prefixed(word: str, st: _State) -> int:
    """A number after a unit label ('y2001m02d04', 'J2451187', 't040506')."""
    f = st.fields
    unit, st.prefix = st.prefix, None
    if unit == "time":
        bits = _number_field(word, st, DATE_MASK)
        if bits != TIME_MASK:
            raise _fail()
        return bits
    value, rest = _int(word)
    if rest.startswith(".") and unit not in ("julian", "second"):
        raise _fail()
    if rest and not rest.startswith("."):
        raise _fail()
    if unit in _UNIT_FIELDS:  # year, month, day, hour, minute, second: the field and its mask bit
        setattr(f, unit, value)
        if unit == "second" and rest:
            f.usec = _fraction_usecs(rest)
        return _UNIT_FIELDS[unit]
    if unit == "julian":
        f.year, f.month, f.day = from_julian(value)
        f.julian = True
        if rest:
            usecs = round(float(rest) * 86_400_000_000)
            f.hour, usecs = divmod(usecs, 3_600_000_000)
            f.minute, usecs = divmod(usecs, 60_000_000)
            f.second, f.usec = divmod(usecs, 1_000_000)
            return DATE_MASK | TIME_MASK
        return DATE_MASK
    raise _fail()


def _word(index: int, kind_word: tuple[str, str], fields: list[tuple[str, str]], st: _State, fmask: int,
          time_only: bool) -> int:
    """A keyword field: special value, month or weekday name, AM/PM, BC, a zone abbreviation or name."""
    f = st.fields
    word = kind_word[1]
    kind, value = _special(word)
    if kind == IGNORE:
        return 0
    if kind == RESERV:
        if time_only:
            if value == "now":
                f.special = "now"
                return TIME_MASK
            if value == "zulu":
                f.hour = f.minute = f.second = f.usec = 0
                f.offset = 0
                return TIME_MASK | ZONE
            raise _fail()
        if value == "zulu":
            f.hour = f.minute = f.second = f.usec = 0
            f.offset = 0
            return TIME_MASK | ZONE
        f.special = str(value)
        if value in ("now", "today", "tomorrow", "yesterday"):  # the date is the transaction's: 2000-01-01 here,
            f.year, f.month, f.day = 2000, 1, 1  # as the caller knows the special word and computes it
            return DATE_MASK | TIME_MASK | ZONE if value == "now" else DATE_MASK
        return RESERVED
    if kind == MONTH_NAME and not time_only:
        bits = MONTH
        if fmask & MONTH and not st.text_month and not fmask & DAY and 1 <= f.month <= 31:
            f.day, bits = f.month, DAY  # '2 feb': the number read as a month was the day
        st.text_month = True
        f.month = int(value)  # type: ignore[call-overload]
        return bits
    if kind in (ZONE_ABBREV, DST_ABBREV):
        f.offset = int(value)  # type: ignore[call-overload]
        return ZONE
    if kind == DST_MODIFIER:
        if f.offset is None:
            raise _fail()
        f.offset += int(value)  # type: ignore[call-overload]
        return DTZMOD
    if kind == AMPM_WORD:
        st.meridian = str(value)
        return AMPM
    if kind == ADBC_WORD:
        st.bc = value == "bc"
        return ADBC
    if kind == DOW_NAME and not time_only:
        return DOW
    if kind == UNITS:
        st.prefix = value
        return 0
    if kind == ISOTIME:
        if not time_only and fmask & DATE_MASK != DATE_MASK:
            raise _fail()
        if index >= len(fields) - 1 or fields[index + 1][0] not in (NUMBER, TIME, DATE):
            raise _fail()
        st.prefix = value
        return 0
    if kind == "unknown":
        zone = named_zone(word)
        if zone is None:
            raise _fail()
        f.zone = zone
        return ZONE
    raise _fail()


def _zone_or_time_field(word: str, st: _State, fmask: int, zone_allowed: bool) -> int:
    """A date-like field once the date is known: a zone name ('america/new_york') or 'hhmmss-zz'."""
    if not zone_allowed:
        raise _fail()
    if word[0].isdigit() or st.prefix is not None:
        if st.prefix is not None:
            if st.prefix != "time":
                raise _fail()
            st.prefix = None
        if fmask & TIME_MASK == TIME_MASK:
            raise _fail()
        cut = word.find("-")
        if cut < 0:
            raise _fail()
        offset = zone_offset(word[cut:])
        bits = _number_field(word[:cut], st, fmask | DATE_MASK)
        st.fields.offset = offset
        return bits | ZONE
    zone = named_zone(word)
    if zone is None:
        raise PgError("22023", f'time zone "{word}" not recognized')
    st.fields.zone = zone
    return ZONE


def decode_date_time(text: str, date_order: str = "MDY") -> Fields:
    """DecodeDateTime over the fields of `text`: a date, maybe with a time and a zone, or a special value."""
    fields = split_fields(text)
    st = _State(Fields(), date_order)
    f = st.fields
    fmask = 0
    for index, (kind, word) in enumerate(fields):
        if kind == DATE:
            if st.prefix == "julian":
                st.prefix = None
                value, rest = _int(word)
                f.year, f.month, f.day = from_julian(value)
                f.julian = True
                f.offset = zone_offset(rest)
                bits = DATE_MASK | TIME_MASK | ZONE
            elif st.prefix is not None or fmask & (MONTH | DAY) == MONTH | DAY:
                bits = _zone_or_time_field(word, st, fmask, True)
            else:
                bits = _date(word, st, fmask)
        elif kind == TIME:
            if st.prefix is not None:
                if st.prefix != "time":
                    raise _fail()
                st.prefix = None
            bits = _time(word, f)
            if _time_overflows(f):
                raise _fail(Failure.FIELD_OVERFLOW)
        elif kind == TZ:
            f.offset = zone_offset(word)
            bits = ZONE
        elif kind == NUMBER:
            if st.prefix is not None:
                bits = _prefixed(word, st)
            else:
                flen = len(word)
                dot = word.find(".")
                if dot >= 0 and not fmask & DATE_MASK:
                    bits = _date(word, st, fmask)
                elif dot >= 0 and dot > 2:
                    bits = _number_field(word, st, fmask)
                elif flen >= 6 and (not fmask & DATE_MASK or not fmask & TIME_MASK):
                    bits = _number_field(word, st, fmask)
                else:
                    bits = _number(flen, word, st, fmask)
        else:
            bits = _word(index, (kind, word), fields, st, fmask, time_only=False)
        if bits & fmask:
            raise _fail()
        fmask |= bits
    _validate_date(st, fmask)
    _meridian(st)
    f.mask = fmask
    if f.special is None or f.special in ("today", "tomorrow", "yesterday", "now"):
        if f.special is None and fmask & DATE_MASK != DATE_MASK:
            raise _fail()
        if fmask & DTZMOD and not fmask & ZONE:
            raise _fail()
    return f


def _meridian(st: _State) -> None:
    f = st.fields
    if st.meridian is not None and f.hour > 12:
        raise _fail(Failure.FIELD_OVERFLOW)
    if st.meridian == "am" and f.hour == 12:
        f.hour = 0
    elif st.meridian == "pm" and f.hour != 12:
        f.hour += 12


def decode_time_only(text: str, date_order: str = "MDY") -> Fields:
    """DecodeTimeOnly over the fields of `text`: a time of day, maybe with a zone (and, in a few forms, a date)."""
    fields = split_fields(text)
    st = _State(Fields(), date_order)
    f = st.fields
    fmask = 0
    for index, (kind, word) in enumerate(fields):
        if kind == DATE:
            if index == 0 and len(fields) >= 2 and (fields[-1][0] == DATE or fields[1][0] == TIME):
                bits = _date(word, st, fmask)
            else:
                bits = _zone_or_time_field(word, st, fmask, True)
        elif kind == TIME:
            if st.prefix is not None:
                if st.prefix != "time":
                    raise _fail()
                st.prefix = None
            bits = _time(word, f)
        elif kind == TZ:
            f.offset = zone_offset(word)
            bits = ZONE
        elif kind == NUMBER:
            if st.prefix is not None:
                bits = _prefixed(word, st)
            else:
                dot = word.find(".")
                if dot >= 0:
                    if index == 0 and len(fields) >= 2 and fields[-1][0] == DATE:
                        bits = _date(word, st, fmask)
                    elif dot > 2:
                        bits = _number_field(word, st, fmask | DATE_MASK)
                    else:
                        raise _fail()
                elif len(word) > 4:
                    bits = _number_field(word, st, fmask | DATE_MASK)
                else:
                    bits = _number(len(word), word, st, fmask | DATE_MASK)
        else:
            bits = _word(index, (kind, word), fields, st, fmask, time_only=True)
        if bits & fmask:
            raise _fail()
        fmask |= bits
    _validate_date(st, fmask)
    _meridian(st)
    if _time_overflows(f):
        raise _fail(Failure.FIELD_OVERFLOW)
    if fmask & TIME_MASK != TIME_MASK:
        raise _fail()
    if f.zone is not None and fmask & DATE_MASK != DATE_MASK and not fixed_offset(f.zone):
        raise _fail()  # a zone with daylight-saving time needs a date to know its offset
    f.mask = fmask
    return f


@functools.lru_cache(maxsize=64)
def fixed_offset(zone: dt.tzinfo) -> bool:
    """pg_get_timezone_offset: whether the zone has always had one UTC offset (sampled twice a year)."""
    offsets = {zone.utcoffset(dt.datetime(year, month, 1)) for year in range(1850, 2040) for month in (1, 7)}
    return len(offsets) == 1


def _bad(kind: str, text: str) -> PgError:
    return PgError(INVALID_DATETIME_FORMAT, f'invalid input syntax for type {kind}: "{text}"')


def _decoded(decode: Callable[[str, str], Fields], text: str, kind: str, order: str) -> Fields:
    try:
        return decode(text, order)
    except DateTimeError as err:
        raise pg_error(err.failure, text, kind) from None


def _unsupported_special(fields: Fields, text: str, kind: str) -> None:
    """'infinity', 'now', 'today' …: PostgreSQL's values that have no Python value here (0A000; the SQL layer
    leaves such constants to DuckDB, which reads them)."""
    if fields.special not in (None, "epoch"):
        raise PgError(FEATURE_NOT_SUPPORTED, f'special {kind} value "{text.strip()}" is not supported')


# The Julian-day range PostgreSQL's dates and timestamps hold (IS_VALID_JULIAN, IS_VALID_DATE/TIMESTAMP)
_FIRST_JULIAN_DAY = 0  # 4714-11-24 BC
_LAST_DATE_JULIAN = 2_147_483_494 + 2_451_545 - 1  # 5874897-12-31
_LAST_TIMESTAMP_JULIAN = to_julian(294276, 12, 31)


def _day_number(fields: Fields, text: str, last_julian: int, kind: str) -> int:
    """The proleptic Gregorian ordinal (Python's date.toordinal) of the fields' date; 22008 beyond
    PostgreSQL's range, 0A000 beyond Python's (years 1 to 9999)."""
    if fields.special == "epoch":
        return dt.date(1970, 1, 1).toordinal()
    julian = to_julian(fields.year, fields.month, fields.day)
    if not _FIRST_JULIAN_DAY <= julian <= last_julian:
        raise PgError(DATETIME_FIELD_OVERFLOW, f'{kind} out of range: "{text}"')
    if not 1 <= fields.year <= 9999:
        raise PgError(FEATURE_NOT_SUPPORTED, f"{kind}s outside years 1-9999 are not supported")
    return dt.date(fields.year, fields.month, fields.day).toordinal()


def _order(day_first: bool) -> str:
    return "DMY" if day_first else "MDY"


def parse_date(text: str, day_first: bool = False) -> dt.date:
    """date_in: any DateStyle-ordered form PostgreSQL reads; a time or zone in the text is read and ignored."""
    fields = _decoded(decode_date_time, text, "date", _order(day_first))
    _unsupported_special(fields, text, "date")
    return dt.date.fromordinal(_day_number(fields, text, _LAST_DATE_JULIAN, "date"))


def _fields_usecs(fields: Fields) -> int:
    return ((fields.hour * 60 + fields.minute) * 60 + fields.second) * USECS_PER_SEC + fields.usec


def _time_of_day(fields: Fields, text: str, kind: str) -> dt.time:
    _unsupported_special(fields, text, kind)
    usecs = _fields_usecs(fields)
    if usecs == USECS_PER_DAY:  # 24:00:00, valid in PostgreSQL, has no Python time
        raise PgError(FEATURE_NOT_SUPPORTED, f'time "{text}" (24:00:00) is not supported')
    seconds, micro = divmod(usecs, USECS_PER_SEC)
    return dt.time(seconds // 3600, seconds // 60 % 60, seconds % 60, micro)


def parse_time(text: str) -> dt.time:
    """time_in: a zone or date in the text is read and ignored."""
    return _time_of_day(_decoded(decode_time_only, text, "time", "MDY"), text, "time")


def parse_timetz(text: str, tz: dt.tzinfo) -> dt.time:
    """timetz_in: the written zone, else the session zone's offset today (or on the date written)."""
    kind = "time with time zone"
    fields = _decoded(decode_time_only, text, kind, "MDY")
    value = _time_of_day(fields, text, kind)
    if fields.offset is not None:
        return value.replace(tzinfo=dt.timezone(dt.timedelta(seconds=fields.offset)))
    zone = fields.zone or tz
    written = fields.mask & DATE_MASK == DATE_MASK and 1 <= fields.year <= 9999
    day = dt.date(fields.year, fields.month, fields.day) if written else dt.datetime.now(zone).date()
    offset = dt.datetime.combine(day, value, tzinfo=zone).utcoffset() or dt.timedelta(0)
    return value.replace(tzinfo=dt.timezone(offset))


def _parse_datetime(text: str, kind: str, day_first: bool) -> tuple[dt.datetime, Fields]:
    fields = _decoded(decode_date_time, text, kind, _order(day_first))
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


def _infinite_usecs(value: PgInfinity) -> bytes:
    return struct.pack(">q", TIMESTAMP_NEG_INFINITY if value.negative else TIMESTAMP_INFINITY)


def encode_timestamp(value: Any) -> bytes:
    if isinstance(value, PgInfinity):
        return _infinite_usecs(value)
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
    if isinstance(value, PgInfinity):
        return _infinite_usecs(value)
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


DATE_INFINITY = 2**31 - 1
DATE_NEG_INFINITY = -(2**31)


def encode_date(value: Any) -> bytes:
    if isinstance(value, PgInfinity):
        return struct.pack(">i", DATE_NEG_INFINITY if value.negative else DATE_INFINITY)
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


_INFINITE_KINDS = ("date", "timestamp", "timestamptz")


def _checked(kind: str, types: tuple[type, ...], fn: Callable[[Any, FormatContext], str]) -> Callable[..., str]:
    def encode(value: Any, ctx: FormatContext) -> str:
        if isinstance(value, str):
            return value  # already text (e.g. a literal the SQL layer passed through)
        if isinstance(value, PgInfinity) and kind in _INFINITE_KINDS:
            return str(value)
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
