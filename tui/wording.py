"""How the reader says what it did: the notes after a change of tags or marks."""

from __future__ import annotations

from store.items import ReadChange
from store.tags import TagChange
from tui.plural import counted


def describe_tag_change(change: TagChange) -> str:
    """One line for a notification: 'Gazze added to 3 stories; Spor removed from 1 story.'"""
    added, removed = change.per_tag()
    parts = [f"{name} added to {counted(n, 'story')}" for name, n in added]
    parts += [f"{name} removed from {counted(n, 'story')}" for name, n in removed]
    return ("; ".join(parts) + ".") if parts else "No tag changed."


def describe_read_change(change: ReadChange) -> str:
    """'Marked 3 stories read.' (or unread)."""
    if not change:
        return "No story changed."
    return f"Marked {counted(len(change.item_ids), 'story')} {'read' if change.read else 'unread'}."
