"""AA's title prefixes ("GÜNCELLEME -", "SON DAKİKA -") as flags, not title text.

AA marks an updated or breaking story by prefixing its title in the edition's
language. The reader shows these as badges and searches them as flags, so the
title keeps only the headline itself.
"""

from __future__ import annotations

import re

from store.text import fold

# Folded prefix word -> flag. Folding (store.text.fold) makes "GÜNCELLEME",
# "Güncelleme" and "guncelleme" one key, and "MISE À JOUR" "mise a jour".
_PREFIXES = {
    "guncelleme": "update",
    "update": "update",
    "updated": "update",
    "mise a jour": "update",
    "actualisation": "update",
    "actualizacion": "update",
    "محدث": "update",
    "обновлено": "update",
    "son dakika": "breaking",
    "breaking": "breaking",
    "breaking news": "breaking",
    "عاجل": "breaking",
    "срочно": "breaking",
}

# A prefix: words (no digits or separators), an optional count ("GÜNCELLEME 2"),
# then a dash of any width or a colon.
_HEAD = re.compile(r"\s*(?P<word>[^\d\-–—:]{2,24}?)\s*(?:\d{1,2}\s*)?[-–—:]\s*")


# More prefixes than this on one title are left in it.
_MOST_PREFIXES = 6


def split_flags(title: str) -> tuple[str, list[str]]:
    """Split AA's prefixes off a title: ("GÜNCELLEME 2 - X") -> ("X", ["update"])."""
    flags: list[str] = []
    rest = title
    for _ in range(_MOST_PREFIXES):  # each pass copies the rest: a bound keeps it linear
        match = _HEAD.match(rest)
        if match is None:
            break
        flag = _PREFIXES.get(" ".join(fold(match.group("word")).split()))
        if flag is None:
            break
        remainder = rest[match.end() :]
        if not remainder.strip():
            break  # a title that is only a prefix stays as it is
        if flag not in flags:
            flags.append(flag)
        rest = remainder
    return rest.strip() if flags else title, flags
