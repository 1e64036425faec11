"""How the reader says what it did (the notes after a change of tags or marks, an import)
and what to do (the empty reader's first words)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from store.items import ReadChange
from store.model import FeedSettings
from store.tags import TagChange
from tui.plural import counted, figure

if TYPE_CHECKING:  # the import module (lxml, xml.sax) is not for the reader's first frame
    from textual.app import App  # (nor Textual for the command line)

    from store.interchange.opml import ImportResult, SubscriptionList


NO_STORY = "No story selected."


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


def describe_change(change: ReadChange | TagChange, step: str = "") -> str:
    """The note after a change of tags or marks; after U put one back (``step`` "undo")
    or made it again ("redo"), 'Undone: ...' or 'Redone: ...'. A step that changed
    nothing says why, not "Undone"."""
    if isinstance(change, ReadChange):
        why = f"those stories are {'read' if change.read else 'unread'} already"
        note = describe_read_change(change)
    else:
        why = "those tags were changed since in the tag manager"
        note = describe_tag_change(change)
    if step and not change:
        return f"Nothing to {step}: {why}."
    return {"undo": "Undone: ", "redo": "Redone: "}.get(step, "") + note


def describe_import(result: ImportResult) -> str:
    """'1 feed added, 2 already there, 300 stories restored, 1 skipped (1 not http(s))'."""
    text = f"{counted(len(result.added), 'feed')} added, {result.existing:,} already there"
    if result.stories:
        text += f", {counted(result.stories, 'story')} restored"
    if result.skipped:
        reasons: dict[str, int] = {}
        for _what, why in result.skipped:
            reasons[why] = reasons.get(why, 0) + 1
        detail = ", ".join(f"{count:,} {why}" for why, count in reasons.items())
        text += f", {len(result.skipped):,} skipped ({detail})"
    return text


def describe_settings(settings: FeedSettings) -> str:
    """A feed's own settings in words, for the CLI and the feed manager: 'refreshed every
    30 min, full text off, keeps 500 stories, keeps 1 day'."""
    parts = []
    if settings.refresh_minutes:
        parts.append(f"refreshed every {figure(settings.refresh_minutes)} min")
    if settings.full_text is not None:
        parts.append(f"full text {'on' if settings.full_text else 'off'}")
    if settings.max_stories:
        parts.append(f"keeps {counted(settings.max_stories, 'story')}")
    if settings.max_age_days:
        parts.append(f"keeps {counted(settings.max_age_days, 'day')}")
    return ", ".join(parts) or "as the config says"


def nothing_to_import(found: SubscriptionList) -> str:
    """Why a subscription file gave no feed, for the command line and the feed manager:
    'no feed to import in this file (1 line skipped); nothing imported'."""
    kind, entry = ("OPML document", "outline") if found.format == "opml" else ("file", "line")
    reason = f" ({counted(len(found.skipped), entry)} skipped)" if found.skipped else ""
    return f"no feed to import in this {kind}{reason}; nothing imported"


def cut_at_word(text: str, room: int) -> str:
    """``text`` in at most ``room`` characters: past that, cut after the last whole word
    that fits (mid-word only when the first word is that long), with "…"."""
    if len(text) <= room:
        return text
    cut = text[: room - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > 0 else cut).rstrip(" ,;:·-") + "…"


def no_feeds(app: App[object]) -> str:
    """What the empty reader says before the first feed: where to add one (the keys as
    bound now)."""
    labels = bound_labels(app)
    return (
        f"No feeds yet. {labels['manage_feeds']} adds one: by its address, from AA's "
        f"catalogue, or from an OPML file. {labels['help']} lists every key."
    )


def nothing_open(app: App[object], failing: int) -> str:
    """What the reader pane says with no story open; with feeds failing, how many and
    where to see why (the sidebar's ⚠ is easy to miss, and All has no status warning)."""
    if not failing:
        return NO_STORY
    labels = bound_labels(app)
    return (
        f"{NO_STORY} {counted(failing, 'feed')} had a problem at the last refresh: "
        f"{labels['manage_feeds']} lists them with the reason, {labels['refresh_all']} "
        "tries again."
    )


def bound_labels(app: App[object]) -> dict[str, str]:
    """Each action's key as bound now (the preset and the config's [keys])."""
    from tui import keys  # (Textual's bindings: not for the command line)

    keymap = getattr(app, "key_overrides", {})
    return {k.action: keys.bound_label(k, keymap) for k in keys.KEYS}
