"""The demo's dispatches: hand-written flagship stories and ones made from templates.

The stories are ours, not AA's: flagship dispatches (the ones that get updated,
in several languages) in ``data/flagship.toml``, and per-language sentence
banks (``data/<lang>.toml``) whose templates are filled with invented
figures. ``demo_stories(now)`` is deterministic for a given ``now``.
"""

from __future__ import annotations

import hashlib
import random
import re
import tomllib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from functools import cache
from importlib import resources
from typing import Any

from store.aa.dateline import parse_dateline
from store.demo.pictures import demo_picture_url
from store.model import Entry
from store.text import clean_text, fold

ISTANBUL = timezone(timedelta(hours=3))
LANGUAGES = ("tr", "en", "fr", "ar", "es", "ru")
DAYS = 10
# The moment fixture databases are built "at", so screenshots never move.
FIXED_NOW = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)
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


def demo_stories(now: datetime) -> list[DemoStory]:
    """Every demo dispatch with its later versions, as of ``now``."""
    return _flagship(now) + _generated(now, random.Random(2026))


@cache
def demo_data(name: str) -> dict[str, Any]:
    text = resources.files("store.demo").joinpath("data", name).read_text(encoding="utf-8")
    return tomllib.loads(text)


def _flagship(now: datetime) -> list[DemoStory]:
    stories = []
    for raw in demo_data("flagship.toml")["story"]:
        published = _minute(now - timedelta(hours=raw["age"]))
        entry = _entry(raw["id"], raw["lang"], raw["feeds"][-1], raw, raw["dateline"], published)
        entry.authors = list(raw.get("authors", []))
        entry.body = entry.body.replace("{weekday}", _weekday(published, raw["lang"]))
        if raw.get("picture"):
            entry.image = demo_picture_url(raw["picture"])
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
            later.image = entry.image
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
        bank = demo_data(f"{lang}.toml")
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
    return demo_data(f"{lang}.toml")["weekdays"].split()[moment.astimezone(ISTANBUL).weekday()]


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
