"""The volunteer's check-in page in a real browser: camera, typing scanner, name search, undo and offline.

The camera is Chromium's fake capture device playing a video made from a real badge PDF page, so the QR
decoder (jsQR: Chromium on Linux has no BarcodeDetector) reads what a phone would read at the door.
"""

from __future__ import annotations

import gzip
import re
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from playwright.sync_api import Page, expect
from sqlalchemy import select
from test_badges_console import add_person, cancel_person
from test_workshop_seats import _take, seed_breakouts

from conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    STAFF_PASSWORD,
    Seeded,
    assert_accessible,
    assert_fits_width,
    assert_role_access,
    csrf_token,
    make_staff,
    seed_convening,
)
from convening.audit.services import COMMAND_LINE
from convening.badges.services import single_badge_pdf
from convening.checkin import services
from convening.checkin.models import CheckIn, CheckInResult, CheckInUndo
from convening.extensions import db
from convening.formatting import clock
from convening.models import Convening, Registration

pytestmark = pytest.mark.browser

PEOPLE = ("Héctor Ramírez", "Ana Lima", "Nguyễn Thị Minh Khai", "محمد عبد الله", "Omar Haddad")
PAGE_WEIGHT_LIMIT = 150 * 1024


@dataclass
class Door:
    seeded: Seeded
    people: dict[str, int]  # badge name -> registration id
    key: str  # the front door station's bearer key

    def token(self, app: Flask, name: str) -> str:
        with app.app_context():
            return db.session.get(Registration, self.people[name]).badge_token


@pytest.fixture
def door(app: Flask) -> Door:
    """Four confirmed people (Héctor needs wheelchair access), one cancelled, and the front door's station."""
    seeded = seed_convening(app)
    people = {name: add_person(app, seeded, name) for name in PEOPLE}
    cancel_person(app, people["Omar Haddad"])
    with app.app_context():
        db.session.get(Registration, people["Héctor Ramírez"]).accessibility_needs = "wheelchair access"
        db.session.commit()
    return Door(seeded, people, new_station(app, seeded, "Front door"))


def new_station(app: Flask, seeded: Seeded, name: str) -> str:
    with app.app_context():
        convening = db.session.get(Convening, seeded.convening_id)
        return services.create_station(convening, name, session_id=None, actor=COMMAND_LINE).key


def pair(page: Page, key: str) -> Page:
    """Pairs the page's browser as the station and waits until its roster is on the device."""
    page.set_default_timeout(10_000)
    page.goto(f"/checkin/pair/{key}")
    page.get_by_role("button", name="Pair this device").click()
    expect(page.get_by_text(re.compile(r"\d+ names on this device"))).to_be_visible()
    return page


@pytest.fixture
def station(browser: Any, live_server: str) -> Iterator[Callable[..., Page]]:
    """station(key) -> a laptop-sized page paired as that station (a USB scanner types into it)."""
    contexts = []

    def paired(key: str, browser_: Any = browser, **options: Any) -> Page:
        context = browser_.new_context(
            viewport={"width": 1280, "height": 900}, base_url=live_server, locale="en-US", **options
        )
        contexts.append(context)
        return pair(context.new_page(), key)

    yield paired
    for context in contexts:
        context.close()


def type_scan(page: Page, text: str) -> None:
    """What a USB scanner does: types into the focused box and presses Enter."""
    expect(page.get_by_label("Badge code")).to_be_focused()
    page.keyboard.type(text)
    page.keyboard.press("Enter")


def check_ins(app: Flask, registration_id: int) -> list[CheckIn]:
    with app.app_context():
        rows = db.session.scalars(
            select(CheckIn).where(CheckIn.registration_id == registration_id).order_by(CheckIn.id)
        ).all()
        db.session.expunge_all()
        return list(rows)


def badge_video(pdf: bytes, tmp_path: Path) -> Path:
    """A few seconds of 640x480 video of the badge's first page on white, as a camera would see it."""
    (tmp_path / "badge.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "100", "-png", "-f", "1", "-l", "1", tmp_path / "badge.pdf", tmp_path / "page"],
        check=True,
    )
    badge = Image.open(next(tmp_path.glob("page*.png"))).convert("RGB")
    badge.thumbnail((620, 460))
    frame = Image.new("RGB", (640, 480), "white")
    frame.paste(badge, ((640 - badge.width) // 2, (480 - badge.height) // 2))
    luma, blue, red = frame.convert("YCbCr").split()
    planes = luma.tobytes() + blue.resize((320, 240)).tobytes() + red.resize((320, 240)).tobytes()
    video = tmp_path / "badge.y4m"
    video.write_bytes(b"YUV4MPEG2 W640 H480 F10:1 Ip A1:1 C420jpeg\n" + (b"FRAME\n" + planes) * 10)
    return video


def test_the_camera_reads_a_printed_badge_and_checks_the_person_in(
    app: Flask, browser: Any, door: Door, station, tmp_path: Path
) -> None:
    hector = door.people["Héctor Ramírez"]
    with app.app_context():
        convening = db.session.get(Convening, door.seeded.convening_id)
        pdf = single_badge_pdf(
            convening, db.session.get(Registration, hector), agenda_url="http://convening.test/agenda"
        )
    camera = browser.browser_type.launch(
        executable_path=CHROMIUM,
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-video-capture={badge_video(pdf, tmp_path)}",
        ],
    )
    try:
        page = station(door.key, camera, permissions=["camera"])
        assert page.evaluate("() => 'BarcodeDetector' in window") is False  # so jsQR, from static/, reads it
        page.get_by_role("button", name="Scan with camera").click()
        answer = page.locator("[data-answer]")
        expect(answer).to_contain_text("Checked in", timeout=20_000)
        expect(answer).to_contain_text("Héctor Ramírez")
        expect(answer).to_contain_text("wheelchair access")
        expect(page.locator("[data-count]")).to_have_text("1")
    finally:
        camera.close()
    assert [row.result for row in check_ins(app, hector) if row.result == CheckInResult.OK] == [
        CheckInResult.OK
    ]


def test_a_scanner_that_types_checks_in_once_then_says_already_checked_in(
    app: Flask, door: Door, station
) -> None:
    page = station(door.key)
    answer = page.locator("[data-answer]")
    token = door.token(app, "Héctor Ramírez")

    type_scan(page, token)
    expect(answer).to_have_class(re.compile("answer-ok"))
    expect(answer).to_contain_text("✓ Checked in")
    expect(answer).to_contain_text("Héctor Ramírez")
    expect(answer).to_contain_text("Attendee")
    expect(answer).to_contain_text("wheelchair access")
    expect(page.locator("[data-count]")).to_have_text("1")

    type_scan(page, token.lower())  # the box is focused again, and case is forgiven
    expect(answer).to_have_class(re.compile("answer-seen"))
    expect(answer).to_contain_text("! Already checked in")
    [first, second] = check_ins(app, door.people["Héctor Ramírez"])
    assert (first.result, second.result) == (CheckInResult.OK, CheckInResult.ALREADY_CHECKED_IN)
    with app.app_context():
        local = db.session.get(Convening, door.seeded.convening_id).local(first.scanned_at)
    expect(answer).to_contain_text(f"First checked in at {clock(local)}")  # the convening's time zone
    expect(answer).to_contain_text("by Station Front door")
    expect(page.locator("[data-count]")).to_have_text("1")

    type_scan(page, "C1" + "0" * 26)
    expect(answer).to_have_class(re.compile("answer-stop"))
    expect(answer).to_contain_text("✕ Unknown badge")
    expect(answer).to_contain_text("Do not let them in")
    answer.click()  # a tap dismisses the answer
    expect(answer).to_be_empty()
    expect(page.get_by_label("Badge code")).to_be_focused()


def test_name_search_finds_people_without_their_accents_and_checks_them_in(
    app: Flask, door: Door, station
) -> None:
    page = station(door.key)
    search = page.get_by_label("Name or badge name")
    search.fill("hector")
    found = page.locator("[data-results]").get_by_role("button")
    expect(found).to_have_count(1)
    expect(found).to_contain_text("Héctor Ramírez")
    search.fill("omar")
    expect(found).to_contain_text("cancelled")
    search.fill("zzz")
    expect(page.get_by_text("Nobody by that name")).to_be_visible()

    search.fill("RAMIREZ hec")
    found.click()
    answer = page.locator("[data-answer]")
    expect(answer).to_contain_text("Checked in")
    expect(answer).to_contain_text("Héctor Ramírez")
    assert [row.result for row in check_ins(app, door.people["Héctor Ramírez"])] == [CheckInResult.OK]


def test_undo_takes_back_the_admission_and_the_count(app: Flask, door: Door, station) -> None:
    page = station(door.key)
    type_scan(page, door.token(app, "Ana Lima"))
    answer = page.locator("[data-answer]")
    expect(page.locator("[data-count]")).to_have_text("1")
    answer.get_by_role("button", name="Undo").click()
    expect(answer).to_contain_text("Check-in taken back")
    expect(page.locator("[data-count]")).to_have_text("0")
    [admission] = check_ins(app, door.people["Ana Lima"])
    with app.app_context():
        undone = db.session.scalars(select(CheckInUndo)).one()
        assert undone.check_in_id == admission.id


QUEUED = """async () => {
    const db = await new Promise((resolve, reject) => {
        const request = indexedDB.open("convening-checkin");
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
    });
    return new Promise((resolve) => {
        const request = db.transaction("queue").objectStore("queue").getAll();
        request.onsuccess = () => resolve(request.result.map((item) => item.body));
    });
}"""


def test_scans_made_offline_are_decided_queued_and_sent_with_their_nonces_and_times(
    app: Flask, door: Door, station
) -> None:
    page = station(door.key)
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")  # it keeps the page
    answer = page.locator("[data-answer]")
    queue = page.locator("[data-queue]")
    page.context.set_offline(True)

    type_scan(page, door.token(app, "Ana Lima"))
    expect(answer).to_contain_text("Checked in")
    expect(answer).to_contain_text("Offline: decided on this device")
    expect(page.locator("[data-count]")).to_have_text("1")
    type_scan(page, door.token(app, "Omar Haddad"))
    expect(answer).to_contain_text("Registration cancelled")
    expect(answer).to_contain_text("Offline")
    expect(queue).to_have_text("2 scans waiting to be sent")
    type_scan(page, door.token(app, "Ana Lima"))  # decided offline, remembered offline
    expect(answer).to_contain_text("Already checked in")
    expect(answer).to_contain_text("by this station")
    expect(queue).to_have_text("3 scans waiting to be sent")

    page.reload()  # the service worker keeps the page; IndexedDB keeps the queue
    expect(page.get_by_role("heading", name="This device is Front door")).to_be_visible()
    expect(queue).to_have_text("3 scans waiting to be sent")
    sent = {body["nonce"]: body for body in page.evaluate(QUEUED)}
    with app.app_context():
        assert db.session.scalars(select(CheckIn)).all() == []

    page.context.set_offline(False)
    expect(queue).to_be_hidden()
    with app.app_context():
        rows = db.session.scalars(select(CheckIn).order_by(CheckIn.id)).all()
        assert [(row.nonce, row.result, row.local_result) for row in rows] == [
            (nonce, CheckInResult(body["offline"]["result"]), CheckInResult(body["offline"]["result"]))
            for nonce, body in sent.items()
        ]
        assert [row.result for row in rows] == [
            CheckInResult.OK,
            CheckInResult.CANCELLED,
            CheckInResult.ALREADY_CHECKED_IN,
        ]
        for row in rows:
            assert row.scanned_at == datetime.fromisoformat(sent[row.nonce]["scanned_at"])
            assert not row.is_conflict
    expect(page.locator("[data-count]")).to_have_text("1")


def test_a_scan_whose_request_fails_is_decided_here_and_sent_before_the_next_one(
    app: Flask, door: Door, station
) -> None:
    page = station(door.key)
    page.route("**/api/checkin", lambda route: route.abort("internetdisconnected"))  # Wi-Fi up, venue down
    type_scan(page, door.token(app, "Ana Lima"))
    answer = page.locator("[data-answer]")
    expect(answer).to_contain_text("Checked in")
    expect(answer).to_contain_text("Offline")
    expect(page.locator("[data-queue]")).to_have_text("1 scan waiting to be sent")

    page.unroute("**/api/checkin")
    type_scan(page, door.token(app, "Héctor Ramírez"))
    expect(answer).to_contain_text("Héctor Ramírez")
    expect(answer).not_to_contain_text("Offline")
    expect(page.locator("[data-queue]")).to_be_hidden()
    expect(page.locator("[data-count]")).to_have_text("2")
    with app.app_context():
        rows = db.session.scalars(select(CheckIn).order_by(CheckIn.id)).all()
        assert [(row.registration_id, row.local_result) for row in rows] == [
            (door.people["Ana Lima"], CheckInResult.OK),
            (door.people["Héctor Ramírez"], None),
        ]


KEPT = """async () => {
    const db = await new Promise((resolve) => {
        const request = indexedDB.open("convening-checkin");
        request.onsuccess = () => resolve(request.result);
    });
    const count = (name) => new Promise((resolve) => {
        const request = db.transaction(name).objectStore(name).count();
        request.onsuccess = () => resolve(request.result);
    });
    const page = await caches.match("/checkin/");
    const text = page ? await page.text() : "";
    return {rosters: await count("rosters"), queue: await count("queue"), page: text};
}"""


def test_an_offline_admission_undone_is_never_sent_and_unpairing_forgets_the_names(
    app: Flask, door: Door, station
) -> None:
    page = station(door.key)
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    assert page.evaluate(KEPT)["rosters"] == 1
    page.context.set_offline(True)
    type_scan(page, door.token(app, "Héctor Ramírez"))
    answer = page.locator("[data-answer]")
    expect(answer).to_contain_text("Offline")
    expect(page.locator("[data-queue]")).to_have_text("1 scan waiting to be sent")
    expect(page.locator("[data-count]")).to_have_text("1")
    answer.get_by_role("button", name="Undo").click()
    expect(answer).to_contain_text("Check-in taken back")
    expect(page.locator("[data-queue]")).to_be_hidden()
    expect(page.locator("[data-count]")).to_have_text("0")

    page.context.set_offline(False)
    expect(page.locator("[data-status]")).to_contain_text("Online")
    answer.get_by_role("button", name="Next scan").click()
    page.get_by_role("button", name="Unpair this device").click()
    expect(page.get_by_role("heading", name="This device is not paired")).to_be_visible()
    kept = page.evaluate(KEPT)
    assert (kept["rosters"], kept["queue"]) == (0, 0)
    assert "Héctor" not in kept["page"]
    assert check_ins(app, door.people["Héctor Ramírez"]) == []


def test_a_badge_admitted_offline_and_at_another_station_meanwhile_is_a_conflict(
    app: Flask, client: FlaskClient, door: Door, station
) -> None:
    page = station(door.key)
    page.context.set_offline(True)
    type_scan(page, door.token(app, "Ana Lima"))
    expect(page.locator("[data-answer]")).to_contain_text("Offline")
    other = new_station(app, door.seeded, "Side door")
    elsewhere = client.post(
        "/api/checkin",
        json={"token": door.token(app, "Ana Lima"), "nonce": "sidedoor-1"},
        headers={"Authorization": f"Bearer {other}"},
    )
    assert elsewhere.get_json()["result"] == "ok"

    page.context.set_offline(False)
    expect(page.locator("[data-queue]")).to_contain_text("Admitted offline but already checked in elsewhere")
    expect(page.locator("[data-queue]")).to_contain_text("Ana Lima")
    [there, here] = check_ins(app, door.people["Ana Lima"])
    assert (there.nonce, there.result, there.is_conflict) == ("sidedoor-1", CheckInResult.OK, False)
    assert (here.result, here.local_result) == (CheckInResult.ALREADY_CHECKED_IN, CheckInResult.OK)
    assert here.is_conflict


def test_the_page_is_accessible_and_fits_a_phone_with_long_and_accented_names(
    app: Flask, door: Door, phone: Page
) -> None:
    page = pair(phone, door.key)
    assert_accessible(page)
    assert_fits_width(page)

    page.keyboard.type(door.token(app, "Nguyễn Thị Minh Khai"))
    page.keyboard.press("Enter")
    answer = page.locator("[data-answer]")
    expect(answer).to_contain_text("Nguyễn Thị Minh Khai")
    assert_accessible(page)
    assert_fits_width(page)
    answer.get_by_role("button", name="Next scan").click()
    expect(answer).to_be_empty()

    page.get_by_label("Name or badge name").fill("nguyen minh")
    expect(page.locator("[data-results]")).to_contain_text("already checked in")
    page.get_by_label("Name or badge name").fill("محمد")
    page.locator("[data-results]").get_by_role("button").click()
    expect(answer).to_contain_text("محمد عبد الله")
    expect(answer).to_contain_text("Checked in")
    assert_accessible(page)
    assert_fits_width(page)


def test_the_service_worker_is_served_from_the_checkin_scope_and_never_cached(client: FlaskClient) -> None:
    worker = client.get("/checkin/sw.js")
    assert worker.status_code == 200
    assert worker.mimetype == "text/javascript"
    assert worker.headers["Cache-Control"] == "no-cache"
    body = worker.get_data(as_text=True)
    assert "__VERSION__" not in body
    assert re.search(r'const VERSION = "[0-9a-f]{16}";', body)


def test_the_volunteer_page_weighs_under_150_kb_compressed_decoder_included(
    app: Flask, client: FlaskClient, door: Door
) -> None:
    path = f"/checkin/pair/{door.key}"
    client.post(path, data={"csrf_token": csrf_token(client, path)})
    page = client.get("/checkin/")
    html = page.get_data(as_text=True)
    assert 'data-roster-url="' in html  # the scanning page, not the unpaired one
    assets = [
        *re.findall(r'<script src="([^"]+)"', html),
        *re.findall(r'<link rel="stylesheet" href="([^"]+)"', html),
        *re.findall(r'data-(?:decoder|sw)-url="([^"]+)"', html),
    ]
    assert {url.rsplit("/", 1)[-1] for url in assets} >= {"jsQR.js", "checkin.js", "checkin.css", "sw.js"}
    total = len(gzip.compress(page.get_data()))
    for url in assets:
        response = client.get(url)
        assert response.status_code == 200, url
        total += len(gzip.compress(response.get_data()))
        response.close()
    assert total < PAGE_WEIGHT_LIMIT, f"the check-in page weighs {total} bytes compressed"


def test_the_volunteer_page_of_a_signed_in_account_is_for_volunteers_and_up(app: Flask, door: Door) -> None:
    assert_role_access(app, "GET", "/staff/c/summit/checkin/scan", "volunteer")


def test_a_signed_in_volunteer_checks_people_in_without_a_station(
    app: Flask, door: Door, phone: Page
) -> None:
    email = make_staff(app, "volunteer", name="Vera Volunteer")
    phone.set_default_timeout(10_000)
    phone.goto("/staff/login")
    phone.get_by_label("Email").fill(email)
    phone.get_by_label("Password").fill(STAFF_PASSWORD)
    phone.get_by_role("button", name="Sign in").click()
    phone.wait_for_url("**/staff/")
    phone.goto("/staff/c/summit/checkin/dashboard")
    phone.get_by_role("link", name="Check people in").click()
    expect(phone.get_by_text(re.compile(r"\d+ names on this device"))).to_be_visible()
    assert_accessible(phone)
    assert_fits_width(phone)

    phone.get_by_label("Name or badge name").fill("nguyen")
    phone.get_by_role("button", name=re.compile("Nguyễn Thị Minh Khai")).click()
    answer = phone.locator("[data-answer]")
    expect(answer).to_contain_text("✓ Checked in")
    expect(phone.locator("[data-count]")).to_have_text("1")
    [entry] = check_ins(app, door.people["Nguyễn Thị Minh Khai"])
    assert (entry.result, entry.station_id) == (CheckInResult.OK, None)
    assert entry.by_label == f"Vera Volunteer ({email})"


def test_at_a_workshop_door_a_person_seated_elsewhere_is_purple_and_may_be_let_in(
    app: Flask, station
) -> None:
    b = seed_breakouts(app, capacities=[[5, 5]], people=1)
    housing, water = b.workshops[0]
    _take(app, b.people[0], water)
    with app.app_context():
        convening = db.session.get(Convening, b.seeded.convening_id)
        key = services.create_station(convening, "Housing door", session_id=housing, actor=COMMAND_LINE).key
        token = db.session.get(Registration, b.people[0]).badge_token
    page = station(key)
    answer = page.locator("[data-answer]")
    type_scan(page, token)
    expect(answer).to_have_class(re.compile("answer-attention"))
    expect(answer).to_contain_text("? Registered for another session")
    expect(answer).to_contain_text("Registered at this time for Clean water.")
    assert_accessible(page)
    page.get_by_role("button", name="Let them in anyway").click()
    expect(answer).to_have_class(re.compile("answer-ok"))
    expect(page.locator("[data-count]")).to_have_text("1")
    [refused, admitted] = check_ins(app, b.people[0])
    assert (refused.result, refused.overridden) == (CheckInResult.WRONG_SESSION, False)
    assert (admitted.result, admitted.overridden, admitted.session_id) == (CheckInResult.OK, True, housing)
