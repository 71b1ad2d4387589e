"""Every domain's models, imported in one place so Alembic sees the whole schema."""

from convening.accounts.models import StaffUser
from convening.audit.models import AuditEntry
from convening.badges.models import BadgeBatch, BadgePrint
from convening.checkin.models import CheckIn, Station
from convening.convenings.models import Convening
from convening.images.models import StoredImage
from convening.jobs.models import Job
from convening.mail.models import OutboxMessage
from convening.program.models import ProgramSession, Room, SessionSpeaker, Speaker, TimeSlot, Track
from convening.registration.models import Registration, RegistrationImport, StaffNote, TicketType
from convening.scheduling.models import (
    AssignmentRun,
    SpeakerUnavailability,
    TimetableProposal,
    WorkshopChoice,
    WorkshopInterest,
    WorkshopSeat,
)
from convening.sponsors.models import Sponsor, SponsorTier

__all__ = [
    "AssignmentRun",
    "AuditEntry",
    "BadgeBatch",
    "BadgePrint",
    "CheckIn",
    "Convening",
    "Job",
    "OutboxMessage",
    "ProgramSession",
    "Registration",
    "RegistrationImport",
    "Room",
    "SessionSpeaker",
    "Speaker",
    "SpeakerUnavailability",
    "Sponsor",
    "SponsorTier",
    "StaffNote",
    "StaffUser",
    "Station",
    "StoredImage",
    "TicketType",
    "TimeSlot",
    "TimetableProposal",
    "Track",
    "WorkshopChoice",
    "WorkshopInterest",
    "WorkshopSeat",
]
