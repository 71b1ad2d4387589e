"""Staff accounts and their roles."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from convening.extensions import db
from convening.sqltypes import UTCDateTime, enum_type, utcnow


class StaffRole(enum.StrEnum):
    """Each role can do what the ones below it can: admin > staff > volunteer."""

    ADMIN = "admin"
    STAFF = "staff"
    VOLUNTEER = "volunteer"

    @property
    def rank(self) -> int:
        return {"admin": 3, "staff": 2, "volunteer": 1}[self.value]

    @property
    def label(self) -> str:
        return {
            "admin": "Admin: everything, including staff accounts and settings",
            "staff": "Staff: registrations, program and badges",
            "volunteer": "Volunteer: check-in only",
        }[self.value]

    def allows(self, needed: StaffRole) -> bool:
        return self.rank >= needed.rank


def new_session_key() -> str:
    return secrets.token_urlsafe(24)


class StaffUser(UserMixin, db.Model):
    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(150))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[StaffRole] = mapped_column(enum_type(StaffRole, "staff_role"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Part of the id in the session cookie: changing it (new password, deactivation) signs out everywhere.
    session_key: Mapped[str] = mapped_column(String(40), default=new_session_key)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_key}"

    def __repr__(self) -> str:
        return f"<StaffUser {self.email} {self.role.value}>"
