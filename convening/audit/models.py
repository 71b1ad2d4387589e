"""The audit log: who changed what, when, with a short diff. Rows are only ever added.

The migration adds triggers that refuse UPDATE on both engines, so an entry cannot be edited even by SQL.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from convening.extensions import db
from convening.sqltypes import UTCDateTime, utcnow


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_subject", "subject_type", "subject_id", "created_at"),
        Index("ix_audit_entries_convening_created", "convening_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    convening_id: Mapped[int | None] = mapped_column(ForeignKey("convenings.id", ondelete="CASCADE"))
    # None for an attendee acting through their manage link, or for the system (waiting list, import).
    # Staff accounts are turned off, never deleted, so this always leads somewhere.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    # Who acted, as it read then ("Ana Ruiz (ana@example.org)", "Attendee", "Waiting list"): survives renames.
    actor_label: Mapped[str] = mapped_column(String(300))
    action: Mapped[str] = mapped_column(String(60))
    # What was acted on: ("registration", 42), ("ticket_type", 3), ("staff_user", 7)...
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int | None] = mapped_column(Integer)
    summary: Mapped[str] = mapped_column(String(500))
    # {field: [before, after]} for edits; other facts for actions.
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
