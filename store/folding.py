"""The one search folding: ``fold`` for the index and for queries alike.

Case, accents and the Turkish dotted/dotless i fold away ("İSTANBUL" and
"istanbul" are one word), and so do the Arabic and Persian letter variants a
reader does not type apart.
"""

from __future__ import annotations

import unicodedata

# Letters that NFKD leaves whole but a reader treats as a plain letter.
_FOLD_MAP = str.maketrans(
    {
        "ı": "i",
        "İ": "i",
        "ß": "ss",
        "ø": "o",
        "Ø": "o",
        "đ": "d",
        "Đ": "d",
        "ł": "l",
        "Ł": "l",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        # Arabic: hamza forms of alef, alef maksura, ta marbuta, tatweel.
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ة": "ه",
        "ـ": "",
        # Persian letters folded to their Arabic look-alikes.
        "ی": "ي",
        "ک": "ك",
        # Typographic apostrophes and quotes.
        "’": "'",
        "‘": "'",
    }
)


def fold_char(char: str) -> str:
    """Fold one character; may return '' (a mark) or more than one character."""
    char = char.translate(_FOLD_MAP)
    decomposed = unicodedata.normalize("NFKD", char)
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    return kept.casefold().translate(_FOLD_MAP)


def fold(text: str | None) -> str:
    """Fold case, accents and the Turkish dotted/dotless i for search.

    "İSTANBUL", "ışık", "ŞIRNAK", "sécurité" become "istanbul", "isik",
    "sirnak", "securite". Used on indexed text and on queries alike.
    """
    if not text:
        return ""
    if text.isascii():
        return text.lower()  # casefold of ASCII; _FOLD_MAP has no ASCII keys
    # Folding works character by character, so folding word by word, each word
    # remembered, gives the same result; news repeats its words, so this is ~2x
    # faster than translating every character (it runs on every story's texts).
    # map() over the dict's own lookup: a known word costs no Python call.
    if len(_FOLDED_WORDS) > _MOST_WORDS:
        _FOLDED_WORDS.clear()
    return " ".join(map(_FOLDED_WORDS.__getitem__, text.split(" ")))


class _FoldedWords(dict[str, str]):
    """word -> fold(word), each word folded on first sight (a long one not kept)."""

    def __missing__(self, word: str) -> str:
        folded = word.translate(_FOLD_TABLE)
        if len(word) <= 64:  # a "word" can be a whole paragraph of a script without spaces
            self[word] = folded
        return folded


# Cleared when full, which only costs the next few calls.
_FOLDED_WORDS = _FoldedWords()
_MOST_WORDS = 100_000


class _FoldTable(dict[int, str]):
    """``str.translate`` table that folds each character once, on first sight."""

    def __missing__(self, code: int) -> str:
        folded = fold_char(chr(code))
        self[code] = folded
        return folded


_FOLD_TABLE = _FoldTable()
