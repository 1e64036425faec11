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

import httpcore
import httpx

from store.fetching.http import DEFAULT_TIMEOUT, USER_AGENT

CA_BUNDLE_ENV = "AANEWS_CA_BUNDLE"


def make_client(
    *, max_connections: int | None = 8, timeout: float = DEFAULT_TIMEOUT
) -> httpx.AsyncClient:
    """An httpx client for feeds: our User-Agent, gzip only, no automatic redirects.

    One client serves a whole run: connections are kept alive and reused, and a
    server that offers HTTP/2 (ALPN) gets one connection carrying every request
    at once. ``max_connections`` None leaves the bound to the caller.
    """
    limits = httpx.Limits(
        max_connections=max_connections,
        max_keepalive_connections=max_connections or 32,
        keepalive_expiry=30.0,
    )
    transport = httpx.AsyncHTTPTransport(
        http2=True, limits=limits, verify=_ssl_context(), trust_env=False
    )
    if hasattr(socket, "TCP_QUICKACK"):
        transport._pool._network_backend = _QuickAckBackend()  # noqa: SLF001 - see the class
    return httpx.AsyncClient(
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


def _ssl_context() -> ssl.SSLContext:
    """The usual trusted certificates, plus those of ``$AANEWS_CA_BUNDLE`` if set.

    The variable is a testing aid (bench/h2_server.py makes a self-signed
    certificate); it adds trust for one run and never turns verification off.
    """
    context = httpx.create_ssl_context(trust_env=False)
    bundle = os.environ.get(CA_BUNDLE_ENV)
    if bundle:
        try:
            context.load_verify_locations(cafile=bundle)
        except (OSError, ValueError) as error:  # ssl.SSLError is an OSError
            raise ValueError(f"{CA_BUNDLE_ENV}={bundle!r}: cannot load it ({error})") from None
    return context


class _QuickAckBackend(httpcore.AsyncNetworkBackend):
    """Connections that acknowledge what they receive at once (Linux TCP_QUICKACK).

    A server that writes a response's headers and body separately without
    TCP_NODELAY holds the body until the headers are acknowledged, and on a
    kept-alive connection Linux delays that acknowledgement by up to 40 ms: every
    reused connection would then pay ~40 ms a request (measured: 144 ms a request
    at a 100 ms round trip, 105 ms with this). The flag does not stick, so it is
    set again before each read.
    """

    def __init__(self) -> None:
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(self, *args, **kwargs) -> httpcore.AsyncNetworkStream:  # type: ignore[no-untyped-def]
        return _QuickAckStream(await self._inner.connect_tcp(*args, **kwargs))

    async def connect_unix_socket(self, *args, **kwargs) -> httpcore.AsyncNetworkStream:  # type: ignore[no-untyped-def]
        return await self._inner.connect_unix_socket(*args, **kwargs)

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class _QuickAckStream(httpcore.AsyncNetworkStream):
    def __init__(self, inner: httpcore.AsyncNetworkStream, sock: socket.socket | None = None):
        self._inner = inner
        self._socket = sock or inner.get_extra_info("socket")

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        try:
            self._socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
        except (OSError, AttributeError):
            pass  # closed, or not a TCP socket: nothing to hurry
        return await self._inner.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._inner.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def start_tls(self, *args, **kwargs) -> httpcore.AsyncNetworkStream:  # type: ignore[no-untyped-def]
        return _QuickAckStream(await self._inner.start_tls(*args, **kwargs), self._socket)

    def get_extra_info(self, info: str) -> object:
        return self._inner.get_extra_info(info)
