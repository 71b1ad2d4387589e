"""The program grid's layout and warnings, as plain data: no app, no database."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from itertools import combinations
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from convening.program.grid import (
    Card,
    Grid,
    Problem,
    Room,
    Session,
    Slot,
    Speaker,
    Track,
    build_grid,
    cell_anchor,
)

CHICAGO = ZoneInfo("America/Chicago")
TUESDAY = date(2027, 6, 15)
LABELS = {"plenary": "Plenary", "breakout": "Breakouts", "meal": "Meal", "break": "Break"}


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=CHICAGO)


def slot(slot_id: int, start: datetime, minutes: int = 60, kind: str = "breakout", label: str = "") -> Slot:
    return Slot(slot_id, start, start + timedelta(minutes=minutes), kind, LABELS[kind], label)


def session(session_id: int, title: str | None = None, **fields: object) -> Session:
    kind = str(fields.pop("kind", "breakout"))
    label = {"breakout": "Breakout workshop", "keynote": "Keynote", "plenary": "Plenary", "meal": "Meal"}[
        kind
    ]
    return Session(session_id, title or f"Session {session_id}", kind, label, **fields)  # type: ignore[arg-type]


def plain(text: str) -> str:
    """A message without the Unicode isolates that keep names in their own direction."""
    return text.replace("\u2068", "").replace("\u2069", "")


HALL, SALON = Room(1, "Main Hall", 300), Room(2, "Salon B", 40)
MORNING = slot(10, at(TUESDAY, 9), kind="plenary", label="Opening")
LATE_MORNING = slot(11, at(TUESDAY, 10, 30), 90)
OVERLAPPING = slot(12, at(TUESDAY, 11), 60)  # overlaps LATE_MORNING
WEDNESDAY = slot(20, at(TUESDAY + timedelta(days=1), 9))
ANA, LEE = Speaker(1, "Ana Ruiz"), Speaker(2, "李小龍")


def test_days_hold_their_slots_as_rows_and_rooms_as_columns() -> None:
    keynote = session(1, "Welcome", kind="keynote", slot_id=10, room_id=1, track=Track("Housing", "#2f6f4f"))
    workshop = session(2, "Zoning 101", slot_id=11, room_id=2)
    later = session(3, "Transit", slot_id=20, room_id=1)
    loose = session(4, "Budgets")
    grid = build_grid(
        [WEDNESDAY, LATE_MORNING, MORNING], [HALL, SALON], [keynote, workshop, later, loose], days=[TUESDAY]
    )

    assert [day.date for day in grid.days] == [TUESDAY, TUESDAY + timedelta(days=1)]
    tuesday = grid.days[0]
    assert [row.slot.id for row in tuesday.rows] == [10, 11]
    assert [[card.session.id for card in cell.cards] for cell in tuesday.rows[0].cells] == [[1], []]
    assert [[card.session.id for card in cell.cards] for cell in tuesday.rows[1].cells] == [[], [2]]
    assert [cell.room for cell in tuesday.rows[0].cells] == [HALL, SALON]
    assert grid.days[1].rows[0].cells[0].cards[0].session.title == "Transit"
    assert [card.session.id for card in grid.unscheduled] == [4]
    assert grid.warnings == ()
    assert tuesday.rows[0].cells[0].anchor == "cell-10-1"


def test_days_without_slots_still_have_a_page_and_a_day_can_be_looked_up() -> None:
    grid = build_grid([], [HALL], [], days=[TUESDAY, TUESDAY + timedelta(days=1)])
    assert [day.rows for day in grid.days] == [(), ()]
    assert grid.day(TUESDAY) is grid.days[0]
    assert grid.day(date(2030, 1, 1)) is None


def test_a_room_used_twice_in_a_slot_is_one_warning_naming_the_room_the_time_and_both_sessions() -> None:
    grid = build_grid(
        [LATE_MORNING],
        [HALL, SALON],
        [session(1, "Zoning 101", slot_id=11, room_id=2), session(2, "Transit", slot_id=11, room_id=2)],
    )
    (warning,) = grid.warnings
    assert warning.problem is Problem.ROOM_DOUBLE_BOOKED
    assert warning.session_ids == (1, 2)
    assert plain(warning.message) == (
        "Salon B has 2 sessions on Tuesday, June 15 at 10:30 AM: “Zoning 101” and “Transit”. "
        "Move one to another room or time."
    )
    assert warning.day == TUESDAY
    cell = grid.days[0].rows[0].cells[1]
    assert cell.warnings == (warning,)
    assert all(card.warnings == (warning,) for card in cell.cards)
    assert grid.anchor(warning) == "cell-11-2"


def test_three_in_one_room_ask_to_move_all_but_one() -> None:
    sessions = [session(number, slot_id=11, room_id=1) for number in (1, 2, 3)]
    (warning,) = build_grid([LATE_MORNING], [HALL], sessions).warnings
    assert "3 sessions" in warning.message
    assert "“Session 1”, “Session 2” and “Session 3”" in plain(warning.message)
    assert "Move all but one" in warning.message


def test_a_speaker_in_two_rooms_in_the_same_slot() -> None:
    grid = build_grid(
        [LATE_MORNING],
        [HALL, SALON],
        [
            session(1, "Zoning 101", slot_id=11, room_id=1, speakers=(ANA, LEE)),
            session(2, "Transit", slot_id=11, room_id=2, speakers=(LEE,)),
        ],
    )
    (warning,) = grid.warnings
    assert warning.problem is Problem.SPEAKER_DOUBLE_BOOKED
    assert plain(warning.summary) == "李小龍 double-booked"
    assert plain(warning.message) == (
        "李小龍 is in two sessions at once on Tuesday, June 15 at 10:30 AM: “Zoning 101” and “Transit”. "
        "Move one of the sessions or change who speaks."
    )
    assert "\u2068李小龍\u2069" in warning.message  # the name keeps its own direction
    assert warning.session_ids == (1, 2)
    assert [cell.warnings for cell in grid.days[0].rows[0].cells] == [(warning,), (warning,)]


def test_a_speaker_in_overlapping_slots_but_not_in_back_to_back_ones() -> None:
    back_to_back = slot(13, LATE_MORNING.ends_at)
    grid = build_grid(
        [LATE_MORNING, OVERLAPPING, back_to_back],
        [HALL, SALON],
        [
            session(2, "Transit", slot_id=12, room_id=2, speakers=(ANA,)),
            session(1, "Zoning 101", slot_id=11, room_id=1, speakers=(ANA,)),
            session(3, "Budgets", slot_id=13, room_id=1, speakers=(ANA,)),
        ],
    )
    (warning,) = grid.warnings  # Budgets starts as Zoning ends, and Transit ends before it
    assert plain(warning.message) == (
        "Ana Ruiz is in two places at once: “Zoning 101” (Tuesday, June 15 at 10:30 AM) overlaps "
        "“Transit” (Tuesday, June 15 at 11:00 AM). Move one of the sessions or change who speaks."
    )
    assert warning.session_ids == (1, 2)


def test_unscheduled_sessions_never_clash_with_anyone() -> None:
    grid = build_grid(
        [LATE_MORNING],
        [HALL],
        [session(1, speakers=(ANA,), slot_id=11, room_id=1), session(2, speakers=(ANA,))],
    )
    assert grid.warnings == ()


def test_a_session_larger_than_its_room() -> None:
    grid = build_grid(
        [LATE_MORNING], [HALL, SALON], [session(1, "Zoning 101", slot_id=11, room_id=2, capacity=120)]
    )
    (warning,) = grid.warnings
    assert warning.problem is Problem.OVER_ROOM_CAPACITY
    assert plain(warning.message) == (
        "“Zoning 101” is set for 120 people but Salon B holds 40. "
        "Lower the session's capacity or move it to a larger room."
    )
    card = grid.cards[1]
    assert card.effective_capacity == 120
    assert card.warnings == (warning,)


def test_a_session_within_its_room_or_taking_the_rooms_size_is_fine() -> None:
    sessions = [
        session(1, slot_id=11, room_id=2, capacity=40),
        session(2, kind="plenary", slot_id=10, room_id=2),
        session(3, slot_id=20, room_id=3, capacity=500),  # a room with no stated size
    ]
    grid = build_grid([MORNING, LATE_MORNING, WEDNESDAY], [SALON, Room(3, "Lawn")], sessions)
    assert [warning.problem for warning in grid.warnings] == []
    assert [grid.cards[number].effective_capacity for number in (1, 2, 3)] == [40, 40, 500]
    assert build_grid([], [], [session(4)]).cards[4].effective_capacity is None


def test_half_placed_sessions_are_flagged_and_shown_where_staff_will_look() -> None:
    no_room = session(1, "Zoning 101", slot_id=11)
    no_slot = session(2, "Transit", room_id=2)
    grid = build_grid([LATE_MORNING], [HALL, SALON], [no_room, no_slot], days=[TUESDAY])
    slot_only, room_only = grid.warnings  # the dated one first
    assert slot_only.problem is Problem.SLOT_WITHOUT_ROOM
    assert (
        plain(slot_only.message)
        == "“Zoning 101” is on Tuesday, June 15 at 10:30 AM but has no room. Choose a room for it."
    )
    assert room_only.problem is Problem.ROOM_WITHOUT_SLOT
    assert plain(room_only.message) == (
        "“Transit” has a room (Salon B) but no time slot. "
        "Choose a time slot for it, or take it out of the room."
    )
    assert room_only.day is None
    assert grid.undated_warnings == (room_only,)
    assert grid.days[0].warnings == (slot_only,)
    row = grid.days[0].rows[0]
    assert [card.session.id for card in row.without_room.cards] == [1]
    assert grid.days[0].has_sessions_without_room
    assert row.without_room.anchor == cell_anchor(11, None) == "cell-11-none"
    assert grid.anchor(slot_only) == "cell-11-none"
    assert grid.anchor(room_only) == "session-2"
    assert grid.cards[2].where == "Salon B, without a time slot"
    assert grid.cards[1].where == "Tuesday, June 15 at 10:30 AM, without a room"
    assert build_grid([], [], [session(3)]).cards[3].where == ""


def test_a_breakout_workshop_in_a_plenary_slot_is_a_notice_not_a_warning() -> None:
    grid = build_grid(
        [MORNING, LATE_MORNING],
        [HALL],
        [
            session(1, "Zoning 101", slot_id=10, room_id=1),
            session(2, "Welcome", kind="plenary", slot_id=11, room_id=1),
        ],
    )
    (notice,) = grid.warnings
    assert notice.problem is Problem.BREAKOUT_OUTSIDE_BREAKOUTS
    assert notice.is_notice
    assert notice.summary == "Breakout in a plenary slot"
    assert plain(notice.message) == (
        "“Zoning 101” is a breakout workshop in a plenary slot (Tuesday, June 15 at 9:00 AM). "
        "Check that this is meant, or move it to a breakout slot."
    )
    assert notice.as_json()["severity"] == "notice"


def test_warnings_come_by_day_and_time_with_the_undated_last() -> None:
    grid = build_grid(
        [WEDNESDAY, LATE_MORNING, MORNING],
        [HALL, SALON],
        [
            session(1, room_id=1),  # no slot
            session(2, slot_id=20),  # Wednesday, no room
            session(3, slot_id=11, room_id=2, capacity=41),  # Tuesday 10:30, too big
            session(4, slot_id=10),  # Tuesday 9:00, no room (and a breakout in a plenary)
        ],
    )
    assert [(warning.session_ids, warning.problem) for warning in grid.warnings] == [
        ((4,), Problem.SLOT_WITHOUT_ROOM),
        ((4,), Problem.BREAKOUT_OUTSIDE_BREAKOUTS),
        ((3,), Problem.OVER_ROOM_CAPACITY),
        ((2,), Problem.SLOT_WITHOUT_ROOM),
        ((1,), Problem.ROOM_WITHOUT_SLOT),
    ]
    assert grid.warnings[0].as_json() == {
        "problem": "slot_without_room",
        "severity": "warning",
        "summary": "No room",
        "message": grid.warnings[0].message,
        "session_ids": [4],
        "day": "2027-06-15",
    }


def test_a_slot_or_room_that_is_not_given_counts_as_none() -> None:
    grid = build_grid(
        [LATE_MORNING], [HALL], [session(1, slot_id=99, room_id=1), session(2, slot_id=11, room_id=99)]
    )
    assert [card.session.id for card in grid.unscheduled] == [1]
    assert grid.cards[2].room is None
    assert Counter(warning.problem for warning in grid.warnings) == {
        Problem.ROOM_WITHOUT_SLOT: 1,
        Problem.SLOT_WITHOUT_ROOM: 1,
    }


# --- properties over any program ---------------------------------------------------------------------

ROOMS = [Room(1, "Main Hall", 200), Room(2, "Salon A", 30), Room(3, "Salon B", None)]
SPEAKERS = [
    Speaker(number, name) for number, name in enumerate(["Ana", "Héctor", "محمد", "Nguyễn Thị Minh Khai"])
]


@st.composite
def programs(draw: st.DrawFn) -> tuple[list[Slot], list[Session]]:
    starts = draw(st.lists(st.tuples(st.integers(0, 2), st.integers(0, 20)), min_size=1, max_size=8))
    slots = [
        slot(
            100 + index,
            at(TUESDAY + timedelta(days=day), 8) + timedelta(minutes=30 * half_hours),
            draw(st.sampled_from([30, 60, 90, 120])),
            draw(st.sampled_from(list(LABELS))),
        )
        for index, (day, half_hours) in enumerate(starts)
    ]
    count = draw(st.integers(0, 14))
    sessions = [
        session(
            number,
            kind=draw(st.sampled_from(["breakout", "keynote", "meal"])),
            slot_id=draw(st.none() | st.sampled_from([s.id for s in slots])),
            room_id=draw(st.none() | st.sampled_from([room.id for room in ROOMS])),
            capacity=draw(st.none() | st.integers(0, 300)),
            speakers=tuple(draw(st.lists(st.sampled_from(SPEAKERS), max_size=2, unique=True))),
        )
        for number in range(1, count + 1)
    ]
    return slots, sessions


def placed_cards(grid: Grid) -> list[Card]:
    in_cells = [
        card
        for day in grid.days
        for row in day.rows
        for cell in (*row.cells, row.without_room)
        for card in cell.cards
    ]
    return in_cells + list(grid.unscheduled)


@given(programs())
def test_every_session_is_shown_exactly_once_in_its_place(program: tuple[list[Slot], list[Session]]) -> None:
    slots, sessions = program
    grid = build_grid(slots, ROOMS, sessions)
    shown = placed_cards(grid)
    assert sorted(card.session.id for card in shown) == sorted(s.id for s in sessions)
    for day in grid.days:
        for row in day.rows:
            assert row.slot.day == day.date
            for cell in (*row.cells, row.without_room):
                assert all(card.slot == row.slot and card.room == cell.room for card in cell.cards)


@given(programs())
def test_rooms_are_flagged_exactly_when_shared(program: tuple[list[Slot], list[Session]]) -> None:
    slots, sessions = program
    grid = build_grid(slots, ROOMS, sessions)
    shared = Counter(
        (s.slot_id, s.room_id) for s in sessions if s.slot_id is not None and s.room_id is not None
    )
    expected = {place for place, count in shared.items() if count > 1}
    flagged = [w for w in grid.warnings if w.problem is Problem.ROOM_DOUBLE_BOOKED]
    assert {
        (grid.cards[w.session_ids[0]].slot.id, grid.cards[w.session_ids[0]].room.id) for w in flagged
    } == expected
    assert len(flagged) == len(expected)


@given(programs())
def test_speakers_are_flagged_for_exactly_the_pairs_that_overlap(
    program: tuple[list[Slot], list[Session]],
) -> None:
    slots, sessions = program
    grid = build_grid(slots, ROOMS, sessions)
    by_id = {s.id: s for s in slots}
    expected = Counter()
    for first, second in combinations(sessions, 2):
        if first.slot_id is None or second.slot_id is None:
            continue
        a, b = by_id[first.slot_id], by_id[second.slot_id]
        if a.starts_at < b.ends_at and b.starts_at < a.ends_at:
            for _ in set(first.speakers) & set(second.speakers):
                expected[frozenset((first.id, second.id))] += 1
    flagged = Counter(
        frozenset(w.session_ids) for w in grid.warnings if w.problem is Problem.SPEAKER_DOUBLE_BOOKED
    )
    assert flagged == expected


@given(programs())
def test_every_warning_is_on_the_cards_and_cells_it_names(program: tuple[list[Slot], list[Session]]) -> None:
    slots, sessions = program
    grid = build_grid(slots, ROOMS, sessions)
    for warning in grid.warnings:
        assert warning.message
        assert warning.summary
        for session_id in warning.session_ids:
            assert warning in grid.cards[session_id].warnings
        card = grid.cards[warning.session_ids[0]]
        assert warning.day == (card.slot.day if card.slot else None)
        if warning.day is not None:
            assert warning in grid.day(warning.day).warnings
            assert any(
                cell.anchor == grid.anchor(warning) and warning in cell.warnings
                for row in grid.day(warning.day).rows
                for cell in (*row.cells, row.without_room)
            )
    dates = [(w.day is None, w.day or date.min) for w in grid.warnings]
    assert dates == sorted(dates)
