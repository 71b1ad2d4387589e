"""The program grid as a schedule editor sees it: each day's time slots by rooms, and what looks wrong.

Pure: plain data in, the layout and its warnings out, so the console, a command and a test all call it alike.
Times arrive in the convening's time zone, so a slot's date is the day attendees see it on.
Names and titles inside warning messages are wrapped in Unicode isolates, the plain-text <bdi>, so an
Arabic speaker's name cannot reorder the English sentence around it.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import combinations

from convening.formatting import clock

BREAKOUT = "breakout"  # the slot kind and the session kind of breakout workshops


@dataclass(frozen=True)
class Slot:
    id: int
    starts_at: datetime  # in the convening's time zone
    ends_at: datetime
    kind: str
    kind_label: str
    label: str = ""

    @property
    def day(self) -> date:
        return self.starts_at.date()

    def overlaps(self, other: Slot) -> bool:
        return self.starts_at < other.ends_at and other.starts_at < self.ends_at


@dataclass(frozen=True)
class Room:
    id: int
    name: str
    capacity: int | None = None


@dataclass(frozen=True)
class Speaker:
    id: int
    name: str


@dataclass(frozen=True)
class Track:
    name: str
    color: str = ""  # "#2f6f4f", always shown beside the name


@dataclass(frozen=True)
class Session:
    id: int
    title: str
    kind: str
    kind_label: str
    slot_id: int | None = None
    room_id: int | None = None
    capacity: int | None = None  # its own limit; None takes the room's
    speakers: tuple[Speaker, ...] = ()
    track: Track | None = None


class Problem(enum.StrEnum):
    """What a warning is about, in the order the warnings list shows problems of one slot."""

    ROOM_DOUBLE_BOOKED = "room_double_booked"
    SPEAKER_DOUBLE_BOOKED = "speaker_double_booked"
    OVER_ROOM_CAPACITY = "over_room_capacity"
    SLOT_WITHOUT_ROOM = "slot_without_room"
    ROOM_WITHOUT_SLOT = "room_without_slot"
    BREAKOUT_OUTSIDE_BREAKOUTS = "breakout_outside_breakouts"

    @property
    def is_notice(self) -> bool:
        """A notice may well be meant (a workshop over lunch); a warning almost never is."""
        return self is Problem.BREAKOUT_OUTSIDE_BREAKOUTS


@dataclass(frozen=True)
class GridWarning:
    problem: Problem
    summary: str  # a few words for the card: "Room double-booked"
    message: str  # the whole sentence for the warnings list, saying what to do
    session_ids: tuple[int, ...]
    day: date | None  # None: about a session that is on no day yet
    starts_at: datetime | None = None

    @property
    def is_notice(self) -> bool:
        return self.problem.is_notice

    def as_json(self) -> dict[str, object]:
        return {
            "problem": self.problem.value,
            "severity": "notice" if self.is_notice else "warning",
            "summary": self.summary,
            "message": self.message,
            "session_ids": list(self.session_ids),
            "day": self.day.isoformat() if self.day else None,
        }


@dataclass(frozen=True)
class Card:
    """A session where it sits, with the warnings that concern it."""

    session: Session
    slot: Slot | None
    room: Room | None
    warnings: tuple[GridWarning, ...] = ()

    @property
    def effective_capacity(self) -> int | None:
        """Its own limit, else its room's, else none."""
        if self.session.capacity is not None:
            return self.session.capacity
        return self.room.capacity if self.room is not None else None

    @property
    def where(self) -> str:
        """'Main Hall, Tuesday, June 15 at 9:00 AM', in the words of a confirmation; empty when nowhere."""
        if self.slot is None:
            return f"{self.room.name}, without a time slot" if self.room else ""
        return f"{self.room.name}, {when(self.slot)}" if self.room else f"{when(self.slot)}, without a room"


@dataclass(frozen=True)
class Cell:
    """One slot in one room (room None: the slot's sessions without a room)."""

    slot: Slot
    room: Room | None
    cards: tuple[Card, ...]

    @property
    def anchor(self) -> str:
        return cell_anchor(self.slot.id, self.room.id if self.room else None)

    @property
    def warnings(self) -> tuple[GridWarning, ...]:
        return tuple(dict.fromkeys(warning for card in self.cards for warning in card.warnings))


@dataclass(frozen=True)
class Row:
    slot: Slot
    cells: tuple[Cell, ...]  # one per room, in the rooms' order
    without_room: Cell


@dataclass(frozen=True)
class Day:
    date: date
    rows: tuple[Row, ...]
    warnings: tuple[GridWarning, ...]

    @property
    def has_sessions_without_room(self) -> bool:
        return any(row.without_room.cards for row in self.rows)


@dataclass(frozen=True)
class Grid:
    rooms: tuple[Room, ...]
    days: tuple[Day, ...]
    unscheduled: tuple[Card, ...]  # no time slot, with or without a room
    warnings: tuple[GridWarning, ...]
    cards: dict[int, Card] = field(repr=False, compare=False)

    def day(self, wanted: date) -> Day | None:
        return next((day for day in self.days if day.date == wanted), None)

    @property
    def undated_warnings(self) -> tuple[GridWarning, ...]:
        return tuple(warning for warning in self.warnings if warning.day is None)

    def anchor(self, warning: GridWarning) -> str:
        """The id of the cell (or, off the grid, the card) a warning points at."""
        card = self.cards[warning.session_ids[0]]
        if card.slot is None:
            return f"session-{card.session.id}"
        return cell_anchor(card.slot.id, card.room.id if card.room else None)


def cell_anchor(slot_id: int, room_id: int | None) -> str:
    return f"cell-{slot_id}-{room_id if room_id is not None else 'none'}"


def isolate(text: str) -> str:
    """Text set apart from its sentence's direction (FSI ... PDI)."""
    return f"\u2068{text}\u2069"


def quoted(title: str) -> str:
    return f"“{isolate(title)}”"


def when(slot: Slot) -> str:
    """'Tuesday, June 15 at 9:00 AM'."""
    start = slot.starts_at
    return f"{start:%A, %B} {start.day} at {clock(start)}"


def listed(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def build_grid(
    slots: Iterable[Slot], rooms: Iterable[Room], sessions: Iterable[Session], *, days: Iterable[date] = ()
) -> Grid:
    """Lay the program out by day, slot and room and find what looks wrong.

    `days` adds days with nothing on them yet (the convening's dates), so each has its page. A session
    pointing at a slot or room that is not given is treated as having none.
    """
    slots = sorted(slots, key=lambda slot: (slot.starts_at, slot.ends_at, slot.id))
    rooms = tuple(rooms)
    slot_by_id = {slot.id: slot for slot in slots}
    room_by_id = {room.id: room for room in rooms}
    placed = [
        Card(
            session,
            slot_by_id.get(session.slot_id) if session.slot_id is not None else None,
            room_by_id.get(session.room_id) if session.room_id is not None else None,
        )
        for session in sessions
    ]
    warnings = find_warnings(placed)
    concerning: dict[int, list[GridWarning]] = defaultdict(list)
    for warning in warnings:
        for session_id in warning.session_ids:
            concerning[session_id].append(warning)
    cards = [Card(card.session, card.slot, card.room, tuple(concerning[card.session.id])) for card in placed]

    in_cell: dict[tuple[int, int | None], list[Card]] = defaultdict(list)
    for card in cards:
        if card.slot is not None:
            in_cell[card.slot.id, card.room.id if card.room else None].append(card)
    rows_by_day: dict[date, list[Row]] = {day: [] for day in days}
    for slot in slots:
        rows_by_day.setdefault(slot.day, []).append(
            Row(
                slot,
                tuple(Cell(slot, room, tuple(in_cell[slot.id, room.id])) for room in rooms),
                Cell(slot, None, tuple(in_cell[slot.id, None])),
            )
        )
    return Grid(
        rooms=rooms,
        days=tuple(
            Day(day, tuple(rows), tuple(warning for warning in warnings if warning.day == day))
            for day, rows in sorted(rows_by_day.items())
        ),
        unscheduled=tuple(card for card in cards if card.slot is None),
        warnings=warnings,
        cards={card.session.id: card for card in cards},
    )


def find_warnings(cards: Iterable[Card]) -> tuple[GridWarning, ...]:
    """Everything a schedule editor would flag, by day and time; what concerns no day comes last."""
    cards = list(cards)
    found = [
        *_rooms_double_booked(cards),
        *_speakers_double_booked(cards),
        *(warning for card in cards for warning in _single_session_warnings(card)),
    ]
    order = list(Problem)
    return tuple(
        sorted(
            found,
            key=lambda warning: (
                warning.day is None,
                warning.day or date.min,
                warning.starts_at.timestamp() if warning.starts_at else 0,
                order.index(warning.problem),
                warning.session_ids,
            ),
        )
    )


def _warning(problem: Problem, summary: str, message: str, cards: list[Card]) -> GridWarning:
    slot = cards[0].slot
    return GridWarning(
        problem,
        summary,
        message,
        tuple(card.session.id for card in cards),
        slot.day if slot else None,
        slot.starts_at if slot else None,
    )


def _rooms_double_booked(cards: list[Card]) -> list[GridWarning]:
    sharing: dict[tuple[Slot, Room], list[Card]] = defaultdict(list)
    for card in cards:
        if card.slot is not None and card.room is not None:
            sharing[card.slot, card.room].append(card)
    warnings = []
    for (slot, room), together in sharing.items():
        if len(together) < 2:
            continue
        titles = listed([quoted(card.session.title) for card in together])
        what_to_do = "Move one" if len(together) == 2 else "Move all but one"
        message = (
            f"{isolate(room.name)} has {len(together)} sessions on {when(slot)}: {titles}. "
            f"{what_to_do} to another room or time."
        )
        warnings.append(_warning(Problem.ROOM_DOUBLE_BOOKED, "Room double-booked", message, together))
    return warnings


def _speakers_double_booked(cards: list[Card]) -> list[GridWarning]:
    """One warning per speaker and pair of their sessions whose times overlap (the same slot or not)."""
    speaking: dict[int, list[tuple[Slot, Card]]] = defaultdict(list)
    names: dict[int, str] = {}
    for card in cards:
        if card.slot is None:
            continue
        for speaker in {speaker.id: speaker for speaker in card.session.speakers}.values():
            speaking[speaker.id].append((card.slot, card))
            names[speaker.id] = speaker.name
    warnings = []
    for speaker_id, theirs in speaking.items():
        for (first_slot, first), (second_slot, second) in combinations(theirs, 2):
            if not first_slot.overlaps(second_slot):
                continue
            if first_slot.starts_at > second_slot.starts_at:
                (first_slot, first), (second_slot, second) = (second_slot, second), (first_slot, first)
            name = isolate(names[speaker_id])
            if first_slot.id == second_slot.id:
                message = (
                    f"{name} is in two sessions at once on {when(first_slot)}: "
                    f"{quoted(first.session.title)} and {quoted(second.session.title)}. "
                )
            else:
                message = (
                    f"{name} is in two places at once: {quoted(first.session.title)} "
                    f"({when(first_slot)}) overlaps {quoted(second.session.title)} ({when(second_slot)}). "
                )
            message += "Move one of the sessions or change who speaks."
            warnings.append(
                _warning(Problem.SPEAKER_DOUBLE_BOOKED, f"{name} double-booked", message, [first, second])
            )
    return warnings


def _single_session_warnings(card: Card) -> list[GridWarning]:
    session, slot, room = card.session, card.slot, card.room
    title = quoted(session.title)
    warnings = []
    if room is not None and room.capacity is not None and (session.capacity or 0) > room.capacity:
        warnings.append(
            _warning(
                Problem.OVER_ROOM_CAPACITY,
                "Larger than its room",
                f"{title} is set for {session.capacity} people but {isolate(room.name)} holds "
                f"{room.capacity}. Lower the session's capacity or move it to a larger room.",
                [card],
            )
        )
    if slot is not None and room is None:
        warnings.append(
            _warning(
                Problem.SLOT_WITHOUT_ROOM,
                "No room",
                f"{title} is on {when(slot)} but has no room. Choose a room for it.",
                [card],
            )
        )
    if slot is None and room is not None:
        warnings.append(
            _warning(
                Problem.ROOM_WITHOUT_SLOT,
                "No time slot",
                f"{title} has a room ({isolate(room.name)}) but no time slot. Choose a time slot for it, "
                "or take it out of the room.",
                [card],
            )
        )
    if slot is not None and session.kind == BREAKOUT and slot.kind != BREAKOUT:
        kind = slot.kind_label.lower()
        warnings.append(
            _warning(
                Problem.BREAKOUT_OUTSIDE_BREAKOUTS,
                f"Breakout in a {kind} slot",
                f"{title} is a breakout workshop in a {kind} slot ({when(slot)}). "
                "Check that this is meant, or move it to a breakout slot.",
                [card],
            )
        )
    return warnings
