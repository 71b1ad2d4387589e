"""The speaker form: details, web addresses one per line, and the photo."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, Field, HiddenField, SelectMultipleField
from wtforms.validators import DataRequired, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from convening.forms import BlockField, LineField, email_address
from convening.images.forms import ImageField
from convening.program.models import Speaker
from convening.program.speakers import (
    MAX_LINKS,
    TEXT_LIMITS,
    SpeakerDetails,
    links_problem,
)
from convening.text import WEB_ADDRESS_LIMIT


class SpeakerForm(FlaskForm):
    name = LineField(
        "Name", max_length=TEXT_LIMITS["name"], validators=[DataRequired("Enter the speaker’s name.")]
    )
    title = LineField("Title", max_length=TEXT_LIMITS["title"])
    organization = LineField("Organization", max_length=TEXT_LIMITS["organization"])
    bio = BlockField("Bio", max_length=TEXT_LIMITS["bio"])
    email = LineField("Email", max_length=TEXT_LIMITS["email"], validators=[email_address])
    links = BlockField("Web addresses", max_length=MAX_LINKS * (WEB_ADDRESS_LIMIT + 1))
    photo = ImageField("Photo")
    remove_photo = BooleanField("Remove the photo")
    # The breakout slots the speaker can make, for automatic timetabling; the others are stored as
    # SpeakerUnavailability. `availability_shown` tells "none ticked" apart from a form without the boxes.
    can_make = SelectMultipleField(
        "Can make", coerce=int, widget=ListWidget(prefix_label=False), option_widget=CheckboxInput()
    )
    availability_shown = HiddenField()

    def offer_slots(self, slots: list[tuple[int, str]], can_make: set[int] | None = None) -> None:
        """The breakout slots as checkboxes; `can_make` ticks them for a form not posted."""
        self.can_make.choices = slots
        if can_make is not None:
            self.can_make.data = [slot_id for slot_id, _name in slots if slot_id in can_make]

    def availability(self) -> set[int] | None:
        """The slots ticked, or None when the form did not show the boxes (nothing to change)."""
        if not self.availability_shown.data:
            return None
        return set(self.can_make.data or [])

    @classmethod
    def of(cls, speaker: Speaker) -> SpeakerForm:
        return cls(
            data={
                "name": speaker.name,
                "title": speaker.title,
                "organization": speaker.organization,
                "bio": speaker.bio,
                "email": speaker.email,
                "links": "\n".join(speaker.links or []),
            }
        )

    def validate_links(self, field: Field) -> None:
        """Checked here as well as in the service, so its message comes with the other fields' at once."""
        problem = links_problem(self._lines())
        if problem:
            raise ValidationError(problem)

    def _lines(self) -> list[str]:
        return [line for line in (self.links.data or "").split("\n") if line]

    def details(self) -> SpeakerDetails:
        return SpeakerDetails(
            name=self.name.data,
            title=self.title.data,
            organization=self.organization.data,
            bio=self.bio.data,
            email=self.email.data,
            links=self._lines(),
        )
