"""Serving stored images; their address holds their digest, so they are cached for good."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, url_for
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response

from convening.extensions import db
from convening.images.models import StoredImage
from convening.images.processing import megabytes
from convening.images.services import MAX_UPLOAD_BYTES

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


def image_too_large(error: RequestEntityTooLarge) -> tuple[str, int]:
    """The error page for a form with an image whose request is past its view's limit (@allows_upload).

    The body is refused before anything reads it, so nothing on the form was saved; the page says so, and
    how large an image may be.
    """
    return render_template(
        "errors/http.html", error=error, largest_file=f"images can be up to {megabytes(MAX_UPLOAD_BYTES)}"
    ), 413
