"""An in-memory Provider for SQL-layer tests: pushes =/< on chosen columns and records everything.

It behaves like a real provider from the SQL layer's point of view: plan() answers which
offered quals it evaluates (only EQ and LT on `pushable` columns, plus AnyOf of those),
scan() yields several Arrow batches lazily and counts how many were pulled.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import anyio
import pyarrow as pa

from pgserver.provider import (
    AnyOf,
    Column,
    Comparison,
    Op,
    ProcedureParameter,
    ProcedureSpec,
    Qual,
    ScanContext,
    ScanPlan,
    ScanRequest,
    TableSpec,
    arrow_schema,
)


@dataclass
class MemoryProvider:
    spec: TableSpec
    rows: list[dict[str, Any]]
    pushable: set[str] = field(default_factory=set)
    push_order: bool = True
    batch_size: int = 2
    requests: list[ScanRequest] = field(default_factory=list)
    plans: list[ScanPlan] = field(default_factory=list)
    scans_started: int = 0
    batches_pulled: int = 0
    closed: int = 0
    scan_delay: float = 0.0  # seconds to wait before each batch (for cancel tests)
    contexts: list[ScanContext] = field(default_factory=list)
    scan_started: anyio.Event | None = None  # set when a scan begins (for cancel tests)
    fail_after_batches: int | None = None  # raise fail_with after this many batches
    fail_with: Exception | None = None

    def _can_push(self, qual: Qual) -> bool:
        if isinstance(qual, Comparison):
            return qual.op in (Op.EQ, Op.LT) and qual.column.lower() in self.pushable
        if isinstance(qual, AnyOf):
            return all(self._can_push(q) for q in qual.items)
        return False

    def plan(self, request: ScanRequest, ctx: ScanContext) -> ScanPlan:
        self.requests.append(request)
        pushed = [q for q in request.quals if self._can_push(q)]
        residual = [q for q in request.quals if not self._can_push(q)]
        order_ok = self.push_order and not residual
        plan = ScanPlan(request, pushed, residual, order_pushed=order_ok and bool(request.order_by),
                        limit_pushed=order_ok and request.limit is not None,
                        description=[f"GET /{self.spec.name.lower()} quals={len(pushed)}"])
        self.plans.append(plan)
        return plan

    def _matches(self, row: dict[str, Any], qual: Qual) -> bool:
        if isinstance(qual, AnyOf):
            return any(self._matches(row, q) for q in qual.items)
        assert isinstance(qual, Comparison)
        value = row[self.spec.column(qual.column).name]
        if value is None:
            return False
        if qual.op == Op.EQ:
            return value == qual.value
        return value < qual.value

    async def scan(self, plan: ScanPlan, ctx: ScanContext) -> AsyncIterator[pa.RecordBatch]:
        self.scans_started += 1
        self.contexts.append(ctx)
        if self.scan_started is not None:
            self.scan_started.set()
        request = plan.request
        rows = [r for r in self.rows if all(self._matches(r, q) for q in plan.pushed_quals)]
        if plan.order_pushed:
            for key in reversed(request.order_by):  # stable sorts, last key first
                name = self.spec.column(key.column).name
                nulls_first = key.descending if key.nulls_first is None else key.nulls_first
                present = sorted((r for r in rows if r[name] is not None), key=lambda r, n=name: r[n],
                                 reverse=key.descending)
                missing = [r for r in rows if r[name] is None]
                rows = missing + present if nulls_first else present + missing
        if plan.limit_pushed:
            rows = rows[request.offset : request.offset + (request.limit or len(rows))]
        schema = arrow_schema(self.spec, request.columns)
        try:
            for start in range(0, max(len(rows), 1), self.batch_size):
                if self.scan_delay:
                    await anyio.sleep(self.scan_delay)
                if self.fail_after_batches is not None and self.batches_pulled >= self.fail_after_batches:
                    assert self.fail_with is not None
                    raise self.fail_with
                chunk = rows[start : start + self.batch_size]
                arrays = [pa.array([r[f.name] for r in chunk], type=f.type) for f in schema]
                self.batches_pulled += 1
                yield pa.RecordBatch.from_arrays(arrays, schema=schema)
        finally:
            self.closed += 1


def customers_rows(count: int = 10) -> list[dict[str, Any]]:
    rows = []
    for i in range(1, count + 1):
        rows.append({
            "Id": i,
            "AccountNumber": f"C{i:03d}",
            "Name": f"Customer {i}" if i != 4 else None,
            "Balance": decimal.Decimal(f"{i * 10}.50"),
            "CreditLimit": i * 100,
            "IsActive": i % 3 != 0,
            "Created": dt.date(2024, 1, 1) + dt.timedelta(days=i - 1),
            "CurrencyId": 1 + i % 2,
        })
    return rows


CUSTOMERS_COLUMNS = (
    Column("Id", "bigint", is_key=True, nullable=False),
    Column("AccountNumber", "varchar(20)"),
    Column("Name", "varchar(60)"),
    Column("Balance", "numeric(18,2)"),
    Column("CreditLimit", "integer"),
    Column("IsActive", "boolean"),
    Column("Created", "date"),
    Column("CurrencyId", "bigint", references="Currencies.Id"),
)


def currencies_rows() -> list[dict[str, Any]]:
    return [{"Id": 1, "Code": "GBP", "Name": "Pound Sterling"}, {"Id": 2, "Code": "EUR", "Name": "Euro"},
            {"Id": 3, "Code": "USD", "Name": "US Dollar"}]


@dataclass
class EchoProcedure:
    """A procedure returning its input twice (like the OAuth helper procedures' shape)."""

    spec: ProcedureSpec
    calls: list[dict[str, Any]] = field(default_factory=list)

    async def call(self, arguments: Mapping[str, Any], ctx: ScanContext) -> list[tuple[Any, ...]]:
        self.calls.append(dict(arguments))
        url = f"https://auth.example/authorize?redirect={arguments.get('CallbackURL')}"
        return [(url, arguments.get("State") or "none")]


def echo_procedure() -> EchoProcedure:
    return EchoProcedure(ProcedureSpec("StandardUK", "GetOAuthAuthorizationURL", "Builds the URL", (
        ProcedureParameter("CallbackURL", "text", required=True),
        ProcedureParameter("State", "text"),
        ProcedureParameter("URL", "text", direction="OUT"),
        ProcedureParameter("StateOut", "text", direction="OUT"),
    )))
