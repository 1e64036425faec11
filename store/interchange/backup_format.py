"""The backup file's layout: one JSON document with one record per line, streamed both ways.

``export --json`` writes::

    {"aanews_export": 2, "exported_at": "...", "layout": "one record per line",
    "feeds": [
    {...one feed...},
    {...}
    ],
    "tags": [
    ...
    ],
    "saved_searches": [
    ...
    ],
    "items": [
    {...one story...}
    ]}

It is plain JSON (``json.load`` and ``jq`` read it whole), and since JSON text
never holds a raw newline inside a string, every record is one line: the
export writes one at a time and the import reads one at a time, so neither
holds the stories in memory. A file in another layout (version 1, or one a
tool re-indented) is read whole instead, as before.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import IO, Any

LAYOUT = "one record per line"
SECTIONS = ("feeds", "tags", "saved_searches", "items")

Section = tuple[str, Iterable[dict[str, Any]]]


class BackupFormatError(ValueError):
    """The file is not an aanews JSON export, or is cut short or broken at a line."""


def write_document(out: IO[str], header: dict[str, Any], sections: list[Section]) -> None:
    """Write the header, then each section's records, one line each, as they come."""
    head = json.dumps({**header, "layout": LAYOUT}, ensure_ascii=False)
    out.write(head[:-1] + ",\n")
    for number, (name, records) in enumerate(sections, start=1):
        out.write(f"{json.dumps(name)}: [\n")
        held: str | None = None  # written once the next record shows it is not the last
        for record in records:
            if held is not None:
                out.write(held + ",\n")
            held = json.dumps(record, ensure_ascii=False)
        if held is not None:
            out.write(held + "\n")
        out.write("]}\n" if number == len(sections) else "],\n")


def read_document(stream: IO[bytes]) -> tuple[dict[str, Any], Iterator[tuple[str, Any]]]:
    """The header and every (section, record) of an export, in file order.

    Our own layout is read a line at a time; any other JSON document whole.
    """
    first = stream.readline()
    text = first.decode("utf-8-sig", errors="replace").strip()
    if text.endswith(",") and LAYOUT in text:
        try:
            header = json.loads(text[:-1] + "}")
        except json.JSONDecodeError:
            header = None
        if isinstance(header, dict) and header.get("layout") == LAYOUT:
            return header, _records(stream)
    return _whole(first + stream.read())


def _records(stream: IO[bytes]) -> Iterator[tuple[str, Any]]:
    section: str | None = None
    for number, raw in enumerate(stream, start=2):
        line = raw.decode("utf-8", errors="replace").strip()
        if not line:
            continue
        if section is None:
            if line == "}":
                return
            if not line.endswith(": ["):
                raise BackupFormatError(f"line {number}: expected a section, not {line[:40]!r}")
            section = json.loads(line[:-3])
        elif line in ("],", "]}", "]"):
            if line == "]}":
                return
            section = None
        else:
            try:
                yield section, json.loads(line.removesuffix(","))
            except json.JSONDecodeError as error:
                raise BackupFormatError(f"line {number}: not valid JSON: {error}") from None
    raise BackupFormatError("the file ends early: it was cut short (an interrupted export?)")


def _whole(data: bytes) -> tuple[dict[str, Any], Iterator[tuple[str, Any]]]:
    """A document in another layout: parsed whole, then handed out record by record."""
    try:
        exported = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BackupFormatError(f"not valid JSON: {error}") from None
    if not isinstance(exported, dict) or "aanews_export" not in exported:
        raise BackupFormatError("not an aanews JSON export")
    return records_of(exported)


def records_of(exported: dict[str, Any]) -> tuple[dict[str, Any], Iterator[tuple[str, Any]]]:
    """The header and the (section, record)s of an export already in memory, feeds first."""
    header = {k: v for k, v in exported.items() if not isinstance(v, list)}
    # Feeds first, whatever the file's order: stories name their feeds by the export's ids.
    order = {name: place for place, name in enumerate(SECTIONS)}
    sections = sorted(
        ((k, v) for k, v in exported.items() if isinstance(v, list)),
        key=lambda section: order.get(section[0], len(order)),
    )
    return header, ((name, record) for name, records in sections for record in records)
