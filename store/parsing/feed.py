"""Feed bytes -> ``ParsedFeed``: a fast lxml path for well-formed RSS 2.0 and Atom,
feedparser for everything else.

feedparser reads almost anything but parses ~1,500 items/s; a refresh of
20,000 items needs more. So a well-formed UTF-8 RSS 2.0 or Atom 1.0 document
without a DOCTYPE is read with lxml (no entities, no network, no huge trees);
anything the fast path is not sure about goes to feedparser. Both paths only
collect the raw strings of an item (``RawItem``) and share ``_entry`` to make the
``Entry``, so they give the same result (tests/test_parse.py checks it).

feedparser only ever gets the bytes, never a URL or a path, so a feed cannot
make it open a file or fetch anything.
"""

from __future__ import annotations

import calendar
import hashlib
import io
import re
import threading
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_tz
from types import ModuleType
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from store.aa.flags import split_flags
from store.aa.ids import aa_story_id, is_aa_url
from store.clock import sane_moment
from store.model import Entry, ParsedFeed
from store.parsing.fast import NoChannel, RawItem, read_fast
from store.text import clean_lang, clean_line, clean_url, html_to_text

if TYPE_CHECKING:
    import feedparser
    from feedparser.mixin import _FeedParserMixin


class FeedParseError(ValueError):
    """The bytes are not a feed at all (empty, an HTML page, JSON, no channel)."""


def parse_feed(
    data: bytes, *, url: str | None = None, lang: str | None = None, fast: bool = True
) -> ParsedFeed:
    """Parse one feed document; FeedParseError if it is not a feed.

    ``url`` is where the bytes came from (relative links resolve against it; a
    bare numeric guid on an aa.com.tr feed is an AA story id); ``lang`` is
    used when the feed does not name its language. ``fast=False`` skips the
    lxml path (tests and benchmarks compare the two).
    """
    if not data or not data.strip():
        raise FeedParseError("empty document")
    try:
        quick = read_fast(data) if fast else None
    except NoChannel as error:
        raise FeedParseError(str(error)) from None
    if quick is not None:
        title, link, feed_lang, raws = quick
        parser, problem = "lxml", None
    else:
        title, link, feed_lang, raws, problem = _parse_slow(data)
        parser = "feedparser"
    feed_link = _http_url(link, url)
    entry_lang = _lang(feed_lang) or _lang(lang)
    context = feed_link if url is None else url
    entries = [_entry(raw, context, url, entry_lang) for raw in raws]
    return ParsedFeed(
        title=clean_line(html_to_text(title)),
        link=feed_link,
        lang=entry_lang,
        entries=entries,
        problem=problem,
        parser=parser,
    )


# --- shared: raw strings -> Entry --------------------------------------------------------


def entry_from_raw(raw: RawItem, *, feed_url: str | None = None, lang: str | None = None) -> Entry:
    """One story's raw strings as an ``Entry``, as a feed's would be (sync servers use it).

    ``feed_url`` is the feed that carries it (an AA feed makes a bare numeric guid an AA id).
    """
    return _entry(raw, feed_url, feed_url, _lang(lang))


# A title longer than this is not a headline; it would only stall the list.
_LONGEST_TITLE = 1000


def _entry(raw: RawItem, feed_url: str | None, base: str | None, lang: str | None) -> Entry:
    link = _http_url(raw.link, base)
    guid = clean_line(raw.guid) or None
    # html_to_text only changes a title with a tag or an entity in it
    has_markup = "<" in raw.title or "&" in raw.title
    title, flags = split_flags(clean_line(html_to_text(raw.title) if has_markup else raw.title))
    if len(title) > _LONGEST_TITLE:
        title = title[: _LONGEST_TITLE - 1] + "…"
    summary = html_to_text(raw.summary)
    body = html_to_text(raw.content)
    if body == summary:
        body = ""  # feedparser copies content into an absent summary; keep it once
    published = _date(raw.published) or _date(raw.updated)
    updated = _date(raw.updated) if raw.published else None
    if updated is not None and published is not None and updated == published:
        updated = None
    story = aa_story_id(guid, link, feed_url=feed_url)
    if story is not None:
        key = f"aa:{story}"
    elif guid:
        key = f"guid:{guid}"
    elif link:
        key = f"link:{link}"
    else:
        stamp = published.isoformat() if published else (raw.published or "")
        key = "hash:" + hashlib.sha1(f"{title}\x1f{stamp}".encode()).hexdigest()
    image = next((u for u in (_http_url(i, base) for i in raw.images) if u), None)
    if lang is None and story is not None:
        lang = _aa_link_lang(link)
    return Entry(
        key=key,
        title=title,
        summary=summary,
        body=body,
        guid=guid,
        link=link,
        published=published,
        updated=updated,
        image=image,
        lang=lang,
        flags=flags,
    )


_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
# Whitespace (\s is str.isspace) and C0/DEL/C1 controls; a regex, as this runs on every URL.
_URL_BREAKERS = re.compile(r"[\s\x00-\x1f\x7f-\x9f]")


def _http_url(value: str | None, base: str | None = None) -> str | None:
    """An absolute http(s) URL, or None: other schemes are never kept."""
    value = (value or "").strip()
    if not value:
        return None
    if base and not _SCHEME.match(value):
        value = urljoin(base, value)
    if not value.lower().startswith(("http://", "https://")) or len(value) > 4096:
        return None
    if _URL_BREAKERS.search(value):
        return None  # a URL with whitespace or controls is not one a browser should get
    return clean_url(value) or None


def _lang(value: str | None) -> str | None:
    """'tr-TR' -> 'tr'; None for anything that is not a language tag."""
    return clean_lang(value)


def _aa_link_lang(link: str | None) -> str | None:
    """The language an AA link names first: https://www.aa.com.tr/tr/... -> 'tr'."""
    if not is_aa_url(link):
        return None
    segment = urlsplit(link or "").path.lstrip("/").split("/", 1)[0]
    return _lang(segment) if len(segment) == 2 else None


def _date(text: str | None) -> datetime | None:
    """An aware datetime keeping the stamp's own offset; naive means UTC; garbage None."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        moment = _stamp(text)
    except (ValueError, TypeError, IndexError, OverflowError, OSError):
        return None
    if moment is None:
        return None
    # A stamp from the future would pin the story to the top of every list; one
    # near year 1 or 9999 cannot even be converted to another time zone.
    return sane_moment(moment)


# The pubDate every AA item has: "Tue, 05 Mar 2024 14:30:00 +0300". Read here
# without email.utils (pure Python, the slowest step of an item); the same result.
_RFC822 = re.compile(
    r"(?:[A-Za-z]{3}, )?(\d{1,2}) ([A-Za-z]{3}) ([1-9]\d{3}) "
    r"(\d\d):(\d\d):(\d\d) ([+-])(\d\d)(\d\d)",
    re.ASCII,
)
_MONTHS = {
    m: n
    for n, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
_ZONES: dict[str, timezone] = {}


def _common_stamp(text: str) -> datetime | None:
    """The usual RFC 822 pubDate, or None to let the general readers try."""
    match = _RFC822.fullmatch(text)
    month = _MONTHS.get(match.group(2).lower()) if match else None
    if match is None or month is None:
        return None
    day, _, year, hour, minute, second, sign, zone_h, zone_m = match.groups()
    zone = _ZONES.get(sign + zone_h + zone_m)
    if zone is None:
        seconds = (int(zone_h) * 3600 + int(zone_m) * 60) * (-1 if sign == "-" else 1)
        zone = _ZONES.setdefault(sign + zone_h + zone_m, timezone(timedelta(seconds=seconds)))
    return datetime(int(year), month, int(day), int(hour), int(minute), int(second), tzinfo=zone)


def _stamp(text: str) -> datetime | None:
    common = _common_stamp(text)
    if common is not None:
        return common
    rfc822 = parsedate_tz(text)
    if rfc822 is not None:  # pubDate: "Tue, 05 Mar 2024 14:30:00 +0300" keeps its +03:00
        offset = rfc822[9]
        zone = UTC if offset is None else timezone(timedelta(seconds=offset))
        return datetime(*rfc822[:6], tzinfo=zone)
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    try:  # feedparser knows many odd formats, but only gives UTC
        parsed = _load_feedparser().datetimes._parse_date(text)
    except Exception:  # noqa: BLE001 - an odd date must not fail the feed
        return None
    return datetime.fromtimestamp(calendar.timegm(parsed), UTC) if parsed else None


# --- fallback: feedparser ----------------------------------------------------------------


_feedparser_loading = threading.Lock()


def _load_feedparser() -> ModuleType:
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

    encodings.lazy_chardet_encoding = _bounded_detection


def _parse_slow(data: bytes) -> tuple[str, str | None, str | None, list[RawItem], str | None]:
    """Read anything feedparser can, saying what was wrong with the document."""
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
    problem = None
    if result.get("bozo"):
        error = result.get("bozo_exception")
        if isinstance(error, str):
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
        entries = entries[:-1]
        problem = "the document ends inside a story; that story was left out" + (
            f"; {problem}" if problem else ""
        )
    raws = [_raw_from_feedparser(e) for e in entries]
    return feed.get("title", ""), feed.get("link"), feed.get("language"), raws, problem


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
    return _load_feedparser().parse(
        io.BytesIO(data), response_headers=headers, sanitize_html=True, resolve_relative_uris=False
    )


# The bytes where windows-1254 has ğ Ğ ı İ ş Ş and Latin-1 has ð Ð ý Ý þ Þ.
_TURKISH_BYTES = re.compile(rb"[\xd0\xdd\xde\xf0\xfd\xfe]")


def _looks_turkish_misread(data: bytes, result: feedparser.FeedParserDict) -> bool:
    """True when feedparser fell back to Latin-1 on bytes that read as Turkish letters.

    Turkish sites often send windows-1254 while declaring UTF-8 (or nothing); Latin-1
    turns "başlık" into "baþlýk". Both encodings agree on every other letter.
    """
    override = _load_feedparser().CharacterEncodingOverride
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
