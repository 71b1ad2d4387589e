"""The attendee's breakout forms: three ranked choices per slot, one workshop for a seat, a waiting place
or a star (simple POST forms; CSRFProtect checks every one), and the picks added to the registration form."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from flask_wtf import FlaskForm
from wtforms import Field, RadioField, SelectChoice, SelectField

from convening.scheduling.choices import RANK_LABELS, RANKS, Picks, SlotLine, rank_field, workshop_field

F = TypeVar("F", bound=FlaskForm)


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


def with_workshop_picks(form_class: type[F], lines: Sequence[SlotLine]) -> type[F]:
    """The form with the breakout slots still open added after its own fields: in a first-come slot one
    workshop (or none for now), in a ranked slot three ranked choices."""
    fields: dict[str, Field] = {}
    for line in lines:
        workshops = [SelectChoice(str(item.workshop.id), item.workshop.title) for item in line.workshops]
        if not line.first_come:
            for rank in RANKS:
                fields[rank_field(line.slot.id, rank)] = SelectField(
                    RANK_LABELS[rank].capitalize(),
                    coerce=_workshop_id,
                    validate_choice=False,
                    choices=[SelectChoice("", "No choice"), *workshops],
                )
        else:
            fields[workshop_field(line.slot.id)] = RadioField(
                line.slot.label or "Breakout workshops",
                coerce=_workshop_id,
                validate_choice=False,
                choices=[SelectChoice("", "No workshop for now"), *workshops],
                default="",
            )
    return type(form_class.__name__, (form_class,), fields) if fields else form_class


def workshop_picks(form: FlaskForm, lines: Sequence[SlotLine]) -> Picks:
    """The picks posted in the fields with_workshop_picks added."""
    picks = Picks()
    for line in lines:
        if not line.first_come:
            picks.rankings[line.slot.id] = [form[rank_field(line.slot.id, rank)].data for rank in RANKS]
        else:
            picks.workshops[line.slot.id] = form[workshop_field(line.slot.id)].data
    return picks
