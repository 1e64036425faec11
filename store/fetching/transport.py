"""The transport under our httpx client: HTTP/1.1 spoken with h11 straight on asyncio's
sockets (``store.fetching.wire``); HTTP/2, when a TLS server picks it, our own
(``store.fetching.streams``, loaded only then).

httpx's own transport goes through httpcore's connection pool and anyio: ~1.3 ms of
CPU a request over HTTP/1.1 and ~110 ms of imports (httpcore, h2, anyio) before a
refresh's first request. A refresh is many small answers from few hosts, and that CPU
is what the next request on a connection waits for: with six connections whose
answers arrive together, the sixth waits for the other five (bench/refresh.md). Here
a request is a few h11 calls.

Connections are kept alive per origin (scheme, host, port) and reused, at most
``max_connections`` open at once (an idle one is closed to make room). A TLS
origin's first handshake settles which protocol it speaks before its other
requests open connections: HTTP/2 then carries them all on that one connection.
Errors are httpx's (``ConnectError``, ``ReadTimeout``, ``RemoteProtocolError``...),
with the OS's or TLS's own error as their cause, as store.fetching.failures reads.
"""

from __future__ import annotations

import asyncio
import ssl
import time
import weakref
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any

import h11
import httpx

from store.fetching.wire import NotSent, Origin, Wire, connect

if TYPE_CHECKING:
    from store.fetching.streams import Http2Connection

_DEFAULT_PORTS = {"http": 80, "https": 443}
# The largest head (status line and headers) an answer may have: httpcore's bound.
_MAX_HEAD = 100 * 1024
# Idle connections kept at most (httpx's bound): a refresh of 300 hosts keeps 32 open.
_MOST_IDLE = 32
# New HTTP/2 connections tried for a request that a closing one never sent.
_MOST_NOT_SENT = 3


class FeedTransport(httpx.AsyncBaseTransport):
    """Kept-alive connections per origin; see the module's docstring."""

    def __init__(
        self,
        ssl_context: ssl.SSLContext,
        *,
        max_connections: int | None,
        keepalive_expiry: float,
        on_http2: Callable[[str], None] | None = None,
    ) -> None:
        self._ssl = ssl_context
        self._max = max_connections
        self._expiry = keepalive_expiry
        self._on_http2 = on_http2
        self._open = 0  # connections open or being opened, idle ones included
        self._idle: dict[Origin, list[_Http11]] = {}
        self._http2: dict[Origin, Http2Connection] = {}
        self._settling: dict[Origin, asyncio.Event] = {}
        self._speaks_http11: set[Origin] = set()
        self._room: list[asyncio.Future[None]] = []
        self._wires: weakref.WeakSet[Wire] = weakref.WeakSet()  # every one still open

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        # The host as sent (IDNA 2008, as httpx writes it in Host:), for DNS and SNI too.
        host = url.raw_host.decode("ascii")
        origin = (url.scheme, host, url.port or _DEFAULT_PORTS.get(url.scheme, 80))
        timeouts = request.extensions.get("timeout", {})
        refused = 0
        while True:
            connection = await self._connection(origin, timeouts, request)
            if not isinstance(connection, _Http11):
                try:
                    return await _over_http2(connection, request)
                except NotSent as error:  # the connection went away first: a new one
                    refused += 1
                    if refused >= _MOST_NOT_SENT:
                        raise httpx.RemoteProtocolError(str(error), request=request) from None
                    continue
            reused = connection.reused
            try:
                return await connection.send(request, timeouts, self)
            except _ClosedBeforeAnswer as closed:
                if not reused:
                    raise closed.error from closed.error.__cause__
                # A kept-alive connection the server closed as we sent: a new one.

    async def aclose(self) -> None:
        """Close every connection, idle or not (an answer given up on keeps its own)."""
        for shared in self._http2.values():
            shared.close()  # a goodbye (GOAWAY) first
        for wire in list(self._wires):
            wire.close()
        self._idle.clear()
        self._http2.clear()

    async def _connection(
        self, origin: Origin, timeouts: dict, request: httpx.Request
    ) -> _Http11 | Http2Connection:
        """A connection to ``origin``: its HTTP/2 one, an idle one, or a new one."""
        while True:
            shared = self._http2.get(origin)
            if shared is not None and shared.usable:
                return shared
            if shared is not None:  # the server said goodbye, or the connection broke
                self._drop_http2(origin)
                self._wake_one()
            settling = self._settling.get(origin)
            if settling is not None:
                await settling.wait()
                continue
            idle = self._idle.get(origin)
            while idle:
                connection = idle.pop()
                if connection.usable(self._expiry):
                    connection.reused = True
                    return connection
                connection.wire.close()
                self._closed()
            if self._make_room():
                break
            await self._wait_for_room(timeouts.get("pool"), request)
        self._open += 1
        settled = None
        if origin[0] == "https" and origin not in self._speaks_http11:
            settled = self._settling[origin] = asyncio.Event()
        wire = None
        try:
            wire = await connect(origin, self._ssl, timeouts.get("connect"), request)
            self._wires.add(wire)
            if wire.alpn != "h2":
                if origin[0] == "https":
                    self._speaks_http11.add(origin)
                return _Http11(wire, origin)
            from store.fetching.streams import Http2Connection

            shared = Http2Connection(wire)
            shared.on_idle = self._wake_one
        except BaseException:
            if wire is not None:
                wire.close()
            self._closed()
            raise
        finally:
            if settled is not None:
                del self._settling[origin]
                settled.set()
        self._http2[origin] = shared
        if self._on_http2 is not None:
            self._on_http2(origin[1])
        return shared

    def _make_room(self) -> bool:
        """Whether a connection may open now, closing the longest-idle one if need be."""
        if self._max is None or self._open < self._max:
            return True
        if self._close_longest_idle():
            return True
        for origin, shared in list(self._http2.items()):
            if shared.idle or not shared.usable:
                self._drop_http2(origin)
                return True
        return False

    def _drop_http2(self, origin: Origin) -> None:
        self._http2.pop(origin).close()
        self._open -= 1

    def _close_longest_idle(self) -> bool:
        idle = [(c.idle_since, origin) for origin, cs in self._idle.items() for c in cs[:1]]
        if not idle:
            return False
        _, origin = min(idle)
        self._idle[origin].pop(0).wire.close()
        self._open -= 1
        return True

    async def _wait_for_room(self, timeout: float | None, request: httpx.Request) -> None:
        waiter = asyncio.get_running_loop().create_future()
        self._room.append(waiter)
        try:
            async with asyncio.timeout(timeout):
                await waiter
        except BaseException as error:
            if waiter in self._room:
                self._room.remove(waiter)
            elif waiter.done() and not waiter.cancelled():
                self._wake_one()  # woken, but going: the room goes to the next one
            if isinstance(error, TimeoutError):
                raise httpx.PoolTimeout("no connection free in time", request=request) from None
            raise

    def _closed(self) -> None:
        self._open -= 1
        self._wake_one()

    def _wake_one(self) -> None:
        while self._room:
            waiter = self._room.pop(0)
            if not waiter.done():
                waiter.set_result(None)
                return

    def put_back(self, connection: _Http11) -> None:
        """An answer was read to its end: keep its connection for the next request."""
        if connection.ready_again():
            connection.idle_since = time.monotonic()
            self._idle.setdefault(connection.origin, []).append(connection)
            while sum(len(idle) for idle in self._idle.values()) > _MOST_IDLE:
                self._close_longest_idle()
            self._wake_one()
        else:
            self.discard(connection)

    def discard(self, connection: _Http11) -> None:
        connection.wire.close()
        self._closed()


class _ClosedBeforeAnswer(Exception):
    """The connection closed (or was reset) before the answer's head: ``error`` says how."""

    def __init__(self, error: httpx.TransportError) -> None:
        super().__init__(str(error))
        self.error = error


class _Http11:
    """One HTTP/1.1 connection: a request and its answer at a time."""

    def __init__(self, wire: Wire, origin: Origin) -> None:
        self.wire = wire
        self.origin = origin
        self.state = h11.Connection(h11.CLIENT, max_incomplete_event_size=_MAX_HEAD)
        self.reused = False
        self.idle_since = 0.0

    def usable(self, expiry: float) -> bool:
        return self.wire.usable() and time.monotonic() - self.idle_since < expiry

    def ready_again(self) -> bool:
        state = self.state
        if state.our_state is h11.DONE and state.their_state is h11.DONE:
            if state.trailing_data[0]:
                return False  # bytes after the answer that nobody asked for: never reuse
            state.start_next_cycle()
            return self.wire.usable()
        return False

    async def send(
        self, request: httpx.Request, timeouts: dict, pool: FeedTransport
    ) -> httpx.Response:
        try:
            head = await self._exchange(request, timeouts)
        except BaseException:
            pool.discard(self)
            raise
        return httpx.Response(
            status_code=head.status_code,
            headers=head.headers.raw_items(),
            stream=_Body(self, pool, request, timeouts.get("read")),
            extensions={
                "http_version": b"HTTP/" + head.http_version,
                "reason_phrase": head.reason,
            },
        )

    async def _exchange(self, request: httpx.Request, timeouts: dict) -> h11.Response:
        state, wire = self.state, self.wire
        try:
            wire.write(
                state.send(
                    h11.Request(
                        method=request.method,
                        target=request.url.raw_path,
                        headers=request.headers.raw,
                    )
                )
            )
            async for chunk in request.stream:  # type: ignore[union-attr]
                if chunk:
                    wire.write(state.send(h11.Data(data=chunk)))
            wire.write(state.send(h11.EndOfMessage()))
        except h11.LocalProtocolError as error:
            raise httpx.LocalProtocolError(str(error), request=request) from error
        try:
            await wire.drain(timeouts.get("write"), request)
        except httpx.WriteError as error:  # it broke before the request went out
            raise _ClosedBeforeAnswer(error) from None
        wire.quick_ack()
        while True:
            event = await self.next_event(timeouts.get("read"), request, first=True)
            if isinstance(event, h11.Response):
                return event
            if not isinstance(event, h11.InformationalResponse):  # pragma: no cover - h11's
                raise httpx.RemoteProtocolError("no answer to the request", request=request)

    async def next_event(
        self, timeout: float | None, request: httpx.Request, *, first: bool = False
    ) -> Any:
        state = self.state
        while True:
            try:
                event = state.next_event()
            except h11.RemoteProtocolError as error:
                raise httpx.RemoteProtocolError(str(error), request=request) from error
            if event is not h11.NEED_DATA:
                return event
            waiting = first and state.their_state is h11.SEND_RESPONSE  # no head yet
            try:
                data = await self.wire.read(timeout, request)
            except httpx.ReadError as error:
                if waiting:
                    raise _ClosedBeforeAnswer(error) from None
                raise
            if not data and waiting:
                closed = "the server closed the connection without an answer"
                raise _ClosedBeforeAnswer(httpx.RemoteProtocolError(closed, request=request))
            state.receive_data(data)


class _Body(httpx.AsyncByteStream):
    """An answer's body as it arrives; read to its end, the connection goes back."""

    def __init__(
        self,
        connection: _Http11,
        pool: FeedTransport,
        request: httpx.Request,
        timeout: float | None,
    ) -> None:
        self._connection: _Http11 | None = connection
        self._pool = pool
        self._request = request
        self._timeout = timeout
        self._complete = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        connection = self._connection
        while connection is not None and not self._complete:
            event = await connection.next_event(self._timeout, self._request)
            if isinstance(event, h11.Data):
                yield bytes(event.data)
            elif isinstance(event, h11.EndOfMessage):
                self._complete = True
            else:  # pragma: no cover - h11 raises first
                raise httpx.RemoteProtocolError("the answer broke off", request=self._request)

    async def aclose(self) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        if self._complete:
            self._pool.put_back(connection)
        else:
            self._pool.discard(connection)


async def _over_http2(connection: Http2Connection, request: httpx.Request) -> httpx.Response:
    """A GET as one stream of the host's HTTP/2 connection (all a fetch ever sends)."""
    headers = request.headers
    if (
        request.method != "GET"
        or headers.get("content-length", "0") != "0"
        or ("transfer-encoding" in headers)
    ):
        raise httpx.LocalProtocolError(
            "only GET without a body goes over HTTP/2 here", request=request
        )
    return await connection.send(request)
