"""Deterministic AA-shaped feeds for tests: RSS 2.0 or Atom, a pure function of their inputs.

Each feed looks like ``https://www.aa.com.tr/{lang}/rss/default?cat={cat}``: items
with a numeric AA id in the link (and as the guid), a title with Turkish letters or
French accents, an HTML description (CDATA on odd items, entity-escaped on even
ones), an RFC 822 ``pubDate`` in Istanbul time and AA's non-standard ``<image>``
on most items. ``shift=K`` gives the same feed with K newer items on top and the K
oldest gone, as a feed looks K stories later.
"""

from __future__ import annotations

import html
import random
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

ISTANBUL = timezone(timedelta(hours=3))
START = datetime(2026, 3, 2, 7, 30, tzinfo=ISTANBUL)
LANGS = ("tr", "fr", "en")
SECTIONS = {
    "tr": ("gundem", "dunya", "ekonomi", "spor", "kultur"),
    "fr": ("monde", "afrique", "economie", "sport", "culture"),
    "en": ("world", "turkiye", "economy", "sports", "culture"),
}
WORDS = {
    "tr": "İstanbul Ankara Şırnak Iğdır Çanakkale ekonomi ihracat öğrenci ışık güneş yağış "
    "fırtına köprü havalimanı müze sergi şampiyonluk seçim belediye meclis çiftçi buğday "
    "piyasa borsa yatırım enerji doğalgaz uydu savunma tatbikat zirve görüşme",
    "fr": "président ministre élection réforme économie sécurité défense réfugiés santé "
    "hôpital école université grève été côte forêt sécheresse blé pêche accord paix "
    "négociations coopération Genève Sénégal Côte d'Ivoire Algérie Égypte festival",
    "en": "president minister parliament election economy growth inflation security border "
    "refugees health hospital school university strike court football league coach "
    "climate drought floods wildfires summit talks ceasefire satellite drone navy",
}
ID_BASE = 3_100_000


def feed_lang(feed: int) -> str:
    """The language of feed number ``feed``."""
    return LANGS[feed % len(LANGS)]


def feed_url(feed: int) -> str:
    """The AA URL feed number ``feed`` stands for."""
    lang = feed_lang(feed)
    return f"https://www.aa.com.tr/{lang}/rss/default?cat={SECTIONS[lang][feed % 5]}"


def make_item(seed: int, feed: int, seq: int) -> dict[str, object]:
    """Story number ``seq`` (0 is the oldest) of feed ``feed``: the same every time."""
    rng = random.Random(f"aanews:{seed}:{feed}:{seq}")
    lang = feed_lang(feed)
    words = WORDS[lang].split()

    def sentence(low: int, high: int) -> str:
        text = " ".join(rng.choice(words) for _ in range(rng.randint(low, high)))
        return text[0].upper() + text[1:]

    title = sentence(5, 11)
    lead = [sentence(7, 15) + "." for _ in range(rng.randint(1, 4))]
    item_id = ID_BASE + feed * 50_000 + seq
    slug = "-".join(title.lower().split()[:6]).replace("'", "")
    link = f"https://www.aa.com.tr/{lang}/{SECTIONS[lang][feed % 5]}/{slug}/{item_id}"
    published = START + timedelta(minutes=11 * seq, seconds=rng.randint(0, 240))
    image = None
    if rng.random() < 0.75:
        image = (
            f"https://cdnuploads.aa.com.tr/uploads/Contents/{published:%Y/%m/%d}/"
            f"thumbs_b_c_{rng.getrandbits(64):016x}.jpg?v={rng.randint(10000, 99999)}"
        )
    description = "".join(f"<p>{html.escape(line)}</p>" for line in lead)
    return {
        "id": item_id,
        "link": link,
        "title": title,
        "description": description,
        "published": published,
        "image": image,
        "lang": lang,
        "cdata": bool(seq % 2),
    }


def render_rss(seed: int, feed: int, items: int, shift: int = 0) -> str:
    """Feed ``feed`` as AA's RSS 2.0, newest first."""
    lang = feed_lang(feed)
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<rss version="2.0"><channel>',
        f"<title>Anadolu Ajansı - {escape(SECTIONS[lang][feed % 5])}</title>",
        f"<link>https://www.aa.com.tr/{lang}</link>",
        f"<description>AA {lang}</description><language>{lang}</language>",
    ]
    for seq in range(shift + items - 1, shift - 1, -1):
        item = make_item(seed, feed, seq)
        description = str(item["description"])
        body = f"<![CDATA[{description}]]>" if item["cdata"] else escape(description)
        out += [
            "<item>",
            f'<guid isPermaLink="false">{item["id"]}</guid>',
            f"<link>{escape(str(item['link']))}</link>",
            f"<title>{escape(str(item['title']))}</title>",
            f"<description>{body}</description>",
            f"<pubDate>{format_datetime(item['published'])}</pubDate>",  # type: ignore[arg-type]
        ]
        if item["image"]:
            out.append(f"<image>{escape(str(item['image']))}</image>")
        out.append("</item>")
    out.append("</channel></rss>")
    return "\n".join(out) + "\n"


def render_atom(seed: int, feed: int, items: int, shift: int = 0) -> str:
    """The same stories as an Atom feed."""
    lang = feed_lang(feed)
    newest = make_item(seed, feed, shift + items - 1)["published"]
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{lang}">',
        f"<title>Anadolu Ajansı {lang}</title>",
        f'<link href="https://www.aa.com.tr/{lang}"/>',
        f"<id>{escape(feed_url(feed))}</id>",
        f"<updated>{newest.isoformat()}</updated>",  # type: ignore[attr-defined]
    ]
    for seq in range(shift + items - 1, shift - 1, -1):
        item = make_item(seed, feed, seq)
        out += [
            "<entry>",
            f"<id>{escape(str(item['link']))}</id>",
            f'<link href="{escape(str(item["link"]))}"/>',
            f"<title>{escape(str(item['title']))}</title>",
            f'<summary type="html">{escape(str(item["description"]))}</summary>',
            f"<published>{item['published'].isoformat()}</published>",  # type: ignore[attr-defined]
            f"<updated>{item['published'].isoformat()}</updated>",  # type: ignore[attr-defined]
            "</entry>",
        ]
    out.append("</feed>")
    return "\n".join(out) + "\n"


def write_feeds(out: Path, feeds: int, items: int, seed: int = 1, fmt: str = "rss") -> list[Path]:
    """Write ``feeds`` feeds of ``items`` stories to ``out/feed_NNNN.xml``; their paths."""
    out.mkdir(parents=True, exist_ok=True)
    render = render_rss if fmt == "rss" else render_atom
    paths = []
    for feed in range(feeds):
        path = out / f"feed_{feed:04d}.xml"
        path.write_text(render(seed, feed, items), encoding="utf-8")
        paths.append(path)
    return paths
