"""Finding convenings and what their public home page shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from convening.convenings.models import Convening
from convening.extensions import db
from convening.program.models import ProgramSession, SessionKind, SessionSpeaker, TimeSlot
from convening.sponsors.models import SponsorTier


def by_slug(slug: str) -> Convening | None:
    return db.session.scalar(select(Convening).where(Convening.slug == slug))


def current(today: date) -> Convening | None:
    """The convening under way or coming next; when all are past, the most recent one."""
    upcoming = db.session.scalar(
        select(Convening)
        .where(Convening.ends_on >= today)
        .order_by(Convening.starts_on, Convening.id)
        .limit(1)
    )
    if upcoming is not None:
        return upcoming
    return db.session.scalar(
        select(Convening).order_by(Convening.ends_on.desc(), Convening.id.desc()).limit(1)
    )


@dataclass
class Highlights:
    """What is on, for the home page: keynotes in time order, breakout workshops grouped by track."""

    keynotes: list[ProgramSession]
    workshops_by_track: list[tuple[str, list[ProgramSession]]]


def highlights(convening: Convening) -> Highlights:
    sessions = db.session.scalars(
        select(ProgramSession)
        .outerjoin(ProgramSession.time_slot)
        .where(
            ProgramSession.convening_id == convening.id,
            ProgramSession.kind.in_([SessionKind.KEYNOTE, SessionKind.BREAKOUT]),
        )
        .options(
            selectinload(ProgramSession.speakers).selectinload(SessionSpeaker.speaker),
            selectinload(ProgramSession.track),
            selectinload(ProgramSession.time_slot),
            selectinload(ProgramSession.room),
        )
        .order_by(TimeSlot.starts_at, ProgramSession.title)
    ).all()
    keynotes = [s for s in sessions if s.kind == SessionKind.KEYNOTE]
    tracks: dict[str, list[ProgramSession]] = {}
    for session in sorted(
        (s for s in sessions if s.kind == SessionKind.BREAKOUT),
        key=lambda s: (s.track.position if s.track else 1_000_000, s.title),
    ):
        tracks.setdefault(session.track.name if session.track else "Other workshops", []).append(session)
    return Highlights(keynotes=keynotes, workshops_by_track=list(tracks.items()))


def sponsor_tiers(convening_id: int) -> list[SponsorTier]:
    """Tiers that have sponsors, most prominent first, for the footer strip and the home page."""
    tiers = db.session.scalars(
        select(SponsorTier)
        .where(SponsorTier.convening_id == convening_id)
        .options(selectinload(SponsorTier.sponsors))
        .order_by(SponsorTier.rank, SponsorTier.id)
    ).all()
    return [tier for tier in tiers if tier.sponsors]
