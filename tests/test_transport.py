"""store.fetching.transport against raw servers on 127.0.0.1: kept-alive connections,
a server that drops one, the bound on open connections, answers h11 must take apart."""

from __future__ import annotations

import asyncio
import socket
import struct
import threading
from collections.abc import Callable, Iterator

import pytest

from store.fetching.client import make_client
from store.fetching.http import FetchError, FetchResult, fetch_feed

FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title></channel></rss>'
OK = b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: %d\r\n\r\n%s" % (
    len(FEED),
    FEED,
)

# What a connection does with each request it reads: the bytes to answer, and whether
# to close the connection afterwards.
Answer = Callable[[bytes], tuple[bytes, bool]]


class RawServer:
    """HTTP/1.1 by hand: counts the connections it accepts and the requests it reads."""

    def __init__(self, answer: Answer, reset: bool = False) -> None:
        self.answer = answer
        self.reset = reset
        self.connections = 0
        self.open = 0  # connections the client has not closed yet
        self.requests: list[bytes] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return  # closed
            self.connections += 1
            self.open += 1
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        pending = b""
        with conn:
            while True:
                while b"\r\n\r\n" not in pending:
                    data = conn.recv(65536)
                    if not data:
                        self.open -= 1
                        return
                    pending += data
                head, pending = pending.split(b"\r\n\r\n", 1)
                self.requests.append(head)
                reply, close = self.answer(head)
                conn.sendall(reply)
                if close:
                    if self.reset:  # RST instead of FIN: the client's next read is an error
                        conn.setsockopt(
                            socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                        )
                    return

    def close(self) -> None:
        self._listener.close()


@pytest.fixture
def serve() -> Iterator[Callable[[Answer], RawServer]]:
    servers: list[RawServer] = []

    def start(answer: Answer, reset: bool = False) -> RawServer:
        servers.append(RawServer(answer, reset))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


async def until(predicate: Callable[[], bool], timeout: float = 30.0) -> None:
    """wait_for inside an event loop: the loop runs (closes sockets) while we wait."""
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.01)


def fetch_in_turn(urls: list[str], **client_options) -> list[FetchResult | FetchError]:
    """Each URL fetched after the one before, on one client; a failure is kept, not raised."""

    async def run() -> list[FetchResult | FetchError]:
        results: list[FetchResult | FetchError] = []
        async with make_client(**client_options) as client:
            for url in urls:
                try:
                    results.append(await fetch_feed(client, url, timeout=10))
                except FetchError as error:
                    results.append(error)
        return results

    return asyncio.run(run())


def test_one_kept_alive_connection_carries_request_after_request(serve) -> None:
    server = serve(lambda head: (OK, False))
    results = fetch_in_turn([f"{server.url}/f{n}.xml" for n in range(5)])
    assert [r.body for r in results if isinstance(r, FetchResult)] == [FEED] * 5
    assert server.connections == 1
    assert [head.split(b" ")[1] for head in server.requests] == [b"/f%d.xml" % n for n in range(5)]


@pytest.mark.parametrize("reset", [False, True], ids=["closed", "reset"])
def test_a_server_that_drops_a_kept_alive_connection_gets_a_new_one(serve, reset: bool) -> None:
    # No "Connection: close": the connection looks reusable, and the server hangs up
    # (closes it, or resets it), maybe only as the next request goes out.
    server = serve(lambda head: (OK, True), reset)
    results = fetch_in_turn([f"{server.url}/a.xml", f"{server.url}/b.xml", f"{server.url}/c.xml"])
    assert [r.body for r in results if isinstance(r, FetchResult)] == [FEED] * 3
    assert server.connections == 3


def test_a_connection_the_server_closes_before_any_answer_is_one_line(serve) -> None:
    server = serve(lambda head: (b"", True))
    (error,) = fetch_in_turn([f"{server.url}/feed.xml"])
    assert isinstance(error, FetchError)
    assert error.reason.startswith("127.0.0.1 broke the HTTP exchange")
    assert "\n" not in error.reason


def test_a_bound_of_one_connection_still_reaches_every_host(serve) -> None:
    first, second = serve(lambda head: (OK, False)), serve(lambda head: (OK, False))
    urls = [f"{first.url}/1", f"{second.url}/2", f"{first.url}/3", f"{second.url}/4"]
    results = fetch_in_turn(urls, max_connections=1)
    assert [r.body for r in results if isinstance(r, FetchResult)] == [FEED] * 4
    # Each host's idle connection was closed to make room for the other's.
    assert (first.connections, second.connections) == (2, 2)


def test_concurrent_fetches_beyond_the_bound_wait_their_turn(serve) -> None:
    server = serve(lambda head: (OK, False))

    async def run() -> list[FetchResult]:
        async with make_client(max_connections=2) as client:
            return await asyncio.gather(
                *(fetch_feed(client, f"{server.url}/f{n}", timeout=10) for n in range(8))
            )

    results = asyncio.run(run())
    assert [r.body for r in results] == [FEED] * 8
    assert server.connections <= 2


def test_a_chunked_answer_and_an_http10_answer_arrive_whole(serve) -> None:
    chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
    chunked += b"".join(
        b"%x\r\n%s\r\n" % (len(FEED[i : i + 7]), FEED[i : i + 7]) for i in range(0, len(FEED), 7)
    )
    chunked += b"0\r\n\r\n"
    old = b"HTTP/1.0 200 OK\r\n\r\n" + FEED  # no length: the body ends when the connection does
    replies = iter([(chunked, False), (old, True)])
    server = serve(lambda head: next(replies))
    results = fetch_in_turn([f"{server.url}/chunked", f"{server.url}/old"])
    assert [(r.body, r.http_version) for r in results if isinstance(r, FetchResult)] == [
        (FEED, "HTTP/1.1"),
        (FEED, "HTTP/1.0"),
    ]


def test_an_endless_answer_head_is_one_line(serve) -> None:
    huge = b"HTTP/1.1 200 OK\r\n" + b"X-Junk: " + b"a" * 200_000 + b"\r\n\r\n"
    server = serve(lambda head: (huge, True))
    (error,) = fetch_in_turn([f"{server.url}/feed.xml"])
    assert isinstance(error, FetchError)
    assert error.reason.startswith("127.0.0.1 broke the HTTP exchange")
    assert len(error.reason) < 400


@pytest.mark.parametrize(
    "after", [b"\r\n", b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nWRONG"], ids=["crlf", "answer"]
)
def test_bytes_after_an_answer_never_become_the_next_ones(serve, after: bytes) -> None:
    """A stray line end, or an answer nobody asked for, after the body: that connection
    is not used again, and the next feed gets its own answer."""
    server = serve(lambda head: (OK + after, False))
    results = fetch_in_turn([f"{server.url}/f{n}" for n in range(3)])
    assert [r.body if isinstance(r, FetchResult) else r.reason for r in results] == [FEED] * 3
    assert server.connections == 3


def test_a_refresh_of_many_hosts_keeps_at_most_32_connections_open(serve) -> None:
    servers = [serve(lambda head: (OK, False)) for _ in range(40)]

    async def run() -> list[FetchResult]:
        async with make_client(max_connections=None) as client:
            results = [await fetch_feed(client, f"{s.url}/feed", timeout=10) for s in servers]
            await until(lambda: sum(s.open for s in servers) <= 32)
            return results

    assert [r.body for r in asyncio.run(run())] == [FEED] * 40


def test_closing_the_client_closes_a_connection_still_answering(serve) -> None:
    """An answer nobody finished reading (a refresh given up on) does not keep its
    connection open once the run's client closes: a one-at-a-time server would wait."""
    server = serve(lambda head: (OK, False))

    async def run() -> None:
        async with make_client() as client:
            await client.send(client.build_request("GET", f"{server.url}/f"), stream=True)
        await until(lambda: server.open == 0)

    asyncio.run(run())
    assert server.connections == 1
