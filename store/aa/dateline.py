"""Datelines: where a story was filed, and by which agency.

AA writes them in several shapes, depending on the edition:

- "AA / Bagdad" (French: agency first)
- "ANKARA (AA) - Türkiye'nin ..." (Turkish and English: inside the first paragraph)
- "ليفكوشا/الأناضول" and "أنقرة / فردي تركتين / الأناضول" (Arabic: place[/author]/agency)
- "LEFKOSHA, República Turca de Chipre del Norte" (Spanish: place in capitals, region)

``Dateline.display`` is what items.dateline stores and ``dateline:`` searches:
"AA / Bagdad" for a Latin-script agency, "ليفكوشا / الأناضول" (place first, the
natural reading order) for an Arabic one, and just the place when no agency is
written.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from store.text import clean_line

# Names AA signs with, folded to lower case; a paragraph is only a dateline if
# one of these (or a short all-capitals agency in brackets) is in it.
AGENCIES = {
    "aa",
    "anadolu",
    "anadolu ajansı",
    "anadolu agency",
    "agence anadolu",
    "agencia anadolu",
    "الأناضول",
    "الاناضول",
    "анадолу",
    "аа",
    "آناتولی",
    "خبرگزاری آناتولی",
}
MAX_DATELINE = 90

_SLASHES = re.compile(r"\s*/\s*")
_BRACKETED = re.compile(
    r"^(?P<place>[^\W\d_][^()\n]{0,50}?)\s*\((?P<agency>[^()\d]{1,30})\)\s*[-–—]\s*", re.UNICODE
)
_SPANISH = re.compile(r"^(?P<place>[A-ZÀ-ÖØ-ÞİŞĞÇÜÖ' .-]{3,40}),\s*(?P<region>[^,.]{2,60})\.?$")


@dataclass(frozen=True)
class Dateline:
    """A story's dateline: the place, the agency and, in Arabic, sometimes the author."""

    place: str
    agency: str | None = None
    author: str | None = None
    region: str | None = None

    @property
    def display(self) -> str:
        """The line to store and show: "AA / Bagdad", "ليفكوشا / الأناضول", "Lefkosha"."""
        place = f"{self.place}, {self.region}" if self.region else self.place
        if not self.agency:
            return place
        if _is_arabic(self.agency):
            return f"{place} / {self.agency}"
        return f"{self.agency} / {place}"


def parse_dateline(text: str | None, *, lang: str | None = None) -> Dateline | None:
    """The dateline a paragraph is, or starts with; None for an ordinary paragraph."""
    line = clean_line(text)
    if not line:
        return None
    bracketed = _BRACKETED.match(line)
    if bracketed and _is_agency(bracketed["agency"], bracketed_form=True):
        return Dateline(place=_place(bracketed["place"], lang), agency=bracketed["agency"].strip())
    if len(line) > MAX_DATELINE:
        return None
    parts = [part for part in _SLASHES.split(line.strip(" -–—")) if part]
    if len(parts) >= 2:
        if _is_agency(parts[0]) and not _is_agency(parts[-1]):
            return Dateline(place=_place(parts[-1], lang), agency=parts[0])
        if _is_agency(parts[-1]) and len(parts) <= 3:
            author = parts[1] if len(parts) == 3 else None
            return Dateline(place=_place(parts[0], lang), agency=parts[-1], author=author)
    spanish = _SPANISH.match(line)
    if spanish and spanish["place"].strip().isupper():
        return Dateline(place=_place(spanish["place"], lang), region=spanish["region"].strip())
    return None


def is_dateline_only(text: str | None, *, lang: str | None = None) -> bool:
    """True when the whole paragraph is a dateline (nothing of the story follows it)."""
    line = clean_line(text)
    if not line or parse_dateline(line, lang=lang) is None:
        return False
    bracketed = _BRACKETED.match(line)
    return bracketed is None or not line[bracketed.end() :].strip()


def _is_agency(text: str, *, bracketed_form: bool = False) -> bool:
    name = clean_line(text).strip(" -–—").lower()
    if name in AGENCIES:
        return True
    # "ANKARA (AFP) -": any short capitalised agency name in brackets.
    return bracketed_form and 1 < len(name) <= 12 and text.strip().isupper()


def _place(text: str, lang: str | None) -> str:
    """The place as a reader writes it: "ANKARA" becomes "Ankara" ("İSTANBUL" "İstanbul")."""
    place = clean_line(text).strip(" ,-–—")
    if not place.isupper():
        return place
    if lang == "tr":
        return " ".join(_turkish_capitalized(word) for word in place.split(" "))
    return place.title()


def _turkish_capitalized(word: str) -> str:
    """ "ŞIRNAK" -> "Şırnak", "İSTANBUL" -> "İstanbul": Turkish i/ı rules."""
    lower = word.replace("I", "ı").replace("İ", "i").lower()
    first = {"i": "İ", "ı": "I"}.get(lower[:1], lower[:1].upper())
    return first + lower[1:]


def _is_arabic(text: str) -> bool:
    return any(unicodedata.bidirectional(char) in ("AL", "R") for char in text)
