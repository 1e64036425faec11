"""The generic extractor on the page shapes it used to get wrong (pages written by us)."""

from __future__ import annotations

from pathlib import Path

import pytest
from story_pages import OTHER_STORY, STORY, page

from store.pages.article import ArticleError, extract_article

PAGES = Path(__file__).parent / "fixtures" / "pages"


def read(name: str, url: str = "https://news.example.org/story/1"):
    return extract_article((PAGES / name).read_bytes(), url=url)


def test_a_jsonld_teaser_gives_way_to_the_whole_story_on_the_page() -> None:
    article = read("teaser-jsonld.html")
    assert article.layout == "generic"
    assert article.paragraphs == [
        "Night buses will run again between the valley towns from the first weekend of March, "
        "six years after the last service was withdrawn to save money.",
        "Three routes will link Ashdale, Millbrook and Hatherton with the railway station, "
        "leaving every forty minutes from ten in the evening until two in the morning on "
        "Fridays and Saturdays.",
        "## Paid for by the bars and theatres",
        "The service is paid for jointly by the county council and a group of pubs, restaurants "
        "and the town's two theatres, whose staff often finish work long after the last daytime "
        "bus.",
        "Fares will be the same as during the day, and weekly tickets will be valid on the night "
        "routes too.",
    ]
    assert "…" not in article.body
    # The metadata still comes from JSON-LD.
    assert article.title == "Night buses return to the valley"
    assert article.authors == ["Lina Novak"]
    assert article.lead == "Three routes will run until 2am at weekends from March."


def test_escaped_html_in_a_jsonld_body_becomes_paragraphs() -> None:
    article = read("escaped-jsonld.html")
    assert article.layout == "jsonld"
    assert len(article.paragraphs) == 3
    assert article.paragraphs[0].startswith("El puerto ampliará su terminal")
    assert article.paragraphs[2].endswith("durante todo el año.")
    for markup in ("<p>", "&lt;", "p&gt;", "</p>"):
        assert markup not in article.body


def test_text_loose_in_a_section_is_read_with_its_subhead() -> None:
    article = read("loose-section.html")
    assert article.paragraphs == [
        "Belediyenin iki yıldır sürdürdüğü çalışma tamamlandı ve sahil yolu boyunca uzanan "
        "11 kilometrelik bisiklet şeridi kullanıma açıldı.",
        "Şerit, yaya yolundan ve araç trafiğinden ayrı tutuldu; kavşaklarda bisikletliler için "
        "ayrı ışıklar yerleştirildi.",
        "## Kiralık bisiklet istasyonları",
        "Hat üzerinde 14 kiralık bisiklet istasyonu kuruldu. İlk yarım saatlik kullanım "
        "öğrenciler için ücretsiz olacak.",
    ]
    for furniture in ("Etiketler", "Metroda", "Anasayfa", "Selin Acar"):
        assert furniture not in article.body


def test_a_story_laid_out_in_table_cells() -> None:
    article = read("table-cells.html")
    assert len(article.paragraphs) == 4
    assert article.paragraphs[0].startswith("Nach mehr als einem Jahr Bauzeit")
    assert article.paragraphs[2] == "## Konzert zur Einweihung"
    assert article.paragraphs[3].endswith("um Spenden wird gebeten.")
    for furniture in ("Startseite", "Meistgelesen", "Gemeindefest", "Impressum", "teilen", "Von "):
        assert furniture not in article.body
    assert article.title == "Neue Orgel für die Stadtkirche - Gemeindebrief Oberhain"


def test_bylines_captions_share_prompts_and_comment_notices_leave_the_body() -> None:
    article = read("furniture-inline.html")
    assert article.authors == ["Harriet Cole"]
    assert len(article.paragraphs) == 3
    assert article.paragraphs[0].startswith("The keeper's cottage beside")
    assert article.paragraphs[2].startswith("Volunteers spent three winters")
    for furniture in ("Harriet", "Photo", "Advertisement", "Read more", "Share", "Comments"):
        assert furniture not in article.body


def test_a_body_whose_class_names_look_like_furniture_is_still_read() -> None:
    paragraph = (
        "The ferry to the island will run twice a day through the winter, the operator said, "
        "after a campaign by residents who had been cut off for days at a time."
    )
    page = (
        "<html><body><h1>Winter ferry</h1><div class='story-meta-wrapper'>"
        f"<p>{paragraph}</p><p>{paragraph.replace('twice', 'three times')}</p></div>"
        "</body></html>"
    )
    article = extract_article(page)
    assert article.paragraphs == [paragraph, paragraph.replace("twice", "three times")]


def test_furniture_inside_a_body_hidden_by_its_class_names_still_goes() -> None:
    paragraph = (
        "The orchard's cider press, rebuilt by volunteers over the winter, pressed its first "
        "apples on Saturday, and the juice will be sold at the village fete."
    )
    page = (
        "<html><body><article class='typography newsletter-post'><h1>Cider</h1>"
        f"<div class='body markup'><p>{paragraph}</p>"
        "<div class='subscription-widget'><p>Thanks for reading! Subscribe for free to "
        "receive new posts and support the orchard.</p></div>"
        f"<p>{paragraph.replace('Saturday', 'Sunday')}</p></div></article></body></html>"
    )
    article = extract_article(page)
    assert article.paragraphs == [paragraph, paragraph.replace("Saturday", "Sunday")]


# Story sentences that open with "By", or mention commenting, inside a body of plain <p>s.
HARBOUR = [
    "The council met on Monday to discuss the new harbour wall, which has cost twice its "
    "budget so far.",
    "By Tuesday, officials said, the first stones of the new wall would be laid along the "
    "eastern quay.",
    "The mayor declined to post a comment on the overspend, saying only that the work had "
    "to be finished.",
    "Residents were invited to join the conversation at a public meeting in the town hall "
    "next month.",
    "Work on the western side will begin in the spring, once the storms of the winter have passed.",
]


def harbour_page(top: str = "", bottom: str = "") -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in HARBOUR)
    article = f"<article>{top}{paragraphs}{bottom}</article>"
    return f"<html><body><h1>Harbour wall</h1>{article}</body></html>"


def test_story_sentences_that_look_like_bylines_or_notices_stay_in_the_body() -> None:
    article = extract_article(harbour_page())
    assert article.paragraphs == HARBOUR
    assert article.authors == []


def test_a_byline_at_the_top_and_a_comment_notice_at_the_end_still_go() -> None:
    page = harbour_page("<p>By Jane Doe and John Roe</p>", "<p>Comments are closed.</p>")
    article = extract_article(page)
    assert article.paragraphs == HARBOUR
    assert article.authors == ["Jane Doe", "John Roe"]


def test_a_notice_phrase_opening_a_story_sentence_mid_body_stays() -> None:
    sentence = "Join the conversation, the mayor urged."
    body = HARBOUR[:3] + [sentence] + HARBOUR[2:] + HARBOUR[:1]
    paragraphs = "".join(f"<p>{p}</p>" for p in body)
    article = extract_article(f"<html><body><article>{paragraphs}</article></body></html>")
    assert article.paragraphs == body


def story_html() -> str:
    return "<article>" + "".join(f"<p>{p}</p>" for p in STORY) + "</article>"


def test_text_hidden_by_a_spaced_style_stays_out() -> None:
    hidden = (
        '<div style="DISPLAY : none;"><p>Partagez cet article avec vos amis, '
        "abonnez-vous à notre lettre, suivez-nous partout, merci beaucoup.</p></div>"
        '<div style="visibility: hidden"><p>Enregistrer cet article, réservé aux abonnés, '
        "connectez-vous pour le lire plus tard, sur tous vos appareils.</p></div>"
    )
    article = extract_article(page(story_html().replace("</article>", hidden + "</article>")))
    assert article.paragraphs == STORY


def test_a_list_that_outscores_its_paragraphs_stays_with_them() -> None:
    items = "".join(
        f"<li>Point {n}: the pool will open at seven, close at nine, and cost two euros, "
        f"three for adults, with a season ticket at forty, fifty at weekends.</li>"
        for n in range(4)
    )
    body = f"<div class='entry-content'><p>{STORY[0]}</p><ul>{items}</ul><p>{STORY[2]}</p></div>"
    article = extract_article(page(body))
    assert article.paragraphs[0] == STORY[0] and article.paragraphs[-1] == STORY[2]
    assert len(article.paragraphs) == 6


def test_a_line_said_on_every_slide_is_not_the_story() -> None:
    slides = "".join(
        f"<div class='slide'><p>Weather threatens holiday plans</p><p>Hide caption</p>"
        f"<p>{sentence}</p></div>"
        for sentence in STORY
    )
    article = extract_article(page(f"<article>{slides}</article>"))
    assert article.paragraphs == STORY


def test_a_line_of_dialogue_said_thrice_is_the_storys() -> None:
    """Bartleby's answer, three times in the story: a line in quotes ending as a sentence
    is dialogue, not a gallery's title."""
    said = "« Je préférerais ne pas le faire », répondit-il."
    story = [STORY[0], said, STORY[1], said, STORY[2], said]
    body = "<article>" + "".join(f"<p>{p}</p>" for p in story) + "</article>"
    assert extract_article(page(body)).paragraphs == story


def test_prose_with_ideographic_commas_outscores_longer_lines_without() -> None:
    story = [
        "東京都は十日、夏のプールの営業を再開すると発表した、三年ぶりとなる、利用者の声に応えた形だ。",
        "工事費は約二億円で、来年一月に着工し、六月末の開業を目指す、と担当者は話した、という。",
        "水泳の団体は、秋から再開を求めていた、子どもたちにとって、とても良い知らせだと、歓迎した。",
    ]
    notice = "有料会員の方のみご利用になれます保存した記事はスマホやタブレットでもご覧いただけます"
    notices = "".join(f"<p>{notice}{n}{notice}</p>" for n in range(3))
    body = f"<div>{notices}</div><div>" + "".join(f"<p>{p}</p>" for p in story) + "</div>"
    assert extract_article(page(body)).paragraphs == story


def test_a_lead_that_opens_the_body_is_kept_once_and_the_page_text_has_it() -> None:
    head = f'<meta name="description" content="{STORY[0]}">'
    article = extract_article(page(story_html(), head).encode("utf-8"))
    assert article.lead == STORY[0] and article.paragraphs == STORY[1:]
    assert article.page_text == "\n\n".join(STORY)
    other = extract_article(page(story_html(), '<meta name="description" content="Bref.">'))
    assert other.page_text == other.body == "\n\n".join(STORY)


MENU = "".join(
    f"<div class='teaser'><p>Teaser {n}: what the council decided this week</p></div>"
    for n in range(3)
)


@pytest.mark.parametrize(
    "wrapper",
    [
        ("<div class='single-page hidden-contents-menu'>", "</div>"),
        ("<header id='page-header'>", "</header>"),
    ],
    ids=["furniture-word-in-a-wrapper-class", "broken-markup-header"],
)
def test_a_story_inside_furniture_is_found_by_the_pages_own_description(
    wrapper: tuple[str, str],
) -> None:
    """The wrapper's class names ("menu") or tag (a header left open) would hide the
    story, and what is left reads like prose; the description says where it starts."""
    head = f'<meta name="description" content="{STORY[0][:90]}…">'
    body = f"<div>{MENU}</div>{wrapper[0]}{story_html()}{wrapper[1]}"
    assert extract_article(page(body, head)).page_text == "\n\n".join(STORY)


def test_a_story_in_several_sections_of_one_article_is_read_whole() -> None:
    """A page builder's sections, each in a wrapper of its own between share tools and
    adverts: the sections of the best one's class in the same <article> come with it."""
    more = [
        "La mairie a aussi promis de revoir les horaires, trop courts selon les parents.",
        "Un comité d'usagers suivra les travaux et rendra un avis chaque trimestre.",
        "La première pierre sera posée en présence du préfet, a indiqué le cabinet du maire.",
    ]
    sections = "".join(
        f"<div class='row-{n}'><div class='col'><div class='wpb_wrapper'><p>{p}</p>"
        f"<p>{q}</p></div></div><div class='advert-slot'>Publicité</div></div>"
        for n, (p, q) in enumerate(zip(STORY, more, strict=True))
    )
    found = extract_article(page(f"<article>{sections}</article>")).paragraphs
    assert found == [x for pair in zip(STORY, more, strict=True) for x in pair]


def test_a_short_story_beside_an_aside_of_teasers_stays_the_story() -> None:
    teasers = "".join(
        f"<li><p>Most read {n}: the council votes on the new budget for the schools</p></li>"
        for n in range(6)
    )
    body = f"<article><p>{STORY[0][:100]}</p></article><aside><ul>{teasers}</ul></aside>"
    with pytest.raises(ArticleError, match="no story text"):  # too short to be believed
        extract_article(page(body))
    longer = body.replace(STORY[0][:100], STORY[0])
    assert extract_article(page(longer)).paragraphs == [STORY[0]]


def test_stories_of_a_list_are_not_read_as_one() -> None:
    second = (
        "La décision a été prise à une large majorité, a précisé le maire, après un long débat."
    )
    stories = "".join(
        f"<article><div class='detail__wrapper'><div class='detail__content'><p>{p}</p>"
        f"<p>{second}</p></div></div></article>"
        for p in STORY
    )
    found = extract_article(page(f"<main>{stories}</main>")).paragraphs
    assert len(found) == 2 and found[0] in STORY and found[1] == second


def test_soft_hyphens_in_a_page_are_gone_from_its_story() -> None:
    hyphenated = [
        p.replace("conseil", "con&shy;seil").replace("travaux", "tra&shy;vaux") for p in STORY
    ]
    body = "<article>" + "".join(f"<p>{p}</p>" for p in hyphenated) + "</article>"
    assert extract_article(page(body)).paragraphs == STORY


@pytest.mark.parametrize("tag", ["header", "nav"])
def test_a_story_left_inside_an_unclosed_layout_tag_is_read(tag: str) -> None:
    """Broken markup leaves the whole page inside a <header> (or <nav>): a layout tag
    holding most of the page and its article is a wrapper, not furniture; no description
    needed. Without the class names' help, teasers outside it stay out."""
    body = f"<{tag} id='top'><div class='logo'>Le Journal</div>{story_html()}</{tag}>"
    assert extract_article(page(f"<div>{MENU}</div>{body}")).paragraphs == STORY


@pytest.mark.parametrize(
    "sidebar",
    [
        "<aside>"
        + "".join(
            f"<article class='card'><p>Most read {n}: the council votes on the budget "
            f"for the schools, the parks and the roads of the district this week.</p></article>"
            for n in range(6)
        )
        + "</aside>",
        "<aside><h1>Most read</h1>"
        + "".join(
            f"<p>Teaser {n}: the council votes on the budget for the schools.</p>" for n in range(8)
        )
        + "</aside>",
    ],
    ids=["teaser-articles", "teasers-under-an-h1"],
)
def test_a_sidebar_bigger_than_the_story_is_not_taken_for_a_wrapper(sidebar: str) -> None:
    """Teaser cards are <article>s too, and a sidebar may have its <h1>: a layout tag is
    a wrapper only when the page's own article and title are inside it."""
    paragraphs = "".join(f"<p>{p}</p>" for p in STORY[:2])
    body = f"<main><article><h1>La piscine rouvre</h1>{paragraphs}</article></main>"
    assert extract_article(page(body + sidebar)).paragraphs == STORY[:2]


# A paragraph of each in turn, as a story in sections of two paragraphs has them.
ALTERNATED = [x for pair in zip(STORY, OTHER_STORY, strict=False) for x in pair]


def test_of_a_page_of_stories_the_one_its_description_opens_is_read() -> None:
    """An endless scroll: the page's own story, then a longer one after it, each an
    <article> of the list; the description says which is the page's."""
    stories = "".join(
        "<article class='list__item'><div class='detail__content'>"
        + "".join(f"<p>{p}</p>" for p in paragraphs)
        + "</div></article>"
        for paragraphs in (STORY, OTHER_STORY)
    )
    head = f'<meta name="description" content="{STORY[0][:90]}…">'
    assert extract_article(page(f"<main>{stories}</main>", head)).page_text == "\n\n".join(STORY)
    # Without the description the longest is read, whole and alone.
    assert extract_article(page(f"<main>{stories}</main>")).paragraphs == OTHER_STORY


def test_the_sections_of_one_story_are_read_whole_whatever_their_modifiers_say() -> None:
    """A test report: each section a text block of its own; "Section--Ads" says a section
    carries ad slots, not that it is one. The ad slots themselves still go."""
    sections = "".join(
        f"<section class='Report__Section Report__Section--Ads'><h2>Part {n}</h2>"
        f"<div class='cf-t'><p>{p}</p><p>{q}</p></div><div class='ad-slot'>Anzeige</div>"
        "</section>"
        for n, (p, q) in enumerate(zip(STORY, OTHER_STORY, strict=False))
    )
    found = extract_article(page(f"<article class='Report'>{sections}</article>"))
    assert [p for p in found.paragraphs if not p.startswith("## ")] == ALTERNATED
    assert "Anzeige" not in found.page_text


def test_a_story_in_rows_of_a_page_without_articles_is_read_whole() -> None:
    """No <article> on the page: the story's text blocks, each in a row beside a box of
    tips, share one class, and all of them are the story."""
    rows = "".join(
        f"<div class='row'><div class='column text-wrap'><div class='text'><p>{p}</p>"
        f"<p>{q}</p></div></div><div class='column infobox'><p>Tipp {n}: Radverleih am "
        "Bahnhof, Helme an der Kasse</p></div></div>"
        for n, (p, q) in enumerate(zip(STORY, OTHER_STORY, strict=False))
    )
    found = extract_article(page(f"<div class='content-wrapper'>{rows}</div>"))
    assert found.paragraphs == ALTERNATED


STEPS = [
    "Cut the foam to the width of the glass, less two centimetres, and soak it until it sinks.",
    "Dig a hole in the foam deep enough for the plant's roots, without going through.",
    "Set the plant in the hole and pin moss around it with bent wire.",
    "Lower the glass over the foam and turn it until the moss sits evenly.",
]


def test_a_story_told_in_steps_is_read_step_by_step() -> None:
    """A how-to (a live blog's posts, a listicle's slides) on a page without <article>:
    sections one after another in wrappers of one class, the first the longest, a module
    of links between them. The teasers beside a story, in wrappers of its wrapper's
    class, are not its steps."""
    steps = [
        f"<div class='mod step'><div class='stepContent'><span class='head'>Step {n}</span>"
        f"<p>{text}</p><figure><img src='/p/{n}.jpg'>"
        f"<figcaption>Step {n} (Photo: Lucy Akins)</figcaption></figure></div></div>"
        for n, text in enumerate(STEPS, start=1)
    ]
    related = (
        "<div class='RelatedContent'><h3>Other people are reading</h3><ul>"
        "<li><a href='/a'>How to build a terrarium with succulents</a></li>"
        "<li><a href='/b'>Plant terrarium ideas</a></li></ul></div>"
    )
    opening = f"<p>{STORY[0]}</p><p>{STORY[1]}</p>"
    how_to = (
        f"<div class='col-main'><div class='mod step'><div class='stepContent lead'>{opening}"
        f"</div></div>{steps[0]}{related}{''.join(steps[1:])}</div>"
    )
    found = extract_article(page(how_to)).paragraphs
    assert found == STORY[:2] + [x for n, s in enumerate(STEPS, 1) for x in (f"Step {n}", s)]

    teasers = "".join(
        f"<div class='card'><div class='card-body'><h3><a href='/s/{n}'>{title}</a></h3>"
        f"<p>{excerpt[:90]}</p></div></div>"
        for n, (title, excerpt) in enumerate(
            zip(("Budget vote", "Winter hours", "A spring hearing"), OTHER_STORY, strict=False)
        )
    )
    story = "".join(f"<p>{p}</p>" for p in STORY)
    unlinked = "".join(  # a headline in plain text, the link a "Read more" at the end
        f"<div class='card'><div class='card-body'><h3>Also today {n}</h3><p>{text[:90]}</p>"
        f"<a href='/s/{n}'>Read more</a></div></div>"
        for n, text in enumerate(OTHER_STORY[:3])
    )
    comments = "<h2>3 comments</h2>" + "".join(
        f"<div class='card'><div class='card-body'><p><b>Reader {n}</b>, 2 hours ago</p>"
        f"<p>{text}</p></div></div>"
        for n, text in enumerate(OTHER_STORY[:3])
    )
    grid = (
        f"<div class='grid'><div class='card'><div class='story'>{story}</div></div>{teasers}</div>"
    )
    assert extract_article(page(grid)).paragraphs == STORY
    for after in (unlinked, comments):  # nor are unlinked teasers, nor comments below a heading
        grid = f"<div class='grid'><div class='card'><div class='story'>{story}</div></div>"
        assert extract_article(page(f"{grid}{after}</div>")).paragraphs == STORY
