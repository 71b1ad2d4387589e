"""Automatic timetabling against the database: proposals keep every rule, applying is all or nothing, and bad
input ends in a failed proposal that names what to change, with nothing else written."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import combinations

import pytest
from flask import Flask
from redis import Redis
from rq import Queue, SimpleWorker
from sqlalchemy import func, select

from conftest import seed_convening
from convening import jobs
from convening.audit.models import AuditEntry
from convening.audit.services import COMMAND_LINE
from convening.extensions import db
from convening.jobs.models import Job, JobStatus
from convening.models import Convening, TicketType
from convening.problems import Refused
from convening.program.models import (
    ProgramSession,
    Room,
    SessionKind,
    SessionSpeaker,
    SlotKind,
    Speaker,
    SpeakerRole,
    TimeSlot,
)
from convening.registration.models import Registration, RegistrationStatus
from convening.registration.services import AttendeeDetails, add_registrations
from convening.scheduling import timetabling
from convening.scheduling.models import (
    ProposalStatus,
    SeatSource,
    SeatStatus,
    SpeakerUnavailability,
    TimetableProposal,
    WorkshopChoice,
    WorkshopInterest,
    WorkshopSeat,
)
from convening.sqltypes import utcnow

REDIS_TEST_URL = "redis://127.0.0.1:6379/15"
DAY = datetime(2027, 6, 15, 14, 0, tzinfo=UTC)
ROOMS = {"Lake Room": 25, "River Room": 40, "Hall B": 80, "Studio": None}
WORKSHOPS = [
    "Housing first, in practice",
    "Budgets people can read",
    "Water rights after the drought",
    "Transit on a small budget",
    "Public safety and trust",
    "Broadband for rural towns",
    "Zoning reform, step by step",
    "Climate-ready streets",
    "Youth councils that work",
    "Libraries as civic hubs",
]


@dataclass
class Built:
    slug: str
    convening_id: int
    slots: dict[str, int] = field(default_factory=dict)  # "A", "B", "C" (breakouts), "plenary"
    rooms: dict[str, int] = field(default_factory=dict)
    sessions: dict[str, int] = field(default_factory=dict)
    speakers: dict[str, int] = field(default_factory=dict)
    registrations: list[int] = field(default_factory=list)
    wanted: dict[int, set[int]] = field(default_factory=dict)  # confirmed registration -> session ids


def _people(app: Flask, convening_id: int, count: int, start: int = 0) -> list[int]:
    convening = db.session.get(Convening, convening_id)
    ticket = db.session.scalar(select(TicketType).where(TicketType.convening_id == convening_id))
    people = [
        (
            ticket,
            AttendeeDetails(first_name="Ana", family_name=f"Person {n:03d}", email=f"p{n}@convening.test"),
        )
        for n in range(start, start + count)
    ]
    registrations = add_registrations(convening, people, now=utcnow(), notify=False, actor=COMMAND_LINE)
    db.session.flush()
    return [registration.id for registration in registrations]


def build(app: Flask, *, slug: str = "summit", people: int = 60, seed: int = 7) -> Built:
    """A convening's breakouts: 3 breakout slots and a plenary, 4 rooms (one without a capacity), 10
    workshops placed badly on purpose, 6 speakers (one leads two workshops, one cannot make slot A), one
    workshop pinned, one with its own capacity of 70, and `people` confirmed attendees starring workshops,
    plus a cancelled one whose stars do not count."""
    seeded = seed_convening(app, slug=slug)
    built = Built(slug, seeded.convening_id)
    rng = random.Random(seed)
    with app.app_context():
        cid = seeded.convening_id
        for key, hours, kind in (
            ("plenary", 0, SlotKind.PLENARY),
            ("A", 2, None),
            ("B", 4, None),
            ("C", 24, None),
        ):
            slot = TimeSlot(
                convening_id=cid,
                starts_at=DAY + timedelta(hours=hours),
                ends_at=DAY + timedelta(hours=hours, minutes=90),
                kind=kind or SlotKind.BREAKOUT,
                label="" if kind else f"Round {key}",
            )
            db.session.add(slot)
            db.session.flush()
            built.slots[key] = slot.id
        for position, (name, capacity) in enumerate(ROOMS.items()):
            room = Room(convening_id=cid, name=name, capacity=capacity, position=position)
            db.session.add(room)
            db.session.flush()
            built.rooms[name] = room.id
        for name in (
            "Amara Okafor",
            "Héctor Ramírez",
            "Lena Fischer",
            "Kai Nakamura",
            "Rosa Díaz",
            "Sam Lee",
        ):
            speaker = Speaker(convening_id=cid, name=name)
            db.session.add(speaker)
            db.session.flush()
            built.speakers[name] = speaker.id
        # Badly placed now: four workshops share slot A, two of them led by Amara.
        now_at = [
            ("A", "Lake Room"),
            ("A", "River Room"),
            ("A", "Hall B"),
            ("A", "Studio"),
            ("B", "Lake Room"),
        ]
        leads = [
            "Amara Okafor",
            "Amara Okafor",
            "Héctor Ramírez",
            "Lena Fischer",
            "Kai Nakamura",
            "Rosa Díaz",
        ]
        for number, title in enumerate(WORKSHOPS):
            slot_key, room_name = now_at[number] if number < len(now_at) else (None, None)
            session = ProgramSession(
                convening_id=cid,
                kind=SessionKind.BREAKOUT,
                title=title,
                time_slot_id=built.slots[slot_key] if slot_key else None,
                room_id=built.rooms[room_name] if room_name else None,
                capacity=70 if number == 4 else None,
            )
            if number == 5:  # pinned to slot B in the River Room
                session.time_slot_id, session.room_id, session.pinned = (
                    built.slots["B"],
                    built.rooms["River Room"],
                    True,
                )
            db.session.add(session)
            db.session.flush()
            built.sessions[title] = session.id
            if number < len(leads):
                db.session.add(
                    SessionSpeaker(
                        session_id=session.id,
                        speaker_id=built.speakers[leads[number]],
                        role=SpeakerRole.FACILITATOR,
                    )
                )
        db.session.add(
            SessionSpeaker(
                session_id=built.sessions[WORKSHOPS[9]],
                speaker_id=built.speakers["Sam Lee"],
                role=SpeakerRole.PRESENTER,
            )
        )
        db.session.add(
            SessionSpeaker(
                session_id=built.sessions[WORKSHOPS[6]],
                speaker_id=built.speakers["Sam Lee"],
                role=SpeakerRole.PRESENTER,
            )
        )
        db.session.add(
            SpeakerUnavailability(speaker_id=built.speakers["Héctor Ramírez"], time_slot_id=built.slots["A"])
        )
        ids = list(built.sessions.values())
        popular = ids[:4]  # wanted together by many: they should not share a slot
        built.registrations = _people(app, cid, people)
        for registration_id in built.registrations:
            wanted = set(rng.sample(popular, 2)) | set(rng.sample(ids, 2))
            built.wanted[registration_id] = wanted
            for session_id in wanted:
                db.session.add(WorkshopInterest(registration_id=registration_id, session_id=session_id))
        cancelled = db.session.get(Registration, _people(app, cid, 1, start=people)[0])
        cancelled.status = RegistrationStatus.CANCELLED
        for session_id in ids:
            db.session.add(WorkshopInterest(registration_id=cancelled.id, session_id=session_id))
        db.session.commit()
    return built


def expected_need(built: Built, app: Flask) -> dict[int, int]:
    """What each workshop must seat, worked out from what the test put in: its capacity, else its stars."""
    need = {session_id: 0 for session_id in built.sessions.values()}
    for wanted in built.wanted.values():
        for session_id in wanted:
            need[session_id] += 1
    with app.app_context():
        for session in db.session.scalars(select(ProgramSession).where(ProgramSession.id.in_(need))):
            if session.capacity is not None:
                need[session.id] = session.capacity
    return {session_id: max(1, count) for session_id, count in need.items()}


def assert_keeps_rules(app: Flask, built: Built, placements: dict[int, tuple[int, int]]) -> None:
    """Every workshop placed, in a breakout slot and a room large enough, one per room and slot, no speaker
    twice in a slot, speakers only when available, the pinned one where it was."""
    assert set(placements) == set(built.sessions.values())
    breakouts = {built.slots[key] for key in "ABC"}
    capacities = {built.rooms[name]: capacity for name, capacity in ROOMS.items()}
    need = expected_need(built, app)
    for session_id, (slot_id, room_id) in placements.items():
        assert slot_id in breakouts
        assert capacities[room_id] is None or capacities[room_id] >= need[session_id], (session_id, room_id)
    assert len(set(placements.values())) == len(placements)
    with app.app_context():
        links = db.session.execute(select(SessionSpeaker.session_id, SessionSpeaker.speaker_id)).all()
        away = set(
            db.session.execute(select(SpeakerUnavailability.speaker_id, SpeakerUnavailability.time_slot_id))
        )
    by_speaker: dict[int, list[int]] = {}
    for session_id, speaker_id in links:
        by_speaker.setdefault(speaker_id, []).append(session_id)
        assert (speaker_id, placements[session_id][0]) not in away
    for sessions in by_speaker.values():
        for a, b in combinations(sessions, 2):
            assert placements[a][0] != placements[b][0]
    assert placements[built.sessions[WORKSHOPS[5]]] == (built.slots["B"], built.rooms["River Room"])


def clash_count(built: Built, slot_of: dict[int, int]) -> int:
    """Pairs of wanted workshops in one slot, summed over people: counted here apart from the solver."""
    return sum(
        1
        for wanted in built.wanted.values()
        for a, b in combinations(sorted(wanted), 2)
        if slot_of.get(a) is not None and slot_of.get(a) == slot_of.get(b)
    )


def convening_of(built: Built) -> Convening:
    return db.session.get(Convening, built.convening_id)


def program_state(app: Flask, built: Built) -> dict[int, tuple[int | None, int | None, bool]]:
    with app.app_context():
        return {
            session.id: (session.time_slot_id, session.room_id, session.pinned)
            for session in db.session.scalars(
                select(ProgramSession).where(ProgramSession.convening_id == built.convening_id)
            )
        }


def current_slots(app: Flask, built: Built) -> dict[int, int]:
    breakouts = {built.slots[key] for key in "ABC"}
    return {
        session_id: slot_id
        for session_id, (slot_id, _room, _pinned) in program_state(app, built).items()
        if slot_id in breakouts
    }


def audit_count(app: Flask, action: str) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action)
        )


def quick(app: Flask, built: Built) -> tuple[int, dict[int, tuple[int, int]]]:
    with app.app_context():
        proposal = timetabling.propose(convening_of(built), actor=COMMAND_LINE)
        assert proposal.status == ProposalStatus.READY, proposal.problems
        return proposal.id, timetabling.placements_of(proposal)


# --- the problem as read from the program ------------------------------------------------------------------


def test_problem_reads_interest_of_confirmed_people_stars_and_choices(app: Flask) -> None:
    built = build(app, people=12)
    first, extra = built.registrations[0], built.sessions[WORKSHOPS[7]]
    with app.app_context():
        # A ranked choice counts as interest too, once however it is signalled.
        db.session.add(
            WorkshopChoice(registration_id=first, time_slot_id=built.slots["B"], session_id=extra, rank=1)
        )
        db.session.commit()
        program = timetabling.load_program(convening_of(built))
    built.wanted[first].add(extra)
    problem = program.problem
    assert dict(problem.interests) == {key: frozenset(value) for key, value in built.wanted.items()}
    assert {w.id: w.need for w in problem.workshops} == expected_need(built, app)
    rooms = {room.name: room.capacity for room in problem.rooms}
    assert rooms["Lake Room"] == 25
    assert rooms["Studio"] >= max(expected_need(built, app).values())  # no capacity: seats everyone
    assert [slot.id for slot in problem.slots] == [built.slots[key] for key in "ABC"]
    pinned = next(w for w in problem.workshops if w.id == built.sessions[WORKSHOPS[5]])
    assert (pinned.pinned_slot, pinned.pinned_room) == (built.slots["B"], built.rooms["River Room"])
    hector = next(s for s in problem.speakers if s.name == "Héctor Ramírez")
    assert hector.available == frozenset({built.slots["B"], built.slots["C"]})
    assert next(s for s in problem.speakers if s.name == "Kai Nakamura").available is None
    assert program.clashes(program.current)[0] == clash_count(built, current_slots(app, built))


# --- proposals --------------------------------------------------------------------------------------------


def test_quick_proposal_keeps_every_rule_and_writes_only_itself(app: Flask) -> None:
    built = build(app)
    before = program_state(app, built)
    proposal_id, placements = quick(app, built)
    assert_keeps_rules(app, built, placements)
    with app.app_context():
        proposal = db.session.get(TimetableProposal, proposal_id)
        assert proposal.clashes_before == clash_count(built, current_slots(app, built))
        assert proposal.clashes_after == clash_count(
            built, {key: spot[0] for key, spot in placements.items()}
        )
        assert proposal.clashes_after < proposal.clashes_before
        assert proposal.bound is None
        assert not proposal.optimal
    assert program_state(app, built) == before


def test_improved_proposal_runs_as_a_job_keeps_every_rule_and_reports_its_bound(app: Flask) -> None:
    built = build(app)
    before = program_state(app, built)
    with app.app_context():
        proposal, job = timetabling.start_improving(convening_of(built), 2, actor=COMMAND_LINE)
        proposal_id, job_id = proposal.id, job.id
    with app.app_context():  # JOBS_EAGER in tests: the job has run
        job = db.session.get(Job, job_id)
        assert job.status == JobStatus.DONE, job.error
        assert job.result["next"] == [
            "timetable_console.proposal",
            {"slug": built.slug, "proposal_id": proposal_id},
        ]
        proposal = db.session.get(TimetableProposal, proposal_id)
        assert proposal.status == ProposalStatus.READY, proposal.problems
        placements = timetabling.placements_of(proposal)
    assert_keeps_rules(app, built, placements)
    assert proposal.clashes_after == clash_count(built, {key: spot[0] for key, spot in placements.items()})
    assert proposal.bound is not None
    assert 0 <= proposal.bound <= proposal.clashes_after
    if proposal.optimal:
        assert proposal.bound == proposal.clashes_after
    assert program_state(app, built) == before


def _finished(app: Flask, job_id: str) -> Job:
    deadline = time.monotonic() + 120
    while True:
        with app.app_context():
            job = db.session.get(Job, job_id)
            db.session.expunge(job)
        if job.status.finished or time.monotonic() > deadline:
            return job
        time.sleep(0.2)


def _improved(app: Flask, built: Built, job_id: str, proposal_id: int) -> None:
    job = _finished(app, job_id)
    assert job.status == JobStatus.DONE, job.error
    assert job.done == job.total == 100
    with app.app_context():
        proposal = db.session.get(TimetableProposal, proposal_id)
        assert proposal.status == ProposalStatus.READY, proposal.problems
        assert proposal.bound is not None
        placements = timetabling.placements_of(proposal)
    assert_keeps_rules(app, built, placements)


def test_without_redis_improving_runs_in_a_thread(app: Flask) -> None:
    built = build(app)
    app.config.update(JOBS_EAGER=False, REDIS_URL="")
    with app.app_context():
        proposal, job = timetabling.start_improving(convening_of(built), 1, actor=COMMAND_LINE)
        proposal_id, job_id = proposal.id, job.id
    _improved(app, built, job_id, proposal_id)


def test_with_redis_improving_is_a_job_on_an_rq_worker(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    connection = Redis.from_url(REDIS_TEST_URL)
    connection.flushdb()
    built = build(app)
    app.config.update(JOBS_EAGER=False, REDIS_URL=REDIS_TEST_URL)
    with app.app_context():
        proposal, job = timetabling.start_improving(convening_of(built), 1, actor=COMMAND_LINE)
        proposal_id, job_id = proposal.id, job.id
        assert db.session.get(TimetableProposal, proposal_id).status == ProposalStatus.RUNNING
    queue = Queue(jobs.QUEUE_NAME, connection=connection)
    assert queue.count == 1
    # The worker builds its own app from the environment, as `flask --app convening worker` does.
    monkeypatch.setenv("DATABASE_URL", app.config["SQLALCHEMY_DATABASE_URI"])
    monkeypatch.setenv("REDIS_URL", REDIS_TEST_URL)
    monkeypatch.setattr(jobs, "_worker_app", None)
    SimpleWorker([queue], connection=connection).work(burst=True)
    connection.flushdb()
    _improved(app, built, job_id, proposal_id)


@pytest.mark.parametrize("seconds", [0, 61, "10", True, None])
def test_improving_refuses_seconds_out_of_range(app: Flask, seconds: object) -> None:
    built = build(app, people=3)
    with app.app_context(), pytest.raises(Refused) as refused:
        timetabling.start_improving(convening_of(built), seconds, actor=COMMAND_LINE)  # type: ignore[arg-type]
    assert "from 1 to 60" in refused.value.problems["seconds"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(TimetableProposal)) == 0


# --- bad input ------------------------------------------------------------------------------------------


def _failed(app: Flask, built: Built) -> TimetableProposal:
    before = program_state(app, built)
    with app.app_context():
        proposal = timetabling.propose(convening_of(built), actor=COMMAND_LINE)
        db.session.refresh(proposal)
        db.session.expunge(proposal)
    assert proposal.status == ProposalStatus.FAILED
    assert proposal.placements == {}
    assert proposal.clashes_after is None
    assert program_state(app, built) == before
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(TimetableProposal)) == 1
        assert (
            db.session.scalar(
                select(func.count()).select_from(AuditEntry).where(AuditEntry.action.like("session.%"))
            )
            == 0
        )
    return proposal


def test_a_workshop_no_room_can_seat_fails_naming_it(app: Flask) -> None:
    built = build(app, people=8)
    with app.app_context():
        db.session.get(Room, built.rooms["Studio"]).capacity = 50
        db.session.get(ProgramSession, built.sessions[WORKSHOPS[4]]).capacity = 120
        db.session.commit()
    proposal = _failed(app, built)
    assert any(
        "“Public safety and trust” expects 120 people" in problem and "Hall B" in problem
        for problem in proposal.problems
    )


def test_a_speaker_unavailable_in_every_slot_fails_naming_them(app: Flask) -> None:
    built = build(app, people=8)
    with app.app_context():
        for key in "BC":
            db.session.add(
                SpeakerUnavailability(
                    speaker_id=built.speakers["Héctor Ramírez"], time_slot_id=built.slots[key]
                )
            )
        db.session.commit()
    proposal = _failed(app, built)
    assert any(
        problem.startswith(
            "Héctor Ramírez, speaker of “Water rights after the drought”, is not available in any"
        )
        for problem in proposal.problems
    ), proposal.problems


# --- applying ---------------------------------------------------------------------------------------------


def test_apply_moves_every_workshop_and_audits_each_move(app: Flask) -> None:
    built = build(app)
    proposal_id, placements = quick(app, built)
    before = program_state(app, built)
    with app.app_context():
        moved = timetabling.apply(
            convening_of(built), db.session.get(TimetableProposal, proposal_id), actor=COMMAND_LINE
        )
    after = program_state(app, built)
    assert {key: (slot, room) for key, (slot, room, _pinned) in after.items()} == placements
    changed = [key for key in placements if before[key][:2] != placements[key]]
    assert moved == len(changed) > 0
    with app.app_context():
        entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "session.timetable")).all()
        assert sorted(entry.subject_id for entry in entries) == sorted(changed)
        assert all(entry.summary.startswith("Timetabling moved “") for entry in entries)
        proposal = db.session.get(TimetableProposal, proposal_id)
        assert proposal.status == ProposalStatus.APPLIED
        assert proposal.applied_at is not None
    assert audit_count(app, "timetable.apply") == 1
    with app.app_context(), pytest.raises(Refused):  # once only
        timetabling.apply(
            convening_of(built), db.session.get(TimetableProposal, proposal_id), actor=COMMAND_LINE
        )


def _refused(app: Flask, built: Built, proposal_id: int) -> list[str]:
    before = program_state(app, built)
    with app.app_context():
        with pytest.raises(Refused) as refused:
            timetabling.apply(
                convening_of(built), db.session.get(TimetableProposal, proposal_id), actor=COMMAND_LINE
            )
        assert db.session.get(TimetableProposal, proposal_id).status == ProposalStatus.READY
    assert program_state(app, built) == before
    assert audit_count(app, "session.timetable") == 0
    return list(refused.value.problems.values())


def _mover(app: Flask, built: Built, placements: dict[int, tuple[int, int]]) -> tuple[int, int]:
    """A workshop the proposal moves to another slot, and the breakout slot it is in now."""
    now = current_slots(app, built)
    return next((key, now[key]) for key in sorted(now) if now[key] != placements[key][0])


@pytest.mark.parametrize("kind", ["seat", "waiting", "choice"])
def test_apply_is_refused_while_people_are_signed_up_in_a_slot_a_workshop_would_leave(
    app: Flask, kind: str
) -> None:
    built = build(app)
    proposal_id, placements = quick(app, built)
    session_id, slot_id = _mover(app, built, placements)
    person = built.registrations[0]
    with app.app_context():
        if kind == "choice":
            db.session.add(
                WorkshopChoice(registration_id=person, time_slot_id=slot_id, session_id=session_id, rank=2)
            )
        else:
            status = SeatStatus.SEATED if kind == "seat" else SeatStatus.WAITING
            db.session.add(
                WorkshopSeat(
                    convening_id=built.convening_id,
                    registration_id=person,
                    session_id=session_id,
                    time_slot_id=slot_id,
                    status=status,
                    source=SeatSource.ATTENDEE,
                )
            )
            db.session.get(ProgramSession, session_id).seats_taken = 1 if kind == "seat" else 0
        db.session.commit()
        title = db.session.get(ProgramSession, session_id).title
    problems = _refused(app, built, proposal_id)
    assert any(
        f"“{title}” would change slot" in problem and "before sign-ups open" in problem
        for problem in problems
    )


def test_apply_is_refused_when_a_room_or_slot_was_deleted_since(app: Flask) -> None:
    built = build(app)
    proposal_id, placements = quick(app, built)
    used_room = placements[built.sessions[WORKSHOPS[0]]][1]
    with app.app_context():
        db.session.delete(db.session.get(Room, used_room))
        db.session.commit()
    problems = _refused(app, built, proposal_id)
    assert any("was deleted. Make a new proposal." in problem for problem in problems)


def test_apply_is_refused_when_a_capacity_now_exceeds_the_proposed_room(app: Flask) -> None:
    built = build(app)
    proposal_id, placements = quick(app, built)
    session_id = next(key for key, (_slot, room) in placements.items() if room == built.rooms["Lake Room"])
    with app.app_context():
        session = db.session.get(ProgramSession, session_id)
        session.capacity, title = 30, session.title
        db.session.commit()
    problems = _refused(app, built, proposal_id)
    assert any(
        f"“{title}” now needs 30 seats, more than Lake Room seats (25)" in problem for problem in problems
    )


def test_apply_is_refused_when_a_workshop_was_added_or_a_speaker_became_unavailable(app: Flask) -> None:
    built = build(app)
    proposal_id, placements = quick(app, built)
    amara = built.sessions[WORKSHOPS[0]]
    with app.app_context():
        db.session.add(
            ProgramSession(convening_id=built.convening_id, kind=SessionKind.BREAKOUT, title="Late addition")
        )
        db.session.add(
            SpeakerUnavailability(
                speaker_id=built.speakers["Amara Okafor"], time_slot_id=placements[amara][0]
            )
        )
        db.session.commit()
    problems = _refused(app, built, proposal_id)
    assert any("“Late addition” was added since this proposal" in problem for problem in problems)
    assert any(problem.startswith("Amara Okafor cannot make") for problem in problems)


# --- pins and availability --------------------------------------------------------------------------------


def test_set_availability_stores_the_slots_a_speaker_cannot_make(app: Flask) -> None:
    built = build(app, people=2)
    kai = built.speakers["Kai Nakamura"]
    with app.app_context():
        speaker = db.session.get(Speaker, kai)
        assert timetabling.set_availability(
            convening_of(built), speaker, {built.slots["B"]}, actor=COMMAND_LINE
        )
        assert timetabling.unavailable_slots(speaker) == {built.slots["A"], built.slots["C"]}
        assert not timetabling.set_availability(
            convening_of(built), speaker, {built.slots["B"]}, actor=COMMAND_LINE
        )
        assert timetabling.set_availability(
            convening_of(built), speaker, {built.slots[key] for key in "ABC"}, actor=COMMAND_LINE
        )
        assert timetabling.unavailable_slots(speaker) == set()
    assert audit_count(app, "speaker.availability") == 2


# --- the command line ------------------------------------------------------------------------------------


def test_cli_proposes_without_writing_the_program(app: Flask) -> None:
    built = build(app)
    before = program_state(app, built)
    result = app.test_cli_runner().invoke(args=["schedule", "timetable", "--convening", built.slug])
    assert result.exit_code == 0, result.output
    now = clash_count(built, current_slots(app, built))
    assert f"Now: {now} clashes" in result.output
    assert "Proposed: " in result.output
    assert "--apply" in result.output
    assert "Bound" not in result.output
    assert program_state(app, built) == before
    with app.app_context():
        proposal = db.session.scalar(select(TimetableProposal))
        assert proposal.status == ProposalStatus.READY
        assert f"Proposed: {proposal.clashes_after} clashes" in result.output


def test_cli_improves_and_applies(app: Flask) -> None:
    built = build(app)
    result = app.test_cli_runner().invoke(
        args=["schedule", "timetable", "--convening", built.slug, "--seconds", "1", "--apply"]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        proposal = db.session.scalar(select(TimetableProposal))
        assert proposal.status == ProposalStatus.APPLIED
        placements = timetabling.placements_of(proposal)
    assert f"Bound: {proposal.bound}" in result.output
    assert "Applied: moved " in result.output
    assert_keeps_rules(app, built, placements)
    after = program_state(app, built)
    assert {key: (slot, room) for key, (slot, room, _pinned) in after.items()} == placements
    assert clash_count(built, current_slots(app, built)) == proposal.clashes_after


def test_cli_reports_bad_input_and_exits_nonzero(app: Flask) -> None:
    built = build(app, people=4)
    with app.app_context():
        for key in "ABC":
            db.session.add(
                SpeakerUnavailability(speaker_id=built.speakers["Rosa Díaz"], time_slot_id=built.slots[key])
            )
        db.session.commit()
    before = program_state(app, built)
    result = app.test_cli_runner().invoke(
        args=["schedule", "timetable", "--convening", built.slug, "--apply"]
    )
    assert result.exit_code == 1
    assert "Rosa Díaz, speaker of “Broadband for rural towns”, is not available" in result.output
    assert program_state(app, built) == before
    unknown = app.test_cli_runner().invoke(args=["schedule", "timetable", "--convening", "nope"])
    assert unknown.exit_code == 2
    assert "There is no convening 'nope'" in unknown.output


def test_apply_is_refused_when_a_workshop_it_moves_was_pinned_since(app: Flask) -> None:
    built = build(app)
    proposal_id, placements = quick(app, built)
    session_id, _slot_id = _mover(app, built, placements)
    with app.app_context():
        session = db.session.get(ProgramSession, session_id)
        session.pinned, title = True, session.title
        db.session.commit()
    problems = _refused(app, built, proposal_id)
    assert f"“{title}” was pinned since where it is now. Make a new proposal." in problems
