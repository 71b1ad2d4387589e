"""Who goes to which workshop: an optimal assignment of ranked choices, one breakout slot after the other.

Each slot is a min-cost flow (OR-Tools SimpleMinCostFlow). People of one slot are grouped by (ranking,
fairness weight): a group is one node whose supply is its size, so the network has a few thousand nodes
for 50,000 people. Flows are split back onto the members in a seeded lottery order.

The goals, per slot, in strict order:
 1. seat as many people as possible; those who ranked come before those who did not (their count of
    unassigned is fixed by the network: the "unassigned" node takes exactly the seats that are missing);
 2. fewest people who ranked placed outside their top three (or left without a seat);
 3. fewest people who ranked without their first choice;
 4. least weighted regret, sum of weight x regret, where regret is 0, 1, 2 for a 1st, 2nd, 3rd choice,
    3 for a seat outside the ranking and 4 for no seat, and a person's weight is 1 + the regret they
    collected in the slots before. Whoever fared worse earlier is favoured now; this level also prefers
    2nd choices to 3rd ones.
The arc costs C3 * missed + C4 * not_first + weight * regret make this lexicographic: with
C4 = 1 + sum(4 * weight) over the slot's people, no change in level 4 outweighs one first choice, and with
C3 = 1 + sum(C4 + 4 * weight), nothing below outweighs one person kept in their top three. For 50,000
people in 5 slots (weights up to 17) C3 < 2e11; OR-Tools multiplies costs by the node count (about 1e4)
and that stays far inside 64 bits. A network too large for that is refused with a message, not wrong.
Ranking nothing is allowed: such a person takes any seat left (at no cost), after everyone who ranked.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from ortools.graph.python.min_cost_flow import SimpleMinCostFlow

from convening.scheduling.solvers.problems import SolverProblem

MAX_CHOICES = 3
OUTSIDE_REGRET = 3  # a seat, but not one the person ranked
UNASSIGNED_REGRET = 4  # no seat at all


class AssignmentProblem(SolverProblem):
    """The input cannot be assigned as it is; `messages` says, person by person, what to fix."""


@dataclass(frozen=True, slots=True)
class Workshop:
    """A workshop of one slot. `capacity` is all its seats: locked people take theirs from it first."""

    id: int
    title: str
    capacity: int


@dataclass(frozen=True, slots=True)
class Slot:
    id: int
    label: str
    workshops: tuple[Workshop, ...]


@dataclass(frozen=True, slots=True)
class Attendee:
    """`rankings` maps a slot id to up to three workshop ids, best first; a missing slot ranks nothing."""

    id: int
    name: str
    rankings: Mapping[int, tuple[int, ...]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Placement:
    """A person in a workshop of a slot: a lock staff set, or a row of the last published assignment."""

    attendee_id: int
    slot_id: int
    workshop_id: int


@dataclass(frozen=True, slots=True)
class SlotAssignment:
    """Where everyone goes in one slot, by attendee id: `workshop_of` None means no seat, `rank_of` None
    means a seat they did not rank (or they ranked nothing). `locked` are those kept from a lock."""

    slot_id: int
    workshop_of: Mapping[int, int | None]
    rank_of: Mapping[int, int | None]
    locked: frozenset[int]


@dataclass(frozen=True, slots=True)
class SlotReport:
    slot_id: int
    label: str
    ranked: int  # people who ranked workshops of this slot
    first_choice: int
    top_three: int
    placed: int
    unassigned: tuple[str, ...]  # names, sorted


@dataclass(frozen=True, slots=True)
class WorkshopFill:
    workshop_id: int
    slot_id: int
    title: str
    filled: int  # locked people included
    capacity: int
    locked: int


@dataclass(frozen=True, slots=True)
class Move:
    """A person whose workshop in a slot differs from the last published assignment."""

    attendee_id: int
    name: str
    slot_id: int
    before: int | None
    after: int | None


@dataclass(frozen=True, slots=True)
class Report:
    first_choice_share: float  # of the (person, slot) pairs with a ranking; 0.0 when nobody ranked
    top_three_share: float
    slots: tuple[SlotReport, ...]
    workshops: tuple[WorkshopFill, ...]
    moves: tuple[Move, ...]
    moved_people: tuple[str, ...]  # names of everyone with at least one move, sorted


@dataclass(frozen=True, slots=True)
class Assignment:
    slots: tuple[SlotAssignment, ...]  # in the order given
    report: Report


def assign(
    slots: Sequence[Slot],
    attendees: Sequence[Attendee],
    locked: Sequence[Placement] = (),
    previous: Sequence[Placement] = (),
    *,
    seed: int = 0,
    group: bool = True,
) -> Assignment:
    """The optimal assignment, slot by slot in the order given; raises AssignmentProblem on bad input.

    `seed` orders the lottery inside a group of people who ranked alike; `group=False` gives everyone their
    own node (same optimum, larger network: only for checking the grouping).
    """
    validate(slots, attendees, locked)
    position = {p.id: i for i, p in enumerate(attendees)}
    locks: dict[int, dict[int, int]] = defaultdict(dict)  # slot id -> attendee index -> workshop id
    for lock in locked:
        locks[lock.slot_id][position[lock.attendee_id]] = lock.workshop_id
    regret = [0] * len(attendees)
    rng = np.random.default_rng(seed)
    ids = [p.id for p in attendees]
    results = []
    ranked_counts = []
    for slot in slots:
        rankings = [p.rankings.get(slot.id, ()) for p in attendees]
        ranked_counts.append(len(rankings) - rankings.count(()))
        workshop, rank = _solve_slot(slot, rankings, locks[slot.id], regret, rng, group)
        results.append(
            SlotAssignment(
                slot.id,
                dict(zip(ids, workshop, strict=True)),
                dict(zip(ids, rank, strict=True)),
                frozenset(ids[i] for i in locks[slot.id]),
            )
        )
    return Assignment(tuple(results), _report(slots, attendees, locked, previous, results, ranked_counts))


def validate(slots: Sequence[Slot], attendees: Sequence[Attendee], locked: Sequence[Placement]) -> None:
    """Raise AssignmentProblem listing every problem of the input, each naming the person or workshop."""
    errors: list[str] = []
    slot_of: dict[int, Slot] = {}
    workshops: dict[int, Workshop] = {}
    for slot in slots:
        if slot.id in slot_of:
            errors.append(f"The breakout slot {slot.label} is listed twice; list each slot once.")
        slot_of[slot.id] = slot
        for workshop in slot.workshops:
            if workshop.id in workshops:
                errors.append(f"“{workshop.title}” is listed twice; a workshop belongs to one slot only.")
            workshops[workshop.id] = workshop
            if workshop.capacity < 0:
                errors.append(
                    f"“{workshop.title}” in {slot.label} has a capacity of {workshop.capacity}; "
                    "set it to 0 or more."
                )
    home = {w.id: slot.id for slot in slots for w in slot.workshops}
    valid: dict[int, set[tuple[int, ...]]] = defaultdict(set)  # rankings already checked, per slot
    names: dict[int, str] = {}
    for person in attendees:
        if person.id in names:
            errors.append(f"{person.name} is listed twice; list each person once.")
        names[person.id] = person.name
        for slot_id, ranking in person.rankings.items():
            if ranking in valid[slot_id]:
                continue
            found = _ranking_errors(person.name, slot_id, ranking, slot_of, workshops, home)
            if found:
                errors.extend(found)
            else:
                valid[slot_id].add(ranking)
    seen: set[tuple[int, int]] = set()
    taken: dict[int, int] = defaultdict(int)
    for lock in locked:
        who = names.get(lock.attendee_id, f"The person with id {lock.attendee_id}")
        slot = slot_of.get(lock.slot_id)
        workshop = workshops.get(lock.workshop_id)
        if lock.attendee_id not in names:
            errors.append(f"{who} is locked into a workshop but is not among the attendees; unlock them.")
        elif slot is None:
            errors.append(f"{who} is locked into a breakout slot that does not exist; unlock them.")
        elif workshop is None:
            errors.append(f"{who} is locked into a workshop missing from {slot.label}; unlock them.")
        elif home[workshop.id] != slot.id:
            errors.append(
                f"{who} is locked into “{workshop.title}”, which is not in {slot.label}; "
                "lock them into a workshop of that slot."
            )
        elif (lock.attendee_id, lock.slot_id) in seen:
            errors.append(f"{who} is locked twice in {slot.label}; keep one lock per slot.")
        else:
            seen.add((lock.attendee_id, lock.slot_id))
            taken[workshop.id] += 1
            if taken[workshop.id] == workshop.capacity + 1:
                errors.append(
                    f"“{workshop.title}” in {slot.label} has {workshop.capacity} seats but more people "
                    f"are locked into it (among them {who}); unlock some or add seats."
                )
    if errors:
        raise AssignmentProblem(errors)


def _ranking_errors(
    name: str,
    slot_id: int,
    ranking: tuple[int, ...],
    slot_of: Mapping[int, Slot],
    workshops: Mapping[int, Workshop],
    home: Mapping[int, int],
) -> list[str]:
    slot = slot_of.get(slot_id)
    if slot is None:
        return [f"{name} ranked workshops for a breakout slot that does not exist; drop that ranking."]
    errors = []
    if len(ranking) > MAX_CHOICES:
        errors.append(
            f"{name} ranked {len(ranking)} workshops in {slot.label}; keep the top {MAX_CHOICES} only."
        )
    seen: set[int] = set()
    for workshop_id in ranking:
        workshop = workshops.get(workshop_id)
        if workshop is None:
            errors.append(
                f"{name} ranked a workshop in {slot.label} that is not part of this convening; "
                "choose one of the slot’s workshops."
            )
        elif home[workshop_id] != slot_id:
            errors.append(
                f"{name} ranked “{workshop.title}”, a workshop of {slot_of[home[workshop_id]].label}, "
                f"in {slot.label}; choose one of the slot’s workshops."
            )
        elif workshop_id in seen:
            errors.append(f"{name} ranked “{workshop.title}” twice in {slot.label}; rank it once.")
        seen.add(workshop_id)
    return errors


def _solve_slot(
    slot: Slot,
    rankings: Sequence[tuple[int, ...]],
    locks: Mapping[int, int],
    regret: list[int],
    rng: np.random.Generator,
    group: bool,
) -> tuple[list[int | None], list[int | None]]:
    """Solve one slot and update everyone's regret; returns the workshop and the rank per attendee index."""
    index = {w.id: k for k, w in enumerate(slot.workshops)}
    seats = [w.capacity for w in slot.workshops]
    workshop: list[int | None] = [None] * len(rankings)
    rank: list[int | None] = [None] * len(rankings)
    for i, workshop_id in locks.items():
        seats[index[workshop_id]] -= 1
        ranking = rankings[i]
        workshop[i] = workshop_id
        rank[i] = ranking.index(workshop_id) + 1 if workshop_id in ranking else None
        regret[i] += _regret(rank[i], bool(ranking))
    # Group the people of the slot, in a lottery order: those who ranked alike and have the same weight are
    # interchangeable.
    groups: dict[object, list[int]] = {}
    order = rng.permutation(len(rankings)).tolist()
    for i in [i for i in order if i not in locks] if locks else order:
        key = (rankings[i], regret[i]) if group else i
        members = groups.get(key)
        if members is None:
            groups[key] = [i]
        else:
            members.append(i)
    ranked_groups = [m for m in groups.values() if rankings[m[0]]]
    unranked_groups = [m for m in groups.values() if not rankings[m[0]]]
    ranked = sum(len(m) for m in ranked_groups)
    unranked = sum(len(m) for m in unranked_groups)
    missing = max(0, ranked + unranked - sum(seats))
    ranked_wait = missing > unranked  # not even everyone who ranked gets a seat: those who did not, wait
    if ranked_wait:
        for members in unranked_groups:
            for i in members:
                regret[i] += UNASSIGNED_REGRET
        unranked_groups = []
        missing -= unranked
    flowing = ranked_groups + unranked_groups
    if flowing:
        ranked_count = len(ranked_groups)
        _flow(slot, rankings, flowing, ranked_count, seats, missing, ranked_wait, regret, workshop, rank)
    return workshop, rank


def _flow(
    slot: Slot,
    rankings: Sequence[tuple[int, ...]],
    groups: list[list[int]],
    ranked_groups: int,
    seats: list[int],
    missing: int,
    ranked_wait: bool,
    regret: list[int],
    workshop: list[int | None],
    rank: list[int | None],
) -> None:
    """Build and solve the slot's network, then split each group's flows onto its members.

    Nodes: groups 0..G-1, workshops G..G+K-1, hub (any seat) G+K, unassigned G+K+1, sink G+K+2. Exactly
    `missing` people go without a seat: people who ranked when `ranked_wait`, else people who did not.
    """
    n_groups, n_workshops = len(groups), len(slot.workshops)
    hub, unassigned, sink = n_groups + n_workshops, n_groups + n_workshops + 1, n_groups + n_workshops + 2
    index = {w.id: k for k, w in enumerate(slot.workshops)}
    people = sum(len(m) for m in groups)
    weights = [1 + regret[m[0]] for m in groups]
    c4 = 1 + sum(UNASSIGNED_REGRET * w * len(m) for w, m in zip(weights, groups, strict=True))
    c3 = 1 + sum((c4 + UNASSIGNED_REGRET * w) * len(m) for w, m in zip(weights, groups, strict=True))
    tails: list[int] = []
    heads: list[int] = []
    costs: list[int] = []
    for g, members in enumerate(groups):
        w = weights[g]
        if g < ranked_groups:
            for r, workshop_id in enumerate(rankings[members[0]]):
                tails.append(g)
                heads.append(n_groups + index[workshop_id])
                costs.append((c4 if r else 0) + w * r)
            tails.append(g)
            heads.append(hub)
            costs.append(c3 + c4 + OUTSIDE_REGRET * w)
            if ranked_wait:
                tails.append(g)
                heads.append(unassigned)
                costs.append(c3 + c4 + UNASSIGNED_REGRET * w)
        else:
            tails.append(g)
            heads.append(hub)
            costs.append(0)
            if not ranked_wait:
                tails.append(g)
                heads.append(unassigned)
                costs.append(UNASSIGNED_REGRET * w)
    group_arcs = len(tails)
    tails += [hub] * n_workshops + list(range(n_groups, n_groups + n_workshops)) + [unassigned]
    heads += list(range(n_groups, n_groups + n_workshops)) + [sink] * (n_workshops + 1)
    costs += [0] * (2 * n_workshops + 1)
    capacities = [people] * (group_arcs + n_workshops) + seats + [missing]
    network = SimpleMinCostFlow()
    network.add_arcs_with_capacity_and_unit_cost(
        np.array(tails, dtype=np.int32),
        np.array(heads, dtype=np.int32),
        np.array(capacities, dtype=np.int64),
        np.array(costs, dtype=np.int64),
    )
    supplies = np.zeros(sink + 1, dtype=np.int64)
    supplies[:n_groups] = [len(m) for m in groups]
    supplies[sink] = -people
    network.set_nodes_supplies(np.arange(sink + 1, dtype=np.int32), supplies)
    status = network.solve()
    if status != SimpleMinCostFlow.OPTIMAL:
        raise AssignmentProblem(
            [f"The assignment of {slot.label} could not be solved ({status.name}); split the slot's people."]
        )
    flows = network.flows(np.arange(len(tails), dtype=np.int32)).tolist()
    # Seats reached through the hub: any split onto the groups is optimal (a group never reaches a workshop
    # it ranked through the hub, as its direct arc would be cheaper).
    hub_seats = [[k, flows[group_arcs + k]] for k in range(n_workshops) if flows[group_arcs + k]]
    arc = 0
    for g, members in enumerate(groups):
        placed = 0
        is_ranked = g < ranked_groups
        for r, workshop_id in enumerate(rankings[members[0]]):
            flow = flows[arc]
            arc += 1
            for i in members[placed : placed + flow]:
                workshop[i] = workshop_id
                rank[i] = r + 1
                regret[i] += r
            placed += flow
        through_hub = flows[arc]
        arc += 1
        while through_hub:
            k, left = hub_seats[-1]
            take = min(left, through_hub)
            workshop_id = slot.workshops[k].id
            for i in members[placed : placed + take]:
                workshop[i] = workshop_id
                regret[i] += OUTSIDE_REGRET if is_ranked else 0
            placed += take
            through_hub -= take
            if take == left:
                hub_seats.pop()
            else:
                hub_seats[-1][1] = left - take
        if is_ranked == ranked_wait:  # the group's arc to the unassigned node
            arc += 1
        for i in members[placed:]:
            regret[i] += UNASSIGNED_REGRET


def _regret(rank: int | None, ranked: bool) -> int:
    """The regret of a seat: rank - 1 within the ranking, OUTSIDE_REGRET outside it, 0 without ranking."""
    if rank is not None:
        return rank - 1
    return OUTSIDE_REGRET if ranked else 0


def _report(
    slots: Sequence[Slot],
    attendees: Sequence[Attendee],
    locked: Sequence[Placement],
    previous: Sequence[Placement],
    results: Sequence[SlotAssignment],
    ranked_counts: Sequence[int],
) -> Report:
    names = {p.id: p.name for p in attendees}
    slot_reports = []
    filled: Counter[int | None] = Counter()
    for slot, result, ranked in zip(slots, results, ranked_counts, strict=True):
        ranks = Counter(result.rank_of.values())
        seated = Counter(result.workshop_of.values())
        filled.update(seated)
        slot_reports.append(
            SlotReport(
                slot_id=slot.id,
                label=slot.label,
                ranked=ranked,
                first_choice=ranks[1],
                top_three=ranks[1] + ranks[2] + ranks[3],
                placed=len(attendees) - seated[None],
                unassigned=tuple(sorted(names[a] for a, w in result.workshop_of.items() if w is None)),
            )
        )
    locks_per_workshop = Counter(lock.workshop_id for lock in locked)
    fills = tuple(
        WorkshopFill(w.id, slot.id, w.title, filled[w.id], w.capacity, locks_per_workshop[w.id])
        for slot in slots
        for w in slot.workshops
    )
    after = {result.slot_id: result.workshop_of for result in results}
    moves = tuple(
        Move(p.attendee_id, names[p.attendee_id], p.slot_id, p.workshop_id, after[p.slot_id][p.attendee_id])
        for p in previous
        if p.slot_id in after and p.attendee_id in names and after[p.slot_id][p.attendee_id] != p.workshop_id
    )
    with_ranking = sum(r.ranked for r in slot_reports)
    return Report(
        first_choice_share=sum(r.first_choice for r in slot_reports) / with_ranking if with_ranking else 0.0,
        top_three_share=sum(r.top_three for r in slot_reports) / with_ranking if with_ranking else 0.0,
        slots=tuple(slot_reports),
        workshops=fills,
        moves=moves,
        moved_people=tuple(sorted({m.name for m in moves})),
    )
