"""Lines that are page furniture even when they sit inside a story's body.

Bylines ("By Jane Doe, Health Reporter"), photo captions with their credit,
share prompts ("Share on Facebook"), comment notices ("Comments are closed"),
advert labels and "Read more:" links, in the languages the reader meets. Each
test is on one short line, folded (``store.text.fold``): a paragraph of the
story that happens to use one of these words is longer and is kept.
"""

from __future__ import annotations

import re

from store.pages.blocks import SUBHEAD, is_share_prompt
from store.text import fold

_MAX_LINE = 200
_BYLINE = re.compile(
    r"^(?:by|written by|words by|par|von|por|di|door|av|автор:?|yazan:?|haber:|بقلم|كتب)\s+\S",
    re.IGNORECASE,
)
_CREDIT = re.compile(
    r"(?:^|[\s(\[])(?:photo|photos|image|picture|credit|foto|fotograf|fotoğraf|фото|صورة|"
    r"photograph|illustration)\s?:\s*\S",
    re.IGNORECASE,
)
# Whole lines that label an advert or a page break, folded.
_LABELS = frozenset(
    {
        "advertisement",
        "advert",
        "ad",
        "sponsored",
        "sponsored content",
        "reklam",
        "publicite",
        "publicidad",
        "anzeige",
        "werbung",
        "اعلان",
        "реклама",
        "haberin devami",
        "haberin devami asagida",
        "continue reading below",
        "story continues below advertisement",
        "scroll to continue",
    }
)
# Folded starts of "read this too" lines, and of comment and sharing notices.
_READ_MORE = (
    "read more:",
    "read also:",
    "also read:",
    "see also:",
    "related:",
    "lire aussi",
    "a lire aussi",
    "lesen sie auch",
    "mehr zum thema",
    "lea tambien",
    "lee tambien",
    "bunu da okuyun",
    "ilgili haber",
    "اقرا ايضا",
    "اقرا أيضا",
    "читаите также",
    "читайте также",
)
_NOTICES = (
    "comments are closed",
    "comment is closed",
    "be the first to comment",
    "you must be logged in to post a comment",
    "log in to comment",
    "leave a reply",
    "leave a comment",
    "post a comment",
    "no comments yet",
    "join the conversation",
    "les commentaires sont fermes",
    "soyez le premier a reagir",
    "soyez le premier a commenter",
    "vous devez etre connecte pour publier un commentaire",
    "die kommentarfunktion ist geschlossen",
    "schreiben sie den ersten kommentar",
    "um einen kommentar zu schreiben",
    "los comentarios estan cerrados",
    "se el primero en comentar",
    "debe iniciar sesion para comentar",
    "bu habere yorum yapilamaz",
    "ilk yorumu siz yapin",
    "yorum yapabilmek icin",
    "التعليقات مغلقة",
    "كن اول من يعلق",
    "يجب تسجيل الدخول لكتابة تعليق",
    "комментарии закрыты",
    "чтобы оставить комментарий",
    "будьте первым, кто прокомментирует",
)
# "6 min read", "5 dk okuma", "3 minutes de lecture": a reading-time line.
_READING_TIME = re.compile(
    r"^\d+\s*(?:min|mins|minutes?|dk|dakika|minuten|minutos)\.?\s*(?:read|de lecture|okuma|"
    r"lesezeit|de lectura)",
    re.IGNORECASE,
)
_SHARE_VERBS = ("share", "partag", "compartir", "teilen", "paylas", "شارك", "поделиться")
_PLATFORMS = re.compile(r"facebook|twitter|whatsapp|linkedin|telegram|e-?mail|\bx\b|فيسبوك|اكس")
_MAX_SHARE = 60


def is_byline(line: str) -> bool:
    """ "By Jane Doe", "Par Claire Dubois, à Nantes": a short line naming the writer
    (a name starts with a capital, or is in a script without capitals)."""
    found = _BYLINE.match(line.removeprefix(SUBHEAD))
    if found is None or len(line) >= 120:
        return False
    return not line.removeprefix(SUBHEAD)[found.end() - 1].islower()


def is_furniture_line(line: str) -> bool:
    """A caption, share prompt, comment notice, advert label, "read more" link, or a line
    without a letter (a time or a date)."""
    if len(line) > _MAX_LINE:
        return False
    text = line.removeprefix(SUBHEAD)
    if not any(char.isalpha() for char in text):  # a time, a date, a rule of dashes
        return True
    folded = fold(text).strip(" .!:-–—|")
    if folded in _LABELS or is_share_prompt(text) or _is_share_button(folded):
        return True
    if folded.startswith(_READ_MORE) or any(notice in folded for notice in _NOTICES):
        return True
    if _READING_TIME.match(folded):
        return True
    return bool(_CREDIT.search(text)) and len(text) < 160


def _is_share_button(folded: str) -> bool:
    """ "Share on Facebook", "Facebook'ta paylaş", "Auf X teilen"."""
    if len(folded) > _MAX_SHARE or not any(verb in folded for verb in _SHARE_VERBS):
        return False
    return bool(_PLATFORMS.search(folded))
