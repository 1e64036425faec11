"""Save the current search under a name, for the sidebar.

The screen only asks; the caller saves with ``store.search.saved.save_search`` (in a
worker), which also checks that the query parses.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

from tui.screens.name_prompt import NamePrompt


class SaveSearch(NamePrompt):
    """Asks a name for ``query``; dismisses with the name (non-empty) or None."""

    def __init__(self, query: str, *, name: str = "", taken: Sequence[str] = ()) -> None:
        question = Text("Save the search ").append(query, style="bold").append(" as:")
        hint = "enter saves · esc cancels"
        if taken:
            hint = "an existing name gets the new query · " + hint
        super().__init__("Save search", question, value=name, names=taken, hint=hint)
        self.query_text = query
