"""``aanews import`` and ``aanews export``: subscriptions and stories in and out."""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from store import clock
from store.feeds import FeedError, add_feed, list_feeds
from store.ingest import scoped_key, store_feed
from store.items import fetch_items, mark_opened, set_read, set_starred
from store.model import Entry, ParsedFeed, Revision
from store.opml import (
    ImportResult,
    SubscriptionListError,
    export_opml,
    import_subscriptions,
    read_subscriptions,
)
from store.tags import tag_items
from store.text import clean_line
from tui.commands import CommandError, open_store
from tui.commands.feeds import feed_json
from tui.commands.show import story_json

EXPORT_VERSION = 1


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``import`` and ``export``."""
    imp = subparsers.add_parser(
        "import",
        help="subscribe to the feeds of an OPML file or a newsboat urls file, "
        "or restore an `export --json`",
    )
    imp.add_argument(
        "file", metavar="FILE", help="OPML, newsboat's urls file or a JSON export ('-' = stdin)"
    )
    imp.set_defaults(handler=_import)

    exp = subparsers.add_parser("export", help="write the feeds (OPML) or everything (JSON)")
    fmt = exp.add_mutually_exclusive_group(required=True)
    fmt.add_argument("--opml", action="store_true", help="OPML 2.0: feeds with their tags")
    fmt.add_argument(
        "--json", action="store_true", help="feeds and every story with read/starred/tags"
    )
    exp.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")
    exp.set_defaults(handler=_export)


def _import(args: argparse.Namespace) -> int:
    try:
        data = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
    except OSError as error:
        raise CommandError(f"cannot read {args.file}: {error.strerror or error}") from None
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        try:
            exported = json.loads(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CommandError(f"{args.file}: not valid JSON: {error}") from None
        if not isinstance(exported, dict) or "aanews_export" not in exported:
            raise CommandError(f"{args.file}: not an aanews JSON export")
        db = open_store(args)
        result = restore_json(db, exported)
    else:
        try:
            found = read_subscriptions(data)
        except SubscriptionListError as error:
            raise CommandError(f"{args.file}: {error}") from None
        db = open_store(args)
        result = import_subscriptions(db, found)
    for what, why in result.skipped:
        print(f"aanews: skipped {what}: {why}", file=sys.stderr)
    print(result.summary())
    return 0


def _export(args: argparse.Namespace) -> int:
    db = open_store(args)
    if args.opml:
        text = export_opml(db)
    else:
        text = json.dumps(export_json(db), ensure_ascii=False, indent=1) + "\n"
    if args.output:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as error:
            raise CommandError(f"cannot write {args.output}: {error.strerror or error}") from None
    else:
        sys.stdout.write(text)
    return 0


def export_json(db: Database, page: int = 500) -> dict[str, Any]:
    """Feeds, and every story with its user state and earlier versions."""
    earlier: dict[int, list[Revision]] = {}
    for row in db.execute(
        "SELECT id, item_id, seen_at, title, summary, body, updated FROM revisions ORDER BY id"
    ):
        earlier.setdefault(row[1], []).append(
            Revision(row[0], row[1], row[2], row[3], row[4], row[5], clock.from_iso(row[6]))
        )
    ids = [row[0] for row in db.execute("SELECT id FROM items ORDER BY published_ts, id")]
    stories = []
    for start in range(0, len(ids), page):
        for item in fetch_items(db, ids[start : start + page], full=True):
            story = story_json(item, earlier.get(item.id, []))
            story["key"] = item.key
            story["first_seen"] = item.first_seen
            stories.append(story)
    return {
        "aanews_export": EXPORT_VERSION,
        "exported_at": clock.now_iso(),
        "feeds": [
            {**feed_json(feed), "site_url": feed.site_url, "source": feed.source}
            for feed in list_feeds(db)
        ],
        "items": stories,
    }


def restore_json(db: Database, exported: dict[str, Any]) -> ImportResult:
    """Put an ``export --json`` back: feeds, stories with their earlier versions, user state.

    Stories go through ingestion as their feeds would send them (each earlier
    version first), so the index, revisions and one-story-many-feeds hold as
    after a fetch. Revisions are dated by the restore; stories no feed carried
    are skipped.
    """
    result = ImportResult()
    feed_ids: dict[int, int] = {}
    known = {url: feed_id for feed_id, url in db.execute("SELECT id, url FROM feeds")}
    for old in exported.get("feeds", []):
        url = clean_line(str(old.get("url", "")))
        if url in known:
            result.existing += 1
            feed_ids[old["id"]] = known[url]
            continue
        try:
            feed = add_feed(
                db,
                url,
                title=old.get("title") or None,
                lang=old.get("lang"),
                category=old.get("category"),
                source=old.get("source"),
                tags=[str(tag) for tag in old.get("tags", [])],
            )
        except FeedError:
            result.skipped.append((url, "not http(s)"))
            continue
        known[url] = feed_ids[old["id"]] = feed.id
        result.added.append(feed.id)
    rounds: list[dict[int, list[Entry]]] = []
    restored: list[tuple[dict[str, Any], str]] = []
    for story in exported.get("items", []):
        feeds = [feed_ids[f] for f in story.get("feeds", []) if f in feed_ids]
        if not feeds:
            result.skipped.append((str(story.get("key")), "stories without a feed"))
            continue
        versions = [*story.get("revisions", []), story]
        for number, version in enumerate(versions):
            while len(rounds) <= number:
                rounds.append({})
            entry = _story_entry(story, version)
            for feed_id in feeds:
                rounds[number].setdefault(feed_id, []).append(entry)
        restored.append((story, scoped_key(feeds[0], _unscoped(str(story["key"])))))
    for entries_by_feed in rounds:
        for feed_id, entries in entries_by_feed.items():
            store_feed(db, feed_id, ParsedFeed(entries=entries), status=None)
    ids = dict(db.execute("SELECT key, id FROM items").fetchall())
    for story, key in restored:
        item_id = ids[key]
        if not story.get("is_updated"):
            mark_opened(db, item_id)
        set_read(db, [item_id], bool(story.get("read")))
        set_starred(db, [item_id], bool(story.get("starred")))
        if story.get("tags"):
            tag_items(db, [item_id], [str(tag) for tag in story["tags"]])
    result.stories = len(restored)
    return result


def _unscoped(key: str) -> str:
    """'12/guid:x' -> 'guid:x': feed-scoped keys are scoped again to the new feed id."""
    return re.sub(r"^\d+/", "", key)


def _story_entry(story: dict[str, Any], version: dict[str, Any]) -> Entry:
    """One version of an exported story as a feed would send it."""
    return Entry(
        key=_unscoped(str(story["key"])),
        title=str(version.get("title") or ""),
        summary=str(version.get("summary") or ""),
        body=str(version.get("body") or ""),
        updated=clock.from_iso(version.get("updated")),
        guid=story.get("guid"),
        link=story.get("link"),
        published=clock.from_iso(story.get("published")),
        image=story.get("image"),
        lang=story.get("lang"),
        dateline=story.get("dateline"),
        location=story.get("location"),
        category=story.get("category"),
        authors=[str(a) for a in story.get("authors", [])],
        flags=[str(f) for f in story.get("flags", [])] if version is story else [],
    )
