"""The SQLite file: connection, pragmas, schema and migrations.

One file holds everything. The schema only moves forward, one migration at a
time, recorded in ``PRAGMA user_version``; nothing is ever dropped and
recreated. The full-text index holds *folded* text (see ``store.text.fold``)
and is kept current by triggers that fire only when the text columns change,
so marking read, starring or tagging never touches it.
"""

from __future__ import annotations

import logging
import os
import re
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import platformdirs
from sqlite_utils import Database

from store.text import fold

APP_NAME = "aanews"
log = logging.getLogger(__name__)
T = TypeVar("T")

# How long a write waits for another aanews (a cron fetch, the reader) to finish
# writing before it gives up with DatabaseBusy; AANEWS_BUSY_TIMEOUT (seconds) changes it.
BUSY_TIMEOUT = 10.0
# SQLite's primary result codes that get a message of their own.
_SQLITE_BUSY, _SQLITE_READONLY, _SQLITE_FULL = 5, 8, 13


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


Migration = str | Callable[[Database], None]

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
]


def in_chunks(values: Sequence[T], size: int = 500) -> Iterator[tuple[list[T], str]]:
    """``values`` in pieces small enough for one statement, each with its "?,?,…" marks.

    SQLite caps the parameters of one statement; every ``IN (...)`` over a list of
    ids goes through here.
    """
    for start in range(0, len(values), size):
        chunk = list(values[start : start + size])
        yield chunk, ",".join("?" * len(chunk))


class DatabaseBusy(sqlite3.OperationalError):
    """Another connection held the write lock for longer than this one may wait."""


class DatabaseReadOnly(sqlite3.OperationalError):
    """The database file is read-only: reading works, writing does not."""


class DiskFull(sqlite3.OperationalError):
    """The disk (or the file's quota) is full: the write was rolled back whole."""


@contextmanager
def writing(db: Database) -> Iterator[Database]:
    """THE way to write: one transaction that begins IMMEDIATE and waits its turn.

    BEGIN IMMEDIATE takes the write lock before anything is read, so SQLite's
    busy timeout applies: a second writer waits (bounded, ``busy_timeout``) for
    the first to commit instead of failing at once with "database is locked",
    as a deferred transaction that reads before it writes does. Commits at the
    end, rolls back on any error. Nested uses become savepoints of the outer one.
    Raises DatabaseBusy, DatabaseReadOnly or DiskFull with a one-line message.
    """
    conn = db.conn
    if conn.in_transaction:
        with db.atomic():
            yield db
        return
    started = time.monotonic()
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as error:
        raise _write_error(error, time.monotonic() - started) from None
    try:
        yield db
        conn.execute("COMMIT")
    except sqlite3.OperationalError as error:
        _roll_back(conn)
        translated = _write_error(error, time.monotonic() - started)
        if translated is error:
            raise
        raise translated from None
    except BaseException:
        _roll_back(conn)
        raise


def _roll_back(conn: sqlite3.Connection) -> None:
    if conn.in_transaction:  # some errors (a full disk) have rolled it back already
        conn.execute("ROLLBACK")


def _write_error(error: sqlite3.OperationalError, waited: float) -> sqlite3.OperationalError:
    """The error a user reads when a write cannot happen: one line that says why."""
    code = getattr(error, "sqlite_errorcode", 0) & 0xFF
    if code == _SQLITE_BUSY:
        return DatabaseBusy(f"database is busy (another aanews is writing); waited {waited:.0f} s")
    if code == _SQLITE_READONLY:
        return DatabaseReadOnly("the database file is read-only: nothing was changed")
    if code == _SQLITE_FULL:
        return DiskFull("disk full: nothing was written (free some space and try again)")
    return error


def busy_timeout() -> float:
    """Seconds a write waits for another writer: AANEWS_BUSY_TIMEOUT, else BUSY_TIMEOUT."""
    try:
        seconds = float(os.environ.get("AANEWS_BUSY_TIMEOUT") or BUSY_TIMEOUT)
    except ValueError:
        return BUSY_TIMEOUT
    return seconds if 0 <= seconds < 86400 else BUSY_TIMEOUT


def default_path() -> Path:
    """Where the database lives when neither ``--db`` nor ``AANEWS_DB`` says."""
    env = os.environ.get("AANEWS_DB")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME)) / "aanews.db"


def open_db(path: str | Path | None = None) -> Database:
    """Open (creating and migrating as needed) the database at ``path``.

    ``":memory:"`` gives an in-memory database, for tests.
    """
    if path is None:
        path = default_path()
    if str(path) == ":memory:":
        db = Database(memory=True)
    else:
        path = Path(path).expanduser()
        if path.is_dir():
            raise DatabaseOpenError(f"{path}: is a directory, not a database file")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            reason = f"{path}: cannot create its folder ({error.strerror})"
            raise DatabaseOpenError(reason) from None
        if path.exists() and is_read_only(path):
            return _open_read_only(path)
        db = Database(path)
    try:
        _prepare(db)
    except sqlite3.DatabaseError as error:
        db.close()
        raise DatabaseOpenError(f"{path}: {error}") from None
    return db


def is_read_only(path: Path) -> bool:
    """The file may not be written: no write permission for us, or none at all (even as root)."""
    return not os.access(path, os.W_OK) or not path.stat().st_mode & 0o222


def _open_read_only(path: Path) -> Database:
    """A read-only file opens read-only: reading works, a write says "read-only".

    ``immutable`` when even the WAL index cannot be made (a read-only folder).
    """
    uri = path.resolve().as_uri()
    for query in ("?mode=ro", "?immutable=1"):
        db = Database(sqlite3.connect(uri + query, uri=True))
        try:
            db.conn.create_function("aanews_fold", 1, fold, deterministic=True)
            version = schema_version(db)
        except sqlite3.DatabaseError as error:
            db.close()
            failure = error
            continue
        if version != len(MIGRATIONS):
            db.close()
            raise DatabaseOpenError(
                f"{path}: the file is read-only and needs an upgrade (schema {version} of "
                f"{len(MIGRATIONS)}); make it writable and open it once"
            )
        return db
    raise DatabaseOpenError(f"{path}: cannot be read ({failure})") from None


class DatabaseOpenError(RuntimeError):
    """The database file cannot be opened or is not an aanews database."""


def _prepare(db: Database) -> None:
    conn = db.conn
    conn.create_function("aanews_fold", 1, fold, deterministic=True)
    conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout() * 1000)}")
    conn.execute("PRAGMA foreign_keys = ON")
    if not db.memory:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
    migrate(db)


def schema_version(db: Database) -> int:
    """The number of migrations applied."""
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def migrate(db: Database) -> None:
    """Apply every migration the file has not seen yet, each in its own transaction.

    Two processes opening a new file at once: the second waits for the first's
    migration, then finds it applied.
    Foreign keys are off while migrating (SQLite's way to rebuild a table: a
    dropped table must not cascade) and checked before each commit.
    """
    current = schema_version(db)
    if current > len(MIGRATIONS):
        raise RuntimeError(
            f"the database was written by a newer aanews (schema {current}, "
            f"this one knows {len(MIGRATIONS)})"
        )
    if current == len(MIGRATIONS):
        return
    db.execute("PRAGMA foreign_keys = OFF")
    try:
        for number, step in enumerate(MIGRATIONS[current:], start=current + 1):
            log.info("migrating the database to schema %d", number)
            with writing(db):
                if schema_version(db) >= number:
                    continue
                if callable(step):
                    step(db)
                else:
                    for statement in _statements(step):
                        db.execute(statement)
                broken = db.execute("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"migration {number} broke references: {broken[:3]}")
                db.execute(f"PRAGMA user_version = {number}")
    finally:
        db.execute("PRAGMA foreign_keys = ON")


def _statements(script: str) -> list[str]:
    """Split a migration into statements, keeping trigger bodies whole."""
    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if buffer.strip().endswith(";") and sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements
