"""The public program pages: the agenda (by day, by room, by track, happening now), a page per session, the
speakers roster, the sponsors page and the sponsor strip in the footer of every public page.

`build_program` is shared with the export and browser tests: a small convening with names in four scripts,
a track filter's worth of tracks, every kind of slot and one session that is not scheduled yet.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from PIL import Image
from sqlalchemy import select

from conftest import seed_convening
from convening.convenings.models import Convening
from convening.demo.services import load_demo
from convening.extensions import db
from convening.images.models import ImagePurpose
from convening.images.services import store_image
from convening.program.models import (
    ProgramSession,
    Room,
    SessionKind,
    SessionSpeaker,
    SlotKind,
    Speaker,
    SpeakerRole,
    TimeSlot,
    Track,
)
from convening.sponsors.models import Sponsor, SponsorTier
from convening.sqltypes import utcnow

ZONE = ZoneInfo("America/Chicago")
NAMES = ("Héctor Ramírez", "Nguyễn Thị Minh Khai", "李小龍", "محمد")
FIRST_DAY = date(2027, 6, 15)


@dataclass
class Program:
    slug: str
    convening_id: int
    sessions: dict[str, int] = field(default_factory=dict)  # title -> id
    slots: dict[str, int] = field(default_factory=dict)  # label -> id
    tracks: dict[str, int] = field(default_factory=dict)
    rooms: dict[str, int] = field(default_factory=dict)
    speakers: dict[str, int] = field(default_factory=dict)
    sponsors: dict[str, int] = field(default_factory=dict)


def image_bytes(size: tuple[int, int] = (240, 240), color: str = "#1d4f91", kind: str = "PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, kind)
    return out.getvalue()


def build_program(
    app: Flask, *, slug: str = "summit", starts: datetime | None = None, title: str = "Opening keynote"
) -> Program:
    """A two-day program whose first plenary starts at `starts` (by default 9:00 on June 15, 2027, Chicago).

    Day one: plenary, coffee break, two breakout workshops side by side, lunch; day two: one more breakout.
    """
    first = starts or datetime.combine(FIRST_DAY, time(9), tzinfo=ZONE)
    seeded = seed_convening(
        app,
        slug=slug,
        starts_on=first.astimezone(ZONE).date(),
        ends_on=(first + timedelta(days=1)).astimezone(ZONE).date(),
        timezone="America/Chicago",
        venue_name="Minneapolis Convention Center",
    )
    program = Program(slug, seeded.convening_id)
    with app.app_context():
        cid = seeded.convening_id
        rooms = {
            "Main Hall": Room(
                convening_id=cid,
                name="Main Hall",
                capacity=500,
                floor="Level 1",
                accessibility_notes="Step-free entrance; hearing loop.",
                position=0,
            ),
            "Room A": Room(convening_id=cid, name="Room A", capacity=40, floor="Level 2", position=1),
            "Room B": Room(convening_id=cid, name="Room B", capacity=30, floor="Level 2", position=2),
            "Spare room": Room(convening_id=cid, name="Spare room", capacity=10, position=3),
        }
        tracks = {
            "Housing": Track(convening_id=cid, name="Housing", color="#1f5f8b", position=0),
            "Climate": Track(convening_id=cid, name="Climate", color="#3d6b21", position=1),
        }

        def slot(label: str, kind: SlotKind, start: timedelta, minutes: int) -> TimeSlot:
            begins = (first + start).astimezone(UTC)
            return TimeSlot(
                convening_id=cid,
                starts_at=begins,
                ends_at=begins + timedelta(minutes=minutes),
                kind=kind,
                label=label,
            )

        slots = {
            "Opening plenary": slot("Opening plenary", SlotKind.PLENARY, timedelta(0), 60),
            "Coffee and conversation": slot(
                "Coffee and conversation", SlotKind.BREAK, timedelta(hours=1), 30
            ),
            "Workshops I": slot("Workshops I", SlotKind.BREAKOUT, timedelta(hours=1, minutes=30), 90),
            "Lunch": slot("Lunch", SlotKind.MEAL, timedelta(hours=3), 60),
            "Workshops II": slot("Workshops II", SlotKind.BREAKOUT, timedelta(days=1), 90),
        }
        photo = store_image(cid, image_bytes(kind="JPEG"), ImagePurpose.SPEAKER_PHOTO, filename="hector.jpg")
        speakers = {
            NAMES[0]: Speaker(
                convening_id=cid,
                name=NAMES[0],
                title="Mayor",
                organization="City of Tucson",
                bio="Two terms as mayor.\n\nBefore that, a tenant organizer.",
                email="hector@speakers.example.org",
                links=["https://www.example.org/hector", "javascript:alert(1)"],
                photo=photo,
            ),
            NAMES[1]: Speaker(
                convening_id=cid,
                name=NAMES[1],
                title="Council Member",
                organization="Thành phố Westminster",
                email="khai@speakers.example.org",
                links=["https://social.example.net/@khai"],
            ),
            NAMES[2]: Speaker(convening_id=cid, name=NAMES[2], email="li@speakers.example.org"),
            NAMES[3]: Speaker(
                convening_id=cid, name=NAMES[3], organization="مدينة ديربورن", email="m@speakers.example.org"
            ),
        }

        def session(
            title: str,
            kind: SessionKind,
            slot_label: str | None,
            room: str | None,
            track: str | None = None,
            people: tuple[tuple[str, SpeakerRole], ...] = (),
            description: str = "",
        ) -> ProgramSession:
            return ProgramSession(
                convening_id=cid,
                kind=kind,
                title=title,
                description=description,
                time_slot=slots[slot_label] if slot_label else None,
                room=rooms[room] if room else None,
                track=tracks[track] if track else None,
                speakers=[
                    SessionSpeaker(speaker=speakers[name], role=role, position=position)
                    for position, (name, role) in enumerate(people)
                ],
            )

        sessions = [
            session(
                title,
                SessionKind.KEYNOTE,
                "Opening plenary",
                "Main Hall",
                people=((NAMES[0], SpeakerRole.KEYNOTE),),
                description="Why local government matters.\n\nAnd what comes next.",
            ),
            session(
                "Housing first",
                SessionKind.BREAKOUT,
                "Workshops I",
                "Room A",
                "Housing",
                ((NAMES[1], SpeakerRole.FACILITATOR), (NAMES[2], SpeakerRole.PANELIST)),
                "Keeping people housed.",
            ),
            session(
                "Heat plans for hot cities",
                SessionKind.BREAKOUT,
                "Workshops I",
                "Room B",
                "Climate",
                ((NAMES[3], SpeakerRole.PRESENTER),),
            ),
            session("Lunch in the hall", SessionKind.MEAL, "Lunch", "Main Hall"),
            session(
                "Tenant unions",
                SessionKind.BREAKOUT,
                "Workshops II",
                "Room A",
                "Housing",
                ((NAMES[0], SpeakerRole.MODERATOR),),
            ),
            session(
                "Secret draft",
                SessionKind.BREAKOUT,
                None,
                None,
                "Climate",
                ((NAMES[2], SpeakerRole.PANELIST),),
            ),
        ]
        gold = SponsorTier(convening_id=cid, name="Gold", rank=0)
        silver = SponsorTier(convening_id=cid, name="Silver", rank=1)
        logo = store_image(cid, image_bytes((400, 100)), ImagePurpose.SPONSOR_LOGO, filename="logo.png")
        sponsors = [  # added least prominent first: the pages must order by tier, not by insertion
            Sponsor(
                convening_id=cid, tier=silver, name="Zeta Fund", url="https://zeta.example.org/", position=0
            ),
            Sponsor(
                convening_id=cid,
                tier=gold,
                name="Acme Foundation",
                url="https://www.acme.example.org/giving",
                acknowledgement="Acme makes free registration possible for elected officials.",
                logo=logo,
                position=0,
            ),
            Sponsor(
                convening_id=cid, tier=gold, name="Fundación Niños", url="javascript:alert(1)", position=1
            ),
        ]
        db.session.add_all([*rooms.values(), *tracks.values(), *slots.values(), *speakers.values()])
        db.session.add_all([*sessions, silver, gold, *sponsors])
        db.session.commit()
        program.sessions = {s.title: s.id for s in sessions}
        program.slots = {label: s.id for label, s in slots.items()}
        program.tracks = {name: t.id for name, t in tracks.items()}
        program.rooms = {name: r.id for name, r in rooms.items()}
        program.speakers = {name: s.id for name, s in speakers.items()}
        program.sponsors = {s.name: s.id for s in sponsors}
    return program


def escaped(text: str) -> str:
    """Text as Jinja writes it into a page."""
    return str(escape(text))


def page(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def section(text: str, css_class: str) -> str:
    """The first <section> with this class, as HTML."""
    match = re.search(rf'<section class="{css_class}"[^>]*>(.*?)</section>', text, re.S)
    assert match, f"no section.{css_class}"
    return match.group(1)


def scheduled_titles(app: Flask, convening_id: int) -> list[tuple[int, str]]:
    with app.app_context():
        return [
            (s.id, s.title)
            for s in db.session.scalars(
                select(ProgramSession).where(
                    ProgramSession.convening_id == convening_id, ProgramSession.time_slot_id.is_not(None)
                )
            )
        ]


# --- the agenda -----------------------------------------------------------------------------------------


def test_agenda_shows_every_scheduled_session_by_day_and_room(app: Flask, client: FlaskClient) -> None:
    program = build_program(app)
    agenda = page(client, "/c/summit/agenda")
    for session_id, title in scheduled_titles(app, program.convening_id):
        assert escaped(title) in agenda
        assert f'href="/c/summit/sessions/{session_id}"' in agenda
    assert "Secret draft" not in agenda  # not scheduled, so not public
    assert [day in agenda for day in ("Tuesday, June 15", "Wednesday, June 16")] == [True, True]
    assert '<a href="#day-2027-06-15">' in agenda
    assert 'id="day-2027-06-16"' in agenda
    # The breakout rooms of the day are the grid's columns; the unused room is not.
    assert '<th scope="col">Room A</th><th scope="col">Room B</th>' in agenda
    assert '<th scope="col">Spare room</th>' not in agenda
    # Breaks and meals span the whole row; the break's label is shown, the times are local.
    assert re.search(
        r'<td class="full-width" colspan="2">\s*<p class="slot-label">Coffee and conversation', agenda
    )
    assert "9:00 AM – 10:00 AM" in agenda
    assert "Times are CDT" in agenda
    # Each session says its kind, its track by name (with the colour beside it), its room and its speakers.
    assert 'fill="#1f5f8b"' in agenda
    assert "Housing</span>" in agenda
    assert "Breakout workshop" in agenda
    assert "Keynote" in agenda
    assert '<bdi>Nguyễn Thị Minh Khai</bdi> <span class="role">(facilitator)</span>' in agenda
    assert "Happening now" not in agenda
    assert "Up next" not in agenda


def test_agenda_of_the_demo_lists_every_scheduled_session(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        load_demo(registrations=0)
        convening_id = db.session.scalar(select(Convening.id).where(Convening.slug == "demo"))
    agenda = page(client, "/c/demo/agenda")
    sessions = scheduled_titles(app, convening_id)
    assert sessions
    for session_id, title in sessions:
        assert escaped(title) in agenda
        assert f'href="/c/demo/sessions/{session_id}"' in agenda
        assert page(client, f"/c/demo/sessions/{session_id}")
    with app.app_context():
        names = db.session.scalars(select(Speaker.name).where(Speaker.convening_id == convening_id)).all()
        sponsors = db.session.scalars(select(Sponsor.name).where(Sponsor.convening_id == convening_id)).all()
    speakers = page(client, "/c/demo/speakers")
    assert all(f"<bdi>{escaped(name)}</bdi>" in speakers for name in names)
    sponsors_page = page(client, "/c/demo/sponsors")
    assert all(escaped(name) in sponsors_page for name in sponsors)


def test_track_filter_keeps_the_track_and_what_everyone_attends(app: Flask, client: FlaskClient) -> None:
    program = build_program(app)
    agenda = page(client, f"/c/summit/agenda?track={program.tracks['Housing']}")
    assert "Housing first" in agenda
    assert "Tenant unions" in agenda
    assert "Opening keynote" in agenda
    assert "Lunch in the hall" in agenda
    assert "Heat plans for hot cities" not in agenda
    assert f'<option value="{program.tracks["Housing"]}" selected>Housing</option>' in agenda
    assert "Showing the" in agenda
    assert "Show all tracks" in agenda


def test_a_track_not_of_this_convening_is_ignored_with_a_notice(app: Flask, client: FlaskClient) -> None:
    build_program(app)
    other = build_program(app, slug="other")
    for asked in (str(other.tracks["Climate"]), "abc", "99999999999999999999", "-1"):
        agenda = page(client, f"/c/summit/agenda?track={asked}")
        assert "That track is not on this convening’s program, so every track is shown." in agenda
        assert "Housing first" in agenda
        assert "Heat plans for hot cities" in agenda
    assert "That track is not" not in page(client, "/c/summit/agenda?track=")


def test_happening_now_during_the_convening_only(app: Flask, client: FlaskClient) -> None:
    build_program(app, starts=utcnow() - timedelta(minutes=20))
    agenda = page(client, "/c/summit/agenda")
    banner = section(agenda, "now-banner")
    assert "Happening now" in banner
    assert "Opening keynote" in banner
    assert "Up next" in banner
    assert "Coffee and conversation" in banner
    assert 'class="slot slot-plenary slot-now"' in agenda
    build_program(app, slug="later")  # June 2027: nothing under way, nothing up next
    later = page(client, "/c/later/agenda")
    assert "now-banner" not in later
    assert "slot-now" not in later


def test_unknown_convening_is_a_404(client: FlaskClient, app: Flask) -> None:
    for url in ("/c/nope/agenda", "/c/nope/speakers", "/c/nope/sponsors", "/c/nope/sessions/1"):
        assert client.get(url).status_code == 404


# --- a session --------------------------------------------------------------------------------------------


def test_session_page_has_time_place_and_speakers(app: Flask, client: FlaskClient) -> None:
    program = build_program(app)
    keynote = page(client, f"/c/summit/sessions/{program.sessions['Opening keynote']}")
    assert "<h1>Opening keynote</h1>" in keynote
    assert "Tuesday, June 15, 9:00 AM – 10:00 AM CDT" in keynote
    assert "Main Hall, Level 1" in keynote
    assert "Minneapolis Convention Center" in keynote
    assert "Step-free entrance; hearing loop." in keynote
    assert "<dt>Seats</dt>\n    <dd>500</dd>" in keynote  # the room's capacity
    assert (
        '<p class="pre">Why local government matters.</p><p class="pre">And what comes next.</p>' in keynote
    )
    hector = program.speakers[NAMES[0]]
    assert f'href="/c/summit/speakers#speaker-{hector}"><bdi>Héctor Ramírez</bdi>' in keynote
    assert re.search(r'<img class="speaker-photo" src="/images/\d+-\w{16}\.jpg" alt=""', keynote)
    assert f'href="/c/summit/sessions/{program.sessions["Opening keynote"]}.ics">Add to calendar' in keynote
    workshop = page(client, f"/c/summit/sessions/{program.sessions['Housing first']}")
    assert "Housing</span>" in workshop
    assert "Breakout workshop" in workshop
    assert "<bdi>李小龍</bdi>" in workshop
    assert "Panelist" in workshop
    assert "Facilitator" in workshop


def test_sessions_not_public_are_404(app: Flask, client: FlaskClient) -> None:
    program = build_program(app)
    other = build_program(app, slug="other")
    for url in (
        f"/c/summit/sessions/{program.sessions['Secret draft']}",  # not scheduled yet
        f"/c/summit/sessions/{other.sessions['Housing first']}",  # another convening's
        f"/c/other/sessions/{program.sessions['Housing first']}",
        "/c/summit/sessions/999999",
        "/c/summit/sessions/99999999999999",
        f"/c/summit/sessions/{program.sessions['Secret draft']}.ics",
        f"/c/summit/sessions/{other.sessions['Housing first']}.ics",
    ):
        assert client.get(url).status_code == 404, url


# --- speakers and sponsors ----------------------------------------------------------------------------------


def test_speakers_roster(app: Flask, client: FlaskClient) -> None:
    program = build_program(app)
    roster = page(client, "/c/summit/speakers")
    for name in NAMES:
        assert f'id="speaker-{program.speakers[name]}"' in roster
        assert f"<h2><bdi>{name}</bdi></h2>" in roster
    assert "Mayor, City of Tucson" in roster
    assert "مدينة ديربورن" in roster
    assert (
        '<p class="pre">Two terms as mayor.</p><p class="pre">Before that, a tenant organizer.</p>' in roster
    )
    assert '<a href="https://www.example.org/hector" rel="nofollow noopener">example.org</a>' in roster
    assert (
        '<a href="https://social.example.net/@khai" rel="nofollow noopener">social.example.net</a>' in roster
    )
    assert "javascript:" not in roster
    assert roster.count('<img class="speaker-photo"') == 1  # Héctor's photo; the others a placeholder
    assert roster.count('class="speaker-photo speaker-photo-none" aria-hidden="true"') == 3
    assert "speakers.example.org" not in roster  # never an email
    # Their sessions, with day, time and room; the unscheduled one is left out.
    assert re.search(
        r"Housing first</a>\s*<span class=\"meta\">Facilitator · Tuesday 10:30 AM – 12:00 PM · Room A", roster
    )
    assert "Secret draft" not in roster


def test_sponsors_page_by_tier(app: Flask, client: FlaskClient) -> None:
    program = build_program(app)
    sponsors = page(client, "/c/summit/sponsors")
    assert "made possible by the generous support of" in sponsors
    assert sponsors.index(">Gold</h2>") < sponsors.index(">Silver</h2>")
    assert sponsors.index("Acme Foundation") < sponsors.index("Fundación Niños") < sponsors.index("Zeta Fund")
    assert re.search(
        r'<img src="/images/\d+-\w{16}\.png" alt="Acme Foundation" width="400" height="100">', sponsors
    )
    assert '<a href="https://www.acme.example.org/giving" rel="noopener">acme.example.org</a>' in sponsors
    assert "Acme makes free registration possible for elected officials." in sponsors
    assert f'id="sponsor-{program.sponsors["Zeta Fund"]}"' in sponsors
    assert "javascript:" not in sponsors
    assert 'class="sponsor-tier-section tier-level-0"' in sponsors  # larger logos for the first tier


def test_footer_strip_and_navigation_on_every_public_page(app: Flask, client: FlaskClient) -> None:
    program = build_program(app)
    urls = (
        "/c/summit/",
        "/c/summit/agenda",
        f"/c/summit/sessions/{program.sessions['Housing first']}",
        "/c/summit/speakers",
        "/c/summit/sponsors",
        "/c/summit/register",
        "/c/summit/lost-link",
    )
    for url in urls:
        text = page(client, url)
        strip = section(text, "sponsor-strip")
        assert "Made possible by the generous support of" in strip
        assert strip.index("Gold") < strip.index("Silver")
        assert 'alt="Acme Foundation"' in strip
        assert "<bdi>Zeta Fund</bdi>" in strip
        assert f'href="/c/summit/sponsors#sponsor-{program.sponsors["Zeta Fund"]}"' in strip
        for link in ("/c/summit/agenda", "/c/summit/speakers", "/c/summit/sponsors", "/c/summit/register"):
            assert f'<li><a href="{link}"' in text, (url, link)
    assert '<a href="/c/summit/agenda" aria-current="page">Agenda</a>' in page(client, "/c/summit/agenda")
    home = page(client, "/c/summit/")
    assert f'<a href="/c/summit/sessions/{program.sessions["Opening keynote"]}">Opening keynote</a>' in home


def test_names_in_every_script_survive_on_the_pages(app: Flask, client: FlaskClient) -> None:
    program = build_program(app)
    pages = {
        "agenda": page(client, "/c/summit/agenda"),
        "speakers": page(client, "/c/summit/speakers"),
        "keynote": page(client, f"/c/summit/sessions/{program.sessions['Opening keynote']}"),
        "housing": page(client, f"/c/summit/sessions/{program.sessions['Housing first']}"),
        "heat": page(client, f"/c/summit/sessions/{program.sessions['Heat plans for hot cities']}"),
    }
    for name in NAMES:
        assert f"<bdi>{name}</bdi>" in pages["agenda"]
        assert f"<bdi>{name}</bdi>" in pages["speakers"]
    assert "<bdi>Héctor Ramírez</bdi>" in pages["keynote"]
    assert "<bdi>Nguyễn Thị Minh Khai</bdi>" in pages["housing"]
    assert "<bdi>李小龍</bdi>" in pages["housing"]
    assert "<bdi>محمد</bdi>" in pages["heat"]


def test_user_text_is_escaped_on_every_page(app: Flask, client: FlaskClient) -> None:
    script = "<script>alert(1)</script>"
    program = build_program(app, title=script)
    with app.app_context():
        hector = db.session.get(Speaker, program.speakers[NAMES[0]])
        hector.name = '<img src=x onerror="alert(2)">'
        hector.bio = script
        track = db.session.get(Track, program.tracks["Housing"])
        track.name = "<b>Housing</b>"
        track.color = '"><i>x'
        room = db.session.get(Room, program.rooms["Main Hall"])
        room.accessibility_notes = script
        sponsor = db.session.get(Sponsor, program.sponsors["Zeta Fund"])
        sponsor.name = script
        sponsor.acknowledgement = script
        db.session.commit()
    keynote = program.sessions[script]
    for url in (
        "/c/summit/",
        "/c/summit/agenda",
        f"/c/summit/agenda?track={program.tracks['Housing']}",
        f"/c/summit/sessions/{keynote}",
        f"/c/summit/sessions/{program.sessions['Housing first']}",
        "/c/summit/speakers",
        "/c/summit/sponsors",
    ):
        text = page(client, url)
        for raw in ("<script>", "<img src=x", "<b>Housing", '"><i>'):
            assert raw not in text, (url, raw)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page(client, f"/c/summit/sessions/{keynote}")
    assert "&lt;b&gt;Housing&lt;/b&gt;" in page(client, "/c/summit/agenda")
