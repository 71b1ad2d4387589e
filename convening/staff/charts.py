"""Layout of the registrations chart: plain arithmetic without Flask, so it is tested on its own.

The template draws an inline SVG from these numbers; no JavaScript is involved. The view box is as wide as
a small phone (360 units), so the labels read at about their nominal size on a phone and grow only
a little on a wide screen, where the stylesheet caps the chart's width.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MAX_BARS = 62  # about two months of days; longer spans are drawn a week (or more) per bar

WIDTH = 360
HEIGHT = 200
FONT_SIZE = 13
CHAR_WIDTH = 0.6 * FONT_SIZE  # an average glyph, enough to keep labels apart and inside the box
TOP = 10  # room for the top tick label
BOTTOM = HEIGHT - 2.2 * FONT_SIZE  # the baseline; the date labels sit below it
RIGHT = WIDTH - 4
MAX_BAR_WIDTH = 40.0


@dataclass(frozen=True)
class Bucket:
    """The registrations of one bar: from `start` to `end`, both included."""

    start: date
    end: date
    count: int

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    bucket: Bucket


@dataclass(frozen=True)
class Tick:
    """A horizontal grid line at `y` with its value written at the left."""

    y: float
    value: int

    @property
    def label(self) -> str:
        return f"{self.value:,}"


@dataclass(frozen=True)
class Label:
    """A date written under the bars, centred on `x`."""

    x: float
    text: str


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    font_size: int
    left: float  # where the bars start; the tick labels end just before it
    right: float
    top: float
    baseline: float
    days_per_bar: int
    bars: list[Bar]
    ticks: list[Tick]
    labels: list[Label]

    @property
    def total(self) -> int:
        return sum(bar.bucket.count for bar in self.bars)

    @property
    def peak(self) -> Bucket:
        """The busiest bar (the earliest of equals)."""
        return max((bar.bucket for bar in self.bars), key=lambda bucket: bucket.count)


def short_date(day: date) -> str:
    """'Mar 3', the same in every locale, as the chart's labels."""
    return f"{MONTHS[day.month - 1]} {day.day}"


def buckets(daily: Mapping[date, int], first: date, last: date, *, max_bars: int = MAX_BARS) -> list[Bucket]:
    """Counts per day from `first` to `last` as bars: a day each, or whole weeks when the span is long.

    Days outside the span are left out; a span of more than `max_bars` days gets 7, 14, ... days per bar so
    that no more than `max_bars` bars are drawn.
    """
    if last < first:
        raise ValueError("the span ends before it starts")
    span = (last - first).days + 1
    size = 1 if span <= max_bars else 7 * math.ceil(span / (7 * max_bars))
    counts = [0] * math.ceil(span / size)
    for day, count in daily.items():
        if first <= day <= last:
            counts[(day - first).days // size] += count
    return [
        Bucket(
            start=first + timedelta(days=index * size),
            end=min(first + timedelta(days=index * size + size - 1), last),
            count=count,
        )
        for index, count in enumerate(counts)
    ]


def nice_ticks(maximum: int, *, most: int = 5) -> list[int]:
    """From 0 to a round number at or above `maximum`, in steps of 1, 2 or 5 times a power of ten."""
    if maximum <= 0:
        return [0, 1]
    magnitude = 1
    while True:
        for factor in (1, 2, 5):
            step = factor * magnitude
            steps = math.ceil(maximum / step)
            if steps + 1 <= most:
                return [step * index for index in range(steps + 1)]
        magnitude *= 10


def bar_chart(data: list[Bucket]) -> BarChart:
    """Where each bar, grid line and label goes in a WIDTH x HEIGHT view box."""
    if not data:
        raise ValueError("a chart needs at least one bar")
    values = nice_ticks(max(bucket.count for bucket in data))
    top_value = values[-1]
    left = max(len(f"{value:,}") for value in values) * CHAR_WIDTH + 8
    plot_height = BOTTOM - TOP
    band = (RIGHT - left) / len(data)
    bar_width = min(max(band * 0.75, min(band, 1.0)), MAX_BAR_WIDTH)

    def y_of(value: int) -> float:
        return BOTTOM - plot_height * value / top_value

    bars = [
        Bar(
            x=round(left + band * index + (band - bar_width) / 2, 2),
            y=round(y_of(bucket.count), 2),
            width=round(bar_width, 2),
            height=round(BOTTOM - y_of(bucket.count), 2),
            bucket=bucket,
        )
        for index, bucket in enumerate(data)
    ]
    return BarChart(
        width=WIDTH,
        height=HEIGHT,
        font_size=FONT_SIZE,
        left=round(left, 2),
        right=RIGHT,
        top=TOP,
        baseline=BOTTOM,
        days_per_bar=data[0].days,
        bars=bars,
        ticks=[Tick(round(y_of(value), 2), value) for value in values],
        labels=_date_labels(bars, left),
    )


def _date_labels(bars: list[Bar], left: float) -> list[Label]:
    """The first and last dates and evenly spaced ones between, as many as fit without touching."""
    gap = 2 * CHAR_WIDTH
    widest = max(len(short_date(bar.bucket.start)) for bar in bars) * CHAR_WIDTH
    room = max(1, int((RIGHT - left) // (widest + gap)))
    step = max(1, math.ceil((len(bars) - 1) / max(room - 1, 1)))
    picks = list(range(0, len(bars), step))
    if picks[-1] != len(bars) - 1:
        picks.append(len(bars) - 1)  # the last date always shows; an evenly spaced one may make way for it
    labels: list[Label] = []
    for index in picks:
        bar = bars[index]
        text = short_date(bar.bucket.start)
        half = len(text) * CHAR_WIDTH / 2
        label = Label(round(min(max(bar.x + bar.width / 2, left + half), WIDTH - half), 2), text)
        while labels and _gap_between(labels[-1], label) < gap:
            if index != len(bars) - 1 or len(labels) == 1:
                break
            labels.pop()
        if not labels or _gap_between(labels[-1], label) >= gap:
            labels.append(label)
    return labels


def _gap_between(first: Label, second: Label) -> float:
    return (second.x - len(second.text) * CHAR_WIDTH / 2) - (first.x + len(first.text) * CHAR_WIDTH / 2)
