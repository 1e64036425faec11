"""The generic extractor against page furniture found on real sites (footers, teasers,
galleries, a wiki's apparatus, hidden text, WordPress's classes) and with the story's
plain-paragraph siblings (pages written by us)."""

from __future__ import annotations

import pytest
from story_pages import OTHER_STORY, STORY, page

from store.pages.article import extract_article

LEGAL = [
    "Read the rules you agree to by using this website in our Terms of Service, updated in May.",
    "We take part in affiliate programmes, which means we may earn fees by linking to shops.",
    "This site uses cookies and analytics, and is paid for by advertising and merchandise sales.",
]


@pytest.mark.parametrize("teasers", ["next-post-thumbnails", "nextstory", "prev-post"])
def test_a_short_post_beats_the_next_posts_teasers_and_a_footer_in_a_div(teasers: str) -> None:
    """A blog's one-paragraph post: the teasers of the posts after it and the legal lines
    of a <div id="footer"> are longer, and neither is the story."""
    teaser = "".join(f"<div class='{teasers}'><p>{p}</p></div>" for p in OTHER_STORY)
    legal = "".join(f"<p>{line}</p>" for line in LEGAL)
    body = (
        f"<div id='container'><div id='story'><p>{STORY[0]}</p><p>(via Le Journal)</p></div>"
        f"<div id='{teasers}-list'>{teaser}</div></div><div id='footer'>{legal}</div>"
    )
    assert extract_article(page(body)).paragraphs == [STORY[0], "(via Le Journal)"]


def test_a_wikis_navbox_and_a_posts_entry_footer_stay_out() -> None:
    navbox = (
        "<table class='vertical-navbox nowraplinks'><tr><td><div class='NavHead'>Problems"
        "</div><div>(classification • regression)</div><div>Related articles</div></td></tr>"
        "</table>"
    )
    body = (
        f"<div class='mw-parser-output'>{navbox}"
        + "".join(f"<p>{p}</p>" for p in STORY)
        + "<div class='entryfooter'><p>Kommentarfeed | Kommentare geschlossen | "
        "Trackback-URL</p></div></div>"
    )
    assert extract_article(page(body)).paragraphs == STORY


def test_a_gallery_inside_the_story_stays_out() -> None:
    slides = "".join(f"<li><h3>Slide {n}</h3><p>{p}</p></li>" for n, p in enumerate(OTHER_STORY))
    for kind in ("gallery", "imgTeaser slideshow"):
        gallery = f"<div class='{kind}'><ul class='slides'>{slides}</ul></div>"
        body = f"<article><p>{STORY[0]}</p>{gallery}<p>{STORY[1]}</p><p>{STORY[2]}</p></article>"
        assert extract_article(page(body)).paragraphs == STORY


def test_what_is_hidden_inside_a_paragraph_stays_out_and_a_wikis_apparatus_too() -> None:
    """A formula's TeX in a hidden span and a script inside a paragraph are not its
    text; a wiki's contents box, [edit] links and references are not the story."""
    formula = (
        "<span class='mwe-math-element'><span style='display: none;'><math><annotation>"
        "{\\displaystyle N}</annotation></math></span><img alt='N'></span>"
    )
    first = STORY[0].replace("la réouverture", f"la réouverture {formula}")
    script = "<span><script>var slot = 'ad-1';</script></span>"
    refs = "".join(
        f'<li>^ Dupont, J. (2024). "Les piscines d\'été, {n}". Revue municipale, 12: 4–9.</li>'
        for n in range(12)
    )
    body = (
        "<div class='mw-parser-output'><div id='toc' class='toc'><h2>Contents</h2><ul>"
        "<li>1 Details</li><li>2 References</li></ul></div>"
        f"<p>{first}</p><h2>Détails<span class='mw-editsection'>[edit]</span></h2>"
        f"<p>{STORY[1]}{script}</p><p>{STORY[2]}</p>"
        f"<div class='reflist'><ol class='references'>{refs}</ol></div></div>"
    )
    assert extract_article(page(body)).paragraphs == [STORY[0], "## Détails", *STORY[1:]]


def test_a_list_inside_a_lists_item_is_read_with_the_whole_list() -> None:
    """An agenda whose third item holds a list of its own, the longest lines of the
    page: the whole agenda is read, and the lines before it."""
    inner = "".join(f"<li>{p}</li>" for p in STORY)
    agenda = (
        "<ol><li>Accueil des participants (10 minutes)</li><li>Présentation du projet</li>"
        f"<li>Trois témoignages<ol>{inner}</ol></li><li>Questions (30 minutes)</li></ol>"
    )
    place = "<p>Lieu : salle des fêtes, place du Marché</p>"
    body = f"<article>{place}<h2>Programme</h2>{agenda}</article>"
    assert extract_article(page(body)).paragraphs == [
        "Lieu : salle des fêtes, place du Marché",
        "## Programme",
        "Accueil des participants (10 minutes)",
        "Présentation du projet",
        "Trois témoignages",
        *STORY,
        "Questions (30 minutes)",
    ]


def test_paragraphs_beside_the_story_are_read_as_readability_reads_them() -> None:
    """A story whose paragraphs are plain <div>s and <p>s beside its longest block: each
    is read; a note in italics (the writer's biography) and a classed block are not."""
    block = "<div>" + "".join(f"<p>{p}</p>" for p in OTHER_STORY) + "</div>"
    body = (
        "<div class='entry-content'>"
        f"<div>{STORY[0]}</div>{block}<div></div><div>{STORY[1]}</div>"
        "<p>Ingrédients :<br>300 g de farine<br>200 g de sucre<br>1 œuf</p>"
        f"<p>{STORY[2]}</p></div>"
        "<p><i>Claire Dubois est journaliste au service des régions depuis 2019, "
        "après dix ans au bureau de Nantes.</i></p>"
        "<p class='promo'>Recevez chaque matin les nouvelles de votre quartier dans "
        "votre boîte aux lettres.</p>"
    )
    assert extract_article(page(body)).paragraphs == [
        STORY[0],
        *OTHER_STORY,
        STORY[1],
        "Ingrédients :",
        "300 g de farine",
        "200 g de sucre",
        "1 œuf",
        STORY[2],
    ]


def test_a_plain_paragraph_between_the_title_and_the_story_stays_its_standfirst() -> None:
    standfirst = "Dès janvier, la piscine d'été sera en travaux : voici ce qui change pour vous."
    items = "".join(f"<dt>Question {n} ?</dt><dd>{p}</dd>" for n, p in enumerate(STORY))
    body = (
        f"<div class='content'><h1>La piscine rouvre</h1><p>{standfirst}</p>"
        f"<dl class='qa'>{items}</dl><p>Les horaires seront publiés en mai.</p></div>"
    )
    found = extract_article(page(body)).paragraphs
    assert standfirst not in found
    assert found[1] == STORY[0] and found[-1] == "Les horaires seront publiés en mai."


def test_an_outline_of_short_items_each_with_its_own_list_is_read() -> None:
    """The outer list's own items are too short to score: the story is still read (a
    KeyError lost it)."""
    inner = "".join(f"<li>{p}</li>" for p in STORY)
    parts = "".join(f"<li>Partie {n}<ul>{inner}</ul></li>" for n in range(2))
    found = extract_article(page(f"<article><ul>{parts}</ul></article>")).paragraphs
    assert found == ["Partie 0", *STORY, "Partie 1", *STORY]


@pytest.mark.parametrize(
    "wrapper",
    [
        "<article class='post type-post format-gallery tag-references tag-toc hentry'>",
        "<article class='post category-slideshow tag-share status-publish'>",
    ],
)
def test_a_posts_tags_and_format_in_its_class_do_not_hide_it(wrapper: str) -> None:
    """WordPress writes a post's format, categories and tags into its class: they name
    what the post is about, not page furniture."""
    close = "</article>"
    story = "".join(f"<p>{p}</p>" for p in STORY)
    about = f"<p>{OTHER_STORY[0]}</p>"  # longer than RETRY_CHARS, shorter than the story
    body = (
        f"{wrapper}<h1>La piscine rouvre</h1><div class='entry-content'>{story}</div>{close}"
        f"<div class='about-us'>{about}</div>"
    )
    assert extract_article(page(body)).paragraphs == STORY


def test_siblings_that_are_no_paragraphs_of_the_story_stay_out() -> None:
    """Beside the story: a line with a script, a biography in two <em>s, a notice before
    the title, a line of links, a classed block: none is read with it."""
    story = "".join(f"<p>{p}</p>" for p in STORY + OTHER_STORY)
    links = " · ".join(f"<a href='/{n}'>La une du quartier numéro {n}</a>" for n in range(4))
    body = (
        "<div class='page'><p>Votre navigateur est obsolète : mettez-le à jour pour lire "
        "ce site dans de bonnes conditions, sur ordinateur comme sur mobile.</p>"
        f"<h1>La piscine rouvre</h1><div class='entry-content'>{story}</div>"
        "<div>Vous aimerez aussi<script>window._taboola = window._taboola || [];"
        "_taboola.push({mode: 'thumbnails-a', container: 'taboola-below'});</script></div>"
        "<p><em>Claire Dubois est journaliste au service des régions.</em> "
        "<em>Suivez-la sur les réseaux pour les nouvelles du quartier.</em></p>"
        f"<p>{links}</p>"
        "<p class='encart'>Le Journal du Soir est édité par la Société des journaux de "
        "l'Ouest, au capital de deux millions d'euros.</p></div>"
    )
    assert extract_article(page(body)).paragraphs == STORY + OTHER_STORY


def test_a_bold_stamp_goes_a_custom_taxonomy_hides_nothing_a_script_in_a_sibling_is_no_matter() -> (
    None
):
    """A date and time set in bold is a stamp, not a subhead; WordPress writes every
    taxonomy's slug into a post's class ("topics-social-media"); a plain paragraph beside
    the story holding an ad slot's script is still read, without the script."""
    story = "".join(f"<p>{p}</p>" for p in STORY)
    sibling = f"<div>{OTHER_STORY[0]}<script>googletag.cmd.push(function () {{}});</script></div>"
    body = (
        "<article class='post type-post status-publish hentry section-comment "
        "topics-social-media'><h1>La piscine rouvre</h1><p><strong>12.10.2015, 19:16 Uhr"
        f"</strong></p><div class='entry-content'><div>{story}</div>{sibling}</div></article>"
        f"<div class='about-us'><p>{OTHER_STORY[1]}</p></div>"
    )
    assert extract_article(page(body)).paragraphs == [*STORY, OTHER_STORY[0]]
