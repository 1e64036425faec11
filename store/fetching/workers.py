"""Where feed documents are parsed during a refresh: a thread, or worker processes.

Parsing 20,000 stories takes seconds of CPU; in worker processes it runs beside
ingestion (which stays in the refresh's own thread: one writer) on another core.
bench/refresh.md has the measurements behind the choices here.
"""

from __future__ import annotations

import asyncio
import ctypes
import gc
import os
import queue
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import BrokenExecutor, Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing import get_context
from multiprocessing.context import BaseContext
from typing import Any, TypeVar

from store.model import ParsedFeed

T = TypeVar("T")

# From this many feeds on, parsing goes to a process pool.
PROCESS_POOL_MIN_FEEDS = 8
# prctl(2): deliver a signal to this process when its parent dies.
_PR_SET_PDEATHSIG = 1
# How often a worker checks that its parent is still the one that started it.
_WATCH_SECONDS = 1.0
# One document's parse may take this long; past it that feed fails alone.
PARSE_TIMEOUT = 60.0
# How often a parse's running time is looked at.
_PARSE_POLL = 0.1


def parse_executor(feeds: int, *, warm: bool = True) -> Executor | None:
    """Where documents are parsed, off the event loop (bench/refresh.md has the numbers).

    Many feeds: a process pool, so parsing runs beside ingestion on another core;
    its workers start at once and, if ``warm``, load the parser while the first
    feeds download (else at their first document: a refresh that expects 304s
    spares ~0.1 s of CPU a worker). A few feeds: one thread, as a pool costs more
    than it saves.
    ``AANEWS_PARSE_IN`` (inline, thread, process) forces a choice, for benchmarks.
    """
    mode = os.environ.get("AANEWS_PARSE_IN") or (
        "process" if feeds >= PROCESS_POOL_MIN_FEEDS else "thread"
    )
    if mode == "inline":
        return None
    if mode == "process":
        workers = worker_count()
        pool = ProcessPoolExecutor(
            max_workers=workers, mp_context=_process_context(), initializer=_start_worker
        )
        # The workers start now (forked before any other thread runs), each loading
        # the parser while the first feeds download if asked to.
        for _ in range(workers):
            pool.submit(_warm_up if warm else _started)
        return pool
    return DaemonThread()


def worker_count() -> int:
    """Parse workers in a pool: one core is the storing thread's (and the fetching's),
    the others parse; at least one, at most 4.

    Storing a story costs more CPU than parsing it, so one worker keeps up with the
    storing thread; on 2 cores a second one only took CPU from it: cold refreshes
    were ~10% slower with two (bench/refresh.md).
    """
    return max(1, min((os.cpu_count() or 2) - 1, 4))


# gc.set_threshold while many stories are made: the youngest generation after 10,000
# new objects (Python's default: 700).
_FEWER_PASSES = (10_000, 20, 100)


def collect_less() -> None:
    """Fewer garbage-collector passes in a parse worker, a process that makes many objects
    and few cycles: what it has from its parent is left out of every pass (``gc.freeze``),
    and the youngest objects are looked at after 10,000 new ones, not 700. A cold refresh
    of 6,000 stories: ~0.1 s less CPU with ``collecting_less`` (bench/refresh.md)."""
    gc.freeze()
    gc.set_threshold(*_FEWER_PASSES)


@contextmanager
def collecting_less() -> Iterator[None]:
    """The youngest objects looked at after 10,000 new ones for a while (``aanews
    fetch``'s refresh), then as before. Nothing is frozen: cyclic garbage alive now (a
    socket kept open in it) would be kept for good, and a process that calls the command
    and goes on (the tests) keeps its collector as it was."""
    threshold = gc.get_threshold()
    gc.set_threshold(*_FEWER_PASSES)
    try:
        yield
    finally:
        gc.set_threshold(*threshold)


class DaemonThread(Executor):
    """Jobs one at a time on a daemon thread: one given up on (too slow) never holds
    up the refresh or the program's exit, as a pool's thread would."""

    def __init__(self) -> None:
        self._jobs: queue.SimpleQueue[tuple[Future, Callable[[], Any]] | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self.running: Future | None = None  # the job this thread is on

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        """Queue ``fn(*args, **kwargs)``; its Future has the result."""
        future: Future[T] = Future()
        self._jobs.put((future, lambda: fn(*args, **kwargs)))
        if self._thread is None:
            self._thread = threading.Thread(target=self._work, name="aanews-parse", daemon=True)
            self._thread.start()
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Stop after the queued jobs (never waits: a stuck job would hold it forever)."""
        self._jobs.put(None)

    def hand_over(self, other: DaemonThread) -> None:
        """Move the jobs still queued here to ``other``, and stop once the running one ends."""
        while True:
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                break
            if job is not None:
                future, call = job
                other._jobs.put((future, call))
        if other._thread is None and not other._jobs.empty():
            other._thread = threading.Thread(target=other._work, name="aanews-parse", daemon=True)
            other._thread.start()
        self._jobs.put(None)

    def _work(self) -> None:
        while (job := self._jobs.get()) is not None:
            future, call = job
            if not future.set_running_or_notify_cancel():
                continue
            self.running = future
            try:
                future.set_result(call())
            except BaseException as error:  # noqa: BLE001 - handed to the Future
                future.set_exception(error)
            self.running = None


def abandon(executor: Executor) -> Executor:
    """Give up on an executor with a job stuck in it; the executor to use instead.

    A process pool's workers are stopped (jobs still in them fail with
    BrokenExecutor, and are parsed again in a thread by the caller); a daemon
    thread is left to its job, and the jobs queued behind it move to a new one.
    """
    if isinstance(executor, ProcessPoolExecutor):
        for process in list(getattr(executor, "_processes", {}).values()):
            process.kill()
        executor.shutdown(wait=False, cancel_futures=True)
    replacement = DaemonThread()
    if isinstance(executor, DaemonThread):
        executor.hand_over(replacement)
    return replacement


@dataclass
class Parsing:
    """A refresh's parsing, off its event loop: in ``executor`` (None: inline), each
    document given ``timeout`` seconds of running (not waiting) before it fails alone."""

    executor: Executor | None
    timeout: float = PARSE_TIMEOUT
    # Jobs not yet seen done, in the order given: a pool says a job queued behind a
    # stuck one is "running" already; only as many as it has workers really are.
    _given: list[Future] = field(default_factory=list)

    async def parse(self, body: bytes, url: str, lang: str | None) -> ParsedFeed | str:
        """The parsed feed, or why it could not be read (too slow included)."""
        if self.executor is None:
            return parse_job(body, url, lang)
        executor = self.executor
        try:
            return await self._bounded(executor, body, url, lang)
        except BrokenExecutor:
            # Worker processes could not start or died (an odd __main__, memory, or
            # stopped for a stuck job): carry on in a thread rather than lose the refresh.
            if self.executor is executor:
                executor.shutdown(wait=False, cancel_futures=True)
                self.executor = DaemonThread()
            return await self._bounded(self.executor, body, url, lang)

    async def _bounded(
        self, executor: Executor, body: bytes, url: str, lang: str | None
    ) -> ParsedFeed | str:
        """The parse in ``executor``; past its time bound that document fails alone, and
        a stuck worker process is stopped (the others' jobs then finish in a thread), a
        stuck thread abandoned."""
        try:
            return await self._parse_in(executor, body, url, lang)
        except _TooSlow as slow:
            self._give_up(executor, slow.job)
            return f"parsing took longer than {self.timeout:g} s; the document was given up"

    def _give_up(self, given_to: Executor, job: Future) -> None:
        """Replace the executor stuck on ``job``: the one it was given to, or the thread
        it was handed over to when that one was given up on before."""
        current = self.executor
        if current is given_to or getattr(current, "running", None) is job:
            self.executor = abandon(current)  # type: ignore[arg-type]

    def shutdown(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)

    async def _parse_in(
        self, executor: Executor, body: bytes, url: str, lang: str | None
    ) -> ParsedFeed | str:
        """The parse's result; _TooSlow once it has *run* (not waited) too long."""
        job = executor.submit(parse_job, body, url, lang)
        waiting = asyncio.wrap_future(job)
        give_up_at: float | None = None
        loop = asyncio.get_running_loop()
        self._given.append(job)
        try:
            while True:
                done, _ = await asyncio.wait({waiting}, timeout=_PARSE_POLL)
                if waiting.cancelled():  # the pool was stopped for another, stuck job
                    raise BrokenExecutor("the parse workers were stopped")
                if done:
                    return waiting.result()
                if give_up_at is None and self._running(job, executor):
                    give_up_at = loop.time() + self.timeout
                if give_up_at is not None and loop.time() > give_up_at:
                    raise _TooSlow(job)
        finally:
            self._given.remove(job)

    def _running(self, job: Future, executor: Executor) -> bool:
        """Whether ``job`` has started: fewer unfinished jobs were given before it than
        the executor has workers."""
        workers = getattr(executor, "_max_workers", 1)
        ahead = 0
        for given in self._given:
            if given is job:
                return job.running()
            ahead += not given.done()
            if ahead >= workers:
                return False
        return False


class _TooSlow(TimeoutError):
    """A parse ran past its time bound; ``job`` is its Future."""

    def __init__(self, job: Future) -> None:
        super().__init__("too slow")
        self.job = job


def _process_context() -> BaseContext:
    """fork while this is the only thread (the CLI): workers start in milliseconds.

    With other threads running (a Textual app), a fork could copy a lock another
    thread holds, so a forkserver (slower to start) makes the workers instead.
    """
    if threading.active_count() == 1:
        return get_context("fork")
    context = get_context("forkserver")
    context.set_forkserver_preload(["store.parsing.feed"])
    return context


def _warm_up() -> None:
    import store.parsing.feed  # noqa: F401


def _started() -> None:
    """Nothing: the job that makes a pool start its workers."""


def _start_worker() -> None:
    """A worker lives only as long as its parent, and never holds the caller's terminal.

    Ctrl-C is the parent's to handle (workers stop when the pool shuts down); the
    garbage collector runs less (``collect_less``). A parent killed outright (SIGKILL,
    SIGTERM, SIGHUP) takes its workers with it: the kernel kills them
    (PR_SET_PDEATHSIG, Linux), and a watchdog thread notices a new parent elsewhere.
    Their stdout and stderr go to /dev/null, so ``aanews fetch | cat`` ends when
    ``fetch`` does.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    collect_less()
    parent = os.getppid()
    _die_with_parent()
    if os.getppid() != parent:
        os._exit(0)  # the parent died before the line above took effect
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.close(devnull)


def _die_with_parent() -> None:
    """PR_SET_PDEATHSIG through the C library this process already has loaded.

    Not ``ctypes.util.find_library("c")``: that runs ``/sbin/ldconfig -p`` in every
    worker at every refresh (~10 ms of CPU each, before the first request is out).
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)  # the running program's symbols: libc's too
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass  # the watchdog still ends the worker


def _watch_parent(parent: int) -> None:
    while True:
        time.sleep(_WATCH_SECONDS)
        if os.getppid() != parent:
            os._exit(0)


def parse_job(body: bytes, url: str, lang: str | None = None) -> ParsedFeed | str:
    """Parse one feed document; a string is why it could not be read.

    Runs in a worker (maybe another process), so it returns rather than raises,
    and imports the parser lazily to keep ``aanews`` start-up quick.
    """
    from store.parsing.feed import FeedParseError, parse_feed
    from store.parsing.slow import BrokenFeed

    try:
        parsed = parse_feed(body, url=url, lang=lang)
    except BrokenFeed as error:
        return str(error)  # a feed, broken: no "not a feed"
    except FeedParseError as error:
        reason = str(error)
        return reason if reason.startswith("not a feed") else f"not a feed: {reason}"
    except Exception as error:  # one odd document must not stop the refresh
        return f"the parser failed on this document: {type(error).__name__}: {error}"
    parsed.folded = fold_ahead(parsed)
    return parsed


def fold_ahead(parsed: ParsedFeed) -> dict[str, str]:
    """fold() of the texts the search index takes from each story (title, lead, body,
    dateline: the items_fts trigger's), done here, beside the parse, rather than by
    the storing thread. ASCII folds in a step (lower()): not worth carrying."""
    from store.text import fold

    folded: dict[str, str] = {}
    for entry in parsed.entries:
        for text in (entry.title, entry.summary, entry.body, entry.dateline):
            if text and not text.isascii() and text not in folded:
                folded[text] = fold(text)
    return folded
