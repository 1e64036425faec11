"""One TLS connection as an asyncio protocol, for store.fetching.streams' HTTP/2.

``connect`` opens it (offering HTTP/2 and HTTP/1.1, as httpcore does) with httpcore's
errors; what arrives goes to a listener (our HTTP/2) or, for a connection that chose
HTTP/1.1, waits for httpcore, which reads it through ``WireStream``. No anyio: its
backend is ~0.07 s of imports a refresh of HTTP/2 hosts never needs.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
from typing import Any, Protocol

import httpcore

_QUICKACK = getattr(socket, "TCP_QUICKACK", None)


class Listener(Protocol):
    """Who reads a connection as it arrives (store.fetching.streams' connection)."""

    def received(self, data: bytes) -> None: ...

    def lost(self, exc: Exception | None) -> None: ...


async def connect(host: str, port: int, context: ssl.SSLContext, timeout: float | None) -> Wire:
    """A TLS connection offering HTTP/2 and HTTP/1.1; httpcore's errors, as its backend
    raises them (ConnectTimeout, ConnectError with the OS's or TLS's words)."""
    context.set_alpn_protocols(["http/1.1", "h2"])  # as httpcore offers them
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout(timeout):
            _, wire = await loop.create_connection(
                Wire, host, port, ssl=context, server_hostname=host, happy_eyeballs_delay=0.25
            )
    except TimeoutError as error:
        raise httpcore.ConnectTimeout(str(error)) from error
    except OSError as error:  # ssl.SSLError, refused, no such host...
        raise httpcore.ConnectError(str(error)) from error
    return wire


class Wire(asyncio.Protocol):
    """One TLS connection: what arrives goes to ``listener`` (our HTTP/2) if there is
    one, else waits in a buffer for ``WireStream.read`` (httpcore's HTTP/1.1)."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.listener: Listener | None = None
        self.buffer = bytearray()
        self.arrived = asyncio.Event()
        self.lost = False
        self.error: Exception | None = None
        self._socket: socket.socket | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self._socket = transport.get_extra_info("socket")
        self._quick_ack()

    def data_received(self, data: bytes) -> None:
        self._quick_ack()
        if self.listener is not None:
            self.listener.received(data)
        else:
            self.buffer += data
            self.arrived.set()

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost, self.error = True, exc
        self.arrived.set()
        if self.listener is not None:
            self.listener.lost(exc)

    def _quick_ack(self) -> None:
        """Acknowledge what arrives at once (store.fetching.client's _QuickAckStream)."""
        if _QUICKACK is not None and self._socket is not None:
            try:
                self._socket.setsockopt(socket.IPPROTO_TCP, _QUICKACK, 1)
            except OSError:
                pass


class WireStream(httpcore.AsyncNetworkStream):
    """A ``Wire`` as httpcore's network stream: a connection that chose HTTP/1.1."""

    def __init__(self, wire: Wire) -> None:
        self._wire = wire

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        wire = self._wire
        async with within(timeout, httpcore.ReadTimeout):
            while not wire.buffer and not wire.lost:
                wire.arrived.clear()
                await wire.arrived.wait()
        if not wire.buffer:
            if wire.error is not None:
                raise httpcore.ReadError(str(wire.error)) from wire.error
            return b""
        data = bytes(wire.buffer[:max_bytes])
        del wire.buffer[:max_bytes]
        return data

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        transport = self._wire.transport
        if transport is None or transport.is_closing():
            raise httpcore.WriteError("the connection is closed")
        transport.write(buffer)

    async def aclose(self) -> None:
        if self._wire.transport is not None:
            self._wire.transport.close()

    async def start_tls(self, *args: Any, **kwargs: Any) -> httpcore.AsyncNetworkStream:
        return self  # already through its handshake

    def get_extra_info(self, info: str) -> Any:
        transport = self._wire.transport
        if info == "is_readable":  # httpcore: a kept-alive connection the server closed
            return bool(self._wire.buffer) or self._wire.lost
        names = {"client_addr": "sockname", "server_addr": "peername"}
        return None if transport is None else transport.get_extra_info(names.get(info, info))


class within:  # noqa: N801 - used as a context manager, like asyncio.timeout
    """asyncio.timeout that raises httpcore's ``kind`` instead (None: no limit)."""

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
