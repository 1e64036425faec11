"""The generic extractor where a story comes in pieces (pages written by us in the shapes
of real ones, from Mozilla Readability's test pages): the rest of it behind a "Read
more" button, paragraphs set as headings, words linked to notes, a how-to's steps."""

from __future__ import annotations

from story_pages import OTHER_STORY, STORY, page

from store.pages.article import extract_article


def test_the_rest_of_a_story_behind_a_read_more_button_is_read_and_links_to_more_are_not() -> None:
    """The Herald Sun's shape: two paragraphs, then ``div#read-more`` (the button, an ad
    slot, the rest of the story); a "Read more" block of links after it stays out."""
    rest = "".join(f"<p>{p}</p>" for p in STORY[2:] + OTHER_STORY)
    body = (
        "<div id='story'><h1>La piscine rouvre</h1><div class='story-body'>"
        f"<p>{STORY[0]}</p><p>{STORY[1]}</p>"
        "<div id='read-more'><div id='read-more-link'><a href=''>Read more</a></div>"
        "<div id='middleAd'><div class='ad-block'></div></div>"
        f"<div id='read-more-content'>{rest}</div></div></div>"
        "<div class='read-more'><p>Read more: <a href='/a'>Les piscines de la région "
        "ouvrent en retard cet été, faute de maîtres-nageurs</a></p>"
        "<p><a href='/b'>Le conseil municipal vote le budget des écoles et des crèches pour "
        "l'année prochaine</a></p></div></div>"
    )
    assert extract_article(page(body)).paragraphs == STORY + OTHER_STORY


def test_a_class_saying_what_an_element_lacks_does_not_make_it_furniture() -> None:
    """``no_caption`` says the block has no caption; ``no-comments`` none: the story is
    in them."""
    paragraphs = "".join(f"<p>{p}</p>" for p in STORY)
    aside = f"<div class='teaser'><p>{OTHER_STORY[0]}</p></div>"
    body = (
        "<h1>La piscine rouvre</h1>"
        f"<div class='story-item story-item-wide no_caption'>{paragraphs}</div>{aside}"
    )
    assert extract_article(page(body)).paragraphs == STORY
    body = f"<h1>La piscine rouvre</h1><div class='entry no-comments'>{paragraphs}</div>{aside}"
    assert extract_article(page(body)).paragraphs == STORY


def test_a_paragraph_set_as_a_heading_is_a_paragraph_and_a_subhead_stays_one() -> None:
    """BuzzFeed's list items: the story's opening sentence is an item's ``<h2>``, over a
    picture; a short ``<h2>`` between paragraphs is still a subhead."""
    items = (
        f"<div class='list-item list-item-image'><h2>{STORY[0]}</h2><img src='a.jpg'></div>"
        f"<div class='list-item list-item-text'><p>{STORY[1]}</p><p>{STORY[2]}</p></div>"
        f"<div class='list-item list-item-text'><h2>Les travaux</h2><p>{OTHER_STORY[0]}</p>"
        f"<p>{OTHER_STORY[1]}</p></div>"
    )
    body = f"<article><h1>La piscine rouvre</h1><div class='list'>{items}</div></article>"
    assert extract_article(page(body)).paragraphs == [
        *STORY,
        "## Les travaux",
        *OTHER_STORY[:2],
    ]


def test_words_linked_to_notes_are_read_in_their_sentences_and_a_share_bar_is_not() -> None:
    """A study text's words open notes (``<a class="popup">``): they are the sentence's
    words. Links of the same kind side by side, a bar of them, stay furniture."""
    note = "<a href='javascript:void(0)' class='popup' onclick='return note()'>{}</a>"
    first = (
        f"{note.format('Le')} conseil municipal a voté jeudi soir la "
        f"{note.format('réouverture')} de la piscine d'été, fermée depuis trois ans faute "
        f"d'argent pour refaire ses {note.format('bassins')}."
    )
    share = (
        "<p><a class='share' href='/fb'>Facebook</a> | <a class='share' href='/tw'>Twitter</a>"
        " | <a class='share' href='/mail'>E-mail</a></p>"
    )
    paragraphs = "".join(f"<p>{p}</p>" for p in [first, *STORY[1:]])
    body = f"<article><h1>La piscine rouvre</h1>{paragraphs}{share}</article>"
    assert extract_article(page(body)).paragraphs == STORY


def test_a_how_tos_steps_each_in_a_wrapper_of_one_class_are_read_but_not_its_facts() -> None:
    """eHow's shape, on a page without ``<article>``: an introduction, then the steps,
    each in a ``div.step`` of its own, short; a list of the page's facts beside them (its
    date, author, address) in a div of the steps' class is not a step."""
    steps = [
        "Mesurez le tour de la cloche et coupez la mousse florale un peu plus petite.",
        "Placez la plante dans le trou.",
        "Ajoutez d'autres plantes si vous le souhaitez.",
    ]
    intro = (
        "<div class='step'><div class='stepContent intro'>"
        + "".join(f"<p>{p}</p>" for p in STORY)
        + "</div></div>"
    )
    each = "".join(
        f"<div class='step'><div class='stepContent'><h3>Étape {n}</h3><p>{text}</p></div></div>"
        for n, text in enumerate(steps, 1)
    )
    facts = (
        "<div class='step'><ul><li><strong>Date</strong> 19.01.2020</li>"
        "<li><strong>Permalink</strong> https://example.com/p/3WRPd</li></ul>"
        "<p><strong>Permalink</strong> https://example.com/p/3WRPd</p></div>"
    )
    body = f"<h1>La piscine rouvre</h1><div class='col-main'>{intro}{each}{facts}</div>"
    found = extract_article(page(body)).paragraphs
    assert found == [*STORY, *[x for n, s in enumerate(steps, 1) for x in (f"## Étape {n}", s)]]
