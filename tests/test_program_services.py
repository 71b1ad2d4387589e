"""The program's services: rooms, tracks, slots and sessions checked as a whole, changes audited in
organizers' words, deletions that say which sessions they touch, and the overview in a fixed number of
queries."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from flask import Flask, current_app
from sqlalchemy import func, select

from conftest import counted_queries, seed_convening
from convening.audit.models import AuditEntry
from convening.audit.services import COMMAND_LINE
from convening.extensions import db
from convening.models import Convening
from convening.problems import Refused
from convening.program import services
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

CHICAGO_OFFSET = 5  # June in Chicago: UTC-5


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment of June `day`, 2027 on Chicago's clock, as UTC."""
    return datetime(2027, 6, day, hour + CHICAGO_OFFSET, minute, tzinfo=UTC)


@pytest.fixture
def convening(app: Flask) -> Any:
    seeded = seed_convening(app)
    with app.app_context():
        yield db.session.get(Convening, seeded.convening_id)


def audit(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def slot(convening: Convening, day: int, start: tuple[int, int], end: tuple[int, int], **kw: Any) -> TimeSlot:
    details = services.SlotDetails(
        starts_at=at(day, *start), ends_at=at(day, *end), kind=kw.pop("kind", SlotKind.BREAKOUT), **kw
    )
    return services.add_slot(convening, details, actor=COMMAND_LINE)


def session_details(**overrides: Any) -> services.SessionDetails:
    values: dict[str, Any] = {"kind": SessionKind.BREAKOUT, "title": "Housing first"}
    values.update(overrides)
    return services.SessionDetails(**values)


# --- rooms and tracks ------------------------------------------------------------------------------------


def test_rooms_are_added_in_order_edited_moved_with_an_audited_diff(convening: Convening) -> None:
    hall = services.add_room(
        convening, services.RoomDetails("Main Hall", 1200, "Level 1"), actor=COMMAND_LINE
    )
    cedar = services.add_room(convening, services.RoomDetails("Cedar Room", 120), actor=COMMAND_LINE)
    assert [room.name for room in services.rooms_of(convening)] == ["Main Hall", "Cedar Room"]

    changed = services.update_room(
        convening,
        cedar,
        services.RoomDetails("Cedar Room", 140, "Level 2", "Hearing loop"),
        actor=COMMAND_LINE,
    )
    assert changed
    entry = audit("room.update")[0]
    assert entry.changes == {
        "capacity": [120, 140],
        "floor": ["", "Level 2"],
        "accessibility_notes": ["", "Hearing loop"],
    }
    assert not services.update_room(
        convening,
        cedar,
        services.RoomDetails("Cedar Room", 140, "Level 2", "Hearing loop"),
        actor=COMMAND_LINE,
    )

    assert services.move_room(convening, cedar, -1, actor=COMMAND_LINE)
    assert [room.name for room in services.rooms_of(convening)] == ["Cedar Room", "Main Hall"]
    assert not services.move_room(convening, cedar, -1, actor=COMMAND_LINE)  # already first
    assert audit("room.move")[0].changes == {"order": ["Main Hall, Cedar Room", "Cedar Room, Main Hall"]}
    assert hall.position == 1


def test_room_and_track_names_are_unique_ignoring_capitals(convening: Convening) -> None:
    services.add_room(convening, services.RoomDetails("Cedar Room"), actor=COMMAND_LINE)
    services.add_track(convening, services.TrackDetails("Climate"), actor=COMMAND_LINE)
    with pytest.raises(Refused) as room_problem:
        services.add_room(convening, services.RoomDetails("cedar room"), actor=COMMAND_LINE)
    with pytest.raises(Refused) as track_problem:
        services.add_track(convening, services.TrackDetails("CLIMATE"), actor=COMMAND_LINE)
    assert "already called “cedar room”" in room_problem.value.problems["name"]
    assert "already called “CLIMATE”" in track_problem.value.problems["name"]
    assert count(Room) == 1
    assert count(Track) == 1


def test_bad_room_and_track_details_are_refused_field_by_field(convening: Convening) -> None:
    with pytest.raises(Refused) as problem:
        services.add_room(
            convening, services.RoomDetails(" ", capacity=-1, floor="x" * 61), actor=COMMAND_LINE
        )
    assert set(problem.value.problems) == {"name", "capacity", "floor"}
    with pytest.raises(Refused) as problem:
        services.add_track(convening, services.TrackDetails("Climate", color="green"), actor=COMMAND_LINE)
    assert "#2f6f4f" in problem.value.problems["color"]
    assert count(Room) == 0
    assert count(Track) == 0


def test_deleting_a_room_or_track_leaves_its_sessions_without_one(convening: Convening) -> None:
    room = services.add_room(convening, services.RoomDetails("Cedar Room", 120), actor=COMMAND_LINE)
    track = services.add_track(convening, services.TrackDetails("Climate", "#2f6f4f"), actor=COMMAND_LINE)
    first_slot = slot(convening, 15, (9, 0), (10, 30))
    session = services.add_session(
        convening,
        session_details(room_id=room.id, track_id=track.id, time_slot_id=first_slot.id),
        actor=COMMAND_LINE,
    )
    session_id = session.id

    lost = services.delete_room(convening, room, actor=COMMAND_LINE)
    assert [s.id for s in lost] == [session_id]
    left = services.delete_track(convening, track, actor=COMMAND_LINE)
    assert [s.id for s in left] == [session_id]

    kept = db.session.get(ProgramSession, session_id)
    assert (kept.room_id, kept.track_id, kept.time_slot_id) == (None, None, first_slot.id)
    assert count(Room) == 0
    assert count(Track) == 0
    assert audit("room.delete")[0].changes == {"name": ["Cedar Room", None], "capacity": [120, None]}
    notes = [entry.changes for entry in audit("session.update")]
    assert {"room": ["Cedar Room", None]} in notes
    assert {"track": ["Climate", None]} in notes


# --- time slots ---------------------------------------------------------------------------------------------


def test_a_slot_is_stored_in_utc_from_the_convenings_clock_and_audited_locally(convening: Convening) -> None:
    opening = slot(convening, 15, (9, 0), (10, 30), kind=SlotKind.PLENARY, label="Opening plenary")
    assert opening.starts_at == datetime(2027, 6, 15, 14, 0, tzinfo=UTC)
    assert services.slot_times(convening, opening) == "Tuesday, June 15, 9:00 AM – 10:30 AM"
    assert audit("time_slot.create")[0].changes == {
        "day": [None, "Tuesday, June 15"],
        "starts": [None, "9:00 AM"],
        "ends": [None, "10:30 AM"],
        "kind": [None, "Plenary"],
        "label": [None, "Opening plenary"],
    }


def test_slots_may_touch_but_not_overlap(convening: Convening) -> None:
    slot(convening, 15, (9, 0), (10, 30), label="Opening plenary")
    slot(convening, 15, (10, 30), (11, 0), kind=SlotKind.BREAK)  # starts as the other ends
    with pytest.raises(Refused) as problem:
        slot(convening, 15, (8, 0), (9, 15))
    assert problem.value.problems == {
        "starts_at": "This slot overlaps “Opening plenary” (Tuesday, June 15, 9:00 AM – 10:30 AM). "
        "Change the times, or change that slot first."
    }
    with pytest.raises(Refused) as problem:
        slot(convening, 15, (10, 45), (11, 30))
    assert "the break slot (Tuesday, June 15, 10:30 AM – 11:00 AM)" in problem.value.problems["starts_at"]
    assert count(TimeSlot) == 2


def test_a_slot_ends_after_it_starts_on_a_day_of_the_convening(convening: Convening) -> None:
    with pytest.raises(Refused) as problem:
        slot(convening, 15, (10, 0), (9, 0))
    assert problem.value.problems == {"ends_at": "This slot ends before it starts. Check both times."}
    with pytest.raises(Refused) as problem:
        slot(convening, 15, (10, 0), (10, 0))
    assert "ends when it starts" in problem.value.problems["ends_at"]
    with pytest.raises(Refused) as problem:
        slot(convening, 18, (9, 0), (10, 0))
    assert problem.value.problems == {
        "day": "Friday, June 18 is not a day of the convening. Choose a day from Tuesday, June 15 to "
        "Thursday, June 17."
    }
    assert count(TimeSlot) == 0


def test_a_slot_moved_keeps_clear_of_others_but_not_of_itself(convening: Convening) -> None:
    morning = slot(convening, 15, (9, 0), (10, 0))
    slot(convening, 15, (11, 0), (12, 0), label="Late morning")
    later = services.SlotDetails(at(15, 9, 30), at(15, 10, 30), SlotKind.BREAKOUT)
    assert services.update_slot(convening, morning, later, actor=COMMAND_LINE)
    assert audit("time_slot.update")[0].changes == {
        "starts": ["9:00 AM", "9:30 AM"],
        "ends": ["10:00 AM", "10:30 AM"],
    }
    clash = services.SlotDetails(at(15, 10, 0), at(15, 11, 30), SlotKind.BREAKOUT)
    with pytest.raises(Refused) as problem:
        services.update_slot(convening, morning, clash, actor=COMMAND_LINE)
    assert "“Late morning”" in problem.value.problems["starts_at"]
    db.session.refresh(morning)
    assert morning.starts_at == at(15, 9, 30)


def test_deleting_a_slot_unschedules_its_sessions(convening: Convening) -> None:
    room = services.add_room(convening, services.RoomDetails("Cedar Room"), actor=COMMAND_LINE)
    doomed = slot(convening, 16, (13, 30), (15, 0))
    session = services.add_session(
        convening, session_details(time_slot_id=doomed.id, room_id=room.id), actor=COMMAND_LINE
    )
    session_id = session.id
    unscheduled = services.delete_slot(convening, doomed, actor=COMMAND_LINE)
    assert [s.id for s in unscheduled] == [session_id]
    kept = db.session.get(ProgramSession, session_id)
    assert (kept.time_slot_id, kept.room_id) == (None, room.id)
    assert {"time_slot": ["Wednesday, June 16, 1:30 PM – 3:00 PM", None]} in [
        entry.changes for entry in audit("session.update")
    ]


# --- sessions ---------------------------------------------------------------------------------------------


def test_a_session_takes_only_rooms_slots_and_tracks_of_its_convening(
    app: Flask, convening: Convening
) -> None:
    other = db.session.get(Convening, seed_convening(app, slug="next-year").convening_id)
    foreign_room = services.add_room(other, services.RoomDetails("Elsewhere"), actor=COMMAND_LINE)
    foreign_slot = services.add_slot(
        other, services.SlotDetails(at(15, 9), at(15, 10), SlotKind.PLENARY), actor=COMMAND_LINE
    )
    foreign_track = services.add_track(other, services.TrackDetails("Theirs"), actor=COMMAND_LINE)
    with pytest.raises(Refused) as problem:
        services.add_session(
            convening,
            session_details(room_id=foreign_room.id, time_slot_id=foreign_slot.id, track_id=foreign_track.id),
            actor=COMMAND_LINE,
        )
    assert problem.value.problems == {
        "track_id": "Choose a track of this convening.",
        "time_slot_id": "Choose a time slot of this convening.",
        "room_id": "Choose a room of this convening.",
    }
    with pytest.raises(Refused):
        services.add_session(convening, session_details(room_id=999_999), actor=COMMAND_LINE)
    assert count(ProgramSession) == 0


def test_a_session_edit_is_checked_as_a_whole_and_audited_in_names(convening: Convening) -> None:
    cedar = services.add_room(convening, services.RoomDetails("Cedar Room", 120), actor=COMMAND_LINE)
    opening = slot(convening, 15, (9, 0), (10, 30))
    session = services.add_session(convening, session_details(), actor=COMMAND_LINE)
    assert session.effective_capacity is None

    with pytest.raises(Refused) as problem:
        services.update_session(
            convening, session, session_details(title="x" * 201, room_id=cedar.id), actor=COMMAND_LINE
        )
    assert problem.value.problems == {"title": "Keep this under 200 characters."}
    db.session.refresh(session)
    assert (session.title, session.room_id) == ("Housing first", None)

    assert services.update_session(
        convening,
        session,
        session_details(room_id=cedar.id, time_slot_id=opening.id, description="Bring ideas."),
        actor=COMMAND_LINE,
    )
    assert session.effective_capacity == 120
    assert audit("session.update")[0].changes == {
        "description": ["", "Bring ideas."],
        "time_slot": [None, "Tuesday, June 15, 9:00 AM – 10:30 AM"],
        "room": [None, "Cedar Room"],
    }


def test_speakers_join_a_session_in_order_with_roles(app: Flask, convening: Convening) -> None:
    session = services.add_session(convening, session_details(), actor=COMMAND_LINE)
    people = []
    for name in ("Héctor Ramírez", "Nguyễn Thị Minh Khai", "李小龍"):
        speaker = Speaker(convening_id=convening.id, name=name)
        db.session.add(speaker)
        people.append(speaker)
    db.session.commit()
    hector, khai, lee = people

    services.add_speaker(convening, session, hector.id, SpeakerRole.MODERATOR, actor=COMMAND_LINE)
    services.add_speaker(convening, session, khai.id, SpeakerRole.PANELIST, actor=COMMAND_LINE)
    link = services.add_speaker(convening, session, lee.id, SpeakerRole.PANELIST, actor=COMMAND_LINE)
    with pytest.raises(Refused) as problem:
        services.add_speaker(convening, session, lee.id, SpeakerRole.KEYNOTE, actor=COMMAND_LINE)
    assert "李小龍 is already a speaker of this session" in problem.value.problems["speaker_id"]

    assert services.move_speaker(convening, link, -1, actor=COMMAND_LINE)
    assert services.change_speaker_role(convening, link, SpeakerRole.PRESENTER, actor=COMMAND_LINE)
    db.session.expire_all()
    assert [(item.speaker.name, item.role) for item in session.speakers] == [
        ("Héctor Ramírez", SpeakerRole.MODERATOR),
        ("李小龍", SpeakerRole.PRESENTER),
        ("Nguyễn Thị Minh Khai", SpeakerRole.PANELIST),
    ]
    services.remove_speaker(convening, session.speakers[0], actor=COMMAND_LINE)
    db.session.expire_all()
    assert [(item.speaker.name, item.position) for item in session.speakers] == [
        ("李小龍", 0),
        ("Nguyễn Thị Minh Khai", 1),
    ]
    assert count(Speaker) == 3  # the speakers stay in the convening
    assert audit("session.speaker_move")[0].changes == {
        "speakers": [
            "Héctor Ramírez (Moderator), Nguyễn Thị Minh Khai (Panelist), 李小龍 (Panelist)",
            "Héctor Ramírez (Moderator), 李小龍 (Panelist), Nguyễn Thị Minh Khai (Panelist)",
        ]
    }

    other = db.session.get(Convening, seed_convening(app, slug="elsewhere").convening_id)
    stranger = Speaker(convening_id=other.id, name="محمد عبد الله")
    db.session.add(stranger)
    db.session.commit()
    with pytest.raises(Refused) as problem:
        services.add_speaker(convening, session, stranger.id, SpeakerRole.PANELIST, actor=COMMAND_LINE)
    assert problem.value.problems == {"speaker_id": "Choose a speaker of this convening."}


def test_deleting_a_session_keeps_its_speakers(convening: Convening) -> None:
    session = services.add_session(convening, session_details(), actor=COMMAND_LINE)
    speaker = Speaker(convening_id=convening.id, name="Héctor Ramírez")
    db.session.add(speaker)
    db.session.commit()
    services.add_speaker(convening, session, speaker.id, SpeakerRole.FACILITATOR, actor=COMMAND_LINE)
    services.delete_session(convening, session, actor=COMMAND_LINE)
    assert count(ProgramSession) == 0
    assert count(SessionSpeaker) == 0
    assert count(Speaker) == 1
    assert audit("session.delete")[0].changes["speakers"] == ["Héctor Ramírez", None]


def test_placing_a_session_refuses_a_slot_of_another_day(convening: Convening) -> None:
    tuesday = slot(convening, 15, (9, 0), (10, 0))
    session = services.add_session(convening, session_details(), actor=COMMAND_LINE)
    with pytest.raises(Refused) as problem:
        services.place_session(
            convening,
            session,
            time_slot_id=tuesday.id,
            room_id=None,
            actor=COMMAND_LINE,
            day=date(2027, 6, 16),
        )
    assert "Tuesday 15 June, not Wednesday 16 June" in problem.value.problems["time_slot_id"]
    services.place_session(convening, session, time_slot_id=tuesday.id, room_id=None, actor=COMMAND_LINE)
    assert session.time_slot_id == tuesday.id


# --- the overview ---------------------------------------------------------------------------------------


def build_program(convening: Convening, sessions_per_slot: int) -> None:
    rooms = [
        services.add_room(convening, services.RoomDetails(f"Room {number}", 100), actor=COMMAND_LINE)
        for number in range(sessions_per_slot)
    ]
    track = services.add_track(convening, services.TrackDetails("Climate"), actor=COMMAND_LINE)
    speaker = Speaker(convening_id=convening.id, name="Héctor Ramírez")
    db.session.add(speaker)
    db.session.commit()
    for day in (15, 16, 17):
        for hour in (9, 13):
            time_slot = slot(convening, day, (hour, 0), (hour + 1, 30))
            for room in rooms:
                session = services.add_session(
                    convening,
                    session_details(
                        title=f"{room.name} {day} {hour}",
                        room_id=room.id,
                        time_slot_id=time_slot.id,
                        track_id=track.id,
                    ),
                    actor=COMMAND_LINE,
                )
                services.add_speaker(convening, session, speaker.id, SpeakerRole.PANELIST, actor=COMMAND_LINE)


def queries_for_overview(convening: Convening) -> tuple[int, services.ProgramOverview]:
    db.session.expire_all()
    with counted_queries(current_app) as statements:
        overview = services.program_overview(convening)
        for day in overview.days:
            for item in day.slots:
                for session in item.sessions:
                    _ = (
                        session.room.name,
                        session.track.name,
                        [link.speaker.name for link in session.speakers],
                    )
    return len(statements), overview


def test_the_overview_groups_by_day_and_slot_in_a_fixed_number_of_queries(
    app: Flask, convening: Convening
) -> None:
    small = db_convening(app, "small")
    large = db_convening(app, "large")
    build_program(small, 1)
    build_program(large, 10)
    services.add_session(large, session_details(title="Still to place"), actor=COMMAND_LINE)

    few, _ = queries_for_overview(small)
    many, overview = queries_for_overview(large)
    assert many == few
    assert overview.session_count == 61
    assert [day.day for day in overview.days] == [date(2027, 6, 15), date(2027, 6, 16), date(2027, 6, 17)]
    first = overview.days[0].slots[0]
    assert services.slot_times(large, first.slot) == "Tuesday, June 15, 9:00 AM – 10:30 AM"
    assert [session.room.name for session in first.sessions] == [f"Room {number}" for number in range(10)]
    assert [session.title for session in overview.unscheduled] == ["Still to place"]


def db_convening(app: Flask, slug: str) -> Convening:
    return db.session.get(Convening, seed_convening(app, slug=slug).convening_id)


def test_days_the_convening_no_longer_covers_still_show_their_slots(convening: Convening) -> None:
    late = slot(convening, 17, (9, 0), (10, 0))
    convening.ends_on = date(2027, 6, 16)
    db.session.commit()
    overview = services.program_overview(convening)
    assert [(day.day, day.in_convening) for day in overview.days] == [
        (date(2027, 6, 15), True),
        (date(2027, 6, 16), True),
        (date(2027, 6, 17), False),
    ]
    assert overview.days[-1].slots[0].slot.id == late.id
