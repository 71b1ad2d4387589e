"""The registrations chart's layout: bars per day or week, round grid lines, labels that fit a phone."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from convening.staff.charts import (
    CHAR_WIDTH,
    MAX_BAR_WIDTH,
    MAX_BARS,
    WIDTH,
    BarChart,
    Bucket,
    bar_chart,
    buckets,
    nice_ticks,
    short_date,
)

MARCH_1 = date(2027, 3, 1)


def test_one_bar_per_day_over_a_short_span_with_empty_days_kept() -> None:
    daily = {MARCH_1: 3, date(2027, 3, 3): 5}
    assert buckets(daily, MARCH_1, date(2027, 3, 4)) == [
        Bucket(MARCH_1, MARCH_1, 3),
        Bucket(date(2027, 3, 2), date(2027, 3, 2), 0),
        Bucket(date(2027, 3, 3), date(2027, 3, 3), 5),
        Bucket(date(2027, 3, 4), date(2027, 3, 4), 0),
    ]


def test_a_long_span_is_drawn_a_week_per_bar_and_keeps_every_registration() -> None:
    last = MARCH_1 + timedelta(days=99)
    daily = {MARCH_1 + timedelta(days=offset): 1 for offset in range(100)}
    bars = buckets(daily, MARCH_1, last)
    assert len(bars) == 15
    assert all(bar.days == 7 for bar in bars[:-1])
    assert (bars[0].start, bars[-1].end, bars[-1].days) == (MARCH_1, last, 2)
    assert sum(bar.count for bar in bars) == 100


def test_a_span_of_years_still_fits_the_bar_limit() -> None:
    bars = buckets({MARCH_1: 1}, MARCH_1, MARCH_1 + timedelta(days=3 * 365))
    assert len(bars) <= MAX_BARS
    assert bars[0].days % 7 == 0


def test_days_outside_the_span_are_left_out_and_a_backwards_span_is_refused() -> None:
    assert buckets({date(2027, 2, 28): 9, MARCH_1: 1}, MARCH_1, MARCH_1) == [Bucket(MARCH_1, MARCH_1, 1)]
    with pytest.raises(ValueError, match="ends before it starts"):
        buckets({}, MARCH_1, date(2027, 2, 1))


@pytest.mark.parametrize(
    ("maximum", "ticks"),
    [
        (0, [0, 1]),
        (1, [0, 1]),
        (4, [0, 1, 2, 3, 4]),
        (7, [0, 2, 4, 6, 8]),
        (10, [0, 5, 10]),
        (100, [0, 50, 100]),
        (1234, [0, 500, 1000, 1500]),
    ],
)
def test_grid_lines_fall_on_round_numbers(maximum: int, ticks: list[int]) -> None:
    assert nice_ticks(maximum) == ticks


@given(st.integers(min_value=1, max_value=10**9))
def test_grid_lines_always_cover_the_maximum_in_a_few_even_steps(maximum: int) -> None:
    ticks = nice_ticks(maximum)
    assert 2 <= len(ticks) <= 5
    assert ticks[0] == 0
    assert ticks[-1] >= maximum > ticks[-2]
    assert len({b - a for a, b in pairwise(ticks)}) == 1


def test_bar_heights_are_proportional_and_empty_days_have_no_bar() -> None:
    chart = bar_chart(
        [Bucket(MARCH_1, MARCH_1, 10), Bucket(MARCH_1, MARCH_1, 0), Bucket(MARCH_1, MARCH_1, 5)]
    )
    tall, empty, half = chart.bars
    assert [tick.value for tick in chart.ticks] == [0, 5, 10]
    assert tall.y == pytest.approx(chart.top)  # the busiest day reaches the top grid line
    assert tall.y + tall.height == pytest.approx(chart.baseline)
    assert half.height == pytest.approx(tall.height / 2)
    assert empty.height == 0
    assert (chart.total, chart.peak.count) == (15, 10)


def test_a_single_bar_stays_slim_and_centred() -> None:
    chart = bar_chart([Bucket(MARCH_1, MARCH_1, 3)])
    [bar] = chart.bars
    assert bar.width == MAX_BAR_WIDTH
    assert bar.x + bar.width / 2 == pytest.approx((chart.left + chart.right) / 2)
    assert [label.text for label in chart.labels] == ["Mar 1"]


def test_the_left_margin_makes_room_for_the_widest_count() -> None:
    narrow = bar_chart([Bucket(MARCH_1, MARCH_1, 3)])
    wide = bar_chart([Bucket(MARCH_1, MARCH_1, 12_000)])
    assert wide.ticks[-1].label == "15,000"
    assert wide.left >= len("15,000") * CHAR_WIDTH > narrow.left


def test_short_dates_read_the_same_in_every_locale() -> None:
    assert short_date(date(2027, 12, 31)) == "Dec 31"


def _assert_fits(chart: BarChart) -> None:
    for bar in chart.bars:
        assert chart.left - 0.01 <= bar.x
        assert bar.x + bar.width <= chart.right + 0.01
        assert chart.top - 0.01 <= bar.y <= chart.baseline
    edges = []
    for label in chart.labels:
        half = len(label.text) * CHAR_WIDTH / 2
        assert label.x - half >= 0
        assert label.x + half <= WIDTH
        edges.append((label.x - half, label.x + half))
    for (_, right), (left, _) in pairwise(edges):
        assert right < left, "two date labels overlap"


@given(
    st.integers(min_value=0, max_value=800),
    st.lists(st.integers(min_value=0, max_value=5000), min_size=1, max_size=60),
)
@example(span=7, counts=[801])  # evenly spaced picks once rounded to neighbouring bars, labels overlapping
def test_bars_and_labels_stay_inside_the_chart_and_apart(span: int, counts: list[int]) -> None:
    daily = {
        MARCH_1 + timedelta(days=index * (span // len(counts) or 1)): n for index, n in enumerate(counts)
    }
    _assert_fits(bar_chart(buckets(daily, MARCH_1, MARCH_1 + timedelta(days=span))))
