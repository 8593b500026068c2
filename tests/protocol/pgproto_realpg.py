"""A throw-away PostgreSQL 15 cluster for differential tests (the type registry vs the real thing)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg

PG_BIN = Path("/usr/lib/postgresql/15/bin")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_postgres(cmd: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: drop to the 'postgres' OS user when we are root."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


@contextmanager
def real_postgres() -> Iterator[str]:
    """Start a loopback PG 15 with trust auth; yields a libpq URL; stops it by pid afterwards."""
    if not (PG_BIN / "postgres").exists():
        raise FileNotFoundError("PostgreSQL 15 server binaries are not installed")
    root = Path(tempfile.mkdtemp(prefix="pgproto-real-"))
    data = root / "data"
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
    port = free_port()
    subprocess.run(_as_postgres([str(PG_BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
                                 "--no-sync"]), check=True, capture_output=True)
    with open(data / "postgresql.conf", "a") as conf:
        conf.write(f"listen_addresses = '127.0.0.1'\nport = {port}\nunix_socket_directories = '{root}'\n"
                   "fsync = off\nshared_buffers = 16MB\nmax_connections = 20\n")
    proc = subprocess.Popen(_as_postgres([str(PG_BIN / "postgres"), "-D", str(data)]),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"postgresql://postgres@127.0.0.1:{port}/postgres"
        for _ in range(600):  # until it accepts logins (not just TCP: "the database system is starting up")
            try:
                psycopg.connect(url, connect_timeout=2).close()
                break
            except psycopg.OperationalError:
                if proc.poll() is not None:
                    raise RuntimeError("PostgreSQL exited during start-up") from None
                time.sleep(0.05)
        yield url
    finally:
        pid_file = data / "postmaster.pid"
        pid = int(pid_file.read_text().split()[0]) if pid_file.exists() else proc.pid
        subprocess.run(_as_postgres(["kill", "-INT", str(pid)]), check=False)
        proc.wait(timeout=30)
        shutil.rmtree(root, ignore_errors=True)
