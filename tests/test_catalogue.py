"""The AA catalogue: every edition and category, named in its own language."""

from __future__ import annotations

import re

import pytest

from store.aa.catalogue import catalogue, is_rtl, language_name, lookup

EDITIONS = "en tr ar ru fr ba kk ks sq fa mk id es".split()
AA_MD_SLUGS = {
    "tr": "guncel turkiye dunya ekonomi spor saglik yasam bilim-teknoloji kultur egitim politika",
    "en": "guncel live world turkey economy sports africa middle-east energy",
    "fr": "guncel actualite afrique live",
    "ar": "guncel live",
    "ru": "guncel live",
    "es": "guncel",
}


def test_every_edition_has_a_guncel_feed_and_a_native_name() -> None:
    for lang in EDITIONS:
        slugs = {feed.slug for feed in catalogue(lang)}
        assert "guncel" in slugs, lang
        assert language_name(lang) != lang
    assert language_name("tr") == "Türkçe"
    assert language_name("ar") == "العربية"
    assert language_name("fr") == "Français"
    assert language_name("ru") == "Русский"
    assert language_name("xx") == "xx"


def test_every_category_in_aa_md_is_there() -> None:
    for lang, slugs in AA_MD_SLUGS.items():
        assert set(slugs.split()) <= {feed.slug for feed in catalogue(lang)}, lang


def test_names_are_in_the_editions_language() -> None:
    assert lookup("aa:tr/ekonomi").name == "Ekonomi"
    assert lookup("tr/saglik").name == "Sağlık"
    assert lookup("fr/afrique").name == "Afrique"
    assert lookup("ar/guncel").name == "آخر الأخبار"
    assert lookup("ru/live").name == "Прямой эфир"
    assert re.search("[\u0600-\u06ff]", lookup("fa/guncel").name)


def test_urls_follow_aa_pattern_and_rtl_and_confirmation_are_marked() -> None:
    feed = lookup("aa:TR/Ekonomi")
    assert feed.url == "https://www.aa.com.tr/tr/rss/default?cat=ekonomi"
    assert feed.ref == "aa:tr/ekonomi"
    assert lookup("aa:ar/live").rtl and lookup("fa/guncel").rtl and is_rtl("ar")
    assert not lookup("tr/guncel").rtl and not is_rtl("tr")
    assert lookup("tr/guncel").confirmed
    assert not lookup("mk/guncel").confirmed
    assert len({f.url for f in catalogue()}) == len(catalogue())


def test_unknown_feeds_say_what_exists() -> None:
    with pytest.raises(ValueError, match="guncel, turkiye") as error:
        lookup("aa:tr/nope")
    assert "ekonomi" in str(error.value)
    with pytest.raises(ValueError, match="languages: .*tr"):
        lookup("zz/guncel")
    with pytest.raises(ValueError):
        lookup("tr")
    assert catalogue("zz") == []
