"""Feed text made safe and searchable.

Feed text is data: before it is stored, control characters (C0 but newline and
tab, DEL, C1, and the bidi override controls that can reorder a line) are
removed and HTML becomes plain text. ``fold`` (store/folding.py) is the one search folding, used
for the index and for queries alike.
"""

from __future__ import annotations

import html
import re
from functools import cache
from typing import TYPE_CHECKING

# The search folding lives beside: imported from here as it always was.
from store.folding import fold, fold_char  # noqa: F401
from store.fragments import simple_fragment_text

if TYPE_CHECKING:
    from lxml import etree

# C0 controls except \t and \n, DEL, C1, bidi embeddings/overrides/isolates, and the
# invisible format characters nothing needs in a line (soft hyphens: "réac&shy;tion"
# must read and be found as "réaction"; word joiner, invisible operators, BOM,
# interlinear annotation). Zero-width (non-)joiners stay: Persian and emoji need them.
_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb]"
)
# A terminal escape sequence as a whole, so none of it is left to show: strings
# (OSC, DCS, SOS, PM, APC: ESC ] ... BEL or ESC \\), CSI with its parameters, and
# two-character ones (ESC c resets the terminal); their 8-bit C1 forms too. Each
# alternative consumes what it scans and never backtracks over it: linear.
_ESCAPE = re.compile(
    "(?:\x1b[]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c\n]*(?:\x07|\x1b\\\\|\x9c)?"
    "|(?:\x1b\\[|\x9b)[0-?]*[ -/]*[@-~]?"
    "|\x1b[ -~]?"
)
# Tag characters (U+E0000-E007F) only belong in a flag like England's: black flag,
# tag letters, cancel tag. Anywhere else they hide text.
_TAGS = re.compile("(\U0001f3f4[\U000e0020-\U000e007e]{1,8}\U000e007f)|[\U000e0000-\U000e007f]")
# What a URL never needs and a reader cannot see: controls, spaces, bidi marks and
# controls, zero-width characters, soft hyphens, tag characters.
_URL_INVISIBLE = re.compile(
    "[\\s\x00-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f"
    "\ufeff\ufff9-\ufffb\U000e0000-\U000e007f]"
)
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u3000]+")
# Linear: a "<" followed by a letter, then no regex scan for ">" (see looks_like_html).
_TAG_START = re.compile(r"<\s*/?\s*[a-zA-Z]")
_ENTITY = re.compile(r"&[#a-zA-Z0-9]+;")
# [^<>]: a "<" with no ">" after it stops at the next "<" (linear), unlike [^>].
_ANY_TAG = re.compile(r"<[^<>]*>")
_LANGUAGE = re.compile(r"([a-z]{2,3})(?:[-_][a-z0-9]{1,8})*", re.ASCII)
_BLOCK_TAGS = ("p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote", "ul")


def strip_controls(text: str) -> str:
    """THE cleaning of text from outside: nothing left that could drive a terminal or
    reorder a line (escape sequences whole, controls, bidi overrides, stray tag
    characters). Newlines and tabs stay; CR and line separators become newlines."""
    if printable_lines(text):
        return text  # nothing below would change it
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    if "\x1b" in text or _HAS_C1_INTRODUCER.search(text):
        text = _ESCAPE.sub("", text)
    text = _CONTROL.sub("", text)
    if _HAS_TAG.search(text):
        text = _TAGS.sub(lambda match: match.group(1) or "", text)
    return text


def printable_lines(text: str) -> bool:
    """True when ``text`` is printable but for its newlines and tabs: no control (C0,
    C1), no format character (bidi controls, tag characters), no line separator, no
    unassigned code point; so nothing strip_controls removes. Cheaper than any regex
    over the text (str methods in C, a few ns a character)."""
    return text.isprintable() or text.replace("\n", "").replace("\t", "").isprintable()


_HAS_C1_INTRODUCER = re.compile("[\x90\x98\x9b\x9d\x9e\x9f]")
_HAS_TAG = re.compile("[\U000e0000-\U000e007f]")


def clean_url(url: str | None) -> str:
    """A URL as stored and shown: stripped of everything invisible (bidi controls that
    make ``invoice\u202efdp.exe`` read ``invoiceexe.pdf``, zero-width and tag characters),
    escape sequences and spaces."""
    if not url:
        return ""
    if url.isascii() and url.isprintable() and " " not in url:
        return url
    return _URL_INVISIBLE.sub("", strip_controls(url))


_AUTHORITY_END = re.compile(r"[/?#]")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def lowercase_origin(url: str) -> str:
    """``url`` with its scheme and host in lower case, which they mean in any case
    (RFC 3986); its user name, path and query are kept as they are, since they are not:
    ``HTTPS://WWW.AA.COM.TR/tr/rss/default?cat=X`` -> ``https://www.aa.com.tr/tr/rss/default?cat=X``."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    authority = _AUTHORITY_END.split(rest, maxsplit=1)[0]
    user, at, host = authority.rpartition("@")
    return f"{scheme.lower()}{sep}{user}{at}{host.translate(_ASCII_LOWER)}{rest[len(authority) :]}"


def display_url(url: str | None) -> str:
    """A URL to print: cleaned, with any user name and password masked.

    ``http://user:secret@host/feed`` shows as ``http://***@host/feed``.
    """
    url = clean_url(url)
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    authority, slash, path = rest.partition("/")
    if "@" not in authority:
        return url
    host = authority.rpartition("@")[2]
    return f"{scheme}://***@{host}{slash}{path}"


# The user-information part of an http(s) URL in running text: "://user:pass@".
# [^...]+ stops at "/", "@", a space or a quote, so it never rescans: linear.
_CREDENTIALS = re.compile(r"(?i)(https?://)[^/@\s\"'<>]+@")


def mask_credentials(text: str) -> str:
    """Every http(s) URL in ``text`` with its user name and password shown as ``***``."""
    return _CREDENTIALS.sub(r"\1***@", text) if "@" in text else text


def clean_lang(value: str | None) -> str | None:
    """A language code from anywhere (a feed, a page's ``<html lang>``, a file):
    its primary subtag, two or three lowercase letters ("tr-TR" -> "tr"), else None."""
    if not value or not isinstance(value, str):
        return None
    match = _LANGUAGE.fullmatch(value.strip().lower()[:40])
    return match.group(1) if match else None


def looks_like_html(text: str) -> bool:
    """True when ``text`` has an entity or a tag (a "<" + letter with a ">" after it).

    Linear time: a regex like ``<[a-z][^>]*>`` rescans to the end from every "<"
    when no ">" follows (quadratic on "<a<a<a...").
    """
    if "&" in text and _ENTITY.search(text):
        return True
    start = _TAG_START.search(text)
    return start is not None and text.find(">", start.end()) != -1


def clean_line(text: str | None) -> str:
    """One line of text (a title, a name): controls gone, whitespace collapsed."""
    if not text:
        return ""
    if "  " not in text and text.isprintable():
        return text.strip()  # what the line below gives it, in one pass
    return _collapse(strip_controls(text).replace("\n", " "))


def clean_text(text: str | None) -> str:
    """Paragraphs of text: controls gone, spaces collapsed, at most one blank line."""
    if not text:
        return ""
    printable = printable_lines(text)
    return _paragraphs(text if printable else strip_controls(text), printable)


def _paragraphs(text: str, printable: bool) -> str:
    """clean_text of ``text`` once its controls are gone; ``printable``: it is
    printable_lines."""
    if printable and "  " not in text and "\t" not in text:
        # Every line printable with single spaces (a lead, mostly): only a space can
        # end a line, and the lines' stripping and blank runs are str methods in C.
        lines = text.replace(" \n", "\n").replace("\n ", "\n")
        # "</p><p>" leaves four: halved by a str method first (a run stays a run)
        lines = lines.replace("\n\n\n\n", "\n\n")
        return (_BLANK_RUNS.sub("\n\n", lines) if "\n\n\n" in lines else lines).strip(" \n")
    kept: list[str] = []
    blank = False  # a blank line (or several) since the last line kept
    for line in text.split("\n"):
        # _collapse, inlined: this runs on every line of every lead
        if "  " in line or not line.isprintable():
            line = _SPACES.sub(" ", line)
        line = line.strip()
        if not line:
            blank = True
            continue
        if blank and kept:
            kept.append("")
        kept.append(line)
        blank = False
    return "\n".join(kept)


_BLANK_RUNS = re.compile("\n\n\n+")


def _collapse(line: str) -> str:
    """Runs of spaces, tabs and odd spaces as one space, none at either end."""
    # Most lines have none: rewriting every single space would be the slow part.
    if "  " in line or not line.isprintable():
        # str.split does the same in C where it and _SPACES agree (controls gone): a
        # zero-width space is one of _SPACES, Ogham, narrow no-break and math spaces not.
        if line.isascii() or (
            "\u200b" not in line
            and "\u202f" not in line
            and "\u205f" not in line
            and "\u1680" not in line
        ):
            return " ".join(line.split())
        line = _SPACES.sub(" ", line)
    return line.strip()


def html_to_text(markup: str | None) -> str:
    """Plain text of an HTML fragment, paragraphs kept as blank-line breaks.

    Text without tags only has its entities decoded.
    """
    if not markup:
        return ""
    if not looks_like_html(markup):
        return clean_text(markup)
    if "<" not in markup:
        return clean_text(html.unescape(markup))
    printable = printable_lines(markup)
    if not printable:
        markup = strip_controls(markup)
    simple = simple_fragment_text(markup, printable)
    if simple is not None:
        # its text is the markup's (printable too), unless it had an entity decoded
        plain = printable and "&" not in markup
        return _paragraphs(simple, True) if plain else clean_text(simple)
    if not _FULL_DOCUMENT.match(markup):
        markup = f"<html><body>{markup}</body></html>"
    try:
        body = _parse_html(markup).find("body")
    except Exception:  # lxml rejects some documents (e.g. an empty one)
        body = None
    if body is None:
        return clean_text(html.unescape(_ANY_TAG.sub(" ", markup)))
    try:
        return _tree_text(body)
    except ValueError:  # a reference to a control character (&#27;) is in the tree's
        # text, and lxml takes no such text back: the tree again, its texts cleaned first
        body = _parse_html(markup).find("body")
        for node in body.iter():
            node.text, node.tail = strip_controls(node.text or ""), strip_controls(node.tail or "")
        return _tree_text(body)


def _tree_text(body: etree._Element) -> str:
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


@cache
def _html_parser(utf8: bool) -> etree.HTMLParser:
    """lxml's HTML parser; ``utf8``: told the bytes are UTF-8 (a <meta charset> in them
    changes nothing). lxml loads at the first HTML to read, not with this module (the
    command line imports it, and a fetch's first requests need no lxml: ~25 ms)."""
    from lxml import etree

    encoding = "utf-8" if utf8 else None
    return etree.HTMLParser(
        no_network=True, remove_comments=True, remove_pis=True, encoding=encoding
    )


def _parse_html(markup: str) -> etree._Element:
    """The HTML tree of ``markup``. libxml2 reads UTF-8 bytes ~3x faster than a str;
    text that cannot be UTF-8 (a lone surrogate) goes in as the str."""
    from lxml import etree

    try:
        data = markup.encode("utf-8")
    except UnicodeEncodeError:
        return etree.fromstring(markup, _html_parser(False))
    return etree.fromstring(data, _html_parser(True))


# lxml.html's rule: markup starting like a whole document is parsed as one.
_FULL_DOCUMENT = re.compile(r"\s*<(?:html|!doctype)", re.IGNORECASE)
_HIDDEN_TAGS = ("script", "style", "noscript", "iframe", "object")
