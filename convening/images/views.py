"""Serving stored images; their address holds their digest, so they are cached for good."""

from __future__ import annotations

from flask import Blueprint, abort, url_for
from werkzeug.wrappers import Response

from convening.extensions import db
from convening.images.models import StoredImage

bp = Blueprint("images", __name__)


def image_url(image: StoredImage) -> str:
    return url_for("images.show", image_id=image.id, digest=image.digest[:16], ext=image.extension)


@bp.get("/images/<int:image_id>-<string(length=16):digest>.<any(png, jpg):ext>")
def show(image_id: int, digest: str, ext: str) -> Response:
    image = db.session.get(StoredImage, image_id)
    if image is None or image.digest[:16] != digest or image.extension != ext:
        abort(404)
    response = Response(image.data, mimetype=image.content_type)
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    response.headers["Content-Security-Policy"] = "default-src 'none'"
    return response
