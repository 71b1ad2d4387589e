"""The public program in a real browser: Chromium at phone size (360 px) reads the agenda, opens a session and
filters by track through the form; axe-core checks every page and nothing may scroll sideways. On a laptop
screen the breakout workshops of one slot sit side by side, one column per room.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from test_agenda_pages import NAMES, build_program

from conftest import assert_accessible, assert_fits_width
from convening.sqltypes import utcnow

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _quick_failures(phone: Page) -> None:
    phone.set_default_timeout(10_000)


@pytest.fixture
def laptop(browser: Any, live_server: str) -> Iterator[Page]:
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, base_url=live_server, locale="en-US"
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_agenda_on_a_phone(app: Flask, phone: Page) -> None:
    """During the convening: the banner says what is on, a session opens, the track filter narrows it."""
    build_program(app, starts=utcnow() - timedelta(minutes=20))
    phone.goto("/c/summit/agenda")
    expect(phone.get_by_role("heading", name="Agenda", exact=True)).to_be_visible()
    banner = phone.locator("section.now-banner")
    expect(banner.get_by_role("heading", name="Happening now")).to_be_visible()
    expect(banner.get_by_role("link", name="Opening keynote")).to_be_visible()
    # A list on phones: the room headings of the grid are hidden and each session names its room.
    expect(phone.locator("table.agenda-grid thead").first).to_be_hidden()
    housing = phone.locator("article.agenda-session", has_text="Housing first")
    expect(housing).to_contain_text("Room A")
    expect(housing).to_contain_text("Housing")
    expect(housing.locator("bdi", has_text=NAMES[1])).to_be_visible()
    assert_accessible(phone)
    assert_fits_width(phone)

    housing.get_by_role("link", name="Housing first").click()
    expect(phone.get_by_role("heading", level=1, name="Housing first")).to_be_visible()
    expect(phone.get_by_role("link", name="Add to calendar")).to_be_visible()
    expect(phone.get_by_role("link", name=NAMES[2])).to_be_visible()
    assert_accessible(phone)
    assert_fits_width(phone)

    phone.get_by_role("link", name="Back to the agenda").click()
    phone.get_by_label("Show a track").select_option(label="Climate")
    phone.get_by_role("button", name="Show").click()
    expect(phone).to_have_url(re.compile(r"/c/summit/agenda\?track=\d+$"))
    expect(phone.get_by_role("link", name="Heat plans for hot cities")).to_be_visible()
    expect(phone.get_by_role("link", name="Housing first")).to_have_count(0)
    expect(phone.get_by_role("link", name="Lunch in the hall")).to_be_visible()  # for everyone
    expect(phone.get_by_label("Show a track")).to_have_value(re.compile(r"\d+"))
    assert_accessible(phone)
    assert_fits_width(phone)


def test_speakers_and_sponsors_on_a_phone(app: Flask, phone: Page) -> None:
    program = build_program(app)
    phone.goto("/c/summit/speakers")
    for name in NAMES:
        expect(phone.get_by_role("heading", level=2, name=name)).to_be_visible()
    expect(phone.get_by_role("link", name="example.org", exact=True)).to_have_attribute(
        "rel", "nofollow noopener"
    )
    assert_accessible(phone)
    assert_fits_width(phone)

    phone.get_by_role("navigation", name="Convening").get_by_role("link", name="Sponsors").click()
    expect(phone.get_by_role("heading", level=1, name="Sponsors")).to_be_visible()
    tiers = phone.locator("section.sponsor-tier-section h2")
    expect(tiers).to_have_text(["Gold", "Silver"])
    expect(phone.get_by_role("img", name="Acme Foundation").first).to_be_visible()
    expect(phone.locator(f"#sponsor-{program.sponsors['Zeta Fund']}")).to_contain_text("Zeta Fund")
    assert_accessible(phone)
    assert_fits_width(phone)

    phone.goto("/c/summit/")
    expect(phone.locator("footer .sponsor-strip")).to_contain_text("Made possible by the generous support of")
    phone.get_by_role("link", name="Agenda", exact=True).first.click()
    expect(phone).to_have_url(re.compile(r"/c/summit/agenda$"))
    assert_fits_width(phone)


def test_rooms_side_by_side_on_a_laptop(app: Flask, laptop: Page) -> None:
    build_program(app)
    laptop.goto("/c/summit/agenda")
    housing = laptop.get_by_role("link", name="Housing first").bounding_box()
    heat = laptop.get_by_role("link", name="Heat plans for hot cities").bounding_box()
    assert housing
    assert heat
    assert housing["y"] == heat["y"]
    assert housing["x"] < heat["x"]
    expect(laptop.get_by_role("columnheader", name="Room A")).to_be_visible()
    expect(laptop.get_by_role("columnheader", name="Room B")).to_be_visible()
    # The lunch spans every room column.
    lunch = laptop.locator("tr.slot-meal td").bounding_box()
    table = laptop.locator("table.agenda-grid").first.bounding_box()
    assert lunch
    assert table
    assert lunch["width"] > table["width"] * 0.7
    assert_accessible(laptop)
