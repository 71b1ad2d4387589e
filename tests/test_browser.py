"""The attendee's side in a real browser: Chromium at phone size (360x740), through the real forms.

Every field is found by its label and every button by its role, so a missing or broken label fails the test;
axe-core checks each page as the attendee sees it, and nothing may force sideways scrolling.
"""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
import zxingcpp
from flask import Flask
from PIL import Image
from playwright.sync_api import Locator, Page, expect
from sqlalchemy import select

from conftest import Seeded, assert_accessible, assert_fits_width, attendee, seed_convening, submit
from convening.extensions import db
from convening.models import Registration
from convening.registration.models import DietaryNeed, RegistrationStatus

pytestmark = pytest.mark.browser

FREE = "Elected official"
PAID = "Staff and guests"


@pytest.fixture(autouse=True)
def _quick_failures(phone: Page) -> None:
    """The live server answers in well under a second: a missing element fails in seconds, not 30."""
    phone.set_default_timeout(10_000)


def seed(app: Flask) -> Seeded:
    return seed_convening(
        app,
        tickets=[
            {"name": FREE, "description": "For mayors, council members and other elected officials."},
            {"name": PAID, "price_cents": 35000, "description": "Staff, partners and guests."},
        ],
    )


def detail(page: Page, term: str) -> Locator:
    """The <dd> that answers a <dt> of the details list on the manage page."""
    return page.locator("dl.details > dt", has_text=re.compile(f"^{re.escape(term)}$")).locator(
        "xpath=following-sibling::dd[1]"
    )


# Draws each character of an element's text in the element's own font, and lists those that come out as the
# same box as a code point no font has: characters the browser cannot show and draws as "tofu".
UNDRAWN_CHARACTERS = r"""element => {
    const style = getComputedStyle(element);
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = 64;
    const context = canvas.getContext("2d", {willReadFrequently: true});
    const draw = character => {
        context.clearRect(0, 0, 64, 64);
        context.font = `${style.fontWeight} 32px ${style.fontFamily}`;
        context.textBaseline = "top";
        context.fillText(character, 8, 8);
        return context.getImageData(0, 0, 64, 64).data.join();
    };
    const box = draw("\u{10FFFD}");
    return [...new Set(element.innerText)].filter(character => character.trim() && draw(character) === box);
}"""


def expect_shown_as(element: Locator, text: str) -> None:
    """The element's text is exactly text, and every character of it is drawn with a real glyph."""
    assert element.inner_text() == text
    undrawn = element.evaluate(UNDRAWN_CHARACTERS)
    assert not undrawn, (
        f"Chromium has no font for {undrawn} in {text!r}; on Debian, fonts-noto-cjk has the CJK glyphs."
    )


def expect_qr_loaded(page: Page, badge_name: str) -> str:
    """The check-in QR code loaded, and as shown on screen it scans as the badge code printed under it."""
    qr = page.get_by_role("img", name=f"QR code for checking in as {badge_name}")
    expect(qr).to_be_visible()
    # decode() waits for the image and fails if it is broken; naturalWidth > 0 proves real pixels arrived.
    assert qr.evaluate("async img => { await img.decode(); return img.naturalWidth; }") > 0
    scanned = [code.text for code in zxingcpp.read_barcodes(Image.open(io.BytesIO(qr.screenshot())))]
    token = page.locator("figure.qr code.token").inner_text()
    assert scanned == [token]
    return token


def check_page(page: Page) -> None:
    assert_accessible(page)
    assert_fits_width(page)


def registered_by_client(app: Flask, slug: str, ticket_id: int, **overrides: Any) -> str:
    """Register without the browser (for tests about later steps); returns the manage page's path."""
    response = submit(app.test_client(), f"/c/{slug}/register", attendee(ticket_type=ticket_id, **overrides))
    assert response.status_code == 303, response.status_code
    return re.sub(r"^https?://[^/]+", "", response.headers["Location"])


# --- 1. the attendee's journey --------------------------------------------------------------------


def test_attendee_registers_on_a_phone(app: Flask, phone: Page) -> None:
    seeded = seed(app)

    phone.goto(f"/c/{seeded.slug}/")
    expect(phone.get_by_role("heading", level=1)).to_have_text("National Convening of Local Leaders")
    check_page(phone)

    phone.get_by_role("link", name="Register now").click()
    expect(phone).to_have_url(re.compile(rf"/c/{seeded.slug}/register$"))
    expect(phone.get_by_role("heading", level=1, name="Register")).to_be_visible()
    check_page(phone)

    free = phone.get_by_label(FREE)
    expect(free).not_to_be_checked()  # with two tickets nothing is chosen for the attendee
    free.check()
    expect(phone.get_by_label(PAID)).not_to_be_checked()
    phone.get_by_label("First name").fill("Minh Khai")
    phone.get_by_label("Family name").fill("Nguyễn Thị")
    phone.get_by_label("Name on your badge").fill("Nguyễn Thị Minh Khai")
    phone.get_by_label("Pronouns").fill("she/her")
    phone.get_by_label("Title or office").fill("Vice Mayor")
    phone.get_by_label("Organization or jurisdiction").fill("City of Garden Grove")
    phone.get_by_label("City").fill("Garden Grove")
    phone.get_by_label("State").fill("CA")
    phone.get_by_label("Email").fill("Minh.Khai@Example.org")
    phone.get_by_label("Dietary needs").select_option(label="Vegetarian")
    phone.get_by_label("Accessibility needs").fill("Vietnamese interpretation, please.")
    phone.get_by_label("List me in the attendee directory").check()
    assert_fits_width(phone)  # a filled-in form still fits
    phone.get_by_role("button", name="Register", exact=True).click()

    expect(phone).to_have_url(re.compile(rf"/c/{seeded.slug}/r/[\w-]+$"))
    expect(phone.get_by_role("status").filter(has_text="You're registered!")).to_be_visible()
    expect(phone.get_by_role("region", name="Confirmed")).to_be_visible()
    expect(phone.get_by_role("heading", level=2, name="Confirmed")).to_be_visible()
    expect_shown_as(detail(phone, "Name on your badge"), "Nguyễn Thị Minh Khai")
    expect_shown_as(detail(phone, "Name"), "Minh Khai Nguyễn Thị")
    assert detail(phone, "Ticket").inner_text() == f"{FREE} (Free)"
    assert detail(phone, "Email").inner_text() == "minh.khai@example.org"
    assert detail(phone, "Dietary needs").inner_text() == "Vegetarian"
    assert detail(phone, "Attendee directory").inner_text() == "Listed"
    badge_token = expect_qr_loaded(phone, "Nguyễn Thị Minh Khai")
    check_page(phone)

    with app.app_context():
        registrations = db.session.scalars(select(Registration)).all()
        assert len(registrations) == 1
        registration = registrations[0]
        assert phone.url.endswith(f"/r/{registration.manage_secret}")
        assert registration.badge_token == badge_token
        assert registration.ticket_type_id == seeded.tickets[FREE]
        assert registration.status == RegistrationStatus.CONFIRMED
        assert (registration.first_name, registration.family_name, registration.badge_name) == (
            "Minh Khai",
            "Nguyễn Thị",
            "Nguyễn Thị Minh Khai",
        )
        assert registration.pronouns == "she/her"
        assert registration.title == "Vice Mayor"
        assert registration.organization == "City of Garden Grove"
        assert (registration.city, registration.state) == ("Garden Grove", "CA")
        assert registration.email == "minh.khai@example.org"
        assert registration.phone == ""
        assert registration.dietary == DietaryNeed.VEGETARIAN
        assert registration.accessibility_needs == "Vietnamese interpretation, please."
        assert registration.listed_in_directory is True
        assert registration.photo_consent is False
        assert registration.price_cents == 0


# --- 2. keyboard only -----------------------------------------------------------------------------


def tab_to(page: Page, target: Locator) -> None:
    """One press of Tab must move focus to target: the tab order follows the form."""
    page.keyboard.press("Tab")
    expect(target).to_be_focused()


def test_the_form_works_with_the_keyboard_alone(app: Flask, phone: Page) -> None:
    seeded = seed(app)
    phone.goto(f"/c/{seeded.slug}/register")
    keys = phone.keyboard

    # The first Tab reaches the skip link, which takes focus past the header into the page.
    tab_to(phone, phone.get_by_role("link", name="Skip to content"))
    expect(phone.get_by_role("link", name="Skip to content")).to_be_in_viewport()
    keys.press("Enter")
    tab_to(phone, phone.get_by_text("Have an access code?"))

    tab_to(phone, phone.get_by_label(FREE))
    keys.press("Space")
    expect(phone.get_by_label(FREE)).to_be_checked()
    for label, typed in [
        ("First name", "Héctor"),
        ("Family name", "Ramírez"),
        ("Name on your badge", ""),
        ("Pronouns", "he/him"),
        ("Title or office", "City Council Member, District 3"),
        ("Organization or jurisdiction", "City of Tucson"),
        ("City", "Tucson"),
        ("State", "AZ"),
        ("Email", "hector.ramirez@example.org"),
        ("Mobile phone", "(520) 555-0143"),
    ]:
        tab_to(phone, phone.get_by_label(label))
        keys.type(typed)
    tab_to(phone, phone.get_by_label("Dietary needs"))
    keys.type("Halal")  # typing on a closed select picks the option that starts with it
    expect(phone.get_by_label("Dietary needs")).to_have_value("halal")
    tab_to(phone, phone.get_by_label("Allergies or other dietary details"))
    keys.type("No shellfish.")
    tab_to(phone, phone.get_by_label("Accessibility needs"))
    keys.type("Step-free seating.")
    tab_to(phone, phone.get_by_label("List me in the attendee directory"))
    keys.press("Space")
    tab_to(phone, phone.get_by_label("I agree to appear in photos"))
    keys.press("Space")
    expect(phone.get_by_label("List me in the attendee directory")).to_be_checked()
    expect(phone.get_by_label("I agree to appear in photos")).to_be_checked()
    tab_to(phone, phone.get_by_role("button", name="Register", exact=True))
    keys.press("Enter")

    expect(phone.get_by_role("heading", level=2, name="Confirmed")).to_be_visible()
    assert detail(phone, "Name on your badge").inner_text() == "Héctor Ramírez"
    assert detail(phone, "Mobile phone").inner_text() == "(520) 555-0143"
    assert detail(phone, "Dietary needs").inner_text() == "Halal: No shellfish."
    assert detail(phone, "Photos and video").inner_text() == "You agreed to appear"
    expect_qr_loaded(phone, "Héctor Ramírez")

    # The manage page's actions are reachable from the keyboard too: a few Tabs past the site's navigation.
    change = phone.get_by_role("link", name="Change my details")
    for _ in range(12):
        keys.press("Tab")
        if change.evaluate("link => link === document.activeElement"):
            break
    expect(change).to_be_focused()
    keys.press("Enter")
    expect(phone.get_by_role("heading", level=1, name="Change your details")).to_be_visible()
    expect(phone.get_by_label("First name")).to_have_value("Héctor")


# --- 3. errors ------------------------------------------------------------------------------------


def expect_field_error(page: Page, field: Locator, message: str) -> None:
    """The field says it is invalid and is described by an error shown right beside it."""
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_accessible_description(re.compile(re.escape(message)))
    error_id = field.get_attribute("aria-describedby").split()[-1]  # type: ignore[union-attr]
    error = page.locator(f"#{error_id}")
    expect(error).to_be_visible()
    expect(error).to_contain_text(message)
    assert error.evaluate("(e, f) => e.closest('.field') === f.closest('.field')", field.element_handle())


def test_an_empty_form_explains_every_error_beside_its_field(app: Flask, phone: Page) -> None:
    seeded = seed(app)
    phone.goto(f"/c/{seeded.slug}/register")
    phone.get_by_role("button", name="Register", exact=True).click()

    summary = phone.get_by_role("alert").filter(has=phone.get_by_role("heading", name="Please fix"))
    expect(summary).to_be_visible()
    expect(summary.get_by_role("heading")).to_have_text("Please fix these 3 answers to continue")
    expect(summary.get_by_role("link")).to_have_text(
        [
            "Ticket: Choose a ticket.",
            "First name: Enter your first name.",
            "Email: Enter your email address.",
        ]
    )
    expect_field_error(phone, phone.get_by_label("First name"), "Enter your first name.")
    expect_field_error(phone, phone.get_by_label("Email"), "Enter your email address.")
    tickets = phone.get_by_role("group", name="Your ticket")
    expect(tickets).to_have_accessible_description(re.compile("Choose a ticket."))
    expect(phone.get_by_label("Family name")).not_to_have_attribute("aria-invalid", "true")
    check_page(phone)

    # Each link in the summary takes the attendee to the field to fix.
    summary.get_by_role("link", name="First name: Enter your first name.").click()
    expect(phone.get_by_label("First name")).to_be_focused()
    summary.get_by_role("link", name="Ticket: Choose a ticket.").click()
    expect(phone.get_by_label(FREE)).to_be_focused()


def test_a_wrong_email_keeps_what_was_typed_until_it_is_fixed(app: Flask, phone: Page) -> None:
    seeded = seed(app)
    phone.goto(f"/c/{seeded.slug}/register")
    phone.get_by_label(PAID).check()
    phone.get_by_label("First name").fill("محمد")
    phone.get_by_label("Email").fill("mohammed@example")
    phone.get_by_role("button", name="Register", exact=True).click()

    expect(phone.get_by_role("heading", name="Please fix this to continue")).to_be_visible()
    expect_field_error(phone, phone.get_by_label("Email"), "Enter an address like name@example.org.")
    expect(phone.get_by_label(PAID)).to_be_checked()
    expect(phone.get_by_label("First name")).to_have_value("محمد")
    expect(phone.get_by_label("Email")).to_have_value("mohammed@example")
    check_page(phone)

    phone.get_by_label("Email").fill("mohammed@example.org")
    phone.get_by_role("button", name="Register", exact=True).click()
    expect(phone.get_by_role("heading", level=2, name="Payment pending")).to_be_visible()
    expect(phone.get_by_role("region", name="Payment pending")).to_contain_text("Amount due: $350.")
    expect(phone.get_by_role("img", name=re.compile("QR code"))).to_have_count(0)
    check_page(phone)


def test_a_wrong_access_code_is_explained(app: Flask, phone: Page) -> None:
    seeded = seed(app)
    phone.goto(f"/c/{seeded.slug}/register")
    phone.get_by_text("Have an access code?").click()
    phone.get_by_label("Access code").fill("NOPE-2027")
    phone.get_by_role("button", name="Apply code").click()

    expect_field_error(phone, phone.get_by_label("Access code"), "That code does not match any ticket.")
    expect(phone.get_by_label("Access code")).to_have_value("NOPE-2027")
    check_page(phone)


def test_a_duplicate_email_offers_the_registration_link(app: Flask, phone: Page) -> None:
    seeded = seed(app)
    registered_by_client(app, seeded.slug, seeded.tickets[FREE], email="hector.ramirez@example.org")

    phone.goto(f"/c/{seeded.slug}/register")
    phone.get_by_label(FREE).check()
    phone.get_by_label("First name").fill("Héctor")
    phone.get_by_label("Email").fill("Hector.Ramirez@example.org")
    phone.get_by_role("button", name="Register", exact=True).click()

    expect_field_error(phone, phone.get_by_label("Email"), "This email already has a registration.")
    resend = phone.get_by_role("button", name="Email me my registration link")
    expect(resend).to_be_visible()
    check_page(phone)

    resend.click()
    expect(phone).to_have_url(re.compile(rf"/c/{seeded.slug}/lost-link$"))
    expect(phone.get_by_role("heading", level=1, name="Get your registration link")).to_be_visible()
    expect(phone.get_by_role("status")).to_have_text(
        "If hector.ramirez@example.org has a registration, its link is on its way. "
        "Check your inbox and spam folder."
    )
    check_page(phone)
    with app.app_context():
        assert len(db.session.scalars(select(Registration)).all()) == 1


# --- 4. self-service ------------------------------------------------------------------------------


def test_attendee_changes_then_cancels_their_registration(app: Flask, phone: Page) -> None:
    seeded = seed(app)
    manage_path = registered_by_client(app, seeded.slug, seeded.tickets[FREE])

    phone.goto(manage_path)
    expect(phone.get_by_role("heading", level=2, name="Confirmed")).to_be_visible()
    phone.get_by_role("link", name="Change my details").click()
    expect(phone.get_by_role("heading", level=1, name="Change your details")).to_be_visible()
    expect(phone.get_by_label("Name on your badge")).to_have_value("Héctor Ramírez")
    check_page(phone)

    phone.get_by_label("Name on your badge").fill("李小龍")
    phone.get_by_role("button", name="Save changes").click()
    expect(phone).to_have_url(re.compile(f"{re.escape(manage_path)}$"))
    expect(phone.get_by_role("status")).to_have_text("Your changes are saved.")
    expect_shown_as(detail(phone, "Name on your badge"), "李小龍")
    expect_qr_loaded(phone, "李小龍")
    check_page(phone)

    phone.get_by_role("link", name="Cancel my registration").click()
    expect(phone.get_by_role("heading", level=1, name="Cancel your registration?")).to_be_visible()
    check_page(phone)
    phone.get_by_role("button", name="Yes, cancel my registration").click()

    expect(phone).to_have_url(re.compile(f"{re.escape(manage_path)}$"))
    expect(phone.get_by_role("status")).to_contain_text("Your registration is cancelled.")
    expect(phone.get_by_role("heading", level=2, name="Cancelled")).to_be_visible()
    expect(phone.get_by_role("img", name=re.compile("QR code"))).to_have_count(0)
    expect(phone.get_by_role("link", name="Change my details")).to_have_count(0)
    check_page(phone)
    with app.app_context():
        registration = db.session.scalars(select(Registration)).one()
        assert registration.status == RegistrationStatus.CANCELLED
        assert registration.badge_name == "李小龍"


# --- 5. the other pages ---------------------------------------------------------------------------


def test_lost_link_page_is_accessible(app: Flask, phone: Page) -> None:
    seeded = seed(app)
    phone.goto(f"/c/{seeded.slug}/")
    phone.get_by_role("link", name="Already registered? Get your registration link.").click()
    expect(phone.get_by_role("heading", level=1, name="Get your registration link")).to_be_visible()
    check_page(phone)

    phone.get_by_role("button", name="Email me the link").click()
    expect_field_error(phone, phone.get_by_label("Email you registered with"), "Enter your email address.")
    check_page(phone)

    phone.get_by_label("Email you registered with").fill("nobody@example.org")
    phone.get_by_role("button", name="Email me the link").click()
    expect(phone.get_by_role("status")).to_contain_text("If nobody@example.org has a registration")
    check_page(phone)


def test_not_found_page_is_accessible(app: Flask, phone: Page) -> None:
    seeded = seed(app)
    response = phone.goto(f"/c/{seeded.slug}/r/nope")
    assert response is not None
    assert response.status == 404
    expect(phone.get_by_role("heading", level=1)).to_have_text("Page not found")
    check_page(phone)


# --- 6. names in every script ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first_name", "family_name", "badge_name", "direction"),
    [
        ("محمد", "", "", "rtl"),
        ("小龍", "李", "李小龍", "ltr"),
        ("Hubert Blaine", "Wolfeschlegelsteinhausenbergerdorff", "", "ltr"),
    ],
    ids=["arabic", "chinese", "long"],
)
def test_names_render_as_typed(
    app: Flask, phone: Page, first_name: str, family_name: str, badge_name: str, direction: str
) -> None:
    seeded = seed(app)
    phone.goto(f"/c/{seeded.slug}/register")
    phone.get_by_label(FREE).check()
    first = phone.get_by_label("First name")
    first.fill(first_name)
    # dir="auto": a right-to-left name is shown right to left while it is typed.
    assert first.evaluate("(e, d) => e.matches(`:dir(${d})`)", direction)
    phone.get_by_label("Family name").fill(family_name)
    phone.get_by_label("Name on your badge").fill(badge_name)
    phone.get_by_label("Email").fill("names@example.org")
    assert_fits_width(phone)
    phone.get_by_role("button", name="Register", exact=True).click()

    expect(phone.get_by_role("heading", level=2, name="Confirmed")).to_be_visible()
    full_name = f"{first_name} {family_name}".strip()
    expect_shown_as(detail(phone, "Name"), full_name)
    expect_shown_as(detail(phone, "Name on your badge"), badge_name or full_name)
    greeting = phone.get_by_role("region", name="Confirmed").locator("p").first
    expect(greeting).to_contain_text(f"You're registered, {first_name}.")
    expect_shown_as(greeting.locator("bdi"), first_name)
    expect_qr_loaded(phone, badge_name or full_name)
    check_page(phone)
