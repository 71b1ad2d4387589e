"""Tracked jobs: long work (imports, badge batches, assignment) that a staff page follows as it goes."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from convening.extensions import db
from convening.sqltypes import UTCDateTime, enum_type, utcnow


class JobStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"

    @property
    def finished(self) -> bool:
        return self in (JobStatus.DONE, JobStatus.FAILED)


def new_job_id() -> str:
    """Unguessable, since a job's page and result are reached by its id."""
    return secrets.token_hex(16)


class Job(db.Model):
    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_job_id)
    kind: Mapped[str] = mapped_column(String(60))
    convening_id: Mapped[int | None] = mapped_column(
        ForeignKey("convenings.id", ondelete="CASCADE"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    status: Mapped[JobStatus] = mapped_column(enum_type(JobStatus, "job_status"), default=JobStatus.QUEUED)
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str] = mapped_column(String(300), default="")
    # What the finished job produced, for the page that follows it (ids, counts, a download).
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0
