"""What keeping feed and tag counts (migration 7's triggers) costs, and what it saves.

    uv run python bench/counts_bench.py [DB] [--runs 3]

DB defaults to /tmp/aanews-scale-100000.db (bench/build_db.py); it is copied, never
changed. On the copy, with the triggers and then without them (dropped): mark every
story read, then every one unread (``store.items.mark_read``, one transaction, as
the reader's "mark all read" does), and store 500 new stories into one feed
(``store.ingest.store_feed``). And the reads the triggers make cheap: ``list_feeds``
with counts and ``list_tags``, beside the count from the stories they replaced.
Best of --runs, wall and CPU seconds of this process.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlite_utils import Database  # noqa: E402

from store.db import open_db  # noqa: E402
from store.feeds import add_feed, list_feeds  # noqa: E402
from store.ingest import store_feed  # noqa: E402
from store.items import mark_read  # noqa: E402
from store.model import Entry, ParsedFeed  # noqa: E402
from store.tags import list_tags  # noqa: E402

# The counts as they were read before migration 7: one lookup per story.
FROM_SCRATCH = {
    "feeds": "SELECT f.feed_id, SUM(i.read = 0 AND i.hidden = 0), COUNT(*) FROM item_feeds f "
    "JOIN items i INDEXED BY items_state ON i.id = f.item_id GROUP BY f.feed_id",
    "tags": """
        WITH tagged (tag_id, item_id) AS (
            SELECT tag_id, item_id FROM item_tags
            UNION SELECT ft.tag_id, f.item_id FROM feed_tags ft
            JOIN item_feeds f ON f.feed_id = ft.feed_id)
        SELECT g.tag_id, COUNT(i.id), SUM(i.read = 0) FROM tagged g
        JOIN items i INDEXED BY items_state ON i.id = g.item_id AND i.hidden = 0
        GROUP BY g.tag_id""",
}


def best(
    fn: Callable[[], object], runs: int, setup: Callable[[], object] = lambda: None
) -> tuple[float, float]:
    """(wall, CPU) seconds, the best of ``runs``; ``setup`` runs untimed before each."""
    walls, cpus = [], []
    for _ in range(runs):
        setup()
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus)


def writes(db: Database, runs: int, batch: list[int]) -> dict[str, tuple[float, float]]:
    ids = [int(r[0]) for r in db.execute("SELECT id FROM items").fetchall()]
    unread = [int(r[0]) for r in db.execute("SELECT id FROM items WHERE read = 0").fetchall()]
    feed = add_feed(db, f"https://example.test/new-{batch[0]}.xml", title="500 new")
    stamp = datetime(2026, 12, 1, tzinfo=UTC)

    def ingest() -> None:
        batch[0] += 1
        entries = [
            Entry(
                key=f"guid:{batch[0]}-{n}",
                title=f"Yeni haber {n}",
                summary="Ankara'da bugün açıklandı.",
                published=stamp + timedelta(minutes=n),
            )
            for n in range(500)
        ]
        store_feed(db, feed.id, ParsedFeed(entries=entries))

    return {
        "mark every story read (from 60% read)": best(
            lambda: mark_read(db, ids, True), runs, lambda: mark_read(db, unread, False)
        ),
        "mark every story unread (from all read)": best(
            lambda: mark_read(db, ids, False), runs, lambda: mark_read(db, ids, True)
        ),
        "store 500 new stories": best(ingest, runs),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("db", nargs="?", type=Path, default=Path("/tmp/aanews-scale-100000.db"))
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args(argv)
    if not a.db.exists():
        ap.error(f"{a.db}: build it first (bench/build_db.py)")
    work = Path(tempfile.mkdtemp(prefix="aanews-counts-"))
    try:
        copy = work / "copy.db"
        shutil.copyfile(a.db, copy)
        db = open_db(copy)
        reads = {
            "feed list with counts": best(lambda: list_feeds(db), a.runs),
            "tag list with counts": best(lambda: list_tags(db), a.runs),
            "feed counts from the stories": best(
                lambda: db.execute(FROM_SCRATCH["feeds"]).fetchall(), a.runs
            ),
            "tag counts from the stories": best(
                lambda: db.execute(FROM_SCRATCH["tags"]).fetchall(), a.runs
            ),
        }
        batch = [0]
        kept = writes(db, a.runs, batch)
        for (name,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'counts_%'"
        ).fetchall():
            db.execute(f"DROP TRIGGER {name}")
        bare = writes(db, a.runs, batch)
        db.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{a.db}, load average {os.getloadavg()[0]:.1f}, best of {a.runs}")
    print("| read | wall ms | CPU ms |\n|---|---:|---:|")
    for name, (wall, cpu) in reads.items():
        print(f"| {name} | {wall * 1000:.2f} | {cpu * 1000:.2f} |")
    print("\n| write | with kept counts, wall / CPU s | without, wall / CPU s |\n|---|---:|---:|")
    for name, (wall, cpu) in kept.items():
        print(f"| {name} | {wall:.2f} / {cpu:.2f} | {bare[name][0]:.2f} / {bare[name][1]:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
