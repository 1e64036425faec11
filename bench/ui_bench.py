"""How the reader feels at 100,000 stories: first screen, key presses, memory.

    uv run python bench/ui_bench.py [--items 100000] [--presses 200]

Builds a database of ``--items`` stories (cached in /tmp between runs), then,
headless (App.run_test, the same rendering without a terminal):

- launch: from creating the App to the first list rows drawn on screen;
- key press to redraw, idle: ``j`` presses, each timed until the screen has
  been refreshed (median, p95, max);
- the same during a refresh of 40 feeds x 500 items served on 127.0.0.1
  (parsed and stored in a worker thread while the keys are pressed);
- peak memory (max RSS of the process).

Targets: first screen < 1.5 s, key < 50 ms even during a refresh, peak < 200 MiB.
"""

from __future__ import annotations

import argparse
import asyncio
import http.server
import importlib.util
import resource
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from textual import events  # noqa: E402

from store.db import open_db  # noqa: E402
from store.feeds import add_feed  # noqa: E402
from store.ingest import store_feed  # noqa: E402
from store.model import Entry, ParsedFeed  # noqa: E402
from tui.app import ReaderApp  # noqa: E402
from tui.config import Config  # noqa: E402
from tui.widgets.item_list import ItemList  # noqa: E402
from tui.widgets.story_view import StoryView  # noqa: E402

GEN_FEEDS = ROOT.parent / "shared" / "bench" / "gen_feeds.py"
WORDS = "Ankara İstanbul Gazze ekonomi enflasyon deprem seçim Bakan açıklama".split()


def build_db(path: Path, items: int) -> None:
    """``items`` stories in 50 feeds, newest first over the last year."""
    db = open_db(path)
    feeds = 50
    per_feed = items // feeds
    start = datetime(2026, 11, 26, tzinfo=UTC)
    for f in range(feeds):
        feed = add_feed(db, f"https://bench.test/{f}.xml", title=f"Bench feed {f}", lang="tr")
        entries = [
            Entry(
                key=f"aa:{f * per_feed + n}",
                title=f"{WORDS[n % len(WORDS)]} haber {f}-{n} " + " ".join(WORDS[: n % 7]),
                summary="Kısa özet " * 5,
                published=start - timedelta(minutes=f + n * feeds),
                lang="tr",
                dateline=f"AA / {WORDS[f % len(WORDS)]}",
            )
            for n in range(per_feed)
        ]
        store_feed(db, feed.id, ParsedFeed(entries=entries))
    db.close()


def serve(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Serve ``folder`` on 127.0.0.1 with a little latency, as a distant server would."""

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
            super().__init__(*args, directory=str(folder), **kwargs)

        def do_GET(self) -> None:  # noqa: N802
            time.sleep(0.05)
            super().do_GET()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def make_feeds(folder: Path, count: int, items: int) -> list[str]:
    """Generate AA-shaped feeds with the shared generator."""
    spec = importlib.util.spec_from_file_location("gen_feeds", GEN_FEEDS)
    assert spec and spec.loader
    gen = importlib.util.module_from_spec(spec)
    sys.argv = ["gen_feeds", "--feeds", str(count), "--items", str(items), "--out", str(folder)]
    spec.loader.exec_module(gen)
    gen.main()
    return sorted(p.name for p in folder.glob("feed_*.xml"))


class Stopwatch:
    """Times from a key press to the screen update that shows its effect.

    Keys are posted as the terminal driver would, at a typing pace; the cursor
    moves and the frames the App sends to the (headless) display are recorded,
    and each key's latency is the first frame after the cursor moved.
    """

    def __init__(self, app: ReaderApp, items: ItemList, story: StoryView) -> None:
        self.app = app
        self.frames: list[float] = []
        self.moves: list[float] = []
        self.shows: list[float] = []
        display = app._display
        move_to = items.move_to
        show = story.show

        def record_show(*args) -> None:  # type: ignore[no-untyped-def]
            show(*args)
            self.shows.append(time.perf_counter())

        def record_frame(screen, renderable) -> None:  # type: ignore[no-untyped-def]
            display(screen, renderable)
            if renderable is not None:
                self.frames.append(time.perf_counter())

        def record_move(index: int) -> None:
            move_to(index)
            self.moves.append(time.perf_counter())

        app._display = record_frame  # type: ignore[method-assign]
        items.move_to = record_move  # type: ignore[method-assign]
        story.show = record_show  # type: ignore[method-assign]

    async def keys(self, keys: str, pace: float = 0.05, story: bool = False) -> list[float]:
        """Press ``keys`` one by one; milliseconds from each press to the frame showing
        the moved cursor (or, with ``story``, the new story in the reader)."""
        latencies = []
        events_seen = self.shows if story else self.moves
        for key in keys:
            events_seen.clear()
            pressed = time.perf_counter()
            self.app.post_message(events.Key(key, key))
            deadline = pressed + 10
            while time.perf_counter() < deadline:
                await asyncio.sleep(0.001)
                if events_seen and any(f >= events_seen[0] for f in self.frames[-5:]):
                    break
            frame = next(f for f in self.frames if f >= events_seen[0])
            latencies.append((frame - pressed) * 1000)
            await asyncio.sleep(pace)
        return latencies


def summary(label: str, times: list[float]) -> str:
    """Median, p95 and max of a list of milliseconds."""
    ordered = sorted(times)
    p95 = ordered[max(int(len(ordered) * 0.95) - 1, 0)]
    return (
        f"{label}: n={len(times)} median {statistics.median(times):.1f} ms, "
        f"p95 {p95:.1f} ms, max {ordered[-1]:.1f} ms"
    )


async def measure(db_path: Path, presses: int, feed_urls: list[str]) -> list[str]:
    """Run the reader headless and time it."""
    lines = []
    start = time.perf_counter()
    app = ReaderApp(db_path, Config(dwell_seconds=3600, full_text_on_open=False))
    async with app.run_test(size=(160, 48)) as pilot:
        items = app.screen.query_one(ItemList)
        while not (items.ids and items.cached(items.ids[0])):
            await asyncio.sleep(0.002)
        await pilot.pause()
        lines.append(f"launch to first drawn list: {time.perf_counter() - start:.2f} s")
        await app.workers.wait_for_complete()
        lines.append(f"stories in the list: {len(items.ids):,}")
        watch = Stopwatch(app, items, app.screen.query_one(StoryView))
        idle = await watch.keys("jk" * (presses // 2))
        lines.append(summary("key press to redraw, idle (j/k)", idle))
        shown = await watch.keys("jk" * 10, pace=0.2, story=True)
        lines.append(summary("key press to the new story in the reader, idle", shown))
        far = await watch.keys("Gg" * 5, pace=0.2)
        lines.append(summary("jump to bottom/top (G/g)", far))
        db = open_db(db_path)
        db.execute("UPDATE feeds SET paused = 1")
        for url in feed_urls:
            add_feed(db, url, title=url.rsplit("/", 1)[-1])
        db.close()
        await pilot.press("R")
        status = app.screen.query_one("#status")
        while not status.has_class("-busy"):
            await asyncio.sleep(0.001)
        busy: list[float] = []
        started = time.perf_counter()
        while status.has_class("-busy") or not busy:
            busy += await watch.keys("jk")
            if len(busy) > 5000:
                break
        lines.append(
            summary("key press to redraw during a refresh (j/k)", busy)
            + f" (refresh took {time.perf_counter() - started:.1f} s)"
        )
        await app.workers.wait_for_complete()
        lines += [f"  refresh: {n.message}" for n in app._notifications]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lines.append(f"peak memory (max RSS of the process, database build included): {peak:.0f} MiB")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--presses", type=int, default=200)
    args = parser.parse_args()
    cache = Path(tempfile.gettempdir()) / f"aanews-ui-bench-{args.items}.db"
    if not cache.exists():
        started = time.perf_counter()
        build_db(cache.with_suffix(".tmp"), args.items)
        cache.with_suffix(".tmp").rename(cache)
        print(f"built {args.items:,} stories in {time.perf_counter() - started:.1f} s")
    work = Path(tempfile.mkdtemp(prefix="aanews-ui-bench-"))
    db_path = work / "bench.db"
    db_path.write_bytes(cache.read_bytes())
    feeds_dir = work / "feeds"
    names = make_feeds(feeds_dir, 40, 500)
    server, base = serve(feeds_dir)
    try:
        for line in asyncio.run(measure(db_path, args.presses, [f"{base}/{n}" for n in names])):
            print(line)
    finally:
        server.shutdown()


if __name__ == "__main__":
    main()
