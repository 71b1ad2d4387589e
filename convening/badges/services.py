"""Badges from registrations: who gets which ribbon and schedule, print runs as jobs, and the print log.

Only confirmed registrations are printed. Everyone a batch leaves out (waiting, unpaid, cancelled) is
counted in its report, and everyone printed without a readable name is listed there, so no badge goes
missing without staff being told.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import exists, func, insert, select, update
from sqlalchemy.orm import contains_eager, selectinload, undefer

from convening.audit.services import Actor, record
from convening.badges.layouts import LAYOUTS
from convening.badges.models import BadgeBatch, BadgePrint, BadgeRole, BatchStatus
from convening.badges.qr import badge_qr_png
from convening.badges.render import Badge, ScheduleLine, Sheet, SponsorMark, render_pdf
from convening.convenings.models import Convening
from convening.convenings.services import sponsor_tiers
from convening.extensions import db
from convening.formatting import clock
from convening.images.models import StoredImage
from convening.images.processing import data_uri
from convening.jobs import Progress, start
from convening.problems import Refused
from convening.program.models import ProgramSession, SessionKind, SessionSpeaker, Speaker, TimeSlot
from convening.registration.models import Registration, RegistrationStatus, TicketType
from convening.scheduling.models import SeatStatus, WorkshopSeat
from convening.sqltypes import utcnow
from convening.text import clean_line, search_key

SINGLE_LAYOUT = "badge-4x3"
# Lines of schedule a back holds, by badge shape; the last one says what did not fit.
SCHEDULE_LINES = {False: 10, True: 20}
SPONSOR_MARKS = 4


# --- names -----------------------------------------------------------------------------------------------

# Emoji and the marks that join or colour them: no print font draws them, so they would print as boxes.
_EMOJI_JOINERS = frozenset("\u200d\ufe0e\ufe0f\u20e3")


def _is_emoji_part(char: str) -> bool:
    code = ord(char)
    return (
        unicodedata.category(char) == "So"
        or char in _EMOJI_JOINERS
        or 0x1F3FB <= code <= 0x1F3FF  # skin tones
        or 0xE0020 <= code <= 0xE007F  # tag characters of flag sequences
    )


def printable_name(text: str) -> str:
    """`text` without emoji, or "" when nothing readable (no letter or digit) is left."""
    kept = clean_line("".join(char for char in text if not _is_emoji_part(char)))
    return kept if any(char.isalnum() for char in kept) else ""


def name_on_badge(registration: Registration) -> str:
    """The badge name as printable; the full name when the badge name has nothing readable."""
    return printable_name(registration.badge_name) or printable_name(registration.full_name)


# --- roles and schedules ---------------------------------------------------------------------------------


def speaker_emails(convening_id: int) -> set[str]:
    emails = db.session.scalars(
        select(func.lower(Speaker.email)).where(Speaker.convening_id == convening_id, Speaker.email != "")
    )
    return set(emails)


def role_of(registration: Registration, speaker_emails: set[str]) -> BadgeRole:
    """Staff's choice first, then the program (a speaker's email), then the ticket type."""
    if registration.badge_role is not None:
        return registration.badge_role
    if registration.email.lower() in speaker_emails:
        return BadgeRole.SPEAKER
    return registration.ticket_type.badge_role


def _line(convening: Convening, session: ProgramSession) -> ScheduleLine:
    slot = session.time_slot
    starts = convening.local(slot.starts_at)
    return ScheduleLine(
        f"{starts:%a} {clock(starts)}", session.title, session.room.name if session.room else ""
    )


def _fit(lines: list[ScheduleLine], budget: int) -> tuple[ScheduleLine, ...]:
    if len(lines) <= budget:
        return tuple(lines)
    more = len(lines) - budget + 1
    return (*lines[: budget - 1], ScheduleLine("", f"and {more} more in the full agenda"))


def general_schedule(convening: Convening) -> list[ScheduleLine]:
    """What everyone shares: the scheduled keynotes and plenaries in time order."""
    sessions = db.session.scalars(
        select(ProgramSession)
        .join(ProgramSession.time_slot)
        .where(
            ProgramSession.convening_id == convening.id,
            ProgramSession.kind.in_((SessionKind.KEYNOTE, SessionKind.PLENARY)),
        )
        .options(contains_eager(ProgramSession.time_slot), selectinload(ProgramSession.room))
        .order_by(TimeSlot.starts_at, ProgramSession.title, ProgramSession.id)
    )
    return [_line(convening, session) for session in sessions]


def personal_schedules(
    convening: Convening, emails: set[str], registration_ids: Sequence[int] = ()
) -> dict[str | int, list[tuple[datetime, ScheduleLine]]]:
    """Each person's own sessions with their start: those they speak at (by email) and the workshops they
    have a seat in (by registration id). Two queries."""
    timed: dict[str | int, list[tuple[datetime, ScheduleLine]]] = {}
    links = (
        db.session.scalars(
            select(SessionSpeaker)
            .join(SessionSpeaker.speaker)
            .join(SessionSpeaker.session)
            .where(
                Speaker.convening_id == convening.id,
                func.lower(Speaker.email).in_(emails),
                ProgramSession.time_slot_id.is_not(None),
            )
            .options(
                selectinload(SessionSpeaker.speaker),
                selectinload(SessionSpeaker.session).selectinload(ProgramSession.time_slot),
                selectinload(SessionSpeaker.session).selectinload(ProgramSession.room),
            )
        ).all()
        if emails
        else []
    )
    for link in links:
        session = link.session
        timed.setdefault(link.speaker.email.lower(), []).append(
            (session.time_slot.starts_at, _line(convening, session))
        )
    seats = (
        db.session.execute(
            select(WorkshopSeat.registration_id, ProgramSession)
            .join(ProgramSession, ProgramSession.id == WorkshopSeat.session_id)
            .where(
                WorkshopSeat.registration_id.in_(registration_ids),
                WorkshopSeat.status == SeatStatus.SEATED,
                ProgramSession.time_slot_id.is_not(None),
            )
            .options(selectinload(ProgramSession.time_slot), selectinload(ProgramSession.room))
        ).all()
        if registration_ids
        else []
    )
    for registration_id, session in seats:
        timed.setdefault(registration_id, []).append((session.time_slot.starts_at, _line(convening, session)))
    return timed


# --- badges ----------------------------------------------------------------------------------------------


def ensure_qr_codes(registrations: Sequence[Registration]) -> None:
    """Draw and keep the QR code of any registration made before codes were kept with the token. Commits."""
    missing = [registration for registration in registrations if registration.badge_qr is None]
    for registration in missing:
        db.session.execute(
            update(Registration)
            .where(Registration.id == registration.id)
            .values(badge_qr=badge_qr_png(registration.badge_token))
        )
    if missing:
        db.session.commit()


def badges_for(
    convening: Convening, registrations: Sequence[Registration], *, portrait: bool = False
) -> list[Badge]:
    """The badges of these registrations, in their order. Loads roles and schedules in a few queries."""
    ensure_qr_codes(registrations)
    speakers = speaker_emails(convening.id)
    emails = {registration.email.lower() for registration in registrations} & speakers
    personal = personal_schedules(convening, emails, [registration.id for registration in registrations])
    budget = SCHEDULE_LINES[portrait]
    general = _fit(general_schedule(convening), budget)
    badges = []
    for registration in registrations:
        role = role_of(registration, speakers)
        timed = [*personal.get(registration.email.lower(), []), *personal.get(registration.id, [])]
        own = [line for _, line in sorted(timed, key=lambda pair: pair[0])]
        badges.append(
            Badge(
                token=registration.badge_token,
                qr_png=registration.badge_qr or badge_qr_png(registration.badge_token),
                name=name_on_badge(registration),
                role=role.value,
                role_label=role.label,
                pronouns=registration.pronouns,
                title=registration.title,
                organization=registration.organization,
                place=", ".join(part for part in (registration.city, registration.state) if part),
                schedule=_fit(own, budget) if own else general,
                schedule_is_personal=bool(own),
            )
        )
    return badges


def sheet_for(convening: Convening, *, agenda_url: str, crop_marks: bool = False) -> Sheet:
    """The lines every badge of the convening shares, and its most prominent sponsors, with logos."""
    tiers = sponsor_tiers(convening.id)
    sponsors = tiers[0].sponsors[:SPONSOR_MARKS] if tiers else []
    logo_ids = [sponsor.logo_id for sponsor in sponsors if sponsor.logo_id]
    images = db.session.scalars(
        select(StoredImage).where(StoredImage.id.in_(logo_ids)).options(undefer(StoredImage.data))
    )
    logos = {image.id: data_uri(image.data, image.content_type) for image in images} if logo_ids else {}
    return Sheet(
        convening_name=convening.name,
        wifi_network=convening.wifi_network,
        wifi_password=convening.wifi_password,
        emergency=convening.emergency_contact,
        agenda_url=agenda_url.removeprefix("https://").removeprefix("http://"),
        sponsors=tuple(SponsorMark(sponsor.name, logos.get(sponsor.logo_id)) for sponsor in sponsors),
        sponsor_heading=f"Thanks to our {tiers[0].name} sponsors" if tiers else "",
        crop_marks=crop_marks,
    )


# --- choosing who is printed ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Selection:
    """Who a print run is for; every filter narrows it."""

    role: BadgeRole | None = None
    ticket_type_id: int | None = None
    unprinted: bool = False
    # Printed before, with a badge name changed since: the badges people would wear with an old name.
    renamed: bool = False
    registration_ids: tuple[int, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        values = asdict(self)
        values["role"] = self.role.value if self.role else None
        values["registration_ids"] = list(self.registration_ids)
        return values

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> Selection:
        return cls(
            role=BadgeRole(values["role"]) if values.get("role") else None,
            ticket_type_id=values.get("ticket_type_id"),
            unprinted=bool(values.get("unprinted")),
            renamed=bool(values.get("renamed")),
            registration_ids=tuple(values.get("registration_ids") or ()),
        )

    def describe(self, ticket_type: TicketType | None = None) -> str:
        parts = []
        if self.registration_ids:
            count = len(self.registration_ids)
            parts.append(f"{count} chosen {'person' if count == 1 else 'people'}")
        parts.append(f"{self.role.label} badges" if self.role else "All badges")
        if ticket_type is not None:
            parts.append(f"ticket {ticket_type.name}")
        if self.unprinted:
            parts.append("not printed yet")
        if self.renamed:
            parts.append("name changed since printed")
        return ", ".join(parts)


@dataclass
class Chosen:
    registrations: list[Registration]
    # Matching registrations left out, by status label: "On the waiting list": 3.
    skipped: dict[str, int] = field(default_factory=dict)


def _sort_key(registration: Registration) -> tuple[str, str, int]:
    """Alphabetical by family name, as the pick-up tables at the door are laid out."""
    return (search_key(registration.family_name), search_key(registration.first_name), registration.id)


def _last_printed_name() -> Any:
    """The badge name on the registration's latest printed badge, as a correlated subquery."""
    return (
        select(BadgePrint.badge_name)
        .where(BadgePrint.registration_id == Registration.id)
        .order_by(BadgePrint.printed_at.desc(), BadgePrint.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def _printed() -> Any:
    return exists().where(BadgePrint.registration_id == Registration.id)


def choose(convening: Convening, selection: Selection) -> Chosen:
    query = (
        select(Registration)
        .where(Registration.convening_id == convening.id)
        .options(selectinload(Registration.ticket_type), undefer(Registration.badge_qr))
    )
    if selection.ticket_type_id is not None:
        query = query.where(Registration.ticket_type_id == selection.ticket_type_id)
    if selection.registration_ids:
        query = query.where(Registration.id.in_(selection.registration_ids))
    else:
        query = query.where(Registration.status != RegistrationStatus.CANCELLED)
    if selection.unprinted:
        query = query.where(~_printed())
    if selection.renamed:
        query = query.where(_printed(), _last_printed_name() != Registration.badge_name)
    found = db.session.scalars(query).all()
    if selection.role is not None:
        speakers = speaker_emails(convening.id)
        found = [registration for registration in found if role_of(registration, speakers) == selection.role]
    chosen = Chosen([])
    for registration in found:
        if registration.status == RegistrationStatus.CONFIRMED:
            chosen.registrations.append(registration)
        else:
            label = registration.status.label
            chosen.skipped[label] = chosen.skipped.get(label, 0) + 1
    chosen.registrations.sort(key=_sort_key)
    return chosen


# --- print runs -------------------------------------------------------------------------------------------


def check_layout(layout: str) -> None:
    if layout not in LAYOUTS:
        raise Refused({"layout": f"Choose a layout: {', '.join(LAYOUTS)}."})


def _nobody_message(chosen: Chosen) -> str:
    if chosen.skipped:
        left_out = ", ".join(f"{count} {label.lower()}" for label, count in chosen.skipped.items())
        return f"No confirmed registration matches; left out: {left_out}. Only confirmed people get badges."
    return "No confirmed registration matches these choices. Widen them, or print all badges."


def record_batch(
    convening: Convening, selection: Selection, *, layout: str, crop_marks: bool, actor: Actor
) -> BadgeBatch:
    """Check the choices and record the batch, still to be drawn, with its audit entry. Commits.

    Refused for an unknown layout, another convening's ticket type or registration, or when nobody matches.
    """
    check_layout(layout)
    ticket_type = None
    if selection.ticket_type_id is not None:
        ticket_type = db.session.get(TicketType, selection.ticket_type_id)
        if ticket_type is None or ticket_type.convening_id != convening.id:
            raise Refused({"ticket_type": "Choose a ticket type of this convening."})
    if selection.registration_ids:
        found = db.session.scalars(
            select(Registration.id).where(
                Registration.convening_id == convening.id, Registration.id.in_(selection.registration_ids)
            )
        )
        unknown = sorted(set(selection.registration_ids) - set(found))
        if unknown:
            listed = ", ".join(str(number) for number in unknown)
            raise Refused({"registration": f"No registration {listed} in {convening.name}. Check the ids."})
    chosen = choose(convening, selection)
    if not chosen.registrations:
        raise Refused({"selection": _nobody_message(chosen)})
    batch = BadgeBatch(
        convening_id=convening.id,
        layout=layout,
        crop_marks=crop_marks,
        selection=selection.as_dict(),
        description=selection.describe(ticket_type),
        badge_count=len(chosen.registrations),
        created_by_id=actor.staff_id,
        created_by_label=actor.label[:300],
    )
    db.session.add(batch)
    db.session.flush()
    record(
        actor,
        "badges.print",
        "badge_batch",
        batch.id,
        f"Printed badges: {batch.description} ({batch.badge_count}, {LAYOUTS[layout].label})",
        convening_id=convening.id,
    )
    db.session.commit()
    return batch


def start_batch(
    convening: Convening,
    selection: Selection,
    *,
    layout: str,
    crop_marks: bool,
    agenda_url: str,
    actor: Actor,
) -> BadgeBatch:
    """Check the choices, record the batch and render it as a job. Commits; Refused when nobody matches."""
    batch = record_batch(convening, selection, layout=layout, crop_marks=crop_marks, actor=actor)
    job = start(
        "badges",
        render_batch,
        batch.id,
        agenda_url,
        convening_id=convening.id,
        created_by_id=actor.staff_id,
    )
    batch.job_id = job.id
    db.session.commit()
    return batch


def render_batch(
    batch_id: int, agenda_url: str, *, progress: Progress | Callable[..., None]
) -> dict[str, Any]:
    """The job: draw the batch's badges in the render pool, keep the PDF and log each badge as printed.

    Once the badges are built as plain data, the registrations leave the session: a batch of thousands
    holds only ids and names while it is drawn.
    """
    batch = db.session.get(BadgeBatch, batch_id)
    convening = db.session.get(Convening, batch.convening_id)
    slug, layout_name, crop_marks = convening.slug, batch.layout, batch.crop_marks
    try:
        progress(0, batch.badge_count, "Gathering names, roles and schedules", force=True)
        chosen = choose(convening, Selection.from_dict(batch.selection))
        badges = badges_for(convening, chosen.registrations, portrait=LAYOUTS[layout_name].portrait)
        sheet = sheet_for(convening, agenda_url=agenda_url, crop_marks=crop_marks)
        printed = [(registration.id, registration.badge_name) for registration in chosen.registrations]
        unnamed = [id_ for (id_, _), badge in zip(printed, badges, strict=True) if not badge.name]
        skipped = chosen.skipped
        del chosen
        db.session.commit()  # nothing open while workers draw: progress writes on its own connection
        db.session.expunge_all()
        total = len(badges)

        def drawn(done: int, _total: int) -> None:
            progress(done, total, f"Drawn {done} of {total} badges")

        pdf = render_pdf(badges, layout_name, sheet, progress=drawn)
    except Exception:
        db.session.rollback()
        db.session.execute(
            update(BadgeBatch)
            .where(BadgeBatch.id == batch_id)
            .values(status=BatchStatus.FAILED, finished_at=utcnow())
        )
        db.session.commit()
        raise
    now = utcnow()
    db.session.execute(
        update(BadgeBatch)
        .where(BadgeBatch.id == batch_id)
        .values(
            pdf=pdf,
            pdf_size=len(pdf),
            badge_count=total,
            status=BatchStatus.READY,
            finished_at=now,
            report={"skipped": skipped, "unnamed": unnamed},
        )
    )
    if printed:
        db.session.execute(
            insert(BadgePrint),
            [
                {"registration_id": id_, "batch_id": batch_id, "badge_name": name, "printed_at": now}
                for id_, name in printed
            ],
        )
    db.session.commit()
    return {"next": ["badges_console.batch", {"slug": slug, "batch_id": batch_id}], "count": total}


def single_badge_pdf(
    convening: Convening, registration: Registration, *, agenda_url: str, layout: str = SINGLE_LAYOUT
) -> bytes:
    """One person's badge, drawn in this process: a lost badge at the desk, or the attendee's own copy."""
    check_layout(layout)
    if registration.status != RegistrationStatus.CONFIRMED:
        status = registration.status.label.lower()
        raise Refused({"registration": f"Only confirmed registrations get badges; this one is {status}."})
    badges = badges_for(convening, [registration], portrait=LAYOUTS[layout].portrait)
    return render_pdf(badges, layout, sheet_for(convening, agenda_url=agenda_url), workers=0)


def reprint(
    convening: Convening, registration: Registration, *, agenda_url: str, layout: str, actor: Actor
) -> bytes:
    """A replacement badge at the desk: drawn at once, logged as printed. Commits."""
    pdf = single_badge_pdf(convening, registration, agenda_url=agenda_url, layout=layout)
    db.session.add(BadgePrint(registration_id=registration.id, badge_name=registration.badge_name))
    record(
        actor,
        "badges.reprint",
        "registration",
        registration.id,
        f"Printed a badge for {registration.full_name}",
        convening_id=convening.id,
    )
    db.session.commit()
    return pdf


def print_counts(convening_id: int) -> dict[str, int]:
    """Confirmed badges, printed at least once, and printed before their name last changed."""
    confirmed = (Registration.convening_id == convening_id) & (
        Registration.status == RegistrationStatus.CONFIRMED
    )
    printed = _printed()
    renamed = _last_printed_name() != Registration.badge_name
    total, done, stale = db.session.execute(
        select(func.count(), func.count().filter(printed), func.count().filter(printed, renamed)).where(
            confirmed
        )
    ).one()
    return {"confirmed": total, "printed": done, "unprinted": total - done, "name_changed": stale}


# --- the console and the command line ---------------------------------------------------------------------


def print_batch_now(
    convening: Convening,
    selection: Selection,
    *,
    layout: str,
    crop_marks: bool,
    agenda_url: str,
    actor: Actor,
    progress: Callable[..., None],
) -> BadgeBatch:
    """A print run drawn in this process, for the command line: the same checks, record and log as a job's.

    Commits; Refused as start_batch is. The batch comes back ready (or the drawing's error is raised, with
    the batch marked failed).
    """
    batch_id = record_batch(convening, selection, layout=layout, crop_marks=crop_marks, actor=actor).id
    render_batch(batch_id, agenda_url, progress=progress)
    return db.session.get(BadgeBatch, batch_id)


def last_printed(registration_id: int) -> BadgePrint | None:
    """The latest print of this registration's badge, in a batch or alone; None if never printed."""
    return db.session.scalars(
        select(BadgePrint)
        .where(BadgePrint.registration_id == registration_id)
        .order_by(BadgePrint.printed_at.desc(), BadgePrint.id.desc())
        .limit(1)
    ).first()


def recent_batches(convening_id: int, limit: int = 20) -> list[BadgeBatch]:
    """The convening's latest print runs, newest first, without their PDFs."""
    return list(
        db.session.scalars(
            select(BadgeBatch)
            .where(BadgeBatch.convening_id == convening_id)
            .order_by(BadgeBatch.created_at.desc(), BadgeBatch.id.desc())
            .limit(limit)
        )
    )


def unnamed_registrations(batch: BadgeBatch) -> list[Registration]:
    """The registrations a batch printed without a readable name, for staff to fix and reprint."""
    ids = (batch.report or {}).get("unnamed") or []
    if not ids:
        return []
    registrations = db.session.scalars(
        select(Registration).where(Registration.convening_id == batch.convening_id, Registration.id.in_(ids))
    )
    return sorted(registrations, key=_sort_key)
