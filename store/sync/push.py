"""Local changes out to the server: the queue, in order, in batches.

Subscriptions first, in the order they were made. Then the marks: for each
story and state (read, starred, one tag) only the last queued change counts
(read then unread is unread), and stories wanting the same change go in one
``edit-tag`` call (a batch of ids, one ``a=`` or ``r=``: FreshRSS reads only
one of each per call). A change leaves the queue only when the server has
answered OK for it; a failure stops the push with the rest still queued.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

from store.sync.client import GReaderClient, SyncError
from store.sync.queue import Change, forget, pending
from store.sync.quirks import READ, STARRED, label_stream
from store.text import fold

# Ids per edit-tag call.
BATCH = 200
# (a or r, stream) for each mark.
_EDITS = {
    "read": ("a", READ),
    "unread": ("r", READ),
    "star": ("a", STARRED),
    "unstar": ("r", STARRED),
}


@dataclass
class PushResult:
    """What a push sent."""

    marks: int = 0
    subscriptions: int = 0
    skipped: int = 0  # changes the server cannot take (labels on Miniflux)


def push_changes(db: Database, client: GReaderClient, account_id: int) -> PushResult:
    """Send the account's queue; raises SyncError with what is left still queued."""
    result = PushResult()
    changes = pending(db, account_id)
    for change in [c for c in changes if c.item_id is None]:
        try:
            _push_subscription(client, change)
            result.subscriptions += 1
        except SyncError as error:
            if error.status != 400:
                raise
            # Refused for good (already subscribed, an address it cannot read): not again.
            result.skipped += 1
        forget(db, [change.id])
    groups, unsupported = _group_marks([c for c in changes if c.item_id is not None], client)
    if unsupported:
        forget(db, unsupported)
        result.skipped = len(unsupported)
    for (verb, stream), wanted in groups.items():
        refs = list(wanted)
        for start in range(0, len(refs), BATCH):
            chunk = refs[start : start + BATCH]
            data = [("i", client.quirks.item_ref(ref)) for ref in chunk] + [(verb, stream)]
            client.edit("edit-tag", data)
            forget(db, [change_id for ref in chunk for change_id in wanted[ref]])
            result.marks += len(chunk)
    return result


def _group_marks(
    changes: list[Change], client: GReaderClient
) -> tuple[dict[tuple[str, str], dict[str, list[int]]], list[int]]:
    """{(a|r, stream): {server id: [change ids]}}, the last change per story and state winning.

    Also the ids of changes this server cannot take.
    """
    last: dict[tuple[str, str], tuple[str, str]] = {}  # (ref, state) -> (verb, stream)
    covered: dict[tuple[str, str], list[int]] = {}
    unsupported: list[int] = []
    for change in changes:
        if change.remote_id is None:
            unsupported.append(change.id)
            continue
        if change.action in _EDITS:
            state = "read" if change.action in ("read", "unread") else "star"
            edit = _EDITS[change.action]
        elif not client.quirks.labels or not change.value:
            unsupported.append(change.id)
            continue
        else:
            state = "tag:" + fold(change.value)
            edit = ("a" if change.action == "tag" else "r", label_stream(change.value))
        key = (change.remote_id, state)
        last[key] = edit
        covered.setdefault(key, []).append(change.id)
    groups: dict[tuple[str, str], dict[str, list[int]]] = {}
    for (ref, state), edit in last.items():
        groups.setdefault(edit, {}).setdefault(ref, []).extend(covered[(ref, state)])
    return groups, unsupported


def _push_subscription(client: GReaderClient, change: Change) -> None:
    stream = change.remote_id or ""
    if change.action == "unsubscribe":
        client.edit("subscription/edit", [("ac", "unsubscribe"), ("s", stream)])
        return
    title, _, folder = (change.value or "").partition("\x1f")
    data = [("ac", "subscribe"), ("s", stream)]
    if title:
        data.append(("t", title))
    if folder:
        data.append(("a", label_stream(folder)))
    client.edit("subscription/edit", data)
