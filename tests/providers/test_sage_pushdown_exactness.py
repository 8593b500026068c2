"""Differential test: what plan() claims to push exactly must equal local evaluation.

For each predicate the oracle evaluates it in DuckDB over the whole view; the system under
test sends the plan's $filter to the sandbox and evaluates only the residual quals in
DuckDB. Both must give the same rows — including NULLs (`<>`, NOT) and case (text).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import duckdb
import httpx
import pyarrow as pa
import pytest
from fake_sage import Ctx

from pgserver.provider import AllOf, AnyOf, Comparison, Not, Op, Qual, ScanRequest, arrow_schema
from providers.sage200.data_source import SageDataSource
from providers.sage200.provider import SageViewProvider, sage_providers, session_of
from sage_sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, SandboxConfig, create_app

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def to_sql(qual: Qual, params: list[Any]) -> str:
    """PostgreSQL/DuckDB text for a qual (the oracle's reading of the contract)."""
    if isinstance(qual, AnyOf):
        return "(" + " OR ".join(to_sql(q, params) for q in qual.items) + ")"
    if isinstance(qual, AllOf):
        return "(" + " AND ".join(to_sql(q, params) for q in qual.items) + ")"
    if isinstance(qual, Not):
        return f"(NOT {to_sql(qual.item, params)})"
    column = f'"{qual.column}"'
    if qual.op in (Op.IS_NULL, Op.IS_NOT_NULL):
        return f"({column} {qual.op.value})"
    if qual.op is Op.IN:
        assert isinstance(qual.value, tuple)
        params.extend(qual.value)
        return f"({column} IN ({', '.join('?' for _ in qual.value)}))"
    params.append(qual.value)
    if qual.op in (Op.LIKE, Op.NOT_LIKE):
        return f"({column} {qual.op.value} ? ESCAPE '\\')"
    return f"({column} {qual.op.value} ?)"


def select_ids(table: pa.Table, quals: list[Qual]) -> list[int]:
    params: list[Any] = []
    where = " AND ".join(to_sql(q, params) for q in quals) or "TRUE"
    con = duckdb.connect()
    con.register("t", table)
    return sorted(r[0] for r in con.execute(f"SELECT Id FROM t WHERE {where}", params).fetchall())


async def scan(provider: SageViewProvider, request: ScanRequest) -> tuple[pa.Table, Any]:
    ctx = Ctx()
    plan = provider.plan(request, ctx)
    batches = [b async for b in provider.scan(plan, ctx)]
    return pa.Table.from_batches(batches, schema=arrow_schema(provider.spec, request.columns)), plan


async def test_pushed_predicates_match_local_evaluation() -> None:
    app = create_app(SandboxConfig())
    providers, _ = sage_providers(
        SageDataSource("http://sandbox.test", DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, transport=httpx.ASGITransport(app=app))
    )
    view = next(p for p in providers if p.spec.schema == "StandardUK" and p.spec.name == "SalesPostedTransactions")
    columns = [c.name for c in view.spec.columns if c.filterable]
    everything, _ = await scan(view, ScanRequest(columns))
    rows = everything.to_pylist()
    settled = next(r["FullSettlementDate"] for r in rows if r["FullSettlementDate"] is not None)
    assert any(r["FullSettlementDate"] is None for r in rows)  # the NULL cases are really exercised
    kind = rows[0]["TraderTransactionType"]
    reference = rows[5]["Reference"]
    updated = sorted(r["DateTimeUpdated"] for r in rows)[len(rows) // 2]
    ids = [r["Id"] for r in rows]
    cases: list[list[Qual]] = [
        [Comparison("FullSettlementDate", Op.IS_NULL)],
        [Comparison("FullSettlementDate", Op.IS_NOT_NULL)],
        [Comparison("FullSettlementDate", Op.NE, settled)],
        [Not(Comparison("FullSettlementDate", Op.EQ, settled))],
        [Comparison("FullSettlementDate", Op.GT, settled)],
        [Comparison("Id", Op.IN, (ids[0], ids[7], ids[-1], None))],
        [Comparison("Id", Op.GE, ids[10]), Comparison("Id", Op.LE, ids[40])],
        [Not(Comparison("Id", Op.EQ, ids[3]))],
        [Comparison("TraderTransactionType", Op.EQ, kind.lower())],
        [Comparison("TraderTransactionType", Op.EQ, kind)],
        [Comparison("Reference", Op.LIKE, reference[:3].swapcase() + "%")],
        [Comparison("Reference", Op.LIKE, "%" + reference[-2:])],
        [AnyOf((Comparison("DocumentGrossValue", Op.GT, Decimal("1000")), Comparison("FullSettlementDate", Op.IS_NULL)))],
        [Not(AnyOf((Comparison("CustomerId", Op.EQ, rows[0]["CustomerId"]), Comparison("FullSettlementDate", Op.EQ, settled))))],
        [Comparison("SettledImmediately", Op.EQ, True)],
        [Comparison("DateTimeUpdated", Op.GE, updated)],
        [Comparison("TransactionDate", Op.LT, dt.date(2025, 1, 1)), Comparison("DocumentGrossValue", Op.NE, Decimal("0"))],
    ]
    exact_cases = 0
    for quals in cases:
        expected = select_ids(everything, quals)
        got, plan = await scan(view, ScanRequest(columns, quals))
        assert select_ids(got, plan.residual_quals) == expected, quals
        if not plan.residual_quals:
            exact_cases += 1
            assert sorted(got.column("Id").to_pylist()) == expected, quals  # the API alone was exact
    assert exact_cases >= 10
    await session_of(providers).aclose()  # type: ignore[union-attr]
