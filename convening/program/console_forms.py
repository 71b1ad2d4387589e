"""Staff forms for rooms, tracks, time slots, sessions and a session's speakers.

Choices of rooms, tracks, slots and speakers are ids; a forged or stale id is passed on to the services, which
refuse anything not of this convening with a message beside the field. Slot times are typed on the
convening's clock and handed over as UTC.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from datetime import date, datetime, time
from typing import Any

from flask_wtf import FlaskForm
from wtforms import BooleanField, Field, SelectChoice, SelectField
from wtforms.validators import DataRequired, ValidationError

from convening.convenings.models import Convening
from convening.formatting import clock
from convening.forms import BlockField, LineField, TypedField, filled, utc_from_local
from convening.program import services
from convening.program.models import (
    ProgramSession,
    Room,
    SessionKind,
    SlotKind,
    Speaker,
    SpeakerRole,
    TimeSlot,
    Track,
)

_ID = re.compile(r"\d{1,9}")


class IdSelectField(SelectField):
    """A choice of a row by id; "" is no choice (None). What is not an id at all is refused here."""

    def __init__(self, label: str, **kwargs: Any) -> None:
        super().__init__(label, coerce=_optional_id, validate_choice=False, **kwargs)

    def process_formdata(self, valuelist: list[Any]) -> None:
        if valuelist:
            try:
                self.data = _optional_id(valuelist[0])
            except ValueError:
                self.data = None
                raise ValueError("Choose one from the list.") from None


def _optional_id(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and _ID.fullmatch(value):
        return int(value)
    raise ValueError(value)


class EnumSelectField(SelectField):
    """A choice among an enum's members, listed by their labels."""

    def __init__(self, label: str, enum_class: type[enum.Enum], **kwargs: Any) -> None:
        super().__init__(
            label,
            choices=[SelectChoice(member.value, member.label) for member in enum_class],  # type: ignore[attr-defined]
            validate_choice=False,
            **kwargs,
        )
        self.enum_class = enum_class

    def pre_validate(self, form: Any) -> None:
        if self.data not in {member.value for member in self.enum_class}:
            raise ValidationError("Choose one from the list.")

    def member(self) -> Any:
        return self.enum_class(self.data)


class CapacityField(TypedField):
    """A number of people; blank means what `blank` says (no limit, the room's)."""

    def __init__(self, label: str, *, blank: str, **kwargs: Any) -> None:
        super().__init__(label, render_kw={"inputmode": "numeric"}, **kwargs)
        self.blank = blank

    def parse(self, text: str) -> int:
        digits = text.replace(",", "")
        if not re.fullmatch(r"-?\d{1,12}", digits):
            raise ValueError(f"Enter a whole number of people, like 120, or {self.blank}.")
        number = int(digits)
        if number < 0:
            raise ValueError(f"Enter zero or more people, or {self.blank}.")
        if number > services.MAX_CAPACITY:
            raise ValueError(f"Enter at most {services.MAX_CAPACITY:,} people, or {self.blank}.")
        return number


class TimeOfDayField(TypedField):
    """A wall-clock time from <input type="time"> ("14:30"); "2:30 pm" typed by hand is read too."""

    def parse(self, text: str) -> time:
        match = re.fullmatch(r"(\d{1,2})[:.](\d{2})(?::\d{2}(?:\.\d+)?)?\s*(?:([AaPp])\.?\s*[Mm]\.?)?", text)
        if match:
            hour, minute, half = int(match[1]), int(match[2]), (match[3] or "").lower()
            if half and 1 <= hour <= 12:
                hour = hour % 12 + (12 if half == "p" else 0)
            elif half:
                hour = 24  # "13:00 pm" is not a time
            if hour < 24 and minute < 60:
                return time(hour, minute)
        raise ValueError("Enter a time like 09:00 or 14:30.")

    def format(self, value: time) -> str:
        return value.strftime("%H:%M")


class RoomForm(FlaskForm):
    name = LineField(
        "Name", max_length=services.ROOM_NAME_LIMIT, validators=[DataRequired("Enter the room’s name.")]
    )
    capacity = CapacityField("Capacity", blank="leave it blank if it has no set limit")
    floor = LineField("Floor", max_length=services.FLOOR_LIMIT)
    accessibility_notes = BlockField("Accessibility notes", max_length=services.ACCESSIBILITY_LIMIT)

    @classmethod
    def of(cls, room: Room) -> RoomForm:
        return cls(data={name: getattr(room, name) for name in services.ROOM_FIELDS})

    def details(self) -> services.RoomDetails:
        return services.RoomDetails(
            name=self.name.data,
            capacity=self.capacity.data,
            floor=self.floor.data,
            accessibility_notes=self.accessibility_notes.data,
        )


def _color(form: Any, field: Field) -> None:
    """#2F6F4F, 2f6f4f and #2f6 all mean #2f6f4f."""
    text = (field.data or "").strip().lower()
    if not text:
        field.data = ""
        return
    digits = text.removeprefix("#")
    if not re.fullmatch(r"[0-9a-f]{3}|[0-9a-f]{6}", digits):
        raise ValidationError(services.COLOR_PROBLEM)
    field.data = "#" + (digits if len(digits) == 6 else "".join(char * 2 for char in digits))


class TrackForm(FlaskForm):
    name = LineField(
        "Name", max_length=services.TRACK_NAME_LIMIT, validators=[DataRequired("Enter the track’s name.")]
    )
    color = LineField("Colour", max_length=7, validators=[_color])

    @classmethod
    def of(cls, track: Track) -> TrackForm:
        return cls(data={"name": track.name, "color": track.color})

    def details(self) -> services.TrackDetails:
        return services.TrackDetails(name=self.name.data, color=self.color.data)


class SlotForm(FlaskForm):
    """A slot's day (one of the convening's), its start and end on that day, kind and label."""

    day = SelectField("Day", validate_choice=False, validators=[DataRequired("Choose the day of the slot.")])
    starts_at = TimeOfDayField("Starts", validators=[filled("Enter the time the slot starts.")])
    ends_at = TimeOfDayField("Ends", validators=[filled("Enter the time the slot ends.")])
    kind = EnumSelectField("Kind", SlotKind, default=SlotKind.BREAKOUT.value)
    label = LineField("Label", max_length=services.SLOT_LABEL_LIMIT)

    def __init__(self, convening: Convening, slot: TimeSlot | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.convening = convening
        days = services.convening_days(convening)
        choices = [SelectChoice(day.isoformat(), services.day_name(day)) for day in days]
        if slot is not None:
            own = convening.local(slot.starts_at).date()
            if own not in days:  # the convening's dates changed since: keep the slot's day visible
                choices.insert(
                    0, SelectChoice(own.isoformat(), f"{services.day_name(own)} (not a day of the convening)")
                )
        self.day.choices = choices

    @classmethod
    def of(cls, convening: Convening, slot: TimeSlot) -> SlotForm:
        starts, ends = convening.local(slot.starts_at), convening.local(slot.ends_at)
        return cls(
            convening,
            slot,
            data={
                "day": starts.date().isoformat(),
                "starts_at": starts.time(),
                "ends_at": ends.time(),
                "kind": slot.kind.value,
                "label": slot.label,
            },
        )

    def validate_day(self, field: SelectField) -> None:
        try:
            date.fromisoformat(field.data)
        except (TypeError, ValueError):
            raise ValidationError("Choose a day from the list.") from None

    def validate_starts_at(self, field: TimeOfDayField) -> None:
        self._check_exists(field)

    def validate_ends_at(self, field: TimeOfDayField) -> None:
        self._check_exists(field)

    def _check_exists(self, field: TimeOfDayField) -> None:
        if field.data is None or self.day.errors:
            return
        try:
            self._utc(field)
        except ValueError as error:
            raise ValidationError(
                f"{error}: the clocks skip it when daylight saving time starts. Choose another time."
            ) from None

    def _utc(self, field: TimeOfDayField) -> datetime:
        local = datetime.combine(date.fromisoformat(self.day.data), field.data)
        return utc_from_local(local, self.convening.zone)

    def details(self) -> services.SlotDetails:
        return services.SlotDetails(
            starts_at=self._utc(self.starts_at),
            ends_at=self._utc(self.ends_at),
            kind=self.kind.member(),
            label=self.label.data,
        )


def slot_choices(convening: Convening, slots: Iterable[TimeSlot]) -> list[SelectChoice]:
    """Slots by day, each as '9:00 AM – 10:30 AM · Plenary: Opening plenary'."""
    choices = []
    for slot in slots:
        starts, ends = convening.local(slot.starts_at), convening.local(slot.ends_at)
        choices.append(
            SelectChoice(
                str(slot.id),
                f"{clock(starts)} – {clock(ends)} · {services.slot_title(slot)}",
                optgroup=services.day_name(starts.date()),
            )
        )
    return choices


def room_label(room: Room) -> str:
    if room.capacity is None:
        return room.name
    return f"{room.name} ({room.capacity:,} {'person' if room.capacity == 1 else 'people'})"


class SessionForm(FlaskForm):
    kind = EnumSelectField("Kind", SessionKind, default=SessionKind.BREAKOUT.value)
    title = LineField(
        "Title", max_length=services.TITLE_LIMIT, validators=[DataRequired("Enter the session’s title.")]
    )
    description = BlockField("Description", max_length=services.DESCRIPTION_LIMIT)
    track_id = IdSelectField("Track")
    time_slot_id = IdSelectField("Time slot")
    room_id = IdSelectField("Room")
    capacity = CapacityField("Capacity", blank="leave it blank to use the room’s capacity")
    pinned = BooleanField("Pinned: timetabling leaves it where it is")

    def __init__(
        self,
        convening: Convening,
        rooms: Iterable[Room],
        tracks: Iterable[Track],
        slots: Iterable[TimeSlot],
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.track_id.choices = [SelectChoice("", "No track")] + [
            SelectChoice(str(track.id), track.name) for track in tracks
        ]
        self.time_slot_id.choices = [SelectChoice("", "Not scheduled yet"), *slot_choices(convening, slots)]
        self.room_id.choices = [SelectChoice("", "No room yet")] + [
            SelectChoice(str(room.id), room_label(room)) for room in rooms
        ]

    @staticmethod
    def values(session: ProgramSession) -> dict[str, Any]:
        """The form's data for a session as it stands."""
        return {
            "kind": session.kind.value,
            "title": session.title,
            "description": session.description,
            "track_id": session.track_id,
            "time_slot_id": session.time_slot_id,
            "room_id": session.room_id,
            "capacity": session.capacity,
            "pinned": session.pinned,
        }

    def details(self) -> services.SessionDetails:
        return services.SessionDetails(
            kind=self.kind.member(),
            title=self.title.data,
            description=self.description.data,
            track_id=self.track_id.data,
            time_slot_id=self.time_slot_id.data,
            room_id=self.room_id.data,
            capacity=self.capacity.data,
        )


class SessionSpeakerForm(FlaskForm):
    """Add one of the convening's speakers to a session, with a role."""

    class Meta:
        csrf = False  # one of several forms on the session's page; CSRFProtect checks every POST

    speaker_id = IdSelectField("Speaker", validators=[filled("Choose a speaker to add.")])
    role = EnumSelectField("Role", SpeakerRole, default=SpeakerRole.PANELIST.value)

    def __init__(self, speakers: Iterable[Speaker], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.speaker_id.choices = [SelectChoice("", "Choose a speaker")] + [
            SelectChoice(str(speaker.id), speaker_label(speaker)) for speaker in speakers
        ]


def speaker_label(speaker: Speaker) -> str:
    """'Héctor Ramírez, City of Tucson': the organization tells apart two people of the same name."""
    return ", ".join(part for part in (speaker.name, speaker.organization) if part)


class SpeakerRoleForm(FlaskForm):
    """A speaker's role in one session; prefixed per speaker, so a page can hold one for each."""

    class Meta:
        csrf = False  # one of several forms on the session's page; CSRFProtect checks every POST

    role = EnumSelectField("Role", SpeakerRole)
