"""The HTTP client for a run: connections kept alive and reused, HTTP/2 when offered.

Every fetch of a run (``store.fetching.refresh``, ``store.pages.fulltext``) goes
through one client, so a host's connections, TLS sessions and DNS answers are
made once; a host that offers HTTP/2 (ALPN) gets one connection carrying many
requests at once. ``store.fetching.http`` does one request on it.
"""

from __future__ import annotations

import os
import socket
import ssl
import threading
from collections.abc import Callable
from typing import Any

import httpcore
import httpx

from store.fetching.http import DEFAULT_TIMEOUT, USER_AGENT
from store.fetching.streams import StreamsTransport

CA_BUNDLE_ENV = "AANEWS_CA_BUNDLE"


def make_client(
    *,
    max_connections: int | None = 8,
    timeout: float = DEFAULT_TIMEOUT,
    on_http2: Callable[[str], None] | None = None,
) -> httpx.AsyncClient:
    """An httpx client for feeds: our User-Agent, gzip only, no automatic redirects.

    One client serves a whole run: connections are kept alive and reused, and a
    server that offers HTTP/2 (ALPN) gets one connection carrying every request
    at once. ``max_connections`` None leaves the bound to the caller.
    ``on_http2(host)`` is called as soon as a TLS handshake with ``host`` settles
    on HTTP/2, before any answer comes back over it.
    """
    limits = httpx.Limits(
        max_connections=max_connections,
        max_keepalive_connections=max_connections or 32,
        keepalive_expiry=30.0,
    )
    context = _ssl_context()
    httpcore_transport = httpx.AsyncHTTPTransport(
        http2=True, limits=limits, verify=context, trust_env=False
    )
    backend = _FeedBackend(on_http2)
    httpcore_transport._pool._network_backend = backend  # noqa: SLF001 - see the class
    transport: httpx.AsyncBaseTransport = httpcore_transport
    if max_connections is None:  # a refresh's many feeds: HTTP/2 hosts through our streams
        transport = StreamsTransport(httpcore_transport, context, backend, on_http2)
    return _FeedClient(
        transport=transport,
        headers={
            "User-Agent": USER_AGENT,
            "Accept-Encoding": "gzip, deflate",
            "Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, "
            "text/xml;q=0.9, */*;q=0.5",
        },
        follow_redirects=False,
        timeout=httpx.Timeout(timeout),
        trust_env=False,
    )


class _FeedClient(httpx.AsyncClient):
    """httpx's client, whose cookie jar looks at an answer only when it sets a cookie.

    httpx hands every answer to the jar (``http.cookiejar``, through a
    ``urllib.request.Request`` made for it): ~8% of the CPU of an unchanged refresh
    over HTTP/2, for 304s that set none. Cookies are kept and sent exactly as before.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._answered_cookies = _AnsweredCookies()

    @property  # type: ignore[override]
    def cookies(self) -> httpx.Cookies:
        return self._answered_cookies

    @cookies.setter
    def cookies(self, cookies: Any) -> None:
        self._answered_cookies = _AnsweredCookies(cookies)


class _AnsweredCookies(httpx.Cookies):
    def extract_cookies(self, response: httpx.Response) -> None:
        if "set-cookie" in response.headers or "set-cookie2" in response.headers:
            super().extract_cookies(response)


def _ssl_context() -> ssl.SSLContext:
    """The usual trusted certificates, or instead those of ``$AANEWS_CA_BUNDLE`` if set.

    The variable is a testing aid (bench/h2_server.py makes a self-signed
    certificate): like curl's ``CURL_CA_BUNDLE``, it names the certificates a run
    trusts, so the usual ones (~45 ms to load) are not loaded; it never turns
    verification off.
    """
    bundle = os.environ.get(CA_BUNDLE_ENV)
    if not bundle:
        return _TrustOnFirstUse(ssl.PROTOCOL_TLS_CLIENT)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # checks certificates and host names
    try:
        context.load_verify_locations(cafile=bundle)
    except (OSError, ValueError) as error:  # ssl.SSLError is an OSError
        raise ValueError(f"{CA_BUNDLE_ENV}={bundle!r}: cannot load it ({error})") from None
    return context


class _TrustOnFirstUse(ssl.SSLContext):
    """httpx's verifying context, whose trusted certificates load at the first TLS handshake.

    Loading them costs ~40 ms, which a refresh of plain-HTTP feeds would pay before
    its first request and then never use. Certificates and host names are checked
    exactly as by ``httpx.create_ssl_context``: PROTOCOL_TLS_CLIENT requires both.
    """

    _trusted = False
    _lock = threading.Lock()

    def _trust(self) -> None:
        with self._lock:
            if not self._trusted:
                import certifi

                self.load_verify_locations(cafile=certifi.where())
                self._trusted = True

    def wrap_bio(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self._trust()
        return super().wrap_bio(*args, **kwargs)

    def wrap_socket(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self._trust()
        return super().wrap_socket(*args, **kwargs)


class _FeedBackend(httpcore.AsyncNetworkBackend):
    """Connections that acknowledge what they receive at once, and say when they are HTTP/2.

    Quick ACKs (Linux TCP_QUICKACK): a server that writes a response's headers and
    body separately without TCP_NODELAY holds the body until the headers are
    acknowledged, and on a kept-alive connection Linux delays that acknowledgement
    by up to 40 ms: every reused connection would then pay ~40 ms a request
    (measured: 144 ms a request at a 100 ms round trip, 105 ms with this). The flag
    does not stick, so it is set again before each read.

    HTTP/2: ``on_http2(host)`` as the handshake picks it (ALPN), so a refresh can
    send the host's other requests at once instead of a round trip later.
    """

    def __init__(self, on_http2: Callable[[str], None] | None = None) -> None:
        self._inner = httpcore.AnyIOBackend()
        self._on_http2 = on_http2
        self._parked: dict[tuple[str, int], list[httpcore.AsyncNetworkStream]] = {}

    async def connect_tcp(  # type: ignore[no-untyped-def]
        self, host: str, port: int, *args, **kwargs
    ) -> httpcore.AsyncNetworkStream:
        parked = self._parked.get((host, port))
        if parked:  # already through its TLS handshake: its start_tls gives it back
            return parked.pop()
        stream = await self._inner.connect_tcp(host, port, *args, **kwargs)
        return _QuickAckStream(stream, on_http2=self._http2_seen(host))

    def park(self, host: str, port: int, stream: httpcore.AsyncNetworkStream) -> None:
        """A connection that chose HTTP/1.1: httpcore's next connection to the host is it."""
        self._parked.setdefault((host, port), []).append(stream)

    async def aclose(self) -> None:
        """Close the connections parked and never taken."""
        for streams in self._parked.values():
            for stream in streams:
                await stream.aclose()
        self._parked.clear()

    def _http2_seen(self, host: str) -> Callable[[], None] | None:
        on_http2 = self._on_http2
        return None if on_http2 is None else lambda: on_http2(host)

    async def connect_unix_socket(self, *args, **kwargs) -> httpcore.AsyncNetworkStream:  # type: ignore[no-untyped-def]
        return await self._inner.connect_unix_socket(*args, **kwargs)

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


_QUICKACK = getattr(socket, "TCP_QUICKACK", None)


class _QuickAckStream(httpcore.AsyncNetworkStream):
    def __init__(
        self,
        inner: httpcore.AsyncNetworkStream,
        sock: socket.socket | None = None,
        on_http2: Callable[[], None] | None = None,
    ):
        self._inner = inner
        self._socket = sock or inner.get_extra_info("socket")
        self._on_http2 = on_http2

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        if _QUICKACK is not None:
            try:
                self._socket.setsockopt(socket.IPPROTO_TCP, _QUICKACK, 1)
            except (OSError, AttributeError):
                pass  # closed, or not a TCP socket: nothing to hurry
        return await self._inner.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._inner.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def start_tls(self, *args, **kwargs) -> httpcore.AsyncNetworkStream:  # type: ignore[no-untyped-def]
        secure = _QuickAckStream(await self._inner.start_tls(*args, **kwargs), self._socket)
        ssl_object = secure.get_extra_info("ssl_object")
        if self._on_http2 is not None and isinstance(ssl_object, ssl.SSLObject | ssl.SSLSocket):
            if ssl_object.selected_alpn_protocol() == "h2":
                self._on_http2()
        return secure

    def get_extra_info(self, info: str) -> object:
        return self._inner.get_extra_info(info)
