"""Article-body extraction: aanews's extractor (and trafilatura) against hand-made references.

    uv run --group bench python bench/extraction_bench.py            # both, summary
    uv run --group bench python bench/extraction_bench.py --pages    # and a per-page table
    uv run python bench/extraction_bench.py --only aanews            # without trafilatura

The evaluation set is ``bench/extraction/``: ``pages/*.html`` (pages we wrote in
the shapes of common CMSs and of AA's layouts; see its README) and
``ground-truth.json`` (each page's article body, by hand). The metric is the
ScrapingHub article-extraction-benchmark's (``extraction_metric.py``). Time is
the median of ``--repeat`` runs per page, after one warm-up pass, in ms a page: wall
clock, and this process's CPU time (steadier on a machine others are busy on).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from extraction_metric import Counts, compare, page_f1, summary  # noqa: E402

SET = HERE / "extraction"
Extractor = Callable[[bytes, str], str]


def aanews_extractor() -> Extractor:
    from store.pages.article import ArticleError, extract_article

    def run(page: bytes, url: str) -> str:
        try:
            return extract_article(page, url=url).page_text
        except ArticleError:
            return ""

    return run


def trafilatura_extractor() -> Extractor:
    import trafilatura

    def run(page: bytes, url: str) -> str:
        text = trafilatura.extract(
            page, url=url, favor_precision=True, include_comments=False, include_tables=True
        )
        return text or ""

    return run


EXTRACTORS: dict[str, Callable[[], Extractor]] = {
    "aanews": aanews_extractor,
    "trafilatura": trafilatura_extractor,
}


def load_set(directory: Path) -> list[tuple[str, str, bytes, str]]:
    """(name, url, page bytes, reference body) for every page of the set."""
    truth = json.loads((directory / "ground-truth.json").read_text(encoding="utf-8"))
    return [
        (name, e["url"], (directory / "pages" / f"{name}.html").read_bytes(), e["articleBody"])
        for name, e in sorted(truth.items())
    ]


def load_openings(directory: Path) -> list[tuple[str, str, bytes, str]]:
    """(name, url, page bytes, the story's opening) where a set keeps only openings."""
    path = directory / "openings.json"
    if not path.exists():
        return []
    openings = json.loads(path.read_text(encoding="utf-8"))
    return [
        (name, e["url"], (directory / "pages" / f"{name}.html").read_bytes(), e["opening"])
        for name, e in sorted(openings.items())
    ]


def opening_found(opening: str, text: str) -> bool:
    """The opening's first 60 characters (spaces aside) are in the text extracted."""
    return "".join(opening.split())[:60] in "".join(text.split())


def print_openings(name: str, extract: Extractor, openings: list, pages: bool) -> None:
    missed = [
        n for n, url, page, opening in openings if not opening_found(opening, extract(page, url))
    ]
    found = len(openings) - len(missed)
    print(f"{name}: the story's opening found on {found} of {len(openings)} pages")
    if pages and missed:
        print("  missed: " + ", ".join(missed))


def groups(directory: Path) -> dict[str, str]:
    """Each page's group: "tuning" (written with the extractor), "held-out", "held-out-2"."""
    truth = json.loads((directory / "ground-truth.json").read_text(encoding="utf-8"))
    return {name: entry.get("group", "tuning") for name, entry in truth.items()}


Timing = tuple[float, float]  # median wall ms, median CPU ms
Result = tuple[str, Counts, Timing]


def measure(extract: Extractor, pages: list[tuple[str, str, bytes, str]], repeat: int):
    """Per page: (name, counts, (median wall ms, median CPU ms))."""
    for _, url, page, _ in pages:  # warm-up: imports, caches
        extract(page, url)
    results: list[Result] = []
    for name, url, page, reference in pages:
        wall, cpu = [], []
        for _ in range(repeat):
            start, start_cpu = time.perf_counter(), time.process_time()
            text = extract(page, url)
            wall.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        timing = (statistics.median(wall), statistics.median(cpu))
        results.append((name, compare(reference, text), timing))
    return results


def report(name: str, results: list[Result], group_of: dict[str, str]) -> list[dict]:
    """One row for all pages, then one per group: F1, precision, recall, ms a page."""
    rows = []
    for group in ("all", *sorted(set(group_of.values()))):
        chosen = [r for r in results if group == "all" or group_of[r[0]] == group]
        row = {"extractor": name, "group": group, "pages": len(chosen)}
        row.update(summary([counts for _, counts, _ in chosen]))
        row["ms_per_page"] = statistics.mean(t[0] for _, _, t in chosen)
        row["cpu_ms_per_page"] = statistics.mean(t[1] for _, _, t in chosen)
        rows.append(row)
    return rows


def print_pages(name: str, results: list[Result]) -> None:
    print(f"\n{name}: per page (F1, precision, recall, ms), worst first")
    for page, counts, t in sorted(results, key=lambda r: page_f1(r[1])):
        print(
            f"  {page_f1(counts):.3f}  P {counts.precision:.3f}  R {counts.recall:.3f}"
            f"  {t[0]:6.1f} ms  {page}"
        )


def print_table(rows: list[dict], pages: int) -> None:
    print(f"\n{pages} pages; F1 over 4-token shingles (ScrapingHub benchmark metric)")
    print(f"{'extractor':<12} {'pages':<14} {'F1':>6} {'precision':>9} {'recall':>6}", end="")
    print(f" {'ms/page':>8} {'CPU ms':>7}")
    for row in rows:
        print(
            f"{row['extractor']:<12} {row['group'] + ' (' + str(row['pages']) + ')':<14}"
            f" {row['f1']:6.3f} {row['precision']:9.3f} {row['recall']:6.3f}"
            f" {row['ms_per_page']:8.1f} {row['cpu_ms_per_page']:7.1f}"
        )


def time_large(paragraphs: int) -> None:
    """aanews on one long page (cost must grow with the page, not with its square)."""
    from store.pages.article import extract_article

    text = "The council said the work would take longer than planned, and residents were told. "
    page = f"<html><body><nav><a href='/'>Home</a></nav><div>{f'<p>{text * 2}</p>' * paragraphs}"
    page += "</div><footer>Contact</footer></body></html>"
    start = time.process_time()
    found = len(extract_article(page).paragraphs)
    ms = (time.process_time() - start) * 1000
    print(
        f"one page of {paragraphs} paragraphs ({len(page) // 1024} KiB):"
        f" {ms:.0f} CPU ms, {found} read"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=sorted(EXTRACTORS), action="append")
    parser.add_argument("--set", type=Path, default=SET, help="pages/ and ground-truth.json")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--pages", action="store_true", help="per-page scores, worst first")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--large", type=int, metavar="N", help="also time a page of N paragraphs")
    args = parser.parse_args(argv)
    pages, openings = load_set(args.set), load_openings(args.set)
    group_of = groups(args.set)
    rows = []
    for name in args.only or list(EXTRACTORS):
        try:
            extract = EXTRACTORS[name]()
        except ImportError as error:
            print(f"{name}: not installed ({error}); try uv run --group bench", file=sys.stderr)
            continue
        results = measure(extract, pages, args.repeat)
        if args.pages:
            print_pages(name, results)
        rows += report(name, results, group_of)
        if openings and not args.json:
            print_openings(name, extract, openings, args.pages)
    if args.json:
        print(json.dumps(rows, indent=1))
    else:
        print_table(rows, len(pages))
    if args.large:
        time_large(args.large)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
