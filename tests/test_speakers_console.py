"""Staff add, edit and delete speakers with their links and photo: every change in the audit log, bad input
beside its field with nothing changed (a refused photo included), and deletion taking them off sessions."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from conftest import Seeded, assert_role_access, csrf_token, field_errors, seed_convening, submit
from convening.audit.models import AuditEntry
from convening.extensions import db
from convening.images.models import StoredImage
from convening.program.models import ProgramSession, SessionKind, SessionSpeaker, Speaker, SpeakerRole

SPEAKERS = "/staff/c/summit/speakers/"
NEW = "/staff/c/summit/speakers/new"


def jpeg(size: tuple[int, int] = (1600, 1200), *, gps: bool = False) -> bytes:
    exif = Image.Exif()
    if gps:
        exif[0x8825] = {1: "N", 2: (44.0, 58.0, 30.0), 3: "W", 4: (93.0, 16.0, 0.0)}
    out = io.BytesIO()
    Image.new("RGB", size, (30, 90, 160)).save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def speaker_form(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "Nguyễn Thị Minh Khai",
        "title": "Council Member, District 4",
        "organization": "City of Garden Grove",
        "bio": "Leads the housing committee.\n\nFormer tenant organizer.",
        "email": "Khai@Example.ORG",
        "links": "https://example.org/khai\n\nhttps://social.example/@khai\n",
    }
    data.update(overrides)
    return data


def speakers(app: Flask) -> list[Speaker]:
    with app.app_context():
        found = db.session.scalars(
            select(Speaker)
            .order_by(Speaker.id)
            .options(selectinload(Speaker.photo).undefer(StoredImage.data))
        ).all()
        db.session.expunge_all()
        return list(found)


def image_count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(StoredImage))


def add_speaker(app: Flask, seeded: Seeded, name: str = "Amara Okafor", **fields: Any) -> int:
    with app.app_context():
        speaker = Speaker(convening_id=seeded.convening_id, name=name, **fields)
        db.session.add(speaker)
        db.session.commit()
        return speaker.id


def put_on_session(app: Flask, seeded: Seeded, speaker_id: int, title: str, role: SpeakerRole) -> int:
    with app.app_context():
        session = ProgramSession(convening_id=seeded.convening_id, kind=SessionKind.BREAKOUT, title=title)
        session.speakers.append(SessionSpeaker(speaker_id=speaker_id, role=role))
        db.session.add(session)
        db.session.commit()
        return session.id


def post_with_file(
    client: FlaskClient, url: str, data: dict[str, Any], field: str, content: bytes, name: str
) -> Any:
    return client.post(
        url,
        data={**data, field: (io.BytesIO(content), name), "csrf_token": csrf_token(client, url)},
        content_type="multipart/form-data",
    )


# --- who may -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("GET", "", None),
        ("GET", "new", None),
        ("POST", "new", speaker_form()),
        ("GET", "{id}", None),
        ("POST", "{id}", speaker_form(name="Amara N. Okafor")),
        ("GET", "{id}/delete", None),
        ("POST", "{id}/delete", {}),
    ],
)
def test_staff_and_admins_manage_speakers_volunteers_may_not(
    app: Flask, method: str, path: str, data: dict[str, Any] | None
) -> None:
    seeded = seed_convening(app)
    speaker_id = add_speaker(app, seeded)
    statuses = assert_role_access(app, method, SPEAKERS + path.format(id=speaker_id), "staff", data)
    assert statuses["volunteer"] == 403
    if method == "POST" and path == "new":
        assert [speaker.name for speaker in speakers(app)].count("Nguyễn Thị Minh Khai") == 2


def test_another_convenings_speaker_is_not_found(app: Flask, staff_client) -> None:
    seed_convening(app)
    other = seed_convening(app, slug="other")
    speaker_id = add_speaker(app, other)
    client = staff_client("staff")
    assert client.get(f"{SPEAKERS}{speaker_id}").status_code == 404
    assert client.get(f"{SPEAKERS}{speaker_id}/delete").status_code == 404
    assert client.get("/staff/c/nowhere/speakers/").status_code == 404


# --- adding and editing --------------------------------------------------------------------------------


def test_add_a_speaker_with_links_and_a_photo_without_its_gps(app: Flask, staff_client) -> None:
    seed_convening(app)
    client = staff_client("staff")

    response = post_with_file(client, NEW, speaker_form(), "photo", jpeg((2400, 1800), gps=True), "khai.jpg")

    assert response.status_code == 303, field_errors(response.get_data(as_text=True))
    [speaker] = speakers(app)
    assert response.location == f"{SPEAKERS}{speaker.id}"
    assert speaker.name == "Nguyễn Thị Minh Khai"
    assert speaker.email == "khai@example.org"
    assert speaker.links == ["https://example.org/khai", "https://social.example/@khai"]
    assert speaker.bio == "Leads the housing committee.\n\nFormer tenant organizer."
    assert (speaker.photo.width, speaker.photo.height) == (800, 600)
    stored = Image.open(io.BytesIO(speaker.photo.data))
    assert stored.format == "JPEG"
    assert not stored.getexif()
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "speaker.create")).one()
        assert entry.subject_type == "speaker"
        assert entry.subject_id == speaker.id
        assert entry.changes["photo"] == [None, "khai.jpg (800×600)"]
        assert entry.changes["links"] == [None, "https://example.org/khai https://social.example/@khai"]

    page = client.get(response.location).get_data(as_text=True)
    assert "Added the speaker Nguyễn Thị Minh Khai." in page
    assert "<bdi>Nguyễn Thị Minh Khai</bdi>" in page
    assert f"/images/{speaker.photo_id}-{speaker.photo.digest[:16]}.jpg" in page
    listing = client.get(SPEAKERS).get_data(as_text=True)
    assert f'src="/images/{speaker.photo_id}-{speaker.photo.digest[:16]}.jpg"' in listing


def test_the_list_is_in_name_order_and_searchable_without_accents(app: Flask, staff_client) -> None:
    seeded = seed_convening(app)
    for name, organization in (
        ("Zoë Park", "City of Tucson"),
        ("李小龍", "City of Oakland"),
        ("ángel Ruiz", "County of Pima"),
        ("محمد عبد الله", "City of Dearborn"),
        ("Amara Okafor", "Prairie Commons"),
        ("Nguyễn Thị Minh Khai", "City of Garden Grove"),
    ):
        add_speaker(app, seeded, name, organization=organization)
    client = staff_client("staff")

    page = client.get(SPEAKERS).get_data(as_text=True)

    listed = re.findall(r'class="console-speaker-name"[^>]*><bdi>(.*?)</bdi>', page)
    assert listed == [
        "Amara Okafor",
        "ángel Ruiz",
        "Nguyễn Thị Minh Khai",
        "Zoë Park",
        "محمد عبد الله",
        "李小龍",
    ]
    found = client.get(SPEAKERS, query_string={"q": "nguyen"}).get_data(as_text=True)
    assert re.findall(r'class="console-speaker-name"[^>]*><bdi>(.*?)</bdi>', found) == [
        "Nguyễn Thị Minh Khai"
    ]
    by_place = client.get(SPEAKERS, query_string={"q": "TUCSON"}).get_data(as_text=True)
    assert re.findall(r'class="console-speaker-name"[^>]*><bdi>(.*?)</bdi>', by_place) == ["Zoë Park"]
    nobody = client.get(SPEAKERS, query_string={"q": "<b>nobody</b>"}).get_data(as_text=True)
    assert "No speaker matches “&lt;b&gt;nobody&lt;/b&gt;”" in nobody


def test_links_and_email_are_checked_beside_their_fields_and_nothing_is_saved(
    app: Flask, staff_client
) -> None:
    seed_convening(app)
    client = staff_client("staff")

    response = submit(client, NEW, speaker_form(email="khai@", links="https://example.org\nexample.org/khai"))

    assert response.status_code == 422
    errors = field_errors(response.get_data(as_text=True))
    assert len(errors) == 2
    assert errors[0] == "There must be something after the @-sign. Enter an address like name@example.org."
    assert errors[1] == "Enter “example.org/khai” with its beginning, like https://example.org/khai"
    for links, expected in (
        (
            "javascript:alert(1)",
            "“javascript:alert(1)” is not a web page. Enter an address that starts with https://.",
        ),
        ("https://", "“https://” is missing its site name. Enter a whole address, like https://example.org."),
        ("https://example", "“https://example” is missing its site name."),
        ("https://bank.example@evil.example", "Remove the part before “@”"),
        ("https://example.org:port", "“https://example.org:port” is not a web address."),
        ("\n".join(f"https://example.org/{n}" for n in range(11)), "List at most 10 web addresses"),
    ):
        refused = submit(client, NEW, speaker_form(links=links))
        assert refused.status_code == 422, links
        assert field_errors(refused.get_data(as_text=True))[0].startswith(expected), links
    blank = submit(client, NEW, speaker_form(name="  "))
    assert field_errors(blank.get_data(as_text=True)) == ["Enter the speaker’s name."]
    assert speakers(app) == []


def test_a_refused_photo_changes_nothing_else_on_the_form(app: Flask, staff_client) -> None:
    seeded = seed_convening(app)
    speaker_id = add_speaker(app, seeded, title="Mayor")
    edit = f"{SPEAKERS}{speaker_id}"
    client = staff_client("staff")
    changed = speaker_form(name="Amara Okafor", title="Former Mayor")

    fake = post_with_file(client, edit, changed, "photo", b"This is not a picture.\n" * 40, "logo.png")
    assert fake.status_code == 422
    assert field_errors(fake.get_data(as_text=True)) == [
        "“logo.png” is not a PNG, JPEG or WebP image we can read. Open it in an image editor, export it as "
        "PNG or JPEG and upload that."
    ]
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    refused = post_with_file(client, edit, changed, "photo", svg, "photo.svg")
    assert field_errors(refused.get_data(as_text=True)) == [
        "SVG images are not accepted. Export the image as PNG and upload that."
    ]
    big = post_with_file(client, edit, changed, "photo", b"\xff\xd8" + b"\x00" * 11_000_000, "big.jpg")
    assert big.status_code == 422
    assert field_errors(big.get_data(as_text=True)) == [
        "“big.jpg” is 11 MB; images must be under 10 MB. Save a smaller copy and upload that."
    ]
    assert 'value="Former Mayor"' in big.get_data(as_text=True)  # what was typed is kept to send again

    [speaker] = speakers(app)
    assert speaker.title == "Mayor"
    assert speaker.photo_id is None
    assert image_count(app) == 0
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count()).select_from(AuditEntry).where(AuditEntry.subject_type == "speaker")
            )
            == 0
        )


def test_a_good_photo_is_not_stored_when_another_field_is_refused(app: Flask, staff_client) -> None:
    seed_convening(app)
    client = staff_client("staff")

    response = post_with_file(client, NEW, speaker_form(links="example.org"), "photo", jpeg(), "me.jpg")

    assert response.status_code == 422
    assert "Choose the photo again" in response.get_data(as_text=True)
    assert speakers(app) == []
    assert image_count(app) == 0


def test_a_body_past_the_upload_limit_gets_a_413_that_says_nothing_changed(app: Flask, staff_client) -> None:
    seeded = seed_convening(app)
    speaker_id = add_speaker(app, seeded)
    client = staff_client("staff")

    response = post_with_file(
        client,
        f"{SPEAKERS}{speaker_id}",
        speaker_form(),
        "photo",
        b"\xff\xd8" + b"\x00" * 40_000_000,
        "huge.jpg",
    )

    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "That file is too large" in page
    assert "images can be up to 10 MB" in page
    assert "Nothing was changed" in page
    [speaker] = speakers(app)
    assert speaker.name == "Amara Okafor"
    assert speaker.photo_id is None


def test_replace_then_remove_a_photo_and_the_old_image_goes(app: Flask, staff_client) -> None:
    seeded = seed_convening(app)
    speaker_id = add_speaker(app, seeded)
    edit = f"{SPEAKERS}{speaker_id}"
    client = staff_client("staff")
    form = speaker_form(name="Amara Okafor", title="", organization="", bio="", email="", links="")

    assert post_with_file(client, edit, form, "photo", jpeg((400, 300)), "first.jpg").status_code == 303
    first = speakers(app)[0].photo_id
    assert post_with_file(client, edit, form, "photo", jpeg((300, 400)), "second.jpg").status_code == 303
    [speaker] = speakers(app)
    assert speaker.photo_id != first
    assert (speaker.photo.width, speaker.photo.height) == (300, 400)
    assert image_count(app) == 1

    assert submit(client, edit, {**form, "remove_photo": "y"}).status_code == 303
    assert speakers(app)[0].photo_id is None
    assert image_count(app) == 0
    with app.app_context():
        changes = [
            entry.changes.get("photo")
            for entry in db.session.scalars(
                select(AuditEntry).where(AuditEntry.action == "speaker.update").order_by(AuditEntry.id)
            )
        ]
    assert changes == [
        [None, "first.jpg (400×300)"],
        ["400×300 image", "second.jpg (300×400)"],
        ["300×400 image", None],
    ]
    unchanged = submit(client, edit, form)
    assert unchanged.status_code == 303
    assert "Nothing was changed." in client.get(edit).get_data(as_text=True)


def test_user_text_is_escaped(app: Flask, staff_client) -> None:
    seeded = seed_convening(app)
    speaker_id = add_speaker(app, seeded, "<script>alert(1)</script>", bio="<img src=x onerror=alert(1)>")
    client = staff_client("staff")
    for url in (SPEAKERS, f"{SPEAKERS}{speaker_id}", f"{SPEAKERS}{speaker_id}/delete"):
        page = client.get(url).get_data(as_text=True)
        assert "<script>alert(1)" not in page
        assert "<img src=x" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# --- sessions and deletion -----------------------------------------------------------------------------


def test_a_speakers_page_lists_their_sessions_and_deleting_takes_them_off(app: Flask, staff_client) -> None:
    seeded = seed_convening(app)
    speaker_id = add_speaker(app, seeded, "Héctor Ramírez")
    other_id = add_speaker(app, seeded, "李小龍")
    keynote = put_on_session(app, seeded, speaker_id, "Housing is infrastructure", SpeakerRole.KEYNOTE)
    panel = put_on_session(app, seeded, speaker_id, "Budgets that listen", SpeakerRole.MODERATOR)
    with app.app_context():
        db.session.add(SessionSpeaker(session_id=panel, speaker_id=other_id, role=SpeakerRole.PANELIST))
        db.session.commit()
    edit = f"{SPEAKERS}{speaker_id}"
    client = staff_client("staff")
    assert (
        post_with_file(
            client, edit, speaker_form(name="Héctor Ramírez"), "photo", jpeg(), "h.jpg"
        ).status_code
        == 303
    )

    page = client.get(edit).get_data(as_text=True)
    assert "Housing is infrastructure" in page
    assert "Keynote" in page
    assert f'href="/staff/c/summit/program/sessions/{keynote}"' in page
    assert "Budgets that listen" in page
    assert "Moderator" in page
    confirm = client.get(f"{edit}/delete").get_data(as_text=True)
    assert "This speaker is on 2 sessions" in confirm
    assert "Housing is infrastructure" in confirm
    assert "Budgets that listen" in confirm
    assert speakers(app)[0].name == "Héctor Ramírez"

    response = submit(client, f"{edit}/delete", {}, form_url=f"{edit}/delete")

    assert response.status_code == 303
    assert response.location == SPEAKERS
    assert "Deleted the speaker Héctor Ramírez and took them off 2 sessions." in client.get(
        SPEAKERS
    ).get_data(as_text=True)
    assert [speaker.name for speaker in speakers(app)] == ["李小龍"]
    assert image_count(app) == 0
    with app.app_context():
        left = db.session.scalars(select(SessionSpeaker)).all()
        assert [(link.session_id, link.speaker_id) for link in left] == [(panel, other_id)]
        assert db.session.get(ProgramSession, keynote) is not None
        deleted = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "speaker.delete")).one()
        assert deleted.subject_id == speaker_id
        assert "“Housing is infrastructure”" in deleted.summary
        noted = db.session.scalars(
            select(AuditEntry.subject_id).where(AuditEntry.action == "session.speaker_removed")
        ).all()
        assert sorted(noted) == sorted([keynote, panel])


def test_deleting_a_speaker_who_is_on_no_session(app: Flask, staff_client) -> None:
    seeded = seed_convening(app)
    speaker_id = add_speaker(app, seeded)
    client = staff_client("admin")
    url = f"{SPEAKERS}{speaker_id}/delete"
    assert "This speaker is not on any session." in client.get(url).get_data(as_text=True)
    assert submit(client, url, {}).status_code == 303
    assert speakers(app) == []
