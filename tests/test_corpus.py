"""Every broken, hostile and odd feed in ../shared/corpus: parsed safely or refused cleanly.

Whatever a feed holds, what the parser returns must be safe on a terminal (no
control characters, no escape sequences, no bidi overrides) and may only link
to http(s). The crafted feeds also go into a database.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import pytest
from safety import UNSAFE, inflate, parse_or_refuse, unsafe_parts
from sqlite_utils import Database

from store.feeds import add_feed
from store.ingest import store_feed
from store.model import ParsedFeed

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
FOLDERS = ("feedparser-tests", "feedvalidator-testcases", "crafted")
FILES = sorted(
    str(path.relative_to(CORPUS))
    for folder in FOLDERS
    for path in (CORPUS / folder).rglob("*")
    if path.is_file() and not path.name.startswith(("LICENSE", "README"))
)
# One case per folder (a per-file case costs more in pytest than the parse), except
# the crafted feeds, which are one case each and are also stored.
BATCHES: dict[str, list[str]] = {}
for _name in FILES:
    _folder = _name if _name.startswith("crafted/") else _name.rsplit("/", 1)[0]
    BATCHES.setdefault(_folder, []).append(_name)


def read(shared_dir: Path, name: str) -> bytes:
    """The file's bytes; .gz and .z inflated up to the cap."""
    return inflate((shared_dir / "corpus" / name).read_bytes(), name)


def parse(shared_dir: Path, name: str) -> ParsedFeed | None:
    return parse_or_refuse(read(shared_dir, name))


def test_corpus_is_there(shared_dir: Path) -> None:
    assert len(FILES) > 3000 and any(name.startswith("crafted/") for name in FILES)


# Without ../shared there is nothing to list: one case that asks for it, to skip (or fail in CI).
@pytest.mark.parametrize("folder", sorted(BATCHES) or ["corpus"])
def test_every_corpus_feed_parses_safely_or_is_refused(
    folder: str, shared_dir: Path, request: pytest.FixtureRequest
) -> None:
    problems = []
    for name in BATCHES[folder]:
        feed = parse(shared_dir, name)
        if feed is not None:
            problems += [f"{name}: {part}" for part in unsafe_parts(feed)]
    assert problems == []
    if folder.startswith("crafted/") and feed is not None:
        db: Database = request.getfixturevalue("db")
        stored = add_feed(db, "https://example.test/feed.xml")
        result = store_feed(db, stored.id, feed)
        assert result.new + result.updated + result.seen <= len(feed.entries)
        titles = [row[0] for row in db.execute("SELECT title FROM items")]
        assert all(not UNSAFE.search(title) for title in titles)


def crafted(shared_dir: Path, name: str) -> ParsedFeed:
    feed = parse(shared_dir, f"crafted/{name}")
    assert feed is not None, name
    return feed


@pytest.mark.parametrize("name", ["enc_win1254_declared.xml", "enc_win1254_declared_utf8.xml"])
def test_windows_1254_turkish_reads_as_turkish(shared_dir: Path, name: str) -> None:
    assert crafted(shared_dir, name).entries[0].title == "Türkçe başlık: ğış İŞ ıi"


@pytest.mark.parametrize(
    "name", ["xml_billion_laughs_oneline.xml", "xml_billion_laughs_multiline.xml"]
)
def test_billion_laughs_are_not_expanded(shared_dir: Path, name: str) -> None:
    feed = crafted(shared_dir, name)
    assert all(len(entry.title) < 100 and "lollol" not in entry.title for entry in feed.entries)


@pytest.mark.parametrize(
    "name",
    ["xml_xxe_general_entity.xml", "xml_xxe_parameter_entity.xml", "xml_external_dtd_http.xml"],
)
def test_external_entities_leak_no_local_file(shared_dir: Path, name: str) -> None:
    feed = crafted(shared_dir, name)
    text = repr(asdict(feed))
    assert "root:" not in text and "/bin/" not in text and "nologin" not in text


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("markup_legit_brackets.xml", "[TODO] Q3 plan [IMPORTANT] [2024] [PDF]"),
        ("markup_rich_link.xml", "[link=https://evil.test/phish]Your bank[/link]"),
        ("markup_unbalanced_close.xml", "array[0] and [/] closes [/b]"),
    ],
)
def test_markup_in_titles_is_kept_as_literal_text(shared_dir: Path, name: str, title: str) -> None:
    assert crafted(shared_dir, name).entries[0].title == title


def test_dangerous_link_schemes_are_dropped(shared_dir: Path) -> None:
    feed = crafted(shared_dir, "link_dangerous_schemes.xml")
    assert [entry.title for entry in feed.entries] == ["js", "file", "data", "rel"]
    links = [entry.link for entry in feed.entries]
    assert links[:3] == [None, None, None]
    assert links[3] is None or links[3].startswith("https://example.test/")


def test_escape_sequences_lose_their_escape(shared_dir: Path) -> None:
    feed = crafted(shared_dir, "esc_osc8_hyperlink_charref.xml")
    assert "\x1b" not in feed.entries[0].title and "Your bank" in feed.entries[0].title


def test_gzip_bomb_is_capped(shared_dir: Path) -> None:
    data = read(shared_dir, "crafted/gzip_bomb_10MiB.xml.gz")
    assert len(data) == 4 * 1024 * 1024
    feed = parse(shared_dir, "crafted/gzip_bomb_10MiB.xml.gz")
    assert feed is None or len(feed.title) <= 4 * 1024 * 1024
