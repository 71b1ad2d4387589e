"""Loading the demo convening, so organizers and developers can see every page full of believable data.

Safe to run again: the convening, its program and its sponsors are created once, and sample attendees come
from one seeded sequence, so a second run with the same number of registrations adds nothing. Registrations go
through registration.services like any other, so seat counts, the waiting list and promotions stay right.
"""

from __future__ import annotations

import enum
import random
import secrets
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from itertools import islice
from typing import Any

from sqlalchemy import func, select

from convening.audit.services import Actor
from convening.badges.models import BadgeRole
from convening.checkin.models import CheckInResult, Station
from convening.checkin.services import Scan, check_in, create_station, undo
from convening.convenings.models import Convening
from convening.convenings.services import by_slug
from convening.demo import data, pictures
from convening.extensions import db
from convening.images.models import ImagePurpose
from convening.images.services import store_image
from convening.program.models import (
    ProgramSession,
    Room,
    SessionKind,
    SessionSpeaker,
    SlotKind,
    Speaker,
    SpeakerRole,
    TimeSlot,
    Track,
)
from convening.registration.models import DietaryNeed, Registration, RegistrationStatus, TicketType
from convening.registration.services import AttendeeDetails, StaffDetails, cancel, mark_paid, register
from convening.scheduling import seats
from convening.scheduling.choices import save_choices, star
from convening.scheduling.enums import SignupMode
from convening.scheduling.models import SeatSource
from convening.sponsors.models import Sponsor, SponsorTier

# Who the history of every sample registration names, so nobody mistakes them for real attendees' actions.
DEMO_DATA = Actor("Demo data (flask demo)")
SAMPLE_ACTIVITY_STARTS = data.REGISTRATION_OPENS_AT.astimezone(UTC)
SAMPLE_ACTIVITY_ENDS = data.SAMPLE_ACTIVITY_ENDS_AT.astimezone(UTC)


@dataclass
class DemoSummary:
    """What load_demo found and did, for the command's report."""

    convening_name: str
    slug: str
    created: bool  # False when the demo convening was already there
    registrations_added: int
    registrations_by_status: dict[RegistrationStatus, int]

    @property
    def registrations_total(self) -> int:
        return sum(self.registrations_by_status.values())


def load_demo(registrations: int = 200, *, seed: int = 2027) -> DemoSummary:
    """Create the demo convening if it is missing, then top its registrations up to `registrations` in all.

    Registrations are never removed: asking for fewer than are already there changes nothing.
    """
    if registrations < 0:
        raise ValueError("registrations must be zero or more")
    convening = by_slug(data.SLUG)
    created = convening is None
    if convening is None:
        convening = _create_convening()
    added = _top_up_registrations(convening, registrations, seed)
    if created:
        _add_breakout_signups(convening, seed)
        _add_check_ins(convening, seed)
    return DemoSummary(
        convening_name=convening.name,
        slug=convening.slug,
        created=created,
        registrations_added=added,
        registrations_by_status=_count_by_status(convening.id),
    )


# --- the convening, its program and sponsors ------------------------------------------------------


def _create_convening() -> Convening:
    convening = Convening(
        slug=data.SLUG,
        name=data.NAME,
        tagline=data.TAGLINE,
        description=data.DESCRIPTION,
        starts_on=data.STARTS_ON,
        ends_on=data.ENDS_ON,
        timezone=data.TIMEZONE,
        venue_name=data.VENUE_NAME,
        venue_address=data.VENUE_ADDRESS,
        city=data.CITY,
        state=data.STATE,
        contact_email=data.CONTACT_EMAIL,
        registration_opens_at=data.REGISTRATION_OPENS_AT.astimezone(UTC),
        registration_closes_at=data.REGISTRATION_CLOSES_AT.astimezone(UTC),
        capacity=data.CAPACITY,
        wifi_network=data.WIFI_NETWORK,
        wifi_password=data.WIFI_PASSWORD,
        emergency_contact=data.EMERGENCY_CONTACT,
        ticket_types=[
            TicketType(
                name=spec.name,
                description=spec.description,
                price_cents=spec.price_cents,
                currency="USD",
                capacity=spec.capacity,
                access_code=spec.access_code,
                badge_role=BadgeRole(spec.badge_role),
                position=position,
            )
            for position, spec in enumerate(data.TICKET_TYPES)
        ],
    )
    db.session.add(convening)
    db.session.flush()  # the program and sponsor rows need the convening's id
    _add_program(convening.id)
    _add_sponsors(convening.id)
    db.session.commit()
    return convening


def _local_to_utc(day: int, clock: time) -> datetime:
    """A time on the program, given in Minneapolis time, as stored: in UTC."""
    local = datetime.combine(data.STARTS_ON + timedelta(days=day), clock, tzinfo=data.ZONE)
    return local.astimezone(UTC)


def _add_program(convening_id: int) -> None:
    rooms = {
        spec.name: Room(
            convening_id=convening_id,
            name=spec.name,
            capacity=spec.capacity,
            floor=spec.floor,
            accessibility_notes=spec.accessibility_notes,
            position=position,
        )
        for position, spec in enumerate(data.ROOMS)
    }
    tracks = {
        spec.name: Track(convening_id=convening_id, name=spec.name, color=spec.color, position=position)
        for position, spec in enumerate(data.TRACKS)
    }
    slots = {
        spec.key: TimeSlot(
            convening_id=convening_id,
            starts_at=_local_to_utc(spec.day, spec.starts),
            ends_at=_local_to_utc(spec.day, spec.ends),
            kind=SlotKind(spec.kind),
            label=spec.label,
        )
        for spec in data.TIME_SLOTS
    }
    speakers = {spec.name: _speaker(convening_id, spec) for spec in data.SPEAKERS}
    sessions = []
    for spec in data.SESSIONS:
        kind = SessionKind(spec.kind)
        room = rooms[spec.room]
        sessions.append(
            ProgramSession(
                convening_id=convening_id,
                kind=kind,
                title=spec.title,
                description=spec.description,
                track=tracks[spec.track] if spec.track else None,
                room=room,
                time_slot=slots[spec.slot],
                # A workshop seats as many as its room; plenaries and meals are for everyone.
                capacity=room.capacity if kind == SessionKind.BREAKOUT else None,
                speakers=[
                    SessionSpeaker(speaker=speakers[name], role=SpeakerRole(role), position=position)
                    for position, (name, role) in enumerate(spec.speakers)
                ],
            )
        )
    db.session.add_all([*rooms.values(), *tracks.values(), *slots.values(), *speakers.values(), *sessions])


def _speaker(convening_id: int, spec: data.SpeakerSpec) -> Speaker:
    """A speaker with made-up contact details, links and a drawn portrait."""
    handle = _handle(spec.name)
    return Speaker(
        convening_id=convening_id,
        name=spec.name,
        title=spec.title,
        organization=spec.organization,
        bio=spec.bio,
        email=f"{handle}@example.com",
        links=[
            f"https://example.org/people/{handle.replace('.', '-')}",
            f"https://social.example.net/@{handle}",
        ],
        photo=store_image(convening_id, pictures.portrait(spec.name), ImagePurpose.SPEAKER_PHOTO),
    )


def _add_sponsors(convening_id: int) -> None:
    tiers = {
        name: SponsorTier(convening_id=convening_id, name=name, rank=rank)
        for rank, name in enumerate(data.SPONSOR_TIERS)
    }
    sponsors = [
        Sponsor(
            convening_id=convening_id,
            tier=tiers[spec.tier],
            name=spec.name,
            url=spec.url,
            acknowledgement=spec.acknowledgement,
            logo=store_image(convening_id, pictures.wordmark(spec.name), ImagePurpose.SPONSOR_LOGO),
            position=position,
        )
        for position, spec in enumerate(data.SPONSORS)
    ]
    db.session.add_all([*tiers.values(), *sponsors])


def _handle(name: str) -> str:
    """'Rev. Dr. Charlotte Mayfield' -> 'charlotte.mayfield', for made-up addresses and profiles."""
    return ".".join(_email_part(word) for word in pictures.name_words(name))


# --- sample registrations -------------------------------------------------------------------------


@dataclass(frozen=True)
class SampleAttendee:
    """A made-up attendee and what they do: register, perhaps pay, perhaps cancel, each at its moment."""

    details: AttendeeDetails
    ticket_type: str
    registers_at: datetime
    pays_at: datetime | None = None
    cancels_at: datetime | None = None


class _Step(enum.IntEnum):
    """What an attendee does; the order breaks ties between steps at the same moment."""

    REGISTER = 0
    PAY = 1
    CANCEL = 2


def _top_up_registrations(convening: Convening, target: int, seed: int) -> int:
    """Register the next sample attendees not yet present until the convening has `target` registrations.

    Every step is replayed in time order, so a seat freed by a cancellation goes to whoever was waiting then.
    """
    existing = db.session.scalar(
        select(func.count()).select_from(Registration).where(Registration.convening_id == convening.id)
    )
    if existing >= target:
        return 0
    present = set(
        db.session.scalars(select(Registration.email).where(Registration.convening_id == convening.id))
    )
    newcomers = list(
        islice(
            (attendee for attendee in sample_attendees(seed) if attendee.details.email not in present),
            target - existing,
        )
    )
    steps: list[tuple[datetime, _Step, int]] = []
    for index, attendee in enumerate(newcomers):
        steps.append((attendee.registers_at, _Step.REGISTER, index))
        if attendee.pays_at:
            steps.append((attendee.pays_at, _Step.PAY, index))
        if attendee.cancels_at:
            steps.append((attendee.cancels_at, _Step.CANCEL, index))
    steps.sort()

    ticket_types = {ticket_type.name: ticket_type for ticket_type in convening.ticket_types}
    # Ids rather than objects: every commit expires each object the session still holds, which would make
    # loading thousands of registrations slow.
    registration_ids: dict[int, int] = {}
    for moment, step, index in steps:
        attendee = newcomers[index]
        if step == _Step.REGISTER:
            ticket_type = ticket_types[attendee.ticket_type]
            registration = register(
                convening, ticket_type, attendee.details, now=moment, notify=False, actor=DEMO_DATA
            )
            registration_ids[index] = registration.id
        elif step == _Step.PAY:
            _mark_paid(db.session.get_one(Registration, registration_ids[index]), moment)
        else:
            cancel(
                db.session.get_one(Registration, registration_ids[index]),
                now=moment,
                notify=False,
                actor=DEMO_DATA,
            )
    return len(newcomers)


# --- breakout sign-ups ---------------------------------------------------------------------------------

# Slots I and II fill first come, first served; III and IV take ranked choices until registration closes.
RANKED_SLOTS = 2
# Slot I's first workshop is a hands-on clinic for 30, so it fills and its waiting list shows.
TOUR_SEATS = 30


def _add_breakout_signups(convening: Convening, seed: int) -> None:
    """Seats, waiting places, ranked choices and stars as they would stand a week before the convening."""
    rng = random.Random(seed + 1)
    slots = list(
        db.session.scalars(
            select(TimeSlot)
            .where(TimeSlot.convening_id == convening.id, TimeSlot.kind == SlotKind.BREAKOUT)
            .order_by(TimeSlot.starts_at)
        )
    )
    closes = data.REGISTRATION_CLOSES_AT.astimezone(UTC)
    for slot in slots[-RANKED_SLOTS:]:
        slot.signup_mode = SignupMode.RANKED
        slot.choices_close_at = closes
    workshops = {
        slot.id: list(
            db.session.scalars(
                select(ProgramSession)
                .where(ProgramSession.time_slot_id == slot.id, ProgramSession.kind == SessionKind.BREAKOUT)
                .order_by(ProgramSession.id)
            )
        )
        for slot in slots
    }
    workshops[slots[0].id][0].capacity = TOUR_SEATS
    db.session.commit()
    # Some workshops draw more people than others, as they do.
    appeal = {w.id: rng.uniform(0.2, 1.0) ** 2 for each in workshops.values() for w in each}
    people = list(
        db.session.scalars(
            select(Registration)
            .where(
                Registration.convening_id == convening.id,
                Registration.status == RegistrationStatus.CONFIRMED,
            )
            .order_by(Registration.created_at, Registration.id)
        )
    )
    before = closes - timedelta(days=2)

    def wanted(options: list[ProgramSession], count: int) -> list[ProgramSession]:
        pool = list(options)
        picked = []
        while pool and len(picked) < count:
            choice = rng.choices(pool, [appeal[w.id] for w in pool])[0]
            picked.append(choice)
            pool.remove(choice)
        return picked

    for person in people:
        for slot in slots[:-RANKED_SLOTS]:
            if rng.random() > 0.85:
                continue
            first, *others = wanted(workshops[slot.id], len(workshops[slot.id]))
            if seats.take_seat(person, first, source=SeatSource.ATTENDEE, now=before) is None:
                backup = next(
                    (w for w in others if seats.take_seat(person, w, source=SeatSource.ATTENDEE, now=before)),
                    None,
                )
                if backup is not None or rng.random() < 0.5:
                    seats.join_waiting_list(person, first, now=before)
        db.session.commit()
        for slot in slots[-RANKED_SLOTS:]:
            if rng.random() < 0.8:
                save_choices(person, slot, [w.id for w in wanted(workshops[slot.id], 3)], now=before)
        for workshop in wanted([w for each in workshops.values() for w in each], rng.randrange(0, 4)):
            star(person, workshop.id, now=before)


# --- the first morning at the doors ---------------------------------------------------------------------

DOORS_OPEN = time(7, 45)


def _add_check_ins(convening: Convening, seed: int) -> None:
    """The first morning as the check-in dashboard would show it at 9:30: about half the confirmed people in,
    through two front-door stations and one workshop door, with the usual mishaps (a badge scanned twice,
    a stranger's code, an unpaid person, a wrong name taken back, and two offline stations that both let
    one person in)."""
    rng = random.Random(seed)
    front = create_station(convening, "Front door · left", session_id=None, actor=DEMO_DATA).station
    side = create_station(convening, "Front door · right", session_id=None, actor=DEMO_DATA).station
    workshop = db.session.scalars(
        select(ProgramSession)
        .join(TimeSlot, TimeSlot.id == ProgramSession.time_slot_id)
        .where(ProgramSession.convening_id == convening.id, ProgramSession.kind == SessionKind.BREAKOUT)
        .order_by(TimeSlot.starts_at, ProgramSession.id)
        .limit(1)
    ).first()
    door = create_station(
        convening, "Workshop door", session_id=workshop.id if workshop else None, actor=DEMO_DATA
    ).station
    people = list(
        db.session.execute(
            select(Registration.id, Registration.badge_token, Registration.status)
            .where(Registration.convening_id == convening.id)
            .order_by(Registration.id)
        )
    )
    confirmed = [
        (number, token) for number, token, status in people if status == RegistrationStatus.CONFIRMED
    ]
    arriving = rng.sample(confirmed, len(confirmed) // 2)
    opens = _local_to_utc(0, DOORS_OPEN)

    def scan(station: Station, text: str, at: datetime, **extra: Any) -> str:
        nonce = secrets.token_hex(8)
        label = f"Station {station.name}"
        check_in(convening.id, Scan(text, nonce, at, station, station.session_id, label, **extra))
        return nonce

    for index, (_, token) in enumerate(arriving):
        # Most arrive in the half hour before the 8:30 opening keynote.
        at = opens + timedelta(minutes=min(104, int(rng.triangular(0, 105, 40))), seconds=rng.randrange(60))
        scan(front if index % 2 else side, token, at)
        if index % 25 == 3:  # a second scan of the same badge at the other station, moments later
            scan(side if index % 2 else front, token, at + timedelta(seconds=40))
    scan(front, "https://example.org/not-a-badge", opens + timedelta(minutes=30))
    unpaid = [token for _, token, status in people if status == RegistrationStatus.PENDING_PAYMENT]
    if unpaid:
        scan(side, unpaid[0], opens + timedelta(minutes=35))
    late = [person for person in confirmed if person not in arriving]
    if len(late) >= 2:
        # A volunteer tapped the wrong name in the search and took it back.
        wrong = scan(front, "", opens + timedelta(minutes=50), registration_id=late[0][0])
        undo(convening.id, wrong, station=front, by_label=f"Station {front.name}")
        # The Wi-Fi dropped: both stations let the same person in, and synced afterwards.
        scan(front, late[1][1], opens + timedelta(minutes=62), local_result=CheckInResult.OK)
        scan(side, late[1][1], opens + timedelta(minutes=64), local_result=CheckInResult.OK)
    if workshop is not None and workshop.time_slot is not None:
        for _, token in arriving[: max(1, len(arriving) // 6)]:
            scan(door, token, workshop.time_slot.starts_at - timedelta(minutes=rng.randrange(1, 8)))


def _mark_paid(registration: Registration, moment: datetime) -> None:
    """Paid by check or transfer, as staff record it for now; a waitlisted partner has no seat to pay for."""
    if registration.status == RegistrationStatus.PENDING_PAYMENT:
        mark_paid(registration, actor=DEMO_DATA, now=moment, notify=False)


def _count_by_status(convening_id: int) -> dict[RegistrationStatus, int]:
    rows = db.session.execute(
        select(Registration.status, func.count())
        .where(Registration.convening_id == convening_id)
        .group_by(Registration.status)
    )
    counts = {status: count for status, count in rows}
    return {status: counts.get(status, 0) for status in RegistrationStatus}


_TRADITION_WEIGHTS = [tradition.weight for tradition in data.NAME_TRADITIONS]
_EMAIL_FOLDS = str.maketrans({"đ": "d", "Đ": "D", "ł": "l"})  # letters NFKD leaves as they are


def sample_attendees(seed: int) -> Iterator[SampleAttendee]:
    """The endless, always identical sequence of sample attendees for a seed; featured people first."""
    inventor = _Inventor(random.Random(seed))
    for person in data.FEATURED_ATTENDEES:
        inventor.emails.add(person.email)
        yield _featured(person, inventor.rng)
    while True:
        yield inventor.invent()


def _featured(person: data.FeaturedAttendee, rng: random.Random) -> SampleAttendee:
    details = StaffDetails(
        badge_role=BadgeRole(person.badge_role) if person.badge_role else None,
        first_name=person.first_name,
        family_name=person.family_name,
        badge_name=person.badge_name,
        email=person.email,
        pronouns=person.pronouns,
        title=person.title,
        organization=person.organization,
        city=person.city,
        state=person.state,
        dietary=DietaryNeed(person.dietary),
        listed_in_directory=True,
        photo_consent=True,
    )
    return SampleAttendee(details, person.ticket_type, registers_at=_registration_moment(rng))


@dataclass
class _Inventor:
    """Makes up attendees, remembering the emails and mayoralties handed out so none is given twice."""

    rng: random.Random
    emails: set[str] = field(default_factory=set)
    cities_with_mayor: set[str] = field(default_factory=set)

    def invent(self) -> SampleAttendee:
        rng = self.rng
        tradition = rng.choices(data.NAME_TRADITIONS, weights=_TRADITION_WEIGHTS)[0]
        gender = rng.choices(("woman", "man", "neutral"), weights=(49, 47, 4))[0]
        given_names = {"woman": tradition.women, "man": tradition.men}.get(gender, data.GENDER_NEUTRAL_NAMES)
        first_name = rng.choice(given_names)
        # Families mix: some people carry a family name from another tradition.
        family_tradition = rng.choice(data.NAME_TRADITIONS) if rng.random() < 0.12 else tradition
        family_name = rng.choice(family_tradition.family_names)
        ticket_type = rng.choices(
            (data.ELECTED_OFFICIAL, data.PARTNER_ORGANIZATION, data.STAFF_AND_GUESTS), weights=(77, 20, 3)
        )[0]
        title, organization, city, state, area_code = self._affiliation(ticket_type)
        dietary, dietary_notes = _dietary_need(rng, tradition)
        email = self._unique_email(first_name, family_name)
        self.emails.add(email)
        details = AttendeeDetails(
            first_name=first_name,
            family_name=family_name,
            email=email,
            pronouns=_pronouns(rng, gender),
            title=title,
            organization=organization,
            city=city,
            state=state,
            phone=f"({area_code}) 555-01{rng.randrange(100):02d}" if rng.random() < 0.6 else "",
            dietary=dietary,
            dietary_notes=dietary_notes,
            accessibility_needs=rng.choice(data.ACCESSIBILITY_NEEDS) if rng.random() < 0.04 else "",
            listed_in_directory=rng.random() < 0.7,
            photo_consent=rng.random() < 0.8,
        )
        if ticket_type == data.STAFF_AND_GUESTS:  # the host's own staff, whose badges say so
            details = StaffDetails(**vars(details), badge_role=BadgeRole.STAFF)
        registers_at = _registration_moment(rng)
        pays_at = None
        if ticket_type == data.PARTNER_ORGANIZATION and rng.random() < 0.9:
            paid = (registers_at + timedelta(hours=rng.uniform(1, 240))).replace(microsecond=0)
            pays_at = paid if paid < SAMPLE_ACTIVITY_ENDS else None  # recent registrants have not paid yet
        cancels_at = None
        if rng.random() < 0.04:
            cancels_at = (registers_at + (SAMPLE_ACTIVITY_ENDS - registers_at) * rng.random()).replace(
                microsecond=0
            )
        return SampleAttendee(details, ticket_type, registers_at, pays_at, cancels_at)

    def _affiliation(self, ticket_type: str) -> tuple[str, str, str, str, str]:
        """Title, organization, city, state and area code, fitting the ticket type."""
        rng = self.rng
        place = rng.choice(data.PLACES)
        where = (place.city, place.state, place.area_code)
        if ticket_type == data.PARTNER_ORGANIZATION:
            return rng.choice(data.PARTNER_TITLES), rng.choice(data.PARTNER_ORGANIZATIONS), *where
        if ticket_type == data.STAFF_AND_GUESTS:
            return rng.choice(data.STAFF_TITLES), data.HOST_ORGANIZATION, *where
        roll = rng.random()
        if roll < 0.06:
            township = rng.choice(data.TOWNSHIPS)
            return township.title, township.name, township.city, township.state, township.area_code
        if roll < 0.11 and place.state in data.STATE_HOUSES:
            return "State Representative", data.STATE_HOUSES[place.state], *where
        if roll < 0.27 and place.county and place.county_title:
            return place.county_title, place.county, *where
        if roll < 0.43:
            return rng.choice(("School Board Member", "School Board Trustee")), place.school_district, *where
        if roll < 0.50 and place.city not in self.cities_with_mayor:
            self.cities_with_mayor.add(place.city)
            return "Mayor", place.government, *where
        return place.council_title, place.government, *where

    def _unique_email(self, first_name: str, family_name: str) -> str:
        first, family = _email_part(first_name), _email_part(family_name)
        local = self.rng.choice(
            (f"{first}.{family}", f"{first}{family}", f"{first[0]}{family}", f"{first}_{family}")
        )
        domain = self.rng.choice(data.EMAIL_DOMAINS)
        email, number = f"{local}@{domain}", 2
        while email in self.emails:
            email, number = f"{local}{number}@{domain}", number + 1
        return email


def _email_part(name: str) -> str:
    """'Ó Súilleabháin' -> 'osuilleabhain': accents dropped, only ASCII letters and digits kept."""
    decomposed = unicodedata.normalize("NFKD", name.translate(_EMAIL_FOLDS)).lower()
    return "".join(char for char in decomposed if char.isascii() and char.isalnum())


def _registration_moment(rng: random.Random) -> datetime:
    """Sometime between the opening of registration and the end of the sample story, busiest early on."""
    span = SAMPLE_ACTIVITY_ENDS - SAMPLE_ACTIVITY_STARTS
    return (SAMPLE_ACTIVITY_STARTS + span * rng.random() ** 1.6).replace(microsecond=0)


def _pronouns(rng: random.Random, gender: str) -> str:
    """About half of attendees share pronouns."""
    roll = rng.random()
    if gender == "neutral":
        return "they/them" if roll < 0.6 else ""
    if roll < 0.5:
        return ""
    if roll < 0.94:
        return "she/her" if gender == "woman" else "he/him"
    return "she/they" if gender == "woman" else "he/they"


_COMMON_DIETS = (
    DietaryNeed.NONE,
    DietaryNeed.VEGETARIAN,
    DietaryNeed.VEGAN,
    DietaryNeed.GLUTEN_FREE,
    DietaryNeed.HALAL,
    DietaryNeed.KOSHER,
    DietaryNeed.OTHER,
)
_COMMON_DIET_WEIGHTS = (66, 14, 6, 6, 1, 1, 6)


def _dietary_need(rng: random.Random, tradition: data.NameTradition) -> tuple[DietaryNeed, str]:
    if rng.random() < tradition.halal_share:
        return DietaryNeed.HALAL, ""
    if rng.random() < tradition.kosher_share:
        return DietaryNeed.KOSHER, ""
    need = rng.choices(_COMMON_DIETS, weights=_COMMON_DIET_WEIGHTS)[0]
    return need, rng.choice(data.DIETARY_NOTES) if need == DietaryNeed.OTHER else ""
