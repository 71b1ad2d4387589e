"""The staff console in a real browser: sign in, find someone, fix their badge, export the list."""

from __future__ import annotations

import csv
import io
import re

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import select

from conftest import (
    STAFF_PASSWORD,
    assert_accessible,
    assert_fits_width,
    make_staff,
    seed_convening,
)
from convening.audit.models import AuditEntry
from convening.extensions import db
from convening.models import Convening, Registration, TicketType
from convening.registration.services import AttendeeDetails, register

pytestmark = pytest.mark.browser

PEOPLE = [
    ("Héctor", "Ramírez", "hector@example.org", "City of Tucson"),
    ("Minh Khai", "Nguyễn Thị", "khai@example.org", "City of Garden Grove"),
    ("小龍", "李", "lee@example.org", "City of Oakland"),
    ("محمد", "عبد الله", "mohamed@example.org", "City of Dearborn"),
]


def seed_people(app: Flask) -> None:
    seeded = seed_convening(app)
    with app.app_context():
        convening = db.session.get(Convening, seeded.convening_id)
        ticket_type = db.session.get(TicketType, seeded.tickets["Elected official"])
        for first, family, email, organization in PEOPLE:
            register(
                convening,
                ticket_type,
                AttendeeDetails(first_name=first, family_name=family, email=email, organization=organization),
                notify=False,
            )


def sign_in(page: Page, email: str) -> None:
    page.goto("/staff/login")
    assert_accessible(page)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Convenings")).to_be_visible()


def test_staff_find_a_registration_edit_it_and_export_the_list(app: Flask, browser, live_server: str) -> None:
    seed_people(app)
    email = make_staff(app, "staff", name="Ana Ruiz")
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, base_url=live_server, accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        sign_in(page, email)
        assert_accessible(page)
        page.get_by_role("link", name=re.compile("Open the dashboard")).click()
        assert_accessible(page)
        page.get_by_role("navigation", name="Console").get_by_role("link", name="Registrations").click()
        assert_accessible(page)

        page.get_by_role("searchbox").fill("nguyen")
        page.get_by_role("button", name="Search").click()
        rows = page.locator("table tbody tr")
        expect(rows).to_have_count(1)
        rows.first.get_by_role("link").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Minh Khai Nguyễn Thị")
        assert_accessible(page)

        page.get_by_role("link", name="Change details").click()
        assert_accessible(page)
        page.get_by_label("Name on your badge").fill("Nguyễn Thị Minh Khai")
        page.get_by_label("Title or office").fill("Council Member, District 4")
        page.get_by_role("button", name=re.compile("Save")).click()
        expect(page.locator(".notice-success")).to_be_visible()
        expect(page.get_by_text("Nguyễn Thị Minh Khai").first).to_be_visible()
        history = page.locator(".history")
        expect(history).to_contain_text("Ana Ruiz")
        assert_accessible(page)

        page.get_by_role("navigation", name="Console").get_by_role("link", name="Registrations").click()
        with page.expect_download() as download_info:
            page.get_by_role("link", name=re.compile("Download as CSV")).click()
        download = download_info.value
        content = open(download.path(), "rb").read()  # noqa: SIM115 - a one-off read of a temp file
    finally:
        context.close()

    assert content.startswith(b"\xef\xbb\xbf")  # the BOM that makes Excel read UTF-8
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert len(rows) == len(PEOPLE)
    khai = next(row for row in rows if "khai@example.org" in row.values())
    assert "Nguyễn Thị Minh Khai" in khai.values()
    assert "Council Member, District 4" in khai.values()
    assert {"李", "عبد الله"} <= {value for row in rows for value in row.values()}
    with app.app_context():
        person = db.session.scalar(select(Registration).where(Registration.email == "khai@example.org"))
        assert person.badge_name == "Nguyễn Thị Minh Khai"
        entry = db.session.scalars(
            select(AuditEntry).where(
                AuditEntry.subject_id == person.id, AuditEntry.action == "registration.update"
            )
        ).one()
        assert entry.actor_label == f"Ana Ruiz ({email})"
        assert entry.changes["badge_name"] == ["Minh Khai Nguyễn Thị", "Nguyễn Thị Minh Khai"]


def test_account_import_and_job_pages_pass_axe_on_a_phone(app: Flask, phone: Page) -> None:
    seed_people(app)
    admin = make_staff(app, "admin")
    phone.set_default_timeout(10_000)
    sign_in(phone, admin)
    assert_fits_width(phone)
    for path in ("/staff/password", "/staff/users/", "/staff/users/1", "/staff/c/summit/import"):
        phone.goto(path)
        assert_accessible(phone)
        assert_fits_width(phone)

    phone.goto("/staff/c/summit/import")
    phone.get_by_label(re.compile("Ticket")).select_option(label="Elected official")
    spreadsheet = (
        "First name,Family name,Email\nAmara,Okafor,amara@example.org\nJoão,Silva,joao@example.org\n"
    )
    phone.get_by_label("CSV file").set_input_files(
        files=[
            {
                "name": "partners.csv",
                "mimeType": "text/csv",
                "buffer": spreadsheet.encode(),
            }
        ]
    )
    phone.get_by_role("button", name=re.compile("Check")).click()
    expect(phone.get_by_text(re.compile("2 registrations are ready"))).to_be_visible()
    assert_accessible(phone)
    assert_fits_width(phone)
    phone.get_by_role("button", name=re.compile("Import 2")).click()
    expect(phone.get_by_role("progressbar", name="Progress")).to_be_visible()
    assert_accessible(phone)  # the job page
    phone.get_by_role("link", name="See the result").click()
    expect(phone.get_by_text(re.compile("imported", re.IGNORECASE)).first).to_be_visible()
    assert_accessible(phone)
    with app.app_context():
        assert db.session.scalar(
            select(Registration).where(Registration.email == "joao@example.org")
        ).first_name == ("João")
