"""Time the staff list of registrations with thousands stored, on SQLite and PostgreSQL.

Usage: .venv/bin/python bench/console.py [--engines sqlite,postgresql] [--existing 5000] [--requests 50]

Each engine gets a fresh database built by the migrations, a convening with three ticket types (one of them
full, so some people wait) and --existing registrations stored through registration.services in one
transaction, so seat counters, search keys and audit entries are as the app writes them. A staff member signs
in through the real form; then each view of the list is fetched --requests times through the Flask test client
(sign-in, role check, query, template and all). Prints the median and p95 of each view and exits 1 when a
median misses the target.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import statistics
import sys
import time
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient

import benchkit  # first: it selects the testing configuration before convening is imported
from convening.accounts.models import StaffRole
from convening.accounts.services import create_user
from convening.audit.services import COMMAND_LINE
from convening.extensions import db
from convening.models import Convening, TicketType
from convening.registration.services import AttendeeDetails, add_registration, lock_convening

TARGET_MEDIAN_MS = 50.0
WARMUP_REQUESTS = 5
LIST = f"/staff/c/{benchkit.SLUG}/registrations/"
STAFF_EMAIL = "bench@example.org"
STAFF_PASSWORD = secrets.token_urlsafe(16)  # this run only; the database is dropped after
APP_CONFIG = {"WTF_CSRF_ENABLED": True}  # as production runs it: the sign-in form checks its token
CSRF_INPUT = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
ROW = re.compile(r'<th scope="row">')
PEOPLE = [
    ("Héctor", "Ramírez", "City Council Member, District 3", "City of Tucson", "Tucson", "AZ"),
    ("Nguyễn", "Thị Lan", "Mayor", "City of Garden Grove", "Garden Grove", "CA"),
    ("Siobhán", "O'Connor", "County Commissioner", "Hennepin County", "Minneapolis", "MN"),
    ("Kwame", "Mensah-Boateng", "Chief of Staff", "Office of the Mayor", "Columbus", "OH"),
    ("Zoë", "Åberg", "Policy Director", "National League of Towns", "Washington", "DC"),
    ("سارة", "الفاسي", "City Council Member", "City of Dearborn", "Dearborn", "MI"),
    ("Mei", "Chen", "Town Manager", "Town of Brookline", "Brookline", "MA"),
]
# What staff look at most: the first page, a name search, the waiting list, and deep in a long list,
# also sorted by name (no index serves that order: every row is sorted).
VIEWS = {
    "default": LIST,
    "search": f"{LIST}?q=nguyen",
    "filter": f"{LIST}?status=waitlisted",
    "page 50": f"{LIST}?page=50",
    "by name, page 50": f"{LIST}?sort=name&page=50",
}


@dataclass
class Target:
    """One engine to measure: its app on a fresh, migrated and seeded database, and a signed-in client."""

    engine: str
    app: Flask
    client: FlaskClient


def parse_args() -> argparse.Namespace:
    parser = benchkit.argument_parser(__doc__)
    parser.add_argument("--existing", type=int, default=5000, help="registrations stored before timing")
    parser.add_argument("--requests", type=int, default=50, help="timed requests per view and engine")
    args = benchkit.parse_engines(parser)
    if args.existing < 2500 or args.requests < 2:
        parser.error("--existing must be at least 2500 (for a page 50) and --requests at least 2 (for a p95)")
    return args


def seed(app: Flask, existing: int) -> None:
    """A convening, its ticket types and `existing` registrations a minute apart, in one transaction.

    The paid ticket is capped at 10% of them, so the rest of its people are on the waiting list.
    """
    started = datetime(2027, 1, 4, 15, 0, tzinfo=UTC)
    with app.app_context():
        convening = Convening(
            slug=benchkit.SLUG,
            name="National Convening of Local Leaders",
            starts_on=date(2027, 6, 15),
            ends_on=date(2027, 6, 17),
            timezone="America/Chicago",
            registration_opens_at=started - timedelta(days=30),
            registration_closes_at=started + timedelta(days=180),
        )
        tickets = [
            TicketType(name="Elected official", position=0),
            TicketType(name="Staff and partners", price_cents=35_000, capacity=existing // 10, position=1),
            TicketType(name="Speaker", position=2),
        ]
        convening.ticket_types.extend(tickets)
        db.session.add(convening)
        db.session.commit()
        lock_convening(convening.id)
        for number in range(existing):
            ticket_type = tickets[0] if number % 3 == 0 else tickets[1] if number % 3 == 1 else tickets[2]
            add_registration(
                convening,
                ticket_type,
                details(number),
                now=started + timedelta(minutes=number),
                notify=False,
                actor=COMMAND_LINE,
            )
        db.session.commit()
        create_user(STAFF_EMAIL, "Bench Staff", StaffRole.STAFF, STAFF_PASSWORD, actor=COMMAND_LINE)


def details(number: int) -> AttendeeDetails:
    """Varied attendees with names in several scripts, as the form would store them."""
    first_name, family_name, title, organization, city, state = PEOPLE[number % len(PEOPLE)]
    return AttendeeDetails(
        first_name=first_name,
        family_name=f"{family_name} {number}",
        title=title,
        organization=organization,
        city=city,
        state=state,
        email=f"attendee-{number}@example.org",
    )


def signed_in(app: Flask) -> FlaskClient:
    """A test client signed in as staff through the real sign-in form."""
    client = app.test_client()
    page = client.get("/staff/login")
    match = CSRF_INPUT.search(page.get_data(as_text=True))
    if match is None:
        raise RuntimeError("no CSRF token on /staff/login")
    response = client.post(
        "/staff/login", data={"email": STAFF_EMAIL, "password": STAFF_PASSWORD, "csrf_token": match.group(1)}
    )
    if response.status_code != 303:
        raise RuntimeError(f"sign-in answered {response.status_code}, not 303")
    return client


def fetch(client: FlaskClient, url: str) -> float:
    """GET the page and return its seconds; a page that is not a full list of 50 is an error."""
    started = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - started
    rows = len(ROW.findall(response.get_data(as_text=True)))
    if response.status_code != 200 or rows != 50:
        raise RuntimeError(f"GET {url} answered {response.status_code} with {rows} rows, not 200 with 50")
    return elapsed


def time_view(target: Target, url: str, requests: int) -> list[float]:
    """Milliseconds of each timed request, after a few untimed ones warm caches and pools."""
    timings = [fetch(target.client, url) * 1000 for _ in range(WARMUP_REQUESTS + requests)]
    return timings[WARMUP_REQUESTS:]


def report(engine: str, view: str, existing: int, timings: list[float]) -> bool:
    """Print one line for the engine and view; True when its median meets the target."""
    median = statistics.median(timings)
    p95 = statistics.quantiles(timings, n=20, method="inclusive")[-1]
    ok = median < TARGET_MEDIAN_MS
    print(
        f"{engine:<11} {view:<16} existing={existing}  requests={len(timings)}  median={median:.1f} ms  "
        f"p95={p95:.1f} ms  max={max(timings):.1f} ms  target median<{TARGET_MEDIAN_MS:.0f}ms: "
        f"{'OK' if ok else 'MISS'}",
        flush=True,
    )
    return ok


def main() -> int:
    args = parse_args()
    load_before = os.getloadavg()[0]  # before our own work: shows what else competes for the CPUs
    with ExitStack() as stack:
        workdir = stack.enter_context(benchkit.temporary_workdir())
        targets = []
        for engine in args.engines:
            database_url = stack.enter_context(benchkit.fresh_database(engine, workdir))
            app = stack.enter_context(
                benchkit.bench_app(database_url, quiet_logger="convening", **APP_CONFIG)
            )
            seed(app, args.existing)
            targets.append(Target(engine, app, signed_in(app)))
        print(benchkit.machine(load_before))
        for target in targets:
            print(benchkit.describe(target.engine, target.app))
        results = [
            report(target.engine, view, args.existing, time_view(target, url, args.requests))
            for target in targets
            for view, url in VIEWS.items()
        ]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
