"""AA's stamp line: "DD.MM.YYYY - <update label> : DD.MM.YYYY", in any language.

The label between the dates is never trusted: it arrives mangled by a Turkish
upper-casing ("Mıse À Jour", "Actualızacıón"), in Arabic ("محدث"), or not at
all. The line may start with the authors ("Merve Berker | 06.04.2021").

AA pages show dates without a time of day. ``resolve`` borrows it from the
feed's pubDate: a page date equal to the feed's date (in Istanbul time) keeps
the feed's exact time; another date gets the feed's time of day on that date,
or midnight Istanbul time (+03:00) when there is no feed time. An update that
lands on or before the publication time (AA shows "Güncelleme" with the
publication's own date on most stories) is no update: None, as ``store.parsing.feed``
does for a feed's updated == published.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

from store.text import clean_line

ISTANBUL = timezone(timedelta(hours=3), "+03")

_DATE = r"(\d{1,2})\.(\d{1,2})\.(\d{4})(?:\s+(\d{1,2})[:.](\d{2}))?"
_DATE_RE = re.compile(_DATE)
# The second date follows "-", then any label (or none), then ":"; or just "-".
_UPDATE_RE = re.compile(_DATE + r"\s*[-–—]\s*(?:[^\d:|]{0,40}?\s*:)?\s*" + _DATE)


@dataclass(frozen=True)
class UpdateStamp:
    """The dates a page's stamp line shows, and the names written before them."""

    published: date
    updated: date | None = None
    published_time: time | None = None
    updated_time: time | None = None
    authors: list[str] = field(default_factory=list)


def parse_stamp(text: str | None) -> UpdateStamp | None:
    """The stamp in ``text`` (a span.tarih, or a whole stamp line); None if no date."""
    line = clean_line(text)
    if not line:
        return None
    match = _UPDATE_RE.search(line)
    if match:
        first = _date(*match.group(1, 2, 3))
        second = _date(*match.group(6, 7, 8))
        if first is None:
            return None
        start = match.start()
        return UpdateStamp(
            published=first,
            updated=second,
            published_time=_time(*match.group(4, 5)),
            updated_time=_time(*match.group(9, 10)) if second else None,
            authors=_authors(line[:start]),
        )
    single = _DATE_RE.search(line)
    if single is None:
        return None
    published = _date(*single.group(1, 2, 3))
    if published is None:
        return None
    return UpdateStamp(
        published=published,
        published_time=_time(*single.group(4, 5)),
        authors=_authors(line[: single.start()]),
    )


def resolve(
    stamp: UpdateStamp, feed_published: datetime | None
) -> tuple[datetime, datetime | None]:
    """Aware publication and update times from a stamp and the feed's pubDate."""
    published = _moment(stamp.published, stamp.published_time, feed_published)
    if stamp.updated is None:
        return published, None
    updated = _moment(stamp.updated, stamp.updated_time, feed_published)
    if updated <= published:
        return published, None  # an update on the day, time unknown, says nothing new
    return published, updated


def _moment(day: date, clock_time: time | None, feed: datetime | None) -> datetime:
    if clock_time is not None:
        return datetime.combine(day, clock_time, ISTANBUL)
    if feed is None:
        return datetime.combine(day, time(0, 0), ISTANBUL)
    local = feed.astimezone(ISTANBUL) if feed.tzinfo else feed.replace(tzinfo=ISTANBUL)
    if local.date() == day:
        return feed
    return datetime.combine(day, local.timetz().replace(tzinfo=None), ISTANBUL)


def _date(day: str, month: str, year: str) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def _time(hour: str | None, minute: str | None) -> time | None:
    if hour is None or minute is None:
        return None
    try:
        return time(int(hour), int(minute))
    except ValueError:
        return None


_AUTHOR_SPLIT = re.compile(r"\s*(?:,|;|\band\b|\bve\b|\bet\b|\by\b|\bи\b|و\s)\s*")


def split_authors(text: str | None) -> list[str]:
    """Names from "By A and B", "A, B" or "A ve B"; empty for no names."""
    line = clean_line(text).strip(" |-–—")
    line = re.sub(r"^(?:by|par|por|от)\s+", "", line, flags=re.IGNORECASE)
    names = [name.strip(" |-–—") for name in _AUTHOR_SPLIT.split(line)]
    return [name for name in names if name and len(name) <= 80]


def _authors(prefix: str) -> list[str]:
    return split_authors(prefix.replace("|", " "))
