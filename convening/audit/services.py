"""Recording and reading the audit log."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from convening.audit.models import AuditEntry
from convening.extensions import db
from convening.sqltypes import utcnow


@dataclass(frozen=True)
class Actor:
    """Who acts: the signed-in staff member, the attendee on their manage page, a command, the system."""

    label: str
    staff_id: int | None = None


ATTENDEE = Actor("Attendee, through their registration link")
WAITING_LIST = Actor("Waiting list, automatically")
COMMAND_LINE = Actor("Command line")


def staff_actor(user: Any) -> Actor:
    return Actor(f"{user.name} ({user.email})", user.id)


def _plain(value: Any) -> Any:
    """A JSON-friendly form of a column value, in the words organizers read ("On the waiting list")."""
    if isinstance(value, enum.Enum):
        return getattr(value, "label", value.value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def snapshot(obj: Any, names: list[str] | tuple[str, ...]) -> dict[str, Any]:
    return {name: _plain(getattr(obj, name)) for name in names}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [before, after]} for the fields that changed."""
    return {name: [before.get(name), value] for name, value in after.items() if before.get(name) != value}


def record(
    actor: Actor,
    action: str,
    subject_type: str,
    subject_id: int | None,
    summary: str,
    *,
    convening_id: int | None = None,
    changes: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> AuditEntry:
    """Add an entry to the session; it is saved with the change it describes, or not at all.

    `at` is when the change happened, for flows that are given their time (imports of past data, the demo).
    """
    entry = AuditEntry(
        created_at=at or utcnow(),
        convening_id=convening_id,
        actor_id=actor.staff_id,
        actor_label=actor.label[:300],
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        summary=summary[:500],
        changes=changes or {},
    )
    db.session.add(entry)
    return entry


def history(subject_type: str, subject_id: int) -> list[AuditEntry]:
    """Everything that happened to one record, newest first."""
    return list(
        db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.subject_type == subject_type, AuditEntry.subject_id == subject_id)
            .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
        )
    )


def recent(convening_id: int, limit: int = 20) -> list[AuditEntry]:
    return list(
        db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.convening_id == convening_id)
            .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
            .limit(limit)
        )
    )
