"""Badge sheet geometry and name sizing: pure arithmetic, checked without drawing anything."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from convening.badges.layouts import (
    DEFAULT_LAYOUT,
    INCH,
    LAYOUTS,
    MM,
    Layout,
    NameFit,
    char_width,
    fit_name,
    text_width,
)

EPSILON = 1e-6
ALL_LAYOUTS = sorted(LAYOUTS)


def fronts(layout: Layout) -> list[tuple[float, float, float, float]]:
    """Each badge's box on the front page: left, top, right, bottom."""
    boxes = []
    for index in range(layout.per_sheet):
        spot = layout.front(index)
        boxes.append((spot.left, spot.top, spot.left + layout.badge_width, spot.top + layout.badge_height))
    return boxes


def overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] - EPSILON and b[0] < a[2] - EPSILON and a[1] < b[3] - EPSILON and b[1] < a[3] - EPSILON


def cuts(layout: Layout) -> tuple[set[float], set[float]]:
    """Where the guillotine goes: the badges' vertical and horizontal edges."""
    xs = {round(box[edge], 6) for box in fronts(layout) for edge in (0, 2)}
    ys = {round(box[edge], 6) for box in fronts(layout) for edge in (1, 3)}
    return xs, ys


# --- where badges go ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL_LAYOUTS)
def test_every_front_lies_on_the_page_and_none_overlap(name: str) -> None:
    layout = LAYOUTS[name]
    boxes = fronts(layout)
    assert len(boxes) == layout.per_sheet == layout.columns * layout.rows
    for left, top, right, bottom in boxes:
        assert min(left, top) >= -EPSILON
        assert right <= layout.page_width + EPSILON
        assert bottom <= layout.page_height + EPSILON
    for first in range(len(boxes)):
        for second in range(first + 1, len(boxes)):
            assert not overlap(boxes[first], boxes[second]), (name, first, second)


@pytest.mark.parametrize("name", ALL_LAYOUTS)
def test_each_back_lands_behind_its_front_when_the_sheet_turns_on_its_long_edge(name: str) -> None:
    """Turned over around its vertical axis, a point at x comes to page_width - x: a badge's right edge
    becomes its back's left edge."""
    layout = LAYOUTS[name]
    for index in range(layout.per_sheet):
        front, back = layout.front(index), layout.back(index)
        assert back.left == pytest.approx(layout.page_width - front.left - layout.badge_width)
        assert back.top == pytest.approx(front.top)
        assert -EPSILON <= back.left <= layout.page_width - layout.badge_width + EPSILON
    backs = {(round(layout.back(i).left, 6), round(layout.back(i).top, 6)) for i in range(layout.per_sheet)}
    assert len(backs) == layout.per_sheet  # no two backs on the same spot


def test_avery_5392_is_six_4_by_3_inch_inserts_on_letter() -> None:
    layout = LAYOUTS["avery-5392"]
    assert (layout.page_width, layout.page_height) == (8.5 * INCH, 11 * INCH)
    assert (layout.badge_width, layout.badge_height) == (4 * INCH, 3 * INCH)
    assert (layout.columns, layout.rows) == (2, 3)
    assert layout.front(0) == layout.back(1)
    assert (layout.front(0).left, layout.front(0).top) == (0.25 * INCH, 1 * INCH)
    # Side margins a quarter inch, top and bottom an inch, as on the Avery template.
    assert layout.page_width - layout.front(5).left - layout.badge_width == pytest.approx(0.25 * INCH)
    assert layout.page_height - layout.front(5).top - layout.badge_height == pytest.approx(1 * INCH)
    assert layout.crop_marks
    assert not layout.portrait
    assert DEFAULT_LAYOUT in LAYOUTS


def test_a6_4up_is_four_a6_badges_on_a4() -> None:
    layout = LAYOUTS["a6-4up"]
    assert (layout.page_width, layout.page_height) == pytest.approx((210 * MM, 297 * MM))
    assert (layout.badge_width, layout.badge_height) == pytest.approx((105 * MM, 148.5 * MM))
    assert (layout.columns, layout.rows) == (2, 2)
    assert layout.portrait
    assert fronts(layout)[3][2:] == pytest.approx((layout.page_width, layout.page_height))


def test_badge_4x3_is_one_badge_a_page() -> None:
    layout = LAYOUTS["badge-4x3"]
    assert (layout.page_width, layout.page_height) == (4 * INCH, 3 * INCH)
    assert layout.per_sheet == 1
    assert not layout.crop_marks
    assert layout.front(0) == layout.back(0)


@pytest.mark.parametrize(
    ("name", "count", "sheets"), [("avery-5392", 13, 3), ("a6-4up", 8, 2), ("badge-4x3", 2, 2)]
)
def test_sheets_hold_every_badge(name: str, count: int, sheets: int) -> None:
    assert LAYOUTS[name].sheets(count) == sheets
    assert LAYOUTS[name].sheets(0) == 0


# --- crop marks -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL_LAYOUTS)
def test_crop_marks_lie_on_the_page_in_line_with_every_cut(name: str) -> None:
    layout = LAYOUTS[name]
    marks = layout.marks()
    xs, ys = cuts(layout)
    for mark in marks:
        assert (mark.width == 0) != (mark.height == 0), mark  # a hairline, one way or the other
        assert max(mark.width, mark.height) >= 1, mark
        assert min(mark.left, mark.top) >= -EPSILON, mark
        assert mark.left + mark.width <= layout.page_width + EPSILON, mark
        assert mark.top + mark.height <= layout.page_height + EPSILON, mark
        if mark.width == 0:
            assert round(mark.left, 6) in xs, mark
        else:
            assert round(mark.top, 6) in ys, mark
    assert {round(mark.left, 6) for mark in marks if mark.width == 0} == xs
    assert {round(mark.top, 6) for mark in marks if mark.height == 0} == ys
    # Both ends of every cut are marked: at the top and bottom edges, at the left and right edges.
    for x in xs:
        assert len([mark for mark in marks if mark.width == 0 and round(mark.left, 6) == x]) == 2
    for y in ys:
        assert len([mark for mark in marks if mark.height == 0 and round(mark.top, 6) == y]) == 2


def test_crop_marks_stay_in_the_margins_where_the_sheet_has_them() -> None:
    layout = LAYOUTS["avery-5392"]
    boxes = fronts(layout)
    for mark in layout.marks():
        box = (
            mark.left,
            mark.top,
            mark.left + max(mark.width, EPSILON),
            mark.top + max(mark.height, EPSILON),
        )
        assert not any(overlap(box, badge) for badge in boxes), mark


@pytest.mark.parametrize("name", [name for name in ALL_LAYOUTS if LAYOUTS[name].crop_marks])
def test_crop_marks_also_line_up_with_the_cuts_of_the_backs(name: str) -> None:
    """Marks are drawn on back pages too: the mirrored badges must have the same cuts."""
    layout = LAYOUTS[name]
    xs, _ = cuts(layout)
    back_xs = {
        round(layout.back(index).left + offset, 6)
        for index in range(layout.per_sheet)
        for offset in (0, layout.badge_width)
    }
    assert back_xs == xs


# --- fitting names --------------------------------------------------------------------------------------

LANDSCAPE = {"width": 258.0, "largest": 34.0, "smallest": 13.0, "max_lines": 2}
PORTRAIT = {"width": 261.0, "largest": 44.0, "smallest": 16.0, "max_lines": 3}


@pytest.mark.parametrize("name", ["Jo", "Ana Li", "李小龍", "Sam Ortiz"])
def test_short_names_get_the_largest_size_on_one_line(name: str) -> None:
    assert fit_name(name, **LANDSCAPE) == NameFit(34.0, 1)
    assert fit_name(name, **PORTRAIT) == NameFit(44.0, 1)


def test_longer_names_shrink_step_by_step_and_never_below_the_smallest_size() -> None:
    names = [
        "Ana",
        "Héctor Ramírez",
        "Héctor Ramírez Díaz",
        "Héctor Ramírez Díaz de León",
        "Héctor Ramírez Díaz de León y Ortega",
        "Héctor Ramírez Díaz de León y Ortega Castillo Fuentes",
        "Héctor Ramírez Díaz de León y Ortega Castillo Fuentes Villanueva Montoya Aguilar",
        " ".join(["Héctor Ramírez Díaz de León"] * 6),
    ]
    fits = [fit_name(name, **LANDSCAPE) for name in names]
    assert fits[0] == NameFit(34.0, 1)
    one_line = [fit.size for fit in fits if fit.lines == 1]
    wrapped = [fit.size for fit in fits if fit.lines == 2]
    assert one_line == sorted(one_line, reverse=True)
    assert wrapped == sorted(wrapped, reverse=True)
    assert min(len(one_line), len(wrapped)) >= 2
    assert min(one_line) >= int(34.0 * 2 / 3)  # a name is only wrapped once one line would read small
    assert fits[-1] == NameFit(13.0, 2)
    assert all(13.0 <= fit.size <= 34.0 for fit in fits)


def test_a_single_word_never_wraps_while_a_size_fits_it() -> None:
    fit = fit_name("Wolfeschlegelsteinhausen", **LANDSCAPE)
    assert fit.lines == 1
    assert 13.0 <= fit.size < 34.0
    assert fit_name("W" * 100, **LANDSCAPE) == NameFit(13.0, 2)  # too long at any size: clamped in print


def test_no_word_is_sized_wider_than_a_line() -> None:
    """A wrapped name breaks between words: its longest word fits one line, with room to spare."""
    for name in (
        "Ελένη Παπαδοπούλου",
        "Nguyễn Thị Minh Khai",
        "Святослав Всеволодович",
        "Jo Featherstonehaugh",
    ):
        for spec in (LANDSCAPE, PORTRAIT):
            fit = fit_name(name, **spec)
            longest = max(text_width(word) for word in name.split())
            assert longest * fit.size <= spec["width"] * 0.9 + EPSILON, (name, fit)


def test_wide_characters_count_wider_than_latin() -> None:
    assert text_width("李小龍") > text_width("Lee")
    assert char_width("李") > char_width("W") > char_width("a")
    assert fit_name("李小龍李小龍李小龍", **LANDSCAPE).size < fit_name("abcdefghi", **LANDSCAPE).size
    # Cyrillic letters run wider than the Latin ones they look like.
    assert char_width("д") > char_width("a")
    assert char_width("Д") > char_width("D")
    assert text_width("Nguyễn") == text_width("Nguyen")  # combining marks take no room
    assert text_width("Nguye\u0302\u0303n") == text_width("Nguyen")


def test_one_line_only_when_asked() -> None:
    fit = fit_name(
        "Héctor Ramírez Díaz de León y Ortega Castillo", width=258.0, largest=34.0, smallest=13.0, max_lines=1
    )
    assert fit.lines == 1
    assert 13.0 <= fit.size < 34.0


@st.composite
def fit_specs(draw: st.DrawFn) -> dict[str, float | int]:
    smallest = draw(st.floats(min_value=4, max_value=30))
    return {
        "width": draw(st.floats(min_value=50, max_value=600)),
        "smallest": smallest,
        "largest": draw(st.floats(min_value=smallest, max_value=80)),
        "max_lines": draw(st.integers(min_value=1, max_value=4)),
    }


@given(text=st.text(max_size=250), spec=fit_specs())
def test_any_name_gets_a_size_between_the_smallest_and_the_largest(text: str, spec: dict) -> None:
    fit = fit_name(text, **spec)
    assert spec["smallest"] <= fit.size <= spec["largest"]
    assert 1 <= fit.lines <= max(spec["max_lines"], 1)


@given(
    char=st.characters(codec="utf-8"),
    length=st.integers(min_value=1, max_value=120),
    spec=fit_specs(),
)
def test_more_of_the_same_character_never_prints_larger(char: str, length: int, spec: dict) -> None:
    shorter = fit_name(char * length, **spec)
    longer = fit_name(char * (length + 1), **spec)
    assert longer.size <= shorter.size
