"""Date/time text input by PostgreSQL's rules (datetime.c): the text is cut into fields
(`split_fields`, as ParseDateTime does: punctuation other than the date/time separators only
delimits), the fields are classified into year, month, day, hours … (`decode_date_time` for
date/timestamp input, `decode_time_only` for time input), and the failure's kind decides the
SQLSTATE as DateTimeParseError does:

- bad format → 22007 `invalid input syntax for type T: "…"`;
- a field out of range → 22008 `date/time field value out of range: "…"` (with the DateStyle hint
  when a month or day is out of range: the order of the fields may be the user's mistake);
- a numeric zone beyond ±15:59:59 → 22009 `time zone displacement out of range: "…"`.

Our own Python, written from the algorithm's description: the result is a `Fields` record; turning
it into a Python value (and what Python cannot hold) is pgserver.types.datetime's job.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import zoneinfo
from dataclasses import dataclass, field

from pgserver.errors import PgError

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
    from pgserver.types.datetime import resolve_time_zone  # POSIX forms such as 'GMT+8' (hours west)

    try:
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
    extra: dict[str, object] = field(default_factory=dict)


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


def _fraction(text: str) -> int:
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
        f.usec = _fraction(rest)
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
        f.usec = _fraction("." + frac) if frac else 0
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
        usec = _fraction(rest)
        hour, minute, second = 0, hour, minute
    elif rest.startswith(":"):
        second, rest = _int(rest[1:])
        if rest.startswith("."):
            usec = _fraction(rest)
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
    if unit == "year":
        f.year = value
        return YEAR
    if unit == "month":
        f.month = value
        return MONTH
    if unit == "day":
        f.day = value
        return DAY
    if unit == "hour":
        f.hour = value
        return HOUR
    if unit == "minute":
        f.minute = value
        return MINUTE
    if unit == "second":
        f.second = value
        if rest:
            f.usec = _fraction(rest)
        return SECOND
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
