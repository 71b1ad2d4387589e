"""Badge printing in the staff console: print runs as jobs, their reports and PDFs, and one lost badge."""

from __future__ import annotations

import html
import re
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from conftest import (
    STAFF_PASSWORD,
    Seeded,
    assert_accessible,
    assert_fits_width,
    assert_role_access,
    csrf_token,
    field_errors,
    make_staff,
    seed_convening,
    submit,
)
from convening.audit.models import AuditEntry
from convening.audit.services import COMMAND_LINE
from convening.badges import services
from convening.badges.models import BadgeBatch, BadgePrint, BadgeRole, BatchStatus
from convening.extensions import db
from convening.jobs.models import Job, JobStatus
from convening.models import Convening, Registration, TicketType
from convening.registration.services import AttendeeDetails, add_registration, cancel, lock_convening

START = datetime(2027, 1, 4, 15, 0, tzinfo=UTC)
TICKETS = [{"name": "Elected official"}, {"name": "Press pass", "badge_role": BadgeRole.PRESS}]


# --- helpers ------------------------------------------------------------------------------------------


def add_person(app: Flask, seeded: Seeded, badge_name: str, *, ticket: str = "Elected official") -> int:
    """One registration through the registration services; seated or waitlisted as capacity says."""
    first, _, family = badge_name.partition(" ")
    email = re.sub(r"[^a-z0-9]+", ".", badge_name.lower()).strip(".") or f"person{abs(hash(badge_name))}"
    with app.app_context():
        convening = db.session.get(Convening, seeded.convening_id)
        ticket_type = db.session.get(TicketType, seeded.tickets[ticket])
        lock_convening(convening.id)
        count = db.session.scalar(select(func.count(Registration.id))) or 0
        registration = add_registration(
            convening,
            ticket_type,
            AttendeeDetails(
                first_name=first, family_name=family, badge_name=badge_name, email=f"{email}@example.org"
            ),
            now=START + timedelta(minutes=count),
            notify=False,
            actor=COMMAND_LINE,
        )
        db.session.commit()
        return registration.id


def cancel_person(app: Flask, registration_id: int) -> None:
    with app.app_context():
        cancel(db.session.get(Registration, registration_id), notify=False, actor=COMMAND_LINE)


def crowd(app: Flask) -> tuple[Seeded, dict[str, int]]:
    """Three confirmed people (one with a press pass), one cancelled, one on the waiting list."""
    seeded = seed_convening(app, capacity=3, tickets=TICKETS)
    ids = {name: add_person(app, seeded, name) for name in ("Ana Lima", "Bao Tran", "Chen Wu")}
    cancel_person(app, ids["Chen Wu"])
    ids["Dmitri Ivanov"] = add_person(app, seeded, "Dmitri Ivanov", ticket="Press pass")
    ids["Eve Okafor"] = add_person(app, seeded, "Eve Okafor")
    with app.app_context():
        statuses = {name: db.session.get(Registration, number).status.value for name, number in ids.items()}
    assert statuses == {
        "Ana Lima": "confirmed",
        "Bao Tran": "confirmed",
        "Chen Wu": "cancelled",
        "Dmitri Ivanov": "confirmed",
        "Eve Okafor": "waitlisted",
    }
    return seeded, ids


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    assert pdf.startswith(b"%PDF")
    path = tmp_path / f"read-{len(list(tmp_path.iterdir()))}.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def text_of(response: Any) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))))


def index_url(seeded: Seeded) -> str:
    return f"/staff/c/{seeded.slug}/badges/"


def start_batch(app: Flask, seeded: Seeded, **selection: Any) -> int:
    """A batch started as the console starts one; JOBS_EAGER draws it at once."""
    with app.app_context():
        convening = db.session.get(Convening, seeded.convening_id)
        batch = services.start_batch(
            convening,
            services.Selection(**selection),
            layout="avery-5392",
            crop_marks=True,
            agenda_url="http://convening.test/summit/agenda",
            actor=COMMAND_LINE,
        )
        return batch.id


def print_counts(app: Flask) -> tuple[int, int]:
    with app.app_context():
        return (
            db.session.scalar(select(func.count(BadgeBatch.id))) or 0,
            db.session.scalar(select(func.count(BadgePrint.id))) or 0,
        )


# --- who may print --------------------------------------------------------------------------------


def test_index_is_for_staff_and_admins(app: Flask) -> None:
    seeded = seed_convening(app)
    assert_role_access(app, "GET", index_url(seeded), "staff")


def test_starting_a_batch_is_for_staff_and_admins(app: Flask) -> None:
    seeded = seed_convening(app)  # nobody registered: let in, the form answers "nobody matches"
    statuses = assert_role_access(app, "POST", index_url(seeded), "staff", data={"layout": "avery-5392"})
    assert statuses["staff"] == statuses["admin"] == 422


def test_downloading_a_batch_is_for_staff_and_admins(app: Flask) -> None:
    seeded = seed_convening(app)
    add_person(app, seeded, "Ana Lima")
    batch_id = start_batch(app, seeded)
    statuses = assert_role_access(
        app, "GET", f"/staff/c/{seeded.slug}/badges/batches/{batch_id}.pdf", "staff"
    )
    assert statuses["staff"] == statuses["admin"] == 200


def test_printing_one_badge_is_for_staff_and_admins(app: Flask) -> None:
    seeded = seed_convening(app)
    registration_id = add_person(app, seeded, "Ana Lima")
    url = f"/staff/c/{seeded.slug}/badges/registrations/{registration_id}/print"
    statuses = assert_role_access(app, "POST", url, "staff", data={"layout": "badge-4x3"})
    assert statuses["staff"] == statuses["admin"] == 200


# --- print runs -----------------------------------------------------------------------------------


def test_index_shows_counts_layouts_and_choices(app: Flask, staff_client: Any) -> None:
    seeded, _ = crowd(app)
    page = staff_client("staff").get(index_url(seeded))
    assert page.status_code == 200
    text = text_of(page)
    assert re.search(r"Confirmed 3 Printed 0 Not printed yet 3 Badge name changed since printed 0", text)
    body = page.get_data(as_text=True)
    for name in ("badge-4x3", "avery-5392", "a6-4up"):
        assert f'value="{name}"' in body
    assert re.search(
        r'<input[^>]*checked[^>]*value="avery-5392"|<input[^>]*value="avery-5392"[^>]*checked', body
    )
    assert "Six 4 × 3 in inserts per Letter sheet" in text
    assert re.search(r'<input[^>]*id="crop_marks"[^>]*checked|<input[^>]*checked[^>]*id="crop_marks"', body)
    assert "Press" in text
    assert "Press pass" in text
    assert "No badges have been printed yet." in text
    assert 'href="/staff/c/summit/badges/"' in body  # the console navigation lists badges


def test_a_print_run_draws_the_confirmed_and_logs_each_badge(
    app: Flask, staff_client: Any, tmp_path: Path
) -> None:
    seeded, ids = crowd(app)
    client = staff_client("staff")
    response = submit(client, index_url(seeded), {"layout": "avery-5392", "crop_marks": "y"})
    assert response.status_code == 303

    with app.app_context():
        batch = db.session.scalars(select(BadgeBatch)).one()
        assert response.location == f"/staff/jobs/{batch.job_id}"
        job = db.session.get(Job, batch.job_id)
        assert job.status == JobStatus.DONE
        assert job.convening_id == seeded.convening_id
        assert (batch.status, batch.badge_count, batch.layout, batch.crop_marks) == (
            BatchStatus.READY,
            3,
            "avery-5392",
            True,
        )
        assert batch.created_by_label == "Staff Person (staff@convening.test)"
        assert batch.report == {"skipped": {"On the waiting list": 1}, "unnamed": []}
        printed = db.session.scalars(select(BadgePrint).order_by(BadgePrint.registration_id)).all()
        assert [(row.registration_id, row.batch_id) for row in printed] == [
            (ids[name], batch.id) for name in ("Ana Lima", "Bao Tran", "Dmitri Ivanov")
        ]
        assert db.session.scalars(select(AuditEntry.action).where(AuditEntry.action == "badges.print")).all()
        batch_id = batch.id

    job_page = client.get(response.location)
    assert f'href="/staff/c/summit/badges/batches/{batch_id}"' in job_page.get_data(as_text=True)

    page = client.get(f"/staff/c/summit/badges/batches/{batch_id}")
    assert page.status_code == 200
    text = text_of(page)
    assert "All badges" in text
    assert "3 badges on Avery 5392 sheets, US Letter, with crop marks" in text
    assert "On the waiting list: 1" in text
    assert "2 pages" in text  # one sheet: its front, then its back
    assert f'href="/staff/c/summit/badges/batches/{batch_id}.pdf"' in page.get_data(as_text=True)

    download = client.get(f"/staff/c/summit/badges/batches/{batch_id}.pdf")
    assert download.status_code == 200
    assert download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"] == (
        f'attachment; filename="badges-summit-{batch_id}-avery-5392.pdf"'
    )
    assert download.headers["Cache-Control"] == "no-store"
    text = pdf_text(download.data, tmp_path)
    for name in ("Ana Lima", "Bao Tran", "Dmitri Ivanov"):
        assert name in text
    assert "Chen Wu" not in text
    assert "Eve Okafor" not in text

    index = text_of(client.get(index_url(seeded)))
    assert re.search(r"Confirmed 3 Printed 3 Not printed yet 0", index)
    assert re.search(r"All badges Avery 5392 sheets, US Letter 3 Staff Person", index)
    assert "Download the PDF of All badges" in index


def test_only_not_printed_yet_prints_the_new_people(app: Flask, staff_client: Any, tmp_path: Path) -> None:
    seeded = seed_convening(app, tickets=TICKETS)
    add_person(app, seeded, "Ana Lima")
    client = staff_client("staff")
    assert submit(client, index_url(seeded), {"layout": "badge-4x3", "unprinted": "y"}).status_code == 303
    late = add_person(app, seeded, "Fatima Zahra")

    response = submit(client, index_url(seeded), {"layout": "badge-4x3", "unprinted": "y"})
    assert response.status_code == 303
    with app.app_context():
        batch = db.session.scalars(select(BadgeBatch).order_by(BadgeBatch.id.desc())).first()
        assert batch.badge_count == 1
        assert batch.description == "All badges, not printed yet"
        assert batch.crop_marks is False  # a badge printer's pages never get crop marks
        assert db.session.scalars(
            select(BadgePrint.registration_id).where(BadgePrint.batch_id == batch.id)
        ).all() == [late]
        batch_id = batch.id
    text = pdf_text(client.get(f"/staff/c/summit/badges/batches/{batch_id}.pdf").data, tmp_path)
    assert "Fatima Zahra" in text
    assert "Ana Lima" not in text

    third = submit(client, index_url(seeded), {"layout": "badge-4x3", "unprinted": "y"})
    assert third.status_code == 422
    assert "No confirmed registration matches these choices" in text_of(third)


def test_role_and_ticket_narrow_a_run(app: Flask, staff_client: Any, tmp_path: Path) -> None:
    seeded, _ = crowd(app)
    client = staff_client("admin")
    press = submit(client, index_url(seeded), {"layout": "a6-4up", "role": "press"})
    assert press.status_code == 303
    by_ticket = submit(
        client,
        index_url(seeded),
        {"layout": "a6-4up", "ticket_type": str(seeded.tickets["Elected official"])},
    )
    assert by_ticket.status_code == 303
    with app.app_context():
        first, second = db.session.scalars(select(BadgeBatch).order_by(BadgeBatch.id)).all()
        assert (first.description, first.badge_count) == ("Press badges", 1)
        assert (second.description, second.badge_count) == ("All badges, ticket Elected official", 2)
        assert second.report["skipped"] == {"On the waiting list": 1}
        first_id = first.id
    text = pdf_text(client.get(f"/staff/c/summit/badges/batches/{first_id}.pdf").data, tmp_path)
    assert "Dmitri Ivanov" in text
    assert "Ana Lima" not in text


def test_nobody_to_print_is_a_message_and_no_batch(app: Flask, staff_client: Any) -> None:
    seeded, _ = crowd(app)
    client = staff_client("staff")
    response = submit(client, index_url(seeded), {"layout": "avery-5392", "role": "speaker"})
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True)) == [
        "No confirmed registration matches these choices. Widen them, or print all badges."
    ]
    assert 'aria-describedby="who-error"' in response.get_data(as_text=True)

    waiting_only = seed_convening(app, slug="waiting", capacity=0)
    add_person(app, waiting_only, "Eve Okafor")
    response = submit(client, "/staff/c/waiting/badges/", {"layout": "avery-5392"})
    assert response.status_code == 422
    assert "left out: 1 on the waiting list. Only confirmed people get badges." in text_of(response)
    assert print_counts(app) == (0, 0)


def test_forged_choices_get_messages_not_errors(app: Flask, staff_client: Any) -> None:
    seeded, _ = crowd(app)
    other = seed_convening(app, slug="other")
    client = staff_client("staff")
    cases = {
        "layout": ({"layout": "poster"}, "Choose one of the layouts shown."),
        "role": ({"layout": "avery-5392", "role": "boss"}, "Choose a role from the list, or every role."),
        "ticket": (
            {"layout": "avery-5392", "ticket_type": "abc"},
            "Choose a ticket from the list, or every ticket.",
        ),
        "another convening's ticket": (
            {"layout": "avery-5392", "ticket_type": str(other.tickets["Elected official"])},
            "Choose a ticket from the list, or every ticket.",
        ),
    }
    for case, (data, message) in cases.items():
        response = submit(client, index_url(seeded), data)
        assert response.status_code == 422, case
        assert field_errors(response.get_data(as_text=True)) == [message], case
    assert print_counts(app) == (0, 0)


def test_another_conventions_batch_is_not_found(app: Flask, staff_client: Any) -> None:
    seeded = seed_convening(app)
    add_person(app, seeded, "Ana Lima")
    batch_id = start_batch(app, seeded)
    seed_convening(app, slug="other")
    client = staff_client("staff")
    assert client.get(f"/staff/c/summit/badges/batches/{batch_id}").status_code == 200
    assert client.get(f"/staff/c/other/badges/batches/{batch_id}").status_code == 404
    assert client.get(f"/staff/c/other/badges/batches/{batch_id}.pdf").status_code == 404
    assert client.get("/staff/c/summit/badges/batches/99999").status_code == 404
    assert client.get("/staff/c/nowhere/badges/").status_code == 404


def test_a_batch_still_drawing_has_no_download(app: Flask, staff_client: Any) -> None:
    seeded = seed_convening(app)
    with app.app_context():
        batch = BadgeBatch(
            convening_id=seeded.convening_id, layout="avery-5392", description="All badges", badge_count=4
        )
        db.session.add(batch)
        db.session.commit()
        batch_id = batch.id
    client = staff_client("staff")
    assert client.get(f"/staff/c/summit/badges/batches/{batch_id}.pdf").status_code == 404
    page = client.get(f"/staff/c/summit/badges/batches/{batch_id}")
    assert "These badges are still being drawn." in text_of(page)
    assert "Drawing…" in text_of(client.get(index_url(seeded)))


def test_a_badge_without_a_readable_name_is_reported(app: Flask, staff_client: Any) -> None:
    seeded = seed_convening(app)
    add_person(app, seeded, "Ana Lima")
    unnamed = add_person(app, seeded, "🎉 🎈")
    batch_id = start_batch(app, seeded)
    page = staff_client("staff").get(f"/staff/c/summit/badges/batches/{batch_id}")
    text = text_of(page)
    assert "Printed without a readable name" in text
    assert "Fix the badge name on each registration, then print that badge again" in text
    assert f'href="/staff/c/summit/registrations/{unnamed}"' in page.get_data(as_text=True)


# --- one badge at the desk ------------------------------------------------------------------------


def test_a_lost_badge_is_printed_and_logged(app: Flask, staff_client: Any, tmp_path: Path) -> None:
    _, ids = crowd(app)
    client = staff_client("staff")
    detail = f"/staff/c/summit/registrations/{ids['Ana Lima']}"
    page = client.get(detail)
    body = page.get_data(as_text=True)
    assert "Not printed yet." in text_of(page)
    assert f'action="/staff/c/summit/badges/registrations/{ids["Ana Lima"]}/print"' in body
    assert re.search(r'<option selected value="badge-4x3">|<option value="badge-4x3" selected>', body)

    response = submit(
        client,
        f"/staff/c/summit/badges/registrations/{ids['Ana Lima']}/print",
        {"layout": "badge-4x3"},
        form_url=detail,
    )
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Cache-Control"] == "no-store"
    text = pdf_text(response.data, tmp_path)
    assert "Ana Lima" in text
    assert "Bao Tran" not in text
    with app.app_context():
        printed = db.session.scalars(select(BadgePrint)).one()
        assert (printed.registration_id, printed.batch_id, printed.badge_name) == (
            ids["Ana Lima"],
            None,
            "Ana Lima",
        )
        assert db.session.scalar(select(AuditEntry.summary).where(AuditEntry.action == "badges.reprint")) == (
            "Printed a badge for Ana Lima"
        )
    assert "Last printed" in text_of(client.get(detail))


def test_a_changed_badge_name_shows_as_needing_a_reprint(app: Flask, staff_client: Any) -> None:
    seeded = seed_convening(app)
    registration_id = add_person(app, seeded, "Ana Lima")
    start_batch(app, seeded)
    with app.app_context():
        db.session.get(Registration, registration_id).badge_name = "Ana María Lima"
        db.session.commit()
    client = staff_client("staff")
    detail = text_of(client.get(f"/staff/c/summit/registrations/{registration_id}"))
    assert re.search(r"as “ ?Ana Lima ?”\. The badge name has changed since: print the badge again\.", detail)
    index = text_of(client.get(index_url(seeded)))
    assert "Badge name changed since printed 1" in index
    assert "1 badge was printed before the badge name was changed." in index


def test_only_confirmed_registrations_get_a_badge_at_the_desk(app: Flask, staff_client: Any) -> None:
    _, ids = crowd(app)
    other = seed_convening(app, slug="other")
    client = staff_client("staff")
    detail = f"/staff/c/summit/registrations/{ids['Eve Okafor']}"
    assert "Print badge" not in client.get(detail).get_data(as_text=True)

    token = csrf_token(client, f"/staff/c/summit/registrations/{ids['Ana Lima']}")
    url = f"/staff/c/summit/badges/registrations/{ids['Eve Okafor']}/print"
    response = client.post(url, data={"layout": "badge-4x3", "csrf_token": token})
    assert response.status_code == 303
    assert response.location == detail
    assert "Only confirmed registrations get badges; this one is on the waiting list." in text_of(
        client.get(detail)
    )

    bad_layout = client.post(
        f"/staff/c/summit/badges/registrations/{ids['Ana Lima']}/print",
        data={"layout": "poster", "csrf_token": token},
    )
    assert bad_layout.status_code == 303
    assert "Choose a layout" in text_of(client.get(bad_layout.location))

    elsewhere = client.post(
        f"/staff/c/{other.slug}/badges/registrations/{ids['Ana Lima']}/print",
        data={"layout": "badge-4x3", "csrf_token": token},
    )
    assert elsewhere.status_code == 404
    assert print_counts(app) == (0, 0)


# --- in a browser at phone size ------------------------------------------------------------------


@pytest.mark.browser
def test_printing_badges_works_on_a_phone(app: Flask, phone: Any) -> None:
    seeded = seed_convening(app, tickets=TICKETS)
    ana = add_person(app, seeded, "Ana Lima")
    unnamed = add_person(app, seeded, "🎉")
    phone.goto("/staff/login")
    phone.fill("#email", make_staff(app, "staff"))
    phone.fill("#password", STAFF_PASSWORD)
    phone.click("button[type=submit]")
    phone.goto(index_url(seeded))
    assert_accessible(phone)
    assert_fits_width(phone)
    phone.select_option("#role", "speaker")
    phone.click("button:has-text('Print badges')")
    assert "No confirmed registration matches these choices" in phone.content()
    assert_accessible(phone)
    assert_fits_width(phone)

    phone.select_option("#role", "")
    phone.check("#layout-2")
    phone.click("button:has-text('Print badges')")
    phone.click("text=See the result")
    assert phone.locator("h1").inner_text() == "All badges"
    assert phone.locator(f"a[href$='/registrations/{unnamed}']").count() == 1
    assert_accessible(phone)
    assert_fits_width(phone)
    phone.goto(index_url(seeded))
    assert phone.locator("table.badge-batches tbody tr").count() == 1
    assert_accessible(phone)
    assert_fits_width(phone)

    phone.goto(f"/staff/c/{seeded.slug}/registrations/{ana}")
    assert "Last printed" in phone.locator(".badge-print").inner_text()
    assert_accessible(phone)
    assert_fits_width(phone)
    with phone.expect_download() as download:
        phone.click("button:has-text('Print badge')")
    assert download.value.suggested_filename == f"badge-{seeded.slug}-{ana}-badge-4x3.pdf"
