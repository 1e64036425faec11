"""Tags: counts, rename, merge, delete, bulk tagging, and surviving every re-fetch."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlite_utils import Database

from store.feeds import add_feed
from store.ingest import store_feed
from store.items import get_item, set_read, set_starred
from store.model import Entry, ParsedFeed
from store.search.compiler import search_ids
from store.tags import (
    TagCount,
    delete_tag,
    item_tags,
    list_tags,
    merge_tags,
    rename_tag,
    tag_items,
    tag_query,
    untag_items,
)

IST = timezone(timedelta(hours=3))


def _story(key: str, title: str, summary: str = "Lead.", hour: int = 9) -> Entry:
    return Entry(
        key=key, title=title, summary=summary, published=datetime(2024, 5, 1, hour, tzinfo=IST)
    )


@pytest.fixture
def ids(db: Database) -> list[int]:
    """Three stories in a feed tagged 'Dünya', a fourth in an untagged feed."""
    world = add_feed(db, "https://www.aa.com.tr/tr/rss/default?cat=dunya", tags=["Dünya"])
    other = add_feed(db, "https://www.aa.com.tr/tr/rss/default?cat=spor")
    store_feed(
        db,
        world.id,
        ParsedFeed(
            entries=[
                _story("aa:1", "Gazze'de ateşkes", hour=9),
                _story("aa:2", "Gazze'ye yardım", hour=10),
                _story("aa:3", "Ukrayna", hour=11),
            ]
        ),
    )
    store_feed(db, other.id, ParsedFeed(entries=[_story("aa:4", "Maç sonucu", hour=12)]))
    return [int(r[0]) for r in db.execute("SELECT id FROM items ORDER BY key")]


def test_list_tags_counts_own_and_feed_tags(db: Database, ids: list[int]) -> None:
    tag_items(db, ids[:2], ["Gazze"])
    tag_items(db, [ids[3]], ["Dünya"])
    set_read(db, [ids[0]])
    assert list_tags(db) == [TagCount("Dünya", 4, 3), TagCount("Gazze", 2, 1)]


def test_tagging_is_folded_and_idempotent(db: Database, ids: list[int]) -> None:
    assert tag_items(db, [ids[0]], ["Gazze"]) == 1
    assert tag_items(db, [ids[0]], ["GAZZE", "gazze"]) == 0
    assert item_tags(db, ids[0]) == ["Gazze"]
    assert untag_items(db, [ids[0]], ["gazze"]) == 1
    assert item_tags(db, ids[0]) == []


def test_rename_keeps_stories_and_can_fix_case(db: Database, ids: list[int]) -> None:
    tag_items(db, ids[:2], ["gazze"])
    rename_tag(db, "gazze", "Gazze")
    assert [t.name for t in list_tags(db)] == ["Dünya", "Gazze"]
    rename_tag(db, "Gazze", "Filistin")
    assert item_tags(db, ids[1]) == ["Filistin"]
    assert search_ids(db, "tag:filistin") == [ids[1], ids[0]]
    assert search_ids(db, "tag:gazze") == []


def test_rename_onto_an_existing_tag_merges(db: Database, ids: list[int]) -> None:
    tag_items(db, [ids[0]], ["Gazze"])
    tag_items(db, [ids[1], ids[3]], ["Gaza"])
    rename_tag(db, "gaza", "gazze")
    assert list_tags(db) == [TagCount("Dünya", 3, 3), TagCount("Gazze", 3, 3)]
    with pytest.raises(LookupError):
        rename_tag(db, "gaza", "x")


def test_merge_moves_feed_tags_too(db: Database, ids: list[int]) -> None:
    tag_items(db, [ids[3]], ["Spor"])
    assert merge_tags(db, ["Dünya", "Spor"], "Haber") == 1
    assert list_tags(db) == [TagCount("Haber", 4, 4)]
    assert search_ids(db, "tag:haber") == [ids[3], ids[2], ids[1], ids[0]]


def test_delete_tag_removes_it_everywhere(db: Database, ids: list[int]) -> None:
    tag_items(db, ids, ["Dünya"])
    assert delete_tag(db, "dunya").stories == 4
    assert list_tags(db) == []
    assert search_ids(db, "tag:dunya") == []
    with pytest.raises(LookupError):
        delete_tag(db, "dunya")


def test_tag_query_tags_every_match(db: Database, ids: list[int]) -> None:
    assert tag_query(db, "gazze", ["Orta Doğu"]) == 2
    assert search_ids(db, 'tag:"orta dogu"') == [ids[1], ids[0]]


def test_tags_read_and_starred_survive_a_changed_story(db: Database, ids: list[int]) -> None:
    feed_id = get_item(db, ids[0]).feeds[0]
    tag_items(db, [ids[0]], ["Gazze"])
    set_read(db, [ids[0]])
    set_starred(db, [ids[0]])
    changed = _story("aa:1", "Gazze'de ateşkes sağlandı", "Yeni ayrıntılar.")
    result = store_feed(db, feed_id, ParsedFeed(entries=[changed]))
    assert result.updated_ids == [ids[0]]
    store_feed(db, feed_id, ParsedFeed(entries=[changed]))  # the same again
    item = get_item(db, ids[0])
    assert item.title == "Gazze'de ateşkes sağlandı"
    assert (item.tags, item.read, item.starred) == (["Gazze"], True, True)
    assert search_ids(db, "tag:gazze sagland*") == [ids[0]]
