"""The timetable solver on its own: hard rules always kept, CP-SAT's optimum equal to brute force on small
programs, and infeasible programs explained before solving. No database: plain data in and out."""

from __future__ import annotations

import itertools
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from convening.scheduling.solvers.timetable import (
    Problem,
    Proposal,
    Room,
    Slot,
    Speaker,
    TimetableProblem,
    Workshop,
    clashes,
    improve,
    propose,
)

# --- the rules, written out independently of the solver --------------------------------------------------


def room_fits(problem: Problem, here: list[Workshop]) -> bool:
    """Some way to give each workshop of one slot its own large enough room, pins kept (by trying all)."""
    rooms = problem.rooms
    if len(here) > len(rooms):
        return False
    for chosen in itertools.permutations(rooms, len(here)):
        if all(
            room.capacity >= w.need and (w.pinned_room is None or w.pinned_room == room.id)
            for w, room in zip(here, chosen, strict=True)
        ):
            return True
    return False


def slot_allowed(problem: Problem, workshop: Workshop, slot_id: int) -> bool:
    if workshop.pinned_slot is not None and workshop.pinned_slot != slot_id:
        return False
    available = {s.id: s.available for s in problem.speakers}
    return all(available.get(i) is None or slot_id in available[i] for i in workshop.speaker_ids)


def feasible_slots(problem: Problem, slot_of: dict[int, int]) -> bool:
    for workshop in problem.workshops:
        if not slot_allowed(problem, workshop, slot_of[workshop.id]):
            return False
    for slot in problem.slots:
        here = [w for w in problem.workshops if slot_of[w.id] == slot.id]
        speakers = Counter(i for w in here for i in w.speaker_ids)
        if any(count > 1 for count in speakers.values()) or not room_fits(problem, here):
            return False
    return True


def brute_force(problem: Problem) -> int | None:
    """The fewest clashes over every feasible choice of slots, or None when there is none."""
    best = None
    ids = [w.id for w in problem.workshops]
    for choice in itertools.product([s.id for s in problem.slots], repeat=len(ids)):
        slot_of = dict(zip(ids, choice, strict=True))
        if feasible_slots(problem, slot_of):
            count = clash_count(problem, slot_of)
            best = count if best is None else min(best, count)
    return best


def clash_count(problem: Problem, slot_of: dict[int, int]) -> int:
    return sum(
        1
        for wanted in problem.interests.values()
        for a, b in itertools.combinations(sorted(wanted), 2)
        if a in slot_of and b in slot_of and slot_of[a] == slot_of[b]
    )


def assert_valid(problem: Problem, proposal: Proposal) -> None:
    """Every hard rule holds in the proposal, rooms included, and its clash count is right."""
    assert set(proposal.placements) == {w.id for w in problem.workshops}
    rooms = {r.id: r for r in problem.rooms}
    used = Counter((spot.slot_id, spot.room_id) for spot in proposal.placements.values())
    assert all(count == 1 for count in used.values())
    for workshop in problem.workshops:
        spot = proposal.placements[workshop.id]
        assert rooms[spot.room_id].capacity >= workshop.need
        if workshop.pinned_room is not None:
            assert spot.room_id == workshop.pinned_room
    slot_of = {w: spot.slot_id for w, spot in proposal.placements.items()}
    assert feasible_slots(problem, slot_of)
    assert proposal.clashes == clash_count(problem, slot_of)
    affected = sum(
        1 for wanted in problem.interests.values() if len({slot_of[w] for w in wanted}) < len(wanted)
    )
    assert proposal.attendees_affected == affected


@st.composite
def problems(draw: st.DrawFn) -> Problem:
    """Up to 3 slots, 3 rooms, 6 workshops, 4 speakers with some availability, a few pins, 8 attendees."""
    slots = tuple(Slot(i, f"Slot {i}") for i in range(1, draw(st.integers(1, 3)) + 1))
    rooms = tuple(
        Room(10 + i, f"Room {i}", draw(st.sampled_from([20, 40, 80]))) for i in range(draw(st.integers(1, 3)))
    )
    slot_ids = [s.id for s in slots]
    speakers = tuple(
        Speaker(
            100 + i,
            f"Speaker {i}",
            draw(st.none() | st.frozensets(st.sampled_from(slot_ids), min_size=1)),
        )
        for i in range(4)
    )
    workshops = []
    for i in range(1, draw(st.integers(1, 6)) + 1):
        pin = draw(st.integers(0, 9))
        workshops.append(
            Workshop(
                i,
                f"Workshop {i}",
                draw(st.sampled_from([10, 30, 60])),
                draw(st.frozensets(st.sampled_from([s.id for s in speakers]), max_size=2)),
                pinned_slot=draw(st.sampled_from(slot_ids)) if pin == 0 else None,
                pinned_room=draw(st.sampled_from([r.id for r in rooms])) if pin == 1 else None,
            )
        )
    ids = [w.id for w in workshops]
    interests = {
        a: draw(st.frozensets(st.sampled_from(ids), max_size=4)) for a in range(draw(st.integers(0, 8)))
    }
    return Problem(slots, rooms, tuple(workshops), speakers, interests)


SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(problems())
def test_heuristic_and_cp_sat_keep_every_rule_and_cp_sat_matches_brute_force(problem):
    best = brute_force(problem)
    if best is None:
        with pytest.raises(TimetableProblem):
            propose(problem)
        return
    first = propose(problem)
    assert_valid(problem, first)
    assert first.clashes >= best
    final = improve(problem, first, time_limit=20, workers=1)
    assert_valid(problem, final)
    assert final.optimal
    assert final.clashes == best
    assert final.bound == best


def test_five_workshops_two_rooms_three_slots_against_brute_force():
    problem = Problem(
        slots=(Slot(1, "Tuesday 10:30"), Slot(2, "Tuesday 14:00"), Slot(3, "Wednesday 9:00")),
        rooms=(Room(10, "Hall A", 120), Room(11, "Room 2", 40)),
        workshops=(
            Workshop(1, "Zoning 101", 100, frozenset({100})),
            Workshop(2, "Water rates", 30, frozenset({101})),
            Workshop(3, "Broadband", 90, frozenset({100})),
            Workshop(4, "Budgets", 35),
            Workshop(5, "Transit", 80, frozenset({102})),
        ),
        speakers=(
            Speaker(100, "Ana Lima"),
            Speaker(101, "Ben Okafor", frozenset({1, 2})),
            Speaker(102, "Cleo Park", frozenset({2, 3})),
        ),
        interests={
            1: frozenset({1, 3, 5}),
            2: frozenset({1, 2}),
            3: frozenset({3, 5, 4}),
            4: frozenset({2, 4}),
            5: frozenset({1, 5}),
            6: frozenset({1, 2, 3, 4, 5}),
        },
    )
    best = brute_force(problem)
    first = propose(problem)
    assert_valid(problem, first)
    final = improve(problem, first, time_limit=20)
    assert_valid(problem, final)
    assert (final.clashes, final.bound, final.optimal, final.status) == (best, best, True, "OPTIMAL")


def test_pinned_workshops_stay_where_staff_put_them():
    problem = Problem(
        slots=(Slot(1, "Tuesday 10:30"), Slot(2, "Tuesday 14:00")),
        rooms=(Room(10, "Hall A", 100), Room(11, "Room 2", 100)),
        workshops=(
            Workshop(1, "Zoning 101", 20, pinned_slot=1, pinned_room=11),
            Workshop(2, "Water rates", 20, pinned_slot=1),
            Workshop(3, "Broadband", 20),
        ),
        # Everyone wants 1 and 2 together: only pins keep them in the same slot.
        interests={a: frozenset({1, 2}) for a in range(5)},
    )
    for proposal in (propose(problem), improve(problem, time_limit=5)):
        assert_valid(problem, proposal)
        assert proposal.placements[1].slot_id == 1
        assert proposal.placements[1].room_id == 11
        assert proposal.placements[2].slot_id == 1
        assert proposal.clashes == 5
        assert proposal.attendees_affected == 5


def test_clash_count_counts_pairs_per_person():
    problem = Problem(
        slots=(Slot(1, "Tuesday 10:30"), Slot(2, "Tuesday 14:00")),
        rooms=(Room(10, "Hall A", 100),),
        workshops=tuple(Workshop(i, f"W{i}", 10) for i in range(1, 5)),
        interests={1: frozenset({1, 2, 3}), 2: frozenset({1, 4}), 3: frozenset({4})},
    )
    # Three wanted workshops in one slot are three pairs to choose between; workshop 4 is not scheduled.
    assert clashes(problem, {1: 1, 2: 1, 3: 1}) == (3, 1)
    assert clashes(problem, {1: 1, 2: 2, 3: 1, 4: 1}) == (2, 2)


def test_progress_reports_time_used_and_best_so_far():
    problem = Problem(
        slots=(Slot(1, "Tuesday 10:30"), Slot(2, "Tuesday 14:00")),
        rooms=(Room(10, "Hall A", 100), Room(11, "Room 2", 100)),
        workshops=tuple(Workshop(i, f"W{i}", 10) for i in range(1, 5)),
        interests={1: frozenset({1, 2}), 2: frozenset({3, 4}), 3: frozenset({1, 3})},
    )
    seen: list[tuple[float, int, int]] = []
    result = improve(problem, propose(problem), time_limit=5, progress=lambda *a: seen.append(a))
    assert seen
    assert all(0.0 <= used <= 1.0 and best >= bound for used, best, bound in seen)
    assert seen[-1][1] == result.clashes == 0


# --- infeasible programs, explained before solving -------------------------------------------------------

SLOTS = (Slot(1, "Tuesday 10:30"), Slot(2, "Tuesday 14:00"))
ROOMS = (Room(10, "Hall A", 100), Room(11, "Room 2", 40))


def messages(problem: Problem) -> list[str]:
    with pytest.raises(TimetableProblem) as raised:
        propose(problem)
    return raised.value.messages


def test_a_workshop_no_room_can_hold():
    problem = Problem(SLOTS, ROOMS, (Workshop(1, "Zoning 101", 150),))
    assert messages(problem) == [
        "“Zoning 101” expects 150 people but the largest room, Hall A, seats 100; lower its expected "
        "attendance or add a larger room."
    ]


def test_a_speaker_available_in_no_slot():
    problem = Problem(
        SLOTS,
        ROOMS,
        (Workshop(1, "Zoning 101", 20, frozenset({100})),),
        (Speaker(100, "Ana Lima", frozenset({7})),),
    )
    assert messages(problem) == [
        "Ana Lima, speaker of “Zoning 101”, is not available in any breakout slot; add a slot to their "
        "availability or give the workshop another speaker."
    ]


def test_speakers_without_a_slot_in_common():
    problem = Problem(
        SLOTS,
        ROOMS,
        (Workshop(1, "Zoning 101", 20, frozenset({100, 101})),),
        (Speaker(100, "Ana Lima", frozenset({1})), Speaker(101, "Ben Okafor", frozenset({2}))),
    )
    assert messages(problem) == [
        "The speakers of “Zoning 101” (Ana Lima, Ben Okafor) have no breakout slot in common; change their "
        "availability or the workshop’s speakers."
    ]


def test_more_workshops_than_places():
    problem = Problem(SLOTS, ROOMS, tuple(Workshop(i, f"W{i}", 10) for i in range(5)))
    assert messages(problem) == [
        "There are 5 workshops but only 4 places (2 rooms x 2 slots); add a room or a slot, or drop a "
        "workshop."
    ]


def test_too_many_large_workshops_for_the_large_rooms():
    problem = Problem(SLOTS, ROOMS, tuple(Workshop(i, f"W{i}", 90) for i in range(3)))
    assert messages(problem) == [
        "3 workshops expect 90 people or more, but the rooms that seat that many offer only 2 places; add a "
        "large room or lower expectations."
    ]


def test_pinned_conflicts():
    problem = Problem(
        SLOTS,
        ROOMS,
        (
            Workshop(1, "Zoning 101", 20, frozenset({100}), pinned_slot=1, pinned_room=10),
            Workshop(2, "Water rates", 20, frozenset({100}), pinned_slot=1, pinned_room=10),
            Workshop(3, "Broadband", 60, pinned_room=11),
            Workshop(4, "Budgets", 20, frozenset({101}), pinned_slot=2),
        ),
        (Speaker(100, "Ana Lima"), Speaker(101, "Ben Okafor", frozenset({1}))),
    )
    assert messages(problem) == [
        "“Broadband” expects 60 people but is pinned to Room 2, which seats 40; pin it to a larger room or "
        "lower its expected attendance.",
        "“Budgets” is pinned to Tuesday 14:00, when Ben Okafor is not available; unpin it or change their "
        "availability.",
        "“Zoning 101” and “Water rates” are both pinned to Tuesday 10:30 in Hall A; unpin one of them.",
        "“Zoning 101” and “Water rates” are both pinned to Tuesday 10:30 and Ana Lima speaks in both; unpin "
        "one of them.",
    ]


def test_a_speaker_with_more_workshops_than_slots():
    problem = Problem(
        SLOTS,
        ROOMS,
        tuple(Workshop(i, f"W{i}", 10, frozenset({100})) for i in range(3)),
        (Speaker(100, "Ana Lima"),),
    )
    assert messages(problem) == [
        "Ana Lima speaks in 3 workshops but is available in only 2 of the breakout slots; give a workshop "
        "another speaker or add to their availability."
    ]


def test_infeasible_only_when_solved_says_so():
    # Each check passes on its own, but the two 90-seat workshops need Hall A and share a speaker who is
    # free only in one slot... of two: the pair cannot be placed.
    problem = Problem(
        SLOTS,
        ROOMS,
        (
            Workshop(1, "Zoning 101", 90, frozenset({100})),
            Workshop(2, "Water rates", 90, frozenset({101})),
        ),
        (Speaker(100, "Ana Lima", frozenset({1})), Speaker(101, "Ben Okafor", frozenset({1}))),
    )
    assert messages(problem) == [
        "No timetable fits these rooms, slots, speakers and pins together; add a room or a slot, or unpin a "
        "workshop."
    ]
