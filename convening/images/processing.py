"""Checking and re-encoding uploaded images; plain bytes in, plain bytes out (no Flask, no database).

An upload is trusted only after Pillow decodes all of it: the name and the declared type prove nothing. It
is then turned upright, shrunk to fit, and written anew as PNG or JPEG, which drops EXIF (GPS positions,
camera serials), ICC profiles and anything hidden after the image data. SVG is refused rather than
sanitized: it is a document that can carry scripts and remote references, and a PNG export is easy to ask for.
"""

from __future__ import annotations

import base64
import hashlib
import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = frozenset({"PNG", "JPEG", "WEBP", "GIF"})
MAX_PIXELS = 40_000_000  # a 40-megapixel photo; larger claims are refused before decoding (image bombs)


class ImageRefused(ValueError):
    """The upload is not an image we accept; the message says what to upload instead."""


@dataclass(frozen=True)
class ImageRules:
    max_bytes: int
    max_width: int
    max_height: int
    lossless: bool  # PNG (logos: flat colours, transparency) rather than JPEG (photos)


@dataclass(frozen=True)
class ProcessedImage:
    data: bytes
    content_type: str
    width: int
    height: int

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def megabytes(size: int) -> str:
    """10_000_000 -> "10 MB", in the decimal megabytes file managers show."""
    return f"{size / 1_000_000:.1f}".rstrip("0").rstrip(".") + " MB"


def _looks_like_svg(data: bytes) -> bool:
    head = data[:2048].removeprefix(b"\xef\xbb\xbf").lstrip().lower()
    return head.startswith(b"<?xml") or (head.startswith(b"<") and b"<svg" in head)


def process_image(data: bytes, rules: ImageRules, *, filename: str = "") -> ProcessedImage:
    """The upload re-encoded under `rules`, or ImageRefused with a message for the person uploading."""
    named = f"“{filename}”" if filename else "This file"
    if not data:
        raise ImageRefused(f"{named} is empty. Choose the image again.")
    if len(data) > rules.max_bytes:
        raise ImageRefused(
            f"{named} is {megabytes(len(data))}; images must be under {megabytes(rules.max_bytes)}. "
            "Save a smaller copy and upload that."
        )
    if _looks_like_svg(data):
        raise ImageRefused("SVG images are not accepted. Export the image as PNG and upload that.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in ACCEPTED_FORMATS:
                raise ImageRefused(f"{named} is a {image.format} image. Upload a PNG, JPEG or WebP image.")
            if image.width * image.height > MAX_PIXELS:  # only the header is read so far
                raise ImageRefused(_too_many_pixels(named, image.size))
            image.load()
    except ImageRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ImageRefused(_too_many_pixels(named)) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ImageRefused(
            f"{named} is not a PNG, JPEG or WebP image we can read. Open it in an image editor, export it "
            "as PNG or JPEG and upload that."
        ) from error
    return _reencode(image, rules)


def _too_many_pixels(named: str, size: tuple[int, int] | None = None) -> str:
    dimensions = f" ({size[0]:,}×{size[1]:,} pixels)" if size else ""
    return (
        f"{named}{dimensions} has too many pixels to use. Save a copy at most "
        f"{MAX_PIXELS // 1_000_000} megapixels, like 6000×4000, and upload that."
    )


def _reencode(image: Image.Image, rules: ImageRules) -> ProcessedImage:
    image = ImageOps.exif_transpose(image)
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    image = image.convert("RGBA" if has_alpha else "RGB")
    image.info = {}  # what Pillow would otherwise copy into the new file: ICC profile, text chunks, EXIF
    image.thumbnail((rules.max_width, rules.max_height), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if rules.lossless:
        image.save(out, "PNG", optimize=True)
        content_type = "image/png"
    else:
        if has_alpha:  # JPEG has no transparency: lay the image on white, as it shows on our pages
            backdrop = Image.new("RGB", image.size, "white")
            backdrop.paste(image, mask=image.getchannel("A"))
            image = backdrop
        image.save(out, "JPEG", quality=85, optimize=True, progressive=True)
        content_type = "image/jpeg"
    return ProcessedImage(out.getvalue(), content_type, image.width, image.height)


def data_uri(data: bytes, content_type: str) -> str:
    """The image inline, so a PDF needs no request to our own server or anyone else's."""
    return f"data:{content_type};base64,{base64.b64encode(data).decode('ascii')}"
