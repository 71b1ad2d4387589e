"""The printed agenda: the program, a speakers index and the sponsors, rendered to PDF by WeasyPrint.

The HTML is rendered first (milliseconds) and its digest is the cache key, so any change to the program,
the speakers, the sponsors or their images makes the next PDF anew while an unchanged one is served from
memory. Images travel inside the HTML as data: URIs and the URL fetcher allows nothing else: rendering never
reads a file or the network, whatever a stored text says.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date

from flask import render_template
from sqlalchemy import select
from sqlalchemy.orm import undefer
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from convening.convenings.models import Convening
from convening.convenings.services import sponsor_tiers
from convening.extensions import db
from convening.images.models import StoredImage
from convening.images.processing import data_uri
from convening.program.agenda import Agenda, AgendaSlot, load_agenda
from convening.program.models import ProgramSession, Speaker, SpeakerRole

# ?paper= value -> the CSS page size.
PAPER_SIZES = {"letter": "letter", "a4": "A4"}
DEFAULT_PAPER = "letter"
CACHE_SIZE = 16
HEX_COLOR = re.compile(r"#[0-9a-fA-F]{6}")


@dataclass
class Appearance:
    """One session a speaker is in, as the speakers index lists it."""

    slot: AgendaSlot
    session: ProgramSession
    role: SpeakerRole


@dataclass
class IndexEntry:
    speaker: Speaker
    appearances: list[Appearance] = field(default_factory=list)


@dataclass(frozen=True)
class PrintedAgenda:
    data: bytes
    fingerprint: str  # the digest of the HTML it was made from: an ETag


def speakers_index(agenda: Agenda) -> list[IndexEntry]:
    """Everyone on the agenda by name, each with their sessions in time order."""
    entries = {speaker.id: IndexEntry(speaker) for speaker in agenda.speakers()}
    for slot, session in agenda.sessions():
        for link in session.speakers:
            entries[link.speaker_id].appearances.append(Appearance(slot, session, link.role))
    return list(entries.values())


def agenda_html(convening: Convening, paper: str) -> str:
    """The printable agenda as one self-contained HTML document for `paper` ("letter" or "a4")."""
    agenda = load_agenda(convening)
    tiers = sponsor_tiers(convening.id)
    _load_image_data(
        [speaker.photo for speaker in agenda.speakers() if speaker.photo]
        + [sponsor.logo for tier in tiers for sponsor in tier.sponsors if sponsor.logo]
    )
    days = [day for day in agenda.days if day.slots]
    first_slot = next((day.slots[0] for day in days), None)
    return render_template(
        "program/print/agenda.html",
        convening=convening,
        agenda=agenda,
        days=days,
        published=any(True for _ in agenda.sessions()),
        zone_name=first_slot.starts.tzname() if first_slot else "",
        speakers=speakers_index(agenda),
        tiers=tiers,
        page_size=PAPER_SIZES[paper],
        data_uri=image_data_uri,
        track_color=track_color,
        long_day=long_day,
        short_day=short_day,
    )


def _load_image_data(images: list[StoredImage]) -> None:
    """Fill in the deferred bytes of every image the PDF embeds with one query, not one per image."""
    if images:
        db.session.scalars(
            select(StoredImage)
            .where(StoredImage.id.in_({image.id for image in images}))
            .options(undefer(StoredImage.data))
        ).all()


def render_pdf(html: str) -> bytes:
    """PDF bytes for self-contained HTML: only data: URIs are fetched, nothing from disk or the network."""
    fetcher = URLFetcher(allowed_protocols=("data",), allow_redirects=False)
    return HTML(string=html, base_url=None, url_fetcher=fetcher).write_pdf()


_cache: OrderedDict[tuple[int, str, str], bytes] = OrderedDict()
_cache_lock = threading.Lock()


def agenda_pdf(convening: Convening, paper: str) -> PrintedAgenda:
    """The agenda PDF, from the in-memory cache when nothing it shows has changed since the last one."""
    html = agenda_html(convening, paper)
    fingerprint = hashlib.sha256(html.encode()).hexdigest()
    key = (convening.id, paper, fingerprint)
    with _cache_lock:
        cached = _cache.get(key)
        if cached is not None:
            _cache.move_to_end(key)
            return PrintedAgenda(cached, fingerprint)
    data = render_pdf(html)
    with _cache_lock:
        _cache[key] = data
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return PrintedAgenda(data, fingerprint)


# --- template helpers -----------------------------------------------------------------------------------


def image_data_uri(image: StoredImage) -> str:
    return data_uri(image.data, image.content_type)


def track_color(color: str) -> str:
    """A track's colour when it is a plain #rrggbb, else "" (it goes into a style attribute)."""
    return color if HEX_COLOR.fullmatch(color or "") else ""


def long_day(day: date) -> str:
    """'Tuesday, June 15'."""
    return f"{day:%A, %B} {day.day}"


def short_day(day: date) -> str:
    """'Tue, Jun 15'."""
    return f"{day:%a, %b} {day.day}"
