"""Tag rules from config.toml, applied to new stories as they are stored."""

from __future__ import annotations

import tomllib
from datetime import datetime, timedelta, timezone

import pytest
from sqlite_utils import Database

from store.feeds import add_feed
from store.ingest import store_feed
from store.items import get_item
from store.model import Entry, ParsedFeed
from store.search.alerts import alerts_since, newest_story, notify_rules
from store.search.compiler import search_ids
from store.search.rules import Rule, RuleError, compile_rules, rules_from_toml

IST = timezone(timedelta(hours=3))
CONFIG = """
[[rules]]
query = "gazze OR gaza"
tags = ["Gazze", "Orta Doğu"]

[[rules]]
query = "maç OR lig"
mark_read = true

[[rules]]
query = "reklam"
hide = true
tags = ["spam"]
"""


def _story(key: str, title: str) -> Entry:
    return Entry(key=key, title=title, published=datetime(2024, 5, 1, 9, tzinfo=IST))


def test_rules_from_toml_reads_every_table() -> None:
    rules = rules_from_toml(tomllib.loads(CONFIG))
    assert rules == [
        Rule("gazze OR gaza", ["Gazze", "Orta Doğu"]),
        Rule("maç OR lig", [], mark_read=True),
        Rule("reklam", ["spam"], hide=True),
    ]
    assert rules_from_toml({}) == []


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"tags": ["x"]}, "rule 1: needs query"),
        ({"query": "x", "tags": [1]}, "rule 1: tags must be a list of strings"),
        ({"query": "x", "hide": "yes"}, "rule 1: hide must be true or false"),
        ({"query": "x", "colour": "red"}, "rule 1: unknown key 'colour'"),
        ({"query": "x", "notify": "yes"}, "rule 1: notify must be true or false"),
    ],
)
def test_malformed_rules_are_named(table: dict, message: str) -> None:
    with pytest.raises(RuleError, match=message):
        rules_from_toml({"rules": [table]})


def test_compile_rules_names_the_rule_with_a_bad_query() -> None:
    with pytest.raises(RuleError, match=r"rule 2 \('colour:red'\): unknown filter colour:red"):
        compile_rules([Rule("gazze", ["x"]), Rule("colour:red", ["y"])])
    with pytest.raises(RuleError, match="rule 1: the query is empty"):
        compile_rules([Rule("  ", ["x"])])
    # Only a sort: it would tag every new story just the same.
    with pytest.raises(RuleError, match=r"rule 1 \('sort:rank'\): .*would match every story"):
        compile_rules([Rule("sort:rank", ["x"])])
    with pytest.raises(RuleError, match="neither tags, mark_read, hide nor notify"):
        compile_rules([Rule("gazze")])


def test_rules_tag_mark_read_and_hide_new_stories(db: Database) -> None:
    feed = add_feed(db, "https://www.aa.com.tr/tr/rss/default?cat=guncel")
    ruleset = compile_rules(rules_from_toml(tomllib.loads(CONFIG)))
    store_feed(db, feed.id, ParsedFeed(entries=[_story("aa:0", "Eski haber: Gazze")]))
    result = store_feed(
        db,
        feed.id,
        ParsedFeed(
            entries=[
                _story("aa:0", "Eski haber: Gazze"),
                _story("aa:1", "Gazze'de ateşkes"),
                _story("aa:2", "Süper Lig'de maç günü"),
                _story("aa:3", "Reklam: indirim"),
                _story("aa:4", "Ankara'da toplantı"),
            ]
        ),
        on_new_items=ruleset,
    )
    ids = {n: result.item_ids[n] for n in range(5)}
    assert get_item(db, ids[0]).tags == []  # stored before the rules ran: left alone
    assert get_item(db, ids[1]).tags == ["Gazze", "Orta Doğu"]
    assert get_item(db, ids[2]).read and not get_item(db, ids[1]).read
    assert get_item(db, ids[3]).hidden and get_item(db, ids[3]).tags == ["spam"]
    assert get_item(db, ids[4]).tags == [] and not get_item(db, ids[4]).read
    assert ids[3] not in search_ids(db, "")
    assert search_ids(db, "tag:spam is:hidden") == [ids[3]]


def test_rules_do_not_run_again_on_an_updated_story(db: Database) -> None:
    feed = add_feed(db, "https://www.aa.com.tr/tr/rss/default?cat=guncel")
    ruleset = compile_rules([Rule("gazze", ["Gazze"])])
    result = store_feed(
        db, feed.id, ParsedFeed(entries=[_story("aa:1", "Gazze")]), on_new_items=ruleset
    )
    db.execute("DELETE FROM item_tags")  # the reader untagged it
    store_feed(
        db, feed.id, ParsedFeed(entries=[_story("aa:1", "Gazze: son durum")]), on_new_items=ruleset
    )
    assert get_item(db, result.item_ids[0]).tags == []


def test_notify_rules_alert_once_for_stories_after_the_mark(db: Database) -> None:
    feed = add_feed(db, "https://www.aa.com.tr/tr/rss/default?cat=guncel")
    rules = rules_from_toml(
        tomllib.loads(
            '[[rules]]\nquery = "gazze"\nnotify = true\n'
            '[[rules]]\nquery = "reklam"\nhide = true\n'
            '[[rules]]\nquery = "deprem"\ntags = ["Deprem"]\nnotify = true\n'
        )
    )
    assert rules[0] == Rule("gazze", notify=True)
    ruleset = compile_rules(rules)
    store_feed(db, feed.id, ParsedFeed(entries=[_story("aa:0", "Eski: Gazze")]))
    mark = newest_story(db)  # the reader opens here
    new = [_story(f"aa:{n}", f"Gazze haberi {n}") for n in range(1, 6)]
    new += [_story("aa:9", "Gazze reklam"), _story("aa:10", "Deprem [b]x[/b]\x1b[2J")]
    result = store_feed(db, feed.id, ParsedFeed(entries=new), on_new_items=ruleset)
    mark, alerts = alerts_since(db, mark, notify_rules(ruleset))
    assert mark == max(result.item_ids)
    gazze, deprem = alerts
    assert gazze.rule.label == "gazze" and gazze.count == 5  # the hidden advert alerts not
    assert gazze.titles == ["Gazze haberi 5", "Gazze haberi 4", "Gazze haberi 3"]
    assert deprem.rule.label == "Deprem" and deprem.titles == ["Deprem [b]x[/b]"]  # cleaned
    assert get_item(db, result.item_ids[0]).tags == []  # notify alone writes nothing
    assert alerts_since(db, mark, notify_rules(ruleset)) == (mark, [])  # never again
    assert notify_rules(compile_rules([Rule("x", ["t"])])).rules == ()
