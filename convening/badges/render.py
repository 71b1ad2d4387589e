"""Badges to PDF: plain data in, PDF bytes out, with WeasyPrint and nothing from Flask or the database.

A batch is planned as pages first: for each sheet a page of fronts and a page of backs. Backs that read the
same (everyone without a personal schedule gets the agenda's highlights) are rendered once and the PDF
points every such page at that one drawing. The pages left to draw are cut into blocks of whole sheets,
rendered in worker processes, one per core, and joined with pypdf: WeasyPrint's time and memory grow with
the document, so small blocks keep both flat. QR codes arrive as PNGs with one pixel per module and are
drawn pixelated, so each is a few hundred bytes and stays sharp at any size.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from convening.badges.layouts import LAYOUTS, Layout, NameFit, fit_name
from convening.images.processing import data_uri

TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "badges" / "print"
# Sheets per block: small enough to keep a worker's memory flat, large enough that fonts are embedded
# (and subset) only a few dozen times in a large batch.
BLOCK_SHEETS = 12


@dataclass(frozen=True)
class ScheduleLine:
    when: str  # "Tue 9:00"
    title: str
    room: str = ""


@dataclass(frozen=True)
class SponsorMark:
    name: str
    logo: str | None = None  # a data: URI, or None to print the name


@dataclass(frozen=True)
class Badge:
    """Everything printed on one badge, front and back, already in words and local times."""

    token: str
    qr_png: bytes
    name: str
    role: str  # a BadgeRole value: the ribbon's colour
    role_label: str  # the ribbon's words
    pronouns: str = ""
    title: str = ""
    organization: str = ""
    place: str = ""  # city and state
    schedule: tuple[ScheduleLine, ...] = ()
    schedule_is_personal: bool = False

    @property
    def back(self) -> tuple:
        """What the back shows: badges with equal backs share one drawing."""
        return (self.schedule_is_personal, self.schedule)


@dataclass(frozen=True)
class Sheet:
    """What every badge of one batch shares: the convening's name and the back's fixed lines."""

    convening_name: str
    wifi_network: str = ""
    wifi_password: str = ""
    emergency: str = ""
    agenda_url: str = ""
    sponsors: tuple[SponsorMark, ...] = ()
    sponsor_heading: str = ""
    crop_marks: bool = False


@dataclass(frozen=True)
class Page:
    side: str  # "front" or "back"
    badges: tuple[Badge, ...]


def name_fit(layout: Layout, name: str) -> NameFit:
    if layout.portrait:
        return fit_name(name, width=layout.badge_width - 36, largest=44, smallest=16, max_lines=3)
    return fit_name(name, width=layout.badge_width - 30, largest=34, smallest=13, max_lines=2)


@cache
def _environment() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True), auto_reload=False
    )
    environment.filters["png_uri"] = partial(data_uri, content_type="image/png")
    return environment


def pages_html(pages: Sequence[Page], layout: Layout, sheet: Sheet) -> str:
    fit = partial(name_fit, layout)
    fits = {fit(badge.name) for page in pages if page.side == "front" for badge in page.badges}
    return (
        _environment()
        .get_template("sheet.html")
        .render(
            pages=pages,
            layout=layout,
            sheet=sheet,
            name_fit=fit,
            fits=sorted(fits, key=lambda f: (f.size, f.lines)),
            marks=_marks_uri(layout),
            css=(TEMPLATES / "badge.css").read_text(),
        )
    )


_fonts_lock = threading.Lock()


@cache
def _marks_uri(layout: Layout) -> str:
    """The layout's crop marks as one SVG the size of the page, in points."""
    lines = "".join(
        f'<line x1="{m.left}" y1="{m.top}" x2="{m.left + m.width}" y2="{m.top + m.height}"/>'
        for m in layout.marks()
    )
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {layout.page_width} {layout.page_height}">'
        f'<g stroke="#000" stroke-width="0.4">{lines}</g></svg>'
    )
    return data_uri(svg.encode(), "image/svg+xml")


@cache
def _fonts():
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def render_pages(pages: Sequence[Page], layout_name: str, sheet: Sheet) -> bytes:
    """One PDF of the given pages, in order."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = pages_html(pages, LAYOUTS[layout_name], sheet)
    # Everything is embedded as data: URIs; no address in stored text can make rendering fetch anything.
    fetcher = URLFetcher(allowed_protocols=("data",), allow_redirects=False)
    with _fonts_lock:  # one font configuration per process, shared by the threads of a web server
        return HTML(string=html, base_url=None, url_fetcher=fetcher).write_pdf(font_config=_fonts())


@dataclass
class Plan:
    """The document's pages in order, as indexes into the distinct pages that must be drawn."""

    distinct: list[Page]
    order: list[int]


def plan(badges: Sequence[Badge], layout: Layout) -> Plan:
    distinct: list[Page] = []
    order: list[int] = []
    shared_backs: dict[tuple, int] = {}
    for start in range(0, len(badges), layout.per_sheet):
        group = tuple(badges[start : start + layout.per_sheet])
        distinct.append(Page("front", group))
        order.append(len(distinct) - 1)
        key = tuple(badge.back for badge in group)
        if key not in shared_backs:
            distinct.append(Page("back", group))
            shared_backs[key] = len(distinct) - 1
        order.append(shared_backs[key])
    return Plan(distinct, order)


WARM_UP_NAMES = ("Héctor Nguyễn Ελένη Дмитрий", "李小龍", "محمد")


def warm_up() -> None:
    """Draw a throwaway badge in every script, so fonts are found and loaded before the first real one."""
    from convening.badges.qr import badge_qr_png

    qr = badge_qr_png("C1")
    badges = [Badge("C1", qr, name, "attendee", "Attendee") for name in WARM_UP_NAMES]
    render_pages(plan(badges, LAYOUTS["avery-5392"]).distinct, "avery-5392", Sheet("Warm-up"))


@cache
def _pool(workers: int) -> ProcessPoolExecutor:
    """Workers forked from a clean server process, never from a threaded app.

    The server has already imported WeasyPrint and drawn a badge (convening.badges.warm), so every worker
    starts with its fonts loaded.
    """
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["convening.badges.warm"])
    return ProcessPoolExecutor(max_workers=workers, mp_context=context)


def join(drawn: Sequence[bytes], order: Sequence[int]) -> bytes:
    """One PDF of the drawn pages (each block's, in turn) in `order`; a page used twice is stored once."""
    from pypdf import PdfReader, PdfWriter

    pages = [page for data in drawn for page in PdfReader(io.BytesIO(data)).pages]
    writer = PdfWriter()
    for index in order:
        writer.add_page(pages[index])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def render_pdf(
    badges: Sequence[Badge],
    layout_name: str,
    sheet: Sheet,
    *,
    progress: Callable[[int, int], None] | None = None,
    workers: int | None = None,
    block_sheets: int = BLOCK_SHEETS,
) -> bytes:
    """The whole batch as one PDF, fronts and backs alternating; `progress(done, total)` as blocks finish.

    Blocks are drawn and joined in the render pool (`workers` processes, one per core by default), so the
    process that asks never loads WeasyPrint's fonts nor holds the parsed pages; `workers=0` draws here,
    for one badge on request.
    """
    layout = LAYOUTS[layout_name]
    document = plan(badges, layout)
    if workers == 0:
        data = render_pages(document.distinct, layout_name, sheet)
        if len(document.distinct) != len(document.order):
            data = join([data], document.order)
        if progress:
            progress(len(badges), len(badges))
        return data
    block = 2 * block_sheets
    blocks = [document.distinct[start : start + block] for start in range(0, len(document.distinct), block)]
    pool = _pool(workers or os.cpu_count() or 1)
    drawn = []
    done = 0
    results = pool.map(render_pages, blocks, [layout_name] * len(blocks), [sheet] * len(blocks))
    for block_pages, data in zip(blocks, results, strict=True):
        drawn.append(data)
        done += sum(len(page.badges) for page in block_pages if page.side == "front")
        if progress:
            progress(done, len(badges))
    return pool.submit(join, drawn, document.order).result()
