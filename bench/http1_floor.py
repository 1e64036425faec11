"""The floor of a distant HTTP/1.1 refresh: N kept-alive connections and nothing else.

    uv run python bench/http1_floor.py [--feeds 200] [--items 30] [--latency-ms 100]
        [--connections 6 8] [--repeats 3]

Serves ``../shared/bench/gen_feeds.py`` feeds with ``../shared/bench/serve.py``
(the server of ``compare_newsboat.sh``, ``--latency-ms`` per answer) and fetches
every feed with N threads of ``http.client``, one kept-alive connection each,
twice: full downloads (200) and conditional GETs that the server answers 304.
No parsing, no storing, no start-up: what a client cannot beat with N
connections to the one host. Quick ACKs are set before each read, as aanews
does (``store/fetching/client.py``). Every server exits by itself.
"""

from __future__ import annotations

import argparse
import http.client
import queue
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared" / "bench"
FAR_FUTURE = "Wed, 01 Jan 2031 00:00:00 GMT"  # If-Modified-Since: every feed is older


def fetch_all(port: int, paths: list[str], connections: int, conditional: bool) -> float:
    """Seconds to GET every path over ``connections`` kept-alive connections."""
    todo: queue.SimpleQueue[str] = queue.SimpleQueue()
    for path in paths:
        todo.put(path)
    headers = {"If-Modified-Since": FAR_FUTURE} if conditional else {}

    def work() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            while True:
                try:
                    path = todo.get_nowait()
                except queue.Empty:
                    return
                conn.request("GET", path, headers=headers)
                if conn.sock is not None and hasattr(socket, "TCP_QUICKACK"):
                    conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
                conn.getresponse().read()
        finally:
            conn.close()

    start = time.monotonic()
    threads = [threading.Thread(target=work) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.monotonic() - start


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--feeds", type=int, default=200)
    ap.add_argument("--items", type=int, default=30)
    ap.add_argument("--latency-ms", type=float, default=100.0)
    ap.add_argument("--connections", type=int, nargs="+", default=[6, 8])
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="aanews-floor-") as work:
        www, port_file = Path(work) / "www", Path(work) / "port"
        subprocess.run(
            [sys.executable, str(SHARED / "gen_feeds.py"), "--feeds", str(args.feeds),
             "--items", str(args.items), "--out", str(www)],
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        server = subprocess.Popen(
            [sys.executable, str(SHARED / "serve.py"), "--dir", str(www), "--lifetime", "900",
             "--port-file", str(port_file), "--latency-ms", str(args.latency_ms)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            for _ in range(100):
                if port_file.exists():
                    break
                time.sleep(0.1)
            port = int(port_file.read_text())
            paths = sorted(f"/{p.name}" for p in www.glob("feed_*.xml"))
            print(f"{len(paths)} feeds, {args.latency_ms:g} ms a request; seconds, median of "
                  f"{args.repeats}")  # fmt: skip
            for connections in args.connections:
                for conditional in (False, True):
                    runs = [
                        fetch_all(port, paths, connections, conditional)
                        for _ in range(args.repeats)
                    ]
                    kind = "304" if conditional else "200"
                    print(f"{connections} connections, {kind}: {statistics.median(runs):.2f} s "
                          f"(runs {', '.join(f'{r:.2f}' for r in runs)})")  # fmt: skip
        finally:
            server.terminate()
            server.wait(30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
