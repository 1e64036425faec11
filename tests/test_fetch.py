"""store.fetching.http against a real server on 127.0.0.1: validators, limits, redirects, errors."""

from __future__ import annotations

import asyncio
import gzip
import socket
import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from store.fetching.client import make_client
from store.fetching.http import (
    USER_AGENT,
    FetchError,
    FetchResult,
    fetch_feed,
    parse_retry_after,
)

FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title></channel></rss>'


def fetch(url: str, **kwargs) -> FetchResult:
    """Run one fetch_feed on a fresh client, as a caller outside any event loop would."""

    async def run() -> FetchResult:
        async with make_client() as client:
            return await fetch_feed(client, url, **kwargs)

    return asyncio.run(run())


def fetch_error(url: str, **kwargs) -> FetchError:
    with pytest.raises(FetchError) as caught:
        fetch(url, **kwargs)
    return caught.value


def test_200_returns_body_and_validators_and_sends_our_headers(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed").respond_with_data(
        FEED, headers={"ETag": '"v1"', "Last-Modified": "Tue, 24 Nov 2026 10:00:00 GMT"}
    )
    result = fetch(httpserver.url_for("/feed"))
    assert (result.status, result.body, result.etag) == (200, FEED, '"v1"')
    assert result.last_modified == "Tue, 24 Nov 2026 10:00:00 GMT"
    request, _ = httpserver.log[0]
    assert request.headers["User-Agent"] == USER_AGENT
    assert request.headers["Accept-Encoding"] == "gzip, deflate"


def test_conditional_get_sends_validators_and_a_304_has_no_body(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed").respond_with_data("", status=304)
    result = fetch(
        httpserver.url_for("/feed"), etag='"v1"', last_modified="Tue, 24 Nov 2026 10:00:00 GMT"
    )
    assert result.not_modified and result.body is None
    assert result.etag == '"v1"'
    request, _ = httpserver.log[0]
    assert request.headers["If-None-Match"] == '"v1"'
    assert request.headers["If-Modified-Since"] == "Tue, 24 Nov 2026 10:00:00 GMT"


def test_gzip_body_is_decoded(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed").respond_with_data(
        gzip.compress(FEED), headers={"Content-Encoding": "gzip"}
    )
    assert fetch(httpserver.url_for("/feed")).body == FEED


@pytest.mark.parametrize(
    ("status", "words"),
    [(404, "HTTP 404"), (500, "HTTP 500 INTERNAL SERVER ERROR"), (503, "HTTP 503")],
)
def test_http_errors_become_one_line_reasons(
    httpserver: HTTPServer, status: int, words: str
) -> None:
    httpserver.expect_request("/feed").respond_with_data("oops", status=status)
    error = fetch_error(httpserver.url_for("/feed"))
    assert words.lower() in error.reason.lower()
    assert error.status == status and not error.pause and "\n" not in error.reason


def test_410_pauses_the_feed(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed").respond_with_data("gone", status=410)
    error = fetch_error(httpserver.url_for("/feed"))
    assert error.pause and error.status == 410 and "gone" in error.reason


def test_429_retry_after_seconds_gives_a_time_to_wait_for(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "120"}
    )
    before = datetime.now(UTC)
    error = fetch_error(httpserver.url_for("/feed"))
    assert error.status == 429 and error.retry_after is not None
    until = datetime.fromisoformat(error.retry_after)
    assert timedelta(seconds=100) < until - before < timedelta(seconds=140)
    assert "retry after" in error.reason


def test_retry_after_accepts_an_http_date_and_rejects_garbage() -> None:
    now = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
    later = format_datetime(now + timedelta(hours=2), usegmt=True)
    assert parse_retry_after(later, now=now) == "2026-11-26T14:00:00+00:00"
    assert parse_retry_after("soon", now=now) is None


def test_permanent_redirect_is_followed_and_reported(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/old").respond_with_data(
        "", status=301, headers={"Location": "/new"}
    )
    httpserver.expect_request("/new").respond_with_data(FEED)
    result = fetch(httpserver.url_for("/old"))
    assert result.body == FEED
    assert result.moved_to == httpserver.url_for("/new")


def test_temporary_redirect_is_not_remembered(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/old").respond_with_data(
        "", status=302, headers={"Location": "/new"}
    )
    httpserver.expect_request("/new").respond_with_data(FEED)
    result = fetch(httpserver.url_for("/old"))
    assert result.body == FEED and result.moved_to is None


def test_a_cookie_set_by_a_redirect_goes_with_the_next_request(httpserver: HTTPServer) -> None:
    """Some sites set a cookie and send the reader back: the client keeps it (the jar
    looks only at answers that set one) and never sends one nobody set."""
    httpserver.expect_request("/gate").respond_with_data(
        "", status=302, headers={"Location": "/feed", "Set-Cookie": "seen=yes; Path=/"}
    )
    httpserver.expect_request("/feed").respond_with_data(FEED)
    assert fetch(httpserver.url_for("/gate")).body == FEED
    (first, _), (second, _) = httpserver.log
    assert "Cookie" not in first.headers
    assert second.headers["Cookie"] == "seen=yes"


def test_more_than_five_redirects_fail(httpserver: HTTPServer) -> None:
    for hop in range(7):
        httpserver.expect_request(f"/r{hop}").respond_with_data(
            "", status=302, headers={"Location": f"/r{hop + 1}"}
        )
    httpserver.expect_request("/r7").respond_with_data(FEED)
    error = fetch_error(httpserver.url_for("/r0"))
    assert "more than 5 redirects" in error.reason
    assert len(httpserver.log) == 6


def test_five_redirects_are_fine(httpserver: HTTPServer) -> None:
    for hop in range(5):
        httpserver.expect_request(f"/r{hop}").respond_with_data(
            "", status=307, headers={"Location": f"/r{hop + 1}"}
        )
    httpserver.expect_request("/r5").respond_with_data(FEED)
    assert fetch(httpserver.url_for("/r0")).body == FEED


def test_redirect_to_a_non_http_url_is_refused(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed").respond_with_data(
        "", status=301, headers={"Location": "file:///etc/passwd"}
    )
    error = fetch_error(httpserver.url_for("/feed"))
    assert "not an http(s) URL" in error.reason


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/feed", "javascript:x"])
def test_non_http_urls_never_reach_the_network(url: str) -> None:
    assert "not an http(s) URL" in fetch_error(url).reason


def test_a_server_slower_than_the_deadline_fails_within_it(httpserver: HTTPServer) -> None:
    def trickle(request: Request) -> Response:
        def body():
            yield b"<rss>"
            for _ in range(30):  # 3 s at most, so the server thread ends by itself
                time.sleep(0.1)
                yield b" "

        return Response(body(), content_type="application/rss+xml")

    httpserver.expect_request("/feed").respond_with_handler(trickle)
    started = time.monotonic()
    error = fetch_error(httpserver.url_for("/feed"), timeout=0.5)
    assert time.monotonic() - started < 1.5
    assert error.reason == "no complete answer within 0.5 s"


def test_an_oversized_body_stops_at_the_cap(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed").respond_with_data(b"x" * 300_000)
    error = fetch_error(httpserver.url_for("/feed"), max_bytes=100 * 1024)
    assert error.reason == "feed larger than 100 KiB"


def test_an_oversized_body_without_length_stops_at_the_cap(httpserver: HTTPServer) -> None:
    def chunks(request: Request) -> Response:
        return Response((b"y" * 65536 for _ in range(10)), content_type="text/xml")

    httpserver.expect_request("/feed").respond_with_handler(chunks)
    error = fetch_error(httpserver.url_for("/feed"), max_bytes=100_000)
    assert error.reason == "feed larger than 100000 bytes"


def test_a_gzip_bomb_stops_at_the_decoded_cap(httpserver: HTTPServer) -> None:
    bomb = gzip.compress(b"<?xml version='1.0'?><rss><channel><title>" + b"\0" * (10 << 20))
    httpserver.expect_request("/feed").respond_with_data(
        bomb, headers={"Content-Encoding": "gzip"}, content_type="application/rss+xml"
    )
    error = fetch_error(httpserver.url_for("/feed"), max_bytes=1024 * 1024)
    assert error.reason == "feed larger than 1 MiB"


def test_a_refused_connection_is_one_line() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    error = fetch_error(f"http://127.0.0.1:{port}/feed")
    assert error.reason == "connection refused by 127.0.0.1"
    assert error.status is None


def test_a_tls_failure_is_one_line(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed").respond_with_data(FEED)
    # https:// to a plain-HTTP port: the TLS handshake fails.
    error = fetch_error(f"https://127.0.0.1:{httpserver.port}/feed")
    assert error.reason.startswith("TLS error with 127.0.0.1")
    assert "\n" not in error.reason


def test_a_connection_dropped_mid_body_is_one_line() -> None:
    """The server promises 1000 bytes, sends 5 and hangs up."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]

    def answer_badly() -> None:
        conn, _ = listener.accept()
        with conn:
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n<rss>")
        listener.close()

    server = threading.Thread(target=answer_badly, daemon=True)
    server.start()
    error = fetch_error(f"http://127.0.0.1:{port}/feed", timeout=5)
    server.join(5)
    assert error.reason.startswith("127.0.0.1 broke the HTTP exchange")
    assert "\n" not in error.reason
