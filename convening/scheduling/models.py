"""Breakout sign-up: seats and waiting lists per workshop, ranked choices, stars of interest, assignment runs
and timetable proposals.

A workshop's seats are counted on its row (program_sessions.seats_taken), moved by conditional UPDATEs, so
parallel sign-ups can never overbook it; the seats themselves are rows here, one per person and slot.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from convening.extensions import db
from convening.sqltypes import UTCDateTime, enum_type, utcnow


class SeatStatus(enum.StrEnum):
    SEATED = "seated"
    WAITING = "waiting"


class SeatSource(enum.StrEnum):
    """Who put the person there: kept for the history and for the change report of a re-run."""

    ATTENDEE = "attendee"
    WAITING_LIST = "waiting_list"
    ASSIGNMENT = "assignment"
    STAFF = "staff"


class WorkshopSeat(db.Model):
    """A person's seat in a workshop, or their place on its waiting list.

    One seat per person per slot, and one waiting place per person per slot (they may wait for a full
    workshop while holding a seat in another of the same slot, which they give up when promoted).
    """

    __tablename__ = "workshop_seats"
    __table_args__ = (
        Index(
            "uq_workshop_seats_one_seat_per_slot",
            "registration_id",
            "time_slot_id",
            unique=True,
            postgresql_where=text("status = 'seated'"),
            sqlite_where=text("status = 'seated'"),
        ),
        Index(
            "uq_workshop_seats_one_wait_per_slot",
            "registration_id",
            "time_slot_id",
            unique=True,
            postgresql_where=text("status = 'waiting'"),
            sqlite_where=text("status = 'waiting'"),
        ),
        Index("ix_workshop_seats_session_status", "session_id", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    convening_id: Mapped[int] = mapped_column(ForeignKey("convenings.id", ondelete="CASCADE"), index=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    session_id: Mapped[int] = mapped_column(ForeignKey("program_sessions.id", ondelete="CASCADE"))
    # The workshop's slot when the seat was taken: what "one per person per slot" is checked against.
    time_slot_id: Mapped[int] = mapped_column(ForeignKey("time_slots.id", ondelete="CASCADE"))
    status: Mapped[SeatStatus] = mapped_column(enum_type(SeatStatus, "seat_status"))
    source: Mapped[SeatSource] = mapped_column(enum_type(SeatSource, "seat_source"))
    # Staff fixed it: a re-run of the assignment keeps the person here.
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    # The waiting list's order: first come, first promoted.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WorkshopChoice(db.Model):
    """One of a person's ranked choices in a slot (1 is the first choice), until the slot's deadline."""

    __tablename__ = "workshop_choices"
    __table_args__ = (
        UniqueConstraint("registration_id", "time_slot_id", "rank"),
        UniqueConstraint("registration_id", "session_id"),
        CheckConstraint("rank BETWEEN 1 AND 3", name="rank_in_top_three"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    time_slot_id: Mapped[int] = mapped_column(ForeignKey("time_slots.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("program_sessions.id", ondelete="CASCADE"))
    rank: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WorkshopInterest(db.Model):
    """A star: the person would like to attend this workshop. Timetabling reads these before slots are set."""

    __tablename__ = "workshop_interests"
    __table_args__ = (UniqueConstraint("registration_id", "session_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    session_id: Mapped[int] = mapped_column(ForeignKey("program_sessions.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SpeakerUnavailability(db.Model):
    """A breakout slot a speaker cannot make; with none, they can make every slot."""

    __tablename__ = "speaker_unavailability"
    __table_args__ = (UniqueConstraint("speaker_id", "time_slot_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    speaker_id: Mapped[int] = mapped_column(ForeignKey("speakers.id", ondelete="CASCADE"), index=True)
    time_slot_id: Mapped[int] = mapped_column(ForeignKey("time_slots.id", ondelete="CASCADE"))


class RunStatus(enum.StrEnum):
    RUNNING = "running"
    DRAFT = "draft"  # solved, waiting for staff to publish it
    PUBLISHED = "published"
    FAILED = "failed"


class AssignmentRun(db.Model):
    """One run of the assignment over the ranked slots: its placements and report, published or not."""

    __tablename__ = "assignment_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    convening_id: Mapped[int] = mapped_column(ForeignKey("convenings.id", ondelete="CASCADE"), index=True)
    status: Mapped[RunStatus] = mapped_column(enum_type(RunStatus, "assignment_run_status"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_label: Mapped[str] = mapped_column(String(300), default="")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # [[registration id, slot id, workshop id or null, rank or null, locked], ...]
    placements: Mapped[list[Any]] = mapped_column(JSON, default=list)
    # The solver's report: shares of first choices and top three, the unassigned by name, fills, moves.
    report: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Why it failed, in words for staff (the people who could not be placed, a bad ranking...).
    problems: Mapped[list[str]] = mapped_column(JSON, default=list)


class ProposalStatus(enum.StrEnum):
    RUNNING = "running"
    READY = "ready"
    APPLIED = "applied"
    FAILED = "failed"


class TimetableProposal(db.Model):
    """Where the timetabling would put each workshop, beside the program as it stands, until applied."""

    __tablename__ = "timetable_proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    convening_id: Mapped[int] = mapped_column(ForeignKey("convenings.id", ondelete="CASCADE"), index=True)
    status: Mapped[ProposalStatus] = mapped_column(enum_type(ProposalStatus, "timetable_proposal_status"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_label: Mapped[str] = mapped_column(String(300), default="")
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # {session id: [slot id, room id]}
    placements: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    clashes_before: Mapped[int | None] = mapped_column(Integer)
    clashes_after: Mapped[int | None] = mapped_column(Integer)
    bound: Mapped[int | None] = mapped_column(Integer)
    optimal: Mapped[bool] = mapped_column(Boolean, default=False)
    problems: Mapped[list[str]] = mapped_column(JSON, default=list)
