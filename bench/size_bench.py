"""How big the file grows per 100,000 stories, and what ``prune`` gives back.

    uv run python bench/size_bench.py [DB] [--items 100000] [--keep 1000]

Builds the search benchmark's database (bench/search_bench.py: a fifth of the
stories carry a body, 60% are read), checkpoints the WAL and reports the file's
bytes; then prunes to ``--keep`` stories per feed and reports them again.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from search_bench import build  # noqa: E402

from store.db import open_db  # noqa: E402
from store.retention import prune  # noqa: E402


def main() -> int:
    """Build, measure, prune, measure; print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("db", nargs="?", default="/tmp/aanews-size-bench.db")
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--keep", type=int, default=1000)
    args = parser.parse_args()
    path = Path(args.db)
    for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        leftover.unlink(missing_ok=True)
    started = time.perf_counter()
    build(path, args.items)
    db = open_db(path)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    stories = db.execute("SELECT COUNT(*) FROM items").fetchone()[0]
    size = path.stat().st_size
    report = prune(db, max_stories=args.keep)
    left = db.execute("SELECT COUNT(*) FROM items").fetchone()[0]
    db.close()
    after = path.stat().st_size
    print(f"built and pruned in {time.perf_counter() - started:.0f} s\n")
    print("| | stories | file bytes | bytes per story |")
    print("|---|---:|---:|---:|")
    print(f"| built | {stories} | {size:,} | {size // max(stories, 1):,} |")
    print(
        f"| prune --max-stories {args.keep} ({len(report.deleted)} dropped, "
        f"vacuumed: {report.vacuumed}) | {left} | {after:,} | {after // max(left, 1):,} |"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
