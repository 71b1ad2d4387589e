"""Staff build the sponsors list: tiers in order, sponsors in order within them, logos checked and stored
re-encoded. Bad input and refused uploads change nothing; a tier with sponsors cannot be deleted."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from playwright.sync_api import Page, expect
from sqlalchemy import func, select
from test_images import png_declaring

from conftest import (
    STAFF_PASSWORD,
    Seeded,
    assert_accessible,
    assert_fits_width,
    assert_role_access,
    csrf_token,
    field_errors,
    make_staff,
    seed_convening,
    submit,
)
from convening.audit.models import AuditEntry
from convening.extensions import db
from convening.images.models import StoredImage
from convening.program.models import Speaker
from convening.sponsors.models import Sponsor, SponsorTier

SPONSORS = "/staff/c/summit/sponsors/"
NEW_TIER = "/staff/c/summit/sponsors/tiers/new"
NEW = "/staff/c/summit/sponsors/new"


def png(size: tuple[int, int] = (1600, 800)) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", size, (20, 110, 60, 255)).save(out, "PNG")
    return out.getvalue()


def add_tier(app: Flask, seeded: Seeded, name: str, rank: int) -> int:
    with app.app_context():
        tier = SponsorTier(convening_id=seeded.convening_id, name=name, rank=rank)
        db.session.add(tier)
        db.session.commit()
        return tier.id


def add_sponsor(app: Flask, seeded: Seeded, tier_id: int, name: str, position: int = 0) -> int:
    with app.app_context():
        sponsor = Sponsor(convening_id=seeded.convening_id, tier_id=tier_id, name=name, position=position)
        db.session.add(sponsor)
        db.session.commit()
        return sponsor.id


def tiers(app: Flask) -> list[tuple[str, list[str]]]:
    """(tier, [sponsor, ...]) in the order they are acknowledged."""
    with app.app_context():
        found = db.session.scalars(select(SponsorTier).order_by(SponsorTier.rank, SponsorTier.id)).all()
        return [(tier.name, [sponsor.name for sponsor in tier.sponsors]) for tier in found]


def sponsor(app: Flask, sponsor_id: int) -> Sponsor:
    with app.app_context():
        found = db.session.get(Sponsor, sponsor_id)
        _ = found.logo, found.tier
        db.session.expunge_all()
        return found


def image_count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(StoredImage))


def sponsor_form(tier_id: int, **overrides: Any) -> dict[str, Any]:
    data = {
        "name": "Hartwell Family Foundation",
        "tier_id": str(tier_id),
        "url": "https://hartwell.example.org",
        "acknowledgement": "Sponsors the affordable housing track.",
    }
    data.update(overrides)
    return data


def post_logo(client: FlaskClient, url: str, data: dict[str, Any], content: bytes, name: str) -> Any:
    return client.post(
        url,
        data={**data, "logo": (io.BytesIO(content), name), "csrf_token": csrf_token(client, url)},
        content_type="multipart/form-data",
    )


def move(client: FlaskClient, url: str, direction: str) -> Any:
    return client.post(url, data={"direction": direction, "csrf_token": csrf_token(client, SPONSORS)})


# --- who may -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("GET", "", None),
        ("GET", "tiers/new", None),
        ("POST", "tiers/new", {"name": "Community partners"}),
        ("GET", "tiers/{tier}", None),
        ("POST", "tiers/{tier}", {"name": "Platinum"}),
        ("POST", "tiers/{tier}/move", {"direction": "down"}),
        ("POST", "tiers/{empty}/delete", {}),
        ("GET", "new", None),
        ("POST", "new", {"name": "Riverbend Credit Union", "tier_id": "{tier}"}),
        ("GET", "{sponsor}", None),
        ("POST", "{sponsor}", {"name": "Prairie Commons Trust", "tier_id": "{tier}"}),
        ("POST", "{sponsor}/move", {"direction": "down"}),
        ("GET", "{sponsor}/delete", None),
        ("POST", "{sponsor}/delete", {}),
    ],
)
def test_staff_and_admins_manage_sponsors_volunteers_may_not(
    app: Flask, method: str, path: str, data: dict[str, str] | None
) -> None:
    seeded = seed_convening(app)
    ids = {"tier": add_tier(app, seeded, "Gold", 0), "empty": add_tier(app, seeded, "Silver", 1)}
    ids["sponsor"] = add_sponsor(app, seeded, ids["tier"], "Hartwell Family Foundation")
    add_sponsor(app, seeded, ids["tier"], "Upper Sound Works", 1)
    filled = {name: value.format(**ids) for name, value in data.items()} if data is not None else None

    statuses = assert_role_access(app, method, SPONSORS + path.format(**ids), "staff", filled)

    assert statuses["volunteer"] == 403
    if (method, path) == ("POST", "new"):
        assert tiers(app)[0][1].count("Riverbend Credit Union") == 2  # staff and admin


def test_another_convenings_tiers_and_sponsors_are_not_found(app: Flask, staff_client) -> None:
    seeded = seed_convening(app)
    other = seed_convening(app, slug="other")
    tier_id = add_tier(app, other, "Gold", 0)
    sponsor_id = add_sponsor(app, other, tier_id, "Elsewhere Inc.")
    client = staff_client("staff")
    assert client.get(f"{SPONSORS}{sponsor_id}").status_code == 404
    assert client.get(f"{SPONSORS}tiers/{tier_id}").status_code == 404
    own = add_tier(app, seeded, "Silver", 0)
    response = submit(client, NEW, sponsor_form(tier_id))  # a tier of the other convening
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True)) == ["Choose the sponsor’s tier."]
    assert tiers(app) == [("Gold", ["Elsewhere Inc."]), ("Silver", [])]
    assert own


# --- tiers ---------------------------------------------------------------------------------------------


def test_tiers_are_added_renamed_reordered_and_named_once(app: Flask, staff_client) -> None:
    seed_convening(app)
    client = staff_client("staff")
    assert client.get(NEW).location == NEW_TIER  # every sponsor needs a tier first

    for name in ("Gold", "Silver", "Élan partners"):
        assert submit(client, NEW_TIER, {"name": name}).status_code == 303
    assert [name for name, _ in tiers(app)] == ["Gold", "Silver", "Élan partners"]
    for taken in ("gold", "ÉLAN PARTNERS"):
        refused = submit(client, NEW_TIER, {"name": taken})
        assert refused.status_code == 422
        assert field_errors(refused.get_data(as_text=True))[0].startswith("There is already a tier called ")
    blank = submit(client, NEW_TIER, {"name": " "})
    assert field_errors(blank.get_data(as_text=True)) == [
        "Enter a name for the tier, like “Gold” or “Community partners”."
    ]

    with app.app_context():
        ids = {tier.name: tier.id for tier in db.session.scalars(select(SponsorTier))}
    move(client, f"{SPONSORS}tiers/{ids['Élan partners']}/move", "up")
    move(client, f"{SPONSORS}tiers/{ids['Gold']}/move", "up")  # already first: nothing happens
    assert [name for name, _ in tiers(app)] == ["Gold", "Élan partners", "Silver"]
    move(client, f"{SPONSORS}tiers/{ids['Gold']}/move", "down")
    assert [name for name, _ in tiers(app)] == ["Élan partners", "Gold", "Silver"]
    with app.app_context():
        assert [tier.rank for tier in db.session.scalars(select(SponsorTier).order_by(SponsorTier.rank))] == [
            0,
            1,
            2,
        ]

    renamed = submit(client, f"{SPONSORS}tiers/{ids['Silver']}", {"name": "Community partners"})
    assert renamed.status_code == 303
    same_name = submit(client, f"{SPONSORS}tiers/{ids['Gold']}", {"name": "élan PARTNERS"})
    assert same_name.status_code == 422
    assert [name for name, _ in tiers(app)] == ["Élan partners", "Gold", "Community partners"]
    page = client.get(SPONSORS).get_data(as_text=True)
    headings = re.findall(r'<h2 id="tier-\d+-name"><bdi>(.*?)</bdi></h2>', page)
    assert headings == ["Élan partners", "Gold", "Community partners"]
    with app.app_context():
        actions = db.session.scalars(
            select(AuditEntry.action).where(AuditEntry.subject_type == "sponsor_tier").order_by(AuditEntry.id)
        ).all()
    assert actions == ["sponsor_tier.create"] * 3 + ["sponsor_tier.move"] * 2 + ["sponsor_tier.update"]


def test_a_tier_with_sponsors_cannot_be_deleted_an_empty_one_can(app: Flask, staff_client) -> None:
    seeded = seed_convening(app)
    gold = add_tier(app, seeded, "Gold", 0)
    silver = add_tier(app, seeded, "Silver", 1)
    add_sponsor(app, seeded, gold, "Hartwell Family Foundation")
    client = staff_client("staff")
    assert "1 sponsor is in this tier" in client.get(f"{SPONSORS}tiers/{gold}").get_data(as_text=True)

    refused = submit(client, f"{SPONSORS}tiers/{gold}/delete", {}, form_url=SPONSORS)

    assert refused.location == f"{SPONSORS}tiers/{gold}"
    message = client.get(refused.location).get_data(as_text=True)
    assert "1 sponsor is in the tier Gold, so it cannot be deleted. Move it to another tier" in message
    assert tiers(app) == [("Gold", ["Hartwell Family Foundation"]), ("Silver", [])]

    deleted = submit(client, f"{SPONSORS}tiers/{silver}/delete", {}, form_url=SPONSORS)
    assert deleted.location == SPONSORS
    assert tiers(app) == [("Gold", ["Hartwell Family Foundation"])]
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "sponsor_tier.delete")).one()
        assert entry.subject_id == silver


# --- sponsors ------------------------------------------------------------------------------------------


def test_add_a_sponsor_with_a_logo_then_edit_reorder_and_delete_it(app: Flask, staff_client) -> None:
    seeded = seed_convening(app)
    gold = add_tier(app, seeded, "Gold", 0)
    silver = add_tier(app, seeded, "Silver", 1)
    first = add_sponsor(app, seeded, gold, "Upper Sound Works")
    client = staff_client("staff")
    assert f'<option selected value="{silver}">' in client.get(f"{NEW}?tier={silver}").get_data(as_text=True)

    response = post_logo(client, NEW, sponsor_form(gold), png((1600, 800)), "hartwell.png")

    assert response.status_code == 303, field_errors(response.get_data(as_text=True))
    assert tiers(app) == [("Gold", ["Upper Sound Works", "Hartwell Family Foundation"]), ("Silver", [])]
    with app.app_context():
        added = db.session.scalar(select(Sponsor.id).where(Sponsor.name == "Hartwell Family Foundation"))
    hartwell = sponsor(app, added)
    assert hartwell.url == "https://hartwell.example.org"
    assert hartwell.acknowledgement == "Sponsors the affordable housing track."
    assert (hartwell.logo.width, hartwell.logo.height) == (800, 400)
    assert hartwell.logo.content_type == "image/png"
    page = client.get(SPONSORS).get_data(as_text=True)
    assert f'src="/images/{hartwell.logo_id}-{hartwell.logo.digest[:16]}.png"' in page
    assert "Sponsors the affordable housing track." in page

    move(client, f"{SPONSORS}{added}/move", "up")
    assert tiers(app)[0] == ("Gold", ["Hartwell Family Foundation", "Upper Sound Works"])
    move(client, f"{SPONSORS}{first}/move", "down")  # already last: nothing happens
    assert tiers(app)[0] == ("Gold", ["Hartwell Family Foundation", "Upper Sound Works"])

    edited = submit(client, f"{SPONSORS}{added}", sponsor_form(silver, name="Hartwell Foundation"))
    assert edited.status_code == 303
    assert tiers(app) == [("Gold", ["Upper Sound Works"]), ("Silver", ["Hartwell Foundation"])]
    assert sponsor(app, added).logo_id == hartwell.logo_id  # no new file: the logo stays
    with app.app_context():
        update = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "sponsor.update")).one()
        assert update.changes == {
            "name": ["Hartwell Family Foundation", "Hartwell Foundation"],
            "tier": ["Gold", "Silver"],
        }

    confirm = client.get(f"{SPONSORS}{added}/delete").get_data(as_text=True)
    assert "Delete <bdi>Hartwell Foundation</bdi>?" in confirm
    assert "in the tier <bdi>Silver</bdi>" in confirm
    deleted = submit(client, f"{SPONSORS}{added}/delete", {})
    assert deleted.location == SPONSORS
    assert tiers(app) == [("Gold", ["Upper Sound Works"]), ("Silver", [])]
    assert image_count(app) == 0
    with app.app_context():
        actions = db.session.scalars(
            select(AuditEntry.action).where(
                AuditEntry.subject_id == added, AuditEntry.subject_type == "sponsor"
            )
        ).all()
    assert sorted(actions) == ["sponsor.create", "sponsor.delete", "sponsor.move", "sponsor.update"]


def test_bad_web_addresses_are_refused_beside_the_field(app: Flask, staff_client) -> None:
    seeded = seed_convening(app)
    gold = add_tier(app, seeded, "Gold", 0)
    client = staff_client("staff")
    for url, expected in (
        (
            "hartwell.example.org",
            "Enter “hartwell.example.org” with its beginning, like https://hartwell.example.org",
        ),
        ("javascript:alert(document.cookie)", "“javascript:alert(document.cookie)” is not a web page."),
        ("ftp://files.example.org", "“ftp://files.example.org” is not a web page."),
    ):
        response = submit(client, NEW, sponsor_form(gold, url=url, name=""))
        assert response.status_code == 422
        errors = field_errors(response.get_data(as_text=True))
        assert errors[0] == "Enter the sponsor’s name, as they want to be thanked."
        assert errors[1].startswith(expected), errors
    assert tiers(app) == [("Gold", [])]


def test_refused_logos_change_nothing_on_the_form(app: Flask, staff_client) -> None:
    seeded = seed_convening(app)
    gold = add_tier(app, seeded, "Gold", 0)
    silver = add_tier(app, seeded, "Silver", 1)
    sponsor_id = add_sponsor(app, seeded, gold, "Riverbend Credit Union")
    edit = f"{SPONSORS}{sponsor_id}"
    client = staff_client("staff")
    changed = sponsor_form(silver, name="Riverbend CU")

    fake = post_logo(client, edit, changed, b"<html>our logo</html>\n" * 30, "logo.png")
    assert fake.status_code == 422
    assert field_errors(fake.get_data(as_text=True)) == [
        "“logo.png” is not a PNG, JPEG or WebP image we can read. Open it in an image editor, export it as "
        "PNG or JPEG and upload that."
    ]
    assert "Choose the logo again" not in fake.get_data(as_text=True)
    svg = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'
    refused_svg = post_logo(client, edit, changed, svg, "logo.svg")
    assert refused_svg.status_code == 422
    assert field_errors(refused_svg.get_data(as_text=True)) == [
        "SVG images are not accepted. Export the image as PNG and upload that."
    ]
    big = post_logo(client, edit, changed, b"\x89PNG\r\n\x1a\n" + b"\x00" * 11_000_000, "print-logo.png")
    assert big.status_code == 422
    assert field_errors(big.get_data(as_text=True)) == [
        "“print-logo.png” is 11 MB; images must be under 10 MB. Save a smaller copy and upload that."
    ]

    bomb = post_logo(client, edit, changed, png_declaring(20_000, 20_000), "bomb.png")
    assert bomb.status_code == 422
    assert field_errors(bomb.get_data(as_text=True))[0].startswith("“bomb.png” has too many pixels to use.")

    unchanged = sponsor(app, sponsor_id)
    assert unchanged.name == "Riverbend Credit Union"
    assert unchanged.tier.name == "Gold"
    assert unchanged.logo_id is None
    assert image_count(app) == 0
    with app.app_context():
        assert db.session.scalars(select(AuditEntry).where(AuditEntry.subject_type == "sponsor")).all() == []


def test_a_40_mb_logo_gets_a_413_page_and_changes_nothing(app: Flask, staff_client) -> None:
    seeded = seed_convening(app)
    gold = add_tier(app, seeded, "Gold", 0)
    sponsor_id = add_sponsor(app, seeded, gold, "Riverbend Credit Union")
    client = staff_client("staff")
    form = sponsor_form(gold, name="Riverbend Credit Union")
    assert post_logo(client, f"{SPONSORS}{sponsor_id}", form, png((200, 100)), "a.png").status_code == 303
    before = sponsor(app, sponsor_id)

    for url in (f"{SPONSORS}{sponsor_id}", NEW):
        huge = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40_000_000
        response = post_logo(client, url, sponsor_form(gold, name="Changed"), huge, "big.png")
        assert response.status_code == 413
        page = response.get_data(as_text=True)
        assert "<h1>That file is too large</h1>" in page
        assert "The file you chose is larger than we accept: images can be up to 10 MB." in page
        assert "Nothing was changed:" in page

    after = sponsor(app, sponsor_id)
    assert after.name == "Riverbend Credit Union"
    assert after.logo_id == before.logo_id
    assert tiers(app) == [("Gold", ["Riverbend Credit Union"])]
    assert image_count(app) == 1


def test_replace_and_remove_a_logo(app: Flask, staff_client) -> None:
    seeded = seed_convening(app)
    gold = add_tier(app, seeded, "Gold", 0)
    sponsor_id = add_sponsor(app, seeded, gold, "Riverbend Credit Union")
    edit = f"{SPONSORS}{sponsor_id}"
    client = staff_client("staff")
    form = sponsor_form(gold, name="Riverbend Credit Union")

    assert post_logo(client, edit, form, png((300, 300)), "square.png").status_code == 303
    assert post_logo(client, edit, form, png((900, 300)), "wide.png").status_code == 303
    replaced = sponsor(app, sponsor_id)
    assert (replaced.logo.width, replaced.logo.height) == (800, 267)
    assert image_count(app) == 1
    assert submit(client, edit, {**form, "remove_logo": "y"}).status_code == 303
    assert sponsor(app, sponsor_id).logo_id is None
    assert image_count(app) == 0


# --- in a browser --------------------------------------------------------------------------------------


@pytest.mark.browser
def test_on_a_phone_staff_add_a_tier_a_sponsor_with_its_logo_and_a_speaker_with_a_photo(
    app: Flask, phone: Page
) -> None:
    seed_convening(app)
    email = make_staff(app, "staff", name="Ana Ruiz")
    phone.set_default_timeout(10_000)
    phone.goto("/staff/login")
    phone.get_by_label("Email").fill(email)
    phone.get_by_label("Password").fill(STAFF_PASSWORD)
    phone.get_by_role("button", name="Sign in").click()
    expect(phone.get_by_role("heading", name="Convenings")).to_be_visible()

    phone.goto(SPONSORS)
    assert_accessible(phone)
    assert_fits_width(phone)
    phone.get_by_role("link", name="Add a tier").click()
    phone.get_by_label("Tier name").fill("Presenting sponsor")
    phone.get_by_role("button", name="Add this tier").click()
    expect(phone.get_by_role("heading", name="Presenting sponsor")).to_be_visible()
    assert_accessible(phone)

    phone.get_by_role("link", name="Add a sponsor to Presenting sponsor").click()
    assert_accessible(phone)
    assert_fits_width(phone)
    phone.get_by_label("Name").fill("Fundación Nguyễn 李")
    phone.get_by_label(re.compile("^Web address")).fill("https://fundacion.example.org")
    phone.get_by_label(re.compile("^Acknowledgement")).fill("Sponsors the affordable housing track.")
    phone.get_by_label(re.compile("^Logo")).set_input_files(
        files=[{"name": "logo.png", "mimeType": "image/png", "buffer": b"not really a png"}]
    )
    phone.get_by_role("button", name="Add this sponsor").click()
    expect(phone.locator(".field-error")).to_contain_text("“logo.png” is not a PNG, JPEG or WebP image")
    assert_accessible(phone)
    assert_fits_width(phone)
    phone.get_by_label(re.compile("^Logo")).set_input_files(
        files=[{"name": "logo.png", "mimeType": "image/png", "buffer": png((1200, 400))}]
    )
    phone.get_by_role("button", name="Add this sponsor").click()
    expect(phone.get_by_text("Added the sponsor Fundación Nguyễn 李.")).to_be_visible()
    logo = phone.locator(".console-sponsor img")
    expect(logo).to_have_count(1)
    logo.scroll_into_view_if_needed()  # the list's images load lazily
    phone.wait_for_function("image => image.complete && image.naturalWidth > 0", arg=logo.element_handle())
    assert logo.evaluate("image => image.naturalWidth") == 800
    assert_accessible(phone)
    assert_fits_width(phone)

    phone.get_by_role("navigation", name="Console").get_by_role("link", name="Speakers").click()
    assert_accessible(phone)
    phone.get_by_role("link", name="Add a speaker").click()
    phone.get_by_label(re.compile("^Name")).fill("محمد عبد الله")
    phone.get_by_label(re.compile("^Organization")).fill("City of Dearborn")
    phone.get_by_label(re.compile("^Web addresses")).fill("https://dearborn.example.org/mohamed")
    photo = io.BytesIO()
    Image.new("RGB", (1600, 1200), (120, 60, 30)).save(photo, "JPEG")
    phone.get_by_label(re.compile("^Photo")).set_input_files(
        files=[{"name": "portrait.jpg", "mimeType": "image/jpeg", "buffer": photo.getvalue()}]
    )
    assert_accessible(phone)
    assert_fits_width(phone)
    phone.get_by_role("button", name="Add this speaker").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("محمد عبد الله")
    expect(phone.get_by_role("img", name=re.compile("Current photo"))).to_be_visible()
    assert_accessible(phone)
    assert_fits_width(phone)
    phone.get_by_role("link", name="All speakers").click()
    expect(phone.locator(".console-speaker img")).to_have_count(1)
    assert_accessible(phone)
    assert_fits_width(phone)

    with app.app_context():
        [speaker] = db.session.scalars(select(Speaker)).all()
        assert speaker.links == ["https://dearborn.example.org/mohamed"]
        assert (speaker.photo.width, speaker.photo.height) == (800, 600)
        [added] = db.session.scalars(select(Sponsor)).all()
        assert added.tier.name == "Presenting sponsor"
        assert (added.logo.width, added.logo.height) == (800, 267)
