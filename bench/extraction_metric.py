"""The article-extraction metric of the ScrapingHub article-extraction-benchmark.

Text is cut into word tokens (``\\w+``, any script); each text becomes the
multiset of its 4-token shingles (a text shorter than four tokens is one
shingle). Per page, true positives, false positives and false negatives are
counted over the shingles and normalised by their sum, so that long pages weigh
no more than short ones. Precision is averaged over the pages where anything
was extracted or expected, recall likewise, and F1 is the harmonic mean of the
two averages (the benchmark's own definition). ``page_f1`` gives one page's F1
for the per-page table.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass

SHINGLE = 4
_TOKEN = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Counts:
    """Normalised shingle counts of one page: they add up to 1 (or are all 0)."""

    tp: float
    fp: float
    fn: float

    @property
    def precision(self) -> float:
        if self.fp == self.fn == 0:
            return 1.0
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        if self.fp == self.fn == 0:
            return 1.0
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text or "")


def shingles(text: str, size: int = SHINGLE) -> Counter[tuple[str, ...]]:
    words = tokens(text)
    if not words:
        return Counter()
    if len(words) < size:
        return Counter([tuple(words)])
    return Counter(tuple(words[i : i + size]) for i in range(len(words) - size + 1))


def compare(reference: str, extracted: str) -> Counts:
    """Shingle counts of one extracted text against its reference."""
    true, pred = shingles(reference), shingles(extracted)
    tp = sum((true & pred).values())
    fp = sum((pred - true).values())
    fn = sum((true - pred).values())
    total = tp + fp + fn
    if not total:
        return Counts(0.0, 0.0, 0.0)
    return Counts(tp / total, fp / total, fn / total)


def page_f1(counts: Counts) -> float:
    p, r = counts.precision, counts.recall
    return 2 * p * r / (p + r) if p + r else 0.0


def summary(pages: list[Counts]) -> dict[str, float]:
    """Precision and recall averaged over pages, and their F1 (the benchmark's way)."""
    precisions = [c.precision for c in pages if c.tp + c.fp > 0]
    recalls = [c.recall for c in pages if c.tp + c.fn > 0]
    precision = statistics.mean(precisions) if precisions else 0.0
    recall = statistics.mean(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}
