"""Breakout workshops in a real browser on a 360 px phone: ranking three choices with the keyboard alone, and
taking a seat then waiting for a full workshop; axe-core checks each page, nothing scrolls sideways."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import select
from test_workshop_seats import seed_breakouts

from conftest import assert_accessible, assert_fits_width
from convening.extensions import db
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
