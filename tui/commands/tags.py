"""``aanews tag``, ``untag`` and ``tags``: tagging stories from a script or a shell."""

from __future__ import annotations

import argparse

from sqlite_utils import Database

from store.shapes import tag_json
from tui.commands import CommandError, open_store, print_json
from tui.plural import counted


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``tag``, ``untag`` and ``tags``."""
    tag = subparsers.add_parser(
        "tag",
        help="tag a story (tag ID TAG...) or every story a query finds (tag --query Q TAG...)",
    )
    tag.add_argument("words", nargs="+", metavar="ID TAG", help="the story id, then tags")
    tag.add_argument("--query", metavar="Q", help="tag every story this query matches")
    tag.set_defaults(handler=_tag)

    untag = subparsers.add_parser("untag", help="remove tags from a story")
    untag.add_argument("item_id", type=int, metavar="ID", help="the story's id")
    untag.add_argument("tags", nargs="+", metavar="TAG", help="tags to remove")
    untag.set_defaults(handler=_untag)

    tags = subparsers.add_parser("tags", help="list tags with counts; rename or delete one")
    tags.add_argument("--json", action="store_true", help="print JSON: name, count, unread")
    actions = tags.add_subparsers(dest="tags_action", metavar="ACTION")
    rename = actions.add_parser("rename", help="rename a tag (onto an existing one: merge)")
    rename.add_argument("old", metavar="OLD")
    rename.add_argument("new", metavar="NEW")
    delete = actions.add_parser("delete", help="remove a tag from every story and feed")
    delete.add_argument("name", metavar="NAME")
    tags.set_defaults(handler=_tags)


def _tag(args: argparse.Namespace) -> int:
    from store.search.compiler import QueryError, parse_query
    from store.tags import tag_items, tag_query

    if args.query is not None:
        try:
            parse_query(args.query)
        except QueryError as error:
            raise CommandError(f"bad query: {error}", status=2) from None
        names = _names(args.words)
        found = tag_query(open_store(args), args.query, names)
        print(f"tagged {counted(found, 'story')} {', '.join(names)}")
        return 0
    if len(args.words) < 2 or not args.words[0].isdigit():
        raise CommandError("usage: aanews tag ID TAG... or aanews tag --query Q TAG...", 2)
    db = open_store(args)
    item_id = _existing_story(db, int(args.words[0]))
    names = _names(args.words[1:])
    added = tag_items(db, [item_id], names)
    already = "" if added == len(names) else f" ({len(names) - added} it already had)"
    print(f"tagged story {item_id} {', '.join(names)}{already}")
    return 0


def _untag(args: argparse.Namespace) -> int:
    from store.tags import item_tags, normalize_tag, untag_items
    from store.text import fold

    db = open_store(args)
    item_id = _existing_story(db, args.item_id)
    had = {fold(name) for name in item_tags(db, item_id)}
    untag_items(db, [item_id], args.tags)
    names = [name for name in (normalize_tag(t) for t in args.tags) if name]
    gone = [name for name in names if fold(name) in had]
    missing = [name for name in names if fold(name) not in had]
    said = f"untagged story {item_id} {', '.join(gone)}" if gone else f"story {item_id}:"
    if missing:
        said += f"{'; ' if gone else ' '}it had no tag {', '.join(missing)}"
    print(said)
    return 0


def _tags(args: argparse.Namespace) -> int:
    from store.tags import delete_tag, list_tags, rename_tag

    db = open_store(args)
    try:
        if args.tags_action == "rename":
            rename_tag(db, args.old, args.new)
            print(f"renamed {args.old!r} to {args.new!r}")
            return 0
        if args.tags_action == "delete":
            removed = delete_tag(db, args.name)
            feeds = f" and {counted(removed.feeds, 'feed')}" if removed.feeds else ""
            print(f"removed {args.name!r} from {counted(removed.stories, 'story')}{feeds}")
            return 0
    except LookupError as error:
        raise CommandError(str(error.args[0]) if error.args else str(error)) from None
    tags = list_tags(db)
    if args.json:
        print_json([tag_json(tag) for tag in tags])
    else:
        for t in tags:
            print(f"{t.name}\t{t.count}\t{t.unread}")
    return 0


def _existing_story(db: Database, item_id: int) -> int:
    """The id back, or a one-line error when no story has it."""
    from store.items import ItemNotFound, get_item

    try:
        return get_item(db, item_id).id
    except ItemNotFound as error:
        raise CommandError(str(error)) from None


def _names(words: list[str]) -> list[str]:
    from store.tags import normalize_tag

    names = [n for n in (normalize_tag(w) for w in words) if n]
    if not names:
        raise CommandError("name at least one tag", status=2)
    return names
