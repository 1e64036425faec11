"""The fallback parser: feedparser, for every document the fast path is not sure about.

feedparser reads almost anything (broken XML, old RSS, odd encodings) but parses
~1,500 items/s and costs ~0.5 s to import, so it loads on first need. It only
ever gets the bytes, never a URL or a path: a feed cannot make it open a file or
fetch anything. Entity declarations are cut out before it sees the document.
"""

from __future__ import annotations

import io
import re
import threading
from types import ModuleType
from typing import TYPE_CHECKING
from xml.sax import SAXParseException

from store.parsing.fast import RawItem
from store.text import clean_line

if TYPE_CHECKING:
    import feedparser
    from feedparser.mixin import _FeedParserMixin


class FeedParseError(ValueError):
    """The bytes are not a feed at all (empty, an HTML page, JSON, no channel)."""


class BrokenFeed(FeedParseError):
    """A feed whose XML is broken before any story could be read from it."""


_feedparser_loading = threading.Lock()


def load_feedparser() -> ModuleType:
    """feedparser, imported on first need and taught to keep an item's <image>.

    Importing it (chardet's tables above all) costs ~0.5 s of CPU in every
    parse worker, and a refresh of well-formed feeds never needs it.
    """
    with _feedparser_loading:
        import feedparser
        import feedparser.datetimes
        import feedparser.encodings
        from feedparser.mixin import _FeedParserMixin

        _bound_charset_detection(feedparser.encodings)

        original = _FeedParserMixin._end_image
        if getattr(original, "__name__", "") != "_end_image_kept":

            def _end_image_kept(self: _FeedParserMixin) -> None:
                """feedparser drops an item's <image> text; AA puts the story photo there."""
                if self.inentry and self.elementstack and self.elementstack[-1][0] == "image":
                    parts = self.elementstack[-1][2]
                    text = "".join(p if isinstance(p, str) else "" for p in parts)
                    if text.strip():
                        self.entries[-1].setdefault("aa_image", text.strip())
                original(self)

            _FeedParserMixin._end_image = _end_image_kept  # type: ignore[method-assign]
        return feedparser


# Character-set detection reads this much at most: on a 15 MB body chardet alone
# took 52 s and 844 MB, and the first 64 KiB say as much about the encoding.
_DETECT_BYTES = 64 * 1024


def _bound_charset_detection(encodings: ModuleType) -> None:
    detect = getattr(encodings, "lazy_chardet_encoding", None)
    if detect is None or getattr(detect, "__name__", "") == "_bounded_detection":
        return

    def _bounded_detection(data: bytes) -> str:
        return detect(data[:_DETECT_BYTES])

    setattr(encodings, "lazy_chardet_encoding", _bounded_detection)  # noqa: B010


def parse_slow(
    data: bytes,
) -> tuple[str, str | None, str | None, list[RawItem], str | None, bool]:
    """Read anything feedparser can, saying what was wrong with the document, and whether
    it was cut short (its stories read as far as it goes); BrokenFeed when its XML is
    broken before any story."""
    data, dropped = _without_entity_declarations(data)
    result = _feedparser(data)
    if _looks_turkish_misread(data, result):
        retry = _feedparser(data, charset="windows-1254")
        if retry.get("entries") and not retry.get("bozo"):
            result = retry
            result["bozo"] = True
            result["bozo_exception"] = "the declared encoding is wrong; read as windows-1254"
    version = result.get("version") or ""
    feed = result.get("feed") or {}
    entries = result.get("entries") or []
    problem, broken, cut = None, None, False  # what was wrong; the XML's fault; cut short
    if result.get("bozo"):
        error = result.get("bozo_exception")
        if isinstance(error, SAXParseException):
            # (feedparser puts an XML declaration of its own on a line before a document
            # without one: the document's own lines are one less)
            line = (error.getLineNumber() or 1) - (0 if _DECLARED.match(data) else 1)
            where = f"line {max(line, 1)}, column {error.getColumnNumber()}"
            broken = problem = clean_line(f"broken XML at {where}: {error.getMessage()}")[:300]
            cut = error.getMessage() in _ENDS_EARLY
        elif isinstance(error, str):
            problem = error
        else:
            problem = clean_line(f"{type(error).__name__}: {error}")[:300] if error else "malformed"
    if dropped:
        problem = "entity declarations ignored" + (f"; {problem}" if problem else "")
    if not entries and not version:
        raise FeedParseError(_not_a_feed(data, problem))
    if result.get("bozo") and entries and _ends_inside_an_entry(data):
        # A cut-off download: the last story has lost its end (its title, its
        # guid), and taking it would blank a stored story or invent a new one.
        entries, cut = entries[:-1], True
        ending = "the document ends inside a story, which was left out"
        problem = f"{problem}; {ending}" if problem else ending
    if broken and not entries:
        raise BrokenFeed(f"{broken}; no story could be read from it")
    raws = [_raw_from_feedparser(e) for e in entries]
    title, link, lang = feed.get("title", ""), feed.get("link"), feed.get("language")
    return title, link, lang, raws, problem, cut


# A document with its own XML declaration (after a byte order mark, maybe).
_DECLARED = re.compile(rb"(?:\xef\xbb\xbf)?<\?xml")
# What expat says of a document that stops before its end (a cut-off download): what
# it held after that is lost. Other slips (a bare &, an entity of HTML's) lose nothing.
_ENDS_EARLY = frozenset({"no element found", "unclosed token"})


# An item's or entry's start tag (with any namespace prefix; not <items>, not
# self-closed) and its end tag.
_ENTRY_START = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:item|entry)(?:\s[^<>]*)?(?<!/)>")
_ENTRY_END = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?(?:item|entry)\s*>")


def _ends_inside_an_entry(data: bytes) -> bool:
    """True when the document stops after an entry began and before it ended."""
    starts = [match.start() for match in _ENTRY_START.finditer(data)]
    if not starts:
        return False
    ends = [match.start() for match in _ENTRY_END.finditer(data, starts[-1])]
    return not ends


# A DOCTYPE whose internal subset declares entities: nested ones are a "billion
# laughs" bomb, SYSTEM ones an attempt to read a file. Feeds have no need of them.
# Found with str.find, not a regex: ``<!DOCTYPE[^[]*\\[.*?<!ENTITY.*?]>`` rescans
# the rest of the document from every candidate (quadratic on a crafted prolog).
_SUBSET_END = re.compile(rb"\]\s*>")


def _without_entity_declarations(data: bytes) -> tuple[bytes, bool]:
    """The document with a DOCTYPE that declares entities removed, and whether it had one."""
    head = data[:65536].lower()
    if b"<!entity" not in head:
        return data, False
    start = head.find(b"<!doctype")
    if start == -1:
        return data, False
    subset = data.find(b"[", start)
    close = data.find(b">", start)
    if subset == -1 or -1 < close < subset:
        return data, False  # a DOCTYPE without an internal subset declares nothing
    end = _SUBSET_END.search(data, subset)
    if end is None:  # a subset never closed: nothing after it is a feed anyway
        return data[:start], True
    if b"<!entity" not in data[subset : end.start()].lower():
        return data, False
    return data[:start] + data[end.end() :], True


def _feedparser(data: bytes, charset: str | None = None) -> feedparser.FeedParserDict:
    """feedparser on the bytes themselves; ``charset`` overrides the declared encoding."""
    headers = {"content-type": f"application/xml; charset={charset}"} if charset else None
    return load_feedparser().parse(
        io.BytesIO(data), response_headers=headers, sanitize_html=True, resolve_relative_uris=False
    )


# The bytes where windows-1254 has ğ Ğ ı İ ş Ş and Latin-1 has ð Ð ý Ý þ Þ.
_TURKISH_BYTES = re.compile(rb"[\xd0\xdd\xde\xf0\xfd\xfe]")


def _looks_turkish_misread(data: bytes, result: feedparser.FeedParserDict) -> bool:
    """True when feedparser fell back to Latin-1 on bytes that read as Turkish letters.

    Turkish sites often send windows-1254 while declaring UTF-8 (or nothing); Latin-1
    turns "başlık" into "baþlýk". Both encodings agree on every other letter.
    """
    override = load_feedparser().CharacterEncodingOverride
    guessed = isinstance(result.get("bozo_exception"), override)
    encoding = (result.get("encoding") or "").lower()
    return (
        guessed and encoding in ("iso-8859-1", "windows-1252") and bool(_TURKISH_BYTES.search(data))
    )


def _raw_from_feedparser(entry: dict) -> RawItem:
    raw = RawItem(
        guid=entry.get("id"),
        link=entry.get("link"),
        title=entry.get("title", ""),
        summary=entry.get("summary", ""),
        published=entry.get("published"),
        # dict.get: feedparser's own get falls back from "updated" to "published"
        updated=dict.get(entry, "updated"),
    )
    content = entry.get("content") or []
    if content:
        raw.content = content[0].get("value", "")
    images = [entry.get("aa_image") or ""]
    images += [t.get("url", "") for t in entry.get("media_thumbnail") or []]
    images += [
        m.get("url", "")
        for m in entry.get("media_content") or []
        if (m.get("type") or "").startswith("image/") or m.get("medium") == "image"
    ]
    images += [
        e.get("href", "")
        for e in entry.get("enclosures") or []
        if (e.get("type") or "").startswith("image/")
    ]
    raw.images = [i for i in images if i]
    terms = ((t.get("term") or "").strip() for t in entry.get("tags") or [])
    raw.category = next(filter(None, terms), "")
    return raw


def _not_a_feed(data: bytes, problem: str | None) -> str:
    """One line saying what the document is instead of a feed."""
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n\x00").lower()
    if head.startswith((b"{", b"[")):
        return "not a feed: looks like JSON"
    if b"<html" in head or b"<!doctype html" in head:
        return "not a feed: an HTML page"
    if not head.startswith(b"<"):
        return "not a feed: not XML"
    return "not a feed: no channel or feed element" + (f" ({problem})" if problem else "")
