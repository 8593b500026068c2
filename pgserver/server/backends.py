"""The server's connected sessions ("backends"): cancel keys, what each is doing, and who may signal whom.

One `BackendRegistry` per server. It serves

- CancelRequest (process id + secret key from BackendKeyData),
- pg_stat_activity (`activity()`: one row per session, read by any session's catalog),
- pg_cancel_backend / pg_terminate_backend (`signal()`, with PostgreSQL's permission rules),
- PostgreSQL's `client_connection_check_interval`: one task (`watch_clients`) polls the sockets of the sessions
  that are busy with a statement for a hang-up (POLLRDHUP), and cancels the statement and ends the session of a
  client that went away, so a scan stops paging the API although nothing is being written to the client.

Every call here runs on the server's event loop thread; `signal_threadsafe` is for SQL functions, which run on
DuckDB's worker threads.
"""

from __future__ import annotations

import datetime as dt
import hmac
import logging
import secrets
import select
import socket
import struct
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import anyio
from anyio.lowlevel import EventLoopToken, current_token

from pgserver.engine import Activity, Engine, SignalResult
from pgserver.errors import INSUFFICIENT_PRIVILEGE, PgError

log = logging.getLogger("pgserver.server")

_HANGUP = select.POLLHUP | select.POLLERR | getattr(select, "POLLRDHUP", 0)


def _stamp(seconds: float | None) -> dt.datetime | None:
    return None if seconds is None else dt.datetime.fromtimestamp(seconds, dt.UTC)


@dataclass
class SessionActivity:
    """What one session is doing, kept up to date by the query loop (pgserver/server/query_loop.py). Times are
    epoch seconds (time.time(): cheap on every statement), made datetimes only when pg_stat_activity is read."""

    state: str = "idle"  # PostgreSQL's words: active, idle, idle in transaction, idle in transaction (aborted)
    query: str = ""  # the running statement, or the last one once idle
    query_start: float | None = None
    state_change: float | None = None
    xact_start: float | None = None
    busy_since: float | None = None  # monotonic time the running statement started; None while idle

    def start(self, query: str, in_transaction: bool) -> None:
        now = time.time()
        self.state, self.query, self.query_start, self.state_change = "active", query, now, now
        if self.xact_start is None or not in_transaction:
            self.xact_start = now
        self.busy_since = time.monotonic()

    def finish(self, transaction_status: str) -> None:
        if self.busy_since is None:
            return
        self.busy_since = None
        self.state = {"T": "idle in transaction", "E": "idle in transaction (aborted)"}.get(transaction_status, "idle")
        self.state_change = time.time()
        if transaction_status == "I":
            self.xact_start = None


@dataclass
class Backend:
    pid: int
    secret: int
    engine: Engine
    user: str
    superuser: bool
    database: str
    application_name: str
    client: tuple[str, int] | None
    sock: socket.socket | None
    started: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    activity: SessionActivity = field(default_factory=SessionActivity)
    scope: anyio.CancelScope = field(default_factory=anyio.CancelScope)  # cancelled: the session ends
    ended_by: str | None = None  # "terminate" (pg_terminate_backend) or "client gone"

    def end(self, why: str) -> None:
        """Stop the running statement and end the session (its handler closes the connection)."""
        if self.ended_by is None:
            self.ended_by = why
        try:
            self.engine.cancel()
        except Exception as exc:  # noqa: BLE001 - ending the session must not fail
            log.error("engine.cancel() failed", exc_info=exc)
        self.scope.cancel()

    def as_activity(self) -> Activity:
        a = self.activity
        idle = a.busy_since is None
        return Activity(
            pid=self.pid, user=self.user, database=self.database, application_name=self.application_name,
            client_addr=self.client[0] if self.client else None, client_port=self.client[1] if self.client else -1,
            backend_start=self.started, xact_start=_stamp(a.xact_start), query_start=_stamp(a.query_start),
            state_change=_stamp(a.state_change) or self.started, state=a.state, query=a.query,
            wait_event_type="Client" if idle else None, wait_event="ClientRead" if idle else None)


class BackendRegistry:
    def __init__(self) -> None:
        self._backends: dict[int, Backend] = {}
        self._next_pid = 10_000 + secrets.randbelow(50_000)
        self._loop: EventLoopToken | None = None

    def __len__(self) -> int:
        return len(self._backends)

    def new_pid(self) -> int:
        """A free process id for BackendKeyData and pg_backend_pid()."""
        pid = self._next_pid
        while pid in self._backends:
            pid = pid + 1 if pid < 2**31 - 1 else 10_000
        self._next_pid = pid + 1 if pid < 2**31 - 1 else 10_000
        return pid

    def add(self, backend: Backend) -> None:
        self._loop = self._loop or current_token()
        self._backends[backend.pid] = backend

    def remove(self, pid: int) -> None:
        self._backends.pop(pid, None)

    @staticmethod
    def new_secret() -> int:
        return struct.unpack(">i", secrets.token_bytes(4))[0]

    # -- CancelRequest -----------------------------------------------------------------
    def cancel(self, pid: int, secret: int) -> bool:
        """Cancel that session's running statement if the secret matches (compared in constant time)."""
        entry = self._backends.get(pid)
        expected = entry.secret if entry is not None else 0
        matches = hmac.compare_digest(struct.pack(">i", expected), struct.pack(">i", secret))
        if entry is None or not matches:
            log.info("ignored a cancel request with a wrong process id or key")
            return False
        try:
            entry.engine.cancel()
        except Exception as exc:  # noqa: BLE001
            log.error("engine.cancel() failed", exc_info=exc)
            return False
        return True

    # -- pg_stat_activity, pg_cancel_backend, pg_terminate_backend ----------------------
    def activity(self) -> list[Activity]:
        return [b.as_activity() for b in sorted(self._backends.values(), key=lambda b: b.pid)]

    def check_signal(self, pid: int, *, terminate: bool, by_user: str, superuser: bool) -> Backend | None:
        """PostgreSQL's rules (pg_signal_backend): any session of one's own role; a superuser's only for a
        superuser. None: no such session (the caller warns and answers false)."""
        target = self._backends.get(pid)
        if target is None:
            return None
        if superuser or (target.user == by_user and not target.superuser):
            return target
        what = "terminate process" if terminate else "cancel query"
        if target.superuser:
            detail = (f'Only roles with the SUPERUSER attribute may {"terminate processes" if terminate else "cancel queries"} '
                      "of roles with the SUPERUSER attribute.")
        else:
            detail = (f"Only roles with privileges of the role whose {'process is being terminated' if terminate else 'query is being canceled'} "
                      f'or with privileges of the "pg_signal_backend" role may {"terminate this backend" if terminate else "cancel this query"}.')
        raise PgError(INSUFFICIENT_PRIVILEGE, f"permission denied to {what}", detail=detail)

    def signal(self, pid: int, *, terminate: bool, by_user: str, superuser: bool) -> SignalResult:
        target = self.check_signal(pid, terminate=terminate, by_user=by_user, superuser=superuser)
        if target is None:
            return SignalResult(False, f"PID {pid} is not a PostgreSQL backend process")
        if terminate:
            target.end("terminate")
        else:
            target.engine.cancel()
        return SignalResult(True)

    def signal_threadsafe(self, pid: int, *, terminate: bool, by_user: str, superuser: bool) -> SignalResult:
        """signal() from a worker thread: permission is checked at once (PgError), the signal is delivered on
        the event loop thread, as a real signal arrives asynchronously."""
        target = self.check_signal(pid, terminate=terminate, by_user=by_user, superuser=superuser)
        if target is None:
            return SignalResult(False, f"PID {pid} is not a PostgreSQL backend process")
        action: Callable[[], object] = (lambda: target.end("terminate")) if terminate else target.engine.cancel
        if self._loop is not None:
            anyio.from_thread.run_sync(action, token=self._loop)
        return SignalResult(True)

    # -- client_connection_check_interval ------------------------------------------------
    async def watch_clients(self, interval: float) -> None:
        """Every `interval` seconds, end the busy sessions whose client hung up."""
        if interval <= 0:
            return
        while True:
            await anyio.sleep(interval)
            now = time.monotonic()
            for backend in list(self._backends.values()):
                busy = backend.activity.busy_since
                if busy is not None and now - busy >= interval and backend.sock is not None \
                        and _hung_up(backend.sock):
                    log.info("client of backend %d went away during a statement; cancelling it", backend.pid)
                    backend.end("client gone")


def _hung_up(sock: socket.socket) -> bool:
    poller = select.poll()
    try:
        poller.register(sock.fileno(), _HANGUP)
    except (OSError, ValueError):
        return True  # the socket is already closed
    return any(events & _HANGUP for _fd, events in poller.poll(0))
