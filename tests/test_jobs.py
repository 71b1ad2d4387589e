"""Tracked jobs: a staff page follows their progress, sees their result, and learns plainly of a failure."""

from __future__ import annotations

import time
from typing import Any

from flask import Flask
from sqlalchemy import select

from conftest import assert_role_access, seed_convening
from convening import jobs
from convening.extensions import db
from convening.jobs.models import Job, JobStatus
from convening.models import Convening

SEEN_PROGRESS: list[tuple[int, int, str]] = []


def count_convenings(batch: int, *, progress: jobs.Progress) -> dict[str, Any]:
    """A small job for the tests: reads the database, reports progress in steps, leads back to the console."""
    total = len(db.session.scalars(select(Convening.id)).all()) * 3
    for done in range(total):
        progress(done, total, f"Counting {done + 1} of {total}", force=True)
        SEEN_PROGRESS.append((done, total, f"batch {batch}"))
    return {"counted": total, "next": ["staff.home", {}]}


def fail_half_way(*, progress: jobs.Progress) -> None:
    progress(1, 2, "Half way", force=True)
    raise ValueError("the spreadsheet ended early")


def test_a_job_reports_progress_and_leads_to_its_result(app: Flask, staff_client) -> None:
    seed_convening(app)
    client = staff_client("staff")
    with app.test_request_context():
        job = jobs.start("test.count", count_convenings, 7)
    with app.app_context():
        finished = db.session.get(Job, job.id)
        assert finished.status == JobStatus.DONE
        assert (finished.done, finished.total) == (3, 3)
        assert finished.message == "Counting 3 of 3"
        assert finished.result == {"counted": 3, "next": ["staff.home", {}]}
    assert SEEN_PROGRESS[-1] == (2, 3, "batch 7")
    status = client.get(f"/staff/jobs/{job.id}.json").get_json()
    assert status == {
        "status": "done",
        "done": 3,
        "total": 3,
        "percent": 100,
        "message": "Counting 3 of 3",
        "finished": True,
        "next": "/staff/",
        "error": "",
    }
    page = client.get(f"/staff/jobs/{job.id}").get_data(as_text=True)
    assert "Done" in page
    assert 'href="/staff/"' in page


def test_a_failed_job_says_so_and_keeps_the_reason(app: Flask, staff_client) -> None:
    client = staff_client("staff")
    with app.test_request_context():
        job = jobs.start("test.fail", fail_half_way)
    with app.app_context():
        failed = db.session.get(Job, job.id)
        assert failed.status == JobStatus.FAILED
        assert failed.error == "ValueError: the spreadsheet ended early"
        assert failed.finished_at is not None
    page = client.get(f"/staff/jobs/{job.id}").get_data(as_text=True)
    assert "This did not finish" in page
    assert "the spreadsheet ended early" in page
    assert (
        client.get(f"/staff/jobs/{job.id}.json").get_json()["error"]
        == "ValueError: the spreadsheet ended early"
    )


def test_a_job_in_the_background_is_followed_while_it_runs(app: Flask, staff_client) -> None:
    seed_convening(app)
    client = staff_client("staff")
    app.config["JOBS_EAGER"] = False
    with app.test_request_context():
        job = jobs.start("test.count", count_convenings, 8)
    deadline = time.monotonic() + 10
    while client.get(f"/staff/jobs/{job.id}.json").get_json()["status"] != "done":
        assert time.monotonic() < deadline, "the background job never finished"
        time.sleep(0.05)


def test_unknown_jobs_are_404(app: Flask, staff_client) -> None:
    client = staff_client("staff")
    assert client.get("/staff/jobs/nope").status_code == 404
    assert client.get("/staff/jobs/" + "0" * 32).status_code == 404
    assert client.get("/staff/jobs/" + "0" * 32 + ".json").status_code == 404


def test_job_pages_are_for_staff(app: Flask) -> None:
    with app.test_request_context():
        job = jobs.start("test.fail", fail_half_way)
    assert_role_access(app, "GET", f"/staff/jobs/{job.id}", "staff")
    assert_role_access(app, "GET", f"/staff/jobs/{job.id}.json", "staff")
