"""The JSON shapes scripts see: one function per shape (story, feed, tag, saved search).

``search --json``, ``show --json``, ``feeds list --json``, ``tags --json`` and
``export --json`` all print through these, so a key means the same thing
everywhere. Keys are only ever added, never renamed.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from store import clock
from store.model import Feed, Item, Revision
from store.search.saved import SavedSearch
from store.sync.accounts import Account
from store.tags import TagCount


def story_json(item: Item) -> dict[str, Any]:
    """A story as a list of results shows it (``search --json``)."""
    return {
        "id": item.id,
        "guid": item.guid,
        "link": item.link,
        "title": item.title,
        "summary": item.summary,
        "published": clock.to_iso(item.published),
        "updated": clock.to_iso(item.updated),
        "lang": item.lang,
        "image": item.image,
        "dateline": item.dateline,
        "tags": item.tags,
        "feeds": item.feeds,
        "read": item.read,
        "starred": item.starred,
    }


def story_detail_json(item: Item, earlier: list[Revision]) -> dict[str, Any]:
    """``story_json`` plus the full text, AA fields and every earlier version (``show``)."""
    return {
        **story_json(item),
        "body": item.body,
        "location": item.location,
        "category": item.category,
        "authors": item.authors,
        "flags": item.flags,
        "keywords": item.keywords,
        "is_updated": item.is_updated,
        "hidden": item.hidden,
        "revisions": [revision_json(revision) for revision in earlier],
    }


def revision_json(revision: Revision) -> dict[str, Any]:
    """An earlier version of a story."""
    return {
        "seen_at": revision.seen_at,
        "title": revision.title,
        "summary": revision.summary,
        "body": revision.body,
        "updated": clock.to_iso(revision.updated),
    }


def feed_json(feed: Feed) -> dict[str, Any]:
    """A feed with its state and counts (``feeds list --json``)."""
    return {
        "id": feed.id,
        "url": feed.url,
        "title": feed.title,
        "lang": feed.lang,
        "category": feed.category,
        "tags": feed.tags,
        "unread": feed.unread,
        "total": feed.total,
        "last_fetched": feed.last_fetched,
        "last_status": feed.last_status,
        "last_error": feed.last_error,
        "last_error_at": feed.last_error_at,
        "failures": feed.failures,
        "paused": feed.paused,
        "folder": feed.folder,
        "settings": asdict(feed.settings),
    }


def tag_json(tag: TagCount) -> dict[str, Any]:
    """A tag with how many stories carry it (``tags --json``)."""
    return {"name": tag.name, "count": tag.count, "unread": tag.unread}


def saved_search_json(search: SavedSearch) -> dict[str, Any]:
    """A saved search with its counts (``searches list --json``)."""
    return {
        "id": search.id,
        "name": search.name,
        "query": search.query,
        "unread": search.unread,
        "total": search.total,
    }


def account_json(account: Account) -> dict[str, Any]:
    """A sync account and its status (``account list --json``); never its password."""
    return {
        "id": account.id,
        "kind": account.kind,
        "url": account.url,
        "user": account.user,
        "server": account.server,
        "status": account.status,
        "last_sync": account.last_sync,
        "last_error": account.last_error,
        "last_error_at": account.last_error_at,
        "feeds": account.feeds,
        "queued": account.queued,
    }
