"""Client sockets as anyio byte streams, one asyncio Protocol each, without anyio's per-call bookkeeping.

anyio's own TCP stream turns the transport's reading on and off around every `receive()` (two epoll changes) and
yields to the event loop once more after every `send()` (a cancel-shielded checkpoint): for a `SELECT 1` round
trip that was a fifth of the server's CPU (decision 1016). This stream keeps reading on until `HIGH_WATER` bytes
wait unread (then pauses the transport, as any flow control does), returns buffered bytes at once, and awaits
only when it must — no data yet, or the transport's write buffer is full — or when it has run `TIME_SLICE`
without waiting (a client pipelining messages must not hold the event loop every other client shares). Everything else — TLS (anyio's
TLSStream wraps this stream), cancel scopes, `extra()` socket attributes — works as with anyio's stream, since
this is an `anyio.abc.SocketStream`.

Listening sockets are still created by `anyio.create_tcp_listener` (addresses, families, options); `listen()`
only changes what `accept()` returns.
"""

from __future__ import annotations

import asyncio
import socket
from collections import deque

import anyio
import anyio.abc
import anyio.lowlevel
from anyio.abc import SocketAttribute
from anyio.streams.stapled import MultiListener

HIGH_WATER = 1 << 20  # unread bytes at which reading pauses …
LOW_WATER = 1 << 18  # … and below which it resumes
CLOSE_GRACE = 5.0  # seconds a closed stream's unsent bytes may take to leave before the socket is dropped
# The longest a stream that never has to wait (a client pipelining messages, reading fast) runs before it lets the
# event loop serve others: every other client shares the loop, so none may hold it (anyio's stream yielded at every
# call; this yields once per slice).
TIME_SLICE = 0.002


class _ClientProtocol(asyncio.Protocol):
    """The transport's callbacks: received bytes queue up; a waiting reader or writer is woken."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.chunks: deque[bytes] = deque()
        self.buffered = 0
        self.reading_paused = False
        self.at_eof = False
        self.lost = False
        self.error: BaseException | None = None
        self.waiters: dict[str, asyncio.Future[None]] = {}  # "read" / "write": the side waiting to be woken
        self.writing_paused = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.chunks.append(data)
        self.buffered += len(data)
        if self.buffered >= HIGH_WATER and not self.reading_paused and self.transport is not None:
            self.reading_paused = True
            self.transport.pause_reading()
        self._wake("read")

    def eof_received(self) -> bool:
        self.at_eof = True
        self._wake("read")
        return True  # keep the transport open: what is queued for the client still goes out

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost, self.error = True, exc
        self._wake("read")
        self._wake("write")

    def pause_writing(self) -> None:
        self.writing_paused = True

    def resume_writing(self) -> None:
        self.writing_paused = False
        self._wake("write")

    async def wait(self, side: str) -> None:
        """Until the transport wakes this side ("read" or "write")."""
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.waiters[side] = waiter
        try:
            await waiter
        finally:
            if self.waiters.get(side) is waiter:
                del self.waiters[side]

    def _wake(self, side: str) -> None:
        waiter = self.waiters.pop(side, None)
        if waiter is not None and not waiter.done():
            waiter.set_result(None)


class ClientStream(anyio.abc.SocketStream):
    """One accepted client socket."""

    def __init__(self, transport: asyncio.Transport, protocol: _ClientProtocol) -> None:
        self._transport = transport
        self._protocol = protocol
        self._closed = False
        self._loop = asyncio.get_running_loop()
        self._turn_started = self._loop.time()  # when this stream last let the event loop go

    async def _share_the_loop(self) -> None:
        """Yield to the event loop once this stream has run TIME_SLICE without waiting."""
        if self._loop.time() - self._turn_started >= TIME_SLICE:
            await asyncio.sleep(0)
            self._turn_started = self._loop.time()

    @property
    def _raw_socket(self) -> socket.socket:
        return self._transport.get_extra_info("socket")  # type: ignore[no-any-return]

    async def receive(self, max_bytes: int = 65536) -> bytes:
        protocol = self._protocol
        if protocol.chunks:
            await self._share_the_loop()
        while not protocol.chunks:
            if self._closed:
                raise anyio.ClosedResourceError
            if protocol.lost:
                if protocol.error is not None:
                    raise anyio.BrokenResourceError from protocol.error
                raise anyio.EndOfStream
            if protocol.at_eof:
                raise anyio.EndOfStream
            await protocol.wait("read")
            self._turn_started = self._loop.time()
        chunk = protocol.chunks.popleft()
        if len(chunk) > max_bytes:
            chunk, rest = chunk[:max_bytes], chunk[max_bytes:]
            protocol.chunks.appendleft(rest)
        protocol.buffered -= len(chunk)
        if protocol.reading_paused and protocol.buffered <= LOW_WATER and not protocol.lost:
            protocol.reading_paused = False
            self._transport.resume_reading()
        return chunk

    async def send(self, item: bytes) -> None:
        protocol = self._protocol
        if self._closed:
            raise anyio.ClosedResourceError
        if protocol.lost or self._transport.is_closing():
            raise anyio.BrokenResourceError from protocol.error
        self._transport.write(item)
        if not protocol.writing_paused:
            await self._share_the_loop()
        while protocol.writing_paused and not protocol.lost:  # the client reads slower than we write
            await protocol.wait("write")
            self._turn_started = self._loop.time()
        if protocol.lost:
            raise anyio.BrokenResourceError from protocol.error

    async def send_eof(self) -> None:
        try:
            self._transport.write_eof()
        except OSError:
            pass

    async def aclose(self) -> None:
        """Close: what is queued still goes out (the transport flushes before it closes the socket), within
        CLOSE_GRACE — a client that reads nothing does not keep its socket open."""
        if not self._closed:
            self._closed = True
            self._transport.close()
            if self._transport.get_write_buffer_size():
                asyncio.get_running_loop().call_later(CLOSE_GRACE, self._transport.abort)
        await anyio.lowlevel.checkpoint()


class ClientListener(anyio.abc.SocketListener):
    """Accepts clients of one listening socket as ClientStreams."""

    def __init__(self, raw_socket: socket.socket) -> None:
        self._socket = raw_socket
        self._closed = False

    @property
    def _raw_socket(self) -> socket.socket:
        return self._socket

    async def accept(self) -> ClientStream:
        if self._closed:
            raise anyio.ClosedResourceError
        loop = asyncio.get_running_loop()
        try:
            client, _ = await loop.sock_accept(self._socket)
        except asyncio.CancelledError:
            try:  # https://bugs.python.org/issue41317: a cancelled sock_accept leaves its reader registered
                loop.remove_reader(self._socket)
            except (ValueError, NotImplementedError):
                pass
            raise
        client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        transport, protocol = await loop.connect_accepted_socket(_ClientProtocol, client)
        assert isinstance(transport, asyncio.Transport)
        return ClientStream(transport, protocol)

    async def aclose(self) -> None:
        if not self._closed:
            self._closed = True
            self._socket.close()
        await anyio.lowlevel.checkpoint()


async def listen(host: str, port: int) -> MultiListener[ClientStream]:
    """Listening sockets on host:port (every address it names; port 0 picks one) that accept ClientStreams."""
    listener = await anyio.create_tcp_listener(local_host=host, local_port=port, reuse_port=False)
    return MultiListener([ClientListener(one.extra(SocketAttribute.raw_socket)) for one in listener.listeners])
