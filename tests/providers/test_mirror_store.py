"""The mirror store's write path (providers/mirror/store.py, decision 0973): a refresh that changes nothing writes
nothing, its verification is kept in memory and written at a bounded rate, and a restart never trusts a mirror
more than the file says it was verified."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from providers.mirror import store as store_module
from providers.mirror.store import STATE_TABLE, MirrorStore

SCHEMA = pa.schema([("k", pa.int64()), ("v", pa.string()), ("n", pa.decimal128(10, 2))])


def batch(*rows: tuple[int, str, str]) -> pa.RecordBatch:
    from decimal import Decimal

    return pa.RecordBatch.from_pylist([{"k": k, "v": v, "n": Decimal(n)} for k, v, n in rows], schema=SCHEMA)


def refresh(store: MirrorStore, at: float, *rows: tuple[int, str, str]) -> tuple[int, int, bool]:
    with store.write("V", SCHEMA, ["k"]) as write:
        inserted, updated = write.upsert(batch(*rows)) if not write.is_new else (write.append(batch(*rows)) or
                                                                                  (len(rows), 0))
        write.finish(watermark=None, verified_at=at, reconciled_at=1.0, dependencies={})
        return inserted, updated, write.began


def committed_verified_at(path: Path) -> float:
    with duckdb.connect(str(path)) as db:  # (the same database instance: what is committed)
        return float(db.execute(f"SELECT verified_at FROM {STATE_TABLE} WHERE view = 'V'").fetchall()[0][0])


def test_an_unchanged_refresh_writes_nothing_and_is_persisted_at_a_bounded_rate(tmp_path: Path) -> None:
    path = tmp_path / "m.duckdb"
    store = MirrorStore(path)
    assert refresh(store, 100.0, (1, "a", "1.50"), (2, "b", "2.00")) == (2, 0, True)  # the fill
    assert refresh(store, 200.0, (2, "b", "2.00")) == (0, 0, False)  # read again unchanged: no transaction
    assert store.state("V").verified_at == 200.0 and store.state("V").rows == 2
    assert committed_verified_at(path) == 100.0  # kept in memory: the file still says 100
    assert refresh(store, 300.0, (2, "b", "2.5"), (3, "c", "0")) == (1, 1, True)  # a change: one transaction
    assert committed_verified_at(path) == 300.0 and store.state("V").rows == 3
    store.close()
    reopened = MirrorStore(path)
    assert reopened.state("V").verified_at == 300.0
    with reopened.cursor() as cursor:
        assert cursor.execute('SELECT k, v, n FROM "V" ORDER BY k').fetchall() == [
            (1, "a", pytest.approx(1.5)), (2, "b", pytest.approx(2.5)), (3, "c", 0)]
    reopened.close()


def test_the_first_unchanged_refresh_after_the_last_write_a_minute_ago_is_written(tmp_path: Path,
                                                                                   monkeypatch) -> None:
    path = tmp_path / "m.duckdb"
    store = MirrorStore(path)
    refresh(store, 100.0, (1, "a", "1"))
    monkeypatch.setattr(store_module, "PERSIST_SECONDS", 0.0)
    assert refresh(store, 200.0, (1, "a", "1"))[2] is False
    assert committed_verified_at(path) == 200.0  # the bound has passed: persisted at once (a small update)
    store.close()


def test_a_restart_trusts_only_what_the_file_says(tmp_path: Path) -> None:
    """A process that ends without closing its store (killed) loses verifications kept in memory: the next one
    sees the older time, so a TOLERANT read refreshes sooner — never later than it should."""
    path = tmp_path / "m.duckdb"
    store = MirrorStore(path)
    refresh(store, 100.0, (1, "a", "1"))
    refresh(store, 500.0, (1, "a", "1"))
    assert store.state("V").verified_at == 500.0
    after_crash = MirrorStore(path)  # a second store on the file, as a restarted process would open it
    assert after_crash.state("V").verified_at == 100.0
    store.close()  # an orderly close writes it
    assert committed_verified_at(path) == 500.0
    after_crash.close()


def test_marking_stale_forgets_a_verification_kept_in_memory(tmp_path: Path) -> None:
    store = MirrorStore(tmp_path / "m.duckdb")
    refresh(store, 100.0, (1, "a", "1"))
    refresh(store, 200.0, (1, "a", "1"))
    assert store.mark_stale("V", pa.table({"k": pa.array([1], pa.int64())}))
    state = store.state("V")
    assert state.verified_at == 0 and state.rows == 0
    store.close()  # nothing newer to write: the stale mark stays
    again = MirrorStore(tmp_path / "m.duckdb")
    assert again.state("V").verified_at == 0
    again.close()


def test_rows_read_again_are_compared_with_the_mirror_when_not_in_memory(tmp_path: Path) -> None:
    path = tmp_path / "m.duckdb"
    store = MirrorStore(path)
    refresh(store, 100.0, (1, "a", "1"), (2, "b", "2"))  # a fill keeps no rows in memory
    assert refresh(store, 200.0, (1, "a", "1")) == (0, 0, False)  # found unchanged in the mirror itself
    assert refresh(store, 300.0, (1, "A", "1")) == (0, 1, True)  # and changed
    store.close()


def _read(store: MirrorStore, sql: str = "SELECT k, v FROM {table} ORDER BY k", params: tuple = ()) -> list[tuple]:
    rows: list[tuple] = []
    for part in store.read("V", sql, params, batch_rows=2):
        rows.extend(zip(*[c.to_pylist() for c in part.columns], strict=True))
    return rows


def test_a_repeated_read_is_answered_from_memory_until_the_view_changes(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Whole reads are kept (providers/mirror/store._Answers) while nothing commits to their view: a refresh that
    changes rows, marking stale and dropping the view each make the next read go to DuckDB again."""
    store = MirrorStore(tmp_path / "m.duckdb")
    refresh(store, 10.0, (1, "a", "1.00"), (2, "b", "2.00"), (3, "c", "3.00"))
    queries: list[str] = []
    real_cursor = store.cursor

    def counting_cursor() -> duckdb.DuckDBPyConnection:
        queries.append("read")
        return real_cursor()

    monkeypatch.setattr(store, "cursor", counting_cursor)
    assert _read(store) == [(1, "a"), (2, "b"), (3, "c")] and len(queries) == 1
    assert _read(store) == [(1, "a"), (2, "b"), (3, "c")] and len(queries) == 1  # kept
    assert _read(store, params=()) == _read(store) and len(queries) == 1
    assert _read(store, "SELECT k, v FROM {table} WHERE k > ? ORDER BY k", (1,)) == [(2, "b"), (3, "c")]
    assert len(queries) == 2  # another statement or parameters: read
    partial = store.read("V", "SELECT k FROM {table} ORDER BY k", (), batch_rows=1)
    next(partial)
    partial.close()  # a read not taken to its end is not kept
    assert [r[0] for r in _read(store, "SELECT k FROM {table} ORDER BY k")] == [1, 2, 3] and len(queries) == 4

    refresh(store, 11.0, (2, "B", "2.00"))  # a change commits: the kept answer is old
    assert _read(store) == [(1, "a"), (2, "B"), (3, "c")]
    refresh(store, 12.0, (2, "B", "2.00"))  # no change, no commit: still kept
    before = len(queries)
    assert _read(store) == [(1, "a"), (2, "B"), (3, "c")] and len(queries) == before
    store.mark_stale("V", pa.table({"k": pa.array([3], pa.int64())}))
    assert _read(store) == [(1, "a"), (2, "B")]
    store.drop("V")
    with pytest.raises(duckdb.Error):
        _read(store)
