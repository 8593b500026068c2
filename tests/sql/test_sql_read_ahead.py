"""An Execute with a row limit over a local result reads and encodes the next one's rows ahead, in a worker thread
(QueryCursor._start_ahead): chunks still come in order, whatever limits follow, errors surface at the Execute
that reaches them, and a portal closed with rows read ahead leaves the session usable."""

from __future__ import annotations

import anyio
import pytest
from sql_helpers import error_of, make_world, run

from pgserver import types as pgtypes

pytestmark = pytest.mark.anyio

ROWS = 30_000
SERIES = f"SELECT i, 'row ' || i AS label FROM generate_series(1, {ROWS}) AS g(i)"


async def _open(engine, sql: str):  # type: ignore[no-untyped-def]
    prepared = await engine.prepare(sql, [])
    return await engine.execute(prepared, [])


async def _chunks(cursor, limits: list[int | None]) -> list[tuple[bytes, int]]:  # type: ignore[no-untyped-def]
    """One Execute per limit, as the query loop sends it (pgserver.server.query_loop._stream_rows): the cursor's
    answers until the limit or the end (a row-limited Execute may come in more than one part)."""
    ctx = pgtypes.FormatContext()
    formats = [0] * len(cursor.columns)
    out = []
    for limit in limits:
        data, rows = await cursor.fetch_data_rows(limit, cursor.columns, formats, ctx)
        parts = [data]
        while limit is not None and 0 < rows < limit:
            more, count = await cursor.fetch_data_rows(limit - rows, cursor.columns, formats, ctx)
            if not count:
                break
            parts.append(more)
            rows += count
        out.append((b"".join(parts), rows))
    return out


def _data_rows(data: bytes) -> list[bytes]:
    """The DataRow messages of a byte string, one per row."""
    rows, at = [], 0
    while at < len(data):
        assert data[at:at + 1] == b"D"
        length = int.from_bytes(data[at + 1:at + 5], "big")
        rows.append(data[at:at + 1 + length])
        at += 1 + length
    return rows


async def test_chunks_read_ahead_come_in_order_whatever_the_next_limit(engine) -> None:
    whole = await _open(engine, SERIES)
    expected = _data_rows(b"".join(data for data, _ in await _chunks(whole, [None] * 10)))
    await whole.close()
    assert len(expected) == ROWS
    cursor = await _open(engine, SERIES)
    limits: list[int | None] = [5000, 5000, 3, 5000, 9000, 1, None, None, None, None]
    chunks = await _chunks(cursor, limits)
    counts = [rows for _, rows in chunks]
    assert counts[:6] == [5000, 5000, 3, 5000, 9000, 1]
    assert sum(counts) == ROWS and counts[-1] == 0
    assert _data_rows(b"".join(data for data, _ in chunks)) == expected
    assert all(len(_data_rows(data)) == rows for data, rows in chunks)
    assert cursor.command_tag == f"SELECT {ROWS}"
    await cursor.close()


async def test_a_first_large_execute_answers_its_first_rows_at_once(engine) -> None:
    """The client decodes the first FIRST_ROWS while the rest of the Execute is encoded ahead; then every Execute
    of the same limit is answered from a read-ahead of that limit."""
    from pgserver.sql.run.execution import FIRST_ROWS

    cursor = await _open(engine, SERIES)
    ctx, formats = pgtypes.FormatContext(), [0] * len(cursor.columns)
    parts = [await cursor.fetch_data_rows(5000, cursor.columns, formats, ctx)]
    parts.append(await cursor.fetch_data_rows(5000 - parts[0][1], cursor.columns, formats, ctx))
    parts.append(await cursor.fetch_data_rows(5000, cursor.columns, formats, ctx))
    assert [rows for _, rows in parts] == [FIRST_ROWS, 5000 - FIRST_ROWS, 5000]
    rows = _data_rows(b"".join(data for data, _ in parts))
    assert rows[0].endswith(b"row 1") and rows[-1].endswith(b"row 10000") and len(rows) == 10000
    await cursor.close()


async def test_an_error_past_the_first_chunk_fails_a_later_execute(engine) -> None:
    cursor = await _open(engine, f"SELECT 10 / (i - 20000) FROM generate_series(1, {ROWS}) AS g(i)")
    (data, rows), = await _chunks(cursor, [5000])
    assert rows == 5000 and len(_data_rows(data)) == 5000
    with pytest.raises(Exception) as raised:
        await _chunks(cursor, [5000] * 5)
    assert getattr(raised.value, "sqlstate", None) == "22012"  # division_by_zero, as PostgreSQL says
    await cursor.close()
    assert (await run(engine, "SELECT 1")).rows == [(1,)]


async def test_closing_a_portal_with_rows_read_ahead_keeps_the_session_usable(engine) -> None:
    for _ in range(3):
        cursor = await _open(engine, SERIES)
        (_, rows), = await _chunks(cursor, [5000])
        assert rows == 5000
        await cursor.close()  # the next 5000 are being read ahead
    assert (await run(engine, "SELECT count(*) FROM generate_series(1, 10)")).rows == [(10,)]
    assert "division by zero" in (await error_of(engine, "SELECT 1 / 0")).message


async def test_a_live_provider_scan_is_not_read_ahead() -> None:
    """Reading ahead of a scan the mirror did not answer would ask the API for pages the client may never want."""
    world = make_world(rows=20000, batch_size=100)
    engine = await world.factory.connect("demo", "sage200", {})
    try:
        cursor = await _open(engine, "select id from customers")
        (_, rows), = await _chunks(cursor, [5000])
        assert rows == 5000
        pulled = world.customers.batches_pulled
        await anyio.sleep(0.3)  # a read-ahead of the next 5000 rows would be pulling pages meanwhile
        assert world.customers.batches_pulled == pulled < 100
        await cursor.close()
    finally:
        await engine.close()
