"""The API's resources and their fields (sage_sandbox/data/resources.json).

resources.json is the sandbox's own copy of the response fields per resource (from the
API reference, Appendix A, via the project's data model). Scalar fields become table
columns; `obj`/`arr` fields are the expandable ones. The Standard edition serves the
same records without analysis codes 6..20 where the Standard schema lacks them
(docs/decisions/0205-sandbox-editions.md).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

RESOURCES_PATH = Path(__file__).with_name("resources.json")
STANDARD = "StandardUK"
PROFESSIONAL = "ProfessionalUK"
_HIGH_ANALYSIS = re.compile(r"^(.*)analysis_code_([6-9]|1[0-9]|20)$")
# Where the Standard edition has analysis codes 1..5 only (the CData StandardUK schema): the field
# prefixes whose analysis_code_6..20 it lacks. Other resources carry 1..20 in both editions.
STANDARD_HIDDEN: dict[str, tuple[str, ...]] = {
    "customers": ("",), "suppliers": ("",), "pop_orders": ("",), "product_transaction_views": ("",),
    "sop_order_line_views": ("sop_order_line_",), "pop_order_line_views": ("pop_order_line_",),
    "sop_proforma_line_views": ("sop_proforma_line_",),
    "sop_quote_line_views": ("sop_quote_", "sop_quote_line_"),
}


@dataclass(frozen=True)
class ResourceSchema:
    name: str  # "customers"
    view: str  # the CData view it backs ("Customers")
    scalars: dict[str, str]  # field -> api type, in the API's order
    expandable: dict[str, str]  # field -> "obj" or "arr"
    nested: dict[str, tuple[tuple[str, str], ...]]  # documented/inferred subfields of objects
    declared: dict[str, str]  # field path -> the PostgreSQL type of the view column reading it

    def fields_for(self, edition: str) -> list[str]:
        if edition == PROFESSIONAL:
            return list(self.scalars)
        hidden = STANDARD_HIDDEN.get(self.name, ())
        return [f for f in self.scalars
                if not ((m := _HIGH_ANALYSIS.match(f)) and m.group(1) in hidden)]


@cache
def load_schemas() -> dict[str, ResourceSchema]:
    raw = json.loads(RESOURCES_PATH.read_text(encoding="utf-8"))
    out: dict[str, ResourceSchema] = {}
    for name, spec in raw.items():
        scalars: dict[str, str] = {}
        expandable: dict[str, str] = {}
        for field_name, api_type in spec["fields"]:
            if api_type == "obj" or api_type.startswith("arr"):
                expandable[field_name] = "obj" if api_type == "obj" else "arr"
            else:
                scalars[field_name] = api_type
        nested = {k: tuple((f, t) for f, t in v) for k, v in spec["nested"].items()}
        out[name] = ResourceSchema(name, spec["view"], scalars, expandable, nested, dict(spec["declared"]))
    return out


def resource_names() -> list[str]:
    return list(load_schemas())
