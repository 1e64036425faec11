"""HTTP/2 of our own: one connection a host, its answers handed out as they arrive.

httpcore's HTTP/2 has every request's task take turns reading the connection under a
lock, and its pool re-examines every waiting request whenever one finishes: ~2.8 ms
of CPU an answer at 200 feeds, most of a cold refresh's fetching (bench/refresh.md).
Here the connection is a ``Wire`` listened to: what arrives goes through ``h2`` at
once and each stream gets its headers and bytes; a request waits only for its own.

store.fetching.transport gives it a connection whose TLS handshake chose ``h2``
(ALPN) and its GET requests. Errors are httpx's, so ``store.fetching.failures``
words them as for HTTP/1.1; the deadline, size cap and redirects
(``store.fetching.http``) sit above.
"""

from __future__ import annotations

import asyncio
import collections
from collections.abc import AsyncIterator, Callable

import h2.config
import h2.connection
import h2.errors
import h2.events
import h2.exceptions
import h2.settings
import httpx
import hyperframe.frame

from store.fetching.wire import NotSent, Wire, within

# The receive windows we open (as httpcore does): no feed waits for a window update.
_WINDOW = 2**24


def _data_repr(data: bytes | None) -> str:
    """hyperframe's ``_raw_data_repr``, the same text, from the data's first 10 bytes.

    h2 formats every frame it receives for its logger, even the silent one it has
    by default; hyperframe made that text from the whole frame in hex first: 32 KB of
    hex for each 16 KB of a feed, ~50 ms of CPU for a cold refresh of 200 feeds.
    """
    if not data:
        return "None"
    return "<hex:" + data[:10].hex() + ("..." if len(data) > 10 else "") + ">"


hyperframe.frame._raw_data_repr = _data_repr


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


class Http2Connection:
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
        self._flush_due = False  # a write is planned for the end of this loop turn
        self._freed = asyncio.Event()  # a stream closed: a request waiting for one may go
        self._failure: Exception | None = None
        self._going_away = False
        self._settled = False  # the server's settings have arrived
        # Told when the connection has no stream left, or broke: the pool may close it.
        self.on_idle: Callable[[], None] | None = None
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
        wire.listen(self)  # with what arrived before (the server's settings)

    @property
    def idle(self) -> bool:
        """No request on it: closing it loses nothing."""
        return not self._streams

    @property
    def usable(self) -> bool:
        """Whether new requests may go on this connection."""
        return self._failure is None and not self._going_away

    async def send(self, request: httpx.Request) -> httpx.Response:
        """Send the request; the response once its headers are in (raises httpcore's errors)."""
        stream_id, state = await self._new_stream(request)
        try:
            async with within(_timeout(request, "read"), httpx.ReadTimeout):
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
        async with within(_timeout(request, "pool"), httpx.PoolTimeout):
            # Every stream h2 counts open is one of ours (ours also keep those ended but
            # not yet read): h2 counts by walking all its streams, so ours are counted first.
            while (
                self.usable
                and len(self._streams) >= (most := self._most_streams())
                and self._h2.open_outbound_streams >= most
            ):
                self._freed.clear()
                await self._freed.wait()
        if not self.usable:  # going away or gone, before this request went out
            raise NotSent(str(self._failure or "the server is closing the connection"))
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
            raise httpx.LocalProtocolError(str(error)) from error
        state = _Stream()
        self._streams[stream_id] = state
        self._flush_soon()
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
            async with within(timeout, httpx.ReadTimeout):
                await state.arrived.wait()

    def cancel(self, stream_id: int) -> None:
        """The caller is done with a stream (read or not): reset it if it is still open."""
        state = self._streams.pop(stream_id, None)
        if not self._streams and self.on_idle is not None:
            self.on_idle()
        if state is None or state.ended or state.error is not None or not self.usable:
            return
        try:
            self._h2.reset_stream(stream_id, h2.errors.ErrorCodes.CANCEL)
        except h2.exceptions.ProtocolError:
            return  # closed meanwhile
        self._flush()
        self._freed.set()

    def _flush_soon(self) -> None:
        """Write what h2 has to send once this turn of the event loop ends: the requests
        started in one turn (a refresh starts a hundred at once) go out in one write, one
        TLS record and one send, not one each (~1 ms of CPU a send over the loopback)."""
        if not self._flush_due:
            self._flush_due = True
            asyncio.get_running_loop().call_soon(self._flush)

    def _flush(self) -> None:
        self._flush_due = False
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
            self._fail(httpx.RemoteProtocolError(str(error)))
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
            self._ended(event.stream_id, httpx.RemoteProtocolError(str(event)))
        elif isinstance(event, h2.events.ConnectionTerminated):
            self._going_away = True
            last = event.last_stream_id or 0
            for stream_id in [s for s in self._streams if s > last]:
                self._ended(stream_id, NotSent(str(event)))  # the server never took it
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
            error = httpx.ReadError(reason) if exc else httpx.RemoteProtocolError(reason)
            error.__cause__ = exc  # the OS's or TLS's words, for store.fetching.failures
            self._fail(error)
        if self.on_idle is not None:
            self.on_idle()

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
        self, connection: Http2Connection, stream_id: int, state: _Stream, timeout: float | None
    ) -> None:
        self._connection = connection
        self._stream_id = stream_id
        self._state = state
        self._timeout = timeout

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._connection.body(self._state, self._timeout):
            yield chunk

    async def aclose(self) -> None:
        self._connection.cancel(self._stream_id)
