"""`flask convening export/import`: a convening's setup as a file, carried whole or not at all."""

from __future__ import annotations

import base64
import copy
import io
import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from click.testing import Result
from flask import Flask
from PIL import Image
from sqlalchemy import func, select

from convening.audit.models import AuditEntry
from convening.convenings import transfer
from convening.convenings.services import CONVENING_FIELDS, TICKET_TYPE_FIELDS
from convening.demo.services import load_demo
from convening.extensions import db
from convening.models import (
    Convening,
    ProgramSession,
    Registration,
    Speaker,
    Sponsor,
    TicketType,
    TimeSlot,
)

LOS_ANGELES = ZoneInfo("America/Los_Angeles")


def png(colour: str = "#1f5f8b", size: tuple[int, int] = (60, 40)) -> str:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return base64.b64encode(out.getvalue()).decode()


def small_file() -> dict[str, Any]:
    """A little convening written by hand: names in several scripts, times with and without offsets."""
    return {
        "convening_file": 1,
        "convening": {
            "slug": "encuentro-2028",
            "name": "Encuentro de Líderes Locales 2028",
            "starts_on": "2028-03-07",
            "ends_on": "2028-03-08",
            "timezone": "America/Los_Angeles",
            "contact_email": "hola@example.org",
            "registration_opens_at": "2027-10-01T09:00:00-07:00",
            "registration_closes_at": "2028-03-01T17:00:00-08:00",
            "capacity": 250,
        },
        "ticket_types": [
            {
                "name": "Delegado",
                "price_cents": 1500,
                "capacity": 200,
                "sales_start_at": "2027-11-01T09:00:00-07:00",
                "sales_end_at": "2028-03-01T17:00:00-08:00",
            },
            {"name": "Invitado", "access_code": "GUEST-28"},
        ],
        "rooms": [{"name": "Sala Grande", "capacity": 300, "floor": "Planta baja"}, {"name": "Salón Azul"}],
        "tracks": [{"name": "Vivienda", "color": "#1F5F8B"}],
        "time_slots": [
            {
                "starts_at": "2028-03-07T09:00:00-08:00",
                "ends_at": "2028-03-07T10:00:00-08:00",
                "kind": "plenary",
                "label": "Apertura",
            },
            {
                "key": "talleres",
                "starts_at": "2028-03-07T18:30:00Z",
                "ends_at": "2028-03-07T20:00:00Z",
                "kind": "breakout",
            },
            {"starts_at": "2028-03-08T12:00", "ends_at": "2028-03-08T13:00", "kind": "meal"},
        ],
        "speakers": [
            {
                "name": "Nguyễn Thị Minh Khai",
                "links": ["https://example.org/khai"],
                "photo": {"content_type": "image/png", "data": png()},
            },
            {"name": "李小龍", "email": "Xiaolong.Li@Example.com"},
            {"name": "محمد عبد الله"},
            {"name": "Héctor Ramírez"},
        ],
        "sessions": [
            {
                "kind": "keynote",
                "title": "Bienvenida",
                "room": "Sala Grande",
                "slot": "2028-03-07T09:00",
                "speakers": [{"name": "Nguyễn Thị Minh Khai", "role": "keynote"}],
            },
            {
                "kind": "breakout",
                "title": "Vivienda digna",
                "description": "Primera línea.\n\nSegunda línea.",
                "room": "salón azul",
                "slot": "talleres",
                "track": "Vivienda",
                "capacity": 35,
                "speakers": [
                    {"name": "李小龍", "role": "facilitator"},
                    {"name": "محمد عبد الله", "role": "panelist"},
                ],
            },
            {"kind": "meal", "title": "Almuerzo", "room": "Sala Grande", "slot": "2028-03-08T12:00"},
            {"kind": "plenary", "title": "Sin horario todavía"},
        ],
        "sponsor_tiers": [{"name": "Aliados"}],
        "sponsors": [
            {
                "name": "Fundación Río",
                "tier": "Aliados",
                "url": "https://rio.example.org",
                "logo": {"content_type": "image/png", "data": png("#b3261e", (200, 80))},
            }
        ],
    }


def write(path: Path, data: Any) -> Path:
    if path.suffix == ".json":
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    else:
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def write_text(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def cli(app: Flask, *args: str | Path) -> Result:
    return app.test_cli_runner().invoke(args=["convening", *[str(arg) for arg in args]])


def table_counts(app: Flask) -> dict[str, int]:
    with app.app_context():
        return {
            table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables
        }


def without_image_bytes(data: dict[str, Any]) -> dict[str, Any]:
    """The export with each image as its type and pixel size: JPEG photos are re-encoded on every import."""
    data = copy.deepcopy(data)
    for holder, key in [(s, "photo") for s in data["speakers"]] + [(s, "logo") for s in data["sponsors"]]:
        if holder[key]:
            image = Image.open(io.BytesIO(base64.b64decode(holder[key]["data"])))
            holder[key] = {"content_type": holder[key]["content_type"], "size": image.size}
    return data


# --- export and import -------------------------------------------------------------------------------------


@pytest.mark.parametrize("extension", [".json", ".yaml"])
def test_round_trip_of_the_demo_convening(app: Flask, tmp_path: Path, extension: str) -> None:
    with app.app_context():
        load_demo(0)
    first = tmp_path / f"demo{extension}"
    result = cli(app, "export", "demo", "--out", first)
    assert result.exit_code == 0, result.output
    assert "31 speakers" in result.output
    assert "access codes" in result.output
    if extension == ".yaml":
        assert "# It holds ticket access codes and speakers' email addresses" in first.read_text("utf-8")

    result = cli(app, "import", first, "--slug", "demo-copy", "--name", "Common Ground, again")
    assert result.exit_code == 0, result.output
    assert "Created Common Ground, again (demo-copy), June 15–17, 2027" in result.output
    assert "30 sessions" in result.output

    second = tmp_path / f"copy{extension}"
    assert cli(app, "export", "demo-copy", "--out", second).exit_code == 0
    before, after = (transfer.load(path.read_bytes(), extension.strip(".")) for path in (first, second))
    assert before["convening"].pop("slug") == "demo"
    assert after["convening"].pop("slug") == "demo-copy"
    assert after["convening"].pop("name") == "Common Ground, again"
    before["convening"].pop("name")
    assert without_image_bytes(after) == without_image_bytes(before)
    # Logos are PNG: re-encoding the same pixels gives the same file.
    assert [s["logo"] for s in after["sponsors"]] == [s["logo"] for s in before["sponsors"]]

    with app.app_context():
        copy_id = db.session.scalar(select(Convening.id).where(Convening.slug == "demo-copy"))
        uids = db.session.scalars(select(ProgramSession.uid)).all()
        assert len(set(uids)) == len(uids)  # calendar UIDs are new, not the demo's
        assert db.session.scalar(select(func.count()).where(Registration.convening_id == copy_id)) == 0
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "convening.import")).one()
        assert entry.convening_id == copy_id
        assert entry.actor_label == "Command line"
        assert "31 speakers" in entry.summary
        assert db.session.scalar(select(func.count()).where(AuditEntry.action == "convening.export")) == 2


def test_export_holds_every_setting_and_no_registrations(app: Flask, tmp_path: Path) -> None:
    with app.app_context():
        load_demo(5)
    result = cli(app, "export", "demo", "--out", tmp_path / "demo.txt", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "demo.txt").read_text(encoding="utf-8"))
    assert data["convening_file"] == 1
    assert set(data["convening"]) == {"slug", *CONVENING_FIELDS}
    assert all(set(ticket) == set(TICKET_TYPE_FIELDS) for ticket in data["ticket_types"])
    assert {t["name"]: t["access_code"] for t in data["ticket_types"]}["Staff and guests"] == "DEMO-STAFF"
    assert data["convening"]["registration_opens_at"] == "2026-09-01T09:00:00-05:00"  # local, with its offset
    assert data["time_slots"][0] == {
        "key": "2027-06-15T11:30",
        "starts_at": "2027-06-15T11:30:00-05:00",
        "ends_at": "2027-06-15T13:00:00-05:00",
        "kind": "meal",
        "label": "Welcome lunch",
    }
    text = json.dumps(data)
    assert "seats_taken" not in text
    assert "registrations" not in data
    layla = next(s for s in data["speakers"] if s["name"] == "Layla Haddad (ليلى حداد)")
    assert layla["email"].endswith("@example.com")
    assert layla["photo"]["content_type"] == "image/jpeg"
    assert (tmp_path / "demo.txt").read_text(encoding="utf-8").count("ليلى حداد") >= 2  # not \\u-escaped


def test_export_needs_a_known_convening_and_format(app: Flask, tmp_path: Path) -> None:
    with app.app_context():
        load_demo(0)
    result = cli(app, "export", "nope", "--out", tmp_path / "x.json")
    assert result.exit_code == 2
    assert "There is no convening 'nope'. Known: demo." in result.output
    result = cli(app, "export", "demo", "--out", tmp_path / "x.txt")
    assert result.exit_code == 2
    assert "does not end in .json, .yaml or .yml" in result.output
    assert not (tmp_path / "x.json").exists()
    result = cli(app, "export", "demo", "--out", tmp_path / "no-such-folder" / "x.json")
    assert result.exit_code == 1
    assert "Could not write" in result.output
    assert "No such file or directory" in result.output


def test_import_of_a_hand_written_file(app: Flask, tmp_path: Path) -> None:
    result = cli(app, "import", write(tmp_path / "encuentro.yml", small_file()))
    assert result.exit_code == 0, result.output
    assert "Created Encuentro de Líderes Locales 2028 (encuentro-2028)" in result.output
    with app.app_context():
        convening = db.session.scalars(select(Convening)).one()
        assert convening.registration_opens_at == datetime(2027, 10, 1, 16, 0, tzinfo=UTC)
        tickets = {t.name: t for t in convening.ticket_types}
        assert tickets["Delegado"].price_cents == 1500
        assert tickets["Invitado"].access_code == "GUEST-28"
        assert tickets["Invitado"].capacity is None
        slots = db.session.scalars(select(TimeSlot).order_by(TimeSlot.starts_at)).all()
        # Any offset is read as the same moment; a time without one is the convening's local time.
        assert [convening.local(slot.starts_at).strftime("%d %H:%M") for slot in slots] == [
            "07 09:00",
            "07 10:30",
            "08 12:00",
        ]
        sessions = {s.title: s for s in db.session.scalars(select(ProgramSession))}
        workshop = sessions["Vivienda digna"]
        assert workshop.room.name == "Salón Azul"  # named in another case, found all the same
        assert workshop.track.color == "#1f5f8b"
        assert workshop.description == "Primera línea.\n\nSegunda línea."
        assert [(link.speaker.name, link.role.value) for link in workshop.speakers] == [
            ("李小龍", "facilitator"),
            ("محمد عبد الله", "panelist"),
        ]
        assert sessions["Sin horario todavía"].time_slot is None
        names = set(db.session.scalars(select(Speaker.name)))
        assert names == {"Nguyễn Thị Minh Khai", "李小龍", "محمد عبد الله", "Héctor Ramírez"}
        khai = db.session.scalars(select(Speaker).where(Speaker.name == "Nguyễn Thị Minh Khai")).one()
        assert khai.photo.content_type == "image/jpeg"  # re-encoded as photos are
        assert khai.links == ["https://example.org/khai"]
        assert db.session.scalars(select(Speaker.email).where(Speaker.name == "李小龍")).one() == (
            "xiaolong.li@example.com"
        )
        sponsor = db.session.scalars(select(Sponsor)).one()
        assert sponsor.name == "Fundación Río"
        assert (sponsor.logo.width, sponsor.logo.height) == (200, 80)


def test_starts_on_moves_every_date_and_time(app: Flask, tmp_path: Path) -> None:
    """A week later crosses the change to daylight saving time: sessions keep their wall-clock times."""
    path = write(tmp_path / "encuentro.json", small_file())
    result = cli(app, "import", path, "--slug", "encuentro-2028b", "--starts-on", "2028-03-14")
    assert result.exit_code == 0, result.output
    assert "March 14–15, 2028" in result.output
    with app.app_context():
        convening = db.session.scalars(select(Convening)).one()
        assert (convening.starts_on, convening.ends_on) == (date(2028, 3, 14), date(2028, 3, 15))
        local = convening.local
        assert local(convening.registration_opens_at) == datetime(2027, 10, 8, 9, 0, tzinfo=LOS_ANGELES)
        assert local(convening.registration_closes_at) == datetime(2028, 3, 8, 17, 0, tzinfo=LOS_ANGELES)
        delegate = db.session.scalars(select(TicketType).where(TicketType.name == "Delegado")).one()
        assert local(delegate.sales_start_at) == datetime(2027, 11, 8, 9, 0, tzinfo=LOS_ANGELES)
        assert local(delegate.sales_end_at) == datetime(2028, 3, 8, 17, 0, tzinfo=LOS_ANGELES)
        slots = db.session.scalars(select(TimeSlot).order_by(TimeSlot.starts_at)).all()
        assert [local(slot.starts_at).strftime("%Y-%m-%d %H:%M %Z") for slot in slots] == [
            "2028-03-14 09:00 PDT",
            "2028-03-14 10:30 PDT",
            "2028-03-15 12:00 PDT",
        ]
        assert [local(slot.ends_at).strftime("%H:%M") for slot in slots] == ["10:00", "12:00", "13:00"]


def test_next_year_from_the_demo(app: Flask, tmp_path: Path) -> None:
    with app.app_context():
        load_demo(0)
    path = tmp_path / "demo.yaml"
    assert cli(app, "export", "demo", "--out", path).exit_code == 0
    result = cli(app, "import", path, "--slug", "demo-2028", "--starts-on", "2028-06-13")
    assert result.exit_code == 0, result.output
    with app.app_context():
        old, new = (
            db.session.scalars(select(Convening).where(Convening.slug == slug)).one()
            for slug in ("demo", "demo-2028")
        )
        assert new.name == old.name
        assert new.starts_on == date(2028, 6, 13)

        def program(convening: Convening) -> list[tuple[str, str, str]]:
            sessions = db.session.scalars(
                select(ProgramSession).where(ProgramSession.convening_id == convening.id)
            )
            return sorted(
                (
                    s.title,
                    convening.local(s.time_slot.starts_at).strftime("%a %H:%M"),
                    s.room.name,
                )
                for s in sessions
            )

        assert program(new) == program(old)  # same weekdays, same times, same rooms


# --- bad files: a clear message, a non-zero exit, and nothing written --------------------------------------


def refused(app: Flask, path: Path, *args: str) -> str:
    """Import a bad file: it must fail with a message and leave every table as it was."""
    before = table_counts(app)
    result = cli(app, "import", path, *args)
    assert result.exit_code != 0, result.output
    assert "Nothing was imported" in result.output
    assert table_counts(app) == before
    return result.output


def test_unknown_keys_are_refused_at_every_level(app: Flask, tmp_path: Path) -> None:
    data = small_file()
    data["extra"] = True
    data["convening"]["venue"] = "Somewhere"
    data["rooms"][0]["colour"] = "blue"
    data["sessions"][1]["speakers"][0]["rol"] = "panelist"
    data["speakers"][0]["photo"]["filename"] = "khai.png"
    output = refused(app, write(tmp_path / "f.json", data))
    assert "5 problems" in output
    assert "  extra: Unknown key." in output
    assert "convening.venue: Unknown key. Did you mean “venue_name”?" in output
    assert (
        "rooms[0].colour: Unknown key. The keys of a room are name, capacity, floor, accessibility_notes."
        in output
    )
    assert "sessions[1].speakers[0].rol: Unknown key. Did you mean “role”?" in output
    assert "speakers[0].photo.filename: Unknown key." in output


def test_broken_references_and_bad_values_are_all_listed(app: Flask, tmp_path: Path) -> None:
    data = small_file()
    data["sessions"][3]["room"] = "Sala Grnde"
    data["sessions"][0]["kind"] = "workshop"
    data["sessions"][1]["track"] = "Housing"
    data["sessions"][1]["slot"] = "2028-03-07T10:31"
    data["sessions"][1]["speakers"][1] = {"name": "Mohammed Abdullah", "role": "chair"}
    data["sponsors"][0]["tier"] = "Gold"
    data["rooms"][1]["capacity"] = -5
    data["ticket_types"][0]["price_cents"] = "15.00"
    data["speakers"][1]["email"] = "not an address"
    del data["speakers"][2]["name"]
    output = refused(app, write(tmp_path / "f.yaml", data))
    for expected in (
        "sessions[3].room: There is no room named “Sala Grnde”. Did you mean “Sala Grande”?",
        "sessions[0].kind: “workshop” is not a kind of session. Use one of keynote, plenary, breakout, meal.",
        "sessions[1].track: There is no track named “Housing”. The tracks are: Vivienda.",
        "sessions[1].slot: There is no time slot with the key “2028-03-07T10:31”",
        "sessions[1].speakers[1].name: There is no speaker named “Mohammed Abdullah”.",
        "sessions[1].speakers[1].role: “chair” is not a speaker role.",
        "sponsors[0].tier: There is no sponsor tier named “Gold”.",
        "rooms[1].capacity: Write zero or more.",
        "ticket_types[0].price_cents: Write a whole number without quotes",
        "speakers[1].email:",
        "speakers[2].name: Missing: a speaker needs “name”.",
    ):
        assert expected in output, expected


def test_overlapping_and_backwards_slots_are_refused(app: Flask, tmp_path: Path) -> None:
    data = small_file()
    data["time_slots"].append(
        {"starts_at": "2028-03-07T09:30", "ends_at": "2028-03-07T11:00", "kind": "break", "label": "Café"}
    )
    data["time_slots"].append(
        {"starts_at": "2028-03-08T15:00", "ends_at": "2028-03-08T14:00", "kind": "break"}
    )
    data["time_slots"].append(
        {"starts_at": "2028-03-10T09:00", "ends_at": "2028-03-10T10:00", "kind": "break"}
    )
    output = refused(app, write(tmp_path / "f.json", data))
    assert "time_slots[3]: It overlaps time_slots[0] (Apertura, Tue 2028-03-07 09:00–10:00)." in output
    assert "time_slots[4].ends_at: The slot must end after it starts." in output
    assert (
        "time_slots[5].starts_at: 2028-03-10 is not one of the convening's days (2028-03-07 to 2028-03-08)."
        in output
    )


def test_duplicate_names_are_refused(app: Flask, tmp_path: Path) -> None:
    data = small_file()
    data["rooms"].append({"name": "sala grande", "capacity": 10})
    data["speakers"].append({"name": "Héctor Ramírez"})
    data["ticket_types"].append({"name": "DELEGADO"})
    data["sessions"][0]["speakers"].append({"name": "Nguyễn Thị Minh Khai", "role": "presenter"})
    output = refused(app, write(tmp_path / "f.json", data))
    assert "rooms[2].name: rooms[0] is already the room “Sala Grande”; give each its own name." in output
    assert "speakers[4].name: speakers[3] is already the speaker “Héctor Ramírez”" in output
    assert "ticket_types[2].name: ticket_types[0] is already the ticket type “Delegado”" in output
    assert "sessions[0].speakers[1].name: This speaker is already listed for this session." in output


def test_a_taken_slug_is_refused(app: Flask, tmp_path: Path) -> None:
    path = write(tmp_path / "f.json", small_file())
    assert cli(app, "import", path).exit_code == 0
    output = refused(app, path)
    assert "convening.slug: A convening with the slug “encuentro-2028” already exists." in output
    output = refused(app, path, "--slug", "Not A Slug")
    assert "slug: “Not A Slug” cannot be a slug" in output
    assert cli(app, "import", path, "--slug", "encuentro-2028-bis").exit_code == 0


def test_a_photo_that_is_not_an_image_is_refused(app: Flask, tmp_path: Path) -> None:
    data = small_file()
    data["speakers"][1]["photo"] = {
        "content_type": "image/png",
        "data": base64.b64encode(b"\x89PNG\r\n\x1a\n but not really").decode(),
    }
    data["sponsors"][0]["logo"]["data"] = "this is not base64!"
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    data["speakers"][3]["photo"] = {"content_type": "image/png", "data": base64.b64encode(svg).decode()}
    output = refused(app, write(tmp_path / "f.json", data))
    assert "speakers[1].photo: This file is not a PNG, JPEG or WebP image we can read." in output
    assert "speakers[3].photo: SVG images are not accepted." in output
    assert "sponsors[0].logo.data: This is not base64 text." in output


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("f.yaml", "convening_file: 1\nconvening: [unclosed\n", "file: The file is not valid YAML:"),
        ("f.yml", "convening_file: 1\nconvening_file: 1\n", "file: The key “convening_file” appears twice"),
        ("f.json", '{"convening_file": 1,}', "file: The file is not valid JSON: Expecting property name"),
        ("f.json", "[1, 2, 3]", "A convening file holds keys and values, starting with “convening_file: 1”"),
        ("f.yaml", "- just\n- a list\n", "this one holds a list"),
        ("f.yaml", "", "this one holds null"),
        (
            "f.yaml",
            "convening_file: 2\n",
            "convening_file: This file is in format 2; Convening reads format 1.",
        ),
        ("f.yaml", "name: Summit\n", "convening_file: Missing: a file needs “convening_file”."),
    ],
)
def test_files_that_are_not_convening_files(
    app: Flask, tmp_path: Path, name: str, content: str, expected: str
) -> None:
    assert expected in refused(app, write_text(tmp_path / name, content))


def test_a_file_that_is_not_text(app: Flask, tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_bytes(b"convening_file: 1\nname: \xff\xfe\n")
    assert "The file is not UTF-8 text" in refused(app, path)


def test_the_documented_example_imports(app: Flask, tmp_path: Path) -> None:
    """The guide's example, hand-written YAML with dates and times unquoted, imports as shown."""
    guide = (Path(__file__).parent.parent / "docs" / "convening-file.md").read_text(encoding="utf-8")
    example = guide.split("## A small example", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    result = cli(app, "import", write_text(tmp_path / "example.yaml", example))
    assert result.exit_code == 0, result.output
    assert (
        "2 ticket types, 2 rooms, 1 track, 2 time slots, 2 speakers, 2 sessions, 1 sponsor tier"
        in result.output
    )
    with app.app_context():
        convening = db.session.scalars(select(Convening)).one()
        assert convening.starts_on == date(2028, 3, 7)
        opening = db.session.scalars(select(TimeSlot).order_by(TimeSlot.starts_at)).first()
        assert opening.starts_at == datetime(2028, 3, 7, 9, 0, tzinfo=LOS_ANGELES)


# --- what badges print: Wi-Fi, the emergency line and each ticket's ribbon ---------------------------------


def test_badge_settings_travel_with_the_convening(app: Flask, tmp_path: Path) -> None:
    with app.app_context():
        load_demo(0)
    path = tmp_path / "demo.yaml"
    assert cli(app, "export", "demo", "--out", path).exit_code == 0
    exported = transfer.load(path.read_bytes(), "yaml")
    assert exported["convening"]["wifi_network"] == "CommonGround-Guest"
    roles = {ticket["name"]: ticket["badge_role"] for ticket in exported["ticket_types"]}
    assert roles["Press"] == "press"
    assert roles["Sponsor guest"] == "sponsor"
    assert roles["Elected official"] == "attendee"

    result = cli(app, "import", path, "--slug", "demo-copy")
    assert result.exit_code == 0, result.output
    with app.app_context():
        old, new = (
            db.session.scalars(select(Convening).where(Convening.slug == slug)).one()
            for slug in ("demo", "demo-copy")
        )
        for name in ("wifi_network", "wifi_password", "emergency_contact"):
            assert getattr(new, name) == getattr(old, name) != ""
        assert [(t.name, t.badge_role) for t in new.ticket_types] == [
            (t.name, t.badge_role) for t in old.ticket_types
        ]


def test_badge_settings_are_optional_and_checked(app: Flask, tmp_path: Path) -> None:
    data = small_file()
    data["convening"]["emergency_contact"] = "Seguridad\x07 del centro"
    data["convening"]["wifi_network"] = 42
    data["ticket_types"][0]["badge_role"] = "vip"
    data["ticket_types"][1]["badge_role"] = ["press"]
    output = refused(app, write(tmp_path / "f.yaml", data))
    for expected in (
        "convening.emergency_contact: Remove the invisible control characters",
        "convening.wifi_network: Write this as text, not the number 42.",
        "ticket_types[0].badge_role: “vip” is not a badge role. Use one of attendee, speaker, staff, "
        "sponsor, press.",
        "ticket_types[1].badge_role:",
    ):
        assert expected in output, expected

    data = small_file()
    data["convening"]["wifi_network"] = "Encuentro-Invitados"
    data["ticket_types"][1]["badge_role"] = "sponsor"
    result = cli(app, "import", write(tmp_path / "g.json", data))
    assert result.exit_code == 0, result.output
    with app.app_context():
        convening = db.session.scalars(select(Convening)).one()
        assert (convening.wifi_network, convening.wifi_password, convening.emergency_contact) == (
            "Encuentro-Invitados",
            "",
            "",
        )
        roles = {t.name: t.badge_role.value for t in convening.ticket_types}
        assert roles == {"Delegado": "attendee", "Invitado": "sponsor"}  # no role given: attendee
