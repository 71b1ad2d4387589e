"""Staff accounts: creating them, signing in, passwords and roles."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from convening.accounts.models import StaffRole, StaffUser, new_session_key
from convening.audit.services import Actor, record, staff_actor
from convening.extensions import db
from convening.sqltypes import utcnow

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256
# Checked when the email is unknown, so a wrong email takes as long as a wrong password.
_DUMMY_HASH = generate_password_hash(secrets.token_urlsafe(16))


class AccountError(ValueError):
    """A request about an account that cannot be done as asked; the message says why, `field` where."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def password_problem(password: str, email: str = "") -> str | None:
    """Why a new password is refused, or None. Length is what makes a password strong."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Use at least {MIN_PASSWORD_LENGTH} characters; a few words in a row are easy to remember."
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Use at most {MAX_PASSWORD_LENGTH} characters."
    if email and password.casefold() == email.casefold():
        return "Choose a password that is not your email address."
    if len(set(password)) < 5:
        return "Choose a password with more different characters."
    return None


def by_email(email: str) -> StaffUser | None:
    return db.session.scalar(select(StaffUser).where(StaffUser.email == email.strip().lower()))


def by_session_id(user_id: str) -> StaffUser | None:
    """The user for the id in a session cookie, if that session is still valid."""
    number, _, key = user_id.partition(":")
    if not number.isdigit() or not key:
        return None
    user = db.session.get(StaffUser, int(number))
    if user is None or not user.active or not hmac.compare_digest(user.session_key, key):
        return None
    return user


def authenticate(email: str, password: str) -> StaffUser | None:
    """The active account with this email and password, or None, without telling which part was wrong."""
    user = by_email(email)
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    user.last_login_at = utcnow()
    db.session.commit()
    return user


def create_user(email: str, name: str, role: StaffRole, password: str, *, actor: Actor) -> StaffUser:
    """A new staff account; commits."""
    email = email.strip().lower()
    problem = password_problem(password, email)
    if problem:
        raise AccountError(problem, field="password")
    if by_email(email):
        raise AccountError(f"There is already a staff account for {email}.", field="email")
    user = StaffUser(
        email=email, name=name.strip(), role=role, password_hash=generate_password_hash(password)
    )
    db.session.add(user)
    db.session.flush()
    record(actor, "staff_user.create", "staff_user", user.id, f"Created {role.value} account {email}")
    db.session.commit()
    return user


def change_password(user: StaffUser, current: str, new: str) -> None:
    """Set a new password after checking the current one; other sessions of this account end. Commits."""
    if not check_password_hash(user.password_hash, current):
        raise AccountError("Your current password is not right.", field="current")
    problem = password_problem(new, user.email)
    if problem:
        raise AccountError(problem, field="new")
    user.password_hash = generate_password_hash(new)
    user.session_key = new_session_key()
    record(staff_actor(user), "staff_user.password", "staff_user", user.id, "Changed their password")
    db.session.commit()


def update_account(user: StaffUser, *, name: str, role: StaffRole, active: bool, actor: Actor) -> None:
    """An admin's change to someone's name, role or access; a role change or deactivation signs them out."""
    if actor.staff_id == user.id and (role != user.role or not active):
        raise AccountError("You cannot change your own role or turn off your own account; ask another admin.")
    if user.role == StaffRole.ADMIN and (role != StaffRole.ADMIN or not active) and _active_admins() == 1:
        raise AccountError("This is the last active admin; make someone else admin first.")
    before = {"name": user.name, "role": user.role.value, "active": user.active}
    after = {"name": name.strip(), "role": role.value, "active": active}
    changes = {key: [before[key], value] for key, value in after.items() if before[key] != value}
    if not changes:
        return
    if "role" in changes or "active" in changes:
        user.session_key = new_session_key()
    user.name, user.role, user.active = name.strip(), role, active
    record(
        actor, "staff_user.update", "staff_user", user.id, f"Changed account {user.email}", changes=changes
    )
    db.session.commit()


def reset_password(user: StaffUser, password: str, *, actor: Actor) -> None:
    """An admin sets a new password for someone who lost theirs; their sessions end. Commits."""
    problem = password_problem(password, user.email)
    if problem:
        raise AccountError(problem, field="password")
    user.password_hash = generate_password_hash(password)
    user.session_key = new_session_key()
    record(actor, "staff_user.password_reset", "staff_user", user.id, f"Set a new password for {user.email}")
    db.session.commit()


def _active_admins() -> int:
    return (
        db.session.scalar(
            select(func.count()).where(StaffUser.role == StaffRole.ADMIN, StaffUser.active.is_(True))
        )
        or 0
    )


def all_users() -> list[StaffUser]:
    return list(db.session.scalars(select(StaffUser).order_by(StaffUser.active.desc(), StaffUser.name)))


@dataclass
class DemoLogin:
    email: str
    password: str | None  # None when it was changed since, so it cannot be shown


DEMO_ADMIN_EMAIL = "admin@example.org"


def ensure_demo_admin(instance_path: Path, actor: Actor) -> DemoLogin | None:
    """For `make run`: an admin to sign in with when there is no staff account at all.

    Its password is random, kept in instance/ (git-ignored, owner-only) so it can be shown again.
    Returns None when other staff accounts exist and no demo admin was made.
    """
    password_file = instance_path / "demo-admin-password"
    existing = by_email(DEMO_ADMIN_EMAIL)
    if existing is None:
        if db.session.scalar(select(func.count()).select_from(StaffUser)):
            return None
        password = "-".join(secrets.token_urlsafe(6) for _ in range(3))
        password_file.write_text(password)
        password_file.chmod(0o600)
        create_user(DEMO_ADMIN_EMAIL, "Demo Admin", StaffRole.ADMIN, password, actor=actor)
        return DemoLogin(DEMO_ADMIN_EMAIL, password)
    saved = password_file.read_text().strip() if password_file.exists() else ""
    still_valid = bool(saved) and check_password_hash(existing.password_hash, saved)
    return DemoLogin(DEMO_ADMIN_EMAIL, saved if still_valid else None)
