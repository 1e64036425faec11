"""The scale builder (bench/build_db.py) makes a database a reader's could be: the
shares it promises, every story in the search index, and kept counts equal to a
count from scratch."""

from __future__ import annotations

import sys
from pathlib import Path

from store.db import open_db
from store.search.compiler import counts, search_ids
from tests.test_count_bits import kept_bits, scratch_bits
from tests.test_counts import kept_counts, scratch_counts

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import build_db  # noqa: E402


def test_a_small_build_holds_what_it_promises(tmp_path: Path) -> None:
    path = tmp_path / "scale.db"
    facts = build_db.build(path, 3000, seed=2)
    assert facts["stories"] == facts["index rows"] == 3000
    assert facts["languages"] == 10 and facts["feeds"] == 130
    assert 0.55 < facts["read"] / 3000 < 0.65 and 0 < facts["hidden"] < 90
    assert 0.15 < facts["with body"] / 3000 < 0.25 and facts["revisions"] > 0
    db = open_db(path)
    assert kept_counts(db) == scratch_counts(db)
    assert kept_bits(db) == scratch_bits(db)  # a word's counts (migration 10)
    # The index text is the folded text: the word of a story's body finds that story.
    item_id, body = db.execute("SELECT id, body FROM items WHERE body != '' LIMIT 1").fetchone()
    assert item_id in search_ids(db, f'"{body.split()[1]}"')
    assert counts(db, "zeplin")[0] > 0
    db.close()
