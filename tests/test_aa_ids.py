"""AA story ids, thumbnails and title prefixes, as a reader meets them."""

from __future__ import annotations

import pytest

from store.aa.flags import split_flags
from store.aa.ids import aa_story_id, full_size_image, is_aa_url


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("GÜNCELLEME - Ankara'da toplantı", ("Ankara'da toplantı", ["update"])),
        ("GÜNCELLEME 2 - Ankara'da toplantı", ("Ankara'da toplantı", ["update"])),
        ("güncelleme 3 – Ankara", ("Ankara", ["update"])),
        ("UPDATE - Gaza talks", ("Gaza talks", ["update"])),
        ("UPDATE 2: Gaza talks", ("Gaza talks", ["update"])),
        ("SON DAKİKA - İstanbul'da deprem", ("İstanbul'da deprem", ["breaking"])),
        ("BREAKING — Quake", ("Quake", ["breaking"])),
        ("SON DAKİKA - GÜNCELLEME - Deprem", ("Deprem", ["breaking", "update"])),
        ("MISE À JOUR - Gaza", ("Gaza", ["update"])),
        ("Mıse À Jour : Gaza", ("Gaza", ["update"])),
        ("ACTUALISATION - Gaza", ("Gaza", ["update"])),
        ("ACTUALIZACIÓN - Gaza", ("Gaza", ["update"])),
        ("محدث - غزة", ("غزة", ["update"])),
        ("عاجل: غزة", ("غزة", ["breaking"])),
        ("ОБНОВЛЕНО - Москва", ("Москва", ["update"])),
        ("СРОЧНО - Москва", ("Москва", ["breaking"])),
    ],
)
def test_prefixes_become_flags(title: str, expected: tuple[str, list[str]]) -> None:
    assert split_flags(title) == expected


@pytest.mark.parametrize(
    "title",
    [
        "Ankara - Erdoğan konuştu",
        "Update your apps: a guide",  # no separator right after the word
        "GÜNCELLEME -",  # only a prefix: nothing else to show
        "Güncellemeler geldi",
        "",
    ],
)
def test_titles_without_a_prefix_stay_whole(title: str) -> None:
    assert split_flags(title) == (title, [])


@pytest.mark.parametrize(
    ("guid", "link", "feed_url", "expected"),
    [
        ("3501234", "https://www.aa.com.tr/tr/guncel/x/3501234", None, "3501234"),
        (None, "https://www.aa.com.tr/fr/monde/x/3501234", None, "3501234"),
        ("https://www.aa.com.tr/en/world/x/99/", None, None, "99"),
        ("77", None, "https://www.aa.com.tr/tr/rss/default?cat=guncel", "77"),
        ("77", None, "https://example.org/rss", None),
        ("abc", "https://www.aa.com.tr/tr/guncel/x/notanumber", None, None),
        ("5", "https://evil-aa.com.tr/x/5", None, None),
        ("5", "https://aa.com.tr.evil.test/x/5", None, None),
        (None, "javascript:alert(1)//aa.com.tr/5", None, None),
    ],
)
def test_story_ids_only_from_aa(
    guid: str | None, link: str | None, feed_url: str | None, expected: str | None
) -> None:
    assert aa_story_id(guid, link, feed_url=feed_url) == expected


def test_aa_urls() -> None:
    assert is_aa_url("https://www.aa.com.tr/tr/rss/default?cat=guncel")
    assert is_aa_url("http://aa.com.tr/")
    assert not is_aa_url("ftp://www.aa.com.tr/x")
    assert not is_aa_url("https://notaa.com.tr/")
    assert not is_aa_url("https://[::1/x")
    assert not is_aa_url("https://aa.com.tr@evil.test/5")
    assert not is_aa_url("https://aa.com.tr.evil.test/")
    assert is_aa_url("https://WWW.AA.COM.TR:443/tr?x=1")
    assert not is_aa_url(None)


def test_full_size_image_drops_only_the_thumbnail_marker() -> None:
    thumb = (
        "https://cdnuploads.aa.com.tr/uploads/Contents/2024/03/05/thumbs_b_c_abc123.jpg?v=143000"
    )
    assert full_size_image(thumb) == (
        "https://cdnuploads.aa.com.tr/uploads/Contents/2024/03/05/abc123.jpg?v=143000"
    )
    plain = "https://cdnuploads.aa.com.tr/uploads/Contents/2024/03/05/abc123.jpg"
    assert full_size_image(plain) == plain


def test_numeric_guid_on_a_feed_with_aa_path_is_an_aa_story() -> None:
    """A real AA feed served from elsewhere (a mirror, 127.0.0.1) keeps AA identity."""
    from store.aa.ids import aa_story_id

    feed = "http://127.0.0.1:8080/tr/rss/default?cat=guncel"
    assert aa_story_id("3212345", "http://127.0.0.1:8080/tr/gundem/x/3212345", feed_url=feed) == (
        "3212345"
    )
    assert (
        aa_story_id("3212345", "http://blog.test/p/3212345", feed_url="http://blog.test/rss")
        is None
    )
