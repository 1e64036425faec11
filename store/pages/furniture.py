"""Lines that are page furniture even when they sit inside a story's body.

Bylines ("By Jane Doe, Health Reporter"), photo captions with their credit,
share prompts ("Share on Facebook"), comment notices ("Comments are closed"),
advert labels, "Read more:" links, what a social post's embed leaves ("View this
post on Instagram") and a post's categories line ("Posted in News | Tagged ..."), in
the languages the reader meets. Each test is on one whole short line, folded
(``store.text.fold``), never a phrase inside a sentence: a paragraph of the story
that happens to use one of these words is kept. A byline is a few capitalised names
after "By"/"Par"/"Von"/"Di"..., maybe a short role, place or date after a comma; a
story sentence opening with "By" has lower-case words or a clause after its comma.
Bylines and comment notices are only looked for at the edges of a body
(``is_furniture_line(line, at_edge=...)``).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING

from store.aa.stamps import split_authors
from store.pages.blocks import SUBHEAD, is_share_prompt
from store.pages.phrases import (
    EMBED_SHARED,
    EMBED_VIEWS,
    LABELS,
    NOTICES,
    PAYWALL,
    PROMPTS,
    READ_MORE,
    RESERVED,
    SENTENCE_ENDS,
    SHARE_LABELS,
    SITE_NOTICES,
    TAXONOMY,
    TAXONOMY_BARE,
)
from store.text import fold

if TYPE_CHECKING:
    import lxml.html

_MAX_LINE = 200
_BYLINE = re.compile(
    r"^(?:by|written by|words by|par|von|por|di|door|av|автор:?|yazan:?|haber:|بقلم|كتب)\s+\S",
    re.IGNORECASE,
)
# "(Photo by Jane Doe/Getty Images)", "Image by ...": a credit opening a line.
_CREDIT_BY = re.compile(r"^[(\[]?\s*(?:photo|photograph|image|picture|foto)s?\s+(?:by|von|par)\s")
_AGENCIES = ("getty images", "shutterstock")  # a line ending with one is a credit
_CREDIT = re.compile(
    r"(?:^|[\s(\[])(?:photo|photos|image|picture|credit|foto|fotograf|fotoğraf|фото|صورة|"
    r"photograph|illustration)\s?:\s*\S",
    re.IGNORECASE,
)
# A date's and a time's words: a line of only these and numbers is a stamp
# ("12.10.2015, 19:16 Uhr", "20. Mai 2019").
_TIME_WORDS = re.compile(
    r"\b(?:uhr|am|pm|gmt|utc|cet|cest|bst|edt|est|pdt|pst|h|"
    r"jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|may|"
    r"june|july|august|september|october|november|december|januar|februar|marz|mai|juni|"
    r"juli|oktober|dezember|janvier|fevrier|mars|avril|juin|juillet|aout|septembre|"
    r"octobre|novembre|decembre|enero|febrero|marzo|abril|mayo|junio|julio|agosto|"
    r"septiembre|octubre|noviembre|diciembre|ocak|subat|nisan|mayis|haziran|temmuz|"
    r"agustos|eylul|ekim|kasim|aralik)\b"
)
_MAX_PROMPT = 80
_MAX_SITE_NOTICE = 400
_MAX_TAXONOMY = 150
_TAG_WORDS = 4
# A label in brackets before a notice: "[有料会員限定] この記事は...", "(Abonnés) ...".
_LABEL = re.compile(r"^[\[(［【〔][^\])］】〕]{1,24}[\])］】〕]\s*")
_MAX_PAYWALL = 160
# "6 min read", "5 dk okuma", "3 minutes de lecture": a reading-time line.
_READING_TIME = re.compile(
    r"^\d+\s*(?:min|mins|minutes?|dk|dakika|minuten|minutos)\.?\s*(?:read|de lecture|okuma|"
    r"lesezeit|de lectura)",
    re.IGNORECASE,
)
# "(1/3ページ)" (folded: ヘーシ), "Page 2 of 5", "Seite 1 von 3", "Sayfa 2/4": a page number.
_PAGINATION = re.compile(
    r"^[(\[（]?\s*(?:page|seite|pagina|sayfa|страница|صفحة)?\s*\d{1,3}\s*"
    r"(?:/|of|von|de|из|من)\s*\d{1,3}\s*(?:ページ|ヘーシ|頁|页|pages?|seiten?)?\s*[)\]）]?$",
    re.IGNORECASE,
)
# "Pages: 1 2 3 4", "Seiten: 1 2": a list of a story's pages.
_PAGE_LIST = re.compile(r"^(?:pages?|seiten?|sayfalar|pagina)\s*:?\s*(?:\d{1,3}\s*)+$")
_SHARE_VERBS = ("share", "partag", "compartir", "teilen", "paylas", "شارك", "поделиться")
_PLATFORMS = re.compile(r"facebook|twitter|whatsapp|linkedin|telegram|e-?mail|\bx\b|فيسبوك|اكس")
_MAX_SHARE = 60
_MAX_CREDIT = 80
_MAX_COPYRIGHT = 160
_MAX_NOTICE = 60
# Between the names and what follows them (a role, a place, a date).
_BYLINE_PARTS = re.compile(r"\s*(?:[,|·•;]|\s[-–—]\s|(?=\d))\s*")
# Lower-case words a byline's names may hold: joins, particles, places, roles (folded).
_NAME_WORDS = frozenset(
    "and & et und y e ve i и و de da di del della der den van von ten le la du des al el "
    "bin ibn dos das in at à a en aus from fur для في reporter correspondent editor writer "
    "journalist staff contributor".split()
)
_WEEKDAYS = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday lundi mardi mercredi jeudi "
    "vendredi samedi dimanche montag dienstag mittwoch donnerstag freitag samstag sonntag "
    "lunes martes miercoles jueves viernes sabado domingo lunedi martedi mercoledi giovedi "
    "venerdi sabato domenica".split()
)
_MAX_NAME_WORDS = 8
_MAX_TAIL_WORDS = 8
_CLAUSE = re.compile(r",\s+[^\W\d_A-ZÀ-ÞА-Я]")  # a comma, then a lower-case word


def is_byline(line: str) -> bool:
    """ "By Jane Doe", "Par Claire Dubois, à Nantes": a short line naming the writer
    (a name starts with a capital, or is in a script without capitals), maybe with
    a short role, place or date after a comma, a dash or a bar."""
    text = line.removeprefix(SUBHEAD).strip()
    found = _BYLINE.match(text)
    if found is None or len(text) >= 120:
        return False
    head, *tail = _BYLINE_PARTS.split(text[found.end() - 1 :], maxsplit=1)
    return _are_names(head.split()) and _is_byline_tail(" ".join(tail).split())


def _are_names(words: list[str]) -> bool:
    """ "Jane Doe and John Roe", "Ana de la Cruz", "Megan Price Environment reporter"."""
    if not 1 <= len(words) <= _MAX_NAME_WORDS or not _is_name(words[0]):
        return False
    if fold(words[0]).strip(".,:") in _WEEKDAYS:
        return False
    return all(_is_name(word) or fold(word) in _NAME_WORDS for word in words)


def _is_byline_tail(words: list[str]) -> bool:
    """What may follow the names: nothing, or a few words that are not a sentence
    ("Health Reporter", "à Nantes", "2026-02-28"; not "officials said ...")."""
    if not words:
        return True
    if len(words) > _MAX_TAIL_WORDS or words[-1].endswith(SENTENCE_ENDS):
        return False
    return _is_name(words[0]) or fold(words[0]) in _NAME_WORDS


def _is_name(word: str) -> bool:
    """A word that starts with a capital, a digit, or a letter of a script without case."""
    first = next((char for char in word if char.isalnum()), "")
    return bool(first) and not first.islower()


def is_comment_notice(line: str) -> bool:
    """ "Comments are closed.", "Be the first to comment on this story": a short line
    that opens with a comment notice."""
    folded = fold(line.removeprefix(SUBHEAD)).strip(" .!:-–—|")
    return len(folded) <= _MAX_NOTICE and folded.startswith(NOTICES)


def is_furniture_line(line: str, at_edge: bool = True) -> bool:
    """A caption, share prompt, comment notice, advert label, "read more" link, a page
    number ("Page 2 of 5", "Pages: 1 2 3"), a paywall's notice, a credit ("© privat"),
    or a date or a time alone (no other words: "20. Mai 2019, 19:16 Uhr"). A comment
    notice counts only ``at_edge`` (in the first or last lines of a body), unless it is
    the whole line ("Leave a comment"). A subhead ("## ", a heading of the page's) is
    furniture only as a label, a notice, a link or a categories line, never for its words
    alone ("## 2019", "## Share", "## The lawsuit against Getty Images")."""
    subhead = line.startswith(SUBHEAD)
    text = line.removeprefix(SUBHEAD)
    if len(text) > _MAX_SITE_NOTICE:
        return False
    folded = fold(text)
    if at_edge and _is_site_notice(folded):
        return True
    if len(line) > _MAX_LINE:
        return False
    if not any(char.isalpha() for char in text):  # a time, a date, a rule of dashes
        return not (subhead and any(char.isdigit() for char in text))
    folded = folded.strip(" .!:-–—|")
    if folded in NOTICES or is_share_prompt(text) or folded.startswith(READ_MORE):
        return True
    if folded in SHARE_LABELS:
        return not subhead
    if folded in LABELS:
        return True
    if at_edge and (is_comment_notice(text) or _is_taxonomy(text, folded)):
        return True
    if subhead:
        return False
    if _is_stamp(folded) or _is_share_button(folded):
        return True
    if _is_embed(folded) or _is_prompt(text, folded):
        return True
    if _is_paywall_notice(folded):
        return True
    if _READING_TIME.match(folded) or _PAGINATION.match(folded):
        return True
    if _is_credit(text, folded):
        return True
    if _PAGE_LIST.match(folded) or _is_copyright(text, folded):
        return True  # "Pages: 1 2 3", "© privat", "© 2026 Le Journal"
    return bool(_CREDIT.search(text)) and len(text) < 160


def _is_paywall_notice(folded: str) -> bool:
    """ "Subscribe to continue reading", "[有料会員限定] この記事は会員限定です": a short
    line opening with a paywall's notice."""
    return len(folded) <= _MAX_PAYWALL and _LABEL.sub("", folded).startswith(PAYWALL)


def _is_copyright(text: str, folded: str) -> bool:
    """ "© privat", "™ & © 2013 CNN. All rights reserved.", "Copyright 2024 The AP. All
    rights reserved. This material may not be published...": a short line opening with
    the sign, or one with the rights reserved that opens with them or ends with them."""
    if len(text) >= _MAX_COPYRIGHT:
        return False
    if "©" in text.lstrip()[:5]:
        return len(text) < _MAX_CREDIT or any(words in folded for words in RESERVED)
    if folded.startswith(("copyright", "(c)")):
        return any(f". {words}" in folded for words in RESERVED)
    return folded.endswith(RESERVED)


def _is_stamp(folded: str) -> bool:
    """ "12.10.2015, 19:16 Uhr", "20. Mai 2019", "10:42 am GMT": a date or a time alone."""
    if not any(char.isdigit() for char in folded):
        return False
    return not any(char.isalpha() for char in _TIME_WORDS.sub("", folded))


def _is_site_notice(folded: str) -> bool:
    """ "We use cookies to ...", "You are using an outdated browser": a site's notice
    about itself, not a sentence quoting one ("We use cookies, the company says, ...")."""
    found = next((start for start in SITE_NOTICES if folded.startswith(start)), None)
    return found is not None and not folded[len(found) :].lstrip().startswith(",")


def _is_embed(folded: str) -> bool:
    """ "View this post on Instagram", "A post shared by Adele (@adele) on Jun 16, 2019"."""
    return folded.startswith(EMBED_VIEWS) or (folded.startswith(EMBED_SHARED) and "(@" in folded)


def _is_prompt(text: str, folded: str) -> bool:
    """ "Follow us on Facebook, Twitter and Instagram.", "Subscribe to our newsletter.": a
    short line, no clause after a comma ("Click here, the scammers wrote.")."""
    if len(folded) > _MAX_PROMPT or _CLAUSE.search(text):
        return False
    return folded.startswith(PROMPTS)


def _is_credit(text: str, folded: str) -> bool:
    """ "(Photo by Jane Doe/Getty Images)", "AFP via Getty Images": a short line, not a
    sentence ("Photos by the agency showed the damage.")."""
    stripped = text.strip()
    if len(stripped) >= _MAX_CREDIT:
        return False
    if stripped.endswith(SENTENCE_ENDS) and not stripped.startswith(("(", "[")):
        return False
    return bool(_CREDIT_BY.match(folded)) or folded.endswith(_AGENCIES)


def _is_taxonomy(text: str, folded: str) -> bool:
    """ "Category: Blog, Popular", "Tags: elections, parliament", "Posted in News |
    Tagged Elections": a short line, not a sentence ("Filed under seal, the documents were
    released on Monday.")."""
    if len(folded) > _MAX_TAXONOMY or text.rstrip().endswith(SENTENCE_ENDS):
        return False
    folded = folded.replace(" :", ":")
    if folded.startswith(TAXONOMY):  # a list of a few words each, not a clause
        return all(len(item.split()) <= _TAG_WORDS for item in folded.split(":", 1)[1].split(","))
    short = len(folded) <= _MAX_NOTICE and not _CLAUSE.search(text)
    return short and folded.startswith(TAXONOMY_BARE)


def _is_share_button(folded: str) -> bool:
    """ "Share on Facebook", "Facebook'ta paylaş", "Auf X teilen"."""
    if len(folded) > _MAX_SHARE or not any(verb in folded for verb in _SHARE_VERBS):
        return False
    return bool(_PLATFORMS.search(folded))


def authors_of(bylines: list[str]) -> list[str]:
    """The names of the first byline that has any (before a comma, a date, a title)."""
    for line in bylines:
        line = re.split(r"[,|·•]|\s[-–—]\s|\d", line, maxsplit=1)[0]
        names = split_authors(line)
        if names and len(line) < 100:
            return names
    return []


_QUOTES = ('"', "“", "«", "„", "‘", "'")
_QUOTES_CLOSED = ('"', "”", "»", "“", "’", "'")
REPEATED = 3  # a short line this many times in a body: a gallery's title, "Hide caption"
_REPEATED_LONGEST = 200
_CELLS = ("td", "th")
_COUNTER = re.compile(r"^\s*\d{1,3}\s*/\s*\d{1,3}\s*$")  # a slide's number, "2 / 12"
_DATE_OR_TIME = re.compile(r"\d{1,4}\s?[./-]\s?\d{1,2}\s?[./-]\s?\d{1,4}|\d{1,2}:\d{2}")
_CELL = 120  # characters: a table's cells longer than this hold a page's layout, not data


def without_repeated(paragraphs: list[str]) -> list[str]:
    """Without the short lines that come back ``REPEATED`` times or more: a gallery's
    title on every slide, "Hide caption"; a story does not say one line thrice, but a
    character may (a line of dialogue: ""I would prefer not to," said he.")."""
    counts = Counter(paragraphs)
    return [
        p for p in paragraphs if counts[p] < REPEATED or len(p) > _REPEATED_LONGEST or _spoken(p)
    ]


def _spoken(line: str) -> bool:
    """A line of dialogue: in quotes, ending as a sentence."""
    ends = line.rstrip("".join(_QUOTES_CLOSED)).endswith(SENTENCE_ENDS)
    return line[:1] in _QUOTES and ends and any(q in line[1:] for q in _QUOTES_CLOSED)


def data_row(
    cell: lxml.html.HtmlElement, known: dict[lxml.html.HtmlElement, bool]
) -> lxml.html.HtmlElement | None:
    """The row of a table of data ``cell`` is in: two cells with words at least, none
    longer than a line, one of words read (not a link), in a table of two such rows at
    least: "Herbert Dürr | 63 | 16.6%". None for any other element: a layout table's
    cell, a title beside its count, a calendar's row of days, an archive's dates beside
    their links. ``known``: the rows and tables already judged, by this reading."""
    row = cell.getparent() if cell.tag in _CELLS else None
    if row is None or row.tag != "tr":
        return None
    table = row.getparent()
    if table is None:
        return None
    if table not in known:  # every row of it judged once, and the table by them
        rows = [r for r in table if r.tag == "tr"]
        known.update((r, _of_data(r)) for r in rows)
        known[table] = sum(known[r] for r in rows) >= 2
    return row if known[row] and known[table] else None


def _of_data(row: lxml.html.HtmlElement) -> bool:
    filled = [(c, t) for c in row if c.tag in _CELLS and (t := c.text_content().strip())]
    if len(filled) < 2 or max(len(text) for _, text in filled) > _CELL:
        return False
    return any(_worded(c, text) for c, text in filled)


def _worded(cell: lxml.html.HtmlElement, text: str) -> bool:
    """A cell of words, most of them not a link's."""
    links = sum(len(a.text_content().strip()) for a in cell.iter("a"))
    return any(char.isalpha() for char in text) and links * 2 < len(text)


def is_figure(text: str) -> bool:
    """Numbers without words ("63", "16.6%", "2.0"): a table's figure in a row of data;
    not a date or a time ("12.03.2024", "14:35") or a slide's number ("2 / 12")."""
    if not any(char.isdigit() for char in text) or any(char.isalpha() for char in text):
        return False
    if "©" in text:
        return False  # "© 2024": a copyright line
    return _DATE_OR_TIME.search(text) is None and _COUNTER.match(text) is None


def looks_like_subhead(text: str) -> bool:
    """A bold line short enough to be a subhead, not ending as a sentence."""
    return len(text) <= 100 and not text.endswith((".", "!", "?", ":", "…", "؟"))
