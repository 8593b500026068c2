"""The non-default output styles: DateStyle SQL/Postgres/German and IntervalStyle
sql_standard/iso_8601/postgres_verbose, as PostgreSQL's EncodeDateTime/EncodeInterval print them.

The session accepts `SET DateStyle`/`SET IntervalStyle`, so what it prints afterwards must be
what PostgreSQL prints (checked against a real PG 15 in tests/protocol). datetime.py converts
values to the session zone and prints the ISO forms; this module only lays out the other styles.
"""

from __future__ import annotations

import datetime as dt

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def parse_date_style(date_style: str) -> tuple[str, str]:
    """('ISO'|'SQL'|'Postgres'|'German', 'MDY'|'DMY'|'YMD') from a DateStyle value like 'SQL, DMY'."""
    output, order = "ISO", "MDY"
    for word in date_style.replace(",", " ").split():
        lowered = word.lower()
        if lowered in ("iso", "sql", "postgres", "german"):
            output = {"iso": "ISO", "sql": "SQL", "postgres": "Postgres", "german": "German"}[lowered]
            if lowered == "german" and "dmy" not in date_style.lower() and "ymd" not in date_style.lower():
                order = "DMY"  # German implies day-first unless an order is given
        elif lowered in ("mdy", "us", "noneuropean"):
            order = "MDY"
        elif lowered in ("dmy", "euro", "european"):
            order = "DMY"
        elif lowered == "ymd":
            order = "YMD"
    return output, order


def format_date(value: dt.date, date_style: str) -> str:
    output, order = parse_date_style(date_style)
    y, m, d = f"{value.year:04d}", f"{value.month:02d}", f"{value.day:02d}"
    if output == "SQL":
        return f"{d}/{m}/{y}" if order == "DMY" else f"{m}/{d}/{y}"
    if output == "German":
        return f"{d}.{m}.{y}"
    if output == "Postgres":
        return f"{d}-{m}-{y}" if order == "DMY" else f"{m}-{d}-{y}"
    return f"{y}-{m}-{d}"


def format_timestamp(value: dt.datetime, time_text: str, date_style: str, zone: str | None) -> str:
    """A local timestamp in the style (`time_text` is its time of day as PostgreSQL prints it);
    `zone` is appended for timestamptz."""
    output, order = parse_date_style(date_style)
    if output == "Postgres":
        day = _DAYS[value.weekday()]
        month = _MONTHS[value.month - 1]
        head = f"{day} {value.day:02d} {month}" if order == "DMY" else f"{day} {month} {value.day:02d}"
        text = f"{head} {time_text} {value.year:04d}"
    else:
        text = f"{format_date(value.date(), date_style)} {time_text}"
    return f"{text} {zone}" if zone is not None else text


def _split(months: int, days: int, usecs: int) -> tuple[int, int, int, int, int, int, int]:
    """interval2itm: year, mon, mday, hour, min, sec, fsec — each with C's truncating division."""
    year, mon = int(months / 12), months - int(months / 12) * 12
    hour = int(usecs / 3_600_000_000)
    usecs -= hour * 3_600_000_000
    minute = int(usecs / 60_000_000)
    usecs -= minute * 60_000_000
    sec = int(usecs / 1_000_000)
    return year, mon, days, hour, minute, sec, usecs - sec * 1_000_000


def _seconds(sec: int, fsec: int, fill: bool) -> str:
    text = f"{abs(sec):02d}" if fill else str(abs(sec))
    return text + (f".{abs(fsec):06d}".rstrip("0") if fsec else "")


def format_interval(months: int, days: int, usecs: int, style: str) -> str:
    """An interval in IntervalStyle sql_standard, iso_8601 or postgres_verbose (not 'postgres')."""
    fields = _split(months, days, usecs)
    style = style.lower()
    if style == "sql_standard":
        return _sql_standard(*fields)
    if style == "iso_8601":
        return _iso_8601(*fields)
    if style == "postgres_verbose":
        return _verbose(*fields)
    raise ValueError(f"not an interval style of this module: {style}")


def _sql_standard(year: int, mon: int, mday: int, hour: int, minute: int, sec: int, fsec: int) -> str:
    parts = (year, mon, mday, hour, minute, sec, fsec)
    has_negative = any(p < 0 for p in parts)
    has_positive = any(p > 0 for p in parts)
    has_year_month = year != 0 or mon != 0
    has_day_time = any(p != 0 for p in parts[2:])
    standard = not (has_negative and has_positive) and not (has_year_month and has_day_time)
    prefix = ""
    if has_negative and standard:
        prefix = "-"
        year, mon, mday, hour, minute, sec, fsec = (-p for p in parts)
    if not has_negative and not has_positive:
        return "0"
    if not standard:
        year_sign = "-" if year < 0 or mon < 0 else "+"
        day_sign = "-" if mday < 0 else "+"
        sec_sign = "-" if hour < 0 or minute < 0 or sec < 0 or fsec < 0 else "+"
        return (f"{year_sign}{abs(year)}-{abs(mon)} {day_sign}{abs(mday)} "
                f"{sec_sign}{abs(hour)}:{abs(minute):02d}:{_seconds(sec, fsec, True)}")
    if has_year_month:
        return f"{prefix}{year}-{mon}"
    clock = f"{hour}:{minute:02d}:{_seconds(sec, fsec, True)}"
    return f"{prefix}{mday} {clock}" if mday != 0 else f"{prefix}{clock}"


def _iso_8601(year: int, mon: int, mday: int, hour: int, minute: int, sec: int, fsec: int) -> str:
    if not any((year, mon, mday, hour, minute, sec, fsec)):
        return "PT0S"
    out = "P" + "".join(f"{v}{u}" for v, u in ((year, "Y"), (mon, "M"), (mday, "D")) if v)
    if hour or minute or sec or fsec:
        out += "T"
    out += "".join(f"{v}{u}" for v, u in ((hour, "H"), (minute, "M")) if v)
    if sec or fsec:
        out += ("-" if sec < 0 or fsec < 0 else "") + _seconds(sec, fsec, False) + "S"
    return out


def _verbose(year: int, mon: int, mday: int, hour: int, minute: int, sec: int, fsec: int) -> str:
    out = "@"
    is_zero, is_before = True, False
    for value, unit in ((year, "year"), (mon, "mon"), (mday, "day"), (hour, "hour"), (minute, "min")):
        if value == 0:
            continue
        if is_zero:
            is_before = value < 0
            value = abs(value)
        elif is_before:
            value = -value
        out += f" {value} {unit}{'' if value == 1 else 's'}"
        is_zero = False
    if sec or fsec:
        out += " "
        if sec < 0 or (sec == 0 and fsec < 0):
            if is_zero:
                is_before = True
            elif not is_before:
                out += "-"
        elif is_before:
            out += "-"
        out += _seconds(sec, fsec, False) + f" sec{'s' if abs(sec) != 1 or fsec != 0 else ''}"
        is_zero = False
    if is_zero:
        out += " 0"
    if is_before:
        out += " ago"
    return out
