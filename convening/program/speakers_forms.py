"""The speaker form: details, web addresses one per line, and the photo."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, Field
from wtforms.validators import DataRequired, ValidationError

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
