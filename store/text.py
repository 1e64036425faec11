"""Feed text made safe and searchable.

Feed text is data: before it is stored, control characters (C0 but newline and
tab, DEL, C1, and the bidi override controls that can reorder a line) are
removed and HTML becomes plain text. ``fold`` is the one search folding, used
for the index and for queries alike.
"""

from __future__ import annotations

import html
import re
import unicodedata

from lxml import etree

# C0 controls except \t and \n, DEL, C1, and bidi embeddings/overrides/isolates.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufff9-\ufffb]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u3000]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")
_LOOKS_LIKE_HTML = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>|&[#a-zA-Z0-9]+;")
_BLOCK_TAGS = ("p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote", "ul")


def strip_controls(text: str) -> str:
    """Remove every character that could drive a terminal or reorder a line."""
    if text.isprintable():  # no control, no bidi control (category Cc/Cf), no line break
        return text
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def clean_line(text: str | None) -> str:
    """One line of text (a title, a name): controls gone, whitespace collapsed."""
    if not text:
        return ""
    return _collapse(strip_controls(text).replace("\n", " "))


def clean_text(text: str | None) -> str:
    """Paragraphs of text: controls gone, spaces collapsed, at most one blank line."""
    if not text:
        return ""
    # Blank lines first: html_to_text leaves many, and each line costs a _collapse.
    text = _BLANK_LINES.sub("\n\n", strip_controls(text))
    lines = [_collapse(line) for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _collapse(line: str) -> str:
    """Runs of spaces, tabs and odd spaces as one space, none at either end."""
    # Most lines have none: rewriting every single space would be the slow part.
    if "  " in line or not line.isprintable():
        line = _SPACES.sub(" ", line)
    return line.strip()


def html_to_text(markup: str | None) -> str:
    """Plain text of an HTML fragment, paragraphs kept as blank-line breaks.

    Text without tags only has its entities decoded.
    """
    if not markup:
        return ""
    if not _LOOKS_LIKE_HTML.search(markup):
        return clean_text(markup)
    if "<" not in markup:
        return clean_text(html.unescape(markup))
    markup = strip_controls(markup)
    if not _FULL_DOCUMENT.match(markup):
        markup = f"<html><body>{markup}</body></html>"
    try:
        body = etree.fromstring(markup, _HTML_PARSER).find("body")
    except Exception:  # lxml rejects some documents (e.g. an empty one)
        body = None
    if body is None:
        return clean_text(html.unescape(re.sub(r"<[^>]*>", " ", markup)))
    # Runs on every lead: a plain etree parser (no HtmlElement class lookup), then
    # marks set on the tree so itertext, in C, writes the breaks in reading order.
    for hidden in list(body.iter(*_HIDDEN_TAGS)):
        hidden.clear(keep_tail=True)  # its text goes, the text after it stays
    for block in body.iter(*_BLOCK_TAGS):
        if block.tag == "br":
            block.tail = "\n" + (block.tail or "")
        else:
            block.text = "\n\n" + (block.text or "")
            block.tail = "\n\n" + (block.tail or "")
    return clean_text("".join(body.itertext()))


_HTML_PARSER = etree.HTMLParser(no_network=True, remove_comments=True, remove_pis=True)
# lxml.html's rule: markup starting like a whole document is parsed as one.
_FULL_DOCUMENT = re.compile(r"\s*<(?:html|!doctype)", re.IGNORECASE)
_HIDDEN_TAGS = ("script", "style", "noscript", "iframe", "object")


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
    # faster than translating every character (it runs four times per insert).
    if len(_FOLDED_WORDS) > _MOST_WORDS:
        _FOLDED_WORDS.clear()
    known = _FOLDED_WORDS.get
    return " ".join([known(word) or _fold_word(word) for word in text.split(" ")])


def _fold_word(word: str) -> str:
    folded = word.translate(_FOLD_TABLE)
    if len(word) <= 64:  # a "word" can be a whole paragraph of a script without spaces
        _FOLDED_WORDS[word] = folded
    return folded


# word -> fold(word); cleared when full, which only costs the next few calls.
_FOLDED_WORDS: dict[str, str] = {}
_MOST_WORDS = 100_000


class _FoldTable(dict[int, str]):
    """``str.translate`` table that folds each character once, on first sight."""

    def __missing__(self, code: int) -> str:
        folded = fold_char(chr(code))
        self[code] = folded
        return folded


_FOLD_TABLE = _FoldTable()
