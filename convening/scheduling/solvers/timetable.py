"""Which workshop goes in which breakout slot and room, with the fewest clashes for the people who want them.

The clash count is the number of pairs of wanted workshops that share a slot, summed over attendees: one
person who wants three workshops of one slot counts three (each pair they must choose between). With
w[i][j] the number of people who want both i and j, it is the sum of w[i][j] over pairs in one slot.
"Attendees affected" counts the people with at least one such pair.

Hard rules: each workshop in one slot and one room, one workshop per room and slot, rooms large enough,
no speaker in two workshops of a slot, speakers only when available, pinned slots and rooms kept.

propose() answers at once: greedy (most constrained and most wanted first, each into the slot where it adds
the fewest clashes), then moves and swaps that lower the count until none helps or the deadline passes.
improve() hands that answer to CP-SAT as a hint. Rooms are not variables there: in a slot, workshops fit the
rooms if and only if, for every need t, the workshops needing t seats or more are no more than the rooms
seating t or more (Hall's condition; the rooms that fit a workshop are nested), so the model chooses slots
only and rooms are given afterwards, largest workshop to largest room. This avoids room symmetry; slots that
are all alike are ordered by their first workshop.
"""

from __future__ import annotations

import random
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import combinations

import numpy as np
from ortools.sat.python import cp_model

from convening.scheduling.solvers.problems import SolverProblem


class TimetableProblem(SolverProblem):
    """No timetable can be made as things are; `messages` says, workshop by workshop, what to change."""


@dataclass(frozen=True, slots=True)
class Slot:
    id: int
    label: str


@dataclass(frozen=True, slots=True)
class Room:
    id: int
    name: str
    capacity: int


@dataclass(frozen=True, slots=True)
class Speaker:
    """`available` is the set of slot ids the speaker can make; None means every slot."""

    id: int
    name: str
    available: frozenset[int] | None = None


@dataclass(frozen=True, slots=True)
class Workshop:
    """`need` is the seats the room must have (expected attendance or a minimum capacity)."""

    id: int
    title: str
    need: int
    speaker_ids: frozenset[int] = frozenset()
    pinned_slot: int | None = None
    pinned_room: int | None = None


@dataclass(frozen=True, slots=True)
class Problem:
    """`interests` maps an attendee id to the workshops they want; ids of other sessions are ignored.
    Speakers missing from `speakers` are available in every slot."""

    slots: tuple[Slot, ...]
    rooms: tuple[Room, ...]
    workshops: tuple[Workshop, ...]
    speakers: tuple[Speaker, ...] = ()
    interests: Mapping[int, frozenset[int]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Spot:
    slot_id: int
    room_id: int


@dataclass(frozen=True, slots=True)
class Proposal:
    """A timetable. `bound` is the lowest clash count CP-SAT could not rule out (None for the heuristic);
    `optimal` says the count is proven lowest. `status` is "heuristic", "OPTIMAL" or "FEASIBLE"."""

    placements: Mapping[int, Spot]  # workshop id -> slot and room
    clashes: int
    attendees_affected: int
    bound: int | None
    optimal: bool
    status: str
    seconds: float


Progress = Callable[[float, int, int], None]  # (fraction of the time limit used, best clashes, bound)


def clashes(problem: Problem, slot_of: Mapping[int, int]) -> tuple[int, int]:
    """(clash count, attendees affected) of workshops placed in slots, e.g. the current program; workshops
    missing from `slot_of` count as unscheduled."""
    count = affected = 0
    for wanted in problem.interests.values():
        per_slot: dict[int, int] = defaultdict(int)
        for workshop_id in wanted:
            slot_id = slot_of.get(workshop_id)
            if slot_id is not None:
                per_slot[slot_id] += 1
        pairs = sum(k * (k - 1) // 2 for k in per_slot.values())
        count += pairs
        affected += pairs > 0
    return count, affected


def validate(problem: Problem) -> None:
    """Raise TimetableProblem with every reason no timetable can exist that is visible without solving."""
    _Prepared(problem)


def propose(problem: Problem, *, deadline: float = 0.05) -> Proposal:
    """A first feasible timetable, fast: greedy, then improving moves and swaps for up to `deadline` s.

    If the greedy gets stuck (a tight instance), a short CP-SAT search finds a feasible start instead.
    """
    started = time.perf_counter()
    prepared = _Prepared(problem)
    slot_of = prepared.greedy()
    if slot_of is None:
        return improve(problem, time_limit=max(deadline, 5.0), stop_at_first=True)
    slot_of = prepared.local_search(slot_of, started + deadline)
    return prepared.proposal(slot_of, None, False, "heuristic", time.perf_counter() - started)


def improve(
    problem: Problem,
    start: Proposal | None = None,
    *,
    time_limit: float = 10.0,
    progress: Progress | None = None,
    workers: int = 2,
    seed: int = 0,
    stop_at_first: bool = False,
) -> Proposal:
    """CP-SAT from `start` (a hint) for up to `time_limit` s; reports the best count and its bound.

    Never worse than `start`. `workers` is CP-SAT's thread count (the machine has 2 cores);
    `stop_at_first` settles for any feasible timetable (propose's fallback). Raises TimetableProblem when
    the input is infeasible (explained where visible before solving) or nothing was found in time.
    """
    started = time.perf_counter()
    prepared = _Prepared(problem)
    model, x, objective = prepared.model()
    if start is not None:
        hint = prepared.relabelled([prepared.slot_index[start.placements[w.id].slot_id] for w in prepared.ws])
        for w, s in enumerate(hint):
            for t, var in x[w].items():
                model.add_hint(var, t == s)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    solver.parameters.stop_after_first_solution = stop_at_first
    callback = _Callback(objective, started, time_limit, progress)
    callback.best = start.clashes if start is not None else None
    ticker = threading.Thread(target=callback.tick, daemon=True)
    if progress is not None:
        solver.best_bound_callback = callback.on_bound
        ticker.start()
    try:
        status = solver.solve(model, callback)
    finally:
        callback.done.set()
        if ticker.is_alive():
            ticker.join()
    if status == cp_model.INFEASIBLE:
        raise TimetableProblem(
            [
                "No timetable fits these rooms, slots, speakers and pins together; add a room or a slot, "
                "or unpin a workshop."
            ]
        )
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise TimetableProblem(
            [f"No timetable was found in {time_limit:g} seconds; allow more time or add a room or a slot."]
        )
    slot_of = [next(s for s, var in x[w].items() if solver.boolean_value(var)) for w in range(prepared.n)]
    optimal = status == cp_model.OPTIMAL
    bound = round(solver.best_objective_bound)
    found = prepared.proposal(
        slot_of, bound, optimal, solver.status_name(status), time.perf_counter() - started
    )
    if start is not None and start.clashes < found.clashes:  # too little time even to load the hint
        return replace(
            found,
            placements=start.placements,
            clashes=start.clashes,
            attendees_affected=start.attendees_affected,
        )
    return found


class _Callback(cp_model.CpSolverSolutionCallback):
    """Tells `progress` about each better timetable, each better bound, and every TICK seconds between,
    so a console job's bar moves while CP-SAT searches. Calls are serialized: solver threads and the
    ticker never call `progress` at the same time."""

    TICK = 0.5

    def __init__(
        self, objective: cp_model.LinearExpr, started: float, limit: float, progress: Progress | None
    ):
        super().__init__()
        self.objective = objective
        self.started = started
        self.limit = limit
        self.progress = progress
        self.best: int | None = None
        self.bound: int | None = None
        self.lock = threading.Lock()
        self.done = threading.Event()

    def on_solution_callback(self) -> None:
        value = round(self.objective_value)
        self.best = value if self.best is None else min(self.best, value)  # the start may still be better
        self.bound = round(self.best_objective_bound)
        self.tell()

    def on_bound(self, bound: float) -> None:
        self.bound = round(bound)
        self.tell()

    def tick(self) -> None:
        while not self.done.wait(self.TICK):
            self.tell()

    def tell(self) -> None:
        if self.progress is None or self.best is None or self.bound is None:
            return
        with self.lock:
            used = min(1.0, (time.perf_counter() - self.started) / self.limit) if self.limit else 1.0
            self.progress(used, self.best, self.bound)


class _Prepared:
    """The problem in indexes: allowed slots per workshop, speakers' workshops, the co-interest weights."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.ws = problem.workshops
        self.n = len(self.ws)
        self.m = len(problem.slots)
        self.slot_index = {s.id: k for k, s in enumerate(problem.slots)}
        self.rooms = sorted(problem.rooms, key=lambda r: -r.capacity)
        self.room_of = {r.id: r for r in problem.rooms}
        self.speakers = {s.id: s for s in problem.speakers}
        self._check()
        self.need = [w.need for w in self.ws]
        self.pinned_room = [
            self.room_of[w.pinned_room] if w.pinned_room is not None else None for w in self.ws
        ]
        self.allowed = [self._allowed(w) for w in self.ws]
        self.by_speaker: dict[int, list[int]] = defaultdict(list)
        for i, w in enumerate(self.ws):
            for speaker_id in w.speaker_ids:
                self.by_speaker[speaker_id].append(i)
        self.speaker_sets = [frozenset(w.speaker_ids) for w in self.ws]
        self.weights = self._weights()
        self.weight_rows = self.weights.tolist()
        self.interchangeable = all(len(a) == self.m for a in self.allowed) and not any(self.pinned_room)

    # --- checks before solving ---------------------------------------------------------------------------

    def _check(self) -> None:
        p = self.problem
        errors: list[str] = []
        labels = {s.id: s.label for s in p.slots}
        largest = self.rooms[0] if self.rooms else None
        seen: set[int] = set()
        for w in self.ws:
            if w.id in seen:
                errors.append(f"“{w.title}” is listed twice; list each workshop once.")
            seen.add(w.id)
            if w.pinned_slot is not None and w.pinned_slot not in labels:
                errors.append(f"“{w.title}” is pinned to a breakout slot that does not exist; unpin it.")
            if w.pinned_room is not None and w.pinned_room not in self.room_of:
                errors.append(f"“{w.title}” is pinned to a room that does not exist; unpin it.")
            elif w.pinned_room is not None and self.room_of[w.pinned_room].capacity < w.need:
                room = self.room_of[w.pinned_room]
                errors.append(
                    f"“{w.title}” expects {w.need} people but is pinned to {room.name}, which seats "
                    f"{room.capacity}; pin it to a larger room or lower its expected attendance."
                )
            elif largest is not None and largest.capacity < w.need:
                errors.append(
                    f"“{w.title}” expects {w.need} people but the largest room, {largest.name}, seats "
                    f"{largest.capacity}; lower its expected attendance or add a larger room."
                )
            for speaker_id in sorted(w.speaker_ids):
                speaker = self.speakers.get(speaker_id)
                if speaker is None or speaker.available is None:
                    continue
                if w.pinned_slot in labels and w.pinned_slot not in speaker.available:
                    errors.append(
                        f"“{w.title}” is pinned to {labels[w.pinned_slot]}, when {speaker.name} is not "
                        "available; unpin it or change their availability."
                    )
            nowhere = [
                self.speakers[i].name
                for i in sorted(w.speaker_ids)
                if i in self.speakers and not self._allowed_ids(Workshop(0, "", 0, frozenset({i})))
            ]
            errors.extend(
                f"{name}, speaker of “{w.title}”, is not available in any breakout slot; add a slot to their "
                "availability or give the workshop another speaker."
                for name in nowhere
            )
            if not nowhere and w.pinned_slot is None and not self._allowed_ids(w):
                names = ", ".join(self.speakers[i].name for i in sorted(w.speaker_ids) if i in self.speakers)
                errors.append(
                    f"The speakers of “{w.title}” ({names}) have no breakout slot in common; change their "
                    "availability or the workshop’s speakers."
                )
        for speaker in p.speakers:
            theirs = [w for w in self.ws if speaker.id in w.speaker_ids]
            slots = len(labels) if speaker.available is None else len(set(speaker.available) & set(labels))
            if slots and len(theirs) > slots:
                errors.append(
                    f"{speaker.name} speaks in {len(theirs)} workshops but is available in only {slots} of "
                    "the breakout slots; give a workshop another speaker or add to their availability."
                )
        places = len(p.rooms) * len(p.slots)
        if len(self.ws) > places:
            errors.append(
                f"There are {len(self.ws)} workshops but only {places} places ({len(p.rooms)} rooms x "
                f"{len(p.slots)} slots); add a room or a slot, or drop a workshop."
            )
        else:
            for need in sorted({w.need for w in self.ws}, reverse=True):
                large = sum(1 for r in p.rooms if r.capacity >= need)
                many = sum(1 for w in self.ws if w.need >= need)
                if large and many > large * len(p.slots):
                    errors.append(
                        f"{many} workshops expect {need} people or more, but the rooms that seat that many "
                        f"offer only {large * len(p.slots)} places; add a large room or lower expectations."
                    )
                    break
        errors.extend(self._pin_conflicts(labels))
        if errors:
            raise TimetableProblem(errors)

    def _pin_conflicts(self, labels: Mapping[int, str]) -> list[str]:
        errors = []
        pinned: dict[int, list[Workshop]] = defaultdict(list)
        for w in self.ws:
            if w.pinned_slot in labels:
                pinned[w.pinned_slot].append(w)
        for slot_id, here in pinned.items():
            label = labels[slot_id]
            if len(here) > len(self.problem.rooms):
                errors.append(
                    f"{len(here)} workshops are pinned to {label}, which has {len(self.problem.rooms)} "
                    "rooms; unpin some of them."
                )
            for a, b in combinations(here, 2):
                if a.pinned_room in self.room_of and a.pinned_room == b.pinned_room:
                    errors.append(
                        f"“{a.title}” and “{b.title}” are both pinned to {label} in "
                        f"{self.room_of[a.pinned_room].name}; unpin one of them."
                    )
                for speaker_id in sorted(a.speaker_ids & b.speaker_ids):
                    speaker = self.speakers.get(speaker_id)
                    who = speaker.name if speaker else "the same speaker"
                    errors.append(
                        f"“{a.title}” and “{b.title}” are both pinned to {label} and {who} speaks in both; "
                        "unpin one of them."
                    )
        return errors

    def _allowed_ids(self, w: Workshop) -> list[int]:
        ids = [s.id for s in self.problem.slots]
        for speaker_id in w.speaker_ids:
            speaker = self.speakers.get(speaker_id)
            if speaker is not None and speaker.available is not None:
                ids = [i for i in ids if i in speaker.available]
        return ids

    def _allowed(self, w: Workshop) -> list[int]:
        if w.pinned_slot is not None:
            return [self.slot_index[w.pinned_slot]]
        return [self.slot_index[i] for i in self._allowed_ids(w)]

    def _weights(self) -> np.ndarray:
        """w[i][j]: how many attendees want both i and j (zero diagonal), from one 0/1 matrix product."""
        column = {w.id: k for k, w in enumerate(self.ws)}
        rows, cols = [], []
        for r, wanted in enumerate(self.problem.interests.values()):
            for workshop_id in wanted:
                k = column.get(workshop_id)
                if k is not None:
                    rows.append(r)
                    cols.append(k)
        wants = np.zeros((len(self.problem.interests), self.n), dtype=np.int32)
        wants[rows, cols] = 1
        weights = (wants.T @ wants).astype(np.int64)  # integers: no BLAS start-up on the first call
        np.fill_diagonal(weights, 0)
        return weights

    # --- rooms -------------------------------------------------------------------------------------------

    def rooms_for(self, members: Sequence[int]) -> dict[int, Room] | None:
        """Rooms for the workshops of one slot (pinned rooms kept, then largest to largest), or None."""
        given: dict[int, Room] = {}
        taken: set[int] = set()
        for i in members:
            room = self.pinned_room[i]
            if room is not None:
                if room.id in taken:
                    return None
                taken.add(room.id)
                given[i] = room
        free = [r for r in self.rooms if r.id not in taken]
        rest = sorted((i for i in members if self.pinned_room[i] is None), key=lambda i: -self.need[i])
        if len(rest) > len(free):
            return None
        for i, room in zip(rest, free, strict=False):
            if room.capacity < self.need[i]:
                return None
            given[i] = room
        return given

    def fits(self, members: Sequence[int], adding: int) -> bool:
        if any(self.speaker_sets[adding] & self.speaker_sets[i] for i in members):
            return False
        return self.rooms_for([*members, adding]) is not None

    # --- the heuristic -----------------------------------------------------------------------------------

    def greedy(self) -> list[int] | None:
        """Slots per workshop index, most constrained and most wanted first; None when stuck."""
        totals = self.weights.sum(axis=1).tolist()
        order = sorted(
            range(self.n),
            key=lambda i: (len(self.allowed[i]), self.pinned_room[i] is None, -self.need[i], -totals[i], i),
        )
        members: list[list[int]] = [[] for _ in range(self.m)]
        added = [[0] * self.m for _ in range(self.n)]  # clashes a workshop would add in each slot
        slot_of = [-1] * self.n
        for i in order:
            options = [s for s in self.allowed[i] if self.fits(members[s], i)]
            if not options:
                return None
            best = min(options, key=lambda s: (added[i][s], len(members[s]), s))
            slot_of[i] = best
            members[best].append(i)
            for j, w in enumerate(self.weight_rows[i]):
                added[j][best] += w
        return slot_of

    def local_search(self, slot_of: list[int], deadline: float, seed: int = 0) -> list[int]:
        """Descend to a local optimum, then kick it (a few random swaps) and descend again until
        `deadline`, keeping the best: an iterated local search."""
        rng = random.Random(seed)  # noqa: S311 -- a search order, not a secret
        best = list(slot_of)
        best_cost = self.descend(best, deadline)
        while time.perf_counter() < deadline:
            trial = list(best)
            self.kick(trial, rng)
            cost = self.descend(trial, deadline)
            if cost <= best_cost:
                best, best_cost = trial, cost
        return best

    def kick(self, slot_of: list[int], rng: random.Random, swaps: int = 3) -> None:
        """A few random swaps that keep the timetable feasible."""
        if self.n < 2:
            return
        done = 0
        for _ in range(4 * swaps):  # a few tries each, as a random swap may not fit
            if done == swaps:
                return
            i, j = rng.sample(range(self.n), 2)
            a, b = slot_of[i], slot_of[j]
            if a == b or b not in self.allowed[i] or a not in self.allowed[j]:
                continue
            rest_a = [k for k in range(self.n) if slot_of[k] == a and k != i]
            rest_b = [k for k in range(self.n) if slot_of[k] == b and k != j]
            if self.fits(rest_b, i) and self.fits(rest_a, j):
                slot_of[i], slot_of[j] = b, a
                done += 1

    def descend(self, slot_of: list[int], deadline: float) -> int:
        """Improving moves and swaps, first found first taken, until none helps or `deadline` passes;
        changes `slot_of` and returns its clash count."""
        w = self.weight_rows
        members: list[list[int]] = [[] for _ in range(self.m)]
        for i, s in enumerate(slot_of):
            members[s].append(i)
        near = [[sum(w[i][j] for j in members[s]) for s in range(self.m)] for i in range(self.n)]

        def move(i: int, a: int, b: int) -> None:
            members[a].remove(i)
            members[b].append(i)
            slot_of[i] = b
            row = w[i]
            for j in range(self.n):
                near[j][a] -= row[j]
                near[j][b] += row[j]

        improved = True
        while improved and time.perf_counter() < deadline:
            improved = False
            for i in range(self.n):
                a = slot_of[i]
                for b in self.allowed[i]:
                    if b != a and near[i][b] < near[i][a] and self.fits(members[b], i):
                        move(i, a, b)
                        improved = True
                        break
            for i in range(self.n):
                for j in range(i + 1, self.n):
                    a, b = slot_of[i], slot_of[j]
                    if a == b or b not in self.allowed[i] or a not in self.allowed[j]:
                        continue
                    delta = near[i][b] - w[i][j] - near[i][a] + near[j][a] - w[i][j] - near[j][b]
                    if delta >= 0:
                        continue
                    rest_a = [k for k in members[a] if k != i]
                    rest_b = [k for k in members[b] if k != j]
                    if self.fits(rest_b, i) and self.fits(rest_a, j):
                        move(i, a, b)
                        move(j, b, a)
                        improved = True
                if time.perf_counter() >= deadline:
                    break
        return sum(near[i][slot_of[i]] for i in range(self.n)) // 2

    # --- CP-SAT ------------------------------------------------------------------------------------------

    def relabelled(self, slot_of: list[int]) -> list[int]:
        """When slots are interchangeable, renumber them by first workshop, as the model requires."""
        if not self.interchangeable:
            return slot_of
        new: dict[int, int] = {}
        for s in slot_of:
            new.setdefault(s, len(new))
        return [new[s] for s in slot_of]

    def model(self) -> tuple[cp_model.CpModel, list[dict[int, cp_model.IntVar]], cp_model.LinearExpr]:
        model = cp_model.CpModel()
        x = [{s: model.new_bool_var(f"x{i}_{s}") for s in self.allowed[i]} for i in range(self.n)]
        for i in range(self.n):
            if self.interchangeable:  # workshop i opens a slot no later than slot i
                for s in range(i + 1, self.m):
                    model.add(x[i][s] == 0)
            model.add_exactly_one(x[i].values())
        for here in self.by_speaker.values():
            if len(here) > 1:
                for s in range(self.m):
                    model.add_at_most_one(x[i][s] for i in here if s in x[i])
        pinned_rooms: dict[int, list[int]] = defaultdict(list)
        for i, room in enumerate(self.pinned_room):
            if room is not None:
                pinned_rooms[room.id].append(i)
        for here in pinned_rooms.values():
            if len(here) > 1:
                for s in range(self.m):
                    model.add_at_most_one(x[i][s] for i in here if s in x[i])
        seats = [
            room.capacity if room is not None else need
            for room, need in zip(self.pinned_room, self.need, strict=True)
        ]
        thresholds = sorted({0} | {self.need[i] for i in range(self.n) if self.pinned_room[i] is None})
        for s in range(self.m):
            for t in thresholds:
                rooms = sum(1 for r in self.rooms if r.capacity >= t)
                model.add(sum(x[i][s] for i in range(self.n) if seats[i] >= t and s in x[i]) <= rooms)
        terms = []
        for i, j in zip(*np.nonzero(np.triu(self.weights)), strict=True):
            common = [s for s in x[i] if s in x[j]]
            if not common:
                continue
            same = model.new_bool_var(f"c{i}_{j}")
            for s in common:
                model.add_bool_or([x[i][s].Not(), x[j][s].Not(), same])
            terms.append(int(self.weights[i, j]) * same)
        objective = sum(terms) if terms else 0
        model.add(objective >= self.pigeonhole_bound())
        model.minimize(objective)
        return model, x, objective

    def pigeonhole_bound(self) -> int:
        """Someone who wants k workshops of m slots faces at least the clashes of k spread evenly."""
        known = {w.id for w in self.ws}
        bound = 0
        for wanted in self.problem.interests.values():
            k = len(wanted & known)
            q, r = divmod(k, self.m) if self.m else (0, 0)
            bound += r * (q + 1) * q // 2 + (self.m - r) * q * (q - 1) // 2
        return bound

    # --- the answer --------------------------------------------------------------------------------------

    def proposal(
        self, slot_of: list[int], bound: int | None, optimal: bool, status: str, seconds: float
    ) -> Proposal:
        placements: dict[int, Spot] = {}
        for s, slot in enumerate(self.problem.slots):
            here = [i for i in range(self.n) if slot_of[i] == s]
            rooms = self.rooms_for(here)
            assert rooms is not None  # every slot choice above keeps Hall's condition
            for i in here:
                placements[self.ws[i].id] = Spot(slot.id, rooms[i].id)
        count, affected = clashes(self.problem, {w: spot.slot_id for w, spot in placements.items()})
        return Proposal(placements, count, affected, bound, optimal, status, seconds)
