"""The wire reader on screen: a story's full text on opening, flags, stamps, rules at refresh.

Article pages and feeds are served from 127.0.0.1; the demo must never ask for one.
"""

from __future__ import annotations

import threading
from datetime import datetime
from pathlib import Path

import pytest
from app_factory import ISTANBUL, make_app, screen_text, settle
from pytest_httpserver import HTTPServer
from waiting import pilot_wait_for
from werkzeug import Request, Response

from store.db import open_db
from store.feeds import add_feed
from store.ingest import store_feed
from store.items import get_item
from store.model import Entry, ParsedFeed
from store.tags import item_tags
from tui.app import run_reader
from tui.config import Config
from tui.stamps import Clock, flag_label, stamp_line

pytestmark = pytest.mark.anyio

PAGES = Path(__file__).parent / "fixtures" / "pages"
STORY_PATH = "/fr/monde/des-pluies-record-inondent-le-sud-de-l-irak/2301234"
LEAD = "Les autorités ont ouvert des abris dans trois provinces."
BODY_WORDS = "Des pluies d'une intensité inédite"
# Pages only: the photo a page names is asked for too, and tests/test_app_pictures.py has it.
CONFIG = Config(dwell_seconds=3600, images=False)


@pytest.fixture
def anyio_backend() -> str:
    """Textual runs on asyncio."""
    return "asyncio"


def story_db(path: Path, link: str, *, title: str = "Des pluies record", **extra: object) -> Path:
    """A database with one French story, as its feed gave it: the lead only.

    The feed is on 127.0.0.1 with its pages: a feed elsewhere gets no local page.
    """
    db = open_db(path)
    feed = add_feed(db, link.rsplit("/", 1)[0] + "/fr/rss/default?cat=guncel", title="AA fr")
    entry = Entry(
        key="aa:2301234",
        title=title,
        summary=LEAD,
        guid="2301234",
        link=link,
        published=datetime(2021, 7, 23, 14, 5, tzinfo=ISTANBUL),  # the page's own date
        lang="fr",
        **extra,  # type: ignore[arg-type]
    )
    store_feed(db, feed.id, ParsedFeed(entries=[entry]))
    db.close()
    return path


async def test_opening_a_story_reads_its_page_and_redraws_it(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    gate = threading.Event()
    page = (PAGES / "classic-fr.html").read_text(encoding="utf-8")

    def answer(request: Request) -> Response:
        gate.wait(timeout=20)  # held back, so the test sees the reader waiting for it
        return Response(page, content_type="text/html; charset=utf-8")

    httpserver.expect_request(STORY_PATH).respond_with_handler(answer)
    path = story_db(tmp_path / "w.db", httpserver.url_for(STORY_PATH))
    app = make_app(path, CONFIG, pages=True)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot_wait_for(pilot, lambda: LEAD in screen_text(app))
            await pilot.press("enter")
            await pilot_wait_for(pilot, lambda: "fetching the full story" in screen_text(app))
            text = screen_text(app)
            assert "fetching the full story" in text and LEAD in text
            gate.set()
            await settle(pilot)
            text = screen_text(app)
            assert "fetching the full story" not in text
            assert BODY_WORDS in text and "Des routes coupées" in text
            assert "AA / Bagdad" in text and "Ali Demir" in text
            # The page's update stamp, in the story's language, on the reader's clock (UTC).
            assert "Publié 23.07.2021 11:05 · Mis à jour 24.07.2021 11:05, 1 jour plus tard" in text
    finally:
        gate.set()
    assert len(httpserver.log) == 1


async def test_a_page_that_cannot_be_read_says_why_and_keeps_the_lead(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    httpserver.expect_request(STORY_PATH).respond_with_data("gone", status=404)
    path = story_db(tmp_path / "w.db", httpserver.url_for(STORY_PATH))
    app = make_app(path, CONFIG, pages=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        text = screen_text(app)
        assert "The full story could not be read" in text and "404" in text
        assert LEAD in text
    assert len(httpserver.log) == 1


async def test_a_story_in_view_for_a_moment_gets_its_page_once(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    page = (PAGES / "classic-fr.html").read_text(encoding="utf-8")
    httpserver.expect_request(STORY_PATH).respond_with_data(page, content_type="text/html")
    path = story_db(tmp_path / "w.db", httpserver.url_for(STORY_PATH))
    app = make_app(path, CONFIG, pages=True)
    async with app.run_test(size=(120, 40)) as pilot:
        # No key: the story stayed in the reader (for the page delay, 0 here).
        await pilot_wait_for(pilot, lambda: BODY_WORDS in screen_text(app))
        await settle(pilot)
        assert BODY_WORDS in screen_text(app)
        await pilot.press("enter")  # read a moment ago: not asked for again
        await settle(pilot)
    assert len(httpserver.log) == 1


async def test_the_option_turns_it_off(tmp_path: Path, httpserver: HTTPServer) -> None:
    httpserver.expect_request(STORY_PATH).respond_with_data("<p>x</p>", content_type="text/html")
    path = story_db(tmp_path / "w.db", httpserver.url_for(STORY_PATH))
    config = Config(dwell_seconds=3600, full_text_on_open=False)
    app = make_app(path, config, pages=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        await settle(pilot)  # past the page delay (0 here)
        assert LEAD in screen_text(app)
    assert httpserver.log == []


async def test_the_demo_never_fetches(tmp_path: Path, httpserver: HTTPServer) -> None:
    httpserver.expect_request(STORY_PATH).respond_with_data("<p>x</p>", content_type="text/html")
    httpserver.expect_request("/rss").respond_with_data("<rss/>", content_type="text/xml")
    path = story_db(tmp_path / "w.db", httpserver.url_for(STORY_PATH))
    db = open_db(path)
    add_feed(db, httpserver.url_for("/rss"), title="Local")
    db.close()
    app = make_app(path, CONFIG, pages=True, demo=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        await settle(pilot)  # past the page delay (0 here)
        await pilot.press("R")
        await settle(pilot)
        assert LEAD in screen_text(app)
    assert httpserver.log == []


async def test_a_breaking_story_is_flagged_in_the_list_and_the_reader(tmp_path: Path) -> None:
    path = story_db(
        tmp_path / "w.db",
        "https://www.aa.com.tr/fr/monde/x/2301234",
        title="Séisme en Crète",
        flags=["breaking"],
    )
    app = make_app(path, CONFIG)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        row = next(line for line in text.splitlines() if "Séisme en Crète" in line)
        assert "! Séisme en Crète" in row
        assert " URGENT " in text  # the badge, in the story's language


@pytest.mark.parametrize(
    ("lang", "breaking", "update"),
    [
        ("tr", "SON DAKİKA", "GÜNCELLEME"),
        ("en", "BREAKING", "UPDATE"),
        ("fr", "URGENT", "MISE À JOUR"),
        ("ar", "عاجل", "محدث"),
        ("es", "ÚLTIMA HORA", "ACTUALIZACIÓN"),
        ("ru", "СРОЧНО", "ОБНОВЛЕНО"),
    ],
)
def test_flags_read_in_the_storys_language(lang: str, breaking: str, update: str) -> None:
    assert flag_label("breaking", lang) == breaking
    assert flag_label("update", lang) == update


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("fr", "Publié 23.07.2021, il y a 2 jours · Mis à jour 24.07.2021, 1 jour plus tard"),
        ("tr", "Yayınlanma 23.07.2021, 2 gün önce · Güncelleme 24.07.2021, 1 gün sonra"),
        ("en", "Published 23.07.2021, 2 days ago · Updated 24.07.2021, 1 day later"),
        ("es", "Publicado 23.07.2021, hace 2 días · Actualizado 24.07.2021, 1 día después"),
        ("ru", "Опубликовано 23.07.2021, 2 дня назад · Обновлено 24.07.2021, спустя 1 день"),
        ("ar", "نُشر 23.07.2021، منذ يومين · محدث 24.07.2021، بعد يوم"),
    ],
)
def test_stamps_are_labelled_in_the_articles_language(lang: str, expected: str) -> None:
    published = datetime(2021, 7, 23, 14, 5, tzinfo=ISTANBUL)
    updated = datetime(2021, 7, 24, 14, 30, tzinfo=ISTANBUL)
    now = datetime(2021, 7, 25, 15, 0, tzinfo=ISTANBUL)
    assert stamp_line(published, updated, lang, now, Clock(date_format="%d.%m.%Y")) == expected


RSS = (
    '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Local</title>'
    "<item><title>Gazze'ye yardım konvoyu</title><guid>g-1</guid>"
    "<pubDate>Thu, 12 Mar 2026 14:50 +0000</pubDate></item>"
    "<item><title>Borsa güne yükselişle başladı</title><guid>g-2</guid>"
    "<pubDate>Thu, 12 Mar 2026 14:40 +0000</pubDate></item>"
    "</channel></rss>"
)


async def test_rules_tag_new_stories_at_refresh(tmp_path: Path, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/rss").respond_with_data(RSS, content_type="application/rss+xml")
    path = tmp_path / "w.db"
    db = open_db(path)
    add_feed(db, httpserver.url_for("/rss"), title="Local")
    db.close()
    config = Config(dwell_seconds=3600, rules=[{"query": "gazze", "tags": ["Gazze"]}])
    app = make_app(path, config)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        assert "Gazze'ye yardım konvoyu" in screen_text(app)
    db = open_db(path)
    try:
        tagged = {
            get_item(db, row[0]).title: item_tags(db, row[0])
            for row in db.execute("SELECT id FROM items")
        }
    finally:
        db.close()
    assert tagged == {"Gazze'ye yardım konvoyu": ["Gazze"], "Borsa güne yükselişle başladı": []}


def test_a_bad_rule_stops_the_reader_at_start(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[[rules]]\nquery = "colour:red"\ntags = ["x"]\n', encoding="utf-8")
    assert run_reader(tmp_path / "db.sqlite", config_path=config) == 2
    error = capsys.readouterr().err
    assert "rule 1" in error and "colour:red" in error and str(config) in error
