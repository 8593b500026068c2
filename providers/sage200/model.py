"""The Sage 200 data model: the 78 views (39 per edition) as TableSpecs, and the API resources.

Everything comes from datamodel.json, which scripts/generate_datamodel.py builds from the
CData spec and the API reference; nothing here is hand-maintained. Loading is cached: the
specs are immutable and shared by every connection.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from pgserver.provider import Column, TableSpec

DATAMODEL_PATH = Path(__file__).with_name("datamodel.json")

# Schema (the CData "Schema" connection property) -> API base path under https://api.columbus.sage.com
EDITIONS: dict[str, str] = {
    "StandardUK": "/uk/sage200/accounts/v1",
    "ProfessionalUK": "/uk/sage200extra/accounts/v1",
}

# The one resource written through this server (docs/decisions/0720-customer-writes-and-identity.md).
WRITABLE_RESOURCE = "/customers"

# How a column's value is read from one API JSON object (TableSpec.extra["source_kinds"]).
SOURCE_FIELD = "field"  # a top-level scalar: row[source]
SOURCE_NESTED = "nested"  # a subfield of a nested object: row["main_address"]["address_1"]
SOURCE_JSON = "json"  # a collection (array) rendered as JSON text


@dataclass(frozen=True)
class NestedDef:
    """A nested object's subfields: those the reference documents, plus the ones inferred."""

    fields: tuple[tuple[str, str], ...]  # (name, apitype)
    documented: bool  # the API reference (or Zynk) lists this object's fields
    inferred: tuple[str, ...]  # subfields named only by undoing CData's column names


@dataclass(frozen=True)
class ResourceDef:
    """One API collection resource (e.g. "/customers") and its response fields."""

    path: str
    view: str  # the CData view name served from it
    schema: str  # the API's schema name ("customer")
    fields: tuple[tuple[str, str], ...]  # (name, apitype): i64 i32 i16 d2 d4 d5 d6 d9 s dt b num obj arr<x>
    nested: dict[str, NestedDef]

    def field_type(self, name: str) -> str | None:
        return next((t for n, t in self.fields if n == name), None)


@cache
def load_model() -> dict[str, Any]:
    """The raw generated JSON (cached; treat as read-only)."""
    with DATAMODEL_PATH.open(encoding="utf-8") as fh:
        return json.load(fh)


def _table_spec(view: dict[str, Any]) -> TableSpec:
    columns = tuple(
        Column(
            name=c["name"],
            pg_type=c["pg_type"],
            description=c["description"],
            is_key=c["is_key"],
            nullable=not c["is_key"],
            references=c["references"],
            filterable=c["server_filterable"],
            source=c["source"],
        )
        for c in view["columns"]
    )
    by_source = {c["source"]: c["name"] for c in view["columns"] if c["source_kind"] == SOURCE_FIELD}
    default_sort = [(f, d) for f, d in view["default_sort"]]
    writes = None
    if view["resource"] == WRITABLE_RESOURCE:
        from providers.sage200.customer_fields import customer_write_spec, external_id_column

        columns += (external_id_column(),)  # read from and written to the truth table, not the API
        writes = customer_write_spec(columns)
    return TableSpec(
        schema=view["schema"],
        name=view["name"],
        columns=columns,
        description=view["description"],
        kind="view",
        default_sort=tuple(by_source[f] for f, _ in default_sort if f in by_source),
        extra={
            "resource": view["resource"],
            "default_sort": default_sort,
            "default_sort_origin": view["default_sort_origin"],
            "edition": view["schema"],
            "base_path": EDITIONS[view["schema"]],
            "source_kinds": {c["name"]: c["source_kind"] for c in view["columns"]}
            | ({"ExternalId": "truth_table"} if writes is not None else {}),
            "client_side_filters": tuple(view["client_side_filters"]),
        },
        writes=writes,
    )


@cache
def _views() -> tuple[TableSpec, ...]:
    return tuple(_table_spec(v) for v in load_model()["views"])


def load_views() -> list[TableSpec]:
    """All 78 views: StandardUK's 39 then ProfessionalUK's 39, in the spec's order."""
    return list(_views())


def views_for_schema(schema: str) -> list[TableSpec]:
    """The 39 views of one edition ("StandardUK" or "ProfessionalUK"), matched case-insensitively."""
    lowered = schema.lower()
    return [v for v in _views() if v.schema.lower() == lowered]


@cache
def _resources() -> dict[str, ResourceDef]:
    out: dict[str, ResourceDef] = {}
    for path, r in load_model()["resources"].items():
        nested = {
            name: NestedDef(
                fields=tuple((f, t) for f, t in n["fields"]),
                documented=n["documented"],
                inferred=tuple(n["inferred"]),
            )
            for name, n in r["nested"].items()
        }
        out[path] = ResourceDef(
            path=path,
            view=r["view"],
            schema=r["schema"],
            fields=tuple((f, t) for f, t in r["fields"]),
            nested=nested,
        )
    return out


def load_resources() -> dict[str, ResourceDef]:
    """API resource path ("/customers") -> its fields and nested objects' subfields."""
    return dict(_resources())
