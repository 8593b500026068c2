"""asyncpg and psycopg 3 on their own: type introspection, binary results, prepared statements, cursors."""

from __future__ import annotations

import asyncio
import datetime
from collections.abc import Awaitable, Callable, Iterator
from decimal import Decimal
from typing import Any, TypeVar

import asyncpg
import psycopg
import pytest
from psycopg.types import TypeInfo

from tests.clients.conftest import DATABASE, Mirror, SageCustomer
from tests.integration.conftest import PASSWORD, USER, Stack

T = TypeVar("T")
CUSTOMER_SQL = ('SELECT "Id", "Reference", "Name", "Balance", "OnHold", "DateTimeUpdated" '
                'FROM "StandardUK"."Customers"')


def with_asyncpg(stack: Stack, body: Callable[[asyncpg.Connection], Awaitable[T]], deadline_s: float = 60) -> T:
    """Run `body` on a fresh connection; a hung or runaway client is cut off after `deadline_s`."""

    async def run() -> T:
        conn = await asyncpg.connect(host="127.0.0.1", port=stack.port, user=USER, password=PASSWORD,
                                     database=DATABASE)
        try:
            return await asyncio.wait_for(body(conn), deadline_s)
        finally:
            conn.terminate()

    return asyncio.run(run())


@pytest.fixture
def pg(stack: Stack) -> Iterator[psycopg.Connection]:
    with psycopg.connect(stack.dsn()) as conn:
        yield conn


def expected_row(c: SageCustomer) -> tuple[int, str, str, Decimal]:
    return c.id, c.reference, c.name, Decimal(c.balance)


# asyncpg: binary results for every column, parameter types inferred by the server


def test_asyncpg_prepared_statement_types_and_binary_rows(stack: Stack, customers: list[SageCustomer]) -> None:
    async def body(conn: asyncpg.Connection) -> tuple[Any, Any, list[asyncpg.Record]]:
        stmt = await conn.prepare(CUSTOMER_SQL + ' WHERE "Id" = $1')
        rows = [await stmt.fetchrow(c.id) for c in customers]
        return ([(a.name, a.type.name) for a in stmt.get_attributes()], [t.name for t in stmt.get_parameters()],
                rows)

    attributes, parameters, rows = with_asyncpg(stack, body)
    assert attributes == [("Id", "int8"), ("Reference", "varchar"), ("Name", "varchar"), ("Balance", "numeric"),
                          ("OnHold", "bool"), ("DateTimeUpdated", "timestamp")]
    assert parameters == ["int8"]
    assert [tuple(r)[:4] for r in rows] == [expected_row(c) for c in customers]
    assert all(isinstance(r["OnHold"], bool) and isinstance(r["DateTimeUpdated"], datetime.datetime) for r in rows)


def test_asyncpg_cursor_in_a_transaction(stack: Stack) -> None:
    """asyncpg cursors are portals read in chunks (Execute with a row limit)."""

    async def body(conn: asyncpg.Connection) -> tuple[int, int, list[int]]:
        async with conn.transaction():
            ids = [r["Id"] async for r in conn.cursor('SELECT "Id" FROM "StandardUK"."Customers" ORDER BY "Id"',
                                                       prefetch=10)]
            cursor = await conn.cursor('SELECT "Id" FROM "StandardUK"."Customers" ORDER BY "Id"')
            first, second = await cursor.fetch(5), await cursor.fetch(5)
        total = await conn.fetchval('SELECT count(*) FROM "StandardUK"."Customers"')
        return total, len(ids), [r["Id"] for r in first + second]

    total, streamed, first_ten = with_asyncpg(stack, body)
    assert streamed == total > 10
    assert first_ten == sorted(first_ten) and len(set(first_ten)) == 10


def test_asyncpg_cursor_forward_moves_its_portal(stack: Stack) -> None:
    """Cursor.forward() sends `MOVE FORWARD n <portal>` for the protocol portal it bound: SQL cursor commands and
    protocol portals are one namespace in PostgreSQL, and the next Execute continues after the skipped rows."""

    async def body(conn: asyncpg.Connection) -> tuple[list[int], int, int, list[int], int, str]:
        async with conn.transaction():
            cursor = await conn.cursor("SELECT i FROM generate_series(1, 10) AS g(i)")
            first = [r[0] for r in await cursor.fetch(2)]
            moved = await cursor.forward(3)
            after = (await cursor.fetchrow())[0]
            rest = [r[0] for r in await cursor.fetch(10)]
            past_end = await cursor.forward(5)
            try:
                await conn.execute("MOVE 1 IN no_such_portal")
                missing = ""
            except asyncpg.PostgresError as exc:
                missing = f"{exc.sqlstate} {exc}"
        return first, moved, after, rest, past_end, missing

    first, moved, after, rest, past_end, missing = with_asyncpg(stack, body)
    assert (first, moved, after, rest, past_end) == ([1, 2], 3, 6, [7, 8, 9, 10], 0)
    assert missing == '34000 cursor "no_such_portal" does not exist'


def test_pg_cursors_lists_sql_cursors_and_protocol_portals_as_postgresql_does(stack: Stack, mirror: Mirror) -> None:
    """pg_cursors lists DECLAREd cursors (with the whole DECLARE, HOLD and BINARY as declared) and the extended
    protocol's portals: a bound asyncpg cursor and the unnamed portal of the statement reading pg_cursors."""
    cursors_sql = "SELECT name, statement, is_holdable, is_binary, is_scrollable FROM pg_cursors ORDER BY name"

    def declared(dsn: str) -> tuple[list[tuple], list[tuple], list[tuple]]:
        with psycopg.connect(dsn) as conn:
            conn.execute("DECLARE c1 BINARY CURSOR WITH HOLD FOR SELECT 1")
            conn.execute("DECLARE c2 NO SCROLL CURSOR FOR SELECT 2")
            simple = conn.execute(cursors_sql).fetchall()  # a simple Query: no portal of its own is listed
            extended = conn.execute(cursors_sql.replace("ORDER BY", "WHERE %s ORDER BY"), [True]).fetchall()
            times = conn.execute("SELECT count(*) FROM pg_cursors WHERE creation_time BETWEEN clock_timestamp() - "
                                 "interval '1 hour' AND clock_timestamp() "
                                 "AND pg_typeof(creation_time) = 'timestamptz'::regtype").fetchall()
            conn.execute("CLOSE c1")
            return simple, extended, times

    async def portals(conn: asyncpg.Connection) -> list[tuple]:
        async with conn.transaction():
            await conn.cursor("SELECT 3")
            rows = await conn.fetch(cursors_sql)
        return [(r[0] if not r[0].startswith("__asyncpg_portal") else "<asyncpg portal>", *r[1:]) for r in rows]

    ours = declared(f"host=127.0.0.1 port={stack.port} user={USER} password={PASSWORD} dbname={DATABASE}")
    theirs = declared(mirror.dsn())
    assert ours == theirs
    assert [r[0] for r in ours[1]] == ["", "c1", "c2"] and ours[0][0][1:4] == (
        "DECLARE c1 BINARY CURSOR WITH HOLD FOR SELECT 1", True, True)

    async def on_mirror() -> list[tuple]:
        conn = await asyncpg.connect(host="127.0.0.1", port=mirror.port, user=USER, database=DATABASE)
        try:
            return await portals(conn)
        finally:
            await conn.close()

    assert with_asyncpg(stack, portals) == asyncio.run(on_mirror())


def test_asyncpg_introspects_array_types(stack: Stack) -> None:
    async def body(conn: asyncpg.Connection) -> list[int]:
        return list(await conn.fetchval('SELECT array_agg("Id" ORDER BY "Id") FROM "StandardUK"."Currencies"'))

    ids = with_asyncpg(stack, body, deadline_s=15)
    assert ids and ids == sorted(ids)


# psycopg 3


def test_psycopg_type_introspection(pg: psycopg.Connection) -> None:
    int8, numeric = TypeInfo.fetch(pg, "int8"), TypeInfo.fetch(pg, "numeric")
    assert int8 is not None and (int8.oid, int8.array_oid) == (20, 1016)
    assert numeric is not None and (numeric.oid, numeric.array_oid) == (1700, 1231)


def test_psycopg_binary_results(pg: psycopg.Connection, customers: list[SageCustomer]) -> None:
    with pg.cursor(binary=True) as cur:
        cur.execute(CUSTOMER_SQL + ' WHERE "Id" = %s', [customers[0].id])
        (row,) = cur.fetchall()
        assert cur.pgresult is not None
        assert {cur.pgresult.fformat(i) for i in range(cur.pgresult.nfields)} == {1}  # all binary
    assert row[:4] == expected_row(customers[0])
    assert isinstance(row[4], bool) and isinstance(row[5], datetime.datetime)


def test_psycopg_prepared_statement(pg: psycopg.Connection, customers: list[SageCustomer]) -> None:
    rows = [pg.execute(CUSTOMER_SQL + ' WHERE "Id" = %s', [c.id], prepare=True).fetchone() for c in customers]
    assert [r[:4] for r in rows if r] == [expected_row(c) for c in customers]


def test_psycopg_sql_cursor_declare_fetch(pg: psycopg.Connection, customers: list[SageCustomer]) -> None:
    pg.execute('DECLARE first_customers CURSOR FOR SELECT "Id" FROM "StandardUK"."Customers" ORDER BY "Id"')
    assert [r[0] for r in pg.execute("FETCH 3 FROM first_customers")] == [c.id for c in customers[:3]]
    assert [r[0] for r in pg.execute("FETCH 2 FROM first_customers")] == [c.id for c in customers[3:5]]
    pg.execute("CLOSE first_customers")


def test_psycopg_named_server_side_cursor(pg: psycopg.Connection, customers: list[SageCustomer]) -> None:
    """DECLARE, then the cursor described as a protocol portal, then FETCH FORWARD itersize."""
    with pg.cursor(name="customers_cursor") as cur:
        cur.itersize = 7
        cur.execute('SELECT "Id" FROM "StandardUK"."Customers" ORDER BY "Id"')
        ids = [r[0] for r in cur]
    assert ids[:5] == [c.id for c in customers] and len(ids) > 7


def test_protocol_prepared_statement_visible_to_sql(stack: Stack) -> None:
    """Protocol and SQL prepared statements share one namespace (psqlODBC DEALLOCATEs what it Parsed)."""
    with psycopg.connect(stack.dsn(), prepare_threshold=0) as conn:
        conn.execute("SELECT 1")  # prepared as _pg3_0
        names = [r[0] for r in conn.execute("SELECT name FROM pg_prepared_statements", prepare=False)]
        assert "_pg3_0" in names
        conn.execute("DEALLOCATE _pg3_0", prepare=False)


def test_pg_prepared_statements_lists_sql_and_protocol_statements(stack: Stack) -> None:
    """PostgreSQL lists PREPAREd statements with from_sql true and Parse'd ones with from_sql false."""
    with psycopg.connect(stack.dsn(), prepare_threshold=0, autocommit=True) as conn:
        conn.execute("SELECT 2 WHERE 1 = %s", [1])  # Parse'd as _pg3_0
        conn.execute("PREPARE by_sql(int8) AS SELECT $1 + 1", prepare=False)
        query = "SELECT name, statement, from_sql, prepare_time IS NOT NULL FROM pg_prepared_statements ORDER BY 1"
        listed = conn.execute(query, prepare=False).fetchall()
        assert listed == [("_pg3_0", "SELECT 2 WHERE 1 = $1", False, True),
                          ("by_sql", "PREPARE by_sql(int8) AS SELECT $1 + 1", True, True)]
        conn.execute("DEALLOCATE by_sql", prepare=False)
        assert [r[0] for r in conn.execute(query, prepare=False)] == ["_pg3_0"]


def test_case_branches_with_casts(pg: psycopg.Connection) -> None:
    """psqlODBC's SQLForeignKeys query has 'case ref.confupdtype when 'c' then 0::int2 ...'."""
    assert pg.execute("SELECT CASE 'c' WHEN 'c' THEN 0::int2 ELSE 3::int2 END").fetchone() == (0,)


def test_errors_keep_the_connection_usable(pg: psycopg.Connection) -> None:
    with pytest.raises(psycopg.errors.UndefinedTable):
        pg.execute('SELECT * FROM "StandardUK"."NoSuchView"')
    pg.rollback()
    with pytest.raises(psycopg.errors.UndefinedColumn):
        pg.execute('SELECT "NoSuchColumn" FROM "StandardUK"."Customers"')
    pg.rollback()
    assert pg.execute('SELECT count(*) FROM "StandardUK"."Currencies"').fetchone()[0] >= 1


def test_any_of_an_array_parameter(pg: psycopg.Connection) -> None:
    """pgcli's completion refresher and pgspecial's \\dt send 'c.relkind = ANY(%s)' with a text[] parameter."""
    rows = pg.execute("SELECT n.nspname, c.relname FROM pg_catalog.pg_class c LEFT JOIN pg_catalog.pg_namespace n "
                      "ON n.oid = c.relnamespace WHERE c.relkind = ANY(%s) ORDER BY 1, 2", [["r", "p", "f"]]).fetchall()
    assert ("StandardUK", "Customers") in rows


# pg8000: a pure-Python driver with its own protocol code (unnamed statements, its own parameter type OIDs)


def _pg8000_answers(port: int, password: str | None, customer_id: int) -> dict[str, Any]:
    pg8000 = pytest.importorskip("pg8000.native")
    conn = pg8000.Connection(USER, host="127.0.0.1", port=port, database=DATABASE, password=password)
    try:
        answers: dict[str, Any] = {}

        def record(name: str, sql: str, **params: Any) -> None:
            rows = conn.run(sql, **params)
            answers[name] = (rows, [(c["name"], c["type_oid"]) for c in conn.columns or []])

        record("types", "SELECT 1, 2::int8, 1.50::numeric, 'a'::text, true, NULL::int, DATE '2024-02-29', "
                        "TIMESTAMP '2024-01-02 03:04:05.678', '{\"a\": [1, 2]}'::jsonb, ARRAY[1, 2], '\\x00ff'::bytea")
        record("parameters", "SELECT :a::int + 1 AS a, :b || 'x' AS b, :c::numeric * 2 AS c, :d AS d, :e::date + 1 AS e",
               a=41, b="y", c=Decimal("1.25"), d=None, e=datetime.date(2024, 2, 28))
        try:
            conn.run("SELECT * FROM no_such_table")
        except pytest.importorskip("pg8000").exceptions.DatabaseError as err:
            answers["error"] = (err.args[0]["C"], err.args[0]["M"])
        record("after_error", "SELECT 'still usable'")
        record("view", 'SELECT "Id", "Reference", "Name" FROM "StandardUK"."Customers" WHERE "Id" = :id',
               id=customer_id)
        return answers
    finally:
        conn.close()


def test_pg8000_answers_as_postgresql(stack: Stack, mirror: Mirror, customers: list[SageCustomer]) -> None:
    ours = _pg8000_answers(stack.port, PASSWORD, customers[1].id)
    theirs = _pg8000_answers(mirror.port, None, customers[1].id)
    for name in ("types", "parameters", "error", "after_error"):
        assert ours[name] == theirs[name], name
    c = customers[1]
    assert ours["view"] == ([[c.id, c.reference, c.name]], [("Id", 20), ("Reference", 1043), ("Name", 1043)])
