"""Form fields shared by every domain: cleaned text, email and phone, with messages people can act on."""

from __future__ import annotations

from typing import Any

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from wtforms import Field, StringField, TextAreaField
from wtforms.validators import Length, StopValidation, ValidationError

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
