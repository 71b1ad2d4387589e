"""Print runs from registrations: who is printed, what their badge says, and what the door's scanners read.

Each batch runs as a job (inline in tests); its PDF is read back with poppler and every QR code decoded with
zxing-cpp, so a token that does not scan, or a cancelled registration's badge, shows as a failure here.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pdfcheck
import pytest
from flask import Flask
from sqlalchemy import func, select

from conftest import seed_convening
from convening import jobs
from convening.audit.services import COMMAND_LINE
from convening.badges import services
from convening.badges.layouts import LAYOUTS
from convening.badges.models import BadgeBatch, BadgePrint, BadgeRole, BatchStatus
from convening.extensions import db
from convening.jobs.models import Job, JobStatus
from convening.models import Convening, TicketType
from convening.problems import Refused
from convening.program import services as program
from convening.program.models import SessionKind, SlotKind, Speaker, SpeakerRole
from convening.registration import services as registration
from convening.registration.models import Registration, RegistrationStatus

AGENDA_URL = "http://x/agenda"
# Badge name, first name, family name, email.
PEOPLE = [
    ("Héctor Ramírez", "Héctor", "Ramírez", "hector@example.org"),
    ("Nguyễn Thị Minh Khai", "Minh Khai", "Nguyễn Thị", "khai@example.org"),
    ("李小龍", "小龍", "李", "lee@example.org"),
    ("محمد عبد الله", "محمد", "عبد الله", "mohammed@example.org"),
    ("Ελένη Παπαδοπούλου", "Ελένη", "Παπαδοπούλου", "eleni@example.org"),
    ("Дмитрий Иванов", "Дмитрий", "Иванов", "dmitri@example.org"),
]
NAMES = [person[0] for person in PEOPLE]


@dataclass
class Setup:
    convening: Convening
    confirmed: dict[str, Registration]  # by badge name
    waitlisted: Registration
    cancelled: Registration


def details(badge_name: str, first: str, family: str, email: str) -> registration.AttendeeDetails:
    return registration.AttendeeDetails(
        first_name=first,
        family_name=family,
        badge_name=badge_name,
        email=email,
        title="City Council Member",
        organization="City of Tucson",
    )


def register(convening: Convening, ticket_name: str, person: tuple[str, str, str, str]) -> Registration:
    ticket = db.session.scalar(
        select(TicketType).where(TicketType.convening_id == convening.id, TicketType.name == ticket_name)
    )
    return registration.register(convening, ticket, details(*person), notify=False, actor=COMMAND_LINE)


@pytest.fixture
def setup(app: Flask) -> Iterator[Setup]:
    """Six confirmed people with names in six scripts, one on the waiting list and one who cancelled."""
    seeded = seed_convening(app, tickets=[{"name": "Elected official"}, {"name": "Sold out", "capacity": 0}])
    with app.app_context():
        convening = db.session.get(Convening, seeded.convening_id)
        confirmed = {person[0]: register(convening, "Elected official", person) for person in PEOPLE}
        waitlisted = register(
            convening, "Sold out", ("Wanda Waiting", "Wanda", "Waiting", "wanda@example.org")
        )
        cancelled = register(
            convening, "Elected official", ("Carl Cancel", "Carl", "Cancel", "carl@example.org")
        )
        registration.cancel(cancelled, notify=False, actor=COMMAND_LINE)
        assert waitlisted.status == RegistrationStatus.WAITLISTED
        assert cancelled.status == RegistrationStatus.CANCELLED
        assert {person.status for person in confirmed.values()} == {RegistrationStatus.CONFIRMED}
        yield Setup(convening, confirmed, waitlisted, cancelled)


def print_badges(
    convening: Convening, selection: services.Selection | None = None, **options: Any
) -> BadgeBatch:
    """A print run as staff start it; the job runs inline, so the batch comes back finished."""
    batch = services.start_batch(
        convening,
        selection or services.Selection(),
        layout=options.get("layout", "avery-5392"),
        crop_marks=options.get("crop_marks", True),
        agenda_url=AGENDA_URL,
        actor=COMMAND_LINE,
    )
    db.session.expire_all()
    return db.session.get(BadgeBatch, batch.id)


def read(batch: BadgeBatch, tmp_path: Path, name: str = "batch") -> tuple[Path, list[list[str]]]:
    """The batch's PDF on disk and the QR payloads of each page."""
    assert batch.status == BatchStatus.READY
    assert batch.pdf is not None
    assert batch.pdf.startswith(b"%PDF-")
    directory = tmp_path / name
    directory.mkdir()
    path = pdfcheck.write(batch.pdf, directory, f"{name}.pdf")
    return path, pdfcheck.qr_pages(path, directory)


def decoded(pages: list[list[str]]) -> list[str]:
    return [token for page in pages for token in page]


def prints(registration_id: int) -> list[BadgePrint]:
    return list(
        db.session.scalars(
            select(BadgePrint).where(BadgePrint.registration_id == registration_id).order_by(BadgePrint.id)
        )
    )


# --- a whole batch -----------------------------------------------------------------------------------------


def test_a_batch_prints_every_confirmed_badge_and_each_code_scans_to_its_registration(
    setup: Setup, tmp_path: Path
) -> None:
    batch = print_badges(setup.convening)
    path, pages = read(batch, tmp_path)

    tokens = decoded(pages)
    confirmed_tokens = {person.badge_token for person in setup.confirmed.values()}
    assert len(tokens) == len(confirmed_tokens) == 6
    assert set(tokens) == confirmed_tokens
    assert setup.cancelled.badge_token not in tokens
    assert setup.waitlisted.badge_token not in tokens
    assert pdfcheck.page_count(path) == 2  # one Avery sheet: fronts, then backs
    assert pages[1] == []

    text = pdfcheck.text(path)
    for name in NAMES:
        assert pdfcheck.printed(name, text), name
    assert "Wanda" not in text
    assert "Carl" not in text
    assert "Full agenda: x/agenda" in text
    assert pdfcheck.missing_glyphs(path, NAMES) == set()

    assert batch.badge_count == 6
    assert batch.pdf_size == len(batch.pdf)
    assert batch.layout == "avery-5392"
    assert batch.crop_marks
    assert batch.finished_at is not None
    assert batch.report == {"skipped": {"On the waiting list": 1}, "unnamed": []}
    job = db.session.get(Job, batch.job_id)
    assert job.status == JobStatus.DONE
    assert job.result["next"] == ["badges_console.batch", {"slug": "summit", "batch_id": batch.id}]

    for name, person in setup.confirmed.items():
        [logged] = prints(person.id)
        assert (logged.batch_id, logged.badge_name) == (batch.id, name)
    assert prints(setup.cancelled.id) == []
    assert prints(setup.waitlisted.id) == []
    assert services.print_counts(setup.convening.id) == {
        "confirmed": 6,
        "printed": 6,
        "unprinted": 0,
        "name_changed": 0,
    }


@pytest.mark.parametrize("layout", ["a6-4up", "badge-4x3"])
def test_every_layout_prints_scannable_badges(setup: Setup, tmp_path: Path, layout: str) -> None:
    batch = print_badges(setup.convening, layout=layout, crop_marks=False)
    path, pages = read(batch, tmp_path)
    assert set(decoded(pages)) == {person.badge_token for person in setup.confirmed.values()}
    assert len(decoded(pages)) == 6
    text = pdfcheck.text(path)
    assert all(pdfcheck.printed(name, text) for name in NAMES)


def test_a_fixed_badge_name_reprints_with_the_same_code(setup: Setup, tmp_path: Path) -> None:
    print_badges(setup.convening)
    hector = setup.confirmed["Héctor Ramírez"]
    token = hector.badge_token
    fixed = replace(registration.AttendeeDetails.of(hector), badge_name="Héctor Ramírez-Soto")
    registration.update_details(hector, fixed, actor=COMMAND_LINE)
    assert services.print_counts(setup.convening.id)["name_changed"] == 1

    batch = print_badges(setup.convening, services.Selection(registration_ids=(hector.id,)))
    path, pages = read(batch, tmp_path)
    db.session.refresh(hector)
    assert hector.badge_token == token
    assert decoded(pages) == [token]
    assert pdfcheck.printed("Héctor Ramírez-Soto", pdfcheck.text(path))
    assert [logged.badge_name for logged in prints(hector.id)] == ["Héctor Ramírez", "Héctor Ramírez-Soto"]
    assert services.print_counts(setup.convening.id)["name_changed"] == 0

    # At the desk, a lost badge: one badge drawn at once and logged.
    single = services.reprint(
        setup.convening, hector, agenda_url=AGENDA_URL, layout="badge-4x3", actor=COMMAND_LINE
    )
    (tmp_path / "desk").mkdir()
    desk = pdfcheck.write(single, tmp_path / "desk", "desk.pdf")
    assert pdfcheck.qr_pages(desk, tmp_path / "desk") == [[token], []]
    assert len(prints(hector.id)) == 3


def test_printing_only_the_unprinted_after_everyone_was_printed_says_who_was_left_out(setup: Setup) -> None:
    print_badges(setup.convening)
    with pytest.raises(Refused) as refused:
        print_badges(setup.convening, services.Selection(unprinted=True))
    message = refused.value.problems["selection"]
    assert "1 on the waiting list" in message
    assert "Only confirmed people get badges" in message
    assert db.session.scalar(select(func.count()).select_from(BadgeBatch)) == 1  # nothing half-recorded


def test_a_late_registration_is_the_only_unprinted_badge(setup: Setup, tmp_path: Path) -> None:
    print_badges(setup.convening)
    late = register(
        setup.convening, "Elected official", ("Aroha Ngata", "Aroha", "Ngata", "aroha@example.org")
    )
    batch = print_badges(setup.convening, services.Selection(unprinted=True))
    path, pages = read(batch, tmp_path)
    assert decoded(pages) == [late.badge_token]
    assert pdfcheck.printed("Aroha Ngata", pdfcheck.text(path))
    assert batch.description == "All badges, not printed yet"


def test_a_role_selection_prints_only_that_role(setup: Setup, tmp_path: Path) -> None:
    dmitri = setup.confirmed["Дмитрий Иванов"]
    db.session.add(Speaker(convening_id=setup.convening.id, name="Dmitri Ivanov", email="DMITRI@example.org"))
    db.session.commit()
    batch = print_badges(setup.convening, services.Selection(role=BadgeRole.SPEAKER))
    path, pages = read(batch, tmp_path)
    assert decoded(pages) == [dmitri.badge_token]
    text = pdfcheck.text(path)
    assert pdfcheck.printed("Дмитрий Иванов", text)
    assert "SPEAKER" in text
    assert batch.description == "Speaker badges"
    assert batch.badge_count == 1


def test_unknown_layouts_and_foreign_ticket_types_are_refused(app: Flask, setup: Setup) -> None:
    with pytest.raises(Refused) as refused:
        print_badges(setup.convening, layout="poster")
    assert "Choose a layout" in refused.value.problems["layout"]
    other = seed_convening(app, slug="elsewhere")
    with pytest.raises(Refused) as refused:
        print_badges(setup.convening, services.Selection(ticket_type_id=other.tickets["Elected official"]))
    assert refused.value.problems == {"ticket_type": "Choose a ticket type of this convening."}
    assert db.session.scalar(select(func.count()).select_from(BadgeBatch)) == 0


# --- names that cannot be printed --------------------------------------------------------------------------


def test_emoji_names_print_the_full_name_or_no_name_and_are_reported(setup: Setup, tmp_path: Path) -> None:
    party = register(setup.convening, "Elected official", ("Ana Lima", "Ana", "Lima", "ana@example.org"))
    unicorn = register(setup.convening, "Elected official", ("Uni Corn", "Uni", "Corn", "uni@example.org"))
    # Forms refuse such names; an import or an old record may still hold them.
    party.badge_name = "🎉🎉"
    unicorn.first_name, unicorn.family_name, unicorn.badge_name = "🦄", "🌈✨", "🦄\u200d🌈"
    db.session.commit()
    assert services.name_on_badge(party) == "Ana Lima"
    assert services.name_on_badge(unicorn) == ""

    batch = print_badges(setup.convening)
    path, pages = read(batch, tmp_path)
    tokens = decoded(pages)
    assert party.badge_token in tokens
    assert unicorn.badge_token in tokens  # printed, without a name, and reported
    assert len(tokens) == 8
    text = pdfcheck.text(path)
    assert pdfcheck.printed("Ana Lima", text)
    assert not any(char in text for char in "🎉🦄🌈✨")
    assert batch.report["unnamed"] == [unicorn.id]
    assert [person.id for person in services.unnamed_registrations(batch)] == [unicorn.id]
    assert pdfcheck.notdef_drawn(path) == []


# --- the back -------------------------------------------------------------------------------------------


def at(hour: int, minute: int = 0) -> datetime:
    """June 15, 2027 on Chicago's clock (UTC-5 in June), as UTC."""
    return datetime(2027, 6, 15, hour + 5, minute, tzinfo=UTC)


def test_a_speakers_back_shows_their_sessions_and_everyone_elses_the_highlights(
    setup: Setup, tmp_path: Path
) -> None:
    convening = setup.convening
    room = program.add_room(convening, program.RoomDetails("Cedar Room", 80), actor=COMMAND_LINE)
    hall = program.add_room(convening, program.RoomDetails("Main Hall", 900), actor=COMMAND_LINE)
    morning = program.add_slot(
        convening, program.SlotDetails(at(9), at(10), SlotKind.PLENARY), actor=COMMAND_LINE
    )
    afternoon = program.add_slot(
        convening, program.SlotDetails(at(14), at(15, 30), SlotKind.BREAKOUT), actor=COMMAND_LINE
    )
    program.add_session(
        convening,
        program.SessionDetails(
            SessionKind.KEYNOTE, "Opening keynote", time_slot_id=morning.id, room_id=hall.id
        ),
        actor=COMMAND_LINE,
    )
    workshop = program.add_session(
        convening,
        program.SessionDetails(
            SessionKind.BREAKOUT, "Housing first: what works", time_slot_id=afternoon.id, room_id=room.id
        ),
        actor=COMMAND_LINE,
    )
    speaker = Speaker(convening_id=convening.id, name="Eleni Papadopoulou", email="Eleni@Example.org")
    db.session.add(speaker)
    db.session.commit()
    program.add_speaker(convening, workshop, speaker.id, SpeakerRole.MODERATOR, actor=COMMAND_LINE)

    batch = print_badges(convening)
    path, _ = read(batch, tmp_path)
    back = " ".join(pdfcheck.text(path, page=2).split())
    assert back.count("Your schedule") == 1
    assert back.count("Tue 2:00 PM Housing first: what works · Cedar Room") == 1
    assert back.count("Agenda highlights") == 5
    assert back.count("Tue 9:00 AM Opening keynote · Main Hall") == 5
    front = pdfcheck.text(path, page=1)
    assert "SPEAKER" in front  # her email is a speaker's: the ribbon says so

    # Her schedule sits behind her own badge: the back mirrored from her front's position.
    codes = pdfcheck.qr_codes(pdfcheck.page_images(path, tmp_path / "batch")[0])
    index = [code.text for code in codes].index(setup.confirmed["Ελένη Παπαδοπούλου"].badge_token)
    layout = LAYOUTS["avery-5392"]
    [word] = [word for word in pdfcheck.word_boxes(path, 2) if word.text == "Housing"]
    spot = layout.back(index)
    assert spot.left <= word.left <= spot.left + layout.badge_width
    assert spot.top <= word.top <= spot.top + layout.badge_height


# --- failure --------------------------------------------------------------------------------------------


def test_a_batch_that_cannot_be_drawn_is_marked_failed_and_logs_no_prints(setup: Setup) -> None:
    batch = BadgeBatch(
        convening_id=setup.convening.id,
        layout="no-such-layout",  # as if the layout had been removed since the batch was recorded
        selection=services.Selection().as_dict(),
        description="All badges",
        badge_count=6,
    )
    db.session.add(batch)
    db.session.commit()
    job = jobs.start("badges", services.render_batch, batch.id, AGENDA_URL, convening_id=setup.convening.id)
    db.session.expire_all()

    job = db.session.get(Job, job.id)
    assert job.status == JobStatus.FAILED
    assert "no-such-layout" in job.error
    batch = db.session.get(BadgeBatch, batch.id)
    assert batch.status == BatchStatus.FAILED
    assert batch.finished_at is not None
    assert batch.pdf is None
    assert db.session.scalar(select(func.count()).select_from(BadgePrint)) == 0
    assert services.print_counts(setup.convening.id)["printed"] == 0
