"""Fixtures of the differential corpus: our server (the integration stack) and a PostgreSQL 15 mirror holding
the same (empty) tables; the figure `N/M identical` is printed at the end of the test run."""

from __future__ import annotations

from typing import Any

import pytest

from tests.clients.conftest import mirror, stack  # noqa: F401 - the shared session fixtures

FIGURES: list[str] = []


def pytest_terminal_summary(terminalreporter: Any) -> None:
    for line in FIGURES:
        terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def figures() -> list[str]:
    return FIGURES
