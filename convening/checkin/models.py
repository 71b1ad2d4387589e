"""Check-in stations and the append-only log of every scan, admitted or not."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from convening.extensions import db
from convening.sqltypes import UTCDateTime, enum_type, utcnow


class CheckInResult(enum.StrEnum):
    """What a scan answers, in the order the checks run (DESIGN.md: the contract check-in relies on)."""

    OK = "ok"
    ALREADY_CHECKED_IN = "already_checked_in"
    UNKNOWN = "unknown"
    CANCELLED = "cancelled"
    UNPAID = "unpaid"
    WAITLISTED = "waitlisted"
    WRONG_SESSION = "wrong_session"

    @property
    def label(self) -> str:
        return {
            "ok": "Checked in",
            "already_checked_in": "Already checked in",
            "unknown": "Unknown badge",
            "cancelled": "Registration cancelled",
            "unpaid": "Payment pending",
            "waitlisted": "On the waiting list",
            "wrong_session": "Registered for another session",
        }[self.value]

    @property
    def admits(self) -> bool:
        return self == CheckInResult.OK


class Station(db.Model):
    """A door with a scanner: the front door, or one session's door. Volunteers act as the station."""

    __tablename__ = "checkin_stations"

    id: Mapped[int] = mapped_column(primary_key=True)
    convening_id: Mapped[int] = mapped_column(ForeignKey("convenings.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    # None: the front door; else the session whose attendance this station records.
    session_id: Mapped[int | None] = mapped_column(ForeignKey("program_sessions.id", ondelete="SET NULL"))
    # SHA-256 of the bearer key, hex: the key itself is shown once and never stored.
    key_digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_label: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class CheckIn(db.Model):
    """One scan and its answer, appended and never changed; a repeated nonce is the same scan."""

    __tablename__ = "check_ins"
    __table_args__ = (
        UniqueConstraint("convening_id", "nonce"),
        Index("ix_check_ins_registration_session", "registration_id", "session_id"),
        Index("ix_check_ins_convening_scanned", "convening_id", "scanned_at"),
        # The admissions at each door, counted on every scan.
        Index(
            "ix_check_ins_admissions",
            "convening_id",
            "session_id",
            postgresql_where=text("result = 'ok'"),
            sqlite_where=text("result = 'ok'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    convening_id: Mapped[int] = mapped_column(ForeignKey("convenings.id", ondelete="CASCADE"))
    # None when the badge matched nobody.
    registration_id: Mapped[int | None] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"))
    station_id: Mapped[int | None] = mapped_column(ForeignKey("checkin_stations.id", ondelete="SET NULL"))
    session_id: Mapped[int | None] = mapped_column(ForeignKey("program_sessions.id", ondelete="SET NULL"))
    result: Mapped[CheckInResult] = mapped_column(enum_type(CheckInResult, "check_in_result"))
    # Chosen by the scanning device, so a retried or replayed scan is recognised and not counted twice.
    nonce: Mapped[str] = mapped_column(String(64))
    # What was scanned, cut short, for the log of failed scans; never a person's data.
    scanned_text: Mapped[str] = mapped_column(String(80), default="")
    # When the badge was scanned (the device's clock, kept for offline scans) and when we heard of it.
    scanned_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Staff let someone in despite the answer (a wrong session they may attend after all).
    overridden: Mapped[bool] = mapped_column(Boolean, default=False)
    by_label: Mapped[str] = mapped_column(String(300), default="")
    # What an offline station showed when it decided the scan itself; None when we answered it. A badge
    # shown green offline that we found admitted already is a conflict: someone got in twice.
    local_result: Mapped[CheckInResult | None] = mapped_column(
        enum_type(CheckInResult, "check_in_local_result")
    )

    @property
    def is_conflict(self) -> bool:
        return self.local_result == CheckInResult.OK and self.result != CheckInResult.OK


class CheckInUndo(db.Model):
    """An admission taken back moments after it (the wrong name tapped): appended, never deleted."""

    __tablename__ = "check_in_undos"

    id: Mapped[int] = mapped_column(primary_key=True)
    check_in_id: Mapped[int] = mapped_column(ForeignKey("check_ins.id", ondelete="CASCADE"), unique=True)
    undone_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    by_label: Mapped[str] = mapped_column(String(300), default="")
