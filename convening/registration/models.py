"""Ticket types and registrations: who is coming, on which ticket, and in what state."""

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
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from convening.badges.models import BadgeRole
from convening.convenings.models import Convening
from convening.extensions import db
from convening.sqltypes import UTCDateTime, enum_type, utcnow


class RegistrationStatus(enum.StrEnum):
    PENDING_PAYMENT = "pending_payment"
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return {
            "pending_payment": "Payment pending",
            "confirmed": "Confirmed",
            "waitlisted": "On the waiting list",
            "cancelled": "Cancelled",
        }[self.value]

    @property
    def holds_seat(self) -> bool:
        return self in (RegistrationStatus.CONFIRMED, RegistrationStatus.PENDING_PAYMENT)


class DietaryNeed(enum.StrEnum):
    NONE = "none"
    VEGETARIAN = "vegetarian"
    VEGAN = "vegan"
    HALAL = "halal"
    KOSHER = "kosher"
    GLUTEN_FREE = "gluten_free"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            "none": "No dietary needs",
            "vegetarian": "Vegetarian",
            "vegan": "Vegan",
            "halal": "Halal",
            "kosher": "Kosher",
            "gluten_free": "Gluten-free",
            "other": "Other (tell us below)",
        }[self.value]


class TicketType(db.Model):
    __tablename__ = "ticket_types"
    __table_args__ = (
        UniqueConstraint("convening_id", "name"),
        CheckConstraint("price_cents >= 0", name="price_not_negative"),
        CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_not_negative"),
        CheckConstraint(
            "seats_taken >= 0 AND (capacity IS NULL OR seats_taken <= capacity)", name="seats_within_capacity"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    convening_id: Mapped[int] = mapped_column(ForeignKey("convenings.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    price_cents: Mapped[int] = mapped_column(Integer, default=0)
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    capacity: Mapped[int | None] = mapped_column(Integer)
    seats_taken: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    sales_start_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sales_end_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A ticket type with an access code is hidden until the code is entered.
    access_code: Mapped[str | None] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer, default=0)
    # The ribbon on its holders' badges: a "Press" or "Sponsor" ticket prints that role.
    badge_role: Mapped[BadgeRole] = mapped_column(
        enum_type(BadgeRole, "badge_role"),
        default=BadgeRole.ATTENDEE,
        server_default=BadgeRole.ATTENDEE.value,
    )

    convening: Mapped[Convening] = relationship(back_populates="ticket_types")

    @property
    def is_free(self) -> bool:
        return self.price_cents == 0

    @property
    def is_hidden(self) -> bool:
        return bool(self.access_code)

    @property
    def seats_left(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.seats_taken, 0)

    def __repr__(self) -> str:
        return f"<TicketType {self.name!r}>"


class Registration(db.Model):
    __tablename__ = "registrations"
    __table_args__ = (
        # One active registration per email per convening; a cancelled one frees the address.
        Index(
            "uq_registrations_active_email",
            "convening_id",
            "email",
            unique=True,
            sqlite_where=text("status != 'cancelled'"),
            postgresql_where=text("status != 'cancelled'"),
        ),
        Index("ix_registrations_convening_status_created", "convening_id", "status", "created_at"),
        # The waiting list of one ticket type, in order: the newcomer check and the position shown.
        Index("ix_registrations_ticket_type_status_created", "ticket_type_id", "status", "created_at"),
        CheckConstraint("price_cents >= 0", name="price_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    convening_id: Mapped[int] = mapped_column(ForeignKey("convenings.id", ondelete="CASCADE"))
    ticket_type_id: Mapped[int] = mapped_column(ForeignKey("ticket_types.id", ondelete="RESTRICT"))
    status: Mapped[RegistrationStatus] = mapped_column(enum_type(RegistrationStatus, "registration_status"))

    first_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100), default="")
    badge_name: Mapped[str] = mapped_column(String(100))
    pronouns: Mapped[str] = mapped_column(String(40), default="")
    title: Mapped[str] = mapped_column(String(150), default="")
    organization: Mapped[str] = mapped_column(String(200), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    state: Mapped[str] = mapped_column(String(100), default="")
    # Normalized and lower-cased so the uniqueness rule cannot be dodged by case.
    email: Mapped[str] = mapped_column(String(254))
    phone: Mapped[str] = mapped_column(String(40), default="")
    dietary: Mapped[DietaryNeed] = mapped_column(
        enum_type(DietaryNeed, "dietary_need"), default=DietaryNeed.NONE
    )
    dietary_notes: Mapped[str] = mapped_column(String(500), default="")
    accessibility_needs: Mapped[str] = mapped_column(String(1000), default="")
    listed_in_directory: Mapped[bool] = mapped_column(Boolean, default=False)
    photo_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    # Names, email and organization without accents or case (text.search_key), for the staff search box.
    search_text: Mapped[str] = mapped_column(String(700), default="", server_default="")

    # The price when they registered, so later price changes never rewrite what someone owes.
    price_cents: Mapped[int] = mapped_column(Integer, default=0)
    currency: Mapped[str] = mapped_column(String(3), default="USD")

    # Secret of the private manage link /c/<slug>/r/<manage_secret>.
    manage_secret: Mapped[str] = mapped_column(String(64), unique=True)
    # Opaque token printed in the QR code (badges.tokens); kept across edits.
    badge_token: Mapped[str] = mapped_column(String(40), unique=True)
    # The token's QR code as a PNG with one pixel per module, made with the token: batches never redraw it.
    badge_qr: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    # Set by staff to override the role the badge would get from the ticket type or the program.
    badge_role: Mapped[BadgeRole | None] = mapped_column(enum_type(BadgeRole, "registration_badge_role"))

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    convening: Mapped[Convening] = relationship()
    ticket_type: Mapped[TicketType] = relationship()

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.family_name}".strip()

    @property
    def is_active(self) -> bool:
        return self.status != RegistrationStatus.CANCELLED

    def __repr__(self) -> str:
        return f"<Registration {self.id} {self.status.value}>"


class StaffNote(db.Model):
    """A note staff leave on a registration ("called about wheelchair seating"); added, never edited."""

    __tablename__ = "staff_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    author_label: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ImportStatus(enum.StrEnum):
    CHECKED = "checked"  # read and checked, nothing saved yet
    IMPORTED = "imported"
    DISCARDED = "discarded"


class RegistrationImport(db.Model):
    """A spreadsheet of registrations: checked row by row first, then saved all at once or not at all."""

    __tablename__ = "registration_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    convening_id: Mapped[int] = mapped_column(ForeignKey("convenings.id", ondelete="CASCADE"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    filename: Mapped[str] = mapped_column(String(255))
    # The file as decoded text, so the rows that were checked are exactly the rows that get saved.
    content: Mapped[str] = mapped_column(Text)
    status: Mapped[ImportStatus] = mapped_column(
        enum_type(ImportStatus, "import_status"), default=ImportStatus.CHECKED
    )
    rows_total: Mapped[int] = mapped_column(Integer, default=0)
    rows_ready: Mapped[int] = mapped_column(Integer, default=0)
    rows_with_errors: Mapped[int] = mapped_column(Integer, default=0)
    rows_duplicate: Mapped[int] = mapped_column(Integer, default=0)
    # {"rows": [{"row": n, "name", "email", "errors": [...], "duplicate": bool}], "problems": [...]}
    report: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    imported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    imported_count: Mapped[int] = mapped_column(Integer, default=0)
