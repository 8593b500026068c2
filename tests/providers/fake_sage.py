"""A scripted Sage 200 API for httpx.MockTransport: canned rows, recorded requests, faults.

It implements only what the provider runtime's unit tests need — Sage ID's /authorize and
/oauth/token (with refresh-token rotation), GET /sites, and one collection paged by
$orderby=id/$top/$skip with $count=true and a tiny `id eq N` filter — and lets a test
script failures per data request ("503", "429:<seconds>", "truncate", "hang", "short",
"dup", "400", "revoke"). The full emulator lives in sage_sandbox and is used by the integration tests.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlencode

import anyio
import httpx

from pgserver.provider import UNOBSERVED

BASE = "/uk/sage200/accounts/v1"
SITE = {"site_id": "c3a91133-a250-c54f-e9ac-08d507348a36", "site_name": "Main", "site_short_name": "M"}


def customer(i: int) -> dict[str, Any]:
    return {
        "id": i,
        "reference": f"C{i:05d}",
        "name": f"Customer {i}",
        "balance": f"{i}.25",
        "on_hold": i % 2 == 0,
        "date_time_updated": f"2025-02-{1 + i % 28:02d}T14:03:57.6Z",
        "main_address": {"address_1": f"{i} High St", "city": "Leeds"},
        "contacts": [{"id": i * 10, "name": "Ann"}],
    }


@dataclass
class FakeSage:
    rows: list[dict[str, Any]]
    faults: list[str] = field(default_factory=list)  # consumed one per data GET (pages and $count)
    delay: float = 0.0  # seconds each data GET takes
    expires_in: int = 3600
    companies: tuple[int, ...] = (101, 202)
    requests: list[httpx.Request] = field(default_factory=list)
    in_flight: int = 0
    max_in_flight: int = 0
    cancelled: int = 0
    issued: int = 0
    valid_access: set[str] = field(default_factory=set)
    valid_refresh: str | None = None
    codes: set[str] = field(default_factory=set)
    token_posts: list[dict[str, str]] = field(default_factory=list)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def data_requests(self) -> list[str]:
        """Path + decoded query of every GET on the collection, in arrival order."""
        out = []
        for r in self.requests:
            if r.url.path.startswith(BASE) and not r.url.path.endswith("/sites"):
                query = "&".join(f"{k}={v[0]}" for k, v in parse_qs(r.url.query.decode(), keep_blank_values=True).items())
                out.append(f"{r.url.path}?{query}" if query else r.url.path)
        return out

    # -- Sage ID ---------------------------------------------------------------

    def _tokens(self) -> dict[str, Any]:
        self.issued += 1
        access, refresh = f"access-{self.issued}", f"refresh-{self.issued}"
        self.valid_access.add(access)
        self.valid_refresh = refresh
        return {"access_token": access, "refresh_token": refresh, "expires_in": self.expires_in,
                "token_type": "Bearer", "id_token": "x"}

    def _token_endpoint(self, request: httpx.Request) -> httpx.Response:
        form = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
        self.token_posts.append(form)
        if form.get("client_id") != "demo-client" or form.get("client_secret") != "demo-secret":
            return httpx.Response(401, json={"error": "invalid_client"})
        if form.get("grant_type") == "authorization_code" and form.get("code") in self.codes:
            self.codes.discard(form["code"])
            return httpx.Response(200, json=self._tokens())
        if form.get("grant_type") == "refresh_token" and form.get("refresh_token") == self.valid_refresh:
            return httpx.Response(200, json=self._tokens())
        return httpx.Response(400, json={"error": "invalid_grant", "error_description": "unknown grant"})

    def _authorize(self, request: httpx.Request) -> httpx.Response:
        q = dict(request.url.params)
        code = f"code-{len(self.codes) + self.issued}"
        self.codes.add(code)
        target = q["redirect_uri"] + "?" + urlencode({"code": code, "state": q.get("state", "")})
        return httpx.Response(302, headers={"location": target})

    # -- API ---------------------------------------------------------------------

    def revoke_all(self) -> None:
        self.valid_access.clear()

    async def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path = request.url.path
        if path == "/oauth/token" and request.method == "POST":
            return self._token_endpoint(request)
        if path == "/authorize":
            return self._authorize(request)
        bearer = request.headers.get("authorization", "").removeprefix("Bearer ")
        if bearer not in self.valid_access:
            return httpx.Response(401, content=b"")
        if path == BASE + "/sites":
            return httpx.Response(200, json=[{**SITE, "company_id": c, "company_name": f"Co {c}"} for c in self.companies])
        if "x-site" not in request.headers or "x-company" not in request.headers:
            return httpx.Response(401, content=b"")
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if self.delay:
                await anyio.sleep(self.delay)
            fault = self.faults.pop(0) if self.faults else "ok"
            if fault == "revoke":  # every token dies now (e.g. revoked by an administrator)
                self.revoke_all()
                return httpx.Response(401, content=b"")
            return await self._collection(request, fault)
        except BaseException:
            self.cancelled += 1
            raise
        finally:
            self.in_flight -= 1

    async def _collection(self, request: httpx.Request, fault: str) -> httpx.Response:
        if fault == "503":
            return httpx.Response(503, text="busy")
        if fault.startswith("429"):
            return httpx.Response(429, headers={"retry-after": fault.split(":")[1]}, text="slow down")
        if fault == "hang":
            await anyio.sleep_forever()
        if fault == "400":
            return httpx.Response(400, json=[{"$severity": "Error", "$message": "Unknown field 'nope'"}])
        params = dict(request.url.params)
        rows = sorted(self.rows, key=lambda r: r["id"])
        if m := re.fullmatch(r"id eq (\d+)", params.get("$filter", "")):
            rows = [r for r in rows if r["id"] == int(m.group(1))]
        if params.get("$count") == "true":
            return httpx.Response(200, text=str(len(rows)))
        skip, top = int(params.get("$skip", 0)), int(params.get("$top", 500))
        page = rows[skip : skip + top]
        if fault == "short" and page:
            page = page[:-1]
        if fault == "dup" and len(page) > 1:
            page = [page[0], *page[:-1]]
        body = json_bytes(page)
        if fault == "truncate":
            body = body[: len(body) // 2]
        return httpx.Response(200, content=body, headers={"content-type": "application/json"})


def json_bytes(value: Any) -> bytes:
    """JSON where Decimal values are written as numbers with exactly their digits."""
    text = json.dumps(value, default=lambda d: f"@@{d}@@" if isinstance(d, Decimal) else str(d))
    return re.sub(r'"@@([-0-9.eE+]+)@@"', r"\1", text).encode()


class Ctx:
    """A ScanContext over a dict of connection properties. These tests are about the API itself, so the mirror
    is off unless a test sets CacheMode (tests/providers/test_sage_mirror.py does)."""

    observer = UNOBSERVED

    def __init__(self, **props: Any) -> None:
        self.props = {"CacheMode": "LIVE", **props}

    def property(self, name: str) -> Any:
        return self.props.get(name)
