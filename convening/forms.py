"""Form fields shared by every domain: cleaned text, email, phone, typed values and local times, with messages
people can act on, and the problems of a refused change shown beside their fields.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from flask import flash, request
from flask_wtf import FlaskForm
from wtforms import Field, StringField, TextAreaField
from wtforms.validators import Length, StopValidation, ValidationError

from convening.formatting import clock
from convening.problems import Refused
from convening.text import clean_block, clean_line, forbidden_characters


class _CleanedText(Field):
    """Text cleaned on the way in, with a length limit and control characters refused with a message."""

    multiline = False

    def __init__(self, label: str, *, max_length: int, **kwargs: Any) -> None:
        validators = [*kwargs.pop("validators", []), Length(max=max_length, message=_too_long(max_length))]
        clean = clean_block if self.multiline else clean_line
        super().__init__(label, validators=validators, filters=[clean], **kwargs)
        self.max_length = max_length

    def pre_validate(self, form: Any) -> None:
        problem = forbidden_characters(self.data or "", multiline=self.multiline)
        if problem:
            raise StopValidation(problem)


class LineField(_CleanedText, StringField):
    """One line of text: NFC, spaces collapsed."""


class BlockField(_CleanedText, TextAreaField):
    """Several lines of text, for needs and notes."""

    multiline = True


def _too_long(limit: int) -> str:
    return f"Keep this under {limit} characters."


def email_address(form: Any, field: Field) -> None:
    """Normalize the address (lower-cased) or say what is wrong with it; no network look-up."""
    if not field.data:
        return
    try:
        result = validate_email(field.data, check_deliverability=False)
    except EmailNotValidError as error:
        raise ValidationError(f"{error} Enter an address like name@example.org.") from None
    field.data = result.normalized.lower()


def phone_number(form: Any, field: Field) -> None:
    """Accept what people type (US numbers without +1, others with their country code) and format it."""
    if not field.data:
        return
    try:
        number = phonenumbers.parse(field.data, "US")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_possible_number(number):
        raise ValidationError(
            "Enter a phone number with its area code, like (312) 555-0143, or with a country code outside "
            "the US, like +44 20 7946 0958."
        )
    region = phonenumbers.region_code_for_number(number)
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if region == "US"
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    field.data = phonenumbers.format_number(number, style)


class TypedField(StringField):
    """Text parsed into a value; what was typed is shown again when it cannot be read."""

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else self.format(self.data)

    def process_formdata(self, valuelist: list[Any]) -> None:
        text = valuelist[0].strip() if valuelist and isinstance(valuelist[0], str) else ""
        self.data = self.parse(text) if text else None

    def parse(self, text: str) -> Any:
        raise NotImplementedError

    def format(self, value: Any) -> str:
        return str(value)


def filled(message: str) -> Callable[[Any, Field], None]:
    """Required, for a typed field: blank gets `message`; what cannot be read already has its own."""

    def check(form: Any, field: Field) -> None:
        if field.data is None and not field.process_errors:
            raise StopValidation(message)

    return check


def utc_from_local(local: datetime, zone: ZoneInfo) -> datetime:
    """The UTC moment of a wall-clock time in `zone`; ValueError for a time the clocks skip.

    A time that happens twice (when the clocks go back) is taken the first time.
    """
    moment = local.replace(tzinfo=zone).astimezone(UTC)
    if moment.astimezone(zone).replace(tzinfo=None) != local:
        raise ValueError(f"{clock(local)} does not exist on {local:%B} {local.day} in {zone.key}")
    return moment


def field_attributes(field: Field, *, hint: str | None = None, **attributes: Any) -> dict[str, Any]:
    """Attributes tying an input to its hint and error for screen readers (templates/_forms.html)."""
    described_by = ([f"{field.id}-hint"] if hint else []) + ([f"{field.id}-error"] if field.errors else [])
    if described_by:
        attributes["aria-describedby"] = " ".join(described_by)
    if field.errors:
        attributes["aria-invalid"] = "true"
    if getattr(field, "max_length", None):
        attributes.setdefault("maxlength", field.max_length)
    return {name: value for name, value in attributes.items() if value is not None and value is not False}


def posted_move() -> int | None:
    """-1 for a move button's "up", +1 for "down", None for anything else."""
    return {"up": -1, "down": 1}.get(request.form.get("direction", ""))


def move_as_posted(move: Callable[[int], object]) -> None:
    """Call `move(offset)` when a move button's direction was posted (CSRFProtect has checked the token).

    Every move view (rooms, tracks, tiers, sponsors, ticket types, a session's speakers) does this, then
    redirects back to the list.
    """
    offset = posted_move()
    if offset is not None:
        move(offset)


def show_problems(form: FlaskForm, error: Refused) -> None:
    """Each problem of a refused change beside its field; one without a field on the page as a notice."""
    for name, message in error.problems.items():
        field = form._fields.get(name)
        if field is None:
            flash(message, "error")
        else:
            field.errors = [*field.errors, message]
