"""One client socket as a message stream: reads whole frontend messages, batches backend writes.

Writes go to an in-memory buffer and reach the socket on `flush()` (ReadyForQuery, Flush,
or when the buffer passes FLUSH_THRESHOLD while rows stream), so a result set is a few
large writes instead of one syscall per DataRow.
"""

from __future__ import annotations

import anyio
import anyio.abc

from pgserver.protocol.frontend import FrontendMessage, ReceiveBuffer, StartupPacket

FLUSH_THRESHOLD = 64 * 1024
READ_SIZE = 64 * 1024


class PeerClosed(Exception):
    """The client went away (EOF or a broken socket)."""


class MessageStream:
    def __init__(self, stream: anyio.abc.ByteStream, max_message_size: int) -> None:
        self.stream = stream
        self.inbox = ReceiveBuffer(max_message_size)
        self._out = bytearray()
        # A notice sent while a statement runs (Session._notice_now) flushes from inside the scan: one writer at a
        # time, so two flushes never interleave on the socket (see flush()).
        self._flushing = False

    async def _receive_more(self, max_bytes: int = READ_SIZE) -> None:
        try:
            data = await self.stream.receive(min(max_bytes, READ_SIZE))
        except (anyio.EndOfStream, anyio.BrokenResourceError, anyio.ClosedResourceError, OSError) as exc:
            raise PeerClosed() from exc
        self.inbox.feed(data)

    async def read_startup(self) -> StartupPacket:
        """Before login nothing beyond the packet is read, so a client that never logs in holds at most one
        bounded packet (10,000 bytes) of server memory."""
        while (packet := self.inbox.next_startup()) is None:
            await self._receive_more(self.inbox.missing_startup())
        return packet

    async def read_message(self, max_size: int | None = None) -> FrontendMessage:
        """The next message. `max_size` (authentication): the body may not exceed it, and only the bytes of
        this message are read; otherwise reads run ahead in large chunks (pipelined queries)."""
        while (message := self.inbox.next_message(max_size)) is None:
            await self._receive_more(READ_SIZE if max_size is None else self.inbox.missing_message())
        return message

    def has_buffered_input(self) -> bool:
        return len(self.inbox) > 0

    def send(self, data: bytes) -> None:
        self._out += data

    async def send_maybe_flush(self, data: bytes) -> None:
        """Queue data; write once enough has piled up (row streaming). A large block (a batch of DataRows)
        with nothing queued before it is written as it is, without copying it into the buffer first."""
        if not self._out and len(data) >= FLUSH_THRESHOLD and not self._flushing:
            self._flushing = True
            try:
                await self.stream.send(data)
            except (anyio.BrokenResourceError, anyio.ClosedResourceError, OSError) as exc:
                raise PeerClosed() from exc
            finally:
                self._flushing = False
            await self.flush()  # what another task queued meanwhile
            return
        self._out += data
        if len(self._out) >= FLUSH_THRESHOLD:
            await self.flush()

    async def flush(self) -> None:
        """Write what is queued. A flush already under way (another task) also writes what is queued meanwhile,
        in order, before it returns; a second caller leaves its bytes to it."""
        if not self._out or self._flushing:
            return
        self._flushing = True
        try:
            while self._out:
                data = bytes(self._out)
                self._out.clear()
                await self.stream.send(data)
        except (anyio.BrokenResourceError, anyio.ClosedResourceError, OSError) as exc:
            raise PeerClosed() from exc
        finally:
            self._flushing = False

    async def write_now(self, data: bytes) -> None:
        self.send(data)
        await self.flush()

    async def aclose(self) -> None:
        try:
            await self.flush()
        except PeerClosed:
            pass
        with anyio.CancelScope(shield=True):
            try:
                await self.stream.aclose()
            except (OSError, anyio.BrokenResourceError, anyio.ClosedResourceError):
                pass
