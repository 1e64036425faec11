"""Writing a file the user named (``export -o``, the reader's ``w``): through what is there.

A symlink stays a link (its target gets the text), a device or a named pipe is
written to, never replaced by a file, and a file that was private stays private.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

# Readable by the user alone: a backup or an OPML file holds feed URLs, and a
# URL may carry a user name and password (http://user:secret@...).
PRIVATE = 0o600


@contextmanager
def writing_file(
    path: str | Path, *, mode: int = PRIVATE, new_only: bool = False
) -> Iterator[TextIO]:
    """A UTF-8 text stream to ``path`` for the block; OSError when it cannot be written.

    - a new file is made with ``mode`` (less the umask), whole or not at all;
    - an existing plain file, or the plain file a symlink leads to, is replaced once
      the new text is complete (a failed write leaves the old one; the link stays a
      link), keeping its mode and, where allowed, its owner; a file with other hard
      links gets a new inode of its own (a snapshot sharing it keeps the old text);
    - a device or a FIFO is opened and written in place, never renamed over.

    ``new_only``: never over an existing path, a link included (FileExistsError).
    """
    target = Path(path)
    if new_only:
        with _created(target, target, mode) as out:
            yield out
        return
    if target.is_symlink():
        target = Path(os.path.realpath(target))  # (a dangling link: its target is made)
    try:
        old: os.stat_result | None = target.lstat()
    except FileNotFoundError:
        old = None
    if old is not None and not stat.S_ISREG(old.st_mode):
        with _open(target, os.O_CREAT | os.O_TRUNC, mode) as out:
            yield out
        return
    partial = target.with_name(f".{target.name}.{os.urandom(4).hex()}.partial")
    with _created(partial, target, mode, like=old) as out:
        yield out


@contextmanager
def _created(
    new: Path, target: Path, mode: int, like: os.stat_result | None = None
) -> Iterator[TextIO]:
    """A file made afresh at ``new``, moved to ``target`` when the block ends well;
    removed when it does not (never what was there: O_EXCL fails first)."""
    out = _open(new, os.O_CREAT | os.O_EXCL, mode)
    try:
        with out:
            if like is not None:
                _keep_owner_and_mode(out.fileno(), like)
            yield out
        if new != target:
            os.replace(new, target)
    except BaseException:
        new.unlink(missing_ok=True)
        raise


def _open(path: Path, flags: int, mode: int) -> TextIO:
    return os.fdopen(os.open(path, os.O_WRONLY | flags, mode), "w", encoding="utf-8")


def _keep_owner_and_mode(descriptor: int, old: os.stat_result) -> None:
    """The replacement is the old file's: root exporting over a user's backup leaves it theirs."""
    if (old.st_uid, old.st_gid) != (os.geteuid(), os.getegid()):
        try:
            os.fchown(descriptor, old.st_uid, old.st_gid)
        except OSError:
            pass  # not ours to give away: the mode is kept all the same
    os.fchmod(descriptor, stat.S_IMODE(old.st_mode))
