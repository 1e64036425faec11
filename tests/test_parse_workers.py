"""Parse worker processes die with ``fetch``, however it dies, and never hold its output."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from store.db import open_db
from store.feeds import add_feed
from store.fetching.workers import PROCESS_POOL_MIN_FEEDS, worker_count
from tests.two_writers import cli, serving
from tests.waiting import wait_for


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    """Running (a zombie nobody reaped yet is dead: it holds nothing and runs nothing)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


@pytest.mark.parametrize(("cores", "workers"), [(None, 1), (1, 1), (2, 1), (3, 2), (5, 4), (64, 4)])
def test_one_core_is_left_to_the_storing_thread_and_the_rest_parse(
    monkeypatch: pytest.MonkeyPatch, cores: int | None, workers: int
) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: cores)
    assert worker_count() == workers


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to find the workers")
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL, signal.SIGHUP])
def test_killing_fetch_leaves_no_worker_and_its_pipe_closes(
    tmp_path: Path, sig: signal.Signals
) -> None:
    path = tmp_path / "aanews.db"
    db = open_db(path)
    workers = worker_count()
    with serving() as feeds:
        feeds.hang.set()  # fetch stays busy until it is killed
        for n in range(PROCESS_POOL_MIN_FEEDS):
            add_feed(db, feeds.url(f"f{n}"))
        db.close()
        # `aanews fetch | cat`: the pipe ends only when every holder of it has gone.
        fetch = cli("--db", str(path), "fetch", stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        wait_for(lambda: len(_children(fetch.pid)) >= workers, what="the parse workers")
        pool = _children(fetch.pid)
        try:
            os.kill(fetch.pid, sig)
            assert fetch.stdout is not None
            # read() returns at EOF: when nobody holds fetch's stdout any more.
            reader = threading.Thread(target=fetch.stdout.read, daemon=True)
            reader.start()
            wait_for(lambda: not reader.is_alive(), timeout=10, what="fetch's stdout to close")
            fetch.wait(timeout=30)
            wait_for(lambda: not any(map(_alive, pool)), timeout=10, what="the workers to end")
        finally:
            for pid in filter(_alive, pool):
                os.kill(pid, signal.SIGKILL)  # only if the test failed: leave nothing behind


# In a process of its own (the death signal would otherwise stay on the test's).
_DIE_WITH_PARENT = """
import ctypes, sys
started = []
def look(event, args):
    if event in ("subprocess.Popen", "os.posix_spawn", "os.exec", "os.fork", "os.system"):
        started.append(event)
sys.addaudithook(look)
from store.fetching.workers import _die_with_parent
_die_with_parent()
signal = ctypes.c_int()
ctypes.CDLL(None).prctl(2, ctypes.byref(signal), 0, 0, 0)  # PR_GET_PDEATHSIG
print(signal.value, started)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_a_worker_asks_to_die_with_its_parent_without_starting_a_program() -> None:
    # ctypes.util.find_library("c") ran /sbin/ldconfig in every worker at every refresh.
    done = subprocess.run(
        [sys.executable, "-c", _DIE_WITH_PARENT], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split(maxsplit=1) == [str(int(signal.SIGKILL)), "[]\n"]


def test_documents_stuck_one_after_another_each_fail_and_the_next_is_parsed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two documents that never finish, one behind the other, then a good one: each
    stuck one fails on its own time bound and the thread it holds is left behind, so
    the good one is parsed (before, the second stuck one kept it waiting for ever)."""
    import asyncio

    from store.fetching import workers
    from store.model import ParsedFeed

    stuck = threading.Event()
    real = workers.parse_job

    def parse(body: bytes, url: str, lang: str | None = None) -> ParsedFeed | str:
        if "/stuck" in url:
            stuck.wait(60)  # let go at the end of the test
        return real(body, url, lang)

    monkeypatch.setattr(workers, "parse_job", parse)
    feed = b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title></channel></rss>'
    parsing = workers.Parsing(workers.DaemonThread(), timeout=0.3)

    async def three() -> list[ParsedFeed | str]:
        urls = ["http://a.test/stuck1", "http://a.test/stuck2", "http://a.test/good"]
        return await asyncio.gather(*(parsing.parse(feed, url, None) for url in urls))

    try:
        first, second, good = asyncio.run(asyncio.wait_for(three(), 30))
    finally:
        stuck.set()
    too_slow = "parsing took longer than 0.3 s; the document was given up"
    assert first == second == too_slow
    assert isinstance(good, ParsedFeed) and good.title == "T"
