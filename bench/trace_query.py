"""Trace one query through the SQL layer: which functions in which files of pgserver/ and providers/ run.

    python bench/trace_query.py ["SELECT * FROM Customers WHERE Id = 27825"]

Prints the distinct functions and files that run for Parse and for Execute (+fetch), how many times the flow changes
package, and how many times each stage-defining function ran. The statement is prepared as psql's simple Query is
(`describe=False`: the cursor describes its rows). A measurement tool (issue 11), not a test.
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


async def main(sql: str) -> None:
    config = default_config()
    factory = build_engine_factory(config)
    engine = await factory.connect("demo", "sage200", {"options": "-c CacheMode=LIVE"}, superuser=True)
    warm = await engine.prepare(sql, [], describe=False)
    cursor = await engine.execute(warm, [])
    await cursor.fetch(None)
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
                rows = await cursor.fetch(None)
                await cursor.close()
        finally:
            sys.setprofile(None)
            threading.setprofile(None)
        tracer.report(label)
        union.calls.update(tracer.calls)
        union.sequence += tracer.sequence
        if step == "execute":
            print(f"  rows: {len(rows)}")
        if "--verbose" in sys.argv:
            for (file, name), n in sorted(tracer.calls.items()):
                print(f"    {n:4d} {file}:{name}")
    union.report("Both")
    await engine.close()


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    anyio.run(main, args[0] if args else 'SELECT * FROM "Customers" WHERE "Id" = 27825')
