"""Our own hostile and broken feeds (tests/fixtures/feeds): parsed safely or refused cleanly.

Whatever a feed holds, what the parser returns must be safe on a terminal and may
only link to http(s); whatever is stored must be too. ../shared/corpus runs the same
checks over thousands more files (tests/test_corpus.py), when it is there.
"""

from __future__ import annotations

import gzip
from dataclasses import asdict
from pathlib import Path

import pytest
from safety import MAX_INFLATED, UNSAFE, inflate, parse_or_refuse, unsafe_parts
from sqlite_utils import Database

from store.feeds import add_feed
from store.ingest import store_feed
from store.model import ParsedFeed

FEEDS = Path(__file__).parent / "fixtures" / "feeds"
NAMES = sorted(path.name for path in FEEDS.glob("*.xml"))


def parsed(name: str) -> ParsedFeed:
    feed = parse_or_refuse((FEEDS / name).read_bytes())
    assert feed is not None, name
    return feed


def test_there_are_fixtures_of_every_kind() -> None:
    kinds = {name.split("_", 1)[0] for name in NAMES}
    assert kinds >= {"esc", "markup", "link", "html", "xml", "enc", "id", "date", "size"}


@pytest.mark.parametrize("name", NAMES)
def test_every_fixture_parses_safely_or_is_refused_and_stores_safely(
    name: str, db: Database
) -> None:
    feed = parse_or_refuse((FEEDS / name).read_bytes())
    if feed is None:
        return
    assert unsafe_parts(feed) == []
    stored = add_feed(db, "https://example.test/feed.xml")
    result = store_feed(db, stored.id, feed)
    assert result.new + result.updated + result.seen <= len(feed.entries)
    for row in db.execute("SELECT title, summary, body, link, dateline, category FROM items"):
        assert not any(UNSAFE.search(text or "") for text in row), row


@pytest.mark.parametrize(
    "name", ["enc_win1254_declared.xml", "enc_win1254_bytes_declared_utf8.xml"]
)
def test_windows_1254_turkish_reads_as_turkish(name: str) -> None:
    assert parsed(name).entries[0].title == "Türkçe başlık: ğış İŞ ıi"


def test_utf16_with_a_byte_order_mark_reads_as_turkish() -> None:
    assert parsed("enc_utf16le_bom.xml").entries[0].title == "Türkçe başlık: ğış İŞ ıi"


def test_billion_laughs_are_not_expanded() -> None:
    feed = parse_or_refuse((FEEDS / "xml_billion_laughs.xml").read_bytes())
    assert feed is None or all(
        len(entry.title) < 100 and "hahahaha" not in entry.title for entry in feed.entries
    )


@pytest.mark.parametrize("name", ["xml_xxe_general_entity.xml", "xml_xxe_parameter_entity.xml"])
def test_external_entities_read_no_local_file(name: str) -> None:
    feed = parse_or_refuse((FEEDS / name).read_bytes())
    text = repr(asdict(feed)) if feed else ""
    assert "root:" not in text and "/bin/" not in text and "nologin" not in text


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("markup_legit_brackets.xml", "[UPDATE] Budget [2026] talks [LIVE]"),
        ("markup_rich_link.xml", "[link=https://evil.test/phish]Your bank[/link]"),
        ("markup_unbalanced_close.xml", "list[1] then [/] and [/i] closes"),
        (
            "markup_textual_variables.xml",
            "$accent [bold $error]not styled[/] [@click=app.quit]quit[/]",
        ),
    ],
)
def test_markup_in_titles_is_kept_as_literal_text(name: str, title: str) -> None:
    assert parsed(name).entries[0].title == title


def test_dangerous_link_schemes_are_dropped() -> None:
    feed = parsed("link_dangerous_schemes.xml")
    assert [entry.title for entry in feed.entries] == ["js", "file", "data", "rel"]
    links = [entry.link for entry in feed.entries]
    assert links[:3] == [None, None, None]
    assert links[3] is None or links[3].startswith("https://example.test/")


@pytest.mark.parametrize(
    "name",
    [
        "esc_osc52_clipboard_charref.xml",
        "esc_osc0_window_title_charref.xml",
        "esc_osc8_hyperlink_charref.xml",
        "esc_csi_clear_screen_charref.xml",
        "esc_full_reset_charref.xml",
        "esc_c1_csi_charref.xml",
        "esc_charref_in_html_lead.xml",
        "enc_raw_esc_byte.xml",
    ],
)
def test_escape_sequences_lose_their_escape(name: str) -> None:
    feed = parse_or_refuse((FEEDS / name).read_bytes())
    assert feed is not None or name.startswith("enc_")  # a raw ESC byte may be refused
    for entry in feed.entries if feed else []:
        assert not UNSAFE.search(entry.title + entry.summary)


def test_escapes_as_character_references_in_an_html_lead_lose_their_escape() -> None:
    # The lead is HTML: libxml2 decodes &#27; into its tree. The feed was refused whole.
    feed = parsed("esc_charref_in_html_lead.xml")
    assert [entry.summary for entry in feed.entries] == [
        "Lead red text\n\nsecond paragraph",
        "kept too",
    ]


def test_a_hyperlink_escape_leaves_its_visible_words() -> None:
    assert "Your bank" in parsed("esc_osc8_hyperlink_charref.xml").entries[0].title


def test_bidi_overrides_leave_titles() -> None:
    entry = parsed("esc_bidi_override.xml").entries[0]
    assert "\u202e" not in entry.title and entry.title.startswith("Invoice")


def test_active_html_is_dropped_and_its_text_kept() -> None:
    summary = parsed("html_script_in_description.xml").entries[0].summary
    assert "Kept text" in summary and "alert" not in summary and "<" not in summary


@pytest.mark.parametrize(
    "name", ["xml_empty.xml", "xml_html_error_page.xml", "xml_json_not_xml.xml"]
)
def test_what_is_not_a_feed_is_refused_in_one_line(name: str) -> None:
    feed = parse_or_refuse((FEEDS / name).read_bytes())
    assert feed is None or feed.entries == []


def test_a_gzip_bomb_is_capped(tmp_path: Path) -> None:
    bomb = gzip.compress(b"<rss><channel><title>" + b"A" * (10 * 1024 * 1024))
    assert len(bomb) < 64 * 1024
    data = inflate(bomb, "bomb.xml.gz")
    assert len(data) == MAX_INFLATED
    feed = parse_or_refuse(data)
    assert feed is None or len(feed.title) <= MAX_INFLATED
