"""A throwaway PostgreSQL 15 on loopback, for differential tests, catalog generation and benchmarks.

PostgreSQL refuses to run as root, so as root the cluster runs as Debian's `postgres` user.
Trust authentication on 127.0.0.1 only; the data directory is removed on exit.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PG_BIN = Path(os.environ.get("PG15_BIN", "/usr/lib/postgresql/15/bin"))


@dataclass(frozen=True)
class RunningPostgres:
    host: str
    port: int
    user: str
    dbname: str
    log_file: Path | None = None

    @property
    def conninfo(self) -> str:
        return f"host={self.host} port={self.port} user={self.user} dbname={self.dbname}"

    @property
    def url(self) -> str:
        return f"postgresql://{self.user}@{self.host}:{self.port}/{self.dbname}"


def available() -> bool:
    return (PG_BIN / "initdb").exists() and (os.geteuid() != 0 or shutil.which("runuser") is not None)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def throwaway_postgres(extra_conf: str = "") -> Iterator[RunningPostgres]:
    """Start a fresh cluster; `extra_conf` is appended to postgresql.conf (e.g. log_statement = 'all')."""
    as_root = os.geteuid() == 0
    prefix = ["runuser", "-u", "postgres", "--"] if as_root else []
    tmp = Path(tempfile.mkdtemp(prefix="pg15-"))
    data = tmp / "data"
    if as_root:
        pw = pwd.getpwnam("postgres")
        os.chown(tmp, pw.pw_uid, pw.pw_gid)
    port = _free_port()
    try:
        subprocess.run([*prefix, str(PG_BIN / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
                        "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"], check=True, capture_output=True)
        with open(data / "postgresql.conf", "a") as fh:
            fh.write(f"listen_addresses = '127.0.0.1'\nport = {port}\nunix_socket_directories = '{tmp}'\n"
                     "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\nshared_buffers = 64MB\n"
                     "max_connections = 40\n" + extra_conf)
        subprocess.run([*prefix, str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(tmp / "log"), "-w", "start"],
                       check=True, capture_output=True)
        yield RunningPostgres("127.0.0.1", port, "postgres", "postgres", tmp / "log")
    finally:
        pid_file = data / "postmaster.pid"
        if pid_file.exists():
            pid = int(pid_file.read_text().splitlines()[0])
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, 2)  # fast shutdown of our own postmaster
            for _ in range(400):
                if not pid_file.exists():
                    break
                time.sleep(0.05)
        shutil.rmtree(tmp, ignore_errors=True)
