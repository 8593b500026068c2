"""The query options of a Sage 200 collection request, parsed and checked.

$top defaults to 500 and must be 0..5000; $skip needs $orderby (as the real API
demands); $count=true answers a bare integer. Field names are checked against the
resource later, when the table is known (see sage_sandbox.query).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sage_sandbox.errors import bad_request
from sage_sandbox.odata.filter_parser import FilterSyntaxError, Node, parse_filter

DEFAULT_TOP = 500
MAX_TOP = 5000
KNOWN_OPTIONS = frozenset(
    {"$filter", "$orderby", "$top", "$skip", "$select", "$expand", "$count", "$metadata"}
)


@dataclass(frozen=True)
class OrderKey:
    field: str
    descending: bool = False


@dataclass
class QueryOptions:
    filter_text: str | None = None
    filter: Node | None = None
    orderby: list[OrderKey] = field(default_factory=list)
    top: int = DEFAULT_TOP
    skip: int = 0
    select: list[str] | None = None
    expand: list[str] = field(default_factory=list)
    count: bool = False
    metadata: bool | None = None


def parse_options(params: Mapping[str, str]) -> QueryOptions:
    """Parse the OData options from the query string; 400 for malformed values."""
    options = QueryOptions()
    for name in params:
        if name.startswith("$") and name.lower() not in KNOWN_OPTIONS:
            raise bad_request(f"unknown query option '{name}'")
    lowered = {k.lower(): v for k, v in params.items()}
    if (text := lowered.get("$filter")) is not None:
        options.filter_text = text
        try:
            options.filter = parse_filter(text)
        except FilterSyntaxError as exc:
            raise bad_request(f"invalid $filter: {exc}", source="$filter") from None
    if (text := lowered.get("$orderby")) is not None:
        options.orderby = _parse_orderby(text)
    if (text := lowered.get("$top")) is not None:
        options.top = _parse_int("$top", text)
        if options.top > MAX_TOP:
            raise bad_request(f"$top must not exceed {MAX_TOP}", source="$top")
    if (text := lowered.get("$skip")) is not None:
        options.skip = _parse_int("$skip", text)
        if not options.orderby:
            raise bad_request("$skip requires $orderby", source="$skip")
    if (text := lowered.get("$select")) is not None:
        options.select = _parse_list("$select", text)
    if (text := lowered.get("$expand")) is not None:
        options.expand = _parse_list("$expand", text)
    if (text := lowered.get("$count")) is not None:
        options.count = _parse_bool("$count", text)
    if (text := lowered.get("$metadata")) is not None:
        options.metadata = _parse_bool("$metadata", text)
    return options


def _parse_int(name: str, text: str) -> int:
    stripped = text.strip()
    if not stripped.lstrip("-").isdigit():
        raise bad_request(f"{name} must be a whole number, got '{text}'", source=name)
    value = int(stripped)
    if value < 0:
        raise bad_request(f"{name} must not be negative", source=name)
    return value


def _parse_bool(name: str, text: str) -> bool:
    if text.strip().lower() in ("true", "false"):
        return text.strip().lower() == "true"
    raise bad_request(f"{name} must be true or false, got '{text}'", source=name)


def _parse_list(name: str, text: str) -> list[str]:
    items = [item.strip().replace("/", ".") for item in text.split(",")]
    if not items or any(not item for item in items):
        raise bad_request(f"{name} has an empty item: '{text}'", source=name)
    return items


def _parse_orderby(text: str) -> list[OrderKey]:
    keys: list[OrderKey] = []
    for item in text.split(","):
        words = item.split()
        if not words or len(words) > 2:
            raise bad_request(f"invalid $orderby item '{item.strip()}'", source="$orderby")
        direction = words[1].lower() if len(words) == 2 else "asc"
        if direction not in ("asc", "desc"):
            raise bad_request(f"$orderby direction must be asc or desc, got '{words[1]}'", source="$orderby")
        keys.append(OrderKey(words[0], direction == "desc"))
    return keys
