"""The footer: the keys that matter most, as many as fit whole, never cut mid-word.

Textual's footer shows every shown binding and lets the last one run off the
edge (``r Rea`` at 80 columns). This one takes the keys in the order of
``tui.keys.FOOTER`` and stops before the first that would not fit.
"""

from __future__ import annotations

from dataclasses import replace

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey  # no public name; pinned Textual

from tui.keys import FOOTER

PALETTE_ROOM = 13  # "▏^p palette" at the right end


def key_width(key: str, label: str) -> int:
    """Cells one footer key takes: the key padded by one each side, the label and a space."""
    return len(key) + 2 + len(label) + 1


class KeyFooter(Footer):
    """The main screen's footer."""

    _shown: tuple[object, ...] | None = None  # what the footer shows now

    def _picked(self) -> list[tuple[Binding, str, bool, str]]:
        """The footer's keys at this width, in ``FOOTER``'s order, each whole."""
        active = self.screen.active_bindings
        shown = {b.action: (b, enabled, tip) for _, b, enabled, tip in active.values() if b.show}
        room = self.size.width - (PALETTE_ROOM if self.show_command_palette else 0)
        picked = []
        for action in FOOTER:
            if action not in shown:
                continue
            binding, enabled, tooltip = shown[action]
            if action == "close" and not getattr(self.screen, "close_quits", True):
                binding = replace(binding, description="Back")  # q goes back a level here
            display = self.app.get_key_display(binding)
            room -= key_width(display, binding.description)
            if room < 0:
                break
            picked.append((binding, display, enabled, tooltip))
        return picked

    @staticmethod
    def _signature(picked: list[tuple[Binding, str, bool, str]]) -> tuple[object, ...]:
        return tuple((b.key, b.description, display, on) for b, display, on, _ in picked)

    def bindings_changed(self, screen: Screen) -> None:
        """Recompose only when the keys shown change: a key press that leaves them
        as they were (most do) costs no new widgets."""
        if self._bindings_ready and self.is_attached and screen is self.screen:
            if self._signature(self._picked()) == self._shown:
                return
        super().bindings_changed(screen)

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        active = self.screen.active_bindings
        picked = self._picked()
        self._shown = self._signature(picked)
        self.styles.grid_size_columns = len(picked)
        for binding, display, enabled, tooltip in picked:
            yield FooterKey(
                binding.key,
                display,
                binding.description,
                binding.action,
                disabled=not enabled,
                tooltip=tooltip,
            ).data_bind(compact=Footer.compact)
        if self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE:
            palette = [a for a in active.values() if a.binding.action == "command_palette"]
            if palette:
                _, binding, enabled, tooltip = palette[0]
                yield FooterKey(
                    binding.key,
                    self.app.get_key_display(binding),
                    binding.description,
                    binding.action,
                    classes="-command-palette",
                    disabled=not enabled,
                    tooltip=binding.tooltip or binding.description,
                )

    def on_resize(self, event: events.Resize) -> None:
        """A new width: choose the keys again."""
        self._shown = None
        self.call_after_refresh(self.recompose)
