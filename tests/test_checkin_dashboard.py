"""The live check-in dashboard: arrivals, who is in by ticket type and session, scans, stations, conflicts.

Scans are written as rows, as the check-in API leaves them; an admission taken back counts nowhere.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from html import unescape
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from test_badges_console import add_person, cancel_person

from conftest import (
    STAFF_PASSWORD,
    Seeded,
    assert_accessible,
    assert_fits_width,
    assert_role_access,
    counted_queries,
    make_staff,
    seed_convening,
)
from convening.checkin.dashboard import checkin_dashboard
from convening.checkin.models import CheckIn, CheckInResult, CheckInUndo, Station
from convening.extensions import db
from convening.formatting import clock
from convening.program.models import ProgramSession, Room, SessionKind, SlotKind, TimeSlot

OK, ALREADY, UNKNOWN = CheckInResult.OK, CheckInResult.ALREADY_CHECKED_IN, CheckInResult.UNKNOWN
CHICAGO = ZoneInfo("America/Chicago")
LONG_NAME = "Zoë <b>Ñúñez</b>-Castellanos de la Vega y Montenegro-Alarcón"
URL = "/staff/c/summit/checkin/dashboard"


def local(hour: int, minute: int, day: int = 15) -> datetime:
    """A moment on the convening's clock (June 2027, Chicago), as stored: UTC."""
    return datetime(2027, 6, day, hour, minute, tzinfo=CHICAGO).astimezone(UTC)


@dataclass
class Event:
    seeded: Seeded
    people: dict[str, int]
    stations: dict[str, int]
    sessions: dict[str, int]


def add_scan(
    app: Flask,
    event: Event,
    person: str | None,
    station: str | None,
    at: datetime,
    result: CheckInResult = OK,
    *,
    session: str | None = None,
    offline: CheckInResult | None = None,
    text: str = "",
    by_label: str = "",
) -> int:
    with app.app_context():
        entry = CheckIn(
            convening_id=event.seeded.convening_id,
            registration_id=event.people[person] if person else None,
            station_id=event.stations[station] if station else None,
            session_id=event.sessions[session] if session else None,
            result=result,
            nonce=secrets.token_hex(8),
            scanned_text=text,
            scanned_at=at,
            recorded_at=at,
            local_result=offline,
            by_label=by_label,
        )
        db.session.add(entry)
        db.session.commit()
        return entry.id


def undo(app: Flask, check_in_id: int) -> None:
    with app.app_context():
        db.session.add(CheckInUndo(check_in_id=check_in_id, by_label="Station Front door, left"))
        db.session.commit()


def build(app: Flask) -> Event:
    """A first morning: three people in at the front door, one taken back, one badge admitted twice."""
    seeded = seed_convening(app, tickets=[{"name": "Elected official"}, {"name": "Press pass"}])
    people = {name: add_person(app, seeded, name) for name in ("Ana Lima", "Bao Tran", "Chen Wu", LONG_NAME)}
    people["Dmitri Ivanov"] = add_person(app, seeded, "Dmitri Ivanov", ticket="Press pass")
    cancel_person(app, people["Chen Wu"])
    with app.app_context():
        room = Room(convening_id=seeded.convening_id, name="Hall B", capacity=40)
        morning = TimeSlot(
            convening_id=seeded.convening_id,
            starts_at=local(10, 0),
            ends_at=local(11, 0),
            kind=SlotKind.BREAKOUT,
        )
        db.session.add_all([room, morning])
        db.session.flush()
        sessions = {
            "Zoning 101": ProgramSession(
                convening_id=seeded.convening_id,
                kind=SessionKind.BREAKOUT,
                title="Zoning 101",
                capacity=1,
                time_slot=morning,
            ),
            "Transit workshop": ProgramSession(
                convening_id=seeded.convening_id,
                kind=SessionKind.BREAKOUT,
                title="Transit workshop",
                room=room,
            ),
            "Budget clinic": ProgramSession(
                convening_id=seeded.convening_id, kind=SessionKind.BREAKOUT, title="Budget clinic"
            ),
            "Housing roundtable": ProgramSession(
                convening_id=seeded.convening_id, kind=SessionKind.BREAKOUT, title="Housing roundtable"
            ),
        }
        db.session.add_all(sessions.values())
        db.session.flush()
        stations = {
            "Front door, left": Station(session_id=None, last_seen_at=local(9, 40)),
            "Front door, right": Station(session_id=None, last_seen_at=local(8, 0)),  # scans arrive later
            "Room 101": Station(session_id=sessions["Zoning 101"].id),
            "Room 204": Station(session_id=sessions["Housing roundtable"].id),  # nobody yet
            "Lost phone": Station(session_id=None, revoked_at=local(7, 55)),
        }
        for name, station in stations.items():
            station.name = name
            station.convening_id = seeded.convening_id
            station.key_digest = secrets.token_hex(32)
        db.session.add_all(stations.values())
        db.session.commit()
        event = Event(
            seeded,
            people,
            {name: station.id for name, station in stations.items()},
            {title: session.id for title, session in sessions.items()},
        )
    add_scan(app, event, "Ana Lima", "Front door, left", local(8, 31))
    add_scan(app, event, "Bao Tran", "Front door, left", local(8, 47))
    # The right-hand desk lost the Wi-Fi, showed Bao green again, and sent the scan when it came back.
    add_scan(app, event, "Bao Tran", "Front door, right", local(8, 52), ALREADY, offline=OK)
    undo(app, add_scan(app, event, "Dmitri Ivanov", "Front door, left", local(9, 5)))
    add_scan(app, event, None, "Front door, left", local(9, 10), UNKNOWN, text="C1<b>FORGED</b>")
    add_scan(app, event, LONG_NAME, "Front door, right", local(9, 22), offline=OK)
    add_scan(app, event, "Ana Lima", "Room 101", local(10, 2), session="Zoning 101")
    add_scan(app, event, "Bao Tran", "Room 101", local(10, 3), ALREADY, session="Zoning 101")
    add_scan(app, event, "Bao Tran", None, local(10, 4), session="Transit workshop", by_label="Staff Person")
    return event


def page(client, url: str = URL) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def text(fragment: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", fragment))).strip()


def table_rows(html: str, table_class: str) -> list[list[str]]:
    """The body rows of the table with that class, each as its cells' text."""
    match = re.search(rf'<table class="{table_class}">.*?<tbody>(.*?)</tbody>', html, re.S)
    assert match, f"no {table_class} table"
    return [
        [text(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", match.group(1), re.S)
    ]


def section(html: str, heading_id: str) -> str:
    match = re.search(rf'<section[^>]*aria-labelledby="{heading_id}">(.*?)</section>', html, re.S)
    assert match, f"no section {heading_id}"
    return match.group(1)


# --- who may see it -------------------------------------------------------------------------------------


def test_volunteers_and_up_see_the_dashboard(app: Flask) -> None:
    seed_convening(app)
    statuses = assert_role_access(app, "GET", URL, "volunteer")
    assert set(statuses.values()) == {200}


def test_volunteers_and_up_get_the_live_fragment(app: Flask) -> None:
    seed_convening(app)
    statuses = assert_role_access(app, "GET", f"{URL}?part=1", "volunteer")
    assert set(statuses.values()) == {200}


def test_an_unknown_convening_is_not_found(app: Flask, staff_client) -> None:
    seed_convening(app)
    assert staff_client("volunteer").get("/staff/c/nowhere/checkin/dashboard").status_code == 404


def test_the_check_in_console_links_to_the_dashboard(app: Flask, staff_client) -> None:
    seed_convening(app)
    html = page(staff_client("staff"), "/staff/c/summit/checkin/")
    assert f'href="{URL}"' in html


# --- what it shows --------------------------------------------------------------------------------------


def test_checked_in_against_registered_by_ticket_type_leaves_out_what_was_taken_back(
    app: Flask, staff_client
) -> None:
    build(app)
    html = page(staff_client("volunteer"))
    # Ana, Bao and Zoë at the front door; Dmitri's admission was taken back; Chen Wu cancelled.
    assert table_rows(html, "checkin-tickets") == [
        ["Elected official", "3", "3", "100%"],
        ["Press pass", "0", "1", "0%"],
    ]
    totals = re.search(r"<p class=\"checkin-totals\" data-live-summary>(.*?)</p>", html, re.S)
    assert text(totals.group(1)) == "3 of 4 registered people checked in (75%). 1 conflict to look into."


def test_session_doors_count_admissions_against_capacity(app: Flask, staff_client) -> None:
    build(app)
    html = page(staff_client("volunteer"))
    # Zoning 101 has a station and its own capacity; the transit workshop only a staff scan and its
    # room's capacity; the housing roundtable a station and no one yet; the budget clinic neither.
    assert table_rows(html, "checkin-sessions") == [  # scheduled ones first, in time order
        ["Zoning 101", "Jun 15, 10:00 AM", "1", "1 Full"],
        ["Housing roundtable", "Not scheduled", "0", "No limit"],
        ["Transit workshop", "Not scheduled", "1", "40"],
    ]
    assert "Budget clinic" not in html


def test_latest_scans_name_the_person_or_the_unknown_badge_and_flag_offline_ones(
    app: Flask, staff_client
) -> None:
    build(app)
    rows = table_rows(page(staff_client("volunteer")), "checkin-recent")
    assert rows == [
        ["Jun 15, 10:04 AM", "Staff Person", "Bao Tran", "Checked in"],
        ["Jun 15, 10:03 AM", "Room 101", "Bao Tran", "Already checked in"],
        ["Jun 15, 10:02 AM", "Room 101", "Ana Lima", "Checked in"],
        ["Jun 15, 9:22 AM", "Front door, right", LONG_NAME, "Checked in offline"],
        ["Jun 15, 9:10 AM", "Front door, left", "Unknown badge C1<b>FORGED</b>", "Unknown badge"],
        ["Jun 15, 9:05 AM", "Front door, left", "Dmitri Ivanov", "Checked in taken back"],
        ["Jun 15, 8:52 AM", "Front door, right", "Bao Tran", "Already checked in offline"],
        ["Jun 15, 8:47 AM", "Front door, left", "Bao Tran", "Checked in"],
        ["Jun 15, 8:31 AM", "Front door, left", "Ana Lima", "Checked in"],
    ]


def test_stations_show_their_last_contact_and_whether_they_are_revoked(app: Flask, staff_client) -> None:
    build(app)
    assert table_rows(page(staff_client("volunteer")), "checkin-stations") == [
        # The newest scan the right-hand desk sent is later than its last recorded contact.
        ["Front door, left", "Front door", "Jun 15, 9:40 AM", "4", "Active"],
        ["Front door, right", "Front door", "Jun 15, 9:22 AM", "2", "Active"],
        ["Room 101", "Zoning 101", "Jun 15, 10:03 AM", "2", "Active"],
        ["Room 204", "Housing roundtable", "never", "0", "Active"],
        ["Lost phone", "Front door", "never", "0", "Revoked Jun 15, 7:55 AM"],
    ]


def test_a_badge_admitted_twice_offline_stands_out_with_both_stations_and_times(
    app: Flask, staff_client
) -> None:
    event = build(app)
    client = staff_client("volunteer")
    html = page(client)
    conflicts = section(html, "conflicts-title")
    assert html.index("conflicts-title") < html.index("arrivals-title")  # before everything else
    assert text(conflicts).endswith(
        "Bao Tran Checked in at Front door, left, Jun 15, 8:47 AM."
        " Shown green offline at Front door, right, Jun 15, 8:52 AM."
    )
    assert conflicts.count("<li>") == 1  # Zoë's offline green was right: no conflict

    # Chen Wu cancelled after the right-hand desk took its roster: it let her in, nobody had before.
    add_scan(app, event, "Chen Wu", "Front door, right", local(9, 31), CheckInResult.CANCELLED, offline=OK)
    html = page(client)
    assert "2 conflicts to look into." in html
    assert text(section(html, "conflicts-title")).endswith(
        "Chen Wu Registration cancelled when the scan arrived."
        " Shown green offline at Front door, right, Jun 15, 9:31 AM."
        " Bao Tran Checked in at Front door, left, Jun 15, 8:47 AM."
        " Shown green offline at Front door, right, Jun 15, 8:52 AM."
    )


def test_arrivals_are_drawn_per_quarter_hour_on_the_convenings_clock(app: Flask, staff_client) -> None:
    build(app)
    html = page(staff_client("volunteer"))
    arrivals = section(html, "arrivals-title")
    assert "Front-door arrivals per 15 minutes on Tuesday, June 15, 2027" in arrivals
    assert "3 arrivals from 8:00 AM to 9:30 AM. The busiest 15 minutes began at 8:30 AM, with 1." in arrivals
    assert re.findall(r'text-anchor="middle">([^<]+)</text>', arrivals) == ["8 AM", "9 AM"]
    assert arrivals.count('class="chart-bar"') == 3
    numbers = re.search(r"<tbody>(.*?)</tbody>", arrivals, re.S).group(1)
    assert [
        [text(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", numbers, re.S)
    ] == [
        ["8:00 AM", "0", "0"],
        ["8:15 AM", "0", "0"],
        ["8:30 AM", "1", "1"],
        ["8:45 AM", "1", "2"],
        ["9:00 AM", "0", "2"],  # Dmitri's admission at 9:05 was taken back
        ["9:15 AM", "1", "3"],
    ]


def test_the_busiest_day_is_drawn_and_every_day_is_listed(app: Flask) -> None:
    event = build(app)
    add_scan(app, event, "Dmitri Ivanov", "Front door, left", local(17, 10, day=16))
    with app.app_context():
        figures = checkin_dashboard(event.seeded.convening_id, CHICAGO, local(12, 0, day=20))
        today = checkin_dashboard(event.seeded.convening_id, CHICAGO, local(18, 0, day=16))
    assert [(day.day, count) for day, count in figures.arrivals.per_day] == [(15, 3), (16, 1)]
    assert figures.arrivals.day.day == 15
    assert today.arrivals.day.day == 16  # during the convening, today's arrivals
    assert [bar.bucket.count for bar in today.arrivals.chart.bars] == [1, 0, 0, 0]  # 5:00 to 6:00 PM
    assert [label.text for label in today.arrivals.chart.labels] == ["5 PM"]


def test_a_long_day_gets_wider_bars_and_labels_that_do_not_touch(app: Flask) -> None:
    event = build(app)
    for hour in range(7, 22):
        add_scan(app, event, "Dmitri Ivanov", "Front door, left", local(hour, 40, day=17))
    with app.app_context():
        arrivals = checkin_dashboard(event.seeded.convening_id, CHICAGO, local(22, 0, day=17)).arrivals
    assert arrivals.minutes_per_bar == 30  # 7:00 AM to 10:00 PM is 60 quarter hours
    assert arrivals.chart.total == 15
    labels = arrivals.chart.labels
    assert labels[0].text == "7 AM"
    assert all(second.x - first.x >= 50 for first, second in pairwise(labels))
    assert all(0 < label.x < arrivals.chart.width for label in labels)


def test_an_empty_dashboard_says_what_will_appear(app: Flask, staff_client) -> None:
    seed_convening(app)
    html = page(staff_client("volunteer"))
    assert "No one has been checked in at the front door yet." in html
    assert "No badge has been scanned yet." in html
    assert "No session has a station at its door yet." in html
    assert "No stations yet." in html
    assert "conflicts-title" not in html
    assert text(re.search(r"data-live-summary>(.*?)</p>", html, re.S).group(1)) == (
        "0 of 0 registered people checked in."
    )


def test_the_fragment_is_the_body_alone_and_never_cached(app: Flask, staff_client) -> None:
    build(app)
    client = staff_client("volunteer")
    full = client.get(URL)
    fragment = client.get(f"{URL}?part=1")
    assert full.headers["Cache-Control"] == fragment.headers["Cache-Control"] == "no-store"
    body = fragment.get_data(as_text=True)
    assert "<html" not in body
    assert "<h1>" not in body
    assert "data-live-summary" in body
    assert "Bao Tran" in body
    # The full page wraps this same body in the box live.js refreshes, under a polite, atomic status line.
    html = full.get_data(as_text=True)
    assert f'data-live-url="{URL}?part=1"' in html
    assert 'role="status" aria-live="polite" aria-atomic="true" data-live-announce' in html
    assert "js/live.js" in html


def test_names_and_scanned_text_are_escaped(app: Flask, staff_client) -> None:
    build(app)
    html = page(staff_client("volunteer"))
    assert "<b>" not in html
    assert "Zoë &lt;b&gt;Ñúñez&lt;/b&gt;-Castellanos de la Vega y Montenegro-Alarcón" in html
    assert "C1&lt;b&gt;FORGED&lt;/b&gt;" in html


def test_the_dashboard_costs_the_same_queries_however_many_scans(app: Flask) -> None:
    event = build(app)
    with app.app_context():
        convening_id = event.seeded.convening_id
    with counted_queries(app) as few, app.app_context():
        checkin_dashboard(convening_id, CHICAGO, local(12, 0))
    for minute in range(30):
        add_scan(app, event, None, "Room 101", local(11, minute), UNKNOWN, session="Zoning 101", text="x")
    with counted_queries(app) as many, app.app_context():
        checkin_dashboard(convening_id, CHICAGO, local(12, 0))
    assert len(many) == len(few) == 7, few


# --- in a browser ---------------------------------------------------------------------------------------


@pytest.mark.browser
def test_the_dashboard_fits_a_phone_passes_axe_and_refreshes_itself(app: Flask, phone) -> None:
    event = build(app)
    email = make_staff(app, "volunteer")
    phone.goto("/staff/login")
    phone.get_by_label("Email").fill(email)
    phone.get_by_label("Password").fill(STAFF_PASSWORD)
    phone.get_by_role("button", name="Sign in").click()
    phone.wait_for_url("**/staff/")
    phone.goto(URL)
    assert phone.get_by_role("heading", name="Conflicts: admitted offline twice").is_visible()
    assert phone.get_by_role("img", name=re.compile("Front-door arrivals per 15 minutes")).is_visible()
    assert phone.locator("[data-live-state]").inner_text().startswith("Live: updates every 10 seconds")
    assert_accessible(phone)
    assert_fits_width(phone)

    # Someone is checked in: the totals change without a reload, and only they are announced.
    add_scan(app, event, "Dmitri Ivanov", "Front door, left", local(9, 30))
    phone.locator("[data-live-announce]").filter(has_text="4 of 4").wait_for(state="attached", timeout=20_000)
    assert phone.locator("[data-live-announce]").inner_text() == (
        "4 of 4 registered people checked in (100%). 1 conflict to look into."
    )
    assert table_rows(phone.content(), "checkin-tickets")[1] == ["Press pass", "1", "1", "100%"]
    assert_accessible(phone)
    assert_fits_width(phone)


def test_todays_scans_show_the_time_alone(app: Flask, staff_client) -> None:
    event = build(app)
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    add_scan(app, event, "Dmitri Ivanov", "Front door, left", now)
    html = page(staff_client("volunteer"))
    assert table_rows(html, "checkin-recent")[-1] == [  # the test runs before June 2027
        clock(now.astimezone(CHICAGO)),
        "Front door, left",
        "Dmitri Ivanov",
        "Checked in",
    ]
    assert "(the busiest day)" not in html  # today's arrivals are drawn, though June 15 had more
