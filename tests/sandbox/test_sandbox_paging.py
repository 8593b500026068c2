"""A client paging a scale-100 view with $orderby/$top/$skip sees every row exactly once."""

from __future__ import annotations

import asyncio

import httpx

from sage_sandbox import SandboxConfig, create_app

from .conftest import PRO


def test_paging_a_scale_100_line_view_returns_every_row_once() -> None:
    async def run() -> None:
        app = create_app(SandboxConfig(scale=100, seed=11))
        headers = app.state.sandbox.auth_headers()
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://sandbox",
                                     headers=headers, timeout=120) as client:
            url = f"{PRO}/sop_order_line_views"
            total = (await client.get(url, params={"$count": "true"})).json()
            assert total >= 100_000
            seen: list[int] = []
            k = 0
            while True:
                page = (await client.get(url, params={
                    "$orderby": "sop_order_line_id", "$top": "500", "$skip": str(k * 500),
                    "$select": "sop_order_id,sop_order_line_id,customer_name,sop_order_line_total_value"})).json()
                seen.extend(row["sop_order_line_id"] for row in page)
                if len(page) < 500:
                    break
                assert len(page[0]) == 4
                k += 1
            assert len(seen) == total
            assert len(set(seen)) == total
            assert seen == sorted(seen)
            # and a plain resource paged literally by `$orderby=id`
            orders = (await client.get(f"{PRO}/sop_orders", params={"$count": "true"})).json()
            assert orders == 30_000
            ids: list[int] = []
            for skip in range(0, orders + 500, 500):
                page = (await client.get(f"{PRO}/sop_orders", params={
                    "$orderby": "id", "$top": "500", "$skip": str(skip), "$select": "id,document_no"})).json()
                ids.extend(row["id"] for row in page)
            assert len(ids) == len(set(ids)) == orders and ids == sorted(ids)
        assert len(app.state.sandbox.requests) == (k + 2) + 1 + (orders // 500 + 1)

    asyncio.run(run())
