"""Nothing is spent before login (issue 8): bounded pre-authentication messages and unpredictable mock salts.

- The memory test runs the real `pgserver serve` in its own process and opens 1,000 connections that each send a
  maximal start-up packet (10,000 bytes) and a maximal SASL message (65,535 bytes, nearly all client nonce), then
  hold there, never finishing the login. The server's RSS may grow by less than 100 MB.
- Larger authentication messages end the connection (FATAL 08P01) before their body is read.
- The salt offered for an unknown user depends on the server secret: two secrets give unrelated salts, a restart
  with the same secret file gives the same salt, and neither is the old `sha256("mock" + user)` value.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import re
import socket
import struct
import subprocess
import sys
import time
from pathlib import Path

import pgproto_wire as w
import pytest
from pgproto_server import make_config, running_server

from pgserver.protocol.scram import make_verifier

MAX_STARTUP = 10_000
MAX_SASL = 65_535
CLIENTS = 1_000


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def _maximal_startup(user: str) -> bytes:
    head = w.startup({"user": user, "database": "sage200", "application_name": ""})
    pad = MAX_STARTUP - len(head)
    packet = w.startup({"user": user, "database": "sage200", "application_name": "x" * pad})
    assert len(packet) == MAX_STARTUP
    return packet


def _sasl_initial(client_first: bytes, mechanism: str = "SCRAM-SHA-256") -> bytes:
    return w.msg(b"p", w.cstr(mechanism) + struct.pack(">i", len(client_first)) + client_first)


def _maximal_sasl() -> bytes:
    overhead = len(_sasl_initial(b"")) - 1 - 4  # body without the data
    nonce_len = MAX_SASL - overhead - len(b"n,,n=,r=")
    message = _sasl_initial(b"n,,n=,r=" + b"N" * nonce_len)
    (length,) = struct.unpack(">i", message[1:5])
    assert length - 4 == MAX_SASL
    return message


async def _read_message(reader: asyncio.StreamReader) -> tuple[bytes, bytes]:
    header = await reader.readexactly(5)
    (length,) = struct.unpack(">i", header[1:])
    return header[:1], await reader.readexactly(length - 4)


@pytest.fixture
def server_process(tmp_path: Path):
    config = tmp_path / "pgserver.toml"
    config.write_text(f'''[server]
host = "127.0.0.1"
port = 0
max_connections = {CLIENTS + 100}
authentication_timeout = 300
secret_file = "{tmp_path / 'secret'}"

[[users]]
name = "alice"
scram = "{make_verifier('alice-pw')}"

[databases.sage200]
''')
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "pgserver", "serve", "--config", str(config),
                                 "--log-level", "warning"], stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while not (match := re.search(r"listening on 127\.0\.0\.1:(\d+)", log.read_text())):
            assert proc.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
        yield proc, int(match.group(1))
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.mark.slow
def test_a_thousand_half_logins_cost_under_100_mb(server_process) -> None:
    proc, port = server_process
    time.sleep(0.5)
    baseline = _rss_kib(proc.pid)
    startup, sasl = _maximal_startup("alice"), _maximal_sasl()
    peak = baseline

    async def half_login(gate: asyncio.Semaphore) -> asyncio.StreamWriter:
        async with gate:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(startup)
            kind, body = await _read_message(reader)
            assert kind == b"R" and struct.unpack(">i", body[:4])[0] == 10  # AuthenticationSASL
            writer.write(sasl)
            kind, body = await _read_message(reader)
            assert kind == b"R" and struct.unpack(">i", body[:4])[0] == 11  # AuthenticationSASLContinue
            return writer

    async def main() -> int:
        nonlocal peak
        gate = asyncio.Semaphore(100)
        tasks = [asyncio.create_task(half_login(gate)) for _ in range(CLIENTS)]
        while not all(t.done() for t in tasks):
            peak = max(peak, _rss_kib(proc.pid))
            await asyncio.sleep(0.05)
        writers = [t.result() for t in tasks]
        await asyncio.sleep(0.5)
        held = _rss_kib(proc.pid)
        peak = max(peak, held)
        for writer in writers:
            writer.close()
        return held

    held = asyncio.run(main())
    grown_mb = (peak - baseline) / 1024
    print(f"\n{CLIENTS} half-logins: server RSS {baseline // 1024} MB -> peak {peak // 1024} MB, "
          f"held {held // 1024} MB (+{grown_mb:.1f} MB)")
    assert grown_mb < 100, f"server RSS grew by {grown_mb:.0f} MB"
    assert proc.poll() is None
    # The server is still fine for a real login.
    ok = subprocess.run(["psql", f"host=127.0.0.1 port={port} user=alice dbname=sage200", "-XAtc", "SELECT 1"],
                        env={"PGPASSWORD": "alice-pw", "PATH": "/usr/bin:/bin"}, capture_output=True, text=True,
                        timeout=60)
    assert ok.stdout.strip() == "1", ok.stderr




def test_oversized_sasl_message_is_refused_before_its_body(tmp_path: Path) -> None:
    with running_server(make_config(None, secret_file=str(tmp_path / "s"))) as srv, \
            socket.create_connection(("127.0.0.1", srv.port), timeout=10) as sock:
        sock.sendall(w.startup({"user": "demo", "database": "sage200"}))
        assert sock.recv(100)[:1] == b"R"
        # A header announcing one byte more than PostgreSQL's SASL bound, and no body at all.
        sock.sendall(b"p" + struct.pack(">i", MAX_SASL + 5))
        reply = w.read_messages(sock.recv(1000))
        assert reply[0][0] == b"E" and b"C08P01" in reply[0][1] and b"SFATAL" in reply[0][1]
        assert sock.recv(100) == b""  # closed


def _salt_offered(port: int, user: str) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(w.startup({"user": user, "database": "sage200"}))
        sock.recv(1000)
        sock.sendall(_sasl_initial(b"n,,n=,r=abcdefghijklmnop"))
        kind, body = w.read_messages(sock.recv(1000))[0]
        assert kind == b"R" and struct.unpack(">i", body[:4])[0] == 11
        fields = dict(part.split("=", 1) for part in body[4:].decode().split(","))
        return base64.b64decode(fields["s"])


def test_unknown_user_salt_depends_on_the_server_secret(tmp_path: Path) -> None:
    first, second = tmp_path / "one", tmp_path / "two"
    with running_server(make_config(None, secret_file=str(first))) as srv:
        salt_a = _salt_offered(srv.port, "ghost")
        assert _salt_offered(srv.port, "ghost") == salt_a  # stable: probing twice shows nothing
        assert _salt_offered(srv.port, "other-ghost") != salt_a
    assert first.stat().st_mode & 0o777 == 0o600
    with running_server(make_config(None, secret_file=str(first))) as srv:  # a restart keeps the secret
        assert _salt_offered(srv.port, "ghost") == salt_a
    with running_server(make_config(None, secret_file=str(second))) as srv:
        salt_b = _salt_offered(srv.port, "ghost")
    assert salt_b != salt_a and len(salt_a) == len(salt_b) == 16
    assert hashlib.sha256(b"mockghost").digest()[:16] not in (salt_a, salt_b)  # no longer computable
