"""SpareDatabases: fresh session databases, one made ahead once a second session was asked for."""

from __future__ import annotations

import itertools
import threading

import duckdb
import pytest

from pgserver.sql.duck_spares import SpareDatabases


def _join_builder(spares: SpareDatabases) -> None:
    builder = spares._builder
    if builder is not None:
        builder.join(timeout=30)


def test_a_reserve_is_made_after_the_second_session_and_never_reused() -> None:
    made: list[duckdb.DuckDBPyConnection] = []
    numbers = itertools.count()  # next() is atomic: reserve and caller may make at the same time

    def make() -> duckdb.DuckDBPyConnection:
        duck = duckdb.connect(":memory:")
        duck.execute(f"CREATE TABLE marker AS SELECT {next(numbers)} AS n")
        made.append(duck)
        return duck

    spares = SpareDatabases(make)
    first = spares.take()
    assert len(made) == 1 and spares._builder is None  # one connection: nothing made ahead
    second = spares.take()
    _join_builder(spares)
    assert len(made) == 3  # the second's own, and a reserve
    third = spares.take()
    assert len(made) == 3  # the reserve was handed out: nothing made while the caller waited
    assert any(third is d for d in made) and third is not first and third is not second
    _join_builder(spares)  # … and the next reserve is made
    assert len(made) == 4
    sessions = [first, second, third]
    markers = sorted(d.execute("SELECT n FROM marker").fetchall()[0][0] for d in sessions)
    assert len(set(markers)) == 3  # three different databases
    reserve = next(d for d in made if all(d is not s for s in sessions))
    spares.close()
    with pytest.raises(duckdb.ConnectionException):
        reserve.execute("SELECT 1")  # the unused reserve is closed
    assert spares.take() is not None and len(made) == 5  # after close: made on demand only, no reserve
    for duck in made:
        duck.close()


def test_a_failing_reserve_is_logged_and_the_next_session_makes_its_own(caplog: pytest.LogCaptureFixture) -> None:
    def make() -> duckdb.DuckDBPyConnection:
        if threading.current_thread().name == "pgserver-spare-duckdb":
            raise RuntimeError("no memory")
        return duckdb.connect(":memory:")

    spares = SpareDatabases(make)
    spares.take().close()
    spares.take().close()
    _join_builder(spares)
    assert "no memory" in caplog.text
    assert spares._ready is None
    duck = spares.take()
    assert duck.execute("SELECT 42").fetchall() == [(42,)]
    duck.close()
    _join_builder(spares)
    spares.close()
