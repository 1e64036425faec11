"""The HTTP client for a run: connections kept alive and reused, HTTP/2 when offered.

Every fetch of a run (``store.fetching.refresh``, ``store.pages.fulltext``) goes
through one client, so a host's connections, TLS sessions and DNS answers are
made once; a host that offers HTTP/2 (ALPN) gets one connection carrying many
requests at once. ``store.fetching.http`` does one request on it.
"""

from __future__ import annotations

import os
import ssl
import threading
from collections.abc import Callable
from typing import Any

import httpx

from store.fetching.http import DEFAULT_TIMEOUT, USER_AGENT
from store.fetching.transport import FeedTransport

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
    transport = FeedTransport(
        _ssl_context(),
        max_connections=max_connections,
        keepalive_expiry=30.0,
        on_http2=on_http2,
    )
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
        context: ssl.SSLContext = _TrustOnFirstUse(ssl.PROTOCOL_TLS_CLIENT)
    else:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # checks certificates and host names
        try:
            context.load_verify_locations(cafile=bundle)
        except (OSError, ValueError) as error:  # ssl.SSLError is an OSError
            raise ValueError(f"{CA_BUNDLE_ENV}={bundle!r}: cannot load it ({error})") from None
    context.set_alpn_protocols(["h2", "http/1.1"])  # HTTP/2 when the server offers it
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
