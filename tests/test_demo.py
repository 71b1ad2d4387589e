"""`flask --app convening demo` loads a believable convening, and running it again changes nothing."""

from __future__ import annotations

import io
import itertools
import re
from collections import Counter
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from convening.badges.models import BadgeRole
from convening.badges.services import Selection, badges_for, choose, role_of
from convening.checkin import services as checkin
from convening.checkin.models import CheckIn, CheckInResult, CheckInUndo, Station
from convening.extensions import db
from convening.images.models import ImagePurpose
from convening.models import (
    Convening,
    ProgramSession,
    Registration,
    Room,
    SessionSpeaker,
    Speaker,
    Sponsor,
    SponsorTier,
    StoredImage,
    TicketType,
    TimeSlot,
    Track,
)
from convening.program.models import SessionKind, SlotKind
from convening.registration.models import RegistrationStatus
from convening.scheduling.enums import SignupMode
from convening.scheduling.models import SeatStatus, WorkshopChoice, WorkshopInterest, WorkshopSeat


def run_demo(app: Flask, *args: str) -> str:
    result = app.test_cli_runner().invoke(args=["demo", *args])
    assert result.exit_code == 0, result.output
    return result.output


def count(app: Flask, model: type) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_demo_loads_a_whole_convening(app: Flask) -> None:
    output = run_demo(app, "--registrations", "40")
    assert "Created Common Ground National Convening 2027" in output
    assert "40 in all" in output
    with app.app_context():
        convening = db.session.scalars(select(Convening).where(Convening.slug == "demo")).one()
        assert (convening.ends_on - convening.starts_on).days == 2
        assert ZoneInfo(convening.timezone)  # a real time zone
        assert all((convening.city, convening.state, convening.venue_name))

        tickets = {t.name: t for t in convening.ticket_types}
        assert tickets["Elected official"].price_cents == 0
        assert tickets["Partner organization"].price_cents > 0
        assert tickets["Staff and guests"].is_hidden

        sessions = db.session.scalars(select(ProgramSession)).all()
        kinds = Counter(session.kind for session in sessions)
        assert kinds[SessionKind.KEYNOTE] >= 2
        workshops = [s for s in sessions if s.kind == SessionKind.BREAKOUT]
        assert len(workshops) == 18
        track_names = {s.track.name.casefold() for s in workshops}
        for theme in (
            "immigrant",
            "climate",
            "housing",
            "democracy",
            "education",
            "lgbtq",
            "police",
            "worker",
        ):
            assert any(theme in name for name in track_names), theme
        assert all(s.room and s.time_slot for s in workshops)

        assert db.session.scalar(select(func.count()).select_from(Speaker)) >= 30
        assert db.session.scalar(select(func.count()).select_from(SessionSpeaker)) >= 40
        assert db.session.scalar(select(func.count()).select_from(Sponsor)) == 10
        assert db.session.scalar(select(func.count()).select_from(SponsorTier)) >= 3

        people = db.session.scalars(select(Registration)).all()
        badge_names = {person.badge_name for person in people}
        assert "Nguyễn Thị Minh Khai" in badge_names
        assert "李小龍" in badge_names
        assert any("Héctor" in name for name in badge_names)
        assert any("محمد" in name for name in badge_names)
        assert len({person.email for person in people}) == len(people) == 40
        assert all(
            person.email.endswith((".example.org", "@example.org", "@example.com", "@example.net"))
            for person in people
        )
        # Seat counters agree with the registrations that hold seats.
        holding = [p for p in people if p.status.holds_seat]
        assert convening.seats_taken == len(holding)
        for ticket in convening.ticket_types:
            assert ticket.seats_taken == sum(p.ticket_type_id == ticket.id for p in holding)


def test_demo_is_idempotent_and_tops_up(app: Flask) -> None:
    run_demo(app, "--registrations", "10")
    models = (Convening, TicketType, ProgramSession, Speaker, Sponsor, Track, Room, TimeSlot, StoredImage)
    counts = [count(app, model) for model in models]
    second = run_demo(app, "--registrations", "10")
    assert "already loaded" in second
    assert "Added 0 registrations" in second
    assert [count(app, model) for model in models] == counts
    assert count(app, Registration) == 10
    run_demo(app, "--registrations", "25")
    assert count(app, Registration) == 25


def test_demo_if_empty_leaves_a_database_with_a_convening_alone(app: Flask) -> None:
    assert "Created" in run_demo(app, "--registrations", "0", "--if-empty")
    assert "not loaded" in run_demo(app, "--registrations", "5", "--if-empty")
    assert count(app, Registration) == 0


def test_demo_refuses_a_negative_count(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["demo", "--registrations", "-1"])
    assert result.exit_code == 2
    assert "-1 is not in the range x>=0" in result.output


def test_demo_pages_render(app: Flask, client: FlaskClient) -> None:
    run_demo(app, "--registrations", "5")
    assert client.get("/").location == "/c/demo/"
    home = client.get("/c/demo/").get_data(as_text=True)
    assert "Common Ground National Convening 2027" in home
    assert "June 15–17, 2027" in home
    assert all(heading in home for heading in ("Keynotes", "Breakout workshops"))
    assert "Made possible by the generous support of" in home
    register = client.get("/c/demo/register").get_data(as_text=True)
    assert all(ticket in register for ticket in ("Elected official", "Partner organization"))
    assert "Staff and guests" not in register
    assert "Staff and guests" in client.get("/c/demo/register?code=DEMO-STAFF").get_data(as_text=True)


def test_the_command_line_lists_every_command(app: Flask) -> None:
    output = app.test_cli_runner().invoke(args=["--help"]).output
    for command in ("db", "demo", "mail", "worker", "users", "registrations", "convening"):
        assert f"  {command} " in output, command


def test_demo_program_fills_three_days(app: Flask) -> None:
    run_demo(app, "--registrations", "0")
    with app.app_context():
        convening = db.session.scalars(select(Convening)).one()
        slots = db.session.scalars(select(TimeSlot).order_by(TimeSlot.starts_at)).all()
        days = sorted({convening.local(slot.starts_at).date() for slot in slots})
        assert days == [convening.starts_on, convening.starts_on.replace(day=16), convening.ends_on]
        for day in days:
            kinds = {slot.kind for slot in slots if convening.local(slot.starts_at).date() == day}
            assert {SlotKind.PLENARY, SlotKind.BREAKOUT, SlotKind.MEAL, SlotKind.BREAK} <= kinds, day
        for earlier, later in itertools.pairwise(slots):
            assert earlier.ends_at <= later.starts_at, (earlier.label, later.label)

        sessions = db.session.scalars(select(ProgramSession)).all()
        breakout_slots = [slot for slot in slots if slot.kind == SlotKind.BREAKOUT]
        assert len(breakout_slots) == 4
        for slot in breakout_slots:
            workshops = [s for s in sessions if s.time_slot_id == slot.id]
            assert 4 <= len(workshops) <= 5
            assert all(s.kind == SessionKind.BREAKOUT and s.track for s in workshops)
            assert len({s.track_id for s in workshops}) == len(workshops)  # tracks side by side, not stacked
        for session in sessions:
            if session.kind == SessionKind.BREAKOUT:
                assert 1 <= len(session.speakers) <= 3, session.title
                assert session.time_slot.kind == SlotKind.BREAKOUT
                assert len(session.description) > 150
        by_track = Counter(s.track.name for s in sessions if s.kind == SessionKind.BREAKOUT)
        assert len(by_track) == 8
        assert min(by_track.values()) >= 2
        roles = {link.role.value for s in sessions for link in s.speakers}
        assert {"keynote", "facilitator", "panelist", "presenter", "moderator"} <= roles


def test_demo_program_has_no_clashes(app: Flask) -> None:
    """No room used twice in a slot, no speaker in two places at once, no session bigger than its room."""
    run_demo(app, "--registrations", "0")
    with app.app_context():
        room_twice = db.session.execute(
            select(ProgramSession.time_slot_id, ProgramSession.room_id)
            .where(ProgramSession.time_slot_id.is_not(None), ProgramSession.room_id.is_not(None))
            .group_by(ProgramSession.time_slot_id, ProgramSession.room_id)
            .having(func.count() > 1)
        ).all()
        assert room_twice == []

        mine, other = aliased(SessionSpeaker), aliased(SessionSpeaker)
        here, there = aliased(ProgramSession), aliased(ProgramSession)
        now, then = aliased(TimeSlot), aliased(TimeSlot)
        in_two_places = db.session.execute(
            select(Speaker.name, here.title, there.title)
            .select_from(mine)
            .join(other, (other.speaker_id == mine.speaker_id) & (other.session_id != mine.session_id))
            .join(Speaker, Speaker.id == mine.speaker_id)
            .join(here, here.id == mine.session_id)
            .join(there, there.id == other.session_id)
            .join(now, now.id == here.time_slot_id)
            .join(then, then.id == there.time_slot_id)
            .where(now.starts_at < then.ends_at, then.starts_at < now.ends_at)
        ).all()
        assert in_two_places == []

        too_big = db.session.execute(
            select(ProgramSession.title)
            .join(Room, Room.id == ProgramSession.room_id)
            .where(ProgramSession.capacity > Room.capacity)
        ).all()
        assert too_big == []
        assert db.session.scalar(select(func.count()).where(ProgramSession.room_id.is_(None))) == 0


def test_demo_rooms_tracks_speakers_and_sponsors_are_complete(app: Flask) -> None:
    run_demo(app, "--registrations", "0")
    with app.app_context():
        rooms = db.session.scalars(select(Room)).all()
        assert len(rooms) >= 6
        assert all(room.floor and room.accessibility_notes and room.capacity for room in rooms)

        colours = [track.color for track in db.session.scalars(select(Track))]
        assert len(set(colours)) == len(colours) == 8
        for colour in colours:
            assert re.fullmatch(r"#[0-9a-f]{6}", colour)
            assert _contrast_with_white(colour) >= 4.5, colour

        speakers = db.session.scalars(select(Speaker)).all()
        names = {speaker.name for speaker in speakers}
        for name in (
            "Layla Haddad (ليلى حداد)",
            "Wei-Lin Chen (陳偉琳)",
            "Ji-eun Park (박지은)",
            "Trần Quốc Bảo",
        ):
            assert name in names
        example_hosts = ("example.org", "example.com", "example.net")
        for speaker in speakers:
            assert speaker.email.endswith(tuple("@" + host for host in example_hosts)), speaker.email
            assert speaker.links
            assert all(urlsplit(link).hostname.endswith(example_hosts) for link in speaker.links)
            assert speaker.sessions, speaker.name  # everyone listed speaks somewhere
            photo = speaker.photo
            assert photo is not None
            assert photo.purpose == ImagePurpose.SPEAKER_PHOTO
            assert photo.content_type == "image/jpeg"
            assert Image.open(io.BytesIO(photo.data)).size == (photo.width, photo.height)
        assert len({speaker.email for speaker in speakers}) == len(speakers)

        for sponsor in db.session.scalars(select(Sponsor)):
            assert urlsplit(sponsor.url).hostname.endswith(example_hosts)
            logo = sponsor.logo
            assert logo is not None
            assert logo.purpose == ImagePurpose.SPONSOR_LOGO
            assert logo.content_type == "image/png"
            assert logo.width > logo.height
            assert Image.open(io.BytesIO(logo.data)).format == "PNG"


def _contrast_with_white(colour: str) -> float:
    """WCAG contrast ratio of white text on the colour."""
    channels = [int(colour[index : index + 2], 16) / 255 for index in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return 1.05 / (luminance + 0.05)


def test_demo_prints_confirmed_badges_of_every_role_in_every_script(app: Flask) -> None:
    run_demo(app, "--registrations", "30")
    with app.app_context():
        convening = db.session.scalars(select(Convening).where(Convening.slug == "demo")).one()
        assert convening.wifi_network == "CommonGround-Guest"
        assert convening.wifi_password
        assert "555-01" in convening.emergency_contact
        tickets = {t.name: t for t in convening.ticket_types}
        assert (tickets["Press"].badge_role, tickets["Press"].is_hidden) == (BadgeRole.PRESS, True)
        assert (tickets["Sponsor guest"].badge_role, tickets["Sponsor guest"].is_hidden) == (
            BadgeRole.SPONSOR,
            True,
        )

        chosen = choose(convening, Selection()).registrations
        assert all(person.status == RegistrationStatus.CONFIRMED for person in chosen)
        speakers = {email.lower() for email in db.session.scalars(select(Speaker.email))}
        by_role: dict[BadgeRole, list[Registration]] = {}
        for person in chosen:
            by_role.setdefault(role_of(person, speakers), []).append(person)
        assert set(by_role) == set(BadgeRole)
        assert all(person.ticket_type.name == "Staff and guests" for person in by_role[BadgeRole.STAFF])

        # Speakers who registered get their own sessions on the back.
        [badge, *_] = badges_for(convening, by_role[BadgeRole.SPEAKER])
        assert badge.schedule_is_personal
        assert badge.schedule

        names = {person.badge_name for person in chosen}
        for name in (
            "Héctor Ramírez",
            "Nguyễn Thị Minh Khai",
            "李小龍",
            "محمد عبد الله",
            "Ελένη Αντωνίου",  # Greek
            "Світлана Мельник",  # Cyrillic
        ):
            assert name in names, name


def test_demo_holds_a_first_morning_at_the_doors(app: Flask) -> None:
    run_demo(app, "--registrations", "60")
    with app.app_context():
        convening = db.session.scalars(select(Convening).where(Convening.slug == "demo")).one()
        stations = db.session.scalars(select(Station).order_by(Station.id)).all()
        assert [station.session_id is None for station in stations] == [True, True, False]
        entries = db.session.scalars(select(CheckIn)).all()
        confirmed = db.session.scalar(
            select(func.count(Registration.id)).where(Registration.status == RegistrationStatus.CONFIRMED)
        )
        admitted = checkin.admitted_count(convening.id, None)
        assert confirmed // 2 <= admitted <= confirmed // 2 + 1  # half arrived, plus the offline pair
        results = Counter(entry.result for entry in entries)
        assert results[CheckInResult.ALREADY_CHECKED_IN] >= 2
        assert results[CheckInResult.UNKNOWN] == 1
        assert [entry.is_conflict for entry in entries].count(True) == 1
        assert db.session.scalar(select(func.count(CheckInUndo.id))) == 1
        assert checkin.admitted_count(convening.id, stations[2].session_id) >= 1
        # Everyone came in that first morning, in the convening's time zone.
        zone = ZoneInfo(convening.timezone)
        days = {entry.scanned_at.astimezone(zone).date() for entry in entries if entry.session_id is None}
        assert days == {convening.starts_on}
    run_demo(app, "--registrations", "60")
    assert count(app, CheckIn) == len(entries)


def test_demo_holds_breakout_signups_a_week_before(app: Flask) -> None:
    run_demo(app, "--registrations", "150")
    with app.app_context():
        slots = db.session.scalars(
            select(TimeSlot).where(TimeSlot.kind == SlotKind.BREAKOUT).order_by(TimeSlot.starts_at)
        ).all()
        assert [slot.signup_mode for slot in slots] == [
            SignupMode.FIRST_COME,
            SignupMode.FIRST_COME,
            SignupMode.RANKED,
            SignupMode.RANKED,
        ]
        statuses = Counter(db.session.scalars(select(WorkshopSeat.status)))
        assert statuses[SeatStatus.SEATED] > 0
        assert statuses[SeatStatus.WAITING] > 0  # the clinic for 30 is full
        clinic = db.session.scalars(
            select(ProgramSession)
            .where(ProgramSession.time_slot_id == slots[0].id)
            .order_by(ProgramSession.id)
        ).first()
        assert clinic.seats_taken == clinic.capacity == 30
        for workshop in db.session.scalars(
            select(ProgramSession).where(ProgramSession.kind == SessionKind.BREAKOUT)
        ):
            seated = db.session.scalar(
                select(func.count(WorkshopSeat.id)).where(
                    WorkshopSeat.session_id == workshop.id, WorkshopSeat.status == SeatStatus.SEATED
                )
            )
            assert workshop.seats_taken == seated
        ranked = db.session.scalar(select(func.count(func.distinct(WorkshopChoice.registration_id))))
        assert ranked > 40
        assert db.session.scalar(select(func.count(WorkshopInterest.id))) > 0
