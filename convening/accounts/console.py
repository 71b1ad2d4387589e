"""Admins manage staff accounts: add someone, change a role, turn an account off, set a new password."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from convening.accounts import services
from convening.accounts.access import current_actor, role_required
from convening.accounts.forms import NewStaffUserForm, PasswordResetForm, StaffUserForm
from convening.accounts.models import StaffRole, StaffUser
from convening.audit.services import history
from convening.extensions import db

bp = Blueprint("staff_users", __name__, url_prefix="/staff/users")


def _show_error(form: object, error: services.AccountError) -> None:
    field = form[error.field] if error.field else None  # type: ignore[index]
    if field is None:
        flash(str(error), "error")
    else:
        field.errors = [*field.errors, str(error)]


@bp.route("/", methods=["GET", "POST"])
@role_required(StaffRole.ADMIN)
def index() -> Response | tuple[str, int]:
    form = NewStaffUserForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = services.create_user(
                form.email.data,
                form.name.data,
                StaffRole(form.role.data),
                form.password.data,
                actor=current_actor(),
            )
        except services.AccountError as error:
            _show_error(form, error)
        else:
            flash(
                f"{user.name} can now sign in as {user.email}. Tell them their first password in person.",
                "success",
            )
            return redirect(url_for(".index"), 303)
    if request.method == "POST":
        status = 422
    return render_template("accounts/console/users.html", users=services.all_users(), form=form), status


@bp.route("/<int:user_id>", methods=["GET", "POST"])
@role_required(StaffRole.ADMIN)
def edit(user_id: int) -> Response | tuple[str, int]:
    user = db.session.get(StaffUser, user_id) or abort(404)
    form = StaffUserForm(obj=user if request.method == "GET" else None)
    if request.method == "GET":
        form.role.data = user.role.value
    reset_form = PasswordResetForm(prefix="reset")
    status = 200
    if request.method == "POST" and request.form.get("action") == "reset":
        if reset_form.validate():
            try:
                services.reset_password(user, reset_form.password.data, actor=current_actor())
            except services.AccountError as error:
                _show_error(reset_form, error)
            else:
                flash(f"New password set for {user.email}; they are signed out everywhere.", "success")
                return redirect(url_for(".edit", user_id=user.id), 303)
        status = 422
    elif form.validate_on_submit():
        try:
            services.update_account(
                user,
                name=form.name.data,
                role=StaffRole(form.role.data),
                active=form.active.data,
                actor=current_actor(),
            )
        except services.AccountError as error:
            _show_error(form, error)
            status = 422
        else:
            flash(f"Saved the account of {user.email}.", "success")
            return redirect(url_for(".index"), 303)
    elif request.method == "POST":
        status = 422
    return render_template(
        "accounts/console/user.html",
        user=user,
        form=form,
        reset_form=reset_form,
        history=history("staff_user", user.id),
    ), status
