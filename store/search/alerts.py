"""Alerts: new stories that a ``notify = true`` tag rule matches, since a mark.

The reader keeps the highest story id it has looked at (``newest_story`` when it
opens: stories already there never alert). After its own refresh, or when it sees
another process store stories, it asks ``alerts_since`` for what came after the
mark; the mark moves on, so a story alerts once. Story ids only grow (a new story
is a new row), whichever process stored it. A story a rule hid does not alert.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

from store.db import in_chunks
from store.search.compiler import Query, _select
from store.search.rules import Rule, RuleSet
from store.text import clean_line

# Titles an alert carries: a toast names the first few, not a flood.
TITLES = 3


@dataclass(frozen=True)
class Alert:
    """What one notify rule matched: how many new stories, and the first titles (cleaned)."""

    rule: Rule
    count: int
    titles: list[str]


def notify_rules(ruleset: RuleSet | None) -> RuleSet:
    """The rules that say ``notify = true`` (an empty set when none does)."""
    if ruleset is None:
        return RuleSet()
    return RuleSet(tuple((rule, query) for rule, query in ruleset.rules if rule.notify))


def newest_story(db: Database) -> int:
    """The highest story id stored so far (0 for an empty database): the starting mark."""
    return int(db.execute("SELECT COALESCE(MAX(id), 0) FROM items").fetchone()[0])


def alerts_since(db: Database, mark: int, ruleset: RuleSet) -> tuple[int, list[Alert]]:
    """The stories stored after ``mark`` that each notify rule matches, newest first;
    returns the new mark with them (rules without ``notify`` are left out)."""
    rows = db.execute("SELECT id FROM items WHERE id > ? ORDER BY id", [mark]).fetchall()
    if not rows:
        return mark, []
    ids = [int(row[0]) for row in rows]
    alerts = []
    for rule, query in ruleset.rules:
        if not rule.notify:
            continue
        matched = _matching(db, query, ids)
        if matched:
            alerts.append(Alert(rule, len(matched), _titles(db, matched[:TITLES])))
    return ids[-1], alerts


def _matching(db: Database, query: Query, ids: list[int]) -> list[int]:
    """The ids among ``ids`` that ``query`` matches and no rule hid, newest story first."""
    found: list[int] = []
    for chunk, _ in in_chunks(ids, 5000):
        sql, params = _select(
            db, query, "i.id", ordered=False, extra="i.hidden = 0", restrict=chunk
        )
        found += [int(row[0]) for row in db.execute(sql, params)]
    return sorted(found, reverse=True)


def _titles(db: Database, ids: list[int]) -> list[str]:
    """The stories' titles in the order of ``ids``, cleaned (feed text) before anyone shows them."""
    _, marks = next(in_chunks(ids))
    titles = dict(db.execute(f"SELECT id, title FROM items WHERE id IN ({marks})", ids).fetchall())
    return [clean_line(titles.get(item_id, "")) or "(no title)" for item_id in ids]
