"""Staff forms for badges: a print run (layout and who), and one lost badge at the desk."""

from __future__ import annotations

from collections.abc import Iterable

from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectChoice, SelectField
from wtforms.validators import ValidationError

from convening.badges.layouts import DEFAULT_LAYOUT, LAYOUTS
from convening.badges.models import BadgeRole
from convening.badges.services import SINGLE_LAYOUT, Selection
from convening.forms import show_problems
from convening.problems import Refused
from convening.registration.models import TicketType

_LAYOUT_CHOICES = [SelectChoice(layout.name, layout.label) for layout in LAYOUTS.values()]


def _from_list(field: SelectField | RadioField, message: str) -> None:
    """A forged or stale value gets a message beside its field, never a 500."""
    if field.data and field.data not in {choice.value for choice in field.choices or []}:
        raise ValidationError(message)


class PrintForm(FlaskForm):
    """A print run: the layout, and who is printed (every filter narrows the run)."""

    # validate_choice off: a value not offered gets the message below instead of WTForms' own.
    layout = RadioField("Layout", choices=_LAYOUT_CHOICES, default=DEFAULT_LAYOUT, validate_choice=False)
    role = SelectField(
        "Role",
        choices=[SelectChoice("", "Every role")]
        + [SelectChoice(role.value, role.label) for role in BadgeRole],
        validate_choice=False,
    )
    ticket_type = SelectField("Ticket", validate_choice=False)
    unprinted = BooleanField("Only badges not printed yet")
    renamed = BooleanField("Only badges whose name changed since they were printed")
    crop_marks = BooleanField("Crop marks", default=True)

    def __init__(self, ticket_types: Iterable[TicketType]) -> None:
        super().__init__()
        self.ticket_type.choices = [SelectChoice("", "Every ticket")] + [
            SelectChoice(str(ticket_type.id), ticket_type.name) for ticket_type in ticket_types
        ]
        # Problems with the choice of people as a whole ("nobody matches"), shown atop the "who" group.
        self.selection_errors: list[str] = []

    def validate_layout(self, field: RadioField) -> None:
        if field.data not in LAYOUTS:
            raise ValidationError("Choose one of the layouts shown.")

    def validate_role(self, field: SelectField) -> None:
        _from_list(field, "Choose a role from the list, or every role.")

    def validate_ticket_type(self, field: SelectField) -> None:
        _from_list(field, "Choose a ticket from the list, or every ticket.")

    def selection(self) -> Selection:
        """Who is chosen; call after validate()."""
        return Selection(
            role=BadgeRole(self.role.data) if self.role.data else None,
            ticket_type_id=int(self.ticket_type.data) if self.ticket_type.data else None,
            unprinted=self.unprinted.data,
            renamed=self.renamed.data,
        )

    def wants_crop_marks(self) -> bool:
        """Crop marks go on sheets that are cut apart; a badge printer's pages never get them."""
        return self.crop_marks.data and LAYOUTS[self.layout.data].crop_marks

    def show(self, error: Refused) -> None:
        """Each problem beside its field; "nobody matches" beside the choice of people."""
        problems = dict(error.problems)
        if "selection" in problems:
            self.selection_errors.append(problems.pop("selection"))
        show_problems(self, Refused(problems))


class ReprintForm(FlaskForm):
    """One badge drawn now, for a lost or damaged one."""

    layout = SelectField("Layout", choices=_LAYOUT_CHOICES, default=SINGLE_LAYOUT, validate_choice=False)
