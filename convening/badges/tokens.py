"""Badge tokens: the opaque string in every QR code.

A version prefix and 130 random bits in Crockford's base32 (no I, L, O or U, so nothing reads as
something else), all in QR alphanumeric mode for a small code. No personal data, ever.
"""

from __future__ import annotations

import secrets

PREFIX = "C1"
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RANDOM_CHARS = 26  # 26 x 5 = 130 bits
TOKEN_LENGTH = len(PREFIX) + RANDOM_CHARS

_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = str.maketrans("", "", " -\t\r\n")


def new_token() -> str:
    value = secrets.randbits(5 * RANDOM_CHARS)
    chars = []
    for _ in range(RANDOM_CHARS):
        value, digit = divmod(value, 32)
        chars.append(ALPHABET[digit])
    return PREFIX + "".join(chars)


def normalize(raw: str) -> str | None:
    """The canonical token for what a scanner or a person typed, or None when it cannot be one.

    Case, spaces, hyphens and look-alike letters are forgiven; anything else is not.
    """
    if len(raw) > 4 * TOKEN_LENGTH:
        return None
    text = raw.upper().translate(_SEPARATORS)
    if not text.startswith(PREFIX):
        return None
    body = text[len(PREFIX) :].translate(_LOOKALIKES)
    if len(body) != RANDOM_CHARS or any(char not in ALPHABET for char in body):
        return None
    return PREFIX + body
