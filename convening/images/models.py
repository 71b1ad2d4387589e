"""Speaker photos and sponsor logos, stored in the database so every web worker and every export has them."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from convening.extensions import db
from convening.sqltypes import UTCDateTime, enum_type, utcnow


class ImagePurpose(enum.StrEnum):
    SPEAKER_PHOTO = "speaker_photo"
    SPONSOR_LOGO = "sponsor_logo"


class StoredImage(db.Model):
    """An image as we re-encoded it: resized, without metadata, in PNG or JPEG."""

    __tablename__ = "stored_images"
    __table_args__ = (
        CheckConstraint("content_type IN ('image/png', 'image/jpeg')", name="known_content_type"),
        CheckConstraint("width > 0 AND height > 0", name="has_size"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    convening_id: Mapped[int] = mapped_column(ForeignKey("convenings.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[ImagePurpose] = mapped_column(enum_type(ImagePurpose, "image_purpose"))
    content_type: Mapped[str] = mapped_column(String(20))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    # SHA-256 of `data`, hex: part of the image's address, so browsers may cache it for good.
    digest: Mapped[str] = mapped_column(String(64))
    # Deferred: pages that only link to the image (agenda, roster, footer) never load its bytes.
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def extension(self) -> str:
        return "png" if self.content_type == "image/png" else "jpg"
