"""The search index's segments merged after refreshes (store/search/upkeep.py): fewer
segments for a search to read, the same answers, nothing lost beside another writer."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlite_utils import Database

from store.db import connect, open_db
from store.feeds import add_feed
from store.ingest import store_feed
from store.model import Entry, ParsedFeed
from store.search.compiler import search_ids
from store.search.upkeep import compact_index, compact_step, index_segments
from tui.cli import main

WORDS = ["istanbul", "gazze", "ekonomi", "secim", "deprem", "futbol", "bayram", "doviz"]
QUERIES = ["istanbul", "gazze OR deprem", '"ekonomi secim"', "futb*", "-doviz bayram"]


def _refreshed_many_times(db: Database, feeds: int = 40, stories: int = 6) -> None:
    """Each feed stored on its own, as refreshes store them: a segment each."""
    for feed in range(feeds):
        feed_id = add_feed(db, f"https://example.org/{feed}.xml").id
        entries = [
            Entry(
                key=f"guid:{feed}-{n}",
                title=f"{WORDS[(feed + n) % 8]} {WORDS[(feed * n) % 8]} {feed}",
                summary=" ".join(WORDS[(feed + n + k) % 8] for k in range(n + 2)),
            )
            for n in range(stories)
        ]
        store_feed(db, feed_id, ParsedFeed(title=str(feed), entries=entries))


@contextmanager
def _read_only(path: Path) -> Iterator[None]:
    """The file without write permission for a while (read-only even to root)."""
    path.chmod(0o444)
    try:
        yield
    finally:
        path.chmod(0o644)


def _answers(db: Database) -> dict[str, list[int]]:
    return {query: search_ids(db, query) for query in QUERIES}


def test_merging_leaves_fewer_segments_and_every_search_answers_the_same(
    db: Database,
) -> None:
    _refreshed_many_times(db)
    before, answers = index_segments(db), _answers(db)
    assert before >= 4 and all(answers.values())
    assert compact_index(db) >= 1
    assert index_segments(db) < before
    assert _answers(db) == answers
    assert not compact_step(db)  # nothing is left to merge: a step changes nothing


def test_merging_stops_when_asked_before_any_step(db: Database) -> None:
    _refreshed_many_times(db, feeds=20)
    before = index_segments(db)
    assert compact_index(db, should_stop=lambda: True) == 0
    assert index_segments(db) == before


def test_a_write_beside_the_merging_is_kept(tmp_path: Path) -> None:
    """Two connections, as the reader's merging and a cron fetch: each waits its turn."""
    path = tmp_path / "aanews.db"
    db = open_db(path)
    _refreshed_many_times(db)
    other = open_db(path)
    merging = connect(path)
    feed_id = add_feed(other, "https://example.org/late.xml").id
    steps = 0

    def write_between_steps() -> bool:
        nonlocal steps
        steps += 1
        entry = Entry(key=f"guid:late-{steps}", title=f"zeplin {steps}")
        store_feed(other, feed_id, ParsedFeed(title="late", entries=[entry]))
        return False

    compact_index(merging, should_stop=write_between_steps)
    assert len(search_ids(db, "zeplin")) == steps >= 2
    merging.close()
    other.close()


def test_prune_merges_the_index_even_when_it_drops_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "aanews.db"
    db = open_db(path)
    _refreshed_many_times(db)
    before, answers = index_segments(db), _answers(db)
    db.close()
    assert main(["--db", str(path), "prune", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["deleted"] == 0 and report["index_steps"] >= 1
    db = open_db(path)
    assert index_segments(db) < before and _answers(db) == answers
    db.close()
    assert main(["--db", str(path), "prune"]) == 0
    assert capsys.readouterr().out.strip() == "0 stories dropped"  # merged already


def test_a_dry_run_prune_leaves_the_index_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "aanews.db"
    db = open_db(path)
    _refreshed_many_times(db, feeds=20)
    before = index_segments(db)
    db.close()
    assert main(["--db", str(path), "prune", "--dry-run", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["index_steps"] == 0
    db = open_db(path)
    assert index_segments(db) == before
    db.close()


@pytest.mark.parametrize("past", [3, 1000])
def test_fetch_merges_an_index_only_past_so_many_segments(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], past: int
) -> None:
    """Cron may be the only writer of a file: ``aanews fetch`` merges a fragmented index
    and leaves a small one alone."""
    from store.search import upkeep

    monkeypatch.setattr(upkeep, "FETCH_PAST", past)
    path = tmp_path / "aanews.db"
    db = open_db(path)
    _refreshed_many_times(db)
    db.execute("UPDATE feeds SET paused = 1")  # nothing to fetch: only the merging
    before, answers = index_segments(db), _answers(db)
    db.close()
    assert before > 3
    assert main(["--db", str(path), "fetch"]) == 0
    db = open_db(path)
    assert (index_segments(db) < before) == (past < before)
    assert _answers(db) == answers
    db.close()


def test_a_merge_with_a_time_budget_stops_there_and_the_next_goes_on(tmp_path: Path) -> None:
    from store.search.upkeep import compact_file

    path = tmp_path / "aanews.db"
    db = open_db(path)
    _refreshed_many_times(db)
    before = index_segments(db)
    assert compact_file(path, seconds=-1) == 0  # the budget is spent before a step
    assert index_segments(db) == before
    assert compact_file(path, seconds=60) >= 1
    assert index_segments(db) < before
    db.close()


def test_prune_says_why_the_index_was_not_merged_and_still_succeeds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Another writer holding the file (a refresh beside a cron prune), or a read-only
    file: the prune's own work is reported and it exits 0."""
    path = tmp_path / "aanews.db"
    db = open_db(path)
    _refreshed_many_times(db)
    db.close()
    monkeypatch.setenv("AANEWS_BUSY_TIMEOUT", "0.2")
    holder = connect(path)
    holder.execute("BEGIN IMMEDIATE")
    try:
        assert main(["--db", str(path), "prune", "--json"]) == 0
    finally:
        holder.rollback()
        holder.close()
    report = json.loads(capsys.readouterr().out)
    assert report["index_steps"] == 0 and "busy" in report["index_error"]
    with _read_only(path):
        assert main(["--db", str(path), "prune"]) == 0
    said = capsys.readouterr().out.strip()
    assert said.startswith("0 stories dropped; search index not merged (") and "read-only" in said


def test_a_prune_of_a_read_only_file_with_a_merged_index_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "aanews.db"
    db = open_db(path)
    _refreshed_many_times(db, feeds=3)
    compact_index(db)
    db.execute("INSERT INTO items_fts (items_fts) VALUES ('optimize')")
    assert index_segments(db) == 1
    db.close()
    with _read_only(path):
        assert main(["--db", str(path), "prune"]) == 0
    assert capsys.readouterr().out.strip() == "0 stories dropped"


def test_fetch_leaves_the_garbage_collector_as_it_found_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A process that runs the command and goes on (these tests) keeps its collector."""
    import gc

    path = tmp_path / "aanews.db"
    open_db(path).close()
    threshold, frozen = gc.get_threshold(), gc.get_freeze_count()
    assert main(["--db", str(path), "fetch"]) == 0
    assert gc.get_threshold() == threshold and gc.get_freeze_count() == frozen
