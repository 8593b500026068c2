"""Every view and system table, read by real clients through the whole stack."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest

from providers.sage200.model import load_views
from tests.integration.conftest import PASSWORD, USER, Stack

VIEWS = load_views()
SYSTEM_TABLES = ["sys_catalogs", "sys_schemas", "sys_tables", "sys_tablecolumns", "sys_procedures",
                 "sys_procedureparameters", "sys_keycolumns", "sys_foreignkeys", "sys_primarykeys", "sys_indexes",
                 "sys_connection_props", "sys_sqlinfo", "sys_identity", "sys_information"]


async def _connect(stack: Stack, **kwargs: object) -> asyncpg.Connection:
    return await asyncpg.connect(host="127.0.0.1", port=stack.port, user=USER, password=PASSWORD,
                                 database="sage200", **kwargs)


def test_every_view_limit_5_with_asyncpg(stack: Stack) -> None:
    """All 78 views: columns in spec order with their names, at most 5 rows, at least one row each."""

    async def run() -> dict[str, tuple[list[str], int]]:
        conn = await _connect(stack)
        try:
            seen = {}
            for view in VIEWS:
                rows = await conn.fetch(f'SELECT * FROM "{view.schema}"."{view.name}" LIMIT 5')
                stmt = await conn.prepare(f'SELECT * FROM "{view.schema}"."{view.name}" LIMIT 5')
                seen[f"{view.schema}.{view.name}"] = ([a.name for a in stmt.get_attributes()], len(rows))
            return seen
        finally:
            await conn.close()

    seen = asyncio.run(run())
    assert len(seen) == 78
    for view in VIEWS:
        names, count = seen[f"{view.schema}.{view.name}"]
        assert names == [c.name for c in view.columns], view.name
        assert 1 <= count <= 5, f"{view.schema}.{view.name} returned {count} rows"


@pytest.mark.parametrize("table", SYSTEM_TABLES)
def test_every_system_table_with_psql(stack: Stack, table: str) -> None:
    result = stack.psql(f"SELECT count(*) FROM {table}", f"SELECT * FROM {table} LIMIT 3")
    count = int(result.stdout.splitlines()[0])
    # sys_identity reports the identities of rows this connection inserted: none yet.
    assert count == 0 if table == "sys_identity" else count >= 1, table


def test_system_tables_describe_the_views(stack: Stack) -> None:
    out = stack.psql(
        "SELECT count(*) FROM sys_tablecolumns WHERE CatalogName = 'sage200' AND SchemaName = 'StandardUK' "
        "AND TableName = 'Customers'",
        "SELECT count(*) FROM sys_tables WHERE SchemaName IN ('StandardUK', 'ProfessionalUK')",
    ).stdout.split()
    customers = next(v for v in VIEWS if v.schema == "StandardUK" and v.name == "Customers")
    assert out == [str(len(customers.columns)), "78"]


def test_joins_and_aggregates_across_views(stack: Stack) -> None:
    out = stack.psql(
        "SELECT count(*) FROM SalesOrderLines l JOIN SalesOrders o ON o.Id = l.SalesOrderId",
        "SELECT count(*) FROM SalesOrderLines",
        "SELECT count(*) FROM SalesOrderLines l LEFT JOIN Customers c ON c.Id = l.CustomerId WHERE c.Id IS NULL",
        "SELECT c.Reference, count(*) AS n FROM SalesOrders o JOIN Customers c ON c.Id = o.CustomerId "
        "GROUP BY c.Reference HAVING count(*) > 0 ORDER BY n DESC, c.Reference LIMIT 1",
    ).stdout.splitlines()
    joined, lines, orphans = int(out[0]), int(out[1]), int(out[2])
    assert joined == lines > 100  # every line's order exists
    assert orphans == 0  # every line's customer exists
    reference, n = out[3].split("|")
    assert reference and int(n) >= 1
