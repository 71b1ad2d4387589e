"""Cleaning of text that people type, and checking the web addresses in it, shared by every form and import.

Names arrive in every script and from every keyboard; we keep them as written (NFC-normalized) and only
refuse what can never be meant: control characters and the invisible bidi overrides used to disguise text.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

# Explicit embeddings, overrides and isolates; natural right-to-left text never needs them.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_SPACE_RUN = re.compile(r"[^\S\n]+")
# Longest web address kept (a speaker's link, a sponsor's site).
WEB_ADDRESS_LIMIT = 500


def clean_line(value: str | None) -> str:
    """NFC, trimmed, runs of spaces (including tabs and no-break spaces) collapsed to one."""
    if not value:
        return ""
    return _SPACE_RUN.sub(" ", unicodedata.normalize("NFC", value)).strip()


def clean_block(value: str | None) -> str:
    """Like clean_line but keeps line breaks, normalized to \\n, for notes and needs."""
    if not value:
        return ""
    text = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    lines = [_SPACE_RUN.sub(" ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def forbidden_characters(value: str, *, multiline: bool = False) -> str | None:
    """Why the text cannot be stored as typed, or None when it can."""
    for char in value:
        if char in BIDI_CONTROLS:
            return "Remove the invisible text-direction characters."
        if unicodedata.category(char) in ("Cc", "Cs") and not (multiline and char in "\n\t"):
            return "Remove the invisible control characters."
        if unicodedata.category(char) == "Co" or char in "\ufffe\uffff":
            return "Remove the characters that cannot be displayed."
    return None


def search_key(*parts: str) -> str:
    """Lower-case text without accents, so staff typing "hector" or "nguyen" find Héctor and Nguyễn."""
    joined = " ".join(part for part in parts if part)
    decomposed = unicodedata.normalize("NFKD", joined.casefold())
    stripped = "".join(
        char for char in decomposed if not unicodedata.combining(char) and unicodedata.category(char) != "Cc"
    )
    return _SPACE_RUN.sub(" ", stripped.replace("đ", "d").replace("ł", "l").replace("ø", "o")).strip()


def web_address_problem(address: str) -> str | None:
    """Why `address` is not a whole http(s) web address we can link to from a public page, or None.

    Anything else (javascript:, mailto:, a bare "example.org") is refused rather than guessed at, with the
    way to write it.
    """
    if len(address) > WEB_ADDRESS_LIMIT:
        return f"Keep web addresses under {WEB_ADDRESS_LIMIT} characters."
    if any(char.isspace() for char in address):
        return f"“{address}” has spaces in it. Copy the address from the browser’s address bar."
    try:
        parts = urlsplit(address)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return f"“{address}” is not a web address. Copy it from the browser’s address bar."
    if parts.scheme.lower() not in ("http", "https"):
        if parts.scheme and "." not in parts.scheme:
            return f"“{address}” is not a web page. Enter an address that starts with https://."
        return f"Enter “{address}” with its beginning, like https://{address}"
    if parts.username is not None or parts.password is not None:
        return f"Remove the part before “@” from “{address}”: enter the site’s address only."
    if not parts.hostname or "." not in parts.hostname:
        return f"“{address}” is missing its site name. Enter a whole address, like https://example.org."
    return None
