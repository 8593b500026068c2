"""`pgserver import FILE.xml`: a Zynk customer XML file into one configured database's Sage 200 company.

The work is providers/sage200/zynk_import.py (the same as the ImportCustomersXml procedure); this module
reads the file, wires the database's data source, prints one line per record (created / updated / failed with
the reason) and a summary, with a progress bar on stderr when it is a terminal. Exit status: 0 when every
record was imported, 1 when some failed, 2 when nothing could be imported (config, file, not a document).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, TextIO

from pgserver.config import ConfigError, ServerConfig
from pgserver.errors import PgError

PROGRESS_FROM = 20  # records: smaller files finish before a bar would help


def describe(line: Any) -> str:
    who = " ".join(x for x in (f"Id {line.id}" if line.id is not None else "",
                                f"reference {line.reference}" if line.reference else "",
                                f"external id {line.external_id}" if line.external_id else "") if x)
    head = f"record {line.record}: {line.outcome}" + (f" ({who})" if who else "")
    if line.matched_by:
        head += f", matched by {line.matched_by}"
    if line.sqlstate:
        return f"{head}: ERROR {line.sqlstate}: {line.message}"
    return f"{head}: {line.message}" if line.message else head


def run_import(config: ServerConfig, path: str, database: str | None, auto_generate: bool | None,
               out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    try:
        db = config.database(database)
    except ConfigError as exc:
        print(f"pgserver import: {exc}", file=err)
        return 2
    try:
        xml = Path(path).read_bytes()
    except OSError as exc:
        print(f"pgserver import: cannot read {path}: {exc.strerror or exc}", file=err)
        return 2

    import anyio

    from pgserver.app import DatabaseContext, command_providers
    from providers.sage200.provider import session_of
    from providers.sage200.zynk_import import customer_writer_of, import_customers

    try:
        providers = command_providers(db)
    except ConfigError as exc:
        print(f"pgserver import: {exc}", file=err)
        return 2
    writer = next((w for p in providers if p.spec.schema == db.edition and (w := customer_writer_of(p))), None)
    assert writer is not None, "every edition has a writable Customers view"
    ctx = DatabaseContext(db)
    bar: Any = None

    def start(total: int) -> None:
        nonlocal bar
        if err.isatty() and total >= PROGRESS_FROM:
            from tqdm import tqdm

            bar = tqdm(total=total, unit="record", file=err, desc="importing", leave=False)

    def show(line: Any) -> None:
        text = describe(line)
        if bar is not None and out.isatty():
            bar.write(text, file=out)
        else:
            print(text, file=out, flush=bar is not None)
        if bar is not None:
            bar.update(1)

    async def main() -> Any:
        session = session_of(providers)
        try:
            return await import_customers(writer, xml, ctx, auto_generate=auto_generate, on_line=show, on_start=start)
        finally:
            if session is not None:
                await session.aclose()

    try:
        report = anyio.run(main)
    except PgError as exc:
        print(f"pgserver import: {path}: ERROR {exc.sqlstate}: {exc.message}" +
              (f"\n  {exc.detail}" if exc.detail else "") + (f"\n  {exc.hint}" if exc.hint else ""), file=err)
        return 2
    finally:
        if bar is not None:
            bar.close()
    print(report.summary(), file=out)
    return 1 if report.count("failed") or report.count("not attempted") else 0
