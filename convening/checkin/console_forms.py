"""Staff forms for check-in: a new station at the front door or at one session's door."""

from __future__ import annotations

from collections.abc import Iterable

from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField
from wtforms.validators import ValidationError

from convening.forms import LineField
from convening.program.models import ProgramSession
from convening.urls import MAX_ROW_ID

FRONT_DOOR = ""


class StationForm(FlaskForm):
    """The station's name and its door; the service says what is wrong with either."""

    name = LineField("Station name", max_length=120)
    # validate_choice off: a session that is not offered is refused by the service, beside this field.
    session = SelectField("Door", validate_choice=False)

    def __init__(self, sessions: Iterable[ProgramSession]) -> None:
        super().__init__()
        self.session.choices = [SelectChoice(FRONT_DOOR, "Front door")] + [
            SelectChoice(str(session.id), session.title) for session in sessions
        ]

    def validate_session(self, field: SelectField) -> None:
        number = field.data or FRONT_DOOR
        if number and not (
            len(number) <= 10 and number.isdecimal() and number.isascii() and 0 < int(number) <= MAX_ROW_ID
        ):
            raise ValidationError("Choose a session from the list, or the front door.")

    def session_id(self) -> int | None:
        """The chosen session's id; call after validate()."""
        return int(self.session.data) if self.session.data else None
