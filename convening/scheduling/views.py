"""Attendees' breakout workshops, from their private link: pick one per slot, wait for a full one, or rank
choices until the slot's deadline; and star the workshops they would like before the timetable is set."""

from __future__ import annotations

from collections.abc import Callable

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)

from convening.convenings.models import Convening
from convening.convenings.services import by_slug
from convening.extensions import db
from convening.forms import show_problems
from convening.problems import Refused
from convening.program.ics import agenda_calendar
from convening.program.models import TimeSlot
from convening.registration import services as registration_services
from convening.registration.models import Registration
from convening.scheduling import choices, seats
from convening.scheduling.forms import ChoicesForm, _workshop_id
from convening.sqltypes import utcnow
from convening.urls import external_url

bp = Blueprint("workshops", __name__, url_prefix="/c/<slug:slug>/r/<secret:secret>/workshops")


def _registration(slug: str, secret: str) -> tuple[Convening, Registration]:
    convening = by_slug(slug) or abort(404)
    return convening, registration_services.registration_by_secret(convening, secret) or abort(404)


def _private(response: Response) -> Response:
    """The page's address is the person's secret link: never cached, never indexed."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _choices_form(line: choices.SlotLine, formdata: object = None) -> ChoicesForm:
    form = ChoicesForm(formdata=formdata, prefix=f"slot-{line.slot.id}")
    form.offer([(item.workshop.id, item.workshop.title) for item in line.workshops])
    if formdata is None:
        for name, workshop_id in zip(choices.RANKS, line.choices, strict=True):
            form[name].data = workshop_id
    return form


def _page(
    convening: Convening,
    registration: Registration,
    *,
    posted: tuple[int, ChoicesForm] | None = None,
    status: int = 200,
) -> Response:
    lines = choices.slot_lines(registration, speakers=True)
    forms = {line.slot.id: _choices_form(line) for line in lines if not line.first_come}
    if posted is not None:
        forms[posted[0]] = posted[1]
    page = render_template(
        "scheduling/workshops.html",
        convening=convening,
        registration=registration,
        lines=lines,
        forms=forms,
        why_not=choices.why_not(registration),
    )
    return _private(make_response(page, status))


def _back(slug: str, secret: str, anchor: str = "") -> Response:
    return redirect(url_for(".index", slug=slug, secret=secret) + anchor, 303)


def _posted_workshop() -> int | None:
    return _workshop_id(request.form.get("workshop"))


@bp.get("")
def index(slug: str, secret: str) -> Response:
    convening, registration = _registration(slug, secret)
    return _page(convening, registration)


@bp.post("/choices/<int:slot_id>")
def save_choices(slug: str, secret: str, slot_id: int) -> Response:
    convening, registration = _registration(slug, secret)
    slot = db.session.get(TimeSlot, slot_id)
    if slot is None or slot.convening_id != convening.id:
        abort(404)
    line = next((line for line in choices.slot_lines(registration) if line.slot.id == slot.id), None)
    if line is None or not line.ranked:
        abort(404)
    form = _choices_form(line, request.form)
    if form.validate():
        try:
            choices.save_choices(registration, slot, form.ranked())
        except Refused as error:
            show_problems(form, error)
        else:
            flash(f"Your choices for {slot.label or 'this slot'} are saved.", "success")
            return _back(slug, secret, f"#slot-{slot.id}")
    return _page(convening, registration, posted=(slot.id, form), status=422)


Action = Callable[[Registration, int | None], tuple[str, str] | None]


def _workshop_action(slug: str, secret: str, act: Action) -> Response:
    """Run an attendee's seat, waiting or star action on the posted workshop; refused: the page, with why."""
    convening, registration = _registration(slug, secret)
    try:
        message = act(registration, _posted_workshop())
    except Refused as error:
        for problem in error.problems.values():
            flash(problem, "error")
        return _page(convening, registration, status=422)
    if message:
        flash(message[1], message[0])
    return _back(slug, secret, f"#workshop-{_posted_workshop()}")


def _take(registration: Registration, workshop_id: int | None) -> tuple[str, str]:
    seat = choices.take_seat(registration, workshop_id)
    if seat is None:
        return "error", "That workshop just filled up. Join its waiting list, or choose another workshop."
    return "success", "Your seat is confirmed. We've emailed you its time and room."


def _wait(registration: Registration, workshop_id: int | None) -> tuple[str, str]:
    position = choices.join_waiting_list(registration, workshop_id)
    return "success", f"You are {ordinal(position)} on the waiting list. We'll email you if a seat opens."


def _leave(registration: Registration, workshop_id: int | None) -> tuple[str, str] | None:
    if choices.leave(registration, workshop_id):
        return "success", "Done: your place is given up."
    return None


def _star(registration: Registration, workshop_id: int | None) -> None:
    choices.star(registration, workshop_id)
    return None


def _unstar(registration: Registration, workshop_id: int | None) -> None:
    choices.unstar(registration, workshop_id)
    return None


@bp.post("/seat")
def take_seat(slug: str, secret: str) -> Response:
    return _workshop_action(slug, secret, _take)


@bp.post("/wait")
def join_waiting_list(slug: str, secret: str) -> Response:
    return _workshop_action(slug, secret, _wait)


@bp.post("/leave")
def leave(slug: str, secret: str) -> Response:
    return _workshop_action(slug, secret, _leave)


@bp.post("/star")
def star(slug: str, secret: str) -> Response:
    return _workshop_action(slug, secret, _star)


@bp.post("/unstar")
def unstar(slug: str, secret: str) -> Response:
    return _workshop_action(slug, secret, _unstar)


@bp.get("/calendar.ics")
def calendar(slug: str, secret: str) -> Response:
    """The person's own program for their calendar app: the shared sessions and their workshops."""
    convening, registration = _registration(slug, secret)
    body = agenda_calendar(
        convening,
        seats.personal_program(registration),
        base_url=current_app.config["PUBLIC_URL"],
        session_url=lambda item: external_url("program.session", slug=convening.slug, session_id=item.id),
        stamp=utcnow(),
        name=f"My program · {convening.name}",
    )
    response = Response(body, mimetype="text/calendar")
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Disposition"] = f'attachment; filename="{convening.slug}-my-program.ics"'
    return response


@bp.app_template_filter()
def ordinal(number: int) -> str:
    """'1st', '2nd', '3rd', '11th', '23rd'."""
    if 10 <= number % 100 <= 20:
        return f"{number}th"
    return f"{number}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(number % 10, 'th') }"


@bp.app_template_global()
def breakout_lines(registration: Registration) -> list[choices.SlotLine]:
    """The person's breakout slots for their manage page (empty when the convening has none)."""
    return choices.slot_lines(registration)
