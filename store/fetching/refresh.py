"""Refresh many feeds at once: fetch concurrently, parse only new bytes, ingest one by one.

``refresh_feeds`` is called from the CLI and from a Textual thread worker, so it
opens its own connection and runs its own event loop, on a thread of its own.
Fetches overlap (a few per host, since AA serves every feed from one host); each
answer is parsed off the event loop (worker processes), then stored by the
thread that called ``refresh_feeds``, one transaction per feed, so there is a
single writer and the hooks run where they always did. A feed that fails keeps
its stories and its readers' state; the others carry on.
"""

from __future__ import annotations

import asyncio
import queue
import threading
import time
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from store.db import connect
from store.fetching.answers import Fetched, ProgressHook, Storing, content_digest
from store.fetching.client import make_client
from store.fetching.http import (
    DEFAULT_MAX_BYTES,
    DEFAULT_TIMEOUT,
    FetchError,
    fetch_feed,
)
from store.fetching.pacing import FEED_CONNECTIONS_PER_HOST, FeedHostLimit
from store.fetching.report import RefreshReport
from store.fetching.targets import Target, select_feeds
from store.fetching.workers import PARSE_TIMEOUT, Parsing, parse_executor
from store.ingest import NewItemsHook

# Seconds a whole refresh may take, however many feeds never answer.
DEFAULT_DEADLINE = 300.0

CancelCheck = Callable[[], bool]


def refresh_feeds(
    db_path: str | Path | None,
    feed_ids: Iterable[int] | None = None,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    deadline: float = DEFAULT_DEADLINE,
    concurrency: int = 8,
    per_host: int = FEED_CONNECTIONS_PER_HOST,
    max_bytes: int = DEFAULT_MAX_BYTES,
    on_progress: ProgressHook | None = None,
    on_new_items: NewItemsHook | None = None,
    should_cancel: CancelCheck | None = None,
    parse_timeout: float = PARSE_TIMEOUT,
) -> RefreshReport:
    """Fetch, parse and store the given feeds (default: every active one).

    Paused feeds and feeds a server asked to wait (Retry-After) are skipped unless
    named in ``feed_ids``. Unknown ids raise FeedError before anything is fetched.
    ``deadline`` bounds the whole run: feeds without an answer by then fail, each
    with its reason, and so does a feed that cannot be stored because another
    process holds the database's write lock for too long.
    A document whose parse takes over ``parse_timeout`` seconds fails that feed alone.
    """
    deadline_at = time.monotonic() + deadline
    # A plain connection: sqlite-utils loads only for a feed with more than nothing new,
    # and never before the first requests are out.
    conn = connect(db_path)
    # A feed's multi-row INSERT (its FTS rows, its index entries) keeps a statement
    # journal; past 64 KiB SQLite writes it to a temporary file: in memory, a cold
    # refresh of 6,000 stories writes 105 MB instead of 233 MB (bench/ingest.md).
    conn.execute("PRAGMA temp_store = MEMORY")
    try:
        targets, skipped = select_feeds(conn, feed_ids)
        report = RefreshReport(skipped=skipped)
        if targets:
            storing = Storing(
                db=conn,
                report=report,
                total=len(targets),
                waiting={target.id: target for target in targets},
                deadline_at=deadline_at,
                on_progress=on_progress,
                on_new_items=on_new_items,
                should_cancel=should_cancel or (lambda: False),
            )
            runner = _Refresh(
                targets=targets,
                storing=storing,
                timeout=timeout,
                deadline=deadline,
                deadline_at=deadline_at,
                concurrency=max(1, concurrency),
                per_host=max(1, per_host),
                max_bytes=max_bytes,
                parse_timeout=parse_timeout,
            )
            runner.run()
        return report
    finally:
        conn.close()


def _arrived(
    answers: queue.SimpleQueue,
) -> tuple[list[Fetched], bool, BaseException | None]:
    """The answers that have arrived (waiting for the first one); whether fetching is
    over; what the fetching loop raised, if it did."""
    arrived: list[Fetched] = []
    answer = answers.get()
    while True:
        if answer is _FETCHING_DONE:
            return arrived, True, None
        if isinstance(answer, BaseException):
            return arrived, True, answer
        assert isinstance(answer, Fetched)
        arrived.append(answer)
        try:
            answer = answers.get_nowait()
        except queue.Empty:
            return arrived, False, None


def _load_http2_if_likely(targets: list[Target]) -> None:
    """Load h2 (~25 ms) while this thread waits for a first answer, not between a handshake
    choosing it and the requests (when a feed is on https)."""
    if any(target.url.startswith("https://") for target in targets):
        import store.fetching.streams  # noqa: F401


# Put on the answers queue when the event loop has finished fetching.
_FETCHING_DONE = object()
# Feeds with new bytes parsed (or parsing) but not yet stored, at most: when storing falls
# behind, the next request over HTTP/1.1 waits, an HTTP/2 answer's body waits unparsed.
# A 304 or the same bytes again takes no place: it never waits for the storing thread.
_BACKLOG = 16
# Bytes of HTTP/2 bodies waiting for a place, at most, before new requests wait too: with
# the host's streams, what a refresh holds while the storing thread is held up.
_WAITING_BYTES = 32 * 1024 * 1024


@dataclass
class _Refresh:
    """One refresh run: the event-loop side of ``refresh_feeds``."""

    targets: list[Target]
    storing: Storing  # the storing thread's side
    timeout: float
    deadline: float
    deadline_at: float  # time.monotonic() when the whole run must end
    concurrency: int
    per_host: int
    max_bytes: int
    parse_timeout: float = PARSE_TIMEOUT
    parsing: Parsing = field(default_factory=lambda: Parsing(None))
    _hosts: dict[str, FeedHostLimit] = field(default_factory=dict)
    _loop: asyncio.AbstractEventLoop | None = None
    _task: asyncio.Task | None = None
    _backlog: asyncio.Semaphore | None = None
    _bodies_fit: asyncio.Event | None = None  # set while the waiting bodies fit their bytes
    _waiting: int = 0  # bytes of the bodies waiting for a place in the backlog

    def run(self) -> None:
        """Fetch and parse on an event loop in its own thread; store here, feed by feed.

        Storing (SQLite, mostly with the GIL released) then overlaps the HTTP
        work and the handling of parse results instead of stalling them; this
        thread stays the only writer, and the hooks run in the caller's thread.
        """
        # Before any thread starts: the parse workers can then be forked (fast). They
        # load the parser at once only if a feed has never been stored: a feed stored
        # before usually answers 304 or the same bytes, which need no parser.
        expect_new = any(target.content_hash is None for target in self.targets)
        executor = parse_executor(len(self.targets), warm=expect_new)
        self.parsing = Parsing(executor, self.parse_timeout)
        answers: queue.SimpleQueue[Fetched | BaseException | object] = queue.SimpleQueue()
        started = threading.Event()
        fetching = threading.Thread(
            target=self._fetch_in_thread, args=(answers, started), name="aanews-fetch", daemon=True
        )
        finished = True  # nothing to wait for until the thread runs
        try:
            fetching.start()
            finished = False
            started.wait()
            _load_http2_if_likely(self.targets)
            done = False
            while not done:
                arrived, done, error = _arrived(answers)
                self.storing.store_all(arrived)
                self._stored(sum(fetched.placed for fetched in arrived))
                if error is not None:
                    finished = True  # the loop raised and has stopped
                    raise error
                if self.storing.cancelled():
                    break
            finished = done
        finally:
            if not finished:
                self._stop_fetching()
                while answers.get() is not _FETCHING_DONE:
                    pass  # fetched but never to be stored
            if fetching.ident is not None:
                fetching.join()
            self.parsing.shutdown()

    def _fetch_in_thread(self, answers: queue.SimpleQueue, started: threading.Event) -> None:
        try:
            asyncio.run(self._fetch_all(answers, started))
        except BaseException as error:  # noqa: BLE001 - raised again in the storing thread
            answers.put(error)
        finally:
            started.set()  # even if the loop never ran its first step
            answers.put(_FETCHING_DONE)

    def _stored(self, count: int) -> None:
        """Make room in the backlog for ``count`` feeds (from the storing thread)."""
        loop, backlog = self._loop, self._backlog
        if loop is None or backlog is None or not count:
            return

        def release() -> None:
            for _ in range(count):
                backlog.release()

        try:
            loop.call_soon_threadsafe(release)
        except RuntimeError:
            pass  # the loop has closed: fetching is over

    def _stop_fetching(self) -> None:
        loop, task = self._loop, self._task
        if loop is None or task is None:
            return
        try:
            loop.call_soon_threadsafe(task.cancel)
        except RuntimeError:
            pass  # the loop has closed: fetching is over

    async def _fetch_all(self, answers: queue.SimpleQueue, started: threading.Event) -> None:
        """Hand every target's answer to the storing thread as soon as it is parsed."""
        self._loop = asyncio.get_running_loop()
        self._task = asyncio.current_task()
        self._backlog = asyncio.Semaphore(_BACKLOG)
        self._bodies_fit = asyncio.Event()
        self._bodies_fit.set()
        started.set()
        # Connections at once, over all hosts; requests to an HTTP/2 host share one.
        slots = asyncio.Semaphore(self.concurrency)
        try:
            # The slots and the host limits bound the connections, not the pool.
            client = make_client(
                max_connections=None, timeout=self.timeout, on_http2=self._speaks_http2
            )
            async with client:
                tasks = [
                    asyncio.create_task(self._fetch_and_parse(client, slots, target))
                    for target in self.targets
                ]
                try:
                    await self._hand_over(tasks, answers)
                finally:
                    for task in tasks:
                        task.cancel()
                    await asyncio.gather(*tasks, return_exceptions=True)
        except asyncio.CancelledError:
            pass  # the storing thread stopped the refresh

    async def _hand_over(self, tasks: list[asyncio.Task], answers: queue.SimpleQueue) -> None:
        """Each answer to the storing thread as it comes; at the deadline, the rest as failed."""
        handed: set[int] = set()
        left = max(0.0, self.deadline_at - time.monotonic())
        try:
            for next_done in asyncio.as_completed(tasks, timeout=left):
                fetched = await next_done
                handed.add(fetched.target.id)
                answers.put(fetched)
        except TimeoutError:
            late = FetchError(f"no answer before the fetch's deadline ({self.deadline:g} s)")
            for target, task in zip(self.targets, tasks, strict=True):
                if target.id in handed:
                    continue
                done = task.done() and not task.cancelled() and task.exception() is None
                answers.put(task.result() if done else Fetched(target, error=late))

    def _host_limit(self, url: str) -> FeedHostLimit:
        try:  # the host as it goes on the wire (IDNA): what a connection is made to
            host = httpx.URL(url).raw_host.decode("ascii")
        except (httpx.InvalidURL, ValueError):
            host = ""
        if host not in self._hosts:
            self._hosts[host] = FeedHostLimit(self.per_host)
        return self._hosts[host]

    def _speaks_http2(self, host: str) -> None:
        """A TLS handshake with ``host`` chose HTTP/2: its other feeds may go at once."""
        if host in self._hosts:
            self._hosts[host].answered_over("HTTP/2")

    async def _fetch_and_parse(
        self, client: httpx.AsyncClient, slots: asyncio.Semaphore, target: Target
    ) -> Fetched:
        """Fetch one feed and parse bytes not seen before; ``run`` stores the result."""
        host = self._host_limit(target.url)
        assert self._backlog is not None and self._bodies_fit is not None
        placed = False
        async with host:
            await self._bodies_fit.wait()  # a request waiting here keeps its host's place
            try:
                async with nullcontext() if host.multiplexed else slots:
                    result = await fetch_feed(
                        client,
                        target.url,
                        etag=target.etag,
                        last_modified=target.last_modified,
                        timeout=self.timeout,
                        max_bytes=self.max_bytes,
                    )
                host.answered_over(result.http_version)
            except FetchError as error:
                return Fetched(target, error=error)
            body, result.body = result.body, None  # only the parsed feed is kept
            if body is None:  # a 304: nothing to parse, no place taken in the backlog
                return Fetched(target, result)
            digest = content_digest(body)
            if digest == target.content_hash:  # the same bytes: nothing to parse either
                return Fetched(target, result, digest=digest)
            if not host.multiplexed:  # this host's next request waits for the place
                await self._backlog.acquire()
                placed = True
        if not placed:  # over HTTP/2 the stream is given back first
            await self._wait_for_a_place(len(body))
        parsed = await self.parsing.parse(body, result.url, target.lang)
        del body
        if isinstance(parsed, str):
            unread = FetchError(parsed, status=result.status)
            return Fetched(target, result, error=unread, placed=True)
        return Fetched(target, result, parsed, digest, placed=True)

    async def _wait_for_a_place(self, size: int) -> None:
        """A place in the backlog for a body of ``size`` bytes that gave its stream back;
        while such bodies pass ``_WAITING_BYTES`` together, no new request goes out."""
        assert self._backlog is not None and self._bodies_fit is not None
        self._waiting += size
        if self._waiting > _WAITING_BYTES:
            self._bodies_fit.clear()
        try:
            await self._backlog.acquire()
        finally:
            self._waiting -= size
            if self._waiting <= _WAITING_BYTES:
                self._bodies_fit.set()
