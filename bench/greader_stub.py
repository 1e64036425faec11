#!/usr/bin/env python3
"""A Google Reader API server on 127.0.0.1 for benchmarks: FreshRSS's answers, made up.

    python3 bench/greader_stub.py --feeds 200 --items 100 --port-file PORT [--lifetime 900]

Answers what ``aanews sync`` asks (login, token, subscription/list, tag/list,
stream/contents pages with continuation, stream/items/ids, edit-tag) in the
shapes FreshRSS gives (tests/fixtures/greader/). Stories are AA-shaped, made by
``../shared/bench/gen_feeds.py``'s ``make_item``: ``--feeds`` x ``--items`` of
them, newest first, ``n`` to a page. Every new pass over the reading list (a
request without ``c=``) serves a new generation of stories, newer than the last,
so each sync stores ``feeds x items`` new ones. A fifth are unread on the server,
one in a hundred starred. Exits by itself after ``--lifetime`` seconds.
"""

from __future__ import annotations

import argparse
import html
import importlib.util
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

GEN_FEEDS = Path(__file__).resolve().parents[2] / "shared" / "bench" / "gen_feeds.py"
API = "/reader/api/0/"
READING_LIST = "user/-/state/com.google/reading-list"
STARRED = "user/-/state/com.google/starred"
SEQ_BASE = 10_000  # far above the feed files' item numbers: other stories than a refresh's


def load_generator():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("gen_feeds", GEN_FEEDS)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Stories:
    """The server's reading list: ``feeds`` x ``items`` stories of the current generation."""

    def __init__(self, feeds: int, items: int) -> None:
        self.gen = load_generator()
        self.feeds, self.items = feeds, items
        self.generation = -1
        self.lock = threading.Lock()

    def new_pass(self) -> int:
        with self.lock:
            self.generation += 1
            return self.generation

    def seqs(self, generation: int) -> list[tuple[int, int]]:
        """(feed, seq) of every story of a generation, newest first."""
        first = SEQ_BASE + generation * self.items
        newest_first = range(first + self.items - 1, first - 1, -1)
        return [(f, s) for s in newest_first for f in range(self.feeds)]

    def item(self, feed: int, seq: int) -> dict[str, object]:
        made = self.gen.make_item(1, feed, seq)
        crawled = int(made["published"].timestamp()) * 1_000_000 + feed
        number = made["id"]
        categories = [READING_LIST, "user/-/label/Bench"]
        if number % 5:
            categories.append("user/-/state/com.google/read")
        if number % 100 == 0:
            categories.append(STARRED)
        return {
            "id": f"tag:google.com,2005:reader/item/{number:016x}",
            "crawlTimeMsec": str(crawled // 1000),
            "timestampUsec": str(crawled),
            "published": int(made["published"].timestamp()),
            "title": made["title"],
            "canonical": [{"href": made["link"]}],
            "alternate": [{"href": made["link"]}],
            "categories": categories,
            "origin": {"streamId": f"feed/{feed + 1}", "title": f"Bench {feed}"},
            "summary": {"content": made["description"]},
            "author": "AA",
        }

    def subscriptions(self, port: int) -> dict[str, object]:
        subs = []
        for feed in range(self.feeds):
            lang, cat = self.gen.feed_lang_cat(feed)
            subs.append({
                "id": f"feed/{feed + 1}",
                "title": f"{self.gen.CHANNEL_TITLE[lang]} - {cat} {feed}",
                "categories": [{"id": "user/-/label/Bench", "label": "Bench"}],
                "url": f"http://127.0.0.1:{port}/feed/{feed}.xml",
                "htmlUrl": f"https://www.aa.com.tr/{lang}/rss/default?cat={html.escape(cat)}",
            })  # fmt: skip
        return {"subscriptions": subs}


def handler(stories: Stories) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def answer(self, body: str, kind: str = "application/json") -> None:
            data = body.encode()
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:  # noqa: N802
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.path.startswith("/accounts/ClientLogin"):
                self.answer("SID=bench/x\nLSID=null\nAuth=bench/x\n", "text/plain")
            else:
                self.answer("OK", "text/plain")  # edit-tag, mark-all-as-read

        def do_GET(self) -> None:  # noqa: N802
            parts = urlsplit(self.path)
            path, query = parts.path.removeprefix(API), parse_qs(parts.query)
            if path == "token":
                self.answer("benchtoken", "text/plain")
            elif path == "subscription/list":
                self.answer(json.dumps(stories.subscriptions(self.server.server_address[1])))
            elif path == "tag/list":
                self.answer(json.dumps({"tags": [{"id": "user/-/label/Bench", "type": "folder"}]}))
            elif path == "stream/contents/" + READING_LIST:
                self.answer(json.dumps(self.page(query)))
            elif path == "stream/items/ids":
                self.answer(json.dumps(self.ids(query)))
            else:
                self.send_error(404)

        def page(self, query: dict[str, list[str]]) -> dict[str, object]:
            size = int(query.get("n", ["1000"])[0])
            cont = query.get("c", [""])[0]
            generation, start = map(int, cont.split("-")) if cont else (stories.new_pass(), 0)
            seqs = stories.seqs(generation)
            items = [stories.item(f, s) for f, s in seqs[start : start + size]]
            page: dict[str, object] = {"id": READING_LIST, "updated": int(time.time())}
            page["items"] = items
            if start + size < len(seqs):
                page["continuation"] = f"{generation}-{start + size}"
            return page

        def ids(self, query: dict[str, list[str]]) -> dict[str, object]:
            stream = query.get("s", [""])[0]
            if stories.generation < 0 or stream.startswith("user/-/label/"):
                return {"itemRefs": []}
            numbers = [
                stories.gen.ID_BASE + f * 100_000 + s for f, s in stories.seqs(stories.generation)
            ]
            if stream == STARRED:
                numbers = [n for n in numbers if n % 100 == 0]
            else:  # the reading list without the read ones
                numbers = [n for n in numbers if n % 5 == 0]
            return {"itemRefs": [{"id": str(n)} for n in numbers]}

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--items", type=int, default=100)
    parser.add_argument("--port-file", type=Path, required=True)
    parser.add_argument("--lifetime", type=float, default=900)
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler(Stories(args.feeds, args.items)))
    threading.Timer(args.lifetime, server.shutdown).start()
    args.port_file.write_text(str(server.server_address[1]))
    server.serve_forever()


if __name__ == "__main__":
    main()
