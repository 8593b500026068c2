"""Benchmarks: print figures and ratios against baselines measured in the same run.

    python bench/run.py [--scale 100] [--latency-ms 50] [--rows 1000000] [--only scan,stream,roundtrip,clients,mirror]

1. scan      — full scan of a scale-N view against the sandbox (its own process, real HTTP) with
               fixed latency, as a ratio to the floor ceil(pages / MaxThreads) × latency.
2. stream    — rows/s streamed to asyncpg and to psql for a large result, as a ratio to a local
               PostgreSQL 15 serving the same rows, and to buenavista (a Python PostgreSQL-wire server over
               DuckDB) serving them from DuckDB; then a 59-column Sage view read from the local mirror.
3. roundtrip — connect time (SCRAM + first SELECT 1) and `SELECT 1` round trips, ratios to PostgreSQL 15
               and to buenavista.

buenavista is a peer measured here only, not a dependency: the first run makes bench/.buenavista-venv with
`pip install buenavista==0.5.0 'duckdb<2' pyarrow python-dateutil` (buenavista 0.5 uses DuckDB 1.x's API and
does not declare the last two); without PyPI its figures are skipped with a note.
4. clients   — 200 concurrent clients: time to connect them all, server RSS and OS threads idle and busy, and
               transactions/s of a mixed pgbench workload (key lookups, a join, a catalog query), with
               PostgreSQL 15 holding the same rows under the same pgbench scripts as the baseline.
5. mirror    — the mirror (decision 0970) on a scale-N SalesOrderLines at the sandbox latency: cold (fill) vs repeat
               `count(*)` and `SELECT *` — time, API requests (counted from the sandbox's --request-log file,
               since the sandbox runs in its own process) and peak server RSS while filling; the repeat
               `SELECT *` as a ratio to PostgreSQL 15 streaming the same rows from a table; key lookups on
               Customers with pgbench clients from the mirror (VERIFY and TOLERANT) vs live vs PostgreSQL 15;
               a self-contained view's repeat (Customers), EXPLAIN ANALYZE of the repeat count(*), the issue's
               targets side by side, and the machine's load average (the bench shares it).

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
from collections.abc import Callable
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
def sandbox_process(scale: float, latency_ms: float, request_log: Path | None = None):  # type: ignore[no-untyped-def]
    """The sandbox in its own process, so its JSON work does not share our GIL; `request_log`: the file it
    appends a line per request to (`SandboxRequests` counts them)."""
    port = free_port()
    logging = ["--request-log", str(request_log)] if request_log else []
    proc = subprocess.Popen([sys.executable, "-m", "sage_sandbox", "--port", str(port), "--scale", str(scale),
                             "--latency-ms", str(latency_ms), "--log-level", "warning", *logging], cwd=ROOT)
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
def pgserver(api_url: str, tmp: Path, max_connections: int = 100, with_pid: bool = False, superuser: bool = False,
             **properties: Any):  # type: ignore[no-untyped-def]
    """`pgserver serve` in its own process (as deployed), so client-side decoding in this
    process does not share the server's GIL; yields its port (and pid with `with_pid`). Its mirror starts
    empty in a cache_dir of its own (never the user's)."""
    port = free_port()
    props = "".join(f"{k} = {v!r}\n" if isinstance(v, str) else f"{k} = {v}\n" for k, v in properties.items())
    config = tmp / f"bench-{port}.toml"
    config.write_text(
        f'[server]\nhost = "127.0.0.1"\nport = {port}\nmax_connections = {max_connections}\n'
        f'secret_file = "{tmp / "server-secret"}"\ncache_dir = "{tmp / f"cache-{port}"}"\n\n'
        f'[[users]]\nname = "{USER}"\nscram = "{make_verifier(PASSWORD)}"\n'
        f'superuser = {"true" if superuser else "false"}\n\n'
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
        yield (port, proc.pid) if with_pid else port
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
    print(f"\n== 1. full scan: scale {args.scale} sandbox, {args.latency_ms:g} ms latency per request "
          "(CacheMode=LIVE: the API path; section 5 measures the mirror) ==")
    print("  floor = ceil(pages / MaxThreads) x latency; for SELECT * also: PostgreSQL 15 streaming the same rows")
    with sandbox_process(args.scale, args.latency_ms) as url, pgserver(url, tmp, CacheMode="LIVE") as port, \
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


BUENAVISTA_VENV = ROOT / "bench" / ".buenavista-venv"  # not a dependency of ours: a peer in its own environment


def _buenavista_python() -> Path | None:
    """The interpreter of buenavista's own virtualenv, made on first use: buenavista 0.5 reads DuckDB results
    with DuckDB 1.x's API, so it gets `duckdb<2` there (our DuckDB 2 stays untouched). None without PyPI."""
    python = BUENAVISTA_VENV / "bin" / "python"
    if not python.exists():
        print("  (creating bench/.buenavista-venv: pip install buenavista==0.5.0 'duckdb<2' pyarrow python-dateutil)")
        made = subprocess.run([sys.executable, "-m", "venv", str(BUENAVISTA_VENV)], check=False).returncode == 0
        made = made and subprocess.run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check",
                                        "buenavista==0.5.0", "duckdb<2", "pyarrow", "python-dateutil"], check=False).returncode == 0
        if not made:
            return None
    return python


@contextmanager
def buenavista_process():  # type: ignore[no-untyped-def]
    """buenavista (PyPI; a Python PostgreSQL-wire server over DuckDB) in its own process on an in-memory
    DuckDB, as its own example serves one; yields its port, or None when it cannot be installed."""
    python = _buenavista_python()
    if python is None:
        yield None
        return
    port = free_port()
    code = ("import duckdb, sys\nfrom buenavista.examples.duckdb_postgres import create\n"
            "create(duckdb.connect(), ('127.0.0.1', int(sys.argv[1]))).serve_forever()\n")
    proc = subprocess.Popen([str(python), "-c", code, str(port)], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)  # its tracebacks for our readiness probes are noise
    try:
        for _ in range(300):
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _alternately(theirs: Callable[[], float], ours: Callable[[], float], repeat: int) -> tuple[float, float, str]:
    """Median seconds of each, measured in turn (theirs, ours, theirs …), so a change in the machine's load
    during the run weighs on both alike; and the spread of the ratio over the pairs, printed beside the
    median's ratio (on this shared 2-core machine one pair alone says little)."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        times[0].append(theirs())
        times[1].append(ours())
    ratios = [t / o for t, o in zip(*times, strict=True)]
    return _median(times[0]), _median(times[1]), f"(pairs {min(ratios):.2f}–{max(ratios):.2f}, n={repeat})"


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


def bench_stream(args: argparse.Namespace, tmp: Path) -> None:
    n, repeat = args.rows, args.repeat
    sql = (f"SELECT i AS id, i * 2 AS doubled, 'row ' || i AS label, (i % 1000)::numeric / 100 AS amount "
           f"FROM generate_series(1, {n}) AS g(i)")
    print(f"\n== 2. streaming {n:,} rows (4 columns: int, int, text, numeric), median of {repeat} ==")
    with throwaway_postgres() as pg, pgserver("sandbox", tmp) as port, buenavista_process() as bv_port:
        pg_dsn = dict(host=pg.host, port=pg.port, user=pg.user, database=pg.dbname)
        our_dsn = dict(host="127.0.0.1", port=port, user=USER, password=PASSWORD, database="sage200")
        pg_time, our_time, spread = _alternately(lambda: asyncio.run(_timed_fetch(pg_dsn, sql))[0],
                                                 lambda: asyncio.run(_timed_fetch(our_dsn, sql))[0], repeat)
        print(f"  asyncpg  PostgreSQL {n / pg_time:>10,.0f} rows/s   pgserver {n / our_time:>10,.0f} rows/s   "
              f"ratio {pg_time / our_time:5.2f} {spread} (pgserver speed / PostgreSQL speed)")
        our_conninfo = f"host=127.0.0.1 port={port} user={USER} dbname=sage200"
        pg_psql, our_psql, spread = _alternately(lambda: _psql_time(pg.conninfo, sql),
                                                 lambda: _psql_time(our_conninfo, sql, PASSWORD), repeat)
        print(f"  psql     PostgreSQL {n / pg_psql:>10,.0f} rows/s   pgserver {n / our_psql:>10,.0f} rows/s   "
              f"ratio {pg_psql / our_psql:5.2f} {spread}")
        _stream_buenavista(bv_port, sql, n, our_time, our_psql)
    _stream_view(args, tmp)


def _stream_buenavista(bv_port: int | None, sql: str, n: int, our_asyncpg: float, our_psql: float) -> None:
    """The same rows from buenavista's DuckDB (one run each: it is much slower than either server)."""
    if bv_port is None:
        print("  buenavista: could not be installed in bench/.buenavista-venv — skipped")
        return
    bv_dsn = dict(host="127.0.0.1", port=bv_port, user="bench", database="memory")
    try:
        bv_time, bv_rows = asyncio.run(_timed_fetch(bv_dsn, sql))
        if bv_rows != n:
            print(f"  asyncpg  buenavista returned {bv_rows:,} of {n:,} rows (its extended-protocol cursor): no figure")
        else:
            print(f"  asyncpg  buenavista {n / bv_time:>10,.0f} rows/s   ratio pgserver / buenavista "
                  f"{bv_time / our_asyncpg:5.2f}")
    except Exception as exc:  # noqa: BLE001 - a peer that cannot serve a client is reported, not fatal
        print(f"  asyncpg  buenavista failed: {type(exc).__name__}: {exc}")
    try:
        bv_psql = _psql_time(f"host=127.0.0.1 port={bv_port} user=bench dbname=memory", sql)
        print(f"  psql     buenavista {n / bv_psql:>10,.0f} rows/s   ratio pgserver / buenavista "
              f"{bv_psql / our_psql:5.2f}")
    except subprocess.CalledProcessError as exc:
        print(f"  psql     buenavista failed: {exc}")


def _stream_view(args: argparse.Namespace, tmp: Path) -> None:
    """A 59-column Sage view read from local data: the mirror (CacheMode TOLERANT: no API request once it
    is filled), against PostgreSQL streaming the same rows from a table; asyncpg, binary results."""
    view, repeat = "SalesOrderLines", args.view_repeat
    with sandbox_process(args.view_scale, 0) as url, \
            pgserver(url, tmp, CacheMode="TOLERANT", CacheTolerance=86400) as port, throwaway_postgres() as pg:
        pg_dsn = dict(host=pg.host, port=pg.port, user=pg.user, database=pg.dbname)
        our_dsn = dict(host="127.0.0.1", port=port, user=USER, password=PASSWORD, database="sage200")
        _copy_to_postgres(our_dsn, pg_dsn, view)  # also fills the mirror
        rows = asyncio.run(_timed_fetch(pg_dsn, "SELECT * FROM copied"))[1]
        pg_time, our_time, spread = _alternately(
            lambda: asyncio.run(_timed_fetch(pg_dsn, "SELECT * FROM copied"))[0],
            lambda: asyncio.run(_timed_fetch(our_dsn, f"SELECT * FROM {view}"))[0], repeat)
        print(f"  (the Sage view {view} at sandbox scale {args.view_scale:g}, read from the mirror, vs the same rows "
              f"in a PostgreSQL table)")
        print(f"  asyncpg  {rows} rows x 59 cols: PostgreSQL {rows / pg_time:>9,.0f} rows/s   "
              f"pgserver {rows / our_time:>9,.0f} rows/s   ratio {pg_time / our_time:5.2f} {spread}")


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
    print(f"\n== 3. SELECT 1 round trips ({n} sequential, asyncpg: prepared, and simple Query) ==")
    with throwaway_postgres(f"hba_file = '{_scram_hba()}'\n") as pg, pgserver("sandbox", tmp) as port:
        ours = dict(host="127.0.0.1", port=port, user=USER, password=PASSWORD, database="sage200")
        asyncio.run(_pg_role(pg))
        pg_connect = sorted(_connect_times(dict(host=pg.host, port=pg.port, user=USER, password=PASSWORD,
                                                database=pg.dbname), 20))
        our_connect = sorted(_connect_times(ours, 20))
        print(f"  connect + first SELECT 1 (SCRAM, median of 20): PostgreSQL {pg_connect[10] * 1e3:6.1f} ms   "
              f"pgserver {our_connect[10] * 1e3:6.1f} ms (slowest {our_connect[-1] * 1e3:.1f} ms)   "
              f"ratio {our_connect[10] / pg_connect[10]:5.2f}x slower")

        async def run(dsn: dict[str, Any], simple: bool = False) -> float:
            """`simple`: a Query message each time (asyncpg's execute() without arguments); otherwise the
            statement is prepared once and each round trip is Bind/Execute/Sync (asyncpg's fetchval)."""
            conn = await asyncpg.connect(**dsn)
            once = (lambda: conn.execute("SELECT 1")) if simple else (lambda: conn.fetchval("SELECT 1"))
            try:
                for _ in range(50):
                    await once()
                started = time.perf_counter()
                for _ in range(n):
                    await once()
                return time.perf_counter() - started
            finally:
                await conn.close()

        pg_dsn = dict(host=pg.host, port=pg.port, user=pg.user, database=pg.dbname)
        ours_by_kind = {}
        for kind, simple in (("prepared", False), ("simple", True)):
            pg_time = asyncio.run(run(pg_dsn, simple))
            our_time = ours_by_kind[kind] = asyncio.run(run(ours, simple))
            print(f"  {kind:8}  PostgreSQL {pg_time / n * 1e6:6.0f} µs/query   pgserver {our_time / n * 1e6:6.0f} µs/query"
                  f"   ratio {our_time / pg_time:5.2f}x slower")
        with buenavista_process() as bv_port:
            if bv_port is None:
                print("  buenavista: could not be installed in bench/.buenavista-venv — skipped")
                return
            for kind, simple in (("prepared", False), ("simple", True)):
                try:
                    bv_time = asyncio.run(run(dict(host="127.0.0.1", port=bv_port, user="bench", database="memory"),
                                              simple))
                except Exception as exc:  # noqa: BLE001 - a peer that cannot serve a client is reported, not fatal
                    print(f"  buenavista ({kind}) failed: {type(exc).__name__}: {exc}")
                    continue
                print(f"  {kind:8}  buenavista {bv_time / n * 1e6:6.0f} µs/query   ratio pgserver / buenavista "
                      f"{ours_by_kind[kind] / bv_time:5.2f}x its time")


def _process_figures(pid: int) -> tuple[float, int]:
    """(memory in MB, OS threads) of a process and its children (PostgreSQL's backends). Memory is the
    proportional set size, so PostgreSQL's shared buffers count once, not once per backend."""
    pids = [pid] + [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    pss, threads = 0.0, 0
    for one in pids:
        try:
            status = dict(line.split(":", 1) for line in Path(f"/proc/{one}/status").read_text().splitlines())
            rollup = dict(line.split(":", 1) for line in Path(f"/proc/{one}/smaps_rollup").read_text().splitlines()[1:])
        except (FileNotFoundError, ProcessLookupError):
            continue
        pss += int(rollup["Pss"].split()[0]) / 1024
        threads += int(status["Threads"])
    return pss, threads


_LOOKUP = '\\set id random({low}, {high})\nSELECT "Id", "Reference", "Name", "Balance" FROM "Customers" WHERE "Id" = :id;\n'
_JOIN = ('\\set k random({low}, {high})\nSELECT c."Name", count(*), sum(l."LineTotalValue") FROM "SalesOrderLines" l '
         'JOIN "Customers" c ON c."Id" = l."CustomerId" WHERE l."SalesOrderId" = :k GROUP BY 1;\n')
_CATALOG = ("SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_catalog.pg_class c "
            "JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid WHERE c.relname = 'Customers' AND a.attnum > 0 "
            "ORDER BY a.attnum;\n")


def _pgbench(conninfo: str, password: str | None, scripts: list[tuple[Path, int]], clients: int, seconds: int,
             sample: Any) -> tuple[float, float, int]:
    """pgbench's tps for the weighted scripts; (tps, peak RSS MB, peak threads) sampled meanwhile."""
    env = {**os.environ, **({"PGPASSWORD": password} if password else {})}
    args = [str(Path("/usr/lib/postgresql/15/bin/pgbench")), "-n", "-c", str(clients), "-j", "2", "-T",
            str(seconds)]
    for script, weight in scripts:
        args += ["-f", f"{script}@{weight}"]
    args.append(conninfo)  # (positional: pgbench's -d is --debug, which logs every message)
    import tempfile

    with tempfile.TemporaryFile("w+") as log:  # a pipe could fill up and stall pgbench
        proc = subprocess.Popen(args, env=env, stdout=log, stderr=subprocess.STDOUT, text=True)
        peak_rss, peak_threads = 0.0, 0
        while proc.poll() is None:
            rss, threads = sample()
            peak_rss, peak_threads = max(peak_rss, rss), max(peak_threads, threads)
            time.sleep(0.5)
        log.seek(0)
        out = log.read()
    tps = next((float(line.split("=")[1].split()[0]) for line in out.splitlines() if line.startswith("tps =")), 0.0)
    if not tps:
        print("  pgbench failed:\n" + "\n".join("    " + line for line in out.splitlines()[-8:]))
    return tps, peak_rss, peak_threads


def _connect_many(dsn: dict[str, Any], count: int) -> tuple[float, list[Any], asyncio.AbstractEventLoop]:
    """Open `count` connections at once; seconds until all answered SELECT 1 (they stay open)."""
    loop = asyncio.new_event_loop()

    async def one() -> Any:
        conn = await asyncpg.connect(**dsn, timeout=120)
        await conn.fetchval("SELECT 1")
        return conn

    async def all_of_them() -> list[Any]:
        return await asyncio.gather(*[one() for _ in range(count)])

    started = time.perf_counter()
    conns = loop.run_until_complete(all_of_them())
    return time.perf_counter() - started, conns, loop


def bench_clients(args: argparse.Namespace, tmp: Path) -> None:
    n, seconds = args.clients, args.seconds
    print(f"\n== 4. {n} concurrent clients (asyncpg to connect; pgbench -c {n} -j 2 -T {seconds} for the workload) ==")
    print("  workload per client: key lookup on Customers (weight 5), a join of SalesOrderLines and Customers by "
          "order (2), a catalog query (1)")
    with sandbox_process(1, 0) as url, pgserver(url, tmp, max_connections=n + 10, with_pid=True) as (port, pid), \
            throwaway_postgres(f"max_connections = {n + 20}\nhba_file = '{_scram_hba()}'\n") as pg:
        ours = dict(host="127.0.0.1", port=port, user=USER, password=PASSWORD, database="sage200")
        asyncio.run(_pg_role(pg))
        theirs = dict(host=pg.host, port=pg.port, user=USER, password=PASSWORD, database=pg.dbname)
        for view in ("Customers", "SalesOrderLines"):
            _copy_to_postgres(ours, dict(host=pg.host, port=pg.port, user=pg.user, database=pg.dbname), view)
            asyncio.run(_rename_copied(pg, view))
        ranges = asyncio.run(_key_ranges(ours))
        scripts = []
        for name, template, weight in (("lookup", _LOOKUP, 5), ("join", _JOIN, 2), ("catalog", _CATALOG, 1)):
            low, high = ranges.get(name, (0, 0))
            path = tmp / f"{name}.sql"
            path.write_text(template.format(low=low, high=high))
            scripts.append((path, weight))
        pid_file = Path(pg.log_file).parent / "data" / "postmaster.pid" if pg.log_file else None
        pg_pid = int(pid_file.read_text().split()[0]) if pid_file is not None and pid_file.exists() else None
        results = {}
        for label, dsn, server_pid, conninfo, password in (
                ("pgserver", ours, pid, f"host=127.0.0.1 port={port} user={USER} dbname=sage200", PASSWORD),
                ("PostgreSQL", theirs, pg_pid, f"host={pg.host} port={pg.port} user={USER} dbname={pg.dbname}",
                 PASSWORD)):
            base = _process_figures(server_pid) if server_pid else (0.0, 0)
            took, conns, loop = _connect_many(dsn, n)
            idle = _process_figures(server_pid) if server_pid else (0.0, 0)
            async def close_all(conns: list[Any] = conns) -> None:
                await asyncio.gather(*[c.close() for c in conns])

            loop.run_until_complete(close_all())
            loop.close()
            tps, peak_rss, peak_threads = _pgbench(conninfo, password, scripts, n, seconds,
                                                   (lambda p=server_pid: _process_figures(p)) if server_pid
                                                   else (lambda: (0.0, 0)))
            results[label] = (took, tps)
            print(f"  {label:10} connect {n}: {took:6.2f} s   memory idle {idle[0]:7.0f} MB (+{idle[0] - base[0]:.0f} for "
                  f"{n} idle)   threads idle {idle[1]:5d} (+{idle[1] - base[1]})   busy: memory {peak_rss:7.0f} MB, "
                  f"threads {peak_threads:5d}   {tps:8.1f} tps")
        ours_took, ours_tps = results["pgserver"]
        pg_took, pg_tps = results["PostgreSQL"]
        print(f"  ratios: connect-all {ours_took / pg_took:5.2f}x PostgreSQL's time   "
              f"tps {ours_tps / pg_tps if pg_tps else 0:5.2f} of PostgreSQL's")


class SandboxRequests:
    """The API requests a sandbox in another process answered, read from its --request-log file (one JSON line
    each, written as the answer goes out). Sign-in and GET /sites are not data requests and are not counted."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.seen = 0

    def _all(self) -> list[dict[str, Any]]:
        import json

        if not self.path.exists():
            return []
        return [json.loads(line) for line in self.path.read_text().splitlines() if line.strip()]

    def mark(self) -> None:
        self.seen = len(self._all())

    def since_mark(self) -> list[dict[str, Any]]:
        return [r for r in self._all()[self.seen:] if "/accounts/v1/" in r["path"] and not r["path"].endswith("/sites")]


@contextmanager
def peak_rss(pid: int):  # type: ignore[no-untyped-def]
    """Samples the process's resident set every 50 ms while the block runs: {"before", "peak", "after"} in MB."""
    import threading

    def rss() -> float:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0

    figures = {"before": rss(), "peak": 0.0, "after": 0.0}
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            figures["peak"] = max(figures["peak"], rss())
            stop.wait(0.05)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield figures
    finally:
        stop.set()
        thread.join()
        figures["after"] = rss()
        figures["peak"] = max(figures["peak"], figures["after"])


_MIRROR_LOOKUP = '\\set id random({low}, {high})\nSELECT "Id", "Reference", "Name", "Balance" FROM "Customers" WHERE "Id" = :id;\n'


def bench_mirror(args: argparse.Namespace, tmp: Path) -> None:
    n, seconds = args.clients, args.seconds
    view = "SalesOrderLines"
    print(f"\n== 5. the mirror: scale {args.scale} {view}, {args.latency_ms:g} ms latency per request, default "
          "MaxThreads and request budget ==")
    print("  API requests are counted by the sandbox (its --request-log); RSS is the server process's; machine load "
          "average (1, 5, 15 min) at the start: " + ", ".join(f"{v:.2f}" for v in os.getloadavg()))
    log = tmp / "mirror-requests.jsonl"
    with sandbox_process(args.scale, args.latency_ms, request_log=log) as url, \
            pgserver(url, tmp, max_connections=n + 10, with_pid=True, superuser=True) as (port, pid), \
            throwaway_postgres(f"max_connections = {n + 20}\nhba_file = '{_scram_hba()}'\n") as pg:
        dsn = dict(host="127.0.0.1", port=port, user=USER, password=PASSWORD, database="sage200")
        pg_dsn = dict(host=pg.host, port=pg.port, user=pg.user, database=pg.dbname)
        requests = SandboxRequests(log)

        async def run(sql: str, mode: str, stream: bool) -> int:
            conn = await asyncpg.connect(**dsn, server_settings={"options": f"-c CacheMode={mode}"})
            try:
                if not stream:
                    return int(await conn.fetchval(sql))
                count = 0
                async with conn.transaction():
                    async for _ in conn.cursor(sql, prefetch=5000):
                        count += 1
                return count
            finally:
                await conn.close()

        def measure(label: str, sql: str, mode: str, stream: bool) -> tuple[float, int, dict[str, float]]:
            requests.mark()
            with peak_rss(pid) as rss:
                started = time.perf_counter()
                rows = asyncio.run(run(sql, mode, stream))
                elapsed = time.perf_counter() - started
            made = len(requests.since_mark())
            print(f"  {label:26} {elapsed:7.2f} s  {made:5d} API requests  rows {rows:>7}   server RSS "
                  f"{rss['before']:5.0f} MB before, peak {rss['peak']:5.0f} MB, {rss['after']:5.0f} MB after")
            return elapsed, made, rss

        asyncio.run(run("SELECT count(*) FROM sys_mirror", "VERIFY", False))  # sign-in and GET /sites, uncounted
        count_sql, select_sql = f'SELECT count(*) FROM "{view}"', f'SELECT * FROM "{view}"'
        measure("count(*)  LIVE", count_sql, "LIVE", False)
        measure("SELECT *  LIVE", select_sql, "LIVE", True)
        measure("count(*)  cold (fill)", count_sql, "VERIFY", False)
        _, repeat_requests, _ = measure("count(*)  repeat", count_sql, "VERIFY", False)
        asyncio.run(run(f"CALL DropMirror('{view}')", "VERIFY", False))
        _, _, fill_rss = measure("SELECT *  cold (fill)", select_sql, "VERIFY", True)
        repeat, _, _ = measure("SELECT *  repeat", select_sql, "VERIFY", True)
        tolerant, _, _ = measure("SELECT *  TOLERANT", select_sql, "TOLERANT", True)
        pg_time = _copy_to_postgres(dsn, pg_dsn, view)
        print(f"  PostgreSQL 15 streaming the same rows from a table: {pg_time:.2f} s   repeat SELECT * "
              f"{repeat / pg_time:5.2f}x PostgreSQL's time (TOLERANT, no refresh: {tolerant / pg_time:5.2f}x)")
        customers_sql = 'SELECT count(*) FROM "Customers"'
        measure("Customers count(*) cold", customers_sql, "VERIFY", False)
        _, customers_requests, _ = measure("Customers count(*) repeat", customers_sql, "VERIFY", False)
        print(f"  where a repeat query's API requests go (EXPLAIN ANALYZE SELECT count(*) FROM \"{view}\"):")
        for line in asyncio.run(_explain_analyze(dsn, count_sql)):
            if "Mirror Refresh" in line or "API Requests" in line or "Time:" in line:
                print(f"    {line.strip()}")

        asyncio.run(_pg_role(pg))
        asyncio.run(_rename_copied(pg, view))
        _copy_to_postgres(dsn, pg_dsn, "Customers")
        asyncio.run(_rename_copied(pg, "Customers"))
        low, high = asyncio.run(_key_ranges(dsn))["lookup"]
        script = tmp / "mirror-lookup.sql"
        script.write_text(_MIRROR_LOOKUP.format(low=low, high=high))
        ours = f"host=127.0.0.1 port={port} user={USER} dbname=sage200"
        # -T includes pgbench's connecting, which takes our server ~0.1 s per connection of CPU: 30 s more for it
        # (pgbench's tps leaves the connection time out)
        duration = seconds + 30
        print(f"  key lookups on Customers (ids {low}..{high}), pgbench -c {n} -j 2 -T {duration}:")
        results = {}
        for label, conninfo, server_pid in (
                ("mirror VERIFY (default)", ours, pid),
                ("mirror TOLERANT", f"{ours} options='-c CacheMode=TOLERANT'", pid),
                ("live (CacheMode=LIVE)", f"{ours} options='-c CacheMode=LIVE'", pid),
                ("PostgreSQL 15", f"host={pg.host} port={pg.port} user={USER} dbname={pg.dbname}", None)):
            requests.mark()
            tps, peak, _ = _pgbench(conninfo, PASSWORD, [(script, 1)], n, duration,
                                    (lambda p=server_pid: _process_figures(p)) if server_pid else (lambda: (0.0, 0)))
            made = len(requests.since_mark())
            results[label] = tps
            print(f"    {label:24} {tps:9.1f} tps   {made:6d} API requests" +
                  (f"   server memory peak {peak:5.0f} MB" if server_pid else ""))
        base = results["PostgreSQL 15"] or float("nan")
        print("    ratios to PostgreSQL 15: " + "   ".join(f"{k} {v / base:5.2f}" for k, v in results.items()
                                                          if k != "PostgreSQL 15"))
        print("  targets (issue 12): repeat on unchanged data <= 3 API requests: "
              f"{view} {repeat_requests}, Customers {customers_requests};  repeat SELECT * <= 1.5x PostgreSQL: "
              f"{repeat / pg_time:.2f}x;  200-client lookups from the mirror >= 0.5x PostgreSQL: "
              f"{results['mirror VERIFY (default)'] / base:.2f}x;  peak RSS while filling: {fill_rss['peak']:.0f} MB "
              f"(from {fill_rss['before']:.0f} MB)")
        print("  machine load average at the end: " + ", ".join(f"{v:.2f}" for v in os.getloadavg()))


async def _explain_analyze(dsn: dict[str, Any], sql: str) -> list[str]:
    conn = await asyncpg.connect(**dsn)
    try:
        return [row[0] for row in await conn.fetch(f"EXPLAIN ANALYZE {sql}")]
    finally:
        await conn.close()


async def _rename_copied(pg: Any, view: str) -> None:
    conn = await asyncpg.connect(host=pg.host, port=pg.port, user=pg.user, database=pg.dbname)
    try:
        await conn.execute(f'DROP TABLE IF EXISTS "{view}"; ALTER TABLE copied RENAME TO "{view}"; '
                           f'GRANT SELECT ON "{view}" TO {USER}')
        if view == "Customers":
            await conn.execute('ALTER TABLE "Customers" ADD PRIMARY KEY ("Id")')
        else:
            await conn.execute(f'CREATE INDEX ON "{view}" ("SalesOrderId")')
    finally:
        await conn.close()


async def _key_ranges(dsn: dict[str, Any]) -> dict[str, tuple[int, int]]:
    conn = await asyncpg.connect(**dsn)
    try:
        lookup = await conn.fetchrow('SELECT min("Id"), max("Id") FROM "Customers"')
        join = await conn.fetchrow('SELECT min("SalesOrderId"), max("SalesOrderId") FROM "SalesOrderLines"')
        return {"lookup": (lookup[0], lookup[1]), "join": (join[0], join[1])}
    finally:
        await conn.close()


SECTIONS = ("scan", "stream", "roundtrip", "clients", "mirror")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=100)
    parser.add_argument("--latency-ms", type=float, default=50)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--roundtrips", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=15, help="pgbench duration per server (clients)")
    parser.add_argument("--only", default=",".join(SECTIONS), help=f"comma-separated: {', '.join(SECTIONS)}")
    parser.add_argument("--repeat", type=int, default=3, help="runs per streaming figure (the median is printed)")
    parser.add_argument("--view-scale", type=float, default=10, help="sandbox scale of the Sage view streamed")
    parser.add_argument("--view-repeat", type=int, default=15,
                        help="runs of the Sage view figure (about 0.15 s each at scale 10; the median is printed)")
    args = parser.parse_args()
    chosen = set(args.only.split(","))
    if chosen - set(SECTIONS):
        parser.error(f"--only: unknown section(s) {', '.join(sorted(chosen - set(SECTIONS)))}")
    import tempfile

    tmp = Path(tempfile.mkdtemp(prefix="pgserver-bench-"))
    if "roundtrip" in chosen:
        bench_roundtrip(args, tmp)
    if "stream" in chosen:
        bench_stream(args, tmp)
    if "scan" in chosen:
        bench_scan(args, tmp)
    if "clients" in chosen:
        bench_clients(args, tmp)
    if "mirror" in chosen:
        bench_mirror(args, tmp)


if __name__ == "__main__":
    main()
