"""The external-id truth table: durable across instances (restarts), atomic on a failed write, per company."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import anyio
import pytest

from pgserver.errors import PgError
from providers.sage200.truth_table import Entry, Scope, TruthTable

ONE = Scope("site", 1, "customers")
TWO = Scope("site", 2, "customers")


def test_entries_survive_a_restart_and_are_per_company(tmp_path: Path) -> None:
    path = tmp_path / "truth.sqlite"
    first = TruthTable(path)
    anyio.run(first.put, ONE, Entry("e1", 10, "REF001"))
    anyio.run(first.put, TWO, Entry("e1", 99, "OTHER1"))
    again = TruthTable(path)  # a restarted server
    assert anyio.run(again.get, ONE, "e1") == Entry("e1", 10, "REF001")
    assert anyio.run(again.get, TWO, "e1") == Entry("e1", 99, "OTHER1")
    assert anyio.run(again.external_ids, ONE, [10, 11]) == {10: "e1"}


def test_a_sage_id_has_one_external_id(tmp_path: Path) -> None:
    truth = TruthTable(tmp_path / "truth.sqlite")
    anyio.run(truth.put, ONE, Entry("old", 10, "REF001"))
    anyio.run(truth.put, ONE, Entry("new", 10, "REF001"))
    assert anyio.run(truth.get, ONE, "old") is None and anyio.run(truth.external_ids, ONE, [10]) == {10: "new"}
    anyio.run(truth.forget_sage_id, ONE, 10)
    assert anyio.run(truth.get, ONE, "new") is None


def test_a_write_that_fails_half_way_leaves_the_previous_state(tmp_path: Path) -> None:
    truth = TruthTable(tmp_path / "truth.sqlite")
    anyio.run(truth.put, ONE, Entry("kept", 10, "REF001"))
    # the DELETE of the old mapping runs, then the INSERT fails: the transaction must roll back
    broken = Entry("other", 10, "REF001", name=object())  # type: ignore[arg-type]
    with pytest.raises(PgError) as caught:
        anyio.run(truth.put, ONE, broken)
    assert caught.value.sqlstate == "HV000" and "truth table" in caught.value.message
    assert anyio.run(TruthTable(tmp_path / "truth.sqlite").get, ONE, "kept") == Entry("kept", 10, "REF001")


def _writer(path: str, start: int) -> None:
    truth = TruthTable(path)
    for n in range(start, start + 50):
        anyio.run(truth.put, ONE, Entry(f"e{n}", n, f"R{n}"))


def test_two_processes_share_one_file(tmp_path: Path) -> None:
    path = str(tmp_path / "truth.sqlite")
    TruthTable(path)  # create it first
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_writer, args=(path, start)) for start in (0, 1000)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    ids = anyio.run(TruthTable(path).external_ids, ONE, [*range(50), *range(1000, 1050)])
    assert len(ids) == 100


def test_in_memory_without_a_path() -> None:
    truth = TruthTable(None)
    anyio.run(truth.put, ONE, Entry("e", None, "PEND01", True, "Pending Ltd"))
    entry = anyio.run(truth.get, ONE, "e")
    assert entry is not None and entry.pending and entry.generated and entry.name == "Pending Ltd"
    truth.close()
