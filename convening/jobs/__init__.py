"""Background jobs: on an RQ worker when REDIS_URL is set, otherwise in a thread of this process.

A job is a plain function taking plain arguments (ids, not objects); it runs in its own app context and
database session, so it never shares a transaction with the request that enqueued it.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from flask import Flask, current_app

from convening.extensions import db

log = logging.getLogger(__name__)
_executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="convening-job")
QUEUE_NAME = "convening"


def enqueue(func: Callable[..., Any], *args: Any) -> None:
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    if app.config["JOBS_EAGER"]:
        _run(app, func, args)
    elif app.config["REDIS_URL"]:
        from redis import Redis
        from rq import Queue

        queue = Queue(QUEUE_NAME, connection=Redis.from_url(app.config["REDIS_URL"]))
        queue.enqueue(run_job, f"{func.__module__}:{func.__qualname__}", args)
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
    module_name, name = path.split(":")
    func = getattr(importlib.import_module(module_name), name)
    with _worker_app.app_context():
        func(*args)
