"""The demo database: a few hundred AA-style dispatches, built fresh, no network.

The stories are ours, not AA's: hand-written flagship dispatches (the ones that
get updated, in several languages) in ``demo_data/flagship.toml``, and per-language
sentence banks (``demo_data/<lang>.toml``) whose templates are filled with
invented figures. Everything goes through ``store.ingest.store_feed`` as a feed
would send it, so revisions, one-story-many-feeds and the FTS index are real.

``build_demo(path, now=...)`` is deterministic for a given ``now`` (snapshot
tests use ``FIXED_NOW``); ``demo_database()`` builds one in a new temporary
directory relative to the current time, for ``aanews --demo``, and removes the
directory when the reader closes.
"""

from __future__ import annotations

import hashlib
import random
import re
import shutil
import tempfile
import time
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from store import clock
from store.aa.catalogue import lookup
from store.aa.dateline import parse_dateline
from store.db import open_db
from store.feeds import add_feed, record_failure
from store.ingest import store_feed
from store.items import set_read, set_starred
from store.model import Entry, ParsedFeed
from store.opml import catalogue_title
from store.tags import tag_items
from store.text import clean_text, fold

ISTANBUL = timezone(timedelta(hours=3))
# The moment fixture databases are built "at", so screenshots never move.
FIXED_NOW = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)
LANGUAGES = ("tr", "en", "fr", "ar", "es", "ru")
DAYS = 10
# AA's stale all-news URL: it answers 404, so the sidebar has a feed in error.
STALE_FEED = "https://www.aa.com.tr/en/rss/default?cat=all"
SAVED_SEARCHES = {
    "Gaza, every language": "gaza OR gazze OR غزة OR газа",
    "Updated stories": "is:updated",
    "Markets today": "(borsa OR bourse OR stocks OR bolsa OR بورصة OR биржа) since:1d",
}
_INLINE_DATELINE = ("tr", "en")  # "ANKARA (AA) - " opens the first paragraph


@dataclass
class DemoStory:
    """One dispatch and its later versions, before ingestion."""

    entry: Entry
    feeds: list[str]
    versions: list[Entry] = field(default_factory=list)
    read: bool = False
    starred: bool = False
    tags: list[str] = field(default_factory=list)


@contextmanager
def demo_database() -> Iterator[Path]:
    """A fresh demo database in a new temporary directory, removed on leaving the block."""
    folder = Path(tempfile.mkdtemp(prefix="aanews-demo-"))
    try:
        yield build_demo(folder / "demo.db")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def demo_copy() -> Path:
    """Build a fresh demo database in a new temporary directory and return its path.

    The copy is kept after the reader closes, so what you did in the demo can be
    looked at (``aanews --db PATH``); ``remove_stale_demos`` clears old ones.
    """
    folder = Path(tempfile.mkdtemp(prefix="aanews-demo-"))
    try:
        return build_demo(folder / "demo.db")
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def remove_stale_demos(max_age_hours: float = 24.0) -> int:
    """Delete demo copies older than ``max_age_hours``; returns how many went."""
    cutoff = time.time() - max_age_hours * 3600
    removed = 0
    for folder in Path(tempfile.gettempdir()).glob("aanews-demo-*"):
        try:
            stale = folder.is_dir() and not folder.is_symlink() and folder.stat().st_mtime < cutoff
        except OSError:
            continue
        if stale and {p.name for p in folder.iterdir()} <= {
            "demo.db",
            "demo.db-wal",
            "demo.db-shm",
        }:
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed


def fixture_db(path: str | Path) -> Path:
    """The demo database as of ``FIXED_NOW``: the same content every time."""
    return build_demo(path, now=FIXED_NOW)


def build_demo(path: str | Path, now: datetime | None = None) -> Path:
    """Write the demo stories into a new database at ``path``, as if fetched at ``now``."""
    now = (now or clock.now()).astimezone(UTC)
    path = Path(path)
    if path.exists():
        raise FileExistsError(f"{path} exists; the demo is only built into a new file")
    stories = _flagship(now) + _generated(now, random.Random(2026))
    db = open_db(path)
    try:
        _store(db, stories, now)
    finally:
        db.close()
    return path


@cache
def _data(name: str) -> dict[str, Any]:
    text = resources.files("store").joinpath("demo_data", name).read_text(encoding="utf-8")
    return tomllib.loads(text)


# --- Stories -------------------------------------------------------------------------------


def _flagship(now: datetime) -> list[DemoStory]:
    stories = []
    for raw in _data("flagship.toml")["story"]:
        published = _minute(now - timedelta(hours=raw["age"]))
        entry = _entry(raw["id"], raw["lang"], raw["feeds"][-1], raw, raw["dateline"], published)
        entry.authors = list(raw.get("authors", []))
        entry.body = entry.body.replace("{weekday}", _weekday(published, raw["lang"]))
        story = DemoStory(
            entry=entry,
            feeds=raw["feeds"],
            read=raw.get("read", False),
            starred=raw.get("starred", False),
            tags=raw.get("tags", []),
        )
        previous = entry
        for version in raw.get("version", []):
            later = _entry(
                raw["id"], raw["lang"], raw["feeds"][-1], version, raw["dateline"], published
            )
            later.updated = _minute(published + timedelta(hours=version["after"]))
            later.updated = later.updated.astimezone(ISTANBUL)
            later.flags = list(version.get("flags", []))
            later.authors = entry.authors
            later.location, later.category = entry.location, entry.category
            later.body = (later.body or previous.body).replace(
                "{weekday}", _weekday(later.updated, raw["lang"])
            )
            story.versions.append(later)
            previous = later
        stories.append(story)
    return stories


def _generated(now: datetime, rng: random.Random) -> list[DemoStory]:
    stories: list[DemoStory] = []
    for lang in LANGUAGES:
        bank = _data(f"{lang}.toml")
        for template in bank["template"]:
            if template.get("daily"):
                moments = _daily(template.get("at"), now, rng)
            else:
                moments = [
                    now - timedelta(hours=rng.uniform(0.2, 24.0 * DAYS))
                    for _ in range(template["count"])
                ]
            for moment in moments:
                stories.append(_from_template(lang, bank, template, _minute(moment), now, rng))
    # AA ids grow with time; flagship ids sit above these.
    stories.sort(key=lambda story: story.entry.published or now)
    for number, story in enumerate(stories):
        _set_id(story.entry, 3_735_000 + number * 7 + rng.randrange(7), story.feeds[-1])
    return stories


def _daily(at: str | None, now: datetime, rng: random.Random) -> list[datetime]:
    """One moment a day for the last DAYS days: at the local time given, else at random."""
    if at is None:
        hours = rng.uniform(0.3, 7.0)
        return [now - timedelta(days=day, hours=hours) for day in range(DAYS)]
    hour, minute = (int(part) for part in at.split(":"))
    today = now.astimezone(ISTANBUL).replace(hour=hour, minute=minute, second=0, microsecond=0)
    moments = [today - timedelta(days=day) for day in range(DAYS + 1)]
    return [moment for moment in moments if moment <= now][:DAYS]


def _from_template(
    lang: str,
    bank: dict[str, Any],
    template: dict[str, Any],
    published: datetime,
    now: datetime,
    rng: random.Random,
) -> DemoStory:
    choice = rng.randrange(len(template["title"]))
    place = template.get("place") or rng.choice(bank["cities"])
    slots = _slots(lang, rng, bank, template, place)
    slots["weekday"] = _weekday(published, lang)
    if "dir" in template:
        slots["dir"] = template["dir"][choice]
    text = {
        "title": template["title"][choice].format(**slots),
        "summary": template["summary"].format(**slots),
        "body": "\n\n".join(p.format(**slots) for p in template.get("body", [])),
    }
    capital = template.get("capitals", {}).get(slots["country"])
    if capital:  # filed from the country's capital: "BOGOTÁ, Colombia", "AA / Dakar"
        place = {"name": slots["country"], "up": capital}
        if lang == "es":
            place["up"] = f"{capital}, {slots['country']}"
    dateline = bank["dateline"].format(UP=place["up"])
    entry = _entry(0, lang, template["feed"], text, dateline, published)
    entry.category = template["category"]
    entry.location = template.get("location") or place["name"]
    entry.authors = rng.sample(bank["authors"], rng.choice((1, 1, 2)))
    # Some dispatches carry an update stamp later than their publication.
    if rng.random() < 0.2:
        stamp = published + timedelta(hours=rng.uniform(0.5, 6))
        entry.updated = _minute(min(stamp, now).astimezone(ISTANBUL))
    feeds = ["guncel"] if template["feed"] == "guncel" else ["guncel", template["feed"]]
    return DemoStory(entry=entry, feeds=feeds)


def _slots(
    lang: str,
    rng: random.Random,
    bank: dict[str, Any],
    template: dict[str, Any],
    place: dict[str, str],
) -> dict[str, str]:
    teams = template.get("teams") or bank.get("teams") or ["?"]
    home, away = rng.sample(teams, 2) if len(teams) > 1 else (teams[0], teams[0])
    brent = rng.uniform(68, 79)
    home_goals = rng.randint(1, 4)
    return {
        "pct": _number(rng.uniform(0.05, 1.9), 2, lang),
        "pct2": _number(rng.uniform(0.05, 2.5), 2, lang),
        "pct3": _number(rng.uniform(0.05, 2.5), 2, lang),
        "index": _number(rng.uniform(9400, 10400), 2, lang),
        "usd": _number(rng.uniform(34.2, 34.9), 4, lang),
        "eur": _number(rng.uniform(36.0, 36.9), 4, lang),
        "gbp": _number(rng.uniform(43.1, 43.9), 4, lang),
        "gold": _number(rng.uniform(2610, 2690), 2, "en"),
        "brent": _number(brent, 2, "en"),
        "wti": _number(brent - rng.uniform(3.2, 4.1), 2, "en"),
        "volume": _number(rng.uniform(60, 120), 1, lang),
        "n": str(rng.randint(3, 40)),
        "few": str(rng.randint(2, 9)),
        "n20": str(rng.randint(5, 20)),
        "mid": str(rng.randrange(50, 480, 10)),
        "m": str(rng.randint(5, 60)),
        "small": str(rng.randint(4, 25)),
        "big": _number(rng.randrange(1200, 25000, 50), 0, lang),
        "temp": str(rng.randint(12, 24)),
        "kg": str(rng.choice((61, 67, 73, 81, 96, 102))),
        "km": str(rng.randint(8, 30)),
        "week": str(rng.randint(10, 14)),
        "points": str(rng.randint(18, 34)),
        "hg": str(home_goals),
        "ag": str(rng.randint(0, home_goals - 1)),
        "home": home,
        "away": away,
        "country": rng.choice(template.get("countries") or ["?"]),
        "city": place["name"],
        "city_loc": place.get("loc", place["name"]),
    }


def _weekday(moment: datetime, lang: str) -> str:
    """The day of the week a story was filed, in its edition's words (Istanbul time)."""
    return _data(f"{lang}.toml")["weekdays"].split()[moment.astimezone(ISTANBUL).weekday()]


def _number(value: float, decimals: int, lang: str) -> str:
    """A figure as the edition writes it: 9.875,42 (tr, es), 9 875,42 (fr, ru), 9,875.42."""
    text = f"{value:,.{decimals}f}"
    if lang in ("tr", "es"):
        return text.replace(",", "_").replace(".", ",").replace("_", ".")
    if lang in ("fr", "ru"):
        return text.replace(",", " ").replace(".", ",")
    return text


def _entry(
    story_id: int,
    lang: str,
    section: str,
    text: dict[str, Any],
    dateline: str,
    published: datetime,
) -> Entry:
    body = clean_text(text.get("body", ""))
    if body and lang in _INLINE_DATELINE:
        body = f"{dateline} {body}"
    parsed = parse_dateline(dateline, lang=lang)
    entry = Entry(
        key="",
        title=text["title"],
        summary=text["summary"],
        published=published.astimezone(ISTANBUL),
        lang=lang,
        body=body,
        dateline=parsed.display if parsed else dateline,
        location=text.get("location"),
        category=text.get("category"),
    )
    if story_id:
        _set_id(entry, story_id, section)
    return entry


def _set_id(entry: Entry, story_id: int, section: str) -> None:
    """AA identity, link and image for a story id."""
    slug = re.sub(r"[^\w]+", "-", fold(entry.title)).strip("-")[:80]
    entry.key = f"aa:{story_id}"
    entry.guid = str(story_id)
    entry.link = f"https://www.aa.com.tr/{entry.lang}/{section}/{slug}/{story_id}"
    day = entry.published or FIXED_NOW
    digest = hashlib.md5(str(story_id).encode(), usedforsecurity=False).hexdigest()
    entry.image = (
        f"https://cdnuploads.aa.com.tr/uploads/Contents/{day:%Y/%m/%d}/"
        f"thumbs_b_c_{digest}.jpg?v={day:%H%M%S}"
    )


def _minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


# --- Storage -------------------------------------------------------------------------------


def _store(db: Database, stories: list[DemoStory], now: datetime) -> None:
    feed_ids = _subscribe(db, stories)
    by_feed: dict[int, list[Entry]] = {}
    for story in stories:
        for slug in story.feeds:
            by_feed.setdefault(feed_ids[(story.entry.lang or "", slug)], []).append(story.entry)
    for feed_id, entries in by_feed.items():
        entries.sort(key=lambda entry: entry.published or now, reverse=True)
        store_feed(db, feed_id, ParsedFeed(title="Anadolu Ajansı", entries=entries))
    ids = {key: item_id for item_id, key in db.execute("SELECT id, key FROM items")}
    rng = random.Random(7)
    for story in stories:
        item_id = ids[story.entry.key]
        age = now - (story.entry.published or now)
        # Older stories are mostly read, as in a reader used every day.
        if story.read or (not story.versions and age > timedelta(days=2) and rng.random() < 0.7):
            set_read(db, [item_id])
        if story.starred:
            set_starred(db, [item_id])
        if story.tags:
            tag_items(db, [item_id], story.tags)
    # Later versions arrive as later fetches: revisions and "updated" marks are real.
    for round_ in range(max(len(story.versions) for story in stories)):
        for story in stories:
            if round_ < len(story.versions):
                for slug in story.feeds:
                    feed_id = feed_ids[(story.entry.lang or "", slug)]
                    store_feed(db, feed_id, ParsedFeed(entries=[story.versions[round_]]))
    _tag_generated(db, rng)
    _save_searches(db)
    stale = add_feed(db, STALE_FEED, title="AA English · All news", lang="en", source="aa")
    record_failure(db, stale.id, "HTTP 404 Not Found", status=404)
    _pin_times(db, stories, ids, now)


def _subscribe(db: Database, stories: list[DemoStory]) -> dict[tuple[str, str], int]:
    """Subscribe to every catalogue feed the stories sit in, named as the catalogue names it."""
    feed_ids: dict[tuple[str, str], int] = {}
    for lang in LANGUAGES:
        for slug in _data(f"{lang}.toml")["feeds"]:
            entry = lookup(f"{lang}/{slug}")
            feed = add_feed(
                db,
                entry.url,
                title=catalogue_title(entry),
                lang=lang,
                category=slug,
                source="aa",
            )
            feed_ids[(lang, slug)] = feed.id
    missing = {(s.entry.lang, f) for s in stories for f in s.feeds} - set(feed_ids)
    if missing:
        raise ValueError(f"demo stories in feeds the banks do not list: {sorted(missing)}")
    return feed_ids


def _tag_generated(db: Database, rng: random.Random) -> None:
    """A few stories tagged by hand, as a user would."""
    picks = {
        "piyasa": "lang = 'tr' AND title LIKE 'Borsa%'",
        "gaza": "lang = 'en' AND title LIKE '%Gaza%'",
        "afrique": "lang = 'fr' AND category = 'Afrique'",
    }
    for tag, where in picks.items():
        ids = [r[0] for r in db.execute(f"SELECT id FROM items WHERE {where} ORDER BY id")]
        tag_items(db, ids[-3:], [tag])
    starred = [r[0] for r in db.execute("SELECT id FROM items WHERE lang = 'fr' ORDER BY id")]
    set_starred(db, rng.sample(starred, 2))


def _save_searches(db: Database) -> None:
    try:
        from store.saved import save_search
    except ImportError:  # saved searches are another module's; the demo does without
        return
    for name, query in SAVED_SEARCHES.items():
        save_search(db, name, query)


def _pin_times(db: Database, stories: list[DemoStory], ids: dict[str, int], now: datetime) -> None:
    """Bookkeeping times as if fetched over the days, so a fixed ``now`` gives a fixed file."""
    fetched = clock.to_iso(now - timedelta(minutes=4))
    with db.atomic():
        db.execute("UPDATE feeds SET created_at = ?", [clock.to_iso(now - timedelta(days=DAYS))])
        db.execute("UPDATE feeds SET last_fetched = ? WHERE last_error IS NULL", [fetched])
        db.execute(
            "UPDATE feeds SET last_fetched = ?, last_error_at = ? WHERE last_error IS NOT NULL",
            [clock.to_iso(now - timedelta(days=1)), fetched],
        )
        for story in stories:
            item_id = ids[story.entry.key]
            seen = clock.to_iso(story.entry.published)
            changed = [clock.to_iso(version.updated) for version in story.versions]
            db.execute(
                "UPDATE items SET first_seen = ?, last_seen = ?, changed_at = ? WHERE id = ?",
                [seen, fetched, changed[-1] if changed else None, item_id],
            )
            revision_ids = [
                r[0]
                for r in db.execute(
                    "SELECT id FROM revisions WHERE item_id = ? ORDER BY id", [item_id]
                )
            ]
            for revision_id, seen_at in zip(revision_ids, changed, strict=False):
                db.execute("UPDATE revisions SET seen_at = ? WHERE id = ?", [seen_at, revision_id])
