"""Badge sheets: where each badge sits on a page, front and back, and how large a name can be printed.

Pure geometry in points (1/72 in) with no Flask and no database, so it is tested on its own. Backs are
mirrored left to right: a sheet turned over along its long edge puts each back behind its own front.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

INCH = 72.0
MM = 72.0 / 25.4


@dataclass(frozen=True)
class Position:
    """A badge's top-left corner on its page, in points."""

    left: float
    top: float


@dataclass(frozen=True)
class Mark:
    """A crop mark: a horizontal (height 0) or vertical (width 0) hairline, in points."""

    left: float
    top: float
    width: float
    height: float


@dataclass(frozen=True)
class Layout:
    name: str
    label: str
    description: str
    page_width: float
    page_height: float
    badge_width: float
    badge_height: float
    columns: int
    rows: int
    left: float = 0.0
    top: float = 0.0
    # Sheet stock that is cut or torn apart, where crop marks help.
    crop_marks: bool = False

    @property
    def per_sheet(self) -> int:
        return self.columns * self.rows

    @property
    def portrait(self) -> bool:
        return self.badge_height > self.badge_width

    def front(self, index: int) -> Position:
        """Where the index-th badge of a sheet goes on the front, filling rows from the top left."""
        row, column = divmod(index, self.columns)
        return Position(self.left + column * self.badge_width, self.top + row * self.badge_height)

    def back(self, index: int) -> Position:
        """Where its back goes on the reverse page: same row, mirrored column, for long-edge duplex."""
        row, column = divmod(index, self.columns)
        mirrored = self.page_width - self.left - (column + 1) * self.badge_width
        return Position(mirrored, self.top + row * self.badge_height)

    def sheets(self, count: int) -> int:
        return -(-count // self.per_sheet)

    def marks(self, length: float = 14.0) -> list[Mark]:
        """Hairline ticks in the page's edges, in line with every cut, so a guillotine finds them."""
        xs = sorted({self.left + column * self.badge_width for column in range(self.columns + 1)})
        ys = sorted({self.top + row * self.badge_height for row in range(self.rows + 1)})
        bottom = self.top + self.rows * self.badge_height
        right = self.left + self.columns * self.badge_width
        # Outside the badges when the sheet has margins; at the very edge when it has none.
        top_tick = min(length, self.top) or length
        bottom_tick = min(length, self.page_height - bottom) or length
        left_tick = min(length, self.left) or length
        right_tick = min(length, self.page_width - right) or length
        marks = []
        for x in xs:
            marks.append(Mark(x, max(self.top - top_tick, 0), 0, top_tick))
            marks.append(Mark(x, min(bottom, self.page_height - bottom_tick), 0, bottom_tick))
        for y in ys:
            marks.append(Mark(max(self.left - left_tick, 0), y, left_tick, 0))
            marks.append(Mark(min(right, self.page_width - right_tick), y, right_tick, 0))
        return marks


LAYOUTS: dict[str, Layout] = {
    layout.name: layout
    for layout in (
        Layout(
            "badge-4x3",
            "Badge printer, 4 × 3 in",
            "One 4 × 3 in badge per page, its back on the next page, for badge printers.",
            4 * INCH,
            3 * INCH,
            4 * INCH,
            3 * INCH,
            1,
            1,
        ),
        Layout(
            "avery-5392",
            "Avery 5392 sheets, US Letter",
            "Six 4 × 3 in inserts per Letter sheet; print both sides with long-edge flipping.",
            8.5 * INCH,
            11 * INCH,
            4 * INCH,
            3 * INCH,
            2,
            3,
            left=0.25 * INCH,
            top=1 * INCH,
            crop_marks=True,
        ),
        Layout(
            "a6-4up",
            "A6, four per A4 sheet",
            "Four A6 badges per A4 sheet, cut in quarters; print both sides with long-edge flipping.",
            210 * MM,
            297 * MM,
            105 * MM,
            148.5 * MM,
            2,
            2,
            crop_marks=True,
        ),
    )
}
DEFAULT_LAYOUT = "avery-5392"


# --- fitting a name -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class NameFit:
    size: float  # font size in points
    lines: int  # lines the name may wrap to at that size

    @property
    def css_class(self) -> str:
        """One class per fit, so a batch's stylesheet declares each size once and no badge needs a style."""
        return f"z{round(self.size * 10)}-{self.lines}"


# Share of a line the longest word of a name may fill by the estimate: real glyphs run up to a tenth wider.
WORD_MARGIN = 0.9


def char_width(char: str) -> float:
    """Advance of one character in a bold sans face, in em: a cautious estimate that never needs a font."""
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0.0
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 1.0
    if char == " ":
        return 0.26
    if char in "iIl.,'’:;|!j":
        return 0.3
    if char in "mwMW@":
        return 0.9
    if "\u0400" <= char <= "\u04ff":  # Cyrillic letters run about an eighth wider than Latin ones
        return 0.76 if char.isupper() else 0.68
    if "\u0370" <= char <= "\u03ff":  # Greek too, a little less so
        return 0.72 if char.isupper() else 0.65
    if char.isupper() or char.isdigit():
        return 0.68
    return 0.6


def text_width(text: str) -> float:
    """Width of `text` in em."""
    return sum(char_width(char) for char in text)


def fit_name(text: str, *, width: float, largest: float, smallest: float, max_lines: int = 2) -> NameFit:
    """The largest size, up to `largest`, at which `text` fits `width` points on as few lines as it can.

    One line is kept while the name still reads large (at least two thirds of `largest`); past that it may
    wrap, between words only: no size is chosen at which its longest word would not fit a line, with a
    margin for letters wider than estimated. Below `smallest` it stays at `smallest` and the template
    clamps what still overflows.
    """
    em = text_width(text) or 1.0
    longest = max((text_width(word) for word in text.split()), default=0.0)
    ceiling = min(largest, width * WORD_MARGIN / longest) if longest else largest
    single = width / em
    if single >= ceiling:  # one line, as large as its longest word allows
        size = ceiling if ceiling == largest else max(float(int(ceiling)), smallest)
        return NameFit(size, 1 if single >= size else max_lines)
    if single >= largest * 2 / 3 or max_lines == 1 or " " not in text.strip():
        return NameFit(max(float(int(single)), smallest), 1 if single >= smallest else max_lines)
    # Wrapping loses part of a line at each break: budget 85% of the lines' total width.
    wrapped = width * max_lines * 0.85 / em
    return NameFit(max(float(int(min(wrapped, ceiling))), smallest), max_lines)
