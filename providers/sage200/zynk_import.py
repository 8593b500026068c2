"""Importing Zynk customer XML into Sage 200: `pgserver import FILE.xml` and the ImportCustomersXml procedure.

Both customer documents of the seeds are accepted (shared/seeds/zynk-sage200-customer-xml.txt and
zynk-sage200-online-customer-xml.txt):

* Sage 200 — `<Company><Customers><Customer>` with PascalCase fields (`<Id>` is the integrator's id, i.e. the
  external id; `<AccountReference>`, `<CompanyName>`, `<CustomerInvoiceAddress>` …);
* Sage 200 Online — `<Customers><Customer>` (or `<customer>`) with the API's snake_case fields (`<id>` is the
  Sage id, `<external_id>`, `<reference>`, `<main_address>` …).

Every record goes through CustomerWriter with Zynk's identity rules (id → external_id → reference →
generated reference) and the same field rules as SQL writes, messages naming the XML element. The whole file
is parsed and checked before anything is sent: a file that is not well-formed XML, has a DTD (no entities,
no billion laughs: defusedxml), or is another document fails as a whole (2200M) and changes nothing. A
record's own problem fails only that record. Fields Zynk documents that this import cannot send (contacts,
delivery addresses, analysis codes by name …) and download-only fields of an export (balance,
date_time_updated …) are left out and said so in the record's result; an element Zynk does not document
fails the record (42703), so a typo is never silently dropped.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from pgserver.errors import FOREIGN_KEY_VIOLATION, INVALID_TEXT_REPRESENTATION, UNDEFINED_COLUMN, PgError
from pgserver.provider import (
    OnConflict,
    ProcedureParameter,
    ProcedureSpec,
    Provider,
    RowResult,
    ScanContext,
    WriteOutcome,
)
from pgserver.types import decode_text
from providers.sage200.client import ApiRejection
from providers.sage200.customer_fields import (
    EXTERNAL_ID,
    FIELDS,
    ID,
    IDENTITY_ORDER,
    REFERENCE,
    Field,
    check_value,
    set_path,
)
from providers.sage200.customer_writer import CustomerRecord, CustomerWriter, WriteMode, odata_literal

INVALID_XML_DOCUMENT = "2200M"

SAGE200 = "Sage 200"
ONLINE = "Sage 200 Online"

# -- Sage 200 (<Company><Customers><Customer>) ------------------------------------------------------------------
_S200_FIELDS = {
    "AccountReference": "reference", "CompanyName": "name", "ShortName": "short_name", "CreditLimit": "credit_limit",
    "TermsAgreed": "terms_agreed", "OverrideTaxCode": "use_tax_code_as_default", "VatNumber": "vat_number",
    "NominalCode": "default_nominal_code_reference", "CostCentre": "default_nominal_code_cost_centre",
    "Department": "default_nominal_code_department", "KeepTransactionsFor": "months_to_keep_transactions",
    "SettlementDiscount": "early_settlement_discount_percent", "SettlementDays": "early_settlement_discount_days",
    "PaymentTermsDays": "payment_terms_days", "AccountOnHold": "on_hold",
}
_S200_LOOKUPS = {"Currency": "currency", "TaxCode": "tax_code", "CountryCode": "country_code"}
_S200_ADDRESS = {
    "Address1": "main_address.address_1", "Address2": "main_address.address_2",
    "Address3": "main_address.address_3", "Address4": "main_address.address_4", "Town": "main_address.city",
    "County": "main_address.county", "Postcode": "main_address.postcode", "Country": "main_address.country",
    "Telephone": "telephone_subscriber_number", "TelephoneCountryCode": "telephone_country_code",
    "TelephoneAreaCode": "telephone_area_code", "Fax": "fax_subscriber_number",
    "FaxCountryCode": "fax_country_code", "FaxAreaCode": "fax_area_code", "Website": "website",
}
_CONTACTS = "contacts are a resource of their own"
_S200_NAME_PARTS = ("Title", "Forename", "Middlename", "Surname")
_S200_CONTACT_ONLY = ("Company", "Email", "Mobile", "MobileCountryCode", "MobileAreaCode")
_S200_NOT_SENT = {
    "AccountType": "its values are named differently by the API",
    "PaymentTermsBasis": "its values are named differently by the API",
    "OrderPriority": "its values are named differently by the API",
    "PriceListReference": "price bands are not looked up by name",
    "DiscountGroupReference": "discount groups are not looked up by name",
    "OrderValueDiscountReference": "order value discounts are not looked up by name",
    "AnalysisCodes": "analysis codes are not looked up by name",
    "Contacts": "contacts are a resource of their own",
    "CustomerDeliveryAddress": "delivery addresses are a resource of their own",
    "DeliveryAddresses": "delivery addresses are a resource of their own",
}

# -- Sage 200 Online (<Customers><Customer>, snake_case) -----------------------------------------------------------
_ONLINE_FIELDS = {name: name for name in (
    "reference", "name", "short_name", "on_hold", "account_status_type", "currency_id", "exchange_rate_type",
    "telephone_country_code", "telephone_area_code", "telephone_subscriber_number", "fax_country_code",
    "fax_area_code", "fax_subscriber_number", "website", "credit_limit", "country_code_id", "default_tax_code_id",
    "vat_number", "duns_code", *[f"analysis_code_{i}" for i in range(1, 21)])}
_ONLINE_ADDRESS = {name: f"main_address.{name}" for name in (
    "address_1", "address_2", "address_3", "address_4", "city", "county", "postcode")}
_ONLINE_DOWNLOAD_ONLY = ("balance", "date_time_updated", "date_time_created")
_ONLINE_ADDRESS_IGNORED = ("id", "date_time_updated", "date_time_created", "customer_id", "address_country_code_id",
                           "address_country_code")
_ONLINE_LOOKUPS = {"currency": "currency", "country_code": "country_code", "default_tax_code": "tax_code"}
_LOOKUP_FIELDS = {"currency": "currency_id", "country_code": "country_code_id", "tax_code": "default_tax_code_id"}


@dataclass
class _Lookup:
    kind: str  # currency / country_code / tax_code
    code: str
    element: str


@dataclass
class ImportRecord:
    """One <Customer> of the file: the record to write and the lookups it still needs."""

    record: CustomerRecord
    lookups: list[_Lookup] = field(default_factory=list)


@dataclass(frozen=True)
class ImportDocument:
    format: str
    records: list[ImportRecord]


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _xml_error(message: str, detail: str | None = None) -> PgError:
    return PgError(INVALID_XML_DOCUMENT, message, detail=detail,
                   hint="Nothing was imported: fix the file and import it again.")


def parse_document(xml: str | bytes) -> ImportDocument:
    """The customers of a Zynk document; PgError 2200M (and nothing sent) when the file is not one."""
    try:
        root = SafeET.fromstring(xml, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise _xml_error("invalid XML document", f"{type(exc).__name__}: DTDs and entity declarations are not "
                                                 "accepted in an import file") from None
    except ET.ParseError as exc:
        line, column = exc.position
        raise _xml_error("invalid XML document", f"line {line}, column {column + 1}: {_reason(exc)}") from None
    root_name = _local(root.tag)
    if root_name == "Company":
        customers = [c for c in root if _local(c.tag) == "Customers"]
        if not customers:
            raise _xml_error("not a Zynk customer document: <Company> has no <Customers>",
                             "A Sage 200 customer import is <Company><Customers><Customer>…")
        elements = [e for group in customers for e in group]
        fmt = SAGE200
    elif root_name in ("Customers", "customers"):
        elements = list(root)
        fmt = ONLINE
    else:
        raise _xml_error(f"not a Zynk customer document: the root element is <{root_name}>",
                         "Expected <Company><Customers><Customer>… (Sage 200) or <Customers><Customer>… "
                         "(Sage 200 Online).")
    for element in elements:
        if _local(element.tag) not in ("Customer", "customer"):
            raise _xml_error(f"not a Zynk customer document: <{_local(element.tag)}> inside <Customers>",
                             "<Customers> holds <Customer> elements only.")
    build = _sage200_record if fmt == SAGE200 else _online_record
    return ImportDocument(fmt, [build(index, element) for index, element in enumerate(elements)])


def _reason(exc: ET.ParseError) -> str:
    text = str(exc)
    return text.split(":")[0] if ": line" in text else text


# -- building records --------------------------------------------------------------------------------------------


class _Builder:
    def __init__(self, index: int) -> None:
        self.item = ImportRecord(CustomerRecord(index))
        self.record = self.item.record

    def label(self, key: str, element: str) -> None:
        self.record.labels[key] = element

    def value(self, element: ET.Element, path: str, name: str) -> None:
        f = FIELDS[path]
        text = element.text or ""
        self.label(path, name)
        if path == "reference":
            self.label(REFERENCE, name)
        if f.kind != "text":
            text = text.strip()
            if not text:
                return  # an empty element of a number or flag: not given
        set_path(self.record.payload, path, check_value(f, _typed(f, text, name), name))

    def note(self, text: str) -> None:
        if text not in self.record.notes:
            self.record.notes.append(text)

    def fail(self, error: PgError) -> None:
        if self.record.error is None:
            self.record.error = error

    def unknown(self, name: str) -> PgError:
        return PgError(UNDEFINED_COLUMN, f'unknown field <{name}> in a customer record',
                       hint="Zynk's customer XML documents the fields an import takes.")


def _typed(f: Field, text: str, name: str) -> Any:
    """The element's text as the field's type, by PostgreSQL's input functions (22P02 in their words)."""
    if f.kind == "text":
        return text
    try:
        return decode_text(f.type.oid, text)
    except PgError as exc:
        exc.detail = f"In <{name}>."
        raise


def _child_text(element: ET.Element, name: str) -> str | None:
    for child in element:
        if _local(child.tag) == name and child.text and child.text.strip():
            return child.text.strip()
    return None


def _sage200_record(index: int, element: ET.Element) -> ImportRecord:
    b = _Builder(index)
    b.label("name", "CompanyName")
    b.label(REFERENCE, "AccountReference")
    b.label(EXTERNAL_ID, "Id")
    b.label("currency_id", "Currency")
    name_parts: list[str] = []
    for child in element:
        name = _local(child.tag)
        try:
            if name == "Id":
                text = (child.text or "").strip()
                b.record.external_id = text or None
            elif name in _S200_FIELDS:
                b.value(child, _S200_FIELDS[name], name)
            elif name in _S200_LOOKUPS:
                code = (child.text or "").strip()
                if code:
                    b.item.lookups.append(_Lookup(_S200_LOOKUPS[name], code, name))
            elif name == "CustomerInvoiceAddress":
                for part in child:
                    sub = _local(part.tag)
                    if sub in _S200_ADDRESS:
                        b.value(part, _S200_ADDRESS[sub], f"{name}/{sub}")
                    elif sub in _S200_NAME_PARTS:
                        if part.text and part.text.strip():
                            name_parts.append(part.text.strip())
                    elif sub in _S200_CONTACT_ONLY:
                        b.note(f"not imported: {name}/{sub} ({_CONTACTS})")
                    else:
                        raise b.unknown(f"{name}/{sub}")
            elif name in _S200_NOT_SENT:
                b.note(f"not imported: <{name}> ({_S200_NOT_SENT[name]})")
            else:
                raise b.unknown(name)
        except PgError as exc:
            b.fail(exc)
    if "name" not in b.record.payload and name_parts:  # Zynk: defaults to Title, Forename, Middlename, Surname
        try:
            set_path(b.record.payload, "name", check_value(FIELDS["name"], " ".join(name_parts), "CompanyName"))
        except PgError as exc:
            b.fail(exc)
    return b.item


def _online_record(index: int, element: ET.Element) -> ImportRecord:
    b = _Builder(index)
    b.label(ID, "id")
    b.label(EXTERNAL_ID, "external_id")
    b.label(REFERENCE, "reference")
    b.label("name", "name")
    for child in element:
        name = _local(child.tag)
        try:
            if name == "id":
                text = (child.text or "").strip()
                if text:
                    b.record.id = _typed(Field("id", "bigint"), text, name)
            elif name == "external_id":
                text = (child.text or "").strip()
                b.record.external_id = text or None
            elif name in _ONLINE_FIELDS:
                b.value(child, _ONLINE_FIELDS[name], name)
            elif name == "main_address":
                for part in child:
                    sub = _local(part.tag)
                    if sub in _ONLINE_ADDRESS:
                        b.value(part, _ONLINE_ADDRESS[sub], f"main_address/{sub}")
                    elif sub not in _ONLINE_ADDRESS_IGNORED:
                        raise b.unknown(f"main_address/{sub}")
            elif name in _ONLINE_LOOKUPS:
                _online_lookup(b, child, name)
            elif name in _ONLINE_DOWNLOAD_ONLY:
                b.note(f"ignored download-only <{name}>")
            elif name == "contacts":
                b.note(f"not imported: <contacts> ({_CONTACTS})")
            else:
                raise b.unknown(name)
        except PgError as exc:
            b.fail(exc)
    return b.item


def _online_lookup(b: _Builder, element: ET.Element, name: str) -> None:
    """<currency>, <country_code>, <default_tax_code>: an exported object (its id is used unless the
    matching *_id element is given) or an import one with only the code."""
    kind = _ONLINE_LOOKUPS[name]
    path = _LOOKUP_FIELDS[kind]
    if path in b.record.payload:
        return
    ident = _child_text(element, "id")
    if ident is not None:
        b.label(path, f"{name}/id")
        set_path(b.record.payload, path, check_value(FIELDS[path], _typed(FIELDS[path], ident, f"{name}/id"),
                                                     f"{name}/id"))
        return
    holder = next((c for c in element if _local(c.tag) == "currency_iso_code"), element) if kind == "currency" \
        else element
    code = _child_text(holder, "code")
    if code is not None:
        b.item.lookups.append(_Lookup(kind, code, f"{name}/code"))


# -- lookups: codes → Sage ids --------------------------------------------------------------------------------------


class _Codes:
    """Currency ISO codes, country codes and tax codes → ids, read once per import."""

    def __init__(self, writer: CustomerWriter, api: Any) -> None:
        self.api = api
        self.base = writer.base_path
        self.cache: dict[tuple[str, str], int | None] = {}

    async def resolve(self, kind: str, code: str) -> int | None:
        key = (kind, code.upper())
        if key not in self.cache:
            self.cache[key] = await self._fetch(kind, code)
        return self.cache[key]

    async def _fetch(self, kind: str, code: str) -> int | None:
        if kind == "currency":
            rows = await self.api.send("GET", f"{self.base}/currencies?$expand=currency_iso_code", idempotent=True)
            for row in rows if isinstance(rows, list) else []:
                iso = (row.get("currency_iso_code") or {}).get("code") if isinstance(row, dict) else None
                if isinstance(iso, str) and iso.upper() == code.upper():
                    return int(row["id"])
            return None
        if kind == "tax_code":
            if not code.isdigit():
                return None
            rows = await self.api.send("GET", f"{self.base}/tax_codes?$filter=code%20eq%20{int(code)}", idempotent=True)
        else:
            try:
                rows = await self.api.send("GET", f"{self.base}/country_codes?$filter=code%20eq%20{odata_literal(code)}",
                                           idempotent=True)
            except ApiRejection as exc:
                if exc.status == 404:
                    raise PgError(FOREIGN_KEY_VIOLATION, f'cannot look up country code "{code}": the Sage 200 API '
                                  "has no country_codes resource here",
                                  hint="Give the country's id instead (<country_code_id>).") from None
                raise
        for row in rows if isinstance(rows, list) else []:
            if isinstance(row, dict) and str(row.get("code", "")).upper() == code.upper():
                return int(row["id"])
        return None


_LOOKUP_TABLES = {"currency": ("Currencies", "CurrencyId"), "country_code": ("CountryCodes", "CountryCodeId"),
                  "tax_code": ("TaxCodes", "DefaultTaxCodeId")}


async def _resolve_lookups(writer: CustomerWriter, items: Sequence[ImportRecord], ctx: ScanContext) -> None:
    if not any(item.lookups and item.record.error is None for item in items):
        return
    codes = _Codes(writer, await writer.api(ctx))
    for item in items:
        for lookup in item.lookups:
            if item.record.error is not None:
                break
            path = _LOOKUP_FIELDS[lookup.kind]
            try:
                found = await codes.resolve(lookup.kind, lookup.code)
            except PgError as exc:
                item.record.error = exc
                break
            except ApiRejection as exc:
                item.record.error = PgError("HV000", f"cannot look up <{lookup.element}> {lookup.code}: {exc.message}",
                                            detail=f"{exc.request} → HTTP {exc.status}")
                break
            if found is None:
                table, column = _LOOKUP_TABLES[lookup.kind]
                item.record.error = PgError(
                    FOREIGN_KEY_VIOLATION, f'insert or update on table "Customers" violates foreign key constraint '
                    f'"Customers_{column}_fkey"', detail=f"Key (<{lookup.element}>)=({lookup.code}) is not present "
                    f'in table "{table}".')
                break
            item.record.labels.setdefault(path, lookup.element)
            set_path(item.record.payload, path, found)


# -- running an import ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportLine:
    """One record's result, as the CLI prints it and the procedure returns it."""

    record: int  # 1-based position in the file
    outcome: str
    id: int | None
    reference: str | None
    external_id: str | None
    matched_by: str | None
    sqlstate: str | None
    message: str

    def as_row(self) -> tuple[Any, ...]:
        return (self.record, self.outcome, self.id, self.reference, self.external_id, self.matched_by,
                self.sqlstate, self.message)


@dataclass
class ImportReport:
    format: str
    lines: list[ImportLine]

    def count(self, outcome: str) -> int:
        return sum(1 for line in self.lines if line.outcome == outcome)

    def summary(self) -> str:
        parts = [f"{self.count(o.value)} {o.value}" for o in (WriteOutcome.CREATED, WriteOutcome.UPDATED,
                                                            WriteOutcome.FAILED, WriteOutcome.NOT_ATTEMPTED)
                 if self.count(o.value) or o in (WriteOutcome.CREATED, WriteOutcome.UPDATED, WriteOutcome.FAILED)]
        return f"{len(self.lines)} {self.format} customer record(s): " + ", ".join(parts)


def _line(item: ImportRecord, result: RowResult) -> ImportLine:
    record = item.record
    row = result.row or {}
    error = result.error
    if error is not None:
        message = error.message + (f" ({error.detail})" if error.detail else "")
    else:
        message = "; ".join(result.notes)
    customer_id = (result.key or {}).get(ID) if result.key else None
    return ImportLine(record.index + 1, result.outcome.value, customer_id,
                      row.get(REFERENCE) or record.reference, record.external_id, result.matched_by,
                      error.sqlstate if error is not None else None, message)


async def import_customers(writer: CustomerWriter, xml: str | bytes, ctx: ScanContext, *,
                           auto_generate: bool | None = None,
                           on_line: Callable[[ImportLine], None] | None = None,
                           on_start: Callable[[int], None] | None = None) -> ImportReport:
    """Parse, check and write every customer of a Zynk document (2200M and nothing sent if it is not one)."""
    document = parse_document(xml)
    items = document.records
    if on_start is not None:
        on_start(len(items))
    await _resolve_lookups(writer, items, ctx)
    mode = WriteMode(IDENTITY_ORDER, OnConflict.UPDATE,
                     writer.auto_generate(ctx) if auto_generate is None else auto_generate)
    lines: list[ImportLine | None] = [None] * len(items)

    def done(result: RowResult) -> None:
        line = _line(items[result.index], result)
        lines[result.index] = line
        if on_line is not None:
            on_line(line)

    await writer.write([i.record for i in items], mode, ctx, returning=(ID, REFERENCE), stop_on_error=False,
                       on_result=done)
    return ImportReport(document.format, [line for line in lines if line is not None])


# -- the procedure ----------------------------------------------------------------------------------------------------

_P = ProcedureParameter


class ImportCustomersXml:
    """`SELECT * FROM "StandardUK"."ImportCustomersXml"('<Company>…')`: the import, one row per record."""

    def __init__(self, schema: str, writer: CustomerWriter) -> None:
        self.writer = writer
        self.spec = ProcedureSpec(
            schema, "ImportCustomersXml",
            "Imports customers from Zynk customer XML (Sage 200 or Sage 200 Online format) with Zynk's identity "
            "rules (id, external id, reference, generated reference); one result row per record (superusers "
            "only: it writes to Sage 200).",
            (
                _P("Xml", "text", "The XML document's text.", required=True),
                _P("AutoGenerateReferences", "boolean", "Generate a reference for a new customer that has none "
                   "(default: the AutoGenerateReferences connection property)."),
                _P("Record", "integer", "The record's position in the file (1-based).", direction="OUT"),
                _P("Outcome", "text", "created, updated, failed or not attempted.", direction="OUT"),
                _P("Id", "bigint", "The customer's Sage 200 id.", direction="OUT"),
                _P("Reference", "text", "The customer's account reference.", direction="OUT"),
                _P("ExternalId", "text", "The record's external id (Zynk's duplicate prevention).", direction="OUT"),
                _P("MatchedBy", "text", "How an existing customer was found: Id, ExternalId or Reference.",
                   direction="OUT"),
                _P("SqlState", "text", "The SQLSTATE of a failure.", direction="OUT"),
                _P("Message", "text", "Why it failed, or what was left out.", direction="OUT"),
            ),
            privileged=True,
        )

    async def call(self, arguments: Mapping[str, Any], ctx: ScanContext) -> list[tuple[Any, ...]]:
        xml = next((v for k, v in arguments.items() if k.lower() == "xml"), None)
        if not isinstance(xml, str) or not xml.strip():
            raise PgError(INVALID_TEXT_REPRESENTATION, "ImportCustomersXml needs the XML text")
        auto = next((v for k, v in arguments.items() if k.lower() == "autogeneratereferences"), None)
        if isinstance(auto, str):
            auto = auto.strip().lower() in ("true", "t", "on", "yes", "1")
        report = await import_customers(self.writer, xml, ctx, auto_generate=auto if isinstance(auto, bool) else None)
        return [line.as_row() for line in report.lines]


def import_procedures(providers: Sequence[Provider]) -> list[ImportCustomersXml]:
    """ImportCustomersXml in the schema of every writable Customers view."""
    out: list[ImportCustomersXml] = []
    for provider in providers:
        writer = customer_writer_of(provider)
        if writer is not None:
            out.append(ImportCustomersXml(provider.spec.schema, writer))
    return out


def customer_writer_of(provider: Provider) -> CustomerWriter | None:
    from providers.sage200.customer_writer import SageCustomersProvider

    return provider.writer if isinstance(provider, SageCustomersProvider) else None
