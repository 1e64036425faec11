"""``aanews searches``: the saved searches the sidebar shows, listed, saved, renamed, deleted."""

from __future__ import annotations

import argparse

from store.search.compiler import QueryError
from store.search.saved import (
    SavedSearchError,
    delete_saved,
    list_saved,
    rename_saved,
    save_search,
)
from store.shapes import saved_search_json
from tui.commands import CommandError, open_store, print_json


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``searches`` with ``list``, ``save``, ``rename`` and ``delete``."""
    searches = subparsers.add_parser("searches", help="list and change the saved searches")
    actions = searches.add_subparsers(dest="action", metavar="ACTION")
    listing = actions.add_parser("list", help="every saved search with its counts")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler=_list)
    save = actions.add_parser("save", help="save a query under a name (replaces that name's)")
    save.add_argument("name", metavar="NAME")
    save.add_argument("query", metavar="QUERY")
    save.set_defaults(handler=_save)
    rename = actions.add_parser("rename", help="give a saved search another name")
    rename.add_argument("saved_id", type=int, metavar="ID")
    rename.add_argument("name", metavar="NAME")
    rename.set_defaults(handler=_rename)
    delete = actions.add_parser("delete", help="forget a saved search (its stories stay)")
    delete.add_argument("saved_id", type=int, metavar="ID")
    delete.set_defaults(handler=_delete)
    searches.set_defaults(handler=_list)


def _list(args: argparse.Namespace) -> int:
    saved = list_saved(open_store(args))
    if getattr(args, "json", False):
        print_json([saved_search_json(search) for search in saved])
        return 0
    if not saved:
        print(
            "No saved searches yet. Save one: aanews searches save NAME QUERY (or S in the reader)"
        )
        return 0
    width = max(len(str(search.id)) for search in saved)
    for search in saved:
        print(
            f"{search.id:>{width}}  {search.name}  "
            f"{search.unread:,}/{search.total:,}  {search.query}"
        )
    return 0


def _save(args: argparse.Namespace) -> int:
    db = open_store(args)
    try:
        saved_id = save_search(db, args.name, args.query)
    except QueryError as error:
        raise CommandError(f"bad query: {error}", status=2) from None
    except SavedSearchError as error:
        raise CommandError(str(error)) from None
    print(f"saved search {saved_id}: {args.name}")
    return 0


def _rename(args: argparse.Namespace) -> int:
    try:
        rename_saved(open_store(args), args.saved_id, args.name)
    except SavedSearchError as error:
        raise CommandError(str(error)) from None
    print(f"saved search {args.saved_id} renamed to {args.name}")
    return 0


def _delete(args: argparse.Namespace) -> int:
    try:
        delete_saved(open_store(args), args.saved_id)
    except SavedSearchError as error:
        raise CommandError(str(error)) from None
    print(f"saved search {args.saved_id} deleted")
    return 0
