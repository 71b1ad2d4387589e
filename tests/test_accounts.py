"""Staff accounts: signing in and out, roles, passwords, and the plain answers to wrong ones."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update
from sqlalchemy.exc import DBAPIError

from conftest import (
    STAFF_PASSWORD,
    assert_role_access,
    csrf_token,
    field_errors,
    make_staff,
    seed_convening,
    sign_in,
    submit,
)
from convening.accounts.models import StaffRole, StaffUser
from convening.accounts.services import ensure_demo_admin
from convening.audit.models import AuditEntry
from convening.audit.services import COMMAND_LINE
from convening.extensions import db


def test_signing_in_renews_the_session_and_lands_on_the_console(app: Flask, client: FlaskClient) -> None:
    seed_convening(app)
    email = make_staff(app, "staff", name="Ana Ruiz")
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    response = sign_in(client, "  STAFF@convening.test ")
    assert response.status_code == 303
    assert response.location == "/staff/"
    with client.session_transaction() as session:
        assert "planted" not in session  # nothing from before sign-in survives
    home = client.get("/staff/").get_data(as_text=True)
    assert "Ana Ruiz" in home
    assert "National Convening of Local Leaders" in home
    with app.app_context():
        assert db.session.scalar(select(StaffUser).where(StaffUser.email == email)).last_login_at is not None


def test_sign_in_returns_to_the_page_asked_for_but_never_elsewhere(app: Flask, client: FlaskClient) -> None:
    seed_convening(app)
    make_staff(app, "staff")
    asked = client.get("/staff/c/summit/")
    assert asked.location == "/staff/login?next=%2Fstaff%2Fc%2Fsummit%2F"
    response = submit(
        client,
        "/staff/login?next=/staff/c/summit/",
        {"email": "staff@convening.test", "password": STAFF_PASSWORD},
    )
    assert response.location == "/staff/c/summit/"
    client.post("/staff/logout", data={"csrf_token": csrf_token(client, "/staff/password")})
    for target in ("https://evil.example/", "//evil.example/", "javascript:alert(1)"):
        response = submit(
            client,
            f"/staff/login?next={target}",
            {"email": "staff@convening.test", "password": STAFF_PASSWORD},
            form_url="/staff/login",
        )
        assert response.location == "/staff/", target
        client.post("/staff/logout", data={"csrf_token": csrf_token(client, "/staff/password")})


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("staff@convening.test", "wrong password!!"),
        ("nobody@convening.test", STAFF_PASSWORD),
        ("", ""),
        ("staff@convening.test", "x" * 10_000),
    ],
)
def test_wrong_sign_ins_get_one_plain_answer(
    app: Flask, client: FlaskClient, email: str, password: str
) -> None:
    make_staff(app, "staff")
    response = submit(client, "/staff/login", {"email": email, "password": password})
    assert response.status_code in (401, 422)
    page = response.get_data(as_text=True)
    if response.status_code == 401:
        assert "That email and password do not match an active staff account." in page
    assert "Traceback" not in page
    assert client.get("/staff/").status_code == 302


def test_a_turned_off_account_cannot_sign_in(app: Flask, client: FlaskClient) -> None:
    email = make_staff(app, "staff")
    with app.app_context():
        db.session.execute(update(StaffUser).values(active=False))
        db.session.commit()
    assert sign_in(client, email).status_code == 401


def test_repeated_sign_ins_are_rate_limited(app: Flask, client: FlaskClient) -> None:
    make_staff(app, "staff")
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    answers = [sign_in(client, "staff@convening.test", "wrong password!!").status_code for _ in range(4)]
    assert answers == [401, 401, 401, 429]
    assert sign_in(client, "staff@convening.test").status_code == 429  # even the right password waits


def test_a_forged_sign_in_post_is_refused_plainly(app: Flask, client: FlaskClient) -> None:
    make_staff(app, "staff")
    response = client.post("/staff/login", data={"email": "staff@convening.test", "password": STAFF_PASSWORD})
    assert response.status_code == 400
    assert "This page expired" in response.get_data(as_text=True)
    assert client.get("/staff/").status_code == 302


def test_signing_out_needs_a_post_and_ends_the_session(app: Flask, staff_client) -> None:
    client = staff_client("staff")
    assert client.get("/staff/logout").status_code == 405
    response = client.post("/staff/logout", data={"csrf_token": csrf_token(client, "/staff/password")})
    assert response.status_code == 303
    assert client.get("/staff/").status_code == 302


def test_changing_the_password_signs_out_other_devices(app: Flask) -> None:
    email = make_staff(app, "staff")
    laptop, phone = app.test_client(), app.test_client()
    sign_in(laptop, email)
    sign_in(phone, email)
    weak = submit(laptop, "/staff/password", {"current": STAFF_PASSWORD, "new": "short"})
    assert weak.status_code == 422
    assert "Use at least 12 characters" in weak.get_data(as_text=True)
    wrong = submit(laptop, "/staff/password", {"current": "not it at all", "new": "a brand new passphrase"})
    assert "Your current password is not right." in wrong.get_data(as_text=True)

    done = submit(laptop, "/staff/password", {"current": STAFF_PASSWORD, "new": "a brand new passphrase"})
    assert done.status_code == 303
    assert laptop.get("/staff/").status_code == 200  # this device stays signed in
    assert phone.get("/staff/").status_code == 302  # the other one is signed out
    assert sign_in(app.test_client(), email, "a brand new passphrase").status_code == 303
    assert sign_in(app.test_client(), email).status_code == 401


def test_admins_add_and_change_accounts(app: Flask, staff_client) -> None:
    admin = staff_client("admin")
    response = submit(
        admin,
        "/staff/users/",
        {
            "name": "Nguyễn Thị Minh Khai",
            "email": "Khai@Example.org",
            "role": "volunteer",
            "password": "door duty all morning",
        },
    )
    assert response.status_code == 303
    page = admin.get("/staff/users/").get_data(as_text=True)
    assert "Nguyễn Thị Minh Khai" in page
    with app.app_context():
        khai = db.session.scalar(select(StaffUser).where(StaffUser.email == "khai@example.org"))
        assert khai.role == StaffRole.VOLUNTEER
    volunteer = app.test_client()
    assert sign_in(volunteer, "khai@example.org", "door duty all morning").status_code == 303

    again = submit(
        admin,
        "/staff/users/",
        {"name": "X", "email": "khai@example.org", "role": "staff", "password": "another long password"},
    )
    assert again.status_code == 422
    assert "There is already a staff account for khai@example.org." in again.get_data(as_text=True)

    promoted = submit(admin, f"/staff/users/{khai.id}", {"name": "Minh Khai", "role": "staff", "active": "y"})
    assert promoted.status_code == 303, field_errors(promoted.get_data(as_text=True))
    assert volunteer.get("/staff/").status_code == 302  # a role change signs them out
    with app.app_context():
        entries = db.session.scalars(
            select(AuditEntry).where(
                AuditEntry.subject_type == "staff_user", AuditEntry.subject_id == khai.id
            )
        ).all()
        assert [entry.action for entry in entries] == ["staff_user.create", "staff_user.update"]
        assert entries[1].changes == {
            "name": ["Nguyễn Thị Minh Khai", "Minh Khai"],
            "role": ["volunteer", "staff"],
        }
    assert "Minh Khai" in admin.get(f"/staff/users/{khai.id}").get_data(as_text=True)


def test_admins_cannot_lock_themselves_or_everyone_out(app: Flask, staff_client) -> None:
    admin = staff_client("admin")
    with app.app_context():
        me = db.session.scalar(select(StaffUser).where(StaffUser.email == "admin@convening.test"))
    response = submit(admin, f"/staff/users/{me.id}", {"name": me.name, "role": "staff", "active": "y"})
    assert response.status_code == 422
    assert "You cannot change your own role" in response.get_data(as_text=True)


def test_an_admin_sets_a_new_password_for_someone(app: Flask, staff_client) -> None:
    admin = staff_client("admin")
    email = make_staff(app, "volunteer")
    with app.app_context():
        volunteer = db.session.scalar(select(StaffUser).where(StaffUser.email == email))
    response = submit(
        admin, f"/staff/users/{volunteer.id}", {"action": "reset", "reset-password": "fresh start please"}
    )
    assert response.status_code == 303
    assert sign_in(app.test_client(), email, "fresh start please").status_code == 303


def test_users_command_creates_accounts_and_refuses_bad_ones(app: Flask) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["users", "create", "Chair@Example.org", "--role", "admin", "--password", "chair of the board"]
    )
    assert result.exit_code == 0, result.output
    assert "Created admin account chair@example.org." in result.output
    result = runner.invoke(
        args=["users", "create", "v@example.org", "--role", "volunteer"],
        input="scan all the badges\nscan all the badges\n",
    )
    assert result.exit_code == 0, result.output
    short = runner.invoke(args=["users", "create", "x@example.org", "--role", "staff", "--password", "short"])
    assert short.exit_code == 2
    assert "Use at least 12 characters" in short.output
    listed = runner.invoke(args=["users", "list"]).output
    assert "chair@example.org" in listed
    assert "v@example.org" in listed


def test_make_run_gets_a_demo_admin_only_on_an_empty_install(app: Flask, tmp_path: Path) -> None:
    with app.app_context():
        login = ensure_demo_admin(tmp_path, COMMAND_LINE)
        assert login.password
        assert ensure_demo_admin(tmp_path, COMMAND_LINE).password == login.password  # shown again
    assert sign_in(app.test_client(), login.email, login.password).status_code == 303
    output = app.test_cli_runner().invoke(args=["users", "demo-admin"]).output
    assert output.startswith("Staff login: admin@example.org")


def test_no_demo_admin_where_staff_accounts_exist(app: Flask, tmp_path: Path) -> None:
    make_staff(app, "admin")
    with app.app_context():
        assert ensure_demo_admin(tmp_path, COMMAND_LINE) is None


def test_audit_entries_cannot_be_edited_even_with_sql(app: Flask) -> None:
    make_staff(app, "admin")
    with app.app_context():
        with pytest.raises(DBAPIError, match="never changed"):
            db.session.execute(update(AuditEntry).values(summary="nothing happened"))
        db.session.rollback()
        assert db.session.scalars(select(AuditEntry.summary)).all() == [
            "Created admin account admin@convening.test"
        ]


@pytest.mark.parametrize(
    ("method", "url", "role"),
    [
        ("GET", "/staff/", "volunteer"),
        ("GET", "/staff/password", "volunteer"),
        ("GET", "/staff/c/summit/", "staff"),
        ("GET", "/staff/users/", "admin"),
        ("POST", "/staff/users/", "admin"),
        ("GET", "/staff/users/1", "admin"),
    ],
)
def test_each_console_route_admits_its_roles(app: Flask, method: str, url: str, role: str) -> None:
    seed_convening(app)
    make_staff(app, "admin", email="first@convening.test")  # user 1 exists for /staff/users/1
    assert_role_access(app, method, url, role, data={"name": "x"})
