"""Cleaning of text that people type, shared by every form and import.

Names arrive in every script and from every keyboard; we keep them as written (NFC-normalized) and only
refuse what can never be meant: control characters and the invisible bidi overrides used to disguise text.
"""

from __future__ import annotations

import re
import unicodedata

# Explicit embeddings, overrides and isolates; natural right-to-left text never needs them.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_SPACE_RUN = re.compile(r"[^\S\n]+")


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
