"""Queries to story ids, newest first, straight from SQL (the language: ``store.search.parser``).

Text terms go to the FTS5 index, which holds folded text; everything else is a
plain condition on ``items``. The terms an AND needs from the index are sent as
one MATCH, so a search costs one index lookup however many words it has. Hidden
stories are left out unless the query says ``is:hidden``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlite_utils import Database

from store.search.parser import (
    And,
    Filter,
    Node,
    Not,
    Or,
    Query,
    QueryError,
    Term,
    parse_query,
    relative_or_date,
)
from store.text import fold

__all__ = ["Query", "QueryError", "count", "counts", "parse_query", "search_ids", "unread_count"]

_FTS_IN = "{id} IN (SELECT rowid FROM items_fts WHERE items_fts MATCH ?)"
_FTS_EACH = "EXISTS (SELECT 1 FROM items_fts WHERE items_fts MATCH ? AND rowid = i.id)"
# A page of a broad search is found fastest by walking the newest-first index and
# checking each story against the matches; a narrow one by sorting its few matches.
# "+i.id" keeps SQLite from driving the query from an id list, so it walks. When a
# tenth of the stories match (or a NOT leaves most), one lookup per row walked beats
# making the whole list: the walk meets a match every few rows, however many stories.
_BROAD = 1000
_DENSE = 10
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
    sql, params = _select(db, parsed, "COUNT(*), COALESCE(SUM(i.read = 0), 0)", ordered=False)
    total, unread = _run(db, sql, params)[0]
    return int(total), int(unread)


def unread_count(db: Database, query: str | Query) -> int:
    """How many of the stories the query matches are unread."""
    parsed = _parsed(query)
    if (kept := _kept(db, parsed)) is not None:
        return kept[1]
    sql, params = _select(db, parsed, "COUNT(*)", ordered=False, extra="i.read = 0")
    return int(_run(db, sql, params)[0][0])


def _kept(db: Database, query: Query) -> tuple[int, int] | None:
    """Every story, or every unread one: (total, unread) kept by triggers (migration 8)."""
    if query.show_hidden or query.root not in (None, Filter("is", "unread")):
        return None
    total, unread = db.execute("SELECT total, unread FROM story_counts").fetchone()
    return (int(total) if query.root is None else int(unread)), int(unread)


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
) -> tuple[str, list[Any]]:
    """The SELECT for a query; ``restrict`` limits it to some ids (tag rules use it).

    ``walk``: a page is wanted, so walk the order's index unless the text matches few.
    """
    compiler = _Compiler(db)
    match, where, params = compiler.root(query.root)
    # Starred and updated stories are few: found through their own small indexes, sorted.
    few = _few(query.root)
    stories, found = _sizes(db, match if walk and not few else None)
    if few or (walk and (match is None or found >= _BROAD)):
        compiler = _Compiler(db, walk=True, stories=stories)
        match, where, params = compiler.root(query.root)
        if match is not None:
            # Not for a prefix: FTS5 gathers a prefix's every term again for each row.
            dense = found * _DENSE >= stories and '"*' not in match
            where = " AND ".join(w for w in (_FTS_EACH if dense else compiler.fts_in, where) if w)
            params.insert(0, match)
            match = None
    conditions = [where] if where else []
    if not query.show_hidden:
        conditions.append("+i.hidden = 0" if few else "i.hidden = 0")
    if extra:
        conditions.append(extra)
    if restrict is not None:
        conditions.append(f"i.id IN ({','.join(str(int(i)) for i in restrict) or 'NULL'})")
    if match is not None:
        # CROSS JOIN: always from the index's matches to the stories, never the reverse
        # (one index lookup per story would take seconds at 100,000 stories).
        # items_state: whether a matched story is visible or read, without reading its row.
        sql = (
            f"SELECT {columns} FROM items_fts CROSS JOIN items i INDEXED BY items_state "
            "ON i.id = items_fts.rowid"
        )
        conditions.insert(0, "items_fts MATCH ?")
        params.insert(0, match)
    elif not walk and (restrict is not None or " IN (" in where):
        # Stories a tag, feed or word picks out: from that id list, through items_state.
        sql = f"SELECT {columns} FROM items i INDEXED BY items_state"
    else:
        sql = f"SELECT {columns} FROM items i"
    if conditions:
        sql += " WHERE " + " AND ".join(f"({c})" for c in conditions)
    if ordered:
        if query.sort == "rank" and match is not None:
            sql += f" ORDER BY {_RANK}, i.published_ts DESC, i.id DESC"
        else:
            sql += " ORDER BY " + _ORDER.get(query.sort, _ORDER["new"])
    return sql, params


class _Compiler:
    """Turns a tree into SQL on ``items i``, looking up tags and feeds it names."""

    def __init__(self, db: Database, *, walk: bool = False, stories: int = 0) -> None:
        self.db = db
        self.walk, self.stories, self.negated = walk, stories, False
        self.id = "+i.id" if walk else "i.id"
        self.fts_in = _FTS_IN.format(id=self.id)
        self._tags: dict[str, tuple[list[int], list[int]]] = {}

    def root(self, node: Node | None) -> tuple[str | None, str, list[Any]]:
        """(one MATCH to drive the query from the index or None, WHERE, params)."""
        if node is None:
            return None, "", []
        children = node.nodes if isinstance(node, And) else (node,)
        match, rest = self._split(children)
        params: list[Any] = []
        parts = []
        for child in rest:
            sql, child_params = self.sql(child)
            parts.append(f"({sql})")
            params += child_params
        return match, " AND ".join(parts), params

    def _split(self, children: Sequence[Node]) -> tuple[str | None, list[Node]]:
        """Join what the index can answer of an AND into one MATCH; return the rest."""
        positive: list[str] = []
        negative: list[str] = []
        negated: list[Node] = []
        rest: list[Node] = []
        for child in children:
            if isinstance(child, Not) and (inner := self.fts(child.node)) is not None:
                negative.append(inner)
                negated.append(child)
            elif (expr := self.fts(child)) is not None:
                positive.append(expr)
            else:
                rest.append(child)
        if not positive:
            # The index cannot answer "not x" alone: those become NOT IN conditions.
            return None, rest + negated
        match = " AND ".join(positive)
        for inner in negative:
            match = f"({match}) NOT {inner}"
        return match, rest

    def fts(self, node: Node) -> str | None:
        """The node as an FTS5 expression, or None when it needs more than the index."""
        if isinstance(node, Term):
            if node.kind != "prefix" and node.column is None and self.tag(node.text)[0]:
                return None  # also a tag: matched in SQL
            return _fts_term(node)
        if isinstance(node, Or):
            parts = [self.fts(child) for child in node.nodes]
            if any(part is None for part in parts):
                return None
            return "(" + " OR ".join(p for p in parts if p) + ")"
        if isinstance(node, And):
            match, rest = self._split(node.nodes)
            if match is None or rest:
                return None
            return f"({match})"
        return None

    def sql(self, node: Node) -> tuple[str, list[Any]]:
        """The node as a condition on ``items i``."""
        expr = self.fts(node)
        if expr is not None:
            return self.fts_in, [expr]
        if isinstance(node, Term):
            tag_sql, tag_params = self.tag_sql(node.text)
            return f"({self.fts_in} OR {tag_sql})", [_fts_term(node), *tag_params]
        if isinstance(node, Not):
            self.negated = not self.negated
            inner, params = self.sql(node.node)
            self.negated = not self.negated
            return f"NOT ({inner})", params
        if isinstance(node, Or):
            return self._join(node.nodes, " OR ")
        if isinstance(node, And):
            match, rest = self._split(node.nodes)
            where, params = self._join(rest, " AND ") if rest else ("1", [])
            if match is not None:
                return f"({self.fts_in} AND {where})", [match, *params]
            return where, params
        return self.filter(node)

    def _join(self, nodes: Iterable[Node], glue: str) -> tuple[str, list[Any]]:
        parts: list[str] = []
        params: list[Any] = []
        for child in nodes:
            sql, child_params = self.sql(child)
            parts.append(f"({sql})")
            params += child_params
        return glue.join(parts), params

    def tag(self, folded: str) -> tuple[list[int], list[int]]:
        """(tag ids, ids of feeds carrying those tags) for a folded tag name."""
        if folded not in self._tags:
            tag_ids = [
                r[0] for r in self.db.execute("SELECT id FROM tags WHERE folded = ?", [folded])
            ]
            feed_ids: list[int] = []
            if tag_ids:
                marks = ",".join("?" * len(tag_ids))
                feed_ids = [
                    r[0]
                    for r in self.db.execute(
                        f"SELECT DISTINCT feed_id FROM feed_tags WHERE tag_id IN ({marks})",
                        tag_ids,
                    )
                ]
            self._tags[folded] = (tag_ids, feed_ids)
        return self._tags[folded]

    def tag_sql(self, folded: str) -> tuple[str, list[Any]]:
        """Stories tagged ``folded`` themselves or through one of their feeds."""
        tag_ids, feed_ids = self.tag(folded)  # no tag, no feeds
        each = bool(tag_ids) and self._each("tag_counts", "tag_id", tag_ids)
        parts = [self._member("item_tags", "tag_id", tag_ids, each)] if tag_ids else []
        if feed_ids:
            parts.append(self._member("item_feeds", "feed_id", feed_ids, each))
        return (" OR ".join(parts) if parts else "0"), []

    def in_feeds(self, feed_ids: Sequence[int]) -> str:
        """Stories carried by any of these feeds."""
        each = self._each("feed_counts", "feed_id", feed_ids)
        return self._member("item_feeds", "feed_id", feed_ids, each)

    def _each(self, counts: str, column: str, ids: Sequence[int]) -> bool:
        """On a walk, whether to look each row up: a NOT, or a tenth of the stories or more."""
        if not self.walk or self.negated:
            return self.walk
        sql = f"SELECT COALESCE(SUM(total), 0) FROM {counts} WHERE {column} IN ({_ints(ids)})"
        return int(self.db.execute(sql).fetchone()[0]) * _DENSE >= self.stories

    def _member(self, table: str, column: str, ids: Sequence[int], each: bool) -> str:
        """Stories in ``table`` under ``ids``: one lookup per story, or an id list."""
        within = f"{column} IN ({_ints(ids)})"
        if each:
            return f"EXISTS (SELECT 1 FROM {table} WHERE item_id = i.id AND {within})"
        return f"{self.id} IN (SELECT item_id FROM {table} WHERE {within})"

    def _feed_ids(self, keep: Callable[[tuple], bool]) -> list[int]:
        """Ids of the feeds (id, title, feed_title, folder, category) that ``keep`` keeps."""
        rows = self.db.execute("SELECT id, title, feed_title, folder, category FROM feeds")
        return [row[0] for row in rows if keep(row)]

    def filter(self, node: Node) -> tuple[str, list[Any]]:
        """A ``name:value`` filter as SQL."""
        assert isinstance(node, Filter)
        name, value = node.name, node.value
        if name == "is":
            column = {"unread": "read = 0", "read": "read = 1", "updated": "is_updated = 1"}
            return "i." + column.get(value, f"{value} = 1"), []
        if name == "tag":
            return self.tag_sql(value)
        if name == "feed":
            if value.isdigit():
                return self.in_feeds([int(value)]), []
            ids = self._feed_ids(lambda f: value in fold(f[1] or f[2]))
            return (self.in_feeds(ids) if ids else "0"), []
        if name == "folder":
            ids = self._feed_ids(lambda f: bool(f[3]) and f"{fold(f[3])}/".startswith(value + "/"))
            return (self.in_feeds(ids) if ids else "0"), []
        if name == "lang":
            feed_ids = [
                r[0]
                for r in self.db.execute(
                    "SELECT id FROM feeds WHERE lower(lang) = ? OR lower(lang) LIKE ?",
                    [value, value + "-%"],
                )
            ]
            sql = "(lower(i.lang) = ? OR lower(i.lang) LIKE ?)"
            if feed_ids:
                sql = f"({sql} OR (i.lang IS NULL AND {self.in_feeds(feed_ids)}))"
            return sql, [value, value + "-%"]
        if name == "cat":
            feed_ids = self._feed_ids(lambda f: fold(f[4]) == value)
            sql = "aanews_fold(i.category) = ?"
            if feed_ids:
                sql = f"({sql} OR {self.in_feeds(feed_ids)})"
            return sql, [value]
        if name in ("since", "after"):
            return "i.published_ts >= ?", [relative_or_date(name, value).timestamp()]
        if name == "before":
            return "i.published_ts < ?", [relative_or_date(name, value).timestamp()]
        raise QueryError(f"unknown filter {name}:{value}")


def _fts_term(term: Term) -> str:
    quoted = '"' + term.text.replace('"', '""') + '"'
    if term.kind == "prefix":
        quoted += "*"
    if term.column:
        return f"{term.column} : {quoted}"
    return quoted


def _ints(values: Iterable[int]) -> str:
    return ",".join(str(int(v)) for v in values)


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
    return stories, int(_run(db, sql, [match, max(_BROAD, stories // _DENSE)])[0][0])
