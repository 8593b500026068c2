"""Trace one query through the SQL layer: which functions in which files of pgserver/ and providers/ run.

    python bench/trace_query.py ["SELECT * FROM Customers WHERE Id = 27825"]

Prints the distinct functions and files that run for Parse and for Execute (+fetch), how many times the flow changes
package, and how many times each stage-defining function ran. The statement is prepared as psql's simple Query is
(`describe=False`: the cursor describes its rows), and its rows are encoded as DataRows the way the server
sends them (`fetch_data_rows`, text format). A measurement tool (issue 11), not a test.
"""

from __future__ import annotations

import sys
import threading
from collections import Counter
from pathlib import Path

import anyio

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pgserver.app import build_engine_factory  # noqa: E402
from pgserver.config import default_config  # noqa: E402
from pgserver.engine import Cursor  # noqa: E402
from pgserver.types import FormatContext  # noqa: E402


class Tracer:
    def __init__(self) -> None:
        self.calls: Counter[tuple[str, str]] = Counter()
        self.sequence: list[str] = []

    def __call__(self, frame, event, arg):  # type: ignore[no-untyped-def]
        if event != "call":
            return
        path = frame.f_code.co_filename
        if not path.startswith(str(ROOT)) or "/tests/" in path or "/bench/" in path:
            return
        rel = str(Path(path).relative_to(ROOT))
        if not rel.startswith(("pgserver/", "providers/")):
            return
        self.calls[(rel, frame.f_code.co_qualname)] += 1
        package = rel.rsplit("/", 1)[0]
        if not self.sequence or self.sequence[-1] != package:
            self.sequence.append(package)

    def report(self, label: str) -> None:
        files = {f for f, _ in self.calls}
        print(f"{label}: {len(self.calls)} distinct functions in {len(files)} files; the flow changes package "
              f"{len(self.sequence) - 1} times")


async def _data_rows(cursor: Cursor) -> int:
    """Rows as the server sends them for a simple Query (query_loop._stream_rows: DataRows in text format)."""
    assert cursor.columns is not None
    formats, ctx, sent = [0] * len(cursor.columns), FormatContext(), 0
    while True:
        encoded = await cursor.fetch_data_rows(None, cursor.columns, formats, ctx)
        assert encoded is not None, "the SQL layer's cursors encode their rows"
        if not encoded[1]:
            return sent
        sent += encoded[1]


async def main(sql: str) -> None:
    config = default_config()
    factory = build_engine_factory(config)
    engine = await factory.connect("demo", "sage200", {"options": "-c CacheMode=LIVE"}, superuser=True)
    warm = await engine.prepare(sql, [], describe=False)
    cursor = await engine.execute(warm, [])
    await _data_rows(cursor)
    await cursor.close()
    other = sql + " "  # a new statement text: nothing cached from the warm-up
    union = Tracer()
    for label, step in (("Parse", "prepare"), ("Execute+fetch", "execute")):
        tracer = Tracer()
        sys.setprofile(tracer)
        threading.setprofile(tracer)
        try:
            if step == "prepare":
                prepared = await engine.prepare(other, [], describe=False)  # as psql's simple Query does
            else:
                cursor = await engine.execute(prepared, [])
                rows = await _data_rows(cursor)
                await cursor.close()
        finally:
            sys.setprofile(None)
            threading.setprofile(None)
        tracer.report(label)
        union.calls.update(tracer.calls)
        union.sequence += tracer.sequence
        if step == "execute":
            print(f"  rows: {rows}")
        if "--verbose" in sys.argv:
            for (file, name), n in sorted(tracer.calls.items()):
                print(f"    {n:4d} {file}:{name}")
    union.report("Both")
    await engine.close()


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    anyio.run(main, args[0] if args else 'SELECT * FROM "Customers" WHERE "Id" = 27825')
