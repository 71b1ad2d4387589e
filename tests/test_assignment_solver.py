"""The workshop assignment solver on its own: optimal against brute force, fair across slots, and clear
about bad input. No database: the solver takes and returns plain data."""

from __future__ import annotations

import ast
import itertools
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from convening.scheduling.solvers.assignment import (
    OUTSIDE_REGRET,
    UNASSIGNED_REGRET,
    Assignment,
    AssignmentProblem,
    Attendee,
    Placement,
    Slot,
    Workshop,
    assign,
)

# --- the objective, written out independently of the solver --------------------------------------------


def person_regret(ranking: tuple[int, ...], workshop_id: int | None) -> int:
    if workshop_id is None:
        return UNASSIGNED_REGRET
    if workshop_id in ranking:
        return ranking.index(workshop_id)
    return OUTSIDE_REGRET if ranking else 0


def slot_objective(
    rankings: dict[int, tuple[int, ...]], weights: dict[int, int], seats: dict[int, int | None]
) -> tuple[int, int, int, int, int]:
    """The documented lexicographic objective of one slot for the people the solver decides."""
    unassigned = ranked_unassigned = missed = not_first = weighted = 0
    for person, workshop_id in seats.items():
        ranking = rankings[person]
        if workshop_id is None:
            unassigned += 1
            ranked_unassigned += bool(ranking)
        if ranking:
            missed += workshop_id not in ranking
            not_first += workshop_id != ranking[0]
        weighted += weights[person] * person_regret(ranking, workshop_id)
    return unassigned, ranked_unassigned, missed, not_first, weighted


def brute_force(
    rankings: dict[int, tuple[int, ...]], weights: dict[int, int], capacity: dict[int, int]
) -> tuple[int, int, int, int, int]:
    """The best objective over every way of seating these people (or not) within capacity."""
    people = sorted(rankings)
    options = [*capacity, None]
    best = None
    for choice in itertools.product(options, repeat=len(people)):
        used = Counter(w for w in choice if w is not None)
        if any(used[w] > capacity[w] for w in used):
            continue
        value = slot_objective(rankings, weights, dict(zip(people, choice, strict=True)))
        best = value if best is None or value < best else best
    assert best is not None
    return best


def check_optimal(
    slots: list[Slot], attendees: list[Attendee], locked: list[Placement], result: Assignment
) -> None:
    """Every slot's outcome is feasible, keeps the locks and matches the brute-force optimum, given the
    regret each person collected in the slots before (as the outcome shows it)."""
    regret = {p.id: 0 for p in attendees}
    locks = {(p.attendee_id, p.slot_id): p.workshop_id for p in locked}
    for slot, outcome in zip(slots, result.slots, strict=True):
        assert outcome.slot_id == slot.id
        assert set(outcome.workshop_of) == set(regret)
        rankings = {p.id: p.rankings.get(slot.id, ()) for p in attendees}
        filled = Counter(w for w in outcome.workshop_of.values() if w is not None)
        for workshop in slot.workshops:
            assert filled[workshop.id] <= workshop.capacity
        for person, workshop_id in outcome.workshop_of.items():
            ranking = rankings[person]
            expected_rank = ranking.index(workshop_id) + 1 if workshop_id in ranking else None
            assert outcome.rank_of[person] == expected_rank
            if (person, slot.id) in locks:
                assert workshop_id == locks[person, slot.id]
                assert person in outcome.locked
        free = [p for p in regret if (p, slot.id) not in locks]
        left = {
            w.id: w.capacity - Counter(locks[p, slot.id] for p in regret if (p, slot.id) in locks)[w.id]
            for w in slot.workshops
        }
        weights = {p: 1 + regret[p] for p in free}
        got = slot_objective(
            {p: rankings[p] for p in free}, weights, {p: outcome.workshop_of[p] for p in free}
        )
        assert got == brute_force({p: rankings[p] for p in free}, weights, left)
        for person, workshop_id in outcome.workshop_of.items():
            regret[person] += person_regret(rankings[person], workshop_id)


@st.composite
def instances(draw: st.DrawFn) -> tuple[list[Slot], list[Attendee], list[Placement]]:
    """2 slots, up to 3 workshops each, up to 6 people ranking some of them, a few locked."""
    people = draw(st.integers(0, 6))
    slot_workshops = []
    next_id = 1
    for _ in range(2):
        count = draw(st.integers(1, 3))
        slot_workshops.append(list(range(next_id, next_id + count)))
        next_id += count
    rankings: dict[int, dict[int, tuple[int, ...]]] = {p: {} for p in range(people)}
    locked = []
    for s, ids in enumerate(slot_workshops):
        for p in range(people):
            ranking = draw(st.permutations(ids))[: draw(st.integers(0, min(3, len(ids))))]
            if ranking:
                rankings[p][s + 1] = tuple(ranking)
            if draw(st.integers(0, 9)) == 0:
                locked.append(Placement(p, s + 1, draw(st.sampled_from(ids))))
    slots = []
    for s, ids in enumerate(slot_workshops):
        locks = Counter(p.workshop_id for p in locked if p.slot_id == s + 1)
        workshops = tuple(Workshop(w, f"W{w}", draw(st.integers(0, 3)) + locks[w]) for w in ids)
        slots.append(Slot(s + 1, f"Slot {s + 1}", workshops))
    attendees = [Attendee(p, f"Person {p}", rankings[p]) for p in range(people)]
    return slots, attendees, locked


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(instances(), st.integers(0, 3))
def test_matches_brute_force_slot_by_slot(instance, seed):
    slots, attendees, locked = instance
    check_optimal(slots, attendees, locked, assign(slots, attendees, locked, seed=seed))


@SETTINGS
@given(instances())
def test_grouping_reaches_the_same_optimum_as_one_node_per_person(instance):
    slots, attendees, locked = instance
    grouped = assign(slots, attendees, locked)
    single = assign(slots, attendees, locked, group=False)
    check_optimal(slots, attendees, locked, single)
    # The first slot starts from the same history, so its objective must be the same.
    first = slots[0].id
    rankings = {p.id: p.rankings.get(first, ()) for p in attendees}
    ones = {p.id: 1 for p in attendees}
    free = {p.id for p in attendees} - {lock.attendee_id for lock in locked if lock.slot_id == first}
    assert slot_objective(
        {p: rankings[p] for p in free}, ones, {p: grouped.slots[0].workshop_of[p] for p in free}
    ) == slot_objective(
        {p: rankings[p] for p in free}, ones, {p: single.slots[0].workshop_of[p] for p in free}
    )


# --- behaviour on small, readable cases ------------------------------------------------------------------

TUESDAY = Slot(
    1,
    "Tuesday 10:30",
    (Workshop(11, "Zoning 101", 1), Workshop(12, "Water rates", 1), Workshop(13, "Broadband", 1)),
)
WEDNESDAY = Slot(2, "Wednesday 9:00", (Workshop(21, "Budgets", 1), Workshop(22, "Transit", 5)))


@pytest.mark.parametrize("seed", range(6))
def test_a_person_who_fared_worse_earlier_wins_a_contested_first_choice(seed):
    # Tuesday: Ana's first two choices go to people who ranked only those, so she gets her third.
    ana = Attendee(1, "Ana Lima", {1: (11, 12, 13), 2: (21, 22)})
    ben = Attendee(2, "Ben Okafor", {1: (11,), 2: (21, 22)})
    cleo = Attendee(3, "Cleo Park", {1: (12,)})
    result = assign([TUESDAY, WEDNESDAY], [ben, ana, cleo], seed=seed)
    tuesday, wednesday = result.slots
    assert tuesday.rank_of == {1: 3, 2: 1, 3: 1}
    # Wednesday: Ana and Ben both want "Budgets" (one seat) first; Ana, worse off so far, gets it.
    assert wednesday.workshop_of[1] == 21
    assert wednesday.workshop_of[2] == 22
    assert wednesday.workshop_of[3] in (21, 22)


def test_nobody_outside_their_top_three_while_a_seat_in_it_is_free():
    slot = Slot(1, "Tuesday 10:30", (Workshop(11, "Zoning 101", 1), Workshop(12, "Water rates", 1)))
    # Ana ranks both, Ben only Zoning 101: Ben gets it, Ana her second choice rather than Ben going outside.
    people = [Attendee(1, "Ana Lima", {1: (11, 12)}), Attendee(2, "Ben Okafor", {1: (11,)})]
    result = assign([slot], people)
    assert result.slots[0].workshop_of == {1: 12, 2: 11}
    assert result.slots[0].rank_of == {1: 2, 2: 1}
    assert result.report.first_choice_share == 0.5
    assert result.report.top_three_share == 1.0


def test_locked_people_keep_their_seat_and_use_up_capacity():
    slot = Slot(1, "Tuesday 10:30", (Workshop(11, "Zoning 101", 2), Workshop(12, "Water rates", 5)))
    people = [Attendee(i, f"Person {i}", {1: (11, 12)}) for i in range(1, 5)]
    locked = [Placement(4, 1, 12), Placement(3, 1, 11)]
    result = assign([slot], people, locked)
    seats = result.slots[0].workshop_of
    assert seats[4] == 12
    assert seats[3] == 11
    assert result.slots[0].locked == {3, 4}
    assert Counter(seats.values()) == {11: 2, 12: 2}
    fill = {f.workshop_id: (f.filled, f.capacity, f.locked) for f in result.report.workshops}
    assert fill == {11: (2, 2, 1), 12: (2, 5, 1)}


def test_more_demand_than_seats_lists_the_unassigned_and_seats_rankers_first():
    slot = Slot(1, "Tuesday 10:30", (Workshop(11, "Zoning 101", 1), Workshop(12, "Water rates", 1)))
    people = [
        Attendee(1, "Ana Lima", {1: (11,)}),
        Attendee(2, "Ben Okafor"),  # ranked nothing: waits behind those who did
        Attendee(3, "Cleo Park", {1: (11,)}),
        Attendee(4, "Dev Shah"),
    ]
    result = assign([slot], people)
    seats = result.slots[0].workshop_of
    assert seats[2] is None
    assert seats[4] is None
    assert {seats[1], seats[3]} == {11, 12}
    report = result.report.slots[0]
    assert report.unassigned == ("Ben Okafor", "Dev Shah")
    assert (report.ranked, report.placed, report.first_choice, report.top_three) == (2, 2, 1, 1)


def test_people_who_ranked_nothing_take_the_seats_left():
    slot = Slot(1, "Tuesday 10:30", (Workshop(11, "Zoning 101", 1), Workshop(12, "Water rates", 1)))
    result = assign([slot], [Attendee(1, "Ana Lima", {1: (11,)}), Attendee(2, "Ben Okafor")])
    assert result.slots[0].workshop_of == {1: 11, 2: 12}
    assert result.slots[0].rank_of == {1: 1, 2: None}
    assert result.report.slots[0].unassigned == ()


def test_reports_who_moved_since_the_last_published_run():
    slot = Slot(1, "Tuesday 10:30", (Workshop(11, "Zoning 101", 1), Workshop(12, "Water rates", 1)))
    people = [Attendee(1, "Ana Lima", {1: (11, 12)}), Attendee(2, "Ben Okafor", {1: (11,)})]
    previous = [Placement(1, 1, 11), Placement(2, 1, 12)]
    result = assign([slot], people, previous=previous)
    moves = {(m.name, m.before, m.after) for m in result.report.moves}
    assert moves == {("Ana Lima", 11, 12), ("Ben Okafor", 12, 11)}
    assert result.report.moved_people == ("Ana Lima", "Ben Okafor")
    again = assign([slot], people, previous=[Placement(1, 1, 12), Placement(2, 1, 11)])
    assert again.report.moves == ()


def test_the_same_seed_gives_the_same_lottery():
    slot = Slot(1, "Tuesday 10:30", (Workshop(11, "Zoning 101", 2), Workshop(12, "Water rates", 10)))
    people = [Attendee(i, f"Person {i}", {1: (11, 12)}) for i in range(10)]
    winners = {
        seed: {p for p, w in assign([slot], people, seed=seed).slots[0].workshop_of.items() if w == 11}
        for seed in range(8)
    }
    assert all(len(w) == 2 for w in winners.values())
    assert winners[3] == {
        p for p, w in assign([slot], people, seed=3).slots[0].workshop_of.items() if w == 11
    }
    assert len({frozenset(w) for w in winners.values()}) > 1  # different seeds, different winners


# --- bad input -------------------------------------------------------------------------------------------


def problems(slots, attendees, locked=()) -> list[str]:
    with pytest.raises(AssignmentProblem) as raised:
        assign(slots, attendees, locked)
    return raised.value.messages


def test_a_ranking_naming_the_same_workshop_twice():
    ana = Attendee(1, "Ana Lima", {1: (11, 11)})
    assert problems([TUESDAY, WEDNESDAY], [ana]) == [
        "Ana Lima ranked “Zoning 101” twice in Tuesday 10:30; rank it once."
    ]


def test_a_ranking_naming_a_workshop_of_another_slot():
    ana = Attendee(1, "Ana Lima", {1: (11, 21)})
    assert problems([TUESDAY, WEDNESDAY], [ana]) == [
        "Ana Lima ranked “Budgets”, a workshop of Wednesday 9:00, in Tuesday 10:30; "
        "choose one of the slot’s workshops."
    ]


def test_a_ranking_naming_an_unknown_workshop_or_slot():
    ana = Attendee(1, "Ana Lima", {1: (99,), 7: (11,)})
    assert problems([TUESDAY, WEDNESDAY], [ana]) == [
        "Ana Lima ranked a workshop in Tuesday 10:30 that is not part of this convening; "
        "choose one of the slot’s workshops.",
        "Ana Lima ranked workshops for a breakout slot that does not exist; drop that ranking.",
    ]


def test_a_ranking_of_more_than_three():
    slot = Slot(1, "Tuesday 10:30", tuple(Workshop(i, f"W{i}", 5) for i in range(1, 5)))
    ana = Attendee(1, "Ana Lima", {1: (1, 2, 3, 4)})
    assert problems([slot], [ana]) == ["Ana Lima ranked 4 workshops in Tuesday 10:30; keep the top 3 only."]


def test_a_negative_capacity():
    slot = Slot(1, "Tuesday 10:30", (Workshop(11, "Zoning 101", -2),))
    assert problems([slot], []) == [
        "“Zoning 101” in Tuesday 10:30 has a capacity of -2; set it to 0 or more."
    ]


def test_locks_into_unknown_other_slot_or_full_workshops():
    people = [Attendee(1, "Ana Lima"), Attendee(2, "Ben Okafor")]
    locked = [Placement(1, 1, 99), Placement(2, 1, 21), Placement(1, 2, 21), Placement(2, 2, 21)]
    assert problems([TUESDAY, WEDNESDAY], people, locked) == [
        "Ana Lima is locked into a workshop missing from Tuesday 10:30; unlock them.",
        "Ben Okafor is locked into “Budgets”, which is not in Tuesday 10:30; "
        "lock them into a workshop of that slot.",
        "“Budgets” in Wednesday 9:00 has 1 seats but more people are locked into it (among them Ben Okafor); "
        "unlock some or add seats.",
    ]


def test_every_problem_is_listed_and_nothing_is_assigned():
    people = [Attendee(1, "Ana Lima", {1: (11, 11)}), Attendee(2, "Ben Okafor", {2: (21, 22, 13)})]
    messages = problems([TUESDAY, WEDNESDAY], people)
    assert len(messages) == 2
    assert messages[0].startswith("Ana Lima ranked “Zoning 101” twice")
    assert messages[1].startswith("Ben Okafor ranked “Broadband”, a workshop of Tuesday 10:30")


def test_the_solvers_import_nothing_from_the_web_app():
    """The package stays plain: standard library, numpy and OR-Tools only, so it runs without Flask."""
    package = Path(assign.__code__.co_filename).parent
    package_name = assign.__module__.rpartition(".")[0]  # its own modules, and nothing else of ours
    for source in package.glob("*.py"):
        tree = ast.parse(source.read_text())
        modules = {
            (node.module or ".") if isinstance(node, ast.ImportFrom) else alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import | ast.ImportFrom)
            for alias in node.names
        }
        imported = {module.split(".")[0] for module in modules if not module.startswith(package_name)}
        assert imported <= {
            "__future__",
            "collections",
            "dataclasses",
            "itertools",
            "random",
            "threading",
            "time",
            "numpy",
            "ortools",
        }, source.name
