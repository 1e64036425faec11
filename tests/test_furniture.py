"""Lines that are page furniture (bylines, captions, share prompts, notices, page
numbers, paywalls), and story sentences that only look like them."""

from __future__ import annotations

import pytest

from store.pages.furniture import is_byline, is_furniture_line


@pytest.mark.parametrize(
    "line",
    [
        "Par Claire Dubois, à Nantes",
        "By Sam Okafor and Ella Whitcombe",
        "Von Gerda Lindner - 03.03.2026",
        "بقلم سارة الحمد",
    ],
)
def test_bylines_in_several_languages(line: str) -> None:
    assert is_byline(line)


@pytest.mark.parametrize(
    "line",
    [
        "Comments are closed.",
        "Yorum yapabilmek için giriş yapmalısınız.",
        "Les commentaires sont fermés.",
        "كن أول من يعلق على هذا الخبر",
        "Share on Facebook",
        "Facebook'ta paylaş",
        "Publicité",
        "Lesen Sie auch: Neue Buslinie ab Dezember",
        "Volunteers at the quay. (Photo: Sam Okafor)",
        "14:05",
        "6 min read",
        "Haberin Devamı",
        "（1/3ページ）",
        "Page 2 of 5",
        "Seite 1 von 3",
        "Página 1 de 4",
        "Subscribe to continue reading.",
        "Already a subscriber? Log in",
        "Cet article est réservé aux abonnés.",
        "［有料会員限定］ この記事は会員限定です。電子版に登録すると続きをお読みいただけます。",
        "View this post on Instagram",
        "A post shared by Spice Girls (@spicegirls) on Jun 16, 2019 at 7:30am PDT",
        "Une publication partagée par Musée du Louvre (@museelouvre)",
        "Category: Blog Popular",
        "Catégories : Culture, Musique",
        "Tags: elections, parliament",
        "Filed under: Politics",
        "Kommentare geschlossen",
        "12.10.2015, 19:16 Uhr",
        "10:42 am GMT",
        "mehr anzeigen",
        "Bild vergrößern",
        "See more photos",
        "Weitere Bilder",
        "Read more",
        "20. Mai 2019",
        "January 22, 2014",
        "27 May 2026",
        "Pages: 1 2 3 4",
        "© privat",
        "© 2019 Science X Network",
        "Topics",
        "Our Standards: The Thomson Reuters Trust Principles.",
        "™ & © 2013 Cable News Network, Inc., a Time Warner Company. All rights reserved.",
        "Copyright 2023 Scripps Media, Inc. All rights reserved.",
        "Image copyright Getty Images",
        "Image caption Protesters gathered outside parliament on Monday",
        "(Photo by Jane Doe/Getty Images)",
        "AFP via Getty Images",
        "Media playback is unsupported on your device",
        "Continue reading the main story",
        "Advertisement - Continue Reading Below",
        "Sign up for our daily newsletter",
        "Follow us on Twitter",
        "Loading...",
        "We use cookies to give you the best experience on our website and to show you "
        "relevant advertising; by continuing to browse you agree to our use of cookies, "
        "which you can change at any time in your settings, as our cookie policy explains.",
        "You are using an outdated browser. Please upgrade your browser.",
        "Thanks for reading.",
        "SHARE THIS",
        "Follow us on Facebook, Twitter and Instagram.",
        "Subscribe to our newsletter.",
        "Click here to read the full report.",
        "Posted in News | Tagged Elections",
        "Filed under Politics",
        "Tags: Brexit (UK)",
        "Partager",
        "Copyright 2024 The Associated Press. All rights reserved. This material may not be "
        "published, broadcast, rewritten or redistributed.",
    ],
)
def test_furniture_lines_in_several_languages(line: str) -> None:
    assert is_furniture_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "By the end of the week the river had risen by two metres, the agency said.",
        "Comments from residents at the meeting were mostly about parking and the new bus lane.",
        "Readers who share photos of the storm are asked to stay away from the sea wall.",
        "2 of the 5 ministers resigned",
        "Page 2 of the report says so",
        "The club said its members, already a subscriber base of thousands, would vote.",
        "Tags on the lockers were checked twice a day, the manager said.",
        "Posted in a hurry, the video was taken down within the hour by its author.",
        "Category by category, the panel went through the entries again on Friday.",
        "Am 12. Oktober um 19 Uhr beginnt das Fest.",
        "Read more books, the minister told the pupils.",
        "May the best team win, the coach said on Sunday.",
        "March 2019 was the wettest month on record in the county.",
        "Topics at the meeting ranged from parking to the new library.",
        "All rights reserved by the estate would pass to the buyer, the lawyer said.",
        "A photo by the agency showed the damage to the harbour wall.",
        "Supported by the council, the club opened a second pitch in May.",
        "Loading the lorries took most of the night, the drivers said.",
        "Follow the river path to the old mill and turn left at the bridge.",
        "Thanks to the volunteers, reading lessons resumed at the library on Monday.",
        "Image captioning tools, which describe photos for blind users, use the same models.",
        "Thank you for reading this column for the past thirty years. When I started, the "
        "paper still had a typewriter in every office.",
        "We use cookies, the company says, only to remember which language a reader chose.",
        "A post shared by the president on Sunday drew two million views within hours.",
        "Photos by the agency showed the damage to the harbour wall.",
        "In Britain, Stability AI is being sued by Getty Images.",
        "Click here, the scammers wrote in the fake message to the bank's customers.",
        "Image copyright law in France protects photographers for seventy years.",
        "Our standards have not changed, the editor said.",
        "Filed under seal, the documents were released on Monday (see below)",
        "Tags: the police had noticed them on the walls, residents say »",
        "Copyright law was changed in 2019, and all rights reserved by authors were kept.",
    ],
)
def test_story_sentences_with_those_words_stay(line: str) -> None:
    assert not is_byline(line)
    assert not is_furniture_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "By Tuesday, officials said, the first stones would be laid.",
        "By Tuesday, officials said",
        "Di Maio ha detto che il governo andrà avanti con la riforma.",
        "Von Anfang an war klar, dass die Brücke zu teuer wird.",
        "Par ailleurs, le maire a annoncé une réunion publique.",
        "By the end of March",
    ],
)
def test_story_sentences_opening_with_by_are_not_bylines(line: str) -> None:
    assert not is_byline(line)


def test_a_byline_with_a_role_or_a_place_is_a_byline() -> None:
    assert is_byline("By Jane Doe and John Roe")
    assert is_byline("By Harriet Cole, Heritage Reporter")
    assert is_byline("Di Mario Rossi")
    assert is_byline("By Jane Doe in Manchester")


@pytest.mark.parametrize(
    "line",
    ["## 2019", "## March 2020", "## Share", "## The lawsuit against Getty Images"],
)
def test_a_stories_own_subheads_are_no_furniture(line: str) -> None:
    """A heading of the page is judged as one: a year, a date, a word that a button also
    says, a title ending with an agency's name."""
    assert not is_furniture_line(line)


def test_a_subhead_that_is_a_label_or_a_link_is_furniture() -> None:
    assert is_furniture_line("## Advertisement")
    assert is_furniture_line("## Read more: the council's plans for the harbour")
