"""`flask --app convening demo` loads a believable convening, and running it again changes nothing."""

from __future__ import annotations

from collections import Counter
from zoneinfo import ZoneInfo

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from convening.extensions import db
from convening.models import (
    Convening,
    ProgramSession,
    Registration,
    SessionSpeaker,
    Speaker,
    Sponsor,
    SponsorTier,
    TicketType,
    Track,
)
from convening.program.models import SessionKind


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
        assert len(workshops) == 8
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

        assert db.session.scalar(select(func.count()).select_from(Speaker)) >= 15
        assert db.session.scalar(select(func.count()).select_from(SessionSpeaker)) >= 15
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
    counts = [count(app, model) for model in (Convening, TicketType, ProgramSession, Speaker, Sponsor, Track)]
    second = run_demo(app, "--registrations", "10")
    assert "already loaded" in second
    assert "Added 0 registrations" in second
    assert [count(app, m) for m in (Convening, TicketType, ProgramSession, Speaker, Sponsor, Track)] == counts
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
    for command in ("db", "demo", "mail", "worker", "users", "registrations"):
        assert f"  {command} " in output, command
