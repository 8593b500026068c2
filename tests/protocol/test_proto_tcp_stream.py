"""The server's client stream (pgserver/server/tcp.py) over real sockets: bytes arrive whole and in order,
reading pauses while too much waits unread, a slow reader holds the writer back, and EOF and close behave."""

from __future__ import annotations

import socket

import anyio
import anyio.lowlevel
import pytest

from pgserver.server import tcp
from pgserver.server.tcp import ClientStream, listen

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def _pair() -> tuple[ClientStream, socket.socket, object]:
    listener = await listen("127.0.0.1", 0)
    port = listener.extra(anyio.abc.SocketAttribute.local_port)
    client = socket.create_connection(("127.0.0.1", port))
    client.setblocking(False)
    server = await listener.listeners[0].accept()
    return server, client, listener


async def _client_send(client: socket.socket, data: bytes) -> None:
    view = memoryview(data)
    while view:
        await anyio.wait_writable(client)
        try:
            sent = client.send(view)
        except BlockingIOError:
            continue
        view = view[sent:]


async def test_bytes_arrive_whole_in_order_and_reading_pauses_while_unread() -> None:
    server, client, listener = await _pair()
    payload = bytes(range(256)) * (4 * tcp.HIGH_WATER // 256)  # four times the pause threshold
    async with anyio.create_task_group() as tasks:
        tasks.start_soon(_client_send, client, payload)
        with anyio.move_on_after(5):
            while not server._protocol.reading_paused:
                await anyio.sleep(0.01)
        assert server._protocol.reading_paused, "reading never paused with 4 MB unread"
        assert server._protocol.buffered < tcp.HIGH_WATER + (1 << 20)
        received = bytearray()
        while len(received) < len(payload):
            received += await server.receive(65536)
    assert bytes(received) == payload
    assert not server._protocol.reading_paused
    client.close()
    with pytest.raises(anyio.EndOfStream):
        with anyio.fail_after(5):
            await server.receive()
    await server.aclose()
    with pytest.raises(anyio.ClosedResourceError):
        await server.receive()
    await listener.aclose()


async def test_a_slow_reader_holds_the_writer_back_and_gets_every_byte() -> None:
    server, client, listener = await _pair()
    block = b"x" * (1 << 20)
    sent_all = anyio.Event()

    async def write() -> None:
        for _ in range(16):
            await server.send(block)
        sent_all.set()

    async with anyio.create_task_group() as tasks:
        tasks.start_soon(write)
        await anyio.sleep(0.3)
        assert not sent_all.is_set(), "16 MB went into the transport's buffer with nobody reading"
        assert server._transport.get_write_buffer_size() < 8 << 20
        received = 0
        while received < 16 << 20:
            await anyio.wait_readable(client)
            try:
                received += len(client.recv(1 << 16))
            except BlockingIOError:
                pass
    assert sent_all.is_set() and received == 16 << 20
    await server.aclose()
    client.close()
    await listener.aclose()


async def test_close_sends_what_is_queued_first() -> None:
    server, client, listener = await _pair()
    await server.send(b"last words")
    await server.aclose()
    received = b""
    with anyio.fail_after(5):
        while True:
            await anyio.wait_readable(client)
            chunk = client.recv(100)
            if not chunk:
                break
            received += chunk
    assert received == b"last words"
    with pytest.raises(anyio.ClosedResourceError):
        await server.send(b"more")
    client.close()
    await listener.aclose()


async def _turns_of_others_during(work: object, monkeypatch: pytest.MonkeyPatch, time_slice: float,
                                  server: ClientStream) -> int:
    """How many times another task ran while `work()` used the stream without ever having to wait."""
    monkeypatch.setattr(tcp, "TIME_SLICE", time_slice)
    server._turn_started = server._loop.time()
    turns = 0

    async def other() -> None:
        nonlocal turns
        while True:
            turns += 1
            await anyio.lowlevel.checkpoint()

    async with anyio.create_task_group() as tasks:
        tasks.start_soon(other)
        await anyio.lowlevel.checkpoint()
        before = turns
        await work()  # type: ignore[operator]
        during = turns - before
        tasks.cancel_scope.cancel()
    return during


async def test_a_stream_that_never_waits_still_lets_other_clients_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """Sends to a fast reader and receives of bytes already buffered need no wait; past TIME_SLICE the stream
    yields anyway, so one pipelining client cannot hold the event loop that every other client shares."""
    server, client, listener = await _pair()

    async def sends() -> None:
        for _ in range(50):
            await server.send(b"x")

    async def receives() -> None:
        for _ in range(50):
            assert await server.receive(1) == b"y"

    assert await _turns_of_others_during(sends, monkeypatch, 0.0, server) >= 50
    assert await _turns_of_others_during(sends, monkeypatch, 3600.0, server) == 0
    client.setblocking(True)
    client.sendall(b"y" * 100)
    with anyio.fail_after(5):
        while server._protocol.buffered < 100:
            await anyio.sleep(0.01)
    assert await _turns_of_others_during(receives, monkeypatch, 0.0, server) >= 49
    assert await _turns_of_others_during(receives, monkeypatch, 3600.0, server) == 0
    await server.aclose()
    client.close()
    await listener.aclose()
