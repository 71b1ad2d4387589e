"""The program: rooms, tracks, time slots, sessions and the speakers who lead them."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from convening.extensions import db
from convening.scheduling.enums import SignupMode
from convening.sqltypes import UTCDateTime, enum_type

if TYPE_CHECKING:
    from convening.images.models import StoredImage


class SlotKind(enum.StrEnum):
    PLENARY = "plenary"
    BREAKOUT = "breakout"
    MEAL = "meal"
    BREAK = "break"

    @property
    def label(self) -> str:
        return {"plenary": "Plenary", "breakout": "Breakouts", "meal": "Meal", "break": "Break"}[self.value]


class SessionKind(enum.StrEnum):
    KEYNOTE = "keynote"
    PLENARY = "plenary"
    BREAKOUT = "breakout"
    MEAL = "meal"

    @property
    def label(self) -> str:
        return {"keynote": "Keynote", "plenary": "Plenary", "breakout": "Breakout workshop", "meal": "Meal"}[
            self.value
        ]


class SpeakerRole(enum.StrEnum):
    KEYNOTE = "keynote"
    MODERATOR = "moderator"
    PANELIST = "panelist"
    FACILITATOR = "facilitator"
    PRESENTER = "presenter"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Room(db.Model):
    __tablename__ = "rooms"
    __table_args__ = (
        UniqueConstraint("convening_id", "name"),
        CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    convening_id: Mapped[int] = mapped_column(ForeignKey("convenings.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    capacity: Mapped[int | None] = mapped_column(Integer)
    floor: Mapped[str] = mapped_column(String(60), default="", server_default="")
    # Step-free route, hearing loop, lactation room next door...: shown on the session page and the agenda.
    accessibility_notes: Mapped[str] = mapped_column(Text, default="", server_default="")
    position: Mapped[int] = mapped_column(Integer, default=0)


class Track(db.Model):
    __tablename__ = "tracks"
    __table_args__ = (UniqueConstraint("convening_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    convening_id: Mapped[int] = mapped_column(ForeignKey("convenings.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    # "#2f6f4f": the track's mark on the agenda and the grid; always shown beside the track's name.
    color: Mapped[str] = mapped_column(String(7), default="", server_default="")
    position: Mapped[int] = mapped_column(Integer, default=0)


class TimeSlot(db.Model):
    __tablename__ = "time_slots"
    __table_args__ = (CheckConstraint("ends_at > starts_at", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    convening_id: Mapped[int] = mapped_column(ForeignKey("convenings.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    kind: Mapped[SlotKind] = mapped_column(enum_type(SlotKind, "slot_kind"))
    label: Mapped[str] = mapped_column(String(120), default="")
    # Breakout slots only: how attendees get their workshop, and until when they may rank choices.
    signup_mode: Mapped[SignupMode] = mapped_column(
        enum_type(SignupMode, "signup_mode"), default=SignupMode.FIRST_COME, server_default="first_come"
    )
    choices_close_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ProgramSession(db.Model):
    """A Session of DESIGN.md (keynote, plenary, breakout workshop or meal), named apart from db.session."""

    __tablename__ = "program_sessions"
    __table_args__ = (
        CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_not_negative"),
        # A room's capacity, when the session has none, is held by the conditional UPDATE that takes a seat.
        CheckConstraint(
            "seats_taken >= 0 AND (capacity IS NULL OR seats_taken <= capacity)", name="seats_within_capacity"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The calendar UID: kept through edits and moves, so calendars update the event instead of adding one.
    uid: Mapped[str] = mapped_column(String(36), unique=True, default=lambda: str(uuid.uuid4()))
    convening_id: Mapped[int] = mapped_column(ForeignKey("convenings.id", ondelete="CASCADE"), index=True)
    kind: Mapped[SessionKind] = mapped_column(enum_type(SessionKind, "session_kind"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    track_id: Mapped[int | None] = mapped_column(ForeignKey("tracks.id", ondelete="SET NULL"), index=True)
    room_id: Mapped[int | None] = mapped_column(ForeignKey("rooms.id", ondelete="SET NULL"), index=True)
    time_slot_id: Mapped[int | None] = mapped_column(
        ForeignKey("time_slots.id", ondelete="SET NULL"), index=True
    )
    # None: the room's capacity.
    capacity: Mapped[int | None] = mapped_column(Integer)
    # Breakout workshops: people seated now (the waiting list is not counted).
    seats_taken: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Staff fixed its slot and room: automatic timetabling leaves it where it is.
    pinned: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    track: Mapped[Track | None] = relationship()
    room: Mapped[Room | None] = relationship()
    time_slot: Mapped[TimeSlot | None] = relationship()
    speakers: Mapped[list[SessionSpeaker]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="SessionSpeaker.position"
    )

    @property
    def effective_capacity(self) -> int | None:
        """How many people the session takes: its own limit, else its room's, else no limit (None)."""
        if self.capacity is not None:
            return self.capacity
        return self.room.capacity if self.room is not None else None


class Speaker(db.Model):
    __tablename__ = "speakers"

    id: Mapped[int] = mapped_column(primary_key=True)
    convening_id: Mapped[int] = mapped_column(ForeignKey("convenings.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(150))
    title: Mapped[str] = mapped_column(String(150), default="")
    organization: Mapped[str] = mapped_column(String(200), default="")
    bio: Mapped[str] = mapped_column(Text, default="")
    # Staff only: how to reach the speaker; never shown on public pages or exports.
    email: Mapped[str] = mapped_column(String(254), default="", server_default="")
    # Web addresses (site, social profiles) in the order the speaker gave them.
    links: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    photo_id: Mapped[int | None] = mapped_column(ForeignKey("stored_images.id", ondelete="SET NULL"))

    photo: Mapped[StoredImage | None] = relationship()
    sessions: Mapped[list[SessionSpeaker]] = relationship(back_populates="speaker", viewonly=True)


class SessionSpeaker(db.Model):
    __tablename__ = "session_speakers"
    __table_args__ = (UniqueConstraint("session_id", "speaker_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("program_sessions.id", ondelete="CASCADE"), index=True)
    speaker_id: Mapped[int] = mapped_column(ForeignKey("speakers.id", ondelete="CASCADE"), index=True)
    role: Mapped[SpeakerRole] = mapped_column(enum_type(SpeakerRole, "speaker_role"))
    position: Mapped[int] = mapped_column(Integer, default=0)

    session: Mapped[ProgramSession] = relationship(back_populates="speakers")
    speaker: Mapped[Speaker] = relationship(back_populates="sessions")
