"""Tag rules: what to do with new stories that match a query, as they arrive.

In config.toml::

    [[rules]]
    query = "gazze OR gaza"
    tags = ["Gazze"]
    mark_read = false
    hide = false
    notify = false   # the reader tells of matching stories that arrive while it is open

Rules see only the stories first stored by a refresh (never older ones, and
never a story again when it is updated), so a user who untags or unhides a
story is not overruled at the next fetch. Pass a ``RuleSet`` as
``on_new_items`` to ``store.ingest.store_feed`` / ``store.fetching.refresh``.
"""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlite_utils import Database

from store.db import in_chunks, open_db, writing
from store.items import set_hidden, set_read
from store.search.compiler import Query, QueryError, _select, parse_query, refusal
from store.tags import normalize_tag, tag_items

RULE_KEYS = ("query", "tags", "mark_read", "hide", "notify")


class RuleError(ValueError):
    """A rule in the config that cannot be used; the message names the rule.

    ``number`` is the rule's place among the [[rules]] tables and ``key`` the key
    at fault (None: the rule as a whole), so the config can name the line.
    """

    def __init__(self, message: str, number: int | None = None, key: str | None = None) -> None:
        super().__init__(message)
        self.number, self.key = number, key


@dataclass(frozen=True)
class Rule:
    """Stories matching ``query`` get ``tags``, and are marked read or hidden if asked;
    ``notify``: the reader tells of them (``store.search.alerts``)."""

    query: str
    tags: list[str] = field(default_factory=list)
    mark_read: bool = False
    hide: bool = False
    notify: bool = False

    @property
    def writes(self) -> bool:
        """Whether storing a match changes it (notify alone changes nothing)."""
        return bool(self.tags or self.mark_read or self.hide)

    @property
    def label(self) -> str:
        """The rule in a notification's words: its first tag, else its query."""
        return self.tags[0] if self.tags else _shortened(self.query)


@dataclass(frozen=True)
class RuleSet:
    """Rules with their queries parsed; call it as ``(db, new_ids)``."""

    rules: tuple[tuple[Rule, Query], ...] = ()

    def __call__(self, db: Database, new_ids: list[int]) -> None:
        """The ``on_new_items`` hook of ``store_feed``."""
        apply_rules(db, new_ids, self)

    def __bool__(self) -> bool:
        return bool(self.rules)


def compile_rules(rules: Iterable[Rule]) -> RuleSet:
    """Parse every rule's query and run it once on an empty database of the real
    schema; RuleError naming the first rule that does not parse or that SQLite
    refuses (3,000 ORs would otherwise fail every feed's storing)."""
    compiled: list[tuple[Rule, Query]] = []
    probe: Database | None = None
    for number, rule in enumerate(rules, start=1):
        named = f"rule {number} ({_quoted(rule.query)})"
        if not rule.query.strip():
            raise RuleError(
                f"rule {number}: the query is empty (it would match every story)", number, "query"
            )
        try:
            query = parse_query(rule.query)
        except QueryError as error:
            raise RuleError(f"{named}: {error}", number, "query") from None
        if query.root is None:
            raise RuleError(
                f"{named}: names no words or filters (it would match every story)", number, "query"
            )
        if not (rule.writes or rule.notify):
            raise RuleError(f"{named}: says neither tags, mark_read, hide nor notify", number)
        # Hidden or not, a new story is judged on what it is.
        query = dataclasses.replace(query, show_hidden=True)
        probe = probe or open_db(":memory:")
        try:
            sql, params = _select(probe, query, "i.id", ordered=False, restrict=[0])
            probe.execute(sql, params).fetchall()
        except sqlite3.Error as error:
            raise RuleError(f"{named}: {refusal(error)}", number, "query") from None
        compiled.append((rule, query))
    if probe is not None:
        probe.close()
    return RuleSet(tuple(compiled))


def _quoted(query: str) -> str:
    """A rule's query as a message quotes it: at most 60 characters."""
    return repr(_shortened(query))


def _shortened(query: str) -> str:
    return query if len(query) <= 60 else query[:57] + "..."


def apply_rules(db: Database, item_ids: Sequence[int], ruleset: RuleSet) -> None:
    """Run every rule over these (new) stories, in the config's order, in one transaction."""
    ids = list(item_ids)
    writers = [(rule, query) for rule, query in ruleset.rules if rule.writes]
    if not ids or not writers:
        return
    with writing(db):
        for rule, query in writers:
            matched: list[int] = []
            for chunk, _ in in_chunks(ids, 5000):
                sql, params = _select(db, query, "i.id", ordered=False, restrict=chunk)
                matched += [row[0] for row in db.execute(sql, params)]
            if not matched:
                continue
            if rule.tags:
                tag_items(db, matched, rule.tags)
            if rule.mark_read:
                set_read(db, matched)
            if rule.hide:
                set_hidden(db, matched)


def rules_from_toml(data: dict[str, Any]) -> list[Rule]:
    """The ``[[rules]]`` tables of a parsed config.toml; RuleError naming a malformed one."""
    tables = data.get("rules", [])
    if not isinstance(tables, list):
        raise RuleError("rules must be written as [[rules]] tables")
    rules: list[Rule] = []
    for number, table in enumerate(tables, start=1):
        if not isinstance(table, dict):
            raise RuleError(f"rule {number}: must be a [[rules]] table", number)
        unknown = sorted(set(table) - set(RULE_KEYS))
        if unknown:
            raise RuleError(
                f"rule {number}: unknown key {unknown[0]!r} (known: {', '.join(RULE_KEYS)})",
                number,
                unknown[0],
            )
        query = table.get("query")
        if not isinstance(query, str):
            raise RuleError(f'rule {number}: needs query = "..."', number, "query")
        tags = table.get("tags", [])
        if isinstance(tags, str):
            tags = [tags]
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            raise RuleError(f"rule {number}: tags must be a list of strings", number, "tags")
        flags = {}
        for key in ("mark_read", "hide", "notify"):
            value = table.get(key, False)
            if not isinstance(value, bool):
                raise RuleError(f"rule {number}: {key} must be true or false", number, key)
            flags[key] = value
        rules.append(
            Rule(query=query, tags=[t for t in (normalize_tag(t) for t in tags) if t], **flags)
        )
    return rules
