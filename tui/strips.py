"""Textual's drawn lines freed when they are dropped, not by Python's collector.

A ``Strip`` (one drawn line) keeps seven small caches of the strips made from it.
Two of its methods put the strip itself into its own cache when the answer is the
strip unchanged: ``divide`` at its own width (the compositor divides nearly every
line it draws so) and ``crop_extend`` to its own width. Each such strip is a cycle,
and a cycle is freed only by a pass of Python's cyclic collector: at 500,000 stories
~800 objects a key, a full pass every ~2 s while keys are pressed (14-37 ms; the key
waits). ``untangle_strips`` makes both methods answer the strip itself without
keeping it; every other answer is Textual's own (pinned in pyproject.toml).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.style import Style
from textual.strip import Strip

_divide = Strip.divide
_crop_extend = Strip.crop_extend


def _divide_untangled(self: Strip, cuts: Iterable[int]) -> Sequence[Strip]:
    cuts = [cut for cut in cuts if cut <= self.cell_length]
    if cuts == [self.cell_length]:
        return [self]  # Textual's answer, not kept in the strip's own cache
    return _divide(self, cuts)


def _crop_extend_untangled(self: Strip, start: int, end: int, style: Style | None) -> Strip:
    if start == 0 and end == self.cell_length:
        return self  # Textual's answer, not kept in the strip's own cache
    return _crop_extend(self, start, end, style)


def untangle_strips() -> None:
    """Strips never keep themselves (once per process; again changes nothing)."""
    Strip.divide = _divide_untangled  # type: ignore[method-assign]
    Strip.crop_extend = _crop_extend_untangled  # type: ignore[method-assign]
