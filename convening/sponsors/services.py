"""Sponsor tiers and sponsors as staff change them: names, order, links, acknowledgements and logos.

Changes are checked whole before anything is written (the logo included), so a refused form leaves things
as they were; problems come back per form field in Refused.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import defer, selectinload

from convening.audit.services import Actor, record, record_move
from convening.convenings.models import Convening
from convening.extensions import db
from convening.images.models import ImagePurpose, StoredImage
from convening.images.processing import ProcessedImage
from convening.images.services import ImageChange, Upload, checked_upload, save_with_image
from convening.problems import Refused
from convening.sponsors.models import Sponsor, SponsorTier
from convening.text import WEB_ADDRESS_LIMIT, web_address_problem

TIER_NAME_LIMIT = 80
SPONSOR_LIMITS = {"name": 200, "url": WEB_ADDRESS_LIMIT, "acknowledgement": 2000}


# --- tiers --------------------------------------------------------------------------------------------


def tiers_of(convening_id: int) -> list[SponsorTier]:
    """Every tier, most prominent first, with its sponsors in order and their logos (without the bytes)."""
    return list(
        db.session.scalars(
            select(SponsorTier)
            .where(SponsorTier.convening_id == convening_id)
            .options(
                selectinload(SponsorTier.sponsors).selectinload(Sponsor.logo).options(defer(StoredImage.data))
            )
            .order_by(SponsorTier.rank, SponsorTier.id)
        )
    )


def _check_tier_name(convening_id: int, name: str, tier_id: int | None) -> None:
    """Refused when blank, too long, or the name of another tier (capitals aside)."""
    if not name.strip():
        raise Refused({"name": "Enter a name for the tier, like “Gold” or “Community partners”."})
    if len(name) > TIER_NAME_LIMIT:
        raise Refused({"name": f"Keep this under {TIER_NAME_LIMIT} characters."})
    others = db.session.scalars(select(SponsorTier).where(SponsorTier.convening_id == convening_id))
    for other in others:
        if other.id != tier_id and other.name.casefold() == name.casefold():
            raise Refused({"name": f"There is already a tier called {other.name}. Choose another name."})


def _flush_tier(name: str) -> None:
    """Flush, turning a tier named the same a moment ago by someone else into a message."""
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise Refused({"name": f"There is already a tier called {name}. Choose another name."}) from None


def add_tier(convening: Convening, name: str, *, actor: Actor) -> SponsorTier:
    """A new tier, after (less prominent than) the others. Commits."""
    _check_tier_name(convening.id, name, None)
    last = db.session.scalar(
        select(func.max(SponsorTier.rank)).where(SponsorTier.convening_id == convening.id)
    )
    tier = SponsorTier(convening_id=convening.id, name=name, rank=(last if last is not None else -1) + 1)
    db.session.add(tier)
    _flush_tier(name)
    record(
        actor,
        "sponsor_tier.create",
        "sponsor_tier",
        tier.id,
        f"Added the sponsor tier {name}",
        convening_id=convening.id,
        changes={"name": [None, name]},
    )
    db.session.commit()
    return tier


def rename_tier(tier: SponsorTier, name: str, *, actor: Actor) -> bool:
    """Rename a tier; False when the name is the same. Commits."""
    _check_tier_name(tier.convening_id, name, tier.id)
    if name == tier.name:
        return False
    before = tier.name
    tier.name = name
    _flush_tier(name)
    record(
        actor,
        "sponsor_tier.update",
        "sponsor_tier",
        tier.id,
        f"Renamed the sponsor tier {before} to {name}",
        convening_id=tier.convening_id,
        changes={"name": [before, name]},
    )
    db.session.commit()
    return True


def move_tier(tier: SponsorTier, offset: int, *, actor: Actor) -> bool:
    """Move a tier up (-1, more prominent) or down (+1). Commits; False when already first or last.

    Ranks are renumbered 0, 1, 2... on the way.
    """
    return record_move(
        tiers_of(tier.convening_id),
        tier,
        offset,
        actor=actor,
        action="sponsor_tier.move",
        subject_type="sponsor_tier",
        subject_id=tier.id,
        what=f"the sponsor tier {tier.name}",
        convening_id=tier.convening_id,
        attribute="rank",
    )


def delete_tier(tier: SponsorTier, *, actor: Actor) -> None:
    """Delete a tier without sponsors. Commits; Refused when sponsors are still in it."""
    count = db.session.scalar(select(func.count()).where(Sponsor.tier_id == tier.id)) or 0
    if count:
        raise _tier_in_use(tier.name, count)
    name = tier.name
    record(
        actor,
        "sponsor_tier.delete",
        "sponsor_tier",
        tier.id,
        f"Deleted the sponsor tier {tier.name}",
        convening_id=tier.convening_id,
        changes={"name": [tier.name, None]},
    )
    db.session.delete(tier)
    try:
        db.session.commit()
    except IntegrityError:  # a sponsor was added to it meanwhile (the foreign key restricts)
        db.session.rollback()
        raise _tier_in_use(name, 1) from None


def _tier_in_use(name: str, count: int) -> Refused:
    sponsors, them = ("1 sponsor is", "it") if count == 1 else (f"{count} sponsors are", "them")
    return Refused(
        {
            "tier": f"{sponsors} in the tier {name}, so it cannot be deleted. Move {them} to another tier "
            f"or delete {them} first."
        }
    )


# --- sponsors -----------------------------------------------------------------------------------------


@dataclass
class SponsorDetails:
    """What staff set for a sponsor; the logo travels beside it as an Upload."""

    name: str
    tier_id: int | None
    url: str = ""
    acknowledgement: str = ""  # "Sponsors the affordable housing track."


SPONSOR_FIELDS = tuple(item.name for item in fields(SponsorDetails))


def _checked(convening_id: int, details: SponsorDetails, logo: Upload | None) -> ProcessedImage | None:
    """The logo ready to store, when all of the change is acceptable; Refused otherwise."""
    problems = {}
    if not details.name.strip():
        problems["name"] = "Enter the sponsor’s name, as they want to be thanked."
    for name, limit in SPONSOR_LIMITS.items():
        if len(getattr(details, name)) > limit:
            problems[name] = f"Keep this under {limit} characters."
    tier = db.session.get(SponsorTier, details.tier_id) if details.tier_id is not None else None
    if tier is None or tier.convening_id != convening_id:
        problems["tier_id"] = "Choose the sponsor’s tier."
    if details.url and "url" not in problems:
        problem = web_address_problem(details.url)
        if problem:
            problems["url"] = problem
    processed = checked_upload(logo, ImagePurpose.SPONSOR_LOGO, problems, "logo")
    if problems:
        raise Refused(problems)
    return processed


def _snapshot(sponsor: Sponsor) -> dict[str, Any]:
    """The sponsor in the audit log's words: its tier by name."""
    values: dict[str, Any] = {name: getattr(sponsor, name) for name in ("name", "url", "acknowledgement")}
    tier = db.session.get(SponsorTier, sponsor.tier_id) if sponsor.tier_id else None
    values["tier"] = tier.name if tier else None
    return values


def _last_position(tier_id: int) -> int:
    last = db.session.scalar(select(func.max(Sponsor.position)).where(Sponsor.tier_id == tier_id))
    return last if last is not None else -1


def _apply(sponsor: Sponsor, details: SponsorDetails) -> None:
    """Set the details; a sponsor new to its tier goes to the tier's end."""
    assert details.tier_id is not None  # checked before
    if details.tier_id != sponsor.tier_id:
        sponsor.position = _last_position(details.tier_id) + 1
    for name in SPONSOR_FIELDS:
        setattr(sponsor, name, getattr(details, name))


def add_sponsor(
    convening: Convening, details: SponsorDetails, *, actor: Actor, logo: Upload | None = None
) -> Sponsor:
    """Add a sponsor at the end of its tier, with a logo when one is given. Commits."""
    processed = _checked(convening.id, details, logo)
    sponsor = Sponsor(convening_id=convening.id)
    image = ImageChange("logo", ImagePurpose.SPONSOR_LOGO, processed, logo)
    save_with_image(sponsor, lambda: _apply(sponsor, details), _snapshot, image, what="sponsor", actor=actor)
    return sponsor


def update_sponsor(
    sponsor: Sponsor,
    details: SponsorDetails,
    *,
    actor: Actor,
    logo: Upload | None = None,
    remove_logo: bool = False,
) -> bool:
    """Save a sponsor; a new logo replaces the old one, else `remove_logo` removes it. Commits.

    Moved to another tier, the sponsor goes to that tier's end. False when nothing changed.
    """
    processed = _checked(sponsor.convening_id, details, logo)
    image = ImageChange("logo", ImagePurpose.SPONSOR_LOGO, processed, logo, remove_logo)
    return save_with_image(
        sponsor, lambda: _apply(sponsor, details), _snapshot, image, what="sponsor", actor=actor
    )


def move_sponsor(sponsor: Sponsor, offset: int, *, actor: Actor) -> bool:
    """Move a sponsor up (-1) or down (+1) within its tier. Commits; False when already first or last."""
    order = list(
        db.session.scalars(
            select(Sponsor).where(Sponsor.tier_id == sponsor.tier_id).order_by(Sponsor.position, Sponsor.id)
        )
    )
    return record_move(
        order,
        sponsor,
        offset,
        actor=actor,
        action="sponsor.move",
        subject_type="sponsor",
        subject_id=sponsor.id,
        what=f"the sponsor {sponsor.name}",
        where=" in its tier",
        convening_id=sponsor.convening_id,
    )


def delete_sponsor(sponsor: Sponsor, *, actor: Actor) -> None:
    """Delete a sponsor and its logo. Commits."""
    record(
        actor,
        "sponsor.delete",
        "sponsor",
        sponsor.id,
        f"Deleted the sponsor {sponsor.name}",
        convening_id=sponsor.convening_id,
        changes={name: [value, None] for name, value in _snapshot(sponsor).items() if value},
    )
    logo = sponsor.logo
    db.session.delete(sponsor)
    if logo is not None:
        db.session.delete(logo)
    db.session.commit()
