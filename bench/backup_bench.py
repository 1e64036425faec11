"""Peak memory and time of ``export --json`` and its ``import`` on a large database.

    uv run python bench/backup_bench.py [--stories 300000] [--code DIR]

Builds a database of ``--stories`` stories with bench/build_db.py (a reader's
mix: bodies, revisions, tags, read and starred) in a temporary folder, then runs, each as
its own process under ``/usr/bin/time -v``: ``aanews export --json -o FILE``,
and ``aanews import FILE`` into an empty database. Prints wall seconds and
peak RSS of each. ``--code DIR`` runs the commands from another checkout (an
older commit's tree, to compare) with this one's virtualenv.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.build_db import build  # noqa: E402


def timed(command: list[str], code: Path) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one command run by /usr/bin/time -v."""
    env = {**os.environ, "PYTHONPATH": str(code)}
    started = time.monotonic()
    done = subprocess.run(
        ["/usr/bin/time", "-v", sys.executable, "-m", "tui.cli", *command],
        cwd=code,
        env=env,
        capture_output=True,
        text=True,
    )
    took = time.monotonic() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr[-2000:]}")
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    return took, int(peak[1]) if peak else 0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stories", type=int, default=300_000)
    parser.add_argument("--code", type=Path, default=ROOT)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        source, target, dump = (Path(folder) / n for n in ("a.db", "b.db", "backup.json"))
        started = time.monotonic()
        build(source, args.stories, seed=1)
        print(f"built {args.stories:,} stories in {time.monotonic() - started:.0f} s")
        took, peak = timed(["--db", str(source), "export", "--json", "-o", str(dump)], args.code)
        size = dump.stat().st_size / 2**20
        print(f"export --json: {took:.1f} s, peak RSS {peak / 1024:.0f} MiB, file {size:.0f} MiB")
        took, peak = timed(["--db", str(target), "import", str(dump)], args.code)
        print(f"import:        {took:.1f} s, peak RSS {peak / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
