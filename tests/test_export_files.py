"""export -o and the reader's w write through what the path is (a symlink, a device, a
named pipe), never loosening its permissions nor losing the old file to a failed write."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest
from test_cli_transfer import run

SECRET_FEED = "http://user:secret@b.test/feed.xml"


@pytest.mark.parametrize("fmt", ["--json", "--opml"])
def test_export_through_a_symlink_fills_its_target_and_the_link_stays(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, fmt: str
) -> None:
    db = tmp_path / "a.db"
    run(capsys, db, "feeds", "add", SECRET_FEED)
    (tmp_path / "cloud").mkdir()
    link = tmp_path / "link.json"
    link.symlink_to("cloud/backup")
    assert run(capsys, db, "export", fmt, "-o", str(link)) == (0, "", "")
    assert link.is_symlink() and os.readlink(link) == "cloud/backup"
    assert SECRET_FEED in (tmp_path / "cloud" / "backup").read_text(encoding="utf-8")
    assert (tmp_path / "cloud" / "backup").stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.db", "a.db-shm", "a.db-wal",
                                                          "cloud", "link.json"]  # fmt: skip


def test_export_to_a_link_to_a_device_or_a_named_pipe_writes_to_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = tmp_path / "a.db"
    run(capsys, db, "feeds", "add", SECRET_FEED)
    null = tmp_path / "null"
    null.symlink_to(os.devnull)
    assert run(capsys, db, "export", "--opml", "-o", str(null)) == (0, "", "")
    assert null.is_symlink() and os.readlink(null) == os.devnull
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    read: list[bytes] = []
    reader = threading.Thread(target=lambda: read.append(pipe.read_bytes()), daemon=True)
    reader.start()
    assert run(capsys, db, "export", "--json", "-o", str(pipe)) == (0, "", "")
    reader.join(timeout=30)
    assert stat.S_ISFIFO(pipe.lstat().st_mode)
    assert read and SECRET_FEED.encode() in read[0]


@pytest.mark.parametrize("fmt", ["--json", "--opml"])
def test_export_over_a_file_keeps_its_mode_and_a_new_one_is_private(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, fmt: str
) -> None:
    db = tmp_path / "a.db"
    run(capsys, db, "feeds", "add", SECRET_FEED)
    private, shared, new = tmp_path / "private", tmp_path / "shared", tmp_path / "new"
    for path, mode in ((private, 0o600), (shared, 0o640)):
        path.write_text("old backup")
        path.chmod(mode)
    for path in (private, shared, new):
        assert run(capsys, db, "export", fmt, "-o", str(path)) == (0, "", "")
        assert SECRET_FEED in path.read_text(encoding="utf-8")
    modes = [path.stat().st_mode & 0o777 for path in (private, shared, new)]
    assert modes == [0o600, 0o640, 0o600]


def test_a_failed_write_leaves_the_old_file_and_no_partial_one(tmp_path: Path) -> None:
    from store.files import writing_file

    backup = tmp_path / "backup.json"
    backup.write_text("old backup")
    with pytest.raises(OSError), writing_file(backup) as out:
        out.write("half of a new one")
        raise OSError("disk full")
    assert backup.read_text() == "old backup" and [p.name for p in tmp_path.iterdir()] == [
        "backup.json"
    ]


def test_a_failed_write_through_a_symlink_or_a_hard_link_leaves_the_old_backup(
    tmp_path: Path,
) -> None:
    """Through a link the old backup survives a failed export too; a hard link (a
    snapshot sharing the file) keeps the old text even when the export succeeds."""
    from store.files import writing_file

    real, link, snapshot = tmp_path / "real.json", tmp_path / "link.json", tmp_path / "snap.json"
    real.write_text("old backup")
    link.symlink_to("real.json")
    os.link(real, snapshot)
    for path in (link, snapshot):
        with pytest.raises(OSError), writing_file(path) as out:
            out.write("half of a new one")
            raise OSError("disk full")
    assert real.read_text() == snapshot.read_text() == "old backup"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.json", "real.json", "snap.json"]
    with writing_file(link) as out:
        out.write("new backup")
    assert link.is_symlink() and real.read_text() == "new backup"
    assert snapshot.read_text() == "old backup"  # the snapshot's inode was not rewritten
