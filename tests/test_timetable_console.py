"""Timetabling in the console: propose, improve as a job, compare with the program, apply or be told why not;
speakers' availability and the pinned box on the program's forms; the page on a phone."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import func, select
from test_timetabling import (
    WORKSHOPS,
    Built,
    build,
    clash_count,
    current_slots,
    program_state,
    quick,
)

from conftest import (
    STAFF_PASSWORD,
    assert_accessible,
    assert_fits_width,
    assert_role_access,
    field_errors,
    make_staff,
    seed_convening,
    submit,
)
from convening.audit.models import AuditEntry
from convening.extensions import db
from convening.program.models import ProgramSession
from convening.scheduling.models import (
    ProposalStatus,
    SeatSource,
    SeatStatus,
    SpeakerUnavailability,
    TimetableProposal,
    WorkshopSeat,
)

PAGE = "/staff/c/summit/timetable/"


def proposal_url(proposal_id: int) -> str:
    return f"{PAGE}proposals/{proposal_id}"


def proposals(app: Flask) -> list[TimetableProposal]:
    with app.app_context():
        rows = db.session.scalars(select(TimetableProposal).order_by(TimetableProposal.id)).all()
        for row in rows:
            db.session.expunge(row)
        return list(rows)


def text_of(response: Any) -> str:
    """The page's text without tags and bidi isolates, to read it as people do."""
    html = response.get_data(as_text=True)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("\u2068", "").replace("\u2069", "")


# --- who may -----------------------------------------------------------------------------------------------


def test_the_timetable_page_is_for_staff_and_admins(app: Flask) -> None:
    build(app, people=3)
    assert_role_access(app, "GET", PAGE, "staff")


def test_quick_proposals_are_for_staff_and_admins(app: Flask) -> None:
    build(app, people=3)
    statuses = assert_role_access(app, "POST", f"{PAGE}quick", "staff")
    assert statuses["staff"] == 303


def test_improving_is_for_staff_and_admins(app: Flask) -> None:
    build(app, people=3)
    statuses = assert_role_access(app, "POST", f"{PAGE}improve", "staff", {"seconds": "1"})
    assert statuses["staff"] == 303


def test_a_proposal_page_is_for_staff_and_admins(app: Flask) -> None:
    built = build(app, people=3)
    proposal_id, _ = quick(app, built)
    assert_role_access(app, "GET", proposal_url(proposal_id), "staff")


def test_applying_is_for_staff_and_admins(app: Flask) -> None:
    built = build(app, people=3)
    proposal_id, _ = quick(app, built)
    statuses = assert_role_access(app, "POST", f"{proposal_url(proposal_id)}/apply", "staff")
    assert statuses == {"volunteer": 403, "staff": 303, "admin": 409}  # applied once only


def test_another_convenings_proposal_is_not_found(app: Flask, staff_client: Any) -> None:
    built = build(app, people=3)
    proposal_id, _ = quick(app, built)
    build(app, slug="next-year", people=0)
    client = staff_client("staff")
    assert client.get(f"/staff/c/next-year/timetable/proposals/{proposal_id}").status_code == 404


# --- proposing and applying -------------------------------------------------------------------------------


def test_quick_proposal_shows_beside_the_program_and_applies(app: Flask, staff_client: Any) -> None:
    built = build(app)
    client = staff_client("staff")
    page = client.get(PAGE)
    assert page.status_code == 200
    before = clash_count(built, current_slots(app, built))
    assert f"{before} clashes" in text_of(page)
    program_now = {key: (slot, room) for key, (slot, room, _pinned) in program_state(app, built).items()}

    response = submit(client, f"{PAGE}quick", {}, form_url=PAGE)
    assert response.status_code == 303
    (proposal,) = proposals(app)
    assert response.location.endswith(proposal_url(proposal.id))
    shown = client.get(response.location)
    words = text_of(shown)
    assert f"Clashes now {before}" in words
    assert f"Clashes proposed {proposal.clashes_after}" in words
    assert "Not searched: improve for a few seconds" in words
    assert "Apply this timetable" in words
    assert 'class="timetable-cell is-moved"' in shown.get_data(as_text=True)
    assert words.count("Moves into the program") == 4  # the four workshops not in the program yet
    placements = {int(key): tuple(spot) for key, spot in proposal.placements.items()}
    moved = [key for key, spot in program_now.items() if spot[0] is not None and placements[key] != spot]
    assert words.count("Moves from ") == len(moved) > 0
    room_names = {room_id: name for name, room_id in built.rooms.items()}
    slot_keys = {slot_id: key for key, slot_id in built.slots.items()}
    for key in moved:
        slot_id, room_id = program_now[key]
        assert f"Moves from {room_names[room_id]}, Round {slot_keys[slot_id]}" in words

    applied = submit(client, f"{proposal_url(proposal.id)}/apply", {}, form_url=response.location)
    assert applied.status_code == 303
    assert clash_count(built, current_slots(app, built)) == proposal.clashes_after
    home = text_of(client.get(applied.location))
    assert "Applied the timetable: moved" in home
    with app.app_context():
        assert db.session.get(TimetableProposal, proposal.id).status == ProposalStatus.APPLIED
        moves = db.session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "session.timetable")
        )
        assert moves > 0
        assert db.session.scalar(
            select(AuditEntry.actor_label).where(AuditEntry.action == "timetable.apply")
        ).startswith("Staff Person")


def test_improve_runs_as_a_job_whose_page_leads_to_the_proposal(app: Flask, staff_client: Any) -> None:
    build(app)
    client = staff_client("staff")
    response = submit(client, f"{PAGE}improve", {"seconds": "1"}, form_url=PAGE)
    assert response.status_code == 303
    assert "/staff/jobs/" in response.location
    job_page = client.get(response.location).get_data(as_text=True)
    (proposal,) = proposals(app)
    assert proposal.status == ProposalStatus.READY
    assert f'href="{proposal_url(proposal.id)}"' in job_page
    words = text_of(client.get(proposal_url(proposal.id)))
    if proposal.optimal:
        assert f"{proposal.bound}: this is the best timetable" in words
    else:
        assert f"No fewer than {proposal.bound}" in words


@pytest.mark.parametrize("seconds", ["0", "61", "ten", "", "2.5"])
def test_improve_asks_for_seconds_from_1_to_60(app: Flask, staff_client: Any, seconds: str) -> None:
    build(app, people=3)
    client = staff_client("staff")
    response = submit(client, f"{PAGE}improve", {"seconds": seconds}, form_url=PAGE)
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True)) == ["Enter a whole number of seconds from 1 to 60."]
    assert proposals(app) == []


def test_apply_refused_with_seats_says_why_and_writes_nothing(app: Flask, staff_client: Any) -> None:
    built = build(app)
    proposal_id, placements = quick(app, built)
    now = current_slots(app, built)
    mover = next(key for key in sorted(now) if now[key] != placements[key][0])
    with app.app_context():
        db.session.add(
            WorkshopSeat(
                convening_id=built.convening_id,
                registration_id=built.registrations[0],
                session_id=mover,
                time_slot_id=now[mover],
                status=SeatStatus.SEATED,
                source=SeatSource.ATTENDEE,
            )
        )
        db.session.get(ProgramSession, mover).seats_taken = 1
        db.session.commit()
        title = db.session.get(ProgramSession, mover).title
    before = program_state(app, built)
    client = staff_client("staff")
    response = submit(client, f"{proposal_url(proposal_id)}/apply", {}, form_url=proposal_url(proposal_id))
    assert response.status_code == 409
    words = text_of(response)
    assert f"“{title}” would change slot, but people have already signed up" in words
    assert "Timetable before sign-ups open" in words
    assert program_state(app, built) == before
    assert proposals(app)[0].status == ProposalStatus.READY


def test_a_failed_proposal_lists_what_to_change(app: Flask, staff_client: Any) -> None:
    built = build(app, people=4)
    with app.app_context():
        for key in "ABC":
            db.session.add(
                SpeakerUnavailability(
                    speaker_id=built.speakers["Kai Nakamura"], time_slot_id=built.slots[key]
                )
            )
        db.session.commit()
    before = program_state(app, built)
    client = staff_client("staff")
    response = submit(client, f"{PAGE}quick", {}, form_url=PAGE)
    words = text_of(client.get(response.location))
    assert "No timetable could be proposed" in words
    assert (
        "Kai Nakamura, speaker of “Public safety and trust”, is not available in any breakout slot" in words
    )
    assert "Apply this timetable" not in words
    assert program_state(app, built) == before


def test_user_text_is_escaped(app: Flask, staff_client: Any) -> None:
    built = build(app, people=3)
    with app.app_context():
        db.session.get(ProgramSession, built.sessions[WORKSHOPS[0]]).title = "<script>alert(1)</script>"
        db.session.commit()
    html = staff_client("staff").get(PAGE).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# --- the program's forms: availability and pins ----------------------------------------------------------


def speaker_form(**overrides: Any) -> dict[str, Any]:
    return {
        "name": "Kai Nakamura",
        "title": "",
        "organization": "",
        "bio": "",
        "email": "",
        "links": "",
        **overrides,
    }


def test_speaker_availability_round_trip(app: Flask, staff_client: Any) -> None:
    built = build(app, people=2)
    kai = built.speakers["Kai Nakamura"]
    url = f"/staff/c/summit/speakers/{kai}"
    client = staff_client("staff")
    html = client.get(url).get_data(as_text=True)
    boxes = re.findall(r'<input[^>]*name="can_make"[^>]*>', html)
    assert len(boxes) == 3
    assert all("checked" in box for box in boxes)  # no unavailability stored: every slot
    assert "<legend>Can make</legend>" in html
    assert "Breakouts: Round A, Tuesday, June 15" in html

    only_b = {**speaker_form(), "availability_shown": "1", "can_make": [str(built.slots["B"])]}
    assert submit(client, url, only_b).status_code == 303
    with app.app_context():
        stored = set(
            db.session.scalars(
                select(SpeakerUnavailability.time_slot_id).where(SpeakerUnavailability.speaker_id == kai)
            )
        )
    assert stored == {built.slots["A"], built.slots["C"]}
    html = client.get(url).get_data(as_text=True)
    checked = re.findall(
        r'<input[^>]*checked[^>]*name="can_make"[^>]*value="(\d+)"|<input[^>]*name="can_make"[^>]*value="(\d+)"[^>]*checked',
        html,
    )
    assert {int(a or b) for a, b in checked} == {built.slots["B"]}

    # A form without the boxes (not shown) leaves availability alone.
    assert submit(client, url, speaker_form(title="Mayor")).status_code == 303
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(SpeakerUnavailability)
                .where(SpeakerUnavailability.speaker_id == kai)
            )
            == 2
        )

    every = {
        **speaker_form(title="Mayor"),
        "availability_shown": "1",
        "can_make": [str(built.slots[k]) for k in "ABC"],
    }
    assert submit(client, url, every).status_code == 303
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(SpeakerUnavailability)
                .where(SpeakerUnavailability.speaker_id == kai)
            )
            == 0
        )


def test_the_pinned_box_on_the_session_form(app: Flask, staff_client: Any) -> None:
    built = build(app, people=2)
    session_id = built.sessions[WORKSHOPS[0]]
    url = f"/staff/c/summit/program/sessions/{session_id}"
    client = staff_client("staff")
    html = client.get(url).get_data(as_text=True)
    assert "Pinned: timetabling leaves it where it is" in html
    assert "automatic timetabling keeps its slot and room" in html
    form = {
        "kind": "breakout",
        "title": WORKSHOPS[0],
        "description": "",
        "track_id": "",
        "time_slot_id": str(built.slots["A"]),
        "room_id": str(built.rooms["Lake Room"]),
        "capacity": "",
    }
    assert submit(client, url, {**form, "pinned": "y"}).status_code == 303
    with app.app_context():
        assert db.session.get(ProgramSession, session_id).pinned
    assert re.search(
        r'<input[^>]*checked[^>]*name="pinned"|<input[^>]*name="pinned"[^>]*checked',
        client.get(url).get_data(as_text=True),
    )
    _proposal_id, placements = quick(app, built)
    assert placements[session_id] == (built.slots["A"], built.rooms["Lake Room"])
    assert submit(client, url, form).status_code == 303
    with app.app_context():
        assert not db.session.get(ProgramSession, session_id).pinned
        actions = db.session.scalars(
            select(AuditEntry.action).where(
                AuditEntry.subject_type == "session", AuditEntry.subject_id == session_id
            )
        ).all()
    assert sorted(actions) == ["session.pin", "session.unpin"]


def test_the_program_grid_links_to_timetabling(app: Flask, staff_client: Any) -> None:
    build(app, people=2)
    html = staff_client("staff").get("/staff/c/summit/program/grid/").get_data(as_text=True)
    assert f'href="{PAGE}"' in html
    assert "Propose a timetable" in html


# --- on a phone --------------------------------------------------------------------------------------------


@pytest.mark.browser
def test_on_a_phone_the_timetable_is_a_list_and_a_proposal_can_be_applied(app: Flask, phone: Page) -> None:
    built: Built = build(app)
    phone.set_default_timeout(15_000)
    phone.goto("/staff/login")
    phone.get_by_label("Email").fill(make_staff(app, "staff"))
    phone.get_by_label("Password").fill(STAFF_PASSWORD)
    phone.get_by_role("button", name="Sign in").click()
    expect(phone.get_by_role("heading", name="Convenings")).to_be_visible()
    phone.goto(PAGE)
    expect(phone.get_by_role("heading", level=1)).to_have_text("Timetable")
    assert_fits_width(phone)
    assert_accessible(phone)

    phone.get_by_role("button", name="Quick proposal").click()
    expect(phone.get_by_role("heading", name=re.compile(r"^Proposal \d+$"))).to_be_visible()
    cells = phone.locator("#proposed-title ~ .timetable-slot .timetable-rooms").first
    columns = cells.evaluate("element => getComputedStyle(element).gridTemplateColumns.split(' ').length")
    assert columns == 1  # one room under another on a phone
    expect(phone.locator(".timetable-moves").first).to_be_visible()
    assert_fits_width(phone)
    assert_accessible(phone)

    phone.once("dialog", lambda dialog: dialog.accept())
    phone.get_by_role("button", name="Apply this timetable").click()
    expect(phone.locator(".notice-success")).to_contain_text("Applied the timetable: moved")
    assert_fits_width(phone)
    assert_accessible(phone)
    (proposal,) = proposals(app)
    assert proposal.status == ProposalStatus.APPLIED
    assert clash_count(built, current_slots(app, built)) == proposal.clashes_after


def test_an_empty_program_says_what_to_add_and_proposing_still_works(app: Flask, staff_client: Any) -> None:
    seed_convening(app)
    client = staff_client("staff")
    assert "the program needs breakout time slots, rooms and breakout workshops" in text_of(client.get(PAGE))
    response = submit(client, f"{PAGE}quick", {}, form_url=PAGE)
    assert response.status_code == 303
    assert client.get(response.location).status_code == 200
