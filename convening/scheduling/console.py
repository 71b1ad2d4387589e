"""Staff run the breakouts: each slot's sign-up mode and deadline, workshop rosters and waiting lists, moves
and locks by hand, and the assignment of ranked choices, run as a job and published when staff agree.

Each handler loads the convening (a workshop, seat or run of another convening is a 404), checks the role and
calls one service of scheduling.assignment_runs; a refused change comes back beside its field or as a notice.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from convening.accounts.access import current_actor, owned_or_404, role_required
from convening.accounts.models import StaffRole
from convening.convenings.models import Convening
from convening.convenings.services import by_slug
from convening.extensions import db
from convening.forms import show_problems
from convening.problems import Refused
from convening.program.models import ProgramSession, SessionKind, SlotKind, TimeSlot
from convening.registration.services import registration_in
from convening.scheduling import assignment_runs as services
from convening.scheduling.console_forms import ActionForm, AddPersonForm, MoveForm, SlotForm
from convening.scheduling.models import AssignmentRun, RunStatus, WorkshopSeat
from convening.scheduling.seats import roster

bp = Blueprint("breakouts_console", __name__, url_prefix="/staff/c/<slug:slug>/breakouts")


def _convening(slug: str) -> Convening:
    return by_slug(slug) or abort(404)


def _workshop(convening: Convening, workshop_id: int) -> ProgramSession:
    workshop = owned_or_404(ProgramSession, convening.id, workshop_id)
    if workshop.kind != SessionKind.BREAKOUT or workshop.time_slot is None:
        abort(404)
    return workshop


def _slot_form(convening: Convening, slot: TimeSlot, formdata: object = None) -> SlotForm:
    """The slot's form with its values on the convening's clock (a posted one keeps what was typed)."""
    local = convening.local(slot.choices_close_at).replace(tzinfo=None) if slot.choices_close_at else None
    form = SlotForm(
        convening.zone,
        prefix=f"slot-{slot.id}",
        formdata=formdata,
        data={"signup_mode": slot.signup_mode.value, "choices_close_at": local},
    )
    return form


def _index_page(convening: Convening, posted: tuple[int, SlotForm] | None = None) -> str:
    rows = services.overview(convening)
    forms = {row.slot.id: _slot_form(convening, row.slot) for row in rows}
    if posted is not None:
        forms[posted[0]] = posted[1]
    return render_template(
        "scheduling/console/index.html",
        convening=convening,
        rows=rows,
        slot_forms=forms,
        action=ActionForm(),
        runs=services.recent_runs(convening.id),
    )


@bp.get("/")
@role_required(StaffRole.STAFF)
def index(slug: str) -> str:
    return _index_page(_convening(slug))


@bp.post("/slots/<int:slot_id>")
@role_required(StaffRole.STAFF)
def slot(slug: str, slot_id: int) -> Response | tuple[str, int]:
    convening = _convening(slug)
    chosen = owned_or_404(TimeSlot, convening.id, slot_id)
    if chosen.kind != SlotKind.BREAKOUT:
        abort(404)
    form = _slot_form(convening, chosen, formdata=request.form)
    if form.validate():
        try:
            changed = services.update_slot(
                convening, chosen, mode=form.mode(), deadline=form.deadline(), actor=current_actor()
            )
        except Refused as error:
            db.session.rollback()
            show_problems(form, error)
        else:
            name = services.slot_name(convening, chosen)
            flash(f"{name} is saved." if changed else f"Nothing changed in {name}.", "success")
            return redirect(url_for(".index", slug=slug, _anchor=f"slot-{chosen.id}"), 303)
    return _index_page(convening, (chosen.id, form)), 422


# --- a workshop's roster --------------------------------------------------------------------------------


def _roster_page(
    convening: Convening, workshop: ProgramSession, add_form: AddPersonForm | None = None
) -> str:
    seated, waiting = roster(workshop)
    others = [
        w
        for w in services.workshops_by_slot([workshop.time_slot_id]).get(workshop.time_slot_id, [])  # type: ignore[list-item]
        if w.id != workshop.id
    ]
    query = request.args.get("q", "")[:200]
    found = services.find_people(convening.id, query) if query else []
    people = {
        seat.registration_id: registration_in(convening.id, seat.registration_id) for seat in seated + waiting
    }
    return render_template(
        "scheduling/console/workshop.html",
        convening=convening,
        workshop=workshop,
        slot_name=services.slot_name(convening, workshop.time_slot),  # type: ignore[arg-type]
        capacity=workshop.effective_capacity,
        seated=seated,
        waiting=waiting,
        people=people,
        others=others,
        add_form=add_form or AddPersonForm(formdata=None),
        action=ActionForm(),
        query=query,
        found=found,
        found_in=services.slot_of_seats([r.id for r in found], workshop.time_slot_id),  # type: ignore[arg-type]
        titles={w.id: w.title for w in others},
    )


@bp.get("/workshops/<int:workshop_id>")
@role_required(StaffRole.STAFF)
def workshop(slug: str, workshop_id: int) -> str:
    convening = _convening(slug)
    return _roster_page(convening, _workshop(convening, workshop_id))


@bp.post("/workshops/<int:workshop_id>/add")
@role_required(StaffRole.STAFF)
def add(slug: str, workshop_id: int) -> Response | tuple[str, int]:
    convening = _convening(slug)
    chosen = _workshop(convening, workshop_id)
    form = AddPersonForm()
    if form.validate():
        registration = registration_in(convening.id, form.registration.data)
        if registration is None:
            form.registration.errors = [
                f"No registration {form.registration.data} in {convening.name}. "
                "Check the number, or search by name."
            ]
        else:
            try:
                services.staff_add(chosen, registration, actor=current_actor())
            except Refused as error:
                show_problems(form, error)
            else:
                flash(f"{registration.full_name} has a seat in {chosen.title}.", "success")
                return redirect(url_for(".workshop", slug=slug, workshop_id=chosen.id), 303)
    return _roster_page(convening, chosen, form), 422


def _seat(convening: Convening, seat_id: int) -> WorkshopSeat:
    return owned_or_404(WorkshopSeat, convening.id, seat_id)


def _back(slug: str, workshop_id: int) -> Response:
    return redirect(url_for(".workshop", slug=slug, workshop_id=workshop_id), 303)


def _refused(error: Refused) -> None:
    flash(" ".join(error.problems.values()), "error")


@bp.post("/seats/<int:seat_id>/move")
@role_required(StaffRole.STAFF)
def move(slug: str, seat_id: int) -> Response:
    convening = _convening(slug)
    seat = _seat(convening, seat_id)
    origin = seat.session_id
    workshop = _workshop(convening, origin)
    others = [w for w in services.workshops_by_slot([seat.time_slot_id])[seat.time_slot_id] if w.id != origin]
    form = MoveForm(others)
    if not form.validate():
        flash(" ".join(form.workshop.errors) or "This form expired. Try again.", "error")
        return _back(slug, origin)
    target = next((w for w in others if w.id == form.workshop_id()), None)
    if target is None:
        flash(f"Choose another workshop of {services.slot_name(convening, workshop.time_slot)}.", "error")  # type: ignore[arg-type]
        return _back(slug, origin)
    registration = registration_in(convening.id, seat.registration_id)
    try:
        services.staff_move(seat, target, actor=current_actor())
    except Refused as error:
        _refused(error)
    else:
        flash(f"{registration.full_name} moved to {target.title}.", "success")  # type: ignore[union-attr]
    return _back(slug, origin)


@bp.post("/seats/<int:seat_id>/remove")
@role_required(StaffRole.STAFF)
def remove(slug: str, seat_id: int) -> Response:
    convening = _convening(slug)
    seat = _seat(convening, seat_id)
    origin = seat.session_id
    if not ActionForm().validate():
        flash("This form expired. Try again.", "error")
        return _back(slug, origin)
    name = registration_in(convening.id, seat.registration_id).full_name  # type: ignore[union-attr]
    promoted = services.staff_remove(seat, actor=current_actor())
    message = f"{name} is out of this workshop."
    if promoted:
        names = ", ".join(
            registration_in(convening.id, p.registration_id).full_name  # type: ignore[union-attr]
            for p in promoted
        )
        message += f" From the waiting list, now seated and emailed: {names}."
    flash(message, "success")
    return _back(slug, origin)


@bp.post("/seats/<int:seat_id>/lock")
@role_required(StaffRole.STAFF)
def lock(slug: str, seat_id: int) -> Response:
    convening = _convening(slug)
    seat = _seat(convening, seat_id)
    locked = request.form.get("locked") == "1"
    if ActionForm().validate():
        try:
            services.staff_lock(seat, locked, actor=current_actor())
        except Refused as error:
            _refused(error)
        else:
            name = registration_in(convening.id, seat.registration_id).full_name  # type: ignore[union-attr]
            flash(
                f"{name} is locked here: a new run of the assignment keeps them."
                if locked
                else f"{name} is unlocked: a new run of the assignment may move them.",
                "success",
            )
    return _back(slug, seat.session_id)


# --- the assignment ---------------------------------------------------------------------------------------


@bp.post("/run")
@role_required(StaffRole.STAFF)
def run_assignment(slug: str) -> Response:
    convening = _convening(slug)
    if not ActionForm().validate():
        flash("This form expired. Try again.", "error")
        return redirect(url_for(".index", slug=slug), 303)
    try:
        _, job_id = services.start_run(convening, actor=current_actor())
    except Refused as error:
        _refused(error)
        return redirect(url_for(".index", slug=slug), 303)
    return redirect(url_for("jobs.show", job_id=job_id), 303)


@bp.get("/runs/<int:run_id>")
@role_required(StaffRole.STAFF)
def run(slug: str, run_id: int) -> str:
    convening = _convening(slug)
    shown = owned_or_404(AssignmentRun, convening.id, run_id)
    titles = {w["workshop_id"]: w["title"] for w in (shown.report or {}).get("workshops", [])}
    return render_template(
        "scheduling/console/run.html",
        convening=convening,
        run=shown,
        titles=titles,
        stale=services.stale_reason(shown) if shown.status == RunStatus.DRAFT else None,
        action=ActionForm(),
    )


@bp.post("/runs/<int:run_id>/publish")
@role_required(StaffRole.STAFF)
def publish(slug: str, run_id: int) -> Response:
    convening = _convening(slug)
    chosen = owned_or_404(AssignmentRun, convening.id, run_id)
    if not ActionForm().validate():
        flash("This form expired. Try again.", "error")
        return redirect(url_for(".run", slug=slug, run_id=run_id), 303)
    try:
        job_id = services.start_publish(chosen, actor=current_actor())
    except Refused as error:
        _refused(error)
        return redirect(url_for(".run", slug=slug, run_id=run_id), 303)
    return redirect(url_for("jobs.show", job_id=job_id), 303)
