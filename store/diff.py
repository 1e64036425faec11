"""What changed between two versions of a story, as plain data a person can read.

``text_diff`` gives ("equal" | "insert" | "delete", text) pieces whose texts,
read in order without the inserts, spell the old text and without the deletes
the new one. It works sentence by sentence: an unchanged sentence stays whole;
one changed a little is diffed word by word (the spaces between words kept,
neighbouring changes joined into one struck run and one new run); one
rewritten reads as the old sentence deleted, then the new one inserted, never
as interleaved words. Texts over ``SIZE_CAP`` characters fall back to a line
diff, so a huge story costs a bounded time (the diff view runs this in a worker).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from store import clock

Op = tuple[str, str]
STORY_FIELDS = ("title", "lead", "body", "updated")

SIZE_CAP = 200_000  # characters, old and new together: beyond it, whole lines
WORD_CAP = 600  # word and space tokens in one changed stretch: beyond it, old out, new in
SIMILAR = 0.5  # share of words kept: below it a sentence counts as rewritten

_WORDS = re.compile(r"\w+|[^\w\s]|\s+", re.UNICODE)
# A sentence ends at . ! ? … ؟ (maybe a closing quote or bracket) before a space,
# and at every line break; the spaces after it stay with it.
_SENTENCE_END = re.compile(r"(?:(?<=[.!?…؟])|(?<=[.!?…؟][\"'”»)]))\s+|\s*\n\s*")


class StoryVersion(Protocol):
    """Anything with a story's text: an ``Item`` or a ``Revision``."""

    title: str
    summary: str
    body: str
    updated: datetime | None


def sentences(text: str) -> list[str]:
    """``text`` cut after each sentence, each piece keeping the spaces that follow it."""
    pieces: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if match.end() > start and match.start() > start:
            pieces.append(text[start : match.end()])
            start = match.end()
    if start < len(text):
        pieces.append(text[start:])
    return pieces


def text_diff(old: str, new: str) -> list[Op]:
    """What changed from ``old`` to ``new``: sentences, then words inside small changes."""
    old, new = old or "", new or ""
    if len(old) + len(new) > SIZE_CAP:
        return line_diff(old, new)
    a, b = sentences(old), sentences(new)
    ops: list[Op] = []
    matcher = difflib.SequenceMatcher(None, [s.strip() for s in a], [s.strip() for s in b])
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for x, y in zip(a[i1:i2], b[j1:j2], strict=True):
                _extend(ops, [("equal", x)] if x == y else word_diff(x, y))
        elif tag == "replace" and i2 - i1 == j2 - j1:
            for x, y in zip(a[i1:i2], b[j1:j2], strict=True):
                _extend(ops, _changed(x, y))
        else:
            _extend(ops, _changed("".join(a[i1:i2]), "".join(b[j1:j2])))
    return ops


def line_diff(old: str, new: str) -> list[Op]:
    """Whole lines kept, deleted or inserted: the fallback for very long texts."""
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    ops: list[Op] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b).get_opcodes():
        if tag == "equal":
            _add(ops, "equal", "".join(a[i1:i2]))
            continue
        _add(ops, "delete", "".join(a[i1:i2]))
        _add(ops, "insert", "".join(b[j1:j2]))
    return ops


def word_diff(old: str, new: str) -> list[Op]:
    """Word-level differences; changes separated only by spaces become one run each side."""
    a, b = _WORDS.findall(old or ""), _WORDS.findall(new or "")
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    raw: list[Op] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            raw.append(("equal", "".join(a[i1:i2])))
            continue
        if tag in ("delete", "replace"):
            raw.append(("delete", "".join(a[i1:i2])))
        if tag in ("insert", "replace"):
            raw.append(("insert", "".join(b[j1:j2])))
    return _join_runs(raw)


def _changed(old: str, new: str) -> list[Op]:
    """A stretch that differs: word by word when most words stay, else old out, new in."""
    if not old or not new:
        return [op for op in (("delete", old), ("insert", new)) if op[1]]
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    if len(a) + len(b) <= WORD_CAP:
        words_a = [w for w in a if not w.isspace()]
        words_b = [w for w in b if not w.isspace()]
        kept = difflib.SequenceMatcher(None, words_a, words_b, autojunk=False).ratio()
        if kept >= SIMILAR:
            return word_diff(old, new)
    return _replaced(old, new)


def _replaced(old: str, new: str) -> list[Op]:
    """Old out, new in; the spaces both end with stay between them and what follows."""
    tail_a, tail_b = len(old) - len(old.rstrip()), len(new) - len(new.rstrip())
    tail = old[len(old) - tail_a :] if old[len(old) - tail_a :] == new[len(new) - tail_b :] else ""
    cut = len(tail)
    ops = [("delete", old[: len(old) - cut]), ("insert", new[: len(new) - cut]), ("equal", tail)]
    return [op for op in ops if op[1]]


def _join_runs(raw: list[Op]) -> list[Op]:
    """Changes with only spaces between them read as one deleted and one inserted run."""
    ops: list[Op] = []
    index = 0
    while index < len(raw):
        kind, text = raw[index]
        if kind == "equal":
            _add(ops, kind, text)
            index += 1
            continue
        old: list[str] = []
        new: list[str] = []
        while index < len(raw):
            kind, text = raw[index]
            if kind == "equal":
                follows = index + 1 < len(raw) and raw[index + 1][0] != "equal"
                if not (text.isspace() and follows):
                    break
                old.append(text)
                new.append(text)
            else:
                (old if kind == "delete" else new).append(text)
            index += 1
        _add(ops, "delete", "".join(old))
        _add(ops, "insert", "".join(new))
    return ops


def story_diff(
    old: StoryVersion,
    new: StoryVersion,
    stamp: Callable[[datetime], str] | None = None,
) -> dict[str, list[Op]]:
    """Diffs of title, lead, body and update stamp (written by ``stamp``, ISO 8601 if None)."""
    stamp = stamp or (lambda moment: clock.to_iso(moment) or "")
    return {
        "title": text_diff(old.title, new.title),
        "lead": text_diff(old.summary, new.summary),
        "body": text_diff(old.body, new.body),
        "updated": word_diff(
            stamp(old.updated) if old.updated else "", stamp(new.updated) if new.updated else ""
        ),
    }


def has_changes(ops: list[Op]) -> bool:
    """True when the pieces hold any insert or delete."""
    return any(kind != "equal" for kind, _ in ops)


def _extend(ops: list[Op], more: list[Op]) -> None:
    for kind, text in more:
        _add(ops, kind, text)


def _add(ops: list[Op], kind: str, text: str) -> None:
    if not text:
        return
    if ops and ops[-1][0] == kind:
        ops[-1] = (kind, ops[-1][1] + text)
    else:
        ops.append((kind, text))
