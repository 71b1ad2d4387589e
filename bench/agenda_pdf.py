"""Time the agenda PDF of the demo program, Letter and A4, on SQLite and PostgreSQL.

Usage: .venv/bin/python bench/agenda_pdf.py [--engines sqlite,postgresql] [--renders 5]

Each engine gets a fresh database built by the migrations and the demo convening (program, speakers,
sponsors; no registrations) loaded by convening.demo.services.load_demo. Each timed render is what the first
request after a program change costs: load the agenda, render the HTML and lay it out to PDF, with no cache.
One request through the Flask test client follows, to show what a repeat request costs from the cache.
Prints the median per paper size and the page count, and exits 1 when a median misses the target.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from sqlalchemy import func, select

import benchkit  # first: it selects the testing configuration before convening is imported
from convening.convenings.services import by_slug
from convening.demo.services import load_demo
from convening.extensions import db
from convening.program import pdf
from convening.program.models import ProgramSession, SessionSpeaker
from convening.sponsors.models import Sponsor

TARGET_MEDIAN_S = 5.0
PAPERS = ("letter", "a4")


def parse_args() -> argparse.Namespace:
    parser = benchkit.argument_parser(__doc__)
    parser.add_argument("--renders", type=int, default=5, help="timed renders per paper size and engine")
    args = benchkit.parse_engines(parser)
    if args.renders < 1:
        parser.error("--renders must be at least 1")
    return args


def seed(app: Flask) -> str:
    """The demo convening without registrations; returns its slug and says how big its program is."""
    with app.app_context():
        slug = load_demo(registrations=0).slug
        convening = by_slug(slug)
        assert convening is not None
        scheduled = ProgramSession.convening_id == convening.id, ProgramSession.time_slot_id.is_not(None)
        sessions = db.session.scalar(select(func.count()).select_from(ProgramSession).where(*scheduled))
        speakers = db.session.scalar(
            select(func.count(func.distinct(SessionSpeaker.speaker_id)))
            .join(ProgramSession)
            .where(*scheduled)
        )
        sponsors = db.session.scalar(
            select(func.count()).select_from(Sponsor).where(Sponsor.convening_id == convening.id)
        )
    print(f"demo: {sessions} scheduled sessions, {speakers} speakers, {sponsors} sponsors", flush=True)
    return slug


@dataclass
class Render:
    seconds: float  # wall clock
    cpu_seconds: float  # this process's CPU time: what the render costs when other work shares the CPUs
    data: bytes


def render_once(app: Flask, slug: str, paper: str) -> Render:
    """One uncached PDF: a fresh session loads the agenda, then HTML and layout."""
    with app.app_context():
        started, cpu_started = time.perf_counter(), time.process_time()
        convening = by_slug(slug)
        assert convening is not None
        data = pdf.render_pdf(pdf.agenda_html(convening, paper))
        return Render(time.perf_counter() - started, time.process_time() - cpu_started, data)


def page_count(data: bytes) -> int:
    """Pages as poppler's pdfinfo reads them: the file must be a PDF others can open."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(data)
        file.flush()
        info = subprocess.run(["pdfinfo", file.name], check=True, capture_output=True, text=True).stdout
    return int(next(line.split()[1] for line in info.splitlines() if line.startswith("Pages:")))


def cached_request(app: Flask, slug: str, paper: str) -> float:
    """Seconds for a GET once the PDF is cached: the HTML is rendered again and its digest matches."""
    client = app.test_client()
    url = f"/c/{slug}/agenda.pdf?paper={paper}"
    first = client.get(url)
    if first.status_code != 200 or first.mimetype != "application/pdf":
        raise RuntimeError(f"GET {url} answered {first.status_code} {first.mimetype}")
    started = time.perf_counter()
    client.get(url)
    return time.perf_counter() - started


def measure(engine: str, app: Flask, slug: str, renders: int) -> bool:
    """Print one line per paper size; True when every median meets the target."""
    ok = True
    render_once(app, slug, PAPERS[0])  # untimed: imports, font discovery, template compilation
    for paper in PAPERS:
        runs = [render_once(app, slug, paper) for _ in range(renders)]
        timings = [run.seconds for run in runs]
        median = statistics.median(timings)
        met = median < TARGET_MEDIAN_S
        ok = ok and met
        data = runs[-1].data
        cpu = statistics.median(run.cpu_seconds for run in runs)
        print(
            f"{engine:<11} {paper:<6} renders={renders}  median={median:.2f} s  min={min(timings):.2f} s  "
            f"max={max(timings):.2f} s  median CPU={cpu:.2f} s  "
            f"pages={page_count(data)}  size={len(data) / 1024:.0f} KiB  "
            f"cached GET={cached_request(app, slug, paper) * 1000:.0f} ms  "
            f"target median<{TARGET_MEDIAN_S:.0f}s: {'OK' if met else 'MISSED'}",
            flush=True,
        )
    return ok


def main() -> int:
    args = parse_args()
    load_before = os.getloadavg()[0]  # before our own work: shows what else competes for the CPUs
    with ExitStack() as stack:
        workdir: Path = stack.enter_context(benchkit.temporary_workdir())
        targets = []
        for engine in args.engines:
            database_url = stack.enter_context(benchkit.fresh_database(engine, workdir))
            app = stack.enter_context(benchkit.bench_app(database_url, quiet_logger="convening"))
            targets.append((engine, app, seed(app)))
        print(benchkit.machine(load_before))
        for engine, app, _ in targets:
            print(benchkit.describe(engine, app))
        results = [measure(engine, app, slug, args.renders) for engine, app, slug in targets]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
