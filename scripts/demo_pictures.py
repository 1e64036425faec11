"""Draw the demo's pictures (store/demo/data/pictures/): simple scenes made with Pillow.

They are ours, not AA's photos: the demo stays off the network, so the few
flagship stories that carry a picture get one of these. Run it again only to
change them: ``uv run python scripts/demo_pictures.py``.
"""

from __future__ import annotations

import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

OUT = Path(__file__).resolve().parents[1] / "store" / "demo" / "data" / "pictures"
SIZE = (640, 360)


def sky(draw: ImageDraw.ImageDraw, top: tuple[int, int, int], bottom: tuple[int, int, int]) -> None:
    width, height = SIZE
    for y in range(height):
        share = y / height
        colour = tuple(round(a + (b - a) * share) for a, b in zip(top, bottom, strict=True))
        draw.line([(0, y), (width, y)], fill=colour)


def snow_road() -> Image.Image:
    """Snow-covered hills, a road through them and a snowplough."""
    image = Image.new("RGB", SIZE)
    draw = ImageDraw.Draw(image)
    sky(draw, (120, 150, 190), (210, 220, 235))
    draw.polygon(
        [(0, 210), (160, 120), (330, 200), (480, 110), (640, 190), (640, 360), (0, 360)],
        fill=(235, 240, 248),
    )
    draw.polygon(
        [(0, 260), (220, 200), (420, 240), (640, 215), (640, 360), (0, 360)], fill=(250, 252, 255)
    )
    draw.polygon([(290, 360), (350, 230), (370, 230), (470, 360)], fill=(150, 150, 160))
    draw.rectangle([(330, 262), (392, 296)], fill=(235, 140, 20))
    draw.rectangle([(310, 284), (404, 300)], fill=(60, 60, 70))
    rng = random.Random(1)
    for _ in range(500):
        x, y = rng.randrange(640), rng.randrange(360)
        draw.ellipse([(x, y), (x + 2, y + 2)], fill=(255, 255, 255))
    return image


def satellite() -> Image.Image:
    """A satellite with its solar wings over the curve of the Earth."""
    image = Image.new("RGB", SIZE, (8, 10, 28))
    draw = ImageDraw.Draw(image)
    rng = random.Random(2)
    for _ in range(160):
        x, y = rng.randrange(640), rng.randrange(240)
        draw.point((x, y), fill=(220, 220, 255))
    draw.ellipse([(-300, 250), (940, 1100)], fill=(30, 90, 170))
    draw.ellipse([(-300, 250), (940, 1100)], outline=(120, 190, 255), width=6)
    draw.rectangle([(300, 120), (340, 170)], fill=(200, 200, 205))
    for left in (150, 350):
        draw.rectangle(
            [(left, 130), (left + 140, 160)], fill=(40, 60, 140), outline=(170, 170, 180)
        )
    draw.line([(320, 120), (320, 95)], fill=(200, 200, 205), width=3)
    draw.ellipse([(305, 80), (335, 100)], outline=(220, 220, 225), width=3)
    return image


def cargo_ship() -> Image.Image:
    """A container ship at sea under an evening sky."""
    image = Image.new("RGB", SIZE)
    draw = ImageDraw.Draw(image)
    sky(draw, (240, 170, 110), (250, 220, 170))
    draw.rectangle([(0, 230), (640, 360)], fill=(30, 80, 120))
    draw.polygon([(120, 230), (520, 230), (490, 275), (150, 275)], fill=(120, 30, 30))
    colours = [(200, 60, 40), (40, 120, 180), (230, 180, 40), (60, 150, 80)]
    for column, left in enumerate(range(170, 430, 26)):
        for row in range(3):
            fill = colours[(column + row) % len(colours)]
            draw.rectangle([(left, 204 - row * 18), (left + 24, 220 - row * 18)], fill=fill)
    draw.rectangle([(440, 170), (480, 230)], fill=(235, 235, 235))
    draw.rectangle([(450, 150), (462, 170)], fill=(60, 60, 60))
    for y in range(245, 360, 14):
        draw.line([(0, y), (640, y + 4)], fill=(60, 110, 150), width=2)
    return image


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, draw in (
        ("snow-road", snow_road),
        ("satellite", satellite),
        ("cargo-ship", cargo_ship),
    ):
        picture = draw().filter(ImageFilter.SMOOTH)
        picture.save(OUT / f"{name}.jpg", "JPEG", quality=80, optimize=True)
        print(OUT / f"{name}.jpg")


if __name__ == "__main__":
    main()
