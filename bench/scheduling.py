"""Time the breakout solvers on generated instances: workshop assignment and timetabling. No database.

Usage: .venv/bin/python bench/scheduling.py [--counts 2000,10000,50000] [--cp-sat-seconds 9.5]
                                            [--long-seconds 60] [--seed 1]

Assignment: for each count, attendees rank up to three workshops in each of 5 breakout slots of 8 to 20
workshops, drawn with a skewed (Zipf-like) popularity: a few workshops everyone wants, a long tail. One
person in twenty ranks nothing in a slot, one in ten only one or two. Seats per slot are 1.1 times the
people, shared unevenly. scheduling.solvers.assignment.assign is timed in a fresh child process (fork),
from validation to the report; peak memory is what the solve adds to that process: VmHWM (reset through
/proc/self/clear_refs after the instance is built) minus VmRSS before, so OR-Tools' C++ memory counts too.
Optimality is not measured here: the tests check it against brute force.

Timetabling: 40 workshops, 8 rooms (40 to 300 seats), 5 slots, 60 speakers (one in four available in only
3 slots), 2,000 attendees wanting about 8 workshops each, skewed popularity; each workshop needs the seats
its popularity calls for. Printed: the first answer (greedy with no time to improve), the heuristic after
0.1 s, CP-SAT from that answer for --cp-sat-seconds (so the total stays under 10 s) with its bound, and the
best known: the best of that CP-SAT run and a long run of the heuristic's iterated local search for
--long-seconds. Gaps are to the best known and to the CP-SAT bound.

Prints the figures and the targets with OK or MISSED; exits 1 when a target is missed. Other work on the
machine stretches wall times: the CPU seconds and the load average at the start and the end say how much.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import ortools

from convening.scheduling.solvers import assignment, timetable

SLOTS = 5
TARGET_ASSIGN = {10_000: 0.5, 50_000: 1.0}  # attendees: seconds
TARGET_ASSIGN_MB = 100.0
TARGET_FIRST_S = 0.1
TARGET_TIMETABLE_S = 10.0
TARGET_GAP = 0.02
HEURISTIC_S = 0.1


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--counts", default="2000,10000,50000", help="comma-separated attendees to assign")
    parser.add_argument("--cp-sat-seconds", type=float, default=9.5, help="CP-SAT time after the heuristic")
    parser.add_argument("--long-seconds", type=float, default=60.0, help="the long run for the best known")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated instances")
    args = parser.parse_args()
    try:
        args.counts = sorted({int(count) for count in args.counts.split(",") if count.strip()})
    except ValueError:
        parser.error("--counts takes whole numbers, such as 2000,10000,50000")
    if not args.counts or args.counts[0] < 1 or args.cp_sat_seconds <= 0 or args.long_seconds <= 0:
        parser.error("--counts must be 1 or more each, and the seconds more than 0")
    return args


# --- assignment ------------------------------------------------------------------------------------------


def popularity(rng: random.Random, count: int, skew: float) -> list[float]:
    """Zipf-like weights in a random order: the favourites are not always the first listed."""
    weights = [1 / (rank + 1) ** skew for rank in range(count)]
    rng.shuffle(weights)
    return weights


def ranking(rng: random.Random, ids: list[int], weights: list[float], length: int) -> tuple[int, ...]:
    chosen: list[int] = []
    while len(chosen) < length:
        pick = rng.choices(ids, weights)[0]
        if pick not in chosen:
            chosen.append(pick)
    return tuple(chosen)


def assignment_instance(people: int, seed: int) -> tuple[list[assignment.Slot], list[assignment.Attendee]]:
    rng = random.Random(seed)
    slots, per_slot = [], []
    next_id = 1
    for s in range(1, SLOTS + 1):
        count = rng.randint(8, 20)
        ids = list(range(next_id, next_id + count))
        next_id += count
        weights = popularity(rng, count, 1.1)
        # Seats: 1.1 x the people, shared by room sizes that only loosely follow popularity.
        shares = [rng.uniform(0.5, 1.5) * (w**0.5) for w in weights]
        seats = [max(10, round(1.1 * people * share / sum(shares))) for share in shares]
        workshops = tuple(
            assignment.Workshop(w, f"Workshop {w}", cap) for w, cap in zip(ids, seats, strict=True)
        )
        slots.append(assignment.Slot(s, f"Slot {s}", workshops))
        per_slot.append((ids, weights))
    attendees = []
    for person in range(people):
        rankings = {}
        for s, (ids, weights) in enumerate(per_slot, start=1):
            roll = rng.random()
            if roll < 0.05:
                continue
            rankings[s] = ranking(rng, ids, weights, 3 if roll >= 0.15 else rng.randint(1, 2))
        attendees.append(assignment.Attendee(person, f"Attendee {person}", rankings))
    return slots, attendees


def memory_kib() -> tuple[int, int]:
    """VmHWM and VmRSS of this process, KiB."""
    lines = Path("/proc/self/status").read_text().splitlines()
    values = {
        line.split(":")[0]: int(line.split()[1]) for line in lines if line.startswith(("VmHWM", "VmRSS"))
    }
    return values["VmHWM"], values["VmRSS"]


@dataclass
class AssignFigures:
    people: int
    seconds: float
    cpu_seconds: float
    added_mb: float
    first: float
    top_three: float
    unassigned: int


def assign_once(people: int, seed: int, queue: multiprocessing.Queue) -> None:
    """In a child process: build the instance, then time and measure the solve alone."""
    slots, attendees = assignment_instance(people, seed)
    Path("/proc/self/clear_refs").write_text("5")
    _, before = memory_kib()
    started, cpu_started = time.perf_counter(), time.process_time()
    result = assignment.assign(slots, attendees, seed=seed)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    peak, _ = memory_kib()
    report = result.report
    queue.put(
        AssignFigures(
            people,
            seconds,
            cpu_seconds,
            (peak - before) / 1024,
            report.first_choice_share,
            report.top_three_share,
            sum(len(s.unassigned) for s in report.slots),
        )
    )


def measure_assignment(counts: list[int], seed: int) -> list[tuple[str, str, bool]]:
    context = multiprocessing.get_context("fork")
    rows = []
    for people in [counts[0], *counts]:  # the first run warms the disk cache of OR-Tools' libraries
        queue = context.Queue()
        child = context.Process(target=assign_once, args=(people, seed, queue))
        child.start()
        rows.append(queue.get())
        child.join()
    rows = rows[1:]
    print(f"assignment: {SLOTS} slots of 8 to 20 workshops, up to three ranked per slot, seats 1.1 x people")
    print(
        f"{'attendees':>10} {'seconds':>8} {'CPU s':>6} {'MB added':>9} {'1st choice':>11} {'top three':>10} "
        f"{'no seat':>8}"
    )
    for row in rows:
        print(
            f"{row.people:>10} {row.seconds:>8.3f} {row.cpu_seconds:>6.3f} {row.added_mb:>9.1f} "
            f"{row.first:>11.1%} {row.top_three:>10.1%} {row.unassigned:>8}"
        )
    checks = []
    for row in rows:
        if row.people in TARGET_ASSIGN:
            limit = TARGET_ASSIGN[row.people]
            checks.append(
                (f"{row.people} attendees < {limit} s", f"{row.seconds:.3f} s", row.seconds < limit)
            )
    checks.append(
        (
            f"every assignment adds < {TARGET_ASSIGN_MB:.0f} MB",
            f"{max(row.added_mb for row in rows):.1f} MB",
            all(row.added_mb < TARGET_ASSIGN_MB for row in rows),
        )
    )
    return checks


# --- timetabling -----------------------------------------------------------------------------------------


def timetable_instance(seed: int) -> timetable.Problem:
    rng = random.Random(seed)
    slots = tuple(timetable.Slot(s, f"Slot {s}") for s in range(1, SLOTS + 1))
    capacities = [300, 200, 150, 120, 100, 80, 60, 40]
    rooms = tuple(timetable.Room(100 + r, f"Room {r}", cap) for r, cap in enumerate(capacities))
    ids = list(range(1, 41))
    weights = popularity(rng, len(ids), 0.8)
    interests = {}
    for person in range(2000):
        size = max(2, min(16, round(rng.gauss(8, 2))))
        interests[person] = frozenset(ranking(rng, ids, weights, size))
    speakers = tuple(
        timetable.Speaker(
            1000 + i, f"Speaker {i}", frozenset(rng.sample(range(1, SLOTS + 1), 3)) if i % 4 == 0 else None
        )
        for i in range(60)
    )
    by_popularity = sorted(ids, key=lambda w: -weights[w - 1])
    workshops = []
    for place, w in enumerate(by_popularity):
        # The five most popular need a room one size below the largest, and so on down the list.
        need = capacities[min(len(capacities) - 1, place // SLOTS + 1)] - 5
        chosen = {1000 + (w - 1) % 40} | ({1040 + w % 20} if w % 3 == 0 else set())
        workshops.append(timetable.Workshop(w, f"Workshop {w}", need, frozenset(chosen)))
    return timetable.Problem(slots, rooms, tuple(workshops), speakers, interests)


def measure_timetable(cp_sat_seconds: float, long_seconds: float, seed: int) -> list[tuple[str, str, bool]]:
    problem = timetable_instance(seed)
    started = time.perf_counter()
    first = timetable.propose(problem, deadline=0.0)
    first_s = time.perf_counter() - started
    started = time.perf_counter()
    quick = timetable.propose(problem, deadline=HEURISTIC_S - 0.02)  # leaves time to build the answer
    quick_s = time.perf_counter() - started
    started = time.perf_counter()
    solved = timetable.improve(problem, quick, time_limit=cp_sat_seconds)
    total_s = quick_s + time.perf_counter() - started
    long_run = timetable.propose(problem, deadline=long_seconds)
    best = min(solved.clashes, long_run.clashes)
    source = "CP-SAT run" if solved.clashes <= long_run.clashes else f"{long_seconds:g} s local search"
    interested = len(problem.interests)
    wanted = sum(map(len, problem.interests.values())) / interested
    print(
        f"timetable: {len(problem.workshops)} workshops, {len(problem.rooms)} rooms, "
        f"{len(problem.slots)} slots, {interested} attendees wanting {wanted:.1f} each"
    )
    print(f"{'':<34} {'seconds':>8} {'clashes':>8} {'affected':>9} {'vs best':>8}")
    for label, seconds, proposal in (
        ("first answer (greedy)", first_s, first),
        (f"heuristic after {HEURISTIC_S} s", quick_s, quick),
        (f"+ CP-SAT {cp_sat_seconds:g} s ({solved.status})", total_s, solved),
        (f"long local search {long_seconds:g} s", long_run.seconds, long_run),
    ):
        gap = (proposal.clashes - best) / best if best else 0.0
        print(
            f"{label:<34} {seconds:>8.3f} {proposal.clashes:>8} {proposal.attendees_affected:>9} {gap:>8.2%}"
        )
    bound_gap = (solved.clashes - solved.bound) / solved.clashes if solved.clashes else 0.0
    print(
        f"  CP-SAT bound {solved.bound} (gap {bound_gap:.1%} of its answer); best known {best}, from the "
        f"{source}"
    )
    gap = (solved.clashes - best) / best if best else 0.0
    return [
        (f"first answer < {TARGET_FIRST_S} s", f"{first_s:.3f} s", first_s < TARGET_FIRST_S),
        (f"heuristic answer < {TARGET_FIRST_S} s", f"{quick_s:.3f} s", quick_s < TARGET_FIRST_S),
        (
            f"timetable within {TARGET_GAP:.0%} of best known",
            f"{gap:.2%} in {total_s:.1f} s",
            gap <= TARGET_GAP and total_s < TARGET_TIMETABLE_S,
        ),
    ]


def main() -> int:
    args = parse_args()
    load_before = os.getloadavg()[0]
    print(
        f"machine: {os.cpu_count()} CPUs, {platform.platform()}, Python {platform.python_version()}, "
        f"OR-Tools {ortools.__version__}, load average at start {load_before:.2f}"
    )
    checks = measure_assignment(args.counts, args.seed)
    checks += measure_timetable(args.cp_sat_seconds, args.long_seconds, args.seed)
    for label, figure, met in checks:
        print(f"  target {label:<40} {figure:<24} {'OK' if met else 'MISSED'}")
    print(f"load average at the end {os.getloadavg()[0]:.2f}")
    return 0 if all(met for _, _, met in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
