"""``aanews search QUERY``: stories matching a query, for a person or a script."""

from __future__ import annotations

import argparse
import sys

from tui.commands import CommandError, open_store, print_json


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``search``."""
    search = subparsers.add_parser(
        "search",
        help="print the stories a query matches, newest first",
        description='Words, "exact phrases", prefix*, OR, -word, tag:x or +x, -tag:x, '
        "feed:NAME|ID, lang:fr, cat:monde, dateline:bagdad, "
        "is:unread|read|starred|updated|hidden, since:2d, after:2024-05-01, before:12h, "
        "sort:new|old|rank.",
    )
    search.add_argument("query", metavar="QUERY", help="the query (quote it for the shell)")
    output = search.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print a JSON array of stories")
    output.add_argument("--count", action="store_true", help="print only how many match")
    search.add_argument("--limit", type=int, metavar="N", help="at most N stories")
    search.set_defaults(handler=_search)


# SQLite takes no LIMIT past 2**63; no one has a billion stories.
MOST_STORIES = 1_000_000_000


def _search(args: argparse.Namespace) -> int:
    # Imported here so that building the parser stays light for every command.
    from store.search.compiler import QueryError, count, parse_query, search_ids

    try:
        query = parse_query(args.query)
    except QueryError as error:
        raise CommandError(f"bad query: {error}", status=2) from None
    if args.limit is not None and not 0 <= args.limit <= MOST_STORIES:
        raise CommandError(
            f"--limit needs a number of stories, from 0 to {MOST_STORIES:,}", status=2
        )
    db = open_store(args)
    try:
        if args.count:
            print(count(db, query))
            return 0
        ids = search_ids(db, query, limit=args.limit)
    except QueryError as error:
        raise CommandError(f"bad query: {error}", status=2) from None
    if args.json:
        _print_json(db, ids)
    else:
        _print_lines(db, ids)
    return 0


def _print_json(db, ids: list[int]) -> None:  # type: ignore[no-untyped-def]
    from store.db import in_chunks
    from store.items import fetch_items
    from store.shapes import story_json

    stories = []
    for chunk, _ in in_chunks(ids):
        stories += [story_json(item) for item in fetch_items(db, chunk, full=True)]
    print_json(stories)


def _print_lines(db, ids: list[int]) -> None:  # type: ignore[no-untyped-def]
    from store.db import in_chunks
    from store.items import fetch_items
    from store.text import clean_line
    from tui.stamps import STORY, Clock

    story_clock = Clock(STORY, "%Y-%m-%d %H:%M")

    out = sys.stdout
    for chunk, _ in in_chunks(ids):
        for item in fetch_items(db, chunk):
            when = story_clock.stamp(item.published, item.published) if item.published else "-"
            fields = [
                str(item.id),
                when,
                item.lang or "--",
                clean_line(item.dateline) or "-",
                clean_line(item.title),
            ]
            out.write("\t".join(fields) + "\n")
