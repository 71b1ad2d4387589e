"""Staff manage sponsors and their tiers, in the order they are acknowledged.

Each handler loads the convening and the tier or sponsor (another convening's is a 404), checks the role,
calls one service from sponsors.services, then redirects with a message or renders the form with each
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
from convening.forms import move_as_posted, show_problems
from convening.images.processing import megabytes
from convening.images.services import MAX_UPLOAD_BODY, MAX_UPLOAD_BYTES
from convening.images.views import image_too_large
from convening.problems import Refused
from convening.sponsors import services
from convening.sponsors.console_forms import SponsorForm, SponsorTierForm
from convening.sponsors.models import Sponsor, SponsorTier
from convening.uploads import allows_upload

bp = Blueprint("sponsors_console", __name__, url_prefix="/staff/c/<slug:slug>/sponsors")
bp.register_error_handler(RequestEntityTooLarge, image_too_large)


def _convening(slug: str) -> Convening:
    return by_slug(slug) or abort(404)


@bp.get("/")
@role_required(StaffRole.STAFF)
def index(slug: str) -> str:
    convening = _convening(slug)
    return render_template(
        "sponsors/console/index.html", convening=convening, tiers=services.tiers_of(convening.id)
    )


# --- tiers --------------------------------------------------------------------------------------------


@bp.route("/tiers/new", methods=["GET", "POST"])
@role_required(StaffRole.STAFF)
def new_tier(slug: str) -> Response | tuple[str, int]:
    convening = _convening(slug)
    form = SponsorTierForm()
    if form.validate_on_submit():
        try:
            tier = services.add_tier(convening, form.name.data, actor=current_actor())
        except Refused as error:
            show_problems(form, error)
        else:
            flash(f"Added the tier {tier.name}. Add its sponsors next.", "success")
            return redirect(url_for(".index", slug=slug, _anchor=f"tier-{tier.id}"), 303)
    return render_template(
        "sponsors/console/tier.html", convening=convening, form=form, tier=None
    ), 422 if request.method == "POST" else 200


@bp.route("/tiers/<int:tier_id>", methods=["GET", "POST"])
@role_required(StaffRole.STAFF)
def edit_tier(slug: str, tier_id: int) -> Response | tuple[str, int]:
    convening = _convening(slug)
    tier = owned_or_404(SponsorTier, convening.id, tier_id)
    form = SponsorTierForm() if request.method == "POST" else SponsorTierForm(data={"name": tier.name})
    if form.validate_on_submit():
        try:
            services.rename_tier(tier, form.name.data, actor=current_actor())
        except Refused as error:
            show_problems(form, error)
        else:
            flash(f"Saved the tier {tier.name}.", "success")
            return redirect(url_for(".index", slug=slug, _anchor=f"tier-{tier.id}"), 303)
    return render_template(
        "sponsors/console/tier.html",
        convening=convening,
        form=form,
        tier=tier,
        history=history("sponsor_tier", tier.id),
    ), 422 if request.method == "POST" else 200


@bp.post("/tiers/<int:tier_id>/move")
@role_required(StaffRole.STAFF)
def move_tier(slug: str, tier_id: int) -> Response:
    convening = _convening(slug)
    tier = owned_or_404(SponsorTier, convening.id, tier_id)
    move_as_posted(lambda offset: services.move_tier(tier, offset, actor=current_actor()))
    return redirect(url_for(".index", slug=slug, _anchor=f"tier-{tier_id}"), 303)


@bp.post("/tiers/<int:tier_id>/delete")
@role_required(StaffRole.STAFF)
def delete_tier(slug: str, tier_id: int) -> Response:
    convening = _convening(slug)
    tier = owned_or_404(SponsorTier, convening.id, tier_id)
    name = tier.name
    try:
        services.delete_tier(tier, actor=current_actor())
    except Refused as error:
        flash(str(error), "error")
        return redirect(url_for(".edit_tier", slug=slug, tier_id=tier_id), 303)
    flash(f"Deleted the tier {name}.", "success")
    return redirect(url_for(".index", slug=slug), 303)


# --- sponsors -----------------------------------------------------------------------------------------


def _form_page(
    convening: Convening, form: SponsorForm, sponsor: Sponsor | None, tiers: list[SponsorTier]
) -> tuple[str, int]:
    """The sponsor form; after a refused POST, a chosen logo has to be chosen again (browsers drop it)."""
    refused = request.method == "POST"
    return render_template(
        "sponsors/console/sponsor.html",
        convening=convening,
        form=form,
        sponsor=sponsor,
        tiers=tiers,
        history=history("sponsor", sponsor.id) if sponsor else [],
        choose_again=refused and form.logo.data is not None and not form.logo.errors,
        largest=megabytes(MAX_UPLOAD_BYTES),
    ), 422 if refused else 200


@bp.route("/new", methods=["GET", "POST"])
@allows_upload(MAX_UPLOAD_BODY)
@role_required(StaffRole.STAFF)
def new(slug: str) -> Response | tuple[str, int]:
    convening = _convening(slug)
    tiers = services.tiers_of(convening.id)
    if not tiers:
        flash("Add a sponsor tier first: every sponsor belongs to one.", "info")
        return redirect(url_for(".new_tier", slug=slug), 303)
    form = SponsorForm(tiers)
    if request.method == "GET" and request.args.get("tier"):
        form.tier_id.data = request.args["tier"]
    if form.validate_on_submit():
        try:
            sponsor = services.add_sponsor(
                convening, form.details(), actor=current_actor(), logo=form.logo.upload()
            )
        except Refused as error:
            show_problems(form, error)
        else:
            flash(f"Added the sponsor {sponsor.name}.", "success")
            return redirect(url_for(".index", slug=slug, _anchor=f"sponsor-{sponsor.id}"), 303)
    return _form_page(convening, form, None, tiers)


@bp.route("/<int:sponsor_id>", methods=["GET", "POST"])
@allows_upload(MAX_UPLOAD_BODY)
@role_required(StaffRole.STAFF)
def edit(slug: str, sponsor_id: int) -> Response | tuple[str, int]:
    convening = _convening(slug)
    sponsor = owned_or_404(Sponsor, convening.id, sponsor_id)
    tiers = services.tiers_of(convening.id)
    form = SponsorForm(tiers) if request.method == "POST" else SponsorForm.of(sponsor, tiers)
    if form.validate_on_submit():
        try:
            changed = services.update_sponsor(
                sponsor,
                form.details(),
                actor=current_actor(),
                logo=form.logo.upload(),
                remove_logo=form.remove_logo.data,
            )
        except Refused as error:
            show_problems(form, error)
        else:
            flash(
                f"Saved {sponsor.name}." if changed else "Nothing was changed.",
                "success" if changed else "info",
            )
            return redirect(url_for(".index", slug=slug, _anchor=f"sponsor-{sponsor.id}"), 303)
    return _form_page(convening, form, sponsor, tiers)


@bp.post("/<int:sponsor_id>/move")
@role_required(StaffRole.STAFF)
def move(slug: str, sponsor_id: int) -> Response:
    convening = _convening(slug)
    sponsor = owned_or_404(Sponsor, convening.id, sponsor_id)
    move_as_posted(lambda offset: services.move_sponsor(sponsor, offset, actor=current_actor()))
    return redirect(url_for(".index", slug=slug, _anchor=f"sponsor-{sponsor_id}"), 303)


@bp.route("/<int:sponsor_id>/delete", methods=["GET", "POST"])
@role_required(StaffRole.STAFF)
def delete(slug: str, sponsor_id: int) -> Response | str:
    convening = _convening(slug)
    sponsor = owned_or_404(Sponsor, convening.id, sponsor_id)
    if request.method == "POST":  # CSRFProtect has checked the token
        name = sponsor.name
        services.delete_sponsor(sponsor, actor=current_actor())
        flash(f"Deleted the sponsor {name}.", "success")
        return redirect(url_for(".index", slug=slug), 303)
    return render_template("sponsors/console/delete.html", convening=convening, sponsor=sponsor)
