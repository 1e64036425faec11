"""Searching a small database: every filter narrows, folding finds what a reader expects."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlite_utils import Database

from store.feeds import add_feed
from store.ingest import store_feed
from store.items import set_read, set_starred
from store.model import Entry, ParsedFeed
from store.search.compiler import QueryError, count, counts, search_ids, unread_count
from store.search.saved import (
    SavedSearchError,
    delete_saved,
    list_saved,
    rename_saved,
    save_search,
)
from store.tags import tag_items

IST = timezone(timedelta(hours=3))
NOW = datetime.now(IST).replace(microsecond=0)


def _story(key: str, title: str, hours_ago: float, **extra: object) -> Entry:
    return Entry(key=key, title=title, published=NOW - timedelta(hours=hours_ago), **extra)  # type: ignore[arg-type]


@pytest.fixture
def news(db: Database) -> dict[str, int]:
    """Six stories in a Turkish and a French feed; returns their ids by name."""
    tr = add_feed(
        db,
        "https://www.aa.com.tr/tr/rss/default?cat=dunya",
        title="AA Dünya",
        lang="tr",
        category="dunya",
    )
    fr = add_feed(
        db,
        "https://www.aa.com.tr/fr/rss/default?cat=monde",
        title="AA Monde",
        lang="fr",
        category="monde",
        tags=["Afrika"],
    )
    store_feed(
        db,
        tr.id,
        ParsedFeed(
            entries=[
                _story(
                    "aa:1",
                    "İSTANBUL'da IŞIK festivali",
                    1,
                    summary="Kültür haberi",
                    dateline="İstanbul",
                ),
                _story("aa:2", "ŞIRNAK'ta operasyon", 30, summary="Güvenlik kaynakları açıkladı"),
                _story(
                    "aa:3",
                    "Gazze'de ateşkes görüşmesi",
                    72,
                    summary="Merkez Bankası faiz kararı",
                    category="Dünya",
                ),
            ]
        ),
    )
    store_feed(
        db,
        fr.id,
        ParsedFeed(
            entries=[
                _story(
                    "aa:4",
                    "La sécurité en été",
                    2,
                    summary="Un cessez-le-feu à Gaza",
                    lang="fr",
                    dateline="Bagdad",
                ),
                _story(
                    "aa:5",
                    "Banque centrale: le taux baisse",
                    50,
                    summary="Les banques centrales",
                    lang="fr",
                ),
                _story("aa:6", "Sommet sur la sécurité", 200, summary="Bruxelles", lang="fr"),
            ]
        ),
    )
    ids = {
        str(n): int(db.execute("SELECT id FROM items WHERE key = ?", [f"aa:{n}"]).fetchone()[0])
        for n in range(1, 7)
    }
    tag_items(db, [ids["3"]], ["Gazze"])
    return ids


def found(db: Database, query: str, ids: dict[str, int]) -> list[str]:
    names = {v: k for k, v in ids.items()}
    return [names[i] for i in search_ids(db, query)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("istanbul", ["1"]),
        ("isik", ["1"]),
        ("ışık", ["1"]),
        ("sirnak", ["2"]),
        ("securite", ["4", "6"]),
        ("ete", ["4"]),
        ("kultur", ["1"]),
    ],
)
def test_folding_finds_turkish_and_french_spellings(
    db: Database, news: dict[str, int], query: str, expected: list[str]
) -> None:
    assert found(db, query, news) == expected


def test_empty_query_is_every_story_newest_first(db: Database, news: dict[str, int]) -> None:
    assert found(db, "", news) == ["1", "4", "2", "5", "3", "6"]
    assert found(db, "sort:old", news) == ["6", "3", "5", "2", "4", "1"]


def test_phrase_needs_the_words_together(db: Database, news: dict[str, int]) -> None:
    assert found(db, "banque centrale", news) == ["5"]
    assert found(db, '"centrale banque"', news) == []
    assert found(db, '"merkez bankasi"', news) == ["3"]
    assert found(db, '"cessez le feu"', news) == ["4"]


def test_prefix_or_and_not(db: Database, news: dict[str, int]) -> None:
    assert found(db, "banq*", news) == ["5"]
    assert found(db, "festivali OR operasyon", news) == ["1", "2"]
    assert found(db, "securite -ete", news) == ["6"]
    assert found(db, "-securite", news) == ["1", "2", "5", "3"]
    assert found(db, "(ete OR sommet) -bruxelles", news) == ["4"]


def test_a_word_also_finds_stories_tagged_with_it(db: Database, news: dict[str, int]) -> None:
    tag_items(db, [news["1"]], ["Festival Haberi"])
    tag_items(db, [news["6"]], ["gazze"])
    assert found(db, "gazze", news) == ["3", "6"]  # 3 by its title and its tag, 6 by its tag
    assert found(db, "+gazze", news) == ["3", "6"]
    assert found(db, "gazze -securite", news) == ["3"]
    assert found(db, '"festival haberi"', news) == ["1"]
    assert found(db, "-tag:gazze gazze", news) == []


def test_feed_tags_count_as_story_tags(db: Database, news: dict[str, int]) -> None:
    assert found(db, "tag:afrika", news) == ["4", "5", "6"]
    assert found(db, "afrika", news) == ["4", "5", "6"]
    assert found(db, "-tag:afrika", news) == ["1", "2", "3"]


def test_feed_lang_cat_and_dateline_filters(db: Database, news: dict[str, int]) -> None:
    monde = int(db.execute("SELECT id FROM feeds WHERE title = 'AA Monde'").fetchone()[0])
    assert found(db, f"feed:{monde}", news) == ["4", "5", "6"]
    assert found(db, "feed:dunya", news) == ["1", "2", "3"]
    assert found(db, "feed:nowhere", news) == []
    assert found(db, "lang:fr", news) == ["4", "5", "6"]
    assert found(db, "lang:tr", news) == ["1", "2", "3"]  # from the feed: the stories say nothing
    assert found(db, "cat:monde", news) == ["4", "5", "6"]
    assert found(db, "cat:dunya", news) == ["1", "2", "3"]
    assert found(db, "dateline:bagdad", news) == ["4"]
    assert found(db, "dateline:ist*", news) == ["1"]
    assert found(db, "istanbul -dateline:istanbul", news) == []


def test_state_filters(db: Database, news: dict[str, int]) -> None:
    set_read(db, [news["1"], news["2"]])
    set_starred(db, [news["5"]])
    assert found(db, "is:read", news) == ["1", "2"]
    assert found(db, "is:unread lang:fr", news) == ["4", "5", "6"]
    assert found(db, "is:starred", news) == ["5"]
    assert found(db, "is:starred OR tag:gazze", news) == ["5", "3"]
    assert found(db, "is:updated", news) == []
    assert unread_count(db, "") == 4 and count(db, "") == 6


def test_counts_of_a_language_match_its_stories(db: Database) -> None:
    """A language's count goes by its stored spellings (items_lang); the same stories
    as the list finds, whatever the stories spell: "fr", "fr-ca", "FR", none (from
    the feed), and hidden and read ones left out or counted as they should be."""
    fr = add_feed(db, "https://www.aa.com.tr/fr/rss/default?cat=monde", lang="fr")
    tr = add_feed(db, "https://www.aa.com.tr/tr/rss/default?cat=dunya", lang="tr")
    spellings = ["fr", "fr-ca", "FR", None, "tr", "fra", "fr-BE"]
    stories = [_story(f"aa:{n}", f"Haber {n}", n, lang="tr") for n in range(1, 43)]
    store_feed(db, fr.id, ParsedFeed(entries=stories[:35]))
    store_feed(db, tr.id, ParsedFeed(entries=stories[35:]))
    for item_id in range(1, 43):  # as an older database may have written them
        db.execute(
            "UPDATE items SET lang = ?, hidden = ? WHERE id = ?",
            [spellings[item_id % 7], int(item_id % 11 == 0), item_id],
        )
    set_read(db, range(1, 43, 3))
    queries = ["lang:fr", "is:unread lang:fr", "lang:fr -is:read haber", "lang:tr", "-lang:fr"]
    queries += ["lang:fr OR lang:tr", "lang:fr since:1d", "lang:xx", "lang:fr is:hidden"]
    for query in queries:
        listed = search_ids(db, query)
        unread = search_ids(db, f"({query}) is:unread")
        assert counts(db, query) == (len(listed), len(unread)), query
    scratch = db.execute(
        "SELECT COUNT(*) FROM items WHERE hidden = 0 AND read = 0 AND (lower(lang) = 'fr' "
        "OR lower(lang) LIKE 'fr-%' OR (lang IS NULL AND id <= 35))"
    ).fetchone()[0]
    assert unread_count(db, "is:unread lang:fr") == scratch > 0


def test_hidden_stories_only_with_is_hidden(db: Database, news: dict[str, int]) -> None:
    db.execute("UPDATE items SET hidden = 1 WHERE id = ?", [news["4"]])
    assert "4" not in found(db, "securite", news)
    assert found(db, "is:hidden", news) == ["4"]
    assert count(db, "") == 5


def test_since_after_before(db: Database, news: dict[str, int]) -> None:
    assert found(db, "since:3h", news) == ["1", "4"]
    assert found(db, "since:2d", news) == ["1", "4", "2"]
    assert found(db, "before:2d", news) == ["5", "3", "6"]
    assert found(db, "since:1w before:2d", news) == ["5", "3"]
    tomorrow = (datetime.now().astimezone() + timedelta(days=1)).date().isoformat()
    assert found(db, f"after:{tomorrow}", news) == []
    assert found(db, f"before:{tomorrow}", news) == ["1", "4", "2", "5", "3", "6"]


def test_sort_rank_puts_the_best_match_first(db: Database, news: dict[str, int]) -> None:
    feed = add_feed(db, "http://example.test/rss")
    store_feed(
        db,
        feed.id,
        ParsedFeed(
            entries=[
                _story(
                    "guid:a", "Nothing here", 0.5, summary="A long lead that names bruxelles once"
                ),
            ]
        ),
    )
    store_feed(
        db,
        feed.id,
        ParsedFeed(
            entries=[
                _story("guid:b", "Bruxelles accueille le sommet", 300, summary="Les dirigeants"),
            ]
        ),
    )
    named = {**news, "a": search_ids(db, "nothing")[0], "b": search_ids(db, "dirigeants")[0]}
    assert found(db, "bruxelles", named) == ["a", "6", "b"]
    assert found(db, "sort:rank bruxelles", named)[0] == "b"  # in the title
    assert found(db, "sort:rank", named) == found(db, "", named)  # nothing to rank: newest


def test_paging_gives_the_same_order_as_one_long_list(db: Database) -> None:
    feed = add_feed(db, "http://example.test/rss")
    entries = [
        _story(f"guid:{n}", f"Deprem haberi {n}", n / 10, summary="deprem" if n % 3 else "sel")
        for n in range(1500)
    ]
    store_feed(db, feed.id, ParsedFeed(entries=entries))
    set_read(db, range(1, 1500, 4))
    set_starred(db, range(1, 1500, 3))
    for query in ("deprem", "deprem is:unread", "sel", "", "haberi -sel", "is:starred deprem"):
        everything = search_ids(db, query)
        assert len(everything) == count(db, query) > 0
        pages = [
            i for start in range(0, 300, 50) for i in search_ids(db, query, limit=50, offset=start)
        ]
        assert pages == everything[:300]


@pytest.mark.parametrize("dense", [1, 10, 10**9])
def test_pages_are_the_same_whether_rows_are_looked_up_or_listed(
    db: Database, dense: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A walk checks each row (a match every few rows) or an id list: same stories either way.

    ``dense`` 1: always lists; 10**9: always one lookup per row; 10: as shipped.
    """
    from store.search import conditions

    monkeypatch.setattr(conditions, "DENSE", dense)
    big = add_feed(db, "http://example.test/big", tags=["spor"])
    small = add_feed(db, "http://example.test/small")
    entries = [
        _story(f"guid:{n}", f"Haber {n}", n / 10, summary="deprem" if n % 2 else "sel")
        for n in range(2000)
    ]
    store_feed(db, big.id, ParsedFeed(entries=entries))
    store_feed(
        db, small.id, ParsedFeed(entries=[_story(f"guid:s{n}", "Sel", n) for n in range(40)])
    )
    set_read(db, range(1, 2040, 4))
    tag_items(db, range(2, 2040, 5), ["okunacak"])
    queries = (
        "deprem",
        "sel is:unread -tag:spor",
        "(deprem OR sel) is:unread -tag:okunacak",
        "tag:okunacak",
        "tag:spor sel",
        f"feed:{small.id}",
        f"-feed:{small.id} is:unread",
        "dep* -tag:okunacak",
        f"feed:{big.id} -tag:okunacak deprem",
    )
    for query in queries:
        everything = search_ids(db, query)
        assert everything, query
        pages = [i for start in (0, 50) for i in search_ids(db, query, limit=50, offset=start)]
        assert pages == everything[:100], query


def test_first_pages_walk_the_newest_first_index(db: Database, news: dict[str, int]) -> None:
    from store.search.compiler import _select, parse_query

    for query, index in (("", "items_shown "), ("is:unread", "items_shown_unread ")):
        for walk in (True, False):
            sql, params = _select(db, parse_query(query), "i.id", ordered=True, walk=walk)
            plan = " ".join(r[3] for r in db.execute("EXPLAIN QUERY PLAN " + sql, params))
            assert index in plan and "TEMP B-TREE" not in plan


def test_counting_a_word_goes_from_the_index_to_the_stories(db: Database) -> None:
    """Never one index lookup per story (seconds at 100,000 stories), even without stats."""
    from store.search.compiler import _select, parse_query

    for query in ("deprem", "deprem is:unread", "tag:x deprem"):
        sql, params = _select(db, parse_query(query), "COUNT(*)", ordered=False)
        plan = [r[3] for r in db.execute("EXPLAIN QUERY PLAN " + sql, params)]
        assert plan[0].startswith("SCAN items_fts"), plan


def test_bad_query_is_a_query_error_not_sqlite(db: Database, news: dict[str, int]) -> None:
    with pytest.raises(QueryError):
        search_ids(db, 'colour:red "x')
    # Punctuation alone names nothing: an error, not every story (tag --query would tag all).
    with pytest.raises(QueryError, match="nothing to search for"):
        search_ids(db, "& ?")


def test_saved_searches_count_their_stories(db: Database, news: dict[str, int]) -> None:
    set_read(db, [news["4"]])
    first = save_search(db, "Sécurité", "securite")
    save_search(db, "Afrika", "tag:afrika is:unread")
    saved = list_saved(db)
    assert [(s.name, s.query, s.total, s.unread) for s in saved] == [
        ("Sécurité", "securite", 2, 1),
        ("Afrika", "tag:afrika is:unread", 2, 2),
    ]
    assert save_search(db, "Sécurité", "securite lang:fr") == first  # same name: new query
    rename_saved(db, first, "Güvenlik")
    with pytest.raises(SavedSearchError):
        rename_saved(db, first, "Afrika")
    with pytest.raises(QueryError):
        save_search(db, "Broken", "colour:red")
    delete_saved(db, first)
    assert [s.name for s in list_saved(db)] == ["Afrika"]


def test_apostrophes_fts_words_and_arabic_find_the_right_stories(db: Database) -> None:
    feed = add_feed(db, "https://www.aa.com.tr/tr/rss/default?cat=guncel")
    titles = [
        "Erdoğan'dan Gazze açıklaması",
        "Le chef de l'ONU appelle au cessez-le-feu",
        "Côte d'Ivoire: élection présidentielle",
        "غزة: قصف إسرائيلي جديد",
        "NEAR East talks AND more",
        "Gaza: strikes kill 12",
    ]
    ids = store_feed(
        db,
        feed.id,
        ParsedFeed(entries=[_story(f"aa:{n}", t, n) for n, t in enumerate(titles)]),
    ).item_ids
    by_query = {
        "Erdoğan'dan": [0],
        "Erdoğan’dan": [0],  # the typographic apostrophe AA also uses
        "erdogandan": [],
        "l'ONU": [1],
        '"Côte d\'Ivoire"': [2],
        "d'Ivoire:": [2],
        "غزة": [3],
        "NEAR": [4],
        "AND": None,
        "near(east talks)": [4],
        "Gaza: strikes": [5],
        "(gaza OR غزة) -strikes": [3],
    }
    for query, expected in by_query.items():
        if expected is None:
            with pytest.raises(QueryError):
                search_ids(db, query)
            continue
        assert sorted(search_ids(db, query)) == sorted(ids[n] for n in expected), query


def test_folder_filter_finds_a_folder_and_its_sub_folders(db: Database) -> None:
    from store.feeds import add_feed
    from store.ingest import store_feed
    from store.model import Entry, ParsedFeed
    from store.search.compiler import search_ids

    world = add_feed(db, "https://w.test/rss", folder="Haber/Dünya")
    news = add_feed(db, "https://n.test/rss", folder="Haber")
    sport = add_feed(db, "https://s.test/rss", folder="Haberler")
    ids = {
        feed.id: store_feed(db, feed.id, ParsedFeed(entries=[Entry(key=f"aa:{feed.id}")])).item_ids
        for feed in (world, news, sport)
    }
    assert sorted(search_ids(db, "folder:haber")) == sorted(ids[world.id] + ids[news.id])
    assert search_ids(db, "folder:haber/dunya") == ids[world.id]
    assert search_ids(db, "folder:nowhere") == []
