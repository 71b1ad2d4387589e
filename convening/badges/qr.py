"""QR code images of badge tokens."""

from __future__ import annotations

import io

import qrcode
from qrcode.constants import ERROR_CORRECT_M


def qr_png(payload: str, *, box_size: int = 8, border: int = 4) -> bytes:
    """A PNG of the payload; medium error correction survives a crumpled badge or a scratched screen."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box_size, border=border)
    code.add_data(payload)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image().save(buffer, format="PNG")
    return buffer.getvalue()


def badge_qr_png(token: str) -> bytes:
    """The code printed on badges: one pixel per module (drawn pixelated at any size), kept with the token."""
    return qr_png(token, box_size=1)
