"""The piece of a story's lead or body around a search match, for a list row.

Plain strings and spans only: the list draws them (as Text, never markup).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

from store.search.highlight import match_spans
from store.text import fold

# How much text is kept around the first match (the row shows what fits).
SNIPPET_BEFORE = 60
SNIPPET_AFTER = 160


class Snippet(NamedTuple):
    """A one-line piece of a story's text around a search match."""

    text: str
    spans: list[tuple[int, int]]  # the matches in ``text``
    cut_before: bool  # the story's text goes on before ``text``
    cut_after: bool


def snippet_of(text: str, terms: Sequence[str]) -> Snippet | None:
    """The text around the first match of ``terms`` (folded), on one line; None if none."""
    first = _first_match(text, terms)
    if first is None:
        return None
    start = max(0, first - SNIPPET_BEFORE)
    if start > 0:  # begin at a word, not halfway through one
        gap = re.search(r"\s", text[start:first])
        start = start + gap.end() if gap else first
    end = min(len(text), first + SNIPPET_AFTER)
    piece = " ".join(text[start:end].split())
    return Snippet(piece, match_spans(piece, terms), start > 0, end < len(text))


def _first_match(text: str, terms: Sequence[str]) -> int | None:
    """Where the first match starts in ``text``.

    ``match_spans`` folds character by character, slow over a whole body drawn
    on the UI thread: whole-text and per-paragraph checks with the fast ``fold``
    leave it only the paragraph that has the match.
    """
    keys = [words[0] for words in (re.findall(r"\w+", term) for term in terms) if words]
    if not text or not keys or not any(key in fold(text) for key in keys):
        return None
    offset = 0
    for paragraph in text.split("\n"):
        folded = fold(paragraph)
        if any(key in folded for key in keys):
            spans = match_spans(paragraph, terms)
            if spans:
                return offset + spans[0][0]
        offset += len(paragraph) + 1
    return None
