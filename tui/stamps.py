"""Publication and update stamps, and AA's title flags, in the story's own language.

"Publié 23.07.2021 14:05, il y a 2 j · Mis à jour 24.07.2021 09:30, 19 h plus tard":
a wire reader wants both dates, in the article's language, and how far apart.
The flags (``store.aa.flags``: "breaking", "update") read as AA's own words:
"SON DAKİKA", "URGENT", "عاجل".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class StampWords:
    """The words a language uses around a story's two dates."""

    published: str
    updated: str
    later: str  # "{} later": the update, measured from publication
    ago: str  # "{} ago": publication, measured from now
    minutes: str
    hours: str
    days: str
    comma: str = ", "  # Arabic script has its own: "،"


WORDS: dict[str, StampWords] = {
    "en": StampWords("Published", "Updated", "{} later", "{} ago", "min", "h", "d"),
    "tr": StampWords("Yayınlanma", "Güncelleme", "{} sonra", "{} önce", "dk", "sa", "gün"),
    "fr": StampWords("Publié", "Mis à jour", "{} plus tard", "il y a {}", "min", "h", "j"),
    "es": StampWords("Publicado", "Actualizado", "{} después", "hace {}", "min", "h", "d"),
    "ar": StampWords("نُشر", "محدث", "بعد {}", "منذ {}", "دقيقة", "ساعة", "يوم", "، "),
    "ru": StampWords("Опубликовано", "Обновлено", "{} спустя", "{} назад", "мин", "ч", "дн"),
    "fa": StampWords("منتشر شده", "به‌روزرسانی", "{} بعد", "{} پیش", "دقیقه", "ساعت", "روز", "، "),
    "de": StampWords("Veröffentlicht", "Aktualisiert", "{} später", "vor {}", "Min.", "Std.", "T."),
}


def edition(lang: str | None) -> str:
    """The base language of a code: 'pt-BR' -> 'pt', None -> 'en'."""
    return (lang or "en").split("-")[0].split("_")[0].lower()


AGO_WITHIN = timedelta(days=30)


def words_for(lang: str | None) -> StampWords:
    """The stamp words for a language code ('fr', 'pt-BR'...), English if unknown."""
    return WORDS.get(edition(lang), WORDS["en"])


def span(delta: timedelta, words: StampWords) -> str:
    """A duration in the largest whole unit: '45 min', '19 h', '2 j'."""
    minutes = max(int(delta.total_seconds() // 60), 0)
    if minutes < 60:
        return f"{minutes} {words.minutes}"
    if minutes < 24 * 60:
        return f"{minutes // 60} {words.hours}"
    return f"{minutes // (24 * 60)} {words.days}"


def stamp_line(
    published: datetime | None,
    updated: datetime | None,
    lang: str | None,
    now: datetime,
    date_format: str,
) -> str:
    """The stamp line of a story; dates shown in the story's own offset."""
    words = words_for(lang)
    parts: list[str] = []
    if published is not None:
        text = f"{words.published} {published.strftime(date_format)}"
        if now - published < AGO_WITHIN:  # "il y a 1693 j" says less than the date
            text += words.comma + words.ago.format(span(now - published, words))
        parts.append(text)
    if updated is not None and (published is None or updated > published):
        text = f"{words.updated} {updated.strftime(date_format)}"
        if published is not None:
            text += words.comma + words.later.format(span(updated - published, words))
        parts.append(text)
    return " · ".join(parts)


# How each edition words AA's title flags (the prefixes store.aa.flags takes off).
FLAG_WORDS: dict[str, dict[str, str]] = {
    "breaking": {
        "en": "BREAKING",
        "tr": "SON DAKİKA",
        "fr": "URGENT",
        "es": "ÚLTIMA HORA",
        "ar": "عاجل",
        "ru": "СРОЧНО",
        "fa": "فوری",
        "de": "EILMELDUNG",
    },
    "update": {
        "en": "UPDATE",
        "tr": "GÜNCELLEME",
        "fr": "MISE À JOUR",
        "es": "ACTUALIZACIÓN",
        "ar": "محدث",
        "ru": "ОБНОВЛЕНО",
        "fa": "به‌روزرسانی",
        "de": "AKTUALISIERT",
    },
}


def flag_label(flag: str, lang: str | None) -> str:
    """A flag as the story's edition writes it ("SON DAKİKA"); English if unknown."""
    words = FLAG_WORDS.get(flag)
    if words is None:
        return flag.upper()
    return words.get(edition(lang), words["en"])
