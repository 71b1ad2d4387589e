"""Time checking and importing a CSV file of 5,000 registrations, on SQLite and PostgreSQL.

Usage: .venv/bin/python bench/import.py [--engines sqlite,postgresql] [--rows 5000] [--existing 500]
                                        [--capacity N] [--send-emails]

Each engine gets a fresh database built by the migrations, a convening with two ticket types and
--existing registrations already stored. The file has every column filled (phone, dietary needs, consents,
names in many scripts) so every validator and cleaner runs. Timed, as staff live them:
  check  the upload: decode, every row through the form's rules, tickets and duplicates, the check stored;
  import the tracked job as the console starts it (JOBS_EAGER runs it here): the file checked again, the
         convening locked, every row added through add_registration with its audit entry, one commit.
Prints the figures and OK or MISS against "check plus import under 10 s"; exits 1 on a miss.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import sys
import time
from contextlib import ExitStack

from flask import Flask
from sqlalchemy import func, select

import benchkit  # first: it selects the testing configuration before convening is imported
from convening import jobs
from convening.audit.models import AuditEntry
from convening.audit.services import COMMAND_LINE
from convening.extensions import db
from convening.jobs.models import Job, JobStatus
from convening.models import Convening, Registration
from convening.registration import imports
from convening.registration.models import ImportStatus, RegistrationImport
from convening.registration.services import AttendeeDetails, register

TARGET_SECONDS = 10.0
APP_CONFIG = {"JOBS_EAGER": True}  # jobs run where they start, so the import job is timed from here
PEOPLE = [
    ("Héctor", "Ramírez", "he/him", "City Council Member, District 3", "City of Tucson", "Tucson", "AZ"),
    ("Nguyễn", "Thị Lan", "she/her", "Mayor", "City of Garden Grove", "Garden Grove", "CA"),
    ("李", "小龍", "he/him", "Board Supervisor", "City and County of San Francisco", "San Francisco", "CA"),
    ("محمد", "الأمين", "he/him", "Trustee", "Village of Bridgeview", "Bridgeview", "IL"),
    ("Siobhán", "O'Connor", "she/they", "County Commissioner", "Hennepin County", "Minneapolis", "MN"),
    ("Zoë", "Åberg", "they/them", "Policy Director", "National League of Towns", "Washington", "DC"),
]
HEADER = [
    "First name",
    "Family name",
    "Badge name",
    "Pronouns",
    "Title",
    "Organization",
    "City",
    "State",
    "Email",
    "Phone",
    "Dietary needs",
    "Dietary notes",
    "Accessibility needs",
    "Listed in directory",
    "Photo consent",
    "Ticket",
]


def parse_args() -> argparse.Namespace:
    parser = benchkit.argument_parser(__doc__)
    parser.add_argument("--rows", type=int, default=5000, help="rows in the file")
    parser.add_argument("--existing", type=int, default=500, help="registrations stored before the import")
    parser.add_argument("--capacity", type=int, help="overall capacity: rows beyond it join the waiting list")
    parser.add_argument("--send-emails", action="store_true", help="queue a confirmation email per person")
    args = benchkit.parse_engines(parser)
    if args.rows < 1 or args.existing < 0:
        parser.error("--rows must be 1 or more and --existing 0 or more")
    return args


def seed(app: Flask, existing: int, capacity: int | None) -> None:
    """The open convening with `existing` people already registered."""
    with app.app_context():
        convening, free = benchkit.open_convening(capacity=capacity)
        for number in range(existing):
            details = AttendeeDetails(
                first_name="Already", family_name=str(number), email=f"existing-{number}@example.org"
            )
            register(convening, free, details, notify=False)


def csv_file(rows: int) -> bytes:
    """A file as Excel saves "CSV UTF-8": a BOM, CRLF, every column filled, every third person paying."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    for number in range(rows):
        first, family, pronouns, title, organization, city, state = PEOPLE[number % len(PEOPLE)]
        writer.writerow(
            [
                first,
                family,
                f"{first} {family[:1]}.",
                pronouns,
                title,
                organization,
                city,
                state,
                f"Person.{number}@Example.org",
                f"(312) 555-{number % 10_000:04d}",
                "Other" if number % 7 == 0 else "Vegetarian",
                "No peanuts, please." if number % 7 == 0 else "",
                "Step-free access to the plenary hall" if number % 11 == 0 else "",
                "yes",
                "no" if number % 5 == 0 else "yes",
                "Staff and partners" if number % 3 == 0 else "Elected official",
            ]
        )
    return "\ufeff".encode() + buffer.getvalue().encode()


def time_import(app: Flask, data: bytes, *, send_emails: bool) -> tuple[float, float, dict[str, int]]:
    """Seconds to check the file and to run the import job; what the job reported."""
    with app.app_context():
        convening = db.session.scalar(select(Convening).where(Convening.slug == benchkit.SLUG))
        started = time.perf_counter()
        upload = imports.check_import(
            convening, "bench.csv", data, default_ticket_type_id=None, actor=COMMAND_LINE
        )
        checked = time.perf_counter() - started
        if upload.rows_with_errors or upload.rows_ready != upload.rows_total:
            raise RuntimeError(f"the bench file did not check clean: {upload.report['rows'][:3]}")
        import_id, convening_id = upload.id, convening.id
    with app.app_context():
        started = time.perf_counter()
        job = jobs.start(
            "registration_import",
            imports.run_import_job,
            import_id,
            send_emails,
            COMMAND_LINE.label,
            None,
            convening_id=convening_id,
        )
        imported = time.perf_counter() - started
        finished = db.session.get(Job, job.id, populate_existing=True)
        if finished.status != JobStatus.DONE or "imported" not in finished.result:
            raise RuntimeError(
                f"the import job did not finish: {finished.status} {finished.error or finished.result}"
            )
        outcome = db.session.get_one(RegistrationImport, import_id).report["outcome"]
    return checked, imported, outcome


def check_counts(app: Flask, existing: int, rows: int) -> None:
    """The import really did its work: rows stored, seats counted, one audit entry each plus the summary."""
    with app.app_context():
        found = {
            "registrations": db.session.scalar(select(func.count()).select_from(Registration)),
            "imports imported": db.session.scalar(
                select(func.count()).where(RegistrationImport.status == ImportStatus.IMPORTED)
            ),
            "audit entries for the import": db.session.scalar(
                select(func.count()).where(
                    AuditEntry.action.in_(["registration.create", "registration_import.run"])
                )
            ),
        }
    expected = {
        "registrations": existing + rows,
        "imports imported": 1,
        "audit entries for the import": existing + rows + 1,
    }
    if found != expected:
        raise RuntimeError(f"database does not match the import: {found} != {expected}")


def main() -> int:
    args = parse_args()
    load_before = os.getloadavg()[0]
    data = csv_file(args.rows)
    print(benchkit.machine(load_before))
    print(
        f"file: {args.rows:,} rows, {len(data) / 1_048_576:.2f} MB; "
        f"{args.existing:,} registrations stored before"
    )
    results = []
    with ExitStack() as stack:
        workdir = stack.enter_context(benchkit.temporary_workdir())
        for engine in args.engines:
            database_url = stack.enter_context(benchkit.fresh_database(engine, workdir))
            # Queued mail is logged at INFO otherwise.
            app = stack.enter_context(
                benchkit.bench_app(database_url, quiet_logger="convening.mail", **APP_CONFIG)
            )
            seed(app, args.existing, args.capacity)
            print(benchkit.describe(engine, app), flush=True)
            checked, imported, outcome = time_import(app, data, send_emails=args.send_emails)
            check_counts(app, args.existing, args.rows)
            total = checked + imported
            ok = total < TARGET_SECONDS
            results.append(ok)
            print(
                f"{engine:<11} rows={args.rows:,}  check={checked:.2f} s  import={imported:.2f} s  "
                f"total={total:.2f} s  ({args.rows / total:,.0f} rows/s)  confirmed={outcome['confirmed']:,} "
                f"pending_payment={outcome['pending_payment']:,} waitlisted={outcome['waitlisted']:,} "
                f"emails={'yes' if args.send_emails else 'no'}  target total<{TARGET_SECONDS:.0f}s: "
                f"{'OK' if ok else 'MISS'}",
                flush=True,
            )
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
