"""The demo's pictures: files bundled in ``data/pictures`` (drawn by
``scripts/demo_pictures.py``), shown as a read-only picture cache.

The demo stays off the network, so a flagship story with ``picture = "name"`` in
``data/flagship.toml`` carries an address under ``DEMO_PICTURES_URL``, and
``DemoPictures`` answers it from the bundled file of that name. Any other
address has no picture in the demo.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

from store.pictures import PictureCache

DEMO_PICTURES_URL = "https://cdnuploads.aa.com.tr/uploads/Contents/aanews-demo/"
PICTURES_DIR = Path(str(resources.files("store.demo").joinpath("data", "pictures")))


def demo_picture_url(name: str) -> str:
    """The address a demo story gives its bundled picture ``name`` (a file of data/pictures)."""
    if name not in bundled():
        raise ValueError(f"no demo picture {name!r} in {PICTURES_DIR}")
    return f"{DEMO_PICTURES_URL}thumbs_b_c_{name}?v=1"  # AA's shape: a thumbnail


@cache
def bundled() -> frozenset[str]:
    """The names of the bundled pictures."""
    return frozenset(path.name for path in PICTURES_DIR.glob("*.jpg"))


class DemoPictures(PictureCache):
    """The bundled pictures as a cache that is only read."""

    def __init__(self) -> None:
        super().__init__(PICTURES_DIR, read_only=True)

    def path_for(self, url: str) -> Path:
        name = url.removeprefix(DEMO_PICTURES_URL).removeprefix("thumbs_b_c_").split("?")[0]
        if url.startswith(DEMO_PICTURES_URL) and name in bundled():
            return PICTURES_DIR / name
        return PICTURES_DIR / "none"  # never a file: no picture
