"""Every regex and scan over untrusted text is linear: 1 MiB of adversarial input each.

The quadratic versions took minutes on these (``<a`` repeated: 305 s at 1 MiB), so
each case runs in a subprocess given 10 s: far above what a linear scan needs on
the slowest machine, far below what a quadratic one needs. No timing is asserted
beyond that limit; the subprocess also checks what each call returned. feedparser's
own loose parser is not linear on every document: the parse time bound covers it
(tests/test_hostile_fetch.py).
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MIB = 1024 * 1024

CASES = {
    "html: <a without >": "assert html_to_text('<a' * (MIB // 2)).startswith('<a<a')",
    "html: looks like": "assert not looks_like_html('<a' * (MIB // 2))",
    "html: & without ;": "assert html_to_text('&' + 'a' * MIB).startswith('&aaa')",
    "html: < runs": "html_to_text('<p>' + '<' * MIB)",
    "text: OSC without end": "assert strip_controls('\\x1b]' + 'a' * MIB + '\\x1b]x') == ''",
    "text: many OSC starts": "assert strip_controls('\\x1b]' * (MIB // 2)) == ''",
    "text: CSI parameters": "assert strip_controls('\\x1b[' + '0;' * (MIB // 2) + 'x') == ''",
    "text: C1 CSI runs": "assert strip_controls('\\x9b' * MIB + 'ok') == 'k'",  # CSI o
    "text: tag characters": "assert strip_controls('\\U000e0041' * MIB + 'ok') == 'ok'",
    "text: blank lines": (
        "assert clean_text('\\n' + ' ' * MIB + 'x' + '\\n \\t' * (MIB // 3)) == 'x'"
    ),
    "text: spaces": "assert clean_line('a' + ' \\u00a0' * (MIB // 2) + 'b') == 'a b'",
    "url: invisible": "assert clean_url('http://x/' + '\\u202e\\u200b' * (MIB // 2)) == 'http://x/'",
    "url: credentials": "assert mask_credentials('https://' + 'a' * MIB) == 'https://' + 'a' * MIB",
    "url: many schemes": "mask_credentials('http://a' * (MIB // 8))",
    "lang": "assert clean_lang('a-' * (MIB // 2)) is None",
    "feed: entity doctype": (
        "data = b'<!DOCTYPE a [' + b'<!ENTITY x ' * (MIB // 11)\n"
        "assert _without_entity_declarations(data) == (b'', True)"
    ),
    "feed: entity doctype, ]s": (
        "data = b'<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY x \"y\">' + b']' * MIB\n"
        "assert _without_entity_declarations(data)[1]"
    ),
    "feed: doctypes": "_without_entity_declarations(b'<!ENTITY' + b'<!DOCTYPE [' * (MIB // 11))",
    "feed: entry starts": "assert not _ends_inside_an_entry(b'<item ' * (MIB // 6))",
    "feed: entry prefixes": "assert not _ends_inside_an_entry(b'<a' + b'b' * MIB)",
    "feed: url": "assert _http_url('http://x/' + 'a' * MIB) is None",
    "aa: url": "assert not is_aa_url('https://' + 'a.' * (MIB // 2))",
    "aa: stamp": "parse_stamp('23.07.2021 14:05 - ' * (MIB // 19))",
    "aa: authors": "split_authors('Ali, ' * (MIB // 5))",
    "aa: dateline": "parse_dateline('AA / ' * (MIB // 5))",
    "aa: flags": "split_flags('GÜNCELLEME - ' * (MIB // 13))",
    "query: punctuation": "parse_query('!' * MIB + 'a')",
    "opml: quoted": "read_subscriptions(('http://a.test/ \"' + '\\\\a' * (MIB // 2)).encode())",
    "http: retry-after digits": "assert parse_retry_after('9' * MIB) is None",
}

PRELUDE = """
from store.text import (
    clean_lang, clean_line, clean_text, clean_url, html_to_text, looks_like_html,
    mask_credentials, strip_controls,
)
from store.parsing.feed import _http_url, parse_feed
from store.parsing.slow import _ends_inside_an_entry, _without_entity_declarations
from store.aa.ids import is_aa_url
from store.aa.stamps import parse_stamp, split_authors
from store.aa.dateline import parse_dateline
from store.aa.flags import split_flags
from store.search.parser import QueryError, parse_query
from store.interchange.opml import read_subscriptions
from store.fetching.http import parse_retry_after
MIB = 1024 * 1024
try:
{body}
except QueryError:
    pass
print("done")
"""


@pytest.mark.parametrize("name", list(CASES))
def test_a_mebibyte_of_adversarial_input_is_read_in_linear_time(name: str) -> None:
    script = PRELUDE.format(body=textwrap.indent(CASES[name], "    "))
    try:
        done = subprocess.run(
            [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=10
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"{name}: not done within 10 s on 1 MiB (quadratic?)")
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "done"
