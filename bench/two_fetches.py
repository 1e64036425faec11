"""Two ``aanews fetch`` processes at once on one database: how many feed stores land.

    uv run python bench/two_fetches.py [--feeds 200] [--items 20] [--code DIR]

Serves ``--feeds`` RSS feeds from 127.0.0.1, then starts two ``fetch --json``
at the same moment on one new database and counts, over both reports, the
feeds stored ("new" or "unchanged") against those that failed, with the
failure reasons. ``--code DIR`` runs another checkout (an older commit's tree)
with this one's virtualenv, to compare.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.two_writers import rss, serving  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--code", type=Path, default=ROOT)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, serving() as feeds:
        path, urls = Path(folder) / "aanews.db", Path(folder) / "urls"
        for n in range(args.feeds):
            feeds.documents[f"f{n}"] = rss(f"f{n}", args.items)
        urls.write_text("".join(feeds.url(f"f{n}") + "\n" for n in range(args.feeds)))
        aanews = [sys.executable, "-m", "tui.cli", "--db", str(path)]
        env = {**os.environ, "PYTHONPATH": str(args.code)}
        # The database is made by the code under test (an older one knows fewer migrations).
        subprocess.run([*aanews, "import", str(urls)], cwd=args.code, env=env, check=True)
        command = [*aanews, "fetch", "--json"]
        runs = [
            subprocess.Popen(command, cwd=args.code, env=env, stdout=subprocess.PIPE, text=True)
            for _ in range(2)
        ]
        outputs = [run.communicate(timeout=600)[0] for run in runs]
    stored = failed = 0
    reasons: collections.Counter[str] = collections.Counter()
    for run, output in zip(runs, outputs, strict=True):
        try:
            outcomes = json.loads(output)["outcomes"]
        except (json.JSONDecodeError, KeyError):
            print(f"a fetch ended with status {run.returncode} and no report")
            failed += args.feeds
            reasons["the whole fetch aborted"] += args.feeds
            continue
        for outcome in outcomes:
            if outcome["status"] == "failed":
                failed += 1
                reasons[str(outcome["error"])[:70]] += 1
            else:
                stored += 1
    print(f"two fetches of {args.feeds} feeds: {stored} of {2 * args.feeds} feed stores landed")
    for reason, count in reasons.most_common(5):
        print(f"  {count} x {reason}")


if __name__ == "__main__":
    main()
