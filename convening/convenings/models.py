"""A Convening: one meeting of the network, with its dates, venue, time zone and overall capacity."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import CheckConstraint, Date, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from convening.extensions import db
from convening.sqltypes import UTCDateTime, utcnow

if TYPE_CHECKING:
    from convening.registration.models import TicketType


class Convening(db.Model):
    __tablename__ = "convenings"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="dates_in_order"),
        CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_not_negative"),
        CheckConstraint(
            "seats_taken >= 0 AND (capacity IS NULL OR seats_taken <= capacity)", name="seats_within_capacity"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    tagline: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    timezone: Mapped[str] = mapped_column(String(64))
    venue_name: Mapped[str] = mapped_column(String(200), default="")
    venue_address: Mapped[str] = mapped_column(String(300), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    state: Mapped[str] = mapped_column(String(100), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    # Printed on the back of every badge.
    wifi_network: Mapped[str] = mapped_column(String(100), default="", server_default="")
    wifi_password: Mapped[str] = mapped_column(String(100), default="", server_default="")
    emergency_contact: Mapped[str] = mapped_column(String(200), default="", server_default="")
    registration_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    registration_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # None means no overall limit; ticket types may still have their own.
    capacity: Mapped[int | None] = mapped_column(Integer)
    # Seats held by confirmed and pending-payment registrations, kept by registration.services only.
    seats_taken: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    ticket_types: Mapped[list[TicketType]] = relationship(
        back_populates="convening", order_by="TicketType.position", cascade="all, delete-orphan"
    )

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def local(self, moment: datetime) -> datetime:
        """A stored UTC time as the convening's attendees read it."""
        return moment.astimezone(self.zone)

    @property
    def seats_left(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.seats_taken, 0)

    def __repr__(self) -> str:
        return f"<Convening {self.slug}>"
