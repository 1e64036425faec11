"""An account's subscriptions as aanews feeds, each filed in its folder on the server.

Pulling makes the account's feeds match the server's ``subscription/list``: a
new subscription becomes a feed (``account_id`` and the server's stream id
set), a renamed one takes its new name, one gone from the server goes here
too (its starred and tagged stories stay, as with ``feeds remove``).
Subscribing and unsubscribing in aanews are queued for the server
(``store.sync.queue``) and go out at the next sync.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlite_utils import Database

from store import clock
from store.db import writing
from store.feeds import FeedError, feed_url, get_feed, is_fetchable_url, remove_feed, set_folder
from store.sync.accounts import account_of_feed
from store.sync.queue import queue_subscription
from store.sync.quirks import label_name
from store.text import clean_line, clean_url

if TYPE_CHECKING:  # the HTTP stack loads when a sync runs, not when a feed is removed
    from store.sync.client import GReaderClient


@dataclass
class AccountFeed:
    """One of an account's feeds, as a story on the server names it."""

    id: int
    url: str
    lang: str | None = None


@dataclass
class Subscriptions:
    """An account's feeds by the server's stream id, and the names of its folders."""

    feeds: dict[str, AccountFeed] = field(default_factory=dict)
    folders: set[str] = field(default_factory=set)


def pull_subscriptions(db: Database, client: GReaderClient, account_id: int) -> Subscriptions:
    """Make the account's feeds match the server's subscription list."""
    answer = client.get_json("subscription/list")
    listed = answer.get("subscriptions") if isinstance(answer, dict) else None
    if not isinstance(listed, list):
        from store.sync.client import SyncError

        raise SyncError(f"{client.base}: subscription/list did not list subscriptions")
    result = Subscriptions()
    with writing(db):
        for sub in listed:
            if not isinstance(sub, dict) or not isinstance(sub.get("id"), str):
                continue
            folders = _folders(sub)
            result.folders.update(folders)
            feed = _keep_feed(db, account_id, client.base, sub)
            # A Google Reader subscription may sit in several folders; aanews files it in one.
            set_folder(db, feed.id, sorted(folders)[0] if folders else "")
            result.feeds[clean_line(sub["id"])] = feed
        _drop_unlisted(db, account_id, {feed.id for feed in result.feeds.values()})
    return result


def subscribe(
    db: Database, account_id: int, url: str, *, title: str | None = None, folder: str | None = None
) -> int:
    """Subscribe the account to ``url``: a feed now, on the server at the next sync."""
    url = feed_url(url)
    stream = f"feed/{url}"
    if db.execute(
        "SELECT 1 FROM feeds WHERE account_id = ? AND (url = ? OR remote_id = ?)",
        [account_id, url, stream],
    ).fetchone():
        raise FeedError(f"the account already has {url}")
    with writing(db):
        feed_id = _insert_feed(db, account_id, stream, url, clean_line(title or ""), url)
        if folder:
            set_folder(db, feed_id, folder)
        queue_subscription(
            db, account_id, "subscribe", stream=stream, value=_subscribe_value(title, folder)
        )
    return feed_id


def unsubscribe(db: Database, feed_id: int) -> int:
    """Unsubscribe an account's feed: gone here now, on the server at the next sync.

    Returns how many stories went (starred and tagged ones stay).
    """
    row = db.execute(
        "SELECT account_id, remote_id FROM feeds WHERE id = ? AND account_id IS NOT NULL",
        [feed_id],
    ).fetchone()
    if row is None:
        raise FeedError(f"feed {feed_id} does not come through a sync account")
    with writing(db):
        queue_subscription(db, int(row[0]), "unsubscribe", stream=str(row[1]))
        return remove_feed(db, feed_id)


@dataclass(frozen=True)
class Removed:
    """A feed removed: how many of its stories went; ``synced`` when its account's
    server is told at the next sync."""

    deleted: int
    synced: bool


def remove_subscription(db: Database, feed_id: int) -> Removed:
    """THE way a feed is removed (``aanews feeds remove``, the feed manager's ``d``): a
    sync account's feed is unsubscribed on its server at the next sync (else the next
    pull would bring it back), any other just goes. Starred and tagged stories stay."""
    get_feed(db, feed_id)  # FeedError for a feed that is not there
    if account_of_feed(db, feed_id) is not None:
        return Removed(unsubscribe(db, feed_id), synced=True)
    return Removed(remove_feed(db, feed_id), synced=False)


def _subscribe_value(title: str | None, folder: str | None) -> str | None:
    """What a queued subscribe carries besides the URL: "title\\x1ffolder"."""
    if not title and not folder:
        return None
    return f"{clean_line(title or '')}\x1f{clean_line(folder or '')}"


def _folders(sub: dict[str, Any]) -> set[str]:
    names: set[str] = set()
    for category in sub.get("categories") or []:
        if isinstance(category, dict):
            name = label_name(category.get("id")) or clean_line(str(category.get("label") or ""))
            if name:
                names.add(name)
    return names


def _keep_feed(db: Database, account_id: int, base: str, sub: dict[str, Any]) -> AccountFeed:
    """The feed for one subscription: found by stream id (or URL, after a subscribe), or new."""
    stream = clean_line(sub["id"])
    # Server text: cleaned like any feed's before it is stored or shown.
    url = clean_url(sub.get("url")) if isinstance(sub.get("url"), str) else None
    url = feed_url(url) if url and is_fetchable_url(url) else None  # as a local feed's
    title = clean_line(str(sub.get("title") or ""))
    site = clean_url(sub.get("htmlUrl")) if isinstance(sub.get("htmlUrl"), str) else None
    site = site if site and is_fetchable_url(site) else None
    row = db.execute(
        "SELECT id, url, lang FROM feeds WHERE account_id = ? AND remote_id = ?",
        [account_id, stream],
    ).fetchone()
    if row is None and url:
        # A subscription made from aanews, known by its URL until the server named it.
        row = db.execute(
            "SELECT id, url, lang FROM feeds WHERE account_id = ? AND remote_id = ?",
            [account_id, f"feed/{url}"],
        ).fetchone()
    if row is None:
        feed_id = _insert_feed(db, account_id, stream, url or "", title, f"{base}#{stream}")
        row = (feed_id, url or "", None)
    db.execute(
        "UPDATE feeds SET remote_id = ?, feed_title = COALESCE(NULLIF(?, ''), feed_title), "
        "site_url = COALESCE(?, site_url) WHERE id = ?",
        [stream, title, site, row[0]],
    )
    return AccountFeed(int(row[0]), url or str(row[1]), row[2])


def _insert_feed(
    db: Database, account_id: int, stream: str, url: str, title: str, fallback: str
) -> int:
    """A new feed row for the account. Feed URLs are unique: a URL another feed has
    (a local feed, another account) gets the account's mark after a '#'."""
    wanted = url or fallback
    if db.execute("SELECT 1 FROM feeds WHERE url = ?", [wanted]).fetchone():
        wanted = f"{wanted}#aanews-account-{account_id}"
    position = db.execute("SELECT COALESCE(MAX(position), 0) + 1 FROM feeds").fetchone()[0]
    cursor = db.execute(
        "INSERT INTO feeds (url, feed_title, account_id, remote_id, position, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [wanted, title, account_id, stream, position, clock.now_iso()],
    )
    return int(cursor.lastrowid or 0)


def _drop_unlisted(db: Database, account_id: int, kept: set[int]) -> None:
    """Feeds the server no longer lists go, unless their subscribe is still queued."""
    waiting = {
        row[0]
        for row in db.execute(
            "SELECT remote_id FROM sync_queue WHERE account_id = ? AND action = 'subscribe'",
            [account_id],
        )
    }
    for feed_id, stream in db.execute(
        "SELECT id, remote_id FROM feeds WHERE account_id = ?", [account_id]
    ).fetchall():
        if feed_id not in kept and stream not in waiting:
            remove_feed(db, feed_id)
