"""The assignment of ranked choices as staff run it: solver input read from the database, runs kept as drafts
with their report, and publishing a draft as seats, all at once, with one email per person.

A run never writes seats: it only stores where everyone would go. Publishing writes them in one transaction,
moving each workshop's seat counter by a conditional UPDATE, so a workshop whose capacity shrank since the
run refuses the whole publish instead of being overbooked or half written.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, delete, func, or_, select, update
from sqlalchemy.orm import aliased

from convening.audit.services import Actor, diff, record, snapshot
from convening.convenings.models import Convening
from convening.extensions import db
from convening.formatting import clock
from convening.jobs import start
from convening.mail.services import queue_email
from convening.problems import Refused
from convening.program.models import ProgramSession, Room, SlotKind, TimeSlot
from convening.program.services import slot_times
from convening.registration.models import Registration, RegistrationStatus
from convening.registration.services import RegistrationFilter, filtered_registrations, lock_convening
from convening.scheduling.enums import SignupMode
from convening.scheduling.models import (
    AssignmentRun,
    RunStatus,
    SeatSource,
    SeatStatus,
    WorkshopChoice,
    WorkshopSeat,
)
from convening.scheduling.seats import (
    SeatRefused,
    breakout_slots,
    breakout_workshops,
    move_seats,
    release_seat,
    take_seat,
)
from convening.scheduling.solvers.assignment import (
    Assignment,
    AssignmentProblem,
    Attendee,
    Placement,
    Slot,
    Workshop,
    assign,
)
from convening.sqltypes import utcnow
from convening.text import search_key
from convening.urls import external_url

ProgressFn = Callable[..., None]


@dataclass(frozen=True)
class SolverInput:
    """What `assign` takes, read from the database, with the capacities as staff set them (None: no limit)."""

    slots: list[Slot]
    attendees: list[Attendee]
    locked: list[Placement]
    previous: list[Placement]
    capacities: dict[int, int | None]
    previous_run_id: int | None


def slot_name(convening: Convening, slot: TimeSlot) -> str:
    """'Morning workshops (Tuesday, June 15, 10:30 AM – 12:00 PM)': a slot as staff and attendees read it."""
    return f"{slot.label or 'Breakouts'} ({slot_times(convening, slot)})"


def ranked_slots(convening_id: int) -> list[TimeSlot]:
    return list(
        db.session.scalars(
            select(TimeSlot)
            .where(
                TimeSlot.convening_id == convening_id,
                TimeSlot.kind == SlotKind.BREAKOUT,
                TimeSlot.signup_mode == SignupMode.RANKED,
            )
            .order_by(TimeSlot.starts_at, TimeSlot.id)
        )
    )


def workshops_by_slot(slot_ids: Sequence[int]) -> dict[int, list[ProgramSession]]:
    """The breakout workshops of each slot, by title."""
    found: dict[int, list[ProgramSession]] = {slot_id: [] for slot_id in slot_ids}
    for workshop in breakout_workshops(slot_ids):
        found[workshop.time_slot_id].append(workshop)  # type: ignore[index]
    return found


def _last_published(convening_id: int) -> AssignmentRun | None:
    return db.session.scalar(
        select(AssignmentRun)
        .where(AssignmentRun.convening_id == convening_id, AssignmentRun.status == RunStatus.PUBLISHED)
        .order_by(AssignmentRun.published_at.desc(), AssignmentRun.id.desc())
        .limit(1)
    )


def kept_on_rerun() -> ColumnElement[bool]:
    """The seats a run leaves where they are, as the solver's locked placements: those staff locked, and
    those people took themselves (or got from a waiting list) once an earlier assignment was out."""
    return or_(
        WorkshopSeat.locked.is_(True),
        WorkshopSeat.source.in_((SeatSource.ATTENDEE, SeatSource.WAITING_LIST)),
    )


def solver_input(convening: Convening) -> SolverInput:
    """Ranked slots and their workshops, confirmed people with their rankings, locks and the last publish.

    Unlimited workshops get as many seats as there are people, which never binds.
    """
    slots = ranked_slots(convening.id)
    slot_ids = [slot.id for slot in slots]
    workshops = workshops_by_slot(slot_ids)
    people = list(
        db.session.execute(
            select(Registration.id, Registration.first_name, Registration.family_name)
            .where(
                Registration.convening_id == convening.id,
                Registration.status == RegistrationStatus.CONFIRMED,
            )
            .order_by(Registration.id)
        )
    )
    confirmed = {row.id for row in people}
    rankings: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    if slot_ids:
        for choice in db.session.execute(
            select(WorkshopChoice.registration_id, WorkshopChoice.time_slot_id, WorkshopChoice.session_id)
            .join(Registration, Registration.id == WorkshopChoice.registration_id)
            .where(
                Registration.convening_id == convening.id,
                Registration.status == RegistrationStatus.CONFIRMED,
                WorkshopChoice.time_slot_id.in_(slot_ids),
            )
            .order_by(WorkshopChoice.registration_id, WorkshopChoice.time_slot_id, WorkshopChoice.rank)
        ):
            rankings[choice.registration_id][choice.time_slot_id].append(choice.session_id)
    unlimited = max(len(people), 1)
    capacities = {w.id: w.effective_capacity for listed in workshops.values() for w in listed}
    solver_slots = [
        Slot(
            slot.id,
            slot_name(convening, slot),
            tuple(
                Workshop(w.id, w.title, unlimited if capacities[w.id] is None else capacities[w.id])  # type: ignore[arg-type]
                for w in workshops[slot.id]
            ),
        )
        for slot in slots
    ]
    attendees = [
        Attendee(
            row.id,
            f"{row.first_name} {row.family_name}".strip(),
            {slot_id: tuple(ranked) for slot_id, ranked in rankings[row.id].items()},
        )
        for row in people
    ]
    locked = []
    if slot_ids:
        locked = [
            Placement(seat.registration_id, seat.time_slot_id, seat.session_id)
            for seat in db.session.execute(
                select(WorkshopSeat.registration_id, WorkshopSeat.time_slot_id, WorkshopSeat.session_id)
                .where(
                    WorkshopSeat.convening_id == convening.id,
                    WorkshopSeat.time_slot_id.in_(slot_ids),
                    WorkshopSeat.status == SeatStatus.SEATED,
                    kept_on_rerun(),
                )
                .order_by(WorkshopSeat.id)
            )
            if seat.registration_id in confirmed
        ]
    last = _last_published(convening.id)
    previous = [
        Placement(reg, slot_id, workshop_id)
        for reg, slot_id, workshop_id, *_ in (last.placements if last else [])
        if workshop_id is not None
    ]
    return SolverInput(solver_slots, attendees, locked, previous, capacities, last.id if last else None)


def _report_json(result: Assignment, given: SolverInput) -> dict[str, Any]:
    report = result.report
    return {
        "first_choice_share": report.first_choice_share,
        "top_three_share": report.top_three_share,
        "attendees": len(given.attendees),
        "previous_run_id": given.previous_run_id,
        "slots": [
            {
                "slot_id": s.slot_id,
                "label": s.label,
                "ranked": s.ranked,
                "first_choice": s.first_choice,
                "top_three": s.top_three,
                "placed": s.placed,
                "unassigned": list(s.unassigned),
            }
            for s in report.slots
        ],
        "workshops": [
            {
                "workshop_id": w.workshop_id,
                "slot_id": w.slot_id,
                "title": w.title,
                "filled": w.filled,
                "capacity": given.capacities.get(w.workshop_id),
                "locked": w.locked,
            }
            for w in report.workshops
        ],
        "moves": [
            {
                "registration_id": m.attendee_id,
                "name": m.name,
                "slot_id": m.slot_id,
                "before": m.before,
                "after": m.after,
            }
            for m in report.moves
        ],
        "moved_people": list(report.moved_people),
    }


def _placements_json(result: Assignment) -> list[list[Any]]:
    return [
        [reg, slot.slot_id, workshop, slot.rank_of[reg], reg in slot.locked]
        for slot in result.slots
        for reg, workshop in slot.workshop_of.items()
    ]


def record_run(convening: Convening, *, actor: Actor) -> AssignmentRun:
    """A new run, still to be solved, with its audit entry. Commits; Refused without a ranked slot."""
    if not ranked_slots(convening.id):
        raise Refused(
            {"run": "No breakout slot takes ranked choices. Set a slot to ranked choices, then run it."}
        )
    run = AssignmentRun(
        convening_id=convening.id, status=RunStatus.RUNNING, created_by_label=actor.label[:300]
    )
    db.session.add(run)
    db.session.flush()
    record(
        actor,
        "breakouts.assign",
        "assignment_run",
        run.id,
        "Ran the assignment of ranked workshop choices",
        convening_id=convening.id,
    )
    db.session.commit()
    return run


def start_run(convening: Convening, *, actor: Actor) -> tuple[AssignmentRun, str]:
    """Record a run and solve it as a tracked job; returns the run and the job's id. Commits."""
    run = record_run(convening, actor=actor)
    job = start("assignment", solve_run, run.id, convening_id=convening.id, created_by_id=actor.staff_id)
    return run, job.id


def solve_run(run_id: int, *, progress: ProgressFn) -> dict[str, Any]:
    """The job: read the input, solve, and keep the run as a DRAFT (or FAILED with the problems by name).

    Reads finish before progress is written: on SQLite an open write would block progress's own connection.
    """
    run = db.session.get(AssignmentRun, run_id)
    convening = db.session.get(Convening, run.convening_id)
    slug = convening.slug
    done = {"next": ["breakouts_console.run", {"slug": slug, "run_id": run_id}]}
    try:
        progress(0, 3, "Reading rankings and locks", force=True)
        given = solver_input(convening)
        db.session.rollback()
        progress(1, 3, f"Assigning {len(given.attendees):,} people in {len(given.slots)} slots", force=True)
        try:
            result = assign(given.slots, given.attendees, given.locked, given.previous, seed=run_id)
        except AssignmentProblem as problem:
            _finish(run_id, status=RunStatus.FAILED, problems=problem.messages)
            return done
        progress(2, 3, "Saving the result", force=True)
        _finish(
            run_id,
            status=RunStatus.DRAFT,
            placements=_placements_json(result),
            report=_report_json(result, given),
        )
    except Exception:
        db.session.rollback()
        _finish(
            run_id,
            status=RunStatus.FAILED,
            problems=[
                "The assignment stopped with an error. Run it again; if it fails again, tell whoever "
                "runs the server."
            ],
        )
        raise
    return done


def _finish(run_id: int, **values: Any) -> None:
    db.session.execute(update(AssignmentRun).where(AssignmentRun.id == run_id).values(**values))
    db.session.commit()


def run_now(convening: Convening, *, actor: Actor, progress: ProgressFn) -> AssignmentRun:
    """A run solved in this process, for the command line: the same record and result as the console's."""
    run_id = record_run(convening, actor=actor).id
    solve_run(run_id, progress=progress)
    return db.session.get(AssignmentRun, run_id, populate_existing=True)


def recent_runs(convening_id: int, limit: int = 10) -> list[AssignmentRun]:
    return list(
        db.session.scalars(
            select(AssignmentRun)
            .where(AssignmentRun.convening_id == convening_id)
            .order_by(AssignmentRun.id.desc())
            .limit(limit)
        )
    )


# --- publishing ---------------------------------------------------------------------------------------


def publish(run: AssignmentRun, *, actor: Actor) -> int:
    """Write the run's seats, replacing every unlocked seat and waiting place of its slots, and email each
    person their workshops. One transaction: Refused (nothing written) when the run is not the draft to
    publish, or a workshop moved or lost seats since the run. Commits; returns the number of emails."""
    convening = db.session.get(Convening, run.convening_id)
    lock_convening(convening.id)  # as every seat flow does: the convening first, then workshops' rows
    db.session.refresh(run)
    problem = stale_reason(run)
    if problem:
        db.session.rollback()
        raise Refused({"publish": problem})
    claimed = db.session.execute(
        update(AssignmentRun)
        .where(AssignmentRun.id == run.id, AssignmentRun.status == RunStatus.DRAFT)
        .values(status=RunStatus.PUBLISHED, published_at=utcnow(), problems=[]),
        execution_options={"synchronize_session": False},
    )
    if claimed.rowcount != 1:
        db.session.rollback()
        raise Refused(
            {"publish": "This run was published already. Run the assignment again to change seats."}
        )
    try:
        emailed = _write_seats(convening, run, actor)
    except Refused:
        db.session.rollback()
        raise
    db.session.commit()
    db.session.refresh(run)
    return emailed


def start_publish(run: AssignmentRun, *, actor: Actor) -> str:
    """Publish the run as a tracked job (thousands of emails are rendered); returns the job's id. Refused at
    once when the run is no longer the draft to publish."""
    problem = stale_reason(run)
    if problem:
        raise Refused({"publish": problem})
    job = start(
        "assignment_publish",
        publish_job,
        run.id,
        actor.label,
        actor.staff_id,
        convening_id=run.convening_id,
        created_by_id=actor.staff_id,
    )
    return job.id


def publish_job(
    run_id: int, actor_label: str, staff_id: int | None, *, progress: ProgressFn
) -> dict[str, Any]:
    """The job: publish, or keep the run a draft with the reason it was refused, shown on its page.

    Progress is reported before the one transaction starts: on SQLite its write lock would block progress.
    """
    run = db.session.get(AssignmentRun, run_id)
    slug = db.session.get(Convening, run.convening_id).slug
    people = len({reg for reg, *_ in run.placements})
    done: dict[str, Any] = {"next": ["breakouts_console.run", {"slug": slug, "run_id": run_id}]}
    progress(0, 1, f"Writing the seats and emailing {people:,} people", force=True)
    try:
        done["emailed"] = publish(run, actor=Actor(actor_label, staff_id))
    except Refused as error:
        _finish(run_id, problems=list(error.problems.values()))
    return done


def stale_reason(run: AssignmentRun) -> str | None:
    """Why this run can no longer be published, or None."""
    if run.status == RunStatus.PUBLISHED:
        return "This run was published already. Run the assignment again to change seats."
    if run.status != RunStatus.DRAFT:
        return "Only a finished run can be published. Run the assignment again."
    newer = db.session.scalar(
        select(func.count())
        .select_from(AssignmentRun)
        .where(
            AssignmentRun.convening_id == run.convening_id,
            AssignmentRun.status == RunStatus.PUBLISHED,
            AssignmentRun.id > run.id,
        )
    )
    if newer:
        return "A later run was published since this one. Run the assignment again to start from it."
    return None


def _write_seats(convening: Convening, run: AssignmentRun, actor: Actor) -> int:
    slot_ids = sorted({slot_id for _, slot_id, *_ in run.placements})
    slots = {slot.id: slot for slot in ranked_slots(convening.id)}
    gone = [slot_id for slot_id in slot_ids if slot_id not in slots]
    if gone:
        raise Refused(
            {
                "publish": "A slot of this run no longer takes ranked choices, or was removed. Run the "
                "assignment again."
            }
        )
    workshops = {w.id: w for listed in workshops_by_slot(slot_ids).values() for w in listed}
    for _, slot_id, workshop_id, *_ in run.placements:
        if workshop_id is not None and (
            workshop_id not in workshops or workshops[workshop_id].time_slot_id != slot_id
        ):
            raise Refused(
                {
                    "publish": "A workshop of this run moved to another slot or was removed since. Run the "
                    "assignment again."
                }
            )
    confirmed = set(
        db.session.scalars(
            select(Registration.id).where(
                Registration.convening_id == convening.id, Registration.status == RegistrationStatus.CONFIRMED
            )
        )
    )
    seat_filter = (WorkshopSeat.convening_id == convening.id, WorkshopSeat.time_slot_id.in_(slot_ids))
    seated = (*seat_filter, WorkshopSeat.status == SeatStatus.SEATED)
    kept = {
        (reg, slot_id)
        for reg, slot_id in db.session.execute(
            select(WorkshopSeat.registration_id, WorkshopSeat.time_slot_id).where(*seated, kept_on_rerun())
        )
    }
    delta: Counter[int] = Counter()
    for session_id, count in db.session.execute(
        select(WorkshopSeat.session_id, func.count())
        .where(*seated, ~kept_on_rerun())
        .group_by(WorkshopSeat.session_id)
    ):
        delta[session_id] -= count
    db.session.execute(
        delete(WorkshopSeat).where(*seated, ~kept_on_rerun()),
        execution_options={"synchronize_session": False},
    )
    now = utcnow()
    rows = []
    people: set[int] = set()
    for reg, slot_id, workshop_id, *_ in run.placements:
        if reg not in confirmed:
            continue
        people.add(reg)
        if workshop_id is None or (reg, slot_id) in kept:
            continue
        delta[workshop_id] += 1
        rows.append(
            {
                "convening_id": convening.id,
                "registration_id": reg,
                "session_id": workshop_id,
                "time_slot_id": slot_id,
                "status": SeatStatus.SEATED,
                "source": SeatSource.ASSIGNMENT,
                "locked": False,
                "created_at": now,
            }
        )
    full = [
        session_id
        for session_id, change in sorted(delta.items())
        if change and not move_seats(session_id, change)
    ]
    if full:
        raise Refused({"publish": _no_longer_fits(convening, [workshops[s] for s in full], slots)})
    if rows:
        db.session.execute(WorkshopSeat.__table__.insert(), rows)
    _drop_waits_for_own_seats(slot_ids)
    emailed = _email_everyone(convening, sorted(people), {s: slots[s] for s in slot_ids})
    record(
        actor,
        "breakouts.publish",
        "assignment_run",
        run.id,
        f"Published the workshop assignment: {len(rows):,} seats, {emailed:,} emails",
        convening_id=convening.id,
    )
    return emailed


def _drop_waits_for_own_seats(slot_ids: list[int]) -> None:
    """Waiting places stay through a publish, except those for the workshop the person now sits in."""
    seat = aliased(WorkshopSeat)
    db.session.execute(
        delete(WorkshopSeat).where(
            WorkshopSeat.time_slot_id.in_(slot_ids),
            WorkshopSeat.status == SeatStatus.WAITING,
            select(seat.id)
            .where(
                seat.status == SeatStatus.SEATED,
                seat.registration_id == WorkshopSeat.registration_id,
                seat.session_id == WorkshopSeat.session_id,
            )
            .exists(),
        ),
        execution_options={"synchronize_session": False},
    )


def _no_longer_fits(convening: Convening, full: list[ProgramSession], slots: dict[int, TimeSlot]) -> str:
    names = "; ".join(
        f"“{w.title}” in {slot_name(convening, slots[w.time_slot_id])} now has "  # type: ignore[index]
        f"{w.effective_capacity} seats"
        for w in full
    )
    return (
        f"Nothing was published: the run seats more people than these workshops now hold: {names}. "
        "Run the assignment again, or raise their capacity in the program."
    )


@dataclass(frozen=True)
class WorkshopLine:
    """One workshop in a person's email: when, what, where."""

    when: str
    title: str
    room: str


def _email_everyone(convening: Convening, people: list[int], run_slots: dict[int, TimeSlot]) -> int:
    """One email per person with every breakout workshop they are seated in, and the ranked slots they are
    not (so nobody assumes a seat they do not have)."""
    seats: dict[int, list[WorkshopLine]] = defaultdict(list)
    seated_slots: dict[int, set[int]] = defaultdict(set)
    for chunk in _chunks(people, 500):
        for reg, slot, title, room in db.session.execute(
            select(WorkshopSeat.registration_id, TimeSlot, ProgramSession.title, Room.name)
            .join(ProgramSession, ProgramSession.id == WorkshopSeat.session_id)
            .join(TimeSlot, TimeSlot.id == WorkshopSeat.time_slot_id)
            .outerjoin(Room, Room.id == ProgramSession.room_id)
            .where(WorkshopSeat.registration_id.in_(chunk), WorkshopSeat.status == SeatStatus.SEATED)
            .order_by(TimeSlot.starts_at, TimeSlot.id)
        ):
            seats[reg].append(WorkshopLine(slot_times(convening, slot), title, room or ""))
            seated_slots[reg].add(slot.id)
    emailed = 0
    for chunk in _chunks(people, 500):
        for registration in db.session.scalars(select(Registration).where(Registration.id.in_(chunk))):
            without = [
                slot_times(convening, slot)
                for slot_id, slot in run_slots.items()
                if slot_id not in seated_slots[registration.id]
            ]
            queue_email(
                to=registration.email,
                template="scheduling/assigned",
                kind="workshops_assigned",
                convening_id=convening.id,
                registration_id=registration.id,
                context={
                    "registration": registration,
                    "convening": convening,
                    "workshops": seats[registration.id],
                    "without": without,
                    "manage_url": external_url(
                        "registration.manage", slug=convening.slug, secret=registration.manage_secret
                    ),
                },
            )
            emailed += 1
    return emailed


def _chunks(items: list[int], size: int) -> list[list[int]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


# --- the breakouts overview and staff work by hand --------------------------------------------------------


@dataclass(frozen=True)
class WorkshopRow:
    workshop: ProgramSession
    capacity: int | None
    waiting: int
    first_choices: int


@dataclass(frozen=True)
class SlotRow:
    slot: TimeSlot
    name: str
    workshops: list[WorkshopRow]
    ranked_by: int  # people who ranked workshops of this slot


def overview(convening: Convening) -> list[SlotRow]:
    """Every breakout slot with its workshops' seats, waiting lists and first choices, in four queries."""
    slots = breakout_slots(convening.id)
    slot_ids = [slot.id for slot in slots]
    workshops = workshops_by_slot(slot_ids)
    waiting: dict[int, int] = {}
    firsts: dict[int, int] = {}
    rankers: dict[int, int] = {}
    if slot_ids:
        waiting = dict(
            db.session.execute(  # type: ignore[arg-type]
                select(WorkshopSeat.session_id, func.count())
                .where(WorkshopSeat.time_slot_id.in_(slot_ids), WorkshopSeat.status == SeatStatus.WAITING)
                .group_by(WorkshopSeat.session_id)
            ).all()
        )
        confirmed_choice = (
            select(WorkshopChoice.time_slot_id, WorkshopChoice.session_id, WorkshopChoice.registration_id)
            .join(Registration, Registration.id == WorkshopChoice.registration_id)
            .where(
                WorkshopChoice.time_slot_id.in_(slot_ids), Registration.status == RegistrationStatus.CONFIRMED
            )
        )
        firsts = dict(
            db.session.execute(  # type: ignore[arg-type]
                confirmed_choice.with_only_columns(WorkshopChoice.session_id, func.count())
                .where(WorkshopChoice.rank == 1)
                .group_by(WorkshopChoice.session_id)
            ).all()
        )
        rankers = dict(
            db.session.execute(  # type: ignore[arg-type]
                confirmed_choice.with_only_columns(
                    WorkshopChoice.time_slot_id, func.count(func.distinct(WorkshopChoice.registration_id))
                ).group_by(WorkshopChoice.time_slot_id)
            ).all()
        )
    return [
        SlotRow(
            slot,
            slot_name(convening, slot),
            [
                WorkshopRow(w, w.effective_capacity, waiting.get(w.id, 0), firsts.get(w.id, 0))
                for w in workshops[slot.id]
            ],
            rankers.get(slot.id, 0),
        )
        for slot in slots
    ]


def update_slot(
    convening: Convening,
    slot: TimeSlot,
    *,
    mode: SignupMode,
    deadline: datetime | None,
    actor: Actor,
) -> bool:
    """Set how a breakout slot fills and until when people may rank. Commits; False if nothing changed.

    Refused for a deadline on a first-come slot or one after the slot starts.
    """
    if deadline is not None and mode != SignupMode.RANKED:
        raise Refused(
            {"choices_close_at": "Only ranked choices have a deadline: clear it, or choose ranked choices."}
        )
    if deadline is not None and deadline >= slot.starts_at:
        starts = convening.local(slot.starts_at)
        raise Refused(
            {
                "choices_close_at": f"Set the deadline before the slot starts ({starts:%B} {starts.day}, "
                f"{clock(starts)}), so there is time to run the assignment."
            }
        )
    before = snapshot(slot, ("signup_mode", "choices_close_at"))
    slot.signup_mode, slot.choices_close_at = mode, deadline
    changes = diff(before, snapshot(slot, ("signup_mode", "choices_close_at")))
    if not changes:
        return False
    record(
        actor,
        "breakouts.slot",
        "time_slot",
        slot.id,
        f"Set {slot_name(convening, slot)} to {mode.label.lower()}",
        convening_id=convening.id,
        changes=changes,
    )
    db.session.commit()
    return True


def _full_message(workshop: ProgramSession) -> str:
    db.session.refresh(workshop, ["seats_taken"])
    capacity = workshop.effective_capacity
    return (
        f"“{workshop.title}” is full ({workshop.seats_taken} of {capacity} seats). Staff cannot overbook a "
        "workshop: remove or move someone out first, or raise its capacity in the program."
    )


def _seat_or_refuse(
    registration: Registration, workshop: ProgramSession, field: str, *, locked: bool = False
) -> WorkshopSeat:
    """take_seat for staff: a SeatRefused or a full workshop becomes Refused, with nothing written."""
    if registration.status != RegistrationStatus.CONFIRMED:
        raise Refused(
            {
                field: f"{registration.full_name} is {registration.status.label.lower()}: only confirmed "
                "registrations hold workshop seats. Confirm the registration first."
            }
        )
    try:
        seat = take_seat(registration, workshop, source=SeatSource.STAFF, locked=locked)
    except SeatRefused as error:
        db.session.rollback()
        raise Refused({field: str(error)}) from None
    if seat is None:
        message = _full_message(workshop)
        db.session.rollback()
        raise Refused({field: message})
    return seat


def staff_add(workshop: ProgramSession, registration: Registration, *, actor: Actor) -> WorkshopSeat:
    """Seat someone in the workshop by hand (their other seat in the slot is given up). Commits."""
    seat = _seat_or_refuse(registration, workshop, "registration")
    record(
        actor,
        "breakouts.add",
        "registration",
        registration.id,
        f"Seated {registration.full_name} in {workshop.title}",
        convening_id=workshop.convening_id,
    )
    db.session.commit()
    return seat


def staff_move(seat: WorkshopSeat, target: ProgramSession, *, actor: Actor) -> WorkshopSeat:
    """Move a seated person to another workshop of the same slot, keeping their lock. Commits."""
    if target.time_slot_id != seat.time_slot_id or target.id == seat.session_id:
        raise Refused({"workshop": "Choose another workshop of the same slot."})
    registration = db.session.get(Registration, seat.registration_id)
    source = db.session.get(ProgramSession, seat.session_id)
    moved = _seat_or_refuse(registration, target, "workshop", locked=seat.locked)  # type: ignore[arg-type]
    record(
        actor,
        "breakouts.move",
        "registration",
        registration.id,  # type: ignore[union-attr]
        f"Moved {registration.full_name} from {source.title} to {target.title}",  # type: ignore[union-attr]
        convening_id=target.convening_id,
    )
    db.session.commit()
    return moved


def staff_remove(seat: WorkshopSeat, *, actor: Actor) -> list[WorkshopSeat]:
    """Take someone out of a workshop (or off its waiting list); the freed seat goes down the waiting list,
    whose people are emailed. Commits; returns the promoted seats."""
    registration = db.session.get(Registration, seat.registration_id)
    workshop = db.session.get(ProgramSession, seat.session_id)
    waiting = seat.status == SeatStatus.WAITING
    promoted = release_seat(seat)
    record(
        actor,
        "breakouts.remove",
        "registration",
        seat.registration_id,
        f"Took {registration.full_name} off the waiting list of {workshop.title}"  # type: ignore[union-attr]
        if waiting
        else f"Took {registration.full_name} out of {workshop.title}",  # type: ignore[union-attr]
        convening_id=seat.convening_id,
    )
    db.session.commit()
    return promoted


def staff_lock(seat: WorkshopSeat, locked: bool, *, actor: Actor) -> None:
    """Lock a seated person where they are (a re-run of the assignment keeps them), or unlock. Commits."""
    if seat.status != SeatStatus.SEATED:
        raise Refused({"lock": "Only a seated person can be locked; seat them first."})
    seat.locked = locked
    registration = db.session.get(Registration, seat.registration_id)
    workshop = db.session.get(ProgramSession, seat.session_id)
    record(
        actor,
        "breakouts.lock" if locked else "breakouts.unlock",
        "registration",
        seat.registration_id,
        f"{'Locked' if locked else 'Unlocked'} {registration.full_name} in {workshop.title}",  # type: ignore[union-attr]
        convening_id=seat.convening_id,
    )
    db.session.commit()


def find_people(convening_id: int, text: str, limit: int = 20) -> list[Registration]:
    """Confirmed registrations matching a name, email or organization, for adding someone by hand."""
    if not search_key(text):
        return []
    query = filtered_registrations(
        convening_id, RegistrationFilter(text=text, status=RegistrationStatus.CONFIRMED)
    )
    return list(
        db.session.scalars(
            query.order_by(Registration.family_name, Registration.first_name, Registration.id).limit(limit)
        )
    )


def slot_of_seats(registrations: Sequence[int], slot_id: int) -> dict[int, int]:
    """Registration id -> the workshop they sit in during this slot, for the people listed."""
    if not registrations:
        return {}
    return dict(
        db.session.execute(  # type: ignore[arg-type]
            select(WorkshopSeat.registration_id, WorkshopSeat.session_id).where(
                WorkshopSeat.registration_id.in_(registrations),
                WorkshopSeat.time_slot_id == slot_id,
                WorkshopSeat.status == SeatStatus.SEATED,
            )
        ).all()
    )
