"""Storing a story's article page, with revisions when the page changed.

The first page read of a story only fills in what the feed lacks (body,
dateline, location, category, authors, stamps, image, keywords), with no revision.
Later, a page whose title, lead, body or update stamp differ from the page read
before revises the story through ``store.ingest.revise_item`` (the feed's path
too): only when the stored text really differs, and not again when the feed made
one in the same fetch run (``since``). The page is signed with only what it says
itself, so a change the feed made never reads as a page change. Read, starred and
tags are never written. A page that cannot be read leaves the story as it was and
says why in ``items.full_text_error``.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime

from sqlite_utils import Database

from store import clock
from store.aa.flags import split_flags
from store.aa.ids import full_size_image, is_aa_url
from store.db import writing
from store.feeds import is_fetchable_url
from store.ingest import revise_item, story_signature
from store.pages.article import Article
from store.text import clean_line, clean_url, fold

log = logging.getLogger(__name__)

# Words of two leads compared to tell whether they are one lead (one cut short).
_OPENING_WORDS = 8


def store_article(
    db: Database,
    item_id: int,
    article: Article,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    since: str | None = None,
) -> bool:
    """Store a story's page; True when a changed page changed the story's text.

    ``since``: see ``store.ingest.revise_item`` (one run, one revision).
    """
    row = db.execute(
        "SELECT title, summary, body, published, updated, page_sig, link FROM items WHERE id = ?",
        [item_id],
    ).fetchone()
    if row is None:
        return False
    published_iso, old_sig = row[3], row[5]
    published, updated = article.times(clock.from_iso(published_iso))
    # A page's stamp may say year 1 or 9999 (or tomorrow): such a date is not kept.
    published, updated = clock.sane_moment(published), clock.sane_moment(updated)
    # Only what the page itself says: the stored lead or stamp stand in for
    # nothing, or a change the feed made would look like a change of the page.
    title = split_flags(article.title)[0] if article.title else ""
    page_updated = clock.to_iso(updated)
    sig = story_signature(title, article.lead, article.body, page_updated)
    now = clock.now_iso()
    changed = False
    with writing(db):
        if old_sig is not None and sig != old_sig:
            changed = revise_item(
                db,
                item_id,
                title=title,
                summary=article.lead,
                body=article.body,
                updated=page_updated,
                now=now,
                since=since,
            )
        elif old_sig is None:
            _fill_gaps(db, item_id, row, title, article, page_updated)
        _record_page(db, item_id, article, published, sig, (etag, last_modified), now)
    return changed


def _fill_gaps(
    db: Database, item_id: int, row: tuple, title: str, article: Article, page_updated: str | None
) -> None:
    """The first read of a page fills gaps only: the feed's title and lead stay (and the
    page's lead, where it opened the page's body, stays in the body: it would show
    nowhere else)."""
    old_title, old_lead, old_body, _, old_updated, _, _ = row
    if _is_cut_from(old_lead, article.lead):
        old_lead = article.lead  # the feed's lead was the page's, cut short: the whole one
    text = article.page_text if _shows_another_lead(old_lead, article) else article.body
    body = text if len(text) >= len(old_body) else old_body
    db.execute(
        "UPDATE items SET title = ?, summary = ?, body = ?, updated = ? WHERE id = ?",
        [old_title or title, old_lead or article.lead, body, page_updated or old_updated, item_id],
    )


def _shows_another_lead(shown: str | None, article: Article) -> bool:
    """Whether the story shows a lead of its own (the feed's) where the page's lead
    opened the page's body: that paragraph then belongs in the body."""
    if not shown or not article.lead or not article.lead_opens_body:
        return False
    return not _same_opening(shown, article.lead)


def _is_cut_from(shown: str | None, lead: str) -> bool:
    """A feed's lead that is the page's cut short ("..."): shorter, and opening alike."""
    if not shown:
        return False
    return len(shown) < len(lead) and _same_opening(shown, lead)


def _same_opening(one: str, other: str) -> bool:
    ours, theirs = fold(one).split(), fold(other).split()
    words = min(_OPENING_WORDS, len(ours) - 1, len(theirs) - 1)  # the last may be cut
    if words < 3:
        return ours == theirs
    return ours[:words] == theirs[:words]


def _record_page(
    db: Database,
    item_id: int,
    article: Article,
    published: datetime | None,
    sig: str,
    validators: tuple[str | None, str | None],
    now: str,
) -> None:
    """What only the page says (dateline, place, authors, photo...), its digest and validators."""
    etag, last_modified = validators
    image = clean_url(article.image) or None  # a layout's image is a page's word too
    if image and not is_fetchable_url(image):
        image = None
    if image and is_aa_url(image):
        image = full_size_image(image)
    db.execute(
        "UPDATE items SET published = COALESCE(published, ?), "
        "published_ts = CASE WHEN published IS NULL THEN ? ELSE published_ts END, "
        "dateline = COALESCE(?, dateline), location = COALESCE(?, location), "
        "category = COALESCE(?, category), authors = COALESCE(?, authors), keywords = ?, "
        "image = COALESCE(?, image), lang = COALESCE(lang, ?), page_sig = ?, "
        "page_fetched_at = ?, full_text_at = ?, full_text_error = NULL, page_etag = ?, "
        "page_last_modified = ? WHERE id = ?",
        [
            clock.to_iso(published),
            published.timestamp() if published else 0,
            article.dateline.display if article.dateline else None,
            article.location,
            article.category,
            json.dumps(article.authors, ensure_ascii=False) if article.authors else None,
            json.dumps(article.keywords, ensure_ascii=False),
            image,
            article.lang,
            sig,
            now,
            now,
            etag,
            last_modified,
            item_id,
        ],
    )


def record_page_failure(db: Database, item_id: int, reason: str) -> None:
    """The page could not be read: the story stays as it is, and says why."""
    log.info("story %d: the page could not be read: %s", item_id, reason)
    with writing(db):
        db.execute(
            "UPDATE items SET full_text_error = ?, page_fetched_at = ? WHERE id = ?",
            [clean_line(reason)[:300], clock.now_iso(), item_id],
        )
