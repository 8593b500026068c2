"""Shared set-up of the customer-write tests: a private sandbox over real HTTP and the Customers providers."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
import httpx

from pgserver.provider import UNOBSERVED
from providers.sage200.client import RetryPolicy
from providers.sage200.customer_writer import SageCustomersProvider
from providers.sage200.data_source import SageDataSource
from providers.sage200.provider import sage_providers
from sage_sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, SandboxConfig, create_app, serve_in_thread
from sage_sandbox.faults import FaultInjector, parse_fault_spec
from sage_sandbox.state import SandboxState

STD = "/uk/sage200/accounts/v1"


async def no_sleep(_: float) -> None:
    await anyio.sleep(0)


class Ctx:
    """A ScanContext over connection properties."""

    observer = UNOBSERVED

    def __init__(self, **props: Any) -> None:
        self.props = props

    def property(self, name: str) -> Any:
        return self.props.get(name)


@dataclass
class Sandbox:
    url: str
    state: SandboxState
    tmp: Path

    def source(self, **kw: Any) -> SageDataSource:
        return SageDataSource(self.url, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET,
                              token_store_path=str(self.tmp / "tokens.json"),
                              truth_table_path=str(self.tmp / "tokens.external-ids.sqlite"),
                              retry=RetryPolicy(sleep=no_sleep), **kw)

    def customers(self, schema: str = "StandardUK") -> SageCustomersProvider:
        """A fresh data source's Customers view (a new session: the truth table is read from its file)."""
        providers, _ = sage_providers(self.source())
        found = next(p for p in providers if p.spec.schema == schema and p.spec.name == "Customers")
        assert isinstance(found, SageCustomersProvider)
        return found

    def faults(self, spec: str) -> None:
        self.state.faults = FaultInjector(parse_fault_spec(spec), 7)

    def api(self, method: str, path: str, **kw: Any) -> httpx.Response:
        with httpx.Client(base_url=self.url, headers=self.state.auth_headers()) as client:
            return client.request(method, STD + path, **kw)

    def with_reference(self, reference: str) -> list[dict[str, Any]]:
        response = self.api("GET", "/customers", params={"$filter": f"reference eq '{reference}'"})
        response.raise_for_status()
        return response.json()

    def named(self, name: str) -> list[dict[str, Any]]:
        response = self.api("GET", "/customers", params={"$filter": f"name eq '{name}'"})
        response.raise_for_status()
        return response.json()

    def writes(self) -> list[Any]:
        return [r for r in self.state.requests if r.method in ("POST", "PUT", "DELETE") and "/accounts/" in r.path]


@contextmanager
def sandbox(tmp: Path) -> Iterator[Sandbox]:
    app = create_app(SandboxConfig())
    with serve_in_thread(app) as url:
        yield Sandbox(url, app.state.sandbox, tmp)
