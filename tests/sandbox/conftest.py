"""Sandbox fixtures: one read-only sandbox on a real loopback port for the module set."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from sage_sandbox import SandboxConfig, SandboxState, create_app, serve_in_thread

PRO = "/uk/sage200extra/accounts/v1"
STD = "/uk/sage200/accounts/v1"


@dataclass
class Running:
    """A sandbox served over HTTP, with its state and an authenticated client."""

    base_url: str
    state: SandboxState
    client: httpx.Client

    def get(self, path: str, company: int = 1, **params: str) -> httpx.Response:
        return self.client.get(path, params=params, headers=self.state.auth_headers(company))


@pytest.fixture(scope="session")
def sandbox() -> Iterator[Running]:
    app = create_app(SandboxConfig(seed=200))
    with serve_in_thread(app) as base_url, httpx.Client(base_url=base_url, timeout=30) as client:
        yield Running(base_url, app.state.sandbox, client)
