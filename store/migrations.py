"""The schema, as the list of migrations that built it: append only, never edit one.

The full-text index holds *folded* text (see ``store.text.fold``) and is kept
current by triggers that fire only when the text columns change, so marking
read, starring or tagging never touches it. ``store.db.migrate`` applies them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from store.kept_bits import STORY_AND_TAG_BITS
from store.kept_counts import FEED_AND_TAG_COUNTS, STORY_COUNTS

if TYPE_CHECKING:
    from sqlite_utils import Database


def _feeds_never_reuse_ids(db: Database) -> None:
    """Rebuild ``feeds`` with ``AUTOINCREMENT``: a removed feed's id is never given again.

    Every column, index, id and reference is kept (``migrate`` runs this with
    foreign keys off, so dropping the old table cascades nothing, and checks
    them before committing). The counter starts above every feed id a saved
    search names, so ``feed:18`` can never come to mean another feed.
    """
    (sql,) = db.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'feeds'"
    ).fetchone()
    if "AUTOINCREMENT" in sql.upper():
        return
    rebuilt = re.sub(
        r"\bid\s+INTEGER\s+PRIMARY\s+KEY\b",
        "id INTEGER PRIMARY KEY AUTOINCREMENT",
        sql,
        count=1,
        flags=re.IGNORECASE,
    )
    rebuilt = re.sub(r'^CREATE TABLE\s+"?feeds"?', "CREATE TABLE feeds_rebuilt", rebuilt)
    extras = [
        row[0]
        for row in db.execute(
            "SELECT sql FROM sqlite_master WHERE tbl_name = 'feeds' "
            "AND type IN ('index', 'trigger') AND sql IS NOT NULL"
        )
    ]
    columns = ", ".join(f'"{row[1]}"' for row in db.execute("PRAGMA table_info(feeds)"))
    db.execute(rebuilt)
    db.execute(f"INSERT INTO feeds_rebuilt ({columns}) SELECT {columns} FROM feeds")
    db.execute("DROP TABLE feeds")
    db.execute("ALTER TABLE feeds_rebuilt RENAME TO feeds")
    for statement in extras:
        db.execute(statement)
    named = [
        int(number)
        for (query,) in db.execute("SELECT query FROM saved_searches")
        for number in re.findall(r"\bfeed:(\d{1,18})\b", query)
    ]
    highest = max([0, *named, *(row[0] or 0 for row in db.execute("SELECT MAX(id) FROM feeds"))])
    db.execute("DELETE FROM sqlite_sequence WHERE name = 'feeds'")
    db.execute("INSERT INTO sqlite_sequence (name, seq) VALUES ('feeds', ?)", [highest])


Migration = str | Callable[["Database"], None]

MIGRATIONS: list[Migration] = [
    # 1: the first schema.
    """
    CREATE TABLE feeds (
        id INTEGER PRIMARY KEY,
        url TEXT NOT NULL UNIQUE,
        title TEXT NOT NULL DEFAULT '',
        feed_title TEXT NOT NULL DEFAULT '',
        site_url TEXT,
        lang TEXT,
        category TEXT,
        source TEXT,
        etag TEXT,
        last_modified TEXT,
        content_hash TEXT,
        last_fetched TEXT,
        last_status INTEGER,
        last_error TEXT,
        last_error_at TEXT,
        failures INTEGER NOT NULL DEFAULT 0,
        paused INTEGER NOT NULL DEFAULT 0,
        retry_after TEXT,
        position INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL
    );
    CREATE TABLE items (
        id INTEGER PRIMARY KEY,
        key TEXT NOT NULL UNIQUE,
        guid TEXT,
        link TEXT,
        title TEXT NOT NULL DEFAULT '',
        summary TEXT NOT NULL DEFAULT '',
        body TEXT NOT NULL DEFAULT '',
        published TEXT,
        published_ts REAL NOT NULL,
        updated TEXT,
        lang TEXT,
        image TEXT,
        dateline TEXT,
        location TEXT,
        category TEXT,
        authors TEXT NOT NULL DEFAULT '[]',
        flags TEXT NOT NULL DEFAULT '[]',
        keywords TEXT NOT NULL DEFAULT '[]',
        feed_sig TEXT,
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        changed_at TEXT,
        read INTEGER NOT NULL DEFAULT 0,
        starred INTEGER NOT NULL DEFAULT 0,
        is_updated INTEGER NOT NULL DEFAULT 0,
        hidden INTEGER NOT NULL DEFAULT 0,
        full_text_at TEXT,
        full_text_error TEXT
    );
    CREATE INDEX items_newest ON items (published_ts DESC, id DESC);
    CREATE INDEX items_unread ON items (read, published_ts DESC, id DESC);
    CREATE INDEX items_starred ON items (starred) WHERE starred = 1;
    CREATE INDEX items_updated ON items (is_updated) WHERE is_updated = 1;
    CREATE TABLE item_feeds (
        feed_id INTEGER NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
        item_id INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
        PRIMARY KEY (feed_id, item_id)
    ) WITHOUT ROWID;
    CREATE INDEX item_feeds_item ON item_feeds (item_id);
    CREATE TABLE revisions (
        id INTEGER PRIMARY KEY,
        item_id INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
        seen_at TEXT NOT NULL,
        title TEXT NOT NULL DEFAULT '',
        summary TEXT NOT NULL DEFAULT '',
        body TEXT NOT NULL DEFAULT '',
        updated TEXT
    );
    CREATE INDEX revisions_item ON revisions (item_id, id);
    CREATE TABLE tags (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        folded TEXT NOT NULL
    );
    CREATE INDEX tags_folded ON tags (folded);
    CREATE TABLE item_tags (
        item_id INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
        tag_id INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
        PRIMARY KEY (item_id, tag_id)
    ) WITHOUT ROWID;
    CREATE INDEX item_tags_tag ON item_tags (tag_id, item_id);
    CREATE TABLE feed_tags (
        feed_id INTEGER NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
        tag_id INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
        PRIMARY KEY (feed_id, tag_id)
    ) WITHOUT ROWID;
    CREATE INDEX feed_tags_tag ON feed_tags (tag_id, feed_id);
    CREATE TABLE saved_searches (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        query TEXT NOT NULL,
        position INTEGER NOT NULL DEFAULT 0
    );
    CREATE VIRTUAL TABLE items_fts USING fts5 (
        title, summary, body, dateline,
        tokenize = 'unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER items_fts_insert AFTER INSERT ON items BEGIN
        INSERT INTO items_fts (rowid, title, summary, body, dateline)
        VALUES (new.id, aanews_fold(new.title), aanews_fold(new.summary),
                aanews_fold(new.body), aanews_fold(new.dateline));
    END;
    CREATE TRIGGER items_fts_update AFTER UPDATE OF title, summary, body, dateline ON items
    BEGIN
        DELETE FROM items_fts WHERE rowid = old.id;
        INSERT INTO items_fts (rowid, title, summary, body, dateline)
        VALUES (new.id, aanews_fold(new.title), aanews_fold(new.summary),
                aanews_fold(new.body), aanews_fold(new.dateline));
    END;
    CREATE TRIGGER items_fts_delete AFTER DELETE ON items BEGIN
        DELETE FROM items_fts WHERE rowid = old.id;
    END;
    """,
    # 2: article pages (store/pages/fulltext.py): a digest of what the page said, to
    # notice a changed story; when it was last asked for; its HTTP validators.
    """
    ALTER TABLE items ADD COLUMN page_sig TEXT;
    ALTER TABLE items ADD COLUMN page_fetched_at TEXT;
    ALTER TABLE items ADD COLUMN page_etag TEXT;
    ALTER TABLE items ADD COLUMN page_last_modified TEXT;
    """,
    # 3: search (store/search/compiler.py): pages and counts of visible stories straight from
    # an index; items_state answers "is this id visible/read?" without reading the
    # wide row (store/search/compiler.py names it in INDEXED BY).
    """
    CREATE INDEX IF NOT EXISTS items_shown ON items (hidden, published_ts DESC, id DESC);
    CREATE INDEX IF NOT EXISTS items_shown_unread
        ON items (hidden, read, published_ts DESC, id DESC);
    CREATE INDEX IF NOT EXISTS items_state
        ON items (id, hidden, read, starred, is_updated, published_ts, lang);
    """,
    # 4: sync accounts (store/sync/): the accounts and how their last sync went; an
    # account's feeds carry its id and the server's stream id; sync_items maps the
    # server's story ids to ours; sync_queue holds local changes not yet pushed, in order.
    """
    CREATE TABLE accounts (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL DEFAULT 'greader',
        url TEXT NOT NULL,
        username TEXT NOT NULL,
        server TEXT NOT NULL DEFAULT 'generic',
        created_at TEXT NOT NULL,
        last_sync TEXT,
        last_error TEXT,
        last_error_at TEXT,
        cursor INTEGER,
        UNIQUE (url, username)
    );
    ALTER TABLE feeds ADD COLUMN account_id INTEGER REFERENCES accounts (id);
    ALTER TABLE feeds ADD COLUMN remote_id TEXT;
    CREATE INDEX feeds_account ON feeds (account_id, remote_id) WHERE account_id IS NOT NULL;
    CREATE TABLE sync_items (
        account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        remote_id TEXT NOT NULL,
        item_id INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
        PRIMARY KEY (account_id, remote_id)
    ) WITHOUT ROWID;
    CREATE INDEX sync_items_item ON sync_items (item_id);
    CREATE TABLE sync_queue (
        id INTEGER PRIMARY KEY,
        account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        action TEXT NOT NULL,
        item_id INTEGER REFERENCES items (id) ON DELETE SET NULL,
        remote_id TEXT,
        value TEXT,
        queued_at TEXT NOT NULL
    );
    CREATE INDEX sync_queue_account ON sync_queue (account_id, id);
    """,
    # 5: feed ids are never reused (AUTOINCREMENT; a table rebuild keeping everything).
    _feeds_never_reuse_ids,
    # 6: feeds of the user's own: a folder ('' for none, "News/World" nests), and
    # per-feed settings, NULL meaning "as the config says": minutes between
    # refreshes, article pages on (1) or off (0), how many stories and how many
    # days of them to keep (store/retention.py).
    """
    ALTER TABLE feeds ADD COLUMN folder TEXT NOT NULL DEFAULT '';
    ALTER TABLE feeds ADD COLUMN refresh_minutes REAL;
    ALTER TABLE feeds ADD COLUMN full_text INTEGER;
    ALTER TABLE feeds ADD COLUMN max_stories INTEGER;
    ALTER TABLE feeds ADD COLUMN max_age_days REAL;
    """,
    # 7: feed and tag counts kept up to date by triggers (store/kept_counts.py).
    FEED_AND_TAG_COUNTS,
    # 8: every story's count likewise, one row (store/kept_counts.py).
    STORY_COUNTS,
    # 9: a language's stories by state, so counting `lang:fr is:unread` reads the
    # index alone (store/search/compiler.py; 1.4 s to build at 500,000 stories).
    "CREATE INDEX IF NOT EXISTS items_lang ON items (lang, hidden, read);",
    # 10: stories' state and tags as bits in chunks of 64 ids, so a word's count tests
    # bits instead of looking each match up (store/kept_bits.py).
    STORY_AND_TAG_BITS,
    # 11: no query reads by (read, published_ts) any more: lists go by items_shown_unread,
    # counts by the kept counts and bits, lookups by id. The index only cost every new
    # story an entry (a cold refresh of 6,000 stories ~4% of its storing) and misled the
    # planner (store/items.py first_unread).
    "DROP INDEX IF EXISTS items_unread;",
    # 12: soft hyphens (U+00AD) are cleaned away from new text (store/text.py); gone
    # from stored stories too, so the feed's next copy of one is not a "change".
    """
    UPDATE items SET title = replace(title, char(173), ''),
        summary = replace(summary, char(173), ''), body = replace(body, char(173), ''),
        dateline = replace(dateline, char(173), '')
    WHERE instr(title, char(173)) OR instr(summary, char(173)) OR instr(body, char(173))
        OR instr(dateline, char(173));
    """,
]
