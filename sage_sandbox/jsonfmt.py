"""How the API writes values: timestamps `YYYY-MM-DDTHH:MM:SS[.f]Z`, decimals as numbers.

The fraction of a second keeps only its significant digits (`…57.6Z`, `…45.96Z`) and is
left out when zero, as captured real responses show; date-only business fields are
stored as midnight and so come out as `…T00:00:00Z`.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any


def format_timestamp(value: dt.datetime) -> str:
    text = value.strftime("%Y-%m-%dT%H:%M:%S")
    if value.microsecond:
        text += "." + f"{value.microsecond:06d}".rstrip("0")
    return text + "Z"


def parse_timestamp(text: str) -> dt.datetime:
    """Parse a timestamp in the API's format (or a plain ISO date) to naive UTC."""
    cleaned = text.strip()
    if cleaned.endswith("Z"):
        cleaned = cleaned[:-1] + "+00:00"
    value = dt.datetime.fromisoformat(cleaned)
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def _default(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return format_timestamp(value)
    raise TypeError(f"cannot encode {type(value).__name__}")


def dumps(payload: Any) -> bytes:
    """Encode a response body (UTF-8, no ASCII escaping: '£' stays '£')."""
    return json.dumps(payload, default=_default, ensure_ascii=False, separators=(",", ":")).encode()
