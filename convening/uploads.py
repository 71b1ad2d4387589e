"""Larger request bodies for the few views that take files; every other request keeps MAX_CONTENT_LENGTH.

The limit is set before any other before-request hook reads the body (the CSRF check does), so a view
that allows an upload must say so with @allows_upload rather than change the limit itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import current_app, request

View = TypeVar("View", bound=Callable[..., Any])


def allows_upload(max_bytes: int) -> Callable[[View], View]:
    def mark(view: View) -> View:
        view.upload_limit = max_bytes  # type: ignore[attr-defined]
        return view

    return mark


def apply_upload_limit() -> None:
    view = current_app.view_functions.get(request.endpoint or "")
    limit = getattr(view, "upload_limit", None)
    if limit:
        request.max_content_length = limit
