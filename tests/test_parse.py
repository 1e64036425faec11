"""Feed bytes become stories: AA's shape, identity, dates, images, and the two parsers agreeing."""

from __future__ import annotations

import pickle
import re
import subprocess
import sys
import urllib.request
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict
from datetime import UTC, datetime, timedelta, timezone
from multiprocessing import get_context
from pathlib import Path

import pytest
from feedgen import write_feeds
from pytest_httpserver import HTTPServer

from store.parsing.feed import FeedParseError, parse_feed
from store.parsing.slow import BrokenFeed

ISTANBUL = timezone(timedelta(hours=3))

AA_FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel>
<title>Anadolu Ajansı - Güncel</title>
<link>https://www.aa.com.tr/tr/rss/default?cat=guncel</link>
<description>AA</description>
<language>tr-TR</language>
<item>
<guid isPermaLink="false">3501234</guid>
<link>https://www.aa.com.tr/tr/guncel/istanbulda-deprem-tatbikati/3501234</link>
<title>GÜNCELLEME 2 - İstanbul'da deprem tatbikatı</title>
<description>İstanbul'da 5 bin kişinin katıldığı tatbikat yapıldı.

</description>
<pubDate>Tue, 05 Mar 2024 14:30:00 +0300</pubDate>
<image>https://cdnuploads.aa.com.tr/uploads/Contents/2024/03/05/thumbs_b_c_abc.jpg?v=143000</image>
</item>
<item>
<guid isPermaLink="false">3501200</guid>
<link>https://www.aa.com.tr/tr/dunya/gazze/3501200</link>
<title>SON DAKİKA - Gazze'de ateşkes</title>
<description>Ateşkes yürürlüğe girdi.</description>
<pubDate>Tue, 05 Mar 2024 13:05:00 +0300</pubDate>
<image>https://cdnuploads.aa.com.tr/uploads/Contents/2024/03/05/thumbs_b_c_def.jpg</image>
</item>
</channel></rss>
"""


def rss(items: str, channel: str = "") -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:media="http://search.yahoo.com/mrss/"><channel><title>T</title>'
        f"<link>https://example.org/</link>{channel}{items}</channel></rss>"
    ).encode()


def atom(entries: str, lang: str = "") -> bytes:
    return (
        f'<feed xmlns="http://www.w3.org/2005/Atom"{lang}><title>A</title>'
        f'<link href="https://example.org/"/><id>urn:feed</id>{entries}</feed>'
    ).encode()


def test_aa_feed_gives_ids_flags_offsets_images_and_leads() -> None:
    feed = parse_feed(AA_FEED.encode(), url="https://www.aa.com.tr/tr/rss/default?cat=guncel")
    first, second = feed.entries
    assert feed.lang == "tr" and first.lang == "tr"
    assert first.key == "aa:3501234" and first.guid == "3501234"
    assert first.title == "İstanbul'da deprem tatbikatı"
    assert first.flags == ["update"]
    assert second.title == "Gazze'de ateşkes" and second.flags == ["breaking"]
    assert first.summary == "İstanbul'da 5 bin kişinin katıldığı tatbikat yapıldı."
    assert first.published == datetime(2024, 3, 5, 14, 30, tzinfo=ISTANBUL)
    assert first.published.utcoffset() == timedelta(hours=3)
    assert first.updated is None  # RSS has no update stamp; never the publication date
    assert first.image is not None and "thumbs_b_c_abc.jpg?v=143000" in first.image
    assert first.link == "https://www.aa.com.tr/tr/guncel/istanbulda-deprem-tatbikati/3501234"


def test_same_story_from_two_category_feeds_has_one_key() -> None:
    one = parse_feed(AA_FEED.encode(), url="https://www.aa.com.tr/tr/rss/default?cat=guncel")
    other = AA_FEED.replace("/tr/guncel/istanbulda", "/tr/turkiye/istanbulda").replace(
        "cat=guncel", "cat=turkiye"
    )
    two = parse_feed(other.encode(), url="https://www.aa.com.tr/tr/rss/default?cat=turkiye")
    assert one.entries[0].key == two.entries[0].key == "aa:3501234"
    assert one.entries[0].link != two.entries[0].link


def test_a_numeric_guid_on_an_aa_feed_is_the_story_id_without_a_link() -> None:
    data = rss('<item><guid isPermaLink="false">42</guid><title>x</title></item>')
    assert parse_feed(data, url="https://www.aa.com.tr/en/rss/default?cat=live").entries[0].key == (
        "aa:42"
    )
    assert parse_feed(data, url="https://example.org/feed").entries[0].key == "guid:42"


@pytest.mark.parametrize(
    ("item", "key"),
    [
        ("<guid>abc</guid><link>https://e.org/1</link>", "guid:abc"),
        ("<link>https://e.org/1</link>", "link:https://e.org/1"),
        ("<link>https://www.aa.com.tr/en/world/x/777</link>", "aa:777"),
    ],
)
def test_keys_fall_back_from_aa_id_to_guid_to_link(item: str, key: str) -> None:
    assert parse_feed(rss(f"<item><title>t</title>{item}</item>")).entries[0].key == key


def test_items_without_guid_or_link_are_keyed_by_title_and_date() -> None:
    date = "<pubDate>Tue, 05 Mar 2024 14:30:00 +0300</pubDate>"
    feed = parse_feed(
        rss(f"<item><title>a</title>{date}</item><item><title>b</title>{date}</item>")
    )
    a, b = feed.entries
    assert a.key.startswith("hash:") and b.key.startswith("hash:") and a.key != b.key
    again = parse_feed(rss(f"<item><title>GÜNCELLEME - a</title>{date}</item>")).entries[0]
    assert again.key == a.key  # the update prefix is a flag, not part of the identity


@pytest.mark.parametrize(
    ("stamp", "expected"),
    [
        ("Tue, 05 Mar 2024 14:30:00 +0300", datetime(2024, 3, 5, 14, 30, tzinfo=ISTANBUL)),
        ("Tue, 05 Mar 2024 11:30:00 GMT", datetime(2024, 3, 5, 11, 30, tzinfo=UTC)),
        ("2024-03-05T14:30:00+03:00", datetime(2024, 3, 5, 14, 30, tzinfo=ISTANBUL)),
        ("2024-03-05T14:30:00", datetime(2024, 3, 5, 14, 30, tzinfo=UTC)),
        (
            "5 mar 2024 09:00:00 -0530",
            datetime(2024, 3, 5, 9, tzinfo=timezone(-timedelta(hours=5.5))),
        ),
        ("Tue, 05 Mar 2024 11:30:00 -0000", datetime(2024, 3, 5, 11, 30, tzinfo=UTC)),
        ("Tue, 05 Mar 0024 11:30:00 +0000", datetime(2024, 3, 5, 11, 30, tzinfo=UTC)),
        ("Mon, 30 Feb 2024 10:00:00 GMT", None),
        ("Fri, 30 Feb 2024 10:00:00 +0300", None),
        ("Mon, 01 Jan 2024 10:00:00 +2500", None),
        ("yesterday", None),
        ("Fri, 31 Dec 2999 23:59:59 GMT", None),
    ],
)
def test_publication_dates_keep_their_offset_and_garbage_is_none(
    stamp: str, expected: datetime | None
) -> None:
    entry = parse_feed(rss(f"<item><title>t</title><pubDate>{stamp}</pubDate></item>")).entries[0]
    assert entry.published == expected
    if expected is not None:
        assert entry.published is not None
        assert entry.published.utcoffset() == expected.utcoffset()


def test_atom_updated_is_an_update_only_when_it_differs_from_published() -> None:
    feed = parse_feed(
        atom(
            "<entry><id>urn:1</id><title>a</title><published>2024-03-05T10:00:00+03:00</published>"
            "<updated>2024-03-05T12:00:00+03:00</updated></entry>"
            "<entry><id>urn:2</id><title>b</title><published>2024-03-05T10:00:00+03:00</published>"
            "<updated>2024-03-05T10:00:00+03:00</updated></entry>"
            "<entry><id>urn:3</id><title>c</title><updated>2024-03-05T09:00:00Z</updated></entry>"
        )
    )
    changed, same, only_updated = feed.entries
    assert changed.updated == datetime(2024, 3, 5, 12, tzinfo=ISTANBUL)
    assert same.updated is None
    assert only_updated.published == datetime(2024, 3, 5, 9, tzinfo=UTC)
    assert only_updated.updated is None


def test_html_becomes_text_and_content_goes_to_the_body() -> None:
    entry = parse_feed(
        rss(
            "<item><title>A &amp;amp; B &lt;b&gt;bold&lt;/b&gt;</title>"
            "<description>&lt;p&gt;Lead &lt;a href='x'&gt;here&lt;/a&gt;&lt;/p&gt;</description>"
            "<content:encoded><![CDATA[<p>Para one.</p><p>Para two.</p>]]></content:encoded>"
            "</item>"
        )
    ).entries[0]
    assert entry.title == "A & B bold"
    assert entry.summary == "Lead here"
    assert entry.body == "Para one.\n\nPara two."


def test_images_come_from_aa_image_then_media_then_enclosure_http_only() -> None:
    items = (
        "<item><title>1</title><image>javascript:alert(1)</image>"
        '<media:thumbnail url="https://img.test/thumb.jpg"/></item>'
        '<item><title>2</title><media:content url="https://img.test/c.jpg" medium="image"/>'
        '<enclosure url="https://img.test/e.jpg" type="image/jpeg" length="1"/></item>'
        '<item><title>3</title><enclosure url="https://img.test/e.mp3" type="audio/mpeg"/>'
        '<enclosure url="https://img.test/e.png" type="image/png"/></item>'
    )
    images = [e.image for e in parse_feed(rss(items)).entries]
    assert images == [
        "https://img.test/thumb.jpg",
        "https://img.test/c.jpg",
        "https://img.test/e.png",
    ]


def test_relative_links_resolve_against_the_feed_url_and_other_schemes_are_dropped() -> None:
    items = (
        "<item><title>a</title><link>/news/1</link></item>"
        "<item><title>b</title><link>javascript:alert(1)</link></item>"
        "<item><title>c</title><link>file:///etc/passwd</link></item>"
    )
    links = [e.link for e in parse_feed(rss(items), url="https://e.org/rss").entries]
    assert links == ["https://e.org/news/1", None, None]


def test_language_comes_from_the_feed_else_from_the_caller() -> None:
    assert parse_feed(atom("", ' xml:lang="fr-FR"')).lang == "fr"
    assert parse_feed(rss("<item><title>t</title></item>"), lang="AR").entries[0].lang == "ar"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"  \n", "empty"),
        (b"<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>", "HTML"),
        (b'{"items": []}', "JSON"),
        (b'<?xml version="1.0"?><note>hi</note>', "no channel"),
        (b'<rss version="2.0"></rss>', "channel"),
    ],
)
def test_what_is_not_a_feed_raises_with_a_reason(data: bytes, reason: str) -> None:
    with pytest.raises(FeedParseError, match=reason):
        parse_feed(data)


def test_a_broken_feed_gives_what_it_could_read_and_says_why() -> None:
    feed = parse_feed(rss("<item><title>Tom & Jerry</title><guid>1</guid></item>"))
    assert [e.title for e in feed.entries] == ["Tom & Jerry"]
    assert feed.parser == "feedparser" and feed.problem.startswith("broken XML at line 2, ")
    assert feed.error is None  # read whole: nothing lost, the feed is not marked
    # cut off after its first story: that one read, the feed marked (its XML ends early)
    whole = rss("<item><title>One</title><guid>1</guid></item><item><title>Two</title>")
    cut = parse_feed(whole[: whole.index(b"Two") + 2])
    assert [e.title for e in cut.entries] == ["One"]
    assert cut.error is not None and "broken XML at line 2, " in cut.error


def test_broken_xml_with_no_story_to_read_is_a_failure_that_says_where() -> None:
    with pytest.raises(BrokenFeed, match=r"^broken XML at line 1, column \d+: .*no story could"):
        parse_feed(b"<rss><channel><title>Garbage</title><item><title>x</ti")
    # the same with a byte order mark: the lines are the document's own
    with pytest.raises(BrokenFeed, match=r"^broken XML at line 2, "):
        parse_feed(b"\xef\xbb\xbf<?xml version='1.0'?>\n<rss><channel><item><title>x</ti")


def test_aa_image_is_read_on_the_feedparser_path_too() -> None:
    broken = AA_FEED.replace("<description>AA</description>", "<description>A & A</description>")
    feed = parse_feed(broken.encode())
    assert feed.parser == "feedparser"
    assert [e.image for e in feed.entries] == [
        e.image for e in parse_feed(AA_FEED.encode()).entries
    ]
    assert feed.entries[0].image and "thumbs_b_c_abc.jpg" in feed.entries[0].image


def test_well_formed_aa_feeds_take_the_fast_path() -> None:
    assert parse_feed(AA_FEED.encode()).parser == "lxml"


@pytest.fixture
def recorder(httpserver: HTTPServer) -> str:
    """A server on 127.0.0.1 that answers anything with an entity a leak would show."""
    httpserver.expect_request(re.compile(".*")).respond_with_data('<!ENTITY leak "LEAKED">')
    return httpserver.url_for("").rstrip("/")


def hits(httpserver: HTTPServer) -> list[str]:
    return [request.path for request, _ in httpserver.log]


@pytest.mark.parametrize(
    "doctype",
    [
        '<!DOCTYPE rss SYSTEM "{base}/evil.dtd">',
        '<!DOCTYPE rss [<!ENTITY leak SYSTEM "{base}/leak">]>',
        '<!DOCTYPE rss [<!ENTITY % p SYSTEM "{base}/param.dtd"> %p;]>',
    ],
)
def test_no_dtd_or_external_entity_is_ever_fetched(
    recorder: str, httpserver: HTTPServer, doctype: str
) -> None:
    data = (
        '<?xml version="1.0"?>' + doctype.format(base=recorder) + '<rss version="2.0"><channel>'
        "<title>T</title><item><title>a&leak;b</title><guid>1</guid></item></channel></rss>"
    ).encode()
    try:
        feed = parse_feed(data)
    except FeedParseError:
        feed = None
    assert hits(httpserver) == []
    assert feed is None or all("LEAKED" not in e.title for e in feed.entries)
    with urllib.request.urlopen(recorder + "/probe", timeout=5):  # the recorder does record
        pass
    assert hits(httpserver) == ["/probe"]


def _generated(tmp_path: Path, fmt: str) -> list[Path]:
    return write_feeds(tmp_path / fmt, feeds=4, items=25, seed=7, fmt=fmt)


WELLFORMED = [
    "feedparser-tests/wellformed/rss",
    "feedparser-tests/wellformed/atom10",
    "feedparser-tests/wellformed/sanitize",
    "feedvalidator-testcases/rss20",
    "feedvalidator-testcases/atom",
]


def _same_entries_both_ways(files: list[Path]) -> int:
    """Parse each file by both paths; the entries must agree. How many took the fast path."""
    compared = 0
    for path in files:
        data = path.read_bytes()
        try:
            fast = parse_feed(data, url="https://www.aa.com.tr/tr/rss/default?cat=guncel")
        except FeedParseError:
            continue
        if fast.parser != "lxml":
            continue
        slow = parse_feed(data, url="https://www.aa.com.tr/tr/rss/default?cat=guncel", fast=False)
        assert slow.parser == "feedparser"
        assert asdict(fast)["entries"] == asdict(slow)["entries"], path.name
        assert (fast.title, fast.link, fast.lang) == (slow.title, slow.link, slow.lang), path.name
        compared += 1
    return compared


def test_fast_and_feedparser_paths_give_the_same_entries_on_our_feeds(tmp_path: Path) -> None:
    files = _generated(tmp_path, "rss") + _generated(tmp_path, "atom")
    (tmp_path / "aa.xml").write_text(AA_FEED, encoding="utf-8")
    files.append(tmp_path / "aa.xml")
    files += sorted((Path(__file__).parent / "fixtures" / "feeds").glob("*.xml"))
    assert _same_entries_both_ways(files) >= 9


def test_fast_and_feedparser_paths_give_the_same_entries_on_the_corpus(shared_dir: Path) -> None:
    files = [
        p for folder in WELLFORMED for p in sorted((shared_dir / "corpus" / folder).rglob("*.xml"))
    ]
    assert _same_entries_both_ways(files) > 500  # the fast path must take most well-formed feeds


def test_generated_aa_feeds_parse_fully(tmp_path: Path) -> None:
    feed = parse_feed(_generated(tmp_path, "rss")[0].read_bytes())
    assert feed.parser == "lxml" and len(feed.entries) == 25
    assert all(e.key.startswith("aa:") for e in feed.entries)
    assert all(e.published and e.published.utcoffset() == timedelta(hours=3) for e in feed.entries)
    assert sum(1 for e in feed.entries if e.image) > 10
    assert all("<" not in e.summary for e in feed.entries)


def test_parsing_runs_in_a_process_pool() -> None:
    # Spawned: a fork would copy the locks of this process's other threads (xdist's).
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        feed = pool.submit(parse_feed, AA_FEED.encode()).result(timeout=60)
    assert feed.entries[0].key == "aa:3501234"
    assert pickle.loads(pickle.dumps(feed)) == feed


def _cut(document: bytes, inside: bytes, keep: int) -> bytes:
    return document[: document.index(inside) + keep]


@pytest.mark.parametrize(
    ("inside", "keep", "titles"),
    [
        ("Gazze'de ateşkes".encode(), 5, ["İstanbul'da deprem tatbikatı"]),  # in a title
        (b'"false">3501200', 10, ["İstanbul'da deprem tatbikatı"]),  # in a guid
        (b"</item>\n</channel>", 4, ["İstanbul'da deprem tatbikatı"]),  # in the end tag
        (b"</channel>", 5, ["İstanbul'da deprem tatbikatı", "Gazze'de ateşkes"]),
    ],
    ids=["title", "guid", "end-tag", "after-the-last-item"],
)
def test_a_cut_off_download_leaves_out_the_story_it_ends_inside(
    inside: bytes, keep: int, titles: list[str]
) -> None:
    data = _cut(AA_FEED.encode(), inside, keep)
    feed = parse_feed(data, url="https://www.aa.com.tr/tr/rss/default?cat=guncel")
    assert [entry.title for entry in feed.entries] == titles
    assert all(entry.key.startswith("aa:") and entry.summary for entry in feed.entries)
    assert feed.problem


def test_a_cut_off_atom_document_leaves_out_its_last_entry() -> None:
    whole = atom(
        "<entry><id>urn:1</id><title>One</title><updated>2024-03-05T10:00:00Z</updated></entry>"
        "<entry><id>urn:2</id><title>Two, cut</title></entry>"
    )
    feed = parse_feed(_cut(whole, b"Two, cut", 3))
    assert [entry.title for entry in feed.entries] == ["One"]


def test_an_aa_story_without_a_feed_language_takes_its_links() -> None:
    no_language = AA_FEED.replace("<language>tr-TR</language>", "")
    feed = parse_feed(no_language.encode(), url="https://www.aa.com.tr/tr/rss/default?cat=guncel")
    assert [entry.lang for entry in feed.entries] == ["tr", "tr"]
    english = no_language.replace("/tr/guncel/", "/en/turkiye/").replace("/tr/dunya/", "/ar/")
    feed = parse_feed(english.encode(), url="https://example.org/mirror.xml")
    assert [entry.lang for entry in feed.entries] == ["en", "ar"]
    # The feed's language or the caller's still comes first; other sites' links say nothing.
    assert parse_feed(no_language.encode(), lang="fr").entries[0].lang == "fr"
    other = rss("<item><title>t</title><link>https://example.org/tr/x/1</link></item>")
    assert parse_feed(other).entries[0].lang is None


def test_a_well_formed_feed_is_read_without_loading_feedparser() -> None:
    """feedparser (and chardet's tables) load only for a document the fast path declines."""
    code = (
        "import sys\n"
        "from store.parsing.feed import parse_feed\n"
        f"feed = parse_feed({AA_FEED.encode()!r}, url='https://www.aa.com.tr/tr/rss/x')\n"
        "assert feed.parser == 'lxml', feed.parser\n"
        "print('feedparser' in sys.modules)\n"
        'parse_feed(b\'<rss version="2.0"><channel><title>T</title><item><title>A &amp; B'
        "<b>x</b></title></item><item><title>2</title></item></channel></rss>')\n"
        "print('feedparser' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["False", "True"]


def test_c1_controls_become_the_windows_1252_letters_feedparser_gives() -> None:
    from feedparser.html import _cp1252

    from store.parsing.fast import _CP1252

    assert _CP1252 == _cp1252
    rss = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T</title>'
        "<item><guid>g1</guid><title>Fiyat \u0080 5 \u0093tamam\u0094</title></item>"
        "</channel></rss>"
    ).encode()
    fast, slow = parse_feed(rss), parse_feed(rss, fast=False)
    assert fast.parser == "lxml" and slow.parser == "feedparser"
    assert fast.entries[0].title == slow.entries[0].title == "Fiyat € 5 “tamam”"


@pytest.mark.parametrize(
    ("name", "categories"),
    [
        ("cat_rss_categories.xml", ["Economy", "Politics", None, "Spor & Sağlık", "Culture"]),
        ("cat_atom_terms.xml", ["economy", "world"]),
    ],
)
def test_an_items_first_category_is_its_category_on_both_paths(
    name: str, categories: list[str | None]
) -> None:
    data = (Path(__file__).parent / "fixtures" / "feeds" / name).read_bytes()
    fast, slow = parse_feed(data), parse_feed(data, fast=False)
    assert (fast.parser, slow.parser) == ("lxml", "feedparser")
    assert [e.category for e in fast.entries] == [e.category for e in slow.entries] == categories


def test_a_media_category_is_left_to_feedparser_which_counts_it_as_a_category() -> None:
    data = rss("<item><guid>m1</guid><title>T</title><media:category>Sport</media:category></item>")
    fast, slow = parse_feed(data), parse_feed(data, fast=False)
    assert fast.parser == "feedparser"
    assert fast.entries[0].category == slow.entries[0].category == "Sport"


def test_an_aa_item_without_a_category_leaves_it_to_its_feed_and_page() -> None:
    assert [e.category for e in parse_feed(AA_FEED.encode()).entries] == [None, None]
