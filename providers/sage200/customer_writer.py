"""Writing customers to Sage 200 (both editions): Zynk's identity rules, field rules, idempotent creates.

A record finds the customer it belongs to in Zynk's order (shared/seeds/zynk-sage200-online-customer-xml.txt):

1. an `Id` → that customer is updated (no such customer: 428C9, Sage assigns ids);
2. an `ExternalId` found in the truth table → that customer is updated;
3. a `Reference` → the customer with it is updated if there is one, else one is created with it;
4. otherwise, with AutoGenerateReferences on, a customer is created with a generated reference;
   with it off the record fails: `null value in column "Reference" …` (23502).

Which of 1-3 may match is the request's `match_on`; a match outside it is a duplicate (23505), or left alone
(ON CONFLICT DO NOTHING). The API takes the main address with the customer; contacts and delivery addresses
are resources of their own (docs/decisions/0720-customer-writes-and-identity.md).

A create is never sent twice for one customer: its reference is fixed before it is sent (given, or generated
here), a record with an external id is written to the truth table as *pending* first, and when the answer
is lost the customer is looked up by that reference — found means it was made. Sending it again is safe:
Sage refuses a second customer with the same reference.

`CustomerWriter` works on `CustomerRecord`s (API fields); `SageCustomersProvider` is the `Writable` the SQL
layer calls (Customers columns), and the XML import (providers/sage200/zynk_import.py) builds records too.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from pgserver.errors import (
    FDW_ERROR,
    FOREIGN_KEY_VIOLATION,
    GENERATED_ALWAYS,
    INVALID_PARAMETER_VALUE,
    STRING_DATA_RIGHT_TRUNCATION,
    UNDEFINED_COLUMN,
    UNIQUE_VIOLATION,
    PgError,
)
from pgserver.provider import (
    Comparison,
    DeleteRequest,
    InsertRequest,
    Not,
    OnConflict,
    Qual,
    QualReport,
    RowResult,
    ScanContext,
    ScanPlan,
    ScanRequest,
    TableSpec,
    UpdateRequest,
    WriteOutcome,
    WriteResult,
    arrow_schema,
)
from providers.sage200.client import AmbiguousWrite, ApiRejection
from providers.sage200.convert import page_to_batch
from providers.sage200.customer_fields import (
    EXTERNAL_ID,
    FIELDS,
    ID,
    REFERENCE,
    RELATION,
    Field,
    check_value,
    create_only_error,
    download_only_error,
    field_for_column,
    not_null_error,
    set_path,
)
from providers.sage200.data_source import SageSession, Site
from providers.sage200.odata import quote_string, select_and_expand
from providers.sage200.provider import SageViewProvider
from providers.sage200.truth_table import Entry, Scope

ENTITY = "customers"
_MAX_GENERATION_TRIES = 5


# ---------------------------------------------------------------------------
# Records and the writer
# ---------------------------------------------------------------------------


@dataclass
class CustomerRecord:
    """One customer to write, as API fields. `labels` says how the caller named each field (for messages)."""

    index: int
    payload: dict[str, Any] = field(default_factory=dict)  # API fields; "main_address" is a nested dict
    id: int | None = None
    external_id: str | None = None
    labels: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    error: PgError | None = None  # found while building the record (field rules, lookups)

    @property
    def reference(self) -> str | None:
        value = self.payload.get("reference")
        return value if isinstance(value, str) and value.strip() else None

    def shown(self, name: str) -> str:
        """The caller's name for a field (an XML element), else its Customers column, else itself."""
        if name in self.labels:
            return self.labels[name]
        known = FIELDS.get(name)
        return known.column if known is not None and known.column else name


@dataclass(frozen=True)
class WriteMode:
    match_on: tuple[str, ...]
    on_conflict: OnConflict
    auto_generate: bool
    update_fields: frozenset[str] | None = None  # an update of a matched customer sends only these API fields


class _Api:
    """The requests of one write request, for one company."""

    def __init__(self, writer: CustomerWriter, ctx: ScanContext, site: Site) -> None:
        session = writer.session
        self.path = writer.path
        self.http = session.http(ctx)
        self.headers = session.header_source(ctx, site)
        self.timeout = session.timeout(ctx)
        self.site = site
        self.scope = Scope(site.site_id, site.company_id, ENTITY)

    async def send(self, method: str, path: str, body: Any = None, *, idempotent: bool) -> Any:
        return await self.http.send_json(method, path, body, auth_headers=self.headers, timeout=self.timeout,
                                         idempotent=idempotent)

    async def get(self, customer_id: int, params: str = "") -> dict[str, Any] | None:
        try:
            found = await self.send("GET", f"{self.path}/{customer_id}{params}", idempotent=True)
        except ApiRejection as exc:
            if exc.status == 404:
                return None
            raise
        return found if isinstance(found, dict) else None

    async def find(self, reference: str) -> dict[str, Any] | None:
        """The customer with this reference (Sage compares references without regard to case)."""
        rows = await self.send("GET", f"{self.path}?$filter=reference%20eq%20{odata_literal(reference)}&$top=2",
                               idempotent=True)
        wanted = reference.casefold()
        for row in rows if isinstance(rows, list) else []:
            if isinstance(row, dict) and str(row.get("reference", "")).casefold() == wanted:
                return row
        return None

    async def references_starting(self, prefix: str) -> list[str]:
        out: list[str] = []
        skip = 0
        while True:
            rows = await self.send(
                "GET", f"{self.path}?$filter=startswith(reference,{odata_literal(prefix)})&$select=id,reference"
                       f"&$orderby=id%20asc&$top=5000&$skip={skip}", idempotent=True)
            batch = [str(r.get("reference", "")) for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []
            out += batch
            if len(batch) < 5000:
                return out
            skip += 5000


def odata_literal(text: str) -> str:
    """A quoted OData string, percent-encoded for a query string."""
    from urllib.parse import quote

    return quote(quote_string(text), safe="'")


@dataclass
class _Target:
    """What identity resolution decided for one record."""

    action: str  # "update", "create", "unchanged", "fail"
    customer: dict[str, Any] | None = None  # the existing customer (update/unchanged)
    matched_by: str | None = None
    reference: str | None = None  # create: the reference it is sent with
    generated: bool = False
    error: PgError | None = None


class CustomerWriter:
    """Customer writes for one edition's Customers view."""

    def __init__(self, spec: TableSpec, session: SageSession) -> None:
        self.spec = spec
        self.session = session
        self.base_path = str(spec.extra.get("base_path", ""))
        self.resource = str(spec.extra.get("resource", "/customers"))
        self.path = self.base_path + self.resource

    async def api(self, ctx: ScanContext) -> _Api:
        """The requests of one write request, for the connection's company."""
        site = await self.session.company(ctx, self.base_path)
        return _Api(self, ctx, site)

    def auto_generate(self, ctx: ScanContext) -> bool:
        value = self.session.prop(ctx, "AutoGenerateReferences")
        return value is True or str(value).strip().lower() in ("true", "on", "yes", "1")

    # -- upserts (INSERT, imports) ------------------------------------------------------------------------

    async def write(self, records: Sequence[CustomerRecord], mode: WriteMode, ctx: ScanContext, *,
                    returning: tuple[str, ...] = (), stop_on_error: bool = True,
                    on_result: Callable[[RowResult], None] | None = None) -> WriteResult:
        for record in records:
            if record.error is None:
                record.error = self._precheck(record, mode)
        results = _Results(len(records), on_result)
        if stop_on_error and any(r.error for r in records):
            for record in records:
                results.set(record.index, record.error, record.notes)
            return results.done()
        api = await self.api(ctx)
        try:
            for record in records:
                if stop_on_error and results.failed:
                    break
                if record.error is not None:
                    results.set(record.index, record.error, record.notes)
                    continue
                results.put(await self._write_one(api, record, mode, returning))
        finally:
            self.written(api)
        return results.done()

    def written(self, api: _Api, deleted_ids: Sequence[int] = ()) -> None:
        """After writes were sent (whatever came of them — a failed one may still have been applied): the
        mirror's views of customers are refreshed by their next read, deleted rows leave it now (decision 0972)."""
        self.session.mirror.written(api.site, self.resource, deleted_ids)

    def _precheck(self, record: CustomerRecord, mode: WriteMode) -> PgError | None:
        """What can be refused before any request: field rules, an Id on a create."""
        if record.id is not None and ID not in mode.match_on:
            return PgError(GENERATED_ALWAYS, f'cannot insert a non-DEFAULT value into column "{record.shown(ID)}"',
                           detail="Customer ids are assigned by Sage 200.",
                           hint="To update a customer by its Id, use UPDATE (or an upsert on Id).")
        if not _may_match(record, mode) and not str(record.payload.get("name") or "").strip():
            return not_null_error(record.shown("name"))  # it can only be a create, and a create needs a name
        if record.external_id is not None:
            if len(record.external_id) > 255:
                return PgError(STRING_DATA_RIGHT_TRUNCATION, "value too long for type character varying(255)",
                               detail=f'The value for "{record.shown(EXTERNAL_ID)}" has {len(record.external_id)} '
                                      "characters.")
        return None

    async def _write_one(self, api: _Api, record: CustomerRecord, mode: WriteMode,
                         returning: tuple[str, ...]) -> RowResult:
        try:
            target = await self._resolve(api, record, mode)
            if target.action == "fail":
                assert target.error is not None
                return _failed(record, target.error)
            if target.action == "unchanged":
                assert target.customer is not None
                return RowResult(record.index, WriteOutcome.UNCHANGED, key={ID: target.customer["id"]},
                                 matched_by=target.matched_by,
                                 row=await self._row(api, target.customer, returning),
                                 notes=tuple(record.notes))
            if target.action == "update":
                assert target.customer is not None
                return await self._update_existing(api, record, target, returning, mode.update_fields)
            return await self._create(api, record, target, returning)
        except PgError as exc:
            return _failed(record, exc)
        except ApiRejection as exc:  # a read on the way was refused
            return _failed(record, rejection_error(exc, record))

    async def _resolve(self, api: _Api, record: CustomerRecord, mode: WriteMode) -> _Target:
        def matched(customer: dict[str, Any], by: str) -> _Target:
            if by in mode.match_on:
                if mode.on_conflict is OnConflict.NOTHING:
                    return _Target("unchanged", customer, by)
                if mode.on_conflict is OnConflict.UPDATE:
                    return _Target("update", customer, by)
            if mode.on_conflict is OnConflict.NOTHING:
                return _Target("unchanged", customer, by)
            return _Target("fail", error=_duplicate(record.shown(by), _key_value(by, record, customer)))

        if record.id is not None:  # rule 1 (only reached when Id is in match_on: _precheck)
            customer = await api.get(record.id)
            if customer is None:
                return _Target("fail", error=PgError(
                    GENERATED_ALWAYS, f'cannot insert a non-DEFAULT value into column "{record.shown(ID)}"',
                    detail=f"No customer has Id {record.id}; customer ids are assigned by Sage 200."))
            return matched(customer, ID)
        pending: Entry | None = None
        if record.external_id is not None:  # rule 2
            entry = await self.session.truth_table.get(api.scope, record.external_id)
            if entry is not None and entry.pending:
                customer = await self._find_pending(api, entry)
                if customer is not None:
                    entry = Entry(entry.external_id, int(customer["id"]), customer.get("reference"))
                    await self.session.truth_table.put(api.scope, entry)
                else:
                    pending = entry
            if entry is not None and not entry.pending:
                assert entry.sage_id is not None
                customer = await api.get(entry.sage_id)
                if customer is not None:
                    return matched(customer, EXTERNAL_ID)
                await self.session.truth_table.forget(api.scope, entry.external_id)  # deleted in Sage
        reference = record.reference
        if reference is not None:  # rule 3
            customer = await api.find(reference)
            if customer is not None:
                return matched(customer, REFERENCE)
            return _Target("create", reference=reference)
        if pending is not None and pending.reference:  # the lost create's reference: found above if made
            return _Target("create", reference=pending.reference, generated=pending.generated)
        if mode.auto_generate:  # rule 4
            return _Target("create", reference=await self._generate(api, record), generated=True)
        return _Target("fail", error=not_null_error(
            record.shown(REFERENCE),
            hint="Give a Reference (or an Id or a known ExternalId to update a customer), or turn on "
                 "AutoGenerateReferences to have one generated."))

    async def _find_pending(self, api: _Api, entry: Entry) -> dict[str, Any] | None:
        """The customer a lost create made, if it was made: found by the reference it was sent with (for a
        generated reference, only if it has the name it was sent with — someone else may have taken it)."""
        if not entry.reference:
            return None
        customer = await api.find(entry.reference)
        if customer is None:
            return None
        if entry.generated and entry.name is not None and customer.get("name") != entry.name:
            return None
        return customer

    async def _generate(self, api: _Api, record: CustomerRecord, after: str | None = None) -> str:
        """Three letters of the name and the next free number: "ZYN001" (Sage's own style)."""
        name = str(record.payload.get("name") or "")
        prefix = ("".join(ch for ch in name.upper() if ch.isascii() and ch.isalnum())[:3] or "CUS").ljust(3, "X")
        numbers = [int(r[3:]) for r in await api.references_starting(prefix)
                   if r[:3].upper() == prefix and r[3:].isdigit()]
        if after is not None and after[3:].isdigit():
            numbers.append(int(after[3:]))
        number = max(numbers, default=0) + 1
        reference = f"{prefix}{number:03d}"
        if len(reference) > 8:
            raise PgError(INVALID_PARAMETER_VALUE, f"cannot generate a reference: every {prefix}nnnnn is taken",
                          hint="Give the customer a Reference.")
        return reference

    # -- applying ------------------------------------------------------------------------------------------

    async def _update_existing(self, api: _Api, record: CustomerRecord, target: _Target,
                               returning: tuple[str, ...], mode_fields: frozenset[str] | None = None) -> RowResult:
        customer = target.customer
        assert customer is not None
        customer_id = int(customer["id"])
        body = dict(record.payload)
        if mode_fields is not None:  # ON CONFLICT DO UPDATE SET: only the columns it names
            body = {k: v for k, v in body.items() if k in mode_fields}
        notes = list(record.notes)
        if "currency_id" in body:  # create-only (Zynk: the currency is set when a customer is created)
            if body["currency_id"] != customer.get("currency_id"):
                notes.append(f"{record.shown('currency_id')} not changed: it is set only when a customer is created")
            del body["currency_id"]
        if record.reference is not None and "reference" in body and str(customer.get("reference", "")).casefold() != \
                record.reference.casefold():
            other = await api.find(record.reference)
            if other is not None and int(other["id"]) != customer_id:
                return _failed(record, _duplicate(record.shown(REFERENCE), record.reference))
        try:
            answer = await api.send("PUT", f"{self.path}/{customer_id}", body, idempotent=True) if body else customer
        except ApiRejection as exc:
            if exc.status == 404:
                return _failed(record, PgError(FDW_ERROR, f"customer {customer_id} was deleted in Sage 200 while "
                                                          "it was being updated"))
            return _failed(record, rejection_error(exc, record))
        answer = answer if isinstance(answer, dict) else customer
        if record.external_id is not None:
            await self.session.truth_table.put(api.scope, Entry(record.external_id, customer_id,
                                                                answer.get("reference")))
        return RowResult(record.index, WriteOutcome.UPDATED, key={ID: customer_id}, matched_by=target.matched_by,
                         row=await self._row(api, answer, returning), notes=tuple(notes))

    async def _create(self, api: _Api, record: CustomerRecord, target: _Target,
                      returning: tuple[str, ...]) -> RowResult:
        name = record.payload.get("name")
        if not isinstance(name, str) or not name.strip():
            return _failed(record, not_null_error(record.shown("name")))
        reference = target.reference
        assert reference is not None
        truth = self.session.truth_table
        for attempt in range(_MAX_GENERATION_TRIES):
            if record.external_id is not None:  # durable before the create is sent
                await truth.put(api.scope, Entry(record.external_id, None, reference, target.generated, name))
            body = {**record.payload, "reference": reference}
            created: dict[str, Any] | None = None
            try:
                answer = await api.send("POST", self.path, body, idempotent=False)
                created = answer if isinstance(answer, dict) and answer.get("id") is not None else None
                if created is None:
                    raise AmbiguousWrite("the answer did not include the new customer's id")
            except AmbiguousWrite as lost:
                try:
                    created = await self._recover(api, body, target.generated, lost)
                except ApiRejection as exc:
                    if target.generated and attempt + 1 < _MAX_GENERATION_TRIES:
                        reference = await self._generate(api, record, after=reference)
                        continue
                    return _failed(record, rejection_error(exc, record, reference))
            except ApiRejection as exc:
                if exc.data_code == "DuplicateReference" and target.generated and attempt + 1 < _MAX_GENERATION_TRIES:
                    reference = await self._generate(api, record, after=reference)  # taken meanwhile: next one
                    continue
                if record.external_id is not None:
                    await truth.forget(api.scope, record.external_id)
                return _failed(record, rejection_error(exc, record, reference))
            customer_id = int(created["id"])
            if record.external_id is not None:
                await truth.put(api.scope, Entry(record.external_id, customer_id, created.get("reference", reference)))
            notes = list(record.notes)
            if target.generated:
                notes.append(f"reference {reference} generated")
            return RowResult(record.index, WriteOutcome.CREATED, key={ID: customer_id},
                             row=await self._row(api, created, returning), notes=tuple(notes))
        raise AssertionError("unreachable")

    async def _recover(self, api: _Api, body: dict[str, Any], generated: bool, lost: AmbiguousWrite) -> dict[str, Any]:
        """A create whose answer was lost: found by its reference, or sent again (Sage refuses a second
        customer with one reference, so a create that did happen cannot be repeated)."""
        reference, name, reason = body["reference"], body.get("name"), lost.reason
        for _ in range(self.session.source.retry.attempts):
            found = await api.find(reference)
            if found is not None:
                if generated and found.get("name") != name:  # someone else took the generated reference
                    raise ApiRejection(400, "DuplicateReference", f"reference {reference} was taken", "POST")
                return found
            try:
                answer = await api.send("POST", self.path, body, idempotent=False)
            except AmbiguousWrite as again:
                reason = again.reason
                continue
            except ApiRejection as exc:
                if exc.data_code == "DuplicateReference":
                    continue  # it was made after all: found on the next lap
                raise
            if isinstance(answer, dict) and answer.get("id") is not None:
                return answer
            reason = "the answer did not include the new customer's id"
        raise PgError(FDW_ERROR, f"the Sage 200 API did not confirm the create of customer {reference}: {reason}",
                      detail=f"No customer with reference {reference} could be found after the attempts.",
                      hint="Send the row again: it is matched by its reference (and ExternalId), so it cannot "
                           "be created twice.")

    async def _row(self, api: _Api, customer: Mapping[str, Any], returning: tuple[str, ...]) -> dict[str, Any] | None:
        """The `returning` columns of a customer (read again when the answer lacks some of them)."""
        if not returning:
            return None
        columns = [c for c in returning if self.spec.column(c) is not None and c.lower() != EXTERNAL_ID.lower()]
        needed = {str(self.spec.column(c).source).split(".")[0] for c in columns}  # type: ignore[union-attr]
        if not needed <= set(customer):
            select, expand = select_and_expand(self.spec, columns, ["id"])
            params = f"?$select={select}" + (f"&$expand={expand}" if expand else "")
            customer = await api.get(int(customer["id"]), params) or customer
        row: dict[str, Any] = page_to_batch(self.spec, columns, [dict(customer)]).to_pylist()[0] if columns else {}
        out: dict[str, Any] = {}
        for name in returning:
            column = self.spec.column(name)
            if column is not None and column.name != EXTERNAL_ID:
                out[name] = row[column.name]
            elif name.lower() == EXTERNAL_ID.lower():
                ids = await self.session.truth_table.external_ids(api.scope, [int(customer["id"])])
                out[name] = ids.get(int(customer["id"]))
        return out

    # -- UPDATE and DELETE by key ---------------------------------------------------------------------------

    async def update(self, changes: Sequence[tuple[int, CustomerRecord]], ctx: ScanContext, *,
                     returning: tuple[str, ...] = (), stop_on_error: bool = True,
                     on_result: Callable[[RowResult], None] | None = None,
                     external_id_given: Sequence[bool] = ()) -> WriteResult:
        results = _Results(len(changes), on_result)
        if stop_on_error and any(r.error for _, r in changes):
            for _, record in changes:
                results.set(record.index, record.error, record.notes)
            return results.done()
        api = await self.api(ctx)
        try:
            for position, (customer_id, record) in enumerate(changes):
                if stop_on_error and results.failed:
                    break
                if record.error is not None:
                    results.set(record.index, record.error, record.notes)
                    continue
                sets_external = position < len(external_id_given) and external_id_given[position]
                results.put(await self._update_by_key(api, customer_id, record, sets_external, returning))
        finally:
            self.written(api)
        return results.done()

    async def _update_by_key(self, api: _Api, customer_id: int, record: CustomerRecord, sets_external: bool,
                             returning: tuple[str, ...]) -> RowResult:
        try:
            truth = self.session.truth_table
            if sets_external and record.external_id is not None:
                entry = await truth.get(api.scope, record.external_id)
                if entry is not None and entry.sage_id not in (None, customer_id) and \
                        await api.get(int(entry.sage_id)) is not None:  # type: ignore[arg-type]
                    return _failed(record, _duplicate(record.shown(EXTERNAL_ID), record.external_id))
            if record.reference is not None:
                other = await api.find(record.reference)
                if other is not None and int(other["id"]) != customer_id:
                    return _failed(record, _duplicate(record.shown(REFERENCE), record.reference))
            if record.payload:
                try:
                    answer = await api.send("PUT", f"{self.path}/{customer_id}", record.payload, idempotent=True)
                except ApiRejection as exc:
                    if exc.status == 404:
                        return RowResult(record.index, WriteOutcome.NOT_FOUND, notes=tuple(record.notes))
                    return _failed(record, rejection_error(exc, record))
            else:
                answer = await api.get(customer_id)
                if answer is None:
                    return RowResult(record.index, WriteOutcome.NOT_FOUND, notes=tuple(record.notes))
            customer = answer if isinstance(answer, dict) else {"id": customer_id}
            if sets_external:
                if record.external_id is None:
                    await truth.forget_sage_id(api.scope, customer_id)
                else:
                    await truth.put(api.scope, Entry(record.external_id, customer_id, customer.get("reference")))
            return RowResult(record.index, WriteOutcome.UPDATED, key={ID: customer_id},
                             row=await self._row(api, customer, returning), notes=tuple(record.notes))
        except PgError as exc:
            return _failed(record, exc)
        except ApiRejection as exc:
            return _failed(record, rejection_error(exc, record))

    async def delete(self, customer_ids: Sequence[int], ctx: ScanContext, *, returning: tuple[str, ...] = (),
                     stop_on_error: bool = True,
                     on_result: Callable[[RowResult], None] | None = None) -> WriteResult:
        results = _Results(len(customer_ids), on_result)
        api = await self.api(ctx)
        try:
            for index, customer_id in enumerate(customer_ids):
                if stop_on_error and results.failed:
                    break
                results.put(await self._delete_one(api, index, customer_id, returning))
        finally:  # rows gone at the source (deleted now, or not found) leave the mirror too
            self.written(api, [customer_ids[r.index] for r in results.rows if r is not None and
                               r.outcome in (WriteOutcome.DELETED, WriteOutcome.NOT_FOUND)])
        return results.done()

    async def _delete_one(self, api: _Api, index: int, customer_id: int, returning: tuple[str, ...]) -> RowResult:
        try:
            before = None
            if returning:
                found = await api.get(customer_id)
                if found is None:
                    return RowResult(index, WriteOutcome.NOT_FOUND)
                before = await self._row(api, found, returning)
            try:
                await api.send("DELETE", f"{self.path}/{customer_id}", idempotent=True)
            except ApiRejection as exc:
                if exc.status == 404:
                    return RowResult(index, WriteOutcome.NOT_FOUND)
                return RowResult(index, WriteOutcome.FAILED, key={ID: customer_id}, error=_delete_error(exc, customer_id))
            await self.session.truth_table.forget_sage_id(api.scope, customer_id)
            return RowResult(index, WriteOutcome.DELETED, key={ID: customer_id}, row=before)
        except PgError as exc:
            return RowResult(index, WriteOutcome.FAILED, key={ID: customer_id}, error=exc)
        except ApiRejection as exc:
            return RowResult(index, WriteOutcome.FAILED, key={ID: customer_id}, error=_delete_error(exc, customer_id))


@dataclass(frozen=True)
class _ExternalIdScan:
    inner: ScanPlan  # the view's own scan (without ExternalId, with Id when ExternalId is wanted)
    wanted: bool  # ExternalId is among the columns


def qual_columns(qual: Qual) -> set[str]:
    if isinstance(qual, Comparison):
        return {qual.column}
    if isinstance(qual, Not):
        return qual_columns(qual.item)
    return set().union(*(qual_columns(q) for q in qual.items))


class _Results:
    """Collects one RowResult per row; rows never reached are NOT_ATTEMPTED."""

    def __init__(self, count: int, on_result: Callable[[RowResult], None] | None) -> None:
        self.rows: list[RowResult | None] = [None] * count
        self.on_result = on_result
        self.failed = False

    def put(self, result: RowResult) -> None:
        self.rows[result.index] = result
        self.failed = self.failed or result.outcome is WriteOutcome.FAILED
        if self.on_result is not None:
            self.on_result(result)

    def set(self, index: int, error: PgError | None, notes: Sequence[str] = ()) -> None:
        outcome = WriteOutcome.FAILED if error is not None else WriteOutcome.NOT_ATTEMPTED
        self.put(RowResult(index, outcome, error=error, notes=tuple(notes)))

    def done(self) -> WriteResult:
        out = [r if r is not None else RowResult(i, WriteOutcome.NOT_ATTEMPTED) for i, r in enumerate(self.rows)]
        if self.on_result is not None:
            for i, r in enumerate(self.rows):
                if r is None:
                    self.on_result(out[i])
        return WriteResult(out)


def _may_match(record: CustomerRecord, mode: WriteMode) -> bool:
    """Whether the record could turn out to be an update of an existing customer."""
    return (record.id is not None and ID in mode.match_on) or \
        (record.external_id is not None and EXTERNAL_ID in mode.match_on) or \
        (record.reference is not None and REFERENCE in mode.match_on)


def _failed(record: CustomerRecord, error: PgError) -> RowResult:
    return RowResult(record.index, WriteOutcome.FAILED, error=error, notes=tuple(record.notes))


def _key_value(by: str, record: CustomerRecord, customer: Mapping[str, Any]) -> Any:
    if by == ID:
        return record.id
    if by == EXTERNAL_ID:
        return record.external_id
    return record.reference or customer.get("reference")


def _duplicate(shown: str, value: Any) -> PgError:
    return PgError(UNIQUE_VIOLATION, f'duplicate key value violates unique constraint "{RELATION}_{shown}_key"',
                   detail=f'Key ("{shown}")=({value}) already exists.')


_FIELD_IN_MESSAGE = re.compile(r"'([a-z0-9_.]+)'")


def rejection_error(exc: ApiRejection, record: CustomerRecord | None = None, reference: str | None = None) -> PgError:
    """The API's refusal as a PgError that says what the API said."""
    if exc.data_code == "DuplicateReference":
        shown = record.shown(REFERENCE) if record is not None else REFERENCE
        value = reference or (record.reference if record is not None else "?")
        error = _duplicate(shown, value)
        error.detail = f"{error.detail} Sage 200 said: {exc.message}"
        return error
    sqlstate = "HV000" if exc.status >= 500 else _sqlstate_for(exc)
    return PgError(sqlstate, f"Sage 200 refused the customer: {exc.message}",
                   detail=f"{exc.request} → HTTP {exc.status}" + (f" {exc.data_code}" if exc.data_code else ""))


def _sqlstate_for(exc: ApiRejection) -> str:
    if exc.status in (401,):
        return "28000"
    if exc.status == 403:
        return "42501"
    return "22023" if exc.status in (400, 422) else "HV000"


def _delete_error(exc: ApiRejection, customer_id: int) -> PgError:
    if exc.data_code == "RecordInUse":
        return PgError(FOREIGN_KEY_VIOLATION, f'update or delete on table "{RELATION}" violates a Sage 200 '
                       f"constraint: {exc.message}", detail=f'Key ("Id")=({customer_id}) is still referenced.',
                       hint="Hide the account instead: SET \"AccountStatusType\" = 'AccountStatusHidden'.")
    return PgError(_sqlstate_for(exc), f"Sage 200 refused to delete customer {customer_id}: {exc.message}",
                   detail=f"{exc.request} → HTTP {exc.status}" + (f" {exc.data_code}" if exc.data_code else ""))


# ---------------------------------------------------------------------------
# The Writable the SQL layer calls
# ---------------------------------------------------------------------------


def records_from_rows(spec: TableSpec, rows: Sequence[Mapping[str, Any]], updating: bool) -> list[CustomerRecord]:
    """SQL rows (Customers column → value) as records, every field rule checked."""
    writes = spec.writes
    assert writes is not None
    out: list[CustomerRecord] = []
    for index, row in enumerate(rows):
        record = CustomerRecord(index)
        try:
            for name, value in row.items():
                _put_column(spec, record, name, value, updating)
        except PgError as exc:
            record.error = exc
        out.append(record)
    return out


def _put_column(spec: TableSpec, record: CustomerRecord, name: str, value: Any, updating: bool) -> None:
    column = spec.column(name)
    write_column = spec.writes.column(name) if spec.writes else None  # type: ignore[union-attr]
    if write_column is None:
        raise PgError(UNDEFINED_COLUMN, f'column "{name}" of relation "{spec.name}" does not exist')
    shown = write_column.name
    record.labels[write_column.name.lower()] = shown
    if write_column.name == ID:
        if updating:
            raise PgError(GENERATED_ALWAYS, f'column "{shown}" can only be updated to DEFAULT',
                          detail="Customer ids are assigned by Sage 200.")
        if value is not None:
            record.id = _as_id(value, shown)
        record.labels[ID] = shown
        return
    if write_column.name == EXTERNAL_ID:
        if value is not None and not isinstance(value, str):
            value = str(value)
        record.external_id = value if value is None or value.strip() else None
        record.labels[EXTERNAL_ID] = shown
        return
    f: Field | None = field_for_column(column.name) if column is not None else None
    if f is None or f.download_only:
        raise download_only_error(f or Field(name, "text"), shown, updating)
    if updating and f.create_only:
        raise create_only_error(shown)
    record.labels[f.path] = shown
    if f.path == "reference":
        record.labels[REFERENCE] = shown
    if f.path == "name":
        record.labels["name"] = shown
    set_path(record.payload, f.path, check_value(f, value, shown))


def _as_id(value: Any, shown: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise PgError("42804", f'column "{shown}" is of type bigint but expression is of type '
                               f"{type(value).__name__}")
    return value


class SageCustomersProvider(SageViewProvider):
    """The Customers view of one edition: read like any view, written through CustomerWriter. Its `ExternalId`
    column is not an API field: the rows are read (from the API or the mirror) without it and each batch gets
    it from the truth table, so it is current in every CacheMode; a qual on it is evaluated locally."""

    def __init__(self, spec: TableSpec, session: SageSession,
                 resources: Mapping[str, frozenset[str]] | None = None) -> None:
        super().__init__(dataclasses.replace(spec, columns=tuple(c for c in spec.columns if c.name != EXTERNAL_ID)),
                         session, resources)
        self.spec = spec  # what clients see: the view's columns and ExternalId (self.view_spec: without it)
        self.writer = CustomerWriter(spec, session)

    def plan(self, request: ScanRequest, ctx: ScanContext) -> ScanPlan:
        wanted = EXTERNAL_ID in request.columns
        local = [q for q in request.quals if EXTERNAL_ID in qual_columns(q)]
        columns = [c for c in request.columns if c != EXTERNAL_ID]
        if wanted and ID not in columns:
            columns.append(ID)
        by_external = any(k.column == EXTERNAL_ID for k in request.order_by)
        inner = ScanRequest(columns, [q for q in request.quals if q not in local],
                            order_by=[] if by_external or local else list(request.order_by),
                            limit=None if by_external or local else request.limit,
                            offset=0 if by_external or local else request.offset)
        plan = super().plan(inner, ctx)
        note = "ExternalId comes from the truth table, not the API: evaluated locally"
        return ScanPlan(request=request, pushed_quals=plan.pushed_quals, residual_quals=plan.residual_quals + local,
                        order_pushed=plan.order_pushed, limit_pushed=plan.limit_pushed,
                        description=plan.description + (["  ExternalId: from the truth table"] if wanted else []),
                        state=_ExternalIdScan(plan, wanted), rows_local=plan.rows_local,
                        reports=plan.reports + [QualReport(q, None, False, note) for q in local] if plan.reports
                        else [])

    async def scan(self, plan: ScanPlan, ctx: ScanContext) -> AsyncIterator[pa.RecordBatch]:
        state: _ExternalIdScan = plan.state
        columns = list(plan.request.columns)
        schema = arrow_schema(self.spec, columns)
        scope: Scope | None = None
        async for batch in super().scan(state.inner, ctx):
            if not state.wanted:
                yield batch
                continue
            if scope is None:
                site = await self.session.company(ctx, self.base_path)
                scope = Scope(site.site_id, site.company_id, ENTITY)
            ids = batch.column(ID).to_pylist()
            known = await self.session.truth_table.external_ids(scope, [i for i in ids if i is not None])
            arrays = [pa.array([known.get(i) for i in ids], type=pa.string()) if name == EXTERNAL_ID
                      else batch.column(name) for name in columns]
            yield pa.RecordBatch.from_arrays(arrays, schema=schema)

    async def insert(self, request: InsertRequest, ctx: ScanContext) -> WriteResult:
        records = records_from_rows(self.spec, request.rows, updating=False)
        writes = self.spec.writes
        assert writes is not None
        match_on = []
        for name in request.match_on:
            column = writes.column(name)
            if column is None or not column.identity:
                raise PgError("42P10", "there is no unique or exclusion constraint matching the ON CONFLICT "
                                       "specification")
            match_on.append(column.name)
        fields = None
        if request.update_columns is not None:
            fields = set()
            for name in request.update_columns:
                known = field_for_column(name)
                if known is not None:
                    fields.add(known.path.split(".")[0])
        mode = WriteMode(tuple(match_on), request.on_conflict, self.writer.auto_generate(ctx),
                         frozenset(fields) if fields is not None else None)
        return await self.writer.write(records, mode, ctx, returning=request.returning,
                                       stop_on_error=request.stop_on_error, on_result=request.on_result)

    async def update(self, request: UpdateRequest, ctx: ScanContext) -> WriteResult:
        records = records_from_rows(self.spec, [c.values for c in request.changes], updating=True)
        changes: list[tuple[int, CustomerRecord]] = []
        external: list[bool] = []
        for change, record in zip(request.changes, records, strict=True):
            key = _key_of(change.key)
            if key is None and record.error is None:
                record.error = PgError(INVALID_PARAMETER_VALUE, 'an UPDATE of "Customers" addresses rows by "Id"')
            changes.append((key or 0, record))
            external.append(any(name.lower() == EXTERNAL_ID.lower() for name in change.values))
        return await self.writer.update(changes, ctx, returning=request.returning,
                                        stop_on_error=request.stop_on_error, on_result=request.on_result,
                                        external_id_given=external)

    async def delete(self, request: DeleteRequest, ctx: ScanContext) -> WriteResult:
        ids = [_key_of(k) for k in request.keys]
        if any(i is None for i in ids):
            raise PgError(INVALID_PARAMETER_VALUE, 'a DELETE from "Customers" addresses rows by "Id"')
        return await self.writer.delete([int(i) for i in ids if i is not None], ctx, returning=request.returning,
                                        stop_on_error=request.stop_on_error, on_result=request.on_result)


def _key_of(key: Mapping[str, Any]) -> int | None:
    value = next((v for k, v in key.items() if k.lower() == ID.lower()), None)
    return value if isinstance(value, int) and not isinstance(value, bool) else None
