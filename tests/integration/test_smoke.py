from __future__ import annotations

from tests.integration.conftest import Stack


def test_psql_reads_a_view(stack: Stack) -> None:
    out = stack.psql("select Id, Reference from Customers order by Id limit 2").stdout
    assert out.splitlines() == ["27825|A1D001", "27826|LAK001"]
