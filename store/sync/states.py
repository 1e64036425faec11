"""Read, starred and labels from the server onto our stories, under the conflict rule.

The rule: **a change made in aanews and not yet taken by the server wins; in
everything else the server wins.** A sync pushes the queue first, so the
server normally has every local change before the states come back; a change
still queued (the push failed, or it was made during the sync) keeps the
story's local state for that state alone (read, starred, or that one tag),
and goes out at the next sync. The server gives no time for its state
changes, so there is no timestamp to compare: the queue is the record of
what was changed here since the last sync.

A story the server carries twice (an AA story in two category feeds) is one
story here: read if either copy is read, starred if either is starred.
Writing state here never queues anything (that would echo the server's
changes back to it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlite_utils import Database

from store.db import in_chunks, writing
from store.sync.client import GReaderClient
from store.sync.quirks import READ, READING_LIST, STARRED, label_name, label_stream
from store.sync.stories import ServerStory, id_pages
from store.tags import ensure_tag, normalize_tag
from store.text import fold

_PENDING = (
    "SELECT item_id FROM sync_queue WHERE account_id = :account AND item_id IS NOT NULL "
    "AND action IN ({actions})"
)
_PENDING_TAG = (
    "SELECT item_id FROM sync_queue WHERE account_id = :account AND item_id IS NOT NULL "
    "AND action IN ('tag', 'untag') AND value IS NOT NULL AND aanews_fold(value) = :folded"
)


def page_states(account_id: int) -> Callable[[Database, list[tuple[int, ServerStory]]], None]:
    """The hook ``store_page`` calls: each story takes the server's states now."""

    def apply(db: Database, stories: list[tuple[int, ServerStory]]) -> None:
        waiting = _waiting(db, account_id)
        read = {i for i, s in stories if s.read}
        starred = {i for i, s in stories if s.starred}
        ids = {i for i, _ in stories}
        for column, on in (("read", read), ("starred", starred)):
            held = waiting[column]
            _set(db, column, [i for i in on if i not in held], True)
            _set(db, column, [i for i in ids - on if i not in held], False)
        labels: dict[str, set[int]] = {}
        for item_id, story in stories:
            for name in story.labels:
                labels.setdefault(name, set()).add(item_id)
        for name, members in labels.items():
            held = _waiting_tag(db, account_id, name)
            _tag(db, name, [i for i in members if i not in held])

    return apply


def pull_states(db: Database, client: GReaderClient, account_id: int, folders: set[str]) -> None:
    """Every story of the account takes the server's read, starred and label states."""
    _load_ids(db, "unread", id_pages(client, READING_LIST, exclude=READ))
    _load_ids(db, "starred", id_pages(client, STARRED))
    with writing(db):
        _reconcile(db, account_id, "read", "unread", on_means=False)
        _reconcile(db, account_id, "starred", "starred", on_means=True)
    if not client.quirks.labels:
        return
    for name in _server_labels(client, folders):
        _load_ids(db, "label", id_pages(client, label_stream(name)))
        with writing(db):
            _reconcile_label(db, account_id, name)


def _server_labels(client: GReaderClient, folders: set[str]) -> list[str]:
    """The labels (not folders) the server knows."""
    answer = client.get_json("tag/list")
    tags = answer.get("tags") if isinstance(answer, dict) else None
    names: list[str] = []
    for tag in tags if isinstance(tags, list) else []:
        if not isinstance(tag, dict) or tag.get("type") == "folder":
            continue
        name = label_name(tag.get("id"))
        if name and name not in folders and normalize_tag(name):
            names.append(name)
    return names


def _load_ids(db: Database, name: str, pages: Iterable[list[str]]) -> None:
    """A server id list into a temporary table, page by page (never all in memory)."""
    with db.atomic():  # only the temporary table is written: no lock on the file
        db.execute("CREATE TEMP TABLE IF NOT EXISTS sync_ids (list TEXT, key TEXT)")
        db.execute("CREATE INDEX IF NOT EXISTS temp.sync_ids_key ON sync_ids (list, key)")
        db.execute("DELETE FROM temp.sync_ids WHERE list = ?", [name])
    for keys in pages:
        with db.atomic():
            db.conn.executemany(
                "INSERT INTO temp.sync_ids (list, key) VALUES (?, ?)", [(name, k) for k in keys]
            )


def _reconcile(db: Database, account_id: int, column: str, listed: str, *, on_means: bool) -> None:
    """Set ``column`` on the account's stories from a server list, pending ones aside.

    ``on_means``: being listed sets the column (starred) or clears it (unread).
    """
    actions = "'read', 'unread'" if column == "read" else "'star', 'unstar'"
    in_list = (
        "SELECT s.item_id FROM sync_items s WHERE s.account_id = :account AND s.remote_id IN "
        "(SELECT key FROM temp.sync_ids WHERE list = :listed)"
    )
    off_list = (
        "SELECT s.item_id FROM sync_items s WHERE s.account_id = :account AND s.remote_id "
        "NOT IN (SELECT key FROM temp.sync_ids WHERE list = :listed)"
    )
    # read: any copy read (off the unread list); starred: any copy on the starred list.
    on_ids, off_ids = (in_list, off_list) if on_means else (off_list, in_list)
    params = {"account": account_id, "listed": listed}
    pending = _PENDING.format(actions=actions)
    db.execute(
        f"UPDATE items SET {column} = 1 WHERE {column} = 0 AND id IN ({on_ids}) "
        f"AND id NOT IN ({pending})",
        params,
    )
    db.execute(
        f"UPDATE items SET {column} = 0 WHERE {column} = 1 AND id IN ({off_ids}) "
        f"AND id NOT IN ({on_ids}) AND id NOT IN ({pending})",
        params,
    )


def _reconcile_label(db: Database, account_id: int, name: str) -> None:
    """The account's stories carry the label's tag exactly when the server says so."""
    tag_id = ensure_tag(db, name)
    params = {"account": account_id, "tag": tag_id, "folded": fold(normalize_tag(name))}
    members = (
        "SELECT s.item_id FROM sync_items s WHERE s.account_id = :account AND s.remote_id IN "
        "(SELECT key FROM temp.sync_ids WHERE list = 'label')"
    )
    db.execute(
        f"INSERT OR IGNORE INTO item_tags (item_id, tag_id) SELECT item_id, :tag FROM "
        f"({members}) WHERE item_id NOT IN ({_PENDING_TAG})",
        params,
    )
    db.execute(
        "DELETE FROM item_tags WHERE tag_id = :tag AND item_id IN (SELECT item_id FROM "
        f"sync_items WHERE account_id = :account) AND item_id NOT IN ({members}) "
        f"AND item_id NOT IN ({_PENDING_TAG})",
        params,
    )


def _waiting(db: Database, account_id: int) -> dict[str, set[int]]:
    """Stories whose read or starred change is still queued."""
    found: dict[str, set[int]] = {"read": set(), "starred": set()}
    for item_id, action in db.execute(
        "SELECT item_id, action FROM sync_queue WHERE account_id = ? AND item_id IS NOT NULL "
        "AND action IN ('read', 'unread', 'star', 'unstar')",
        [account_id],
    ):
        found["read" if action in ("read", "unread") else "starred"].add(int(item_id))
    return found


def _waiting_tag(db: Database, account_id: int, name: str) -> set[int]:
    params = {"account": account_id, "folded": fold(normalize_tag(name))}
    return {int(row[0]) for row in db.execute(_PENDING_TAG, params)}


def _set(db: Database, column: str, ids: list[int], value: bool) -> None:
    for chunk, marks in in_chunks(ids):
        db.execute(
            f"UPDATE items SET {column} = ? WHERE {column} != ? AND id IN ({marks})",
            [int(value), int(value), *chunk],
        )


def _tag(db: Database, name: str, ids: list[int]) -> None:
    if not ids or not normalize_tag(name):
        return
    tag_id = ensure_tag(db, name)
    db.conn.executemany(
        "INSERT OR IGNORE INTO item_tags (item_id, tag_id) VALUES (?, ?)",
        [(item_id, tag_id) for item_id in ids],
    )
