"""Reading views: a view's story ids and counts, the sidebar's counts, rows, the next unread.

Every view is a query string for ``store.search.compiler.search_ids``. A new
view shows its first screenful at once, then the whole list: ordering 100,000
ids takes a moment, the top rows do not.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

from textual.message import Message
from textual.worker import get_current_worker

from store.items import fetch_items, first_unread
from store.model import Item
from store.search.compiler import QueryError, search_ids, unread_count
from tui.controllers import Controller
from tui.controllers.sidebar_data import load_sidebar
from tui.widgets.item_list import PAGE, ItemList
from tui.widgets.sidebar import SidebarData, View
from tui.workers import in_thread

FIRST_PAGE = 200
# Seconds the whole list waits for the first page to be drawn: ordering 500,000 ids
# beside the first frame would hold the interpreter lock that frame needs.
FIRST_DRAW_WAIT = 0.5
SEEK_PIECE = 5000  # ids a look for the next unread story reads at a time


class ViewReader(Controller):
    """Runs the view's query and the sidebar's counts; newer requests replace older ones."""

    def __init__(self, db_path: Path) -> None:
        super().__init__(db_path)
        self._first_drawn = threading.Event()

    def first_page_drawn(self) -> None:
        """The list has drawn a new view's first page: the rest of its ids may come."""
        self._first_drawn.set()

    class FirstPage(Message):
        """The first ids of a new view, with the rows to draw at once."""

        def __init__(self, view: View, ids: list[int], rows: list[Item]) -> None:
            super().__init__()
            self.view, self.ids, self.rows = view, ids, rows

    class Loaded(Message):
        """Every id of the view and its unread count; ``keep`` the story to stay on."""

        def __init__(
            self, view: View, ids: list[int], unread: int, keep: int | None, reload: bool
        ) -> None:
            super().__init__()
            self.view, self.ids, self.unread = view, ids, unread
            self.keep, self.reload = keep, reload

    class Failed(Message):
        """The view's query cannot run (a search being typed): its one-line error."""

        def __init__(self, view: View, error: str) -> None:
            super().__init__()
            self.view, self.error = view, error

    class Counted(Message):
        """Fresh counts for the sidebar, and the unread count of ``view``."""

        def __init__(self, data: SidebarData, view: View, unread: int) -> None:
            super().__init__()
            self.data, self.view, self.unread = data, view, unread

    class RowsLoaded(Message):
        """Rows the list asked for (``ItemList.RowsWanted``)."""

        def __init__(self, generation: int, page: int, rows: list[Item]) -> None:
            super().__init__()
            self.generation, self.page, self.rows = generation, page, rows

    class UnreadFound(Message):
        """The nearest unread story in ``ids`` (None: no other); ``wrapped`` past an end."""

        def __init__(self, item_id: int | None, ids: list[int], wrapped: bool) -> None:
            super().__init__()
            self.item_id, self.ids, self.wrapped = item_id, ids, wrapped

    @in_thread("view", exclusive=True)
    def load(self, view: View, *, with_text: bool, keep: int | None = None) -> None:
        """Read ``view``: the first page at once when it is new (``keep`` None), then all."""
        worker = get_current_worker()
        db = self.open_db()
        try:
            reload = keep is None
            if keep is None:
                self._first_drawn.clear()
                first = search_ids(db, view.query, limit=FIRST_PAGE)
                rows = fetch_items(db, first[:PAGE], with_text=with_text)
                if worker.is_cancelled:
                    return
                self.post_message(self.FirstPage(view, first, rows))
                self._first_drawn.wait(FIRST_DRAW_WAIT)
            ids = search_ids(db, view.query)
            unread = unread_count(db, view.query)
        except QueryError as error:
            self.post_message(self.Failed(view, str(error)))
            return
        finally:
            db.close()
        if not worker.is_cancelled:
            self.post_message(self.Loaded(view, ids, unread, keep, reload))

    @in_thread("sidebar", exclusive=True)
    def count(self, view: View) -> None:
        """Fresh counts for every view in the sidebar and for ``view``."""
        db = self.open_db()
        try:
            data = load_sidebar(db)
            try:
                unread = unread_count(db, view.query)
            except QueryError:  # a search being typed; its error shows elsewhere
                unread = 0
        finally:
            db.close()
        self.post_message(self.Counted(data, view, unread))

    @in_thread("rows")
    def load_rows(self, wanted: ItemList.RowsWanted) -> None:
        """Read a page of list rows the list is about to draw."""
        db = self.open_db()
        try:
            rows = fetch_items(db, wanted.ids, with_text=wanted.with_text)
        finally:
            db.close()
        self.post_message(self.RowsLoaded(wanted.generation, wanted.page, rows))

    @in_thread("seek", exclusive=True)
    def find_unread(self, ids: list[int], cursor: int, step: int) -> None:
        """The nearest unread story below (``step`` 1) or above (-1) row ``cursor``.

        Past the end of the list the search goes on from the other end, so ``p``
        on the top unread row finds the last one below instead of nothing.
        """
        if step > 0:
            ahead, behind = (cursor + 1, len(ids)), (0, cursor)
        else:
            ahead, behind = (0, cursor), (cursor + 1, len(ids))
        db = self.open_db()
        try:
            for wrapped, (start, stop) in ((False, ahead), (True, behind)):
                for piece in _pieces(ids, start, stop, step):
                    found = first_unread(db, piece)
                    if found is not None:
                        self.post_message(self.UnreadFound(found, ids, wrapped))
                        return
        finally:
            db.close()
        self.post_message(self.UnreadFound(None, ids, False))


def _pieces(ids: list[int], start: int, stop: int, step: int) -> Iterator[list[int]]:
    """``ids[start:stop]`` a piece at a time, the first (``step`` 1) or last (-1) first.

    Slicing 500,000 ids at once holds the interpreter lock ~5 ms each time, a
    copy the screen's thread waits behind; the next unread is most often near.
    """
    starts = range(start, stop, SEEK_PIECE)
    for at in starts if step > 0 else reversed(starts):
        piece = ids[at : min(at + SEEK_PIECE, stop)]
        yield piece if step > 0 else piece[::-1]
