"""The feed manager's table: a row a feed, the cursor's row always in view."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable


class FeedTable(DataTable[Text]):
    """Id, folder, name, unread/total and state of every feed (the state's first words:
    the detail under the table says it whole). The detail grows for a feed with an error
    and takes its lines from the table, so a resize scrolls the cursor's row back in view.
    """

    def __init__(self) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        for label, key in (("Id", "id"), ("Folder", "folder"), ("Feed", "feed")):
            self.add_column(Text(label), key=key)
        self.add_column(Text("Unread", justify="right"), key="unread")
        self.add_column(Text("State"), key="state")

    def on_resize(self) -> None:
        self.move_cursor(row=self.cursor_row)
