"""Long jobs (a refresh, a sync) in a process of their own, so the screen keeps its own.

Textual draws on asyncio in the main thread. A refresh parses and stores, a
sync reads pages of JSON and stores, for seconds at a time, in Python; in a
thread of the reader they would hold the interpreter lock the screen needs, and
every key would wait behind them. In another process they hold nothing of the
screen's. ``in_background_process`` starts the job in a process made by
multiprocessing's forkserver (never ``fork`` from the reader: its threads
could leave a lock held in the copy), at a lower CPU priority that the job's
own workers inherit, with its output sent to /dev/null (the terminal is
Textual's). The job's progress calls come back through a pipe, its result or
its exception at the end.
"""

from __future__ import annotations

import atexit
import os
import sys
import threading
import time
from collections.abc import Callable
from multiprocessing import get_context
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any, TypeVar

from textual.worker import WorkerCancelled

T = TypeVar("T")
BACKGROUND_NICE = 10
# Seconds a job asked to stop may take to end before it is ended.
GRACE = 1.0
# What the process imports once, before it forks each job: the program (else every job
# imports it again), the refresh and the sync.
PRELOAD = ["__main__", "store.fetching.refresh", "store.sync.run", "tui.accounts"]

Progress = Callable[..., None]
Job = Callable[[Progress, Callable[[], bool]], T]

_STDERR_SWAP = threading.Lock()
_RUNNING: set[BaseProcess] = set()


class BackgroundFailed(RuntimeError):
    """The job's process ended without a result (killed, out of memory)."""


def start_quietly(start: Callable[[], None]) -> None:
    """Run ``start`` (one that starts a helper process) with the real stderr.

    Starting multiprocessing's resource tracker or forkserver hands
    ``sys.stderr.fileno()`` to it, and inside a Textual app stderr is a capture
    object whose fileno is -1, which fails ("bad value(s) in fds_to_keep").
    """
    with _STDERR_SWAP:
        captured = sys.stderr
        try:
            sys.stderr = sys.__stderr__
            start()
        finally:
            sys.stderr = captured


def in_background_thread(job: Callable[[], T], give_up: Callable[[], bool] | None = None) -> T:
    """Run ``job`` in a new thread of lower CPU priority and wait for it.

    On Linux a thread has its own nice value, and the processes it starts (the
    refresh's parser pool) inherit it: ingesting and parsing then yield the CPU
    to the screen. A fresh thread, because Textual reuses its worker threads
    and a raised nice value cannot be lowered again without privileges.
    ``give_up`` (polled) stops the waiting, not the job.
    """
    outcome: list[T] = []
    failure: list[BaseException] = []

    def run() -> None:
        if sys.platform.startswith("linux"):
            try:
                os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), BACKGROUND_NICE)
            except OSError:
                pass
        try:
            outcome.append(job())
        except BaseException as error:  # handed to the waiting worker
            failure.append(error)

    thread = threading.Thread(target=run, name="aanews-background", daemon=True)
    thread.start()
    while thread.is_alive():
        thread.join(0.1)
        if give_up is not None and give_up():
            # Quitting must not wait for a slow page; the daemon thread ends with the app.
            raise WorkerCancelled("given up")
    if failure:
        raise failure[0]
    return outcome[0]


def start_niced(start: Callable[[], None]) -> None:
    """``start_quietly(start)`` from a new thread of lower CPU priority, and wait for it.

    The forkserver, started once, imports the program and the refresh (1.5-2 s of
    CPU) while the first refresh waits: a process inherits the nice value of the
    thread that starts it (Linux), so it yields the CPU to the screen, and so do
    the jobs it forks.
    """
    in_background_thread(lambda: start_quietly(start))


def in_background_process(job: Job[T], on_progress: Progress, give_up: Callable[[], bool]) -> T:
    """Run ``job(progress, cancelled)`` in another process and wait for it.

    Each ``progress(*args)`` there calls ``on_progress(*args)`` here (in the calling
    thread). Once ``give_up()`` is true the job sees ``cancelled()`` true; if it has
    not ended ``GRACE`` seconds later it is ended, and WorkerCancelled raised.
    """
    from multiprocessing import forkserver, resource_tracker

    context = get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    start_quietly(resource_tracker.ensure_running)
    start_niced(forkserver.ensure_running)
    receiver, sender = context.Pipe(duplex=False)
    stop = context.Event()
    # Not a daemon: the job starts processes of its own (the refresh's parsers).
    process = context.Process(target=_run_job, args=(job, sender, stop))
    start_quietly(process.start)
    _RUNNING.add(process)
    sender.close()
    stopped_at: float | None = None
    try:
        while True:
            if stopped_at is None and give_up():
                stop.set()
                stopped_at = time.monotonic()
            if stopped_at is not None and time.monotonic() - stopped_at > GRACE:
                raise WorkerCancelled("given up")
            if not receiver.poll(0.02):
                if not process.is_alive() and not receiver.poll(0):
                    raise BackgroundFailed(f"the background job ended ({process.exitcode})")
                continue
            try:
                kind, value = receiver.recv()
            except EOFError:
                raise BackgroundFailed("the background job ended without a word") from None
            if kind == "progress":
                on_progress(*value)
            elif kind == "done":
                return value  # type: ignore[no-any-return]
            else:
                raise value
    finally:
        receiver.close()
        process.join(GRACE if stopped_at is None else 0.1)
        _end(process)


def _end(process: BaseProcess) -> None:
    if process.is_alive():
        process.terminate()  # SQLite rolls an unfinished write back
        process.join(GRACE)
    _RUNNING.discard(process)


@atexit.register
def _end_all() -> None:
    """The reader is quitting: its jobs end with it (before multiprocessing waits for them)."""
    for process in list(_RUNNING):
        _end(process)


def _run_job(job: Job[Any], sender: Connection, stop: Any) -> None:
    """In the job's process: lower priority, quiet, then the job; the outcome to the pipe."""
    if sys.platform.startswith("linux"):
        try:
            os.setpriority(os.PRIO_PROCESS, 0, BACKGROUND_NICE)  # threads and workers inherit it
        except OSError:
            pass
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (1, 2):
        os.dup2(devnull, fd)
    try:
        result = job(lambda *args: sender.send(("progress", args)), stop.is_set)
    except BaseException as error:  # noqa: BLE001 - handed to the waiting thread
        try:
            sender.send(("failed", error))
        except Exception:  # noqa: BLE001 - an exception that does not pickle
            sender.send(("failed", BackgroundFailed(f"{type(error).__name__}: {error}")))
        return
    sender.send(("done", result))
