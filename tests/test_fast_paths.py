"""The parse's shortcuts give exactly what the general way gives.

A lead's text is read without its HTML tree when it is simple (known tags, known
entities), clean_text has a path for plain lines, the fast feed path finds whole
HTML documents without a regex per tag, and a document's stamps are judged
against one reading of the clock. Each is compared here with the general way.
"""

from __future__ import annotations

import html.entities
import re
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from store import clock
from store.parsing.fast import _html_document
from store.parsing.feed import _http_url, parse_feed
from store.text import _SPACES, clean_line, clean_text, html_to_text, strip_controls


def _outcome(markup: str) -> str:
    """html_to_text's text, or the kind of error it raised."""
    try:
        return html_to_text(markup)
    except ValueError as error:
        return f"raised {type(error).__name__}"


def _as_whole_document(markup: str) -> str:
    """The same markup read as a whole document: html_to_text always builds its tree."""
    return _outcome(f"<html><body>{markup}</body></html>")


# --- entities in a simple lead --------------------------------------------------------------

_NAMES = sorted({*html.entities.name2codepoint, "apos", "AMP", "Amp", "bogus", "nbs"})


@pytest.mark.parametrize("name", _NAMES)
def test_a_named_entity_in_a_lead_reads_as_in_its_whole_document(name: str) -> None:
    lead = f"<p><strong>Ankara&{name};şehir</strong> &{name};</p><p>&{name}; b</p>"
    assert _outcome(lead) == _as_whole_document(lead)


_EDGES = [
    *range(0, 0x21),
    *range(0x7E, 0xA2),
    0xD7FF,
    0xD800,
    0xDBFF,
    0xDC00,
    0xDFFF,
    0xE000,
    0xFFFD,
    0xFFFE,
    0xFFFF,
    0x10000,
    0x10FFFF,
    0x110000,
    9999999,
]


@pytest.mark.parametrize("code", [*_EDGES, *range(0xA2, 0x10FFFF, 4999)])
def test_a_numeric_reference_in_a_lead_reads_as_in_its_whole_document(code: int) -> None:
    for reference in (f"&#{code};", f"&#x{code:x};", f"&#X{code:X};", f"&#{code:07d};"):
        lead = f"<p>a{reference}b</p><p><a href='x?a=1&amp;b=2'>{reference}</a></p>"
        assert _outcome(lead) == _as_whole_document(lead), reference


def test_leads_of_one_shape_each_keep_their_own_text() -> None:
    # the breaks of a shape of tags are worked out once, the text is each lead's own
    first = html_to_text("<p><strong>Bir</strong></p><p>iki <a href='/a'>üç</a></p>")
    second = html_to_text("<p><strong>Dört</strong></p><p>beş <a href='/b'>altı</a></p>")
    assert first == "Bir\n\niki üç"
    assert second == "Dört\n\nbeş altı"
    # a shape that is not simple stays so, whatever the text
    assert html_to_text("<p>a<div>b</div>c</p>") == _as_whole_document("<p>a<div>b</div>c</p>")
    assert html_to_text("<p>x<div>y</div>z</p>") == _as_whole_document("<p>x<div>y</div>z</p>")


_TEXT = st.sampled_from(
    [
        "Ankara",
        "şehir",
        " ",
        "  ",
        "\n",
        "\t",
        "\u00a0",
        "a > b",
        "&amp;",
        "&#39;",
        "&eacute;",
        "&nbsp;",
        "&lang;",
        "&#x1F600;",
        "&bogus;",
        "&amp;lt;",
        "&#128;",
        "&#160;",
        "&",
        "\r",
    ]
)
_TAG = st.sampled_from(
    [
        "<p>",
        "</p>",
        "<b>",
        "</b>",
        "<br>",
        "<br/>",
        "<a href='/x?a=1&amp;b=2'>",
        "</a>",
        "<img src='x.jpg' />",
        "<li>",
        "</li>",
        "<strong>",
        "</strong>",
        "<div>",
        "</div>",
        "<P>",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_TEXT | _TAG, max_size=16).map("".join))
@example("<p>caf&eacute; &#39;x&#39;</p>&nbsp;<b>&amp;lt;</b>")
@example("<p>&lang;1&rang;</p>")
def test_a_lead_with_entities_reads_as_its_whole_document(lead: str) -> None:
    assert _outcome(lead) == _as_whole_document(lead)


# --- clean_text's plain lines ---------------------------------------------------------------


def _paragraphs(text: str) -> str:
    """clean_text's rule, line by line: spaces collapsed, no edges, one blank line at most."""
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return re.sub("\n\n+", "\n\n", "\n".join(lines)).strip("\n")


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.sampled_from(["a", "şehir", " ", "\n", "\t", "\u00a0", "  ", "b c"])).map("".join)
)
@example(" \n a \n\n\n b \n")
def test_clean_text_of_plain_lines_keeps_its_rule(text: str) -> None:
    assert clean_text(text) == _paragraphs(text)


_LINE = st.lists(
    st.sampled_from(["a", "şehir", " ", "  ", "\n", "\t", "\u00a0", "\x1b[2J", "\u202e", "\r"])
).map("".join)


@settings(max_examples=400, deadline=None)
@given(_LINE)
def test_clean_line_keeps_its_rule(text: str) -> None:
    assert clean_line(text) == _SPACES.sub(" ", strip_controls(text).replace("\n", " ")).strip()


# --- a whole HTML document inside a lead ----------------------------------------------------

# The rule as a regex, as it was written first (run on every lead, it was the slow part).
_HTML_DOCUMENT = re.compile(
    r"<(?:[!?]|/?\s*(?:html|head|title|body|object|script|style|iframe|noscript|embed|applet"
    r"|frame|frameset|meta|link|base|form|svg|math|xml|param|plaintext|xmp|listing|textarea"
    r"|noembed|noframes)\b)",
    re.IGNORECASE,
)
_PIECES = st.sampled_from(
    [
        "<",
        ">",
        "/",
        " ",
        "!",
        "?",
        "p",
        "html",
        "HTML",
        "Script",
        "scripts",
        "ſcript",
        "İframe",
        "ıframe",
        "title1",
        "h1",
        "frameset",
        "framesetx",
        "no",
        "embed",
        "x",
        "\u212a",
        "-",
        "é",
    ]
)


@settings(max_examples=1000, deadline=None)
@given(st.lists(_PIECES, max_size=12).map("".join))
@example("<p>a</p><ſcript>")
@example("</ Html>")
@example("< html>")
@example("<p><!-- x -->")
def test_a_whole_document_in_a_lead_is_found_as_the_regex_finds_it(text: str) -> None:
    assert _html_document(text) == bool(_HTML_DOCUMENT.search(text))


def test_a_lead_holding_a_whole_document_is_left_to_feedparser() -> None:
    lead = "&lt;p&gt;a&lt;/p&gt;&lt;ſcript&gt;x&lt;/ſcript&gt;"
    rss = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T</title>'
        f"<item><guid>g</guid><title>t</title><description>{lead}</description></item>"
        "</channel></rss>"
    ).encode()
    assert parse_feed(rss).parser == "feedparser"


# --- stamps and the clock -------------------------------------------------------------------


def _dated(*stamps: str) -> bytes:
    items = "".join(
        f"<item><guid>g{at}</guid><title>t</title><pubDate>{stamp}</pubDate></item>"
        for at, stamp in enumerate(stamps)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T</title>'
        f"{items}</channel></rss>"
    ).encode()


def test_a_stamp_more_than_a_day_ahead_of_the_clock_is_dropped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    moment = datetime(2024, 3, 5, 12, 0, tzinfo=UTC)
    monkeypatch.setattr(clock, "now", lambda: moment)
    feed = parse_feed(
        _dated(
            "Wed, 06 Mar 2024 11:59:00 +0000",  # within a day: kept
            "Wed, 06 Mar 2024 14:59:00 +0300",  # the same moment, in Istanbul: kept
            "Wed, 06 Mar 2024 12:01:00 +0000",  # past a day: dropped
            "2024-03-06T12:30:00",  # naive means UTC: dropped
            "Tue, 05 Mar 1850 10:00:00 GMT",  # before the earliest date: dropped
        )
    )
    published = [entry.published for entry in feed.entries]
    assert published[0] == moment + timedelta(hours=23, minutes=59)
    assert published[1] == published[0] and published[1].utcoffset() == timedelta(hours=3)
    assert published[2:] == [None, None, None]


def test_a_garbage_pubdate_gives_way_to_the_updated_stamp() -> None:
    item = (
        "<item><guid>g</guid><title>t</title><pubDate>{}</pubDate>"
        "<dc:date>2024-03-05T14:30:00+03:00</dc:date></item>"
    )
    rss = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>T</title>'
        f"{item.format('yesterday')}{item.format('Tue, 05 Mar 2024 10:00:00 +0000')}"
        "</channel></rss>"
    ).encode()
    garbage, dated = parse_feed(rss, fast=False).entries
    fast_garbage, fast_dated = parse_feed(rss).entries
    stamp = datetime(2024, 3, 5, 11, 30, tzinfo=UTC)
    assert (garbage.published, garbage.updated) == (stamp, None)
    assert (dated.published, dated.updated) == (datetime(2024, 3, 5, 10, tzinfo=UTC), stamp)
    assert (fast_garbage, fast_dated) == (garbage, dated)


# --- text the fast path reads -------------------------------------------------------------


def _one_item(title: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T</title>'
        f"<item><guid>g</guid><title>{title}</title></item></channel></rss>"
    ).encode()


@pytest.mark.parametrize(
    ("title", "read"),
    [
        ("CafÃ© Ã§ay", "Café çay"),  # UTF-8 read as Latin-1: repaired, as feedparser does
        ("«Café» 5° ½", "«Café» 5° ½"),  # Latin-1 letters that are no such thing: kept
        ("Şehir «ğ»", "Şehir «ğ»"),
        ("Fiyat \u0080 5", "Fiyat € 5"),  # a C1 control: the windows-1252 letter
    ],
)
def test_latin1_text_is_repaired_only_where_feedparser_repairs_it(title: str, read: str) -> None:
    fast, slow = parse_feed(_one_item(title)), parse_feed(_one_item(title), fast=False)
    assert fast.parser == "lxml" and slow.parser == "feedparser"
    assert fast.entries[0].title == slow.entries[0].title == read


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("https://www.aa.com.tr/tr/x/1", "https://www.aa.com.tr/tr/x/1"),
        ("  http://x.test/a?b=1  ", "http://x.test/a?b=1"),
        ("HTTPS://X.TEST/A", "HTTPS://X.TEST/A"),
        ("https://x.test/a b", None),
        ("https://x.test/a\tb", None),
        ("https://x.test/a\x85b", None),
        ("https://x.test/in\u202efdp.exe", "https://x.test/infdp.exe"),
        ("https://x.test/" + "a" * 4090, None),
        ("javascript:alert(1)", None),
        ("/relative", "https://base.test/relative"),
    ],
)
def test_links_are_kept_only_as_plain_http_urls(url: str, kept: str | None) -> None:
    assert _http_url(url, "https://base.test/feed") == kept
