"""Badge batches run as jobs: in a thread of the web process without Redis, on an RQ worker with it.

Both runs print enough badges to span several blocks, so the worker-process pool draws them and pypdf
joins them; every QR code on every front page must come back in the order of the batch.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest
import zxingcpp
from flask import Flask
from PIL import Image
from redis import Redis
from rq import Queue, SimpleWorker
from sqlalchemy import select

from conftest import seed_convening
from convening import jobs
from convening.audit.services import COMMAND_LINE
from convening.badges import services
from convening.badges.models import BadgeBatch, BadgePrint, BatchStatus
from convening.badges.render import BLOCK_SHEETS
from convening.extensions import db
from convening.jobs.models import Job, JobStatus
from convening.models import Convening, TicketType
from convening.registration.services import AttendeeDetails, add_registrations
from convening.sqltypes import utcnow

REDIS_TEST_URL = "redis://127.0.0.1:6379/15"
# One block more than fits in one: the pool and the join are used.
PEOPLE = 6 * BLOCK_SHEETS + 8


def register_many(app: Flask, slug: str, count: int) -> list[str]:
    """Confirmed registrations; returns their badge tokens in badge order (family name, then first)."""
    with app.app_context():
        convening = db.session.scalar(select(Convening).where(Convening.slug == slug))
        ticket = db.session.scalar(select(TicketType).where(TicketType.convening_id == convening.id))
        people = [
            (
                ticket,
                AttendeeDetails(
                    first_name="Ana", family_name=f"Person {number:03d}", email=f"p{number}@convening.test"
                ),
            )
            for number in range(count)
        ]
        registrations = add_registrations(convening, people, now=utcnow(), notify=False, actor=COMMAND_LINE)
        db.session.commit()
        return [registration.badge_token for registration in registrations]


def start(app: Flask, slug: str) -> int:
    with app.test_request_context():
        convening = db.session.scalar(select(Convening).where(Convening.slug == slug))
        batch = services.start_batch(
            convening,
            services.Selection(),
            layout="avery-5392",
            crop_marks=True,
            agenda_url="http://convening.test/agenda",
            actor=COMMAND_LINE,
        )
        return batch.id


def decoded_in_order(pdf: bytes, tmp_path: Path) -> list[str]:
    """The QR payloads of every front page (odd pages), top to bottom and left to right."""
    (tmp_path / "batch.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "150", "-png", tmp_path / "batch.pdf", tmp_path / "page"], check=True)
    tokens: list[str] = []
    pages = sorted(tmp_path.glob("page-*.png"))
    for page in pages[::2]:
        found = zxingcpp.read_barcodes(Image.open(page))
        found.sort(key=lambda code: (round(code.position.top_left.y / 50), code.position.top_left.x))
        tokens.extend(code.text for code in found)
    return tokens


def finished_batch(app: Flask, batch_id: int) -> BadgeBatch:
    with app.app_context():
        batch = db.session.get(BadgeBatch, batch_id)
        assert batch.status == BatchStatus.READY
        assert batch.pdf is not None
        db.session.expunge(batch)
        return batch


def test_without_redis_a_batch_renders_in_a_thread_and_its_page_follows(app: Flask, tmp_path: Path) -> None:
    seed_convening(app, slug="summit")
    tokens = register_many(app, "summit", PEOPLE)
    app.config.update(JOBS_EAGER=False, REDIS_URL="")
    batch_id = start(app, "summit")
    with app.app_context():
        job_id = db.session.get(BadgeBatch, batch_id).job_id
    deadline = time.monotonic() + 120
    while True:
        with app.app_context():
            job = db.session.get(Job, job_id)
            if job.status.finished or time.monotonic() > deadline:
                break
        time.sleep(0.2)
    assert job.status == JobStatus.DONE, job.error
    assert job.done == job.total == PEOPLE
    assert job.result["next"] == ["badges_console.batch", {"slug": "summit", "batch_id": batch_id}]
    batch = finished_batch(app, batch_id)
    assert decoded_in_order(batch.pdf, tmp_path) == tokens
    with app.app_context():
        assert db.session.query(BadgePrint).count() == PEOPLE


def test_with_redis_a_batch_is_a_job_on_an_rq_worker(
    app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    connection = Redis.from_url(REDIS_TEST_URL)
    connection.flushdb()
    seed_convening(app, slug="summit")
    tokens = register_many(app, "summit", PEOPLE)
    app.config.update(JOBS_EAGER=False, REDIS_URL=REDIS_TEST_URL)
    batch_id = start(app, "summit")
    queue = Queue(jobs.QUEUE_NAME, connection=connection)
    assert queue.count == 1
    with app.app_context():
        assert db.session.get(BadgeBatch, batch_id).status == BatchStatus.RENDERING

    # The worker builds its own app from the environment, as `flask --app convening worker` does.
    monkeypatch.setenv("DATABASE_URL", app.config["SQLALCHEMY_DATABASE_URI"])
    monkeypatch.setenv("REDIS_URL", REDIS_TEST_URL)
    monkeypatch.setattr(jobs, "_worker_app", None)
    SimpleWorker([queue], connection=connection).work(burst=True)
    connection.flushdb()

    batch = finished_batch(app, batch_id)
    assert batch.badge_count == PEOPLE
    assert decoded_in_order(batch.pdf, tmp_path) == tokens
    with app.app_context():
        job = db.session.get(Job, batch.job_id)
        assert job.status == JobStatus.DONE
        assert job.done == PEOPLE
