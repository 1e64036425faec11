"""How quickly ``aanews serve`` answers in a real browser, and what it holds in memory.

    uv run python bench/serve_bench.py [--runs 3]

Each run: start ``aanews serve --demo`` (seconds to the printed URL), open the URL in
headless chromium (tests/serving.py) and wait for the reader's first screen, then for
the story a ``j`` shows, twice (key to screen, through the websocket and back), open the URL
in a second tab (until that tab shows the reader: the first reader quits first), and
read the resident memory of the server and of its one reader (/proc, VmRSS).
Median of --runs; note the load average beside the numbers.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from tests.serving import browsing, readers_of, serving  # noqa: E402
from tests.test_serve_browser import position  # noqa: E402
from tests.waiting import wait_for  # noqa: E402


def rss_mib(pid: int) -> float:
    """A process's resident memory in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def one_run(folder: Path) -> dict[str, float]:
    """One measured session: a server, a browser, two tabs."""
    times: dict[str, float] = {}
    with browsing(folder / "chromium") as browser:
        first, second = browser.new_page(), browser.new_page()
        start = time.perf_counter()
        with serving("--demo", tmp=folder) as served:
            times["start to URL, s"] = time.perf_counter() - start
            start = time.perf_counter()
            first.open(served.url)
            wait_for(lambda: "No story selected." in first.screen())
            times["page to reader, s"] = time.perf_counter() - start
            start = time.perf_counter()
            first.press("j")
            wait_for(lambda: position(first) == 1)
            times["first j to its story, ms"] = (time.perf_counter() - start) * 1000
            start = time.perf_counter()
            first.press("j")
            wait_for(lambda: position(first) == 2)
            times["next j to its story, ms"] = (time.perf_counter() - start) * 1000
            start = time.perf_counter()
            second.open(served.url)
            wait_for(lambda: "No story selected." in second.screen())
            times["second tab takes over, s"] = time.perf_counter() - start
            (reader,) = readers_of(served.process.pid)
            times["server RSS, MiB"] = rss_mib(served.process.pid)
            times["reader RSS, MiB"] = rss_mib(reader)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    runs = []
    for number in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="aanews-serve-bench-") as folder:
            runs.append(one_run(Path(folder)))
        print(f"run {number + 1}: load {os.getloadavg()[0]:.1f}", file=sys.stderr)
    for name in runs[0]:
        values = [run[name] for run in runs]
        spread = ", ".join(f"{value:.2f}" for value in values)
        print(f"{name:28} {statistics.median(values):8.2f}   ({spread})")


if __name__ == "__main__":
    main()
