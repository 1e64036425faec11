"""``aanews show ID``: one story, as text for a person or JSON for a script."""

from __future__ import annotations

import argparse
from datetime import datetime

from store.items import ItemNotFound, get_item, revisions
from store.model import Item
from store.shapes import story_detail_json
from store.text import fold
from tui.commands import CommandError, open_store, print_json
from tui.plural import counted
from tui.stamps import STORY, Clock

STORY_CLOCK = Clock(STORY)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``show``."""
    show = subparsers.add_parser("show", help="print one story")
    show.add_argument("item_id", type=int, metavar="ID", help="the story's id (see search)")
    show.add_argument("--json", action="store_true", help="print JSON, revisions included")
    show.set_defaults(handler=_show)


def story_text(item: Item) -> str:
    """The story as plain lines: title, dateline, stamps, tags, lead, body, link."""
    lines = [item.title]
    if item.flags:
        lines[0] = " ".join(f"[{flag}]" for flag in item.flags) + " " + item.title
    place = item.dateline or ""
    if item.location and fold(item.location) not in fold(place):
        place = f"{place} · {item.location}" if place else item.location
    if place:
        lines.append(place)
    stamp = _stamp(item.published)
    if item.updated and item.published and item.updated > item.published:
        stamp += f" - updated {_stamp(item.updated)}"
    if item.revision_count:
        stamp += f" ({counted(item.revision_count, 'earlier version')})"
    if stamp:
        lines.append(stamp)
    if item.authors:
        lines.append("By " + ", ".join(item.authors))
    state = [word for word, on in (("read", item.read), ("starred", item.starred)) if on]
    if item.is_updated:
        state.append("updated since read")
    if item.tags or state:
        lines.append(" ".join([*(f"#{tag}" for tag in item.tags), *(f"({s})" for s in state)]))
    lines.append("")
    if item.summary:
        lines += [item.summary, ""]
    if item.body:
        lines += [item.body, ""]
    if item.link:
        lines.append(item.link)
    return "\n".join(lines).rstrip() + "\n"


def _stamp(moment: datetime | None) -> str:
    """'26.11.2026 14:05 (+03:00)': AA's day-first order, on the story's own clock."""
    return STORY_CLOCK.stamp(moment, moment) if moment is not None else ""


def _show(args: argparse.Namespace) -> int:
    db = open_store(args)
    try:
        item = get_item(db, args.item_id)
    except ItemNotFound as error:
        raise CommandError(str(error)) from None
    if args.json:
        print_json(story_detail_json(item, revisions(db, item.id)))
    else:
        print(story_text(item), end="")
    return 0
