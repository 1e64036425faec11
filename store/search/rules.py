"""Tag rules: what to do with new stories that match a query, as they arrive.

In config.toml::

    [[rules]]
    query = "gazze OR gaza"
    tags = ["Gazze"]
    mark_read = false
    hide = false

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


class RuleError(ValueError):
    """A rule in the config that cannot be used; the message names the rule."""


@dataclass(frozen=True)
class Rule:
    """Stories matching ``query`` get ``tags``, and are marked read or hidden if asked."""

    query: str
    tags: list[str] = field(default_factory=list)
    mark_read: bool = False
    hide: bool = False


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
        if not rule.query.strip():
            raise RuleError(f"rule {number}: the query is empty (it would match every story)")
        try:
            query = parse_query(rule.query)
        except QueryError as error:
            raise RuleError(f"rule {number} ({_quoted(rule.query)}): {error}") from None
        if query.root is None:
            raise RuleError(
                f"rule {number} ({_quoted(rule.query)}): names no words or filters "
                "(it would match every story)"
            )
        if not (rule.tags or rule.mark_read or rule.hide):
            raise RuleError(
                f"rule {number} ({_quoted(rule.query)}): says neither tags, mark_read nor hide"
            )
        # Hidden or not, a new story is judged on what it is.
        query = dataclasses.replace(query, show_hidden=True)
        probe = probe or open_db(":memory:")
        try:
            sql, params = _select(probe, query, "i.id", ordered=False, restrict=[0])
            probe.execute(sql, params).fetchall()
        except sqlite3.Error as error:
            raise RuleError(f"rule {number} ({_quoted(rule.query)}): {refusal(error)}") from None
        compiled.append((rule, query))
    if probe is not None:
        probe.close()
    return RuleSet(tuple(compiled))


def _quoted(query: str) -> str:
    """A rule's query as a message quotes it: at most 60 characters."""
    return repr(query if len(query) <= 60 else query[:57] + "...")


def apply_rules(db: Database, item_ids: Sequence[int], ruleset: RuleSet) -> None:
    """Run every rule over these (new) stories, in the config's order, in one transaction."""
    ids = list(item_ids)
    if not ids or not ruleset.rules:
        return
    with writing(db):
        for rule, query in ruleset.rules:
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
            raise RuleError(f"rule {number}: must be a [[rules]] table")
        unknown = set(table) - {"query", "tags", "mark_read", "hide"}
        if unknown:
            raise RuleError(
                f"rule {number}: unknown key {sorted(unknown)[0]!r} "
                "(known: query, tags, mark_read, hide)"
            )
        query = table.get("query")
        if not isinstance(query, str):
            raise RuleError(f'rule {number}: needs query = "..."')
        tags = table.get("tags", [])
        if isinstance(tags, str):
            tags = [tags]
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            raise RuleError(f"rule {number}: tags must be a list of strings")
        flags = {}
        for key in ("mark_read", "hide"):
            value = table.get(key, False)
            if not isinstance(value, bool):
                raise RuleError(f"rule {number}: {key} must be true or false")
            flags[key] = value
        rules.append(
            Rule(
                query=query,
                tags=[t for t in (normalize_tag(t) for t in tags) if t],
                mark_read=flags["mark_read"],
                hide=flags["hide"],
            )
        )
    return rules
