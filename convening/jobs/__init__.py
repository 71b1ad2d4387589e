"""Background jobs: on an RQ worker when REDIS_URL is set, otherwise in a thread of this process.

A job is a plain function taking plain arguments (ids, not objects); it runs in its own app context and
database session, so it never shares a transaction with the request that enqueued it. `start` also records
a tracked Job whose progress a staff page follows.
"""

from __future__ import annotations

import importlib
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from flask import Flask, current_app
from sqlalchemy import update

from convening.extensions import db
from convening.jobs.models import Job, JobStatus
from convening.sqltypes import utcnow

log = logging.getLogger(__name__)
_executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="convening-job")
QUEUE_NAME = "convening"


def _path(func: Callable[..., Any]) -> str:
    return f"{func.__module__}:{func.__qualname__}"


def _resolve(path: str) -> Callable[..., Any]:
    module_name, name = path.split(":")
    return getattr(importlib.import_module(module_name), name)


def enqueue(func: Callable[..., Any], *args: Any) -> None:
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    if app.config["JOBS_EAGER"]:
        _run(app, func, args)
    elif app.config["REDIS_URL"]:
        from redis import Redis
        from rq import Queue

        queue = Queue(QUEUE_NAME, connection=Redis.from_url(app.config["REDIS_URL"]))
        queue.enqueue(run_job, _path(func), args, job_timeout=3600)
    else:
        _executor.submit(_run, app, func, args)


def _run(app: Flask, func: Callable[..., Any], args: tuple[Any, ...]) -> None:
    with app.app_context():
        try:
            func(*args)
        except Exception:
            log.exception("job %s%r failed", func.__qualname__, args)
            db.session.rollback()


_worker_app: Flask | None = None


def run_worker(app: Flask, *, burst: bool = False) -> None:
    """Work the Redis queue in this process; no fork per job, so database pools are never shared."""
    from redis import Redis
    from rq import Queue, SimpleWorker

    global _worker_app
    _worker_app = app
    connection = Redis.from_url(app.config["REDIS_URL"])
    SimpleWorker([Queue(QUEUE_NAME, connection=connection)], connection=connection).work(burst=burst)


def run_job(path: str, args: tuple[Any, ...]) -> None:
    """Entry point on an RQ worker: builds the app once per worker process and runs the job in it."""
    global _worker_app
    if _worker_app is None:
        from convening import create_app

        _worker_app = create_app()
    with _worker_app.app_context():
        _resolve(path)(*args)


# --- tracked jobs ------------------------------------------------------------------------------------


class Progress:
    """Passed to a tracked job's function: `progress(done, total, message)` as the work goes.

    Written on a connection of its own and at most a few times a second, so it shows while the job's own
    transaction is still open. On SQLite, report before the job starts writing: its lock would block this.
    """

    interval = 0.25

    def __init__(self, job_id: str) -> None:
        self.job_id = job_id
        self._last = 0.0

    def __call__(self, done: int, total: int, message: str = "", *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last < self.interval:
            return
        self._last = now
        with db.engine.begin() as connection:
            connection.execute(
                update(Job).where(Job.id == self.job_id).values(done=done, total=total, message=message[:300])
            )


def start(
    kind: str,
    func: Callable[..., dict[str, Any] | None],
    *args: Any,
    convening_id: int | None = None,
    created_by_id: int | None = None,
) -> Job:
    """Record a job and run `func(*args, progress=...)` in the background; commits. It returns the result."""
    job = Job(kind=kind, convening_id=convening_id, created_by_id=created_by_id)
    db.session.add(job)
    db.session.commit()
    enqueue(run_tracked, job.id, _path(func), args)
    return job


def run_tracked(job_id: str, path: str, args: tuple[Any, ...]) -> None:
    job = db.session.get(Job, job_id)
    if job is None or job.status != JobStatus.QUEUED:
        return
    job.status, job.started_at = JobStatus.RUNNING, utcnow()
    db.session.commit()
    try:
        result = _resolve(path)(*args, progress=Progress(job_id))
    except Exception as error:
        db.session.rollback()
        log.exception("tracked job %s (%s) failed", job_id, path)
        job = db.session.get(Job, job_id, populate_existing=True)
        job.status, job.error = JobStatus.FAILED, f"{type(error).__name__}: {error}"[:5000]
    else:
        job = db.session.get(Job, job_id, populate_existing=True)
        job.status, job.result = JobStatus.DONE, result or {}
        job.done = job.total
    job.finished_at = utcnow()
    db.session.commit()
