"""Subscription lists: OPML and newsboat's urls file in, OPML out."""

from __future__ import annotations

import pytest
from sqlite_utils import Database

from store.feeds import add_feed, list_feeds
from store.interchange.opml import (
    SubscriptionListError,
    export_opml,
    import_subscriptions,
    parse_urls,
    read_subscriptions,
)
from store.text import clean_line
from tui.wording import describe_import

NESTED_OPML = """<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>mine</title></head>
  <body>
    <outline text="Haber">
      <outline text="Dünya">
        <outline text="Le Monde" type="rss" xmlUrl="https://www.lemonde.fr/rss/une.xml"
                 htmlUrl="https://www.lemonde.fr/" category="/fr/presse,quotidien"/>
      </outline>
      <outline title="AA" xmlUrl="https://www.aa.com.tr/tr/rss/default?cat=ekonomi"/>
    </outline>
    <outline text="top" xmlUrl="http://top.test/feed.xml"/>
    <outline text="local file" xmlUrl="file:///etc/passwd"/>
  </body>
</opml>
"""


def test_nested_outlines_become_folders_and_category_tags() -> None:
    found = read_subscriptions(NESTED_OPML.encode())
    assert found.format == "opml"
    by_url = {sub.url: sub for sub in found.subscriptions}
    monde = by_url["https://www.lemonde.fr/rss/une.xml"]
    assert monde.title == "Le Monde"
    assert monde.folder == "Haber/Dünya"
    assert monde.tags == ["fr", "presse", "quotidien"]
    assert monde.site_url == "https://www.lemonde.fr/"
    aa = by_url["https://www.aa.com.tr/tr/rss/default?cat=ekonomi"]
    assert (aa.folder, aa.tags) == ("Haber", [])
    top = by_url["http://top.test/feed.xml"]
    assert (top.folder, top.tags) == ("", [])
    assert found.skipped == [("file:///etc/passwd", "not http(s)")]


def test_import_names_aa_feeds_from_the_catalogue(db: Database) -> None:
    result = import_subscriptions(db, read_subscriptions(NESTED_OPML))
    assert len(result.added) == 3 and result.existing == 0 and len(result.skipped) == 1
    aa = next(f for f in list_feeds(db) if "aa.com.tr" in f.url)
    assert aa.title == "AA" and (aa.lang, aa.category, aa.source) == ("tr", "ekonomi", "aa")
    again = import_subscriptions(db, read_subscriptions(NESTED_OPML))
    assert again.added == [] and again.existing == 3
    assert describe_import(again) == "0 feeds added, 3 already there, 1 skipped (1 not http(s))"


def test_aa_url_without_title_gets_the_catalogue_name(db: Database) -> None:
    import_subscriptions(db, parse_urls("https://www.aa.com.tr/fr/rss/default?cat=afrique\n"))
    (feed,) = list_feeds(db)
    assert feed.title == "AA Français · Afrique"


def test_opml_round_trip_keeps_feeds_titles_and_tags(db: Database, tmp_path) -> None:
    from store.db import open_db

    add_feed(
        db, "https://a.test/rss?x=1&y=2", title='Quotes "and" <angles>', tags=["tech", "Gazze"]
    )
    add_feed(db, "https://www.aa.com.tr/ar/rss/default?cat=guncel", title="الأناضول", tags=["ar"])
    add_feed(db, "http://plain.test/feed")
    text = export_opml(db)
    fresh = open_db(tmp_path / "fresh.db")
    result = import_subscriptions(fresh, read_subscriptions(text))
    assert len(result.added) == 3

    def shape(database: Database) -> set[tuple[str, str, tuple[str, ...]]]:
        return {(f.url, f.title, tuple(f.tags)) for f in list_feeds(database)}

    assert shape(fresh) == shape(db)


def test_folders_round_trip_through_opml(db: Database, tmp_path) -> None:
    from store.db import open_db

    import_subscriptions(db, read_subscriptions(NESTED_OPML))
    add_feed(db, "https://b.test/rss", folder="Haber")
    add_feed(db, "https://c.test/rss", folder=" Spor /  Futbol\x1b ")
    text = export_opml(db)
    assert text.count('<outline text="Haber">') == 1  # one folder, not one per feed
    fresh = open_db(tmp_path / "fresh.db")
    import_subscriptions(fresh, read_subscriptions(text))

    def folders(database: Database) -> dict[str, str]:
        return {f.url: f.folder for f in list_feeds(database)}

    assert folders(fresh) == folders(db)
    assert folders(fresh)["https://c.test/rss"] == "Spor/Futbol"
    assert folders(fresh)["https://www.lemonde.fr/rss/une.xml"] == "Haber/Dünya"
    assert folders(fresh)["http://top.test/feed.xml"] == ""


@pytest.mark.parametrize(
    "data",
    [
        b"<opml><body><outline text='x'",  # cut off
        b"<rss version='2.0'><channel/></rss>",  # not OPML
        b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<opml><body><outline text="&x;" xmlUrl="http://a.test/"/></body></opml>',
    ],
)
def test_unreadable_opml_is_an_error_not_a_crash(data: bytes) -> None:
    with pytest.raises(SubscriptionListError):
        read_subscriptions(data)


def test_entity_bombs_are_refused() -> None:
    entities = '<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {c} "{("&" + p + ";") * 10}">' for p, c in zip("abcdefg", "bcdefgh", strict=True)
    )
    data = (
        f'<?xml version="1.0"?><!DOCTYPE opml [{entities}]>'
        '<opml><body><outline text="&h;" xmlUrl="http://a.test/"/></body></opml>'
    )
    with pytest.raises(SubscriptionListError):
        read_subscriptions(data.encode())


URLS = """# my feeds
http://one.test/rss tech news

  https://two.test/atom.xml "world news" "~Two, the feed" !hidden
https://three.test/feed "quoted \\"tag\\"" plain # a trailing comment
query:Unread Articles:unread = "yes"
"query:Starred:flags # \\"s\\""
exec:~/bin/feed.sh
file:///etc/passwd
ftp://old.test/feed
https://four.test/x tech tech Tech
http://ctl.test/\x1b[2Jfeed "~\x1b]52;c;Zm9v\x07Evil"
"""


def test_newsboat_urls_file() -> None:
    found = read_subscriptions(URLS.encode())
    assert found.format == "urls"
    subs = {sub.url: sub for sub in found.subscriptions}
    assert list(subs) == [
        "http://one.test/rss",
        "https://two.test/atom.xml",
        "https://three.test/feed",
        "https://four.test/x",
        "http://ctl.test/feed",
    ]
    assert subs["http://one.test/rss"].tags == ["tech", "news"]
    assert subs["https://two.test/atom.xml"].title == "Two, the feed"
    assert subs["https://two.test/atom.xml"].tags == ["world news"]
    assert subs["https://three.test/feed"].tags == ['quoted "tag"', "plain"]
    assert subs["https://four.test/x"].tags == ["tech"]
    evil = subs["http://ctl.test/feed"].title
    assert "\x1b" not in evil and "\x07" not in evil and evil == clean_line(evil)
    reasons = [why for _line, why in found.skipped]
    assert reasons == [
        "query feeds",
        "query feeds",
        "exec/filter feeds",
        "not http(s)",
        "not http(s)",
    ]


def test_plain_list_of_urls_with_bom_and_crlf() -> None:
    data = "\ufeffhttp://a.test/1\r\nhttp://a.test/2\r\n\r\n".encode()
    found = read_subscriptions(data)
    assert [s.url for s in found.subscriptions] == ["http://a.test/1", "http://a.test/2"]


def test_an_import_naming_a_feed_with_a_capital_host_finds_it_subscribed(db: Database) -> None:
    add_feed(db, "https://www.aa.com.tr/tr/rss/default?cat=ekonomi", title="Mine")
    urls = "HTTPS://WWW.AA.COM.TR/tr/rss/default?cat=ekonomi\nHTTP://New.Example/Feed\n"
    result = import_subscriptions(db, parse_urls(urls))
    assert describe_import(result) == "1 feed added, 1 already there"
    assert [(f.url, f.title) for f in list_feeds(db)] == [
        ("https://www.aa.com.tr/tr/rss/default?cat=ekonomi", "Mine"),
        ("http://new.example/Feed", ""),
    ]
