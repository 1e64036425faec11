"""A story's page read end to end, for what the page and the feed each say: the page's
charset, and which lead the story shows when the page's opens its body."""

from __future__ import annotations

from pytest_httpserver import HTTPServer
from sqlite_utils import Database
from werkzeug import Response

from store.feeds import add_feed
from store.fetching.refresh import refresh_feeds
from store.items import get_item
from store.pages.fulltext import refresh_full_text
from tests.test_fulltext import STORY_PATH, aa_feed, db_path, ingest, serve_page


def test_a_page_is_read_in_the_charset_its_server_names(
    httpserver: HTTPServer, db: Database
) -> None:
    """A Turkish page in ISO-8859-9 that declares nothing itself: the Content-Type says
    so (read as windows-1252, "şehir" would be "þehir")."""
    story = [
        "Belediye meclisi perşembe akşamı, üç yıldır kapalı olan yazlık havuzun yeniden "
        "açılmasına karar verdi; çalışmalar ocak ayında başlayacak.",
        "Yüzme kulüpleri, şehrin çocukları için çok iyi bir haber olduğunu söyledi ve "
        "kararı sevinçle karşıladı.",
    ]
    html = (
        "<html><head><title>Havuz yeniden açılıyor</title></head><body><article>"
        + "".join(f"<p>{p}</p>" for p in story)
        + "</article></body></html>"
    )
    httpserver.expect_request(STORY_PATH).respond_with_data(
        html.encode("iso-8859-9"), content_type="text/html; charset=ISO-8859-9"
    )
    [item_id] = ingest(httpserver, db, [STORY_PATH])
    assert refresh_full_text(db_path(db), [item_id]).fetched == 1
    assert get_item(db, item_id).body == "\n\n".join(story)


OPENING = [
    "Des pluies record ont inondé jeudi le sud de l'Irak, où trois provinces ont ouvert "
    "des abris pour les familles chassées de leurs maisons par les eaux.",
    "Les routes entre Bassora et Nassiriya sont coupées, selon la protection civile, qui "
    "a dépêché des bateaux dans les quartiers les plus touchés.",
]


def opening_page(extra: str = "") -> str:
    """A page whose description repeats its first paragraph (kept apart as its lead)."""
    return (
        f'<html><head><meta name="description" content="{OPENING[0]}"><title>Pluies</title>'
        "</head><body><article>"
        + "".join(f"<p>{p}</p>" for p in OPENING)
        + extra
        + "</article></body></html>"
    )


def test_a_pages_opening_paragraph_stays_when_the_feed_has_its_own_lead(
    httpserver: HTTPServer, db: Database
) -> None:
    """The feed's lead is what the story shows, so the page's opening paragraph stays in
    the body; a revised page brings its own lead, and the paragraph is shown once."""
    pages = [opening_page(), opening_page("<p>Les eaux baissaient vendredi matin.</p>")]
    httpserver.expect_request(STORY_PATH).respond_with_handler(
        lambda request: Response(pages[0], content_type="text/html; charset=utf-8")
    )
    [item_id] = ingest(httpserver, db, [STORY_PATH])
    assert refresh_full_text(db_path(db), [item_id]).fetched == 1
    item = get_item(db, item_id)
    assert item.summary.startswith("Les autorités ont ouvert")  # the feed's
    assert item.body == "\n\n".join(OPENING)
    pages.pop(0)
    assert refresh_full_text(db_path(db), [item_id], stale_minutes=0).fetched == 1
    item = get_item(db, item_id)
    assert item.summary == OPENING[0]  # the page's version: its lead, then the rest
    assert item.body == "\n\n".join([OPENING[1], "Les eaux baissaient vendredi matin."])


def test_a_feeds_lead_cut_from_the_pages_is_not_shown_twice(
    httpserver: HTTPServer, db: Database
) -> None:
    serve_page(httpserver, STORY_PATH, opening_page())
    cut = OPENING[0][:90] + "…"
    httpserver.expect_request("/rss").respond_with_data(
        aa_feed(httpserver, [STORY_PATH]).replace(
            b"Les autorit\xc3\xa9s ont ouvert des abris dans trois provinces.", cut.encode()
        ),
        content_type="application/rss+xml",
    )
    feed = add_feed(db, httpserver.url_for("/rss"), title="AA fr")
    [item_id] = refresh_feeds(db_path(db), [feed.id]).new_ids
    assert get_item(db, item_id).summary == cut
    assert refresh_full_text(db_path(db), [item_id]).fetched == 1
    item = get_item(db, item_id)
    assert item.summary == OPENING[0]  # the whole lead now, shown once
    assert item.body == OPENING[1]
