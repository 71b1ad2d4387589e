"""Badge PDFs as the printer and the door see them: pages, names in every script, real glyphs, QR codes.

Pure: badges are built here as plain data, with real tokens and QR images, and rendered without a database.
Every check reads the PDF back with poppler (text, word boxes, pages at 150 dpi) and zxing-cpp.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, replace
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import ClassVar

import pdfcheck
import pytest
from pypdf import PdfReader

from convening.badges.layouts import LAYOUTS, Layout
from convening.badges.qr import badge_qr_png
from convening.badges.render import Badge, ScheduleLine, Sheet, SponsorMark, render_pdf
from convening.badges.tokens import new_token
from convening.images.processing import data_uri

NAMES = [
    "Héctor Ramírez",
    "Nguyễn Thị Minh Khai",
    "李小龍",
    "محمد عبد الله",
    "Ελένη Παπαδοπούλου",
    "Дмитрий Иванов",
]
# Two more, so every layout prints at least two sheets and their order is checked.
MORE_NAMES = ["Aroha Ngata", "Zoë Okonkwo"]
GENERAL = (
    ScheduleLine("Tue 9:00", "Opening keynote", "Main Hall"),
    ScheduleLine("Thu 15:30", "Closing plenary", "Main Hall"),
)
SHEET = Sheet(
    convening_name="National Convening of Local Leaders",
    wifi_network="Convening-Guest",
    wifi_password="localleaders",
    emergency="Venue security 612-555-0199",
    agenda_url="convening.test/c/summit/agenda",
    sponsors=(SponsorMark("Acme Civic Foundation"),),
    sponsor_heading="Thanks to our Presenting sponsors",
)
ROLES = {
    "Héctor Ramírez": ("speaker", "Speaker"),
    "李小龍": ("staff", "Staff"),
    "Дмитрий Иванов": ("press", "Press"),
}


def badge(
    name: str, *, schedule: tuple[ScheduleLine, ...] = GENERAL, personal: bool = False, **fields
) -> Badge:
    token = new_token()
    role, label = ROLES.get(name, ("attendee", "Attendee"))
    return Badge(
        token=token,
        qr_png=badge_qr_png(token),
        name=name,
        role=fields.pop("role", role),
        role_label=fields.pop("role_label", label),
        schedule=schedule,
        schedule_is_personal=personal,
        **fields,
    )


def sheets_of(badges: list[Badge], layout: Layout) -> list[list[Badge]]:
    return [badges[start : start + layout.per_sheet] for start in range(0, len(badges), layout.per_sheet)]


def front_box(layout: Layout, index: int) -> tuple[float, float, float, float]:
    spot = layout.front(index)
    return spot.left, spot.top, spot.left + layout.badge_width, spot.top + layout.badge_height


def back_box(layout: Layout, index: int) -> tuple[float, float, float, float]:
    spot = layout.back(index)
    return spot.left, spot.top, spot.left + layout.badge_width, spot.top + layout.badge_height


def inside(box: tuple[float, float, float, float], x0: float, y0: float, x1: float, y1: float) -> bool:
    return box[0] - 0.5 <= x0 and x1 <= box[2] + 0.5 and box[1] - 0.5 <= y0 and y1 <= box[3] + 0.5


@dataclass
class Printed:
    layout: Layout
    badges: list[Badge]
    path: Path
    images: list[Path]  # every page at 150 dpi


@pytest.fixture(scope="module", params=sorted(LAYOUTS))
def printed(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Printed:
    """The demo names in one batch of each layout, crop marks where the layout has them."""
    name = request.param
    layout = LAYOUTS[name]
    badges = [
        badge(person, pronouns="they/them", title="City Council Member", organization="City of Tucson")
        for person in NAMES + MORE_NAMES
    ]
    sheet = replace(SHEET, crop_marks=layout.crop_marks)
    directory = tmp_path_factory.mktemp(name)
    path = pdfcheck.write(render_pdf(badges, name, sheet), directory, f"{name}.pdf")
    return Printed(layout, badges, path, pdfcheck.page_images(path, directory))


# --- every layout ---------------------------------------------------------------------------------------


def test_each_sheet_is_a_page_of_fronts_then_a_page_of_backs(printed: Printed) -> None:
    sheets = printed.layout.sheets(len(printed.badges))
    assert sheets >= 2
    reader = PdfReader(printed.path)
    assert len(reader.pages) == len(printed.images) == 2 * sheets
    for page in reader.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(
            (printed.layout.page_width, printed.layout.page_height), abs=0.01
        )


def test_every_name_is_printed_on_the_front_of_its_sheet(printed: Printed) -> None:
    """Arabic comes out of pdftotext in visual order, words reversed and letters of ligatures reordered:
    pdfcheck.printed compares right-to-left names word by word, as the same letters."""
    for number, group in enumerate(sheets_of(printed.badges, printed.layout)):
        front = pdfcheck.text(printed.path, page=2 * number + 1)
        back = pdfcheck.text(printed.path, page=2 * number + 2)
        for person in group:
            assert pdfcheck.printed(person.name, front), (person.name, front)
            assert not pdfcheck.printed(person.name, back)
            assert person.role_label.upper() in front  # the ribbon says the role in words
        assert "NATIONAL CONVENING OF LOCAL LEADERS" in front
        assert "they/them" in front
        assert "City of Tucson" in front


def test_the_embedded_fonts_draw_every_letter_of_every_name(printed: Printed) -> None:
    """No boxes: each character of each name maps, in some embedded font's ToUnicode map, to a glyph
    other than .notdef that has an outline in the embedded font program."""
    fonts = pdfcheck.embedded_fonts(printed.path)
    assert fonts
    assert pdfcheck.missing_glyphs(printed.path, NAMES + MORE_NAMES) == set()
    assert pdfcheck.notdef_drawn(printed.path) == []


def test_the_glyph_check_sees_a_character_no_font_draws(tmp_path: Path) -> None:
    """The check above is not vacuous: a private-use character no installed font has is drawn as a box,
    and reported as such."""
    path = pdfcheck.write(render_pdf([badge("Ana \ue000 Lima")], "badge-4x3", SHEET), tmp_path)
    assert pdfcheck.missing_glyphs(path, ["Ana \ue000 Lima"]) == {"\ue000"}


def test_every_qr_code_decodes_to_its_token_on_its_own_badge(printed: Printed) -> None:
    layout = printed.layout
    for number, group in enumerate(sheets_of(printed.badges, layout)):
        codes = pdfcheck.qr_codes(printed.images[2 * number])
        assert [code.text for code in codes] == [person.token for person in group]
        for index, code in enumerate(codes):
            assert inside(front_box(layout, index), code.x, code.y, code.x, code.y), (index, code)
        assert pdfcheck.qr_codes(printed.images[2 * number + 1]) == []  # backs carry no code


def test_backs_carry_the_schedule_wifi_emergency_line_and_sponsors(printed: Printed) -> None:
    for number, group in enumerate(sheets_of(printed.badges, printed.layout)):
        back = " ".join(pdfcheck.text(printed.path, page=2 * number + 2).split())
        for snippet in (
            "Agenda highlights",
            "Tue 9:00 Opening keynote · Main Hall",
            "Thu 15:30 Closing plenary · Main Hall",
            "Wi-Fi: Convening-Guest · password: localleaders",
            "In an emergency: Venue security 612-555-0199",
            "Full agenda: convening.test/c/summit/agenda",
            "Thanks to our Presenting sponsors",
            "Acme Civic Foundation",  # a sponsor without a logo: its name
        ):
            assert back.count(snippet) == len(group), (snippet, back)


# --- blocks, shared backs and duplex -----------------------------------------------------------------------


def test_a_batch_drawn_in_blocks_by_worker_processes_keeps_its_pages_in_order(tmp_path: Path) -> None:
    names = [f"Person {letter}" for letter in "ABCDEFGHIJKLMN"]  # 14 badges: three Avery sheets
    badges = [
        badge(name, schedule=(ScheduleLine("Wed 10:00", f"Workshop {name[-1]}", "Room 2"),), personal=True)
        if number % 4 == 0
        else badge(name)
        for number, name in enumerate(names)
    ]
    calls: list[tuple[int, int]] = []
    joined = render_pdf(
        badges, "avery-5392", SHEET, block_sheets=1, workers=2, progress=lambda *call: calls.append(call)
    )
    whole = render_pdf(badges, "avery-5392", SHEET, workers=0)
    joined_path = pdfcheck.write(joined, tmp_path, "joined.pdf")
    whole_path = pdfcheck.write(whole, tmp_path, "whole.pdf")

    expected = []
    for group in sheets_of(badges, LAYOUTS["avery-5392"]):
        expected += [[person.token for person in group], []]
    assert pdfcheck.qr_pages(joined_path, tmp_path) == expected
    assert pdfcheck.page_count(joined_path) == pdfcheck.page_count(whole_path) == 6
    for page in range(1, 7):
        assert pdfcheck.text(joined_path, page=page) == pdfcheck.text(whole_path, page=page)
    # Each sheet's back holds its own personal schedules.
    assert "Workshop A" in pdfcheck.text(joined_path, page=2)
    assert "Workshop I" in pdfcheck.text(joined_path, page=4)
    assert "Workshop M" in pdfcheck.text(joined_path, page=6)

    done = [call[0] for call in calls]
    assert len(calls) >= 3
    assert done == sorted(done)
    assert {call[1] for call in calls} == {14}
    assert calls[-1] == (14, 14)


def back_contents(path: Path) -> list[int]:
    """The content stream each back page draws from: equal numbers mean one drawing, shown twice."""
    pages = PdfReader(path).pages
    return [pages[index].raw_get("/Contents").idnum for index in range(1, len(pages), 2)]


def test_backs_that_read_the_same_are_drawn_once(tmp_path: Path) -> None:
    everyone = [badge(f"Person {number}") for number in range(12)]  # two full sheets, agenda highlights
    path = pdfcheck.write(render_pdf(everyone, "avery-5392", SHEET), tmp_path, "shared.pdf")
    assert pdfcheck.page_count(path) == 4
    contents = back_contents(path)
    assert len(contents) == 2
    assert len(set(contents)) == 1
    assert pdfcheck.text(path, page=2) == pdfcheck.text(path, page=4)

    own = [
        badge(f"Person {number}", schedule=(ScheduleLine("Wed 10:00", f"Session {number}"),), personal=True)
        for number in range(12)
    ]
    path = pdfcheck.write(render_pdf(own, "avery-5392", SHEET), tmp_path, "personal.pdf")
    assert len(set(back_contents(path))) == 2


@pytest.mark.parametrize("name", ["avery-5392", "a6-4up"])
def test_a_personal_schedule_prints_behind_its_own_badge(name: str, tmp_path: Path) -> None:
    """Printed double-sided and turned on the long edge, each back lies behind its own front."""
    layout = LAYOUTS[name]
    topics = ["Housing", "Transit", "Broadband", "Wildfire", "Budgets", "Libraries"][: layout.per_sheet]
    badges = [
        badge(
            f"Speaker {topic}",
            schedule=(ScheduleLine("Wed 10:00", f"{topic} workshop", "Cedar Room"),),
            personal=True,
        )
        for topic in topics
    ]
    path = pdfcheck.write(render_pdf(badges, name, SHEET), tmp_path, "duplex.pdf")
    assert "Your schedule" in pdfcheck.text(path, page=2)
    codes = pdfcheck.qr_codes(pdfcheck.page_images(path, tmp_path)[0])
    words = pdfcheck.word_boxes(path, 2)
    for index, (topic, person) in enumerate(zip(topics, badges, strict=True)):
        assert codes[index].text == person.token
        assert inside(
            front_box(layout, index), codes[index].x, codes[index].y, codes[index].x, codes[index].y
        )
        [word] = [word for word in words if word.text == topic]
        assert inside(back_box(layout, index), word.left, word.top, word.right, word.bottom), (topic, word)
        # Turned over, the back's left edge is where the front's right edge was.
        assert back_box(layout, index)[0] == pytest.approx(layout.page_width - front_box(layout, index)[2])


# --- bad input --------------------------------------------------------------------------------------------

LONG_WORDS = [
    "Bartholomew",
    "Featherstonehaugh",
    "Montgomery",
    "Wolfeschlegel",
    "Steinhausen",
    "Bergerdorff",
    "Vandermeer",
    "Oppenheimer",
    "Castellanos",
    "Villanueva",
    "Fitzwilliam",
    "Abernathy",
    "Hollingsworth",
    "Pemberton",
    "Winterbottom",
    "Higginbotham",
    "Throckmorton",
    "Fairweather",
    "Blackwood",
    "Cholmondeley",
    "Marjoribanks",
]
LONG_NAME = " ".join(LONG_WORDS)[:200]


class _Recorder(BaseHTTPRequestHandler):
    requests: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        _Recorder.requests.append(self.path)
        self.send_response(404)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def web_server() -> Iterator[tuple[str, list[str]]]:
    """A server on this machine that notes every request: the renderer must never call it."""
    _Recorder.requests = []
    server = HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _Recorder.requests
    server.shutdown()
    server.server_close()


def test_a_name_too_long_for_its_badge_is_clamped_inside_it(tmp_path: Path) -> None:
    assert len(LONG_NAME) == 200
    layout = LAYOUTS["avery-5392"]
    badges = [
        badge(LONG_NAME),
        badge("W" * 100),
        badge("Ana Lima"),
        badge(""),
        badge("Héctor Ramírez"),
        badge("Jo"),
    ]
    path = pdfcheck.write(
        render_pdf(badges, "avery-5392", replace(SHEET, crop_marks=True)), tmp_path, "long.pdf"
    )
    assert pdfcheck.page_count(path) == 2  # nothing spilled onto a page of its own
    codes = pdfcheck.qr_codes(pdfcheck.page_images(path, tmp_path)[0])
    assert [code.text for code in codes] == [person.token for person in badges]  # the empty name's too

    words = pdfcheck.word_boxes(path, 1)
    long_words = [word for word in words if word.text in LONG_WORDS]
    assert long_words
    assert long_words[0].text == "Bartholomew"
    assert len(long_words) < len(LONG_NAME.split())  # clamped: the end of the name is not printed
    for word in long_words:
        assert inside(front_box(layout, 0), word.left, word.top, word.right, word.bottom), word
    wide = [word for word in words if set(word.text) == {"W"}]
    assert 0 < sum(len(word.text) for word in wide) < 100
    for word in wide:
        assert inside(front_box(layout, 1), word.left, word.top, word.right, word.bottom), word
    text = pdfcheck.text(path, page=1)
    for name in ("Ana Lima", "Héctor Ramírez", "Jo"):
        assert pdfcheck.printed(name, text)


def test_markup_and_addresses_in_names_print_as_written_and_fetch_nothing(
    tmp_path: Path, web_server: tuple[str, list[str]]
) -> None:
    address, requests = web_server
    names = [
        "<script>alert(1)</script>",
        "Tom &amp; Jerry",
        "<img src=file:///etc/passwd>",
        f"<img src={address}/name.png>",
        f"{address}/photo.png",
        "Ana <b>Lima</b>",
    ]
    badges = [badge(name, organization=f'<img src="{address}/org.png">') for name in names]
    sheet = replace(
        SHEET,
        sponsors=(
            SponsorMark("Remote Logo Inc", f"{address}/logo.png"),
            SponsorMark("Local File LLC", "file:///etc/passwd"),
            SponsorMark("Acme Civic Foundation"),
        ),
    )
    path = pdfcheck.write(render_pdf(badges, "avery-5392", sheet), tmp_path, "markup.pdf")
    assert requests == []
    assert pdfcheck.image_count(path) == len(badges)  # the QR codes, nothing else
    # Long addresses wrap anywhere, so the text is compared without its line breaks.
    text = "".join(pdfcheck.text(path, page=1).split())
    for name in names:
        assert "".join(name.split()) in text, (name, text)
    assert f'<imgsrc="{address}/org.png">' in text
    assert [code.text for code in pdfcheck.qr_codes(pdfcheck.page_images(path, tmp_path)[0])] == [
        person.token for person in badges
    ]
    assert "Acme Civic Foundation" in pdfcheck.text(path, page=2)


def test_a_sponsor_logo_is_drawn_and_a_sponsor_without_one_is_named(tmp_path: Path) -> None:
    logo = data_uri(badge_qr_png("LOGO"), "image/png")
    sheet = replace(
        SHEET, sponsors=(SponsorMark("Northwind Energy", logo), SponsorMark("Acme Civic Foundation"))
    )
    badges = [badge("Ana Lima"), badge("Jo Park")]
    path = pdfcheck.write(render_pdf(badges, "avery-5392", sheet), tmp_path, "sponsors.pdf")
    back = pdfcheck.text(path, page=2)
    assert back.count("Acme Civic Foundation") == 2
    assert "Northwind Energy" not in back  # shown as its logo
    assert pdfcheck.image_count(path) == len(badges) + 1  # the logo drawn once, shown on both backs
