"""The figures of a convening's dashboard, each from one GROUP BY query rather than loading registrations."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import BigInteger, ColumnElement, cast, func, select
from sqlalchemy.orm import selectinload

from convening.audit.models import AuditEntry
from convening.audit.services import recent
from convening.convenings.models import Convening
from convening.extensions import db
from convening.mail.models import OutboxStatus
from convening.mail.services import outbox_counts
from convening.registration.models import Registration, RegistrationStatus
from convening.registration.services import Window, registration_window
from convening.staff.charts import BarChart, bar_chart, buckets

QUARTER_HOUR = 15 * 60  # every time zone's offset from UTC is a whole number of quarter hours


@dataclass(frozen=True)
class Seats:
    """Registrations of one ticket type (or all of them) by status, against its capacity."""

    name: str
    capacity: int | None  # None: no limit
    confirmed: int = 0
    pending_payment: int = 0
    waitlisted: int = 0
    cancelled: int = 0
    hidden: bool = False

    @property
    def taken(self) -> int:
        return self.confirmed + self.pending_payment

    @property
    def left(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.taken, 0)

    @property
    def percent_full(self) -> int | None:
        if self.capacity is None:
            return None
        return 100 if self.capacity == 0 else min(round(100 * self.taken / self.capacity), 100)


@dataclass
class Dashboard:
    """All the dashboard shows, gathered in a fixed handful of queries whatever the convening's size."""

    window: Window
    ticket_types: list[Seats]
    overall: Seats
    chart: BarChart | None  # None until someone registers
    activity: list[AuditEntry]
    newest: list[Registration]
    outbox: dict[OutboxStatus, int]  # messages per status, so failed mail is flagged where staff look first


def dashboard(convening: Convening, now: datetime, *, activity: int = 12, newest: int = 6) -> Dashboard:
    """The figures of one convening at `now`; the overall row adds up every ticket type's registrations."""
    counts = _status_counts(convening.id)
    rows = [
        _seats(ticket_type.name, ticket_type.capacity, counts.get(ticket_type.id, {}), ticket_type.is_hidden)
        for ticket_type in convening.ticket_types
    ]
    overall: Counter[RegistrationStatus] = Counter()
    for by_status in counts.values():
        overall.update(by_status)
    return Dashboard(
        window=registration_window(convening, now),
        ticket_types=rows,
        overall=_seats("All tickets", convening.capacity, overall),
        chart=registrations_chart(convening, now),
        activity=recent(convening.id, activity),
        newest=newest_registrations(convening.id, newest),
        outbox=outbox_counts(convening.id),
    )


def _seats(
    name: str, capacity: int | None, counts: dict[RegistrationStatus, int], hidden: bool = False
) -> Seats:
    return Seats(
        name=name,
        capacity=capacity,
        confirmed=counts.get(RegistrationStatus.CONFIRMED, 0),
        pending_payment=counts.get(RegistrationStatus.PENDING_PAYMENT, 0),
        waitlisted=counts.get(RegistrationStatus.WAITLISTED, 0),
        cancelled=counts.get(RegistrationStatus.CANCELLED, 0),
        hidden=hidden,
    )


def _status_counts(convening_id: int) -> dict[int, dict[RegistrationStatus, int]]:
    """{ticket type id: {status: registrations}}."""
    rows = db.session.execute(
        select(Registration.ticket_type_id, Registration.status, func.count())
        .where(Registration.convening_id == convening_id)
        .group_by(Registration.ticket_type_id, Registration.status)
    )
    counts: dict[int, dict[RegistrationStatus, int]] = {}
    for ticket_type_id, status, count in rows:
        counts.setdefault(ticket_type_id, {})[status] = count
    return counts


def registrations_by_day(convening: Convening) -> dict[date, int]:
    """New registrations (whatever became of them) per day as the convening's time zone sees the day.

    The database groups them by quarter hour of UTC, which neither engine needs a time zone table for,
    and each quarter hour falls wholly on one local day.
    """
    quarter = quarter_hour(Registration.created_at)
    rows = db.session.execute(
        select(quarter, func.count()).where(Registration.convening_id == convening.id).group_by(quarter)
    )
    daily: Counter[date] = Counter()
    for index, count in rows:
        moment = datetime.fromtimestamp(int(index) * QUARTER_HOUR, UTC)
        daily[convening.local(moment).date()] += count
    return dict(daily)


def quarter_hour(column: ColumnElement[datetime]) -> ColumnElement[int]:
    """Quarter hours since 1970 of a stored UTC time (SQLite keeps it as text, PostgreSQL as timestamptz)."""
    if db.session.get_bind().dialect.name == "sqlite":
        seconds = cast(func.strftime("%s", column), BigInteger)
    else:
        seconds = cast(func.floor(func.extract("epoch", column)), BigInteger)
    return seconds // QUARTER_HOUR


def chart_span(convening: Convening, daily: dict[date, int], today: date) -> tuple[date, date]:
    """From registration opening (or an earlier first registration) to today, closing day or the last one."""
    first, last = min(daily), max(daily)
    if convening.registration_opens_at:
        first = min(first, convening.local(convening.registration_opens_at).date())
    if convening.registration_closes_at:
        today = min(today, convening.local(convening.registration_closes_at).date())
    return first, max(last, today)


def registrations_chart(convening: Convening, now: datetime) -> BarChart | None:
    """Bars of new registrations over the registration window; None until someone has registered."""
    daily = registrations_by_day(convening)
    if not daily:
        return None
    return bar_chart(buckets(daily, *chart_span(convening, daily, convening.local(now).date())))


def newest_registrations(convening_id: int, limit: int) -> list[Registration]:
    return list(
        db.session.scalars(
            select(Registration)
            .where(Registration.convening_id == convening_id)
            .options(selectinload(Registration.ticket_type))
            .order_by(Registration.created_at.desc(), Registration.id.desc())
            .limit(limit)
        )
    )
