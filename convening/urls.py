"""Absolute links for emails, built from PUBLIC_URL and never from the request's Host header.

A forged Host header must not be able to put an attacker's address in front of someone's manage link.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from werkzeug.routing import BaseConverter, IntegerConverter


def external_url(endpoint: str, **values: Any) -> str:
    public = urlsplit(current_app.config["PUBLIC_URL"])
    adapter = current_app.url_map.bind(
        public.netloc, script_name=public.path or "/", url_scheme=public.scheme
    )
    return adapter.build(endpoint, values, force_external=True)


class SlugConverter(BaseConverter):
    """A convening's slug; anything else in that place is a 404 before any query runs."""

    regex = r"[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?"


class SecretConverter(BaseConverter):
    """A manage-link secret as secrets.token_urlsafe makes them."""

    regex = r"[A-Za-z0-9_-]{20,64}"


# The largest id a 32-bit integer column holds: larger ones name no row and must not reach the database.
MAX_ROW_ID = 2**31 - 1


class RowIdConverter(IntegerConverter):
    """`<int:...>` in every route: ids beyond a 32-bit integer are a 404, not a database overflow."""

    def __init__(self, map: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ROW_ID)
        super().__init__(map, **kwargs)
