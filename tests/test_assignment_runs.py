"""The assignment as staff run it: input read from the database, runs kept as drafts, publishing as seats.

A small, realistic convening: two ranked breakout slots with three workshops of two seats each, and six
confirmed people who mostly want the same workshop. The services must give what the solver gives on the
same input, keep locked people, and publish all of it (seats, counters, emails) or none of it.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from redis import Redis
from rq import Queue, SimpleWorker
from sqlalchemy import func, select

from conftest import Seeded, SmtpSink, csrf_token, seed_convening
from convening import jobs
from convening.audit.services import COMMAND_LINE
from convening.extensions import db
from convening.jobs.models import Job, JobStatus
from convening.mail.models import OutboxMessage
from convening.models import Convening, TicketType
from convening.problems import Refused
from convening.program.models import ProgramSession, SessionKind, SlotKind, TimeSlot
from convening.registration.models import Registration
from convening.registration.services import AttendeeDetails, add_registrations
from convening.scheduling import assignment_runs as services
from convening.scheduling.enums import SignupMode
from convening.scheduling.models import (
    AssignmentRun,
    RunStatus,
    SeatSource,
    SeatStatus,
    WorkshopChoice,
    WorkshopSeat,
)
from convening.scheduling.solvers.assignment import assign
from convening.sqltypes import utcnow

REDIS_TEST_URL = "redis://127.0.0.1:6379/15"

PEOPLE = ("Ana", "Ben", "Chloé", "Dev", "Eun", "Fatima")
WORKSHOPS = {
    "morning": ("Housing first", "Water systems", "Broadband"),
    "afternoon": ("Budgets", "Transit", "Climate"),
}
# Everyone wants Housing first, then Budgets: two seats each, so four people miss their first choice twice,
# unless fairness evens it out.
RANKINGS = {
    "morning": {
        "Ana": ("Housing first", "Water systems", "Broadband"),
        "Ben": ("Housing first", "Broadband", "Water systems"),
        "Chloé": ("Housing first", "Water systems"),
        "Dev": ("Housing first", "Broadband"),
        "Eun": ("Water systems", "Housing first"),
        "Fatima": ("Housing first",),
    },
    "afternoon": {
        "Ana": ("Budgets", "Transit"),
        "Ben": ("Budgets", "Climate"),
        "Chloé": ("Budgets", "Transit", "Climate"),
        "Dev": ("Budgets", "Transit"),
        "Eun": ("Transit", "Budgets"),
        "Fatima": ("Budgets", "Climate", "Transit"),
    },
}


@dataclass
class Breakouts:
    seeded: Seeded
    slots: dict[str, int]  # "morning" -> slot id
    workshops: dict[str, int]  # title -> id
    people: dict[str, int]  # first name -> registration id


def build(
    app: Flask,
    *,
    slug: str = "summit",
    capacity: int = 2,
    people: tuple[str, ...] = PEOPLE,
    rankings: dict[str, dict[str, tuple[str, ...]]] | None = None,
) -> Breakouts:
    """The convening, its two ranked slots with their workshops, confirmed people and their rankings."""
    seeded = seed_convening(app, slug=slug)
    rankings = RANKINGS if rankings is None else rankings
    with app.app_context():
        convening = db.session.get(Convening, seeded.convening_id)
        ticket = db.session.scalar(select(TicketType).where(TicketType.convening_id == convening.id))
        registered = add_registrations(
            convening,
            [
                (ticket, AttendeeDetails(first_name=name, family_name="Rivera", email=f"{name}@{slug}.test"))
                for name in people
            ],
            now=utcnow(),
            notify=False,
            actor=COMMAND_LINE,
        )
        slots: dict[str, int] = {}
        workshops: dict[str, int] = {}
        for day, (name, titles) in enumerate(WORKSHOPS.items()):
            slot = TimeSlot(
                convening_id=convening.id,
                starts_at=datetime(2027, 6, 15 + day, 15, 30, tzinfo=UTC),
                ends_at=datetime(2027, 6, 15 + day, 17, 0, tzinfo=UTC),
                kind=SlotKind.BREAKOUT,
                label=f"{name.title()} workshops",
                signup_mode=SignupMode.RANKED,
            )
            db.session.add(slot)
            db.session.flush()
            slots[name] = slot.id
            for title in titles:
                workshop = ProgramSession(
                    convening_id=convening.id,
                    kind=SessionKind.BREAKOUT,
                    title=title,
                    time_slot_id=slot.id,
                    capacity=capacity,
                )
                db.session.add(workshop)
                db.session.flush()
                workshops[title] = workshop.id
        ids = {registration.first_name: registration.id for registration in registered}
        for slot_name, ranked in rankings.items():
            for person, titles in ranked.items():
                for rank, title in enumerate(titles, start=1):
                    db.session.add(
                        WorkshopChoice(
                            registration_id=ids[person],
                            time_slot_id=slots[slot_name],
                            session_id=workshops[title],
                            rank=rank,
                        )
                    )
        db.session.commit()
    return Breakouts(seeded, slots, workshops, ids)


def run_now(app: Flask, slug: str = "summit") -> AssignmentRun:
    with app.test_request_context():
        convening = db.session.scalar(select(Convening).where(Convening.slug == slug))
        run = services.run_now(convening, actor=COMMAND_LINE, progress=lambda *a, **k: None)
        db.session.expunge(run)
        return run


def publish(app: Flask, run_id: int) -> int:
    with app.test_request_context():
        return services.publish(db.session.get(AssignmentRun, run_id), actor=COMMAND_LINE)


def seats(app: Flask) -> dict[tuple[int, int], tuple[int, SeatSource, bool]]:
    """(registration, slot) -> (workshop, source, locked) for every seat."""
    with app.app_context():
        return {
            (seat.registration_id, seat.time_slot_id): (seat.session_id, seat.source, seat.locked)
            for seat in db.session.scalars(
                select(WorkshopSeat).where(WorkshopSeat.status == SeatStatus.SEATED)
            )
        }


def counters(app: Flask) -> dict[int, int]:
    with app.app_context():
        return dict(db.session.execute(select(ProgramSession.id, ProgramSession.seats_taken)).all())


def seated_rows(app: Flask) -> dict[int, int]:
    """The seats as rows, counted per workshop: what every counter must equal."""
    with app.app_context():
        counted = dict(
            db.session.execute(
                select(WorkshopSeat.session_id, func.count())
                .where(WorkshopSeat.status == SeatStatus.SEATED)
                .group_by(WorkshopSeat.session_id)
            ).all()
        )
        return {w: counted.get(w, 0) for w in db.session.scalars(select(ProgramSession.id))}


def placed(run: AssignmentRun) -> dict[tuple[int, int], int | None]:
    return {(reg, slot): workshop for reg, slot, workshop, *_ in run.placements}


# --- solving -------------------------------------------------------------------------------------------


def test_a_run_gives_the_solvers_optimum_on_the_same_input_and_is_fair_across_slots(app: Flask) -> None:
    built = build(app)
    run = run_now(app)
    assert run.status == RunStatus.DRAFT, run.problems
    with app.app_context():
        convening = db.session.get(Convening, built.seeded.convening_id)
        given = services.solver_input(convening)
        direct = assign(given.slots, given.attendees, given.locked, given.previous, seed=run.id)
    expected = {
        (reg, slot.slot_id): workshop for slot in direct.slots for reg, workshop in slot.workshop_of.items()
    }
    assert placed(run) == expected
    assert run.report["first_choice_share"] == pytest.approx(direct.report.first_choice_share)
    assert run.report["top_three_share"] == pytest.approx(direct.report.top_three_share)
    # Optimal: 2 seats of Housing first and Eun's Water systems, 2 of Budgets and Eun's Transit: 6 of 12.
    assert run.report["first_choice_share"] == pytest.approx(6 / 12)
    # Everyone keeps within their top three (Fatima ranked one workshop only, so she is the exception).
    morning, afternoon = built.slots["morning"], built.slots["afternoon"]
    housing = {reg for (reg, slot), w in placed(run).items() if w == built.workshops["Housing first"]}
    budgets = {reg for (reg, slot), w in placed(run).items() if w == built.workshops["Budgets"]}
    assert len(housing) == len(budgets) == 2
    # Fairness: whoever got Housing first in the morning does not also get Budgets in the afternoon.
    assert not housing & budgets
    assert all(
        placed(run)[(reg, slot)] is not None for reg in built.people.values() for slot in (morning, afternoon)
    )
    fills = {w["title"]: (w["filled"], w["capacity"]) for w in run.report["workshops"]}
    assert fills["Housing first"] == (2, 2)
    assert fills["Budgets"] == (2, 2)
    assert seats(app) == {}  # a run writes no seat


def test_more_demand_than_seats_names_the_people_left_without_one(app: Flask) -> None:
    build(app, capacity=1)  # three seats a slot for six people
    run = run_now(app)
    assert run.status == RunStatus.DRAFT
    for slot in run.report["slots"]:
        assert len(slot["unassigned"]) == 3
        assert all(name.endswith("Rivera") for name in slot["unassigned"])
        assert slot["placed"] == 3


def test_bad_rankings_fail_the_run_with_the_peoples_names_and_write_nothing(app: Flask) -> None:
    built = build(app)
    other = build(app, slug="retreat", people=("Gil",), rankings={})
    with app.app_context():
        # Ana's third choice in the morning becomes an afternoon workshop, Ben's one of another convening.
        for person, workshop_id in (("Ana", built.workshops["Climate"]), ("Ben", other.workshops["Transit"])):
            db.session.execute(
                WorkshopChoice.__table__.update()
                .where(
                    WorkshopChoice.registration_id == built.people[person],
                    WorkshopChoice.time_slot_id == built.slots["morning"],
                    WorkshopChoice.rank == 3,
                )
                .values(session_id=workshop_id)
            )
        db.session.commit()
    run = run_now(app)
    assert run.status == RunStatus.FAILED
    assert run.placements == []
    assert run.report == {}
    text = " ".join(run.problems)
    assert "Ana Rivera ranked “Climate”, a workshop of Afternoon workshops" in text
    morning = "Morning workshops (Tuesday, June 15, 10:30 AM – 12:00 PM)"
    assert f"Ben Rivera ranked a workshop in {morning} that is not part of this convening" in text
    assert seats(app) == {}


def test_locked_people_stay_where_staff_put_them_on_a_rerun(app: Flask) -> None:
    built = build(app, capacity=3)
    first = run_now(app)
    publish(app, first.id)
    fatima, broadband = built.people["Fatima"], built.workshops["Broadband"]
    morning = built.slots["morning"]
    with app.test_request_context():
        registration = db.session.get(Registration, fatima)
        workshop = db.session.get(ProgramSession, broadband)
        if seats(app)[(fatima, morning)][0] == broadband:
            workshop = db.session.get(ProgramSession, built.workshops["Water systems"])
        seat = services.staff_add(workshop, registration, actor=COMMAND_LINE)
        services.staff_lock(seat, True, actor=COMMAND_LINE)
        locked_in = workshop.id
    second = run_now(app)
    assert second.status == RunStatus.DRAFT
    assert placed(second)[(fatima, morning)] == locked_in
    assert [locked for reg, slot, _, _, locked in second.placements if (reg, slot) == (fatima, morning)] == [
        True
    ]
    publish(app, second.id)
    assert seats(app)[(fatima, morning)] == (locked_in, SeatSource.STAFF, True)
    assert counters(app) == seated_rows(app)


# --- publishing ----------------------------------------------------------------------------------------


def test_publishing_writes_seats_and_exact_counters_and_emails_everyone_once(
    app: Flask, smtp: SmtpSink
) -> None:
    built = build(app)
    run = run_now(app)
    assert publish(app, run.id) == len(PEOPLE)
    written = seats(app)
    assert {key: value[0] for key, value in written.items()} == placed(run)
    assert {source for _, source, _ in written.values()} == {SeatSource.ASSIGNMENT}
    assert counters(app) == seated_rows(app)
    assert counters(app)[built.workshops["Housing first"]] == 2
    messages = smtp.wait_for(len(PEOPLE))
    assert len(messages) == len(PEOPLE)
    titles = {w: t for t, w in built.workshops.items()}
    for name, reg in built.people.items():
        [message] = smtp.to(f"{name.lower()}@summit.test")
        assert message["Subject"] == "Your workshops at National Convening of Local Leaders"
        body = message.get_body(("plain",)).get_content()
        for slot in built.slots.values():
            assert titles[placed(run)[(reg, slot)]] in body
    with app.app_context():
        assert db.session.get(AssignmentRun, run.id).status == RunStatus.PUBLISHED
    with pytest.raises(Refused, match="published already"):
        publish(app, run.id)
    assert smtp.wait_for(len(PEOPLE) + 1, timeout=0.5) == messages  # nobody emailed twice


def test_an_old_draft_cannot_be_published_over_a_later_publish(app: Flask) -> None:
    build(app)
    old = run_now(app)
    newer = run_now(app)
    publish(app, newer.id)
    with pytest.raises(Refused, match="later run was published"):
        publish(app, old.id)
    with app.app_context():
        assert db.session.get(AssignmentRun, old.id).status == RunStatus.DRAFT


def test_a_rerun_reports_who_moves_and_publishing_it_replaces_the_seats(app: Flask) -> None:
    built = build(app)
    first = run_now(app)
    publish(app, first.id)
    with app.app_context():
        # Eun now wants Broadband first: a move from Water systems.
        db.session.execute(
            WorkshopChoice.__table__.delete().where(
                WorkshopChoice.registration_id == built.people["Eun"],
                WorkshopChoice.time_slot_id == built.slots["morning"],
            )
        )
        db.session.add(
            WorkshopChoice(
                registration_id=built.people["Eun"],
                time_slot_id=built.slots["morning"],
                session_id=built.workshops["Broadband"],
                rank=1,
            )
        )
        db.session.commit()
    second = run_now(app)
    assert second.report["previous_run_id"] == first.id
    assert "Eun Rivera" in second.report["moved_people"]
    publish(app, second.id)
    assert {key: value[0] for key, value in seats(app).items()} == placed(second)
    assert counters(app) == seated_rows(app)


def test_a_workshop_with_fewer_seats_since_the_run_refuses_the_whole_publish(app: Flask) -> None:
    built = build(app)
    run = run_now(app)
    with app.app_context():
        db.session.get(ProgramSession, built.workshops["Budgets"]).capacity = 1
        db.session.commit()
    with pytest.raises(Refused) as refused:
        publish(app, run.id)
    message = refused.value.problems["publish"]
    assert message.startswith("Nothing was published")
    assert "“Budgets” in Afternoon workshops (Wednesday, June 16" in message
    assert "now has 1 seats" in message
    assert seats(app) == {}
    assert set(counters(app).values()) == {0}
    with app.app_context():
        assert db.session.get(AssignmentRun, run.id).status == RunStatus.DRAFT
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


# --- as a job ------------------------------------------------------------------------------------------


def wait_for_job(app: Flask, job_id: str) -> Job:
    deadline = time.monotonic() + 60
    while True:
        with app.app_context():
            job = db.session.get(Job, job_id)
            if job.status.finished or time.monotonic() > deadline:
                db.session.expunge(job)
                return job
        time.sleep(0.1)


def start(app: Flask) -> tuple[int, str]:
    with app.test_request_context():
        convening = db.session.scalar(select(Convening).where(Convening.slug == "summit"))
        run, job_id = services.start_run(convening, actor=COMMAND_LINE)
        return run.id, job_id


def test_without_redis_a_run_solves_in_a_thread_and_its_job_leads_to_the_run(app: Flask) -> None:
    build(app)
    app.config.update(JOBS_EAGER=False, REDIS_URL="")
    run_id, job_id = start(app)
    job = wait_for_job(app, job_id)
    assert job.status == JobStatus.DONE, job.error
    assert job.done == job.total == 3
    assert job.result["next"] == ["breakouts_console.run", {"slug": "summit", "run_id": run_id}]
    with app.app_context():
        assert db.session.get(AssignmentRun, run_id).status == RunStatus.DRAFT


def test_with_redis_a_run_is_a_job_on_an_rq_worker(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    connection = Redis.from_url(REDIS_TEST_URL)
    connection.flushdb()
    build(app)
    app.config.update(JOBS_EAGER=False, REDIS_URL=REDIS_TEST_URL)
    run_id, job_id = start(app)
    queue = Queue(jobs.QUEUE_NAME, connection=connection)
    assert queue.count == 1
    with app.app_context():
        assert db.session.get(AssignmentRun, run_id).status == RunStatus.RUNNING
    monkeypatch.setenv("DATABASE_URL", app.config["SQLALCHEMY_DATABASE_URI"])
    monkeypatch.setenv("REDIS_URL", REDIS_TEST_URL)
    monkeypatch.setattr(jobs, "_worker_app", None)
    SimpleWorker([queue], connection=connection).work(burst=True)
    connection.flushdb()
    job = wait_for_job(app, job_id)
    assert job.status == JobStatus.DONE, job.error
    with app.app_context():
        assert db.session.get(AssignmentRun, run_id).status == RunStatus.DRAFT


# --- the command line ----------------------------------------------------------------------------------


def test_schedule_assign_prints_the_report_and_writes_nothing_without_publish(app: Flask) -> None:
    build(app, capacity=1)
    result = app.test_cli_runner().invoke(args=["schedule", "assign", "--convening", "summit"])
    assert result.exit_code == 0, result.output
    assert "first choice" in result.output
    assert "within the top three" in result.output
    assert "Without a seat:" in result.output
    assert "Not published." in result.output
    assert seats(app) == {}


def test_schedule_assign_with_publish_writes_the_seats(app: Flask) -> None:
    build(app)
    result = app.test_cli_runner().invoke(args=["schedule", "assign", "--convening", "summit", "--publish"])
    assert result.exit_code == 0, result.output
    assert "people emailed their workshops" in result.output
    assert len(seats(app)) == 2 * len(PEOPLE)
    assert counters(app) == seated_rows(app)


def test_schedule_assign_says_what_to_fix_and_exits_non_zero(app: Flask) -> None:
    build(app, rankings={})
    with app.app_context():
        db.session.execute(TimeSlot.__table__.update().values(signup_mode=SignupMode.FIRST_COME))
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["schedule", "assign", "--convening", "summit"])
    assert result.exit_code == 1
    assert "No breakout slot takes ranked choices" in result.output
    unknown = app.test_cli_runner().invoke(args=["schedule", "assign", "--convening", "nope"])
    assert unknown.exit_code == 2
    assert "There is no convening 'nope'" in unknown.output


def test_once_published_free_seats_go_first_come_and_a_rerun_keeps_them(
    app: Flask, client: FlaskClient
) -> None:
    built = build(app, capacity=3)
    publish(app, run_now(app).id)
    morning = built.slots["morning"]
    housing = built.workshops["Housing first"]
    with app.app_context():
        convening = db.session.get(Convening, built.seeded.convening_id)
        ticket = db.session.scalar(select(TicketType).where(TicketType.convening_id == convening.id))
        [late] = add_registrations(
            convening,
            [(ticket, AttendeeDetails(first_name="Gus", family_name="Rivera", email="gus@summit.test"))],
            now=utcnow(),
            notify=False,
            actor=COMMAND_LINE,
        )
        db.session.commit()
        gus, secret = late.id, late.manage_secret
        assert db.session.get(ProgramSession, housing).seats_taken == 3  # everyone's first choice: full
        free = next(
            w
            for title, w in built.workshops.items()
            if title in WORKSHOPS["morning"] and db.session.get(ProgramSession, w).seats_taken < 3
        )

    # Someone who registers late ranks nothing: the seats still free are first come, and so is the
    # waiting list of a full workshop.
    page = f"/c/summit/r/{secret}/workshops"
    text = " ".join(re.sub(r"<[^>]+>", " ", client.get(page).get_data(as_text=True)).split())
    assert "Seats still free are first come, first served" in text
    assert "Rank up to three" not in text
    token = csrf_token(client, "/c/summit/lost-link")
    assert client.post(f"{page}/seat", data={"workshop": free, "csrf_token": token}).status_code == 303
    assert client.post(f"{page}/wait", data={"workshop": housing, "csrf_token": token}).status_code == 303
    form = client.get("/c/summit/register").get_data(as_text=True)
    assert f'name="workshop_{morning}"' in form
    assert f'name="slot_{morning}_first"' not in form

    # A new run keeps what Gus took, and publishing it keeps his waiting place too.
    second = run_now(app)
    assert second.status == RunStatus.DRAFT, second.problems
    assert [
        (workshop, locked)
        for reg, slot, workshop, _, locked in second.placements
        if (reg, slot) == (gus, morning)
    ] == [(free, True)]
    publish(app, second.id)
    assert seats(app)[(gus, morning)] == (free, SeatSource.ATTENDEE, False)
    with app.app_context():
        assert db.session.execute(
            select(WorkshopSeat.session_id).where(
                WorkshopSeat.registration_id == gus, WorkshopSeat.status == SeatStatus.WAITING
            )
        ).scalars().all() == [housing]
    assert counters(app) == seated_rows(app)


def test_publishing_drops_a_waiting_place_for_the_workshop_the_person_is_given(app: Flask) -> None:
    """A slot switched from first come to ranked keeps its waiting lists; whoever the run seats in the
    workshop they waited for leaves its waiting list."""
    built = build(app, capacity=3)
    morning, housing = built.slots["morning"], built.workshops["Housing first"]
    ana = built.people["Ana"]
    with app.app_context():
        db.session.add(
            WorkshopSeat(
                convening_id=built.seeded.convening_id,
                registration_id=ana,
                session_id=housing,
                time_slot_id=morning,
                status=SeatStatus.WAITING,
                source=SeatSource.ATTENDEE,
                created_at=utcnow(),
            )
        )
        db.session.commit()
    run = run_now(app)
    assert placed(run)[(ana, morning)] == housing
    publish(app, run.id)
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(WorkshopSeat)
                .where(WorkshopSeat.status == SeatStatus.WAITING)
            )
            == 0
        )
    assert seats(app)[(ana, morning)] == (housing, SeatSource.ASSIGNMENT, False)
