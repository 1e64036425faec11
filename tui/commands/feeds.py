"""``aanews feeds``: list, add, remove, rename, pause, file and tune feeds; the AA catalogue."""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict

from store.aa.catalogue import catalogue, language_name
from store.feeds import (
    SETTINGS,
    FeedError,
    display_title,
    edit_settings,
    get_feed,
    list_feeds,
    rename_feed,
    set_folder,
    set_paused,
)
from store.interchange.opml import catalogue_title, subscribe
from store.shapes import feed_json
from store.sync.subscriptions import remove_subscription
from store.text import display_url
from tui.commands import CommandError, database_path, open_store, print_json
from tui.plural import counted
from tui.wording import describe_settings


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``feeds`` and its subcommands."""
    feeds = subparsers.add_parser("feeds", help="list, add, remove and rename feeds")
    actions = feeds.add_subparsers(dest="feeds_command", metavar="ACTION")
    feeds.set_defaults(handler=_list)

    listing = actions.add_parser("list", help="every feed with counts and fetch state")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler=_list)

    add = actions.add_parser("add", help="subscribe to a URL or an AA catalogue feed")
    add.add_argument("source", metavar="URL|aa:LANG/CAT", help="http(s) URL, or e.g. aa:tr/ekonomi")
    add.add_argument("--title", help="the name to show")
    add.add_argument("--tag", action="append", default=[], metavar="TAG", help="repeatable")
    add.add_argument("--folder", metavar="FOLDER", help="file it in a folder, e.g. News/World")
    add.set_defaults(handler=_add)

    remove = actions.add_parser("remove", help="unsubscribe (starred and tagged stories stay)")
    remove.add_argument("feed_id", type=int, metavar="ID")
    remove.set_defaults(handler=_remove)

    rename = actions.add_parser("rename", help="give a feed another name")
    rename.add_argument("feed_id", type=int, metavar="ID")
    rename.add_argument("title", metavar="TITLE")
    rename.set_defaults(handler=_rename)

    for name, what in (("pause", "leave a feed out of refreshes"), ("resume", "refresh it again")):
        pause = actions.add_parser(name, help=what)
        pause.add_argument("feed_id", type=int, metavar="ID")
        pause.set_defaults(handler=_pause)

    folder = actions.add_parser("folder", help="file a feed in a folder ('' for none)")
    folder.add_argument("feed_id", type=int, metavar="ID")
    folder.add_argument("folder", metavar="FOLDER", help="e.g. News or News/World; '' for none")
    folder.set_defaults(handler=_folder)

    settings = actions.add_parser("set", help="a feed's own refresh, full text and story caps")
    settings.add_argument("feed_id", type=int, metavar="ID")
    settings.add_argument(
        "--refresh-minutes", metavar="N|off", help="fetch it at most every N minutes"
    )
    settings.add_argument(
        "--full-text", choices=("on", "off", "default"), help="read its stories' pages"
    )
    settings.add_argument("--max-stories", metavar="N|off", help="prune keeps its N newest stories")
    settings.add_argument(
        "--max-age-days", metavar="N|off", help="prune keeps its stories of the last N days"
    )
    settings.set_defaults(handler=_set)

    catalogue = actions.add_parser("catalogue", help="the AA feeds one can subscribe to")
    catalogue.add_argument("--lang", metavar="L", help="one language, e.g. tr, en, ar")
    catalogue.add_argument("--json", action="store_true", help="print JSON")
    catalogue.set_defaults(handler=_catalogue)


def _list(args: argparse.Namespace) -> int:
    db = open_store(args)
    feeds = list_feeds(db)
    if getattr(args, "json", False):
        # Printed, a URL's user name and password are masked (an export keeps them).
        print_json([{**feed_json(feed), "url": display_url(feed.url)} for feed in feeds])
        return 0
    if not feeds:
        print("No feeds yet. Add one: aanews feeds add aa:tr/guncel (see: aanews feeds catalogue)")
        return 0
    width = max(len(str(feed.id)) for feed in feeds)
    for feed in feeds:
        where = "/".join(part for part in (feed.lang, feed.category) if part) or "-"
        fetched = _short_time(feed.last_fetched) or (
            "never fetched successfully" if feed.failures else "never fetched"
        )
        line = (
            f"{feed.id:>{width}}  {feed.title or display_url(feed.url)}  [{where}]  "
            f"{feed.unread:,}/{feed.total:,} unread  {fetched}"
        )
        if feed.folder:
            line += f"  folder: {feed.folder}"
        if feed.paused:
            line += "  PAUSED"
        if feed.tags:
            line += "  tags: " + ", ".join(feed.tags)
        print(line)
        own = describe_settings(feed.settings)
        if own != "as the config says":
            print(f"{'':>{width}}  {own}")
        when = _short_time(feed.last_error_at)
        if feed.last_error and not feed.failures:  # fetched, but its document was cut short
            print(f"{'':>{width}}  CUT SHORT: {feed.last_error} ({when})")
        elif feed.last_error:  # (an HTTP status is in the error's words when it matters)
            print(f"{'':>{width}}  ERROR: {feed.last_error} ({when}, {feed.failures}x)")
    return 0


def _short_time(iso: str | None) -> str:
    """'2026-11-26 16:50Z'-style: enough for a listing, the offset kept."""
    if not iso:
        return ""
    return iso.replace("T", " ")[:16] + ("Z" if iso.endswith("+00:00") else iso[19:])


def _add(args: argparse.Namespace) -> int:
    db = open_store(args, create=True)
    known = {feed.id for feed in list_feeds(db, counts=False)}
    try:
        feed = subscribe(
            db, args.source, title=args.title, tags=args.tag or None, folder=args.folder
        )
    except FeedError as error:
        raise CommandError(f"{error} (only http:// and https:// feeds can be added)") from None
    except ValueError as error:  # an unknown catalogue feed: lookup says which exist
        raise CommandError(str(error)) from None
    if feed.id in known:  # the URL was there: its id, and a word that nothing new came
        title = display_title(feed)
        print(f"aanews: already subscribed: feed {feed.id} ({title})", file=sys.stderr)
    print(feed.id)
    return 0


def _pause(args: argparse.Namespace) -> int:
    db = open_store(args)
    paused = args.feeds_command == "pause"
    try:
        set_paused(db, args.feed_id, paused)
        feed = get_feed(db, args.feed_id)
    except FeedError as error:
        raise CommandError(str(error)) from None
    print(f"feed {feed.id} ({display_title(feed)}) {'paused' if paused else 'resumed'}")
    return 0


def _folder(args: argparse.Namespace) -> int:
    db = open_store(args)
    try:
        name = set_folder(db, args.feed_id, args.folder)
    except FeedError as error:
        raise CommandError(str(error)) from None
    print(f"feed {args.feed_id} in folder {name}" if name else f"feed {args.feed_id} in no folder")
    return 0


def _set(args: argparse.Namespace) -> int:
    db = open_store(args)
    changes = {name: getattr(args, name) for name in SETTINGS if getattr(args, name) is not None}
    try:
        settings = edit_settings(db, args.feed_id, changes)
    except FeedError as error:
        message = str(error)  # "max-stories: ...": the option, without its dashes
        if message.split(":")[0] in _OPTIONS:  # a bad value is bad usage, as argparse's
            raise CommandError(f"--{message}", status=2) from None
        raise CommandError(message) from None
    print(f"feed {args.feed_id}: {describe_settings(settings)}")
    return 0


_OPTIONS = {name.replace("_", "-") for name in SETTINGS}


def _remove(args: argparse.Namespace) -> int:
    db = open_store(args)
    try:
        feed = get_feed(db, args.feed_id)
        removed = remove_subscription(db, args.feed_id)
    except FeedError as error:
        raise CommandError(str(error)) from None
    name = feed.title or display_url(feed.url)
    print(f"removed feed {feed.id} ({name}); {counted(removed.deleted, 'story')} deleted")
    if removed.synced:
        print("its account's server unsubscribes at the next sync (aanews sync)")
    return 0


def _rename(args: argparse.Namespace) -> int:
    db = open_store(args)
    try:
        get_feed(db, args.feed_id)
    except FeedError as error:
        raise CommandError(str(error)) from None
    rename_feed(db, args.feed_id, args.title)
    print(get_feed(db, args.feed_id).title)
    return 0


def _catalogue(args: argparse.Namespace) -> int:
    entries = catalogue(args.lang)
    if not entries:
        raise CommandError(f"no AA feeds in the catalogue for language {args.lang!r}")
    # The catalogue comes before the first feed: with no database, nothing is marked.
    feeds = list_feeds(open_store(args), counts=False) if database_path(args).exists() else []
    subscribed = {feed.url: feed.id for feed in feeds}
    if args.json:
        print_json(
            [
                {
                    **asdict(entry),
                    "ref": f"aa:{entry.lang}/{entry.slug}",
                    "title": catalogue_title(entry),
                    "subscribed": entry.url in subscribed,
                    "feed_id": subscribed.get(entry.url),
                }
                for entry in entries
            ]
        )
        return 0
    lang = None
    for entry in entries:
        if entry.lang != lang:
            lang = entry.lang
            print(f"{language_name(lang)} ({lang})")
        marks = []
        if entry.url in subscribed:
            marks.append(f"subscribed as {subscribed[entry.url]}")
        if not entry.confirmed:
            marks.append("unconfirmed")
        note = f"  ({', '.join(marks)})" if marks else ""
        print(f"  aa:{entry.lang}/{entry.slug:<18} {entry.name}{note}")
    return 0
