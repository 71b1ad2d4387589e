"""Placeholder pictures for the demo: speakers' initials on a coloured square, sponsors' names as wordmarks.

Drawn rather than shipped, so the demo holds no real person's face and no real organization's logo, and the
same name always gives the same picture. Plain bytes out; the demo stores them through images.services like
any upload.
"""

from __future__ import annotations

import hashlib
import io
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

# Dark enough for white letters (contrast of 4.5:1 or more).
PALETTE = ("#1f5f8b", "#6b3fa0", "#0f766e", "#3d6b21", "#8a5a00", "#b0306a", "#455a64", "#b3261e", "#7c4a1e")
INK = "#1d2733"
FONT_FILES = (
    Path("/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf"),
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
)
PORTRAIT_SIZE = 320
LOGO_SIZE = (640, 200)

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@cache
def _font(size: int) -> Font:
    """A bold sans-serif face, or Pillow's own when the system has none of ours."""
    for path in FONT_FILES:
        if path.exists():
            return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size=size)


def colour_for(name: str) -> str:
    """The same colour for the same name, whatever the run or machine."""
    return PALETTE[hashlib.sha256(name.encode()).digest()[0] % len(PALETTE)]


def name_words(name: str) -> list[str]:
    """'Rev. Dr. Charlotte Mayfield' -> ['Charlotte', 'Mayfield']: no titles, no name in another script."""
    return [word for word in name.split("(")[0].split() if not word.endswith(".")]


def initials(name: str) -> str:
    """'Rev. Dr. Charlotte Mayfield' -> 'CM'; 'Layla Haddad (ليلى حداد)' -> 'LH': first and last name."""
    words = name_words(name)
    if not words:
        return "?"
    letters = words[0][0] + (words[-1][0] if len(words) > 1 else "")
    return letters.upper()


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def portrait(name: str) -> bytes:
    """A square PNG: the speaker's initials, white on their colour."""
    size = PORTRAIT_SIZE
    image = Image.new("RGB", (size, size), colour_for(name))
    draw = ImageDraw.Draw(image)
    draw.text((size / 2, size / 2), initials(name), font=_font(size * 2 // 5), fill="white", anchor="mm")
    return _png(image)


def wordmark(name: str) -> bytes:
    """A PNG logo: a coloured emblem with the first letter, then the name in one or two lines beside it."""
    width, height = LOGO_SIZE
    colour = colour_for(name)
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    margin = 20
    emblem = height - 2 * margin
    draw.rounded_rectangle((margin, margin, margin + emblem, margin + emblem), radius=24, fill=colour)
    centre = margin + emblem / 2
    draw.text((centre, centre), name[:1].upper(), font=_font(emblem // 2), fill="white", anchor="mm")
    left = margin * 2 + emblem
    lines, font = _fit(draw, name, width - left - margin, height - 2 * margin)
    line_height = font.size * 1.2 if isinstance(font, ImageFont.FreeTypeFont) else 40
    top = height / 2 - line_height * (len(lines) - 1) / 2
    for number, line in enumerate(lines):
        draw.text((left, top + number * line_height), line, font=font, fill=INK, anchor="lm")
    return _png(image)


def _fit(draw: ImageDraw.ImageDraw, text: str, width: int, height: int) -> tuple[list[str], Font]:
    """The name in one line, or else in two lines as even as can be, at the largest size that fits the box."""
    words = text.split()
    splits = [[" ".join(words[:cut]), " ".join(words[cut:])] for cut in range(1, len(words))]
    splits.sort(key=lambda lines: max(draw.textlength(line, font=_font(20)) for line in lines))
    for size in range(56, 11, -2):
        font = _font(size)
        for lines in [[text], *splits[:1]]:
            fits_across = all(draw.textlength(line, font=font) <= width for line in lines)
            if fits_across and size * 1.2 * len(lines) <= height:
                return lines, font
    return [text], _font(12)
