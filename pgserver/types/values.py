"""What the codecs share: the session's output settings and the Python value of an interval.

Values are plain Python objects (int, float, Decimal, str, bool, bytes, date, time, datetime,
timedelta, PgInterval, UUID, lists for arrays, tuples for records); decision 0300 lists the
conventions (naive timestamptz is UTC, intervals with months are PgInterval …).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FormatContext:
    """Session settings that change how values look on the wire (the session owns one)."""

    date_style: str = "ISO, MDY"
    time_zone: str = "UTC"  # an IANA name (zoneinfo) or UTC
    extra_float_digits: int = 1  # > 0: shortest round-trip floats (PG 12+ default for drivers)
    bytea_output: str = "hex"  # or "escape"
    interval_style: str = "postgres"


@dataclass(frozen=True)
class PgInterval:
    """An interval with months, as PostgreSQL stores it (timedelta cannot hold months)."""

    months: int = 0
    days: int = 0
    microseconds: int = 0


@dataclass(frozen=True)
class PgInfinity:
    """'infinity' or '-infinity' of a date, timestamp or timestamptz (DuckDB holds them; Python's
    date and datetime cannot). Sent as PostgreSQL sends them: the word in text, the type's largest or
    smallest integer in binary (decision 0304)."""

    negative: bool = False

    def __str__(self) -> str:
        return "-infinity" if self.negative else "infinity"


INFINITY = PgInfinity(False)
NEG_INFINITY = PgInfinity(True)


DEFAULT_CONTEXT = FormatContext()
