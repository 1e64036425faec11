"""One way to build the reader for tests, snapshots and screenshots.

``build_fixture_db`` writes a small, fixed database (four languages, an updated
story, a starred one, a title full of brackets); ``make_app`` opens the reader
on it (``tui.app.reader_app``, as ``aanews`` does) with a fixed clock, no dwell
and no pause before a search, so what it draws never depends on the day the
tests run or on how fast the machine is.
"""

from __future__ import annotations

import dataclasses
import weakref
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from textual.app import App

from store.db import open_db
from store.feeds import add_feed, record_failure
from store.ingest import store_feed
from store.items import set_read, set_starred
from store.model import Entry, ParsedFeed
from tui.app import Delays, ReaderApp, reader_app
from tui.config import Config

NOW = datetime(2026, 3, 12, 15, 0, tzinfo=UTC)
ISTANBUL = timezone(timedelta(hours=3))
AT_ONCE = Delays(search=0.0, story=0.0, page=0.0)

# (lang, category, title, city, minutes before NOW)
STORIES: list[tuple[str, str, str, str, int]] = [
    ("tr", "Gündem", "Ankara'da yoğun kar yağışı etkili oluyor", "Ankara", 20),
    ("tr", "Gündem", "İstanbul'da metro seferlerine yeni düzenleme", "İstanbul", 75),
    ("tr", "Gündem", "Şırnak'ta terör operasyonu: 3 gözaltı", "Şırnak", 190),
    ("tr", "Gündem", "Gazze'ye insani yardım konvoyu yola çıktı", "Kahire", 60 * 26),
    ("en", "World", "UN Security Council meets on Gaza ceasefire", "New York", 35),
    ("en", "World", "Floods displace thousands in southern Brazil", "Porto Alegre", 140),
    ("en", "World", "[bold red]x[/] and [link=file:///etc/passwd]click[/link]", "London", 300),
    ("en", "World", "Türkiye, Azerbaijan sign energy deal", "Baku", 60 * 30),
    ("fr", "Actualité", "Le Parlement adopte la réforme des retraites", "Paris", 50),
    ("fr", "Actualité", "Séisme de magnitude 5,2 au large de la Crète", "Athènes", 400),
    ("fr", "Actualité", "Irak : des élections provinciales en décembre", "Bagdad", 60 * 48),
    ("ar", "أخبار", "أردوغان يستقبل رئيس وزراء العراق في أنقرة", "أنقرة", 45),
    ("ar", "أخبار", "انطلاق قافلة مساعدات إنسانية إلى غزة", "القاهرة", 240),
]

LEADS = {
    "tr": "Meteoroloji uyarısının ardından kentte ulaşımda aksamalar yaşanıyor.",
    "en": "Diplomats said the talks would continue into the evening.",
    "fr": "Le texte a été adopté à une large majorité après deux semaines de débats.",
    "ar": "وذكرت مصادر أن اللقاء تناول العلاقات الثنائية والتطورات الإقليمية.",
}

BODY = {
    "tr": "Kent genelinde okullar tatil edildi.\n\nUlaşımda son durum\n\nEkipler ana "
    "arterlerde tuzlama çalışması yapıyor.",
    "en": "The meeting was called at the request of several members.\n\nWhat comes next\n\n"
    "A vote is expected later this week.",
    "fr": "Le gouvernement salue « une étape décisive ».\n\nLes réactions\n\nL'opposition "
    "annonce un recours devant le Conseil constitutionnel.",
    "ar": "وأكد الجانبان أهمية تعزيز التعاون في مجالات الطاقة والتجارة.",
}

FEED_TITLES = {
    "tr": "AA Türkçe — Güncel",
    "en": "AA English — World",
    "fr": "AA Français — Actualité",
    "ar": "AA العربية — أخبار",
}


def _entry(number: int, lang: str, category: str, title: str, city: str, minutes: int) -> Entry:
    published = (NOW - timedelta(minutes=minutes)).astimezone(ISTANBUL)
    dateline = f"{city}/الأناضول" if lang == "ar" else f"AA / {city}"
    return Entry(
        key=f"aa:{3000000 + number}",
        title=title,
        summary=LEADS[lang],
        guid=str(3000000 + number),
        link=f"https://www.aa.com.tr/{lang}/{category.lower()}/story/{3000000 + number}",
        published=published,
        lang=lang,
        body=BODY[lang],
        dateline=dateline,
        location=city,
        category=category,
    )


def build_fixture_db(path: Path) -> Path:
    """Write the fixed test database at ``path`` and return the path."""
    db = open_db(path)
    feeds = {
        lang: add_feed(
            db,
            f"https://www.aa.com.tr/{lang}/rss/default?cat=guncel",
            title=FEED_TITLES[lang],
            lang=lang,
            category="guncel",
        ).id
        for lang in FEED_TITLES
    }
    by_lang: dict[str, list[Entry]] = {}
    for number, (lang, category, title, city, minutes) in enumerate(STORIES):
        by_lang.setdefault(lang, []).append(_entry(number, lang, category, title, city, minutes))
    results = {
        lang: store_feed(db, feeds[lang], ParsedFeed(entries=es)) for lang, es in by_lang.items()
    }
    # A story read, then sent again with a new title and update stamp.
    fr_ids = results["fr"].item_ids
    set_read(db, [fr_ids[1]], True)
    changed = by_lang["fr"][1]
    changed.title = "Séisme de magnitude 5,4 au large de la Crète, pas de victimes"
    changed.updated = changed.published + timedelta(hours=3, minutes=10)  # type: ignore[operator]
    store_feed(db, feeds["fr"], ParsedFeed(entries=by_lang["fr"]))
    set_starred(db, [results["en"].item_ids[0]], True)
    set_read(db, [results["tr"].item_ids[3], results["en"].item_ids[3]], True)
    failing = add_feed(db, "https://www.aa.com.tr/en/rss/default?cat=all", title="AA English — All")
    record_failure(db, failing.id, "HTTP 404 Not Found", status=404)
    db.close()
    return path


def make_app(
    db_path: Path, config: Config | None = None, *, pages: bool = False, demo: bool = False
) -> ReaderApp:
    """The reader on ``db_path`` with a fixed clock; nothing is read by dwelling.

    Article pages are read on opening only with ``pages`` (the fixture's links
    are aa.com.tr's, and no test goes online). A search runs as soon as a key
    is typed (no pause to wait for).
    """
    config = dataclasses.replace(config or Config(dwell_seconds=3600))
    config.full_text_on_open = pages and config.full_text_on_open
    app = reader_app(db_path, config, demo=demo, now=lambda: NOW, delays=AT_ONCE)
    record_notifications(app)
    return app


def fixture_app(tmp_path: Path, config: Config | None = None) -> ReaderApp:
    """A fresh fixture database in ``tmp_path`` and the reader on it."""
    return make_app(build_fixture_db(tmp_path / "fixture.db"), config)


@dataclass
class Note:
    """One notification the app showed."""

    message: str
    title: str
    severity: str


_NOTES: weakref.WeakKeyDictionary[App[Any], list[Note]] = weakref.WeakKeyDictionary()


def record_notifications(app: App[Any]) -> None:
    """Keep every notification ``app`` shows (``App.notify`` is where they all go)."""
    shown: list[Note] = []
    _NOTES[app] = shown
    notify = app.notify

    def recording(
        message: str, *, title: str = "", severity: Any = "information", **kw: Any
    ) -> None:
        shown.append(Note(str(message), title, str(severity)))
        notify(message, title=title, severity=severity, **kw)

    app.notify = recording  # type: ignore[method-assign]


def notifications(app: App[Any]) -> list[Note]:
    """The notifications shown so far (from ``make_app`` or ``record_notifications``)."""
    return _NOTES[app]


def screen_text(app: App[Any]) -> str:
    """What the terminal shows right now, as plain lines.

    Textual 8 has no public way to read the screen's characters: ``App.export_screenshot``
    (which reads the same ``_compositor``) gives SVG, ``Screen.get_style_at`` a style,
    ``Screen.get_selected_text`` only what the mouse selected, and ``Pilot`` nothing. So
    this reads the compositor's strips, the one private attribute the tests touch.
    """
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


async def settle(pilot: Any) -> None:
    """Wait until every worker is done and the screen has caught up."""
    app = pilot.app
    for _ in range(3):
        await pilot.pause()
        await app.workers.wait_for_complete()
    await pilot.pause()


def unread_in(path: Path) -> int:
    """How many stories the database at ``path`` holds unread (read from a connection of
    its own, as another process would see it)."""
    db = open_db(path)
    try:
        return int(db.execute("SELECT COUNT(*) FROM items WHERE read = 0").fetchone()[0])
    finally:
        db.close()
