"""Benchmarks: print figures and ratios against baselines measured in the same run.

    python bench/run.py [--scale 100] [--latency-ms 50] [--rows 1000000] [--only scan,stream,roundtrip]

1. scan      — full scan of a scale-N view against the sandbox (its own process, real HTTP) with
               fixed latency, as a ratio to the floor ceil(pages / MaxThreads) × latency.
2. stream    — rows/s streamed to asyncpg and to psql for a large result, as a ratio to a local
               PostgreSQL 15 serving the same rows.
3. roundtrip — connect time (SCRAM + first SELECT 1) and `SELECT 1` round trips, ratios to PostgreSQL 15.

Nothing here asserts: benchmarks print, tests do not time.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pgserver.protocol.scram import make_verifier  # noqa: E402
from sage_sandbox.config import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET  # noqa: E402
from scripts.realpg import throwaway_postgres  # noqa: E402

USER, PASSWORD = "bench", "bench"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def sandbox_process(scale: float, latency_ms: float):  # type: ignore[no-untyped-def]
    """The sandbox in its own process, so its JSON work does not share our GIL."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "sage_sandbox", "--port", str(port), "--scale", str(scale),
                             "--latency-ms", str(latency_ms), "--log-level", "warning"], cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                httpx.get(url + "/uk/sage200/accounts/v1/sites", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@contextmanager
def pgserver(api_url: str, tmp: Path, **properties: Any):  # type: ignore[no-untyped-def]
    """`pgserver serve` in its own process (as deployed), so client-side decoding in this
    process does not share the server's GIL; yields its port."""
    port = free_port()
    props = "".join(f"{k} = {v!r}\n" if isinstance(v, str) else f"{k} = {v}\n" for k, v in properties.items())
    config = tmp / f"bench-{port}.toml"
    config.write_text(
        f'[server]\nhost = "127.0.0.1"\nport = {port}\n\n'
        f'[[users]]\nname = "{USER}"\nscram = "{make_verifier(PASSWORD)}"\n\n'
        f'[databases.sage200]\nedition = "StandardUK"\napi_base_url = "{api_url}"\n'
        f'client_id = "{DEMO_CLIENT_ID}"\nclient_secret = "{DEMO_CLIENT_SECRET}"\n'
        f'token_store = "{tmp / f"tokens-{port}.json"}"\n\n[databases.sage200.properties]\n{props}')
    proc = subprocess.Popen([sys.executable, "-m", "pgserver", "serve", "--config", str(config),
                             "--log-level", "warning"], cwd=ROOT, stdout=subprocess.DEVNULL)
    try:
        for _ in range(600):
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=30)


async def _timed_fetch(dsn: dict[str, Any], sql: str) -> tuple[float, int]:
    conn = await asyncpg.connect(**dsn)
    try:
        started = time.perf_counter()
        count = 0
        async with conn.transaction():
            async for _ in conn.cursor(sql, prefetch=5000):
                count += 1
        return time.perf_counter() - started, count
    finally:
        await conn.close()


def _psql_time(conninfo: str, sql: str, password: str | None = None) -> float:
    env = {**os.environ}
    if password:
        env["PGPASSWORD"] = password
    started = time.perf_counter()
    subprocess.run(["psql", "-X", "-A", "-t", "-q", "-o", "/dev/null", "-d", conninfo, "-c", sql], env=env,
                   check=True)
    return time.perf_counter() - started


def bench_scan(args: argparse.Namespace, tmp: Path) -> None:
    print(f"\n== 1. full scan: scale {args.scale} sandbox, {args.latency_ms:g} ms latency per request ==")
    print("  floor = ceil(pages / MaxThreads) x latency; for SELECT * also: PostgreSQL 15 streaming the same rows")
    with sandbox_process(args.scale, args.latency_ms) as url, pgserver(url, tmp) as port, \
            throwaway_postgres() as pg:
        dsn = dict(host="127.0.0.1", port=port, user=USER, password=PASSWORD, database="sage200")
        pg_dsn = dict(host=pg.host, port=pg.port, user=pg.user, database=pg.dbname)
        pg_select_all = _copy_to_postgres(dsn, pg_dsn, "SalesOrderLines")
        for threads in (20, 50):
            for label, sql in (("count(*)", "SELECT count(*) FROM SalesOrderLines"),
                               ("SELECT *", "SELECT * FROM SalesOrderLines")):
                async def run(sql: str = sql, threads: int = threads) -> tuple[float, int]:
                    conn = await asyncpg.connect(**dsn, server_settings={"options": f"-c MaxThreads={threads}"})
                    try:
                        rows = await conn.fetchval("SELECT count(*) FROM SalesOrderLines")
                        started = time.perf_counter()
                        if sql.startswith("SELECT count"):
                            await conn.fetchval(sql)
                        else:
                            async with conn.transaction():
                                async for _ in conn.cursor(sql, prefetch=5000):
                                    pass
                        return time.perf_counter() - started, int(rows)
                    finally:
                        await conn.close()

                elapsed, rows = asyncio.run(run())
                pages = math.ceil(rows / 500)
                floor = math.ceil(pages / threads) * args.latency_ms / 1000
                extra = ""
                if label == "SELECT *":
                    extra = (f"   PostgreSQL {pg_select_all:5.2f} s   ratio to PostgreSQL + floor "
                             f"{elapsed / (pg_select_all + floor):5.2f}x")
                print(f"  {label:9} MaxThreads={threads:<3} rows={rows:>7} pages={pages:>4}  "
                      f"{elapsed:7.2f} s   floor {floor:5.2f} s   ratio {elapsed / floor:6.2f}x{extra}")


def _copy_to_postgres(our_dsn: dict[str, Any], pg_dsn: dict[str, Any], view: str) -> float:
    """Load the view's rows into a PostgreSQL table; returns PostgreSQL's time to stream them (asyncpg)."""

    async def copy() -> None:
        ours = await asyncpg.connect(**our_dsn)
        theirs = await asyncpg.connect(**pg_dsn)
        try:
            stmt = await ours.prepare(f"SELECT * FROM {view}")
            columns = ", ".join(f'"{a.name}" {a.type.name}' for a in stmt.get_attributes())
            await theirs.execute(f"DROP TABLE IF EXISTS copied; CREATE TABLE copied ({columns})")
            await theirs.copy_records_to_table("copied", records=[tuple(r) for r in await stmt.fetch()])
        finally:
            await ours.close()
            await theirs.close()

    asyncio.run(copy())
    return asyncio.run(_timed_fetch(pg_dsn, "SELECT * FROM copied"))[0]


def bench_stream(args: argparse.Namespace, tmp: Path) -> None:
    n = args.rows
    sql = (f"SELECT i AS id, i * 2 AS doubled, 'row ' || i AS label, (i % 1000)::numeric / 100 AS amount "
           f"FROM generate_series(1, {n}) AS g(i)")
    print(f"\n== 2. streaming {n:,} rows (4 columns: int, int, text, numeric) ==")
    with throwaway_postgres() as pg, pgserver("sandbox", tmp) as port:
        pg_dsn = dict(host=pg.host, port=pg.port, user=pg.user, database=pg.dbname)
        our_dsn = dict(host="127.0.0.1", port=port, user=USER, password=PASSWORD, database="sage200")
        pg_time, pg_rows = asyncio.run(_timed_fetch(pg_dsn, sql))
        our_time, our_rows = asyncio.run(_timed_fetch(our_dsn, sql))
        assert pg_rows == our_rows == n
        print(f"  asyncpg  PostgreSQL {n / pg_time:>10,.0f} rows/s   pgserver {n / our_time:>10,.0f} rows/s   "
              f"ratio {pg_time / our_time:5.2f} (pgserver speed / PostgreSQL speed)")
        pg_psql = _psql_time(pg.conninfo, sql)
        our_psql = _psql_time(f"host=127.0.0.1 port={port} user={USER} dbname=sage200", sql, PASSWORD)
        print(f"  psql     PostgreSQL {n / pg_psql:>10,.0f} rows/s   pgserver {n / our_psql:>10,.0f} rows/s   "
              f"ratio {pg_psql / our_psql:5.2f}")

        view_sql = "SELECT * FROM SalesOrderLines"
        print("  (a Sage view from the in-process sandbox, scale 1, no latency, vs the same rows in a PG table)")

        pg_time = _copy_to_postgres(our_dsn, pg_dsn, "SalesOrderLines")
        rows = asyncio.run(_timed_fetch(pg_dsn, "SELECT * FROM copied"))[1]
        our_time, _ = asyncio.run(_timed_fetch(our_dsn, view_sql))
        print(f"  asyncpg  {rows} rows x 59 cols: PostgreSQL {rows / pg_time:>9,.0f} rows/s   "
              f"pgserver {rows / our_time:>9,.0f} rows/s   ratio {pg_time / our_time:5.2f}")


def _scram_hba() -> Path:
    """A pg_hba.conf asking USER for a SCRAM password over TCP (the cluster's own user stays trusted), so
    connect times compare like with like: PostgreSQL 15 and pgserver both use 4096 SCRAM iterations."""
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="pgserver-bench-hba-"))  # readable by the cluster's user
    hba = folder / "pg_hba.conf"
    hba.write_text(f"local all all trust\nhost all {USER} 127.0.0.1/32 scram-sha-256\n"
                   "host all all 127.0.0.1/32 trust\n")
    folder.chmod(0o755)
    hba.chmod(0o644)
    return hba


def _connect_times(dsn: dict[str, Any], count: int) -> list[float]:
    """Seconds for asyncpg.connect + the first SELECT 1, for `count` connections one after another."""
    async def run() -> list[float]:
        times = []
        for _ in range(count):
            started = time.perf_counter()
            conn = await asyncpg.connect(**dsn)
            await conn.fetchval("SELECT 1")
            times.append(time.perf_counter() - started)
            await conn.close()
        return times

    return asyncio.run(run())


async def _pg_role(pg: Any) -> None:
    conn = await asyncpg.connect(host=pg.host, port=pg.port, user=pg.user, database=pg.dbname)
    try:
        await conn.execute(f"CREATE ROLE {USER} LOGIN PASSWORD '{PASSWORD}'")
    finally:
        await conn.close()


def bench_roundtrip(args: argparse.Namespace, tmp: Path) -> None:
    n = args.roundtrips
    print(f"\n== 3. SELECT 1 round trips ({n} sequential, asyncpg, prepared) ==")
    with throwaway_postgres(f"hba_file = '{_scram_hba()}'\n") as pg, pgserver("sandbox", tmp) as port:
        ours = dict(host="127.0.0.1", port=port, user=USER, password=PASSWORD, database="sage200")
        asyncio.run(_pg_role(pg))
        pg_connect = sorted(_connect_times(dict(host=pg.host, port=pg.port, user=USER, password=PASSWORD,
                                                database=pg.dbname), 20))
        our_connect = sorted(_connect_times(ours, 20))
        print(f"  connect + first SELECT 1 (SCRAM, median of 20): PostgreSQL {pg_connect[10] * 1e3:6.1f} ms   "
              f"pgserver {our_connect[10] * 1e3:6.1f} ms (slowest {our_connect[-1] * 1e3:.1f} ms)   "
              f"ratio {our_connect[10] / pg_connect[10]:5.2f}x slower")

        async def run(dsn: dict[str, Any]) -> float:
            conn = await asyncpg.connect(**dsn)
            try:
                for _ in range(50):
                    await conn.fetchval("SELECT 1")
                started = time.perf_counter()
                for _ in range(n):
                    await conn.fetchval("SELECT 1")
                return time.perf_counter() - started
            finally:
                await conn.close()

        pg_time = asyncio.run(run(dict(host=pg.host, port=pg.port, user=pg.user, database=pg.dbname)))
        our_time = asyncio.run(run(ours))
        print(f"  PostgreSQL {pg_time / n * 1e6:8.0f} µs/query   pgserver {our_time / n * 1e6:8.0f} µs/query   "
              f"ratio {our_time / pg_time:5.2f}x slower")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=100)
    parser.add_argument("--latency-ms", type=float, default=50)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--roundtrips", type=int, default=2000)
    parser.add_argument("--only", default="scan,stream,roundtrip")
    args = parser.parse_args()
    import tempfile

    tmp = Path(tempfile.mkdtemp(prefix="pgserver-bench-"))
    chosen = set(args.only.split(","))
    if "roundtrip" in chosen:
        bench_roundtrip(args, tmp)
    if "stream" in chosen:
        bench_stream(args, tmp)
    if "scan" in chosen:
        bench_scan(args, tmp)


if __name__ == "__main__":
    main()
