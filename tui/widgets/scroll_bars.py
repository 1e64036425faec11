"""Scroll bars repainted only when what they show changes.

Textual's ``ScrollView`` compares the virtual size the layout hands it (which it then
ignores) with its own; for a Line-API widget the two never agree, so every layout
anywhere on the screen (a new story in the reader) repainted the list's and the
sidebar's scroll bars: a few milliseconds a key. ``SteadyScrollBars`` lets them
through only when the widget's own virtual size, its size or its container changed.
"""

from __future__ import annotations

from textual.geometry import Size


class SteadyScrollBars:
    """Put first among a ``ScrollView``'s bases: its scroll bars follow its own virtual
    size, not every layout (a plain mixin: Textual's component classes stay the view's)."""

    _bars_for: Size | None = None  # the virtual size the scroll bars were last set for

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        own: Size = self.virtual_size  # type: ignore[attr-defined]
        if own == self._bars_for:
            virtual_size = own  # nothing new to scroll through
        self._bars_for = own
        return super()._size_updated(size, virtual_size, container_size, layout)  # type: ignore[misc]
