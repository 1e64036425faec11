"""A restored file's records checked field by field: what a backup may put back.

An ``export --json`` file is input like any other: it may have been edited, or
written by someone else. Each story and feed is checked before anything is
stored: a flag is a JSON boolean (the string "false" is not false), a link is
http(s) (never ``javascript:`` or ``file:``), a date is ISO 8601 within the
store's range and not in the future, text is cleaned (``store.text``). A record
that fails names its field in a ``RecordError``; the caller skips that record
and says why.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from store import clock
from store.feeds import is_fetchable_url
from store.text import clean_lang, clean_line, clean_url, strip_controls


class RecordError(ValueError):
    """One record of a restored file that cannot be taken; the message names the field."""


@dataclass
class StoryVersion:
    """An earlier version of a story, as a backup holds it."""

    seen_at: str
    title: str
    summary: str
    body: str
    updated: str | None


@dataclass
class StoryRecord:
    """A story of a backup, every field checked and cleaned."""

    key: str
    guid: str | None = None
    link: str | None = None
    title: str = ""
    summary: str = ""
    body: str = ""
    published: datetime | None = None
    updated: datetime | None = None
    first_seen: datetime | None = None
    lang: str | None = None
    image: str | None = None
    dateline: str | None = None
    location: str | None = None
    category: str | None = None
    authors: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    feeds: list[int] = field(default_factory=list)
    feed_sig: str | None = None
    read: bool = False
    starred: bool = False
    hidden: bool = False
    is_updated: bool = False
    revisions: list[StoryVersion] = field(default_factory=list)

    def lines_json(self, name: str) -> str:
        """authors, flags or keywords as the items table keeps them (a JSON list)."""
        return json.dumps(getattr(self, name), ensure_ascii=False)


@dataclass
class FeedRecord:
    """A feed of a backup, checked and cleaned."""

    old_id: int | None
    url: str
    title: str | None = None
    lang: str | None = None
    category: str | None = None
    source: str | None = None
    site_url: str | None = None
    tags: list[str] = field(default_factory=list)
    folder: str = ""


def story_record(raw: Any) -> StoryRecord:
    """Check one story of a backup; RecordError naming the first bad field."""
    if not isinstance(raw, dict):
        raise RecordError("a story must be a JSON object")
    key = line(raw, "key")
    if not key:
        raise RecordError("key: a story needs its key")
    story = StoryRecord(
        key=key,
        guid=line(raw, "guid"),
        link=link(raw, "link"),
        title=line(raw, "title") or "",
        summary=text(raw, "summary"),
        body=text(raw, "body"),
        published=moment(raw, "published"),
        updated=moment(raw, "updated"),
        first_seen=moment(raw, "first_seen"),
        lang=language(raw, "lang"),
        image=link(raw, "image"),
        dateline=line(raw, "dateline"),
        location=line(raw, "location"),
        category=line(raw, "category"),
        authors=lines(raw, "authors"),
        flags=lines(raw, "flags"),
        keywords=lines(raw, "keywords"),
        tags=lines(raw, "tags"),
        feeds=integers(raw, "feeds"),
        feed_sig=line(raw, "feed_sig"),
        read=flag(raw, "read"),
        starred=flag(raw, "starred"),
        hidden=flag(raw, "hidden"),
        is_updated=flag(raw, "is_updated"),
    )
    versions = raw.get("revisions")
    if versions is not None and not isinstance(versions, list):
        raise RecordError(f"revisions: expected a list, got {_kind(versions)}")
    for number, version in enumerate(versions or [], start=1):
        if not isinstance(version, dict):
            raise RecordError(f"revisions[{number}]: expected an object, got {_kind(version)}")
        try:
            seen_at = moment(version, "seen_at")
            updated = moment(version, "updated")
            story.revisions.append(
                StoryVersion(
                    seen_at=clock.to_iso(seen_at) or clock.now_iso(),
                    title=line(version, "title") or "",
                    summary=text(version, "summary"),
                    body=text(version, "body"),
                    updated=clock.to_iso(updated),
                )
            )
        except RecordError as error:
            raise RecordError(f"revisions[{number}].{error}") from None
    return story


def feed_record(raw: Any) -> FeedRecord:
    """Check one feed of a backup; RecordError naming the first bad field."""
    if not isinstance(raw, dict):
        raise RecordError("a feed must be a JSON object")
    url = clean_url(_string(raw, "url") or "").strip()
    if not is_fetchable_url(url):
        raise RecordError("url: not http(s)")
    old_id = raw.get("id")
    if old_id is not None and (isinstance(old_id, bool) or not isinstance(old_id, int)):
        raise RecordError(f"id: expected a number, got {_kind(old_id)}")
    return FeedRecord(
        old_id=old_id,
        url=url,
        title=line(raw, "title"),
        lang=language(raw, "lang"),
        category=line(raw, "category"),
        source=line(raw, "source"),
        site_url=link(raw, "site_url"),
        tags=lines(raw, "tags"),
        folder=line(raw, "folder") or "",
    )


def flag(record: dict[str, Any], name: str) -> bool:
    """A JSON true or false (absent or null: false); "false" the string is refused."""
    value = record.get(name)
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise RecordError(f"{name}: expected true or false, got {_kind(value)}")


def link(record: dict[str, Any], name: str) -> str | None:
    """An http(s) URL, cleaned; absent or empty gives None, any other scheme is refused."""
    value = clean_url(_string(record, name)).strip()
    if not value:
        return None
    if not is_fetchable_url(value) or len(value) > 4096:
        raise RecordError(f"{name}: only http(s) links are restored, not {value[:40]!r}")
    return value


def moment(record: dict[str, Any], name: str) -> datetime | None:
    """An ISO 8601 date between 1900 and now (a day's slack); absent gives None."""
    value = _string(record, name)
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise RecordError(f"{name}: not an ISO 8601 date: {clean_line(value)[:40]!r}") from None
    sane = clock.sane_moment(parsed)
    if sane is None:
        raise RecordError(
            f"{name}: {clean_line(value)[:40]} is out of range (before 1900 or in the future)"
        )
    return sane


def line(record: dict[str, Any], name: str) -> str | None:
    """One line of text, cleaned; None when absent or empty."""
    return clean_line(_string(record, name)) or None


def text(record: dict[str, Any], name: str) -> str:
    """Paragraphs of text, cleaned of controls (absent gives '')."""
    return strip_controls(_string(record, name)).strip()


def language(record: dict[str, Any], name: str) -> str | None:
    """A language code ('tr'), or None; anything else is dropped rather than refused."""
    return clean_lang(_string(record, name))


def lines(record: dict[str, Any], name: str) -> list[str]:
    """A list of strings, each cleaned to one line, empty ones left out."""
    value = record.get(name)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RecordError(f"{name}: expected a list of strings, got {_kind(value)}")
    return [cleaned for cleaned in (clean_line(v) for v in value) if cleaned]


def integers(record: dict[str, Any], name: str) -> list[int]:
    """A list of whole numbers (feed ids)."""
    value = record.get(name)
    if value is None:
        return []
    if not isinstance(value, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in value
    ):
        raise RecordError(f"{name}: expected a list of numbers, got {_kind(value)}")
    return list(value)


def _string(record: dict[str, Any], name: str) -> str:
    value = record.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise RecordError(f"{name}: expected a string, got {_kind(value)}")
    return value


def _kind(value: Any) -> str:
    if isinstance(value, str):
        return f"the string {clean_line(value)[:30]!r}"
    return {
        bool: "a boolean",
        int: "a number",
        float: "a number",
        list: "a list",
        dict: "an object",
        type(None): "null",
    }.get(type(value), type(value).__name__)
