"""The AA feeds one can subscribe to, shipped as data (catalogue.json).

A fix to a feed's slug or name is a change to the JSON file, not to code.
Entries not seen answering are marked ``confirmed: false``; AA can retire a
feed at any time, so a stale entry must only ever cost a per-feed error.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any


@dataclass(frozen=True)
class CatalogueFeed:
    """One AA feed: an edition (language) and a category slug."""

    lang: str
    slug: str
    name: str
    url: str
    confirmed: bool
    rtl: bool

    @property
    def ref(self) -> str:
        """How the CLI and OPML name it: ``aa:tr/ekonomi``."""
        return f"aa:{self.lang}/{self.slug}"


@cache
def _data() -> dict[str, Any]:
    text = resources.files(__package__).joinpath("catalogue.json").read_text(encoding="utf-8")
    return json.loads(text)


@cache
def _feeds() -> tuple[CatalogueFeed, ...]:
    data = _data()
    return tuple(
        CatalogueFeed(
            lang=lang,
            slug=feed["slug"],
            name=feed["name"],
            url=data["url"].format(lang=lang, slug=feed["slug"]),
            confirmed=bool(feed["confirmed"]),
            rtl=bool(edition["rtl"]),
        )
        for lang, edition in data["languages"].items()
        for feed in edition["feeds"]
    )


def languages() -> list[str]:
    """The AA editions' language codes, in catalogue order."""
    return list(_data()["languages"])


def catalogue(lang: str | None = None) -> list[CatalogueFeed]:
    """Every catalogue feed, or one edition's; [] for a language AA has no edition in."""
    if lang is None:
        return list(_feeds())
    lang = lang.strip().lower()
    return [feed for feed in _feeds() if feed.lang == lang]


def lookup(spec: str) -> CatalogueFeed:
    """The feed named ``aa:tr/ekonomi`` or ``tr/ekonomi``; ValueError saying what exists."""
    text = spec.strip()
    if text.lower().startswith("aa:"):
        text = text[3:]
    lang, _, slug = text.strip().partition("/")
    lang, slug = lang.strip().lower(), slug.strip().lower()
    feeds = catalogue(lang)
    if not feeds:
        raise ValueError(f"no AA edition {lang!r} in {spec!r}; languages: {', '.join(languages())}")
    for feed in feeds:
        if feed.slug == slug:
            return feed
    slugs = ", ".join(feed.slug for feed in feeds)
    raise ValueError(f"no AA feed {lang}/{slug or '?'}; {lang} has: {slugs}")


def language_name(lang: str) -> str:
    """An edition's name in its own language ("Türkçe", "العربية"); the code if unknown."""
    edition = _data()["languages"].get(lang.strip().lower())
    return str(edition["name"]) if edition else lang


def is_rtl(lang: str | None) -> bool:
    """True for editions written right to left (Arabic, Persian)."""
    edition = _data()["languages"].get((lang or "").strip().lower())
    return bool(edition and edition["rtl"])
