#!/usr/bin/env python3
"""Generate providers/sage200/datamodel.json from the CData spec and the API reference.

Inputs (read-only, under /work/shared or --shared):
  seeds/cdata-sage200-data-model.txt   the contract: 39 views x 2 editions, their columns
  reference/sage200-api.md             Appendix A: API resource path + fields per view
  seeds/zynk-sage200-online-customer-xml.txt   documented string lengths of customer fields

The output is deterministic (same inputs -> same bytes) and committed, so reviewers can
diff it. Decisions are recorded in docs/decisions/0100-0104.
It also writes the sandbox's copy of the resources (sage_sandbox/data/resources.json).
Usage: python scripts/generate_datamodel.py [--shared DIR] [--out FILE] [--check]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from providers.sage200.types_map import pg_type  # noqa: E402

DEFAULT_SHARED = Path("/work/shared")
DEFAULT_OUT = ROOT / "providers" / "sage200" / "datamodel.json"
SANDBOX_RESOURCES = ROOT / "sage_sandbox" / "data" / "resources.json"  # the sandbox's copy, with declared types
EDITIONS = {"StandardUK": "/uk/sage200/accounts/v1", "ProfessionalUK": "/uk/sage200extra/accounts/v1"}
TABLE_HEADER = "| Name | Type | References | Description |"
SPEC_TYPES = {"long", "int", "short", "decimal", "bool", "boolean", "date", "datetime", "string"}

# CData drops or rewrites these API prefixes in column names (sop_order_id -> SalesOrderId,
# sop_order_line_id -> LineId, pop_delivery_addr_city -> DeliveryAddrCity, ...).
PREFIX_ALIASES: tuple[tuple[str, str], ...] = (
    ("sop_order_", ""),
    ("sop_order_", "sales_order_"),
    ("pop_order_", ""),
    ("pop_order_", "purchase_order_"),
    ("sop_proforma_", "sales_order_proforma_"),
    ("sop_quote_", "sales_order_quote_"),
    ("sop_", ""),
    ("pop_", ""),
    ("financial_report_", ""),
)

# Columns whose API field is not derivable by the naming rules (decision 0101).
SOURCE_OVERRIDES: dict[tuple[str, str], str] = {
    ("CustomerSalesOrderInvoiceCreditLine", "InvoiceCreditLineDate"): "sop_invoice_credit_line_invoice_credit_date",
}

# Nested objects whose subfields the API reference documents (section 4) or Zynk's
# customer XML shows (address_country_code / country_code export example).
DOCUMENTED_NESTED: dict[tuple[str, str], list[tuple[str, str]]] = {
    ("/customers", "main_address"): [
        ("id", "i64"), ("customer_id", "i64"), ("address_1", "s"), ("address_2", "s"),
        ("address_3", "s"), ("address_4", "s"), ("city", "s"), ("county", "s"), ("postcode", "s"),
        ("country", "s"), ("contact_name", "s"), ("address_country_code_id", "i64"),
        ("address_country_code", "obj"), ("date_time_created", "dt"), ("date_time_updated", "dt"),
    ],
    ("/company_details", "address"): [
        ("id", "i64"), ("address_1", "s"), ("address_2", "s"), ("address_3", "s"), ("address_4", "s"),
        ("city", "s"), ("county", "s"), ("postcode", "s"), ("country", "s"),
        ("date_time_created", "dt"), ("date_time_updated", "dt"),
    ],
    ("/customers", "country_code"): [
        ("id", "i64"), ("name", "s"), ("code", "s"), ("eu_member", "b"), ("date_time_updated", "dt"),
    ],
}

# The API reference's section 3 list of default orders, used where the spec states none.
API_DEFAULT_SORTS: dict[str, list[tuple[str, str]]] = {
    "/customer_views": [("id", "asc")],
    "/sop_order_line_views": [("sop_order_id", "desc"), ("sop_order_line_id", "desc")],
    "/pop_order_line_views": [("pop_order_id", "desc"), ("pop_order_line_id", "desc")],
    "/sop_quote_line_views": [("sop_quote_id", "desc"), ("sop_quote_line_id", "desc")],
    "/sop_proforma_line_views": [("sop_proforma_id", "desc"), ("sop_proforma_line_id", "desc")],
    "/customer_sop_invoice_credit_line_views": [("sop_invoice_credit_id", "desc"), ("sop_invoice_credit_line_id", "desc")],
    "/product_transaction_views": [("id", "desc")],
    "/product_price_views": [("product_code", "asc")],
    "/sales_transaction_views": [("posted_customer_transaction_id", "asc")],
    "/financial_report_layout_views": [("financial_report_layout_id", "asc"), ("financial_report_row_report_row", "asc")],
    "/financial_year_period_views": [("financial_year_start_date", "asc"), ("period_number", "asc")],
}

SPEC_TO_API_TYPE = {
    "long": "i64", "int": "i32", "short": "i16", "bool": "b", "boolean": "b",
    "date": "dt", "datetime": "dt", "string": "s", "decimal": "num",
}


# ---------------------------------------------------------------------------
# Parsing the CData spec
# ---------------------------------------------------------------------------


@dataclass
class SpecColumn:
    name: str
    spec_type: str
    is_key: bool
    references: str | None
    description: str
    name_restored: bool = False


@dataclass
class SpecView:
    schema: str
    name: str
    description: str
    client_side: list[str]
    filter_statement: str | None
    sort_text: list[tuple[str, str]] | None
    columns: list[SpecColumn] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)  # the "processed server side" example queries, verbatim


def _cells(row: str) -> list[str]:
    return [c.strip() for c in row.strip().removeprefix("|").removesuffix("|").split("|")]


def parse_row(row: str) -> SpecColumn:
    """One column row; handles the wrapped References and the email-obfuscated name."""
    if "\n" in row:  # "| CurrencyId | Long |\nCurrencies.Id | Currency record Id. |"
        head, tail = row.split("\n", 1)
        name, spec_type = _cells(head)[:2]
        references, description = _cells(tail)[:2]
    else:
        cells = _cells(row)
        if cells[0].lower() in SPEC_TYPES:  # "| String | Email address. | ||": name removed
            name, spec_type, references, description = "", cells[0], None, cells[1]
        else:
            name, spec_type = cells[0], cells[1]
            references, description = None, cells[2]
            if len(cells) >= 4 and cells[3]:
                references, description = cells[2], cells[3]
    is_key = name.endswith("[KEY]")
    name = name.removesuffix("[KEY]").strip()
    return SpecColumn(name, spec_type, is_key, references or None, description)


def _summary_tables(lines: list[str]) -> list[list[tuple[str, str]]]:
    """The per-edition "| Name | Description |" view lists (first row BankPostedTransactions)."""
    tables = []
    for i, line in enumerate(lines):
        if line == "| Name | Description |" and lines[i + 1].startswith("| BankPostedTransactions |"):
            rows, j = [], i + 1
            while lines[j].startswith("|"):
                cells = _cells(lines[j])
                rows.append((cells[0], cells[1]))
                j += 1
            tables.append(rows)
    return tables


_SORT_RE = re.compile(r"default sort \(orderby\) fields? (?:are|is) by (.+?) (ascending|descending)")
_EXCEPT_RE = re.compile(r"All filters are processed server side except: (.+?) columns\.")


def parse_spec(text: str) -> list[SpecView]:
    lines = text.split("\n")
    summaries = _summary_tables(lines)
    if len(summaries) != 2:
        raise SystemExit(f"expected 2 view lists (StandardUK, ProfessionalUK), found {len(summaries)}")
    names = [("StandardUK", n, d) for n, d in summaries[0]] + [("ProfessionalUK", n, d) for n, d in summaries[1]]
    headers = [i for i, line in enumerate(lines) if line == TABLE_HEADER]
    if len(headers) != len(names):
        raise SystemExit(f"{len(headers)} column tables for {len(names)} views")
    views: list[SpecView] = []
    prev_end = 0
    for (schema, name, description), h in zip(names, headers, strict=True):
        preamble = [p for p in lines[prev_end:h] if not p.startswith("|")]  # not the view lists
        rows: list[str] = []
        i = h + 1
        while i < len(lines):
            line = lines[i]
            if line.startswith("|"):
                rows.append(line)
            elif rows and re.match(r"^[A-Za-z]+\.[A-Za-z]+ \|", line):
                rows[-1] += "\n" + line  # a References value wrapped onto the next line
            else:
                break
            i += 1
        prev_end = i
        text_block = "\n".join(preamble)
        for example in re.findall(r"SELECT \* FROM (\w+) WHERE", text_block):
            # The examples name the view (some as the API's "...Views" resource name).
            if example.removesuffix("Views").rstrip("s") != name.rstrip("s"):
                raise SystemExit(f"view order mismatch: {name} block has examples for {example}")
        statement = next((p for p in preamble if p.startswith("The driver uses")), None)
        match = _EXCEPT_RE.search(statement or "")
        client_side = [c.strip() for c in match.group(1).split(",")] if match else []
        sort = _SORT_RE.search(description) or _SORT_RE.search(text_block)
        sort_text = None
        if sort:
            direction = "asc" if sort.group(2) == "ascending" else "desc"
            sort_text = [(f, direction) for f in re.findall(r"'([a-z_0-9]+)'", sort.group(1))]
        view = SpecView(schema, name, description, client_side, statement, sort_text)
        view.columns = [parse_row(r) for r in rows]
        view.examples = [e.strip() for e in re.findall(r"SELECT \* FROM \w+ WHERE .+?(?= SELECT \* FROM |$)", text_block,
                                                       flags=re.MULTILINE)]
        views.append(view)
    return views


# ---------------------------------------------------------------------------
# Parsing Appendix A and the Zynk lengths
# ---------------------------------------------------------------------------


@dataclass
class Resource:
    view: str
    path: str
    schema: str
    fields: list[tuple[str, str]]  # (name, apitype) with arr<x> kept as "arr" / "arr<x>"

    def field_type(self, name: str) -> str | None:
        return next((t for n, t in self.fields if n == name), None)


_APPENDIX_RE = re.compile(r"^- \*\*(\w+)\*\* → `GET (/\w+)` \(schema `(\w+)`, (\d+) props\): (.*)$")


def parse_appendix(text: str) -> dict[str, Resource]:
    resources: dict[str, Resource] = {}
    appendix = text.split("## Appendix A", 1)[1]
    for line in appendix.split("\n"):
        m = _APPENDIX_RE.match(line)
        if not m:
            continue
        view, path, schema, count, body = m.groups()
        fields: list[tuple[str, str]] = []
        for item in body.split(", "):
            fname, ftype = item.strip().split(":", 1)
            series = re.match(r"^(\w+?)_(\d+)\.\.(\d+)$", fname)
            if series:
                base, lo, hi = series.group(1), int(series.group(2)), int(series.group(3))
                fields.extend((f"{base}_{k}", ftype) for k in range(lo, hi + 1))
            else:
                fields.append((fname, ftype))
        if len(fields) != int(count):
            raise SystemExit(f"{view}: Appendix A says {count} props, parsed {len(fields)}")
        resources[view] = Resource(view, path, schema, fields)
    return resources


def parse_zynk_lengths(text: str) -> dict[str, int]:
    """Customer field -> documented string length, nested ones as "main_address.city"."""
    lengths: dict[str, int] = {}
    parent = ""
    current = ""
    for line in text.split("\n"):
        if line.startswith("### "):
            current = line[4:].split()[0]
            parent = current
        elif line.startswith("#### "):
            current = f"{parent}.{line[5:].split()[0]}"
        else:
            m = re.match(r"^\| string\((\d+)\) \|", line)
            if m and current:
                lengths[current] = int(m.group(1))
    return lengths


# ---------------------------------------------------------------------------
# Mapping columns to API sources
# ---------------------------------------------------------------------------


def words(name: str) -> list[str]:
    """PascalCase / snake_case name -> lowercase words ("BankIBAN" -> bank, iban; "Address1" -> address, 1)."""
    out: list[str] = []
    for part in name.split("_"):
        out.extend(w.lower() for w in re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+", part))
    return out


def norm(name: str) -> str:
    return "".join(words(name))


def pascal(snake: str) -> str:
    return "".join(w.capitalize() for w in snake.split("_"))


@dataclass
class Mapping:
    source: str
    kind: str  # "field" (top-level scalar), "nested" (object subfield), "json" (collection as JSON text)
    api_type: str | None
    inferred: bool = False  # a nested subfield not listed in the API reference


class Mapper:
    """Undo CData's naming against one resource's Appendix A fields."""

    def __init__(self, resource: Resource) -> None:
        self.resource = resource
        self.exact: dict[str, str] = {}
        self.alias: dict[str, set[str]] = {}
        for fname, _ in resource.fields:
            self.exact[norm(fname)] = fname
            for prefix, replacement in PREFIX_ALIASES:
                if fname.startswith(prefix):
                    self.alias.setdefault(norm(replacement + fname[len(prefix):]), set()).add(fname)
        self.objects = [f for f, t in resource.fields if t == "obj"]

    def _top(self, fname: str) -> Mapping:
        ftype = self.resource.field_type(fname) or ""
        if ftype.startswith("arr"):
            return Mapping(fname, "json", ftype)
        if ftype == "obj":
            raise LookupError(f"{fname} is an object; a scalar column cannot be read from it")
        return Mapping(fname, "field", ftype)

    def map(self, view: str, column: SpecColumn) -> Mapping:
        override = SOURCE_OVERRIDES.get((view, column.name))
        if override:
            return self._top(override)
        key = norm(column.name)
        if key in self.exact and self.resource.field_type(self.exact[key]) != "obj":
            return self._top(self.exact[key])
        aliased = self.alias.get(key, set())
        if len(aliased) > 1:
            raise LookupError(f"ambiguous: {sorted(aliased)}")
        if aliased:
            return self._top(next(iter(aliased)))
        return self._nested(column)

    def _nested(self, column: SpecColumn) -> Mapping:
        col_words = words(column.name)
        best: str | None = None
        for obj in self.objects:
            ow = obj.split("_")
            if col_words[: len(ow)] == ow and (best is None or len(ow) > len(best.split("_"))):
                best = obj
        if best is None:
            raise LookupError("no API field or nested object matches")
        ow = best.split("_")
        rest = col_words[len(ow):]
        documented = DOCUMENTED_NESTED.get((self.resource.path, best))
        candidates: list[str] = []
        if not rest:
            candidates.append(ow[-1])  # CountryCode <- country_code.code
        elif rest[0].isdigit():
            candidates.append(f"{ow[-1]}_{'_'.join(rest)}")  # MainAddress_1 <- main_address.address_1
        else:
            candidates.append("_".join(rest))  # MainAddressCity <- main_address.city
            candidates.append(f"{'_'.join(rest)}_name")  # MainAddressContact <- main_address.contact_name
        if documented is not None:
            names = dict(documented)
            for cand in candidates:
                if cand in names:
                    return Mapping(f"{best}.{cand}", "nested", names[cand])
        sub = candidates[0]
        return Mapping(f"{best}.{sub}", "nested", None, inferred=True)


def restore_name(view: SpecView, index: int, other: SpecView | None, resource: Resource,
                 mapped: set[str]) -> str:
    """A column name removed by email obfuscation: the other edition's name, else the email field."""
    if other is not None and index < len(other.columns) and other.columns[index].name:
        return other.columns[index].name
    candidates = [f for f, t in resource.fields if "email" in f and t == "s" and f not in mapped]
    if len(candidates) != 1:
        raise SystemExit(f"{view.schema}.{view.name}: cannot restore column {index + 1} name ({candidates})")
    return pascal(candidates[0])


# ---------------------------------------------------------------------------
# Building the model
# ---------------------------------------------------------------------------


def build(shared: Path) -> tuple[dict[str, Any], list[str]]:
    spec = parse_spec((shared / "seeds" / "cdata-sage200-data-model.txt").read_text())
    resources = parse_appendix((shared / "reference" / "sage200-api.md").read_text())
    lengths = parse_zynk_lengths((shared / "seeds" / "zynk-sage200-online-customer-xml.txt").read_text())
    problems: list[str] = []
    by_key = {(v.schema, v.name): v for v in spec}
    nested_seen: dict[str, dict[str, dict[str, Any]]] = {}
    out_views = []
    for view in spec:
        resource = resources.get(view.name)
        if resource is None:
            raise SystemExit(f"no API resource for view {view.name}")
        mapper = Mapper(resource)
        other_schema = "ProfessionalUK" if view.schema == "StandardUK" else "StandardUK"
        other = by_key.get((other_schema, view.name))
        mapped_fields: set[str] = set()
        columns = []
        for index, col in enumerate(view.columns):
            if not col.name:
                col.name = restore_name(view, index, other, resource, mapped_fields)
                col.name_restored = True
            try:
                m = mapper.map(view.name, col)
            except LookupError as exc:
                problems.append(f"{view.schema}.{view.name}.{col.name}: {exc}")
                m = Mapping("", "unmapped", None)
            mapped_fields.add(m.source)
            length = lengths.get(m.source) if resource.path == "/customers" else None
            api_type = m.api_type if m.kind != "json" else None
            if m.kind == "nested":
                obj, sub = m.source.split(".", 1)
                entry = nested_seen.setdefault(resource.path, {}).setdefault(
                    obj, {"documented": (resource.path, obj) in DOCUMENTED_NESTED, "fields": {}})
                entry["fields"].setdefault(sub, m.api_type or SPEC_TO_API_TYPE[col.spec_type.lower()])
            client_side = col.name in view.client_side
            columns.append({
                "name": col.name,
                "spec_type": col.spec_type,
                "pg_type": pg_type(col.spec_type, api_type, length),
                "is_key": col.is_key,
                "references": col.references,
                "description": col.description,
                # A nested object's field too: the API filters on its path (delivery_address/city).
                "server_filterable": not client_side and m.kind in ("field", "nested"),
                "spec_client_side": client_side,
                "source": m.source,
                "source_kind": m.kind,
                "name_restored": col.name_restored,
            })
        unknown = sorted(set(view.client_side) - {c["name"] for c in columns})
        if unknown:
            problems.append(f"{view.schema}.{view.name}: client-side filter names not columns: {unknown}")
        if view.sort_text:
            sort, origin = view.sort_text, "spec"
        elif resource.path in API_DEFAULT_SORTS:
            sort, origin = API_DEFAULT_SORTS[resource.path], "api-reference"
        else:
            keys = [c["source"] for c in columns if c["is_key"]]
            sort, origin = [(k, "asc") for k in keys], "key"
        out_views.append({
            "schema": view.schema,
            "name": view.name,
            "description": view.description,
            "resource": resource.path,
            "default_sort": [list(s) for s in sort],
            "default_sort_origin": origin,
            "client_side_filters": view.client_side,
            "filter_statement": view.filter_statement,
            "columns": columns,
        })
    out_resources: dict[str, Any] = {}
    for resource in sorted(resources.values(), key=lambda r: r.path):
        nested: dict[str, Any] = {}
        for obj, entry in sorted(nested_seen.get(resource.path, {}).items()):
            documented = DOCUMENTED_NESTED.get((resource.path, obj))
            fields = dict(documented) if documented else {}
            inferred = [s for s in entry["fields"] if s not in fields]
            for s in inferred:
                fields[s] = entry["fields"][s]
            nested[obj] = {
                "documented": documented is not None,
                "fields": [[n, t] for n, t in fields.items()],
                "inferred": sorted(inferred),
            }
        out_resources[resource.path] = {
            "view": resource.view,
            "schema": resource.schema,
            "fields": [[n, t] for n, t in resource.fields],
            "nested": nested,
        }
    model = {
        "generated_by": "scripts/generate_datamodel.py",
        "inputs": [
            "seeds/cdata-sage200-data-model.txt",
            "reference/sage200-api.md (Appendix A, sections 3 and 6)",
            "seeds/zynk-sage200-online-customer-xml.txt (string lengths of customer fields)",
        ],
        "editions": EDITIONS,
        "unmapped": problems,
        "views": out_views,
        "resources": out_resources,
    }
    return model, problems


def sandbox_resources(model: dict[str, Any]) -> dict[str, Any]:
    """The sandbox's own copy of the resources (sage_sandbox/data/resources.json), with the declared
    PostgreSQL type of every field path a view column reads: the demo data is checked against it."""
    declared: dict[str, dict[str, str]] = {}
    for view in model["views"]:
        for column in view["columns"]:
            if not column["source"]:
                continue
            paths = declared.setdefault(view["resource"], {})
            known = paths.setdefault(column["source"], column["pg_type"])
            if known != column["pg_type"]:
                raise SystemExit(f"{view['resource']} {column['source']}: declared {known} and {column['pg_type']}")
    return {
        path.lstrip("/"): {
            "view": r["view"],
            "fields": r["fields"],
            "nested": {name: n["fields"] for name, n in r["nested"].items()},
            "declared": dict(sorted(declared.get(path, {}).items())),
        }
        for path, r in model["resources"].items()
    }


def render(model: dict[str, Any]) -> str:
    """Stable, diff-friendly JSON: one column (or field, or nested object) per line."""
    return _render(model, 0) + "\n"


def _render(value: Any, depth: int) -> str:
    if depth >= 4 or not isinstance(value, (dict, list)) or not value:
        return json.dumps(value, ensure_ascii=False)
    pad = " " * (depth + 1)
    if isinstance(value, dict):
        items = [f"{pad}{json.dumps(k)}: {_render(v, depth + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + " " * depth + "}"
    items = [pad + _render(v, depth + 1) for v in value]
    return "[\n" + ",\n".join(items) + "\n" + " " * depth + "]"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--check", action="store_true", help="fail if --out differs from a fresh build")
    args = parser.parse_args(argv)
    model, problems = build(args.shared)
    text = render(model)
    for p in problems:
        print(f"unmapped: {p}", file=sys.stderr)
    sandbox_text = json.dumps(sandbox_resources(model), indent=0, ensure_ascii=False)
    if args.check:
        for path, wanted in ((args.out, text), (SANDBOX_RESOURCES, sandbox_text)):
            current = path.read_text() if path.exists() else ""
            if current != wanted:
                print(f"{path} is out of date", file=sys.stderr)
                return 1
        return 0
    args.out.write_text(text)
    SANDBOX_RESOURCES.write_text(sandbox_text)
    n_cols = sum(len(v["columns"]) for v in model["views"])
    print(f"wrote {args.out}: {len(model['views'])} views, {n_cols} columns, {len(problems)} unmapped")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
