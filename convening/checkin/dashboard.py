"""The live check-in dashboard's figures: a fixed handful of GROUP BY queries, whatever the crowd's size.

An admission counts while nobody took it back: a scan answered "ok" without a CheckInUndo row. The front
door is the scans with no session; a session's door is the scans with its id. Times stay UTC here; the
convening's time zone only decides which day and which quarter hours the arrivals chart shows.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import aliased

from convening.checkin.models import CheckIn, CheckInResult, CheckInUndo, Station
from convening.checkin.services import standing
from convening.extensions import db
from convening.formatting import clock
from convening.program.models import ProgramSession, Room, TimeSlot
from convening.registration.models import Registration, RegistrationStatus, TicketType
from convening.staff.charts import CHAR_WIDTH, BarChart, Bucket, Label, bar_chart
from convening.staff.services import QUARTER_HOUR, quarter_hour

MAX_BARS = 48  # twelve hours of quarter hours; a longer day is drawn 30, 60 or 120 minutes per bar
RECENT_SCANS = 20


def _standing(convening_id: int) -> ColumnElement[bool]:
    """The convening's admissions that nobody took back."""
    return and_(CheckIn.convening_id == convening_id, standing())


@dataclass(frozen=True)
class Arrivals:
    """Front-door admissions per bar over one day; `chart` is None until someone is checked in."""

    day: date | None  # today when anyone arrived today, else the busiest day
    minutes_per_bar: int
    chart: BarChart | None
    per_day: list[tuple[date, int]]  # every day with arrivals, so the other days stay in view


@dataclass(frozen=True)
class TicketRow:
    name: str
    registered: int  # confirmed registrations
    checked_in: int

    @property
    def percent(self) -> int | None:
        return None if self.registered == 0 else min(round(100 * self.checked_in / self.registered), 100)


@dataclass(frozen=True)
class SessionDoor:
    title: str
    starts_at: datetime | None
    admitted: int
    capacity: int | None  # the session's, else its room's; None: no limit

    @property
    def full(self) -> bool:
        return self.capacity is not None and self.admitted >= self.capacity


@dataclass(frozen=True)
class RecentScan:
    scanned_at: datetime
    station: str  # the station's name, or who scanned when no station did
    name: str | None  # None: the badge matched nobody
    scanned_text: str
    result: CheckInResult
    offline: bool  # decided by the station itself while offline, sent later
    undone: bool  # an admission taken back


@dataclass(frozen=True)
class StationRow:
    name: str
    door: str
    last_contact: datetime | None  # its last request, or the newest scan it sent if that is later
    scans: int
    revoked_at: datetime | None


@dataclass(frozen=True)
class Conflict:
    """A badge shown green by an offline station although it had been admitted (or refused) already."""

    name: str
    station: str
    scanned_at: datetime
    result: CheckInResult  # what we answered when the scan arrived
    first_station: str | None  # the station (or staff member) that admitted first; None: nobody did
    first_at: datetime | None


@dataclass(frozen=True)
class CheckInDashboard:
    checked_in: int  # people admitted at the front door
    registered: int  # confirmed registrations
    arrivals: Arrivals
    tickets: list[TicketRow]
    sessions: list[SessionDoor]
    recent: list[RecentScan]
    stations: list[StationRow]
    conflicts: list[Conflict]
    generated_at: datetime


def checkin_dashboard(convening_id: int, zone: ZoneInfo, now: datetime) -> CheckInDashboard:
    """Everything the dashboard shows at `now`, in seven queries however many scans there are."""
    tickets = ticket_rows(convening_id)
    return CheckInDashboard(
        checked_in=sum(row.checked_in for row in tickets),
        registered=sum(row.registered for row in tickets),
        arrivals=arrivals(convening_id, zone, now),
        tickets=tickets,
        sessions=session_doors(convening_id),
        recent=recent_scans(convening_id),
        stations=station_rows(convening_id),
        conflicts=conflicts(convening_id),
        generated_at=now,
    )


def ticket_rows(convening_id: int) -> list[TicketRow]:
    """Confirmed registrations against people admitted at the front door, per ticket type in its order.

    Someone admitted whose registration was cancelled afterwards still counts as checked in: they came.
    """
    registered = db.session.execute(
        select(TicketType.id, TicketType.name, func.count(Registration.id))
        .outerjoin(
            Registration,
            and_(
                Registration.ticket_type_id == TicketType.id,
                Registration.status == RegistrationStatus.CONFIRMED,
            ),
        )
        .where(TicketType.convening_id == convening_id)
        .group_by(TicketType.id, TicketType.name, TicketType.position)
        .order_by(TicketType.position, TicketType.id)
    ).all()
    checked_in: dict[int, int] = dict(
        db.session.execute(
            select(Registration.ticket_type_id, func.count(func.distinct(CheckIn.registration_id)))
            .select_from(CheckIn)
            .join(Registration, Registration.id == CheckIn.registration_id)
            .where(_standing(convening_id), CheckIn.session_id.is_(None))
            .group_by(Registration.ticket_type_id)
        ).all()
    )
    return [TicketRow(name, count, checked_in.get(type_id, 0)) for type_id, name, count in registered]


def session_doors(convening_id: int) -> list[SessionDoor]:
    """Each session with a station at its door or any scan there, in programme order."""
    admitted = (
        select(CheckIn.session_id, func.count(func.distinct(CheckIn.registration_id)).label("admitted"))
        .where(_standing(convening_id), CheckIn.session_id.is_not(None))
        .group_by(CheckIn.session_id)
        .subquery()
    )
    with_door = or_(
        ProgramSession.id.in_(
            select(Station.session_id).where(
                Station.convening_id == convening_id, Station.session_id.is_not(None)
            )
        ),
        ProgramSession.id.in_(
            select(CheckIn.session_id).where(
                CheckIn.convening_id == convening_id, CheckIn.session_id.is_not(None)
            )
        ),
    )
    rows = db.session.execute(
        select(
            ProgramSession.title,
            TimeSlot.starts_at,
            func.coalesce(admitted.c.admitted, 0),
            func.coalesce(ProgramSession.capacity, Room.capacity),
        )
        .outerjoin(TimeSlot, TimeSlot.id == ProgramSession.time_slot_id)
        .outerjoin(Room, Room.id == ProgramSession.room_id)
        .outerjoin(admitted, admitted.c.session_id == ProgramSession.id)
        .where(ProgramSession.convening_id == convening_id, with_door)
        .order_by(TimeSlot.starts_at.is_(None), TimeSlot.starts_at, ProgramSession.title, ProgramSession.id)
    ).all()
    return [SessionDoor(title, starts_at, count, capacity) for title, starts_at, count, capacity in rows]


def recent_scans(convening_id: int, limit: int = RECENT_SCANS) -> list[RecentScan]:
    """The newest scans by the scanning device's clock, admitted or not."""
    rows = db.session.execute(
        select(
            CheckIn.scanned_at,
            Station.name,
            CheckIn.by_label,
            Registration.first_name,
            Registration.family_name,
            CheckIn.scanned_text,
            CheckIn.result,
            CheckIn.local_result,
            CheckInUndo.id,
        )
        .outerjoin(Station, Station.id == CheckIn.station_id)
        .outerjoin(Registration, Registration.id == CheckIn.registration_id)
        .outerjoin(CheckInUndo, CheckInUndo.check_in_id == CheckIn.id)
        .where(CheckIn.convening_id == convening_id)
        .order_by(CheckIn.scanned_at.desc(), CheckIn.id.desc())
        .limit(limit)
    ).all()
    return [
        RecentScan(
            scanned_at=scanned_at,
            station=station or by_label,
            name=f"{first} {family}".strip() if first is not None else None,
            scanned_text=text,
            result=result,
            offline=local_result is not None,
            undone=undo_id is not None,
        )
        for scanned_at, station, by_label, first, family, text, result, local_result, undo_id in rows
    ]


def station_rows(convening_id: int) -> list[StationRow]:
    """Every station, active ones first, with its last contact and how many scans it sent."""
    sent = (
        select(
            CheckIn.station_id,
            func.count(CheckIn.id).label("scans"),
            func.max(CheckIn.recorded_at).label("newest"),
        )
        .where(CheckIn.convening_id == convening_id, CheckIn.station_id.is_not(None))
        .group_by(CheckIn.station_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Station, ProgramSession.title, sent.c.scans, sent.c.newest)
        .outerjoin(ProgramSession, ProgramSession.id == Station.session_id)
        .outerjoin(sent, sent.c.station_id == Station.id)
        .where(Station.convening_id == convening_id)
        .order_by(Station.revoked_at.is_not(None), Station.name, Station.id)
    ).all()
    return [
        StationRow(
            name=station.name,
            door=title or "Front door",
            last_contact=max((moment for moment in (station.last_seen_at, newest) if moment), default=None),
            scans=scans or 0,
            revoked_at=station.revoked_at,
        )
        for station, title, scans, newest in rows
    ]


def conflicts(convening_id: int) -> list[Conflict]:
    """Offline green lights we did not confirm, each beside the admission that stood first at that door."""
    conflicting = aliased(CheckIn)
    conflict_station = aliased(Station)
    first = (
        select(
            CheckIn.registration_id,
            CheckIn.session_id,
            CheckIn.scanned_at,
            func.coalesce(Station.name, CheckIn.by_label).label("station"),
            func.row_number()
            .over(
                partition_by=(CheckIn.registration_id, CheckIn.session_id),
                order_by=(CheckIn.scanned_at, CheckIn.id),
            )
            .label("rank"),
        )
        .outerjoin(Station, Station.id == CheckIn.station_id)
        .where(_standing(convening_id), CheckIn.registration_id.is_not(None))
        .subquery()
    )
    rows = db.session.execute(
        select(
            Registration.first_name,
            Registration.family_name,
            conflict_station.name,
            conflicting.by_label,
            conflicting.scanned_at,
            conflicting.result,
            first.c.station,
            first.c.scanned_at,
        )
        .select_from(conflicting)
        .join(Registration, Registration.id == conflicting.registration_id)
        .outerjoin(conflict_station, conflict_station.id == conflicting.station_id)
        .outerjoin(
            first,
            and_(
                first.c.registration_id == conflicting.registration_id,
                first.c.session_id.is_not_distinct_from(conflicting.session_id),
                first.c.rank == 1,
            ),
        )
        .where(
            conflicting.convening_id == convening_id,
            conflicting.local_result == CheckInResult.OK,
            conflicting.result != CheckInResult.OK,
        )
        .order_by(conflicting.scanned_at.desc(), conflicting.id.desc())
    ).all()
    return [
        Conflict(
            name=f"{first_name} {family_name}".strip(),
            station=station or by_label,
            scanned_at=scanned_at,
            result=result,
            first_station=first_station if first_at is not None else None,
            first_at=first_at,
        )
        for first_name, family_name, station, by_label, scanned_at, result, first_station, first_at in rows
    ]


def arrivals(convening_id: int, zone: ZoneInfo, now: datetime) -> Arrivals:
    """Front-door admissions per quarter hour (longer bars on a long day) on the day that matters.

    The database groups them by quarter hour of UTC, as the registrations chart does; every time zone's
    offset is a whole number of quarter hours, so each falls wholly on one local day.
    """
    quarter = quarter_hour(CheckIn.scanned_at)
    rows = db.session.execute(
        select(quarter, func.count(CheckIn.id))
        .where(_standing(convening_id), CheckIn.session_id.is_(None))
        .group_by(quarter)
    ).all()
    per_quarter = {int(index): count for index, count in rows}
    per_day: Counter[date] = Counter()
    for index, count in per_quarter.items():
        per_day[_moment(index).astimezone(zone).date()] += count
    if not per_day:
        return Arrivals(None, 15, None, [])
    today = now.astimezone(zone).date()
    day = today if today in per_day else max(sorted(per_day), key=lambda each: per_day[each])
    quarters = sorted(index for index in per_quarter if _moment(index).astimezone(zone).date() == day)
    # From the whole hour of the first arrival to the end of the last one's quarter: an hour at least.
    first_local = _moment(quarters[0]).astimezone(zone)
    start = quarters[0] - first_local.minute // 15
    end = max(quarters[-1] + 1, start + 4)
    size = next(size for size in (1, 2, 4, 8) if math.ceil((end - start) / size) <= MAX_BARS)
    counts = [0] * math.ceil((end - start) / size)
    for index in quarters:
        counts[(index - start) // size] += per_quarter[index]
    starts = [_moment(start + bar * size).astimezone(zone) for bar in range(len(counts))]
    data = [
        Bucket(start=moment, end=moment + timedelta(minutes=15 * size), count=count)
        for moment, count in zip(starts, counts, strict=True)
    ]
    chart = bar_chart(data)
    return Arrivals(
        day, 15 * size, replace(chart, labels=_clock_labels(chart, starts)), sorted(per_day.items())
    )


def _moment(quarter_index: int) -> datetime:
    return datetime.fromtimestamp(quarter_index * QUARTER_HOUR, UTC)


def _clock_labels(chart: BarChart, starts: list[datetime]) -> list[Label]:
    """Whole hours ('9 AM') at the edges of the bars they start, every hour or fewer so none touch."""
    band = (chart.right - chart.left) / len(starts)
    hours = [index for index, moment in enumerate(starts) if moment.minute == 0]
    if not hours:
        return [Label(round(chart.left + band / 2, 2), clock(starts[0]))]
    widest = max(len(_hour(starts[index])) for index in hours) * CHAR_WIDTH
    gap = 2 * CHAR_WIDTH
    room = max(1, int((chart.right - chart.left) // (widest + gap)))
    labels: list[Label] = []
    for index in hours[:: math.ceil(len(hours) / room)]:
        text = _hour(starts[index])
        half = len(text) * CHAR_WIDTH / 2
        x = min(max(chart.left + band * index, chart.left + half), chart.width - half)
        if labels and x - half < labels[-1].x + len(labels[-1].text) * CHAR_WIDTH / 2 + gap:
            continue  # pushed inside the box, it would touch its neighbour
        labels.append(Label(round(x, 2), text))
    return labels


def _hour(moment: datetime) -> str:
    """'9 AM', '12 PM'."""
    return f"{moment.hour % 12 or 12} {'AM' if moment.hour < 12 else 'PM'}"
