"""How the reader feels on a large database: first screen, and keys while it is idle,
refreshing 200 feeds and syncing an account.

    uv run python bench/build_db.py --stories 500000 --out /tmp/aanews-500k.db   # once
    uv run python bench/ui_bench.py --db /tmp/aanews-500k.db [--presses 300]
    uv run python bench/ui_bench.py --stories 100000   # builds /tmp/aanews-ui-bench-100000.db once

The database is copied for the run (the refresh and the sync write into it),
then the reader runs headless (``App.run_test``, 160x48: the same layout and
rendering, no terminal writes). Keys are posted as the terminal driver would,
at a typing pace, in the mix ``j k j enter space escape k`` (the list, the
reader, paging, back), each timed from the press to the first frame sent to
the display after its effect: the cursor moved (j, k, space at a story's end
going on to the next unread) or the key's action done (enter, escape, space
scrolling). Three phases of ``--presses`` keys each (median, p95, max, by key, and the
CPU time of the screen's thread per key: the steadier measure on a shared machine):

- **idle**: nothing else running;
- **refresh**: ``R`` over 200 feeds x 100 items (``../shared/bench/gen_feeds.py``)
  served on 127.0.0.1 by ``../shared/bench/serve.py`` (``--latency-ms``, another
  process); as many refreshes as the keys need, each of new items;
- **sync**: ``R`` with one sync account, ``bench/greader_stub.py`` on 127.0.0.1
  (200 feeds x 100 stories a sync, FreshRSS's answers), the feeds above paused;
  as many syncs as the keys need.

Targets (issue 13): p95 < 50 ms and max < 100 ms in every phase.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "bench"
sys.path.insert(0, str(ROOT))

from textual import events  # noqa: E402
from textual.worker import WorkerState  # noqa: E402

from store.db import open_db  # noqa: E402
from store.feeds import add_feed  # noqa: E402
from tui.app import ReaderApp, reader_app  # noqa: E402
from tui.config import Config  # noqa: E402
from tui.widgets.item_list import ItemList  # noqa: E402
from tui.widgets.story_view import StoryView  # noqa: E402

KEYS = ("j", "k", "j", "enter", "space", "escape", "k")
CHARACTERS = {"space": " ", "enter": "\r", "escape": "\x1b"}
MOST_ROUNDS = 6
LOST = 5.0  # seconds: a key with no effect by then is counted lost


class Stopwatch:
    """Times from a key press to the frame that shows its effect."""

    def __init__(self, app: ReaderApp, items: ItemList, story: StoryView) -> None:
        self.app, self.items, self.story = app, items, story
        self.frames: list[float] = []
        self.moves: list[float] = []
        self.actions: list[float] = []
        self.lost: list[str] = []  # keys that showed no effect
        # CPU of the screen's thread while keys were pressed (each key's redraw and the
        # story it brings; during a refresh also its progress): steadier than wall time
        self.cpu_ms, self.cpu_keys = 0.0, 0
        display, move_to, run_action = app._display, items.move_to, app.run_action

        def record_frame(screen, renderable) -> None:  # type: ignore[no-untyped-def]
            display(screen, renderable)
            if renderable is not None:
                self.frames.append(time.perf_counter())

        def record_move(index: int) -> None:
            move_to(index)
            self.moves.append(time.perf_counter())

        async def record_action(*args, **kwargs) -> bool:  # type: ignore[no-untyped-def]
            done = await run_action(*args, **kwargs)
            self.actions.append(time.perf_counter())
            return done

        app._display = record_frame  # type: ignore[method-assign]
        items.move_to = record_move  # type: ignore[method-assign]
        app.run_action = record_action  # type: ignore[method-assign]

    async def press(self, key: str) -> float | None:
        """Milliseconds from pressing ``key`` to the first frame after its effect
        (None: no effect within ``LOST`` seconds)."""
        moves = key in ("j", "k") or (key == "space" and self.story.at_end)
        seen = self.moves if moves else self.actions
        seen.clear()
        self.frames.clear()
        pressed = time.perf_counter()
        self.app.post_message(events.Key(key, CHARACTERS.get(key, key)))
        while time.perf_counter() < pressed + LOST:
            await asyncio.sleep(0.001)
            if seen and self.frames and self.frames[-1] >= seen[0]:
                frame = next(f for f in self.frames if f >= seen[0])
                return (frame - pressed) * 1000
        self.lost.append(key)
        return None

    async def keys(
        self, count: int, busy: Callable[[], bool] = lambda: True, pace: float = 0.05
    ) -> list[tuple[str, float]]:
        """Press up to ``count`` keys of the mix while ``busy()``."""
        timed = []
        started = time.thread_time()  # this thread runs the screen's event loop
        while len(timed) < count and busy():
            key = KEYS[len(timed) % len(KEYS)]
            took = await self.press(key)
            if took is not None:
                timed.append((key, took))
            elif len(self.lost) > 20:
                raise SystemExit(f"keys without effect: {self.lost}")
            await asyncio.sleep(pace)
        self.cpu_ms += (time.thread_time() - started) * 1000
        self.cpu_keys += len(timed)
        return timed


def summary(label: str, timed: list[tuple[str, float]], watch: Stopwatch) -> str:
    """Median, p95 and max, overall and by key; the screen thread's CPU per key."""
    if not timed:
        return f"{label}: no keys"
    cpu = watch.cpu_ms / max(watch.cpu_keys, 1)
    watch.cpu_ms, watch.cpu_keys = 0.0, 0

    def stats(times: list[float]) -> str:
        ordered = sorted(times)
        p95 = ordered[max(int(len(ordered) * 0.95) - 1, 0)]
        median = statistics.median(times)
        return f"n={len(times)} median {median:.1f} ms, p95 {p95:.1f} ms, max {ordered[-1]:.1f} ms"

    lines = [f"{label}: {stats([t for _, t in timed])}; screen thread CPU {cpu:.1f} ms a key"]
    for key in dict.fromkeys(KEYS):
        times = [t for k, t in timed if k == key]
        if times:
            lines.append(f"    {key:>6}: {stats(times)}")
    return "\n".join(lines)


async def busy_rounds(
    app: ReaderApp,
    watch: Stopwatch,
    presses: int,
    before_round: Callable[[int], None],
) -> tuple[list[tuple[str, float]], list[str]]:
    """Press keys through refreshes (``R``) until ``presses`` are timed."""
    status = app.screen.query_one("#status")
    timed: list[tuple[str, float]] = []
    notes = []
    for round_ in range(MOST_ROUNDS):
        if len(timed) >= presses:
            break
        before_round(round_)
        app.screen.action_refresh_all()  # type: ignore[attr-defined]
        await wait_until(lambda: status.has_class("-busy"))
        started = time.perf_counter()
        timed += await watch.keys(presses - len(timed), busy=lambda: status.has_class("-busy"))
        if watch.lost:
            notes.append(f"  keys that showed nothing within {LOST:g} s: {watch.lost}")
            watch.lost.clear()
        await wait_until(lambda: not status.has_class("-busy"))
        took = time.perf_counter() - started
        await settled(app)
        said = " / ".join(n.message for n in app._notifications)
        app._notifications.clear()
        notes.append(f"  round {round_ + 1}: {took:.1f} s, {len(timed)} keys so far: {said}")
    return timed, notes


async def wait_until(condition: Callable[[], bool], seconds: float = 600) -> None:
    deadline = time.perf_counter() + seconds
    while not condition():
        if time.perf_counter() > deadline:
            raise SystemExit("gave up waiting")
        await asyncio.sleep(0.005)


async def settled(app: ReaderApp) -> None:
    """Every worker done (or cancelled by a newer one)."""
    running = (WorkerState.PENDING, WorkerState.RUNNING)
    await wait_until(lambda: not any(w.state in running for w in app.workers))


class Servers:
    """The feed server and the sync server, each its own process on 127.0.0.1."""

    def __init__(self, work: Path, latency_ms: int) -> None:
        self.work, self.feeds = work, work / "feeds"
        self.processes: list[subprocess.Popen[bytes]] = []
        self.generate(0)
        self.feed_port = self.start(
            [str(SHARED / "serve.py"), "--dir", str(self.feeds), "--latency-ms", str(latency_ms)],
            "feed-port",
        )
        self.sync_port = self.start([str(ROOT / "bench" / "greader_stub.py")], "sync-port")

    def generate(self, round_: int) -> None:
        """200 feeds x 100 items; each round's items newer than the last's."""
        shift = str(100 * round_)
        command = [sys.executable, str(SHARED / "gen_feeds.py"), "--feeds", "200", "--items",
                   "100", "--seed", "1", "--shift", shift, "--out", str(self.feeds)]  # fmt: skip
        subprocess.run(command, check=True, capture_output=True)

    def start(self, command: list[str], name: str) -> str:
        port_file = self.work / name
        args = [sys.executable, *command, "--port-file", str(port_file), "--lifetime", "1800"]
        self.processes.append(subprocess.Popen(args, stdout=subprocess.DEVNULL))
        deadline = time.monotonic() + 30
        while not (port_file.exists() and port_file.read_text().strip()):
            if time.monotonic() > deadline:
                raise SystemExit(f"{command[0]} did not start")
            time.sleep(0.05)
        return port_file.read_text().strip()

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
            process.wait(10)


def set_feeds(db_path: Path, *, bench_feeds: bool, urls: list[str] = ()) -> None:  # type: ignore[assignment]
    """Pause every feed but the bench's (``bench_feeds``) or all of them; add ``urls``."""
    db = open_db(db_path)
    for url in urls:
        add_feed(db, url, title=url.rsplit("/", 1)[-1])
    local = "url LIKE 'http://127.0.0.1:%'"
    db.execute(f"UPDATE feeds SET paused = CASE WHEN {local} THEN ? ELSE 1 END", [not bench_feeds])
    db.conn.commit()
    db.close()


async def measure(db_path: Path, presses: int, servers: Servers, phases: str) -> list[str]:
    """Run the reader headless and time it."""
    lines = []
    start = time.perf_counter()
    # images=False: the stories' picture addresses are AA's, and no benchmark reaches the
    # internet (bench/picture_bench.py measures pictures on their own).
    config = Config(dwell_seconds=3600, full_text_on_open=False, images=False)
    app = reader_app(db_path, config)
    async with app.run_test(size=(160, 48)) as pilot:
        items = app.screen.query_one(ItemList)
        await wait_until(lambda: bool(items.ids) and items.cached(items.ids[0]) is not None)
        await pilot.pause()
        lines.append(f"launch to first drawn list: {time.perf_counter() - start:.2f} s")
        await settled(app)
        await asyncio.sleep(1)
        lines.append(f"stories in the list: {len(items.ids):,}")
        watch = Stopwatch(app, items, app.screen.query_one(StoryView))
        if "idle" in phases:
            lines.append(summary("idle", await watch.keys(presses), watch))
            if watch.lost:
                lines.append(f"  keys that showed nothing within {LOST:g} s: {watch.lost}")
            print(lines[-1], flush=True)
        if "refresh" in phases:
            lines += await refresh_phase(app, watch, presses, servers, db_path)
        if "sync" in phases:
            lines += await sync_phase(app, watch, presses, servers, db_path, config)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lines.append(f"peak memory (max RSS of the reader's process): {peak:.0f} MiB")
    return lines


async def refresh_phase(
    app: ReaderApp, watch: Stopwatch, presses: int, servers: Servers, db_path: Path
) -> list[str]:
    """Keys while R refreshes the 200 local feeds (new items each round)."""
    base = f"http://127.0.0.1:{servers.feed_port}"
    urls = [f"{base}/feed_{n:04d}.xml" for n in range(200)]
    set_feeds(db_path, bench_feeds=True, urls=urls)
    timed, notes = await busy_rounds(
        app, watch, presses, lambda r: servers.generate(r) if r else None
    )
    lines = [summary("during a refresh of 200 feeds x 100 items", timed, watch), *notes]
    print("\n".join(lines), flush=True)
    return lines


async def sync_phase(
    app: ReaderApp, watch: Stopwatch, presses: int, servers: Servers, db_path: Path, config: Config
) -> list[str]:
    """Keys while R syncs an account of 200 feeds (new stories each round), no feed fetched."""
    set_feeds(db_path, bench_feeds=False)
    password = servers.work / "password"
    password.write_text("bench")
    account = {"url": f"http://127.0.0.1:{servers.sync_port}", "user": "bench",
               "password_file": str(password)}  # fmt: skip
    refresher = app.screen.refresher  # type: ignore[attr-defined]
    refresher.config = dataclasses.replace(config, accounts=[account])
    timed, notes = await busy_rounds(app, watch, presses, lambda r: None)
    lines = [summary("during a sync of 200 feeds x 100 stories", timed, watch), *notes]
    print("\n".join(lines), flush=True)
    return lines


def database(args: argparse.Namespace) -> Path:
    """The database to copy: ``--db``, or one of ``--stories`` built once and kept."""
    if args.db:
        return Path(args.db)
    cache = Path(tempfile.gettempdir()) / f"aanews-ui-bench-{args.stories}.db"
    if not cache.exists():
        build = [sys.executable, str(ROOT / "bench" / "build_db.py"), "--stories",
                 str(args.stories), "--out", str(cache.with_suffix(".tmp"))]  # fmt: skip
        subprocess.run(build, check=True)
        cache.with_suffix(".tmp").rename(cache)
    return cache


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="a database built by bench/build_db.py (copied, not changed)")
    parser.add_argument("--stories", type=int, default=100_000, help="without --db: build this")
    parser.add_argument("--presses", type=int, default=300, help="keys timed in each phase")
    parser.add_argument("--latency-ms", type=int, default=50, help="the feed server's delay")
    parser.add_argument("--phases", default="idle,refresh,sync", help="which of them to run")
    args = parser.parse_args()
    source = database(args)
    work = Path(tempfile.mkdtemp(prefix="aanews-ui-bench-"))
    db_path = work / "bench.db"
    servers: Servers | None = None
    try:
        shutil.copyfile(source, db_path)
        servers = Servers(work, args.latency_ms)
        run: Awaitable[list[str]] = measure(db_path, args.presses, servers, args.phases)
        lines = asyncio.run(run)  # type: ignore[arg-type]
        print("\n".join(lines), flush=True)
    finally:
        if servers is not None:
            servers.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
