"""The printed agenda holds the whole program, its speakers and sponsors, with names in any script."""

from __future__ import annotations

import io
import re
import subprocess
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import select

from conftest import seed_convening
from convening.extensions import db
from convening.formatting import date_range
from convening.images.models import ImagePurpose
from convening.images.services import store_image
from convening.models import Convening
from convening.program.models import (
    ProgramSession,
    Room,
    SessionKind,
    SessionSpeaker,
    SlotKind,
    Speaker,
    SpeakerRole,
    TimeSlot,
    Track,
)
from convening.program.pdf import render_pdf
from convening.sponsors.models import Sponsor, SponsorTier

CHICAGO = ZoneInfo("America/Chicago")
NAMES = ["Héctor Álvarez", "Nguyễn Thị Minh Khai", "李小龍", "محمد عبد الله"]
ESCAPED_TITLE = "<b>bold</b> & co"
RIGHT_TO_LEFT = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")


@dataclass
class Program:
    slug: str
    scheduled: list[str]  # session titles on the agenda
    unscheduled: str
    speakers: list[str]
    sponsors: list[str]
    tiers: list[str]


def png(width: int = 240, height: int = 80) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (29, 79, 145)).save(out, "PNG")
    return out.getvalue()


def local(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2027, 6, 15 + day, hour, minute, tzinfo=CHICAGO).astimezone(UTC)


def build_program(app: Flask) -> Program:
    """Two days of sessions in three rooms and two tracks, speakers in four scripts, and two sponsor tiers."""
    seeded = seed_convening(app, slug="summit")
    cid = seeded.convening_id
    with app.app_context():
        hall = Room(convening_id=cid, name="Main Hall", capacity=500, floor="Level 2", position=0)
        cedar = Room(convening_id=cid, name="Cedar Room", capacity=60, position=1)
        climate = Track(convening_id=cid, name="Climate", color="#2f6f4f", position=0)
        housing = Track(convening_id=cid, name="Affordable housing", color="red;}", position=1)
        opening = TimeSlot(
            convening_id=cid, starts_at=local(0, 9), ends_at=local(0, 10, 30), kind=SlotKind.PLENARY
        )
        lunch = TimeSlot(
            convening_id=cid, starts_at=local(0, 12), ends_at=local(0, 13), kind=SlotKind.MEAL, label="Lunch"
        )
        breakouts = TimeSlot(
            convening_id=cid, starts_at=local(1, 14), ends_at=local(1, 15, 30), kind=SlotKind.BREAKOUT
        )
        people = [
            Speaker(convening_id=cid, name=name, title=title, organization=org)
            for name, title, org in zip(
                NAMES,
                ["Mayor", "Council Member", "", "County Commissioner"],
                ["City of Tucson", "City of Garden Grove", "Asian Americans in Public Service", ""],
                strict=True,
            )
        ]
        people[1].photo = store_image(cid, png(300, 300), ImagePurpose.SPEAKER_PHOTO)
        sessions = [
            ProgramSession(
                convening_id=cid,
                kind=SessionKind.KEYNOTE,
                title="Opening keynote: Governing close to home",
                description="Why local power lasts.\nAnd how to keep it.",
                room=hall,
                time_slot=opening,
                speakers=[SessionSpeaker(speaker=people[0], role=SpeakerRole.KEYNOTE)],
            ),
            ProgramSession(
                convening_id=cid,
                kind=SessionKind.MEAL,
                title="Lunch on the terrace",
                room=hall,
                time_slot=lunch,
            ),
            ProgramSession(
                convening_id=cid,
                kind=SessionKind.BREAKOUT,
                title="Heat plans that reach every block",
                track=climate,
                room=cedar,
                time_slot=breakouts,
                speakers=[
                    SessionSpeaker(speaker=people[1], role=SpeakerRole.FACILITATOR, position=0),
                    SessionSpeaker(speaker=people[2], role=SpeakerRole.PANELIST, position=1),
                ],
            ),
            ProgramSession(
                convening_id=cid,
                kind=SessionKind.BREAKOUT,
                title=ESCAPED_TITLE,
                track=housing,
                time_slot=breakouts,  # no room yet
                speakers=[SessionSpeaker(speaker=people[3], role=SpeakerRole.PRESENTER)],
            ),
        ]
        unscheduled = ProgramSession(convening_id=cid, kind=SessionKind.BREAKOUT, title="Still in the drawer")
        presenting = SponsorTier(convening_id=cid, name="Presenting", rank=0)
        community = SponsorTier(convening_id=cid, name="Community partners", rank=1)
        logo = store_image(cid, png(), ImagePurpose.SPONSOR_LOGO)
        sponsors = [
            Sponsor(convening_id=cid, tier=presenting, name="Hartwell Foundation", logo=logo, position=0),
            Sponsor(
                convening_id=cid,
                tier=community,
                name="Fondation Époque",
                acknowledgement="Sponsors live captioning.",
                position=0,
            ),
        ]
        db.session.add_all([*sessions, unscheduled, *sponsors])
        db.session.commit()
        return Program(
            slug=seeded.slug,
            scheduled=[session.title for session in sessions],
            unscheduled=unscheduled.title,
            speakers=NAMES,
            sponsors=[sponsor.name for sponsor in sponsors],
            tiers=["Presenting", "Community partners"],
        )


# --- reading the PDF back ----------------------------------------------------------------------------


def fetch_pdf(client: FlaskClient, slug: str, tmp_path: Path, paper: str | None = None) -> Path:
    response = client.get(f"/c/{slug}/agenda.pdf" + (f"?paper={paper}" if paper else ""))
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    path = tmp_path / f"agenda-{paper or 'default'}-{len(list(tmp_path.iterdir()))}.pdf"
    path.write_bytes(response.data)
    return path


def pdf_text(path: Path, *, page: int | None = None, layout: bool = True) -> str:
    """The PDF's text, whitespace collapsed and Arabic presentation forms folded, so wrapped lines match."""
    pages = ["-f", str(page), "-l", str(page)] if page else []
    command = ["pdftotext", *(["-layout"] if layout else []), *pages, str(path), "-"]
    text = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return " ".join(unicodedata.normalize("NFKC", text).split())


def printed(item: str, text: str) -> bool:
    """Whether `item` is in the extracted text. pdftotext reorders the letters of an Arabic word drawn with a
    ligature (ليلى comes out as ليىل), so words in a right-to-left script may match as the same letters."""
    item = " ".join(unicodedata.normalize("NFKC", item).split())
    if item in text:
        return True
    if not RIGHT_TO_LEFT.search(item):
        return False
    extracted = {"".join(sorted(word)) for word in re.findall(r"\w+", text)}
    words = re.findall(r"\w+", item)
    return all(word in text or "".join(sorted(word)) in extracted for word in words)


def pdf_info(path: Path) -> dict[str, str]:
    output = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    return dict(line.split(":", 1) for line in output.splitlines() if ":" in line)


def page_size(path: Path) -> tuple[int, int]:
    """Every page's size in points, rounded; the pages must all agree."""
    output = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "999", str(path)], check=True, capture_output=True, text=True
    ).stdout
    sizes = {
        (round(float(width)), round(float(height)))
        for width, height in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", output)
    }
    assert len(sizes) == 1, sizes
    return sizes.pop()


def page_count(path: Path) -> int:
    return int(pdf_info(path)["Pages"])


def embedded_fonts(path: Path) -> str:
    return subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout


def image_count(path: Path) -> int:
    output = subprocess.run(["pdfimages", "-list", str(path)], check=True, capture_output=True, text=True)
    return len(output.stdout.splitlines()) - 2  # two header lines


# --- tests ----------------------------------------------------------------------------------------------


def test_the_pdf_holds_the_whole_program_speakers_and_sponsors(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    program = build_program(app)
    path = fetch_pdf(client, program.slug, tmp_path)
    text = pdf_text(path)

    cover = pdf_text(path, page=1)
    assert "National Convening of Local Leaders" in cover
    assert "June 15–17, 2027" in cover
    assert "Minneapolis Convention Center" in cover
    for title in program.scheduled:
        assert title in text
    assert program.unscheduled not in text
    for name in program.speakers:
        assert name in text, name
    for name in [*program.sponsors, *program.tiers]:
        assert name in text
    assert "Made possible by the generous support of" in text
    # Times, rooms and tracks as attendees read them, in the convening's zone.
    assert "9:00 AM – 10:30 AM" in text
    assert "2:00 PM – 3:30 PM" in text
    assert "Main Hall (Level 2)" in text
    assert "Room to be announced" in text
    assert "Climate track" in text
    assert "All times are CDT (America/Chicago)" in text
    # Every page after the cover says which it is.
    pages = page_count(path)
    assert pages >= 4  # cover, two days, speakers (and sponsors)
    for page in range(2, pages + 1):
        assert f"Page {page} of {pages}" in pdf_text(path, page=page)
    assert "Page 1 of" not in pdf_text(path, page=1)


def test_names_in_every_script_are_drawn_with_fonts_that_have_their_glyphs(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    program = build_program(app)
    path = fetch_pdf(client, program.slug, tmp_path)
    fonts = embedded_fonts(path)
    names = fonts.replace("-", "")  # "Noto-Sans-CJK-SC-Bold" or "NotoSansCJKsc-Bold", as versions spell it
    assert "+NotoSans" in names
    assert "NotoSansCJK" in names
    assert "NotoSansArabic" in names
    # Every font is embedded (as a subset): the PDF prints the same anywhere.
    rows = [line.split() for line in fonts.splitlines()[2:]]
    assert rows
    assert all("yes" in row[-5:-3] for row in rows), fonts


def test_the_speakers_index_gives_the_page_of_each_session(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    program = build_program(app)
    path = fetch_pdf(client, program.slug, tmp_path)
    pages = page_count(path)
    heat = next(page for page in range(2, pages + 1) if "Heat plans" in pdf_text(path, page=page))
    keynote = next(page for page in range(2, pages + 1) if "Opening keynote" in pdf_text(path, page=page))
    index = next(page for page in range(2, pages + 1) if "· p." in pdf_text(path, page=page))
    listed = pdf_text(path, page=index, layout=False)
    assert keynote < heat < index
    assert (
        f"Tue, Jun 15, 9:00 AM: Opening keynote: Governing close to home (Keynote) · p. {keynote}" in listed
    )
    assert f"Wed, Jun 16, 2:00 PM: Heat plans that reach every block (Facilitator) · p. {heat}" in listed
    assert "Council Member, City of Garden Grove" in listed


def test_logos_and_photos_are_embedded(app: Flask, client: FlaskClient, tmp_path: Path) -> None:
    program = build_program(app)
    path = fetch_pdf(client, program.slug, tmp_path)
    assert image_count(path) == 2  # the presenting sponsor's logo and one speaker's photo


def test_rendering_fetches_nothing_from_disk_or_the_network(tmp_path: Path) -> None:
    picture = tmp_path / "local.png"
    picture.write_bytes(png())
    html = (
        f'<p>Outside</p><img src="{picture.as_uri()}"><img src="http://127.0.0.1:9/x.png">'
        '<link rel="stylesheet" href="file:///etc/passwd">'
    )
    path = tmp_path / "outside.pdf"
    path.write_bytes(render_pdf(html))
    assert image_count(path) == 0
    assert pdf_text(path) == "Outside"


@pytest.mark.parametrize(("paper", "size"), [(None, (612, 792)), ("letter", (612, 792)), ("a4", (595, 842))])
def test_letter_and_a4(
    app: Flask, client: FlaskClient, tmp_path: Path, paper: str | None, size: tuple[int, int]
) -> None:
    program = build_program(app)
    response = client.get(f"/c/{program.slug}/agenda.pdf" + (f"?paper={paper}" if paper else ""))
    assert (
        response.headers["Content-Disposition"] == f'inline; filename="summit-agenda-{paper or "letter"}.pdf"'
    )
    path = fetch_pdf(client, program.slug, tmp_path, paper)
    assert page_size(path) == size
    assert "Heat plans that reach every block" in pdf_text(path)


def test_user_text_is_printed_as_written(app: Flask, client: FlaskClient, tmp_path: Path) -> None:
    program = build_program(app)
    path = fetch_pdf(client, program.slug, tmp_path)
    text = pdf_text(path)
    assert ESCAPED_TITLE in text
    assert "Affordable housing track" in text  # its broken colour is left out, its name stays


def test_unknown_convening_is_not_found(app: Flask, client: FlaskClient) -> None:
    seed_convening(app, slug="summit")
    assert client.get("/c/nowhere/agenda.pdf").status_code == 404


@pytest.mark.parametrize("paper", ["legal", "", "a5", "<script>"])
def test_an_unknown_paper_size_asks_for_a_known_one(app: Flask, client: FlaskClient, paper: str) -> None:
    seed_convening(app, slug="summit")
    response = client.get("/c/summit/agenda.pdf", query_string={"paper": paper})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Choose a paper size" in page
    assert 'href="/c/summit/agenda.pdf?paper=letter"' in page
    assert 'href="/c/summit/agenda.pdf?paper=a4"' in page
    assert "<script>" not in page


def test_paper_size_is_read_in_any_case(app: Flask, client: FlaskClient, tmp_path: Path) -> None:
    seed_convening(app, slug="summit")
    response = client.get("/c/summit/agenda.pdf?paper=A4")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'inline; filename="summit-agenda-a4.pdf"'


def test_a_convening_without_a_program_still_prints_its_cover(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    seeded = seed_convening(app, slug="summit")
    with app.app_context():  # a session not yet placed in a slot is not on the agenda
        db.session.add(
            ProgramSession(convening_id=seeded.convening_id, kind=SessionKind.BREAKOUT, title="Draft")
        )
        db.session.commit()
    path = fetch_pdf(client, "summit", tmp_path)
    text = pdf_text(path)
    assert page_count(path) == 1
    assert "National Convening of Local Leaders" in text
    assert "June 15–17, 2027" in text
    assert "The program will be published soon." in text
    assert "Draft" not in text


def test_an_edit_shows_in_the_next_pdf(app: Flask, client: FlaskClient, tmp_path: Path) -> None:
    program = build_program(app)
    first = client.get(f"/c/{program.slug}/agenda.pdf")
    etag = first.headers["ETag"]
    unchanged = client.get(f"/c/{program.slug}/agenda.pdf", headers={"If-None-Match": etag})
    assert unchanged.status_code == 304
    with app.app_context():
        session = db.session.scalar(select(ProgramSession).where(ProgramSession.title.like("Heat plans%")))
        assert session is not None
        session.title = "Cooling centers within a ten-minute walk"
        speaker = db.session.scalar(select(Speaker).where(Speaker.name == "Héctor Álvarez"))
        assert speaker is not None
        speaker.name = "Héctor Álvarez-Núñez"
        db.session.commit()
    changed = client.get(f"/c/{program.slug}/agenda.pdf", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    path = tmp_path / "changed.pdf"
    path.write_bytes(changed.data)
    text = pdf_text(path)
    assert "Cooling centers within a ten-minute walk" in text
    assert "Heat plans" not in text
    assert "Héctor Álvarez-Núñez" in text


def test_the_demo_program_prints_in_full(app: Flask, client: FlaskClient, tmp_path: Path) -> None:
    from convening.demo.services import load_demo

    with app.app_context():
        slug = load_demo(registrations=0).slug
        convening = db.session.scalar(select(Convening).where(Convening.slug == slug))
        assert convening is not None
        dates = date_range(convening.starts_on, convening.ends_on)
        sessions = db.session.scalars(
            select(ProgramSession).where(
                ProgramSession.convening_id == convening.id, ProgramSession.time_slot_id.is_not(None)
            )
        ).all()
        titles = [session.title for session in sessions]
        speakers = {link.speaker.name for session in sessions for link in session.speakers}
        sponsors = db.session.scalars(select(Sponsor).where(Sponsor.convening_id == convening.id)).all()
        sponsor_names = [sponsor.name for sponsor in sponsors]
        tier_names = {sponsor.tier.name for sponsor in sponsors}
        name = convening.name
    assert titles
    assert speakers
    assert sponsor_names
    for paper in ("letter", "a4"):
        path = fetch_pdf(client, slug, tmp_path, paper)
        # Side-by-side boxes (sponsors) interleave in the layout text; reading order keeps each one whole.
        text = pdf_text(path) + " " + pdf_text(path, layout=False)
        assert name in text
        assert dates in text
        missing = [
            item for item in [*titles, *speakers, *sponsor_names, *tier_names] if not printed(item, text)
        ]
        assert not missing, (paper, missing)
