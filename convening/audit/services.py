"""Recording and reading the audit log."""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from convening.audit.models import AuditEntry
from convening.extensions import db
from convening.ordering import move
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


def _name(item: Any) -> str:
    return item.name


def record_move(
    order: list[Any],
    item: Any,
    offset: int,
    *,
    actor: Actor,
    action: str,
    subject_type: str,
    subject_id: int,
    what: str,
    convening_id: int,
    where: str = "",
    key: str = "order",
    label: Callable[[Any], str] = _name,
    attribute: str = "position",
) -> bool:
    """Move `item` up (-1) or down (+1) in `order`, record "Moved {what} up{where}" and commit.

    Every list staff order by hand (rooms, tracks, sponsor tiers, sponsors, ticket types, a session's
    speakers) moves this way, so the log reads alike: `changes[key]` is the order before and after, each
    item written by `label`. Here rather than in convening.ordering, which stays pure. False, with nothing
    written, when the item is already first or last.
    """
    before = ", ".join(label(entry) for entry in order)
    if not move(order, item, offset, attribute):
        return False
    record(
        actor,
        action,
        subject_type,
        subject_id,
        f"Moved {what} {'up' if offset < 0 else 'down'}{where}",
        convening_id=convening_id,
        changes={key: [before, ", ".join(label(entry) for entry in order)]},
    )
    db.session.commit()
    return True


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
