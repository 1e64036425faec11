"""Per-item CPU cost of parse + ingest: items/s of each step, one process, no HTTP.

    uv run python bench/ingest_bench.py [--feeds 200] [--items 100] [--runs 3] [--profile STEP]

Feeds come from ../shared/bench/gen_feeds.py (AA-shaped RSS with HTML leads);
``--shift 10`` of the same seed gives the "changed" refresh (10 new items per
feed). Steps, each on a fresh WAL file database in a temporary directory:

    parse     parse_feed (lxml fast path) on every document
    cold      store_feed of every parsed feed into an empty database
    warm      the same parsed feeds again: nothing changed
    changed   the shifted feeds: 10% new items, the rest seen

Prints the best of --runs for each step, as wall seconds and as CPU seconds of
this process (``time.process_time``): on a shared, loaded machine the CPU time
is the steadier measure of per-item cost; items/s is computed from it.
``--profile cold`` (or parse, warm, changed) runs that step once under cProfile
and prints the top functions.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlite_utils import Database  # noqa: E402

from store.db import open_db  # noqa: E402
from store.feeds import add_feed  # noqa: E402
from store.ingest import store_feed  # noqa: E402
from store.model import ParsedFeed  # noqa: E402
from store.parsing.feed import parse_feed  # noqa: E402

GEN_FEEDS = ROOT.parent / "shared" / "bench" / "gen_feeds.py"


def generate(feeds: int, items: int, shift: int, out: Path) -> list[tuple[str, bytes]]:
    """(url, bytes) of each generated feed."""
    command = [sys.executable, str(GEN_FEEDS), "--feeds", str(feeds), "--items", str(items)]
    command += ["--shift", str(shift), "--out", str(out)]
    subprocess.run(command, check=True, capture_output=True)
    docs = []
    for line in (out / "manifest.tsv").read_text().splitlines()[1:]:
        name, _lang, _cat, url, _count = line.split("\t")
        docs.append((url, (out / name).read_bytes()))
    return docs


def parse_all(docs: list[tuple[str, bytes]]) -> list[ParsedFeed]:
    """Every document through the fast path (asserting it takes it)."""
    parsed = [parse_feed(data, url=url) for url, data in docs]
    assert all(p.parser == "lxml" for p in parsed), "the fast path declined a generated feed"
    return parsed


def fresh_db(tmp: Path, name: str, urls: list[str]) -> tuple[Database, list[int]]:
    """A new WAL database file with the feeds subscribed."""
    db = open_db(tmp / f"{name}.db")
    ids = [add_feed(db, url).id for url in urls]
    return db, ids


def ingest(db: Database, ids: list[int], parsed: list[ParsedFeed]) -> tuple[int, int, int]:
    """store_feed of each feed (one transaction each): (new, updated, seen)."""
    new = updated = seen = 0
    for feed_id, feed in zip(ids, parsed, strict=True):
        result = store_feed(db, feed_id, feed)
        new, updated, seen = new + result.new, updated + result.updated, seen + result.seen
    return new, updated, seen


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--items", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", choices=("parse", "cold", "warm", "changed"))
    args = parser.parse_args()
    shift = max(1, args.items // 10)
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        docs = generate(args.feeds, args.items, 0, tmp / "base")
        shifted = generate(args.feeds, args.items, shift, tmp / "shifted")
        urls = [url for url, _ in docs]
        parsed = parse_all(docs)
        parsed_shifted = parse_all(shifted)
        total = sum(len(p.entries) for p in parsed)
        runs = 0

        def step(which: str) -> Callable[[], str]:
            def work() -> str:
                nonlocal runs
                runs += 1
                if which == "parse":
                    return f"{sum(len(p.entries) for p in parse_all(docs))} entries"
                db, ids = fresh_db(tmp, f"run{runs}", urls)
                try:
                    if which == "cold":
                        return _counts(_timed(lambda: ingest(db, ids, parsed)))
                    ingest(db, ids, parsed)
                    again = parsed if which == "warm" else parsed_shifted
                    return _counts(_timed(lambda: ingest(db, ids, again)))
                finally:
                    db.close()

            return work

        print(f"{args.feeds} feeds x {args.items} items = {total} items; shift {shift}")
        if args.profile:
            profile = cProfile.Profile()
            if args.profile == "parse":
                profile.runcall(parse_all, docs)
            else:
                db, ids = fresh_db(tmp, "profile", urls)
                if args.profile != "cold":
                    ingest(db, ids, parsed)
                profile.runcall(
                    ingest, db, ids, parsed_shifted if args.profile == "changed" else parsed
                )
            pstats.Stats(profile).sort_stats("tottime").print_stats(25)
            return 0
        print(f"{'step':<9} {'wall s':>7} {'CPU s':>7} {'items/s':>9}  result")
        for which in ("parse", "cold", "warm", "changed"):
            best: tuple[float, float, str] | None = None
            for _ in range(args.runs):
                _LAST[:] = [0.0, 0.0]
                start, cpu = time.perf_counter(), time.process_time()
                outcome = step(which)()
                if not _LAST[0]:
                    _LAST[:] = [time.perf_counter() - start, time.process_time() - cpu]
                if best is None or _LAST[1] < best[1]:
                    best = (_LAST[0], _LAST[1], outcome)
            assert best is not None
            wall, cpu, outcome = best
            print(f"{which:<9} {wall:7.3f} {cpu:7.3f} {total / cpu:>9,.0f}  {outcome}")
    return 0


# Wall and CPU seconds of the ingest step alone (a run also builds and fills its database).
_LAST = [0.0, 0.0]


def _timed(work: Callable[[], tuple[int, int, int]]) -> tuple[int, int, int]:
    start, cpu = time.perf_counter(), time.process_time()
    result = work()
    _LAST[:] = [time.perf_counter() - start, time.process_time() - cpu]
    return result


def _counts(counts: tuple[int, int, int]) -> str:
    return "new {} updated {} seen {}".format(*counts)


if __name__ == "__main__":
    sys.exit(main())
