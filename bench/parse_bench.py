"""Parse speed: items/s of the lxml fast path and of the feedparser fallback.

    uv run python bench/parse_bench.py [--feeds 20] [--items 1000] [--format rss|atom]
                                       [--runs 3] [--workers 2]

Feeds come from ../shared/bench/gen_feeds.py (AA-shaped RSS: HTML leads,
RFC 822 dates, <image>); the refresh target is 20,000 items in 2-3 s
including HTTP and SQLite. Prints the best of --runs for each way, the worker's
whole job (store.fetching.workers.parse_job: parse, fold_ahead, the pickle sent to
the parent), and the fast path again in a process pool of --workers (how
store.fetching.refresh may run it).
"""

from __future__ import annotations

import argparse
import html
import pickle
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from store.fetching.workers import parse_job  # noqa: E402
from store.parsing.feed import parse_feed  # noqa: E402
from store.text import html_to_text  # noqa: E402

GEN_FEEDS = ROOT.parent / "shared" / "bench" / "gen_feeds.py"


_PLAIN_LEAD = re.compile(rb"<description>(.*?)</description>", re.DOTALL)


def _plain(match: re.Match[bytes]) -> bytes:
    """The lead as AA sends it: text only, no markup, a trailing newline."""
    text = html_to_text(html.unescape(match.group(1).decode()).replace("<![CDATA[", ""))
    return b"<description>" + xml_escape(text.replace("]]>", "")).encode() + b"\n</description>"


def _count_slow(data: bytes) -> int:
    return len(parse_feed(data, fast=False).entries)


def _count_fast(data: bytes) -> int:
    feed = parse_feed(data)
    assert feed.parser == "lxml", "the fast path declined a generated feed"
    return len(feed.entries)


def _count_job(data: bytes) -> int:
    """The worker's job on one document, pickled as it goes back to the parent."""
    result = parse_job(data, "https://www.aa.com.tr/tr/rss/default?cat=guncel")
    assert not isinstance(result, str), result
    pickle.dumps(result)
    return len(result.entries)


def best(runs: int, work: Callable[[], int]) -> tuple[float, int]:
    """Best wall time of ``runs`` calls, and the item count."""
    times, items = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        items = work()
        times.append(time.perf_counter() - start)
    return min(times), items


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=20)
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--format", choices=("rss", "atom"), default="rss")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--plain", action="store_true", help="plain-text leads, as AA's real feeds carry"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [
                sys.executable,
                str(GEN_FEEDS),
                "--feeds",
                str(args.feeds),
                "--items",
                str(args.items),
                "--format",
                args.format,
                "--out",
                tmp,
            ],
            check=True,
            capture_output=True,
        )
        docs = [path.read_bytes() for path in sorted(Path(tmp).glob("feed_*.xml"))]
    if args.plain:
        docs = [_PLAIN_LEAD.sub(_plain, doc) for doc in docs]
    size = sum(len(d) for d in docs) / 1e6
    leads = "plain leads" if args.plain else "HTML leads"
    print(f"{len(docs)} feeds x {args.items} items ({args.format}, {leads}, {size:.1f} MB)")

    rows = [
        ("lxml fast path", lambda: sum(_count_fast(d) for d in docs)),
        ("feedparser", lambda: sum(_count_slow(d) for d in docs)),
        ("worker job, pickled", lambda: sum(_count_job(d) for d in docs)),
    ]
    if args.workers > 1:
        pool = ProcessPoolExecutor(max_workers=args.workers)
        list(pool.map(_count_fast, docs[:2]))  # start the workers outside the timing
        rows.append((f"lxml, {args.workers} processes", lambda: sum(pool.map(_count_fast, docs))))
    results = {}
    for label, work in rows:
        runs = 1 if label == "feedparser" else args.runs
        seconds, items = best(runs, work)
        results[label] = items / seconds
        print(f"{label:<22} {items:>7} items  {seconds:6.2f} s  {items / seconds:>9,.0f} items/s")
    ratio = results["lxml fast path"] / results["feedparser"]
    print(f"fast path is {ratio:.1f}x feedparser")
    return 0


if __name__ == "__main__":
    sys.exit(main())
