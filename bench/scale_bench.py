"""aanews at 10k, 100k and 500k stories: does each cost stay flat as the database grows?

    uv run python bench/scale_bench.py [--sizes 10000 100000 500000] [--runs 20]
        [--measures launch search counts fetch export] [--count-runs N]

For each size a database from ``bench/build_db.py`` (built once, kept in /tmp as
``aanews-scale-SIZE.db``), then:

- launch: a fresh process opens the reader headless (``App.run_test``, 160x48, as
  bench/ui_bench.py does) and is timed from the process's start (its imports
  included) to the moment the list first draws a story's row (ItemList.render_line,
  wrapped here), with the CPU seconds it took to get there; its peak
  memory (VmHWM) is taken then, and after the counts are in and 40 keys and a G
  were pressed;
- search: p50/p95 of the first page (50 ids) for each query kind of bench/search.md,
  and of ``counts`` (total, unread) for the same query (--count-runs times, a quarter
  of --runs by default);
- counts: the sidebar's feed list with unread/total, and the tag list with counts;
- fetch 500: a copy of the database gets one new feed of 500 new stories served
  on 127.0.0.1; wall time and peak memory of ``aanews fetch``;
- export: wall time and peak memory of ``aanews export --json``.

Prints one markdown table per measure, sizes as columns. Every loop is bounded;
the local server stops with the script.
"""

from __future__ import annotations

import argparse
import asyncio
import http.server
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from queries import QUERIES  # noqa: E402

AANEWS = str(ROOT / ".venv" / "bin" / "aanews")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(int(len(ordered) * share + 0.5) - 1, 0)]


def timed(fn, runs: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """(p50, p95) milliseconds of ``fn()`` over ``runs`` calls, after one warm-up."""
    fn()
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        fn()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times), percentile(times, 0.95)


def database(size: int) -> tuple[Path, float | None]:
    """The cached database of ``size`` stories, built if missing (with its build time).

    A cached one made before a migration gets it here, once, so that no launch or
    search below measures it (migration 10: 17 s at 500,000 stories)."""
    path = Path(tempfile.gettempdir()) / f"aanews-scale-{size}.db"
    if path.exists():
        from store.db import open_db

        open_db(path).close()
        return path, None
    import build_db

    partial = path.with_suffix(".building")
    for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        leftover.unlink(missing_ok=True)
    began = time.perf_counter()
    build_db.build(partial, size, seed=1)
    seconds = time.perf_counter() - began
    partial.rename(path)
    return path, seconds


def search_rows(
    path: Path, runs: int, count_runs: int | None = None
) -> dict[str, tuple[float, float, float, float, int]]:
    from store.db import open_db
    from store.search.compiler import counts, search_ids

    db = open_db(path)
    out = {}
    for kind, query in QUERIES.items():
        page = timed(lambda q=query: search_ids(db, q, limit=50), runs)
        both = timed(lambda q=query: counts(db, q), count_runs or max(3, runs // 4))
        out[kind] = (*page, *both, counts(db, query)[0])
    db.close()
    return out


def count_rows(path: Path, runs: int) -> dict[str, tuple[float, float]]:
    from store.db import open_db
    from store.feeds import list_feeds
    from store.tags import list_tags

    db = open_db(path)
    out = {
        "feed list with unread/total": timed(lambda: list_feeds(db, counts=True), runs),
        "tag list with counts": timed(lambda: list_tags(db), runs),
    }
    db.close()
    return out


def run_measured(cmd: list[str], timeout: int = 900) -> tuple[float, float, str]:
    """(wall s, peak RSS MiB, stderr) of a command, through GNU time."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as timing:
        done = subprocess.run(
            ["/usr/bin/time", "-f", "%e %M", "-o", timing.name, *cmd],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            timeout=timeout,
        )
        wall, rss = timing.read().split()[-2:]
    if done.returncode:
        raise SystemExit(f"{cmd[:4]} failed ({done.returncode}): {done.stderr[-400:]}")
    return float(wall), int(rss) / 1024, done.stderr


def reader(path: Path) -> dict[str, float]:
    """Launch time and peak memory of the reader on ``path`` (in a fresh process)."""
    out = subprocess.run(
        [sys.executable, __file__, "--reader", str(path)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if out.returncode:
        raise SystemExit(f"reader failed: {out.stderr[-600:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


async def _reader_child(path: Path) -> dict[str, float]:
    from textual import events

    from tui.app import ReaderApp
    from tui.config import Config
    from tui.widgets.item_list import ItemList

    drawn: list[float] = []
    render_line = ItemList.render_line

    def stamped(self: ItemList, y: int):  # type: ignore[no-untyped-def]
        """The list's own drawing, noting when it first draws a story's row."""
        strip = render_line(self, y)
        row = y + self.scroll_offset.y
        if not drawn and row < len(self.ids) and self.cached(self.ids[row]):
            drawn.append(time.perf_counter())
        return strip

    ItemList.render_line = stamped  # type: ignore[method-assign]
    began = time.perf_counter() - _age()
    # images=False: the picture addresses are AA's; no benchmark reaches the internet.
    app = ReaderApp(path, Config(dwell_seconds=3600, full_text_on_open=False, images=False))
    async with app.run_test(size=(160, 48)) as pilot:
        items = app.screen.query_one(ItemList)
        deadline = time.perf_counter() + 120
        while not drawn and time.perf_counter() < deadline:
            await asyncio.sleep(0.002)
        if not drawn:
            raise SystemExit("the list drew no story in 120 s")
        launch = drawn[0] - began
        used = os.times()
        first = _peak_mib()
        await app.workers.wait_for_complete()
        for key in "j" * 40 + "G":
            app.post_message(events.Key(key, key))
            await asyncio.sleep(0.02)
        await pilot.pause()
        await app.workers.wait_for_complete()
    return {
        "launch_s": launch,
        "launch_cpu_s": used.user + used.system,
        "first_mib": first,
        "rss_mib": _peak_mib(),
        "stories": len(items.ids),
    }


def _age() -> float:
    """Seconds since this process started (its start in /proc, in clock ticks since boot)."""
    with open("/proc/self/stat", encoding="ascii") as stat:
        started = int(stat.read().rsplit(")", 1)[1].split()[19]) / os.sysconf("SC_CLK_TCK")
    with open("/proc/uptime", encoding="ascii") as uptime:
        return float(uptime.read().split()[0]) - started


def _peak_mib() -> float:
    """This process's own peak RSS (VmHWM). Not ``ru_maxrss``: Linux keeps that across
    exec, so a child reports its parent's peak (the 533 MiB once reported here was the
    benchmark's own, after building and searching the database in-process)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise SystemExit("no VmHWM in /proc/self/status")


def serve(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
            super().__init__(*args, directory=str(folder), **kwargs)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def new_stories_feed(folder: Path) -> str:
    """One AA-shaped feed of 500 stories whose AA ids no built database holds."""
    spec = importlib.util.spec_from_file_location(
        "gen_feeds", ROOT.parent / "shared" / "bench" / "gen_feeds.py"
    )
    assert spec and spec.loader
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    folder.mkdir(parents=True, exist_ok=True)
    # Feed 90 of the generator: AA ids 11,000,000 and up (build_db uses 2,000,000 + n).
    (folder / "new500.xml").write_text(gen.render_rss(1, 90, 500, 0), encoding="utf-8")
    return "new500.xml"


def fetch_500(path: Path, work: Path, base: str, name: str) -> tuple[float, float]:
    """Wall s and peak MiB of ``aanews fetch`` storing 500 new stories into a copy."""
    from store.db import open_db
    from store.feeds import add_feed

    copy = work / "fetch.db"
    shutil.copyfile(path, copy)
    db = open_db(copy)
    before = db.execute("SELECT COUNT(*) FROM items").fetchone()[0]
    db.execute("UPDATE feeds SET paused = 1")
    add_feed(db, f"{base}/{name}", title="500 new stories", lang="tr")
    db.close()
    wall, rss, _ = run_measured([AANEWS, "--db", str(copy), "fetch"])
    db = open_db(copy)
    stored = db.execute("SELECT COUNT(*) FROM items").fetchone()[0] - before
    db.close()
    for leftover in (copy, Path(f"{copy}-wal"), Path(f"{copy}-shm")):
        leftover.unlink(missing_ok=True)
    if stored != 500:
        raise SystemExit(f"fetch stored {stored} new stories, not 500")
    return wall, rss


MEASURES = ("launch", "search", "counts", "fetch", "export")


def _launch(result: dict) -> float:
    return float(result["launch_s"])


def table(title: str, sizes: list[int], rows: dict[str, list[str]]) -> str:
    head = f"| {title} | " + " | ".join(f"{s:,}" for s in sizes) + " |"
    rule = "|---|" + "---:|" * len(sizes)
    return "\n".join([head, rule, *(f"| {k} | " + " | ".join(v) + " |" for k, v in rows.items())])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--sizes", nargs="+", type=int, default=[10_000, 100_000, 500_000])
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--measures", nargs="+", choices=MEASURES, default=list(MEASURES))
    ap.add_argument("--launches", type=int, default=3, help="launches per size (median)")
    ap.add_argument("--count-runs", type=int, help="counts() per query kind (default runs / 4)")
    ap.add_argument("--reader", type=Path, help=argparse.SUPPRESS)  # the child process
    a = ap.parse_args(argv)
    if a.reader:
        print(json.dumps(asyncio.run(_reader_child(a.reader))))
        return 0
    if not 1 <= a.runs <= 200:
        ap.error("--runs must be 1..200")
    work = Path(tempfile.mkdtemp(prefix="aanews-scale-"))
    server, base = serve(work / "www")
    name = new_stories_feed(work / "www")
    results: dict[int, dict] = {}
    try:
        for size in a.sizes:
            path, built = database(size)
            r: dict = {"built": built, "MiB": path.stat().st_size / 2**20}
            if "launch" in a.measures:
                launches = sorted((reader(path) for _ in range(a.launches)), key=_launch)
                r["reader"] = launches[len(launches) // 2]
                r["launches"] = [_launch(x) for x in launches]
            if "search" in a.measures:
                r["search"] = search_rows(path, a.runs, a.count_runs)
            if "counts" in a.measures:
                r["counts"] = count_rows(path, a.runs)
            if "fetch" in a.measures:
                r["fetch"] = fetch_500(path, work, base, name)
            if "export" in a.measures:
                out = work / "export.json"
                r["export"] = run_measured(
                    [AANEWS, "--db", str(path), "export", "--json", "-o", str(out)]
                )[:2]
                r["export_MiB"] = out.stat().st_size / 2**20
                out.unlink()
            results[size] = r
            print(f"size {size:,} done", file=sys.stderr, flush=True)
    finally:
        server.shutdown()
        shutil.rmtree(work, ignore_errors=True)
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    report(results)
    return 0


def report(results: dict[int, dict]) -> None:
    """The tables, a row for each measure taken ("-" where a size lacks it)."""
    sizes = list(results)

    def col(f):  # type: ignore[no-untyped-def]
        out = []
        for size in sizes:
            try:
                out.append(f(results[size]))
            except KeyError:
                out.append("-")
        return out

    r0 = results[sizes[0]]
    general = {
        "database MiB": col(lambda r: f"{r['MiB']:.0f}"),
        "build s": col(lambda r: "cached" if r["built"] is None else f"{r['built']:.1f}"),
    }
    if "reader" in r0:
        general |= {
            "launch to first drawn list (from the process's start), s": col(
                lambda r: " / ".join(f"{x:.2f}" for x in r["launches"])
            ),
            "its CPU s (the median launch)": col(lambda r: f"{r['reader']['launch_cpu_s']:.2f}"),
            "reader peak RSS at the first drawn list, MiB": col(
                lambda r: f"{r['reader']['first_mib']:.0f}"
            ),
            "reader peak RSS, MiB": col(lambda r: f"{r['reader']['rss_mib']:.0f}"),
        }
    general |= {
        "fetch of 500 new stories, s": col(lambda r: f"{r['fetch'][0]:.2f}"),
        "fetch peak RSS, MiB": col(lambda r: f"{r['fetch'][1]:.0f}"),
        "export --json, s": col(lambda r: f"{r['export'][0]:.1f}"),
        "export peak RSS, MiB": col(lambda r: f"{r['export'][1]:.0f}"),
        "export file, MiB": col(lambda r: f"{r['export_MiB']:.0f}"),
    }
    for kind in r0.get("counts", {}):
        general[f"{kind}, p50 / p95 ms"] = col(
            lambda r, k=kind: "{:.1f} / {:.1f}".format(*r["counts"][k])
        )
    print(table("measure", sizes, general))
    if "search" in r0:
        search = {
            f"{kind} `{q}`": col(lambda r, k=kind: "{:.1f} / {:.1f}".format(*r["search"][k][:2]))
            for kind, q in QUERIES.items()
        }
        count = {
            kind: col(lambda r, k=kind: "{:.1f} / {:.1f} ({:,})".format(*r["search"][k][2:]))
            for kind in QUERIES
        }
        print()
        print(table("search page (50 ids), p50 / p95 ms", sizes, search))
        print()
        print(table("counts() (total, unread), p50 / p95 ms (matches)", sizes, count))


if __name__ == "__main__":
    sys.exit(main())
