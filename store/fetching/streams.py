"""HTTP/2 of our own for a refresh: one connection a host, its answers handed out as
they arrive.

httpcore's HTTP/2 has every request's task take turns reading the connection under a
lock, and its pool re-examines every waiting request whenever one finishes: ~2.8 ms
of CPU an answer at 200 feeds, most of a cold refresh's fetching (bench/refresh.md).
Here the connection is an asyncio protocol: what arrives goes through ``h2`` at once
and each stream gets its headers and bytes; a request waits only for its own.

``StreamsTransport`` speaks it to a host whose TLS handshake chose ``h2`` (ALPN);
anything else (plain http, a request with a body, a host that chose HTTP/1.1) goes
to httpx's own transport, and a connection opened to find out is handed to it
(``store.fetching.wire``) rather than thrown away. Errors are httpx's, with httpcore's
messages (``map_httpcore_exceptions``), so ``store.fetching.failures`` words them as
before; the deadline, size cap and redirects (``store.fetching.http``) sit above.
"""

from __future__ import annotations

import asyncio
import collections
import ssl
from collections.abc import AsyncIterator, Callable
from typing import Protocol

import h2.config
import h2.connection
import h2.errors
import h2.events
import h2.exceptions
import h2.settings
import httpcore
import httpx
from httpx._transports.default import map_httpcore_exceptions

from store.fetching.wire import Wire, WireStream, connect, within

# The receive windows we open (as httpcore does): no feed waits for a window update.
_WINDOW = 2**24
# A host whose handshake chose HTTP/1.1: its requests go to the fallback.
_HTTP1 = "http/1.1"


class Parking(Protocol):
    """Where a connection that chose HTTP/1.1 waits for httpcore (store.fetching.client)."""

    def park(self, host: str, port: int, stream: httpcore.AsyncNetworkStream) -> None: ...

    async def aclose(self) -> None: ...


class StreamsTransport(httpx.AsyncBaseTransport):
    """HTTP/2 hosts through our own connections; everything else through ``fallback``.

    ``parking.park(host, port, stream)`` gives a connection that chose HTTP/1.1 to
    the fallback's next connection to that host (``parking.aclose()`` closes those
    never taken); ``on_http2(host)`` is told when a handshake chooses HTTP/2.
    """

    def __init__(
        self,
        fallback: httpx.AsyncBaseTransport,
        context: ssl.SSLContext,
        parking: Parking,
        on_http2: Callable[[str], None] | None = None,
    ) -> None:
        self._fallback = fallback
        self._context = context
        self._parking = parking
        self._on_http2 = on_http2
        self._hosts: dict[tuple[str, int], _Connection | str | asyncio.Future] = {}
        self._fallback_used = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """The answer's headers; its body streams from the connection."""
        connection = None
        if request.url.scheme == "https" and request.method == "GET" and not _has_body(request):
            connection = await self._connection(request)
        if connection is None:
            self._fallback_used = True
            return await self._fallback.handle_async_request(request)
        with map_httpcore_exceptions():
            return await connection.send(request)

    async def _connection(self, request: httpx.Request) -> _Connection | None:
        """The host's HTTP/2 connection, made if need be; None when it speaks HTTP/1.1."""
        key = (request.url.raw_host.decode("ascii"), request.url.port or 443)
        while True:
            known = self._hosts.get(key)
            if known == _HTTP1:
                return None
            if isinstance(known, _Connection):
                if known.usable:
                    return known
                del self._hosts[key]
                continue
            if isinstance(known, asyncio.Future):
                await asyncio.shield(known)  # another request is connecting: its outcome
                continue
            return await self._open(key, request)

    async def _open(self, key: tuple[str, int], request: httpx.Request) -> _Connection | None:
        opening: asyncio.Future = asyncio.get_running_loop().create_future()
        self._hosts[key] = opening
        try:
            with map_httpcore_exceptions():
                wire = await connect(*key, self._context, _timeout(request, "connect"))
            assert wire.transport is not None
            ssl_object = wire.transport.get_extra_info("ssl_object")
            if ssl_object is None or ssl_object.selected_alpn_protocol() != "h2":
                self._parking.park(*key, WireStream(wire))
                self._hosts[key] = _HTTP1
                return None
            if self._on_http2 is not None:
                self._on_http2(key[0])
            connection = _Connection(wire)
            self._hosts[key] = connection
            return connection
        finally:
            if self._hosts.get(key) is opening:
                del self._hosts[key]  # it failed: the next request tries again
            opening.set_result(None)

    async def aclose(self) -> None:
        """Close every connection, ours and the fallback's."""
        for known in list(self._hosts.values()):
            if isinstance(known, _Connection):
                known.close()
        self._hosts.clear()
        await self._parking.aclose()
        if self._fallback_used:  # else it has nothing to close (and would load anyio's
            await self._fallback.aclose()  # asyncio backend to say so: ~0.07 s)


def _has_body(request: httpx.Request) -> bool:
    headers = request.headers
    return headers.get("content-length", "0") != "0" or "transfer-encoding" in headers


def _timeout(request: httpx.Request, kind: str) -> float | None:
    return request.extensions.get("timeout", {}).get(kind)


class _Stream:
    """What one request has received so far."""

    __slots__ = ("head", "chunks", "ended", "error", "arrived")

    def __init__(self) -> None:
        self.head: tuple[int, list[tuple[bytes, bytes]]] | None = None
        self.chunks: collections.deque[bytes] = collections.deque()
        self.ended = False
        self.error: Exception | None = None
        self.arrived = asyncio.Event()


class _Connection:
    """One HTTP/2 connection: requests written as they come, answers dispatched as
    they arrive (in the protocol's callbacks: no task reads it)."""

    def __init__(self, wire: Wire) -> None:
        assert wire.transport is not None
        self._wire = wire
        self._transport = wire.transport
        self._h2 = h2.connection.H2Connection(
            config=h2.config.H2Configuration(client_side=True, header_encoding=None)
        )
        self._streams: dict[int, _Stream] = {}
        self._freed = asyncio.Event()  # a stream closed: a request waiting for one may go
        self._failure: Exception | None = None
        self._going_away = False
        self._settled = False  # the server's settings have arrived
        codes = h2.settings.SettingCodes
        self._h2.local_settings = h2.settings.Settings(  # httpcore's settings
            client=True,
            initial_values={
                codes.ENABLE_PUSH: 0,
                codes.MAX_CONCURRENT_STREAMS: 100,
                codes.MAX_HEADER_LIST_SIZE: 65536,
            },
        )
        del self._h2.local_settings[codes.ENABLE_CONNECT_PROTOCOL]
        self._h2.initiate_connection()
        self._h2.increment_flow_control_window(_WINDOW)
        self._flush()
        wire.listener = self
        if wire.buffer:  # arrived before we listened (the server's settings)
            data, wire.buffer = bytes(wire.buffer), bytearray()
            self.received(data)
        if wire.lost:
            self.lost(wire.error)

    @property
    def usable(self) -> bool:
        """Whether new requests may go on this connection."""
        return self._failure is None and not self._going_away

    async def send(self, request: httpx.Request) -> httpx.Response:
        """Send the request; the response once its headers are in (raises httpcore's errors)."""
        stream_id, state = await self._new_stream(request)
        try:
            async with within(_timeout(request, "read"), httpcore.ReadTimeout):
                while state.head is None:
                    self._raise_for(state)
                    state.arrived.clear()
                    await state.arrived.wait()
        except BaseException:
            self.cancel(stream_id)
            raise
        assert state.head is not None
        status, headers = state.head
        return httpx.Response(
            status,
            headers=headers,
            stream=_Body(self, stream_id, state, _timeout(request, "read")),
            extensions={"http_version": b"HTTP/2", "stream_id": stream_id},
        )

    async def _new_stream(self, request: httpx.Request) -> tuple[int, _Stream]:
        async with within(_timeout(request, "pool"), httpcore.PoolTimeout):
            while self.usable and self._h2.open_outbound_streams >= self._most_streams():
                self._freed.clear()
                await self._freed.wait()
        if not self.usable:
            raise self._failure or httpcore.RemoteProtocolError("the server closed the connection")
        headers = [  # as httpcore sends them: Host becomes :authority
            (b":method", b"GET"),
            (b":authority", _authority(request)),
            (b":scheme", b"https"),
            (b":path", request.url.raw_path),
        ] + [
            (name.lower(), value)
            for name, value in request.headers.raw
            if name.lower() not in (b"host", b"transfer-encoding")
        ]
        try:
            stream_id = self._h2.get_next_available_stream_id()
            self._h2.send_headers(stream_id, headers, end_stream=True)
            self._h2.increment_flow_control_window(_WINDOW, stream_id=stream_id)
        except h2.exceptions.ProtocolError as error:
            raise httpcore.LocalProtocolError(str(error)) from error
        state = _Stream()
        self._streams[stream_id] = state
        self._flush()
        return stream_id, state

    def _most_streams(self) -> int:
        """Streams open at once: one till the server's settings say how many (as httpcore)."""
        return self._h2.remote_settings.max_concurrent_streams if self._settled else 1

    def _raise_for(self, state: _Stream) -> None:
        if state.error is not None:
            raise state.error
        if self._failure is not None and not state.ended:
            raise self._failure

    async def body(self, state: _Stream, timeout: float | None) -> AsyncIterator[bytes]:
        """The stream's bytes as they arrive."""
        while True:
            if state.chunks:
                yield state.chunks.popleft()
                continue
            if state.ended:
                return
            self._raise_for(state)
            state.arrived.clear()
            async with within(timeout, httpcore.ReadTimeout):
                await state.arrived.wait()

    def cancel(self, stream_id: int) -> None:
        """The caller is done with a stream (read or not): reset it if it is still open."""
        state = self._streams.pop(stream_id, None)
        if state is None or state.ended or state.error is not None or not self.usable:
            return
        try:
            self._h2.reset_stream(stream_id, h2.errors.ErrorCodes.CANCEL)
        except h2.exceptions.ProtocolError:
            return  # closed meanwhile
        self._flush()
        self._freed.set()

    def _flush(self) -> None:
        data = self._h2.data_to_send()
        if data and not self._transport.is_closing():
            self._transport.write(data)

    def received(self, data: bytes) -> None:
        """Bytes from the server: each event to its stream, and our answers (window
        updates, settings and ping acknowledgements) written."""
        if self._failure is not None:
            return
        try:
            events = self._h2.receive_data(data)
        except h2.exceptions.ProtocolError as error:
            self._fail(httpcore.RemoteProtocolError(str(error)))
            self._transport.close()
            return
        for event in events:
            self._handle(event)
        self._flush()

    def _handle(self, event: h2.events.Event) -> None:
        if isinstance(event, h2.events.DataReceived):
            self._h2.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
            state = self._streams.get(event.stream_id)
            if state is not None:
                state.chunks.append(event.data)
                state.arrived.set()
        elif isinstance(event, h2.events.ResponseReceived):
            state = self._streams.get(event.stream_id)
            if state is not None:
                state.head = _head(event.headers)
                state.arrived.set()
        elif isinstance(event, h2.events.StreamEnded):
            self._ended(event.stream_id, None)
        elif isinstance(event, h2.events.StreamReset):
            self._ended(event.stream_id, httpcore.RemoteProtocolError(str(event)))
        elif isinstance(event, h2.events.ConnectionTerminated):
            self._going_away = True
            last = event.last_stream_id or 0
            for stream_id in [s for s in self._streams if s > last]:
                self._ended(stream_id, httpcore.RemoteProtocolError(str(event)))
            self._freed.set()
        elif isinstance(event, h2.events.RemoteSettingsChanged):
            self._settled = True
            self._freed.set()

    def _ended(self, stream_id: int, error: Exception | None) -> None:
        state = self._streams.get(stream_id)
        if state is not None:
            if error is None:
                state.ended = True
            elif not state.ended:
                state.error = error
            state.arrived.set()
        self._freed.set()

    def lost(self, exc: Exception | None) -> None:
        """The connection ended: every stream still waiting fails."""
        if self._failure is None:
            reason = str(exc) if exc else "Server disconnected"
            self._fail(httpcore.ReadError(reason) if exc else httpcore.RemoteProtocolError(reason))

    def _fail(self, error: Exception) -> None:
        self._failure = error
        for state in self._streams.values():
            state.arrived.set()
        self._freed.set()

    def close(self) -> None:
        """Say goodbye (GOAWAY) and close."""
        if self.usable:
            try:
                self._h2.close_connection()
                self._flush()
            except h2.exceptions.ProtocolError:
                pass
        self._going_away = True
        self._transport.close()


def _authority(request: httpx.Request) -> bytes:
    for name, value in request.headers.raw:
        if name.lower() == b"host":
            return value
    return request.url.netloc


def _head(headers: list[tuple[bytes, bytes]]) -> tuple[int, list[tuple[bytes, bytes]]]:
    status = 0
    kept = []
    for name, value in headers:
        if name == b":status":
            status = int(value)
        elif not name.startswith(b":"):
            kept.append((name, value))
    return status, kept


class _Body(httpx.AsyncByteStream):
    """A response's body from its stream; closing it early resets the stream."""

    def __init__(
        self, connection: _Connection, stream_id: int, state: _Stream, timeout: float | None
    ) -> None:
        self._connection = connection
        self._stream_id = stream_id
        self._state = state
        self._timeout = timeout

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with map_httpcore_exceptions():
            async for chunk in self._connection.body(self._state, self._timeout):
                yield chunk

    async def aclose(self) -> None:
        self._connection.cancel(self._stream_id)
