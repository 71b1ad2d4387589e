"""Every domain's models, imported in one place so Alembic sees the whole schema."""

from convening.convenings.models import Convening
from convening.mail.models import OutboxMessage
from convening.program.models import ProgramSession, Room, SessionSpeaker, Speaker, TimeSlot, Track
from convening.registration.models import Registration, TicketType
from convening.sponsors.models import Sponsor, SponsorTier

__all__ = [
    "Convening",
    "OutboxMessage",
    "ProgramSession",
    "Registration",
    "Room",
    "SessionSpeaker",
    "Speaker",
    "Sponsor",
    "SponsorTier",
    "TicketType",
    "TimeSlot",
    "Track",
]
