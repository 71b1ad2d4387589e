"""Following a tracked job: a page with a progress bar, and the JSON it polls."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, render_template, url_for
from werkzeug.wrappers import Response

from convening.accounts.access import role_required
from convening.accounts.models import StaffRole
from convening.convenings.models import Convening
from convening.extensions import db
from convening.jobs.models import Job

bp = Blueprint("jobs", __name__, url_prefix="/staff/jobs")


def _job(job_id: str) -> Job:
    if len(job_id) != 32:
        abort(404)
    return db.session.get(Job, job_id) or abort(404)


def next_url(job: Job) -> str | None:
    """Where the finished job's page leads: its function returns {"next": [endpoint, {values}]}."""
    target = job.result.get("next") if job.status.finished else None
    return url_for(target[0], **target[1]) if target else None


@bp.get("/<job_id>")
@role_required(StaffRole.STAFF)
def show(job_id: str) -> str:
    job = _job(job_id)
    convening = db.session.get(Convening, job.convening_id) if job.convening_id else None
    return render_template("jobs/job.html", job=job, next_url=next_url(job), convening=convening)


@bp.get("/<job_id>.json")
@role_required(StaffRole.STAFF)
def status(job_id: str) -> Response:
    job = _job(job_id)
    return jsonify(
        status=job.status.value,
        done=job.done,
        total=job.total,
        percent=job.percent,
        message=job.message,
        finished=job.status.finished,
        next=next_url(job),
        error=job.error.splitlines()[0] if job.error else "",
    )
