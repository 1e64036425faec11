"""The one pluraliser: counts ("1 story", "2,481 stories") and spans of time in a
story's language ("منذ ساعتين", "5 часов назад", "il y a 2 heures").

A number picks its form by the language's CLDR plural rule (Arabic has six:
zero, one, two, few for 3–10, many for 11–99, other for 100 and up; Russian
one/few/many; French counts 0 as one); each word lists the forms it has, and a
missing form falls back to "other".
"""

from __future__ import annotations

from collections.abc import Callable

Forms = dict[str, str]  # plural category -> the text, "{n}" where the number goes


def _arabic(n: int) -> str:
    if n in (0, 1, 2):
        return ("zero", "one", "two")[n]
    if 3 <= n % 100 <= 10:
        return "few"
    return "many" if 11 <= n % 100 <= 99 else "other"


def _russian(n: int) -> str:
    if n % 10 == 1 and n % 100 != 11:
        return "one"
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return "few"
    return "many"


RULES: dict[str, Callable[[int], str]] = {
    "ar": _arabic,
    "ru": _russian,
    "fr": lambda n: "one" if n in (0, 1) else "other",
    "fa": lambda n: "one" if n in (0, 1) else "other",
    "tr": lambda n: "one" if n == 1 else "other",
}


def category(n: float, lang: str = "en") -> str:
    """The CLDR plural category of a whole number in a language (English's rule if unknown)."""
    rule = RULES.get(lang)
    if rule is not None:
        return rule(int(abs(n)))
    return "one" if abs(n) == 1 else "other"


def inflect(n: float, forms: Forms, lang: str = "en") -> str:
    """``n`` with the form of the word its number asks for: in English digits grouped."""
    text = forms.get(category(n, lang) if n == int(n) else "other") or forms["other"]
    return text.format(n=figure(n) if lang == "en" else str(n))


def figure(n: float) -> str:
    """A number as the reader prints it: digits grouped, never an exponent, a fraction
    to three places ("1,000,000,000", "0.5", not "1e+09")."""
    return f"{n:,.3f}".rstrip("0").rstrip(".")


# The reader's own words (it speaks English): one form for one, another for the rest.
NOUNS: dict[str, Forms] = {
    "story": {"one": "{n} story", "other": "{n} stories"},
    "new story": {"one": "{n} new story", "other": "{n} new stories"},
    "selected story": {"one": "{n} selected story", "other": "{n} selected stories"},
    "feed": {"one": "{n} feed", "other": "{n} feeds"},
    "tag": {"one": "{n} tag", "other": "{n} tags"},
    "earlier version": {"one": "{n} earlier version", "other": "{n} earlier versions"},
    "problem": {"one": "{n} problem", "other": "{n} problems"},
    "failure": {"one": "{n} failure", "other": "{n} failures in a row"},
    "line": {"one": "{n} line", "other": "{n} lines"},
    "outline": {"one": "{n} outline", "other": "{n} outlines"},
    "step": {"one": "{n} step", "other": "{n} steps"},
    "change": {"one": "{n} change", "other": "{n} changes"},
    "subscription": {"one": "{n} subscription", "other": "{n} subscriptions"},
    "day": {"one": "{n} day", "other": "{n} days"},
    "minute": {"one": "{n} minute", "other": "{n} minutes"},
}


def counted(n: float, noun: str) -> str:
    """A count in the reader's words: counted(1, "story") -> "1 story", 2481 -> "2,481 stories"."""
    return inflect(n, NOUNS[noun])


# Spans of time as each edition says them after its "ago" and "later" words.
# Arabic after منذ/بعد takes the genitive: منذ ساعتين, منذ 6 ساعات, منذ 11 ساعة.
UNITS: dict[str, dict[str, Forms]] = {
    "en": {
        "minute": {"one": "{n} minute", "other": "{n} minutes"},
        "hour": {"one": "{n} hour", "other": "{n} hours"},
        "day": {"one": "{n} day", "other": "{n} days"},
    },
    "tr": {
        "minute": {"other": "{n} dakika"},
        "hour": {"other": "{n} saat"},
        "day": {"other": "{n} gün"},
    },
    "fr": {
        "minute": {"one": "{n} minute", "other": "{n} minutes"},
        "hour": {"one": "{n} heure", "other": "{n} heures"},
        "day": {"one": "{n} jour", "other": "{n} jours"},
    },
    "es": {
        "minute": {"one": "{n} minuto", "other": "{n} minutos"},
        "hour": {"one": "{n} hora", "other": "{n} horas"},
        "day": {"one": "{n} día", "other": "{n} días"},
    },
    "ar": {
        "minute": {
            "one": "دقيقة",
            "two": "دقيقتين",
            "few": "{n} دقائق",
            "other": "{n} دقيقة",
        },
        "hour": {"one": "ساعة", "two": "ساعتين", "few": "{n} ساعات", "other": "{n} ساعة"},
        "day": {
            "one": "يوم",
            "two": "يومين",
            "few": "{n} أيام",
            "many": "{n} يومًا",
            "other": "{n} يوم",
        },
    },
    "ru": {
        "minute": {"one": "{n} минуту", "few": "{n} минуты", "other": "{n} минут"},
        "hour": {"one": "{n} час", "few": "{n} часа", "other": "{n} часов"},
        "day": {"one": "{n} день", "few": "{n} дня", "other": "{n} дней"},
    },
    "fa": {
        "minute": {"other": "{n} دقیقه"},
        "hour": {"other": "{n} ساعت"},
        "day": {"other": "{n} روز"},
    },
    "de": {  # abbreviations: German's cases ("vor 2 Tagen", "2 Tage später") stay out
        "minute": {"other": "{n} Min."},
        "hour": {"other": "{n} Std."},
        "day": {"other": "{n} T."},
    },
}


def quantity(n: int, unit: str, lang: str) -> str:
    """``n`` minutes, hours or days in a language: quantity(2, "hour", "ar") -> "ساعتين"."""
    return inflect(n, UNITS.get(lang, UNITS["en"])[unit], lang if lang in UNITS else "en")
