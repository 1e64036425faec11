"""How long the diff view takes to work out what changed in a long revised story.

    uv run python bench/diff_bench.py [--kb 32] [--runs 5]

A story of about KB kilobytes (sentences from ../shared/bench/gen_feeds.py's
vocabulary when it is there, else made-up ones), revised three ways: a few words
changed here and there, every tenth sentence rewritten, and everything rewritten.
Prints the median time of ``store.diff.text_diff`` and of the old word-by-word
``word_diff`` over the whole text (what froze the reader for 60 s at 32 KB).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from store.diff import SIZE_CAP, text_diff, word_diff  # noqa: E402

WORDS = (
    "ankara istanbul government minister said talks ceasefire border aid convoy "
    "officials reported that the city council would meet on tuesday after floods "
    "storm snow roads schools closed reopened economy inflation central bank rate"
).split()


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 22))]
    return " ".join(words).capitalize() + "."


def story(rng: random.Random, size: int) -> list[str]:
    paragraphs: list[str] = []
    while sum(len(p) + 2 for p in paragraphs) < size:
        paragraphs.append(" ".join(sentence(rng) for _ in range(rng.randint(2, 4))))
    return paragraphs


def revised(rng: random.Random, paragraphs: list[str], how: str) -> str:
    out = []
    for paragraph in paragraphs:
        sentences = paragraph.split(". ")
        for n, text in enumerate(sentences):
            if how == "all" or (how == "tenth" and rng.random() < 0.1):
                sentences[n] = sentence(rng).rstrip(".")
            elif how == "words" and rng.random() < 0.1:
                words = text.split()
                words[rng.randrange(len(words))] = rng.choice(WORDS)
                sentences[n] = " ".join(words)
        out.append(". ".join(sentences))
    return "\n\n".join(out)


def median_ms(fn, runs: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kb", type=int, default=32)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--old", action="store_true", help="also time the old whole-text word diff")
    args = parser.parse_args()
    rng = random.Random(7)
    paragraphs = story(rng, args.kb * 1024)
    old = "\n\n".join(paragraphs)
    print(f"story: {len(old):,} characters; line-diff fallback beyond {SIZE_CAP:,} (both texts)")
    print("| revision | text_diff ms (median) | old word_diff ms |")
    print("|---|---:|---:|")
    for how in ("words", "tenth", "all"):
        new = revised(rng, paragraphs, how)
        ours = median_ms(lambda: text_diff(old, new), args.runs)  # noqa: B023
        before = f"{median_ms(lambda: word_diff(old, new), 1):.0f}" if args.old else "-"  # noqa: B023
        print(f"| {how} | {ours:.1f} | {before} |")


if __name__ == "__main__":
    main()
