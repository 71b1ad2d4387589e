"""The form field for a photo or logo; the checks themselves are images.services', so a refused image gets
its message beside the field together with the form's other problems."""

from __future__ import annotations

import unicodedata
from typing import Any

from flask_wtf.file import FileField
from werkzeug.datastructures import FileStorage

from convening.images.services import Upload
from convening.text import BIDI_CONTROLS, clean_line

ACCEPT = "image/png,image/jpeg,image/webp,image/gif"
MAX_FILENAME = 80  # of the name quoted back in messages


class ImageField(FileField):
    def __init__(self, label: str, **kwargs: Any) -> None:
        kwargs.setdefault("render_kw", {"accept": ACCEPT})
        super().__init__(label, **kwargs)

    def upload(self) -> Upload | None:
        """The chosen file, or None when none was chosen."""
        file = self.data
        if not isinstance(file, FileStorage) or not file.filename:
            return None
        return Upload(file.read(), _display_name(file.filename))


def _display_name(filename: str) -> str:
    """The file's name as the person knows it, safe to quote: no folders, no invisible characters."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(
        char
        for char in name
        if char not in BIDI_CONTROLS and unicodedata.category(char) not in ("Cc", "Cs", "Co", "Cn")
    )
    name = clean_line(name)
    return name if len(name) <= MAX_FILENAME else name[: MAX_FILENAME - 1] + "…"
