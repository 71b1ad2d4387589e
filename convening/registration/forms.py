"""The registration form and its smaller siblings (edit, cancel, resend the link)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, SelectChoice, SelectField
from wtforms.validators import DataRequired, InputRequired, ValidationError

from convening.badges.services import printable_name
from convening.forms import BlockField, LineField, email_address, phone_number
from convening.registration.models import DietaryNeed
from convening.registration.services import AttendeeDetails


def _ticket_id(value: object) -> int | None:
    """Forged or stale values become None and get the same plain message as no choice at all."""
    text = str(value)
    return int(text) if text.isascii() and text.isdigit() and len(text) < 12 else None


class TicketChoiceForm(FlaskForm):
    """Declared before AttendeeForm: WTForms orders fields by declaration, and the ticket comes first."""

    ticket_type = RadioField(
        "Ticket", coerce=_ticket_id, validate_choice=False, validators=[InputRequired("Choose a ticket.")]
    )
    access_code = HiddenField()

    def validate_ticket_type(self, field: RadioField) -> None:
        if field.data not in {choice.value for choice in field.choices or []}:
            raise ValidationError("Choose one of the tickets shown.")


class AttendeeForm(FlaskForm):
    first_name = LineField("First name", max_length=100, validators=[DataRequired("Enter your first name.")])
    family_name = LineField("Family name", max_length=100)
    badge_name = LineField("Name on your badge", max_length=100)
    pronouns = LineField("Pronouns", max_length=40)
    title = LineField("Title or office", max_length=150)
    organization = LineField("Organization or jurisdiction", max_length=200)
    city = LineField("City", max_length=100)
    state = LineField("State", max_length=100)
    email = LineField(
        "Email", max_length=254, validators=[DataRequired("Enter your email address."), email_address]
    )
    phone = LineField("Mobile phone", max_length=40, validators=[phone_number])
    dietary = SelectField(
        "Dietary needs",
        choices=[SelectChoice(need.value, need.label) for need in DietaryNeed],
        default=DietaryNeed.NONE.value,
    )
    dietary_notes = BlockField("Allergies or other dietary details", max_length=500)
    accessibility_needs = BlockField("Accessibility needs", max_length=1000)
    listed_in_directory = BooleanField("List me in the attendee directory")
    photo_consent = BooleanField("I agree to appear in photos and video of the convening")

    def validate_badge_name(self, field: LineField) -> None:
        """Emoji alone print as nothing (no print font draws them); blank is fine: the full name is used."""
        if field.data and not printable_name(field.data):
            raise ValidationError("Use at least one letter or number: the badge name is read across a room.")

    def validate_dietary_notes(self, field: BlockField) -> None:
        if self.dietary.data == DietaryNeed.OTHER.value and not field.data:
            raise ValidationError("Tell us about your dietary needs, or choose one from the list.")

    def details(self) -> AttendeeDetails:
        return AttendeeDetails(
            first_name=self.first_name.data,
            family_name=self.family_name.data,
            badge_name=self.badge_name.data,
            pronouns=self.pronouns.data,
            title=self.title.data,
            organization=self.organization.data,
            city=self.city.data,
            state=self.state.data,
            email=self.email.data,
            phone=self.phone.data,
            dietary=DietaryNeed(self.dietary.data),
            dietary_notes=self.dietary_notes.data,
            accessibility_needs=self.accessibility_needs.data,
            listed_in_directory=self.listed_in_directory.data,
            photo_consent=self.photo_consent.data,
        )


class RegistrationForm(TicketChoiceForm, AttendeeForm):
    """Ticket first, then the attendee: the order of the page and of its error summary."""


class ResendLinkForm(FlaskForm):
    email = LineField(
        "Email you registered with",
        max_length=254,
        validators=[DataRequired("Enter your email address."), email_address],
    )


class CancelForm(FlaskForm):
    """Only a CSRF token: cancelling is one deliberate press of a button."""
