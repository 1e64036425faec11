"""Build a large aanews database fast: 10k, 100k or 500k stories, as a reader's would be.

    uv run python bench/build_db.py --stories 500000 --out /tmp/aanews-500k.db [--seed 1]

Deterministic for a seed. What is in it (see ``describe`` in the output):

- 130 feeds: AA's services in ten languages (tr, en, fr, ar, ru, es, de, bs, fa, ku)
  and their sections, plus a few blogs (stories keyed by guid, not by AA id);
- stories over three years, newest last inserted; titles and leads from words of
  each language (Turkish dotted/dotless i, accents, Arabic and Cyrillic script),
  a fifth with a body of several paragraphs, AA datelines, images, keywords;
  a few carry the rare word "zeplin"; some mention "Merkez Bankası";
- 5% of AA stories carried by a second feed; 3% revised (one to three earlier
  versions in ``revisions``), a third of those still marked updated;
- 60% read, 0.5% starred, 1% hidden; tags: a seventh of the stories tagged
  ``ekonomi``, some ``okunacak``/``önemli``/``dosya``; the sport feeds tagged ``spor``.

Stories are made in batches (``batches`` holds all the randomness: a seed gives the
same database), so memory stays flat whatever the size. (Made in a second process
they cost 15% more CPU, handed over through a pipe, for no clear gain in time on a
busy machine: not done.) Rows go in through one prepared INSERT with the
full-text trigger set aside, their index rows (folded as they are made, with the same
``fold`` as ``aanews_fold``; a sample is checked at the end) many per INSERT, and the
trigger is put back as it was (its SQL read from the schema), so the file is what
``store.ingest`` would have written. The kept-count triggers stay on. No ANALYZE: a
reader's database has no statistics either.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from store.db import open_db  # noqa: E402
from store.feeds import add_feed  # noqa: E402
from store.ingest import scoped_key, story_signature  # noqa: E402
from store.tags import ensure_tag  # noqa: E402
from store.text import fold  # noqa: E402

WORDS = {
    "tr": "Türkiye Cumhurbaşkanı İstanbul Ankara İzmir ekonomi ihracat büyüme enflasyon faiz "
    "deprem kurtarma ekipleri güvenlik toplantı açıklama bakanlık öğrenci öğretmen üniversite "
    "sağlık hastane ışık güneş yağış fırtına şehir köy çiftçi buğday fiyat piyasa borsa dolar "
    "altın petrol doğalgaz enerji yatırım şirket köprü otoyol havalimanı turizm müze festival "
    "milli takım maç gol lig oyuncu transfer Galatasaray Fenerbahçe Beşiktaş Gazze İsrail "
    "Ukrayna Rusya Avrupa NATO zirve görüşme anlaşma ateşkes insani yardım göçmen iklim "
    "orman yangını tarım meclis seçim belediye vali çocuk kadın gençlik olimpiyat madalya "
    "bilim teknoloji yapay zeka uydu uzay savunma İHA tatbikat ılık ılgaz Iğdır",
    "en": "president government minister parliament election reform economy growth inflation "
    "interest central bank market stocks oil energy nuclear security defense army border "
    "refugees humanitarian aid UN Gaza Israel Ukraine Russia Türkiye Ankara Istanbul "
    "Washington Brussels health hospital vaccine school university strike protest police "
    "court trial rights press journalist festival cinema football team match goal league "
    "coach player Olympics medal climate drought floods wildfires agriculture wheat summit "
    "talks agreement peace ceasefire diplomacy ambassador technology satellite space drone",
    "fr": "président gouvernement ministre Assemblée élection réforme économie croissance "
    "inflation taux Banque centrale marché bourse pétrole énergie nucléaire sécurité défense "
    "armée frontière réfugiés humanitaire ONU Gaza Israël Ukraine Russie Turquie Ankara "
    "Istanbul Paris Bruxelles Sénégal Maroc Algérie Tunisie Mali Niger Égypte santé hôpital "
    "vaccin école université grève manifestation police justice tribunal liberté presse "
    "journaliste culture cinéma musique football équipe match championnat entraîneur "
    "médaille climat sécheresse inondations forêt agriculture blé prix sommet accord paix "
    "cessez-le-feu coopération diplomatie déclaration région ville enfants femmes jeunes",
    "ar": "الرئيس الحكومة الوزير البرلمان الانتخابات الاقتصاد التضخم البنك المركزي السوق النفط "
    "الطاقة الأمن الدفاع الجيش الحدود اللاجئين المساعدات الأمم المتحدة غزة إسرائيل "
    "أوكرانيا روسيا تركيا أنقرة إسطنبول الصحة المستشفى المدرسة الجامعة الشرطة المحكمة "
    "الصحفي الثقافة كرة القدم المنتخب المباراة المناخ الجفاف الزراعة القمح القمة "
    "الاتفاق السلام وقف إطلاق النار الدبلوماسية السفير التكنولوجيا الفضاء",
    "ru": "президент правительство министр парламент выборы реформа экономика инфляция "
    "ставка Центральный банк рынок нефть энергетика безопасность оборона армия граница "
    "беженцы помощь ООН Газа Израиль Украина Россия Турция Анкара Стамбул здоровье "
    "больница школа университет полиция суд журналист культура футбол сборная матч "
    "климат засуха сельское хозяйство пшеница саммит соглашение мир перемирие "
    "дипломатия посол технологии спутник космос ёлка",
    "es": "presidente gobierno ministro parlamento elecciones reforma economía inflación "
    "banco central mercado petróleo energía seguridad defensa ejército frontera refugiados "
    "ayuda humanitaria ONU Gaza Israel Ucrania Rusia Turquía Ankara Estambul salud "
    "hospital escuela universidad huelga policía tribunal periodista cultura fútbol "
    "selección partido clima sequía agricultura trigo cumbre acuerdo paz alto el fuego "
    "diplomacia embajador tecnología satélite espacio niños mujeres jóvenes",
    "de": "Präsident Regierung Minister Parlament Wahl Reform Wirtschaft Inflation Zinsen "
    "Zentralbank Markt Börse Öl Energie Sicherheit Verteidigung Armee Grenze Flüchtlinge "
    "Hilfe UNO Gaza Israel Ukraine Russland Türkei Ankara Istanbul Berlin Gesundheit "
    "Krankenhaus Schule Universität Streik Polizei Gericht Journalist Kultur Fußball "
    "Nationalmannschaft Spiel Klima Dürre Landwirtschaft Weizen Gipfel Abkommen Frieden "
    "Waffenruhe Diplomatie Botschafter Technologie Satellit Weltraum Straße Größe",
    "bs": "predsjednik vlada ministar parlament izbori reforma ekonomija inflacija kamata "
    "centralna banka tržište nafta energija sigurnost odbrana vojska granica izbjeglice "
    "pomoć UN Gaza Izrael Ukrajina Rusija Turska Ankara Istanbul Sarajevo Mostar zdravlje "
    "bolnica škola univerzitet štrajk policija sud novinar kultura fudbal reprezentacija "
    "utakmica klima suša poljoprivreda pšenica samit sporazum mir primirje diplomatija "
    "ambasador tehnologija satelit svemir djeca žene mladi čelik đak",
    "fa": "رئیس‌جمهور دولت وزیر مجلس انتخابات اقتصاد تورم بانک مرکزی بازار نفت انرژی امنیت "
    "دفاع ارتش مرز پناهجویان کمک سازمان ملل غزه اسرائیل اوکراین روسیه ترکیه آنکارا "
    "استانبول تهران سلامت بیمارستان مدرسه دانشگاه پلیس دادگاه خبرنگار فرهنگ فوتبال "
    "تیم ملی مسابقه اقلیم خشکسالی کشاورزی گندم نشست توافق صلح آتش‌بس دیپلماسی سفیر فناوری",
    "ku": "serok hikûmet wezîr parlamento hilbijartin aborî enflasyon banka navendî bazar "
    "petrol enerjî ewlehî artêş sînor penaber alîkarî Neteweyên Yekbûyî Gazze Îsraîl "
    "Ûkrayna Rûsya Tirkiye Enqere Stenbol Amed tenduristî nexweşxane dibistan zanîngeh "
    "polîs dadgeh rojnamevan çand futbol tîma neteweyî maç avhewa ziwahî çandinî genim "
    "civîn peyman aştî agirbest dîplomasî balyoz teknolojî satelît zarok jin ciwan",
}
SECTIONS = ["gundem", "dunya", "ekonomi", "spor", "politika", "saglik", "kultur", "teknoloji"]
SPORT = "spor"
DATELINES = ["ANKARA", "İSTANBUL", "İZMİR", "GAZZE", "BRÜKSEL", "MOSKOVA", "KAHİRE", "PARİS"]
FOLDED_DATELINES = {d: fold(d) for d in DATELINES}
KEYWORDS = ["Gazze", "ekonomi", "seçim", "deprem", "NATO", "İklim"]
KEYWORD_PAIRS = [
    json.dumps([a, b], ensure_ascii=False) for a in KEYWORDS for b in KEYWORDS if a != b
]
# Sections per language: 10 languages x 8 sections + 2 extra tr sections = 82 AA feeds.
AA_TIME = timezone(timedelta(hours=3))
START = datetime(2023, 12, 1, tzinfo=UTC)
SPAN_S = 3 * 365 * 86400
BATCH = 6000
CLAUSES = 3000  # per language
SENTENCES = 30000  # per language, each three clauses
PARAGRAPHS = 5000  # per language, each two to five sentences: bodies are three to eight
FTS_ROWS_PER_INSERT = 6000  # 5 parameters each
COLUMNS = (
    "key, guid, link, title, summary, body, published, published_ts, updated, lang, image, "
    "dateline, location, category, authors, flags, keywords, feed_sig, first_seen, last_seen, "
    "changed_at, read, starred, is_updated, hidden"
)
NCOLS = COLUMNS.count(",") + 1


class Writer:
    """Sentences from a language's words, each with its folded text, cheaply.

    ``fold`` works character by character, so a sentence made of clauses folds
    to the clauses' folds joined: the index text costs nothing more to make.
    """

    def __init__(self, rng: random.Random, lang: str):
        words = WORDS[lang].split()
        self.random = rng.random
        plain = [" ".join(rng.choices(words, k=rng.randint(3, 6))) for _ in range(CLAUSES)]
        capital = [c[0].upper() + c[1:] for c in plain]
        self.plain = [(c, fold(c)) for c in plain]
        self.capital = [(c, fold(c)) for c in capital]
        self.sentences = [self._sentence() for _ in range(SENTENCES)]
        # Bodies from a pool of paragraphs, as sentences are from a pool: a body's words
        # are the same mix either way, and making one costs a seventh of the time.
        paragraphs = [self.lines(2 + int(self.random() * 4)) for _ in range(PARAGRAPHS)]
        self.paragraphs = [p for p, _ in paragraphs]
        self.folded_paragraphs = [f for _, f in paragraphs]

    def _sentence(self) -> tuple[str, str]:
        r, p = self.random, self.plain
        a, fa = self.capital[int(r() * CLAUSES)]
        b, fb = p[int(r() * CLAUSES)]
        c, fc = p[int(r() * CLAUSES)]
        return f"{a} {b} {c}.", f"{fa} {fb} {fc}."

    def sentence(self) -> tuple[str, str]:
        return self.sentences[int(self.random() * SENTENCES)]

    def title(self) -> tuple[str, str]:
        a, fa = self.capital[int(self.random() * CLAUSES)]
        b, fb = self.plain[int(self.random() * CLAUSES)]
        return f"{a} {b}", f"{fa} {fb}"

    def lines(self, count: int) -> tuple[str, str]:
        pairs = [self.sentence() for _ in range(count)]
        return " ".join([p for p, _ in pairs]), " ".join([f for _, f in pairs])

    def body(self) -> tuple[str, str]:
        """Three to eight paragraphs, with their folded text."""
        r = self.random
        picks = [int(r() * PARAGRAPHS) for _ in range(3 + int(r() * 6))]
        plain, folded = self.paragraphs, self.folded_paragraphs
        return "\n\n".join([plain[i] for i in picks]), "\n\n".join([folded[i] for i in picks])


def make_feeds(db) -> list[dict]:  # type: ignore[no-untyped-def]
    feeds: list[dict] = []
    for lang in WORDS:
        sections = SECTIONS + (["yasam", "bilim"] if lang == "tr" else [])
        for section in sections:
            url = f"https://www.aa.com.tr/{lang}/rss/default?cat={section}"
            tags = [SPORT] if section == "spor" else None
            feed = add_feed(
                db, url, title=f"AA {lang} {section}", lang=lang, category=section, tags=tags
            )
            feeds.append({"id": feed.id, "lang": lang, "section": section, "aa": True})
    for n in range(48):
        lang = ("en", "tr", "fr", "de")[n % 4]
        feed = add_feed(db, f"https://blog{n}.example.org/feed.xml", title=f"Blog {n}", lang=lang)
        feeds.append({"id": feed.id, "lang": lang, "section": "blog", "aa": False})
    return feeds


def story(rng: random.Random, writers: dict, feed: dict, n: int, total: int, now: str):  # type: ignore[no-untyped-def]
    """Story number ``n`` of ``total``: its ``items`` row (COLUMNS order) and index text."""
    w = writers[feed["lang"]]
    title, title_f = w.title()
    r = rng.random  # randint costs ten times as much; this runs millions of times
    lead, lead_f = w.lines(2 + int(r() * 3))
    extra = ""
    if feed["lang"] == "tr" and rng.random() < 0.01:
        extra = " Merkez Bankası faiz kararını açıkladı."
    if n % max(1, total // 12) == 7:
        extra += " Bir zeplin görüldü."
    lead, lead_f = lead + extra, lead_f + fold(extra)
    body = body_f = ""
    if rng.random() < 0.2:
        body, body_f = w.body()
    ts = START.timestamp() + SPAN_S * n / total + rng.random() * 600
    published = datetime.fromtimestamp(ts, AA_TIME if feed["aa"] else UTC)
    if feed["aa"]:
        aa_id = 2_000_000 + n
        key = f"aa:{aa_id}"
        link = f"https://www.aa.com.tr/{feed['lang']}/{feed['section']}/haber/{aa_id}"
        guid, dateline = link, DATELINES[n % len(DATELINES)]
        image = f"https://cdnuploads.aa.com.tr/uploads/Contents/{aa_id}.jpg"
    else:
        link = f"https://blog.example.org/{feed['id']}/{n}"
        key, guid, dateline, image = scoped_key(feed["id"], f"guid:{link}"), link, None, None
    keywords = "[]"
    if rng.random() < 0.3:
        keywords = KEYWORD_PAIRS[int(r() * len(KEYWORD_PAIRS))]
    flags = '["son dakika"]' if rng.random() < 0.02 else "[]"
    sig = story_signature(title, lead, body, None)
    state = rng.random()
    read, starred, hidden = int(state < 0.6), int(0.6 <= state < 0.605), int(state >= 0.99)
    row = (
        key,
        guid,
        link,
        title,
        lead,
        body,
        published.isoformat(),
        ts,
        None,
        feed["lang"],
        image,
        dateline,
        dateline.title() if dateline else None,
        feed["section"],
        "[]",
        flags,
        keywords,
        sig,
        now,
        now,
        None,
        read,
        starred,
        0,
        hidden,
    )
    return row, (title_f, lead_f, body_f, FOLDED_DATELINES.get(dateline, ""))


def insert_rows(db, rows: list[tuple], index: list[tuple]) -> list[int]:  # type: ignore[no-untyped-def]
    """The rows (one prepared INSERT, many times), then their index rows many per INSERT.

    The ids are the next ones in order (a new table, nothing deleted: SQLite gives
    max(id) + 1), checked after; ``RETURNING id`` cost a fifth of the inserts' time.
    """
    first = int(db.conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM items").fetchone()[0])
    marks = "(" + ", ".join("?" * NCOLS) + ")"
    db.conn.executemany(f"INSERT INTO items ({COLUMNS}) VALUES {marks}", rows)
    ids = list(range(first, first + len(rows)))
    if int(db.conn.execute("SELECT MAX(id) FROM items").fetchone()[0]) != ids[-1]:
        raise SystemExit("stories did not get the ids expected")
    for start in range(0, len(rows), FTS_ROWS_PER_INSERT):
        chunk = index[start : start + FTS_ROWS_PER_INSERT]
        params = [
            v for item_id, text in zip(ids[start:], chunk, strict=False) for v in (item_id, *text)
        ]
        db.conn.execute(
            "INSERT INTO items_fts (rowid, title, summary, body, dateline) VALUES "
            + ", ".join(["(?, ?, ?, ?, ?)"] * len(chunk)),
            params,
        )
    return ids


def revisions_for(rng: random.Random, writers: dict, ids: list[int], rows: list[tuple], now: str):  # type: ignore[no-untyped-def]
    """3% of the batch gets earlier versions; a third of those still shows as updated."""
    revisions, updated = [], []
    for item_id, row in zip(ids, rows, strict=True):
        if rng.random() >= 0.03:
            continue
        w = writers[row[9]]
        for k in range(rng.randint(1, 3)):
            seen = (datetime.fromisoformat(row[6]) + timedelta(minutes=10 * (k + 1))).isoformat()
            revisions.append((item_id, seen, w.title()[0], w.sentence()[0], "", None))
        if rng.random() < 0.33:
            updated.append((now, item_id))
    return revisions, updated


def batches(total: int, seed: int, feeds: list[dict], tag_ids: dict, now: str):  # type: ignore[no-untyped-def]
    """Every batch of stories, with its links, tags and revisions: all the randomness.

    Ids are given in order from 1 (``insert_rows`` checks SQLite gave the same).
    """
    rng = random.Random(seed)
    writers = {lang: Writer(rng, lang) for lang in WORDS}
    aa_feeds = [f for f in feeds if f["aa"]]
    for start in range(0, total, BATCH):
        picks = [
            rng.choice(feeds) if rng.random() < 0.1 else rng.choice(aa_feeds)
            for _ in range(min(BATCH, total - start))
        ]
        made = [story(rng, writers, f, start + i, total, now) for i, f in enumerate(picks)]
        rows = [row for row, _ in made]
        ids = list(range(start + 1, start + 1 + len(rows)))
        links = [(f["id"], i) for f, i in zip(picks, ids, strict=True)]
        links += [
            (rng.choice(aa_feeds)["id"], i)
            for f, i in zip(picks, ids, strict=True)
            if f["aa"] and rng.random() < 0.05
        ]
        tags = [(i, tag_ids["ekonomi"]) for i in ids if rng.random() < 1 / 7]
        tags += [
            (i, tag_ids[rng.choice(["okunacak", "önemli", "dosya"])])
            for i in ids
            if rng.random() < 0.03
        ]
        yield (
            rows,
            [text for _, text in made],
            links,
            tags,
            *revisions_for(rng, writers, ids, rows, now),
        )


def build(path: Path, total: int, seed: int) -> dict:
    """Fill a new database at ``path`` with ``total`` stories; returns what it holds."""
    if path.exists():
        raise SystemExit(f"{path} exists: remove it first")
    db = open_db(path)
    db.execute("PRAGMA cache_size = -262144")  # 256 MiB while building
    # No journal while building (a failed build is thrown away); WAL again at the end,
    # as store.db.open_db leaves every file.
    db.execute("PRAGMA journal_mode = OFF")
    db.execute("PRAGMA synchronous = OFF")
    feeds = make_feeds(db)
    tag_ids = {name: ensure_tag(db, name) for name in ("ekonomi", "okunacak", "önemli", "dosya")}
    trigger = db.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'items_fts_insert'"
    ).fetchone()[0]
    now = datetime.now(AA_TIME).isoformat(timespec="seconds")
    # Secondary indexes are made once at the end, from sorted rows (their SQL kept).
    indexes = [
        (name, sql)
        for name, sql in db.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            "AND tbl_name IN ('items', 'item_feeds', 'item_tags', 'revisions')"
        ).fetchall()
    ]
    with db.conn:  # the index is written here, merged once at the end
        db.conn.execute("DROP TRIGGER items_fts_insert")
        for name, _ in indexes:
            db.conn.execute(f"DROP INDEX {name}")
        db.conn.execute("INSERT INTO items_fts (items_fts, rank) VALUES ('automerge', 0)")
    for rows, index, links, tags, revisions, updated in batches(total, seed, feeds, tag_ids, now):
        with db.conn:
            if insert_rows(db, rows, index)[0] != links[0][1]:  # the ids the batch was made for
                raise SystemExit("stories did not get the ids they were made for")
            db.conn.executemany("INSERT OR IGNORE INTO item_feeds VALUES (?, ?)", links)
            db.conn.executemany("INSERT OR IGNORE INTO item_tags VALUES (?, ?)", tags)
            db.conn.executemany(
                "INSERT INTO revisions (item_id, seen_at, title, summary, body, updated) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                revisions,
            )
            db.conn.executemany(
                "UPDATE items SET is_updated = 1, changed_at = ? WHERE id = ?", updated
            )
    with db.conn:
        db.conn.execute(trigger)
        for _, sql in indexes:
            db.conn.execute(sql)
        db.conn.execute("INSERT INTO items_fts (items_fts) VALUES ('optimize')")
        db.conn.execute("INSERT INTO items_fts (items_fts, rank) VALUES ('automerge', 4)")
    check_index(db, random.Random(seed))
    db.execute("PRAGMA journal_mode = WAL")
    facts = describe(db)
    db.close()
    return facts


def check_index(db, rng: random.Random) -> None:  # type: ignore[no-untyped-def]
    """The index rows made here are what the trigger would have written (a sample)."""
    top = db.execute("SELECT MAX(id) FROM items").fetchone()[0] or 0
    for item_id in {rng.randint(1, top) for _ in range(300)}:
        fresh = db.execute(
            "SELECT aanews_fold(title), aanews_fold(summary), aanews_fold(body), "
            "aanews_fold(dateline) FROM items WHERE id = ?",
            [item_id],
        ).fetchone()
        stored = db.execute(
            "SELECT title, summary, body, dateline FROM items_fts WHERE rowid = ?", [item_id]
        ).fetchone()
        if fresh is not None and tuple(fresh) != tuple(stored):
            raise SystemExit(f"index text of story {item_id} differs from aanews_fold")


def describe(db) -> dict:  # type: ignore[no-untyped-def]
    """What the database holds; the stories' shares in one pass over them (each pass
    reads every row's overflow pages: a second at 500,000 stories)."""
    one = lambda sql: db.execute(sql).fetchone()[0]  # noqa: E731
    stories, langs, body, read, starred, hidden, updated = db.execute(
        "SELECT COUNT(*), COUNT(DISTINCT lang), SUM(body != ''), SUM(read), SUM(starred), "
        "SUM(hidden), SUM(is_updated) FROM items"
    ).fetchone()
    return {
        "stories": stories,
        "feeds": one("SELECT COUNT(*) FROM feeds"),
        "languages": langs,
        "with body": body,
        "read": read,
        "starred": starred,
        "hidden": hidden,
        "updated": updated,
        "revisions": one("SELECT COUNT(*) FROM revisions"),
        "item tags": one("SELECT COUNT(*) FROM item_tags"),
        "in two feeds": one(
            "SELECT COUNT(*) FROM (SELECT item_id FROM item_feeds GROUP BY item_id "
            "HAVING COUNT(*) > 1)"
        ),
        "index rows": one("SELECT COUNT(*) FROM items_fts"),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--stories", type=int, default=100_000)
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args(argv)
    if not 1 <= a.stories <= 5_000_000:
        ap.error("--stories must be 1..5,000,000")
    began = time.perf_counter()
    facts = build(a.out, a.stories, a.seed)
    facts["seconds"] = round(time.perf_counter() - began, 1)
    facts["MiB"] = round(a.out.stat().st_size / 2**20)
    print(json.dumps(facts, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
