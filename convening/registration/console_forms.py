"""Staff forms for registrations: the list's search, filters, sort and page, details and staff notes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import SelectChoice, SelectField
from wtforms.validators import DataRequired, ValidationError

from convening.badges.models import BadgeRole
from convening.forms import BlockField, LineField
from convening.registration.forms import AttendeeForm
from convening.registration.models import Registration, RegistrationStatus, TicketType
from convening.registration.services import SORTS, RegistrationFilter, StaffDetails

_CHOOSE_FROM_LIST = "Choose one from the list; until then every {} is shown."


class RegistrationSearchForm(FlaskForm):
    """The list's search box and filters, read from the query string.

    A value that cannot be right (a forged status, another convening's ticket, control characters) gets
    a message beside its field and is left out of the search, so the page always shows something.
    """

    class Meta:
        csrf = False  # a GET form: bookmarkable, and it changes nothing

    q = LineField("Search by name, email or organization", max_length=200)
    status = SelectField(
        "Status",
        choices=[SelectChoice("", "Any status")]
        + [SelectChoice(status.value, status.label) for status in RegistrationStatus],
        validate_choice=False,
    )
    ticket_type = SelectField("Ticket", validate_choice=False)

    def __init__(self, args: MultiDict[str, str], ticket_types: Iterable[TicketType]) -> None:
        super().__init__(formdata=args)
        self.ticket_type.choices = [SelectChoice("", "Any ticket")] + [
            SelectChoice(str(ticket_type.id), ticket_type.name) for ticket_type in ticket_types
        ]

    def validate_status(self, field: SelectField) -> None:
        _check_choice(field, "status")

    def validate_ticket_type(self, field: SelectField) -> None:
        _check_choice(field, "ticket")

    def wanted(self) -> RegistrationFilter:
        """The filter made of the answers that passed; call after validate()."""
        return RegistrationFilter(
            text="" if self.q.errors else self.q.data,
            status=RegistrationStatus(self.status.data)
            if self.status.data and not self.status.errors
            else None,
            ticket_type_id=(
                int(self.ticket_type.data) if self.ticket_type.data and not self.ticket_type.errors else None
            ),
        )


def _check_choice(field: SelectField, noun: str) -> None:
    if field.data and field.data not in {choice.value for choice in field.choices or []}:
        raise ValidationError(_CHOOSE_FROM_LIST.format(noun))


# How the page names each sort and its two directions: (sorted by..., ascending, descending).
SORT_WORDS = {
    "registered": ("registration date", "oldest first", "newest first"),
    "name": ("name", "A to Z", "Z to A"),
    "status": ("status", "confirmed first", "cancelled first"),
    "ticket": ("ticket", "in ticket order", "in reverse ticket order"),
}


@dataclass(frozen=True)
class SortOrder:
    """The list's order, written in links as `sort=name` (A to Z) or `sort=-name` (Z to A)."""

    key: str = "registered"
    descending: bool = True  # newest registrations first

    @property
    def direction(self) -> str:
        """Words for the direction, like "A to Z" or "newest first"."""
        return SORT_WORDS[self.key][2 if self.descending else 1]

    def __str__(self) -> str:
        return f"sorted by {SORT_WORDS[self.key][0]}, {self.direction}"

    @classmethod
    def parse(cls, value: str | None) -> SortOrder:
        """Anything not on the whitelist is the default order."""
        text = value or ""
        key = text.removeprefix("-")
        return cls(key, text.startswith("-")) if key in SORTS else cls()

    @property
    def param(self) -> str | None:
        """The `sort` value for links, None (left out) for the default."""
        return None if self == SortOrder() else ("-" if self.descending else "") + self.key

    def aria_sort(self, key: str) -> str | None:
        if key != self.key:
            return None
        return "descending" if self.descending else "ascending"

    def toggled(self, key: str) -> SortOrder:
        """What a column header links to: the current column the other way, another in its natural way.

        Dates read newest first; the other columns from the top (A to Z, confirmed first).
        """
        if key == self.key:
            return SortOrder(key, not self.descending)
        return SortOrder(key, key == "registered")


@dataclass(frozen=True)
class ListQuery:
    """Everything the list page was asked for, once checked; builds the links that keep it."""

    wanted: RegistrationFilter
    order: SortOrder
    page: int

    @classmethod
    def parse(cls, args: MultiDict[str, str], wanted: RegistrationFilter) -> ListQuery:
        return cls(wanted, SortOrder.parse(args.get("sort")), parse_page(args.get("page")))

    @property
    def is_filtered(self) -> bool:
        return self.wanted != RegistrationFilter()

    def filter_args(self) -> dict[str, Any]:
        """The search and filters as query-string values (None is left out of URLs)."""
        return {
            "q": self.wanted.text or None,
            "status": self.wanted.status.value if self.wanted.status else None,
            "ticket_type": self.wanted.ticket_type_id,
        }

    def args(self, *, order: SortOrder | None = None, page: int | None = None) -> dict[str, Any]:
        """Query-string values for a link to this list with another order (back to page 1) or page."""
        query = replace(self, order=order, page=1) if order else self
        if page is not None:
            query = replace(query, page=page)
        return {
            **query.filter_args(),
            "sort": query.order.param,
            "page": query.page if query.page > 1 else None,
        }


def parse_page(value: str | None) -> int:
    """A page number from the query string; anything but a plain positive number is page 1."""
    text = value or ""
    return int(text) if text.isascii() and text.isdigit() and len(text) < 7 and int(text) > 0 else 1


class NoteForm(FlaskForm):
    body = BlockField(
        "Add a note",
        max_length=2000,
        validators=[DataRequired("Write the note first, then add it.")],
    )


class StaffAttendeeForm(AttendeeForm):
    """The attendee's own fields, and what only staff set: the role printed on the badge."""

    badge_role = SelectField(
        "Badge role",
        choices=[SelectChoice("", "From the ticket type or program (default)")]
        + [SelectChoice(role.value, role.label) for role in BadgeRole],
        validate_choice=False,
    )

    @classmethod
    def of(cls, registration: Registration) -> StaffAttendeeForm:
        form = cls(obj=registration)
        form.badge_role.data = registration.badge_role.value if registration.badge_role else ""
        return form

    def validate_badge_role(self, field: SelectField) -> None:
        if field.data and field.data not in {role.value for role in BadgeRole}:
            raise ValidationError("Choose a badge role from the list, or the default.")

    def details(self) -> StaffDetails:
        return StaffDetails(
            **vars(super().details()),
            badge_role=BadgeRole(self.badge_role.data) if self.badge_role.data else None,
        )
