"""Uploaded images are trusted only once Pillow has decoded them, and are stored re-encoded: upright, shrunk
to fit, without EXIF, GPS, ICC or text chunks. SVG, fakes and image bombs are refused with a message."""

from __future__ import annotations

import hashlib
import io
import struct
import time
import zlib

import pytest
from flask import Flask
from PIL import Image, ImageCms

from conftest import seed_convening
from convening.extensions import db
from convening.images.models import ImagePurpose, StoredImage
from convening.images.processing import MAX_PIXELS, ImageRefused, ImageRules, process_image
from convening.images.services import MAX_UPLOAD_BYTES, RULES, store_image
from convening.images.views import image_url

PHOTO = RULES[ImagePurpose.SPEAKER_PHOTO]
LOGO = RULES[ImagePurpose.SPONSOR_LOGO]
GPS_IFD = 0x8825


def picture(size: tuple[int, int], fmt: str = "PNG", mode: str = "RGB", **save: object) -> bytes:
    image = Image.new(mode, size, (200, 30, 60, 128) if mode == "RGBA" else (200, 30, 60))
    out = io.BytesIO()
    image.save(out, fmt, **save)
    return out.getvalue()


def exif_with_gps(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "Phone Maker"  # Make
    exif[0x0112] = orientation
    exif[GPS_IFD] = {1: "N", 2: (44.0, 58.0, 30.5), 3: "W", 4: (93.0, 16.0, 12.0)}
    return exif


def png_declaring(width: int, height: int) -> bytes:
    """A PNG header claiming a size, with a scrap of image data: what an image bomb looks like."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 1000))
        + chunk(b"IEND", b"")
    )


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


# --- what is accepted, and how it is stored -------------------------------------------------------------


def test_a_photo_loses_its_exif_and_gps_and_is_shrunk_to_fit() -> None:
    original = picture((2400, 1600), "JPEG", exif=exif_with_gps().tobytes())
    assert opened(original).getexif().get_ifd(GPS_IFD)  # the upload really carries a position

    processed = process_image(original, PHOTO, filename="portrait.jpg")

    stored = opened(processed.data)
    assert processed.content_type == "image/jpeg"
    assert stored.format == "JPEG"
    assert (processed.width, processed.height) == stored.size == (800, 533)
    assert not stored.getexif()
    assert b"Exif" not in processed.data
    assert b"Phone Maker" not in processed.data
    assert processed.digest == hashlib.sha256(processed.data).hexdigest()


def test_a_png_with_exif_is_stored_without_it() -> None:
    original = picture((1000, 1000), "PNG", exif=exif_with_gps().tobytes())
    assert opened(original).getexif().get_ifd(GPS_IFD)

    processed = process_image(original, PHOTO)

    assert (processed.width, processed.height) == (800, 800)
    assert not opened(processed.data).getexif()
    assert b"Phone Maker" not in processed.data


def test_a_sideways_phone_photo_is_turned_upright_before_it_is_shrunk() -> None:
    original = picture((1200, 800), "JPEG", exif=exif_with_gps(orientation=6).tobytes())

    processed = process_image(original, PHOTO)

    assert (processed.width, processed.height) == (533, 800)


def test_a_logo_keeps_its_transparency_as_png_within_800_by_400() -> None:
    processed = process_image(picture((1600, 400), "PNG", mode="RGBA"), LOGO)

    stored = opened(processed.data)
    assert processed.content_type == "image/png"
    assert stored.mode == "RGBA"
    assert stored.size == (800, 200)
    assert stored.getpixel((0, 0))[3] == 128


def test_a_transparent_photo_is_laid_on_white_as_jpeg() -> None:
    transparent = Image.new("RGBA", (100, 100), (0, 0, 0, 0))
    out = io.BytesIO()
    transparent.save(out, "PNG")

    processed = process_image(out.getvalue(), PHOTO)

    stored = opened(processed.data)
    assert stored.format == "JPEG"
    assert stored.mode == "RGB"
    assert all(channel > 245 for channel in stored.getpixel((50, 50)))


def test_small_images_are_not_enlarged_and_webp_and_gif_are_accepted() -> None:
    for fmt in ("WEBP", "GIF", "PNG", "JPEG"):
        processed = process_image(picture((120, 90), fmt), LOGO)
        assert (processed.width, processed.height) == (120, 90), fmt


def test_icc_profiles_and_text_chunks_are_dropped() -> None:
    from PIL import PngImagePlugin

    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", "shot at 12 Elm Street")
    original = picture((300, 150), "PNG", icc_profile=profile, pnginfo=text)
    assert opened(original).info.get("icc_profile")

    processed = process_image(original, LOGO)

    assert "icc_profile" not in opened(processed.data).info
    assert b"Elm Street" not in processed.data


# --- what is refused ----------------------------------------------------------------------------------


def refusal(data: bytes, rules: ImageRules = LOGO, filename: str = "logo.png") -> str:
    with pytest.raises(ImageRefused) as refused:
        process_image(data, rules, filename=filename)
    return str(refused.value)


def test_a_text_file_named_like_a_png_is_refused() -> None:
    message = refusal(b"Dear organizers, here is our logo.\n" * 20, filename="logo.png")
    assert message.startswith("“logo.png” is not a PNG, JPEG or WebP image we can read.")
    assert "export it as PNG or JPEG" in message


def test_svg_is_refused_with_what_to_upload_instead() -> None:
    svg = b'\xef\xbb\xbf  <?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    assert refusal(svg, filename="logo.svg") == (
        "SVG images are not accepted. Export the image as PNG and upload that."
    )
    assert "SVG" in refusal(b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')


def test_a_file_over_the_limit_is_refused_with_both_sizes() -> None:
    message = refusal(b"\x89PNG" + b"\x00" * 11_000_000, PHOTO, filename="huge.png")
    assert message == "“huge.png” is 11 MB; images must be under 10 MB. Save a smaller copy and upload that."
    assert PHOTO.max_bytes == LOGO.max_bytes == MAX_UPLOAD_BYTES


def test_an_empty_file_is_refused() -> None:
    assert refusal(b"", filename="logo.png") == "“logo.png” is empty. Choose the image again."


def test_image_bombs_are_refused_from_their_header_without_decoding() -> None:
    for width, height in ((20_000, 20_000), (100_000, 100_000), (8_000, 6_000)):
        started = time.monotonic()
        message = refusal(png_declaring(width, height), filename="bomb.png")
        assert time.monotonic() - started < 1, (width, height)
        assert "has too many pixels to use" in message, message
    assert width * height > MAX_PIXELS
    assert "(8,000×6,000 pixels)" in message


def test_a_truncated_image_and_other_formats_are_refused() -> None:
    truncated = picture((400, 400), "JPEG")[:600]
    assert "is not a PNG, JPEG or WebP image we can read" in refusal(truncated, filename="cut.jpg")
    assert refusal(picture((10, 10), "BMP"), filename="logo.bmp").startswith("“logo.bmp” is a BMP image.")
    assert refusal(picture((10, 10), "TIFF"), filename="x.tif").startswith("“x.tif” is a TIFF image.")


# --- storing and serving --------------------------------------------------------------------------------


def test_a_stored_image_is_served_at_its_digest_address_and_nowhere_else(app: Flask) -> None:
    seeded = seed_convening(app)
    with app.app_context(), app.test_request_context():
        image = store_image(seeded.convening_id, picture((900, 300), "PNG"), ImagePurpose.SPONSOR_LOGO)
        db.session.commit()
        url, image_id, digest = image_url(image), image.id, image.digest
        assert db.session.get(StoredImage, image_id).width == 800
    assert url == f"/images/{image_id}-{digest[:16]}.png"
    client = app.test_client()

    response = client.get(url)

    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert opened(response.data).size == (800, 267)
    assert "immutable" in response.headers["Cache-Control"]
    assert response.headers["Content-Security-Policy"] == "default-src 'none'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    for wrong in (
        f"/images/{image_id}-{'0' * 16}.png",
        f"/images/{image_id}-{digest[:16]}.jpg",
        f"/images/{image_id + 1}-{digest[:16]}.png",
        f"/images/{image_id}-{digest[:16]}.svg",
    ):
        assert client.get(wrong).status_code == 404, wrong
