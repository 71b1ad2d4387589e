"""Storing processed images for a convening, and the image part of forms that save one with other fields."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from convening.audit.services import Actor, diff, record
from convening.extensions import db
from convening.images.models import ImagePurpose, StoredImage
from convening.images.processing import ImageRefused, ImageRules, ProcessedImage, process_image

# Uploads larger than this are refused with a message beside the field.
MAX_UPLOAD_BYTES = 10_000_000
# The request body a view taking one image accepts: the file and the rest of its form, with room to spare so
# a file somewhat over MAX_UPLOAD_BYTES still reaches the form and gets its message beside the field.
MAX_UPLOAD_BODY = MAX_UPLOAD_BYTES + 5_000_000


@dataclass(frozen=True)
class Upload:
    """A file as it arrived from a form: its bytes and the name it had on the person's computer."""

    data: bytes
    filename: str = ""


RULES = {
    ImagePurpose.SPEAKER_PHOTO: ImageRules(MAX_UPLOAD_BYTES, 800, 800, lossless=False),
    ImagePurpose.SPONSOR_LOGO: ImageRules(MAX_UPLOAD_BYTES, 800, 400, lossless=True),
}


def check_image(upload: Upload, purpose: ImagePurpose) -> ProcessedImage:
    """The upload re-encoded for `purpose`, not yet stored; raises ImageRefused with a message.

    Forms that save an image with other fields check it first, so a refused image changes nothing.
    """
    return process_image(upload.data, RULES[purpose], filename=upload.filename)


def save_image(convening_id: int, processed: ProcessedImage, purpose: ImagePurpose) -> StoredImage:
    """Add a checked image to the session."""
    image = StoredImage(
        convening_id=convening_id,
        purpose=purpose,
        content_type=processed.content_type,
        width=processed.width,
        height=processed.height,
        digest=processed.digest,
        data=processed.data,
    )
    db.session.add(image)
    return image


def store_image(convening_id: int, data: bytes, purpose: ImagePurpose, *, filename: str = "") -> StoredImage:
    """Check and re-encode an upload and add it to the session; raises ImageRefused with a message."""
    return save_image(convening_id, check_image(Upload(data, filename), purpose), purpose)


def checked_upload(
    upload: Upload | None, purpose: ImagePurpose, problems: dict[str, str], field: str
) -> ProcessedImage | None:
    """The upload re-encoded for `purpose` (None without one); a refused one adds its message to `problems`.

    Called while the rest of the form is checked, so one refusal carries every problem.
    """
    if upload is None:
        return None
    try:
        return check_image(upload, purpose)
    except ImageRefused as refusal:
        problems[field] = str(refusal)
        return None


def describe_image(image: StoredImage | None, filename: str = "") -> str | None:
    """An image as the audit log names it: "portrait.jpg (800×533)" or "800×533 image"."""
    if image is None:
        return None
    size = f"{image.width}×{image.height}"
    return f"{filename} ({size})" if filename else f"{size} image"


def put_image(
    owner: Any,
    attribute: str,
    processed: ProcessedImage | None,
    upload: Upload | None,
    purpose: ImagePurpose,
    *,
    remove: bool = False,
) -> list[str | None] | None:
    """Give `owner` (a speaker, a sponsor) the checked upload as its image, or none when `remove` is asked.

    The image it replaces is deleted with it. Returns the audit change [before, after], or None when the
    image stays as it was.
    """
    old = getattr(owner, attribute)
    if processed is not None:
        setattr(owner, attribute, save_image(owner.convening_id, processed, purpose))
    elif remove and old is not None:
        setattr(owner, attribute, None)
    else:
        return None
    if old is not None:
        db.session.delete(old)
    return [describe_image(old), describe_image(getattr(owner, attribute), upload.filename if upload else "")]


@dataclass(frozen=True)
class ImageChange:
    """What a form asks of an owner's image: the checked upload (or None), or removing the one it has."""

    attribute: str
    purpose: ImagePurpose
    processed: ProcessedImage | None
    upload: Upload | None
    remove: bool = False


def save_with_image(
    owner: Any,
    apply: Callable[[], None],
    described: Callable[[Any], dict[str, Any]],
    image: ImageChange,
    *,
    what: str,
    actor: Actor,
) -> bool:
    """Apply checked details and image to a speaker or sponsor, with its audit entry. Commits.

    Speakers and sponsors are saved alike, so their audit entries read alike: `apply()` sets the details,
    `described(owner)` is the owner in the log's words. An owner without an id is new and is added.
    False when nothing changed.
    """
    creating = owner.id is None
    before = {} if creating else described(owner)
    apply()
    after = described(owner)
    changes = (
        {name: [None, value] for name, value in after.items() if value} if creating else diff(before, after)
    )
    if image_change := put_image(
        owner, image.attribute, image.processed, image.upload, image.purpose, remove=image.remove
    ):
        changes[image.attribute] = image_change
    if creating:
        db.session.add(owner)
        db.session.flush()
        action, summary = f"{what}.create", f"Added the {what} {owner.name}"
    elif not changes:
        db.session.rollback()
        return False
    else:
        changed = ", ".join(name.replace("_", " ") for name in changes)
        action, summary = f"{what}.update", f"Changed the {what} {owner.name}: {changed}"
    record(actor, action, what, owner.id, summary, convening_id=owner.convening_id, changes=changes)
    db.session.commit()
    return True
