"""Timeout bounds the whole wait on the API; rate limits slow a query down instead of failing it (issue 8).

Over real sockets: psycopg → pgserver → the sandbox over HTTP with injected faults.
"""

from __future__ import annotations

import time

import psycopg
import pytest

from .conftest import Stack

LINES = 'SELECT "SalesOrderId", "LineId", "LineTotalValue" FROM "SalesOrderLines" ORDER BY 1, 2'


def test_a_frozen_api_fails_the_query_within_timeout(stack: Stack, faults) -> None:
    faults("hang:1.0")
    with psycopg.connect(stack.dsn(), autocommit=True) as conn:
        conn.execute("SET Timeout = 3")
        started = time.monotonic()
        with pytest.raises(psycopg.errors.QueryCanceled) as err:
            conn.execute('SELECT count(*) FROM "Customers"').fetchall()
        elapsed = time.monotonic() - started
        assert "did not answer within Timeout (3 s)" in str(err.value)
        assert elapsed < 3 * 1.1, f"failed after {elapsed:.2f} s"  # Timeout + 10%, retries included
        faults("")
        assert conn.execute("SELECT 1").fetchone() == (1,)  # the connection stays usable


@pytest.mark.slow
def test_a_scan_under_20_percent_rate_limiting_always_succeeds(stack: Stack, faults, sandbox) -> None:
    with psycopg.connect(stack.dsn(), autocommit=True) as conn:
        conn.execute("SET PageSize = 50")
        expected = conn.execute(LINES).fetchall()
        assert len(expected) > 1000
        faults("429:0.2:retry_after=1", seed=11)
        for _ in range(3):
            sandbox.clear()
            assert conn.execute(LINES).fetchall() == expected
            limited = [r for r in sandbox.requests if r.status == 429]
            assert limited, "the scan met no rate limit: the test proves nothing"
