"""A convening's setup as a file (JSON or YAML), so next year's meeting starts from this year's.

`export_convening` writes settings, ticket types, the program and sponsors as plain data, times in the
convening's own zone; `import_convening` checks the whole file first (unknown keys, types, references by name,
duplicates, overlapping slots, images) and only then creates the new convening, in one transaction. Problems
come back all together, each with its place in the file ("sessions[3].room"). Registrations, staff accounts
and seat counts never travel. No Flask here: the command line calls these, and a console page could.
"""

from __future__ import annotations

import base64
import binascii
import difflib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, NoReturn
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import yaml
from email_validator import EmailNotValidError, validate_email
from sqlalchemy import Text, select
from sqlalchemy.exc import IntegrityError

from convening.audit.services import Actor, record
from convening.badges.models import BadgeRole
from convening.convenings.models import Convening
from convening.convenings.services import (
    CONVENING_FIELDS,
    TICKET_TYPE_FIELDS,
    by_slug,
    time_zones,
)
from convening.extensions import db
from convening.images.models import ImagePurpose, StoredImage
from convening.images.processing import ImageRefused, ProcessedImage, process_image
from convening.images.services import RULES, save_image
from convening.problems import Refused
from convening.program.models import (
    ProgramSession,
    Room,
    SessionKind,
    SessionSpeaker,
    SlotKind,
    Speaker,
    SpeakerRole,
    TimeSlot,
    Track,
)
from convening.registration.models import TicketType
from convening.sponsors.models import Sponsor, SponsorTier
from convening.text import clean_block, clean_line, forbidden_characters
from convening.urls import SlugConverter

FORMAT_KEY = "convening_file"
FORMAT_VERSION = 1
FORMATS = ("json", "yaml")
MAX_FILE_BYTES = 100_000_000  # room for a few hundred speaker photos in base64
LARGEST_NUMBER = 2_000_000_000  # capacities and prices fit the database's integers
SLOT_KEY_FORMAT = "%Y-%m-%dT%H:%M"
IMAGE_TYPES = ("image/png", "image/jpeg", "image/webp", "image/gif")

# The lists a file holds, besides its "convening" settings; each may be left out.
LISTS = ("ticket_types", "rooms", "tracks", "time_slots", "speakers", "sessions", "sponsor_tiers", "sponsors")
# Each section's keys; True marks the ones a file must give.
SECTIONS: dict[str, dict[str, bool]] = {
    "file": {FORMAT_KEY: True, "convening": True} | dict.fromkeys(LISTS, False),
    "convening": {"slug": False}
    | {name: name in ("name", "starts_on", "ends_on", "timezone") for name in CONVENING_FIELDS},
    "ticket type": {name: name == "name" for name in TICKET_TYPE_FIELDS},
    "room": {"name": True, "capacity": False, "floor": False, "accessibility_notes": False},
    "track": {"name": True, "color": False},
    "time slot": {"key": False, "starts_at": True, "ends_at": True, "kind": True, "label": False},
    "speaker": {
        "name": True,
        "title": False,
        "organization": False,
        "bio": False,
        "email": False,
        "links": False,
        "photo": False,
    },
    "session": {
        "kind": True,
        "title": True,
        "description": False,
        "track": False,
        "room": False,
        "slot": False,
        "capacity": False,
        "speakers": False,
    },
    "session speaker": {"name": True, "role": True},
    "sponsor tier": {"name": True},
    "sponsor": {"name": True, "tier": True, "url": False, "acknowledgement": False, "logo": False},
    "image": {"content_type": True, "data": True},
}


class ConveningFileRefused(Refused):
    """Nothing was imported; `problems` maps each place in the file ("rooms[2].name") to what to fix there."""


# --- reading and writing the file ----------------------------------------------------------------------


def dump(data: dict[str, Any], file_format: str) -> str:
    """The exported data as JSON or YAML text; YAML opens with a comment saying what the file holds."""
    if file_format == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    heading = (
        "# A Convening file: the setup of one convening (settings, tickets, program, sponsors).\n"
        "# It holds ticket access codes and speakers' email addresses: share it only with staff.\n"
        "# Start next year's convening from it with\n"
        "#   flask --app convening convening import FILE --slug NEW-SLUG --starts-on YYYY-MM-DD\n"
    )
    return heading + yaml.dump(data, Dumper=_YamlDumper, allow_unicode=True, sort_keys=False, width=110)


def load(raw: bytes, file_format: str) -> Any:
    """The file's data as Python objects, or ConveningFileRefused saying why it cannot be read."""
    if len(raw) > MAX_FILE_BYTES:
        _refuse("file", f"The file is {len(raw):,} bytes; a convening file must be under {MAX_FILE_BYTES:,}.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        _refuse("file", f"The file is not UTF-8 text (byte {error.start:,}). Save it as UTF-8 and try again.")
    try:
        if file_format == "json":
            return json.loads(text, object_pairs_hook=_unique_keys)
        return yaml.load(text, Loader=_YamlLoader)  # noqa: S506 - a SafeLoader, see _YamlLoader
    except json.JSONDecodeError as error:
        _refuse(
            "file", f"The file is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}."
        )
    except _RepeatedKey as error:
        _refuse("file", str(error))
    except yaml.YAMLError as error:
        _refuse("file", f"The file is not valid YAML: {_yaml_problem(error)}")


class _RepeatedKey(ValueError):
    pass


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object, refused when a key appears twice (the second would silently win)."""
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise _RepeatedKey(f"The key “{key}” appears twice in one object. Keep one of them.")
        seen[key] = value
    return seen


# libyaml's parser and emitter when installed: fifty times faster on a file full of photos.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SafeDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _YamlLoader(_SafeLoader):
    """Safe YAML (plain data only) where dates and times stay text, read as in JSON, and keys are unique."""


_YamlLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _yaml_mapping(loader: _YamlLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    seen = set()
    for key_node, _value in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | float | bool):
            continue  # construct_mapping refuses keys that cannot be keys
        if key in seen:
            line = key_node.start_mark.line + 1
            raise _RepeatedKey(
                f"The key “{key}” appears twice in one mapping (line {line}). Keep one of them."
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=True)


_YamlLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _yaml_mapping)


class _YamlDumper(_SafeDumper):
    """Descriptions and bios with line breaks are written as blocks, as people would type them."""


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_YamlDumper.add_representer(str, _represent_text)


def _yaml_problem(error: yaml.YAMLError) -> str:
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error)
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
    return f"{problem}{where}."


def _refuse(place: str, message: str) -> NoReturn:
    raise ConveningFileRefused({place: message})


# --- export ----------------------------------------------------------------------------------------------


def export_convening(convening: Convening) -> dict[str, Any]:
    """Everything needed to set the convening up again; times in its own zone, with their offset."""
    cid = convening.id

    def moment(value: datetime | None) -> str | None:
        return None if value is None else convening.local(value).isoformat()

    def rows(model: type, *order: Any) -> list[Any]:
        return list(db.session.scalars(select(model).where(model.convening_id == cid).order_by(*order)))

    settings = {name: getattr(convening, name) for name in ("slug", *CONVENING_FIELDS)}
    for name in ("starts_on", "ends_on"):
        settings[name] = settings[name].isoformat()
    for name in ("registration_opens_at", "registration_closes_at"):
        settings[name] = moment(settings[name])
    ticket_types = []
    for ticket_type in convening.ticket_types:
        values = {name: getattr(ticket_type, name) for name in TICKET_TYPE_FIELDS}
        values["sales_start_at"] = moment(values["sales_start_at"])
        values["sales_end_at"] = moment(values["sales_end_at"])
        values["badge_role"] = ticket_type.badge_role.value
        ticket_types.append(values)
    rooms = rows(Room, Room.position, Room.id)
    slots = rows(TimeSlot, TimeSlot.starts_at, TimeSlot.id)
    slot_keys = {slot.id: convening.local(slot.starts_at).strftime(SLOT_KEY_FORMAT) for slot in slots}
    tiers = rows(SponsorTier, SponsorTier.rank, SponsorTier.id)
    return {
        FORMAT_KEY: FORMAT_VERSION,
        "convening": settings,
        "ticket_types": ticket_types,
        "rooms": [
            {
                "name": room.name,
                "capacity": room.capacity,
                "floor": room.floor,
                "accessibility_notes": room.accessibility_notes,
            }
            for room in rooms
        ],
        "tracks": [
            {"name": track.name, "color": track.color} for track in rows(Track, Track.position, Track.id)
        ],
        "time_slots": [
            {
                "key": slot_keys[slot.id],
                "starts_at": moment(slot.starts_at),
                "ends_at": moment(slot.ends_at),
                "kind": slot.kind.value,
                "label": slot.label,
            }
            for slot in slots
        ],
        "speakers": [
            {
                "name": speaker.name,
                "title": speaker.title,
                "organization": speaker.organization,
                "bio": speaker.bio,
                "email": speaker.email,
                "links": list(speaker.links),
                "photo": _image(speaker.photo),
            }
            for speaker in rows(Speaker, Speaker.id)
        ],
        "sessions": [
            _session(session, slot_keys) for session in _sessions_in_program_order(cid, rooms, slots)
        ],
        "sponsor_tiers": [{"name": tier.name} for tier in tiers],
        "sponsors": [
            {
                "name": sponsor.name,
                "tier": tier.name,
                "url": sponsor.url,
                "acknowledgement": sponsor.acknowledgement,
                "logo": _image(sponsor.logo),
            }
            for tier in tiers
            for sponsor in tier.sponsors
        ],
    }


def _sessions_in_program_order(cid: int, rooms: list[Room], slots: list[TimeSlot]) -> list[ProgramSession]:
    """By time, then room; unscheduled ones last. Imports keep this order, so a re-export matches."""
    slot_order = {slot.id: index for index, slot in enumerate(slots)}
    room_order = {room.id: index for index, room in enumerate(rooms)}
    sessions = db.session.scalars(select(ProgramSession).where(ProgramSession.convening_id == cid))
    return sorted(
        sessions,
        key=lambda s: (
            slot_order.get(s.time_slot_id, len(slots)),
            room_order.get(s.room_id, len(rooms)),
            s.id,
        ),
    )


def _session(session: ProgramSession, slot_keys: dict[int, str]) -> dict[str, Any]:
    return {
        "kind": session.kind.value,
        "title": session.title,
        "description": session.description,
        "track": session.track.name if session.track else None,
        "room": session.room.name if session.room else None,
        "slot": slot_keys[session.time_slot_id] if session.time_slot_id else None,
        "capacity": session.capacity,
        "speakers": [{"name": link.speaker.name, "role": link.role.value} for link in session.speakers],
    }


def _image(image: StoredImage | None) -> dict[str, str] | None:
    if image is None:
        return None
    return {"content_type": image.content_type, "data": base64.b64encode(image.data).decode("ascii")}


def record_export(convening: Convening, *, actor: Actor) -> None:
    """An audit entry for an export, which carries access codes and speakers' addresses. Commits."""
    record(
        actor,
        "convening.export",
        "convening",
        convening.id,
        f"Exported the setup of {convening.name} to a file (with ticket access codes and speakers' emails)",
        convening_id=convening.id,
    )
    db.session.commit()


# --- import: checking -----------------------------------------------------------------------------------


@dataclass
class _Plan:
    """What the file asks for, checked: column values by row, references as keys into the other rows."""

    convening: dict[str, Any] = field(default_factory=dict)
    ticket_types: list[dict[str, Any]] = field(default_factory=list)
    rooms: dict[str, dict[str, Any]] = field(default_factory=dict)
    tracks: dict[str, dict[str, Any]] = field(default_factory=dict)
    slots: dict[str, dict[str, Any]] = field(default_factory=dict)
    speakers: dict[str, dict[str, Any]] = field(default_factory=dict)
    sessions: list[dict[str, Any]] = field(default_factory=list)
    tiers: dict[str, dict[str, Any]] = field(default_factory=dict)
    sponsors: list[dict[str, Any]] = field(default_factory=list)


class _Reader:
    """Reads values out of the parsed file, noting every problem with its place instead of stopping."""

    def __init__(self) -> None:
        self.problems: dict[str, str] = {}
        self.zone: ZoneInfo = ZoneInfo("UTC")  # the convening's, once known: for times written without offset

    def problem(self, place: str, message: str) -> None:
        self.problems[place] = f"{self.problems[place]} {message}" if place in self.problems else message

    def record(self, value: Any, place: str, what: str) -> dict[Any, Any] | None:
        """The mapping at `place` if it is one; unknown and missing keys are noted."""
        keys = SECTIONS[what]
        if not isinstance(value, dict):
            self.problem(
                place, f"Write the {what} as keys and values ({', '.join(keys)}), not {_kind(value)}."
            )
            return None
        for key in value:
            if key not in keys:
                hint = _suggest(str(key), keys) or f" The keys of a {what} are {', '.join(keys)}."
                self.problem(_at(place, key), f"Unknown key.{hint}")
        for key, required in keys.items():
            if required and value.get(key) is None:
                self.problem(_at(place, key), f"Missing: a {what} needs “{key}”.")
        return value

    def entries(self, data: dict[Any, Any], section: str, what: str) -> Iterable[tuple[str, dict[Any, Any]]]:
        """The mappings in one list of the file, each with its place: ("rooms[0]", {...})."""
        value = data.get(section)
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(section, f"Write {section} as a list (one entry per {what}), not {_kind(value)}.")
            return []
        return self._mappings(value, section, what)

    def _mappings(self, value: list[Any], section: str, what: str) -> Iterator[tuple[str, dict[Any, Any]]]:
        """Checked one by one as they are read, so problems are listed in the file's order."""
        for index, item in enumerate(value):
            checked = self.record(item, f"{section}[{index}]", what)
            if checked is not None:
                yield f"{section}[{index}]", checked

    def text(self, item: dict[Any, Any], key: str, place: str, model: type, *, required: bool = False) -> str:
        """Cleaned text for a column of `model`: NFC, no control characters, within the column's length."""
        value = item.get(key)
        here = _at(place, key)
        if value is None:
            return ""
        if not isinstance(value, str):
            self.problem(here, f"Write this as text, not {_kind(value)}.")
            return ""
        column_type = model.__table__.c[key].type
        multiline = isinstance(column_type, Text)
        bad = forbidden_characters(value, multiline=multiline)
        if bad:
            self.problem(here, bad)
            return ""
        cleaned = clean_block(value) if multiline else clean_line(value)
        limit = column_type.length
        if limit and len(cleaned) > limit:
            self.problem(here, f"Keep this under {limit} characters; it has {len(cleaned)}.")
        if required and not cleaned:
            self.problem(here, "This cannot be empty.")
        return cleaned

    def number(self, item: dict[Any, Any], key: str, place: str, *, default: int | None = None) -> int | None:
        """A whole number, zero or more; null (or no key) gives `default`."""
        value = item.get(key)
        if value is None:
            return default
        here = _at(place, key)
        if isinstance(value, bool) or not isinstance(value, int):
            blank = "" if default is not None else ", or null for no limit"
            self.problem(here, f"Write a whole number without quotes, like 120{blank}; not {_kind(value)}.")
            return default
        if value < 0:
            self.problem(here, "Write zero or more.")
            return default
        if value > LARGEST_NUMBER:
            self.problem(here, f"Write a number up to {LARGEST_NUMBER:,}.")
            return default
        return value

    def day(self, item: dict[Any, Any], key: str, place: str) -> date | None:
        value = item.get(key)
        if value is None:
            return None
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        self.problem(_at(place, key), f"Write a date like 2027-06-15, not {_kind(value)}.")
        return None

    def moment(self, item: dict[Any, Any], key: str, place: str) -> datetime | None:
        """A time with any UTC offset (or none: the convening's local time), as UTC."""
        value = item.get(key)
        if value is None:
            return None
        if isinstance(value, str) and len(value) > len("2027-06-15"):  # a date alone is not a time
            try:
                parsed = datetime.fromisoformat(value)
            except ValueError:
                pass
            else:
                return (parsed if parsed.tzinfo else parsed.replace(tzinfo=self.zone)).astimezone(UTC)
        self.problem(
            _at(place, key), f"Write a date and time like 2027-06-15T13:00:00-05:00, not {_kind(value)}."
        )
        return None

    def choice(self, item: dict[Any, Any], key: str, place: str, kinds: type[Any], what: str) -> Any:
        value = item.get(key)
        if value is None:
            return None
        known = [member.value for member in kinds]
        if value in known:
            return kinds(value)
        self.problem(_at(place, key), f"{_show(value)} is not a {what}. Use one of {', '.join(known)}.")
        return None

    def email(self, item: dict[Any, Any], key: str, place: str, model: type) -> str:
        address = self.text(item, key, place, model)
        if not address:
            return ""
        try:
            return validate_email(address, check_deliverability=False).normalized.lower()
        except EmailNotValidError as error:
            self.problem(_at(place, key), f"{error} Write an address like name@example.org.")
            return ""

    def url(self, value: Any, here: str) -> str:
        if not isinstance(value, str):
            self.problem(here, f"Write a web address as text, not {_kind(value)}.")
            return ""
        address = clean_line(value)
        parts = urlsplit(address)
        if parts.scheme not in ("http", "https") or not parts.hostname or len(address) > 500:
            self.problem(
                here, f"{_show(address)} is not a web address; write it in full, like https://example.org."
            )
        return address

    def image(
        self, item: dict[Any, Any], key: str, place: str, purpose: ImagePurpose
    ) -> ProcessedImage | None:
        """The image checked and re-encoded as an upload would be, stored once the convening exists."""
        value = item.get(key)
        if value is None:
            return None
        here = _at(place, key)
        image = self.record(value, here, "image")
        if image is None:
            return None
        content_type, data = image.get("content_type"), image.get("data")
        if content_type is not None and content_type not in IMAGE_TYPES:
            self.problem(
                _at(here, "content_type"), f"{_show(content_type)} is not one of {', '.join(IMAGE_TYPES)}."
            )
        if not isinstance(data, str):
            if data is not None:
                self.problem(_at(here, "data"), f"Write the image as base64 text, not {_kind(data)}.")
            return None
        try:
            raw = base64.b64decode("".join(data.split()), validate=True)
        except (binascii.Error, ValueError):
            self.problem(
                _at(here, "data"), "This is not base64 text. Export the convening again to get the image."
            )
            return None
        try:
            processed = process_image(raw, RULES[purpose])
        except ImageRefused as refusal:
            self.problem(here, str(refusal))
            return None
        return processed

    def reference(
        self, item: dict[Any, Any], key: str, place: str, known: dict[str, dict[str, Any]], what: str
    ) -> str | None:
        """The key of the row `item[key]` names (names match ignoring case), or None."""
        value = item.get(key)
        if value is None:
            return None
        here = _at(place, key)
        if not isinstance(value, str):
            self.problem(here, f"Write the {what}'s name as text, not {_kind(value)}.")
            return None
        name = clean_line(value)
        if name.casefold() in known:
            return name.casefold()
        names = [row["name"] for row in known.values()]
        hint = _suggest(name, names)
        if not hint:
            hint = f" The {what}s are: {', '.join(names)}." if names else f" The file has no {what}s."
        self.problem(here, f"There is no {what} named {_show(name)}.{hint}")
        return None

    def unique(self, name: str, place: str, seen: dict[str, Any], what: str) -> bool:
        """Whether `name` is new among `seen` (ignoring case); a duplicate is noted against its place."""
        if not name:
            return False
        if name.casefold() in seen:
            first = seen[name.casefold()]
            self.problem(
                _at(place, "name"),
                f"{first['place']} is already the {what} {_show(first['name'])}; give each its own name.",
            )
            return False
        return True


def _at(place: str, key: Any) -> str:
    return f"{place}.{key}" if place else str(key)


def _show(value: Any) -> str:
    return f"“{value}”" if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, int | float):
        return f"the number {value}"
    return _show(value)[:80]


def _suggest(name: str, known: Iterable[str]) -> str:
    by_fold = {option.casefold(): option for option in known}
    close = difflib.get_close_matches(name.casefold(), list(by_fold), n=1, cutoff=0.6)
    return f" Did you mean “{by_fold[close[0]]}”?" if close else ""


def _check_file(
    data: Any, *, slug: str | None = None, name: str | None = None, starts_on: date | None = None
) -> _Plan:
    """The whole file checked, with the overrides applied; ConveningFileRefused lists every problem found."""
    reader = _Reader()
    plan = _Plan()
    if not isinstance(data, dict):
        _refuse(
            "file",
            f"A convening file holds keys and values, starting with “{FORMAT_KEY}: {FORMAT_VERSION}”; this "
            f"one holds {_kind(data)}.",
        )
    version = data.get(FORMAT_KEY)
    if version is not None and version != FORMAT_VERSION:
        _refuse(
            FORMAT_KEY, f"This file is in format {_show(version)}; Convening reads format {FORMAT_VERSION}."
        )
    top = reader.record(data, "", "file") or {}
    given = top.get("convening")
    settings = reader.record(given, "convening", "convening") if given is not None else None
    shift = _read_convening(reader, settings or {}, plan, slug=slug, name=name, starts_on=starts_on)
    _read_ticket_types(reader, top, plan)
    _read_rooms_and_tracks(reader, top, plan)
    _read_slots(reader, top, plan)
    _read_speakers(reader, top, plan)
    _read_sessions(reader, top, plan)
    _read_sponsors(reader, top, plan)
    if reader.problems:
        raise ConveningFileRefused(reader.problems)
    if shift:
        _shift(plan, shift, reader.zone)
    return plan


def _read_convening(
    reader: _Reader,
    settings: dict[Any, Any],
    plan: _Plan,
    *,
    slug: str | None,
    name: str | None,
    starts_on: date | None,
) -> int:
    """The convening's settings; returns the days every date and time moves by (for --starts-on)."""
    place = "convening"
    timezone = settings.get("timezone")
    if isinstance(timezone, str) and timezone in time_zones():
        reader.zone = ZoneInfo(timezone)
    elif timezone is not None:
        reader.problem(
            f"{place}.timezone", f"{_show(timezone)} is not a time zone. Use a name like America/Chicago."
        )
    values: dict[str, Any] = {"timezone": timezone}
    for key in (
        "name",
        "tagline",
        "description",
        "venue_name",
        "venue_address",
        "city",
        "state",
        "wifi_network",
        "wifi_password",
        "emergency_contact",
    ):
        values[key] = reader.text(settings, key, place, Convening, required=key == "name")
    values["contact_email"] = reader.email(settings, "contact_email", place, Convening)
    values["starts_on"] = reader.day(settings, "starts_on", place)
    values["ends_on"] = reader.day(settings, "ends_on", place)
    values["registration_opens_at"] = reader.moment(settings, "registration_opens_at", place)
    values["registration_closes_at"] = reader.moment(settings, "registration_closes_at", place)
    values["capacity"] = reader.number(settings, "capacity", place)
    if values["starts_on"] and values["ends_on"] and values["ends_on"] < values["starts_on"]:
        reader.problem(f"{place}.ends_on", "The last day must be on or after the first day.")
    if not _in_order(values["registration_opens_at"], values["registration_closes_at"]):
        reader.problem(f"{place}.registration_closes_at", "Registration must close after it opens.")

    if name is not None:
        values["name"] = reader.text({"name": name}, "name", "", Convening, required=True)
    values["slug"] = _read_slug(reader, settings, slug)
    plan.convening = values
    if starts_on is None or values["starts_on"] is None:
        return 0
    return (starts_on - values["starts_on"]).days


def _read_slug(reader: _Reader, settings: dict[Any, Any], given: str | None) -> str:
    place = "slug" if given is not None else "convening.slug"
    slug = given if given is not None else settings.get("slug")
    if slug is None:
        reader.problem(place, "Give the new convening a slug, in the file or with --slug.")
        return ""
    if not isinstance(slug, str) or not re.fullmatch(SlugConverter.regex, slug):
        reader.problem(
            place,
            f"{_show(slug)} cannot be a slug: use 1 to 60 lower-case letters, digits and hyphens, like "
            "summit-2028.",
        )
    elif by_slug(slug) is not None:
        reader.problem(
            place,
            f"A convening with the slug “{slug}” already exists. Choose another one (--slug on the command "
            "line).",
        )
    return slug if isinstance(slug, str) else ""


def _read_ticket_types(reader: _Reader, top: dict[Any, Any], plan: _Plan) -> None:
    seen: dict[str, Any] = {}
    for place, item in reader.entries(top, "ticket_types", "ticket type"):
        values: dict[str, Any] = {"place": place}
        values["name"] = reader.text(item, "name", place, TicketType, required=True)
        values["description"] = reader.text(item, "description", place, TicketType)
        values["price_cents"] = reader.number(item, "price_cents", place, default=0)
        currency = item.get("currency", "USD")
        if not isinstance(currency, str) or not re.fullmatch(r"[A-Za-z]{3}", currency):
            reader.problem(
                f"{place}.currency", f"Write a three-letter currency code like USD, not {_kind(currency)}."
            )
            currency = "USD"
        values["currency"] = currency.upper()
        values["capacity"] = reader.number(item, "capacity", place)
        values["sales_start_at"] = reader.moment(item, "sales_start_at", place)
        values["sales_end_at"] = reader.moment(item, "sales_end_at", place)
        values["access_code"] = reader.text(item, "access_code", place, TicketType) or None
        role = reader.choice(item, "badge_role", place, BadgeRole, "badge role")
        values["badge_role"] = role or BadgeRole.ATTENDEE
        if not _in_order(values["sales_start_at"], values["sales_end_at"]):
            reader.problem(f"{place}.sales_end_at", "Sales must end after they start.")
        if reader.unique(values["name"], place, seen, "ticket type"):
            seen[values["name"].casefold()] = values
    plan.ticket_types = list(seen.values())


def _read_rooms_and_tracks(reader: _Reader, top: dict[Any, Any], plan: _Plan) -> None:
    for place, item in reader.entries(top, "rooms", "room"):
        values = {
            "place": place,
            "name": reader.text(item, "name", place, Room, required=True),
            "capacity": reader.number(item, "capacity", place),
            "floor": reader.text(item, "floor", place, Room),
            "accessibility_notes": reader.text(item, "accessibility_notes", place, Room),
        }
        if reader.unique(values["name"], place, plan.rooms, "room"):
            plan.rooms[values["name"].casefold()] = values
    for place, item in reader.entries(top, "tracks", "track"):
        colour = item.get("color") or ""
        if not isinstance(colour, str) or not re.fullmatch(r"(#[0-9A-Fa-f]{6})?", colour):
            reader.problem(f"{place}.color", f"Write a colour like #2f6f4f, not {_kind(colour)}.")
            colour = ""
        values = {
            "place": place,
            "name": reader.text(item, "name", place, Track, required=True),
            "color": colour.lower(),
        }
        if reader.unique(values["name"], place, plan.tracks, "track"):
            plan.tracks[values["name"].casefold()] = values


def _read_slots(reader: _Reader, top: dict[Any, Any], plan: _Plan) -> None:
    first_day, last_day = plan.convening.get("starts_on"), plan.convening.get("ends_on")
    complete = []
    for place, item in reader.entries(top, "time_slots", "time slot"):
        values = {
            "place": place,
            "starts_at": reader.moment(item, "starts_at", place),
            "ends_at": reader.moment(item, "ends_at", place),
            "kind": reader.choice(item, "kind", place, SlotKind, "kind of time slot"),
            "label": reader.text(item, "label", place, TimeSlot),
        }
        start, end = values["starts_at"], values["ends_at"]
        key = item.get("key")
        if key is not None and not isinstance(key, str):
            reader.problem(f"{place}.key", f"Write the key as text, not {_kind(key)}.")
            continue
        if start is None or end is None:
            continue
        if end <= start:
            reader.problem(f"{place}.ends_at", "The slot must end after it starts.")
            continue
        local_day = start.astimezone(reader.zone).date()
        if first_day and last_day and first_day <= last_day and not first_day <= local_day <= last_day:
            reader.problem(
                f"{place}.starts_at",
                f"{local_day.isoformat()} is not one of the convening's days ({first_day} to {last_day}).",
            )
        values["name"] = key if key is not None else start.astimezone(reader.zone).strftime(SLOT_KEY_FORMAT)
        if key is not None and key.casefold() in plan.slots:
            reader.problem(
                f"{place}.key", f"{plan.slots[key.casefold()]['place']} already has the key “{key}”."
            )
            continue
        plan.slots[values["name"].casefold()] = values
        complete.append(values)
    latest: dict[str, Any] | None = None
    for values in sorted(complete, key=lambda slot: (slot["starts_at"], slot["ends_at"])):
        if latest is not None and values["starts_at"] < latest["ends_at"]:
            reader.problem(
                values["place"],
                f"It overlaps {latest['place']} ({_slot_words(latest, reader.zone)}). Time slots cannot "
                "overlap: change the times of one of them.",
            )
        if latest is None or values["ends_at"] > latest["ends_at"]:
            latest = values


def _slot_words(slot: dict[str, Any], zone: ZoneInfo) -> str:
    start, end = slot["starts_at"].astimezone(zone), slot["ends_at"].astimezone(zone)
    label = f"{slot['label']}, " if slot["label"] else ""
    return f"{label}{start:%a %Y-%m-%d %H:%M}–{end:%H:%M}"


def _read_speakers(reader: _Reader, top: dict[Any, Any], plan: _Plan) -> None:
    for place, item in reader.entries(top, "speakers", "speaker"):
        values = {"place": place, "name": reader.text(item, "name", place, Speaker, required=True)}
        for key in ("title", "organization", "bio"):
            values[key] = reader.text(item, key, place, Speaker)
        values["email"] = reader.email(item, "email", place, Speaker)
        links = item.get("links") or []
        if not isinstance(links, list) or len(links) > 20:
            reader.problem(f"{place}.links", "Write the links as a list of up to 20 web addresses.")
            links = []
        values["links"] = [reader.url(link, f"{place}.links[{index}]") for index, link in enumerate(links)]
        values["photo"] = reader.image(item, "photo", place, ImagePurpose.SPEAKER_PHOTO)
        if reader.unique(values["name"], place, plan.speakers, "speaker"):
            plan.speakers[values["name"].casefold()] = values


def _read_sessions(reader: _Reader, top: dict[Any, Any], plan: _Plan) -> None:
    for place, item in reader.entries(top, "sessions", "session"):
        values = {
            "place": place,
            "kind": reader.choice(item, "kind", place, SessionKind, "kind of session"),
            "title": reader.text(item, "title", place, ProgramSession, required=True),
            "description": reader.text(item, "description", place, ProgramSession),
            "track": reader.reference(item, "track", place, plan.tracks, "track"),
            "room": reader.reference(item, "room", place, plan.rooms, "room"),
            "slot": _slot_reference(reader, item, place, plan),
            "capacity": reader.number(item, "capacity", place),
            "speakers": [],
        }
        speakers = item.get("speakers") or []
        if not isinstance(speakers, list):
            reader.problem(
                f"{place}.speakers",
                f"Write the speakers as a list of names and roles, not {_kind(speakers)}.",
            )
            speakers = []
        listed: set[str] = set()
        for index, entry in enumerate(speakers):
            here = f"{place}.speakers[{index}]"
            link = reader.record(entry, here, "session speaker")
            if link is None:
                continue
            speaker = reader.reference(link, "name", here, plan.speakers, "speaker")
            role = reader.choice(link, "role", here, SpeakerRole, "speaker role")
            if speaker in listed:
                reader.problem(f"{here}.name", "This speaker is already listed for this session.")
            elif speaker and role:
                listed.add(speaker)
                values["speakers"].append((speaker, role))
        plan.sessions.append(values)


def _slot_reference(reader: _Reader, item: dict[Any, Any], place: str, plan: _Plan) -> str | None:
    value = item.get("slot")
    if value is None:
        return None
    if isinstance(value, str) and value.casefold() in plan.slots:
        return value.casefold()
    keys = [slot["name"] for slot in plan.slots.values()]
    hint = _suggest(str(value), keys) or (
        f" Slot keys look like {keys[0]}." if keys else " The file has no time slots."
    )
    reader.problem(f"{place}.slot", f"There is no time slot with the key {_show(value)}.{hint}")
    return None


def _read_sponsors(reader: _Reader, top: dict[Any, Any], plan: _Plan) -> None:
    for place, item in reader.entries(top, "sponsor_tiers", "sponsor tier"):
        values = {"place": place, "name": reader.text(item, "name", place, SponsorTier, required=True)}
        if reader.unique(values["name"], place, plan.tiers, "sponsor tier"):
            plan.tiers[values["name"].casefold()] = values
    for place, item in reader.entries(top, "sponsors", "sponsor"):
        url = item.get("url")
        plan.sponsors.append(
            {
                "place": place,
                "name": reader.text(item, "name", place, Sponsor, required=True),
                "tier": reader.reference(item, "tier", place, plan.tiers, "sponsor tier"),
                "url": reader.url(url, f"{place}.url") if url else "",
                "acknowledgement": reader.text(item, "acknowledgement", place, Sponsor),
                "logo": reader.image(item, "logo", place, ImagePurpose.SPONSOR_LOGO),
            }
        )


def _in_order(start: datetime | None, end: datetime | None) -> bool:
    return start is None or end is None or end > start


def _shift(plan: _Plan, days: int, zone: ZoneInfo) -> None:
    """Move every date and time by whole days, keeping wall-clock times (a 9:00 keynote stays at 9:00)."""

    def moved(moment: datetime | None) -> datetime | None:
        if moment is None:
            return None
        local = moment.astimezone(zone).replace(tzinfo=None) + timedelta(days=days)
        return local.replace(tzinfo=zone).astimezone(UTC)

    settings = plan.convening
    settings["starts_on"] += timedelta(days=days)
    settings["ends_on"] += timedelta(days=days)
    for key in ("registration_opens_at", "registration_closes_at"):
        settings[key] = moved(settings[key])
    for ticket_type in plan.ticket_types:
        for key in ("sales_start_at", "sales_end_at"):
            ticket_type[key] = moved(ticket_type[key])
    for slot in plan.slots.values():
        slot["starts_at"], slot["ends_at"] = moved(slot["starts_at"]), moved(slot["ends_at"])


# --- import: writing -------------------------------------------------------------------------------------


def import_convening(
    data: Any,
    *,
    slug: str | None = None,
    name: str | None = None,
    starts_on: date | None = None,
    actor: Actor,
) -> Convening:
    """Create a convening from a parsed file, all of it or nothing; ConveningFileRefused lists the problems.

    `slug` and `name` replace the file's; `starts_on` moves every date and time by the same whole number of
    days. Commits, with an audit entry.
    """
    plan = _check_file(data, slug=slug, name=name, starts_on=starts_on)
    settings = dict(plan.convening)
    convening = Convening(**settings)
    db.session.add(convening)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        _refuse("slug", f"A convening with the slug “{settings['slug']}” was just created. Choose another.")
    cid = convening.id
    for position, values in enumerate(plan.ticket_types):
        db.session.add(
            TicketType(convening_id=cid, position=position, **_columns(values, TICKET_TYPE_FIELDS))
        )
    rooms = {
        key: Room(
            convening_id=cid,
            position=position,
            **_columns(values, ("name", "capacity", "floor", "accessibility_notes")),
        )
        for position, (key, values) in enumerate(plan.rooms.items())
    }
    tracks = {
        key: Track(convening_id=cid, position=position, name=values["name"], color=values["color"])
        for position, (key, values) in enumerate(plan.tracks.items())
    }
    slots = {
        key: TimeSlot(convening_id=cid, **_columns(values, ("starts_at", "ends_at", "kind", "label")))
        for key, values in plan.slots.items()
    }
    speakers = {
        key: Speaker(
            convening_id=cid,
            photo=_saved(cid, values["photo"], ImagePurpose.SPEAKER_PHOTO),
            **_columns(values, ("name", "title", "organization", "bio", "email", "links")),
        )
        for key, values in plan.speakers.items()
    }
    db.session.add_all([*rooms.values(), *tracks.values(), *slots.values(), *speakers.values()])
    for values in plan.sessions:
        db.session.add(
            ProgramSession(
                convening_id=cid,
                track=tracks.get(values["track"]),
                room=rooms.get(values["room"]),
                time_slot=slots.get(values["slot"]),
                speakers=[
                    SessionSpeaker(speaker=speakers[key], role=role, position=position)
                    for position, (key, role) in enumerate(values["speakers"])
                ],
                **_columns(values, ("kind", "title", "description", "capacity")),
            )
        )
    tiers = {
        key: SponsorTier(convening_id=cid, name=values["name"], rank=rank)
        for rank, (key, values) in enumerate(plan.tiers.items())
    }
    db.session.add_all(tiers.values())
    for position, values in enumerate(plan.sponsors):
        db.session.add(
            Sponsor(
                convening_id=cid,
                tier=tiers[values["tier"]],
                position=position,
                logo=_saved(cid, values["logo"], ImagePurpose.SPONSOR_LOGO),
                **_columns(values, ("name", "url", "acknowledgement")),
            )
        )
    record(
        actor,
        "convening.import",
        "convening",
        cid,
        f"Created {convening.name} from a convening file: {contents(data)}",
        convening_id=cid,
        changes={"slug": [None, convening.slug], "starts_on": [None, convening.starts_on.isoformat()]}
        | {key: [None, len(data.get(key) or [])] for key in LISTS},
    )
    db.session.commit()
    return convening


def _saved(convening_id: int, processed: ProcessedImage | None, purpose: ImagePurpose) -> StoredImage | None:
    """The image processed while checking the file, stored as is so it is not encoded a second time."""
    return save_image(convening_id, processed, purpose) if processed is not None else None


def _columns(values: dict[str, Any], names: Iterable[str]) -> dict[str, Any]:
    return {name: values[name] for name in names}


def contents(data: dict[str, Any]) -> str:
    """'3 ticket types, 6 rooms, 1 track...': what an exported or checked file holds, for reports."""
    parts = []
    for key in LISTS:
        number = len(data.get(key) or [])
        words = key.replace("_", " ")
        parts.append(f"{number} {words[:-1] if number == 1 else words}")
    return ", ".join(parts)
