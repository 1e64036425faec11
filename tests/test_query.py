"""The query language on its own: parsing, errors a person can act on, highlighting."""

from __future__ import annotations

import pytest

from store.search.compiler import QueryError, parse_query
from store.search.highlight import highlight_terms, match_spans
from store.search.parser import And, Filter, Not, Or, Term


def test_words_are_folded_and_all_required() -> None:
    query = parse_query("İSTANBUL Şırnak")
    assert query.root == And((Term("word", "istanbul"), Term("word", "sirnak")))


def test_phrase_prefix_and_negation() -> None:
    query = parse_query('"Merkez Bankası" ekono* -deprem')
    assert query.root == And(
        (Term("phrase", "merkez bankasi"), Term("prefix", "ekono"), Not(Term("word", "deprem")))
    )


def test_or_binds_tighter_than_the_implied_and() -> None:
    assert parse_query("gaza OR gazze israel").root == And(
        (Or((Term("word", "gaza"), Term("word", "gazze"))), Term("word", "israel"))
    )


def test_and_and_not_as_other_search_boxes_write_them() -> None:
    assert parse_query("gaza AND NOT israel").root == parse_query("gaza -israel").root
    assert parse_query("NOT +gazze").root == Not(Filter("tag", "gazze"))
    assert parse_query("NOT (a OR b)").root == parse_query("-(a OR b)").root
    assert parse_query("war and peace").root == And(
        (Term("word", "war"), Term("word", "and"), Term("word", "peace"))
    )


def test_plus_is_a_tag_and_minus_is_a_word_unless_tag_is_said() -> None:
    assert parse_query("+Gazze").root == Filter("tag", "gazze")
    assert parse_query("-tag:Gazze").root == Not(Filter("tag", "gazze"))
    assert parse_query("-gazze").root == Not(Term("word", "gazze"))


def test_filters_with_quoted_values_and_sort() -> None:
    query = parse_query('feed:"AA Dünya" dateline:bag* sort:rank')
    assert query.root == And((Filter("feed", "aa dunya"), Term("prefix", "bag", "dateline")))
    assert query.sort == "rank"
    assert parse_query("").root is None and parse_query("").sort == "new"


def test_is_hidden_is_the_only_way_to_see_hidden_stories() -> None:
    assert parse_query("is:hidden").show_hidden
    assert not parse_query("is:unread").show_hidden


@pytest.mark.parametrize(
    ("text", "explanation"),
    [
        ('"cessez le feu', "unbalanced quote"),
        ("colour:red", "unknown filter colour:red — known filters: tag:, feed:"),
        ("since:yesterday", "since:yesterday — not a date"),
        ("before:2024-13-45", "not a date"),
        ("gaza OR", "OR needs a term on each side"),
        ("OR gaza", "OR needs a term on each side"),
        ("gaza OR OR gazze", "OR needs a term on each side"),
        ("(gaza gazze", "unbalanced parenthesis"),
        ("gaza)", "unbalanced parenthesis"),
        ("is:nice", "is:nice — use one of is:unread"),
        ("sort:random", "sort:random — use sort:new"),
        ("lang:french!", "lang:french! — use a language code"),
        ("tag:", "tag: needs a value"),
        ('""', "nothing to search for"),
        ("*", "nothing to search for in '*': punctuation is not searched"),
        ("^ : '", "nothing to search for"),
        ("-", "nothing to search for"),
        ("NOT", "nothing to search for"),
        ("AND", "nothing to search for in 'AND': AND, OR and NOT only join the words"),
        ("()", "nothing to search for"),
    ],
)
def test_bad_queries_explain_themselves_in_one_line(text: str, explanation: str) -> None:
    with pytest.raises(QueryError) as raised:
        parse_query(text)
    assert explanation in str(raised.value)
    assert "\n" not in str(raised.value)


def test_highlight_terms_leave_out_negated_and_filters() -> None:
    terms = highlight_terms('İstanbul secur* "cessez le feu" -deprem tag:x is:unread')
    assert terms == ["istanbul", "secur*", "cessez le feu"]


def test_match_spans_find_folded_terms_in_the_original_text() -> None:
    title = "İSTANBUL'da IŞIK festivali; ŞIRNAK"
    spans = match_spans(title, ["istanbul", "isik", "sirnak"])
    assert [title[a:b] for a, b in spans] == ["İSTANBUL", "IŞIK", "ŞIRNAK"]


def test_match_spans_respect_word_starts_and_prefixes() -> None:
    text = "La sécurité en été, complete"
    spans = match_spans(text, ["ete", "secur*"])
    assert [text[a:b] for a, b in spans] == ["sécur", "été"]


def test_match_spans_of_a_phrase_cover_it_whole() -> None:
    text = "Un cessez-le-feu à Gaza, Türkiye’nin"
    spans = match_spans(text, ["cessez le feu", "turkiye'nin"])
    assert [text[a:b] for a, b in spans] == ["cessez-le-feu", "Türkiye’nin"]


def test_a_headline_pasted_with_its_colon_is_searched_not_taken_for_a_filter() -> None:
    # AA titles: "Gazze: ...", "Côte d'Ivoire: ...". Only a known filter takes an empty value.
    assert parse_query("Gaza: strikes").root == And((Term("word", "gaza"), Term("word", "strikes")))
    assert parse_query("Côte d'Ivoire:").root == And(
        (Term("word", "cote"), Term("word", "d'ivoire"))
    )
    with pytest.raises(QueryError, match="feed: needs a value"):
        parse_query("feed: dunya")


def test_fts_operators_typed_by_a_user_are_words() -> None:
    assert parse_query("NEAR").root == Term("word", "near")
    assert parse_query('"a NEAR b"').root == Term("phrase", "a near b")
    assert parse_query("gaza ^ :").root == Term("word", "gaza")
    assert parse_query("sort:rank").root is None  # a sort alone still means every story
