"""Stepping through the sidebar's feeds: ``[`` and ``]``, and to the next feed with unread.

A pure function over the sidebar's feed views, so the rule (no wrapping round
from the first feed to the last) is the same for every key that steps.
"""

from __future__ import annotations

from tui.widgets.sidebar import View


def step_feed(feeds: list[View], current: str, step: int, *, unread: bool = False) -> View | str:
    """The feed ``step`` (1 or -1) away from the one whose query is ``current``.

    When the view is no feed, the first (or last) feed. ``unread`` skips feeds
    with nothing unread. A string says why there is no such feed.
    """
    if not feeds:
        return "No feeds yet: F adds one (or aanews feeds add URL)."
    queries = [view.query for view in feeds]
    if current in queries:
        index = queries.index(current) + step
    else:
        index = 0 if step > 0 else len(feeds) - 1
    while 0 <= index < len(feeds):
        if not unread or feeds[index].unread:
            return feeds[index]
        index += step
    where = "last" if step > 0 else "first"
    if unread:
        return f"No feed {'after' if step > 0 else 'before'} this one has unread stories."
    return f"This is the {where} feed."
