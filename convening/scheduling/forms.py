"""The attendee's breakout forms: three ranked choices per slot, and one workshop for a seat, a waiting place
or a star (simple POST forms; CSRFProtect checks every one)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField

from convening.scheduling.choices import RANKS


def _workshop_id(value: object) -> int | None:
    """Empty is no choice; a forged value becomes -1, which the service refuses with a plain message."""
    text = str(value or "").strip()
    if not text or text == "None":
        return None
    return int(text) if text.isascii() and text.isdigit() and len(text) < 12 else -1


class ChoicesForm(FlaskForm):
    """Top three workshops of one ranked slot; the page prefixes each slot's form so ids stay unique."""

    first = SelectField("First choice", coerce=_workshop_id, validate_choice=False)
    second = SelectField("Second choice", coerce=_workshop_id, validate_choice=False)
    third = SelectField("Third choice", coerce=_workshop_id, validate_choice=False)

    def offer(self, workshops: list[tuple[int, str]]) -> None:
        options = [
            SelectChoice("", "No choice"),
            *(SelectChoice(str(id_), title) for id_, title in workshops),
        ]
        for name in RANKS:
            self[name].choices = options

    def ranked(self) -> list[int | None]:
        return [self[name].data for name in RANKS]
