"""Staff build the program: rooms, tracks, time slots and sessions, and who speaks in each session.

Every handler has the same shape: load the convening and the row (another convening's row is a 404), check
the role, call one service, then redirect with a message or render the form again (422) with each problem
beside its field. Deleting asks first, on a page that says what happens to the sessions concerned.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from convening.accounts.access import current_actor, owned_or_404, role_required
from convening.accounts.models import StaffRole
from convening.audit.services import history
from convening.convenings.models import Convening
from convening.convenings.services import by_slug
from convening.extensions import db
from convening.forms import move_as_posted, show_problems
from convening.problems import Refused
from convening.program import services
from convening.program.console_forms import (
    RoomForm,
    SessionForm,
    SessionSpeakerForm,
    SlotForm,
    SpeakerRoleForm,
    TrackForm,
)
from convening.program.models import ProgramSession, Room, SessionSpeaker, TimeSlot, Track
from convening.scheduling.timetabling import set_pinned

bp = Blueprint("program_console", __name__, url_prefix="/staff/c/<slug:slug>/program")


def _convening(slug: str) -> Convening:
    return by_slug(slug) or abort(404)


def _status() -> int:
    """A form shown again after a POST was refused: 422; the first showing: 200."""
    return 422 if request.method == "POST" else 200


def _saved(changed: bool, what: str) -> None:
    if changed:
        flash(f"Saved {what}.", "success")
    else:
        flash(f"Nothing changed in {what}.", "info")


def _link(endpoint: str, **values: Any) -> str | None:
    """A link to a page another part of the console provides, once that page exists in this build."""
    return url_for(endpoint, **values) if endpoint in current_app.view_functions else None


def _titles(sessions: list[ProgramSession]) -> str:
    return ", ".join(f"“{session.title}”" for session in sessions)


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def _index(convening: Convening, anchor: str | None = None) -> Response:
    return redirect(url_for(".index", slug=convening.slug, _anchor=anchor), 303)


@bp.get("/")
@role_required(StaffRole.STAFF)
def index(slug: str) -> str:
    convening = _convening(slug)
    return render_template(
        "program/console/index.html",
        convening=convening,
        overview=services.program_overview(convening),
        grid_url=_link("program_grid.index", slug=slug),
        speakers_url=_link("speakers_console.index", slug=slug),
    )


# --- rooms, tracks and time slots -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Part:
    """What differs between rooms, tracks and time slots; their add, edit, move and delete pages share a flow.

    `key` names the endpoints ("room_new", "room_edit"...), the id in the URL ("room_id"), the template's
    variable and the program page's anchor ("room-12").
    """

    key: str
    path: str
    what: str  # how messages name one: "room", "time slot"
    model: type[Room] | type[Track] | type[TimeSlot]
    subject_type: str
    new_form: Callable[[Convening, Any], FlaskForm]  # (convening, row or None): for a POST or a new row
    row_form: Callable[[Convening, Any], FlaskForm]  # the row's values, for the first showing
    add: Callable[..., Any]
    update: Callable[..., bool]
    delete: Callable[..., list[ProgramSession]]
    sessions: Callable[[Any], list[ProgramSession]]
    label: Callable[[Convening, Any], str]  # in "Saved the room …"
    full_name: Callable[[Convening, Any], str]  # in "Added / Deleted the room …"
    effect: str  # what deleting does to its sessions
    empty: str
    orphaned: Callable[[list[ProgramSession]], str]  # said after deleting, about its sessions
    deleted_anchor: Callable[[list[ProgramSession]], str]
    move: Callable[..., bool] | None = None


def _new(part: _Part, slug: str) -> Response | tuple[str, int]:
    convening = _convening(slug)
    form = part.new_form(convening, None)
    if form.validate_on_submit():
        try:
            row = part.add(convening, form.details(), actor=current_actor())
        except Refused as error:
            show_problems(form, error)
        else:
            flash(f"Added the {part.what} {part.full_name(convening, row)}.", "success")
            return _index(convening, f"{part.key}-{row.id}")
    return render_template(
        f"program/console/{part.key}.html", convening=convening, form=form, **{part.key: None}
    ), _status()


def _edit(part: _Part, slug: str, row_id: int) -> Response | tuple[str, int]:
    convening = _convening(slug)
    row = owned_or_404(part.model, convening.id, row_id)
    form = part.new_form(convening, row) if request.method == "POST" else part.row_form(convening, row)
    if form.validate_on_submit():
        try:
            changed = part.update(convening, row, form.details(), actor=current_actor())
        except Refused as error:
            show_problems(form, error)
        else:
            _saved(changed, f"the {part.what} {part.label(convening, row)}")
            return _index(convening, f"{part.key}-{row.id}")
    return render_template(
        f"program/console/{part.key}.html",
        convening=convening,
        form=form,
        sessions=part.sessions(row),
        history=history(part.subject_type, row.id),
        **{part.key: row},
    ), _status()


def _move(part: _Part, slug: str, row_id: int) -> Response:
    convening = _convening(slug)
    row = owned_or_404(part.model, convening.id, row_id)
    if part.move is not None:
        move_row = part.move
        move_as_posted(lambda offset: move_row(convening, row, offset, actor=current_actor()))
    return _index(convening, f"{part.key}-{row.id}")


def _delete(part: _Part, slug: str, row_id: int) -> Response | str:
    """Ask first, saying what happens to the sessions concerned; then delete and say which they were."""
    convening = _convening(slug)
    row = owned_or_404(part.model, convening.id, row_id)
    name = part.full_name(convening, row)
    if request.method == "POST":
        sessions = part.delete(convening, row, actor=current_actor())
        message = f"Deleted the {part.what} {name}."
        if sessions:
            message += part.orphaned(sessions)
        flash(message, "success")
        return _index(convening, part.deleted_anchor(sessions))
    return render_template(
        "program/console/delete.html",
        convening=convening,
        what=part.what,
        name=name,
        sessions=part.sessions(row),
        effect=part.effect,
        empty=part.empty,
        back_url=url_for(f".{part.key}_edit", slug=slug, **{f"{part.key}_id": row.id}),
    )


def _register(part: _Part) -> None:
    """The part's routes: /rooms/new, /rooms/<room_id>, /rooms/<room_id>/move and /rooms/<room_id>/delete."""
    staff = role_required(StaffRole.STAFF)
    row = f"/{part.path}/<int:{part.key}_id>"
    id_name = f"{part.key}_id"

    def new(slug: str) -> Response | tuple[str, int]:
        return _new(part, slug)

    def edit(slug: str, **ids: int) -> Response | tuple[str, int]:
        return _edit(part, slug, ids[id_name])

    def move(slug: str, **ids: int) -> Response:
        return _move(part, slug, ids[id_name])

    def delete(slug: str, **ids: int) -> Response | str:
        return _delete(part, slug, ids[id_name])

    bp.add_url_rule(f"/{part.path}/new", f"{part.key}_new", staff(new), methods=["GET", "POST"])
    bp.add_url_rule(row, f"{part.key}_edit", staff(edit), methods=["GET", "POST"])
    if part.move is not None:
        bp.add_url_rule(f"{row}/move", f"{part.key}_move", staff(move), methods=["POST"])
    bp.add_url_rule(f"{row}/delete", f"{part.key}_delete", staff(delete), methods=["GET", "POST"])


def _named(convening: Convening, row: Room | Track) -> str:
    return row.name


_register(
    _Part(
        key="room",
        path="rooms",
        what="room",
        model=Room,
        subject_type="room",
        new_form=lambda convening, room: RoomForm(),
        row_form=lambda convening, room: RoomForm.of(room),
        add=services.add_room,
        update=services.update_room,
        delete=services.delete_room,
        sessions=services.sessions_in_room,
        label=_named,
        full_name=_named,
        effect="These sessions keep their time slot but will have no room until you place them in another:",
        empty="No sessions are in this room.",
        orphaned=lambda sessions: (
            f" {_count(len(sessions), 'session has', 'sessions have')} no room now: {_titles(sessions)}. "
            "Place them in another room."
        ),
        deleted_anchor=lambda sessions: "rooms",
        move=services.move_room,
    )
)
_register(
    _Part(
        key="track",
        path="tracks",
        what="track",
        model=Track,
        subject_type="track",
        new_form=lambda convening, track: TrackForm(),
        row_form=lambda convening, track: TrackForm.of(track),
        add=services.add_track,
        update=services.update_track,
        delete=services.delete_track,
        sessions=services.sessions_in_track,
        label=_named,
        full_name=_named,
        effect="These sessions stay in the program, in their slot and room, without a track:",
        empty="No sessions are in this track.",
        orphaned=lambda sessions: (
            f" {_count(len(sessions), 'session has', 'sessions have')} no track now: {_titles(sessions)}."
        ),
        deleted_anchor=lambda sessions: "tracks",
        move=services.move_track,
    )
)
_register(
    _Part(
        key="slot",
        path="slots",
        what="time slot",
        model=TimeSlot,
        subject_type="time_slot",
        new_form=SlotForm,
        row_form=SlotForm.of,
        add=services.add_slot,
        update=services.update_slot,
        delete=services.delete_slot,
        sessions=services.sessions_in_slot,
        label=lambda convening, slot: services.slot_title(slot),
        full_name=services.slot_name,
        effect="These sessions will be unscheduled (they keep their room, track and speakers) until you put "
        "them in another slot:",
        empty="No sessions are in this slot.",
        orphaned=lambda sessions: (
            f" {_count(len(sessions), 'session is', 'sessions are')} unscheduled now: {_titles(sessions)}. "
            "Find them under “Unscheduled sessions”."
        ),
        deleted_anchor=lambda sessions: "unscheduled" if sessions else "schedule",
    )
)


# --- sessions ----------------------------------------------------------------------------------------------


def _session_form(convening: Convening, **kwargs: Any) -> SessionForm:
    return SessionForm(
        convening,
        services.rooms_of(convening),
        services.tracks_of(convening),
        services.slots_of(convening),
        **kwargs,
    )


def _wanted_id(name: str) -> int | None:
    """An id from the query string ("Add a session to this slot"); anything else is ignored."""
    value = request.args.get(name, "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None


@bp.route("/sessions/new", methods=["GET", "POST"])
@role_required(StaffRole.STAFF)
def session_new(slug: str) -> Response | tuple[str, int]:
    convening = _convening(slug)
    form = _session_form(
        convening, data={"time_slot_id": _wanted_id("time_slot_id"), "room_id": _wanted_id("room_id")}
    )
    if form.validate_on_submit():
        try:
            session = services.add_session(convening, form.details(), actor=current_actor())
            set_pinned(convening, session, form.pinned.data, actor=current_actor())
        except Refused as error:
            show_problems(form, error)
        else:
            flash(f"Added the session “{session.title}”. Add its speakers below.", "success")
            return _speakers_section(convening, session)
    return render_template(
        "program/console/session.html", convening=convening, form=form, session=None
    ), _status()


def _session_page(
    convening: Convening,
    session: ProgramSession,
    *,
    form: SessionForm | None = None,
    speaker_form: SessionSpeakerForm | None = None,
    role_form: tuple[SessionSpeaker, SpeakerRoleForm] | None = None,
) -> tuple[str, int]:
    """The session's page: its details, its speakers with their roles, and its history."""
    taken = {link.speaker_id for link in session.speakers}
    role_forms = {
        link.id: SpeakerRoleForm(prefix=f"speaker-{link.id}", formdata=None, data={"role": link.role.value})
        for link in session.speakers
    }
    if role_form is not None:
        role_forms[role_form[0].id] = role_form[1]
    return render_template(
        "program/console/session.html",
        convening=convening,
        session=session,
        form=form or _session_form(convening, formdata=None, data=SessionForm.values(session)),
        speaker_form=speaker_form
        or SessionSpeakerForm(
            [speaker for speaker in services.speakers_of(convening) if speaker.id not in taken], formdata=None
        ),
        role_forms=role_forms,
        speakers_url=_link("speakers_console.index", slug=convening.slug),
        history=history("session", session.id),
    ), _status()


@bp.route("/sessions/<int:session_id>", methods=["GET", "POST"])
@role_required(StaffRole.STAFF)
def session_edit(slug: str, session_id: int) -> Response | tuple[str, int]:
    convening = _convening(slug)
    session = owned_or_404(ProgramSession, convening.id, session_id)
    if request.method == "GET":
        return _session_page(convening, session)
    form = _session_form(convening)
    if form.validate_on_submit():
        try:
            changed = services.update_session(convening, session, form.details(), actor=current_actor())
            changed = set_pinned(convening, session, form.pinned.data, actor=current_actor()) or changed
        except Refused as error:
            show_problems(form, error)
        else:
            _saved(changed, f"the session “{session.title}”")
            return _index(convening, f"session-{session.id}")
    return _session_page(convening, session, form=form)


@bp.route("/sessions/<int:session_id>/delete", methods=["GET", "POST"])
@role_required(StaffRole.STAFF)
def session_delete(slug: str, session_id: int) -> Response | str:
    convening = _convening(slug)
    session = owned_or_404(ProgramSession, convening.id, session_id)
    if request.method == "POST":
        title = session.title
        services.delete_session(convening, session, actor=current_actor())
        flash(f"Deleted the session “{title}”.", "success")
        return _index(convening)
    speakers = [link.speaker.name for link in session.speakers]
    return render_template(
        "program/console/delete.html",
        convening=convening,
        what="session",
        name=session.title,
        sessions=[],
        summary=(
            f"It leaves the program and the agenda. Its speakers ({', '.join(speakers)}) stay on the "
            "speakers list."
            if speakers
            else "It leaves the program and the agenda."
        ),
        back_url=url_for(".session_edit", slug=slug, session_id=session.id),
    )


def _session_speaker(slug: str, session_id: int, link_id: int) -> tuple[Convening, SessionSpeaker]:
    convening = _convening(slug)
    session = owned_or_404(ProgramSession, convening.id, session_id)
    link = db.session.get(SessionSpeaker, link_id)
    if link is None or link.session_id != session.id:
        abort(404)
    return convening, link


def _speakers_section(convening: Convening, session: ProgramSession) -> Response:
    return redirect(
        url_for(".session_edit", slug=convening.slug, session_id=session.id, _anchor="speakers"), 303
    )


@bp.post("/sessions/<int:session_id>/speakers")
@role_required(StaffRole.STAFF)
def session_speaker_add(slug: str, session_id: int) -> Response | tuple[str, int]:
    convening = _convening(slug)
    session = owned_or_404(ProgramSession, convening.id, session_id)
    taken = {link.speaker_id for link in session.speakers}
    form = SessionSpeakerForm(
        [speaker for speaker in services.speakers_of(convening) if speaker.id not in taken]
    )
    if form.validate():
        try:
            link = services.add_speaker(
                convening, session, form.speaker_id.data, form.role.member(), actor=current_actor()
            )
        except Refused as error:
            show_problems(form, error)
        else:
            flash(f"Added {link.speaker.name} as {link.role.label.lower()}.", "success")
            return _speakers_section(convening, session)
    return _session_page(convening, session, speaker_form=form)


@bp.post("/sessions/<int:session_id>/speakers/<int:link_id>/role")
@role_required(StaffRole.STAFF)
def session_speaker_role(slug: str, session_id: int, link_id: int) -> Response | tuple[str, int]:
    convening, link = _session_speaker(slug, session_id, link_id)
    form = SpeakerRoleForm(prefix=f"speaker-{link.id}")
    if not form.validate():
        return _session_page(convening, link.session, role_form=(link, form))
    if services.change_speaker_role(convening, link, form.role.member(), actor=current_actor()):
        flash(f"{link.speaker.name} is now {link.role.label.lower()}.", "success")
    return _speakers_section(convening, link.session)


@bp.post("/sessions/<int:session_id>/speakers/<int:link_id>/move")
@role_required(StaffRole.STAFF)
def session_speaker_move(slug: str, session_id: int, link_id: int) -> Response:
    convening, link = _session_speaker(slug, session_id, link_id)
    move_as_posted(lambda offset: services.move_speaker(convening, link, offset, actor=current_actor()))
    return _speakers_section(convening, link.session)


@bp.post("/sessions/<int:session_id>/speakers/<int:link_id>/remove")
@role_required(StaffRole.STAFF)
def session_speaker_remove(slug: str, session_id: int, link_id: int) -> Response:
    convening, link = _session_speaker(slug, session_id, link_id)
    session, name = link.session, link.speaker.name
    services.remove_speaker(convening, link, actor=current_actor())
    flash(f"Took {name} off this session. They stay on the speakers list.", "success")
    return _speakers_section(convening, session)
