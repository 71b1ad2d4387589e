"""Shared fixtures: every database test runs once on SQLite and once on PostgreSQL.

TEST_ENGINES=sqlite (or postgresql) narrows a local run; with CI=true both engines are required and an
unreachable PostgreSQL fails the run. TEST_DATABASE_URL points at a PostgreSQL database this user may
create databases from (default: postgres@127.0.0.1:5432/test); each run works in a fresh database.
"""

from __future__ import annotations

import os
import re
import secrets
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

os.environ["CONVENING_ENV"] = "testing"

import psycopg
import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from werkzeug.serving import make_server

from convening import ROOT, create_app
from convening.extensions import db, limiter
from convening.models import Convening, TicketType

ENGINES = [
    name.strip() for name in os.environ.get("TEST_ENGINES", "sqlite,postgresql").split(",") if name.strip()
]
PG_ADMIN_URL = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() == "true"

if IN_CI and set(ENGINES) != {"sqlite", "postgresql"}:
    raise pytest.UsageError("With CI=true every database test runs on both SQLite and PostgreSQL.")


@pytest.fixture(scope="session", params=ENGINES)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'convening.sqlite3'}"
        return
    name = f"convening_test_{secrets.token_hex(4)}"
    admin_url = make_url(PG_ADMIN_URL).set(drivername="postgresql")
    try:
        admin = psycopg.connect(
            admin_url.render_as_string(hide_password=False), autocommit=True, connect_timeout=5
        )
    except psycopg.OperationalError as error:
        pytest.fail(
            f"PostgreSQL is not reachable at {PG_ADMIN_URL}: {error}\nStart it with "
            "'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start', or run only SQLite "
            "locally with TEST_ENGINES=sqlite.",
            pytrace=False,
        )
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        yield admin_url.set(drivername="postgresql+psycopg", database=name).render_as_string(
            hide_password=False
        )
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def engine_name(database_url: str) -> str:
    return "postgresql" if database_url.startswith("postgresql") else "sqlite"


@pytest.fixture(scope="session")
def _migrated_app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    os.environ["CONVENING_INSTANCE_PATH"] = str(tmp_path_factory.mktemp("instance"))
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "PUBLIC_URL": "http://convening.test",
            "REGISTRATION_RATE_LIMIT": "10000 per minute",
            "SMTP_HOST": None,
        }
    )
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def app(_migrated_app: Flask) -> Iterator[Flask]:
    """The app on a clean database; config changes made by a test are undone after it."""
    saved = dict(_migrated_app.config)
    yield _migrated_app
    _migrated_app.config.clear()
    _migrated_app.config.update(saved)
    limiter.reset()
    with _migrated_app.app_context():
        db.session.remove()
        tables = [table.name for table in db.metadata.sorted_tables]
        with db.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
            else:
                for table in reversed(tables):
                    connection.execute(text(f"DELETE FROM {table}"))  # noqa: S608 - names from our metadata


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


# --- building a convening -------------------------------------------------------------------------


@dataclass
class Seeded:
    slug: str
    convening_id: int
    tickets: dict[str, int]  # ticket type name -> id


def seed_convening(
    app: Flask,
    *,
    slug: str = "summit",
    capacity: int | None = None,
    tickets: list[dict[str, Any]] | None = None,
    **fields: Any,
) -> Seeded:
    """A convening open for registration, with the given ticket types (one free one by default)."""
    now = datetime.now(UTC)
    with app.app_context():
        convening = Convening(
            slug=slug,
            name=fields.pop("name", "National Convening of Local Leaders"),
            starts_on=fields.pop("starts_on", date(2027, 6, 15)),
            ends_on=fields.pop("ends_on", date(2027, 6, 17)),
            timezone=fields.pop("timezone", "America/Chicago"),
            venue_name=fields.pop("venue_name", "Minneapolis Convention Center"),
            city=fields.pop("city", "Minneapolis"),
            state=fields.pop("state", "MN"),
            contact_email=fields.pop("contact_email", "help@convening.test"),
            registration_opens_at=fields.pop("registration_opens_at", now - timedelta(days=30)),
            registration_closes_at=fields.pop("registration_closes_at", now + timedelta(days=60)),
            capacity=capacity,
            **fields,
        )
        db.session.add(convening)
        db.session.flush()
        for position, spec in enumerate(tickets or [{"name": "Elected official"}]):
            db.session.add(TicketType(convening_id=convening.id, position=position, **spec))
        db.session.commit()
        return Seeded(slug, convening.id, {t.name: t.id for t in convening.ticket_types})


# --- posting forms like a browser -----------------------------------------------------------------

CSRF_INPUT = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


@contextmanager
def counted_queries(app: Flask) -> Iterator[list[str]]:
    """The SQL statements run inside the block: a page must cost the same however large the data."""
    statements: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def csrf_token(client: FlaskClient, url: str) -> str:
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    match = CSRF_INPUT.search(page.get_data(as_text=True))
    assert match, "no CSRF token on the page"
    return match.group(1) or match.group(2)


def submit(client: FlaskClient, url: str, data: dict[str, Any], *, form_url: str | None = None) -> Any:
    """POST a form with the CSRF token of the page that shows it, as a browser does."""
    return client.post(url, data={**data, "csrf_token": csrf_token(client, form_url or url)})


def attendee(**overrides: Any) -> dict[str, Any]:
    data = {
        "first_name": "Héctor",
        "family_name": "Ramírez",
        "badge_name": "",
        "pronouns": "he/him",
        "title": "City Council Member, District 3",
        "organization": "City of Tucson",
        "city": "Tucson",
        "state": "AZ",
        "email": "hector.ramirez@example.org",
        "phone": "",
        "dietary": "none",
        "dietary_notes": "",
        "accessibility_needs": "",
    }
    data.update(overrides)
    return data


def field_errors(html: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", message).replace("Error:", "").strip()
        for message in re.findall(r'<p class="field-error"[^>]*>(.*?)</p>', html, re.S)
    ]


# --- staff --------------------------------------------------------------------------------------------

STAFF_PASSWORD = "correct horse battery staple"


def make_staff(app: Flask, role: str, email: str | None = None, name: str | None = None) -> str:
    """A staff account with STAFF_PASSWORD; returns its email."""
    from convening.accounts.models import StaffRole
    from convening.accounts.services import create_user
    from convening.audit.services import COMMAND_LINE

    email = email or f"{role}@convening.test"
    with app.app_context():
        create_user(
            email, name or f"{role.title()} Person", StaffRole(role), STAFF_PASSWORD, actor=COMMAND_LINE
        )
    return email


def sign_in(client: FlaskClient, email: str, password: str = STAFF_PASSWORD) -> Any:
    return submit(client, "/staff/login", {"email": email, "password": password})


@pytest.fixture
def staff_client(app: Flask) -> Any:
    """staff_client("admin") -> a test client signed in as a new account with that role."""

    def signed_in(role: str) -> FlaskClient:
        client = app.test_client()
        response = sign_in(client, make_staff(app, role))
        assert response.status_code == 303, response.get_data(as_text=True)
        return client

    return signed_in


ROLES = ("volunteer", "staff", "admin")


def assert_role_access(
    app: Flask, method: str, url: str, min_role: str, data: dict[str, Any] | None = None
) -> dict[str, int]:
    """Anonymous goes to sign-in, roles below min_role get 403, min_role and above are let in.

    Each role signs in on a fresh client; POSTs carry a valid CSRF token. Returns the status per role.
    """
    statuses: dict[str, int] = {}
    visitor = app.test_client()
    anonymous_data = (
        data if method == "GET" else {**(data or {}), "csrf_token": csrf_token(visitor, "/staff/login")}
    )
    anonymous = visitor.open(url, method=method, data=anonymous_data)
    assert anonymous.status_code == 302, (url, anonymous.status_code)
    assert anonymous.location.startswith("/staff/login"), anonymous.location
    for role in ROLES:
        email = f"access-{role}@convening.test"
        with app.app_context():
            from convening.accounts.services import by_email

            exists = by_email(email) is not None
        if not exists:
            make_staff(app, role, email=email)
        client = app.test_client()
        assert sign_in(client, email).status_code == 303
        payload = (
            None if method == "GET" else {**(data or {}), "csrf_token": csrf_token(client, "/staff/password")}
        )
        response = client.open(url, method=method, data=payload)
        statuses[role] = response.status_code
        allowed = ROLES.index(role) >= ROLES.index(min_role)
        if allowed:
            assert response.status_code not in (302, 401, 403), (url, role, response.status_code)
            if response.status_code == 302:
                assert not response.location.startswith("/staff/login")
        else:
            assert response.status_code == 403, (url, role, response.status_code)
            assert "Forbidden" in response.get_data(as_text=True) or "cannot open" in response.get_data(
                as_text=True
            )
    return statuses


# --- mail -----------------------------------------------------------------------------------------


def free_port() -> int:
    """A port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class SmtpSink:
    """A real SMTP server on localhost that keeps what it receives."""

    host: str
    port: int
    messages: list[EmailMessage] = field(default_factory=list)
    arrived: threading.Condition = field(default_factory=threading.Condition)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.arrived:
            self.messages.append(message)  # type: ignore[arg-type]
            self.arrived.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, count: int, timeout: float = 10) -> list[EmailMessage]:
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.messages) >= count, timeout)
        return list(self.messages)

    def to(self, address: str) -> list[EmailMessage]:
        return [message for message in self.messages if message["To"] == address]


@pytest.fixture
def smtp(app: Flask) -> Iterator[SmtpSink]:
    sink = SmtpSink("127.0.0.1", free_port())
    controller = Controller(sink, hostname=sink.host, port=sink.port)
    controller.start()
    app.config.update(
        SMTP_HOST=sink.host,
        SMTP_PORT=sink.port,
        SMTP_SECURITY="none",
        MAIL_FROM="Convening <hello@convening.test>",
    )
    yield sink
    controller.stop()


# --- a real server and a real browser -------------------------------------------------------------


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    base_url = f"http://127.0.0.1:{server.server_port}"
    app.config["PUBLIC_URL"] = base_url
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield base_url
    server.shutdown()
    thread.join(timeout=10)


CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium.", pytrace=False)
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def phone(browser: Any, live_server: str) -> Iterator[Any]:
    """A page the size of a small phone (360x740), at the live server."""
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        base_url=live_server,
        locale="en-US",
    )
    page = context.new_page()
    yield page
    context.close()


def assert_accessible(page: Any) -> None:
    """axe-core finds no violations on the page as it stands."""
    if not AXE_SCRIPT.exists():
        pytest.fail(f"{AXE_SCRIPT} is missing: `make test` installs it with npm ci.", pytrace=False)
    page.add_script_tag(path=str(AXE_SCRIPT))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    violations = [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + ", ".join(
            node["target"][0] if isinstance(node["target"][0], str) else str(node["target"])
            for node in violation["nodes"][:5]
        )
        for violation in result["violations"]
    ]
    assert not violations, f"axe-core violations on {page.url}:\n" + "\n".join(violations)


def assert_fits_width(page: Any) -> None:
    """Nothing forces sideways scrolling on a 360 px phone."""
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{page.url} is {overflow}px wider than the screen"
