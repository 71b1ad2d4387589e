"""`flask badges render`: a print run drawn in the command's own process, written whole or not at all."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import func, select
from test_badges_console import TICKETS, add_person, crowd, pdf_text

from conftest import seed_convening
from convening.audit.models import AuditEntry
from convening.badges.models import BadgeBatch, BadgePrint, BatchStatus
from convening.badges.services import print_counts
from convening.extensions import db
from convening.registration.models import Registration
from convening.registration.services import AttendeeDetails, update_details


def render(app: Flask, *args: str) -> Any:
    return app.test_cli_runner().invoke(args=["badges", "render", *args])


def batches_and_prints(app: Flask) -> tuple[int, int]:
    with app.app_context():
        return (
            db.session.scalar(select(func.count(BadgeBatch.id))) or 0,
            db.session.scalar(select(func.count(BadgePrint.id))) or 0,
        )


def test_render_writes_the_confirmed_badges_and_logs_them(app: Flask, tmp_path: Path) -> None:
    seeded, ids = crowd(app)
    out = tmp_path / "badges.pdf"
    result = render(app, "--convening", seeded.slug, "--layout", "avery-5392", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "Drawn 3 of 3 badges" in result.stderr
    assert (
        f"Printed 3 badges (All badges) on Avery 5392 sheets, US Letter: 2 pages in {out}." in result.stdout
    )
    assert "Left out, as only confirmed registrations get badges: 1 on the waiting list." in result.stdout
    text = pdf_text(out.read_bytes(), tmp_path)
    for name in ("Ana Lima", "Bao Tran", "Dmitri Ivanov"):
        assert name in text
    assert "Chen Wu" not in text
    assert "Eve Okafor" not in text
    assert sorted(path.name for path in tmp_path.iterdir() if not path.name.startswith("read-")) == [
        "badges.pdf"
    ]
    with app.app_context():
        batch = db.session.scalars(select(BadgeBatch)).one()
        assert (batch.status, batch.badge_count, batch.crop_marks, batch.job_id) == (
            BatchStatus.READY,
            3,
            True,
            None,
        )
        assert batch.created_by_label == "Command line"
        assert batch.pdf == out.read_bytes()
        printed = db.session.scalars(
            select(BadgePrint.registration_id).where(BadgePrint.batch_id == batch.id)
        )
        assert sorted(printed) == sorted(ids[name] for name in ("Ana Lima", "Bao Tran", "Dmitri Ivanov"))
        audit = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "badges.print")).one()
        assert audit.actor_label == "Command line"


def test_unprinted_prints_only_the_new_people(app: Flask, tmp_path: Path) -> None:
    seeded = seed_convening(app, tickets=TICKETS)
    add_person(app, seeded, "Ana Lima")
    first = render(app, "--convening", "summit", "--layout", "badge-4x3", "--out", str(tmp_path / "a.pdf"))
    assert first.exit_code == 0, first.output
    add_person(app, seeded, "Fatima Zahra")
    out = tmp_path / "late.pdf"
    args = ["--convening", "summit", "--layout", "badge-4x3", "--unprinted", "--out", str(out)]
    second = render(app, *args)
    assert second.exit_code == 0, second.output
    assert (
        "Printed 1 badge (All badges, not printed yet) on Badge printer, 4 × 3 in: 2 pages" in second.stdout
    )
    text = pdf_text(out.read_bytes(), tmp_path)
    assert "Fatima Zahra" in text
    assert "Ana Lima" not in text
    with app.app_context():
        assert db.session.scalars(select(BadgeBatch.crop_marks).order_by(BadgeBatch.id)).all() == [
            False,
            False,
        ]

    out.write_bytes(b"kept")
    nobody = render(app, *args)
    assert nobody.exit_code == 1
    assert "Nothing was printed. No confirmed registration matches these choices." in nobody.output
    assert out.read_bytes() == b"kept"  # an earlier file is never half-overwritten
    assert batches_and_prints(app) == (2, 2)


def test_renamed_reprints_only_the_badges_whose_name_was_fixed_after_printing(
    app: Flask, tmp_path: Path
) -> None:
    seeded = seed_convening(app, tickets=TICKETS)
    fixed = add_person(app, seeded, "Hector Ramirez")
    add_person(app, seeded, "Ana Lima")
    assert (
        render(
            app, "--convening", "summit", "--layout", "avery-5392", "--out", str(tmp_path / "a.pdf")
        ).exit_code
        == 0
    )
    with app.app_context():
        registration = db.session.get(Registration, fixed)
        update_details(registration, replace(AttendeeDetails.of(registration), badge_name="Héctor Ramírez"))
        assert print_counts(seeded.convening_id)["name_changed"] == 1
    out = tmp_path / "renamed.pdf"
    result = render(app, "--convening", "summit", "--layout", "avery-5392", "--renamed", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "name changed since printed" in result.stdout
    text = pdf_text(out.read_bytes(), tmp_path)
    assert "Héctor Ramírez" in text
    assert "Ana Lima" not in text
    with app.app_context():
        assert print_counts(seeded.convening_id)["name_changed"] == 0


def test_role_ticket_and_registrations_narrow_the_run(app: Flask, tmp_path: Path) -> None:
    _, ids = crowd(app)
    press = render(
        app,
        "--convening",
        "summit",
        "--layout",
        "a6-4up",
        "--role",
        "press",
        "--out",
        str(tmp_path / "p.pdf"),
    )
    assert press.exit_code == 0, press.output
    assert "Printed 1 badge (Press badges)" in press.stdout
    by_ticket = render(
        app,
        *("--convening", "summit", "--layout", "a6-4up", "--ticket-type", "elected OFFICIAL"),
        *("--no-crop-marks", "--out", str(tmp_path / "t.pdf")),
    )
    assert by_ticket.exit_code == 0, by_ticket.output
    assert "Printed 2 badges (All badges, ticket Elected official)" in by_ticket.stdout
    out = tmp_path / "lost.pdf"
    lost = render(
        app,
        *("--convening", "summit", "--layout", "badge-4x3", "--out", str(out)),
        *("--registration", str(ids["Bao Tran"]), "--registration", str(ids["Eve Okafor"])),
    )
    assert lost.exit_code == 0, lost.output
    assert "Printed 1 badge (2 chosen people, All badges)" in lost.stdout
    assert "1 on the waiting list" in lost.stdout
    text = pdf_text(out.read_bytes(), tmp_path)
    assert "Bao Tran" in text
    assert "Eve Okafor" not in text
    with app.app_context():
        assert db.session.scalars(select(BadgeBatch.crop_marks).order_by(BadgeBatch.id)).all() == [
            True,
            False,
            False,
        ]


def test_unknown_names_are_clear_messages_and_write_nothing(app: Flask, tmp_path: Path) -> None:
    seeded, _ = crowd(app)
    out = tmp_path / "badges.pdf"
    base = ["--layout", "avery-5392", "--out", str(out)]

    ticket = render(app, "--convening", seeded.slug, *base, "--ticket-type", "Sponsor")
    assert ticket.exit_code != 0
    assert (
        "'Sponsor' is not a ticket of summit. Use one of 'Elected official', 'Press pass'." in ticket.output
    )

    convening = render(app, "--convening", "nowhere", *base)
    assert convening.exit_code != 0
    assert "There is no convening 'nowhere'. Known: summit." in convening.output

    layout = render(app, "--convening", seeded.slug, "--layout", "poster", "--out", str(out))
    assert layout.exit_code == 2
    assert "Invalid value for '--layout'" in layout.output
    assert "is not one of 'badge-4x3', 'avery-5392', 'a6-4up'." in layout.output

    role = render(app, "--convening", seeded.slug, *base, "--role", "boss")
    assert role.exit_code == 2
    assert "Invalid value for '--role'" in role.output

    unknown_id = render(app, "--convening", seeded.slug, *base, "--registration", "99999")
    assert unknown_id.exit_code == 1
    assert "No registration 99999 in National Convening of Local Leaders. Check the ids." in unknown_id.output

    folder = render(
        app, "--convening", seeded.slug, "--layout", "avery-5392", "--out", str(tmp_path / "no" / "x.pdf")
    )
    assert folder.exit_code == 2
    assert "There is no folder" in folder.output

    assert list(tmp_path.iterdir()) == []
    assert batches_and_prints(app) == (0, 0)
