"""PostgreSQL's to_char / to_date / to_timestamp template patterns, in Python.

sqlglot maps PostgreSQL templates onto strftime and loses AM/PM, Mon/Month, Day and the
FM modifier; clients' reports use those, so the functions run as DuckDB UDFs over this
module instead (registered in pgfunctions.py). Covered: date/time patterns (YYYY … US,
AM/PM, month and day names, Q, WW/IW, FM/TM, quoted text) and the basic numeric template
(9, 0, ., D, ,, G, S, MI, FM).
"""

from __future__ import annotations

import datetime as dt
import decimal
import re

from pgserver.errors import FEATURE_NOT_SUPPORTED, SYNTAX_ERROR, PgError

_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

# Longest first so "YYYY" wins over "YY", "HH24" over "HH", "MONTH" over "MON".
_DATE_TOKENS = ["HH24", "HH12", "HH", "MI", "SSSS", "SS", "MS", "US", "A.M.", "P.M.", "AM", "PM", "YYYY", "IYYY",
                "YYY", "YY", "Y", "MONTH", "MON", "MM", "DAY", "DDD", "DD", "DY", "D", "Q", "WW", "IW", "TZ", "OF", "J"]
_JULIAN_OFFSET = 1721425  # Julian day number of 0001-01-01 minus its proleptic Gregorian ordinal (1)


def _case(text: str, pattern: str) -> str:
    """Month/day names follow the pattern's case: MONTH → MARCH, Month → March, month → march."""
    if pattern.isupper():
        return text.upper()
    if pattern[0].isupper():
        return text
    return text.lower()


def _match_token(template: str, index: int) -> tuple[str, str] | None:
    """(canonical token, token as written) at template[index]."""
    for token in _DATE_TOKENS:
        written = template[index : index + len(token)]
        if written.upper() == token:
            return token, written
    return None


def format_datetime(value: dt.datetime | dt.date, template: str, zone_name: str | None = None) -> str:
    """to_char(timestamp/date, template); `zone_name` is what TZ/OF print for a timestamptz."""
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time())
    out: list[str] = []
    index = 0
    while index < len(template):
        char = template[index]
        if char == '"':
            end = template.find('"', index + 1)
            end = len(template) if end < 0 else end
            out.append(template[index + 1 : end])
            index = end + 1
            continue
        if char == "\\" and index + 1 < len(template):
            out.append(template[index + 1])
            index += 2
            continue
        fill = True
        while template[index : index + 2].upper() in {"FM", "TM"}:
            if template[index : index + 2].upper() == "FM":
                fill = False
            index += 2
        found = _match_token(template, index)
        if found is None:
            out.append(template[index] if index < len(template) else "")
            index += 1
            continue
        token, written = found
        field = _date_field(value, token, written, fill, zone_name)
        index += len(token)
        suffix = template[index : index + 2]
        if suffix in ("th", "TH") and field.strip().isdigit():  # DDth → 31st: the ordinal suffix
            field += _ordinal_suffix(int(field)) if suffix == "th" else _ordinal_suffix(int(field)).upper()
            index += 2
        out.append(field)
    return "".join(out)


def _ordinal_suffix(number: int) -> str:
    if number % 100 in (11, 12, 13):
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")


def _number(value: int, width: int, fill: bool) -> str:
    return str(value).zfill(width) if fill else str(value)


def _date_field(value: dt.datetime, token: str, written: str, fill: bool, zone_name: str | None = None) -> str:
    hour12 = value.hour % 12 or 12
    iso_year, iso_week, _ = value.isocalendar()
    simple = {
        "HH24": _number(value.hour, 2, fill), "HH12": _number(hour12, 2, fill), "HH": _number(hour12, 2, fill),
        "MI": _number(value.minute, 2, fill), "SS": _number(value.second, 2, fill),
        "SSSS": str(value.hour * 3600 + value.minute * 60 + value.second),
        "MS": _number(value.microsecond // 1000, 3, fill), "US": _number(value.microsecond, 6, fill),
        "YYYY": _number(value.year, 4, fill), "IYYY": _number(iso_year, 4, fill),
        "YYY": _number(value.year % 1000, 3, fill), "YY": _number(value.year % 100, 2, fill),
        "Y": str(value.year % 10), "MM": _number(value.month, 2, fill),
        "DDD": _number(value.timetuple().tm_yday, 3, fill), "DD": _number(value.day, 2, fill),
        "D": str(value.isoweekday() % 7 + 1), "Q": str((value.month - 1) // 3 + 1),
        "WW": _number((value.timetuple().tm_yday - 1) // 7 + 1, 2, fill), "IW": _number(iso_week, 2, fill),
        "J": str(value.toordinal() + _JULIAN_OFFSET),
        "TZ": (zone_name or "UTC") if value.tzinfo else "", "OF": (zone_name or "+00") if value.tzinfo else "",
    }
    if token in simple:
        return simple[token]
    if token in {"AM", "PM", "A.M.", "P.M."}:
        marker = ("AM" if value.hour < 12 else "PM") if "." not in token else ("A.M." if value.hour < 12 else "P.M.")
        return marker if written[0].isupper() else marker.lower()
    if token == "MONTH":
        name = _case(_MONTHS[value.month - 1], written)
        return name.ljust(9) if fill else name
    if token == "MON":
        return _case(_MONTHS[value.month - 1][:3], written)
    if token == "DAY":
        name = _case(_DAYS[value.weekday()], written)
        return name.ljust(9) if fill else name
    if token == "DY":
        return _case(_DAYS[value.weekday()][:3], written)
    return written


def parse_datetime(text: str, template: str) -> dt.datetime:
    """to_timestamp(text, template) / to_date: fields read in template order (ValueError if they do not fit)."""
    fields: dict[str, int] = {}
    pm: bool | None = None
    position = 0
    index = 0
    while index < len(template):
        while template[index : index + 2].upper() in {"FM", "TM"}:
            index += 2
        found = _match_token(template, index)
        if found is None:
            if template[index] == '"':
                end = template.find('"', index + 1)
                literal = template[index + 1 : end if end >= 0 else len(template)]
                position += len(literal)
                index = (end if end >= 0 else len(template)) + 1
                continue
            if position < len(text) and not text[position].isalnum():
                position += 1
            index += 1
            continue
        token, _ = found
        index += len(token)
        while position < len(text) and text[position] == " " and token not in {"MONTH", "DAY"}:
            position += 1
        if token in {"MONTH", "MON", "DAY", "DY"}:
            names = _MONTHS if token in {"MONTH", "MON"} else _DAYS
            match = re.match(r"[A-Za-z]+", text[position:])
            word = match.group(0) if match else ""
            position += len(word)
            if token in {"MONTH", "MON"}:
                candidates = [i for i, n in enumerate(names, 1) if n.lower().startswith(word.lower()[:3]) and word]
                if not candidates:
                    raise ValueError(f'invalid value "{word}" for "{token}"')
                fields["MM"] = candidates[0]
            continue
        if token in {"AM", "PM", "A.M.", "P.M."}:
            word = text[position : position + len(token)].upper()
            position += len(token)
            pm = word.startswith("P")
            continue
        width = {"YYYY": 4, "IYYY": 4, "YYY": 3, "YY": 2, "Y": 1, "MS": 3, "US": 6, "DDD": 3}.get(token, 2)
        adjacent = index < len(template) and _match_token(template, index) is not None  # YYYYMMDD: fixed widths
        digits = r"\d{1,6}" if token == "YYYY" and not adjacent else r"\d{1," + str(width) + "}"
        match = re.match(digits, text[position:])
        if match is None:
            raise ValueError(f'invalid value "{text[position:position + width]}" for "{token}"')
        fields[token] = int(match.group(0))
        position += len(match.group(0))
    year = fields.get("YYYY", fields.get("IYYY", 2000 + fields["YY"] if "YY" in fields else 1))
    hour = fields.get("HH24", fields.get("HH12", fields.get("HH", 0)))
    if pm is not None and "HH24" not in fields:
        hour = hour % 12 + (12 if pm else 0)
    micro = fields.get("US", fields.get("MS", 0) * 1000)
    return dt.datetime(year, fields.get("MM", 1), fields.get("DD", 1), hour, fields.get("MI", 0), fields.get("SS", 0),
                       micro)


_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
          (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))


def _roman(value: decimal.Decimal, fill: bool, lower: bool) -> str:
    """RN: the value rounded to an integer, in Roman numerals (1 to 3999, else 15 #), right-aligned in 15 places."""
    number = int(value.to_integral_value(rounding=decimal.ROUND_HALF_UP))
    if not 1 <= number <= 3999:
        return "#" * 15
    out = ""
    for amount, letters in _ROMAN:
        while number >= amount:
            out, number = out + letters, number - amount
    out = out.lower() if lower else out
    return out.rjust(15) if fill else out


def _scientific(value: decimal.Decimal, upper: str, fill: bool) -> str:
    """EEEE: a sign place, the mantissa with the pattern's fraction digits, e±NN — as PostgreSQL's numeric
    to_char writes it (the exponent is found first, so 9.99 with one fraction digit is 10.0e+00)."""
    if not fill or re.sub(r"EEEE", "", upper).strip("90.D"):
        raise PgError(SYNTAX_ERROR, '"EEEE" is incompatible with other formats',
                      detail='"EEEE" may only be used together with digit and decimal point patterns.')
    point = next((i for i, c in enumerate(upper) if c in ".D"), None)
    places = 0 if point is None else sum(c in "90" for c in upper[point + 1:])
    magnitude = abs(value)
    exponent = 0 if magnitude == 0 else magnitude.adjusted()
    mantissa = (magnitude.scaleb(-exponent)).quantize(decimal.Decimal(1).scaleb(-places), rounding=decimal.ROUND_HALF_UP)
    sign = "-" if value < 0 else " "
    return f"{sign}{mantissa:f}e{'-' if exponent < 0 else '+'}{abs(exponent):02d}"


def format_number(value: decimal.Decimal, template: str) -> str:
    """to_char(number, template) for the digit, sign, separator, EEEE and RN patterns; the others (PR, TH, V, L, SG,
    PL) are refused rather than printed wrongly."""
    fill = "FM" not in template.upper()
    pattern = re.sub(r"(?i)FM", "", template)
    upper = pattern.upper()
    if "RN" in upper:
        return _roman(value, fill, lower="rn" in pattern)
    if "EEEE" in upper:
        return _scientific(value, upper, fill)
    if unsupported := re.search(r"PR|TH|PL|SG|V|L", re.sub(r'"[^"]*"', "", upper)):
        raise PgError(FEATURE_NOT_SUPPORTED, f'the to_char pattern "{unsupported[0]}" is not supported here')
    point = next((i for i, c in enumerate(upper) if c in ".D"), len(upper))
    int_part, frac_part = upper[:point], upper[point + 1 :] if point < len(upper) else ""
    int_digits = sum(c in "90" for c in int_part)
    frac_digits = sum(c in "90" for c in frac_part)
    sign_token = "S" in upper or "MI" in upper
    negative = value < 0
    quantized = abs(value).quantize(decimal.Decimal(1).scaleb(-frac_digits), rounding=decimal.ROUND_HALF_UP)
    whole, _, fraction = f"{quantized:f}".partition(".")
    whole = whole.lstrip("0")
    if len(whole) > int_digits:
        body = "#" * int_digits + ("." + "#" * frac_digits if frac_digits else "")
        return (" " + body) if fill else body
    zero_from = next((i for i, c in enumerate(c for c in int_part if c in "90") if c == "0"), int_digits)
    digits = whole.rjust(int_digits, "\0")
    out: list[str] = []
    digit_index = 0
    started = False
    for char in int_part:
        if char in "90":
            d = digits[digit_index]
            if d == "\0" and digit_index >= zero_from:
                d = "0"
            if d != "\0":
                started = True
            out.append(d if d != "\0" else " ")
            digit_index += 1
        elif char in ",G":
            out.append("," if started else " ")
        elif char in "SM" or char == "I":
            continue
        else:
            out.append(char)
    text = "".join(out)
    if not whole and int_digits and "0" not in int_part and not frac_digits:
        text = text[:-1] + "0"
    if frac_digits or point < len(upper):
        frac_out = fraction.ljust(frac_digits, "0")[:frac_digits]
        if not fill:  # FM drops trailing zeros of 9 positions; 0 positions always print
            places = [c for c in frac_part if c in "90"]
            while frac_out and frac_out[-1] == "0" and places[len(frac_out) - 1] == "9":
                frac_out = frac_out[:-1]
        text += "." + frac_out
    sign = "-" if negative else ("+" if "S" in upper and not negative else " ")
    if sign_token and "S" not in upper and not negative:
        sign = " "
    stripped = text.lstrip(" ")
    text = " " * (len(text) - len(stripped)) + sign + stripped if fill else (sign.strip() + stripped)
    return text
