"""Queries to story ids, newest first, straight from SQL (the language: ``store.search.parser``).

Text terms go to the FTS5 index, which holds folded text; everything else is a
plain condition on ``items``. The terms an AND needs from the index are sent as
one MATCH, so a search costs one index lookup however many words it has. Hidden
stories are left out unless the query says ``is:hidden``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from sqlite_utils import Database

from store.kept_bits import BIT, STORY_JOIN
from store.search import conditions
from store.search.conditions import Conditions, by_language
from store.search.parser import And, Filter, Node, Query, QueryError, parse_query

__all__ = ["Query", "QueryError", "count", "counts", "parse_query", "search_ids", "unread_count"]

_FTS_EACH = "EXISTS (SELECT 1 FROM items_fts WHERE items_fts MATCH ? AND rowid = i.id)"
# A page of a broad search is found fastest by walking the newest-first index and
# checking each story against the matches; a narrow one by sorting its few matches.
# "+i.id" keeps SQLite from driving the query from an id list, so it walks. When a
# tenth of the stories match (or a NOT leaves most), one lookup per row walked beats
# making the whole list: the walk meets a match every few rows, however many stories.
_BROAD = 1000
_UNREAD = Filter("is", "unread")
_PAGE = 1000
# Title counts most, then the lead and the dateline, then the body.
_RANK = "bm25(items_fts, 10.0, 4.0, 1.0, 2.0)"
_ORDER = {
    "new": "i.published_ts DESC, i.id DESC",
    "old": "i.published_ts ASC, i.id ASC",
}


def search_ids(
    db: Database, query: str | Query, *, limit: int | None = None, offset: int = 0
) -> list[int]:
    """Ids of the stories the query matches, in its order (newest first by default)."""
    parsed = _parsed(query)
    walk = limit is not None and limit + offset <= _PAGE and parsed.sort != "rank"
    sql, params = _select(db, parsed, "i.id", ordered=True, walk=walk)
    if limit is not None:
        sql += " LIMIT ? OFFSET ?"
        params += [limit, offset]
    elif offset:
        sql += " LIMIT -1 OFFSET ?"
        params.append(offset)
    try:  # row by row: half a million ids never sit in memory as tuples too
        return [row[0] for row in db.execute(sql, params)]
    except sqlite3.OperationalError as error:
        raise QueryError(refusal(error)) from None


def count(db: Database, query: str | Query) -> int:
    """How many stories the query matches."""
    return counts(db, query)[0]


def counts(db: Database, query: str | Query) -> tuple[int, int]:
    """(how many stories the query matches, how many of them are unread), in one pass."""
    parsed = _parsed(query)
    if (kept := _kept(db, parsed)) is not None:
        return kept
    if (by_bits := _by_bits(db, parsed)) is not None:
        return by_bits
    columns = "COUNT(*), COALESCE(SUM(i.read = 0), 0)"
    sql, params = _select(db, parsed, columns, ordered=False, counting=True)
    total, unread = _run(db, sql, params)[0]
    return int(total), int(unread)


def unread_count(db: Database, query: str | Query) -> int:
    """How many of the stories the query matches are unread (the same pass as ``counts``)."""
    return counts(db, query)[1]


def _kept(db: Database, query: Query) -> tuple[int, int] | None:
    """Every story, a tag's, or their unread ones: (total, unread) kept by triggers (7, 8)."""
    root = query.root
    nodes = root.nodes if isinstance(root, And) else () if root is None else (root,)
    rest = [node for node in nodes if node != _UNREAD]
    if query.show_hidden or len(rest) > 1:
        return None
    if not rest:
        row = db.execute("SELECT total, unread FROM story_counts").fetchone()
    elif isinstance(tag := rest[0], Filter) and tag.name == "tag":
        tag_ids = [r[0] for r in db.execute("SELECT id FROM tags WHERE folded = ?", [tag.value])]
        if len(tag_ids) != 1:  # none, or two spelled alike: a story may carry both
            return None
        sql = "SELECT total, unread FROM tag_counts WHERE tag_id = ?"
        row = db.execute(sql, tag_ids).fetchone() or (0, 0)
    else:
        return None
    total, unread = int(row[0]), int(row[1])
    return (unread if len(rest) < len(nodes) else total), unread


def _by_bits(db: Database, query: Query) -> tuple[int, int] | None:
    """A count driven from the index's matches, each tested for hidden, unread and tags
    in the bits kept for its chunk of ids (store/kept_bits.py), not looked up one by one;
    ``items_state`` is joined only for what bits do not say (a date, a language...)."""
    if query.show_hidden or _few(query.root) or by_language(query.root):
        return None
    compiler = Conditions(db, counting=True, bits=True)
    match, where, params = compiler.root(query.root)
    if match is None:
        return None
    joins = [STORY_JOIN, *compiler.joins]
    if compiler.rows:  # joined last: the bits are tested first
        joins.append("CROSS JOIN items i INDEXED BY items_state ON i.id = items_fts.rowid")
    clauses = ["items_fts MATCH ?", *([where] if where else [])]
    root = query.root
    if isinstance(root, And) and _UNREAD in root.nodes:  # unread stories are shown ones
        columns = "COUNT(*), COUNT(*)"
    else:
        clauses.insert(1, BIT.format(bits="b.hidden") + " = 0")
        columns = f"COUNT(*), COALESCE(SUM({BIT.format(bits='b.unread')}), 0)"
    sql = f"SELECT {columns} FROM items_fts {' '.join(joins)} WHERE "
    total, unread = _run(db, sql + " AND ".join(f"({c})" for c in clauses), [match, *params])[0]
    return int(total), int(unread)


def _parsed(query: str | Query) -> Query:
    return query if isinstance(query, Query) else parse_query(query)


def _run(db: Database, sql: str, params: Sequence[Any]) -> list[tuple]:
    try:
        return db.execute(sql, list(params)).fetchall()
    except sqlite3.OperationalError as error:
        raise QueryError(refusal(error)) from None


def refusal(error: sqlite3.Error) -> str:
    """Why SQLite would not run a query, in the reader's words (not SQLite's)."""
    text = str(error).lower()
    if "too large" in text or "stack overflow" in text or "too many" in text or "depth" in text:
        return "the query is too complex for the search index: use fewer words or parentheses"
    # A MATCH the index refuses (it should not happen, the terms are quoted).
    return "the search index cannot run this query"


def _select(
    db: Database,
    query: Query,
    columns: str,
    *,
    ordered: bool,
    extra: str | None = None,
    restrict: Sequence[int] | None = None,
    walk: bool = False,
    counting: bool = False,
) -> tuple[str, list[Any]]:
    """The SELECT for a query; ``restrict`` limits it to some ids (tag rules use it).

    ``walk``: a page is wanted, so walk the order's index unless the text matches few.
    ``counting``: a count, which a language filter leads through items_lang.
    """
    plain = counting and by_language(query.root)
    compiler = Conditions(db, counting=counting, plain=plain)
    match, where, params = compiler.root(query.root)
    # Starred and updated stories are few: found through their own small indexes, sorted.
    few = _few(query.root)
    stories, found = _sizes(db, match if walk and not few else None)
    if few or (walk and (match is None or found >= _BROAD)):
        compiler = Conditions(db, walk=True, stories=stories)
        match, where, params = compiler.root(query.root)
        if match is not None:
            # Not for a prefix: FTS5 gathers a prefix's every term again for each row.
            dense = found * conditions.DENSE >= stories and '"*' not in match
            where = " AND ".join(w for w in (_FTS_EACH if dense else compiler.fts_in, where) if w)
            params.insert(0, match)
            match = None
    clauses = [where] if where else []
    if not query.show_hidden:
        clauses.append("+i.hidden = 0" if few or plain else "i.hidden = 0")
    if extra:
        clauses.append(extra)
    if restrict is not None:
        clauses.append(f"i.id IN ({','.join(str(int(i)) for i in restrict) or 'NULL'})")
    if match is not None:
        clauses.insert(0, "items_fts MATCH ?")
        params.insert(0, match)
    sql = f"SELECT {columns} FROM " + _source(
        match, listed=not walk and not plain and (restrict is not None or " IN (" in where)
    )
    if clauses:
        sql += " WHERE " + " AND ".join(f"({c})" for c in clauses)
    if ordered:
        if query.sort == "rank" and match is not None:
            sql += f" ORDER BY {_RANK}, i.published_ts DESC, i.id DESC"
        else:
            sql += " ORDER BY " + _ORDER.get(query.sort, _ORDER["new"])
    return sql, params


def _source(match: str | None, *, listed: bool) -> str:
    """What a query reads: the index's matches, an id list's stories, or every story."""
    if match is not None:
        # CROSS JOIN: always from the index's matches to the stories, never the reverse
        # (one index lookup per story would take seconds at 100,000 stories).
        # items_state: whether a matched story is visible or read, without reading its row.
        return "items_fts CROSS JOIN items i INDEXED BY items_state ON i.id = items_fts.rowid"
    if listed:  # stories a tag, feed or word picks out: from that id list, through items_state
        return "items i INDEXED BY items_state"
    return "items i"


def _few(root: Node | None) -> bool:
    """Whether the query asks for starred or updated stories (each has a partial index)."""
    children = root.nodes if isinstance(root, And) else (root,)
    return any(
        isinstance(child, Filter) and child.name == "is" and child.value in ("starred", "updated")
        for child in children
    )


def _sizes(db: Database, match: str | None) -> tuple[int, int]:
    """(about how many stories, how many index matches counting up to a tenth of them)."""
    stories = int(db.execute("SELECT COALESCE(MAX(id), 0) FROM items").fetchone()[0])
    if match is None:
        return stories, 0
    sql = "SELECT COUNT(*) FROM (SELECT rowid FROM items_fts WHERE items_fts MATCH ? LIMIT ?)"
    return stories, int(_run(db, sql, [match, max(_BROAD, stories // conditions.DENSE)])[0][0])
