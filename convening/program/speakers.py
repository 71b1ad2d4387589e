"""Speakers: their details, links and photo, and taking them off the program when they are deleted.

Each change is checked whole before anything is written (the photo included), so a refused form leaves the
speaker as it was; problems come back per form field in Refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import delete, select
from sqlalchemy.orm import defer, selectinload

from convening.audit.services import Actor, record
from convening.convenings.models import Convening
from convening.extensions import db
from convening.images.models import ImagePurpose, StoredImage
from convening.images.processing import ProcessedImage
from convening.images.services import ImageChange, Upload, checked_upload, save_with_image
from convening.problems import Refused
from convening.program.agenda import speaker_sessions
from convening.program.models import SessionSpeaker, Speaker
from convening.text import search_key, web_address_problem

MAX_LINKS = 10
TEXT_LIMITS = {"name": 150, "title": 150, "organization": 200, "bio": 5000, "email": 254}


@dataclass
class SpeakerDetails:
    """What staff set for a speaker; the photo travels beside it as an Upload."""

    name: str
    title: str = ""
    organization: str = ""
    bio: str = ""
    email: str = ""  # staff only: never on public pages or in exports
    links: list[str] = field(default_factory=list)


SPEAKER_FIELDS = tuple(item.name for item in fields(SpeakerDetails))


def _problems(details: SpeakerDetails) -> dict[str, str]:
    problems = {}
    if not details.name.strip():
        problems["name"] = "Enter the speaker’s name."
    for name, limit in TEXT_LIMITS.items():
        if len(getattr(details, name)) > limit:
            problems[name] = f"Keep this under {limit} characters."
    if details.email and "email" not in problems:
        try:
            validate_email(details.email, check_deliverability=False)
        except EmailNotValidError as error:
            problems["email"] = f"{error} Enter an address like name@example.org."
    links = links_problem(details.links)
    if links:
        problems["links"] = links
    return problems


def links_problem(links: list[str]) -> str | None:
    """What is wrong with a speaker's list of web addresses (the first problem found), or None."""
    if len(links) > MAX_LINKS:
        return f"List at most {MAX_LINKS} web addresses: the speaker’s site and main profiles."
    return next((problem for problem in map(web_address_problem, links) if problem), None)


def _checked(details: SpeakerDetails, photo: Upload | None) -> ProcessedImage | None:
    """The photo ready to store, when all of the change is acceptable; Refused otherwise."""
    problems = _problems(details)
    processed = checked_upload(photo, ImagePurpose.SPEAKER_PHOTO, problems, "photo")
    if problems:
        raise Refused(problems)
    return processed


def _apply(speaker: Speaker, details: SpeakerDetails) -> None:
    for name in SPEAKER_FIELDS:
        setattr(speaker, name, getattr(details, name))
    speaker.links = list(dict.fromkeys(details.links))  # the order given, each address once


def _snapshot(speaker: Speaker) -> dict[str, Any]:
    """The speaker in the audit log's words: links on one line."""
    values: dict[str, Any] = {name: getattr(speaker, name) for name in SPEAKER_FIELDS}
    values["links"] = " ".join(speaker.links or [])
    return values


def create_speaker(
    convening: Convening, details: SpeakerDetails, *, actor: Actor, photo: Upload | None = None
) -> Speaker:
    """Add a speaker, with a photo when one is given. Commits."""
    processed = _checked(details, photo)
    speaker = Speaker(convening_id=convening.id)
    image = ImageChange("photo", ImagePurpose.SPEAKER_PHOTO, processed, photo)
    save_with_image(speaker, lambda: _apply(speaker, details), _snapshot, image, what="speaker", actor=actor)
    return speaker


def update_speaker(
    speaker: Speaker,
    details: SpeakerDetails,
    *,
    actor: Actor,
    photo: Upload | None = None,
    remove_photo: bool = False,
) -> bool:
    """Save a speaker's details; a new photo replaces the old one, else `remove_photo` removes it. Commits.

    False when nothing changed.
    """
    processed = _checked(details, photo)
    image = ImageChange("photo", ImagePurpose.SPEAKER_PHOTO, processed, photo, remove_photo)
    return save_with_image(
        speaker, lambda: _apply(speaker, details), _snapshot, image, what="speaker", actor=actor
    )


def delete_speaker(speaker: Speaker, *, actor: Actor) -> int:
    """Delete a speaker and their photo, taking them off every session they were on. Commits.

    Each session's history notes the removal. Returns how many sessions they were taken off.
    """
    appearances = speaker_sessions(speaker, unscheduled=True)
    for appearance in appearances:
        record(
            actor,
            "session.speaker_removed",
            "session",
            appearance.session_id,
            f"Took {speaker.name} ({appearance.role.label.lower()}) off “{appearance.session.title}”: "
            "the speaker was deleted",
            convening_id=speaker.convening_id,
        )
    titles = ", ".join(f"“{appearance.session.title}”" for appearance in appearances)
    record(
        actor,
        "speaker.delete",
        "speaker",
        speaker.id,
        f"Deleted the speaker {speaker.name}" + (f", taking them off {titles}" if titles else ""),
        convening_id=speaker.convening_id,
        changes={name: [value, None] for name, value in _snapshot(speaker).items() if value},
    )
    db.session.execute(delete(SessionSpeaker).where(SessionSpeaker.speaker_id == speaker.id))
    photo = speaker.photo
    db.session.delete(speaker)
    if photo is not None:
        db.session.delete(photo)
    db.session.commit()
    return len(appearances)


def speakers_of(convening_id: int, query: str = "") -> list[Speaker]:
    """The convening's speakers by name (capitals and accents aside), those matching `query` when given.

    The query is matched without accents against name, title, organization and email.
    """
    speakers = db.session.scalars(
        select(Speaker)
        .where(Speaker.convening_id == convening_id)
        .options(selectinload(Speaker.photo).options(defer(StoredImage.data)), selectinload(Speaker.sessions))
    ).all()
    wanted = search_key(query)
    if wanted:
        speakers = [
            speaker
            for speaker in speakers
            if wanted in search_key(speaker.name, speaker.title, speaker.organization, speaker.email)
        ]
    return sorted(speakers, key=lambda speaker: (search_key(speaker.name), speaker.name, speaker.id))
