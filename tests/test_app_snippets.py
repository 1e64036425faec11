"""Search snippets in the story list: a piece of the lead (or body) around the first match."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from app_factory import ISTANBUL, NOW, build_fixture_db, make_app, settle
from rich.style import Style
from textual.pilot import Pilot

from store.db import open_db
from store.feeds import add_feed
from store.ingest import store_feed
from store.items import fetch_items
from store.model import Entry, ParsedFeed
from tui.widgets.item_list import ItemList
from tui.widgets.snippet import snippet_of

pytestmark = pytest.mark.anyio

AID = "Gazze'ye 7 tır insani yardım ulaştı"
AID_LEAD = "Kızılay'a ait tırlar, Refah Sınır Kapısı üzerinden Gazze'ye geçti."
PORT = "Liman genişletme çalışmaları sürüyor"
PORT_BODY = (
    "Bakanlık açıklama yaptı.\n\nAra başlık\n\n"
    "Yeni rıhtım, Mersin limanının kapasitesini artıracak."
)
MARKUP = "Bir duyuru yapıldı"
MARKUP_LEAD = "Zyxwv [bold red]alarm[/] ve [link=file:///etc/passwd]tıkla[/link] dendi."


def _db_with_stories(tmp_path: Path) -> Path:
    """The fixture database and three more Turkish stories whose words are only in the text."""
    path = build_fixture_db(tmp_path / "f.db")
    db = open_db(path)
    feed = add_feed(db, "https://www.aa.com.tr/tr/rss/default?cat=dunya", title="AA Dünya")
    entries = [
        Entry(
            key=f"aa:{4000000 + n}",
            title=title,
            summary=lead,
            body=body,
            guid=str(4000000 + n),
            link=f"https://www.aa.com.tr/tr/dunya/story/{4000000 + n}",
            published=(NOW - timedelta(minutes=5 + n)).astimezone(ISTANBUL),
            lang="tr",
            dateline="AA / Ankara",
            location="Ankara",
        )
        for n, (title, lead, body) in enumerate(
            [(AID, AID_LEAD, ""), (PORT, "Kısa bir giriş.", PORT_BODY), (MARKUP, MARKUP_LEAD, "")]
        )
    ]
    store_feed(db, feed.id, ParsedFeed(entries=entries))
    db.close()
    return path


def _row(items: ItemList, title: str) -> str:
    """The list row (as drawn) of the story with this title."""
    for y in range(items.scrollable_content_region.height):
        line = "".join(segment.text for segment in items.render_line(y))
        if title in line:
            return line
    raise AssertionError(f"no row shows {title!r}")


def _styles(items: ItemList, title: str) -> dict[str, Style]:
    """Each piece of text in the row with this title, and its style."""
    for y in range(items.scrollable_content_region.height):
        segments = list(items.render_line(y))
        if title in "".join(segment.text for segment in segments):
            return {segment.text: segment.style or Style() for segment in segments}
    raise AssertionError(f"no row shows {title!r}")


async def _search(pilot: Pilot, words: str) -> None:
    await pilot.press("slash", *words, "enter")
    await settle(pilot)


async def test_a_word_only_in_the_lead_shows_in_a_snippet_after_the_title(tmp_path: Path) -> None:
    app = make_app(_db_with_stories(tmp_path))
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        items = app.screen.query_one(ItemList)
        await _search(pilot, "refah")
        assert len(items.ids) == 1
        row = _row(items, AID)
        assert "— …" in row or "— Kızılay" in row
        assert row.index(AID) < row.index("Refah Sınır Kapısı")
        styles = _styles(items, AID)
        assert styles["Refah"].underline and not styles["Refah"].dim  # the match stands out
        rest = next(style for text, style in styles.items() if "Sınır Kapısı" in text)
        assert rest.dim and not rest.bold  # the snippet is quieter than the (unread) title


async def test_a_word_only_in_the_body_shows_the_body_around_it_on_one_line(
    tmp_path: Path,
) -> None:
    app = make_app(_db_with_stories(tmp_path))
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        items = app.screen.query_one(ItemList)
        await _search(pilot, "rıhtım")
        row = _row(items, PORT)
        assert "Yeni rıhtım, Mersin limanının" in row  # paragraphs joined on one line
        assert "Kısa bir giriş" not in row


async def test_plain_views_and_tag_searches_show_titles_only(tmp_path: Path) -> None:
    app = make_app(_db_with_stories(tmp_path))
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        items = app.screen.query_one(ItemList)
        assert "Refah" not in _row(items, AID)
        assert " — " not in _row(items, AID)
        await _search(pilot, "lang:tr")
        assert " — " not in _row(items, AID)
        loaded = [items.cached(item_id) for item_id in items.ids]
        assert all(row is None or not row.body for row in loaded)  # no text read for them


async def test_a_markup_looking_lead_shows_literally(tmp_path: Path) -> None:
    app = make_app(_db_with_stories(tmp_path))
    async with app.run_test(size=(170, 40)) as pilot:
        await settle(pilot)
        items = app.screen.query_one(ItemList)
        await _search(pilot, "zyxwv")
        row = _row(items, MARKUP)
        assert "Zyxwv [bold red]alarm[/] ve [link=file:///etc/passwd]tıkla" in row


async def test_a_narrow_row_keeps_the_match_in_view(tmp_path: Path) -> None:
    app = make_app(_db_with_stories(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        items = app.screen.query_one(ItemList)
        await _search(pilot, "kapısı")
        row = _row(items, AID)
        assert "Kapısı" in row
        assert len(row.rstrip()) <= items.scrollable_content_region.width


def test_snippets_start_at_a_word_and_say_where_the_text_goes_on() -> None:
    text = "Birinci cümle burada. " * 10 + "Aranan kelime\nburada geçiyor. " + "Son. " * 100
    snippet = snippet_of(text, ["aranan"])
    assert snippet is not None
    assert snippet.cut_before and snippet.cut_after
    assert "\n" not in snippet.text
    assert snippet.text.split()[0] in ("Birinci", "cümle", "burada.")
    start, end = snippet.spans[0]
    assert snippet.text[start:end] == "Aranan"
    assert snippet_of("Hiçbir eşleşme yok.", ["aranan"]) is None


def test_list_rows_carry_text_only_when_asked(tmp_path: Path) -> None:
    db = open_db(_db_with_stories(tmp_path))
    ids = [row[0] for row in db.execute("SELECT id FROM items WHERE title = ?", [AID])]
    assert fetch_items(db, ids)[0].summary == ""
    assert fetch_items(db, ids, with_text=True)[0].summary == AID_LEAD
    db.close()
