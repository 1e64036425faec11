"""Stories from a sync server, page by page, through the same path as a fetched feed's.

Each server story becomes the raw strings of a feed item and goes through
``store.parsing.feed.entry_from_raw`` (AA identity from the link, flags, text
cleaning) and ``store.ingest.store_feed`` (revisions, rules), so a story the
server carries and the same story fetched from AA are one story with several
feeds. One page is in memory at a time and is stored in one transaction.

Times: the API gives seconds since 1970. AA stories are stamped in Istanbul
time (+03:00), as AA's own feeds stamp them; others in UTC.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlite_utils import Database

from store.aa.ids import is_aa_url
from store.aa.stamps import ISTANBUL
from store.db import in_chunks, writing
from store.ingest import NewItemsHook, scoped_key, store_feed
from store.model import Entry, ParsedFeed
from store.parsing.fast import RawItem
from store.parsing.feed import entry_from_raw
from store.sync.client import GReaderClient, SyncError
from store.sync.quirks import READING_LIST, Quirks, label_name, state_name
from store.sync.subscriptions import Subscriptions

# Stories per stream/contents page (a page holds stories of many feeds, each feed's
# its own ingest call: larger pages mean fewer calls; ~3 MB of JSON at most).
PAGE_SIZE = 1000
# Ids per stream/items/contents call.
CONTENTS_BATCH = 250
# Ids per stream/items/ids page.
IDS_PAGE_SIZE = 10_000
# A stream longer than this many pages is a server repeating itself.
MOST_PAGES = 10_000


@dataclass
class ServerStory:
    """One server story: its id, its feed, the entry made from it, and its states."""

    key: str
    stream: str
    entry: Entry
    read: bool
    starred: bool
    labels: set[str]
    crawled: int  # when the server first saw it, in microseconds (0: it does not say)


@dataclass
class PageResult:
    """What storing pages did."""

    new_ids: list[int] = field(default_factory=list)
    updated_ids: list[int] = field(default_factory=list)
    stories: int = 0
    newest: int | None = None  # newest crawl time seen, microseconds


def story_pages(client: GReaderClient, since: int | None) -> Iterator[list[dict[str, Any]]]:
    """The reading list, newest first, a page at a time; only what the server saw after
    ``since`` (microseconds) when given.

    ``ot`` counts whole seconds, and FreshRSS gives a whole fetch run one moment, so
    it also returns the stories of the second already seen: the paging stops at the
    first page that reaches ``since``, and ``is_new`` leaves those stories out.
    """
    seconds = since // 1_000_000 if since is not None else None
    if not client.quirks.stream_contents:
        yield from _pages_by_ids(client, seconds)
        return
    params: list[tuple[str, str | int]] = [("n", PAGE_SIZE)]
    if seconds is not None and client.quirks.honours_ot:
        params.append(("ot", seconds))
    continuation: str | None = None
    for _ in range(MOST_PAGES):
        asked = params + ([("c", continuation)] if continuation else [])
        answer = client.get_json("stream/contents/" + READING_LIST, asked)
        if isinstance(answer, list) and not answer:
            # Miniflux answers [] for calls it does not have: ask by ids instead.
            yield from _pages_by_ids(client, seconds)
            return
        items = answer.get("items") if isinstance(answer, dict) else None
        if not isinstance(items, list):
            raise SyncError(f"{client.base}: stream/contents did not list stories")
        yield items
        following = answer.get("continuation")
        if not items or not isinstance(following, str | int) or str(following) == continuation:
            return
        crawled = [c for c in map(_crawled, items) if c]
        if since is not None and crawled and min(crawled) <= since:
            return  # the rest was seen before (a server that ignores ot gets here too)
        continuation = str(following)


def id_pages(
    client: GReaderClient, stream: str, *, exclude: str | None = None, since: int | None = None
) -> Iterator[list[str]]:
    """The item ids of a stream (kept form), a page at a time."""
    params: list[tuple[str, str | int]] = [("s", stream), ("n", IDS_PAGE_SIZE)]
    if exclude:
        params.append(("xt", exclude))
    if since is not None and client.quirks.honours_ot:
        params.append(("ot", since))
    continuation: str | None = None
    for _ in range(MOST_PAGES):
        asked = params + ([("c", continuation)] if continuation else [])
        answer = client.get_json("stream/items/ids", asked)
        refs = answer.get("itemRefs") if isinstance(answer, dict) else None
        if not isinstance(refs, list):
            raise SyncError(f"{client.base}: stream/items/ids did not list ids")
        keys = [client.quirks.item_key(r.get("id")) for r in refs if isinstance(r, dict)]
        yield [key for key in keys if key]
        following = answer.get("continuation")
        if not refs or not isinstance(following, str | int) or str(following) == continuation:
            return
        continuation = str(following)


def _pages_by_ids(client: GReaderClient, since: int | None) -> Iterator[list[dict[str, Any]]]:
    for keys in id_pages(client, READING_LIST, since=since):
        for start in range(0, len(keys), CONTENTS_BATCH):
            chunk = keys[start : start + CONTENTS_BATCH]
            answer = client.post_json(
                "stream/items/contents", [("i", client.quirks.item_ref(k)) for k in chunk]
            )
            items = answer.get("items") if isinstance(answer, dict) else None
            if not isinstance(items, list):
                raise SyncError(f"{client.base}: stream/items/contents did not list stories")
            yield items


def read_story(item: Any, quirks: Quirks, subs: Subscriptions) -> ServerStory | None:
    """One story from the API's JSON; None for one without an id or a known feed."""
    if not isinstance(item, dict):
        return None
    key = quirks.item_key(item.get("id"))
    origin = item.get("origin") if isinstance(item.get("origin"), dict) else {}
    stream = origin.get("streamId") if isinstance(origin, dict) else None
    feed = subs.feeds.get(stream) if isinstance(stream, str) else None
    if key is None or feed is None or not isinstance(stream, str):
        return None
    link = _link(item)
    zone = ISTANBUL if is_aa_url(link) else UTC
    summary, content = _html(item.get("summary")), _html(item.get("content"))
    if not summary:
        summary, content = content, ""  # a feed's description travels as the content
    raw = RawItem(
        link=link,
        title=quirks.title(str(item.get("title") or "")),
        summary=summary,
        content=content,
        published=_stamp(item.get("published"), zone),
        updated=_stamp(item.get("updated"), zone),
        images=[
            str(e.get("href"))
            for e in item.get("enclosure") or []
            if isinstance(e, dict) and str(e.get("type") or "").startswith("image")
        ],
    )
    states = {state_name(c) for c in item.get("categories") or []}
    labels = {label_name(c) for c in item.get("categories") or []} - subs.folders - {None}
    return ServerStory(
        key=key,
        stream=stream,
        entry=entry_from_raw(raw, feed_url=feed.url, lang=feed.lang),
        read="read" in states,
        starred="starred" in states,
        labels={name for name in labels if name},
        crawled=_crawled(item),
    )


def store_page(
    db: Database,
    account_id: int,
    stories: list[ServerStory],
    subs: Subscriptions,
    *,
    on_new_items: NewItemsHook | None,
    apply_states: Callable[[Database, list[tuple[int, ServerStory]]], None],
) -> PageResult:
    """Store one page in one transaction: stories by feed, id mapping, server states."""
    result = PageResult(stories=len(stories))
    by_feed: dict[str, list[ServerStory]] = {}
    for story in stories:
        by_feed.setdefault(story.stream, []).append(story)
    with writing(db):
        mapped: list[tuple[int, ServerStory]] = []
        for stream, group in by_feed.items():
            feed_id = subs.feeds[stream].id
            parsed = ParsedFeed(entries=[s.entry for s in group], parser="greader")
            stored = store_feed(db, feed_id, parsed, status=None, on_new_items=on_new_items)
            result.new_ids.extend(stored.new_ids)
            result.updated_ids.extend(stored.updated_ids)
            mapped.extend(_item_ids(db, feed_id, group))
        db.conn.executemany(
            "INSERT OR REPLACE INTO sync_items (account_id, remote_id, item_id) VALUES (?, ?, ?)",
            [(account_id, story.key, item_id) for item_id, story in mapped],
        )
        apply_states(db, mapped)
    crawled = [s.crawled for s in stories if s.crawled]
    result.newest = max(crawled) if crawled else None
    return result


def _item_ids(
    db: Database, feed_id: int, group: list[ServerStory]
) -> list[tuple[int, ServerStory]]:
    """Our item id for each server story just stored (two server copies may share one)."""
    by_key: dict[str, list[ServerStory]] = {}
    for story in group:
        by_key.setdefault(scoped_key(feed_id, story.entry.key), []).append(story)
    found: list[tuple[int, ServerStory]] = []
    for chunk, marks in in_chunks(list(by_key)):
        for item_id, key in db.execute(f"SELECT id, key FROM items WHERE key IN ({marks})", chunk):
            found.extend((int(item_id), story) for story in by_key[key])
    return found


def _link(item: dict[str, Any]) -> str | None:
    for name in ("canonical", "alternate"):
        for ref in item.get(name) or []:
            if isinstance(ref, dict) and isinstance(ref.get("href"), str):
                return str(ref["href"])
    return None


def _html(value: Any) -> str:
    if isinstance(value, dict) and isinstance(value.get("content"), str):
        return str(value["content"])
    return ""


def _stamp(value: Any, zone: Any) -> str | None:
    """Seconds since 1970 as ISO 8601 in ``zone``; None for anything else."""
    try:
        seconds = int(value)
        return datetime.fromtimestamp(seconds, zone).isoformat() if seconds > 0 else None
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def is_new(story: ServerStory, since: int | None) -> bool:
    """A story the last sync did not already take (``since``: its newest crawl time)."""
    return since is None or not story.crawled or story.crawled > since


def _crawled(item: Any) -> int:
    """When the server first saw a story, in microseconds (0 if it does not say)."""
    if not isinstance(item, dict):
        return 0
    for name, scale in (("timestampUsec", 1), ("crawlTimeMsec", 1000)):
        try:
            return int(item[name]) * scale
        except (KeyError, TypeError, ValueError):
            continue
    return 0
