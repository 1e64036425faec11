"""The SQLite file: connection, pragmas, writing in turn, applying migrations.

One file holds everything. The schema (``store.migrations``) only moves forward,
one migration at a time, recorded in ``PRAGMA user_version``; nothing is ever
dropped and recreated. Every write goes through ``writing`` (BEGIN IMMEDIATE,
waiting its turn behind another process).
"""

from __future__ import annotations

import logging
import os
import secrets
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import platformdirs

from store.migrations import MIGRATIONS
from store.text import fold

if TYPE_CHECKING:
    from sqlite_utils import Database

APP_NAME = "aanews"
log = logging.getLogger(__name__)
T = TypeVar("T")
D = TypeVar("D", bound="Database | sqlite3.Connection")

# How long a write waits for another aanews (a cron fetch, the reader) to finish
# writing before it gives up with DatabaseBusy; AANEWS_BUSY_TIMEOUT (seconds) changes it.
BUSY_TIMEOUT = 10.0
# SQLite's primary result codes that get a message of their own.
_SQLITE_BUSY, _SQLITE_READONLY, _SQLITE_FULL = 5, 8, 13


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


def connection_of(db: Database | sqlite3.Connection) -> sqlite3.Connection:
    """The sqlite3 connection of a Database, or the connection itself."""
    return db if isinstance(db, sqlite3.Connection) else db.conn


@contextmanager
def writing(db: D) -> Iterator[D]:
    """THE way to write: one transaction that begins IMMEDIATE and waits its turn.

    BEGIN IMMEDIATE takes the write lock before anything is read, so SQLite's
    busy timeout applies: a second writer waits (bounded, ``busy_timeout``) for
    the first to commit instead of failing at once with "database is locked",
    as a deferred transaction that reads before it writes does. Commits at the
    end, rolls back on any error. Nested uses become savepoints of the outer one.
    Raises DatabaseBusy, DatabaseReadOnly or DiskFull with a one-line message.
    A plain connection (``connect``) will do as well as a Database.
    """
    conn = connection_of(db)
    if conn.in_transaction:
        with _savepoint(conn):
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


@contextmanager
def _savepoint(conn: sqlite3.Connection) -> Iterator[None]:
    """A nested write: undone alone if it fails, kept with the outer transaction if not
    (sqlite-utils' ``atomic`` nested, on any connection)."""
    name = f"aanews_{secrets.token_hex(8)}"
    conn.execute(f"SAVEPOINT {name}")
    try:
        yield
    except BaseException:
        # An error such as a RAISE(ROLLBACK) trigger can end the whole transaction,
        # savepoints included: then there is nothing to roll back to.
        if conn.in_transaction:
            conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
            conn.execute(f"RELEASE SAVEPOINT {name}")
        raise
    conn.execute(f"RELEASE SAVEPOINT {name}")


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

    ``":memory:"`` gives an in-memory database, for tests. sqlite-utils plugins
    installed beside aanews never run on its connections (looking for them read
    every installed package's entry points: ~35 ms of CPU at each start).
    """
    if str(path) == ":memory:":
        from sqlite_utils import Database

        db = Database(memory=True, execute_plugins=False)
        _prepare(db.conn, on_disk=False)
        return db
    return as_database(connect(path))


def connect(path: str | Path | None = None) -> sqlite3.Connection:
    """The database at ``path`` as ``open_db`` opens it (created, migrated, read-only
    if the file is; ``":memory:"`` too), without sqlite-utils' layer around it.

    sqlite-utils costs ~0.1 s of imports: a refresh reads its feeds with this and
    sends its first requests before ``as_database`` loads it.
    """
    if str(path) == ":memory:":
        return open_db(path).conn
    if path is None:
        path = default_path()
    path = Path(path).expanduser()
    if path.is_dir():
        raise DatabaseOpenError(f"{path}: is a directory, not a database file")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        reason = f"{path}: cannot create its folder ({error.strerror})"
        raise DatabaseOpenError(reason) from None
    if path.exists() and is_read_only(path):
        return _connect_read_only(path)
    conn = sqlite3.connect(str(path))
    try:
        _prepare(conn)
    except sqlite3.DatabaseError as error:
        conn.close()
        raise DatabaseOpenError(f"{path}: {error}") from None
    return conn


def as_database(conn: sqlite3.Connection) -> Database:
    """sqlite-utils' ``Database`` on a connection from ``connect`` (no plugins run)."""
    from sqlite_utils import Database

    return Database(conn, execute_plugins=False)


def is_read_only(path: Path) -> bool:
    """The file may not be written: no write permission for us, or none at all (even as root)."""
    return not os.access(path, os.W_OK) or not path.stat().st_mode & 0o222


def _connect_read_only(path: Path) -> sqlite3.Connection:
    """A read-only file opens read-only: reading works, a write says "read-only".

    ``immutable`` when even the WAL index cannot be made (a read-only folder).
    """
    uri = path.resolve().as_uri()
    for query in ("?mode=ro", "?immutable=1"):
        conn = sqlite3.connect(uri + query, uri=True)
        try:
            conn.create_function("aanews_fold", 1, fold, deterministic=True)
            version = schema_version(conn)
        except sqlite3.DatabaseError as error:
            conn.close()
            failure = error
            continue
        if version != len(MIGRATIONS):
            conn.close()
            raise DatabaseOpenError(
                f"{path}: the file is read-only and needs an upgrade (schema {version} of "
                f"{len(MIGRATIONS)}); make it writable and open it once"
            )
        return conn
    raise DatabaseOpenError(f"{path}: cannot be read ({failure})") from None


class DatabaseOpenError(RuntimeError):
    """The database file cannot be opened or is not an aanews database."""


def _prepare(conn: sqlite3.Connection, *, on_disk: bool = True) -> None:
    conn.create_function("aanews_fold", 1, fold, deterministic=True)
    conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout() * 1000)}")
    conn.execute("PRAGMA foreign_keys = ON")
    if on_disk:  # a memory database has no WAL
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
    if schema_version(conn) != len(MIGRATIONS):  # behind (or ahead: migrate says so)
        migrate(as_database(conn))


def schema_version(db: Database | sqlite3.Connection) -> int:
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
