"""Badge roles, printed batches and the log of every badge printed."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from convening.extensions import db
from convening.sqltypes import UTCDateTime, enum_type, utcnow


class BadgeRole(enum.StrEnum):
    """The ribbon across a badge: a colour and a word, so it reads at a glance and without colour."""

    ATTENDEE = "attendee"
    SPEAKER = "speaker"
    STAFF = "staff"
    SPONSOR = "sponsor"
    PRESS = "press"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class BatchStatus(enum.StrEnum):
    RENDERING = "rendering"
    READY = "ready"
    FAILED = "failed"


class BadgeBatch(db.Model):
    """One print run: who was chosen, on which layout, and the PDF once it is drawn."""

    __tablename__ = "badge_batches"
    __table_args__ = (CheckConstraint("badge_count >= 0", name="badge_count_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    convening_id: Mapped[int] = mapped_column(ForeignKey("convenings.id", ondelete="CASCADE"), index=True)
    layout: Mapped[str] = mapped_column(String(30))
    crop_marks: Mapped[bool] = mapped_column(Boolean, default=False)
    # badges.services.Selection as a dict: role, ticket_type_id, unprinted, registration_ids.
    selection: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    description: Mapped[str] = mapped_column(String(300))
    status: Mapped[BatchStatus] = mapped_column(
        enum_type(BatchStatus, "badge_batch_status"), default=BatchStatus.RENDERING
    )
    badge_count: Mapped[int] = mapped_column(Integer, default=0)
    # {"skipped": {"waitlisted": 2, ...}, "unnamed": [registration ids printed without a readable name]}
    report: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    job_id: Mapped[str | None] = mapped_column(ForeignKey("jobs.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    created_by_label: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Deferred: lists of batches never load the PDFs.
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    pdf_size: Mapped[int] = mapped_column(Integer, default=0)


class BadgePrint(db.Model):
    """A badge was printed: appended for every badge of every batch and every single reprint, never edited."""

    __tablename__ = "badge_prints"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("badge_batches.id", ondelete="SET NULL"), index=True
    )
    # What was printed, so a name fixed after printing shows as needing a reprint.
    badge_name: Mapped[str] = mapped_column(String(100))
    printed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
