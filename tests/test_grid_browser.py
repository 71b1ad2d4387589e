"""The program grid in a browser: drag a session onto another cell, see the warning; use it on a phone."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from test_program_grid import GRID, build_program, placed_entries, placement

from conftest import STAFF_PASSWORD, assert_accessible, assert_fits_width, make_staff

pytestmark = pytest.mark.browser


def sign_in(page: Page, email: str) -> None:
    page.goto("/staff/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Convenings")).to_be_visible()


def test_staff_drag_a_session_onto_a_cell_and_see_the_clash(app: Flask, browser, live_server: str) -> None:
    program = build_program(app)
    email = make_staff(app, "staff", name="Ana Ruiz")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server)
    page = context.new_page()
    page.set_default_timeout(10_000)
    budgets = program.sessions["budgets"]
    target = f"#cell-{program.slots['tuesday']}-{program.rooms['garden']}"
    try:
        sign_in(page, email)
        page.get_by_role("link", name=re.compile("Open the dashboard")).click()
        page.get_by_role("navigation", name="Console").get_by_role("link", name="Program grid").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Program grid")
        expect(page.locator(".grid-warnings")).to_contain_text("Nothing to check on Tuesday, June 15")
        assert_accessible(page)

        page.drag_and_drop(f"#session-{budgets}", target)
        status = page.locator("#grid-status")
        expect(status).to_contain_text("Moved “\u2068Participatory budgets\u2069” to Jardín")
        expect(page.locator(f"{target} #session-{budgets}")).to_be_visible()
        expect(page.locator("#unscheduled")).not_to_contain_text("Participatory budgets")
        warnings = page.locator(".grid-warnings")
        expect(warnings).to_contain_text("is in two sessions at once on Tuesday, June 15 at 10:30 AM")
        expect(page.locator(target)).to_have_class(re.compile(r"\bhas-warnings\b"))
        expect(page.locator(target)).to_contain_text("1 warning here")
        days = page.get_by_role("navigation", name="Days")
        expect(days.get_by_role("link", name=re.compile("Tuesday, June 15"))).to_contain_text("1 warning")
        assert_accessible(page)

        # Dropped back where it came from: the session leaves the grid, and the warning goes with it.
        page.drag_and_drop(f"#session-{budgets}", "#unscheduled")
        expect(status).to_contain_text("Took “\u2068Participatory budgets\u2069” out of the grid.")
        expect(page.locator(f"#unscheduled #session-{budgets}")).to_be_visible()
        expect(warnings).to_contain_text("Nothing to check")
    finally:
        context.close()

    assert placement(app, budgets) == (None, None)
    first, second = placed_entries(app, budgets)
    assert first.actor_label == f"Ana Ruiz ({email})"
    assert first.changes["room_id"] == [None, program.rooms["garden"]]
    assert second.changes["time_slot_id"] == [program.slots["tuesday"], None]


def test_on_a_phone_the_grid_scrolls_inside_its_box_and_the_move_form_works(app: Flask, phone: Page) -> None:
    program = build_program(app)
    phone.set_default_timeout(10_000)
    sign_in(phone, make_staff(app, "staff"))
    phone.goto(GRID)
    expect(phone.get_by_role("heading", level=1)).to_have_text("Program grid")
    assert_fits_width(phone)
    assert_accessible(phone)
    box = phone.get_by_role("region", name="Time slots by room on Tuesday, June 15")
    assert box.evaluate(
        "element => element.scrollWidth > element.clientWidth"
    )  # it scrolls, the page does not

    budgets = phone.locator(f"#session-{program.sessions['budgets']}")
    budgets.locator("summary").click()
    budgets.get_by_label("Time slot").select_option(value=str(program.slots["tuesday"]))
    budgets.get_by_label("Room").select_option(value=str(program.rooms["hall"]))
    budgets.get_by_role("button", name=re.compile("Move")).click()
    expect(phone.locator(".notice-success")).to_contain_text(
        "Moved “\u2068Participatory budgets\u2069” to Main Hall"
    )
    expect(phone.locator(".grid-warnings")).to_contain_text("\u2068Main Hall\u2069 has 2 sessions")
    assert_fits_width(phone)
    assert_accessible(phone)
    assert placement(app, program.sessions["budgets"]) == (program.slots["tuesday"], program.rooms["hall"])
