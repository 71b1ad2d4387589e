"""Staff forms for breakouts: a slot's sign-up mode and ranking deadline, seating someone by hand, and how
long timetabling may improve a proposal."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField
from wtforms.validators import ValidationError

from convening.convenings.console_forms import LocalTimeField
from convening.forms import TypedField, filled, utc_from_local
from convening.program.models import ProgramSession
from convening.scheduling import timetabling
from convening.scheduling.enums import SignupMode
from convening.urls import MAX_ROW_ID


class SlotForm(FlaskForm):
    """How one breakout slot fills; the deadline is typed on the convening's clock and stored in UTC."""

    signup_mode = SelectField(
        "How people get a workshop", choices=[SelectChoice(mode.value, mode.label) for mode in SignupMode]
    )
    choices_close_at = LocalTimeField("Ranking deadline")

    def __init__(self, zone: ZoneInfo, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.zone = zone

    def validate_signup_mode(self, field: SelectField) -> None:
        if field.data not in {mode.value for mode in SignupMode}:
            raise ValidationError("Choose first come or ranked choices.")

    def validate_choices_close_at(self, field: LocalTimeField) -> None:
        if field.data is None:
            return
        try:
            utc_from_local(field.data, self.zone)
        except ValueError as error:
            raise ValidationError(
                f"{error}: the clocks skip it when daylight saving time starts. Choose another time."
            ) from None

    def mode(self) -> SignupMode:
        return SignupMode(self.signup_mode.data)

    def deadline(self) -> datetime | None:
        """The deadline in UTC; call after validate()."""
        data = self.choices_close_at.data
        return None if data is None else utc_from_local(data, self.zone)


class RegistrationNumberField(TypedField):
    """A registration's number, as the registrations list shows it."""

    def parse(self, text: str) -> int:
        digits = text.removeprefix("#")
        if not (
            len(digits) <= 10 and digits.isdecimal() and digits.isascii() and 0 < int(digits) <= MAX_ROW_ID
        ):
            raise ValueError("Enter the registration number in digits, like 1042, or search by name.")
        return int(digits)


class AddPersonForm(FlaskForm):
    """Seat someone by their registration number (the search lists people with a button that posts this)."""

    registration = RegistrationNumberField(
        "Registration number",
        validators=[filled("Enter the registration number, or search for the person by name.")],
    )


class MoveForm(FlaskForm):
    """Where a seated person goes: another workshop of the same slot."""

    workshop = SelectField("Move to", validate_choice=False)

    def __init__(self, workshops: Iterable[ProgramSession], **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.workshop.choices = [SelectChoice(str(w.id), w.title) for w in workshops]

    def validate_workshop(self, field: SelectField) -> None:
        number = field.data or ""
        if not (
            len(number) <= 10 and number.isdecimal() and number.isascii() and 0 < int(number) <= MAX_ROW_ID
        ):
            raise ValidationError("Choose a workshop from the list.")

    def workshop_id(self) -> int:
        return int(self.workshop.data)


class ActionForm(FlaskForm):
    """A button that changes something (remove, lock, run, publish): only the CSRF token."""


SECONDS_MESSAGE = (
    f"Enter a whole number of seconds from {timetabling.MIN_SECONDS} to {timetabling.MAX_SECONDS}."
)


class SecondsField(TypedField):
    def parse(self, text: str) -> int:
        """Whole seconds within the limits, or the message saying which."""
        if not (text.isascii() and text.isdigit() and len(text) <= 4):
            raise ValueError(SECONDS_MESSAGE)
        number = int(text)
        if not timetabling.MIN_SECONDS <= number <= timetabling.MAX_SECONDS:
            raise ValueError(SECONDS_MESSAGE)
        return number


class ImproveForm(FlaskForm):
    seconds = SecondsField(
        "Seconds",
        default=10,
        render_kw={"inputmode": "numeric"},
        validators=[filled(SECONDS_MESSAGE)],
    )
