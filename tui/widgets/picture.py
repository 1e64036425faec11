"""The story's picture in the reader: Kitty or Sixel where the terminal speaks them,
coloured half-blocks elsewhere (tmux, most terminals), text blocks off a terminal.

textual-image asks the terminal what it can show when it is first imported
(it writes queries to stdout and reads the answers). That must happen before
Textual takes the terminal, so ``run_reader`` calls ``detect_terminal`` first,
and never in a CLI command: nothing but this module imports textual-image, and
only the reader pane imports this module, when it first shows a picture.
"""

from __future__ import annotations

import os
from pathlib import Path

import textual_image.renderable as drawn

if not drawn.is_tty and os.environ.get("TEXTUAL_DRIVER", "").endswith(":WebDriver"):
    # aanews serve: no terminal on stdout, so textual-image would pick text blocks,
    # but the browser's terminal draws half-blocks well. (Before textual_image.widget.)
    drawn.Image = drawn.HalfcellImage  # type: ignore[misc]

from PIL import Image as PILImage  # noqa: E402
from textual_image._terminal import get_cell_size  # noqa: E402
from textual_image.widget import Image  # noqa: E402

# The tallest a picture may be, in rows, and its share of the reader pane's height:
# the title and the first lines of the story stay in view below it.
MAX_ROWS = 16
MAX_SHARE = 0.45


def detect_terminal() -> str:
    """What the terminal can show (asked once, now); the name of the way pictures are drawn."""
    return protocol_name()


def protocol_name() -> str:
    """ "sixel", "kitty", "half-blocks" or "text": how pictures are drawn here."""
    from textual_image.renderable import Image as chosen
    from textual_image.renderable import SixelImage, TGPImage, UnicodeImage

    return {SixelImage: "sixel", TGPImage: "kitty", UnicodeImage: "text"}.get(chosen, "half-blocks")


def fit(pixels: tuple[int, int], width: int, height: int) -> tuple[int, int]:
    """Cells (columns, rows) for a picture of ``pixels`` in a pane ``width`` x ``height``:
    as wide as the pane, at most ``MAX_ROWS`` and ``MAX_SHARE`` of it tall, shape kept."""
    cell = get_cell_size()
    picture_width, picture_height = pixels
    rows_allowed = max(1, min(MAX_ROWS, int(height * MAX_SHARE)))
    if picture_width <= 0 or picture_height <= 0 or width <= 0:
        return 0, 0
    ratio = (picture_height * cell.width) / (picture_width * cell.height)  # rows per column
    columns = width
    rows = round(columns * ratio)
    if rows > rows_allowed:
        rows = rows_allowed
        columns = max(1, min(width, round(rows / ratio)))
    return columns, max(1, rows)


class Picture(Image, Renderable=Image._Renderable):  # type: ignore[misc, valid-type, call-arg]
    """One story's picture, from a file of the picture cache (drawn the way the terminal
    allows: textual-image chose ``Image`` as it was imported)."""

    DEFAULT_CSS = "Picture { margin: 0 0 1 0; }"

    def __init__(self, path: Path, *, url: str) -> None:
        super().__init__(str(path))
        self.url = url
        self.path = path
        self.pixels = (self._image_width, self._image_height)  # the cached file's size
        self._fitted = (0, 0)

    def fit_to(self, width: int, height: int) -> None:
        """Size the picture for a pane of ``width`` x ``height`` cells, and draw it from a
        copy made that size: textual-image scales its image on every draw (a 1,600-pixel
        file cost 80-140 ms a draw in half-blocks; the copy a few)."""
        columns, rows = fit(self.pixels, width, height)
        if (columns, rows) == self._fitted or not columns:
            return
        self._fitted = (columns, rows)
        cell = get_cell_size()
        if protocol_name() in ("half-blocks", "text"):
            size = (columns, rows * 2)  # two pixels a cell, one above the other
        else:
            size = (columns * cell.width, rows * cell.height)
        with PILImage.open(self.path) as source:
            self.image = source.convert("RGB").resize(size, PILImage.Resampling.LANCZOS)
        self.styles.width = columns
        self.styles.height = rows
