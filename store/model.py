"""Plain data that flows from the parser to the database and on to the screen.

Nothing here imports Textual or Rich: the screen and the CLI read these.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class Entry:
    """One story as a feed (or an article page) gives it, before storage.

    ``key`` is the story's identity: ``aa:<numeric id>`` for AA stories (shared
    across every AA feed that carries it), else ``guid:``, ``link:`` or
    ``hash:`` (scoped to the feed by the database).
    """

    key: str
    title: str = ""
    summary: str = ""
    guid: str | None = None
    link: str | None = None
    published: datetime | None = None
    updated: datetime | None = None
    image: str | None = None
    lang: str | None = None
    body: str = ""
    dateline: str | None = None
    location: str | None = None
    category: str | None = None
    authors: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)


@dataclass
class ParsedFeed:
    """What one feed document holds."""

    title: str = ""
    link: str | None = None
    lang: str | None = None
    entries: list[Entry] = field(default_factory=list)
    # Why the parser had to work around the document ("not well-formed", ...), if it did.
    problem: str | None = None
    parser: str = "feedparser"
    # What the feed is marked with though its stories were read: the document is cut short
    # (its validators are then not kept: the next refresh reads the feed whole again).
    error: str | None = None
    # fold() of its stories' texts, made where it was parsed (a refresh's worker
    # process), so the storing thread's search index trigger finds them folded.
    folded: dict[str, str] = field(default_factory=dict)


@dataclass
class Feed:
    """A subscribed feed, with its fetch state."""

    id: int
    url: str
    title: str
    lang: str | None = None
    category: str | None = None
    source: str | None = None
    site_url: str | None = None
    tags: list[str] = field(default_factory=list)
    etag: str | None = None
    last_modified: str | None = None
    last_fetched: str | None = None
    last_status: int | None = None
    last_error: str | None = None
    last_error_at: str | None = None
    failures: int = 0
    paused: bool = False
    unread: int = 0
    total: int = 0
    folder: str = ""  # the user's folder, "" for none; "News/World" nests
    settings: FeedSettings = field(default_factory=lambda: FeedSettings())


@dataclass
class FeedSettings:
    """A feed's own settings; None means "as the config says"."""

    refresh_minutes: float | None = None  # at most one fetch this often
    full_text: bool | None = None  # read its stories' article pages
    max_stories: int | None = None  # keep this many newest (store/retention.py)
    max_age_days: float | None = None  # keep stories this young


# The sane range of each number a feed (and the config, for every feed) may set, with
# its unit: 1e9 minutes would never come due, 10.5 stories is no count. Others are refused.
RANGES: dict[str, tuple[float, float, str]] = {
    "refresh_minutes": (1, 366 * 24 * 60, "minutes (a year)"),
    "max_stories": (1, 10_000_000, "stories"),
    "max_age_days": (0.001, 100 * 366, "days (100 years)"),
}


@dataclass
class Revision:
    """An earlier version of a story, as it stood until ``seen_at``."""

    id: int
    item_id: int
    seen_at: str
    title: str
    summary: str
    body: str
    updated: datetime | None


@dataclass
class Item:
    """A stored story, as the screen and the CLI show it."""

    id: int
    key: str
    title: str
    summary: str = ""
    body: str = ""
    guid: str | None = None
    link: str | None = None
    published: datetime | None = None
    updated: datetime | None = None
    lang: str | None = None
    image: str | None = None
    dateline: str | None = None
    location: str | None = None
    category: str | None = None
    authors: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    first_seen: str = ""
    changed_at: str | None = None
    read: bool = False
    starred: bool = False
    is_updated: bool = False
    hidden: bool = False
    full_text_at: str | None = None
    full_text_error: str | None = None
    tags: list[str] = field(default_factory=list)
    feeds: list[int] = field(default_factory=list)
    revision_count: int = 0
