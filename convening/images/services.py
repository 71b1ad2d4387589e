"""Storing processed images for a convening."""

from __future__ import annotations

from convening.extensions import db
from convening.images.models import ImagePurpose, StoredImage
from convening.images.processing import ImageRules, process_image

# Uploads larger than this are refused with a message beside the field (views allow a little more body).
MAX_UPLOAD_BYTES = 10_000_000

RULES = {
    ImagePurpose.SPEAKER_PHOTO: ImageRules(MAX_UPLOAD_BYTES, 800, 800, lossless=False),
    ImagePurpose.SPONSOR_LOGO: ImageRules(MAX_UPLOAD_BYTES, 800, 400, lossless=True),
}


def store_image(convening_id: int, data: bytes, purpose: ImagePurpose, *, filename: str = "") -> StoredImage:
    """Check and re-encode an upload and add it to the session; raises ImageRefused with a message."""
    processed = process_image(data, RULES[purpose], filename=filename)
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
