"""What the sidebar shows, read from the database: every view with its unread count
(Starred: how many are starred); the feeds in the user's folders first, the others
by language and category.

Called from a worker with the worker's own connection; ``tui.widgets.sidebar.Sidebar``
draws the result.
"""

from __future__ import annotations

from sqlite_utils import Database

from store.feeds import display_title, list_feeds
from store.model import Feed
from store.search.compiler import count, unread_count
from store.search.saved import list_saved
from store.sync.accounts import account_feed_ids, list_accounts
from store.tags import list_tags
from tui.widgets.sidebar import (
    BUILTIN_VIEWS,
    STARRED,
    SidebarData,
    View,
    language_label,
    query_for_tag,
    shorten_names,
)


def load_sidebar(db: Database) -> SidebarData:
    """Read every view's count from the database."""
    data = SidebarData()
    for name, query in BUILTIN_VIEWS:
        # Starred counts every starred story: mostly read ones, kept to come back to.
        number = count(db, query) if query == STARRED else unread_count(db, query)
        data.views.append(View(name, query, number))
    for feed in sorted(list_feeds(db), key=_place):
        view = View(
            display_title(feed), f"feed:{feed.id}", feed.unread, feed.last_error, paused=feed.paused
        )
        if feed.folder:  # the user's own filing first: "News/World" under News, then World
            heading, _, under = feed.folder.partition("/")
            data.filed.setdefault(heading, {}).setdefault(under, []).append(view)
        else:
            heading, under = language_label(feed.lang), feed.category or ""
            data.feeds.setdefault(heading, {}).setdefault(under, []).append(view)
    for language, categories in data.feeds.items():
        shorten_names([v for views in categories.values() for v in views], language)
    for tag in list_tags(db):
        data.tags.append(View(f"#{tag.name}", query_for_tag(tag.name), tag.unread))
    for saved in list_saved(db):
        data.saved.append(View(saved.name, saved.query, saved.unread))
    data.accounts = account_views(db)
    return data


def _place(feed: Feed) -> tuple[bool, str, str, str, str]:
    """Where a feed is listed: the folders of the user's (by name), then by language."""
    return (
        not feed.folder,
        feed.folder.casefold(),
        feed.lang or "~",
        feed.category or "",
        feed.title,
    )


def account_views(db: Database) -> list[View]:
    """One entry per sync account: its feeds' stories, its status as the error mark."""
    views = []
    for account in list_accounts(db):
        feed_ids = account_feed_ids(db, account.id)
        query = " OR ".join(f"feed:{i}" for i in feed_ids) or "feed:0"
        error = account.last_error if account.status == "failing" else None
        name = f"{account.user}@{account.url.split('//', 1)[-1].split('/', 1)[0]}"
        if account.last_sync is None and error is None:
            name += " (not synced yet)"
        views.append(View(name, query, unread_count(db, query) if feed_ids else 0, error))
    return views
