"""One connection of store.fetching.transport: asyncio's socket (TCP or TLS) and its bytes.

``connect`` opens it (happy eyeballs; over TLS, HTTP/2 and HTTP/1.1 offered by the
context, ``alpn`` says which the server chose). A ``Wire`` keeps what arrives till
it is taken (``read``: HTTP/1.1 reads it a request at a time; reading pauses past
256 KiB) or, once a listener takes it over (``listen``: our HTTP/2), hands each
piece on as it arrives. It acknowledges at once what arrives (TCP_QUICKACK). Errors
are httpx's, the OS's or TLS's own error as their cause (store.fetching.failures
reads it).
"""

from __future__ import annotations

import asyncio
import socket
import ssl
from typing import Any, Protocol

import httpx

Origin = tuple[str, str, int]  # scheme, host, port

# An answer's bytes waiting to be taken before the socket is read no more.
_READ_PAUSE = 256 * 1024
_QUICKACK = getattr(socket, "TCP_QUICKACK", None)


class NotSent(Exception):
    """A request that never went out (its HTTP/2 connection was going away or gone):
    safe to send again on a new connection."""


class Listener(Protocol):
    """Who takes a connection's bytes as they arrive (store.fetching.streams)."""

    def received(self, data: bytes) -> None: ...

    def lost(self, exc: Exception | None) -> None: ...


async def connect(
    origin: Origin, context: ssl.SSLContext, timeout: float | None, request: httpx.Request
) -> Wire:
    scheme, host, port = origin
    loop = asyncio.get_running_loop()
    secure = scheme == "https"
    try:
        async with within(timeout, httpx.ConnectTimeout):
            _, wire = await loop.create_connection(
                Wire,
                host,
                port,
                ssl=context if secure else None,
                server_hostname=host if secure else None,
                happy_eyeballs_delay=0.25,
            )
    except OSError as error:  # ssl.SSLError, refused, no such host...
        raise httpx.ConnectError(str(error) or type(error).__name__, request=request) from error
    return wire


class Wire(asyncio.Protocol):
    """One connection's bytes: what arrived, waiting to be taken, and what we write."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.alpn: str | None = None
        self._socket: socket.socket | None = None
        self._listener: Listener | None = None
        self._arrived: list[bytes] = []
        self._buffered = 0
        self._paused = False
        self._ended = False
        self._error: Exception | None = None
        self._waiter: asyncio.Future[None] | None = None
        self._writable: asyncio.Future[None] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self._socket = transport.get_extra_info("socket")
        ssl_object = transport.get_extra_info("ssl_object")
        if ssl_object is not None:
            self.alpn = ssl_object.selected_alpn_protocol()
        self.quick_ack()

    def listen(self, listener: Listener) -> None:
        """From now on ``listener`` gets every piece as it arrives (and what came before)."""
        self._listener = listener
        if self._arrived:
            data = b"".join(self._arrived)
            self._arrived.clear()
            self._buffered = 0
            listener.received(data)
        if self._paused and self.transport is not None:
            self._paused = False
            self.transport.resume_reading()
        if self._ended:
            listener.lost(self._error)

    def data_received(self, data: bytes) -> None:
        self.quick_ack()
        if self._listener is not None:
            self._listener.received(data)
            return
        self._arrived.append(data)
        self._buffered += len(data)
        if self._buffered > _READ_PAUSE and not self._paused and self.transport is not None:
            self.transport.pause_reading()
            self._paused = True
        self._wake()

    def eof_received(self) -> bool:
        self._ended = True
        self._wake()
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self._ended = True
        self._error = exc
        self._wake()
        if self._writable is not None and not self._writable.done():
            self._writable.set_result(None)
        if self._listener is not None:
            self._listener.lost(exc)

    def pause_writing(self) -> None:
        self._writable = asyncio.get_running_loop().create_future()

    def resume_writing(self) -> None:
        if self._writable is not None and not self._writable.done():
            self._writable.set_result(None)
        self._writable = None

    def _wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    def quick_ack(self) -> None:
        """Acknowledge what arrives at once (Linux TCP_QUICKACK, which does not stick).

        A server that writes an answer's head and body separately without
        TCP_NODELAY holds the body until the head is acknowledged, and on a
        kept-alive connection Linux delays that by up to 40 ms: measured 144 ms a
        request at a 100 ms round trip, 105 ms with this.
        """
        if _QUICKACK is not None and self._socket is not None:
            try:
                self._socket.setsockopt(socket.IPPROTO_TCP, _QUICKACK, 1)
            except OSError:
                pass  # closed already

    async def read(self, timeout: float | None, request: httpx.Request) -> bytes:
        """What has arrived, waiting for some; b"" once the other side has closed."""
        if not self._arrived and not self._ended:
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                async with within(timeout, httpx.ReadTimeout):
                    await self._waiter
            finally:
                self._waiter = None
        if self._arrived:
            data = b"".join(self._arrived)
            self._arrived.clear()
            self._buffered = 0
            if self._paused and self.transport is not None:
                self._paused = False
                self.transport.resume_reading()
            return data
        if self._error is not None:
            raise httpx.ReadError(str(self._error), request=request) from self._error
        return b""

    def write(self, data: bytes) -> None:
        if self.transport is not None and data:
            self.transport.write(data)

    async def drain(self, timeout: float | None, request: httpx.Request) -> None:
        """Wait till what was written has gone out (only when the socket's buffer is full)."""
        if self._error is not None:
            raise httpx.WriteError(str(self._error), request=request) from self._error
        if self._writable is not None:
            async with within(timeout, httpx.WriteTimeout):
                await self._writable

    def usable(self) -> bool:
        """Open, and nothing unasked for has arrived on it."""
        transport = self.transport
        return (
            transport is not None
            and not transport.is_closing()
            and not self._ended
            and not self._arrived
        )

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()


class within:  # noqa: N801 - used as a context manager, like asyncio.timeout
    """asyncio.timeout that raises httpx's ``kind`` instead (None: no limit)."""

    def __init__(self, seconds: float | None, kind: type[Exception]) -> None:
        self._timeout = asyncio.timeout(seconds)
        self._kind = kind

    async def __aenter__(self) -> None:
        await self._timeout.__aenter__()

    async def __aexit__(self, *exc: Any) -> bool:
        try:
            await self._timeout.__aexit__(*exc)
        except TimeoutError as error:
            raise self._kind(str(error) or "timed out") from error
        return False
