"""Who may open which staff page: sign-in through Flask-Login and a minimum role per route."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import abort
from flask_login import current_user

from convening.accounts import services
from convening.accounts.models import StaffRole, StaffUser
from convening.audit.services import Actor, staff_actor
from convening.extensions import db, login_manager

View = TypeVar("View", bound=Callable[..., Any])
Owned = TypeVar("Owned")

login_manager.login_view = "accounts.login"
login_manager.login_message = "Please sign in to see that page."
login_manager.login_message_category = "info"
# "basic", not "strong": a volunteer's phone moving between venue Wi-Fi and cellular must stay signed in.
login_manager.session_protection = "basic"


@login_manager.user_loader
def _load_user(user_id: str) -> StaffUser | None:
    return services.by_session_id(user_id)


def role_required(role: StaffRole) -> Callable[[View], View]:
    """Anonymous visitors go to the sign-in page; a signed-in account below `role` gets a 403."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.role.allows(role):
                abort(403)
            return view(*args, **kwargs)

        return cast(View, wrapped)

    return decorator


def current_staff() -> StaffUser:
    return cast(StaffUser, current_user._get_current_object())  # type: ignore[attr-defined]


def current_actor() -> Actor:
    return staff_actor(current_staff())


def owned_or_404(model: type[Owned], convening_id: int, row_id: int) -> Owned:
    """The row if it belongs to the convening whose console this is; a 404 otherwise.

    Another convening's id (a URL edited by hand) reads like an unknown one.
    """
    row = db.session.get(model, row_id)
    if row is None or row.convening_id != convening_id:  # type: ignore[attr-defined]
        abort(404)
    return row
