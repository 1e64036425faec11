"""The generic extractor where a story comes in pieces (pages written by us in the shapes
of real ones, from Mozilla Readability's test pages): the rest of it behind a "Read
more" button, paragraphs set as headings, words linked to notes."""

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


# What stays out: shapes an independent review of these rules found let in.
TEASERS = [
    "Les bus de nuit circuleront aussi le dimanche à partir du mois prochain, a dit la région.",
    "La police cherche des témoins après qu'une voiture a percuté une boulangerie dimanche.",
    "Une école du quartier a reçu un prix national pour son potager tenu par les élèves.",
]


def test_a_read_more_block_of_teasers_stays_out_and_a_readmore_rest_is_read() -> None:
    """A "Read more" over teaser cards (a heading and a summary each, in the story's block)
    is not the story's rest; a ``readmore-content`` block of the story's paragraphs is."""
    cards = "".join(
        f"<div class='teaser'><h4><a href='/{n}'>Titre</a></h4><p>{t}</p></div>"
        for n, t in enumerate(TEASERS)
    )
    paragraphs = "".join(f"<p>{p}</p>" for p in STORY)
    body = (
        f"<h1>La piscine rouvre</h1><div class='entry-content'>{paragraphs}"
        f"<div class='read-more'><h3>À lire aussi</h3>{cards}</div></div>"
    )
    assert extract_article(page(body)).paragraphs == STORY
    rest = "".join(f"<p>{p}</p>" for p in OTHER_STORY)
    body = (
        f"<h1>La piscine rouvre</h1><div class='story'>{paragraphs}"
        f"<a class='readmore-btn' href='#'>Lire la suite</a>"
        f"<div class='readmore-content'>{rest}</div></div>"
    )
    assert extract_article(page(body)).paragraphs == STORY + OTHER_STORY


def test_a_layouts_rows_of_teasers_beside_the_story_are_not_its_steps() -> None:
    """A page without ``<article>`` in Bootstrap's rows: the story in one row, teasers in
    the rows after it, each a sentence, in a column of another class."""
    rows = "".join(
        f"<div class='row'><div class='col-md-4'><h3><a href='/{n}'>Titre</a></h3><p>{t}</p>"
        "</div></div>"
        for n, t in enumerate(TEASERS)
    )
    story = "".join(f"<p>{p}</p>" for p in STORY)
    body = (
        "<div class='container'><div class='row'><div class='col-md-8'>"
        f"<h1>La piscine rouvre</h1>{story}</div></div>{rows}</div>"
    )
    assert extract_article(page(body)).paragraphs == STORY


def test_a_byline_an_ad_label_and_a_note_inside_a_link_stay_out_of_sentences() -> None:
    """Only links named for a note or a related story are words of their sentence: a
    byline's author link is still the byline (its name the author), an advert's label
    in the middle of a paragraph still furniture, a note's text inside its link too."""
    byline = "<p>Posted by <a class='author' href='/a'>Jeanne Martin</a> on March 3, 2024</p>"
    advert = f"<p>{STORY[0]} <span class='ad-label'>Advertisement</span> {STORY[1]}</p>"
    note = (
        "<p>Les associations de nageurs, qui réclamaient ce vote depuis l'automne, ont salué "
        "une « très bonne nouvelle » pour les enfants du <a class='popup' href='#'>quartier"
        "<span class='popup-content'>Le quartier nord, autour de la gare.</span></a>.</p>"
    )
    body = f"<article><h1>La piscine rouvre</h1>{byline}{advert}{note}</article>"
    article = extract_article(page(body))
    assert article.paragraphs[-2:] == [f"{STORY[0]} {STORY[1]}", STORY[2].replace("quartier", "")]
    assert article.authors == ["Jeanne Martin"]
    assert not any("Jeanne" in p or "gare" in p for p in article.paragraphs)


def test_long_questions_and_live_blog_entries_stay_subheads_and_teaser_headlines_out() -> None:
    """An explainer's subhead asks a question; a live blog's entry heading has paragraphs
    under it: both stay subheads. Headlines of teaser cards, each a link, do not score
    as paragraphs."""
    question = (
        "Quand la piscine rouvrira-t-elle au public, et combien coûtera l'entrée des bassins ?"
    )
    entry = "Le maire annonce que les travaux de la piscine commenceront en janvier, comme prévu."
    cards = "".join(
        f"<a class='card' href='/{n}'><h3>{t}</h3></a>" for n, t in enumerate(TEASERS * 2)
    )
    body = (
        f"<article><h1>La piscine rouvre</h1><p>{STORY[0]}</p><h2>{question}</h2>"
        f"<p>{STORY[1]}</p><h2>{entry}</h2><p>{STORY[2]}</p>"
        f"<div class='more-coverage'>{cards}</div></article>"
    )
    assert extract_article(page(body)).paragraphs == [
        STORY[0],
        f"## {question}",
        STORY[1],
        f"## {entry}",
        STORY[2],
    ]


def test_a_notice_named_for_what_the_story_lacks_stays_out() -> None:
    """``no-comments`` alone names a notice that there are none."""
    notice = (
        "<div class='no-comments'><p>There are no comments yet on this story. Be the first to "
        "share your thoughts with our readers.</p></div>"
    )
    paragraphs = "".join(f"<p>{p}</p>" for p in STORY)
    body = f"<article><h1>La piscine rouvre</h1>{paragraphs}{notice}</article>"
    assert extract_article(page(body)).paragraphs == STORY


def test_a_story_opening_with_the_lead_under_furniture_names_is_not_taken_for_a_standfirst() -> (
    None
):
    """The page's description opens a story whose class names share buttons; the reader
    comments after it are not the story."""
    comments = (
        "<div class='discussion'><p>Marc T. : encore de l'argent jeté par les fenêtres, alors "
        "que la bibliothèque attend son toit depuis dix ans.</p><p>Anne : excellente nouvelle "
        "pour nos enfants, enfin un endroit où nager cet été près de chez nous.</p></div>"
    )
    paragraphs = "".join(f"<p>{p}</p>" for p in STORY + OTHER_STORY)
    body = (
        f"<div class='main'><h1>La piscine rouvre</h1><div class='entry-content "
        f"has-share-buttons'>{paragraphs}</div>{comments}</div>"
    )
    head = f"<meta name='description' content=\"{STORY[0]}\">"
    found = extract_article(page(body, head)).page_text
    assert OTHER_STORY[0] in found
    assert "Marc T." not in found


def test_subheads_with_prose_under_them_and_in_anchors_stay_subheads() -> None:
    """A live blog's long entry heading over a div of paragraphs, a listicle's over a
    picture then a paragraph, a subhead in a named anchor (old hand-written pages) and
    the subheads after a link left open (broken markup): subheads all."""
    entry = "Le maire annonce que les travaux de la piscine commenceront en janvier, comme prévu."
    item = "1. La piscine ouvrira à sept heures du matin, tous les jours de la semaine, même l'été."
    body = (
        f"<article><h1>La piscine rouvre</h1><p>{STORY[0]}</p>"
        f"<h2>{entry}</h2><div class='entry-body'><p>{STORY[1]}</p></div>"
        f"<h2>{item}</h2><figure><img src='a.jpg'></figure><p>{STORY[2]}</p>"
        f"<a name='travaux'><h2>Les travaux</h2></a><p>{OTHER_STORY[0]}</p></article>"
    )
    assert extract_article(page(body)).paragraphs == [
        STORY[0],
        f"## {entry}",
        STORY[1],
        f"## {item}",
        STORY[2],
        "## Les travaux",
        OTHER_STORY[0],
    ]
    broken = (
        f"<article><h1>La piscine rouvre</h1><p>{STORY[0]} Voir <a href='/rapport'>le rapport"
        f"</a.</p><p>{STORY[1]}</p><h2>Les travaux</h2><p>{STORY[2]}</p></article>"
    )
    assert "## Les travaux" in extract_article(page(broken)).paragraphs


def test_a_read_more_wrapper_is_the_body_without_the_standfirst_the_bio_or_the_page() -> None:
    """The story in a ``readmore-wrapper`` under a standfirst, a bio after it; a page
    whose wrapper says ``readmore-enabled`` around a notice and the story's article."""
    paragraphs = "".join(f"<p>{p}</p>" for p in STORY)
    body = (
        "<article><h1>La piscine rouvre</h1><p class='standfirst'>Le vote du conseil met fin "
        "à trois ans de fermeture, mais l'opposition voulait un toit pour la bibliothèque.</p>"
        f"<div class='readmore-wrapper'><div class='story-text'>{paragraphs}</div>"
        "<a class='readmore-toggle' href='#'>Lire la suite</a></div>"
        "<p class='about'>Jeanne Martin suit la mairie pour notre journal depuis 2015 et vit "
        "dans le quartier nord avec ses deux chats.</p></article>"
    )
    assert extract_article(page(body)).paragraphs == STORY
    notice = (
        "<p class='notice'>Nos bureaux seront fermés lundi pour le jour férié ; l'édition "
        "numérique paraîtra comme d'habitude.</p>"
    )
    body = (
        f"<div id='page' class='site readmore-enabled'><main>{notice}<article>"
        f"<h1>La piscine rouvre</h1><div class='entry-content'>{paragraphs}</div></article>"
        "</main></div>"
    )
    assert extract_article(page(body)).paragraphs == STORY


def test_read_more_boxes_of_headlines_and_blurbs_and_related_labels_stay_out() -> None:
    """A read-more box of linked headlines each over its blurb, in the story's block; a
    related link opening a paragraph ("Related: ..."), a label in bold ("MORE:")."""
    box = "".join(f"<h4><a href='/{n}'>Titre {n}</a></h4><p>{t}</p>" for n, t in enumerate(TEASERS))
    related = (
        "<p><a class='related-link' href='/x'>Related: La bibliothèque attend son toit</a> "
        f"{STORY[1]}</p>"
    )
    label = "<p><b class='related'>MORE:</b> La bibliothèque attend toujours son toit</p>"
    body = (
        f"<article><h1>La piscine rouvre</h1><div class='body'><p>{STORY[0]}</p>{related}"
        f"{label}<p>{STORY[2]}</p><div class='read-more'><h3>À lire</h3>{box}</div></div>"
        "</article>"
    )
    found = extract_article(page(body)).paragraphs
    assert found[:2] == STORY[:2]
    assert STORY[2] in found
    assert not any(t in p for t in TEASERS for p in found)
    assert not any(p.startswith(("Related", "MORE")) for p in found)


def test_a_read_more_wrapper_with_the_date_and_credits_and_classed_paragraphs_before_a_rest() -> (
    None
):
    """A Turkish site's ``readmore-area`` holds the date line, the story and the credits:
    the story alone is read. A rest behind a button after the story's first paragraphs,
    each of a class (``p.para``): the whole story, in order."""
    paragraphs = "".join(f"<p>{p}</p>" for p in STORY)
    body = (
        "<article><h1>La piscine rouvre</h1><div class='news-text readmore-area'>"
        "<div class='date'>04 Ekim 2023 14:05 | Güncelleme: 15:20</div>"
        f"<div class='body'>{paragraphs}</div><p class='copyright'>Bu haberin tüm hakları "
        "saklıdır; izinsiz kullanılamaz.</p></div></article>"
    )
    assert extract_article(page(body)).paragraphs == STORY
    opening = "".join(f"<p class='para'>{p}</p>" for p in STORY[:2])
    rest = "".join(f"<p>{p}</p>" for p in STORY[2:] + OTHER_STORY)
    body = (
        f"<article><h1>La piscine rouvre</h1>{opening}"
        f"<div class='read-more-content'>{rest}</div></article>"
    )
    assert extract_article(page(body)).paragraphs == STORY + OTHER_STORY


def test_entry_headings_linked_to_themselves_and_crossheads_in_wrappers_stay_subheads() -> None:
    """A live blog's entry headings in links to their own permalink (``#post-1``); a
    long crosshead alone in a wrapper, or in a toggle card with its button, prose after."""
    entry = "<div class='post'><a href='/live?post={n}#post-{n}'><h2>{title}</h2></a>{body}</div>"
    crosshead = (
        "Les habitants disent avoir été prévenus moins d'une heure avant l'arrivée de l'eau."
    )
    body = (
        "<article><h1>La piscine rouvre</h1>"
        + entry.format(n=1, title="Le conseil vote", body=f"<p>{STORY[0]}</p>")
        + entry.format(n=2, title="Les travaux", body=f"<p>{STORY[1]}</p>")
        + f"<div class='subheadline-block'><h2>{crosshead}</h2></div><div><p>{STORY[2]}</p></div>"
        + f"<div class='toggle'><div class='toggle-heading'><h4>{crosshead}</h4>"
        f"<button aria-label='Open'></button></div><div><p>{OTHER_STORY[0]}</p></div></div>"
        "</article>"
    )
    assert extract_article(page(body)).paragraphs == [
        "## Le conseil vote",
        STORY[0],
        "## Les travaux",
        STORY[1],
        f"## {crosshead}",
        STORY[2],
        f"## {crosshead}",
        OTHER_STORY[0],
    ]


def test_read_more_sections_of_excerpt_cards_or_under_a_title_are_not_the_story() -> None:
    """A ``read-more-stories`` section of cards, each an excerpt; a ``read-more-box``
    under its own title, two paragraphs of another story."""
    paragraphs = "".join(f"<p>{p}</p>" for p in STORY)
    cards = "".join(f"<div class='card'><p>{p}</p></div>" for p in OTHER_STORY[:2])
    body = (
        f"<article><h1>La piscine rouvre</h1><div class='single-content'>{paragraphs}</div>"
        f"<section class='read-more-stories'>{cards}</section></article>"
    )
    assert extract_article(page(body)).paragraphs == STORY
    box = "".join(f"<p>{p}</p>" for p in OTHER_STORY[:2])
    body = (
        f"<article><h1>La piscine rouvre</h1><div class='entry-content'>{paragraphs}"
        f"<div class='read-more-box'><h3>Plus sur la piscine</h3>{box}</div></div></article>"
    )
    assert extract_article(page(body)).paragraphs == STORY


def test_a_standfirst_and_kicker_or_an_excerpt_before_a_rest_are_not_its_opening() -> None:
    """Before a read-more rest: a standfirst and a one-word kicker (each a paragraph of
    a class), or the rest's own first paragraphs shown cut short: the rest alone."""
    rest = "".join(f"<p>{p}</p>" for p in STORY + OTHER_STORY)
    dek = "Le vote du conseil met fin à trois ans de fermeture, mais l'opposition regrette."
    for before in (
        f"<p class='standfirst'>{dek}</p><p class='kicker'>Exclusif</p>",
        "".join(f"<p class='excerpt'>{p[:90]}…</p>" for p in STORY[:2]),
    ):
        body = (
            f"<article><h1>La piscine rouvre</h1>{before}"
            f"<div class='readmore-content'>{rest}</div></article>"
        )
        assert extract_article(page(body)).paragraphs == STORY + OTHER_STORY


def test_a_gallerys_long_captions_in_headings_do_not_outscore_the_story() -> None:
    """Six slides, each a picture and a caption in an ``<h3>`` ending as a sentence,
    beside a short story: the story is read, not the captions."""
    slides = "".join(
        f"<div class='carousel-item'><img src='{n}.jpg'><h3>{t}</h3></div>"
        for n, t in enumerate(TEASERS * 2)
    )
    paragraphs = "".join(f"<p>{p}</p>" for p in STORY)
    body = (
        f"<h1>La piscine rouvre</h1><div class='main'>{paragraphs}</div>"
        f"<div class='more-photos'>{slides}</div>"
    )
    assert extract_article(page(body)).paragraphs == STORY


def test_text_spliced_into_a_sentence_and_subheads_linked_to_a_source_are_right() -> None:
    """A footnote's text in a ``popup`` span mid-sentence stays out; a subhead linked to
    its source, with paragraphs after it, and an accordion's question (``javascript:``)
    stay subheads."""
    popup = "<span class='popup'>Rapport annuel du service des parcs, 2021, tableau 4</span>"
    body = (
        f"<article><h1>La piscine rouvre</h1><p>Le conseil a voté jeudi soir{popup} la "
        "réouverture de la piscine d'été, fermée depuis trois ans faute d'argent pour "
        "refaire ses bassins.</p>"
        f"<a href='https://parcs.example.gov/rapport'><h2>Le rapport des parcs</h2></a>"
        f"<p>{STORY[1]}</p><a href='javascript:void(0)'><h3>Quand ouvrira-t-elle ?</h3></a>"
        f"<div class='panel'><p>{STORY[2]}</p></div></article>"
    )
    found = extract_article(page(body)).paragraphs
    assert not any("tableau" in p for p in found)
    assert found[1:] == ["## Le rapport des parcs", STORY[1], "## Quand ouvrira-t-elle ?", STORY[2]]


def test_a_lead_set_apart_at_the_top_of_the_story_opens_its_text_but_a_summary_does_not() -> None:
    """The page's description set as the story's first paragraph, in a block of its own
    beside the body (``article__lead``, as a Latvian news site has it): the story's
    text opens with it. In the article's ``<header>``, in a block named a summary
    (``standfirst``, ``article__subhead``), or a deck without a full stop, it is the
    summary above the story, left out."""
    rest = "".join(f"<p>{p}</p>" for p in STORY[1:] + OTHER_STORY)

    def text_of(lead: str, before_body: str) -> list[str]:
        head = f"<meta name='description' content=\"{lead}\">"
        body = f"<article><h1>La piscine rouvre</h1>{before_body}<div class='body'>{rest}</div>"
        return extract_article(page(body + "</article>", head)).page_text.split("\n\n")

    info = "<div class='article__info'>Par Jean Dupont</div>"
    assert text_of(STORY[0], f"{info}<div class='article__lead'>{STORY[0]}</div>") == [
        *STORY,
        *OTHER_STORY,
    ]
    article = extract_article(
        page(
            f"<article><h1>La piscine rouvre</h1><div class='article__lead'>{STORY[0]}</div>"
            f"<div class='article__body'>{rest}</div></article>",
            f"<meta name='description' content=\"{STORY[0]}\">",
        )
    )
    assert article.paragraphs == STORY[1:] + OTHER_STORY  # the lead is shown once
    deck = "Le vote met fin à deux ans de débats, mais l'opposition dit qu'il fallait attendre"
    restated = (
        "Fermée depuis trois ans faute d'argent, la piscine d'été rouvre : le conseil a voté."
    )
    for lead, before_body in (
        (STORY[0], f"<header><div class='leading'><p>{STORY[0]}</p></div></header>"),
        (STORY[0], f"<p class='article__subhead'>{STORY[0]}</p>"),
        (STORY[0], f"<p class='haberSpot'>{STORY[0]}</p>"),
        (STORY[0], f"<div class='top'><div class='standfirst'>{STORY[0]}</div></div>"),
        (STORY[0], f"<img src='bassin.jpg'><p>{STORY[0]}</p>"),
        (deck, f"<div class='intro'>{deck}</div>"),
    ):
        assert text_of(lead, before_body) == STORY[1:] + OTHER_STORY
    # A summary the story's first paragraph says again: not its first paragraph.
    whole = "".join(f"<p>{p}</p>" for p in STORY + OTHER_STORY)
    body = f"<article><h1>La piscine rouvre</h1><div class='intro'>{restated}</div>"
    head = f"<meta name='description' content=\"{restated}\">"
    article = extract_article(page(f"{body}<div class='body'>{whole}</div></article>", head))
    assert article.page_text.split("\n\n") == STORY + OTHER_STORY


def test_a_line_break_inside_bold_or_italics_parts_its_words() -> None:
    """``<strong>Les travaux<br></strong>Les travaux…`` (Medium's list items): the words
    either side of the break are two words, not "travauxLes"; a label in bold over a
    link, a byline in bold over a role, stay out as one line."""
    body = (
        f"<article><h1>La piscine rouvre</h1><p>{STORY[0]}</p>"
        f"<p><strong>Le chantier<br></strong>{STORY[1]}</p>"
        f"<p><em>Ouverte en juin,<br>fermée en septembre.</em> {STORY[2]}</p>"
        "<p><strong>ALSO READ<br></strong><a href='/x'>Mayor faces recall vote over parking "
        "plan</a></p></article>"
    )
    assert extract_article(page(body)).paragraphs == [
        STORY[0],
        f"Le chantier {STORY[1]}",
        f"Ouverte en juin, fermée en septembre. {STORY[2]}",
    ]
    paragraphs = "".join(f"<p>{p}</p>" for p in STORY)
    body = "<article><h1>La piscine rouvre</h1><p><strong>Par Sam Jones<br></strong>"
    article = extract_article(page(body + f"Journaliste</p>{paragraphs}</article>"))
    assert article.paragraphs == STORY


def test_a_table_of_figures_is_read_a_line_a_row_and_dates_and_days_are_not() -> None:
    """LWN's table of developers: a name and its figures in each row, "2.0%" in several
    rows, each row a line of its cells. A date alone in a row, a calendar's days, an
    archive's dates beside their links, a gallery's slide numbers, and a date loose in a
    layout table's story cell stay out."""
    rows = [("Herbert Dürr", "63", "2.0%"), ("Jürgen Schmidt", "56", "2.0%")]
    rows += [("Armin Le Grand", "56", "2.0%"), ("Pedro Giffuni", "23", "6.1%")]
    table = "".join(f"<tr><td>{a}</td><td>{b}</td><td>{c}</td></tr>" for a, b, c in rows)
    days = "".join(
        f"<tr>{''.join(f'<td>{7 * w + d}</td>' for d in range(1, 8))}</tr>" for w in (0, 1)
    )
    archive = "<tr><td>04.03.2004</td><td><a href='/a'>Le budget des écoles voté</a></td></tr>"
    slides = "".join(f"<tr><td>{n} / 4</td><td>Le bassin</td></tr>" for n in range(1, 5))
    body = (
        f"<article><h1>La piscine rouvre</h1><p>{STORY[0]}</p><table>"
        f"<tr><td>12.10.2015</td></tr>{table}</table><p>{STORY[1]}</p>"
        f"<table>{days}</table><table>{archive * 2}</table><table>{slides}</table></article>"
    )
    found = extract_article(page(body)).paragraphs
    assert found == [STORY[0], *[" | ".join(row) for row in rows], STORY[1]]
    count = "<table><tr><td><b>La piscine rouvre</b></td><td>12</td></tr></table>"  # one row
    paragraphs = "".join(f"<p>{p}</p>" for p in STORY)
    body = f"<article><h1>La piscine rouvre</h1>{count}{paragraphs}</article>"
    assert extract_article(page(body)).paragraphs == STORY
    story = "<br><br>".join(STORY)
    body = (
        "<table><tr><td><a href='/'>Accueil</a><br><a href='/n'>Nouvelles</a></td><td>"
        f"<h1>La piscine rouvre</h1>05.03.2004, 14:32<br><br>{story}</td></tr></table>"
    )
    assert extract_article(page(body)).paragraphs == STORY


def test_words_linked_to_a_note_ending_a_sentence_stay_in_it_and_a_note_does_not() -> None:
    """Words linked to a reader's note (``<a class="popup">``) that end their sentence,
    with nothing or a dash after them: read where they are ("palely, mechanically.").
    A note's text linked in the sentence, a note in a span glued to the word before, a
    related story's promotion ending a paragraph: left out."""
    note = "<a href='javascript:void(0);' class='popup'>{}</a>"
    long_note = note.format("le club de natation a longtemps réclamé ce bassin de 50 mètres")
    footnote = (
        "<span class='footnote-popup'>voir le rapport annuel de l'ingénieur de la ville "
        "pour 1926, aux archives du département</span>"
    )
    promo = (
        "<a class='inline-related' href='/t'>lire notre analyse complète des chiffres de la "
        "circulation ici.</a>"
    )
    body = (
        "<article><h1>La piscine rouvre</h1><p>Le conseil municipal a voté, après un long "
        f"débat, {note.format('la réouverture')} de la piscine.</p><p>Les travaux "
        "commenceront en janvier et la mairie espère ouvrir dès la fin du mois de juin, "
        f"{note.format('sans faute.')}</p><p>La piscine a ouvert en 1926{footnote} et n'a "
        f"été agrandie qu'une fois, en 1958, {long_note} après une longue campagne.</p><p>La rue "
        f"voit passer 30 000 voitures par jour, selon les comptages de la ville — {promo}</p>"
        "</article>"
    )
    assert extract_article(page(body)).paragraphs == [
        "Le conseil municipal a voté, après un long débat, la réouverture de la piscine.",
        "Les travaux commenceront en janvier et la mairie espère ouvrir dès la fin du mois "
        "de juin, sans faute.",
        "La piscine a ouvert en 1926 et n'a été agrandie qu'une fois, en 1958, après une "
        "longue campagne.",
        "La rue voit passer 30 000 voitures par jour, selon les comptages de la ville —",
    ]
