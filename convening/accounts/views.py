"""Signing in and out, and changing one's own password."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from convening.accounts import services
from convening.accounts.access import current_staff
from convening.accounts.forms import LoginForm, PasswordChangeForm
from convening.extensions import limiter

bp = Blueprint("accounts", __name__, url_prefix="/staff")


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _safe_next(target: str | None) -> str:
    """Only a path on this site, so the sign-in page cannot send anyone elsewhere."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("staff.home")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login() -> Response | tuple[str, int]:
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            next_page = _safe_next(request.args.get("next"))
            session.clear()  # a fresh session, so nothing from before sign-in carries over
            login_user(user)
            return redirect(next_page, 303)
        flash("That email and password do not match an active staff account.", "error")
        status = 401
    elif request.method == "POST":
        status = 422
    return render_template("accounts/login.html", form=form), status


@bp.post("/logout")
def logout() -> Response:
    logout_user()
    session.clear()
    flash("You are signed out.", "success")
    return redirect(url_for(".login"), 303)


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password() -> Response | tuple[str, int]:
    form = PasswordChangeForm()
    status = 200
    if form.validate_on_submit():
        try:
            services.change_password(current_staff(), form.current.data, form.new.data)
        except services.AccountError as error:
            target = form[error.field or "new"]
            target.errors = [*target.errors, str(error)]
        else:
            login_user(current_staff())  # the session id changed with the password: stay signed in here
            flash("Your password is changed. Other devices signed in as you are signed out.", "success")
            return redirect(url_for("staff.home"), 303)
    if request.method == "POST":
        status = 422
    return render_template("accounts/password.html", form=form), status
