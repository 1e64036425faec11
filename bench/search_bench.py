"""Search speed at 100,000 stories: p50/p95 of the first page (50 ids) per query kind.

    uv run python bench/search_bench.py [DB] [--items 100000] [--runs 40]

DB is built on first use (about a minute) and reused after: stories from
../shared/bench/gen_feeds.py's make_item (Turkish, French, English), stored
through store.ingest.store_feed; a fifth carry a body, 60% are read, some are
tagged, a few hidden, starred or updated, and 12 contain the rare word "zeplin".
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from queries import QUERIES  # noqa: E402

from store.db import open_db  # noqa: E402
from store.feeds import add_feed  # noqa: E402
from store.ingest import store_feed  # noqa: E402
from store.model import Entry, ParsedFeed  # noqa: E402
from store.search.compiler import counts, search_ids  # noqa: E402
from store.tags import tag_items  # noqa: E402
from store.text import html_to_text  # noqa: E402

FEEDS = 50


def _generator():  # type: ignore[no-untyped-def]
    path = ROOT.parent / "shared" / "bench" / "gen_feeds.py"
    spec = importlib.util.spec_from_file_location("gen_feeds", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build(path: Path, items: int) -> None:
    """Fill a new database with ``items`` generated stories."""
    gen = _generator()
    db = open_db(path)
    per_feed = items // FEEDS
    for feed in range(FEEDS):
        lang, cat = gen.feed_lang_cat(feed)
        row = add_feed(
            db,
            f"https://www.aa.com.tr/{lang}/rss/default?cat={cat}&n={feed}",
            title=f"AA {lang} {cat}",
            lang=lang,
            category=cat,
            tags=["spor"] if cat in ("spor", "sport", "sports") else None,
        )
        for start in range(0, per_feed, 1000):
            entries = []
            for seq in range(start, min(start + 1000, per_feed)):
                raw = gen.make_item(1, feed, seq)
                summary = html_to_text(raw["description"])
                if (feed * per_feed + seq) % (items // 12) == 0:
                    summary += " Bir zeplin görüldü."
                entries.append(
                    Entry(
                        key=f"aa:{raw['id']}",
                        title=raw["title"],
                        summary=summary,
                        link=raw["link"],
                        guid=str(raw["id"]),
                        published=raw["published"],
                        lang=lang,
                        category=cat,
                        body=(summary + "\n\n") * 6 if seq % 5 == 0 else "",
                    )
                )
            store_feed(db, row.id, ParsedFeed(entries=entries))
    with db.atomic():
        db.execute("UPDATE items SET read = 1 WHERE id % 5 < 3")
        db.execute("UPDATE items SET hidden = 1 WHERE id % 97 = 0")
        db.execute("UPDATE items SET starred = 1 WHERE id % 2000 = 1")
        db.execute("UPDATE items SET is_updated = 1 WHERE id % 1000 = 3")
    ids = [r[0] for r in db.execute("SELECT id FROM items WHERE id % 7 = 0")]
    tag_items(db, ids, ["ekonomi"])
    db.close()  # no ANALYZE: a reader's database has no statistics either


def measure(db_path: Path, runs: int) -> list[tuple[str, str, float, float, float, int]]:
    """(name, query, p50 ms, p95 ms, counts p50 ms, total matches) per query."""
    db = open_db(db_path)
    rows = []
    for name, query in QUERIES.items():
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            search_ids(db, query, limit=50)
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        count_times = []
        for _ in range(max(3, runs // 4)):
            started = time.perf_counter()
            total, _unread = counts(db, query)
            count_times.append((time.perf_counter() - started) * 1000)
        rows.append(
            (name, query, statistics.median(times), p95, statistics.median(count_times), total)
        )
    return rows


def main() -> int:
    """Build (or reuse) the database and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("db", nargs="?", default="/tmp/aanews-search-bench.db")
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    path = Path(args.db)
    if not path.exists():
        started = time.perf_counter()
        build(path, args.items)
        print(f"built {path} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    db = open_db(path)
    total = db.execute("SELECT COUNT(*) FROM items").fetchone()[0]
    db.close()
    print(f"{total} stories, first 50 ids, {args.runs} runs each\n")
    print("| query kind | query | page p50 ms | page p95 ms | counts() p50 ms | matches |")
    print("|---|---|---:|---:|---:|---:|")
    for name, query, p50, p95, count_ms, matches in measure(path, args.runs):
        print(f"| {name} | `{query}` | {p50:.1f} | {p95:.1f} | {count_ms:.1f} | {matches} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
