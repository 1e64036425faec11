"""What changed between two versions of a story, word by word, as plain data.

``word_diff`` gives ("equal" | "insert" | "delete", text) pieces whose texts,
read in order without the inserts, spell the old text and without the deletes
the new one. Whitespace is kept as its own tokens, so paragraphs survive.
"""

from __future__ import annotations

import difflib
import re
from datetime import datetime
from typing import Protocol

from store import clock

Op = tuple[str, str]
STORY_FIELDS = ("title", "lead", "body", "updated")

_TOKENS = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)


class StoryVersion(Protocol):
    """Anything with a story's text: an ``Item`` or a ``Revision``."""

    title: str
    summary: str
    body: str
    updated: datetime | None


def word_diff(old: str, new: str) -> list[Op]:
    """Word-level differences from ``old`` to ``new``, adjacent pieces of one kind merged."""
    a, b = _TOKENS.findall(old or ""), _TOKENS.findall(new or "")
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    ops: list[Op] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            _add(ops, "equal", "".join(a[i1:i2]))
            continue
        if tag in ("delete", "replace"):
            _add(ops, "delete", "".join(a[i1:i2]))
        if tag in ("insert", "replace"):
            _add(ops, "insert", "".join(b[j1:j2]))
    return ops


def story_diff(old: StoryVersion, new: StoryVersion) -> dict[str, list[Op]]:
    """Word diffs of title, lead, body and update stamp (ISO text) between two versions."""
    return {
        "title": word_diff(old.title, new.title),
        "lead": word_diff(old.summary, new.summary),
        "body": word_diff(old.body, new.body),
        "updated": word_diff(clock.to_iso(old.updated) or "", clock.to_iso(new.updated) or ""),
    }


def has_changes(ops: list[Op]) -> bool:
    """True when the pieces hold any insert or delete."""
    return any(kind != "equal" for kind, _ in ops)


def _add(ops: list[Op], kind: str, text: str) -> None:
    if not text:
        return
    if ops and ops[-1][0] == kind:
        ops[-1] = (kind, ops[-1][1] + text)
    else:
        ops.append((kind, text))
