"""The refresh's and the sync's process: it and the forkserver it comes from yield the CPU."""

from __future__ import annotations

import os
import sys

import pytest

from tui.background import BACKGROUND_NICE, in_background_process


def niceness(progress: object, cancelled: object) -> tuple[int, int]:
    """In the job's process: its own nice value and its parent's (the forkserver)."""
    return os.getpriority(os.PRIO_PROCESS, 0), os.getpriority(os.PRIO_PROCESS, os.getppid())


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="nice values per thread: Linux")
def test_the_job_and_the_forkserver_run_at_a_lower_priority_than_the_screen() -> None:
    job, forkserver = in_background_process(niceness, lambda *args: None, lambda: False)
    screen = os.getpriority(os.PRIO_PROCESS, 0)
    assert screen < BACKGROUND_NICE
    assert job >= BACKGROUND_NICE
    assert forkserver >= BACKGROUND_NICE
