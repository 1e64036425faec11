"""The generic extractor where the story's markup is of an older web (pages written by
us in the shapes of real ones): an ASP.NET page inside one form, paragraphs each in a
wrapper of its own, a story's block named for printing."""

from __future__ import annotations

from story_pages import OTHER_STORY, STORY, page

from store.pages.article import extract_article


def test_a_page_inside_one_form_is_read_and_a_search_form_beside_a_story_is_not() -> None:
    """ASP.NET wraps the whole page in ``<form id="aspnetForm">``, the story's text loose
    in a span between ``<br>``s; a form that is one (a search box) is still not read."""
    loose = "<br><br>".join(STORY)
    body = (
        "<form name='aspnetForm' method='post' action='article.aspx?id=1'>"
        "<div id='main'><h1>La piscine rouvre</h1>"
        f"<span id='ctl00_lblArticleText' class='articleText'>{loose}</span>"
        "</div><input type='submit' value='Save'></form>"
    )
    assert extract_article(page(body)).paragraphs == STORY
    search = (
        "<form class='site' action='/search'><p>Search the town's archive of stories, from "
        "1998 to today, by word, by date, by street or by the name of the reporter.</p>"
        "<input name='q'></form>"
    )
    body = search + "<article>" + "".join(f"<p>{p}</p>" for p in STORY) + "</article>"
    assert extract_article(page(body)).paragraphs == STORY


def test_paragraphs_each_in_a_wrapper_of_their_own_before_the_body_are_read() -> None:
    """A newspaper's first paragraphs each in a div of its class ("firstPar",
    "secondPar", "thirdPar"), the rest in a div of their own beside them: one story, in
    order."""
    story = STORY + OTHER_STORY
    kinds = ["first", "second", "third"]
    first = "".join(
        f"<div class='{kind}Par'><p>{p}</p></div>" for kind, p in zip(kinds, story[:3], strict=True)
    )
    rest = "".join(f"<p>{p}</p>" for p in story[3:])
    body = (
        "<div class='storyHead'><h1>La piscine rouvre</h1></div>"
        f"<div id='mainBodyArea'>{first}<div class='body'>{rest}</div></div>"
    )
    assert extract_article(page(body)).paragraphs == story


def test_a_story_named_for_printing_is_read_without_its_print_button_or_further_reading() -> None:
    """``id="content_print"`` is the story; a Print button, a further-reading block, an
    "Explore further" heading and what is shown in print alone (a citation) are not."""
    print_only = (
        "<div class='d-none d-print-block'><p><strong>Citation</strong>: La piscine rouvre "
        "(2019, October 22) retrieved 20 January 2020 from https://example.com/piscine</p>"
        "</div>"
    )
    explore = "<div class='article-main__explore'><p class='text-bold'>Explore further</p></div>"
    further = (
        "<div class='further_reading_block'><div class='section_title'><p>Further reading</p>"
        "</div><ul><li><a href='/a'>Pools across the region open late this summer</a></li>"
        "</ul></div>"
    )
    body = (
        "<div class='article_content' id='content_print'><a class='print' href='#'>Print</a>"
        f"<p>{STORY[0]}</p>{further}<p>{STORY[1]}</p><p>{STORY[2]}</p>{explore}{print_only}"
        "</div>"
        "<div class='white_papers'><p>Download the guide to a strong financial position, "
        "and get ready to capitalise on opportunities.</p></div>"
    )
    assert extract_article(page(body)).paragraphs == STORY


def test_lines_between_brs_in_a_span_inside_paragraphs_are_one_story() -> None:
    """A CMS that writes each paragraph as ``<p><span>line<br>line</span></p>``: the
    lines stay apart (not glued) and the story is still the div that holds them."""
    lines = [
        "Le tribunal administratif a annulé mardi l'arrêté du préfet sur les commerces.",
        "Les syndicats, les artisans et plusieurs associations le jugeaient trop large.",
        "La préfecture dispose de deux mois pour faire appel, et n'a pas encore réagi.",
        "Les commerçants du centre, eux, ont déjà repris leurs horaires d'hiver.",
    ]
    body = (
        "<div class='teasers'>"
        + "".join(f"<p><a href='/o{n}'>{p}</a></p>" for n, p in enumerate(STORY))
        + "</div><div class='entry'>"
        + "".join(
            f"<p><span style='color: #111'>{a}<br>{b}</span></p>"
            for a, b in zip(lines[::2], lines[1::2], strict=True)
        )
        + "</div>"
    )
    assert extract_article(page(body)).paragraphs == lines


def test_a_page_builders_widgets_are_read_by_what_they_are() -> None:
    """Elementor calls every block a widget ("elementor-widget
    elementor-widget-text-editor"): the text widget is the story, not furniture; its
    share-buttons widget still is."""

    def widget(kind: str, inner: str) -> str:
        return (
            f"<div class='elementor-element elementor-widget elementor-widget-{kind}'>"
            f"<div class='elementor-widget-container'>{inner}</div></div>"
        )

    story = widget("text-editor", "".join(f"<p>{p}</p>" for p in STORY))
    share = widget("share-buttons", "<p>Share this story on Facebook, on X and by email.</p>")
    body = (
        f"<div class='elementor-widget-wrap'>{story}{share}</div>"
        f"<div class='site-info'><p>{OTHER_STORY[0]}</p></div>"
    )
    assert extract_article(page(body)).paragraphs == STORY


def test_only_a_form_with_a_servers_view_state_wraps_a_page_without_landmarks() -> None:
    """A poll's form with a long script is no wrapper (no h1, no view state); an ASP.NET
    page's comments repeater, named in camelCase ids, stays out."""
    script = (
        "<script>var poll = {" + ", ".join(f"'k{n}': 'v{n}'" for n in range(300)) + "};</script>"
    )
    poll = (
        f"<form class='poll' action='/vote'>{script}<div class='question'>Should the town "
        "spend two million euros on the pool, or on the roads and the school roof?</div>"
        "<div>Yes, the pool, for the children of the district and the summer.</div></form>"
    )
    story = "".join(f"<p>{p}</p>" for p in STORY)
    assert (
        extract_article(
            page(f"<div id='c'><div class='entry'>{story}</div>{poll}</div>")
        ).paragraphs
        == STORY
    )
    comments = "".join(
        f"<div id='ctl00_cphMain_rptComments_ctl0{n}_pnlComment'><span>Reader {n}</span><br>"
        f"<span id='ctl00_cphMain_rptComments_ctl0{n}_lblText'>{p}</span></div>"
        for n, p in enumerate(OTHER_STORY)
    )
    body = (
        "<form name='aspnetForm' method='post' action='a.aspx'><input type='hidden' "
        "name='__VIEWSTATE' value='abc'><div id='ctl00_cphMain_divArticle'>"
        f"<span id='ctl00_cphMain_lblBody'>{'<br><br>'.join(STORY)}</span></div>"
        f"<div id='ctl00_cphMain_divComments'><h3>Comments</h3>{comments}</div></form>"
    )
    assert extract_article(page(body)).paragraphs == STORY


def test_what_is_hidden_on_print_is_furniture_and_a_print_display_class_hides_nothing() -> None:
    """Sites mark furniture "d-print-none", "hidden-print", "no-print" (comments, more
    stories); Bootstrap's "d-print-block" alone only says how a wrapper prints."""
    cards = "".join(
        f"<div class='card'><h5>Reader {n}</h5><p class='card-text'>{p}</p></div>"
        for n, p in enumerate(OTHER_STORY)
    )
    story = "".join(f"<p>{p}</p>" for p in STORY)
    for mark in ("d-print-none mt-4", "hidden-print", "no-print"):
        body = (
            f"<main class='col-md-8'><div class='article-body'>{story}</div>"
            f"<div class='{mark}'><h3>What readers say</h3>{cards}</div></main>"
        )
        assert extract_article(page(body)).paragraphs == STORY, mark
    body = f"<div id='page-wrapper' class='d-print-block'><div class='text'>{story}</div></div>"
    assert extract_article(page(body)).paragraphs == STORY


def test_spans_pasted_from_a_word_processor_keep_paragraphs_and_subheads_whole() -> None:
    """Google Docs pasted into WordPress: every run in ``<span style="font-weight:
    400">``, a ``<br>`` inside the last; a subhead's text in such a span too."""
    span = "<span style='font-weight: 400;'>{}</span>"
    first = (
        span.format("Le conseil municipal a voté jeudi soir la réouverture de la piscine, ")
        + "<a href='/vote'>"
        + span.format("fermée depuis trois ans")
        + "</a>"
        + span.format(", faute d'argent pour refaire ses bassins.<br>")
    )
    body = (
        f"<article><h1>La piscine rouvre</h1><div class='entry-content'><p>{first}</p>"
        f"<h2>{span.format('Et ensuite<br>')}</h2><p>{STORY[1]}</p><p>{STORY[2]}</p>"
        "</div></article>"
    )
    assert extract_article(page(body)).paragraphs == [
        "Le conseil municipal a voté jeudi soir la réouverture de la piscine, fermée depuis "
        "trois ans, faute d'argent pour refaire ses bassins.",
        "## Et ensuite",
        STORY[1],
        STORY[2],
    ]


HEADLINES = [
    "Le tribunal annule l'arrêté sur les commerces",
    "La préfecture n'a pas encore réagi",
    "Une audience sur le fond au printemps",
    "Les syndicats demandent une concertation",
]


def test_teaser_cards_beside_the_story_do_not_make_their_parent_the_body() -> None:
    """Only the parent's own paragraphs make it the body, not halves from its cards."""
    story = STORY + OTHER_STORY[:2]
    cards = "".join(
        f"<div class='teaser'><h4><a href='/t{n}'>{head}</a></h4><p>{p}</p></div>"
        for n, (head, p) in enumerate(zip(HEADLINES, OTHER_STORY, strict=True))
    )
    body = (
        "<div class='col-main'><h1>La piscine rouvre</h1><div class='story-body'>"
        + "".join(f"<p>{p}</p>" for p in story)
        + f"</div><h3>Latest news</h3>{cards}</div>"
    )
    assert extract_article(page(body)).paragraphs == story
