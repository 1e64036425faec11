"""What a story's picture costs: fetching and caching it, and drawing it in half-blocks.

    uv run python bench/picture_bench.py

A 4000x2667 JPEG (a large AA full-size photo; made here with Pillow, noise over a
gradient so it compresses like a photo) is served from 127.0.0.1 and fetched
through ``store.pictures.fetch_picture`` into an empty cache (download, checks,
decoding, shrinking, writing), then from the cache; the cached copy is drawn as
half-blocks at the reader's sizes (80x24: 36x16 cells; 160x48: 120x16), from the
file and from a copy made that size (what the reader does). Median
of 5 runs, with the load average beside it.
"""

from __future__ import annotations

import io
import os
import statistics
import sys
import tempfile
import threading
import time
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PIL import Image  # noqa: E402
from rich.console import Console  # noqa: E402

from store.pictures import PictureCache, fetch_picture  # noqa: E402


def photo() -> bytes:
    """A photo-like JPEG of 4000x2667 pixels."""
    gradient = Image.linear_gradient("L").resize((4000, 2667)).convert("RGB")
    noise = Image.effect_noise((4000, 2667), 40).convert("RGB")
    out = io.BytesIO()
    Image.blend(gradient, noise, 0.4).save(out, "JPEG", quality=85)
    return out.getvalue()


class Handler(BaseHTTPRequestHandler):
    body = b""

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        self.send_response(200)
        self.send_header("Content-Type", "image/jpeg")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args: object) -> None:
        pass


def timed(job: partial[object], runs: int = 5) -> float:
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        job()
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds)


def main() -> None:
    Handler.body = photo()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/photo.jpg"
    feeds = [f"http://127.0.0.1:{server.server_port}/rss"]  # a local feed: local pictures
    print(f"load average {os.getloadavg()[0]:.1f}; photo {len(Handler.body) / 1e6:.2f} MB")
    try:
        with tempfile.TemporaryDirectory() as folder:

            def cold() -> None:
                cache = PictureCache(Path(tempfile.mkdtemp(dir=folder)))
                fetch_picture(url, feed_urls=feeds, cache=cache)

            warm_cache = PictureCache(Path(folder) / "warm")
            kept = fetch_picture(url, feed_urls=feeds, cache=warm_cache)
            print(f"fetch, check, shrink, cache: {timed(partial(cold)) * 1000:.0f} ms")
            again = partial(fetch_picture, url, feed_urls=feeds, cache=warm_cache)
            print(f"from the cache: {timed(again) * 1e6:.0f} µs")
            print(f"cached copy: {kept.stat().st_size / 1e3:.0f} kB, {Image.open(kept).size}")
            from textual_image.renderable.halfcell import Image as HalfcellImage

            console = Console(file=io.StringIO(), width=200, color_system="truecolor")
            for columns, rows in ((36, 16), (120, 16)):
                whole = HalfcellImage(str(kept), columns, rows)  # the cached file as it is
                with Image.open(kept) as source:  # the copy tui.widgets.picture draws from
                    copy = source.convert("RGB").resize((columns, rows * 2))
                for name, drawn in (("the file", whole), ("a copy that size", copy)):
                    if not isinstance(drawn, HalfcellImage):
                        drawn = HalfcellImage(drawn, columns, rows)
                    seconds = timed(partial(console.print, drawn))
                    print(f"half-blocks {columns}x{rows} from {name}: {seconds * 1000:.1f} ms")
    finally:
        server.shutdown()
    print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
