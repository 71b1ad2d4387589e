"""Registrations in and out as CSV: an import checked row by row, then saved all at once; the export.

Checking reads the file (csvfile), puts every row through the public form's own fields and validators
(AttendeeForm), so an import can store nothing the form would refuse, resolves each row's ticket, and
finds emails that appear twice in the file or already hold an active registration. Nothing is saved but
the check itself: a RegistrationImport with the decoded text and the report the preview shows.

Running an import is one transaction: it takes the convening's lock, checks the stored text again against
what the database holds now, and adds every ready row through add_registrations, so seats, the waiting
list and the audit log work exactly as when someone registers. Any failure rolls all of it back.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PureWindowsPath
from typing import Any, NoReturn

from sqlalchemy import select
from sqlalchemy.orm import defer
from werkzeug.datastructures import MultiDict

from convening.accounts.models import StaffUser
from convening.audit.services import Actor, record
from convening.convenings.models import Convening
from convening.extensions import db
from convening.registration import csvfile
from convening.registration.forms import AttendeeForm
from convening.registration.models import (
    DietaryNeed,
    ImportStatus,
    Registration,
    RegistrationImport,
    RegistrationStatus,
    TicketType,
)
from convening.registration.services import (
    AttendeeDetails,
    DuplicateRegistration,
    RegistrationFilter,
    add_registrations,
    availability,
    filtered_registrations,
    lock_convening,
    seating_plan,
)
from convening.sqltypes import utcnow
from convening.text import clean_line
from convening.urls import MAX_ROW_ID

Progress = Callable[..., None]  # progress(done, total, message, force=False), as jobs.Progress
LISTED_ROWS = 2_000  # rows with problems kept for the preview; the counts stay exact beyond
SAMPLE_ROWS = 5
DIETARY_CHOICES = {need.value: need.label for need in DietaryNeed}
TEXT_FIELDS = (
    "first_name",
    "family_name",
    "badge_name",
    "pronouns",
    "title",
    "organization",
    "city",
    "state",
    "email",
    "phone",
    "dietary_notes",
    "accessibility_needs",
)


def _no_progress(done: int, total: int, message: str = "", *, force: bool = False) -> None:
    """For callers with nobody watching (the command line, the check on upload)."""


class ImportRefused(Exception):
    """The import cannot run as things stand; nothing was saved, and the message says what to do."""


# --- checking -----------------------------------------------------------------------------------------


@dataclass
class CheckedRow:
    number: int
    name: str
    email: str  # as written, for the report
    ticket: str  # the ticket cell as written
    errors: list[str] = field(default_factory=list)
    details: AttendeeDetails | None = None  # None unless every field passed
    email_key: str | None = None  # the normalized email when it passed, for finding duplicates
    ticket_type: TicketType | None = None
    duplicate_of: int | None = None  # the earlier row of the file with the same email
    registered: bool = False  # an active registration already has this email

    @property
    def duplicate(self) -> bool:
        return self.duplicate_of is not None or self.registered

    @property
    def ready(self) -> bool:
        return not self.errors and not self.duplicate


@dataclass
class Check:
    """What a file holds, row by row, against the convening as it is now."""

    sheet: csvfile.Sheet
    encoding: str
    default_ticket_type_id: int | None
    rows: list[CheckedRow]
    forecast: dict[str, int] = field(default_factory=dict)

    @property
    def ready(self) -> list[CheckedRow]:
        return [row for row in self.rows if row.ready]

    @property
    def with_errors(self) -> int:
        return sum(1 for row in self.rows if row.errors)

    @property
    def duplicates(self) -> int:
        return sum(1 for row in self.rows if row.duplicate and not row.errors)

    def report(self) -> dict[str, Any]:
        """The JSON the preview, the command line and a later run read (RegistrationImport.report)."""
        problems = [row for row in self.rows if row.errors or row.duplicate]
        return {
            "encoding": self.encoding,
            "columns": list(self.sheet.headings.values()),
            "ignored_columns": self.sheet.ignored,
            "default_ticket_type_id": self.default_ticket_type_id,
            "rows": [
                {
                    "row": row.number,
                    "name": row.name,
                    "email": row.email,
                    "errors": row.errors,
                    "duplicate": row.duplicate,
                    "duplicate_of": row.duplicate_of,
                }
                for row in problems[:LISTED_ROWS]
            ],
            "unlisted": max(0, len(problems) - LISTED_ROWS),
            "sample": [
                {"row": row.number, "name": row.name, "email": row.email, "ticket": row.ticket_type.name}
                for row in self.ready[:SAMPLE_ROWS]
                if row.ticket_type is not None
            ],
            # When the encoding was guessed, names with accents to look at before importing.
            "accented": _accented_names(self.rows) if self.encoding == csvfile.WINDOWS_1252 else [],
            "forecast": self.forecast,
        }


def check_file(
    convening: Convening,
    data: bytes,
    *,
    default_ticket_type_id: int | None,
    progress: Progress = _no_progress,
) -> tuple[str, Check]:
    """Decode and check an uploaded file without saving anything; returns its text and the check.

    Raises csvfile.FileProblem when the file as a whole cannot be imported.
    """
    decoded = csvfile.decode(data)
    sheet = csvfile.read_sheet(decoded.text)
    rows = _validate_rows(sheet, progress, total=len(sheet.rows))
    check = _resolve(convening, sheet, decoded.encoding, rows, default_ticket_type_id)
    check.forecast = _forecast(convening, check.ready)
    return decoded.text, check


def check_import(
    convening: Convening, filename: str, data: bytes, *, default_ticket_type_id: int | None, actor: Actor
) -> RegistrationImport:
    """Check an uploaded file and keep it with its report for the preview; commits. Saves no registration."""
    text, check = check_file(convening, data, default_ticket_type_id=default_ticket_type_id)
    return keep_check(convening, filename, text, check, actor=actor)


def keep_check(
    convening: Convening, filename: str, text: str, check: Check, *, actor: Actor
) -> RegistrationImport:
    """Store a check with the text it read, ready for run_import; commits."""
    upload = RegistrationImport(
        convening_id=convening.id,
        created_by_id=actor.staff_id,
        filename=_plain_filename(filename),
        content=text,
        status=ImportStatus.CHECKED,
        created_at=utcnow(),
    )
    _store_check(upload, check)
    db.session.add(upload)
    db.session.flush()
    record(
        actor,
        "registration_import.check",
        "registration_import",
        upload.id,
        f"Checked {upload.filename}: {upload.rows_total:,} rows, {upload.rows_ready:,} ready, "
        f"{upload.rows_duplicate:,} duplicates, {upload.rows_with_errors:,} with errors",
        convening_id=convening.id,
    )
    db.session.commit()
    return upload


def _plain_filename(filename: str) -> str:
    """The name without folders (browsers on Windows may send C:\\Users\\...), cleaned and cut to fit."""
    return clean_line(PureWindowsPath(filename or "").name)[:255] or "registrations.csv"


def _store_check(upload: RegistrationImport, check: Check) -> None:
    upload.rows_total = len(check.rows)
    upload.rows_ready = len(check.ready)
    upload.rows_with_errors = check.with_errors
    upload.rows_duplicate = check.duplicates
    upload.report = check.report()


def _validate_rows(sheet: csvfile.Sheet, progress: Progress, *, total: int) -> list[CheckedRow]:
    # One form, given each row in turn: building its fields anew for every row would double the time.
    form = AttendeeForm(formdata=None, meta={"csrf": False})
    rows = []
    for done, row in enumerate(sheet.rows):
        progress(done, total, f"Checking row {done + 1:,} of {len(sheet.rows):,}")
        rows.append(_validate_row(sheet, row, form))
    return rows


def _heading(sheet: csvfile.Sheet, key: str) -> str:
    """A column as this file calls it, so messages point at what the organizer sees."""
    return sheet.headings.get(key) or csvfile.COLUMN_BY_KEY[key].label


def _validate_row(sheet: csvfile.Sheet, row: csvfile.Row, form: AttendeeForm) -> CheckedRow:
    """The row through AttendeeForm, the public form's own fields: same cleaning, limits and messages."""
    cells = row.cells
    name = clean_line(f"{cells.get('first_name', '')} {cells.get('family_name', '')}")[:200]
    checked = CheckedRow(
        number=row.number,
        name=name,
        email=clean_line(cells.get("email"))[:254],
        ticket=clean_line(cells.get("ticket_type")),
    )
    if row.problem:
        checked.errors.append(row.problem)
        return checked
    errors: dict[str, list[str]] = {}
    formdata = MultiDict({key: cells.get(key, "") for key in TEXT_FIELDS})
    dietary_cell = clean_line(cells.get("dietary"))
    dietary = csvfile.match_choice(dietary_cell, DIETARY_CHOICES) if dietary_cell else DietaryNeed.NONE.value
    if dietary is None:
        choices = ", ".join(need.value.replace("_", "-") for need in DietaryNeed)
        errors["dietary"] = [
            f"{_heading(sheet, 'dietary')}: “{dietary_cell}” is not one of {choices}. Choose one, or write "
            f"“other” and put the details in {_heading(sheet, 'dietary_notes')}."
        ]
    formdata["dietary"] = dietary or DietaryNeed.NONE.value
    for key in ("listed_in_directory", "photo_consent"):
        answer = csvfile.parse_yes_no(cells.get(key, ""))
        if answer is None:
            errors[key] = [f"{_heading(sheet, key)}: write yes or no, not “{clean_line(cells.get(key))}”."]
        elif answer:
            formdata[key] = "y"
    form.process(formdata)
    if not form.validate() or errors:
        for key, messages in form.errors.items():
            errors.setdefault(key, []).append(_form_message(sheet, form, key, list(messages)))
        order = [column.key for column in csvfile.COLUMNS]
        checked.errors = [message for key in sorted(errors, key=order.index) for message in errors[key]]
    if not form.email.errors:
        checked.email_key = form.email.data
    if not checked.errors:
        checked.details = form.details()
    return checked


def _form_message(sheet: csvfile.Sheet, form: AttendeeForm, key: str, messages: list[str]) -> str:
    """The form's message, reworded where it speaks to an attendee about their own answer."""
    heading = _heading(sheet, key)
    if key in ("first_name", "email") and not form[key].data:
        return f"{heading} is missing. Add it, or remove the row."
    if key == "dietary_notes" and not form[key].data:
        return (
            f"{_heading(sheet, 'dietary')} is “other” but {heading} is empty. Describe the needs there, "
            "or choose vegetarian, vegan, halal, kosher or gluten-free."
        )
    return f"{heading}: {' '.join(messages)}"


def _ticket_types(convening: Convening) -> list[TicketType]:
    return list(
        db.session.scalars(
            select(TicketType)
            .where(TicketType.convening_id == convening.id)
            .order_by(TicketType.position, TicketType.id)
        )
    )


def _resolve(
    convening: Convening,
    sheet: csvfile.Sheet,
    encoding: str,
    rows: list[CheckedRow],
    default_ticket_type_id: int | None,
) -> Check:
    """Tickets by name and duplicates by email, against what the database holds at this moment."""
    ticket_types = _ticket_types(convening)
    if not ticket_types:
        raise csvfile.FileProblem(
            "This convening has no ticket types yet. An admin adds them under Ticket types; then import.",
            field="ticket_type",
        )
    default = next((t for t in ticket_types if t.id == default_ticket_type_id), None)
    if default_ticket_type_id is not None and default is None:
        raise csvfile.FileProblem(
            "The ticket chosen for rows without one is no longer offered. Choose another.",
            field="ticket_type",
        )
    if default is None and "ticket_type" not in sheet.headings:
        raise csvfile.FileProblem(
            "The file has no Ticket column. Choose the ticket for these people, or add a Ticket column.",
            field="ticket_type",
        )
    by_key = {csvfile.heading_key(t.name): t for t in reversed(ticket_types)}
    names = ", ".join(f"“{t.name}”" for t in ticket_types)
    heading = _heading(sheet, "ticket_type")
    registered = set(
        db.session.scalars(
            select(Registration.email).where(
                Registration.convening_id == convening.id, Registration.status != RegistrationStatus.CANCELLED
            )
        )
    )
    first_row: dict[str, int] = {}
    for row in rows:
        row.ticket_type = by_key.get(csvfile.heading_key(row.ticket)) if row.ticket else default
        if row.ticket_type is None and row.ticket:
            row.errors.append(
                f"{heading}: “{row.ticket}” is not a ticket of this convening. Use one of {names}."
            )
        elif row.ticket_type is None:
            row.errors.append(
                f"{heading} is empty. Write one of {names}, or choose a ticket for rows without one."
            )
        if row.errors:
            row.details = None
        if row.email_key:
            row.registered = row.email_key in registered
            row.duplicate_of = first_row.setdefault(row.email_key, row.number)
            if row.duplicate_of == row.number:
                row.duplicate_of = None
    return Check(sheet, encoding, default_ticket_type_id, rows)


def _forecast(convening: Convening, ready: list[CheckedRow]) -> dict[str, int]:
    """How many ready rows would get a seat now, by the same rules the import will follow."""
    ticket_types = {row.ticket_type.id: row.ticket_type for row in ready if row.ticket_type}
    plan = seating_plan(
        [row.ticket_type.id for row in ready if row.ticket_type],
        convening_room=convening.seats_left,
        ticket_room={id_: ticket_type.seats_left for id_, ticket_type in ticket_types.items()},
        waiting={id_ for id_, ticket_type in ticket_types.items() if availability(ticket_type).waiting_list},
    )
    seated = sum(plan)
    return {"seated": seated, "waitlisted": len(plan) - seated}


def _accented_names(rows: list[CheckedRow]) -> list[str]:
    return list(dict.fromkeys(row.name for row in rows if not row.name.isascii()))[:SAMPLE_ROWS]


# --- running ------------------------------------------------------------------------------------------


def run_import(
    import_id: int, *, send_emails: bool, actor: Actor, progress: Progress = _no_progress
) -> RegistrationImport:
    """Save every ready row of a checked import, or nothing; commits once.

    Raises ImportRefused (nothing saved, the reason noted on the import) when it was already run or
    discarded, or when rows have errors now that did not when checked; any other error rolls back too.
    """
    upload = db.session.get(RegistrationImport, import_id)
    if upload is None:
        raise ImportRefused("This import no longer exists.")
    _ensure_pending(upload)
    if upload.rows_with_errors:
        raise ImportRefused(
            "Fix the rows with errors in the file and upload it again: nothing is imported until all are "
            "ready."
        )
    convening = db.session.get_one(Convening, upload.convening_id)
    default_ticket_type_id = upload.report.get("default_ticket_type_id")
    sheet = csvfile.read_sheet(upload.content)
    total = len(sheet.rows) + upload.rows_ready
    rows = _validate_rows(sheet, progress, total=total)
    # SQLite: the progress write needs the database lock this job is about to hold until it commits.
    progress(len(sheet.rows), total, f"Saving {upload.rows_ready:,} registrations", force=True)
    report_while_saving = db.session.get_bind().dialect.name != "sqlite"
    try:
        lock_convening(convening.id)
        db.session.refresh(upload)
        _ensure_pending(upload)
        check = _resolve(
            convening, sheet, upload.report.get("encoding", csvfile.UTF8), rows, default_ticket_type_id
        )
        if check.with_errors:
            _refuse(
                import_id,
                f"Nothing was imported: since the check, {check.with_errors:,} rows have errors (a ticket "
                "type was renamed, for example). Fix them and upload the file again.",
                check,
            )
        now = utcnow()
        importer = Actor(f"{actor.label}, importing {upload.filename}"[:300], actor.staff_id)
        ready = check.ready

        def saved(done: int) -> None:
            if report_while_saving:
                progress(len(sheet.rows) + done, total, f"Saved {done:,} of {len(ready):,}")

        registrations = add_registrations(
            convening,
            [(row.ticket_type, row.details) for row in ready if row.ticket_type and row.details],
            now=now,
            notify=send_emails,
            actor=importer,
            progress=saved,
        )
        statuses = Counter(registration.status.value for registration in registrations)
        _finish(upload, check, statuses, send_emails=send_emails, actor=actor)
        db.session.commit()
    except ImportRefused:
        db.session.rollback()
        raise
    except csvfile.FileProblem as problem:  # the chosen ticket, or every ticket type, removed since the check
        _refuse(import_id, f"Nothing was imported: {problem.message}")
    except DuplicateRegistration as duplicate:  # someone changed their email to one of the file's meanwhile
        _refuse(
            import_id,
            f"Nothing was imported: {duplicate.email} registered while the import was running. Press Import "
            "again: that row will be skipped as a duplicate.",
        )
    except Exception as error:
        db.session.rollback()
        _note_refusal(import_id, f"Nothing was imported: the import stopped with an error ({error}).")
        raise
    return upload


def _ensure_pending(upload: RegistrationImport) -> None:
    if upload.status == ImportStatus.IMPORTED:
        raise ImportRefused(f"This file was already imported: {upload.imported_count:,} registrations.")
    if upload.status == ImportStatus.DISCARDED:
        raise ImportRefused("This import was discarded. Upload the file again to import it.")


def _finish(
    upload: RegistrationImport, check: Check, statuses: Counter[str], *, send_emails: bool, actor: Actor
) -> None:
    """Mark the import done and record one summary entry beside the one per registration."""
    _store_check(upload, check)
    imported = sum(statuses.values())
    outcome = {
        "confirmed": statuses[RegistrationStatus.CONFIRMED.value],
        "pending_payment": statuses[RegistrationStatus.PENDING_PAYMENT.value],
        "waitlisted": statuses[RegistrationStatus.WAITLISTED.value],
        "duplicates_skipped": check.duplicates,
        "emails_sent": send_emails,
    }
    upload.report = {**upload.report, "outcome": outcome}
    upload.status = ImportStatus.IMPORTED
    upload.imported_at = utcnow()
    upload.imported_count = imported
    record(
        actor,
        "registration_import.run",
        "registration_import",
        upload.id,
        f"Imported {imported:,} registrations from {upload.filename}: {outcome['confirmed']:,} "
        f"confirmed, {outcome['pending_payment']:,} with payment pending, {outcome['waitlisted']:,} on the "
        f"waiting list; {check.duplicates:,} duplicates skipped",
        convening_id=upload.convening_id,
        changes=outcome,
    )


def _refuse(import_id: int, message: str, check: Check | None = None) -> NoReturn:
    """Undo everything, keep why on the import, and tell the caller."""
    db.session.rollback()
    _note_refusal(import_id, message, check)
    raise ImportRefused(message) from None


def _note_refusal(import_id: int, message: str, check: Check | None = None) -> None:
    """Keep why a run saved nothing on the import, for its page; in a transaction of its own."""
    upload = db.session.get_one(RegistrationImport, import_id)
    if check is not None:
        _store_check(upload, check)
    upload.report = {**upload.report, "failure": message}
    db.session.commit()


def run_import_job(
    import_id: int, send_emails: bool, actor_label: str, actor_id: int | None, *, progress: Progress
) -> dict[str, Any]:
    """The tracked job (jobs.start): plain arguments in, and a result that leads to the import's page."""
    upload = db.session.get_one(RegistrationImport, import_id, options=[defer(RegistrationImport.content)])
    slug = db.session.get_one(Convening, upload.convening_id).slug
    result: dict[str, Any] = {"next": ["registration_imports.show", {"slug": slug, "import_id": import_id}]}
    try:
        done = run_import(
            import_id, send_emails=send_emails, actor=Actor(actor_label, actor_id), progress=progress
        )
    except ImportRefused as refusal:
        return {**result, "refused": str(refusal)}
    return {**result, "imported": done.imported_count}


def discard_import(upload: RegistrationImport, *, actor: Actor) -> None:
    """Forget a checked file that will not be imported (its text and rows); the counts stay. Commits."""
    _ensure_pending(upload)
    upload.status = ImportStatus.DISCARDED
    upload.content = ""
    upload.report = {**upload.report, "rows": [], "sample": [], "accented": [], "unlisted": 0}
    record(
        actor,
        "registration_import.discard",
        "registration_import",
        upload.id,
        f"Discarded {upload.filename} without importing it",
        convening_id=upload.convening_id,
    )
    db.session.commit()


def import_in(convening_id: int, import_id: int) -> RegistrationImport | None:
    """The import with this id if it belongs to the convening, without its text (the report is enough)."""
    if not 0 < import_id <= MAX_ROW_ID:
        return None
    upload = db.session.get(RegistrationImport, import_id, options=[defer(RegistrationImport.content)])
    return upload if upload is not None and upload.convening_id == convening_id else None


def recent_imports(convening_id: int, limit: int = 20) -> list[tuple[RegistrationImport, str | None]]:
    """The latest imports, newest first, each with the name of the staff member who uploaded it."""
    rows = db.session.execute(
        select(RegistrationImport, StaffUser.name)
        .outerjoin(StaffUser, StaffUser.id == RegistrationImport.created_by_id)
        .where(RegistrationImport.convening_id == convening_id)
        .options(defer(RegistrationImport.content), defer(RegistrationImport.report))
        .order_by(RegistrationImport.created_at.desc(), RegistrationImport.id.desc())
        .limit(limit)
    )
    return [(upload, name) for upload, name in rows]


# --- the export and the template ----------------------------------------------------------------------


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def _dietary(need: DietaryNeed) -> str:
    """The label, which imports back; "Other" without the form's "(tell us below)"."""
    return "Other" if need == DietaryNeed.OTHER else need.label


def _price(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def export_headings(convening: Convening) -> list[str]:
    """Every column of the export. The attendee's columns and Ticket carry the import's headings, so an
    exported file imports back (Registration number, Status, Price and the dates are then ignored)."""
    zone = convening.timezone
    return [
        "Registration number",
        "Status",
        csvfile.COLUMN_BY_KEY["ticket_type"].label,
        "Price",
        "Currency",
        *(column.label for column in csvfile.COLUMNS if column.key != "ticket_type"),
        f"Registered ({zone})",
        f"Confirmed ({zone})",
        f"Cancelled ({zone})",
        f"Last changed ({zone})",
    ]


def export_rows(convening: Convening, wanted: RegistrationFilter) -> Iterator[list[str | int]]:
    """The headings, then every matching registration in the order people registered, read in batches.

    Every field of a registration is here except two secrets: the manage link's secret, which lets anyone
    change or cancel the registration, and the badge token, which gets its holder through check-in. A
    spreadsheet gets forwarded; neither may travel with it. (search_text is a copy of the names.)
    """
    yield export_headings(convening)

    def local(moment: datetime | None) -> str:
        return convening.local(moment).strftime("%Y-%m-%d %H:%M") if moment else ""

    query = (
        filtered_registrations(convening.id, wanted)
        .join(Registration.ticket_type)
        .add_columns(TicketType.name)
        .order_by(Registration.created_at, Registration.id)
        .execution_options(yield_per=500)
    )
    for registration, ticket_name in db.session.execute(query):
        yield [
            registration.id,
            registration.status.label,
            ticket_name,
            _price(registration.price_cents),
            registration.currency,
            registration.first_name,
            registration.family_name,
            registration.badge_name,
            registration.pronouns,
            registration.title,
            registration.organization,
            registration.city,
            registration.state,
            registration.email,
            registration.phone,
            _dietary(registration.dietary),
            registration.dietary_notes,
            registration.accessibility_needs,
            _yes_no(registration.listed_in_directory),
            _yes_no(registration.photo_consent),
            local(registration.created_at),
            local(registration.confirmed_at),
            local(registration.cancelled_at),
            local(registration.updated_at),
        ]


def record_export(convening: Convening, wanted: RegistrationFilter, *, actor: Actor) -> None:
    """Note who took the attendees' personal data away in a spreadsheet, and which part; commits."""
    parts = [f"search “{wanted.text}”" if wanted.text else "", wanted.status.label if wanted.status else ""]
    if wanted.ticket_type_id is not None:
        ticket_type = db.session.get(TicketType, wanted.ticket_type_id)
        parts.append(ticket_type.name if ticket_type else "")
    which = "; ".join(part for part in parts if part)
    record(
        actor,
        "registration.export",
        "convening",
        convening.id,
        "Downloaded the registrations as CSV" + (f" ({which})" if which else ""),
        convening_id=convening.id,
    )
    db.session.commit()


def template_rows(convening: Convening) -> list[list[str]]:
    """The headings an import reads, and one example row with this convening's first ticket."""
    ticket_types = _ticket_types(convening)
    example = {
        "first_name": "Ana",
        "family_name": "Ruiz",
        "badge_name": "Ana Ruiz",
        "pronouns": "she/her",
        "title": "Mayor",
        "organization": "City of Tucson",
        "city": "Tucson",
        "state": "AZ",
        "email": "ana.ruiz@example.org",
        "phone": "(520) 555-0143",
        "dietary": "Vegetarian",
        "dietary_notes": "",
        "accessibility_needs": "Step-free access to the plenary hall",
        "listed_in_directory": "yes",
        "photo_consent": "no",
        "ticket_type": ticket_types[0].name if ticket_types else "",
    }
    return [[column.label for column in csvfile.COLUMNS], [example[column.key] for column in csvfile.COLUMNS]]
