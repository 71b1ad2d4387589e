"""Sponsors in ordered tiers, so their support is acknowledged in the right order everywhere."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from convening.extensions import db

if TYPE_CHECKING:
    from convening.images.models import StoredImage


class SponsorTier(db.Model):
    __tablename__ = "sponsor_tiers"
    __table_args__ = (UniqueConstraint("convening_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    convening_id: Mapped[int] = mapped_column(ForeignKey("convenings.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    # 0 is the most prominent tier.
    rank: Mapped[int] = mapped_column(Integer, default=0)

    sponsors: Mapped[list[Sponsor]] = relationship(back_populates="tier", order_by="Sponsor.position")


class Sponsor(db.Model):
    __tablename__ = "sponsors"

    id: Mapped[int] = mapped_column(primary_key=True)
    convening_id: Mapped[int] = mapped_column(ForeignKey("convenings.id", ondelete="CASCADE"), index=True)
    tier_id: Mapped[int] = mapped_column(ForeignKey("sponsor_tiers.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(500), default="")
    acknowledgement: Mapped[str] = mapped_column(Text, default="")
    logo_id: Mapped[int | None] = mapped_column(ForeignKey("stored_images.id", ondelete="SET NULL"))
    position: Mapped[int] = mapped_column(Integer, default=0)

    tier: Mapped[SponsorTier] = relationship(back_populates="sponsors")
    logo: Mapped[StoredImage | None] = relationship()
