"""Every time the reader shows, and AA's title flags, in one place.

The clock: times are shown in the reader's own zone ("local", the default), in
a named zone ("Europe/Istanbul"), or each story's own clock with its offset
named ("story": "10:40 (+03:00)"); the list, the reader and the diff view all
ask ``Clock``. The stamp line reads in the story's language: "Publié 23.07.2021
14:05, il y a 2 jours · Mis à jour 24.07.2021 09:30, 19 heures plus tard".
The flags (``store.aa.flags``: "breaking", "update") read as AA's own words:
"SON DAKİKA", "URGENT", "عاجل".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from tui.plural import quantity

LOCAL = "local"
STORY = "story"
DEFAULT_DATE_FORMAT = "%d.%m.%Y %H:%M"


def zone_error(name: str) -> str | None:
    """Why ``name`` cannot be a ``time_zone`` setting, or None when it can."""
    if name in (LOCAL, STORY):
        return None
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError  # ~10 ms: only for a named zone

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return f'unknown time zone {name!r} (use "local", "story" or a name like "Europe/Istanbul")'
    return None


def offset_name(moment: datetime) -> str:
    """A moment's UTC offset as people write it: "+03:00", "-05:00", "+00:00"."""
    offset = moment.strftime("%z")
    return f"{offset[:3]}:{offset[3:]}" if offset else ""


# strftime's directives (C's and POSIX's, as glibc has them), after an optional flag
# (%-d) and E/O modifier: the C library prints any other as it stands, "%Q" in a stamp.
_DIRECTIVE = re.compile(r"%[-_0^#]?[EO]?(.?)")
_DIRECTIVES = set("aAbBcCdDeFgGhHIjklmMnpPrRsStTuUVwWxXyYzZ%")


def date_format_error(text: str) -> str | None:
    """Why ``text`` cannot be a ``date_format`` (a directive strftime has not), or None."""
    for found in _DIRECTIVE.finditer(text):
        if found[1] not in _DIRECTIVES:
            return (
                f"{found[0]!r} is not a strftime directive (%d day, %m month, %Y year, %H:%M "
                "time; %% a %)"
                if found[1]
                else "a lone % at the end (%% writes a %)"
            )
    return None


@dataclass(frozen=True)
class Clock:
    """How times are shown: which zone, and the reader's date format."""

    zone: str = LOCAL
    date_format: str = DEFAULT_DATE_FORMAT

    def shown(self, moment: datetime, now: datetime) -> datetime:
        """``moment`` on the clock the reader reads: ``now``'s zone, a named one, or its own."""
        if self.zone == STORY or moment.tzinfo is None:
            return moment
        if self.zone == LOCAL:
            return moment.astimezone(now.tzinfo)
        from zoneinfo import ZoneInfo  # loaded by a named zone only (the config: ~10 ms)

        return moment.astimezone(ZoneInfo(self.zone))

    def stamp(self, moment: datetime, now: datetime, date_format: str | None = None) -> str:
        """A full date and time: "01.12.2026 07:40", or "01.12.2026 10:40 (+03:00)"."""
        text = self.shown(moment, now).strftime(date_format or self.date_format)
        if self.zone == STORY and offset_name(moment):
            text += f" ({offset_name(moment)})"
        return text

    def list_time(self, moment: datetime | None, now: datetime) -> str:
        """A list row's time: HH:MM today, DD.MM this year, DD.MM.YY before that.

        On the story's clock, today's times carry a short offset: "10:40+03".
        """
        if moment is None:
            return ""
        shown = self.shown(moment, now)
        today = self.shown(now, now).date()
        if shown.date() == today:
            text = shown.strftime("%H:%M")
            if self.zone == STORY:
                text += offset_name(shown).removesuffix(":00")
            return text
        if shown.year == today.year:
            return shown.strftime("%d.%m")
        return shown.strftime("%d.%m.%y")


def reader_clock(app: object) -> tuple[Clock, datetime]:
    """The clock of ``app`` (its config's zone and format, else the default one) and
    its now (the reader's own ``now``, fixed in tests, else the local time)."""
    config = getattr(app, "config", None)
    now = getattr(app, "now", None)
    clock = config.clock if config is not None else Clock()
    return clock, now() if callable(now) else datetime.now().astimezone()


@dataclass(frozen=True)
class StampWords:
    """The words a language uses around a story's two dates."""

    published: str
    updated: str
    later: str  # "{} later": the update, measured from publication
    ago: str  # "{} ago": publication, measured from now
    comma: str = ", "  # Arabic script has its own: "،"


WORDS: dict[str, StampWords] = {
    "en": StampWords("Published", "Updated", "{} later", "{} ago"),
    "tr": StampWords("Yayınlanma", "Güncelleme", "{} sonra", "{} önce"),
    "fr": StampWords("Publié", "Mis à jour", "{} plus tard", "il y a {}"),
    "es": StampWords("Publicado", "Actualizado", "{} después", "hace {}"),
    "ar": StampWords("نُشر", "محدث", "بعد {}", "منذ {}", "، "),
    "ru": StampWords("Опубликовано", "Обновлено", "спустя {}", "{} назад"),
    "fa": StampWords("منتشر شده", "به‌روزرسانی", "{} بعد", "{} پیش", "، "),
    "de": StampWords("Veröffentlicht", "Aktualisiert", "{} später", "vor {}"),
}


def edition(lang: str | None) -> str:
    """The base language of a code: 'pt-BR' -> 'pt', None -> 'en'."""
    return (lang or "en").split("-")[0].split("_")[0].lower()


AGO_WITHIN = timedelta(days=30)


def words_for(lang: str | None) -> StampWords:
    """The stamp words for a language code ('fr', 'pt-BR'...), English if unknown."""
    return WORDS.get(edition(lang), WORDS["en"])


def span(delta: timedelta, lang: str | None) -> str:
    """A duration in the largest whole unit, in a language: '45 minutes', 'منذ ساعتين'."""
    minutes = max(int(delta.total_seconds() // 60), 0)
    if minutes < 60:
        return quantity(minutes, "minute", edition(lang))
    if minutes < 24 * 60:
        return quantity(minutes // 60, "hour", edition(lang))
    return quantity(minutes // (24 * 60), "day", edition(lang))


def stamp_line(
    published: datetime | None,
    updated: datetime | None,
    lang: str | None,
    now: datetime,
    clock: Clock,
) -> str:
    """The stamp line of a story, its dates on ``clock``."""
    words = words_for(lang)
    parts: list[str] = []
    if published is not None:
        text = f"{words.published} {clock.stamp(published, now)}"
        if now - published < AGO_WITHIN:  # "il y a 1693 jours" says less than the date
            text += words.comma + words.ago.format(span(now - published, lang))
        parts.append(text)
    if updated is not None and (published is None or updated > published):
        text = f"{words.updated} {clock.stamp(updated, now)}"
        if published is not None:
            text += words.comma + words.later.format(span(updated - published, lang))
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
