"""A query tree as SQL conditions on ``items i`` (``store.search.compiler`` puts them together).

Text terms become FTS5 expressions (one MATCH for what an AND needs from the
index); tags, feeds, folders, languages and categories are looked up once and
become conditions on their link tables, as id lists or, on a walk of the
newest-first index, as one lookup per row walked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlite_utils import Database

from store.kept_bits import BIT, TAG_JOIN
from store.search.parser import And, Filter, Node, Not, Or, QueryError, Term, relative_or_date
from store.text import fold

FTS_IN = "{id} IN (SELECT rowid FROM items_fts WHERE items_fts MATCH ?)"
# Each language spelled in the stories (a walk along items_lang), and which match.
_SPELLINGS = """
    WITH RECURSIVE spelled (lang) AS (
        SELECT MIN(lang) FROM items
        UNION ALL
        SELECT (SELECT MIN(lang) FROM items WHERE lang > spelled.lang) FROM spelled
        WHERE spelled.lang IS NOT NULL
    )
    SELECT lang FROM spelled WHERE lower(lang) = ? OR lower(lang) LIKE ?
"""
# The first and last story's time, from either end of items_newest.
_DATES = "SELECT (SELECT MIN(published_ts) FROM items), (SELECT MAX(published_ts) FROM items)"
# On a walk, a tenth of the stories or more matching means one lookup per row walked.
DENSE = 10


class Conditions:
    """Turns a tree into SQL on ``items i``, looking up tags and feeds it names."""

    def __init__(
        self,
        db: Database,
        *,
        walk: bool = False,
        stories: int = 0,
        counting: bool = False,
        plain: bool = False,
        bits: bool = False,
    ) -> None:
        """``counting``: for a count (a language as its stored spellings, for items_lang);
        ``plain``: the count goes by items_lang (``by_language``); ``bits``: a count driven
        from the index's matches, read and tags as bits (store/kept_bits.py): ``joins``
        lists the tag_bits it needs, ``rows`` says whether it needs ``items i`` too."""
        self.db = db
        self.walk, self.stories, self.negated = walk, stories, False
        self.counting = counting
        self.bits, self.rows = bits, False
        self.joins: list[str] = []
        self.id = "items_fts.rowid" if bits else "+i.id" if walk else "i.id"
        # "+i.read", "+i.published_ts" when a count goes by items_lang: SQLite kept from
        # the state indexes (items_shown_unread would read 195,000 rows for 20,000).
        self.col = "+i." if plain else "i."
        self.fts_in = FTS_IN.format(id=self.id)
        self._tags: dict[str, tuple[list[int], list[int]]] = {}
        self._dates: tuple[float, float] | None = None

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
            return fts_term(node)
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
            return f"({self.fts_in} OR {tag_sql})", [fts_term(node), *tag_params]
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
        if self.bits:  # tag_bits holds a tag's stories through their feeds too
            return " OR ".join(self._tag_bit(tag_id) for tag_id in tag_ids) or "0", []
        each = bool(tag_ids) and self._each("tag_counts", "tag_id", tag_ids)
        parts = [self._member("item_tags", "tag_id", tag_ids, each)] if tag_ids else []
        if feed_ids:
            parts.append(self._member("item_feeds", "feed_id", feed_ids, each))
        return (" OR ".join(parts) if parts else "0"), []

    def _tag_bit(self, tag_id: int) -> str:
        alias = f"t{len(self.joins)}"
        self.joins.append(TAG_JOIN.format(alias=alias, tag_id=int(tag_id)))
        return f"COALESCE({BIT.format(bits=alias + '.bits')}, 0)"

    def in_feeds(self, feed_ids: Sequence[int]) -> str:
        """Stories carried by any of these feeds."""
        each = self._each("feed_counts", "feed_id", feed_ids)
        return self._member("item_feeds", "feed_id", feed_ids, each)

    def _each(self, counts: str, column: str, ids: Sequence[int]) -> bool:
        """On a walk, whether to look each row up: a NOT, or a tenth of the stories or more."""
        if not self.walk or self.negated:
            return self.walk
        sql = f"SELECT COALESCE(SUM(total), 0) FROM {counts} WHERE {column} IN ({ints(ids)})"
        return int(self.db.execute(sql).fetchone()[0]) * DENSE >= self.stories

    def _member(self, table: str, column: str, ids: Sequence[int], each: bool) -> str:
        """Stories in ``table`` under ``ids``: one lookup per story, or an id list."""
        within = f"{column} IN ({ints(ids)})"
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
        if name == "is" and self.bits and value in ("unread", "read"):
            unread = BIT.format(bits="b.unread")  # the count keeps hidden stories out
            return (unread if value == "unread" else f"NOT {unread}"), []
        if name == "is":
            self.rows = self.bits
            column = {"unread": "read = 0", "read": "read = 1", "updated": "is_updated = 1"}
            return self.col + column.get(value, f"{value} = 1"), []
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
            return self.lang_sql(value)
        if name == "cat":
            self.rows = self.bits
            feed_ids = self._feed_ids(lambda f: fold(f[4]) == value)
            sql = "aanews_fold(i.category) = ?"
            if feed_ids:
                sql = f"({sql} OR {self.in_feeds(feed_ids)})"
            return sql, [value]
        if name in ("since", "after", "before"):
            return self.date_sql(name, relative_or_date(name, value).timestamp())
        raise QueryError(f"unknown filter {name}:{value}")

    def date_sql(self, name: str, stamp: float) -> tuple[str, list[Any]]:
        """Stories since or before a time; for a count, none when every story is on one side."""
        later = name != "before"
        if self.counting:
            if self._dates is None:  # the ends of items_newest: two steps
                first, last = self.db.execute(_DATES).fetchone()
                self._dates = (first, last) if first is not None else (0.0, -1.0)
            first, last = self._dates
            if (stamp <= first) if later else (stamp > last):
                return "1", []  # keeps every story
            if (stamp > last) if later else (stamp <= first):
                return "0", []
        self.rows = self.bits
        return self.col + ("published_ts >= ?" if later else "published_ts < ?"), [stamp]

    def lang_sql(self, value: str) -> tuple[str, list[Any]]:
        """Stories in a language (``fr`` also ``fr-CA``), or without one in a feed in it."""
        self.rows = self.bits
        like = [value, value + "-%"]
        feed_sql = "SELECT id FROM feeds WHERE lower(lang) = ? OR lower(lang) LIKE ?"
        feed_ids = [r[0] for r in self.db.execute(feed_sql, like)]
        if self.counting:
            # The language spellings stored (a few: one step each through items_lang),
            # those that match, then an index seek per spelling: a count reads no rows.
            spellings = [r[0] for r in self.db.execute(_SPELLINGS, like)]
            sql, params = f"i.lang IN ({','.join('?' * len(spellings)) or 'NULL'})", spellings
        else:
            sql, params = "(lower(i.lang) = ? OR lower(i.lang) LIKE ?)", like
        if feed_ids:
            sql = f"({sql} OR (i.lang IS NULL AND {self.in_feeds(feed_ids)}))"
        return sql, params


def by_language(root: Node | None) -> bool:
    """Whether the query keeps one language (an AND with ``lang:``): items_lang can lead."""
    children = root.nodes if isinstance(root, And) else (root,)
    return any(isinstance(child, Filter) and child.name == "lang" for child in children)


def fts_term(term: Term) -> str:
    quoted = '"' + term.text.replace('"', '""') + '"'
    if term.kind == "prefix":
        quoted += "*"
    if term.column:
        return f"{term.column} : {quoted}"
    return quoted


def ints(values: Iterable[int]) -> str:
    return ",".join(str(int(v)) for v in values)
