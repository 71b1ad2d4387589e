"""Breakout workshops in a real browser on a 360 px phone: ranking three choices with the keyboard alone,
taking a seat then waiting for a full workshop, and picking workshops on the registration form; axe-core
checks each page, nothing scrolls sideways."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import select, update
from test_workshop_seats import seed_breakouts

from conftest import assert_accessible, assert_fits_width
from convening.extensions import db
from convening.program.models import ProgramSession, TimeSlot
from convening.registration.models import Registration, TicketType
from convening.scheduling.enums import SignupMode
from convening.scheduling.models import SeatStatus, WorkshopChoice, WorkshopSeat

pytestmark = pytest.mark.browser


def _named(action: str, workshop: str) -> re.Pattern[str]:
    """A button's name: the action, then the workshop's title (hidden text, read after a pause)."""
    return re.compile(rf"^{re.escape(action)}\s*: {re.escape(workshop)}$")


@pytest.fixture(autouse=True)
def _quick_failures(phone: Page) -> None:
    phone.set_default_timeout(10_000)


def test_rank_three_choices_with_the_keyboard_on_a_phone(app: Flask, phone: Page) -> None:
    b = seed_breakouts(
        app,
        capacities=[[10, 10, 10, 10]],
        people=1,
        mode=SignupMode.RANKED,
        closes_at=datetime.now(UTC) + timedelta(days=7),
    )
    phone.goto(f"/c/summit/r/{b.secrets[0]}/workshops")
    expect(phone.get_by_role("heading", level=1, name="Your breakout workshops")).to_be_visible()
    assert_accessible(phone)
    assert_fits_width(phone)

    # A duplicate first: the message stands beside the field, and the page stays accessible.
    phone.get_by_label("First choice").focus()
    phone.keyboard.press("c")  # Clean water
    phone.keyboard.press("Tab")
    phone.keyboard.press("c")
    phone.keyboard.press("Tab")
    phone.keyboard.press("Tab")
    phone.keyboard.press("Enter")
    expect(phone.locator(".field-error")).to_have_text(
        "Error: You chose this workshop already as your first choice: choose another."
    )
    assert_accessible(phone)
    assert_fits_width(phone)

    phone.get_by_label("Second choice").focus()
    phone.keyboard.press("b")  # Broadband for all
    phone.keyboard.press("Tab")
    phone.keyboard.press("h")  # Housing first
    phone.keyboard.press("Tab")
    expect(phone.get_by_role("button", name="Save my choices")).to_be_focused()
    phone.keyboard.press("Enter")
    expect(
        phone.get_by_role("status").filter(has_text="Your choices for Breakouts 1 are saved.")
    ).to_be_visible()
    expect(phone.get_by_label("Third choice")).to_have_value(str(b.workshops[0][0]))
    with app.app_context():
        ranked = db.session.execute(
            select(WorkshopChoice.rank, WorkshopChoice.session_id).order_by(WorkshopChoice.rank)
        ).all()
    assert [tuple(row) for row in ranked] == [
        (1, b.workshops[0][1]),
        (2, b.workshops[0][2]),
        (3, b.workshops[0][0]),
    ]

    phone.get_by_role("link", name="Back to your registration").click()
    section = phone.locator("section", has=phone.get_by_role("heading", name="Your breakout workshops"))
    expect(section).to_contain_text("Your choices: 1. Clean water, 2. Broadband for all, 3. Housing first")
    assert_accessible(phone)
    assert_fits_width(phone)


def test_take_a_seat_then_join_a_full_workshops_waiting_list_on_a_phone(app: Flask, phone: Page) -> None:
    b = seed_breakouts(app, capacities=[[5, 1]], people=2)
    housing, water = b.workshops[0]
    phone.goto(f"/c/summit/r/{b.secrets[1]}/workshops")
    phone.get_by_role("button", name=_named("Take a seat", "Clean water")).click()
    expect(phone.get_by_role("status").filter(has_text="Your seat is confirmed.")).to_be_visible()

    phone.goto(f"/c/summit/r/{b.secrets[0]}/workshops")
    card = phone.locator(f"#workshop-{water}")
    expect(card).to_contain_text("Full")
    assert_accessible(phone)
    assert_fits_width(phone)
    phone.get_by_role("button", name=_named("Take a seat", "Housing first")).click()
    expect(phone.locator(f"#workshop-{housing}")).to_contain_text("4 seats left")
    phone.get_by_role("button", name=_named("Join the waiting list", "Clean water")).click()
    expect(phone.get_by_text("You are 1st on the waiting list for Clean water.")).to_be_visible()
    expect(phone.get_by_role("button", name=_named("Leave the waiting list", "Clean water"))).to_be_visible()
    phone.get_by_role("button", name=_named("I'd like to attend", "Clean water")).click()
    expect(phone.get_by_role("button", name=_named("I'd like to attend", "Clean water"))).to_have_attribute(
        "aria-pressed", "true"
    )
    assert_accessible(phone)
    assert_fits_width(phone)
    with app.app_context():
        mine = db.session.execute(
            select(WorkshopSeat.session_id, WorkshopSeat.status)
            .where(WorkshopSeat.registration_id == b.people[0])
            .order_by(WorkshopSeat.status)
        ).all()
    assert sorted(tuple(row) for row in mine) == sorted(
        [(housing, SeatStatus.SEATED), (water, SeatStatus.WAITING)]
    )


def test_pick_workshops_while_registering_on_a_phone(app: Flask, phone: Page) -> None:
    b = seed_breakouts(app, capacities=[[1, 5], [10, 10, 10]], people=1)
    with app.app_context():
        db.session.execute(
            update(TimeSlot)
            .where(TimeSlot.id == b.slots[1])
            .values(signup_mode=SignupMode.RANKED, choices_close_at=datetime.now(UTC) + timedelta(days=7))
        )
        db.session.add(
            TicketType(convening_id=b.seeded.convening_id, name="Supporter", price_cents=15000, position=1)
        )
        db.session.commit()
        housing = b.workshops[0][0]
        db.session.execute(update(ProgramSession).where(ProgramSession.id == housing).values(seats_taken=1))
        db.session.commit()

    phone.goto("/c/summit/register")
    picks = phone.get_by_role("group", name="Breakout workshops")
    # A paid ticket confirms later, and so do its workshops: the picks give way to a note.
    phone.get_by_label("Supporter").check()
    expect(picks.get_by_text("once your seat is confirmed")).to_be_visible()
    expect(picks.get_by_role("radio")).to_have_count(0)
    phone.get_by_label("Elected official").check()
    expect(picks.get_by_text("once your seat is confirmed")).to_be_hidden()
    assert_accessible(phone)
    assert_fits_width(phone)

    phone.get_by_label("First name").fill("محمد")
    phone.get_by_label("Family name").fill("Al-Amin")
    phone.get_by_label("Email").fill("mohammed@example.org")
    first_come = phone.get_by_role("group", name=re.compile("^Breakouts 1"))
    expect(first_come.get_by_role("radio", name="No workshop for now")).to_be_checked()
    expect(first_come).to_contain_text("Full: you join its waiting list")
    first_come.get_by_role("radio", name=re.compile("^Housing first")).check()
    ranked = phone.get_by_role("group", name=re.compile("^Breakouts 2"))
    ranked.get_by_label("First choice").select_option(label="Clean water 2")
    ranked.get_by_label("Second choice").select_option(label="Housing first 2")
    phone.get_by_role("button", name="Register").click()

    expect(phone.get_by_role("status").filter(has_text="You're registered!")).to_be_visible()
    section = phone.locator("section", has=phone.get_by_role("heading", name="Your breakout workshops"))
    expect(section).to_contain_text("You are 1st on the waiting list for Housing first 1")
    expect(section).to_contain_text("Your choices: 1. Clean water 2, 2. Housing first 2")
    assert_accessible(phone)
    assert_fits_width(phone)
    with app.app_context():
        registration = db.session.scalars(select(Registration).where(Registration.first_name == "محمد")).one()
        assert [
            (seat.session_id, seat.status)
            for seat in db.session.scalars(
                select(WorkshopSeat).where(WorkshopSeat.registration_id == registration.id)
            )
        ] == [(housing, SeatStatus.WAITING)]
