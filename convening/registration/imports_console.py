"""Registrations in and out as CSV: the export, and imports checked row by row before saving.

Each handler loads the convening (and the import: another convening's is a 404), checks the role, calls
one service from registration.imports, then redirects with a message or renders. Saving an import runs as
a tracked job whose page leads back to the import when it is done.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response as BaseResponse
from wtforms import BooleanField, SelectChoice, SelectField

from convening import jobs
from convening.accounts.access import current_actor, role_required
from convening.accounts.models import StaffRole
from convening.convenings.models import Convening
from convening.convenings.services import by_slug
from convening.registration import csvfile, imports
from convening.registration.console_forms import RegistrationSearchForm, parse_page
from convening.registration.models import DietaryNeed, ImportStatus, RegistrationImport
from convening.sqltypes import utcnow
from convening.uploads import allows_upload

bp = Blueprint("registration_imports", __name__, url_prefix="/staff/c/<slug:slug>")

PROBLEMS_PER_PAGE = 100


class UploadForm(FlaskForm):
    file = FileField("CSV file", validators=[FileRequired("Choose the CSV file to check.")])
    ticket_type = SelectField("Ticket for rows without one", validate_choice=False)


class RunForm(FlaskForm):
    send_emails = BooleanField("Email each person their confirmation")


def _convening(slug: str) -> Convening:
    return by_slug(slug) or abort(404)


def _import(slug: str, import_id: int) -> tuple[Convening, RegistrationImport]:
    convening = _convening(slug)
    return convening, imports.import_in(convening.id, import_id) or abort(404)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.3g} MB"


def _upload_form(convening: Convening, **kwargs: object) -> UploadForm:
    form = UploadForm(**kwargs)
    ticket_types = convening.ticket_types
    form.ticket_type.choices = [SelectChoice("", "None: every row names its ticket")] + [
        SelectChoice(str(ticket_type.id), ticket_type.name) for ticket_type in ticket_types
    ]
    if request.method == "GET" and len(ticket_types) == 1:
        form.ticket_type.data = str(ticket_types[0].id)
    return form


def _index_page(convening: Convening, form: UploadForm, status: int) -> tuple[str, int]:
    return render_template(
        "registration/imports/index.html",
        convening=convening,
        form=form,
        columns=csvfile.COLUMNS,
        dietary=[need.value.replace("_", "-") for need in DietaryNeed],
        upload_limit=_megabytes(csvfile.MAX_BYTES),
        past=imports.recent_imports(convening.id),
    ), status


@bp.route("/import", methods=["GET", "POST"])
@allows_upload(csvfile.MAX_BYTES + 1024 * 1024)  # the file and the rest of the form
@role_required(StaffRole.STAFF)
def index(slug: str) -> BaseResponse | tuple[str, int]:
    convening = _convening(slug)
    form = _upload_form(convening)
    if form.validate_on_submit():
        choice = form.ticket_type.data or ""
        try:
            upload = imports.check_import(
                convening,
                form.file.data.filename or "",
                form.file.data.stream.read(csvfile.MAX_BYTES + 1),
                default_ticket_type_id=int(choice) if choice.isascii() and choice.isdigit() else None,
                actor=current_actor(),
            )
        except csvfile.FileProblem as problem:
            form[problem.field].errors = [*form[problem.field].errors, problem.message]
        else:
            flash(_checked_message(upload), "success" if not upload.rows_with_errors else "error")
            return redirect(url_for(".show", slug=slug, import_id=upload.id), 303)
    return _index_page(convening, form, 422 if request.method == "POST" else 200)


def _checked_message(upload: RegistrationImport) -> str:
    if upload.rows_with_errors:
        return f"{upload.rows_with_errors:,} of {upload.rows_total:,} rows need fixing; nothing was imported."
    return f"Checked {upload.filename}: {upload.rows_ready:,} registrations are ready to import."


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error: RequestEntityTooLarge) -> tuple[str, int]:
    """Past the upload limit: the upload page again, with the size beside the file field.

    The limit trips before the route's role check has run, so anyone else gets the plain error page.
    """
    convening = by_slug((request.view_args or {}).get("slug", ""))
    if (
        convening is None
        or not current_user.is_authenticated
        or not current_user.role.allows(StaffRole.STAFF)
    ):
        return render_template("errors/http.html", error=error), 413
    form = _upload_form(convening, formdata=None)
    form.file.errors = [
        f"This file is over {_megabytes(csvfile.MAX_BYTES)}, the most that can be uploaded. Split it into "
        "smaller files, or remove the columns that are not needed."
    ]
    return _index_page(convening, form, 413)


@bp.get("/import/template.csv")
@role_required(StaffRole.STAFF)
def template(slug: str) -> Response:
    convening = _convening(slug)
    return _csv_response(csvfile.write_csv(imports.template_rows(convening)), "registrations-template.csv")


@bp.get("/import/<int:import_id>")
@role_required(StaffRole.STAFF)
def show(slug: str, import_id: int) -> str:
    convening, upload = _import(slug, import_id)
    problems = upload.report.get("rows", [])
    pages = max(1, -(-len(problems) // PROBLEMS_PER_PAGE))
    page = min(parse_page(request.args.get("page")), pages)
    return render_template(
        "registration/imports/show.html",
        convening=convening,
        upload=upload,
        report=upload.report,
        problems=problems[(page - 1) * PROBLEMS_PER_PAGE : page * PROBLEMS_PER_PAGE],
        page=page,
        pages=pages,
        run_form=RunForm(),
        can_run=upload.status == ImportStatus.CHECKED and not upload.rows_with_errors and upload.rows_ready,
    )


@bp.post("/import/<int:import_id>/run")
@role_required(StaffRole.STAFF)
def run(slug: str, import_id: int) -> BaseResponse:
    convening, upload = _import(slug, import_id)
    form = RunForm()
    if upload.status != ImportStatus.CHECKED or upload.rows_with_errors or not upload.rows_ready:
        flash("This import cannot be run: see below why.", "error")
        return redirect(url_for(".show", slug=slug, import_id=upload.id), 303)
    actor = current_actor()
    job = jobs.start(
        "registration_import",
        imports.run_import_job,
        upload.id,
        form.send_emails.data,
        actor.label,
        actor.staff_id,
        convening_id=convening.id,
        created_by_id=actor.staff_id,
    )
    flash(f"Importing {upload.rows_ready:,} registrations from {upload.filename}.", "info")
    return redirect(url_for("jobs.show", job_id=job.id), 303)


@bp.post("/import/<int:import_id>/discard")
@role_required(StaffRole.STAFF)
def discard(slug: str, import_id: int) -> BaseResponse:
    _, upload = _import(slug, import_id)
    try:
        imports.discard_import(upload, actor=current_actor())
    except imports.ImportRefused as refusal:
        flash(str(refusal), "error")
        return redirect(url_for(".show", slug=slug, import_id=upload.id), 303)
    flash(f"Discarded {upload.filename}. Nothing from it was imported.", "success")
    return redirect(url_for(".index", slug=slug), 303)


@bp.get("/registrations.csv")
@role_required(StaffRole.STAFF)
def export(slug: str) -> Response:
    """Every registration that matches the list's search and filters (q, status, ticket_type)."""
    convening = _convening(slug)
    search = RegistrationSearchForm(request.args, convening.ticket_types)
    search.validate()
    wanted = search.wanted()
    imports.record_export(convening, wanted, actor=current_actor())
    filename = f"{slug}-registrations-{convening.local(utcnow()):%Y-%m-%d}.csv"
    return _csv_response(csvfile.write_csv(imports.export_rows(convening, wanted)), filename)


def _csv_response(chunks: Iterable[str], filename: str) -> Response:
    """A download that is never cached: it holds personal data.

    Built whole before sending (about 1 MB for 2,000 people) rather than streamed, so no database
    transaction stays open for as long as a slow connection takes to download it.
    """
    response = Response("".join(chunks), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
