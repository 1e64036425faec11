"""Retention: prune drops old read stories past the caps, never unread, starred or tagged."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlite_utils import Database

from store import clock
from store.db import open_db
from store.feeds import add_feed, list_feeds, set_settings
from store.ingest import store_feed
from store.items import set_read, set_starred
from store.model import Entry, FeedSettings, ParsedFeed
from store.retention import prune, stories_to_drop
from store.tags import tag_items
from tui.cli import main
from tui.commands.prune import summary


def _fill(db: Database, feed_id: int, count: int, prefix: str, days_apart: float = 1) -> list[int]:
    now = clock.now()
    entries = [
        Entry(
            key=f"guid:{prefix}{n}",
            title=f"{prefix} {n}",
            body="words " * 50,
            published=now - timedelta(days=n * days_apart),
        )
        for n in range(count)
    ]
    result = store_feed(db, feed_id, ParsedFeed(title=prefix, entries=entries))
    return result.item_ids  # newest first, as given


def _remaining(db: Database) -> set[int]:
    return {row[0] for row in db.execute("SELECT id FROM items")}


def test_cap_keeps_newest_and_every_protected_story(db: Database) -> None:
    feed = add_feed(db, "https://a.test/rss")
    ids = _fill(db, feed.id, 20, "a")
    set_read(db, ids)
    set_read(db, [ids[15]], read=False)  # unread
    set_starred(db, [ids[16]])
    tag_items(db, [ids[17]], ["keep"])
    set_settings(db, feed.id, FeedSettings(max_stories=5))
    report = prune(db)
    assert sorted(report.deleted) == sorted(set(ids[5:]) - {ids[15], ids[16], ids[17]})
    assert _remaining(db) == set(ids[:5]) | {ids[15], ids[16], ids[17]}
    assert [f.total for f in list_feeds(db)] == [8]


def test_default_cap_age_and_dry_run(db: Database) -> None:
    old = add_feed(db, "https://old.test/rss")
    own = add_feed(db, "https://own.test/rss")
    old_ids = _fill(db, old.id, 10, "o")
    own_ids = _fill(db, own.id, 10, "w")
    set_read(db, old_ids + own_ids)
    set_settings(db, own.id, FeedSettings(max_age_days=3.5))  # its own cap wins
    planned = stories_to_drop(db, max_stories=8)
    assert set(planned) == set(old_ids[8:]) | set(own_ids[4:])
    dry = prune(db, max_stories=8, dry_run=True)
    assert sorted(dry.deleted) == sorted(planned) and len(_remaining(db)) == 20
    assert "would be dropped" in summary(dry)
    # Without a default cap only the feed's own age cap drops anything.
    assert set(prune(db).deleted) == set(own_ids[4:])


def test_a_story_stays_while_any_feed_keeps_it(db: Database) -> None:
    capped = add_feed(db, "https://capped.test/rss")
    free = add_feed(db, "https://free.test/rss")
    entries = [
        Entry(key=f"aa:{n}", title=f"t{n}", published=clock.now() - timedelta(days=n))
        for n in range(1, 6)
    ]
    ids = store_feed(db, capped.id, ParsedFeed(entries=entries)).item_ids
    store_feed(db, free.id, ParsedFeed(entries=entries[-1:]))  # the oldest, in both
    set_read(db, ids)
    set_settings(db, capped.id, FeedSettings(max_stories=2))
    assert set(prune(db).deleted) == {ids[2], ids[3]}
    assert ids[4] in _remaining(db)


def test_prune_compacts_the_file(tmp_path: Path) -> None:
    db = open_db(tmp_path / "big.db")
    feed = add_feed(db, "https://big.test/rss")
    ids = _fill(db, feed.id, 400, "b", days_apart=0.01)
    set_read(db, ids)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = (tmp_path / "big.db").stat().st_size
    report = prune(db, max_stories=10)
    assert len(report.deleted) == 390 and report.vacuumed
    assert report.bytes_after < report.bytes_before / 2
    db.close()
    assert (tmp_path / "big.db").stat().st_size < before / 2


def test_cli_prune_reads_the_config_default(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "p.db"
    db = open_db(path)
    feed = add_feed(db, "https://c.test/rss")
    set_read(db, _fill(db, feed.id, 6, "c"))
    db.close()
    config = tmp_path / "config.toml"
    config.write_text("max_stories = 4\n")
    args = ["--db", str(path), "--config", str(config), "prune"]
    assert main([*args, "--dry-run", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["deleted"] == 2
    assert main([*args, "--max-stories", "1"]) == 0
    assert capsys.readouterr().out.startswith("5 stories dropped")
    assert main(["--db", str(path), "prune"]) == 0  # no cap anywhere: nothing goes
    assert capsys.readouterr().out.startswith("0 stories dropped")
    assert main(["--db", str(path), "prune", "--dry-run", "--max-stories", "1"]) == 0
    assert capsys.readouterr().out.strip() == (  # nothing read left to drop: says what stays
        "0 stories would be dropped (unread, starred and tagged stories are always kept; "
        "dry run: nothing changed)"
    )
    assert main(["--db", str(path), "prune", "--max-age-days", "-1"]) == 2
    assert capsys.readouterr().err.strip() == (
        "aanews: --max-age-days: must be from 0.001 to 36,600 days (100 years)"
    )


def test_prune_counts_in_words() -> None:
    from store.retention import PruneReport

    said = summary(PruneReport(deleted=[7], index_steps=1))
    assert said == "1 story dropped; search index merged (1 step)"
    many = PruneReport(deleted=list(range(2500)), index_steps=3, vacuumed=True)
    many.bytes_before, many.bytes_after = 2**40, 2**30
    assert summary(many) == (
        "2,500 stories dropped; file compacted from 1,048,576.0 MiB to 1,024.0 MiB; "
        "search index merged (3 steps)"
    )
