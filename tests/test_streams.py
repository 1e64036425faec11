"""A refresh's own HTTP/2 (store.fetching.streams) keeps every behaviour of a fetch.

One HTTPS server on 127.0.0.1 (Hypercorn, the benchmark's, with a self-signed
certificate trusted through AANEWS_CA_BUNDLE) answers over HTTP/2 or, told to offer
only HTTP/1.1, over httpcore's HTTP/1.1: each fetch must end the same both ways
(validators, 304, redirects, gzip, the size cap, the deadline, errors in one line).
"""

from __future__ import annotations

import asyncio
import gzip
import importlib.util
import socket
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypercorn.asyncio import serve
from hypercorn.config import Config
from pytest_httpserver import HTTPServer

from store.fetching.client import make_client
from store.fetching.http import FetchError, FetchResult, fetch_feed

BENCH_SERVER = Path(__file__).resolve().parents[1] / "bench" / "h2_server.py"
FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title></channel></rss>'
BIG = b"<rss>" + b"x" * 300_000 + b"</rss>"


def _make_certificate(cert: Path, key: Path) -> None:
    spec = importlib.util.spec_from_file_location("h2_server", BENCH_SERVER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.make_certificate(cert, key)


async def app(scope: dict, receive, send) -> None:  # type: ignore[no-untyped-def]
    """Answers by path; every request's protocol is recorded in ``SEEN``."""
    if scope["type"] != "http":
        return
    SEEN.append((scope["http_version"], scope["path"]))
    path = scope["path"]
    headers = {k.decode(): v.decode() for k, v in scope["headers"]}
    status, extra, body = 200, [(b"content-type", b"application/rss+xml")], FEED
    if path == "/feed":
        extra.append((b"etag", b'"v1"'))
        if headers.get("if-none-match") == '"v1"':
            status, body = 304, b""
    elif path == "/moved":
        status, extra, body = 301, [(b"location", b"/feed")], b""
    elif path == "/found":
        status, extra, body = 302, [(b"location", b"/feed")], b""
    elif path == "/loop":
        status, extra, body = 302, [(b"location", b"/loop")], b""
    elif path == "/gzip":
        extra.append((b"content-encoding", b"gzip"))
        body = gzip.compress(FEED)
    elif path == "/big":
        body = BIG
    elif path == "/gone":
        status, body = 410, b"gone"
    elif path == "/busy":
        status, extra, body = 503, [(b"retry-after", b"120")], b""
    elif path == "/slow":
        await asyncio.sleep(5)
    elif path == "/echo":
        seen = "|".join(f"{k}={v}" for k, v in sorted(headers.items()) if k != "host")
        body = b"<rss>" + seen.encode() + b"</rss>"
    await send({"type": "http.response.start", "status": status, "headers": extra})
    await send({"type": "http.response.body", "body": body})


SEEN: list[tuple[str, str]] = []


class Server:
    """Hypercorn on a thread of its own, HTTP/2 offered unless ``http1_only``."""

    def __init__(self, work: Path, http1_only: bool) -> None:
        cert, key = work / "cert.pem", work / "key.pem"
        _make_certificate(cert, key)
        self.ca = cert
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        self.base = f"https://127.0.0.1:{listener.getsockname()[1]}"
        config = Config()
        config.bind = [f"fd://{listener.detach()}"]  # Hypercorn's to close
        config.certfile, config.keyfile = str(cert), str(key)
        config.alpn_protocols = ["http/1.1"] if http1_only else ["h2", "http/1.1"]
        config.accesslog = config.errorlog = None
        self._loop = asyncio.new_event_loop()
        self._stop = asyncio.Event()
        self._thread = threading.Thread(
            target=self._loop.run_until_complete,
            args=(serve(app, config, shutdown_trigger=self._stop.wait),),  # type: ignore[arg-type]
            daemon=True,
        )
        self._thread.start()

    def close(self) -> None:
        self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(30)


@pytest.fixture(params=["h2", "http/1.1"], scope="module")
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    running = Server(tmp_path_factory.mktemp("tls"), http1_only=request.param == "http/1.1")
    yield running
    running.close()


@pytest.fixture(autouse=True)
def trusted(server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AANEWS_CA_BUNDLE", str(server.ca))
    SEEN.clear()


def refresh_fetch(*urls: str, **kwargs) -> list[FetchResult | FetchError]:
    """fetch_feed on a refresh's client (``max_connections=None``), all at once."""

    async def one(client, url: str) -> FetchResult | FetchError:  # type: ignore[no-untyped-def]
        try:
            return await fetch_feed(client, url, **kwargs)
        except FetchError as error:
            return error

    async def run() -> list[FetchResult | FetchError]:
        async with make_client(max_connections=None) as client:
            return list(await asyncio.gather(*(one(client, url) for url in urls)))

    return asyncio.run(run())


def spoken(server: Server) -> set[str]:
    return {version for version, _ in SEEN}


def expected_version(request: pytest.FixtureRequest) -> str:
    return "HTTP/2" if request.node.callspec.params["server"] == "h2" else "HTTP/1.1"


def test_a_200_with_validators_over_either_protocol(
    server: Server, request: pytest.FixtureRequest
) -> None:
    [result] = refresh_fetch(f"{server.base}/feed")
    assert isinstance(result, FetchResult)
    assert (result.status, result.body, result.etag) == (200, FEED, '"v1"')
    assert result.http_version == expected_version(request)
    assert spoken(server) == ({"2"} if result.http_version == "HTTP/2" else {"1.1"})


def test_many_at_once_share_one_connection_and_get_their_own_bodies(server: Server) -> None:
    urls = [f"{server.base}/{path}" for path in ["feed", "big", "gzip", "echo"] * 30]
    results = refresh_fetch(*urls)
    assert [r for r in results if not isinstance(r, FetchResult)] == []
    bodies = [r.body for r in results if isinstance(r, FetchResult)]
    assert bodies[0::4] == [FEED] * 30 and bodies[1::4] == [BIG] * 30
    assert bodies[2::4] == [FEED] * 30  # decoded


@pytest.mark.parametrize("server", ["h2"], indirect=True)  # HTTP/1.1: a connection a request
def test_requests_started_together_go_out_together(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """120 feeds asked at once over HTTP/2: their requests leave in a few writes (one
    TLS record and one send each), not one write a request."""
    from store.fetching import streams

    writes: list[bytes] = []
    made = streams.Http2Connection.__init__

    class Counted:
        def __init__(self, transport: asyncio.Transport) -> None:
            self._transport = transport

        def write(self, data: bytes) -> None:
            writes.append(data)
            self._transport.write(data)

        def __getattr__(self, name: str) -> object:
            return getattr(self._transport, name)

    def counting(self: streams.Http2Connection, wire: streams.Wire) -> None:
        made(self, wire)
        self._transport = Counted(self._transport)  # type: ignore[assignment]

    monkeypatch.setattr(streams.Http2Connection, "__init__", counting)
    results = refresh_fetch(*[f"{server.base}/feed?{n}" for n in range(120)])
    assert all(isinstance(r, FetchResult) and r.body == FEED for r in results)
    assert 0 < len(writes) < 30, len(writes)


def test_our_headers_go_out_and_a_304_keeps_the_validators(server: Server) -> None:
    [echo] = refresh_fetch(f"{server.base}/echo")
    assert isinstance(echo, FetchResult) and echo.body
    assert b"user-agent=aanews/" in echo.body and b"accept-encoding=gzip, deflate" in echo.body
    [again] = refresh_fetch(f"{server.base}/feed", etag='"v1"')
    assert isinstance(again, FetchResult)
    assert (again.status, again.body, again.etag) == (304, None, '"v1"')


def test_redirects_are_followed_and_a_permanent_one_remembered(server: Server) -> None:
    moved, found = refresh_fetch(f"{server.base}/moved", f"{server.base}/found")
    assert isinstance(moved, FetchResult) and isinstance(found, FetchResult)
    assert moved.body == FEED and moved.moved_to == f"{server.base}/feed"
    assert found.body == FEED and found.moved_to is None
    [looping] = refresh_fetch(f"{server.base}/loop")
    assert isinstance(looping, FetchError) and "more than 5 redirects" in looping.reason


def test_errors_and_limits_read_the_same(server: Server) -> None:
    gone, busy, big = refresh_fetch(
        f"{server.base}/gone", f"{server.base}/busy", f"{server.base}/big", max_bytes=100_000
    )
    assert isinstance(gone, FetchError) and gone.pause and gone.status == 410
    # HTTP/2 has no reason phrase (httpx's is used); Hypercorn's HTTP/1.1 sends none
    assert gone.reason in (
        "HTTP 410 Gone: the feed is gone; paused",
        "HTTP 410: the feed is gone; paused",
    )
    assert isinstance(busy, FetchError) and busy.retry_after and busy.status == 503
    assert isinstance(big, FetchError) and big.reason == "feed larger than 100000 bytes"


def test_the_deadline_ends_a_slow_answer(server: Server) -> None:
    slow, quick = refresh_fetch(f"{server.base}/slow", f"{server.base}/feed", timeout=1)
    assert isinstance(slow, FetchError) and slow.reason == "no complete answer within 1 s"
    assert isinstance(quick, FetchResult) and quick.body == FEED  # the connection carries on


def test_an_untrusted_certificate_is_a_tls_error(
    server: Server, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    other = tmp_path / "other.pem"
    _make_certificate(other, tmp_path / "other.key")
    monkeypatch.setenv("AANEWS_CA_BUNDLE", str(other))
    first, second = refresh_fetch(f"{server.base}/feed", f"{server.base}/feed")
    for error in (first, second):
        assert isinstance(error, FetchError)
        assert error.reason.startswith("TLS error with 127.0.0.1: [SSL: CERTIFICATE_VERIFY_FAILED]")


def test_a_refused_connection_is_said_so() -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    listener.close()  # nothing listens there now
    [refused] = refresh_fetch(f"https://127.0.0.1:{port}/feed")
    assert isinstance(refused, FetchError) and refused.reason == "connection refused by 127.0.0.1"


class RudeServer:
    """A raw HTTP/2 server (h2 over TLS) that answers /feed, resets /reset, and with
    ``goaway`` says GOAWAY after its first answer and answers nothing more on it."""

    def __init__(self, work: Path, *, goaway: bool) -> None:
        import h2.config
        import h2.connection

        self._h2 = (h2.config, h2.connection)
        cert, key = work / "rude.pem", work / "rude.key"
        _make_certificate(cert, key)
        self.ca, self.goaway, self.connections = cert, goaway, 0
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        context.set_alpn_protocols(["h2"])
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        self.base = f"https://127.0.0.1:{listener.getsockname()[1]}"
        self._loop = asyncio.new_event_loop()
        self._server = self._loop.run_until_complete(
            asyncio.start_server(self._serve, sock=listener, ssl=context)
        )
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        import h2.errors
        import h2.events

        config, connection = self._h2
        self.connections += 1
        conn = connection.H2Connection(
            config.H2Configuration(client_side=False, header_encoding="utf-8")
        )
        conn.initiate_connection()
        writer.write(conn.data_to_send())
        answered = 0
        while data := await reader.read(65536):
            for event in conn.receive_data(data):
                if not isinstance(event, h2.events.RequestReceived):
                    continue
                if dict(event.headers)[":path"] == "/reset":
                    conn.reset_stream(event.stream_id, h2.errors.ErrorCodes.INTERNAL_ERROR)
                    continue
                conn.send_headers(event.stream_id, [(":status", "200")])
                conn.send_data(event.stream_id, FEED, end_stream=True)
                answered += 1
                if self.goaway and answered == 1:
                    conn.close_connection(last_stream_id=event.stream_id)
                    writer.write(conn.data_to_send())
                    await writer.drain()
                    # A graceful goodbye: what else comes is not answered, and the
                    # connection closes once the client closes it (closing first would
                    # reset it, and the client might never read the GOAWAY).
                    while await reader.read(65536):
                        pass
                    writer.close()
                    return
            writer.write(conn.data_to_send())
            await writer.drain()
        writer.close()

    def close(self) -> None:
        self._loop.call_soon_threadsafe(self._server.close)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(30)


@pytest.mark.parametrize("goaway", [True, False], ids=["goaway", "reset"])
def test_a_goaway_or_a_reset_fails_only_what_it_names(
    goaway: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rude = RudeServer(tmp_path, goaway=goaway)
    monkeypatch.setenv("AANEWS_CA_BUNDLE", str(rude.ca))

    async def run() -> list[FetchResult | FetchError]:
        results: list[FetchResult | FetchError] = []
        async with make_client(max_connections=None) as client:
            for path in ["/feed", "/reset", "/feed"]:  # one after the other, one client
                try:
                    results.append(await fetch_feed(client, f"{rude.base}{path}"))
                except FetchError as error:
                    results.append(error)
        return results

    try:
        first, reset, last = asyncio.run(run())
    finally:
        rude.close()
    assert isinstance(first, FetchResult) and first.body == FEED and first.http_version == "HTTP/2"
    assert isinstance(last, FetchResult) and last.body == FEED
    if goaway:  # the connection said goodbye: the next requests went on a new one
        assert rude.connections >= 2
    else:  # the reset failed that feed alone, on the one connection
        assert rude.connections == 1
        assert isinstance(reset, FetchError)
        assert reset.reason.startswith("127.0.0.1 broke the HTTP exchange:")
        assert "\n" not in reset.reason


def test_a_bound_of_one_connection_moves_between_an_https_host_and_another(
    server: Server, httpserver: HTTPServer, request: pytest.FixtureRequest
) -> None:
    """A picture's client (one connection): an HTTPS host, then a plain one, then back;
    the HTTP/2 connection, idle, is closed to make room as an HTTP/1.1 one is."""
    httpserver.expect_request("/elsewhere").respond_with_data(FEED)

    async def run() -> list[FetchResult]:
        async with make_client(max_connections=1) as client:
            return [
                await fetch_feed(client, url, timeout=10)
                for url in [
                    f"{server.base}/plain",
                    httpserver.url_for("/elsewhere"),
                    f"{server.base}/plain",
                ]
            ]

    first, other, again = asyncio.run(run())
    assert (first.body, other.body, again.body) == (FEED, FEED, FEED)
    assert first.http_version == again.http_version == expected_version(request)


def test_requests_a_goaway_left_unanswered_go_again_on_a_new_connection(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Three at once; the server answers the first and says GOAWAY: the other two, which
    it never took, are sent again (as httpcore did), and every feed gets its answer."""
    rude = RudeServer(tmp_path, goaway=True)
    monkeypatch.setenv("AANEWS_CA_BUNDLE", str(rude.ca))
    try:
        results = refresh_fetch(*(f"{rude.base}/feed?{n}" for n in range(3)))
    finally:
        rude.close()
    assert [r.body if isinstance(r, FetchResult) else r.reason for r in results] == [FEED] * 3
    assert rude.connections >= 2


def test_a_frame_reads_as_hyperframe_writes_it():
    """h2 formats each frame it receives; the shortcut for a frame's data (its first
    ten bytes in hex, not all of it) gives hyperframe's own text."""
    import hyperframe.frame

    import store.fetching.streams  # noqa: F401 - puts the shortcut in place

    assert repr(hyperframe.frame.DataFrame(1, data=b"x" * 16384)) == (
        "DataFrame(stream_id=1, flags=[]): <hex:78787878787878787878...>"
    )
    assert repr(hyperframe.frame.DataFrame(3, data=b"\x00\xff")) == (
        "DataFrame(stream_id=3, flags=[]): <hex:00ff>"
    )
    assert repr(hyperframe.frame.DataFrame(5, data=b"0123456789")).endswith(
        "<hex:30313233343536373839>"
    )
    assert repr(hyperframe.frame.DataFrame(5)).endswith(": None")
