"""The tag prompt's language, without widgets: read what the user typed, complete it.

The prompt takes several tags at once: ``gazze, israil -spor "new york"``
(spaces or commas between tags, ``-name`` removes, double quotes keep a
name with spaces whole). Applying the ``TagEdit`` is ``store.tags.apply_tag_edit``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from store.tags import TagEdit, normalize_tag
from store.text import fold

SEPARATORS = " ,\t"


@dataclass
class Word:
    """One word of the prompt as typed: where it starts and whether a quote is still open."""

    text: str
    start: int
    remove: bool = False
    quoted: bool = False
    open_quote: bool = False


def split_words(text: str) -> list[Word]:
    """The prompt's words; a leading ``-`` marks a removal, ``"..."`` keeps spaces."""
    words: list[Word] = []
    i, n = 0, len(text)
    while i < n:
        if text[i] in SEPARATORS:
            i += 1
            continue
        start = i
        remove = False
        if text[i] in "-+":
            remove = text[i] == "-"
            i += 1
        if i < n and text[i] == '"':
            end = text.find('"', i + 1)
            closed = end != -1
            end = end if closed else n
            words.append(Word(text[i + 1 : end], start, remove, quoted=True, open_quote=not closed))
            i = end + 1
            continue
        name_start = i
        while i < n and text[i] not in SEPARATORS:
            i += 1
        words.append(Word(text[name_start:i], start, remove))
    return words


def parse_tag_edit(text: str) -> TagEdit:
    """Read the prompt: ``a b, -c "new york"`` adds a, b and new york, removes c.

    A tag named twice counts once, and the last mention wins (``a -a`` removes a).
    """
    wanted: dict[str, tuple[str, bool]] = {}
    for word in split_words(text):
        name = normalize_tag(word.text)
        if name:
            key = fold(name)
            wanted.pop(key, None)  # re-insert so the order follows the last mention
            wanted[key] = (name, word.remove)
    edit = TagEdit()
    for name, remove in wanted.values():
        (edit.remove if remove else edit.add).append(name)
    return edit


def complete_last_word(text: str, tags: Sequence[str]) -> str | None:
    """``text`` with its last word completed to the first tag it starts (folded), or None.

    ``"spor gaz"`` gives ``"spor Gazze"``; a tag with a space comes back quoted.
    """
    if not text or text[-1] in SEPARATORS:
        return None
    words = split_words(text)
    if not words:
        return None
    last = words[-1]
    if last.quoted and not last.open_quote:
        return None  # a closed quote is a finished name
    prefix = fold(last.text)
    if not prefix:
        return None
    for tag in tags:
        if fold(tag).startswith(prefix) and len(tag) > len(last.text):
            quoted = last.quoted or any(c in tag for c in SEPARATORS)
            name = f'"{tag}"' if quoted else tag
            return text[: last.start] + ("-" if last.remove else "") + name
    return None
