"""`pgserver warm [VIEW …]`: fill or refresh the mirror of one configured database ahead of a busy morning.

Each view is brought up to date exactly as a `CacheMode = VERIFY` query would bring it (providers/sage200/
mirror.py, docs/decisions/0970-mirror.md): a view never mirrored is filled in full, a mirrored one gets its delta.
The views are those named (a view of the database's edition, or schema-qualified: `ProfessionalUK.Customers`),
or every view of the database's edition when none is named. On a terminal a progress bar (views done, rows read)
runs on stderr; one summary line per view and a total go to stdout. Exit status: 0 when every view was warmed,
1 when some failed, 2 when nothing could be done (configuration, unknown view, no mirror on disk to fill, the
mirror file in use).

The mirror's files belong to the server using the same `cache_dir`, and DuckDB lets one process open a file: run
warm before the server starts (e.g. in the service's start-up); while a server runs, `CALL RefreshMirror('View')`
does the same through it.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TextIO

from pgserver.config import ConfigError, DatabaseConfig, ServerConfig
from pgserver.errors import PgError

DEFAULT_JOBS = 4  # views refreshed at once (the data source's request budget bounds the requests in any case)


@dataclass
class Outcome:
    """One view's warm-up: the refresh's report and the rows the mirror holds, or the error."""

    view: str
    report: Any = None  # providers.sage200.mirror.RefreshReport
    rows: int = 0
    error: PgError | None = None

    def line(self) -> str:
        if self.error is not None:
            return f"{self.view}: ERROR {self.error.sqlstate}: {self.error.message}"
        r = self.report
        return (f"{self.view}: {r.kind}, {_n(self.rows, 'row')} ({r.rows_upserted:,} read, {r.rows_deleted:,} "
                f"deleted), {_n(r.requests, 'API request')}, {r.seconds:.1f} s")


def _n(count: int, what: str) -> str:
    return f"{count:,} {what}{'' if count == 1 else 's'}"


def run_warm(config: ServerConfig, views: Sequence[str], database: str | None, jobs: int = DEFAULT_JOBS,
             out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    try:
        db = config.database(database)
    except ConfigError as exc:
        print(f"pgserver warm: {exc}", file=err)
        return 2
    cache_dir = config.mirror_dir()
    if cache_dir is None:
        print('pgserver warm: server.cache_dir is "": the mirror is kept in memory, there is nothing to warm',
              file=err)
        return 2
    if db.uses_sandbox:
        print(f"pgserver warm: database {db.name!r} uses the in-process sandbox, whose mirror lives in memory (its "
              "data is made afresh at every start); point api_base_url at `pgserver sandbox` to try warm", file=err)
        return 2
    if jobs < 1:
        print("pgserver warm: --jobs must be at least 1", file=err)
        return 2

    import anyio

    from pgserver.app import DatabaseContext, command_providers
    from providers.sage200.provider import SageViewProvider, session_of

    try:
        providers = [p for p in command_providers(db, cache_dir) if isinstance(p, SageViewProvider)]
        chosen = choose(providers, views, db)
    except (ConfigError, LookupError) as exc:
        print(f"pgserver warm: {exc}", file=err)
        return 2
    ctx = DatabaseContext(db, CacheMode="VERIFY")
    progress = _Progress(len(chosen), out, err)
    started = time.monotonic()

    async def main() -> list[Outcome]:
        from providers.sage200.mirror import RefreshReport

        session = session_of(providers)
        assert session is not None
        limiter = anyio.CapacityLimiter(jobs)
        outcomes: list[Outcome] = []

        async def warm(provider: SageViewProvider) -> None:
            name = provider.mirror_layout.name
            async with limiter:
                report = RefreshReport(name)
                progress.running[name] = report
                try:
                    _store, state, report = await session.mirror.ensure(provider, ctx, report)
                    outcome = Outcome(name, report, state.rows)
                except PgError as exc:
                    outcome = Outcome(name, error=exc)
                finally:
                    progress.running.pop(name, None)
            outcomes.append(outcome)
            progress.done(outcome)

        try:
            for base_path in dict.fromkeys(p.base_path for p in chosen):  # sign in, find the company, open its
                site = await session.company(ctx, base_path)                # mirror file: fail once, not per view
                session.mirror.store(site, base_path)
            async with anyio.create_task_group() as group:
                group.start_soon(progress.tick)
                async with anyio.create_task_group() as views_group:
                    for provider in chosen:
                        views_group.start_soon(warm, provider)
                group.cancel_scope.cancel()  # (the ticker)
        finally:
            await session.aclose()
        return outcomes

    try:
        outcomes = anyio.run(main)
    except KeyboardInterrupt:
        progress.close()
        print("pgserver warm: interrupted; views not finished keep their last consistent state", file=err)
        return 130
    except PgError as exc:  # before any view could start: the sign-in, GET /sites, the mirror file in use
        progress.close()
        print(f"pgserver warm: ERROR {exc.sqlstate}: {exc.message}" + (f"\n  {exc.detail}" if exc.detail else "")
              + (f"\n  {exc.hint}" if exc.hint else ""), file=err)
        return 2
    progress.close()
    print(summary(outcomes, time.monotonic() - started, str(cache_dir)), file=out)
    return 1 if any(o.error for o in outcomes) else 0


def choose(providers: Sequence[Any], names: Sequence[str], db: DatabaseConfig) -> list[Any]:
    """The providers of the named views (`View` in the database's edition, or `Schema.View`), in the order named;
    every view of the edition when none is named. LookupError names what is unknown."""
    if not names:
        return [p for p in providers if p.spec.schema == db.edition]
    chosen, unknown = [], []
    for name in names:
        schema, _, view = name.rpartition(".")
        schema = schema or db.edition
        found = next((p for p in providers if p.spec.schema.lower() == schema.lower()
                      and p.spec.name.lower() == view.lower()), None)
        if found is None:
            unknown.append(name)
        elif found not in chosen:
            chosen.append(found)
    if unknown:
        raise LookupError(f"no such view: {', '.join(unknown)} (the views are listed by "
                          "SELECT TableName FROM sys_tables)")
    return chosen


def summary(outcomes: Sequence[Outcome], seconds: float, cache_dir: str) -> str:
    ok = [o for o in outcomes if o.error is None]
    kinds = [o.report.kind for o in ok]
    failed = len(outcomes) - len(ok)
    parts = [f"{kinds.count('fill')} filled", f"{len(ok) - kinds.count('fill')} refreshed"]
    if failed:
        parts.append(f"{failed} failed")
    return (f"warmed {len(ok)} of {len(outcomes)} views ({', '.join(parts)}): "
            f"{_n(sum(o.report.requests for o in ok), 'API request')}, "
            f"{_n(sum(o.report.rows_upserted for o in ok), 'row')} read, {seconds:.1f} s; mirror files in {cache_dir}")


class _Progress:
    """The bar on a terminal (views done, rows read so far) and the per-view lines."""

    def __init__(self, total: int, out: TextIO, err: TextIO) -> None:
        self.out = out
        self.running: dict[str, Any] = {}  # view → its RefreshReport, counting as it goes
        self.read_done = 0
        self.bar: Any = None
        if err.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="view", file=err, desc="warming", leave=False)

    async def tick(self) -> None:
        import anyio

        while self.bar is not None:
            rows = self.read_done + sum(r.rows_upserted for r in self.running.values())
            now = ", ".join(name.partition(".")[2] for name in list(self.running)[:3])
            self.bar.set_postfix_str(f"{rows:,} rows read" + (f"; {now}" if now else ""), refresh=True)
            await anyio.sleep(0.25)

    def done(self, outcome: Outcome) -> None:
        if outcome.report is not None:
            self.read_done += outcome.report.rows_upserted
        if self.bar is not None and self.out.isatty():
            self.bar.write(outcome.line(), file=self.out)
        else:
            print(outcome.line(), file=self.out, flush=True)
        if self.bar is not None:
            self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None
