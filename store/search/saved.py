"""Saved searches: a named query the sidebar shows with its unread and total counts."""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

from store.db import writing
from store.search.compiler import QueryError, parse_query
from store.search.compiler import counts as count_matches
from store.text import clean_line


@dataclass
class SavedSearch:
    """A named query, with how many stories it finds now."""

    id: int
    name: str
    query: str
    unread: int = 0
    total: int = 0


class SavedSearchError(ValueError):
    """A saved search that cannot be created, renamed or found."""


def save_search(db: Database, name: str, query: str) -> int:
    """Save ``query`` as ``name`` (saving under an existing name replaces its query).

    The query is checked first: QueryError if it does not parse.
    """
    name = clean_line(name)
    if not name:
        raise SavedSearchError("a saved search needs a name")
    query = clean_line(query)
    parse_query(query)
    with writing(db):
        row = db.execute("SELECT id FROM saved_searches WHERE name = ?", [name]).fetchone()
        if row:
            db.execute("UPDATE saved_searches SET query = ? WHERE id = ?", [query, row[0]])
            return int(row[0])
        position = db.execute(
            "SELECT COALESCE(MAX(position), 0) + 1 FROM saved_searches"
        ).fetchone()[0]
        cursor = db.execute(
            "INSERT INTO saved_searches (name, query, position) VALUES (?, ?, ?)",
            [name, query, position],
        )
        return int(cursor.lastrowid or 0)


def list_saved(db: Database, *, counts: bool = True) -> list[SavedSearch]:
    """Every saved search in the user's order, with unread and total counts."""
    saved = [
        SavedSearch(id=row[0], name=row[1], query=row[2])
        for row in db.execute(
            "SELECT id, name, query FROM saved_searches ORDER BY position, id"
        ).fetchall()
    ]
    if counts:
        for search in saved:
            try:
                search.total, search.unread = count_matches(db, parse_query(search.query))
            except QueryError:
                pass  # saved by an older version with another language: shows 0
    return saved


def rename_saved(db: Database, saved_id: int, name: str) -> None:
    """Give a saved search another name (names are unique)."""
    name = clean_line(name)
    if not name:
        raise SavedSearchError("a saved search needs a name")
    with writing(db):
        _get(db, saved_id)
        clash = db.execute(
            "SELECT id FROM saved_searches WHERE name = ? AND id != ?", [name, saved_id]
        ).fetchone()
        if clash:
            raise SavedSearchError(f"there is already a saved search called {name!r}")
        db.execute("UPDATE saved_searches SET name = ? WHERE id = ?", [name, saved_id])


def delete_saved(db: Database, saved_id: int) -> None:
    """Forget a saved search (its stories stay)."""
    with writing(db):
        _get(db, saved_id)
        db.execute("DELETE FROM saved_searches WHERE id = ?", [saved_id])


def _get(db: Database, saved_id: int) -> None:
    if db.execute("SELECT 1 FROM saved_searches WHERE id = ?", [saved_id]).fetchone() is None:
        raise SavedSearchError(f"no saved search with id {saved_id}")
