"""Forms for a convening's settings and ticket types, with fields for dates, local times, seats and money.

Each field keeps what was typed, so a refused form shows it again beside a message that says what to type.
Local times are read in the convening's time zone and handed to the services as UTC.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from flask_wtf import FlaskForm
from wtforms import Field, SelectChoice, SelectField
from wtforms.validators import DataRequired, ValidationError

from convening.badges.models import BadgeRole
from convening.convenings.models import Convening
from convening.convenings.services import (
    CONVENING_FIELDS,
    ConveningSettings,
    TicketTypeSettings,
    time_zones,
)
from convening.formatting import CURRENCY_SYMBOLS
from convening.forms import BlockField, LineField, TypedField, email_address, filled, utc_from_local
from convening.registration.models import TicketType

FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_SEATS = 1_000_000
MAX_PRICE_CENTS = 100_000_00
LOCAL_INPUT_FORMAT = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> sends and shows

# Where US convenings meet: the mainland from east to west, then Alaska, Hawaii and the territories.
US_TIME_ZONES = (
    ("America/New_York", "Eastern"),
    ("America/Chicago", "Central"),
    ("America/Denver", "Mountain"),
    ("America/Phoenix", "Arizona (no daylight saving time)"),
    ("America/Los_Angeles", "Pacific"),
    ("America/Anchorage", "Alaska"),
    ("Pacific/Honolulu", "Hawaii"),
    ("America/Puerto_Rico", "Puerto Rico and the US Virgin Islands"),
    ("Pacific/Guam", "Guam and the Northern Mariana Islands"),
    ("Pacific/Pago_Pago", "American Samoa"),
)


def time_zone_choices() -> list[SelectChoice]:
    """US zones first, by their everyday names, then every other IANA zone in alphabetical order."""
    us = [SelectChoice(key, f"{label} ({key})", optgroup="United States") for key, label in US_TIME_ZONES]
    listed = {key for key, _ in US_TIME_ZONES}
    others = [
        SelectChoice(key, key.replace("_", " "), optgroup="Other time zones")
        for key in sorted(time_zones() - listed)
    ]
    return us + others


def known_time_zone(form: Any, field: Field) -> None:
    if field.data not in time_zones():
        raise ValidationError("Choose a time zone from the list.")


def known_currency(form: Any, field: Field) -> None:
    if field.data not in CURRENCY_SYMBOLS:
        raise ValidationError("Choose a currency from the list.")


class DayField(TypedField):
    """A date from <input type="date">."""

    def parse(self, text: str) -> date:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            try:
                day = date.fromisoformat(text)
            except ValueError:
                pass
            else:
                if FIRST_YEAR <= day.year <= LAST_YEAR:
                    return day
        raise ValueError("Enter a date like 2027-06-15.")

    def format(self, value: date) -> str:
        return value.isoformat()


class LocalTimeField(TypedField):
    """A wall-clock date and time from <input type="datetime-local">, without a time zone yet."""

    def parse(self, text: str) -> datetime:
        match = re.fullmatch(r"(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?", text)
        if match:
            try:
                moment = datetime.fromisoformat(f"{match[1]}T{match[2]}")
            except ValueError:
                pass
            else:
                if FIRST_YEAR <= moment.year <= LAST_YEAR:
                    return moment
        raise ValueError("Enter a date and time like 2027-03-01 09:00.")

    def format(self, value: datetime) -> str:
        return value.strftime(LOCAL_INPUT_FORMAT)


class SeatsField(TypedField):
    """A number of seats; blank means no limit."""

    def parse(self, text: str) -> int:
        digits = text.replace(",", "")
        if text.startswith("-"):
            raise ValueError("Enter zero or more seats, or leave it blank for no limit.")
        if not re.fullmatch(r"\d{1,12}", digits):
            raise ValueError("Enter a whole number of seats, like 500, or leave it blank for no limit.")
        if int(digits) > MAX_SEATS:
            raise ValueError(f"Enter at most {MAX_SEATS:,} seats, or leave it blank for no limit.")
        return int(digits)


class MoneyField(TypedField):
    """Dollars (or another currency) and cents as typed, "250" or "250.00" or "$1,250.50", kept as cents."""

    def parse(self, text: str) -> int:
        amount = text.removeprefix("$").strip()
        if amount.startswith("-"):
            raise ValueError("A price cannot be negative; enter 0 for a free ticket.")
        if not re.fullmatch(r"(\d{1,3}(,\d{3})+|\d{1,9})(\.\d{1,2})?", amount):
            raise ValueError(
                "Enter the price in dollars and cents, like 250 or 250.00 (0 for a free ticket)."
            )
        cents = int(Decimal(amount.replace(",", "")) * 100)
        if cents > MAX_PRICE_CENTS:
            raise ValueError(f"Enter a price below {MAX_PRICE_CENTS // 100:,}.")
        return cents

    def format(self, value: int) -> str:
        whole, cents = divmod(value, 100)
        return f"{whole}.{cents:02d}" if cents else str(whole)


class _ZonedForm(FlaskForm):
    """A form with local times, read in a time zone; each time is checked to exist there."""

    def zone(self) -> ZoneInfo:
        raise NotImplementedError

    def utc(self, field: LocalTimeField) -> datetime | None:
        return None if field.data is None else utc_from_local(field.data, self.zone())

    def check_exists(self, field: LocalTimeField) -> None:
        if field.data is None:
            return
        try:
            self.utc(field)
        except ValueError as error:
            raise ValidationError(
                f"{error}: the clocks skip it when daylight saving time starts. Choose another time."
            ) from None


class ConveningSettingsForm(_ZonedForm):
    name = LineField("Name", max_length=200, validators=[DataRequired("Enter the name of the convening.")])
    tagline = LineField("Tagline", max_length=300)
    description = BlockField("Description", max_length=5000)
    starts_on = DayField("First day", validators=[filled("Enter the first day of the convening.")])
    ends_on = DayField("Last day", validators=[filled("Enter the last day of the convening.")])
    timezone = SelectField("Time zone", validate_choice=False, validators=[known_time_zone])
    venue_name = LineField("Venue", max_length=200)
    venue_address = LineField("Venue address", max_length=300)
    city = LineField("City", max_length=100)
    state = LineField("State", max_length=100)
    contact_email = LineField("Contact email", max_length=254, validators=[email_address])
    registration_opens_at = LocalTimeField("Registration opens")
    registration_closes_at = LocalTimeField("Registration closes")
    capacity = SeatsField("Overall capacity", render_kw={"inputmode": "numeric"})
    wifi_network = LineField("Wi-Fi network", max_length=100)
    wifi_password = LineField("Wi-Fi password", max_length=100)
    emergency_contact = LineField("Emergency contact", max_length=200)

    def __init__(self, convening: Convening, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.convening = convening
        self.timezone.choices = time_zone_choices()

    @classmethod
    def of(cls, convening: Convening) -> ConveningSettingsForm:
        """The form filled in with the convening as it stands, times on its own clock."""
        values = {name: getattr(convening, name) for name in CONVENING_FIELDS}
        for name in ("registration_opens_at", "registration_closes_at"):
            if values[name] is not None:
                values[name] = convening.local(values[name]).replace(tzinfo=None)
        return cls(convening, data=values)

    def zone(self) -> ZoneInfo:
        """The zone chosen on the form (times typed with it follow it), or the convening's own."""
        return ZoneInfo(self.timezone.data if self.timezone.data in time_zones() else self.convening.timezone)

    def validate_registration_opens_at(self, field: LocalTimeField) -> None:
        self.check_exists(field)

    def validate_registration_closes_at(self, field: LocalTimeField) -> None:
        self.check_exists(field)

    def settings(self) -> ConveningSettings:
        return ConveningSettings(
            name=self.name.data,
            tagline=self.tagline.data,
            description=self.description.data,
            starts_on=self.starts_on.data,
            ends_on=self.ends_on.data,
            timezone=self.timezone.data,
            venue_name=self.venue_name.data,
            venue_address=self.venue_address.data,
            city=self.city.data,
            state=self.state.data,
            contact_email=self.contact_email.data,
            registration_opens_at=self.utc(self.registration_opens_at),
            registration_closes_at=self.utc(self.registration_closes_at),
            capacity=self.capacity.data,
            wifi_network=self.wifi_network.data,
            wifi_password=self.wifi_password.data,
            emergency_contact=self.emergency_contact.data,
        )


class TicketTypeForm(_ZonedForm):
    name = LineField("Name", max_length=120, validators=[DataRequired("Enter a name for the ticket.")])
    description = BlockField("Description", max_length=2000)
    price = MoneyField(
        "Price",
        validators=[filled("Enter a price, or 0 for a free ticket.")],
        render_kw={"inputmode": "decimal"},
    )
    currency = SelectField(
        "Currency",
        choices=[SelectChoice(code, code) for code in CURRENCY_SYMBOLS],
        default="USD",
        validate_choice=False,
        validators=[known_currency],
    )
    capacity = SeatsField("Seats", render_kw={"inputmode": "numeric"})
    sales_start_at = LocalTimeField("Sales start")
    sales_end_at = LocalTimeField("Sales end")
    access_code = LineField("Access code", max_length=64)
    badge_role = SelectField(
        "Badge role",
        choices=[SelectChoice(role.value, role.label) for role in BadgeRole],
        default=BadgeRole.ATTENDEE.value,
        validate_choice=False,
    )

    def __init__(self, convening: Convening, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.convening = convening

    @classmethod
    def of(cls, ticket_type: TicketType) -> TicketTypeForm:
        convening = ticket_type.convening
        values: dict[str, Any] = {
            "name": ticket_type.name,
            "description": ticket_type.description,
            "price": ticket_type.price_cents,
            "currency": ticket_type.currency,
            "capacity": ticket_type.capacity,
            "access_code": ticket_type.access_code or "",
            "badge_role": ticket_type.badge_role.value,
        }
        for name in ("sales_start_at", "sales_end_at"):
            moment = getattr(ticket_type, name)
            values[name] = None if moment is None else convening.local(moment).replace(tzinfo=None)
        return cls(convening, data=values)

    def zone(self) -> ZoneInfo:
        return self.convening.zone

    def validate_sales_start_at(self, field: LocalTimeField) -> None:
        self.check_exists(field)

    def validate_sales_end_at(self, field: LocalTimeField) -> None:
        self.check_exists(field)

    def validate_badge_role(self, field: SelectField) -> None:
        if field.data not in {role.value for role in BadgeRole}:
            raise ValidationError("Choose a badge role from the list.")

    def settings(self) -> TicketTypeSettings:
        return TicketTypeSettings(
            name=self.name.data,
            description=self.description.data,
            price_cents=self.price.data,
            currency=self.currency.data,
            capacity=self.capacity.data,
            sales_start_at=self.utc(self.sales_start_at),
            sales_end_at=self.utc(self.sales_end_at),
            access_code=self.access_code.data or None,
            badge_role=BadgeRole(self.badge_role.data),
        )
