"""Forms for sponsor tiers and sponsors."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import BooleanField, Field, SelectChoice, SelectField
from wtforms.validators import DataRequired, ValidationError

from convening.forms import BlockField, LineField
from convening.images.forms import ImageField
from convening.sponsors.models import Sponsor, SponsorTier
from convening.sponsors.services import SPONSOR_LIMITS, TIER_NAME_LIMIT, SponsorDetails
from convening.text import web_address_problem


class SponsorTierForm(FlaskForm):
    name = LineField(
        "Tier name",
        max_length=TIER_NAME_LIMIT,
        validators=[DataRequired("Enter a name for the tier, like “Gold” or “Community partners”.")],
    )


class SponsorForm(FlaskForm):
    name = LineField(
        "Name",
        max_length=SPONSOR_LIMITS["name"],
        validators=[DataRequired("Enter the sponsor’s name, as they want to be thanked.")],
    )
    tier_id = SelectField("Tier", validate_choice=False)
    url = LineField("Web address", max_length=SPONSOR_LIMITS["url"])
    acknowledgement = BlockField("Acknowledgement", max_length=SPONSOR_LIMITS["acknowledgement"])
    logo = ImageField("Logo")
    remove_logo = BooleanField("Remove the logo")

    def __init__(self, tiers: list[SponsorTier], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.tier_id.choices = [SelectChoice(str(tier.id), tier.name) for tier in tiers]

    @classmethod
    def of(cls, sponsor: Sponsor, tiers: list[SponsorTier]) -> SponsorForm:
        return cls(
            tiers,
            data={
                "name": sponsor.name,
                "tier_id": str(sponsor.tier_id),
                "url": sponsor.url,
                "acknowledgement": sponsor.acknowledgement,
            },
        )

    def validate_url(self, field: Field) -> None:
        """Checked here as well as in the service, so its message comes with the other fields' at once."""
        problem = web_address_problem(field.data) if field.data else None
        if problem:
            raise ValidationError(problem)

    def details(self) -> SponsorDetails:
        choice = self.tier_id.data or ""
        return SponsorDetails(
            name=self.name.data,
            tier_id=int(choice) if choice.isascii() and choice.isdigit() and len(choice) < 12 else None,
            url=self.url.data,
            acknowledgement=self.acknowledgement.data,
        )
