"""The registrations console: the list, one registration, staff edits and actions, notes and their audit."""

from __future__ import annotations

import html as html_lib
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import select, update
from sqlalchemy.exc import DBAPIError

from conftest import (
    STAFF_PASSWORD,
    Seeded,
    assert_accessible,
    assert_fits_width,
    assert_role_access,
    attendee,
    counted_queries,
    csrf_token,
    field_errors,
    make_staff,
    seed_convening,
    submit,
)
from convening.audit.models import AuditEntry
from convening.audit.services import COMMAND_LINE
from convening.extensions import db
from convening.mail.models import OutboxMessage
from convening.models import Convening, Registration, StaffNote, TicketType
from convening.registration.console import page_numbers
from convening.registration.models import RegistrationStatus
from convening.registration.services import AttendeeDetails, add_registration, lock_convening
from convening.text import search_key

START = datetime(2027, 1, 4, 15, 0, tzinfo=UTC)  # 9:00 AM in Chicago
STAFF_LABEL = "Staff Person (staff@convening.test)"


# --- building registrations quickly ---------------------------------------------------------------


def person(
    first_name: str, family_name: str = "", email: str | None = None, **fields: Any
) -> AttendeeDetails:
    email = email or search_key(f"{first_name}.{family_name}").replace(" ", "") + "@example.org"
    return AttendeeDetails(first_name=first_name, family_name=family_name, email=email, **fields)


def add_people(
    app: Flask,
    seeded: Seeded,
    *people: AttendeeDetails,
    ticket: str = "Elected official",
    start: datetime = START,
) -> list[int]:
    """Registrations one minute apart from `start`, seated or waitlisted as capacity says, in one commit."""
    with app.app_context():
        convening = db.session.get(Convening, seeded.convening_id)
        ticket_type = db.session.get(TicketType, seeded.tickets[ticket])
        lock_convening(convening.id)
        ids = [
            add_registration(
                convening,
                ticket_type,
                details,
                now=start + timedelta(minutes=number),
                notify=False,
                actor=COMMAND_LINE,
            ).id
            for number, details in enumerate(people)
        ]
        db.session.commit()
        return ids


def many(count: int, prefix: str = "person") -> list[AttendeeDetails]:
    return [
        person(f"{prefix.title()} {number:03d}", "Example", f"{prefix}{number}@example.org")
        for number in range(count)
    ]


def load(app: Flask, registration_id: int) -> Registration:
    with app.app_context():
        registration = db.session.get(Registration, registration_id)
        assert registration is not None
        registration.ticket_type  # noqa: B018 - loaded while the session is open
        return registration


def audit(app: Flask, registration_id: int) -> list[AuditEntry]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(AuditEntry)
                .where(AuditEntry.subject_type == "registration", AuditEntry.subject_id == registration_id)
                .order_by(AuditEntry.id)
            )
        )


def outbox(app: Flask) -> list[tuple[str, str, bool]]:
    """(kind, to, with QR code) of every queued email, oldest first."""
    with app.app_context():
        return [
            (message.kind, message.to_address, message.qr_token is not None)
            for message in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
        ]


def seats(app: Flask, seeded: Seeded, ticket: str = "Elected official") -> tuple[int, int]:
    with app.app_context():
        return (
            db.session.get(Convening, seeded.convening_id).seats_taken,
            db.session.get(TicketType, seeded.tickets[ticket]).seats_taken,
        )


def listed_names(html: str) -> list[str]:
    """Names in the list's rows, in order."""
    return [
        html_lib.unescape(re.sub(r"<[^>]+>", "", name))
        for name in re.findall(r'<th scope="row"><a href="[^"]+">(.*?)</a></th>', html, re.S)
    ]


def page_of(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def flashed(client: FlaskClient, response: Any) -> str:
    """The page a redirected action lands on, with its message."""
    assert response.status_code == 303, response.status_code
    return page_of(client, response.location)


def post_action(client: FlaskClient, url: str, data: dict[str, Any] | None = None) -> Any:
    """POST an action button's form with the CSRF token of the registration page it sits on."""
    detail = url.rsplit("/", 1)[0]
    return client.post(url, data={**(data or {}), "csrf_token": csrf_token(client, detail)})


LIST = "/staff/c/summit/registrations/"


def detail_url(registration_id: int) -> str:
    return f"/staff/c/summit/registrations/{registration_id}"


# --- the list ------------------------------------------------------------------------------------


def test_the_list_shows_each_registration_with_its_status_in_words(app: Flask, staff_client) -> None:
    seeded = seed_convening(app, tickets=[{"name": "Elected official", "capacity": 1}])
    first, second = add_people(
        app,
        seeded,
        person("Héctor", "Ramírez", organization="City of Tucson"),
        person("سارة", "الفاسي", "sara@example.org", organization="مدينة ديربورن"),
    )
    client = staff_client("staff")
    html = page_of(client, LIST)
    assert "Showing 1–2 of 2 registrations." in html
    assert f'href="{detail_url(first)}"><bdi>Héctor Ramírez</bdi></a>' in html
    assert "<bdi>سارة الفاسي</bdi>" in html
    assert "<bdi>مدينة ديربورن</bdi>" in html
    assert '<span class="status-tag status-tag-confirmed">Confirmed</span>' in html
    assert '<span class="status-tag status-tag-waitlisted">On the waiting list</span>' in html
    assert "Jan 4, 2027, 9:01 AM" in html  # the convening's time zone (Chicago), not UTC
    assert (
        '<caption id="registrations-caption">Registrations, sorted by registration date, newest first' in html
    )
    assert 'aria-sort="descending"' in html
    assert listed_names(html) == ["سارة الفاسي", "Héctor Ramírez"]
    assert second


def test_search_ignores_accents_and_case_across_names_email_and_organization(
    app: Flask, staff_client
) -> None:
    seeded = seed_convening(app)
    add_people(
        app,
        seeded,
        person("Héctor", "Ramírez", organization="City of Tucson"),
        person("Nguyễn", "Thị Lan", "lan.nguyen@example.org", organization="City of Garden Grove"),
        person("Siobhán", "O'Connor", "siobhan@example.org", organization="Hennepin County"),
    )
    client = staff_client("staff")
    assert listed_names(page_of(client, f"{LIST}?q=hector")) == ["Héctor Ramírez"]
    assert listed_names(page_of(client, f"{LIST}?q=NGUYEN")) == ["Nguyễn Thị Lan"]
    assert listed_names(page_of(client, f"{LIST}?q=hennepin")) == ["Siobhán O'Connor"]
    assert listed_names(page_of(client, f"{LIST}?q=siobhan%40example")) == ["Siobhán O'Connor"]
    assert listed_names(page_of(client, f"{LIST}?q=city+ramirez")) == ["Héctor Ramírez"]  # every word
    html = page_of(client, f"{LIST}?q=%25")  # a LIKE wildcard is searched for as typed
    assert "No registrations match" in html
    assert 'value="%"' in html


def test_filters_by_status_and_ticket_and_combines_them(app: Flask, staff_client) -> None:
    seeded = seed_convening(
        app,
        tickets=[
            {"name": "Elected official", "capacity": 1},
            {"name": "Staff and partners", "price_cents": 35000},
        ],
    )
    add_people(app, seeded, person("Ana", "Ruiz"), person("Kwame", "Mensah"))
    add_people(
        app, seeded, person("Zoë", "Åberg"), ticket="Staff and partners", start=START + timedelta(hours=1)
    )
    official, partners = seeded.tickets["Elected official"], seeded.tickets["Staff and partners"]
    client = staff_client("staff")
    assert listed_names(page_of(client, f"{LIST}?status=waitlisted")) == ["Kwame Mensah"]
    assert listed_names(page_of(client, f"{LIST}?status=pending_payment")) == ["Zoë Åberg"]
    assert listed_names(page_of(client, f"{LIST}?ticket_type={partners}")) == ["Zoë Åberg"]
    assert listed_names(page_of(client, f"{LIST}?ticket_type={official}&sort=name")) == [
        "Ana Ruiz",
        "Kwame Mensah",
    ]
    html = page_of(client, f"{LIST}?ticket_type={official}&status=confirmed&q=ana")
    assert listed_names(html) == ["Ana Ruiz"]
    assert "Showing 1–1 of 1 registration that match." in html
    assert f'<option selected value="{official}">Elected official</option>' in html
    assert '<option selected value="confirmed">Confirmed</option>' in html


def test_sorting_by_each_column_both_ways(app: Flask, staff_client) -> None:
    seeded = seed_convening(
        app, tickets=[{"name": "Elected official", "capacity": 2}, {"name": "Staff and partners"}]
    )
    add_people(app, seeded, person("Émile", "Zola"), person("bea", "Young"), person("Carla", "Xu"))
    add_people(
        app, seeded, person("Ana", "Wright"), ticket="Staff and partners", start=START + timedelta(hours=1)
    )
    client = staff_client("staff")
    # Names as shown, ignoring case and accents: "bea" between Ana and Carla, "Émile" after them.
    assert listed_names(page_of(client, f"{LIST}?sort=name")) == [
        "Ana Wright",
        "bea Young",
        "Carla Xu",
        "Émile Zola",
    ]
    assert listed_names(page_of(client, f"{LIST}?sort=-name")) == [
        "Émile Zola",
        "Carla Xu",
        "bea Young",
        "Ana Wright",
    ]
    assert listed_names(page_of(client, f"{LIST}?sort=registered")) == [
        "Émile Zola",
        "bea Young",
        "Carla Xu",
        "Ana Wright",
    ]
    assert listed_names(page_of(client, LIST)) == ["Ana Wright", "Carla Xu", "bea Young", "Émile Zola"]
    # Confirmed first, then the waiting list in its order; ties by registration time.
    assert listed_names(page_of(client, f"{LIST}?sort=status")) == [
        "Émile Zola",
        "bea Young",
        "Ana Wright",
        "Carla Xu",
    ]
    assert listed_names(page_of(client, f"{LIST}?sort=-ticket")) == [
        "Ana Wright",
        "Émile Zola",
        "bea Young",
        "Carla Xu",
    ]
    html = page_of(client, f"{LIST}?sort=name&q=a")
    assert 'aria-sort="ascending"' in html
    assert "sorted by name, A to Z" in html
    # The header of the sorted column flips it and keeps the search; other columns start fresh.
    assert 'href="/staff/c/summit/registrations/?q=a&amp;sort=-name"' in html
    assert 'href="/staff/c/summit/registrations/?q=a&amp;sort=status"' in html
    assert 'href="/staff/c/summit/registrations/?q=a"' in html  # "Registered": the default, newest first


def test_pages_of_fifty_with_numbers_previous_and_next(app: Flask, staff_client) -> None:
    seeded = seed_convening(app)
    add_people(app, seeded, *many(120))
    client = staff_client("staff")
    first = page_of(client, f"{LIST}?sort=name")
    assert "Showing 1–50 of 120 registrations." in first
    assert listed_names(first)[0] == "Person 000 Example"
    assert len(listed_names(first)) == 50
    assert "Previous</span>" in first  # shown, not a link, on the first page
    second = page_of(client, f"{LIST}?sort=name&page=2")
    assert "Showing 51–100 of 120 registrations." in second
    assert listed_names(second)[0] == "Person 050 Example"
    assert 'href="/staff/c/summit/registrations/?sort=name" rel="prev"' in second
    assert 'href="/staff/c/summit/registrations/?sort=name&amp;page=3" rel="next"' in second
    assert 'aria-current="page"><span class="visually-hidden">Page </span>2</a>' in second
    last = page_of(client, f"{LIST}?sort=name&page=3")
    assert "Showing 101–120 of 120 registrations." in last
    assert len(listed_names(last)) == 20
    assert "Next</span>" in last
    assert listed_names(page_of(client, f"{LIST}?sort=name&page=40")) == listed_names(last)  # past the end


@pytest.mark.parametrize(
    ("current", "pages", "shown"),
    [
        (1, 1, [1]),
        (2, 3, [1, 2, 3]),
        (5, 10, [1, 2, 3, 4, 5, 6, 7, None, 10]),  # never "1 … 3": the one page is shown
        (50, 100, [1, None, 48, 49, 50, 51, 52, None, 100]),
        (100, 100, [1, None, 98, 99, 100]),
    ],
)
def test_the_pager_shows_the_ends_and_the_pages_around_the_current(
    current: int, pages: int, shown: list[int | None]
) -> None:
    assert page_numbers(current, pages) == shown


def test_the_list_costs_the_same_queries_for_one_row_or_fifty(app: Flask, staff_client) -> None:
    seeded = seed_convening(app, tickets=[{"name": "Elected official"}, {"name": "Staff and partners"}])
    add_people(app, seeded, person("Ana", "Ruiz"))
    client = staff_client("staff")
    page_of(client, LIST)  # warm up
    with counted_queries(app) as one_row:
        page_of(client, LIST)
    add_people(app, seeded, *many(30), start=START + timedelta(days=1))
    add_people(app, seeded, *many(30, "guest"), ticket="Staff and partners", start=START + timedelta(days=2))
    with counted_queries(app) as fifty_rows:
        assert len(listed_names(page_of(client, LIST))) == 50
    assert len(fifty_rows) == len(one_row)
    assert sum("count(" in statement.lower() for statement in fifty_rows) == 1


@pytest.mark.parametrize(
    "query",
    [
        "page=-3",
        "page=abc",
        "page=0",
        "page=1e3",
        "page=99999999999999999999",
        "page=%EF%BC%92",  # a full-width digit
        "sort=DROP",
        "sort=--name",
        "sort=name%3BDROP+TABLE+registrations",
        "status=bogus",
        "status=CONFIRMED",
        "status=confirmed&status=bogus",
        "ticket_type=999999",
        "ticket_type=abc",
        "ticket_type=-1",
        "ticket_type=99999999999999999999999",
        "q=%00",
        "q=%1B%5B31m",
        "q=%E2%80%AEevil",
        "q=" + "a" * 10_000,
        "q=%27+OR+1%3D1+--",
        "q=%5C",
        "q=_",
    ],
)
def test_bad_list_parameters_fall_back_and_never_fail(app: Flask, staff_client, query: str) -> None:
    seeded = seed_convening(app)
    add_people(app, seeded, person("Héctor", "Ramírez"))
    response = staff_client("staff").get(f"{LIST}?{query}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Traceback" not in html
    assert "<h1>Registrations</h1>" in html


def test_bad_filters_say_so_beside_their_field(app: Flask, staff_client) -> None:
    seeded = seed_convening(app)
    add_people(app, seeded, person("Héctor", "Ramírez"))
    other = seed_convening(app, slug="other", tickets=[{"name": "Other ticket"}])
    client = staff_client("staff")
    html = page_of(client, f"{LIST}?status=bogus&ticket_type={other.tickets['Other ticket']}")
    assert field_errors(html) == [
        "Choose one from the list; until then every status is shown.",
        "Choose one from the list; until then every ticket is shown.",
    ]
    assert listed_names(html) == ["Héctor Ramírez"]
    assert "Other ticket" not in html
    long = page_of(client, f"{LIST}?q={'a' * 10_000}")
    assert field_errors(long) == ["Keep this under 200 characters."]
    assert listed_names(long) == ["Héctor Ramírez"]
    control = page_of(client, f"{LIST}?q=h%1Bector")
    assert field_errors(control) == ["Remove the invisible control characters."]


def test_empty_states_say_what_to_do(app: Flask, staff_client) -> None:
    seed_convening(app)
    client = staff_client("staff")
    html = page_of(client, LIST)
    assert "No one has registered yet" in html
    assert 'href="/c/summit/register"' in html
    html = page_of(client, f"{LIST}?q=nobody&sort=name")
    assert "No registrations match" in html
    assert '<a href="/staff/c/summit/registrations/?sort=name">clear the search and filters</a>' in html


def test_the_export_link_carries_the_filters(app: Flask, staff_client) -> None:
    seeded = seed_convening(app)
    add_people(app, seeded, person("Héctor", "Ramírez"))
    html = page_of(staff_client("staff"), f"{LIST}?q=hector&status=bogus&ticket_type=&sort=name&page=1")
    if "registration_imports.export" not in app.view_functions:
        assert "Download as CSV" not in html
        return
    with app.test_request_context():
        export = url_for("registration_imports.export", slug="summit", q="hector")  # the valid filters only
    assert f'<a class="button" href="{escape(export)}">Download as CSV' in html


def test_unknown_convening_is_a_404(app: Flask, staff_client) -> None:
    seed_convening(app)
    assert staff_client("staff").get("/staff/c/nowhere/registrations/").status_code == 404


# --- one registration ----------------------------------------------------------------------------


def test_the_page_of_a_registration_shows_everything_about_them(app: Flask, staff_client) -> None:
    seeded = seed_convening(app, tickets=[{"name": "Elected official", "capacity": 1}])
    _, _, waiting = add_people(
        app,
        seeded,
        person("Ana", "Ruiz"),
        person("Kwame", "Mensah"),
        person(
            "Héctor",
            "Ramírez",
            badge_name="Héctor R.",
            pronouns="he/him",
            title="City Council Member, District 3",
            organization="City of Tucson",
            city="Tucson",
            state="AZ",
            phone="(520) 555-0143",
            accessibility_needs="Step-free access to the plenary hall.",
            listed_in_directory=True,
        ),
    )
    registration = load(app, waiting)
    html = page_of(staff_client("staff"), detail_url(waiting))
    for shown in (
        "<bdi>Héctor Ramírez</bdi>",
        "<bdi>Héctor R.</bdi>",
        "he/him",
        "City Council Member, District 3",
        "City of Tucson",
        "Tucson, AZ",
        'href="mailto:hector.ramirez@example.org"',
        'href="tel:(520)555-0143"',
        "Step-free access to the plenary hall.",
        "Listed",
        "Elected official (Free)",
        "Number <strong>2</strong> on the waiting list for Elected official.",
        "1 person waits ahead of them.",
        registration.badge_token,
        f"http://convening.test/c/summit/r/{registration.manage_secret}",
        "Confirm from the waiting list",
        "Resend the waiting-list email",
        "Monday, January 4, 2027 at 9:02 AM CST",
        "Registered: on the waiting list, Elected official",  # the history
        "Command line",
    ):
        assert shown in html, shown


def test_a_registration_of_another_convening_or_none_at_all_is_a_404(app: Flask, staff_client) -> None:
    seed_convening(app)
    other = seed_convening(app, slug="other")
    [elsewhere] = add_people(app, other, person("Ana", "Ruiz"))
    client = staff_client("staff")
    for path in ("", "/edit", "/cancel"):
        assert client.get(f"{detail_url(elsewhere)}{path}").status_code == 404
    assert client.get(f"/staff/c/other/registrations/{elsewhere}").status_code == 200
    for missing in ("999999", "0", "99999999999999999999999", "abc", "-1"):
        assert client.get(f"/staff/c/summit/registrations/{missing}").status_code == 404
    token = csrf_token(client, f"/staff/c/other/registrations/{elsewhere}")
    for action in ("confirm", "paid", "resend", "notes", "cancel"):
        response = client.post(f"{detail_url(elsewhere)}/{action}", data={"csrf_token": token, "body": "x"})
        assert response.status_code == 404, action
    assert load(app, elsewhere).status == RegistrationStatus.CONFIRMED
    assert audit(app, elsewhere)[-1].action == "registration.create"


# --- edit ----------------------------------------------------------------------------------------


def test_staff_change_details_and_the_diff_is_recorded_and_shown(app: Flask, staff_client) -> None:
    seeded = seed_convening(app)
    [hector] = add_people(app, seeded, person("Hector", "Ramirez", "hector@example.org"))
    before = load(app, hector)
    client = staff_client("staff")
    edit_url = f"{detail_url(hector)}/edit"
    form = page_of(client, edit_url)
    assert 'value="hector@example.org"' in form
    response = submit(
        client,
        edit_url,
        attendee(
            first_name="Héctor",
            family_name="Ramírez",
            email="h.ramirez@example.org",
            organization="City of Tucson",
        ),
    )
    html = flashed(client, response)
    assert "Saved the details of Héctor Ramírez." in html
    after = load(app, hector)
    assert (after.first_name, after.email, after.badge_token) == (
        "Héctor",
        "h.ramirez@example.org",
        before.badge_token,
    )
    entry = audit(app, hector)[-1]
    assert entry.action == "registration.update"
    assert entry.actor_label == STAFF_LABEL
    assert entry.changes["first_name"] == ["Hector", "Héctor"]
    assert entry.changes["email"] == ["hector@example.org", "h.ramirez@example.org"]
    assert "<del><bdi>Hector</bdi></del> → <ins><bdi>Héctor</bdi></ins>" in html
    assert outbox(app) == [("email_changed", "hector@example.org", False)]  # the old address is told


def test_edits_with_wrong_answers_or_a_taken_email_are_refused_with_messages(
    app: Flask, staff_client
) -> None:
    seeded = seed_convening(app)
    hector, _ = add_people(app, seeded, person("Héctor", "Ramírez"), person("Ana", "Ruiz", "ana@example.org"))
    client = staff_client("staff")
    edit_url = f"{detail_url(hector)}/edit"
    wrong = submit(client, edit_url, attendee(first_name="", email="not an email", dietary="bogus"))
    assert wrong.status_code == 422
    errors = field_errors(wrong.get_data(as_text=True))
    assert "Enter your first name." in errors
    assert "Not a valid choice." in errors
    taken = submit(client, edit_url, attendee(email="ANA@example.org"))
    assert taken.status_code == 422
    assert (
        "Another active registration already uses ana@example.org. Search the list for it."
        in field_errors(taken.get_data(as_text=True))
    )
    assert load(app, hector).email == "hector.ramirez@example.org"
    assert [entry.action for entry in audit(app, hector)] == ["registration.create"]


# --- cancel --------------------------------------------------------------------------------------


def test_staff_cancel_after_a_confirm_page_and_the_seat_goes_to_the_waiting_list(
    app: Flask, staff_client
) -> None:
    seeded = seed_convening(app, tickets=[{"name": "Elected official", "capacity": 1}])
    ana, kwame = add_people(app, seeded, person("Ana", "Ruiz"), person("Kwame", "Mensah"))
    client = staff_client("staff")
    page = page_of(client, f"{detail_url(ana)}/cancel")
    assert "Their seat goes at once to the longest-waiting person" in page
    assert load(app, ana).status == RegistrationStatus.CONFIRMED  # looking at the page changes nothing
    response = client.post(
        f"{detail_url(ana)}/cancel", data={"csrf_token": csrf_token(client, detail_url(ana))}
    )
    html = flashed(client, response)
    assert "Cancelled the registration of Ana Ruiz; they have been emailed." in html
    assert "Kwame Mensah gets the seat from the waiting list and has been emailed." in html
    assert load(app, ana).status == RegistrationStatus.CANCELLED
    assert load(app, kwame).status == RegistrationStatus.CONFIRMED
    assert seats(app, seeded) == (1, 1)
    assert outbox(app) == [
        ("cancelled", "ana.ruiz@example.org", False),
        ("promoted", "kwame.mensah@example.org", True),
    ]
    cancelled = audit(app, ana)[-1]
    assert (cancelled.action, cancelled.actor_label) == ("registration.cancel", STAFF_LABEL)
    assert audit(app, kwame)[-1].action == "registration.promote"
    assert "Cancelled (was confirmed)" in html
    assert "Change details" not in html  # no actions on a cancelled registration

    again = client.post(f"{detail_url(ana)}/cancel", data={"csrf_token": csrf_token(client, detail_url(ana))})
    assert "This registration was already cancelled." in flashed(client, again)
    assert len(outbox(app)) == 2
    edit = client.get(f"{detail_url(ana)}/edit")
    assert "This registration is cancelled, so its details stay as they were." in flashed(client, edit)


# --- confirm from the waiting list by hand -------------------------------------------------------


def test_staff_confirm_someone_from_the_waiting_list_ahead_of_its_order(app: Flask, staff_client) -> None:
    seeded = seed_convening(app, tickets=[{"name": "Elected official", "capacity": 1}])
    _, first_waiting, guest = add_people(
        app, seeded, person("Ana", "Ruiz"), person("Kwame", "Mensah"), person("Zoë", "Åberg")
    )
    with app.app_context():  # an admin raised the capacity; the seat is free but nobody was promoted yet
        db.session.execute(update(TicketType).values(capacity=2))
        db.session.commit()
    client = staff_client("staff")
    response = post_action(client, f"{detail_url(guest)}/confirm")
    html = flashed(client, response)
    assert "Zoë Åberg is confirmed and has been emailed." in html
    confirmed = load(app, guest)
    assert confirmed.status == RegistrationStatus.CONFIRMED
    assert confirmed.confirmed_at is not None
    assert load(app, first_waiting).status == RegistrationStatus.WAITLISTED
    assert seats(app, seeded) == (2, 2)
    assert outbox(app) == [("promoted", "zoe.aberg@example.org", True)]
    entry = audit(app, guest)[-1]
    assert entry.action == "registration.confirm"
    assert entry.actor_label == STAFF_LABEL
    assert (
        entry.summary
        == "Confirmed from the waiting list by staff, bypassing its order (was number 2): confirmed"
    )
    assert entry.changes == {"status": ["On the waiting list", "Confirmed"]}
    assert "bypassing its order" in html


def test_confirming_a_paid_ticket_by_hand_holds_the_seat_for_payment(app: Flask, staff_client) -> None:
    seeded = seed_convening(app, tickets=[{"name": "Partner", "price_cents": 35000, "capacity": 0}])
    [zoe] = add_people(app, seeded, person("Zoë", "Åberg"), ticket="Partner")
    with app.app_context():
        db.session.execute(update(TicketType).values(capacity=1))
        db.session.commit()
    client = staff_client("staff")
    html = flashed(client, post_action(client, f"{detail_url(zoe)}/confirm"))
    assert "Zoë Åberg has a seat held until payment and has been emailed." in html
    assert load(app, zoe).status == RegistrationStatus.PENDING_PAYMENT
    assert outbox(app) == [("promoted", "zoe.aberg@example.org", False)]  # no QR code before payment


def test_confirming_by_hand_is_refused_when_no_seat_is_free(app: Flask, staff_client) -> None:
    seeded = seed_convening(app, tickets=[{"name": "Elected official", "capacity": 900}])
    with app.app_context():
        db.session.execute(update(TicketType).values(seats_taken=899))
        db.session.execute(update(Convening).values(seats_taken=899))
        db.session.commit()
    _, waiting = add_people(app, seeded, person("Ana", "Ruiz"), person("Kwame", "Mensah"))
    client = staff_client("staff")
    html = flashed(client, post_action(client, f"{detail_url(waiting)}/confirm"))
    assert "No seat is free for Elected official (900 of 900 taken). Raise its capacity first." in html
    assert load(app, waiting).status == RegistrationStatus.WAITLISTED
    assert seats(app, seeded) == (900, 900)
    assert outbox(app) == []
    assert [entry.action for entry in audit(app, waiting)] == ["registration.create"]


def test_confirming_by_hand_respects_the_overall_capacity_too(app: Flask, staff_client) -> None:
    seeded = seed_convening(
        app, capacity=1, tickets=[{"name": "Elected official"}, {"name": "Staff and partners"}]
    )
    add_people(app, seeded, person("Ana", "Ruiz"))
    [waiting] = add_people(
        app, seeded, person("Kwame", "Mensah"), ticket="Staff and partners", start=START + timedelta(hours=1)
    )
    client = staff_client("staff")
    html = flashed(client, post_action(client, f"{detail_url(waiting)}/confirm"))
    assert (
        "No seat is free at the convening (1 of 1 taken). Raise the convening&#39;s overall capacity first."
        in html
    )
    assert load(app, waiting).status == RegistrationStatus.WAITLISTED
    assert seats(app, seeded, "Staff and partners") == (1, 0)


def test_only_someone_waiting_can_be_confirmed_from_the_waiting_list(app: Flask, staff_client) -> None:
    seeded = seed_convening(app)
    [ana] = add_people(app, seeded, person("Ana", "Ruiz"))
    client = staff_client("staff")
    html = flashed(client, post_action(client, f"{detail_url(ana)}/confirm"))
    assert "This registration is no longer on the waiting list: it is confirmed." in html
    assert seats(app, seeded) == (1, 1)


# --- payment, resending, notes -------------------------------------------------------------------


def test_marking_a_held_seat_as_paid_confirms_it_and_emails_the_qr_code(app: Flask, staff_client) -> None:
    seeded = seed_convening(app, tickets=[{"name": "Partner", "price_cents": 35000}])
    [zoe] = add_people(app, seeded, person("Zoë", "Åberg"), ticket="Partner")
    client = staff_client("staff")
    detail = page_of(client, detail_url(zoe))
    assert "Amount due: <strong>$350</strong>" in detail
    html = flashed(client, post_action(client, f"{detail_url(zoe)}/paid"))
    assert "Marked as paid: Zoë Åberg is confirmed and has their QR code by email." in html
    registration = load(app, zoe)
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.confirmed_at is not None
    assert outbox(app) == [("confirmed", "zoe.aberg@example.org", True)]
    entry = audit(app, zoe)[-1]
    assert (entry.action, entry.summary, entry.actor_label) == (
        "registration.paid",
        "Marked as paid ($350): confirmed",
        STAFF_LABEL,
    )
    again = flashed(client, post_action(client, f"{detail_url(zoe)}/paid"))
    assert "Only a registration with payment pending can be marked as paid; this one is confirmed." in again
    assert len(outbox(app)) == 1


@pytest.mark.parametrize(
    ("capacity", "price", "kind", "with_qr"),
    [(None, 0, "confirmed", True), (None, 35000, "pending_payment", False), (0, 0, "waitlisted", False)],
)
def test_resending_sends_the_email_for_the_current_status(
    app: Flask, staff_client, capacity: int | None, price: int, kind: str, with_qr: bool
) -> None:
    seeded = seed_convening(
        app, tickets=[{"name": "Elected official", "capacity": capacity, "price_cents": price}]
    )
    [ana] = add_people(app, seeded, person("Ana", "Ruiz"))
    client = staff_client("staff")
    html = flashed(client, post_action(client, f"{detail_url(ana)}/resend"))
    assert "The email is on its way again to ana.ruiz@example.org." in html
    assert outbox(app) == [(kind, "ana.ruiz@example.org", with_qr)]
    assert audit(app, ana)[-1].action == "registration.resend"


def test_nothing_is_resent_for_a_cancelled_registration(app: Flask, staff_client) -> None:
    seeded = seed_convening(app)
    [ana] = add_people(app, seeded, person("Ana", "Ruiz"))
    client = staff_client("staff")
    client.post(f"{detail_url(ana)}/cancel", data={"csrf_token": csrf_token(client, detail_url(ana))})
    html = flashed(client, post_action(client, f"{detail_url(ana)}/resend"))
    assert "This registration is cancelled, so there is no confirmation to resend." in html
    assert [kind for kind, _, _ in outbox(app)] == ["cancelled"]


def test_staff_notes_are_shown_newest_first_and_never_change(app: Flask, staff_client) -> None:
    seeded = seed_convening(app)
    [ana] = add_people(app, seeded, person("Ana", "Ruiz"))
    client = staff_client("staff")
    for body in ("Called about wheelchair seating.\nShe needs an aisle seat.", "Sent the  parking map."):
        html = flashed(client, post_action(client, f"{detail_url(ana)}/notes", {"body": body}))
        assert "Note added." in html
    assert html.index("Sent the parking map.") < html.index("Called about wheelchair seating.")
    assert f"<bdi>{STAFF_LABEL}</bdi>" in html
    with app.app_context():
        notes = db.session.scalars(select(StaffNote).order_by(StaffNote.id)).all()
        assert [note.body for note in notes] == [
            "Called about wheelchair seating.\nShe needs an aisle seat.",
            "Sent the parking map.",
        ]
        assert notes[0].author_label == STAFF_LABEL
        with pytest.raises(DBAPIError, match="never changed"):
            db.session.execute(update(StaffNote).values(body="Nothing happened."))
        db.session.rollback()
    assert [entry.summary for entry in audit(app, ana)][-2:] == ["Added a staff note", "Added a staff note"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "Write the note first, then add it."),
        ("   \n  ", "Write the note first, then add it."),
        ("x" * 2001, "Keep this under 2000 characters."),
        ("bell\x07", "Remove the invisible control characters."),
        ("\u202egnp.exe", "Remove the invisible text-direction characters."),
    ],
)
def test_a_note_that_cannot_be_kept_is_refused_with_a_message(
    app: Flask, staff_client, body: str, message: str
) -> None:
    seeded = seed_convening(app)
    [ana] = add_people(app, seeded, person("Ana", "Ruiz"))
    client = staff_client("staff")
    response = post_action(client, f"{detail_url(ana)}/notes", {"body": body})
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True)) == [message]
    with app.app_context():
        assert db.session.scalars(select(StaffNote)).all() == []


def test_actions_need_a_post_with_its_token(app: Flask, staff_client) -> None:
    seeded = seed_convening(app, tickets=[{"name": "Elected official", "capacity": 1}])
    _, waiting = add_people(app, seeded, person("Ana", "Ruiz"), person("Kwame", "Mensah"))
    client = staff_client("staff")
    for action in ("confirm", "paid", "resend", "notes"):
        assert client.get(f"{detail_url(waiting)}/{action}").status_code == 405
        forged = client.post(f"{detail_url(waiting)}/{action}", data={"body": "x"})
        assert forged.status_code == 400
        assert "This page expired" in forged.get_data(as_text=True)
    forged = client.post(f"{detail_url(waiting)}/cancel")
    assert forged.status_code == 400
    assert load(app, waiting).status == RegistrationStatus.WAITLISTED
    assert [entry.action for entry in audit(app, waiting)] == ["registration.create"]


# --- who may do what -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("GET", "", None),
        ("GET", "{id}", None),
        ("GET", "{id}/edit", None),
        ("POST", "{id}/edit", attendee()),
        ("GET", "{id}/cancel", None),
        ("POST", "{id}/cancel", None),
        ("POST", "{id}/confirm", None),
        ("POST", "{id}/paid", None),
        ("POST", "{id}/resend", None),
        ("POST", "{id}/notes", {"body": "Called about seating."}),
    ],
)
def test_each_registrations_route_admits_staff_and_admins_only(
    app: Flask, method: str, path: str, data: dict[str, Any] | None
) -> None:
    seeded = seed_convening(app, tickets=[{"name": "Elected official", "capacity": 1}])
    _, waiting = add_people(app, seeded, person("Ana", "Ruiz"), person("Kwame", "Mensah"))
    url = LIST + path.format(id=waiting)
    statuses = assert_role_access(app, method, url, "staff", data=data)
    expected = 200 if method == "GET" else 303
    assert (statuses["staff"], statuses["admin"]) == (expected, expected)


# --- in a browser at phone size ------------------------------------------------------------------


@pytest.mark.browser
def test_the_list_and_a_registration_work_on_a_phone(app: Flask, phone: Any) -> None:
    seeded = seed_convening(app, tickets=[{"name": "Elected official", "capacity": 60}])
    add_people(app, seeded, *many(59), person("Nguyễn", "Thị Lan", organization="City of Garden Grove"))
    [waiting] = add_people(
        app, seeded, person("سارة", "الفاسي", "sara@example.org"), start=START + timedelta(days=1)
    )
    email = make_staff(app, "staff")
    phone.goto("/staff/login")
    phone.fill("#email", email)
    phone.fill("#password", STAFF_PASSWORD)
    phone.click("button[type=submit]")
    phone.goto(LIST)
    assert_accessible(phone)
    assert_fits_width(phone)
    phone.goto(f"{LIST}?status=bogus&q=nobody")  # a field error and the empty state
    assert_accessible(phone)
    assert_fits_width(phone)
    phone.goto(LIST)
    phone.fill("#q", "nguyen")
    phone.press("#q", "Enter")
    assert phone.locator("tbody tr").count() == 1
    phone.click("text=Nguyễn Thị Lan")
    assert phone.locator("h1").inner_text() == "Nguyễn Thị Lan"
    phone.fill("#body", "Prefers email to phone calls.")
    phone.click("button:has-text('Add note')")
    assert "Note added." in phone.content()
    assert_accessible(phone)
    assert_fits_width(phone)
    phone.goto(detail_url(waiting))
    assert_accessible(phone)
    assert_fits_width(phone)
    phone.goto(f"{detail_url(waiting)}/edit")
    assert_accessible(phone)
    assert_fits_width(phone)
    phone.goto(f"{detail_url(waiting)}/cancel")
    assert_accessible(phone)
    phone.click("button:has-text('Yes, cancel this registration')")
    assert "Cancelled the registration of سارة الفاسي" in phone.content()
    assert load(app, waiting).status == RegistrationStatus.CANCELLED
