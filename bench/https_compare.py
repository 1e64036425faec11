"""aanews beside newsboat (8 reload threads) on a distant HTTPS server, HTTP/2 and HTTP/1.1.

    uv run python bench/https_compare.py [--feeds 200] [--items 30] [--latency-ms 100]
        [--repeats 3] [--modes h2 http1] [--clients newsboat-t8 aanews] [--out bench-results]

The feeds of ``../shared/bench/gen_feeds.py`` are served by ``bench/h2_server.py``
(TLS, a self-signed certificate made at start, ``--latency-ms`` per answer):

- mode ``h2``: the server offers HTTP/2 and HTTP/1.1 (ALPN); each client speaks the
  best it can (aanews and newsboat's libcurl both choose HTTP/2);
- mode ``http1``: the server offers HTTP/1.1 only.

Phases as in ``../shared/bench/compare_newsboat.sh``: cold, warm2 and warm304
(unchanged: 304s), warm200 (same bytes, new validators), changed (every feed has
``--shift`` new items), startup. Each client is told to trust the certificate for
this run only: ``AANEWS_CA_BUNDLE`` for aanews, ``CURL_CA_BUNDLE`` for newsboat.
Writes ``OUT/reload_LABEL.jsonl`` (the shape ``summarize.py`` reads, plus the
protocols spoken and connections opened) and prints medians with the ratio
against newsboat-t8. Every command has a timeout; the server exits by itself.

aanews's own modules are compiled to bytecode first (``compileall``), as an
installed aanews is: this checkout is installed editable, which uv does not
compile, and with ``PYTHONDONTWRITEBYTECODE`` set (as on our machines) every run
would compile them from source again (~0.12 s of CPU a start).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "bench"
PHASES = ["cold", "warm2", "warm304", "warm200", "changed", "startup"]


class Server:
    """bench/h2_server.py on a folder, for one mode; stopped on exit."""

    def __init__(self, work: Path, www: Path, mode: str, latency_ms: float, lifetime: float):
        self.port_file, self.stats_file = work / "port", work / "stats.json"
        self.ca_file, self.nocond = work / "ca.pem", work / "NOCOND"
        for f in (self.port_file, self.stats_file, self.ca_file):
            f.unlink(missing_ok=True)
        cmd = [
            sys.executable,
            str(ROOT / "bench" / "h2_server.py"),
            "--dir",
            str(www),
            "--port-file",
            str(self.port_file),
            "--ca-file",
            str(self.ca_file),
            "--stats-file",
            str(self.stats_file),
            "--nocond-flag",
            str(self.nocond),
            "--latency-ms",
            str(latency_ms),
            "--lifetime",
            str(lifetime),
        ]
        if mode == "http1":
            cmd.append("--http1-only")
        self.proc = subprocess.Popen(
            cmd, stdout=subprocess.DEVNULL, stderr=open(work / "server.err", "w")
        )
        for _ in range(200):
            if self.port_file.exists() and self.ca_file.exists():
                break
            if self.proc.poll() is not None:
                raise SystemExit(f"server failed: {(work / 'server.err').read_text()[:500]}")
            time.sleep(0.05)
        self.port = int(self.port_file.read_text())

    def stats(self) -> dict:
        try:
            return json.loads(self.stats_file.read_text())
        except (OSError, ValueError):
            return {}

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def gen(feeds: int, items: int, seed: int, shift: int, out: Path) -> None:
    cmd = [
        sys.executable,
        str(SHARED / "gen_feeds.py"),
        "--feeds",
        str(feeds),
        "--items",
        str(items),
        "--seed",
        str(seed),
        "--out",
        str(out),
    ]
    if shift:
        cmd += ["--shift", str(shift)]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, timeout=600)


class Bench:
    def __init__(self, args: argparse.Namespace, work: Path):
        self.a, self.work = args, work
        self.www, self.home = work / "www", work / "home"
        self.www.mkdir()
        self.home.mkdir()
        self.mtime = int(time.time()) - 86400
        (work / "config8").write_text("reload-threads 8\n")

    def bump(self) -> None:
        """Every publish/touch moves mtimes later, so ETag and Last-Modified both change."""
        self.mtime += 60
        for f in self.www.glob("feed_*.xml"):
            os.utime(f, (self.mtime, self.mtime))

    def publish(self, name: str) -> None:
        for f in (self.work / name).glob("feed_*.xml"):
            shutil.copyfile(f, self.www / f.name)
        self.bump()

    def command(self, client: str, phase: str, db: Path, urls: Path) -> list[str]:
        if client == "newsboat-t8":
            action = "print-unread" if phase == "startup" else "reload"
            return [
                "newsboat",
                "-u",
                str(urls),
                "-c",
                str(db),
                "-C",
                str(self.work / "config8"),
                "-x",
                action,
            ]
        if phase == "startup":
            return [*self.a.aanews.split(), "--db", str(db), "search", "is:unread", "--count"]
        return [*self.a.aanews.split(), "--db", str(db), "fetch"]

    def measure(
        self,
        server: Server,
        label: str,
        client: str,
        phase: str,
        rep: int,
        db: Path,
        urls: Path,
        env: dict,
    ) -> dict:
        before = server.stats()
        timing = self.work / "time.txt"
        cmd = [
            "/usr/bin/time",
            "-f",
            "%e %U %S %M",
            "-o",
            str(timing),
            "timeout",
            str(self.a.timeout),
            *self.command(client, phase, db, urls),
        ]
        done = subprocess.run(
            cmd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=self.a.timeout + 30,
        )
        wall, user, sys_s, rss = timing.read_text().split()[-4:]
        after = server.stats()
        size = sum(f.stat().st_size for f in (db, Path(f"{db}-wal")) if f.exists())
        protocols = {
            k: v - before.get("protocols", {}).get(k, 0)
            for k, v in after.get("protocols", {}).items()
            if v - before.get("protocols", {}).get(k, 0)
        }
        row = {
            "label": label,
            "feeds": self.a.feeds,
            "items_per_feed": self.a.items,
            "latency_ms": self.a.latency_ms,
            "client": client,
            "phase": phase,
            "rep": rep,
            "rc": done.returncode,
            "wall_s": float(wall),
            "user_s": float(user),
            "sys_s": float(sys_s),
            "maxrss_kb": int(rss),
            "db_bytes": size,
            "http200": after.get("200", 0) - before.get("200", 0),
            "http304": after.get("304", 0) - before.get("304", 0),
            "protocols": protocols,
            "connections": after.get("connections", 0) - before.get("connections", 0),
        }
        print(json.dumps(row), file=sys.stderr, flush=True)
        if done.returncode:
            print(
                f"  {client} {phase} exited {done.returncode}: {done.stderr[:300]!r}",
                file=sys.stderr,
            )
        return row

    def run_mode(self, mode: str) -> list[dict]:
        label = f"f{self.a.feeds}x{self.a.items}-rtt{self.a.latency_ms:g}-{mode}"
        server = Server(self.work, self.www, mode, self.a.latency_ms, self.a.server_lifetime)
        rows: list[dict] = []
        try:
            urls = self.work / "urls"
            urls.write_text(
                "".join(
                    f"https://127.0.0.1:{server.port}/{f.name}\n"
                    for f in sorted((self.work / "base").glob("feed_*.xml"))
                )
            )
            env = dict(
                os.environ,
                HOME=str(self.home),
                LANG="C.UTF-8",
                LC_ALL="C.UTF-8",
                AANEWS_CA_BUNDLE=str(server.ca_file),
                CURL_CA_BUNDLE=str(server.ca_file),
            )
            for rep in range(1, self.a.repeats + 1):
                for client in self.a.clients:
                    dbdir = self.work / "db"
                    shutil.rmtree(dbdir, ignore_errors=True)
                    dbdir.mkdir()
                    db = dbdir / ("cache.db" if client.startswith("newsboat") else "aanews.db")
                    if client == "aanews":
                        subprocess.run(
                            [*self.a.aanews.split(), "--db", str(db), "import", str(urls)],
                            env=env,
                            check=True,
                            stdout=subprocess.DEVNULL,
                            timeout=120,
                        )
                    server.nocond.unlink(missing_ok=True)
                    self.publish("base")
                    for phase in PHASES:
                        if phase == "warm200":
                            self.bump()
                        elif phase == "changed":
                            self.publish("shifted")
                        rows.append(self.measure(server, label, client, phase, rep, db, urls, env))
        finally:
            server.stop()
        out = Path(self.a.out)
        out.mkdir(parents=True, exist_ok=True)
        with open(out / f"reload_{label}.jsonl", "w") as fh:
            fh.writelines(json.dumps(r) + "\n" for r in rows)
        return rows


def table(rows: list[dict]) -> str:
    """Medians per (data set, phase): newsboat-t8, aanews, the ratio, what aanews spoke."""
    lines = [
        "| data set | phase | newsboat-t8 s | aanews s | ratio | aanews CPU s | aanews RSS MiB "
        "| aanews protocol, connections | newsboat protocol, connections |",
        "|---|---|---:|---:|---:|---:|---:|---|---|",
    ]
    labels = list(dict.fromkeys(r["label"] for r in rows))
    for label in labels:
        for phase in PHASES:
            pick = {
                c: [
                    r
                    for r in rows
                    if r["label"] == label and r["phase"] == phase and r["client"] == c
                ]
                for c in ("newsboat-t8", "aanews")
            }

            def med(rs, key):
                return statistics.median(key(r) for r in rs) if rs else None

            nb = med(pick["newsboat-t8"], lambda r: r["wall_s"])
            aa = med(pick["aanews"], lambda r: r["wall_s"])
            cpu = med(pick["aanews"], lambda r: r["user_s"] + r["sys_s"])
            rss = med(pick["aanews"], lambda r: r["maxrss_kb"] / 1024)

            def spoke(rs):
                if not rs or not rs[-1]["protocols"]:
                    return "-"
                return "+".join(rs[-1]["protocols"]) + f", {rs[-1]['connections']}"

            fmt = lambda v, spec: "-" if v is None else format(v, spec)  # noqa: E731
            ratio = f"{aa / nb:.2f}x" if aa is not None and nb else "-"
            lines.append(
                f"| {label} | {phase} | {fmt(nb, '.2f')} | {fmt(aa, '.2f')} | {ratio} | "
                f"{fmt(cpu, '.2f')} | {fmt(rss, '.0f')} | {spoke(pick['aanews'])} | "
                f"{spoke(pick['newsboat-t8'])} |"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--feeds", type=int, default=200)
    ap.add_argument("--items", type=int, default=30)
    ap.add_argument("--latency-ms", type=float, default=100.0)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--shift", type=int, help="new items per feed in 'changed' (items/10)")
    ap.add_argument("--modes", nargs="+", default=["h2", "http1"], choices=["h2", "http1"])
    ap.add_argument(
        "--clients", nargs="+", default=["newsboat-t8", "aanews"], choices=["newsboat-t8", "aanews"]
    )
    ap.add_argument("--aanews", default=str(ROOT / ".venv" / "bin" / "aanews"))
    ap.add_argument("--out", default="bench-results")
    ap.add_argument("--timeout", type=int, default=300, help="seconds per command")
    ap.add_argument("--server-lifetime", type=float, default=1800)
    a = ap.parse_args(argv)
    if not 1 <= a.repeats <= 20 or not 1 <= a.feeds <= 5000:
        ap.error("--repeats must be 1..20 and --feeds 1..5000")
    if "newsboat-t8" in a.clients and not shutil.which("newsboat"):
        ap.error("needs newsboat: apt-get install -y newsboat")
    if not os.access("/usr/bin/time", os.X_OK):
        ap.error("needs GNU time: apt-get install -y time")
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(ROOT / "store"), str(ROOT / "tui")],
        check=True,
        stdout=subprocess.DEVNULL,
        timeout=300,
    )
    with tempfile.TemporaryDirectory(prefix="aanews-https-bench-") as tmp:
        work = Path(tmp)
        gen(a.feeds, a.items, a.seed, 0, work / "base")
        gen(
            a.feeds,
            a.items,
            a.seed,
            a.shift if a.shift is not None else a.items // 10,
            work / "shifted",
        )
        bench = Bench(a, work)
        rows = [row for mode in a.modes for row in bench.run_mode(mode)]
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
