"""Where a query's words occur in a story's text, for marking them on screen."""

from __future__ import annotations

import re
from collections.abc import Iterable

from store.search.parser import Query, parse_query
from store.text import fold_char


def highlight_terms(query: str | Query) -> list[str]:
    """Folded words and phrases to mark on screen; prefixes end with ``*``."""
    return list((query if isinstance(query, Query) else parse_query(query)).terms)


def match_spans(text: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    """Where the folded ``terms`` occur in the original ``text``, as sorted (start, end) spans.

    Each original character is folded on its own, so "istanbul" marks "İSTANBUL".
    A match starts at a word boundary; words and phrases also end at one.
    """
    folded_chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        for piece in fold_char(char):
            folded_chars.append(piece)
            origin.append(index)
    folded = "".join(folded_chars)
    spans: list[tuple[int, int]] = []
    for term in terms:
        words = re.findall(r"\w+", term)
        if not words:
            continue
        # Like the index, any run of spaces or punctuation separates words.
        pattern = r"(?<!\w)" + r"\W+".join(re.escape(w) for w in words)
        if not term.endswith("*"):
            pattern += r"(?!\w)"
        for found in re.finditer(pattern, folded):
            spans.append((origin[found.start()], origin[found.end() - 1] + 1))
    return _merge(spans)


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
