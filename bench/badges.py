"""Time printing 100, 2,000 and 5,000 badges on Avery 5392 sheets from the demo data, SQLite and PostgreSQL.

Usage: .venv/bin/python bench/badges.py [--engines sqlite,postgresql] [--counts 100,2000,5000] [--singles 20]

Each engine gets a fresh database built by the migrations, the demo convening (program, speakers, sponsors)
loaded by convening.demo.services.load_demo (with its Wi-Fi and emergency lines), its seat limits lifted, and
as many confirmed people as the largest count, registered in one transaction through
registration.services.add_registrations, so each has its token and cached QR code: every demo speaker (their
backs carry their own sessions), then the demo's sample attendees, one in eight of them with a badge name in
Greek, Cyrillic, Chinese, Japanese, Korean or Arabic. Sample attendees on the paid ticket have not paid:
batches leave them out, as they would at the convening.

Timed for each count, with the figures of one engine after the other:
  batch  what staff start: badges.services.start_batch (JOBS_EAGER runs the job here): the people chosen,
         names, roles and schedules loaded, the sheets drawn by WeasyPrint in the render pool, joined with
         pypdf, the PDF stored and each badge logged. Peak memory is that of the largest single process, this
         one or any descendant (the pool's fork server and workers): VmHWM, reset through /proc/PID/clear_refs
         before the batch (after handing freed memory back with malloc_trim, so the batch before does not
         count), and VmRSS sampled every 50 ms for processes the reset cannot reach.
  phases the same path called step by step, to show where the time goes: load (choose, badges_for,
         sheet_for), render (the blocks in the pool, until the last one is back) and join (pypdf).
  floor  the same Badge and Sheet objects drawn on the same sheets with plain reportlab in this process. The
         ratio compares the batch with load + floor drawing, both starting from the database.
Then one badge on request: services.single_badge_pdf for one person, after a warm-up, median and p95.
Prints a table and the targets with OK or MISSED; exits 1 when a target is missed. Other work on the machine
stretches the wall times: the CPU seconds of the batch (this process and the pool together) and the load
average at the start and the end say how much. Engines are measured one after the other in this process: the
second one's main process starts from what the first left behind that malloc_trim could not hand back.
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import io
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from base64 import b64decode
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from flask import Flask
from reportlab.lib.colors import HexColor, white
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from sqlalchemy import select

import benchkit  # first: it selects the testing configuration before convening is imported
from convening.audit.services import COMMAND_LINE
from convening.badges import services
from convening.badges.layouts import LAYOUTS, Layout
from convening.badges.models import BadgeBatch, BatchStatus
from convening.badges.render import Badge, Page, Sheet, name_fit, plan, render_pdf
from convening.convenings.models import Convening
from convening.convenings.services import by_slug
from convening.demo import data
from convening.demo.services import sample_attendees
from convening.extensions import db
from convening.program.models import Speaker
from convening.registration.models import Registration, RegistrationStatus, TicketType
from convening.registration.services import AttendeeDetails, add_registrations, lock_convening
from convening.sqltypes import utcnow
from convening.urls import external_url

LAYOUT = "avery-5392"
TARGET_BADGES = 2000
TARGET_SECONDS = 16.0
TARGET_MB = 300.0
TARGET_RATIO = 2.5
TARGET_SINGLE_MS = 100.0
WARM_UP_BADGES = 300  # a few blocks for each worker of the pool
APP_CONFIG = {"JOBS_EAGER": True}  # the batch job runs where it starts, so it is timed from here
# One sample attendee in SCRIPT_SHARE gets one of these as first name, family name and badge name.
SCRIPT_SHARE = 8
OTHER_SCRIPTS = (
    ("Ελένη", "Παπαδοπούλου", "Ελένη Παπαδοπούλου"),
    ("Γιώργος", "Οικονόμου", "Γιώργος Οικονόμου"),
    ("Дмитрий", "Шевченко", "Дмитрий Шевченко"),
    ("Ольга", "Кузнецова", "Ольга Кузнецова"),
    ("小紅", "王", "王小紅"),
    ("建國", "陳", "陳建國"),
    ("由美", "田中", "田中由美"),
    ("さくら", "山本", "山本さくら"),
    ("민준", "김", "김민준"),
    ("فاطمة", "الزهراء", "فاطمة الزهراء"),
    ("يوسف", "حداد", "يوسف حداد"),
)


def parse_args() -> argparse.Namespace:
    parser = benchkit.argument_parser(__doc__)
    parser.add_argument("--counts", default="100,2000,5000", help="comma-separated badges per batch")
    parser.add_argument("--singles", type=int, default=20, help="timed single badges per engine")
    args = benchkit.parse_engines(parser)
    try:
        args.counts = sorted({int(count) for count in args.counts.split(",") if count.strip()})
    except ValueError:
        parser.error("--counts takes whole numbers, such as 100,2000,5000")
    if not args.counts or args.counts[0] < 1 or args.singles < 2:
        parser.error("--counts must be 1 or more each and --singles at least 2 (for a p95)")
    return args


# --- the database ------------------------------------------------------------------------------------


@dataclass
class Target:
    """One engine to measure: its app on a fresh, seeded database, and who gets printed."""

    engine: str
    app: Flask
    slug: str
    confirmed_ids: list[int]  # every confirmed registration
    single_id: int  # the person whose lost badge is reprinted
    seed_seconds: float


def seed(engine: str, app: Flask, confirmed: int) -> Target:
    """The demo convening with `confirmed` people confirmed (plus unpaid partners), in one transaction."""
    with app.app_context():
        convening = benchkit.demo_without_limits()
        slug = convening.slug
        started = time.perf_counter()
        lock_convening(convening.id)
        add_registrations(
            convening, people(convening, confirmed), now=utcnow(), notify=False, actor=COMMAND_LINE
        )
        db.session.commit()
        seconds = time.perf_counter() - started
        confirmed_ids = list(
            db.session.scalars(
                select(Registration.id).where(
                    Registration.convening_id == convening.id,
                    Registration.status == RegistrationStatus.CONFIRMED,
                )
            )
        )
        # A name in Chinese: its badge embeds a CJK font. Any confirmed person when the run is too small.
        single_id = db.session.scalar(
            select(Registration.id).where(
                Registration.email == data.FEATURED_ATTENDEES[2].email,
                Registration.status == RegistrationStatus.CONFIRMED,
            )
        )
    assert len(confirmed_ids) == confirmed
    single_id = single_id or confirmed_ids[0]
    return Target(engine, app, slug, confirmed_ids, single_id, seconds)


def people(convening: Convening, confirmed: int) -> list[tuple[TicketType, AttendeeDetails]]:
    """Speakers first, then sample attendees until `confirmed` hold a free ticket (so are confirmed)."""
    tickets = {ticket_type.name: ticket_type for ticket_type in convening.ticket_types}
    free = tickets[data.ELECTED_OFFICIAL]
    speakers = db.session.scalars(select(Speaker).where(Speaker.convening_id == convening.id)).all()
    chosen = []
    emails = set()
    for speaker in islice(speakers, confirmed):
        first_name, _, family_name = speaker.name.rpartition(" ")
        details = AttendeeDetails(
            first_name=first_name or family_name,
            family_name=family_name if first_name else "",
            badge_name=speaker.name,
            email=speaker.email,
            title=speaker.title,
            organization=speaker.organization,
        )
        chosen.append((free, details))
        emails.add(details.email)
    seated = len(chosen)
    for number, attendee in enumerate(sample_attendees(2027)):
        if seated >= confirmed:
            break
        details = attendee.details
        if details.email in emails:
            continue
        # Featured people (the demo's own names in many scripts) keep theirs.
        if number % SCRIPT_SHARE == SCRIPT_SHARE - 1 and not details.badge_name:
            details.first_name, details.family_name, details.badge_name = OTHER_SCRIPTS[
                number // SCRIPT_SHARE % len(OTHER_SCRIPTS)
            ]
        ticket_type = tickets[attendee.ticket_type]
        chosen.append((ticket_type, details))
        emails.add(details.email)
        if ticket_type.is_free:
            seated += 1
    return chosen


def selection_of(target: Target, count: int) -> services.Selection:
    """Everyone when the count is everyone, as staff print the night before; otherwise a seeded sample."""
    if count >= len(target.confirmed_ids):
        return services.Selection()
    return services.Selection(
        registration_ids=tuple(random.Random(count).sample(target.confirmed_ids, count))
    )


# --- memory and CPU ---------------------------------------------------------------------------------

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _status_kib(pid: int) -> tuple[int, int]:
    """VmHWM and VmRSS of a process in KiB; zeros once it has gone."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as file:
            lines = file.read().splitlines()
    except OSError:
        return 0, 0
    values = {line.split(":")[0]: line.split()[1] for line in lines if line.startswith(("VmHWM", "VmRSS"))}
    return int(values.get("VmHWM", 0)), int(values.get("VmRSS", 0))


def family(root: int) -> dict[int, float]:
    """The process and all its descendants, with the CPU seconds each has used, from /proc/*/stat."""
    parents: dict[int, list[int]] = {}
    cpu: dict[int, float] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="ascii", errors="replace") as file:
                fields = file.read().rpartition(")")[2].split()
        except OSError:
            continue
        pid = int(entry.name)
        parents.setdefault(int(fields[1]), []).append(pid)
        cpu[pid] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime
    found, queue = {}, [root]
    while queue:
        pid = queue.pop()
        found[pid] = cpu.get(pid, 0.0)
        queue.extend(parents.get(pid, ()))
    return found


def role_of_process(pid: int) -> str:
    """What a process of the family is: the pool's fork server is started from this process and its workers
    are forked from it, so they share its command line and are told apart by their parent."""
    if pid == os.getpid():
        return "main"
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        parent = int(Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[1])
    except (OSError, ValueError):
        return "gone"
    if "forkserver" in command:
        return "fork server" if parent == os.getpid() else "worker"
    if "resource_tracker" in command:
        return "resource tracker"
    return "other"


@dataclass
class Usage:
    """What this process and its descendants (the render pool) use while a block runs: the largest resident
    set of any single one of them, and their CPU seconds together.

    High-water marks are reset first (writing 5 to /proc/PID/clear_refs), so each figure is this block's;
    VmRSS is sampled too, for processes that end between samples or refuse the reset. CPU seconds show what
    the work costs when other jobs share the cores and stretch the wall time.
    """

    interval: float = 0.05
    peaks: dict[int, int] = field(default_factory=dict)  # pid -> KiB
    roles: dict[int, str] = field(default_factory=dict)
    cpu_start: dict[int, float] = field(default_factory=dict)
    cpu_last: dict[int, float] = field(default_factory=dict)

    @contextmanager
    def watch(self) -> Iterator[Usage]:
        self.cpu_start = family(os.getpid())
        for pid in self.cpu_start:
            with suppress(OSError):
                Path(f"/proc/{pid}/clear_refs").write_text("5")
        stop = threading.Event()
        thread = threading.Thread(target=self._sample, args=(stop,), daemon=True)
        thread.start()
        try:
            yield self
        finally:
            stop.set()
            thread.join()

    def _sample(self, stop: threading.Event) -> None:
        rounds = 0
        while True:
            final = stop.is_set()
            if rounds % 4 == 0 or final:  # new workers appear rarely: look for them every 200 ms
                self.cpu_last.update(family(os.getpid()))
            for pid in self.cpu_last:
                if pid not in self.roles:
                    self.roles[pid] = role_of_process(pid)
                self.peaks[pid] = max(self.peaks.get(pid, 0), *_status_kib(pid))
            if final:
                return
            rounds += 1
            stop.wait(self.interval)

    def largest(self) -> tuple[float, str]:
        """MB of the largest process and which process it was."""
        pid = max(self.peaks, key=self.peaks.__getitem__)
        return self.peaks[pid] / 1024, self.roles.get(pid, "?")

    @property
    def cpu_seconds(self) -> float:
        return sum(used - self.cpu_start.get(pid, 0.0) for pid, used in self.cpu_last.items())


def release_freed_memory() -> None:
    """Hand back to the system what this process has freed (glibc keeps it otherwise), so each batch's
    figure is its own, not what seeding or the batch before it left behind."""
    gc.collect()
    ctypes.CDLL("libc.so.6").malloc_trim(0)


# --- the floor: plain reportlab ----------------------------------------------------------------------

NOTO = Path("/usr/share/fonts/truetype/noto")
RIBBONS = {
    "attendee": "#1f5f8b",
    "speaker": "#6a2c91",
    "staff": "#b3261e",
    "sponsor": "#1e6b3a",
    "press": "#222222",
}


def register_floor_fonts() -> None:
    """Noto Sans for Latin, Vietnamese, Greek and Cyrillic; Noto Sans Arabic; reportlab's own CID fonts for
    CJK, since it cannot embed Noto CJK (CFF outlines in a .ttc). Those are named, not embedded: cheaper
    than the subset WeasyPrint embeds, so for CJK names the floor is, if anything, too low."""
    for name, file in (
        ("NotoSans", "NotoSans-Regular.ttf"),
        ("NotoSans-Bold", "NotoSans-Bold.ttf"),
        ("NotoSansArabic", "NotoSansArabic-Regular.ttf"),
        ("NotoSansArabic-Bold", "NotoSansArabic-Bold.ttf"),
    ):
        pdfmetrics.registerFont(TTFont(name, str(NOTO / file)))
    for name in ("STSong-Light", "HeiseiKakuGo-W5", "HYGothic-Medium"):
        pdfmetrics.registerFont(UnicodeCIDFont(name))


def font_for(text: str, *, bold: bool = False) -> str:
    """A font that has the text's glyphs. Arabic is drawn unshaped (letters in isolated forms, left to
    right): the floor is a speed floor, not a correct rendering."""
    han = False
    for char in text:
        code = ord(char)
        if 0xAC00 <= code <= 0xD7AF or 0x1100 <= code <= 0x11FF:
            return "HYGothic-Medium"
        if 0x3040 <= code <= 0x30FF:
            return "HeiseiKakuGo-W5"
        if 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF:
            han = True
        elif 0x0600 <= code <= 0x06FF:
            return "NotoSansArabic-Bold" if bold else "NotoSansArabic"
    if han:
        return "STSong-Light"
    return "NotoSans-Bold" if bold else "NotoSans"


def draw_front(canvas: Canvas, badge: Badge, layout: Layout, sheet: Sheet) -> None:
    """What the WeasyPrint template puts on a front, in badge coordinates (origin at the bottom left)."""
    width, height = layout.badge_width, layout.badge_height
    canvas.setFillColor(HexColor("#444444"))
    canvas.setFont("NotoSans-Bold", 8)
    canvas.drawString(15, height - 18, sheet.convening_name.upper(), charSpace=0.32)
    fit = name_fit(layout, badge.name)
    font = font_for(badge.name, bold=True)
    lines = (
        simpleSplit(badge.name, font, fit.size, width - 30)[: fit.lines] if fit.lines > 1 else [badge.name]
    )
    canvas.setFillColor(HexColor("#111111"))
    canvas.setFont(font, fit.size)
    y = height - 25 - fit.size * 0.9  # the name's first baseline, below the convening's line
    for line in lines:
        canvas.drawString(15, y, line)
        y -= fit.size * 1.08
    if badge.pronouns:
        canvas.setFont("NotoSans", 10)
        canvas.drawString(15, y - 4, badge.pronouns)
    y = 34 + 2 * 10.8
    for text, bold in ((badge.title, False), (badge.organization, True), (badge.place, False)):
        if text:
            canvas.setFont(font_for(text, bold=bold), 9)
            canvas.drawString(15, y, text)
            y -= 10.8
    canvas.drawImage(ImageReader(io.BytesIO(badge.qr_png)), width - 83, 31, 74, 74)
    canvas.setFillColor(HexColor(RIBBONS.get(badge.role, "#1f5f8b")))
    canvas.rect(0, 0, width, 28, stroke=0, fill=1)
    canvas.setFillColor(white)
    canvas.setFont("NotoSans-Bold", 15)
    canvas.drawCentredString(width / 2, 9, badge.role_label.upper(), charSpace=1.8)


def draw_back(
    canvas: Canvas, badge: Badge, layout: Layout, sheet: Sheet, logos: dict[str, ImageReader]
) -> None:
    """The back: schedule, Wi-Fi, emergency line, agenda address and sponsors."""
    width, height = layout.badge_width, layout.badge_height
    canvas.setFillColor(HexColor("#111111"))
    canvas.setFont("NotoSans-Bold", 9)
    canvas.drawString(15, height - 20, "Your schedule" if badge.schedule_is_personal else "Agenda highlights")
    y = height - 31
    for line in badge.schedule or ():
        x = 15.0
        if line.when:
            canvas.setFont("NotoSans-Bold", 7)
            canvas.drawString(x, y, line.when)
            x += pdfmetrics.stringWidth(line.when + " ", "NotoSans-Bold", 7)
        canvas.setFont("NotoSans", 7)
        text = f"{line.title} · {line.room}" if line.room else line.title
        for part in simpleSplit(text, "NotoSans", 7, width - 15 - x)[:2]:
            canvas.drawString(x, y, part)
            y -= 8.4
    extra = []
    if sheet.wifi_network:
        extra.append(f"Wi-Fi: {sheet.wifi_network} · password: {sheet.wifi_password}")
    if sheet.emergency:
        extra.append(f"In an emergency: {sheet.emergency}")
    if sheet.agenda_url:
        extra.append(f"Full agenda: {sheet.agenda_url}")
    canvas.setFont("NotoSans-Bold", 7)
    y = 30 + 8.4 * (len(extra) - 1)
    for text in extra:
        canvas.drawString(15, y, text)
        y -= 8.4
    if sheet.sponsors:
        canvas.setFont("NotoSans", 6)
        canvas.setFillColor(HexColor("#444444"))
        canvas.drawString(15, 22, sheet.sponsor_heading)
        x = 15.0
        for sponsor in sheet.sponsors:
            if sponsor.logo:
                canvas.drawImage(logos[sponsor.logo], x, 5, 60, 15, preserveAspectRatio=True)
            else:
                canvas.drawString(x, 8, sponsor.name)
            x += 64


def draw_floor(badges: list[Badge], layout_name: str, sheet: Sheet) -> bytes:
    """The same sheets as render_pdf, pages in the same order: fronts drawn one by one, each distinct back
    drawn once as a form and placed on every back page that shares it, as render_pdf shares them."""
    layout = LAYOUTS[layout_name]
    document = plan(badges, layout)
    logos = {
        sponsor.logo: ImageReader(io.BytesIO(b64decode(sponsor.logo.partition(",")[2])))
        for sponsor in sheet.sponsors
        if sponsor.logo
    }
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(layout.page_width, layout.page_height), pageCompression=1)
    drawn_backs: set[int] = set()
    for index in document.order:
        page = document.distinct[index]
        if page.side == "back":
            name = f"back{index}"
            if index not in drawn_backs:
                canvas.beginForm(name)
                draw_page(canvas, page, layout, sheet, logos)
                canvas.endForm()
                drawn_backs.add(index)
            canvas.doForm(name)
        else:
            draw_page(canvas, page, layout, sheet, logos)
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def draw_page(
    canvas: Canvas, page: Page, layout: Layout, sheet: Sheet, logos: dict[str, ImageReader]
) -> None:
    for position, badge in enumerate(page.badges):
        corner = layout.front(position) if page.side == "front" else layout.back(position)
        canvas.saveState()
        canvas.translate(corner.left, layout.page_height - corner.top - layout.badge_height)
        if page.side == "front":
            draw_front(canvas, badge, layout, sheet)
        else:
            draw_back(canvas, badge, layout, sheet, logos)
        canvas.restoreState()
    if sheet.crop_marks:
        canvas.setLineWidth(0.4)
        for mark in layout.marks():
            top = layout.page_height - mark.top
            canvas.line(mark.left, top, mark.left + mark.width, top - mark.height)


# --- measuring ---------------------------------------------------------------------------------------


@dataclass
class Figures:
    count: int
    seconds: float
    cpu_seconds: float  # this process and the pool together
    peak_mb: float
    peak_process: str
    pdf_bytes: int
    pages: int
    load: float
    render: float
    join: float
    floor: float  # drawing only

    @property
    def ratio(self) -> float:
        return self.seconds / (self.load + self.floor)


def page_count(pdf: bytes) -> int:
    """Pages as poppler's pdfinfo reads them: the file must be a PDF others can open."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        info = subprocess.run(["pdfinfo", file.name], check=True, capture_output=True, text=True).stdout
    return int(next(line.split()[1] for line in info.splitlines() if line.startswith("Pages:")))


def batch(target: Target, count: int, agenda_url: str) -> tuple[float, Usage, int, int]:
    """One print run as staff start it: seconds, what the processes used, the PDF's size and pages; checks
    that the batch is complete."""
    release_freed_memory()
    usage = Usage()
    with target.app.app_context(), usage.watch():
        started = time.perf_counter()
        convening = by_slug(target.slug)
        assert convening is not None
        printed = services.start_batch(
            convening,
            selection_of(target, count),
            layout=LAYOUT,
            crop_marks=True,
            agenda_url=agenda_url,
            actor=COMMAND_LINE,
        )
        seconds = time.perf_counter() - started
        batch_id = printed.id
    with target.app.app_context():
        stored = db.session.get_one(BadgeBatch, batch_id)
        if stored.status != BatchStatus.READY or stored.badge_count != count:
            raise RuntimeError(f"batch of {count}: {stored.status} with {stored.badge_count} badges")
        pdf = stored.pdf
    pages = page_count(pdf)
    if pages != 2 * LAYOUTS[LAYOUT].sheets(count):
        raise RuntimeError(f"batch of {count}: {pages} pages")
    return seconds, usage, len(pdf), pages


def phases_and_floor(target: Target, count: int, agenda_url: str) -> tuple[float, float, float, float]:
    """Seconds of load, render and join on the staff path, then of the reportlab floor for the same data."""
    with target.app.app_context():
        started = time.perf_counter()
        convening = by_slug(target.slug)
        assert convening is not None
        chosen = services.choose(convening, selection_of(target, count))
        badges = services.badges_for(convening, chosen.registrations, portrait=LAYOUTS[LAYOUT].portrait)
        sheet = services.sheet_for(convening, agenda_url=agenda_url, crop_marks=True)
        db.session.commit()
        loaded = time.perf_counter()
        stamps: list[float] = []
        render_pdf(badges, LAYOUT, sheet, progress=lambda _done, _total: stamps.append(time.perf_counter()))
        joined = time.perf_counter()
        # Blocks report as they come back; the join in the pool follows the last one.
        rendered = stamps[-1]
        floor_started = time.perf_counter()
        draw_floor(badges, LAYOUT, sheet)
        floor = time.perf_counter() - floor_started
    return loaded - started, rendered - loaded, joined - rendered, floor


def singles(target: Target, agenda_url: str, timed: int) -> list[float]:
    """Milliseconds of a lost badge on request: the person looked up and their badge drawn, one warm-up."""
    timings = []
    for number in range(timed + 1):
        with target.app.app_context():
            started = time.perf_counter()
            convening = by_slug(target.slug)
            registration = db.session.get(Registration, target.single_id)
            assert convening is not None
            assert registration is not None
            services.single_badge_pdf(convening, registration, agenda_url=agenda_url)
            if number:
                timings.append((time.perf_counter() - started) * 1000)
    return timings


def measure(target: Target, counts: list[int], timed_singles: int) -> bool:
    """Print the engine's table and targets; True when every target is met."""
    with target.app.app_context():
        agenda_url = external_url("program.agenda", slug=target.slug)
    # Untimed: the render pool starts (its fork server imports WeasyPrint and draws a badge) and each worker
    # draws its first blocks; the first batch after the app starts pays this once.
    warm_up = min(WARM_UP_BADGES, len(target.confirmed_ids))
    first, _, _, _ = batch(target, warm_up, agenda_url)
    rows = []
    for count in counts:
        seconds, usage, size, pages = batch(target, count, agenda_url)
        peak_mb, process = usage.largest()
        load, render, join, floor = phases_and_floor(target, count, agenda_url)
        rows.append(
            Figures(
                count, seconds, usage.cpu_seconds, peak_mb, process, size, pages, load, render, join, floor
            )
        )
    print(
        f"{target.engine}: {len(target.confirmed_ids)} confirmed registered in {target.seed_seconds:.1f} s; "
        f"{LAYOUT}, crop marks on; first batch ({warm_up} badges, pool starting) {first:.1f} s"
    )
    print(
        f"{'badges':>7} {'seconds':>8} {'badges/s':>9} {'CPU s':>6} {'peak MB':>8} {'(process)':<13} "
        f"{'PDF KiB':>8} {'pages':>6} {'load s':>7} {'render s':>9} {'join s':>7} {'floor s':>8} {'ratio':>6}"
    )
    for row in rows:
        print(
            f"{row.count:>7} {row.seconds:>8.2f} {row.count / row.seconds:>9.0f} {row.cpu_seconds:>6.1f} "
            f"{row.peak_mb:>8.0f} "
            f"{'(' + row.peak_process + ')':<13} {row.pdf_bytes / 1024:>8.0f} {row.pages:>6} "
            f"{row.load:>7.2f} {row.render:>9.2f} {row.join:>7.2f} {row.floor:>8.2f} {row.ratio:>6.1f}"
        )
    print(
        "  seconds, CPU s, peak MB (in the largest single process): the whole batch as staff start it; "
        "load, render, join: the same path step by step; floor: reportlab drawing only; "
        "ratio: seconds / (load + floor)"
    )
    timings = singles(target, agenda_url, timed_singles)
    median = statistics.median(timings)
    p95 = statistics.quantiles(timings, n=20, method="inclusive")[-1]
    at_target = [row for row in rows if row.count == TARGET_BADGES]
    checks = [
        (
            f"single badge median < {TARGET_SINGLE_MS:.0f} ms",
            f"{median:.0f} ms (p95 {p95:.0f} ms)",
            median < TARGET_SINGLE_MS,
        ),
        (
            f"every process <= {TARGET_MB:.0f} MB",
            f"{max(row.peak_mb for row in rows):.0f} MB",
            all(row.peak_mb <= TARGET_MB for row in rows),
        ),
    ]
    for row in at_target:
        checks += [
            (
                f"{TARGET_BADGES} badges <= {TARGET_SECONDS:.0f} s",
                f"{row.seconds:.1f} s",
                row.seconds <= TARGET_SECONDS,
            ),
            (
                f"{TARGET_BADGES} badges within {TARGET_RATIO}x the floor",
                f"{row.ratio:.1f}x",
                row.ratio <= TARGET_RATIO,
            ),
        ]
    for label, figure, met in checks:
        print(f"  target {label:<36} {figure:<24} {'OK' if met else 'MISSED'}")
    sys.stdout.flush()
    return all(met for _, _, met in checks)


def main() -> int:
    args = parse_args()
    load_before = os.getloadavg()[0]  # before our own work: shows what else competes for the CPUs
    register_floor_fonts()
    with ExitStack() as stack:
        workdir: Path = stack.enter_context(benchkit.temporary_workdir())
        targets = []
        for engine in args.engines:
            database_url = stack.enter_context(benchkit.fresh_database(engine, workdir))
            app = stack.enter_context(
                benchkit.bench_app(database_url, quiet_logger="convening", **APP_CONFIG)
            )
            targets.append(seed(engine, app, args.counts[-1]))
        print(benchkit.machine(load_before))
        for target in targets:
            print(benchkit.describe(target.engine, target.app))
        results = [measure(target, args.counts, args.singles) for target in targets]
        print(f"load average at the end {os.getloadavg()[0]:.2f}")
    return 0 if all(results) else 1


if __name__ == "__main__":  # the render pool's fork server imports this module again
    sys.exit(main())
