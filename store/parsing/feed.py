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
import re
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_tz
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from store import clock
from store.aa.flags import split_flags
from store.aa.ids import aa_story_id, is_aa_url
from store.model import Entry, ParsedFeed
from store.parsing.fast import NoChannel, RawItem, read_fast
from store.parsing.slow import FeedParseError, load_feedparser, parse_slow
from store.text import clean_lang, clean_line, clean_url, html_to_text

if TYPE_CHECKING:
    pass


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
        parser, problem, cut = "lxml", None, False
    else:
        title, link, feed_lang, raws, problem, cut = parse_slow(data)
        parser = "feedparser"
    feed_link = _http_url(link, url)
    entry_lang = _lang(feed_lang) or _lang(lang)
    context = feed_link if url is None else url
    latest = clock.now() + clock.FUTURE_SLACK  # one reading of the clock a document
    entries = [_entry(raw, context, url, entry_lang, latest) for raw in raws]
    return ParsedFeed(
        title=clean_line(html_to_text(title)),
        link=feed_link,
        lang=entry_lang,
        entries=entries,
        problem=problem,
        parser=parser,
        error=problem if cut else None,
    )


# --- shared: raw strings -> Entry --------------------------------------------------------


def entry_from_raw(raw: RawItem, *, feed_url: str | None = None, lang: str | None = None) -> Entry:
    """One story's raw strings as an ``Entry``, as a feed's would be (sync servers use it).

    ``feed_url`` is the feed that carries it (an AA feed makes a bare numeric guid an AA id).
    """
    return _entry(raw, feed_url, feed_url, _lang(lang), clock.now() + clock.FUTURE_SLACK)


# A title longer than this is not a headline; it would only stall the list.
_LONGEST_TITLE = 1000
_LONGEST_CATEGORY = 200


def _entry(
    raw: RawItem, feed_url: str | None, base: str | None, lang: str | None, latest: datetime
) -> Entry:
    """``latest``: the latest stamp a story may have (sane_moment's: now and a day)."""
    link = _http_url(raw.link, base)
    guid = clean_line(raw.guid) or None
    if guid is not None and guid == link:
        guid = link  # one string, sent to the parent once
    title = _line(raw.title)
    # split_flags takes a prefix that ends in a dash or a colon, and only such a one
    flagged = "-" in title or ":" in title or "–" in title or "—" in title
    title, flags = split_flags(title) if flagged else (title, [])
    if len(title) > _LONGEST_TITLE:
        title = title[: _LONGEST_TITLE - 1] + "…"
    summary = html_to_text(raw.summary)
    body = html_to_text(raw.content)
    if body == summary:
        body = ""  # feedparser copies content into an absent summary; keep it once
    updated = _date(raw.updated, latest) if raw.updated else None
    published = (_date(raw.published, latest) if raw.published else None) or updated
    if not raw.published:
        updated = None
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
    image = None
    for candidate in raw.images:
        if image := _http_url(candidate, base):
            break
    if lang is None and story is not None:
        lang = _aa_link_lang(link)
    # the item's own section; an AA item has none (its feed's slug and its page's say it)
    category = _line(raw.category)[:_LONGEST_CATEGORY] or None
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
        category=category,
        flags=flags,
    )


def _line(text: str) -> str:
    """A title or a category as one clean line (html_to_text only changes one with a tag
    or an entity in it)."""
    return clean_line(html_to_text(text) if "<" in text or "&" in text else text)


_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
# Whitespace (\s is str.isspace) and C0/DEL/C1 controls; a regex, as this runs on every URL.
_URL_BREAKERS = re.compile(r"[\s\x00-\x1f\x7f-\x9f]")


def _http_url(value: str | None, base: str | None = None) -> str | None:
    """An absolute http(s) URL, or None: other schemes are never kept."""
    value = (value or "").strip()
    if not value:
        return None
    if value.startswith(("https://", "http://")) and len(value) <= 4096 and value.isascii():
        # most are: printable ASCII without a space has nothing the steps below take
        if value.isprintable() and " " not in value:
            return value
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


def _date(text: str | None, latest: datetime) -> datetime | None:
    """An aware datetime keeping the stamp's own offset; naive means UTC; garbage None;
    past ``latest`` None."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        moment = _common_stamp(text) or _stamp(text)
    except (ValueError, TypeError, IndexError, OverflowError, OSError):
        return None
    if moment is None:
        return None
    # A stamp from the future would pin the story to the top of every list; one
    # near year 1 or 9999 cannot even be converted to another time zone.
    if moment.tzinfo is not None and 1901 <= moment.year <= 2198:
        # clock.sane_moment, made cheap: in EARLIEST..LATEST whatever its offset
        return moment if moment <= latest else None
    moment = clock.sane_moment(moment)
    return moment if moment is None or moment <= latest else None


# The pubDate every AA item has: "Tue, 05 Mar 2024 14:30:00 +0300". Read here
# without email.utils (pure Python, the slowest step of an item); the same result.
_RFC822 = re.compile(
    r"(?:[A-Za-z]{3}, )?(\d{1,2}) ([A-Za-z]{3}) ([1-9]\d{3}) "
    r"(\d\d):(\d\d):(\d\d) ([+-])(\d\d)(\d\d)",
    re.ASCII,
)
_MONTHS = {
    spelling: n
    for n, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
    for spelling in (m, m.title(), m.upper())
}
_ZONES: dict[str, timezone] = {}


def _common_stamp(text: str) -> datetime | None:
    """The usual RFC 822 pubDate, or None to let the general readers try."""
    match = _RFC822.fullmatch(text)
    if match is None:
        return None
    day, name, year, hour, minute, second, sign, zone_h, zone_m = match.groups()
    month = _MONTHS.get(name) or _MONTHS.get(name.lower())
    if month is None:
        return None
    zone = _ZONES.get(text[-5:])  # the offset ends the stamp: "+0300"
    if zone is None:
        seconds = (int(zone_h) * 3600 + int(zone_m) * 60) * (-1 if sign == "-" else 1)
        zone = _ZONES.setdefault(text[-5:], timezone(timedelta(seconds=seconds)))
    return datetime(int(year), month, int(day), int(hour), int(minute), int(second), tzinfo=zone)


def _stamp(text: str) -> datetime | None:
    """A stamp that is not the usual pubDate (_common_stamp reads that)."""
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
        parsed = load_feedparser().datetimes._parse_date(text)
    except Exception:  # noqa: BLE001 - an odd date must not fail the feed
        return None
    return datetime.fromtimestamp(calendar.timegm(parsed), UTC) if parsed else None
