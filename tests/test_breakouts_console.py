"""The breakouts console: slots' sign-up modes and deadlines, rosters with staff moves, the assignment run as
a job, its report, and publishing it. Staff and admins only."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from test_assignment_runs import Breakouts, build, counters, run_now, seated_rows, seats

from conftest import (
    STAFF_PASSWORD,
    assert_accessible,
    assert_fits_width,
    assert_role_access,
    csrf_token,
    field_errors,
    make_staff,
    submit,
)
from convening.audit.models import AuditEntry
from convening.audit.services import COMMAND_LINE
from convening.extensions import db
from convening.mail.models import OutboxMessage
from convening.program.models import ProgramSession, TimeSlot
from convening.registration.models import Registration
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
from convening.scheduling.seats import join_waiting_list, take_seat

BASE = "/staff/c/summit/breakouts"


def seat_in(app: Flask, person: int, workshop: int, *, waiting: bool = False) -> int:
    """Seat someone (or put them on the waiting list) as the attendee would; returns the row's id."""
    with app.test_request_context():
        registration = db.session.get(Registration, person)
        session = db.session.get(ProgramSession, workshop)
        if waiting:
            row = join_waiting_list(registration, session)
        else:
            row = take_seat(registration, session, source=SeatSource.ATTENDEE)
        db.session.commit()
        return row.id


def page(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def audit_actions(app: Flask) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


# --- who may open what ------------------------------------------------------------------------------------


def routes(built: Breakouts, seat_id: int, run_id: int) -> dict[str, tuple[str, str, dict[str, Any]]]:
    workshop, morning = built.workshops["Housing first"], built.slots["morning"]
    return {
        "index": ("GET", f"{BASE}/", {}),
        "slot": ("POST", f"{BASE}/slots/{morning}", {f"slot-{morning}-signup_mode": "ranked"}),
        "workshop": ("GET", f"{BASE}/workshops/{workshop}", {}),
        "add": ("POST", f"{BASE}/workshops/{workshop}/add", {"registration": str(built.people["Ben"])}),
        "move": ("POST", f"{BASE}/seats/{seat_id}/move", {"workshop": str(built.workshops["Broadband"])}),
        "lock": ("POST", f"{BASE}/seats/{seat_id}/lock", {"locked": "1"}),
        "remove": ("POST", f"{BASE}/seats/{seat_id}/remove", {}),
        "run_assignment": ("POST", f"{BASE}/run", {}),
        "run": ("GET", f"{BASE}/runs/{run_id}", {}),
        "publish": ("POST", f"{BASE}/runs/{run_id}/publish", {}),
    }


@pytest.mark.parametrize(
    "route",
    ["index", "slot", "workshop", "add", "move", "lock", "remove", "run_assignment", "run", "publish"],
)
def test_only_staff_and_admins_reach_each_breakouts_page(app: Flask, route: str) -> None:
    built = build(app, capacity=4)
    seat_id = seat_in(app, built.people["Ana"], built.workshops["Housing first"])
    run_id = run_now(app).id
    method, url, data = routes(built, seat_id, run_id)[route]
    assert_role_access(app, method, url, "staff", data)


def test_another_convenings_workshops_seats_and_runs_are_not_found(app: Flask, staff_client: Any) -> None:
    build(app)
    other = build(app, slug="retreat", people=("Gil",), rankings={})
    seat_id = seat_in(app, other.people["Gil"], other.workshops["Budgets"])
    run_id = run_now(app, "retreat").id
    client = staff_client("staff")
    assert client.get(f"{BASE}/workshops/{other.workshops['Budgets']}").status_code == 404
    assert client.get(f"{BASE}/runs/{run_id}").status_code == 404
    token = csrf_token(client, f"{BASE}/")
    assert client.post(f"{BASE}/seats/{seat_id}/remove", data={"csrf_token": token}).status_code == 404
    assert (
        client.post(f"{BASE}/slots/{other.slots['morning']}", data={"csrf_token": token}).status_code == 404
    )
    assert client.get("/staff/c/nowhere/breakouts/").status_code == 404


# --- the overview and the slots' settings --------------------------------------------------------------


def test_the_overview_shows_each_slot_its_mode_seats_waiting_and_choices(
    app: Flask, staff_client: Any
) -> None:
    built = build(app, capacity=1)
    seat_in(app, built.people["Ana"], built.workshops["Housing first"])
    seat_in(app, built.people["Ben"], built.workshops["Housing first"], waiting=True)
    html = page(staff_client("staff"), f"{BASE}/")
    assert "Morning workshops (Tuesday, June 15, 10:30 AM – 12:00 PM)" in html
    assert "Ranked choices, then assignment" in html
    assert "Ranked choices received: 6 people" in html
    housing_row = html.split(f"/workshops/{built.workshops['Housing first']}")[1].split("</tr>")[0]
    cells = [cell.strip() for cell in housing_row.split("<td>")[1:]]
    assert cells[0].startswith("1 of 1")
    assert cells[1].startswith("1")  # Ben waits
    assert cells[2].startswith("5")  # the first choice of five people
    assert 'href="/staff/c/summit/breakouts/"' in html  # the console's navigation links here


def test_staff_set_a_ranked_deadline_on_the_convenings_clock(app: Flask, staff_client: Any) -> None:
    built = build(app)
    client = staff_client("staff")
    slot_id = built.slots["afternoon"]
    response = submit(
        client,
        f"{BASE}/slots/{slot_id}",
        {f"slot-{slot_id}-signup_mode": "ranked", f"slot-{slot_id}-choices_close_at": "2027-06-14T17:00"},
        form_url=f"{BASE}/",
    )
    assert response.status_code == 303
    with app.app_context():
        slot = db.session.get(TimeSlot, slot_id)
        assert slot.choices_close_at == datetime(2027, 6, 14, 22, 0, tzinfo=UTC)  # 5 PM in Chicago
        assert slot.signup_mode == SignupMode.RANKED
    html = page(client, f"{BASE}/")
    assert 'value="2027-06-14T17:00"' in html
    assert "Ranking closes Monday, June 14, 2027 at 5:00 PM CDT." in html
    assert "breakouts.slot" in audit_actions(app)


@pytest.mark.parametrize(
    ("mode", "deadline", "message"),
    [
        ("ranked", "2027-06-16T11:00", "Set the deadline before the slot starts (June 16, 10:30 AM)"),
        ("first_come", "2027-06-14T17:00", "Only ranked choices have a deadline"),
        ("ranked", "next tuesday", "Enter a date and time like 2027-03-01 09:00."),
        ("lottery", "", "Choose first come or ranked choices."),
    ],
)
def test_a_bad_deadline_or_mode_is_refused_beside_its_field(
    app: Flask, staff_client: Any, mode: str, deadline: str, message: str
) -> None:
    built = build(app)
    slot_id = built.slots["afternoon"]
    response = submit(
        staff_client("staff"),
        f"{BASE}/slots/{slot_id}",
        {f"slot-{slot_id}-signup_mode": mode, f"slot-{slot_id}-choices_close_at": deadline},
        form_url=f"{BASE}/",
    )
    assert response.status_code == 422
    errors = field_errors(response.get_data(as_text=True))
    assert any(message in error for error in errors), errors
    with app.app_context():
        slot = db.session.get(TimeSlot, slot_id)
        assert slot.choices_close_at is None
        assert slot.signup_mode == SignupMode.RANKED


# --- a workshop's roster -------------------------------------------------------------------------------


def test_staff_find_someone_by_name_and_seat_them(app: Flask, staff_client: Any) -> None:
    built = build(app)
    client = staff_client("staff")
    url = f"{BASE}/workshops/{built.workshops['Transit']}"
    html = page(client, f"{url}?q=chloe")
    assert "Chloé Rivera" in html
    assert "Ana Rivera" not in html
    response = submit(client, f"{url}/add", {"registration": str(built.people["Chloé"])}, form_url=url)
    assert response.status_code == 303
    assert seats(app)[(built.people["Chloé"], built.slots["afternoon"])] == (
        built.workshops["Transit"],
        SeatSource.STAFF,
        False,
    )
    assert counters(app) == seated_rows(app)
    roster = page(client, url)
    assert "Chloé Rivera" in roster
    assert "Staff" in roster
    assert "breakouts.add" in audit_actions(app)


def test_staff_cannot_overbook_a_full_workshop_and_are_told_so(app: Flask, staff_client: Any) -> None:
    built = build(app, capacity=1)
    seat_in(app, built.people["Ana"], built.workshops["Transit"])
    url = f"{BASE}/workshops/{built.workshops['Transit']}"
    response = submit(
        staff_client("staff"), f"{url}/add", {"registration": str(built.people["Ben"])}, form_url=url
    )
    assert response.status_code == 422
    [error] = field_errors(response.get_data(as_text=True))
    assert error.startswith("“Transit” is full (1 of 1 seats). Staff cannot overbook a workshop")
    assert counters(app)[built.workshops["Transit"]] == 1
    assert (built.people["Ben"], built.slots["afternoon"]) not in seats(app)


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("", "Enter the registration number, or search for the person by name."),
        ("twelve", "Enter the registration number in digits"),
        ("99999", "No registration 99999 in National Convening of Local Leaders."),
    ],
)
def test_a_bad_registration_number_is_refused_beside_the_field(
    app: Flask, staff_client: Any, number: str, message: str
) -> None:
    built = build(app)
    url = f"{BASE}/workshops/{built.workshops['Transit']}"
    response = submit(staff_client("staff"), f"{url}/add", {"registration": number}, form_url=url)
    assert response.status_code == 422
    errors = field_errors(response.get_data(as_text=True))
    assert any(error.startswith(message) for error in errors), errors
    assert seats(app) == {}


def test_staff_move_someone_within_the_slot_keeping_their_lock(app: Flask, staff_client: Any) -> None:
    built = build(app)
    seat_id = seat_in(app, built.people["Ana"], built.workshops["Transit"])
    client = staff_client("staff")
    url = f"{BASE}/workshops/{built.workshops['Transit']}"
    token = csrf_token(client, url)
    assert (
        client.post(f"{BASE}/seats/{seat_id}/lock", data={"locked": "1", "csrf_token": token}).status_code
        == 303
    )
    # A workshop of another slot is refused, with a notice.
    wrong = client.post(
        f"{BASE}/seats/{seat_id}/move",
        data={"workshop": str(built.workshops["Broadband"]), "csrf_token": token},
    )
    assert wrong.status_code == 303
    assert "Choose another workshop of Afternoon workshops" in page(client, url)
    moved = client.post(
        f"{BASE}/seats/{seat_id}/move",
        data={"workshop": str(built.workshops["Climate"]), "csrf_token": token},
    )
    assert moved.status_code == 303
    assert seats(app)[(built.people["Ana"], built.slots["afternoon"])] == (
        built.workshops["Climate"],
        SeatSource.STAFF,
        True,
    )
    assert counters(app) == seated_rows(app)
    assert {"breakouts.lock", "breakouts.move"} <= set(audit_actions(app))


def test_removing_someone_seats_the_first_person_waiting_and_emails_them(
    app: Flask, staff_client: Any
) -> None:
    built = build(app, capacity=1)
    workshop = built.workshops["Transit"]
    seat_id = seat_in(app, built.people["Ana"], workshop)
    seat_in(app, built.people["Ben"], workshop, waiting=True)
    seat_in(app, built.people["Dev"], workshop, waiting=True)
    client = staff_client("staff")
    url = f"{BASE}/workshops/{workshop}"
    html = page(client, url)
    assert html.index("Ben Rivera") < html.index("Dev Rivera")
    response = client.post(f"{BASE}/seats/{seat_id}/remove", data={"csrf_token": csrf_token(client, url)})
    assert response.status_code == 303
    assert "From the waiting list, now seated and emailed: Ben Rivera." in page(client, url)
    assert seats(app)[(built.people["Ben"], built.slots["afternoon"])][0] == workshop
    assert counters(app) == seated_rows(app)
    with app.app_context():
        waiting = db.session.scalars(
            select(WorkshopSeat).where(WorkshopSeat.status == SeatStatus.WAITING)
        ).all()
        assert [row.registration_id for row in waiting] == [built.people["Dev"]]
        assert (
            db.session.scalar(
                select(OutboxMessage.to_address).where(OutboxMessage.registration_id == built.people["Ben"])
            )
            == "ben@summit.test"
        )


# --- the assignment, its report and publishing ---------------------------------------------------------


def test_running_the_assignment_leads_through_the_job_page_to_its_report(
    app: Flask, staff_client: Any
) -> None:
    build(app, capacity=1)
    client = staff_client("staff")
    response = client.post(f"{BASE}/run", data={"csrf_token": csrf_token(client, f"{BASE}/")})
    assert response.status_code == 303
    job_url = response.location
    assert job_url.startswith("/staff/jobs/")
    job_page = page(client, job_url)
    assert '<progress id="job-progress" max="3" value="3">100%</progress>' in job_page
    status = client.get(f"{job_url}.json").get_json()
    assert status["finished"] is True
    assert status["percent"] == 100
    with app.app_context():
        run = db.session.scalars(select(AssignmentRun)).one()
    assert status["next"] == f"/staff/c/summit/breakouts/runs/{run.id}"
    report = page(client, status["next"])
    assert f"{100 * run.report['first_choice_share']:.1f}%</strong> first choice" in report
    assert "Without a seat" in report
    for name in run.report["slots"][0]["unassigned"]:
        assert name in report
    assert "Publish and email everyone" in report
    assert "Nothing was published before this run." in report


def test_a_failed_run_lists_the_people_to_fix(app: Flask, staff_client: Any) -> None:
    built = build(app)
    with app.app_context():
        db.session.execute(
            WorkshopChoice.__table__.update()
            .where(
                WorkshopChoice.registration_id == built.people["Eun"],
                WorkshopChoice.time_slot_id == built.slots["morning"],
                WorkshopChoice.rank == 2,
            )
            .values(session_id=built.workshops["Climate"])
        )
        db.session.commit()
    run = run_now(app)
    html = page(staff_client("staff"), f"{BASE}/runs/{run.id}")
    assert "The assignment could not run, and nothing was changed." in html
    assert "Eun Rivera ranked “Climate”" in html
    assert "Publish and email everyone" not in html


def test_publishing_from_the_report_writes_seats_and_a_second_click_is_refused(
    app: Flask, staff_client: Any
) -> None:
    build(app)
    run = run_now(app)
    client = staff_client("staff")
    url = f"{BASE}/runs/{run.id}"
    token = csrf_token(client, url)
    response = client.post(f"{url}/publish", data={"csrf_token": token})
    assert response.status_code == 303
    assert response.location.startswith("/staff/jobs/")
    status = client.get(f"{response.location}.json").get_json()
    assert status["finished"] is True
    assert status["next"] == url
    html = page(client, url)
    assert "these are the seats, and everyone was emailed their workshops" in html
    assert "Publish and email everyone" not in html
    assert len(seats(app)) == 12
    again = client.post(f"{url}/publish", data={"csrf_token": token})
    assert again.location == url
    assert "This run was published already." in page(client, url)
    with app.app_context():
        assert db.session.get(AssignmentRun, run.id).status == RunStatus.PUBLISHED
        assert db.session.query(OutboxMessage).count() == 6
    assert "breakouts.publish" in audit_actions(app)


def test_a_publish_refused_in_its_job_is_shown_on_the_run_page(app: Flask, staff_client: Any) -> None:
    built = build(app)
    run = run_now(app)
    with app.app_context():
        db.session.get(ProgramSession, built.workshops["Transit"]).capacity = 0
        db.session.commit()
    client = staff_client("staff")
    url = f"{BASE}/runs/{run.id}"
    response = client.post(f"{url}/publish", data={"csrf_token": csrf_token(client, url)})
    assert client.get(f"{response.location}.json").get_json()["next"] == url
    html = page(client, url)
    assert "Publishing was refused, and nothing was changed" in html
    assert "“Transit” in Afternoon workshops" in html
    assert "Publish and email everyone" in html  # once capacity is back, it can be published
    assert seats(app) == {}
    with app.app_context():
        assert db.session.get(AssignmentRun, run.id).status == RunStatus.DRAFT
        assert db.session.query(OutboxMessage).count() == 0


def test_a_rerun_report_shows_who_moves(app: Flask, staff_client: Any) -> None:
    built = build(app, capacity=3)
    first = run_now(app)
    with app.test_request_context():
        services.publish(db.session.get(AssignmentRun, first.id), actor=COMMAND_LINE)
    fatima, morning = built.people["Fatima"], built.slots["morning"]
    titles = {workshop_id: title for title, workshop_id in built.workshops.items()}
    before = titles[seats(app)[(fatima, morning)][0]]
    target = next(title for title in ("Broadband", "Water systems") if title != before)
    seat_id = seat_in(app, fatima, built.workshops[target])
    with app.test_request_context():
        services.staff_lock(db.session.get(WorkshopSeat, seat_id), True, actor=COMMAND_LINE)
    second = run_now(app)
    html = page(staff_client("staff"), f"{BASE}/runs/{second.id}")
    assert f"compared with run {first.id}" in html
    assert f"Fatima Rivera</bdi>: <bdi>{before}</bdi> → <bdi>{target}</bdi>" in html


@pytest.mark.browser
def test_the_breakouts_pages_are_accessible_and_fit_a_phone(app: Flask, phone: Any) -> None:
    built = build(app, capacity=1)
    seat_in(app, built.people["Ana"], built.workshops["Transit"])
    seat_in(app, built.people["Ben"], built.workshops["Transit"], waiting=True)
    run = run_now(app)
    phone.goto("/staff/login")
    phone.get_by_label("Email").fill(make_staff(app, "staff"))
    phone.get_by_label("Password").fill(STAFF_PASSWORD)
    phone.get_by_role("button", name="Sign in").click()
    phone.wait_for_url("**/staff/")
    for url in (
        f"{BASE}/",
        f"{BASE}/workshops/{built.workshops['Transit']}?q=rivera",
        f"{BASE}/runs/{run.id}",
    ):
        phone.goto(url)
        assert_accessible(phone)
        assert_fits_width(phone)
