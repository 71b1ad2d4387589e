"""What the benchmarks in bench/ share: an empty database per engine, the app migrated onto it, the
--engines option, and the lines that say which machine, driver and server the figures are for.

Import it before anything from convening: it selects the testing configuration, which create_app reads
from the environment.
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import secrets
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

os.environ["CONVENING_ENV"] = "testing"

import psycopg
import sqlalchemy
from flask import Flask
from flask_migrate import upgrade
from psycopg import sql
from sqlalchemy.engine import make_url

from convening import create_app
from convening.extensions import db
from convening.models import Convening, TicketType

ENGINES = ("sqlite", "postgresql")
PG_ADMIN_URL = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")


def argument_parser(doc: str | None) -> argparse.ArgumentParser:
    """A parser described by the script's docstring, with --engines first, as every benchmark takes it."""
    parser = argparse.ArgumentParser(description=(doc or "").splitlines()[0])
    parser.add_argument("--engines", default=",".join(ENGINES), help="comma-separated: sqlite,postgresql")
    return parser


def parse_engines(parser: argparse.ArgumentParser) -> argparse.Namespace:
    """Parse the command line, turning --engines into a list of known engine names, at least one."""
    args = parser.parse_args()
    args.engines = [name.strip() for name in args.engines.split(",") if name.strip()]
    unknown = set(args.engines) - set(ENGINES)
    if unknown or not args.engines:
        parser.error(f"--engines takes sqlite and/or postgresql, not {args.engines!r}")
    return args


@contextmanager
def temporary_workdir() -> Iterator[Path]:
    """A folder for the SQLite file and the app's instance folder, removed afterwards: runs leave nothing."""
    with tempfile.TemporaryDirectory(prefix="convening-bench-") as path:
        os.environ["CONVENING_INSTANCE_PATH"] = str(Path(path) / "instance")
        yield Path(path)


@contextmanager
def fresh_database(engine: str, workdir: Path) -> Iterator[str]:
    """Yield the URL of an empty database; a PostgreSQL one is dropped afterwards, even on error."""
    if engine == "sqlite":
        yield f"sqlite:///{workdir / 'bench.sqlite3'}"
        return
    name = f"convening_bench_{secrets.token_hex(4)}"
    admin_url = make_url(PG_ADMIN_URL).set(drivername="postgresql")
    with psycopg.connect(
        admin_url.render_as_string(hide_password=False), autocommit=True, connect_timeout=5
    ) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            yield admin_url.set(drivername="postgresql+psycopg", database=name).render_as_string(
                hide_password=False
            )
        finally:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@contextmanager
def bench_app(database_url: str, *, quiet_logger: str, **config_overrides: object) -> Iterator[Flask]:
    """The app as production runs it on a database the migrations build, with the benchmark's overrides.

    Without SMTP_HOST queued email stays in the outbox. `quiet_logger` is set to WARNING so its INFO lines
    do not mix with the figures; only after upgrade(), as Alembic's logging config would undo it.
    """
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "PUBLIC_URL": "https://convening.example.org",
            "SMTP_HOST": None,
            **config_overrides,
        }
    )
    with app.app_context():
        upgrade()
    logging.getLogger(quiet_logger).setLevel(logging.WARNING)
    try:
        yield app
    finally:
        with app.app_context():
            db.engine.dispose()


def machine(load_at_start: float) -> str:
    """The line that says what the figures were measured on, and what else was competing for the CPUs."""
    return (
        f"machine: {os.cpu_count()} CPUs, {platform.platform()}, Python {platform.python_version()}, "
        f"SQLAlchemy {sqlalchemy.__version__}, psycopg {psycopg.__version__}, "
        f"sqlite3 library {sqlite3.sqlite_version}, load average at start {load_at_start:.2f}"
    )


def describe(engine: str, app: Flask) -> str:
    """The driver and server version the figures are for."""
    with app.app_context(), db.engine.connect() as connection:
        dialect = connection.dialect
        version = ".".join(str(part) for part in dialect.server_version_info or ())
    return f"{engine}: {dialect.name}+{dialect.driver}, server {version}"


SLUG = "bench"


def open_convening(*, capacity: int | None = None) -> tuple[Convening, TicketType]:
    """The convening the registration and import benchmarks fill: open now, with a free ticket and a paid
    one of 100,000 seats each; committed. Returns it and its free ticket. Call inside an app context."""
    now = datetime.now(UTC)
    convening = Convening(
        slug=SLUG,
        name="National Convening of Local Leaders",
        starts_on=date(2027, 6, 15),
        ends_on=date(2027, 6, 17),
        timezone="America/Chicago",
        venue_name="Minneapolis Convention Center",
        city="Minneapolis",
        state="MN",
        contact_email="help@convening.example.org",
        registration_opens_at=now - timedelta(days=30),
        registration_closes_at=now + timedelta(days=60),
        capacity=capacity,
    )
    free = TicketType(name="Elected official", capacity=100_000, position=0)
    paid = TicketType(name="Staff and partners", price_cents=35_000, capacity=100_000, position=1)
    convening.ticket_types.extend([free, paid])
    db.session.add(convening)
    db.session.commit()
    return convening, free


def demo_without_limits() -> Convening:
    """The demo convening (program, speakers, sponsors, no registrations) with its seat caps lifted, so a
    benchmark can seat thousands; committed. Call inside an app context."""
    from convening.convenings.services import by_slug
    from convening.demo.services import load_demo

    convening = by_slug(load_demo(registrations=0).slug)
    assert convening is not None
    convening.capacity = None
    for ticket_type in convening.ticket_types:
        ticket_type.capacity = None
    db.session.commit()
    return convening
