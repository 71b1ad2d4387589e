"""Staff manage speakers: their details, photos and links.

Each handler loads the convening and the speaker (another convening's speaker is a 404), checks the role,
calls one service from program.speakers, then redirects with a message or renders the form with each
problem beside its field.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response

from convening.accounts.access import current_actor, owned_or_404, role_required
from convening.accounts.models import StaffRole
from convening.audit.services import history
from convening.convenings.models import Convening
from convening.convenings.services import by_slug
from convening.forms import show_problems
from convening.images.processing import megabytes
from convening.images.services import MAX_UPLOAD_BODY, MAX_UPLOAD_BYTES
from convening.images.views import image_too_large
from convening.problems import Refused
from convening.program import speakers
from convening.program.agenda import speaker_sessions
from convening.program.models import Speaker
from convening.program.services import slot_name
from convening.program.speakers_forms import SpeakerForm
from convening.scheduling import timetabling
from convening.scheduling.seats import breakout_slots
from convening.uploads import allows_upload

bp = Blueprint("speakers_console", __name__, url_prefix="/staff/c/<slug:slug>/speakers")
bp.register_error_handler(RequestEntityTooLarge, image_too_large)


def _convening(slug: str) -> Convening:
    return by_slug(slug) or abort(404)


def _offer_slots(convening: Convening, form: SpeakerForm, speaker: Speaker | None) -> None:
    """The breakout slots as "Can make" boxes: all ticked for a new speaker, as stored for one saved."""
    slots = breakout_slots(convening.id)
    choices = [(slot.id, slot_name(convening, slot)) for slot in slots]
    if request.method == "POST":
        form.offer_slots(choices)
    else:
        away = timetabling.unavailable_slots(speaker) if speaker else set()
        form.offer_slots(choices, {slot.id for slot in slots} - away)


def _save_availability(convening: Convening, form: SpeakerForm, speaker: Speaker) -> bool:
    can_make = form.availability()
    if can_make is None:
        return False
    return timetabling.set_availability(convening, speaker, can_make, actor=current_actor())


def _form_page(convening: Convening, form: SpeakerForm, speaker: Speaker | None) -> tuple[str, int]:
    """The speaker form; after a refused POST, a chosen photo has to be chosen again (browsers drop it)."""
    refused = request.method == "POST"
    return render_template(
        "program/console/speakers_edit.html",
        convening=convening,
        form=form,
        speaker=speaker,
        appearances=speaker_sessions(speaker, unscheduled=True) if speaker else [],
        history=history("speaker", speaker.id) if speaker else [],
        choose_again=refused and form.photo.data is not None and not form.photo.errors,
        largest=megabytes(MAX_UPLOAD_BYTES),
    ), 422 if refused else 200


@bp.get("/")
@role_required(StaffRole.STAFF)
def index(slug: str) -> str:
    convening = _convening(slug)
    query = request.args.get("q", "")[:200]
    return render_template(
        "program/console/speakers.html",
        convening=convening,
        speakers=speakers.speakers_of(convening.id, query),
        query=query,
    )


@bp.route("/new", methods=["GET", "POST"])
@allows_upload(MAX_UPLOAD_BODY)
@role_required(StaffRole.STAFF)
def new(slug: str) -> Response | tuple[str, int]:
    convening = _convening(slug)
    form = SpeakerForm()
    _offer_slots(convening, form, None)
    if form.validate_on_submit():
        try:
            speaker = speakers.create_speaker(
                convening, form.details(), actor=current_actor(), photo=form.photo.upload()
            )
        except Refused as error:
            show_problems(form, error)
        else:
            _save_availability(convening, form, speaker)
            flash(f"Added the speaker {speaker.name}.", "success")
            return redirect(url_for(".edit", slug=slug, speaker_id=speaker.id), 303)
    return _form_page(convening, form, None)


@bp.route("/<int:speaker_id>", methods=["GET", "POST"])
@allows_upload(MAX_UPLOAD_BODY)
@role_required(StaffRole.STAFF)
def edit(slug: str, speaker_id: int) -> Response | tuple[str, int]:
    convening = _convening(slug)
    speaker = owned_or_404(Speaker, convening.id, speaker_id)
    form = SpeakerForm() if request.method == "POST" else SpeakerForm.of(speaker)
    _offer_slots(convening, form, speaker)
    if form.validate_on_submit():
        try:
            changed = speakers.update_speaker(
                speaker,
                form.details(),
                actor=current_actor(),
                photo=form.photo.upload(),
                remove_photo=form.remove_photo.data,
            )
            changed = _save_availability(convening, form, speaker) or changed
        except Refused as error:
            show_problems(form, error)
        else:
            flash(
                f"Saved {speaker.name}." if changed else "Nothing was changed.",
                "success" if changed else "info",
            )
            return redirect(url_for(".edit", slug=slug, speaker_id=speaker.id), 303)
    return _form_page(convening, form, speaker)


@bp.route("/<int:speaker_id>/delete", methods=["GET", "POST"])
@role_required(StaffRole.STAFF)
def delete(slug: str, speaker_id: int) -> Response | str:
    convening = _convening(slug)
    speaker = owned_or_404(Speaker, convening.id, speaker_id)
    if request.method == "POST":  # CSRFProtect has checked the token
        name = speaker.name
        count = speakers.delete_speaker(speaker, actor=current_actor())
        taken_off = f" and took them off {count} {'session' if count == 1 else 'sessions'}" if count else ""
        flash(f"Deleted the speaker {name}{taken_off}.", "success")
        return redirect(url_for(".index", slug=slug), 303)
    return render_template(
        "program/console/speakers_delete.html",
        convening=convening,
        speaker=speaker,
        appearances=speaker_sessions(speaker, unscheduled=True),
    )
